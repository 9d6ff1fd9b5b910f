/*
 * Host tests for the virtual local APIC's x2APIC mode: IA32_APIC_BASE's mode
 * transitions (the SDM's allowed and faulting ones), the ID and logical ID
 * x2APIC mode gives, an xAPIC ID written by the guest undone by a hardware
 * disable, the MSR interface (which registers exist, read-only and
 * write-only ones, the writes that fault), the 64-bit ICR with 32-bit
 * physical, logical and broadcast destinations, SELF IPI, EOI, and the MMIO
 * page going dark in x2APIC mode.
 */
#include <string.h>

#include "dev/lapic.h"
#include "check.h"

static struct vlapic l;
static uint32_t regs[LAPIC_REG_WORDS] __attribute__((aligned(LAPIC_MMIO_SIZE)));

#define BASE     0xfee00000ULL
#define XAPIC    (BASE | APIC_BASE_ENABLE)
#define X2APIC   (BASE | APIC_BASE_ENABLE | APIC_BASE_X2APIC)
#define MSR(off) (X2APIC_MSR_BASE + (off) / LAPIC_REG_STRIDE)
#define SELF_IPI_MSR 0x83f

static uint64_t rdm(uint32_t off)
{
	uint64_t v = 0xdeadbeef;
	CHECK_EQ(vlapic_msr_read(&l, MSR(off), &v, 0), 0);
	return v;
}

static int wrm(uint32_t off, uint64_t v) { return vlapic_msr_write(&l, MSR(off), v, 0); }

static void x2apic_on(uint32_t id)
{
	vlapic_init(&l, regs, id, id == 0);
	CHECK_EQ(vlapic_set_base(&l, X2APIC | (id == 0 ? APIC_BASE_BSP : 0), TEST_PHYS_BITS), 0);
	CHECK_EQ(wrm(APIC_REG_SVR, 0x1ff), 0);
}

static void test_transitions(void)
{
	vlapic_init(&l, regs, 5, false);
	uint64_t v;
	/* xAPIC: the MSRs fault */
	CHECK_EQ(vlapic_msr_read(&l, MSR(APIC_REG_ID), &v, 0), -1);
	CHECK_EQ(vlapic_msr_write(&l, MSR(APIC_REG_TPR), 0, 0), -1);
	/* the guest moves its xAPIC ID; x2APIC mode brings the initial one, 32 bits wide */
	vlapic_write(&l, APIC_REG_ID, 4, 9u << 24, 0);
	CHECK_EQ(vlapic_set_base(&l, X2APIC, TEST_PHYS_BITS), 0);
	CHECK(vlapic_x2apic(&l) && !vlapic_mmio_on(&l));
	CHECK_EQ(rdm(APIC_REG_ID), 5);
	CHECK_EQ(rdm(APIC_REG_LDR), (0u << 16) | (1u << 5));
	/* x2APIC to xAPIC, to x2APIC without enable: #GP, still x2APIC */
	CHECK_EQ(vlapic_set_base(&l, XAPIC, TEST_PHYS_BITS), -1);
	CHECK_EQ(vlapic_set_base(&l, BASE | APIC_BASE_X2APIC, TEST_PHYS_BITS), -1);
	CHECK(vlapic_x2apic(&l));
	/* x2APIC to disabled, then straight to x2APIC: #GP; disabled to xAPIC: the initial xAPIC ID */
	CHECK_EQ(vlapic_set_base(&l, BASE, TEST_PHYS_BITS), 0);
	CHECK(!vlapic_hw_enabled(&l) && !vlapic_x2apic(&l));
	CHECK_EQ(vlapic_set_base(&l, X2APIC, TEST_PHYS_BITS), -1);
	CHECK_EQ(vlapic_set_base(&l, XAPIC, TEST_PHYS_BITS), 0);
	CHECK_EQ(vlapic_read(&l, APIC_REG_ID, 4, 0), 5u << 24);
	CHECK_EQ(vlapic_read(&l, APIC_REG_LDR, 4, 0), 0);
	/* an xAPIC ID the guest wrote goes back to the initial one when the APIC is disabled */
	vlapic_write(&l, APIC_REG_ID, 4, 7u << 24, 0);
	CHECK_EQ(vlapic_set_base(&l, BASE, TEST_PHYS_BITS), 0);
	CHECK_EQ(vlapic_set_base(&l, XAPIC, TEST_PHYS_BITS), 0);
	CHECK_EQ(vlapic_read(&l, APIC_REG_ID, 4, 0), 5u << 24);
	/* a cluster beyond the first: ID 0x23 is cluster 2, member bit 3 */
	vlapic_init(&l, regs, 0x23, false);
	CHECK_EQ(vlapic_set_base(&l, X2APIC, TEST_PHYS_BITS), 0);
	CHECK_EQ(rdm(APIC_REG_LDR), (2u << 16) | (1u << 3));
	/* INIT keeps x2APIC mode, its ID and its logical ID */
	vlapic_init_reset(&l);
	CHECK(vlapic_x2apic(&l));
	CHECK_EQ(rdm(APIC_REG_ID), 0x23);
	CHECK_EQ(rdm(APIC_REG_LDR), (2u << 16) | (1u << 3));
}

