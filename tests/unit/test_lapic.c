/*
 * Host tests for the virtual local APIC's register model: power-up values,
 * writable and read-only bits of each register, EOI and ICR recording with a
 * delivery status that reads 0, LVT masking while software-disabled, the
 * timer's count-down and divider, misaligned and narrow accesses, and
 * IA32_APIC_BASE's enable toggle and refusals.
 */
#include <string.h>

#include "dev/lapic.h"
#include "check.h"

static struct vlapic l;

static uint32_t rd(uint32_t off) { return vlapic_read(&l, off, 4, 0); }
static void wr(uint32_t off, uint32_t v) { vlapic_write(&l, off, 4, v, 0); }

static void test_reset(void)
{
	memset(&l, 0x5a, sizeof l);
	vlapic_init(&l, 3, false);
	CHECK_EQ(rd(APIC_REG_ID), 3u << 24);
	CHECK_EQ(rd(LAPIC_REG_VERSION), 0x00050014);
	CHECK_EQ(rd(LAPIC_REG_TPR), 0);
	CHECK_EQ(rd(LAPIC_REG_APR), 0);
	CHECK_EQ(rd(LAPIC_REG_PPR), 0);
	CHECK_EQ(rd(LAPIC_REG_LDR), 0);
	CHECK_EQ(rd(LAPIC_REG_DFR), 0xffffffff);
	CHECK_EQ(rd(APIC_REG_SVR), 0xff);
	for (uint32_t off = APIC_REG_LVT_TIMER; off <= APIC_REG_LVT_ERROR; off += 0x10)
		CHECK_EQ(rd(off), APIC_LVT_MASKED);
	for (uint32_t off = LAPIC_REG_ISR0; off < LAPIC_REG_IRR7_END; off += 0x10)
		CHECK_EQ(rd(off), 0);
	CHECK_EQ(rd(LAPIC_REG_TIMER_ICR), 0);
	CHECK_EQ(rd(LAPIC_REG_TIMER_CCR), 0);
	CHECK_EQ(l.apic_base, 0xfee00000ULL | APIC_BASE_ENABLE);
	vlapic_init(&l, 0, true);
	CHECK_EQ(l.apic_base, 0xfee00000ULL | APIC_BASE_ENABLE | APIC_BASE_BSP);
	CHECK(vlapic_hw_enabled(&l));
}

static void test_simple_registers(void)
{
	vlapic_init(&l, 0, true);
	wr(LAPIC_REG_TPR, 0x1234);
	CHECK_EQ(rd(LAPIC_REG_TPR), 0x34);
	CHECK_EQ(rd(LAPIC_REG_PPR), 0x34);
	wr(APIC_REG_SVR, 0xffffffff);
	CHECK_EQ(rd(APIC_REG_SVR), 0x3ff);
	wr(APIC_REG_ID, 0x07123456);
	CHECK_EQ(rd(APIC_REG_ID), 0x07000000);
	wr(LAPIC_REG_LDR, 0x01ffffff);
	CHECK_EQ(rd(LAPIC_REG_LDR), 0x01000000);
	wr(LAPIC_REG_DFR, 0x0);
	CHECK_EQ(rd(LAPIC_REG_DFR), 0x0fffffff);
	/* read-only registers ignore writes */
	wr(LAPIC_REG_VERSION, 0);
	CHECK_EQ(rd(LAPIC_REG_VERSION), LAPIC_VERSION_VALUE);
	wr(LAPIC_REG_PPR, 0xff);
	CHECK_EQ(rd(LAPIC_REG_PPR), 0x34);
	wr(LAPIC_REG_ISR0, 0xff);
	CHECK_EQ(rd(LAPIC_REG_ISR0), 0);
	/* ESR: nothing is ever latched */
	wr(LAPIC_REG_ESR, 0xff);
	CHECK_EQ(rd(LAPIC_REG_ESR), 0);
	/* EOI is write-only and counted */
	wr(APIC_REG_EOI, 0);
	wr(APIC_REG_EOI, 0);
	CHECK_EQ(l.eoi_count, 2);
	CHECK_EQ(rd(APIC_REG_EOI), 0);
	/* reserved offsets */
	wr(0x3f0, 0x1234);
	CHECK_EQ(rd(0x3f0), 0);
	CHECK_EQ(rd(APIC_REG_LVT_CMCI), 0);
}

