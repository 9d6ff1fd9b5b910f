/*
 * Host tests for the TLB maintenance policy (vmx/tlb.c) and the VPID
 * allocator (vmx/vpid.c): a fake tlb_env records each INVEPT and INVVPID
 * with its type and operand, and each test plays a sequence of events (a new
 * EPTP's first entry on each CPU, a domain destroyed and a new one on the
 * same EPT root, migration, VPID reuse, an unmap) under several capability
 * sets, checking exactly which flushes come out.
 */
#include <string.h>

#include "check.h"
#include "hw/invalidate.h"
#include "hw/msr.h"
#include "vmx/tlb.h"
#include "vmx/vpid.h"

#define EPTP_A 0x1234501eULL   /* WB, 4-level, root 0x12345000 */
#define EPTP_B 0x0777701eULL
#define MAX_CALLS 32

enum insn { INVEPT, INVVPID };
struct call { enum insn insn; uint64_t type, operand; };

struct recorder {
	struct call calls[MAX_CALLS];
	unsigned n, seen;        /* recorded; already checked by expect() */
};

static void fake_invept(void *ctx, uint64_t type, uint64_t eptp)
{
	struct recorder *r = ctx;
	if (r->n < MAX_CALLS)
		r->calls[r->n] = (struct call){ INVEPT, type, eptp };
	r->n++;
}

static void fake_invvpid(void *ctx, uint64_t type, uint16_t vpid)
{
	struct recorder *r = ctx;
	if (r->n < MAX_CALLS)
		r->calls[r->n] = (struct call){ INVVPID, type, vpid };
	r->n++;
}

static struct recorder rec;
static struct tlb_caps caps;
static const struct tlb_env env = { &caps, fake_invept, fake_invvpid, &rec };

#define ALL_CAPS (EPT_CAP_INVEPT | EPT_CAP_INVEPT_SINGLE | EPT_CAP_INVEPT_ALL | VPID_CAP_INVVPID | \
                  VPID_CAP_INVVPID_ADDR | VPID_CAP_INVVPID_SINGLE | VPID_CAP_INVVPID_ALL | \
                  VPID_CAP_INVVPID_SINGLE_GLOBALS)

static void reset(uint64_t cap)
{
	memset(&rec, 0, sizeof rec);
	caps = tlb_caps_choose(cap);
}

/* The next recorded call is exactly this one. */
#define expect(insn_, type_, operand_) do { \
	CHECK(rec.seen < rec.n); \
	if (rec.seen < rec.n && rec.seen < MAX_CALLS) { \
		CHECK_EQ(rec.calls[rec.seen].insn, insn_); \
		CHECK_EQ(rec.calls[rec.seen].type, type_); \
		CHECK_EQ(rec.calls[rec.seen].operand, operand_); \
	} \
	rec.seen++; } while (0)
/* Nothing was recorded beyond what was expected. */
#define expect_none() CHECK_EQ(rec.n, rec.seen)

static void test_caps_choose(void)
{
	struct tlb_caps c = tlb_caps_choose(ALL_CAPS);
	CHECK_EQ(c.invept_type, INVEPT_TYPE_SINGLE_CONTEXT);
	CHECK_EQ(c.invvpid_type, INVVPID_TYPE_SINGLE_CONTEXT);

	c = tlb_caps_choose(ALL_CAPS & ~(EPT_CAP_INVEPT_SINGLE | VPID_CAP_INVVPID_SINGLE));
	CHECK_EQ(c.invept_type, INVEPT_TYPE_ALL_CONTEXT);
	CHECK_EQ(c.invvpid_type, INVVPID_TYPE_ALL_CONTEXT);

	/* Types without the instruction itself count for nothing. */
	c = tlb_caps_choose(ALL_CAPS & ~(EPT_CAP_INVEPT | VPID_CAP_INVVPID));
	CHECK_EQ(c.invept_type, TLB_TYPE_NONE);
	CHECK_EQ(c.invvpid_type, TLB_TYPE_NONE);

	/* Individual-address and retaining-globals leave translations behind: not enough. */
	c = tlb_caps_choose(EPT_CAP_INVEPT | VPID_CAP_INVVPID | VPID_CAP_INVVPID_ADDR | VPID_CAP_INVVPID_SINGLE_GLOBALS);
	CHECK_EQ(c.invept_type, TLB_TYPE_NONE);
	CHECK_EQ(c.invvpid_type, TLB_TYPE_NONE);

	c = tlb_caps_choose(0);
	CHECK_EQ(c.invept_type, TLB_TYPE_NONE);
	CHECK_EQ(c.invvpid_type, TLB_TYPE_NONE);
}

