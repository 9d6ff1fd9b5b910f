/*
 * State that must not cross between domains sharing a CPU: two attack
 * domains pinned to one CPU with different `seed=` values each set
 * distinctive debug registers, XMM registers, x87 control word, SYSCALL and
 * SWAPGS MSRs and TSC_AUX, yield the CPU (HC_YIELD goes to the other domain,
 * which does the same with its own values) and read them back: each must
 * find its own values, never the other's. Several rounds each, and
 * `linger_ms=` (main.c) keeps each yielding a while after its last case,
 * so that the two interleave whatever their start times.
 */
#include "attack.h"
#include "hw/dr.h"
#include "msr_check.h"
#include "tsc.h"

#define ROUNDS  4
#define YIELDS  8
#define SWITCH_GAP 10000   /* TSC cycles: a yield alone takes a few thousand (drcheck's `gap`) */
/*
 * How long a round goes on yielding until the other domain runs. A yield
 * gives way only to a vCPU that has run no longer (in weighted time), and
 * the other may have been charged a long wait in root mode (a console line
 * behind another CPU's output at 115200 baud): the yields make that up.
 */
#define SWITCH_WAIT_MS 500

/* Bytes 0x0X000000 | seed << 12 | n << 4: canonical, distinct per seed and register, no breakpoint armed. */
static uint64_t dr_value(unsigned n)
{
	return 0x01000000ULL | (uint64_t)attack_seed() << 12 | n << 4;
}

/* DR7: LE/GE and R/W-LEN bits from the seed, with every enable bit (L0-G3) clear. */
static uint64_t dr7_value(void)
{
	return DR7_RESET | DR7_LE | DR7_GE | ((uint64_t)(attack_seed() * 0x1111u) & 0xffff) << 16;
}

#define READ_DR(n, v)  __asm__ volatile("mov %%db" #n ", %0" : "=r"(v))
#define WRITE_DR(n, v) __asm__ volatile("mov %0, %%db" #n : : "r"(v))

static uint64_t longest_yield;   /* TSC cycles, over a case's rounds */

/*
 * At least YIELDS yields, and more, for up to SWITCH_WAIT_MS, until one of
 * them lasted long enough for another domain to have run in it: its turn
 * shows as a long HC_YIELD.
 */
static void yields(void)
{
	bool switched = false;
	uint64_t give_up = rdtsc() + tsc_from_ms(SWITCH_WAIT_MS);
	for (unsigned i = 0; i < YIELDS || (!switched && rdtsc() < give_up); i++) {
		uint64_t t = rdtsc();
		hc_yield();
		t = rdtsc() - t;
		switched |= t > SWITCH_GAP;
		if (t > longest_yield)
			longest_yield = t;
	}
}

/*
 * One state and its rounds: set it, yield, read it back; a bit per register
 * found changed. Where the rounds yield through yields() (own_yields), the
 * case also checks that another domain did run in one of them: a yield that
 * switched lasts far longer than SWITCH_GAP, one that did not far less.
 */
struct state_check {
	const char *what;
	uint32_t (*round)(unsigned r);
	bool own_yields;
};

static void state_case(const void *arg, struct verdict *v)
{
	const struct state_check *c = arg;
	const char *ran = c->own_yields ? ", another domain ran between" : "";
	uint32_t bad = 0;
	answer(v->expected, "%s kept in %u rounds%s", c->what, ROUNDS, ran);
	longest_yield = 0;
	for (unsigned r = 0; r < ROUNDS; r++)
		bad |= c->round(r);
	if (bad)
		answer(v->got, "%s changed (mask 0x%x)", c->what, bad);
	else if (c->own_yields && longest_yield <= SWITCH_GAP)
		answer(v->got, "%s kept in %u rounds, no other domain ran (longest yield %lu TSC cycles)", c->what,
		       ROUNDS, longest_yield);
	else
		answer(v->got, "%s kept in %u rounds%s", c->what, ROUNDS, ran);
}

