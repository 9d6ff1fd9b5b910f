/*
 * Host tests for a vCPU's CPUID answers (vmx/cpuid_cache.h): which leaves
 * have a slot, that only leaves which ignore ECX and were answered as
 * themselves are kept, in the guest's register order, and that a clear
 * drops every answer.
 */
#include "check.h"
#include "vmx/cpuid_cache.h"

/* An answer whose registers tell each other apart: EAX, ECX, EDX, EBX as the guest's GPRs 0-3. */
static void answer(uint32_t leaf, uint64_t r[4])
{
	for (unsigned i = 0; i < 4; i++)
		r[i] = 0xabcd000000000000ull | (uint64_t)leaf << 4 | i;   /* the upper half is not CPUID's */
}

static void test_slots(void)
{
	CHECK_EQ(cpuid_cache_slot(0), 0);
	CHECK_EQ(cpuid_cache_slot(0x1f), 0x1f);
	CHECK_EQ(cpuid_cache_slot(0x20), CPUID_CACHE_SLOTS);
	CHECK_EQ(cpuid_cache_slot(0x40000000u), CPUID_CACHE_SLOTS);
	CHECK_EQ(cpuid_cache_slot(0x7fffffffu), CPUID_CACHE_SLOTS);
	CHECK_EQ(cpuid_cache_slot(0x80000000u), CPUID_CACHE_BASIC);
	CHECK_EQ(cpuid_cache_slot(0x80000008u), CPUID_CACHE_SLOTS - 1);
	CHECK_EQ(cpuid_cache_slot(0x80000009u), CPUID_CACHE_SLOTS);
	CHECK_EQ(cpuid_cache_slot(0xffffffffu), CPUID_CACHE_SLOTS);
	CHECK(!(CPUID_CACHE_ECX_FREE >> CPUID_CACHE_SLOTS));   /* "no slot" is never kept */
}

static void test_keep_and_find(void)
{
	struct cpuid_cache c = { 0 };
	uint64_t r[4];
	static const uint32_t kept[] = { 0, 1, 2, 3, 5, 6, 0xa, 0x15, 0x16, 0x80000000u, 0x80000001u, 0x80000008u };
	for (unsigned k = 0; k < sizeof kept / sizeof kept[0]; k++) {
		CHECK(!cpuid_cache_find(&c, kept[k]));
		answer(kept[k], r);
		cpuid_cache_put(&c, kept[k], true, r);
		const uint32_t *got = cpuid_cache_find(&c, kept[k]);
		CHECK(got != 0);
		for (unsigned i = 0; got && i < 4; i++)
			CHECK_EQ(got[i], (uint32_t)r[i]);
	}
	/* Every earlier answer is still its own. */
	for (unsigned k = 0; k < sizeof kept / sizeof kept[0]; k++) {
		const uint32_t *got = cpuid_cache_find(&c, kept[k]);
		answer(kept[k], r);
		CHECK(got && got[3] == (uint32_t)r[3]);
	}
}

static void test_not_kept(void)
{
	struct cpuid_cache c = { 0 };
	uint64_t r[4];
	/* Leaves with sub-leaves, and reserved ones, answered as the highest basic leaf. */
	static const uint32_t subleaves[] = { 4, 7, 0xb, 0xd, 0xf, 0x10, 0x12, 0x14, 0x17, 0x18, 0x1d, 0x1e, 0x1f,
	                                      8, 0xc, 0x20, 0x40000000u, 0x40000001u, 0x80000009u, 0x8000001du };
	for (unsigned k = 0; k < sizeof subleaves / sizeof subleaves[0]; k++) {
		answer(subleaves[k], r);
		cpuid_cache_put(&c, subleaves[k], true, r);
		CHECK(!cpuid_cache_find(&c, subleaves[k]));
	}
	CHECK_EQ(c.valid, 0);
	/* A leaf the policy answered as another: not its own answer. */
	answer(1, r);
	cpuid_cache_put(&c, 1, false, r);
	CHECK(!cpuid_cache_find(&c, 1));
}

static void test_clear(void)
{
	struct cpuid_cache c = { 0 };
	uint64_t r[4];
	answer(1, r);
	cpuid_cache_put(&c, 1, true, r);
	cpuid_cache_put(&c, 0x80000001u, true, r);
	cpuid_cache_clear(&c);
	CHECK(!cpuid_cache_find(&c, 1));
	CHECK(!cpuid_cache_find(&c, 0x80000001u));
	/* Kept again after the clear, with the new answer. */
	r[0] = 7;
	cpuid_cache_put(&c, 1, true, r);
	CHECK(cpuid_cache_find(&c, 1) && cpuid_cache_find(&c, 1)[0] == 7);
}

int main(void)
{
	RUN(test_slots);
	RUN(test_keep_and_find);
	RUN(test_not_kept);
	RUN(test_clear);
	return CHECK_EXIT();
}