static void test_registers(void)
{
	x2apic_on(1);
	uint64_t v;
	/* no DFR, APR, RRD or ICR high half as MSRs; EOI and SELF IPI are write-only */
	CHECK_EQ(vlapic_msr_read(&l, MSR(APIC_REG_DFR), &v, 0), -1);
	CHECK_EQ(vlapic_msr_read(&l, MSR(APIC_REG_APR), &v, 0), -1);
	CHECK_EQ(vlapic_msr_read(&l, MSR(APIC_REG_ICR_HIGH), &v, 0), -1);
	CHECK_EQ(vlapic_msr_read(&l, MSR(APIC_REG_EOI), &v, 0), -1);
	CHECK_EQ(vlapic_msr_read(&l, SELF_IPI_MSR, &v, 0), -1);
	CHECK_EQ(vlapic_msr_read(&l, 0x900, &v, 0), -1);
	/* ID, LDR, version, PPR, ISR/IRR/TMR and the current count are read-only */
	CHECK_EQ(wrm(APIC_REG_ID, 2), -1);
	CHECK_EQ(wrm(APIC_REG_LDR, 0), -1);
	CHECK_EQ(wrm(APIC_REG_VERSION, 0), -1);
	CHECK_EQ(wrm(APIC_REG_PPR, 0), -1);
	CHECK_EQ(wrm(APIC_REG_IRR0, 0), -1);
	CHECK_EQ(wrm(APIC_REG_TIMER_CCR, 0), -1);
	CHECK_EQ(wrm(APIC_REG_DFR, 0), -1);
	CHECK_EQ(rdm(APIC_REG_ID), 1);
	/* writes that fault: bits 63:32 outside ICR, a non-zero EOI or ESR, SELF IPI beyond 8 bits */
	CHECK_EQ(wrm(APIC_REG_TPR, 1ULL << 32), -1);
	CHECK_EQ(wrm(APIC_REG_EOI, 1), -1);
	CHECK_EQ(wrm(APIC_REG_ESR, 1), -1);
	CHECK_EQ(vlapic_msr_write(&l, SELF_IPI_MSR, 0x100, 0), -1);
	/* TPR, SVR, an LVT, the divider: the xAPIC model's values */
	CHECK_EQ(wrm(APIC_REG_TPR, 0x20), 0);
	CHECK_EQ(rdm(APIC_REG_TPR), 0x20);
	CHECK_EQ(rdm(APIC_REG_PPR), 0x20);
	CHECK_EQ(wrm(APIC_REG_TPR, 0), 0);
	CHECK_EQ(wrm(APIC_REG_LVT_LINT1, 0x10400), 0);
	CHECK_EQ(rdm(APIC_REG_LVT_LINT1), 0x10400);
	CHECK_EQ(rdm(APIC_REG_VERSION), LAPIC_VERSION_VALUE);
	/* the MMIO page is off: the APIC claims no address */
	CHECK(vlapic_mmio(&l) == 0);
}

