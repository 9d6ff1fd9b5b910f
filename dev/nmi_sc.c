/*
 * The refresh toggle flips every 15.085 us of TSC time since the domain
 * started: the period is kept in TSC cycles, rounded down (at least 1), so
 * a delay counted in toggles runs at most one cycle per period short.
 */
#include "dev/nmi_sc.h"
#include "lib/x86.h"

#define KHZ           1000u
#define NS_PER_SEC    1000000000u
#define NMI_SC_FALLBACK_TSC_KHZ 1000000u

void nmi_sc_init(struct nmi_sc *n, uint64_t tsc_now, uint32_t tsc_khz)
{
	uint64_t hz = (uint64_t)(tsc_khz ? tsc_khz : NMI_SC_FALLBACK_TSC_KHZ) * KHZ;
	uint64_t period = hz * NMI_SC_REF_TOGGLE_NS / NS_PER_SEC;   /* below 2^63: hz < 2^42 */
	n->control = 0;
	n->tsc_origin = tsc_now;
	n->toggle_tsc = period ? period : 1;
}

uint8_t nmi_sc_read(const struct nmi_sc *n, uint64_t tsc)
{
	uint64_t periods = (tsc - n->tsc_origin) / n->toggle_tsc;
	return n->control | (periods & 1 ? NMI_SC_REF_TOGGLE : 0);
}

void nmi_sc_write(struct nmi_sc *n, uint8_t val)
{
	n->control = val & NMI_SC_WRITABLE;
}

static uint64_t nmi_sc_bus_read(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	(void)vcpu, (void)off, (void)size;
	return nmi_sc_read(dev, rdtsc());
}

static enum bus_result nmi_sc_bus_write(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	(void)vcpu, (void)off, (void)size;
	nmi_sc_write(dev, (uint8_t)val);
	return BUS_OK;
}

const struct bus_device nmi_sc_bus_device = { "NMI_SC (port 0x61)", nmi_sc_bus_read, nmi_sc_bus_write, BUS_BYTE_REGS };