/* Rule 1: a hierarchy's first entry on each CPU flushes its EPTP there, once. */
static void test_first_entry_per_cpu(void)
{
	reset(ALL_CAPS);
	struct tlb_ept ept = { 0 };
	struct tlb_vcpu v0 = { 0 }, v1 = { 0 };
	tlb_vcpu_enter(&env, &ept, EPTP_A, &v0, 0, 0);
	expect(INVEPT, INVEPT_TYPE_SINGLE_CONTEXT, EPTP_A);
	expect_none();
	tlb_vcpu_enter(&env, &ept, EPTP_A, &v0, 0, 0);
	tlb_vcpu_enter(&env, &ept, EPTP_A, &v1, 0, 0);   /* another vCPU, same CPU */
	expect_none();
	tlb_vcpu_enter(&env, &ept, EPTP_A, &v1, 0, 3);
	expect(INVEPT, INVEPT_TYPE_SINGLE_CONTEXT, EPTP_A);
	tlb_vcpu_enter(&env, &ept, EPTP_A, &v0, 0, 3);
	expect_none();
	/* A CPU number beyond the mask is never trusted clean. */
	tlb_vcpu_enter(&env, &ept, EPTP_A, &v0, 0, 64);
	tlb_vcpu_enter(&env, &ept, EPTP_A, &v0, 0, 64);
	expect(INVEPT, INVEPT_TYPE_SINGLE_CONTEXT, EPTP_A);
	expect(INVEPT, INVEPT_TYPE_SINGLE_CONTEXT, EPTP_A);
	expect_none();
}

/* A new domain whose EPT root is the page a destroyed one had: it flushes on every CPU again. */
static void test_root_reused_by_new_domain(void)
{
	reset(ALL_CAPS);
	struct tlb_ept old = { 0 };
	struct tlb_vcpu u = { 0 };
	tlb_vcpu_enter(&env, &old, EPTP_A, &u, 5, 0);
	tlb_vcpu_enter(&env, &old, EPTP_A, &u, 5, 1);
	rec.seen = rec.n;
	/* Destroyed: nothing is flushed then (no IPI); the new domain starts from a zeroed struct domain. */
	struct tlb_ept fresh = { 0 };
	struct tlb_vcpu w = { 0 };
	tlb_vcpu_enter(&env, &fresh, EPTP_A, &w, 6, 1);
	expect(INVEPT, INVEPT_TYPE_SINGLE_CONTEXT, EPTP_A);
	expect(INVVPID, INVVPID_TYPE_SINGLE_CONTEXT, 6);
	tlb_vcpu_enter(&env, &fresh, EPTP_A, &w, 6, 0);
	expect(INVEPT, INVEPT_TYPE_SINGLE_CONTEXT, EPTP_A);
	expect(INVVPID, INVVPID_TYPE_SINGLE_CONTEXT, 6);
	expect_none();
	/* The old domain's state is not the new one's: a different root is flushed too. */
	struct tlb_ept other = { 0 };
	tlb_vcpu_enter(&env, &other, EPTP_B, &w, 6, 0);
	expect(INVEPT, INVEPT_TYPE_SINGLE_CONTEXT, EPTP_B);
	expect_none();
}

