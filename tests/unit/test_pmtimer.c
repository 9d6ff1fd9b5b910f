/*
 * Host tests for the PM timer: its value against an independent 128-bit
 * reference for TSC values up to 2^64 - 1 and TSC rates up to the largest
 * kHz value, the 3.579545 MHz rate, monotonic steps, the 24-bit wrap, a TSC
 * that wraps past the origin, the exit stub's multiply-and-divide form, the
 * fallback for an unknown rate, and the byte views of the 32-bit port.
 */
#include <string.h>

#include "dev/pmtimer.h"
#include "check.h"

static uint32_t reference(uint64_t elapsed, uint32_t khz)
{
	unsigned __int128 t = (unsigned __int128)elapsed * PMTIMER_HZ / ((unsigned __int128)khz * 1000);
	return (uint32_t)(t & PMTIMER_MASK);
}

static void test_starts_at_zero(void)
{
	struct pmtimer t;
	pmtimer_init(&t, 123456789, 2000000);
	CHECK_EQ(pmtimer_value(&t, 123456789), 0);
	/* One second of TSC is 3579545 ticks. */
	CHECK_EQ(pmtimer_value(&t, 123456789 + 2000000000ULL), PMTIMER_HZ);
	/* One tick needs tsc_hz / 3579545 cycles: 558.7 at 2 GHz. */
	CHECK_EQ(pmtimer_value(&t, 123456789 + 558), 0);
	CHECK_EQ(pmtimer_value(&t, 123456789 + 559), 1);
}

static void test_against_reference(void)
{
	static const uint32_t rates[] = { 1, 1000, 3579, 2995200, 3000000, 1000000, 5000000, 0xffffffffu };
	static const uint64_t tscs[] = {
		0, 1, 999, 1000000, 0xffffffffULL, 0x100000000ULL, 5000000000000ULL, 5200000000000ULL,
		1ULL << 50, 0x7fffffffffffffffULL, 0x8000000000000000ULL, 0xfffffffffffffffeULL, ~0ULL,
	};
	for (unsigned r = 0; r < sizeof rates / sizeof rates[0]; r++) {
		struct pmtimer t;
		pmtimer_init(&t, 0, rates[r]);
		for (unsigned i = 0; i < sizeof tscs / sizeof tscs[0]; i++)
			CHECK_EQ(pmtimer_value(&t, tscs[i]), reference(tscs[i], rates[r]));
	}
}

static void test_monotonic_and_wraps(void)
{
	struct pmtimer t;
	uint32_t khz = 3000000;
	pmtimer_init(&t, 0, khz);
	/* Full period: 2^24 ticks, about 4.687 s. */
	uint64_t period = (uint64_t)(PMTIMER_MASK + 1) * khz * 1000 / PMTIMER_HZ;
	uint32_t prev = pmtimer_value(&t, period - 5000);
	unsigned wraps = 0;
	for (uint64_t tsc = period - 5000; tsc < period + 5000; tsc += 97) {
		uint32_t v = pmtimer_value(&t, tsc);
		CHECK(v <= PMTIMER_MASK);
		if (v < prev)
			wraps++;
		else
			CHECK(v - prev <= 1);
		prev = v;
	}
	CHECK_EQ(wraps, 1);
	/* Differences mod 2^24 across the wrap still give elapsed ticks. */
	uint32_t a = pmtimer_value(&t, period - 3000), b = pmtimer_value(&t, period + 3000);
	CHECK_EQ((b - a) & PMTIMER_MASK, reference(period + 3000, khz) - reference(period - 3000, khz) + (PMTIMER_MASK + 1));
}

static void test_tsc_wraps_past_origin(void)
{
	struct pmtimer t;
	uint64_t origin = ~0ULL - 1000;
	pmtimer_init(&t, origin, 1000000);
	/* 2001 cycles after the origin, the TSC having wrapped to 1000. */
	CHECK_EQ(pmtimer_value(&t, 1000), reference(2001, 1000000));
	CHECK_EQ(pmtimer_value(&t, 1000), 7);
}

/*
 * The exit stub's form (vmx/entry.asm): MUL gives the 128-bit product, DIV by
 * tsc_hz the value, and DIV must not fault: the product's high half stays
 * below the divisor whenever the stub takes the read (tsc_hz >= the timer's).
 */
static void test_stub_form(void)
{
	static const uint32_t rates[] = { 3580, 50000, 2995200, 0xffffffffu };
	static const uint64_t tscs[] = { 0, 1, 0xffffffffULL, 5200000000000ULL, 1ULL << 63, ~0ULL };
	for (unsigned r = 0; r < sizeof rates / sizeof rates[0]; r++) {
		struct pmtimer t;
		pmtimer_init(&t, 0, rates[r]);
		CHECK_EQ(t.tsc_hz, (uint64_t)rates[r] * 1000);
		CHECK(t.tsc_hz >= PMTIMER_HZ);
		for (unsigned i = 0; i < sizeof tscs / sizeof tscs[0]; i++) {
			unsigned __int128 product = (unsigned __int128)tscs[i] * PMTIMER_HZ;
			CHECK((uint64_t)(product >> 64) < t.tsc_hz);
			CHECK_EQ((uint32_t)(product / t.tsc_hz) & PMTIMER_MASK, pmtimer_value(&t, tscs[i]));
		}
	}
}

static void test_unknown_rate(void)
{
	struct pmtimer t;
	pmtimer_init(&t, 0, 0);
	CHECK_EQ(t.tsc_hz, (uint64_t)PMTIMER_FALLBACK_TSC_KHZ * 1000);
	CHECK_EQ(pmtimer_value(&t, 1000000000ULL), PMTIMER_HZ);
}

static void test_port_bytes(void)
{
	struct pmtimer t;
	pmtimer_init(&t, 0, 1000);        /* 1 MHz TSC: 3.579545 ticks per cycle */
	uint64_t tsc = 1000000;           /* one second */
	uint32_t v = pmtimer_value(&t, tsc);
	CHECK_EQ(v, PMTIMER_HZ & PMTIMER_MASK);
	CHECK_EQ(pmtimer_port_in(&t, PMTIMER_PORT, 4, tsc), v);
	CHECK_EQ(pmtimer_port_in(&t, PMTIMER_PORT, 2, tsc), v & 0xffff);
	CHECK_EQ(pmtimer_port_in(&t, PMTIMER_PORT, 1, tsc), v & 0xff);
	CHECK_EQ(pmtimer_port_in(&t, PMTIMER_PORT + 1, 1, tsc), (v >> 8) & 0xff);
	CHECK_EQ(pmtimer_port_in(&t, PMTIMER_PORT + 2, 2, tsc), v >> 16);
	CHECK_EQ(pmtimer_port_in(&t, PMTIMER_PORT + 3, 1, tsc), 0);   /* bits 24-31 of a 24-bit timer */
	/* A read that runs past the block: the missing bytes float high. */
	CHECK_EQ(pmtimer_port_in(&t, PMTIMER_PORT + 2, 4, tsc), 0xffff0000u | (v >> 16));
	CHECK_EQ(pmtimer_port_in(&t, PMTIMER_PORT - 1, 2, tsc), 0xffu | ((v & 0xff) << 8));
}

int main(void)
{
	RUN(test_starts_at_zero);
	RUN(test_against_reference);
	RUN(test_monotonic_and_wraps);
	RUN(test_tsc_wraps_past_origin);
	RUN(test_stub_form);
	RUN(test_unknown_rate);
	RUN(test_port_bytes);
	return CHECK_EXIT();
}
