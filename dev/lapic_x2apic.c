/*
 * x2APIC mode's register interface (Intel SDM vol. 3, "Extended XAPIC
 * (x2APIC)"): register offset r of the xAPIC page is MSR X2APIC_MSR_BASE +
 * r / 16, read and written whole by RDMSR and WRMSR. What differs from the
 * MMIO interface, and is decided here: which registers exist as MSRs (no
 * DFR, APR or RRD; ICR one 64-bit register with a 32-bit destination; a
 * SELF IPI register), which are read-only or write-only (the other access
 * faults), and the writes that fault where MMIO would ignore them (bits
 * 63:32 set outside ICR, a non-zero EOI or ESR, a vector beyond 8 bits to
 * SELF IPI). The values themselves are the xAPIC model's (dev/lapic.c):
 * one model, two ways in.
 */
#include "dev/lapic.h"

#define X2APIC_MSR_COUNT   0x100u   /* MSRs 0x800-0x8ff */
#define X2APIC_REG_SELF_IPI 0x3f0u  /* x2APIC only */
#define SELF_IPI_VECTOR    0xffu
#define ICR_LOW_BITS       32u

uint32_t x2apic_logical_id(uint32_t id)
{
	return ((id >> X2APIC_ID_CLUSTER_SHIFT) << X2APIC_CLUSTER_SHIFT) | (1u << (id & X2APIC_ID_MEMBER_MASK));
}

/* The register offset of an x2APIC MSR, or -1 when the MSR is outside the range. */
static int32_t reg_of(uint32_t msr)
{
	if (msr < X2APIC_MSR_BASE || msr >= X2APIC_MSR_BASE + X2APIC_MSR_COUNT)
		return -1;
	return (int32_t)((msr - X2APIC_MSR_BASE) * LAPIC_REG_STRIDE);
}

static bool in_block(uint32_t off, uint32_t first)
{
	return off >= first && off < first + LAPIC_VECTOR_WORDS * LAPIC_REG_STRIDE;
}

static bool readable(uint32_t off)
{
	switch (off) {
	case APIC_REG_ID: case APIC_REG_VERSION: case APIC_REG_TPR: case APIC_REG_PPR: case APIC_REG_LDR:
	case APIC_REG_SVR: case APIC_REG_ESR: case APIC_REG_ICR_LOW: case APIC_REG_TIMER_ICR:
	case APIC_REG_TIMER_CCR: case APIC_REG_TIMER_DCR:
		return true;
	}
	return in_block(off, APIC_REG_ISR0) || in_block(off, APIC_REG_TMR0) || in_block(off, APIC_REG_IRR0) ||
	       (off >= APIC_REG_LVT_TIMER && off <= APIC_REG_LVT_ERROR);
}

int vlapic_msr_read(const struct vlapic *l, uint32_t msr, uint64_t *val, uint64_t now)
{
	int32_t off = reg_of(msr);
	if (off < 0 || !vlapic_x2apic(l) || !readable((uint32_t)off))
		return -1;
	*val = vlapic_read(l, (uint32_t)off, LAPIC_REG_WIDTH, now);
	if (off == APIC_REG_ICR_LOW)
		*val |= (uint64_t)vlapic_read(l, APIC_REG_ICR_HIGH, LAPIC_REG_WIDTH, now) << ICR_LOW_BITS;
	return 0;
}

int vlapic_msr_write(struct vlapic *l, uint32_t msr, uint64_t val, uint64_t now)
{
	int32_t off = reg_of(msr);
	if (off < 0 || !vlapic_x2apic(l))
		return -1;
	if (off == APIC_REG_ICR_LOW) {
		/* The destination first: the low half's write sends. */
		vlapic_write(l, APIC_REG_ICR_HIGH, LAPIC_REG_WIDTH, (uint32_t)(val >> ICR_LOW_BITS), now);
		vlapic_write(l, APIC_REG_ICR_LOW, LAPIC_REG_WIDTH, (uint32_t)val, now);
		return 0;
	}
	if (val >> ICR_LOW_BITS)
		return -1;
	switch ((uint32_t)off) {
	case APIC_REG_EOI:
	case APIC_REG_ESR:
		if (val)
			return -1;
		break;
	case X2APIC_REG_SELF_IPI:
		if (val > SELF_IPI_VECTOR)
			return -1;
		/* As a fixed, edge-triggered IPI to self, which it is. */
		if (vlapic_accept(l, (unsigned)val))
			l->ipi.self++;
		return 0;
	case APIC_REG_TPR: case APIC_REG_SVR: case APIC_REG_TIMER_ICR: case APIC_REG_TIMER_DCR:
		break;
	default:
		if ((uint32_t)off < APIC_REG_LVT_TIMER || (uint32_t)off > APIC_REG_LVT_ERROR)
			return -1;   /* read-only, or no register */
	}
	vlapic_write(l, (uint32_t)off, LAPIC_REG_WIDTH, (uint32_t)val, now);
	return 0;
}