static uint32_t debug_round(unsigned r)
{
	(void)r;
	uint64_t d[5];
	uint32_t bad = 0;
	WRITE_DR(0, dr_value(0));
	WRITE_DR(1, dr_value(1));
	WRITE_DR(2, dr_value(2));
	WRITE_DR(3, dr_value(3));
	WRITE_DR(7, dr7_value());
	yields();
	READ_DR(0, d[0]);
	READ_DR(1, d[1]);
	READ_DR(2, d[2]);
	READ_DR(3, d[3]);
	READ_DR(7, d[4]);
	for (unsigned i = 0; i < 4; i++)
		bad |= (uint32_t)(d[i] != dr_value(i)) << i;
	return bad | (uint32_t)(d[4] != dr7_value()) << 4;
}

static uint32_t xmm_round(unsigned r)
{
	return xmm_check_yields((uint8_t)(attack_seed() * 0x10 + r), YIELDS);
}

/*
 * The control word's rounding and precision fields from the seed; every
 * exception stays masked (bits 5:0) and bit 6 reads 1, as FNINIT leaves them.
 */
static uint32_t x87_round(unsigned r)
{
	uint16_t want = (uint16_t)(0x007f | (attack_seed() & 3) << 10 | ((attack_seed() >> 2) & 3) << 8), got = 0;
	if (r == 0) {
		sse_enable();
		__asm__ volatile("fninit");
	}
	__asm__ volatile("fldcw %0" : : "m"(want));
	yields();
	__asm__ volatile("fnstcw %0" : "=m"(got));
	return got != want;
}

static uint32_t syscall_round(unsigned r)
{
	(void)r;
	return syscall_msrs_check_yields(attack_seed(), YIELDS);
}

static uint32_t tsc_aux_value(void)
{
	return 0x7a000000u | attack_seed();
}

/* Read back by RDTSCP itself. */
static uint32_t tsc_aux_round(unsigned r)
{
	(void)r;
	uint32_t aux;
	wrmsr(MSR_IA32_TSC_AUX, tsc_aux_value());
	yields();
	__asm__ volatile("rdtscp" : "=c"(aux) : : "rax", "rdx");
	return aux != tsc_aux_value();
}

/* XMM and the SYSCALL MSRs yield inside guests/lib's checks, which time nothing. */
static const struct state_check debug_check = { "DR0-3 and DR7", debug_round, true };
static const struct state_check xmm_check = { "XMM0-15", xmm_round, false };
static const struct state_check x87_check = { "x87 control word", x87_round, true };
static const struct state_check syscall_check = { "STAR, LSTAR, CSTAR, FMASK, KERNEL_GS_BASE", syscall_round, false };
static const struct state_check tsc_aux_check = { "TSC_AUX", tsc_aux_round, true };

/* TSC_AUX exists where CPUID offers RDTSCP; elsewhere writing it is #GP. */
static void tsc_aux(const void *arg, struct verdict *v)
{
	(void)arg;
	if (cpuid(CPUID_LEAF_EXT_FEATURES, 0).edx & CPUID_80000001_EDX_RDTSCP) {
		state_case(&tsc_aux_check, v);
		return;
	}
	struct probe_regs r = { .rcx = MSR_IA32_TSC_AUX, .rax = tsc_aux_value() };
	answer(v->expected, "#GP");
	probe_answer(&probe_wrmsr, &r, v->got);
}

const struct attack_case state_cases[] = {
	{ "debug registers across domain switches", state_case, &debug_check, 0 },
	{ "XMM registers across domain switches", state_case, &xmm_check, 0 },
	{ "x87 control word across domain switches", state_case, &x87_check, 0 },
	{ "SYSCALL MSRs across domain switches", state_case, &syscall_check, 0 },
	{ "TSC_AUX across domain switches", tsc_aux, 0, 0 },
};
const unsigned state_case_count = sizeof state_cases / sizeof state_cases[0];