/* Rule 3: INVVPID on the destination of a move, not when it stays. */
static void test_migration(void)
{
	reset(ALL_CAPS);
	struct tlb_ept ept = { 0 };
	struct tlb_vcpu v = { 0 };
	tlb_vcpu_enter(&env, &ept, EPTP_A, &v, 9, 0);
	expect(INVEPT, INVEPT_TYPE_SINGLE_CONTEXT, EPTP_A);
	expect(INVVPID, INVVPID_TYPE_SINGLE_CONTEXT, 9);   /* its first run */
	tlb_vcpu_enter(&env, &ept, EPTP_A, &v, 9, 0);      /* back after another vCPU's turn */
	expect_none();
	tlb_vcpu_enter(&env, &ept, EPTP_A, &v, 9, 1);
	expect(INVEPT, INVEPT_TYPE_SINGLE_CONTEXT, EPTP_A);
	expect(INVVPID, INVVPID_TYPE_SINGLE_CONTEXT, 9);
	/* Back to CPU 0: what it cached there before the move may be stale now. */
	tlb_vcpu_enter(&env, &ept, EPTP_A, &v, 9, 0);
	expect(INVVPID, INVVPID_TYPE_SINGLE_CONTEXT, 9);
	expect_none();
	/* A reset guest (INIT) or a new VPID: flushed wherever it runs next, its last CPU too. */
	tlb_vcpu_forget(&v);
	tlb_vcpu_enter(&env, &ept, EPTP_A, &v, 9, 0);
	expect(INVVPID, INVVPID_TYPE_SINGLE_CONTEXT, 9);
	expect_none();
}

/* Rule 3 for a recycled VPID, through the allocator. */
static void test_vpid_reuse(void)
{
	static struct vpid_pool pool;
	memset(&pool, 0, sizeof pool);
	reset(ALL_CAPS);
	struct tlb_ept ept = { 0 };
	struct tlb_vcpu old = { 0 };
	uint16_t a = vpid_alloc(&pool);
	CHECK_EQ(a, 1);
	tlb_vcpu_enter(&env, &ept, EPTP_A, &old, a, 2);
	rec.seen = rec.n;
	vpid_free(&pool, a);
	/* Handed out in turn: the freed VPID comes back only after a wrap. */
	for (uint32_t i = 2; i < VPID_COUNT; i++)
		CHECK_EQ(vpid_alloc(&pool), i);
	uint16_t b = vpid_alloc(&pool);
	CHECK_EQ(b, a);
	struct tlb_vcpu fresh = { 0 };
	tlb_vcpu_forget(&fresh);
	tlb_vcpu_enter(&env, &ept, EPTP_A, &fresh, b, 2);   /* where the old owner ran */
	expect(INVVPID, INVVPID_TYPE_SINGLE_CONTEXT, a);
	expect_none();
}

static void test_vpid_allocator(void)
{
	static struct vpid_pool pool;
	memset(&pool, 0, sizeof pool);
	/* Every VPID but the host's, once each, then none. */
	for (uint32_t i = 1; i < VPID_COUNT; i++)
		CHECK_EQ(vpid_alloc(&pool), i);
	CHECK_EQ(vpid_alloc(&pool), VPID_HOST);
	CHECK_EQ(vpid_alloc(&pool), VPID_HOST);
	/* Freeing VPID 0 or a free VPID changes nothing; a freed one is the only one left. */
	vpid_free(&pool, VPID_HOST);
	CHECK_EQ(vpid_alloc(&pool), VPID_HOST);
	vpid_free(&pool, 300);
	vpid_free(&pool, 300);
	CHECK_EQ(vpid_alloc(&pool), 300);
	CHECK_EQ(vpid_alloc(&pool), VPID_HOST);
	/* Live VPIDs are skipped after a wrap. */
	vpid_free(&pool, 0xffff);
	vpid_free(&pool, 2);
	CHECK_EQ(vpid_alloc(&pool), 0xffff);
	CHECK_EQ(vpid_alloc(&pool), 2);
	CHECK_EQ(vpid_alloc(&pool), VPID_HOST);
}

/* Rule 2: an unmap flushes here now, and every other CPU at its next entry. */
static void test_unmap(void)
{
	reset(ALL_CAPS);
	struct tlb_ept ept = { 0 };
	struct tlb_vcpu v = { 0 };
	tlb_vcpu_enter(&env, &ept, EPTP_A, &v, 4, 0);
	tlb_vcpu_enter(&env, &ept, EPTP_A, &v, 4, 1);
	rec.seen = rec.n;
	tlb_ept_narrowed(&env, &ept, EPTP_A, 1);
	expect(INVEPT, INVEPT_TYPE_SINGLE_CONTEXT, EPTP_A);
	expect_none();
	tlb_vcpu_enter(&env, &ept, EPTP_A, &v, 4, 1);   /* flushed above; it never left CPU 1 */
	expect_none();
	tlb_vcpu_enter(&env, &ept, EPTP_A, &v, 4, 0);
	expect(INVEPT, INVEPT_TYPE_SINGLE_CONTEXT, EPTP_A);
	expect(INVVPID, INVVPID_TYPE_SINGLE_CONTEXT, 4);
	expect_none();
}