static void test_ipis(void)
{
	struct vlapic_route r;
	x2apic_on(1);
	/* SELF IPI: in IRR at once, no route; EOI retires it */
	CHECK_EQ(vlapic_msr_write(&l, SELF_IPI_MSR, 0x51, 0), 0);
	CHECK_EQ(vlapic_pending_vector(&l), 0x51);
	CHECK(!vlapic_take_route(&l, &r));
	vlapic_ack(&l, 0x51);
	CHECK_EQ(wrm(APIC_REG_EOI, 0), 0);
	CHECK_EQ(vlapic_highest_isr(&l), -1);
	/* the ICR is 64 bits, the destination 32: physical 0x123 goes out and reads back */
	CHECK_EQ(wrm(APIC_REG_ICR_LOW, (0x123ULL << 32) | 0x45), 0);
	CHECK(vlapic_take_route(&l, &r));
	CHECK_EQ(r.dest, 0x123);
	CHECK_EQ(r.logical, 0);
	CHECK_EQ(rdm(APIC_REG_ICR_LOW), (0x123ULL << 32) | 0x45);
	CHECK_EQ(vlapic_pending_vector(&l), -1);
	/* physical to its own ID: taken here, not routed */
	CHECK_EQ(wrm(APIC_REG_ICR_LOW, (1ULL << 32) | 0x46), 0);
	CHECK(!vlapic_take_route(&l, &r));
	CHECK_EQ(vlapic_pending_vector(&l), 0x46);
	vlapic_ack(&l, 0x46);
	CHECK_EQ(wrm(APIC_REG_EOI, 0), 0);
	/* x2APIC broadcast 0xffffffff: here and routed to every other */
	CHECK_EQ(wrm(APIC_REG_ICR_LOW, (0xffffffffULL << 32) | 0x47), 0);
	CHECK(vlapic_take_route(&l, &r));
	CHECK_EQ(r.dest, LAPIC_BROADCAST);
	CHECK_EQ(vlapic_pending_vector(&l), 0x47);
	/* 0xff is an ordinary x2APIC ID, not a broadcast */
	CHECK(!vlapic_is_destination(&l, 0xff, false));
}

static void test_logical(void)
{
	/* ID 2: cluster 0, bit 2. ID 0x12: cluster 1, bit 2 */
	x2apic_on(2);
	CHECK(vlapic_is_destination(&l, 0x0004, true));
	CHECK(vlapic_is_destination(&l, 0x000d, true));       /* an I/O APIC's 8-bit mask naming 0, 2 and 3 */
	CHECK(!vlapic_is_destination(&l, 0x0003, true));
	CHECK(!vlapic_is_destination(&l, 0x10004, true));     /* the same bit in cluster 1 */
	CHECK(vlapic_is_destination(&l, LAPIC_BROADCAST, true));
	x2apic_on(0x12);
	CHECK(vlapic_is_destination(&l, 0x10004, true));
	CHECK(!vlapic_is_destination(&l, 0x0004, true));
	CHECK(vlapic_is_destination(&l, 0x12, false));
	/* an xAPIC destination wider than 8 bits names no xAPIC */
	vlapic_init(&l, regs, 2, false);
	CHECK(!vlapic_is_destination(&l, 0x102, false));
	CHECK(vlapic_is_destination(&l, 2, false));
}

int main(void)
{
	RUN(test_transitions);
	RUN(test_registers);
	RUN(test_ipis);
	RUN(test_logical);
	return CHECK_EXIT();
}
