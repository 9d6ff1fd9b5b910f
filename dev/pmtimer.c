/*
 * PM timer arithmetic. ticks = elapsed * 3579545 / tsc_hz overflows 64 bits
 * after about 5e12 TSC cycles (half an hour at 3 GHz) if done directly, and
 * 128-bit division would need libgcc, which the hypervisor does not link. So
 * the quotient and remainder by the TSC rate are scaled apart:
 * elapsed = q * hz + r gives ticks = q * 3579545 + r * 3579545 / hz exactly.
 * r * 3579545 < hz * 3579545 <= 2^32 * 1000 * 3579545 < 2^64, and q * 3579545
 * may wrap modulo 2^64 harmlessly: only the low 24 bits are kept and 2^24
 * divides 2^64.
 */
#include "dev/pmtimer.h"
#include "lib/x86.h"

#define KHZ 1000u

void pmtimer_init(struct pmtimer *t, uint64_t tsc_now, uint32_t tsc_khz)
{
	t->tsc_origin = tsc_now;
	t->tsc_hz = (uint64_t)(tsc_khz ? tsc_khz : PMTIMER_FALLBACK_TSC_KHZ) * KHZ;
}

uint32_t pmtimer_value(const struct pmtimer *t, uint64_t tsc)
{
	uint64_t hz = t->tsc_hz;
	uint64_t elapsed = tsc - t->tsc_origin;   /* modulo 2^64, like the TSC itself */
	uint64_t q = elapsed / hz, r = elapsed % hz;
	uint64_t ticks = q * PMTIMER_HZ + r * PMTIMER_HZ / hz;

	return (uint32_t)(ticks & PMTIMER_MASK);
}

uint32_t pmtimer_port_in(const struct pmtimer *t, uint16_t port, unsigned size, uint64_t tsc)
{
	uint32_t v = pmtimer_value(t, tsc), out = 0;

	/* Assembled byte by byte so narrow and unaligned reads see the right part of the register. */
	for (unsigned i = 0; i < size; i++) {
		unsigned at = (unsigned)port + i - PMTIMER_PORT;
		uint32_t byte = at < PMTIMER_PORTS ? (v >> (8 * at)) & 0xff : 0xff;
		out |= byte << (8 * i);
	}
	return out;
}

/* Read-only state after creation, so the range needs no lock. */
static uint64_t pmtimer_bus_read(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	(void)vcpu;
	return pmtimer_port_in(dev, (uint16_t)(PMTIMER_PORT + off), size, rdtsc());
}

const struct bus_device pmtimer_bus_device = { "ACPI PM timer", pmtimer_bus_read, bus_write_drop, 0 };