/* Single-context types missing: all-context instead, at the same events. */
static void test_all_context_fallback(void)
{
	reset(ALL_CAPS & ~(EPT_CAP_INVEPT_SINGLE | VPID_CAP_INVVPID_SINGLE));
	struct tlb_ept ept = { 0 };
	struct tlb_vcpu v = { 0 };
	tlb_vcpu_enter(&env, &ept, EPTP_A, &v, 7, 0);
	expect(INVEPT, INVEPT_TYPE_ALL_CONTEXT, EPTP_A);
	expect(INVVPID, INVVPID_TYPE_ALL_CONTEXT, 7);
	tlb_vcpu_enter(&env, &ept, EPTP_A, &v, 7, 0);
	expect_none();
	tlb_vcpu_enter(&env, &ept, EPTP_A, &v, 7, 1);
	expect(INVEPT, INVEPT_TYPE_ALL_CONTEXT, EPTP_A);
	expect(INVVPID, INVVPID_TYPE_ALL_CONTEXT, 7);
	tlb_ept_narrowed(&env, &ept, EPTP_A, 1);
	expect(INVEPT, INVEPT_TYPE_ALL_CONTEXT, EPTP_A);
	expect_none();
}

/*
 * No usable INVVPID type (VPIDs are then off, caps.c) or VPID 0: never an
 * INVVPID, since VM entries and exits flush VPID 0; INVEPT all the same.
 */
static void test_no_invvpid(void)
{
	reset(EPT_CAP_INVEPT | EPT_CAP_INVEPT_SINGLE | VPID_CAP_INVVPID | VPID_CAP_INVVPID_ADDR);
	CHECK_EQ(caps.invvpid_type, TLB_TYPE_NONE);
	struct tlb_ept ept = { 0 };
	struct tlb_vcpu v = { 0 };
	tlb_vcpu_enter(&env, &ept, EPTP_A, &v, 3, 0);
	tlb_vcpu_enter(&env, &ept, EPTP_A, &v, 3, 1);
	expect(INVEPT, INVEPT_TYPE_SINGLE_CONTEXT, EPTP_A);
	expect(INVEPT, INVEPT_TYPE_SINGLE_CONTEXT, EPTP_A);
	expect_none();

	reset(ALL_CAPS);
	struct tlb_ept ept2 = { 0 };
	tlb_vcpu_enter(&env, &ept2, EPTP_A, &v, VPID_HOST, 0);
	tlb_vcpu_enter(&env, &ept2, EPTP_A, &v, VPID_HOST, 1);
	tlb_vcpu_enter(&env, &ept2, EPTP_A, &v, VPID_HOST, 0);
	expect(INVEPT, INVEPT_TYPE_SINGLE_CONTEXT, EPTP_A);
	expect(INVEPT, INVEPT_TYPE_SINGLE_CONTEXT, EPTP_A);
	expect_none();
}

/* No INVEPT type: the boot is refused (caps.c); the policy itself issues nothing it cannot. */
static void test_no_invept(void)
{
	reset(EPT_CAP_INVEPT | VPID_CAP_INVVPID | VPID_CAP_INVVPID_SINGLE);
	CHECK_EQ(caps.invept_type, TLB_TYPE_NONE);
	struct tlb_ept ept = { 0 };
	struct tlb_vcpu v = { 0 };
	tlb_vcpu_enter(&env, &ept, EPTP_A, &v, 3, 0);
	expect(INVVPID, INVVPID_TYPE_SINGLE_CONTEXT, 3);
	tlb_ept_narrowed(&env, &ept, EPTP_A, 0);
	expect_none();
}

int main(void)
{
	RUN(test_caps_choose);
	RUN(test_first_entry_per_cpu);
	RUN(test_root_reused_by_new_domain);
	RUN(test_migration);
	RUN(test_vpid_reuse);
	RUN(test_vpid_allocator);
	RUN(test_unmap);
	RUN(test_all_context_fallback);
	RUN(test_no_invvpid);
	RUN(test_no_invept);
	return CHECK_EXIT();
}