static void test_icr(void)
{
	vlapic_init(&l, 0, true);
	wr(APIC_REG_ICR_HIGH, 0x01ffffff);
	CHECK_EQ(rd(APIC_REG_ICR_HIGH), 0x01000000);
	/* a fixed self-IPI with the "self" shorthand, delivery-status bit written as 1 */
	wr(APIC_REG_ICR_LOW, 0x00041000 | 0x40);
	CHECK_EQ(rd(APIC_REG_ICR_LOW) & APIC_ICR_DELIVERY_PENDING, 0);
	CHECK_EQ(rd(APIC_REG_ICR_LOW), 0x00040040);
	CHECK_EQ(l.ipi.count, 1);
	CHECK_EQ(l.ipi.last_icr_lo, 0x00040040);
	CHECK_EQ(l.ipi.last_icr_hi, 0x01000000);
	/* INIT (level assert), INIT de-assert, SIPI */
	wr(APIC_REG_ICR_LOW, APIC_ICR_DM_INIT | APIC_ICR_LEVEL_ASSERT | APIC_ICR_TRIGGER_LEVEL);
	wr(APIC_REG_ICR_LOW, APIC_ICR_DM_INIT | APIC_ICR_TRIGGER_LEVEL);
	wr(APIC_REG_ICR_LOW, APIC_ICR_DM_STARTUP | 0x9a);
	CHECK_EQ(l.ipi.count, 4);
	CHECK_EQ(l.ipi.init, 2);
	CHECK_EQ(l.ipi.startup, 1);
	CHECK_EQ(rd(APIC_REG_ICR_LOW), APIC_ICR_DM_STARTUP | 0x9a);
	/* a write to ICR high alone sends nothing */
	wr(APIC_REG_ICR_HIGH, 0);
	CHECK_EQ(l.ipi.count, 4);
}

static void test_lvt(void)
{
	vlapic_init(&l, 0, true);
	/* software-disabled (SVR.8 = 0): the mask bit sticks */
	wr(APIC_REG_LVT_LINT0, 0x700);
	CHECK_EQ(rd(APIC_REG_LVT_LINT0), 0x10700);
	wr(APIC_REG_SVR, 0x1ff);
	wr(APIC_REG_LVT_LINT0, 0xffffffff);
	CHECK_EQ(rd(APIC_REG_LVT_LINT0), 0x1a7ff);   /* delivery status, remote IRR read-only */
	wr(APIC_REG_LVT_TIMER, 0xffffffff);
	CHECK_EQ(rd(APIC_REG_LVT_TIMER), 0x700ff);
	wr(APIC_REG_LVT_ERROR, 0xffffffff);
	CHECK_EQ(rd(APIC_REG_LVT_ERROR), 0x100ff);
	wr(APIC_REG_LVT_PERF, 0x400);
	CHECK_EQ(rd(APIC_REG_LVT_PERF), 0x400);
	wr(APIC_REG_LVT_THERMAL, 0x20);
	CHECK_EQ(rd(APIC_REG_LVT_THERMAL), 0x20);
	/* clearing the software enable masks them all */
	wr(APIC_REG_SVR, 0xff);
	CHECK_EQ(rd(APIC_REG_LVT_PERF), 0x10400);
	CHECK_EQ(rd(APIC_REG_LVT_THERMAL), 0x10020);
}

static void test_timer(void)
{
	vlapic_init(&l, 0, true);
	wr(APIC_REG_SVR, 0x1ff);
	wr(LAPIC_REG_TIMER_DCR, 0xffffffff);
	CHECK_EQ(rd(LAPIC_REG_TIMER_DCR), 0xb);          /* 1011b: divide by 1 */
	wr(APIC_REG_LVT_TIMER, 0x20);                   /* one-shot */
	vlapic_write(&l, LAPIC_REG_TIMER_ICR, 4, 1000, 5000);
	CHECK_EQ(rd(LAPIC_REG_TIMER_ICR), 1000);
	CHECK_EQ(vlapic_read(&l, LAPIC_REG_TIMER_CCR, 4, 5000), 1000);
	CHECK_EQ(vlapic_read(&l, LAPIC_REG_TIMER_CCR, 4, 5300), 700);
	CHECK_EQ(vlapic_read(&l, LAPIC_REG_TIMER_CCR, 4, 7000), 0);
	CHECK_EQ(vlapic_read(&l, LAPIC_REG_TIMER_CCR, 4, 10), 1000);   /* a TSC behind the start */
	/* divide by 16 (0011b) */
	wr(LAPIC_REG_TIMER_DCR, 0x3);
	CHECK_EQ(vlapic_read(&l, LAPIC_REG_TIMER_CCR, 4, 5000 + 160), 990);
	/* divide by 2 (0000b), periodic: wraps */
	wr(LAPIC_REG_TIMER_DCR, 0x0);
	wr(APIC_REG_LVT_TIMER, 0x20 | (1u << 17));
	CHECK_EQ(vlapic_read(&l, LAPIC_REG_TIMER_CCR, 4, 5000 + 2 * 1250), 750);
	/* TSC-deadline mode: the count reads 0 */
	wr(APIC_REG_LVT_TIMER, 0x20 | (2u << 17));
	CHECK_EQ(vlapic_read(&l, LAPIC_REG_TIMER_CCR, 4, 5000), 0);
	/* writing 0 stops it */
	wr(APIC_REG_LVT_TIMER, 0x20);
	vlapic_write(&l, LAPIC_REG_TIMER_ICR, 4, 0, 6000);
	CHECK_EQ(vlapic_read(&l, LAPIC_REG_TIMER_CCR, 4, 6001), 0);
}

static void test_bad_accesses(void)
{
	vlapic_init(&l, 2, false);
	wr(LAPIC_REG_TPR, 0x20);
	/* narrow, wide and misaligned accesses read 0 and write nothing */
	CHECK_EQ(vlapic_read(&l, LAPIC_REG_VERSION, 1, 0), 0);
	CHECK_EQ(vlapic_read(&l, LAPIC_REG_VERSION, 2, 0), 0);
	CHECK_EQ(vlapic_read(&l, LAPIC_REG_VERSION, 8, 0), 0);
	CHECK_EQ(vlapic_read(&l, LAPIC_REG_VERSION + 4, 4, 0), 0);
	CHECK_EQ(vlapic_read(&l, APIC_REG_ID + 1, 4, 0), 0);
	CHECK_EQ(vlapic_read(&l, 0x1000, 4, 0), 0);
	CHECK_EQ(vlapic_read(&l, 0xfffffff0u, 4, 0), 0);
	vlapic_write(&l, LAPIC_REG_TPR, 1, 0x77, 0);
	vlapic_write(&l, LAPIC_REG_TPR + 4, 4, 0x77, 0);
	vlapic_write(&l, LAPIC_REG_TPR, 8, 0x77, 0);
	CHECK_EQ(rd(LAPIC_REG_TPR), 0x20);
	vlapic_write(&l, APIC_REG_ICR_LOW, 2, 0x4000, 0);
	CHECK_EQ(l.ipi.count, 0);
}

static void test_apic_base(void)
{
	vlapic_init(&l, 0, true);
	wr(APIC_REG_SVR, 0x1ff);
	wr(LAPIC_REG_TPR, 0x40);
	/* x2APIC, a move, reserved bits: refused, nothing changes */
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL | APIC_BASE_ENABLE | APIC_BASE_X2APIC), -1);
	CHECK_EQ(vlapic_set_base(&l, 0xfed00000ULL | APIC_BASE_ENABLE), -1);
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL | APIC_BASE_ENABLE | 1), -1);
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL | APIC_BASE_ENABLE | (1ULL << 9)), -1);
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL | APIC_BASE_ENABLE | (1ULL << 52)), -1);
	CHECK_EQ(l.apic_base, 0xfee00000ULL | APIC_BASE_ENABLE | APIC_BASE_BSP);
	/* the same value again: accepted, state kept */
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL | APIC_BASE_ENABLE | APIC_BASE_BSP), 0);
	CHECK_EQ(rd(LAPIC_REG_TPR), 0x40);
	/* disable, with the BSP bit written as 0: BSP stays (read-only) */
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL), 0);
	CHECK(!vlapic_hw_enabled(&l));
	CHECK_EQ(l.apic_base, 0xfee00000ULL | APIC_BASE_BSP);
	/* re-enable: power-up state, ID kept */
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL | APIC_BASE_ENABLE), 0);
	CHECK(vlapic_hw_enabled(&l));
	CHECK_EQ(rd(LAPIC_REG_TPR), 0);
	CHECK_EQ(rd(APIC_REG_SVR), 0xff);
	CHECK_EQ(rd(APIC_REG_ID), 0);
}

int main(void)
{
	RUN(test_reset);
	RUN(test_simple_registers);
	RUN(test_icr);
	RUN(test_lvt);
	RUN(test_timer);
	RUN(test_bad_accesses);
	RUN(test_apic_base);
	return CHECK_EXIT();
}
