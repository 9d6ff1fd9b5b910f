/*
 * Host tests for the virtual local APIC timer's TSC-deadline mode (SDM
 * "TSC-Deadline Mode"): IA32_TSC_DEADLINE arming the timer, firing at and
 * after the deadline (once, reading 0 after), a deadline already passed
 * firing at once, 0 disarming, a masked timer raising nothing, switches into
 * and out of the mode disarming, the MSR ignored outside the mode, the
 * initial count ignored and the current count reading 0 in it, and the
 * divider leaving a deadline alone. The TSC here is whatever `now` says.
 */
#include <string.h>

#include "dev/lapic.h"
#include "check.h"

#define VEC        0x41u
#define DEADLINE   (APIC_LVT_TIMER_TSC_DEADLINE | VEC)

static struct vlapic l;
static uint32_t regs[LAPIC_REG_WORDS] __attribute__((aligned(LAPIC_MMIO_SIZE)));

static uint32_t rd(uint32_t off) { return vlapic_read(&l, off, 4, 0); }
static void wr(uint32_t off, uint32_t v) { vlapic_write(&l, off, 4, v, 0); }

static bool in_irr(unsigned v)
{
	return (rd(APIC_REG_IRR0 + (v / 32) * 0x10) >> (v % 32)) & 1;
}

/* A software-enabled APIC whose LVT timer is `lvt`. */
static void setup(uint32_t lvt)
{
	vlapic_init(&l, regs, 0, true);
	wr(APIC_REG_SVR, 0x1ff);
	wr(APIC_REG_LVT_TIMER, lvt);
}

static void test_lvt_mode_writable(void)
{
	setup(DEADLINE);
	CHECK_EQ(rd(APIC_REG_LVT_TIMER), DEADLINE);
	CHECK_EQ(vlapic_read_tsc_deadline(&l), 0);   /* not armed yet */
	CHECK_EQ(vlapic_next_deadline(&l), 0);
}

static void test_arm_and_fire(void)
{
	setup(DEADLINE);
	l.attention = 0;
	vlapic_write_tsc_deadline(&l, 1000, 100);
	CHECK_EQ(vlapic_read_tsc_deadline(&l), 1000);
	CHECK_EQ(vlapic_next_deadline(&l), 1000);   /* what the scheduler wakes or preempts for */
	CHECK_EQ(l.attention & (LAPIC_ATTN_TIMER | LAPIC_ATTN_TIMER_NEW), LAPIC_ATTN_TIMER | LAPIC_ATTN_TIMER_NEW);
	CHECK(!in_irr(VEC));
	CHECK(!vlapic_tick(&l, 999));
	CHECK(!in_irr(VEC));
	CHECK(vlapic_tick(&l, 1000));
	CHECK(in_irr(VEC));
	CHECK_EQ(vlapic_pending_vector(&l), VEC);
	CHECK_EQ(l.timer_fired, 1);
	/* One-shot: the MSR reads 0 and nothing fires again. */
	CHECK_EQ(vlapic_read_tsc_deadline(&l), 0);
	CHECK_EQ(vlapic_next_deadline(&l), 0);
	CHECK_EQ(l.attention & LAPIC_ATTN_TIMER, 0);
	vlapic_ack(&l, VEC);
	CHECK(!vlapic_tick(&l, 1u << 30));
	CHECK(!in_irr(VEC));
	CHECK_EQ(l.timer_fired, 1);
	CHECK_EQ(rd(APIC_REG_LVT_TIMER), DEADLINE);   /* the mode stays: a new write arms again */
}

static void test_fire_late_once(void)
{
	setup(DEADLINE);
	vlapic_write_tsc_deadline(&l, 2000, 0);
	CHECK(vlapic_tick(&l, 50000));   /* long after: one expiry, not one per cycle missed */
	CHECK(!vlapic_tick(&l, 50001));
	CHECK_EQ(l.timer_fired, 1);
	/* Armed again, it fires again. */
	vlapic_write_tsc_deadline(&l, 60000, 50001);
	CHECK(vlapic_tick(&l, 60001));
	CHECK_EQ(l.timer_fired, 2);
}

static void test_past_deadline_fires_at_once(void)
{
	setup(DEADLINE);
	vlapic_write_tsc_deadline(&l, 500, 700);
	CHECK(in_irr(VEC));
	CHECK_EQ(l.timer_fired, 1);
	CHECK_EQ(vlapic_read_tsc_deadline(&l), 0);
	CHECK_EQ(vlapic_next_deadline(&l), 0);
	/* "now" itself has passed too. */
	setup(DEADLINE);
	vlapic_write_tsc_deadline(&l, 700, 700);
	CHECK(in_irr(VEC));
}

static void test_zero_disarms(void)
{
	setup(DEADLINE);
	vlapic_write_tsc_deadline(&l, 1000, 0);
	vlapic_write_tsc_deadline(&l, 0, 10);
	CHECK_EQ(vlapic_read_tsc_deadline(&l), 0);
	CHECK_EQ(vlapic_next_deadline(&l), 0);
	CHECK_EQ(l.attention & LAPIC_ATTN_TIMER, 0);
	CHECK(!vlapic_tick(&l, 5000));
	CHECK(!in_irr(VEC));
	/* A later deadline replaces an earlier one. */
	vlapic_write_tsc_deadline(&l, 1000, 0);
	vlapic_write_tsc_deadline(&l, 3000, 0);
	CHECK(!vlapic_tick(&l, 2000));
	CHECK(vlapic_tick(&l, 3000));
}

static void test_masked(void)
{
	setup(DEADLINE | APIC_LVT_MASKED);
	vlapic_write_tsc_deadline(&l, 1000, 0);
	CHECK_EQ(vlapic_read_tsc_deadline(&l), 1000);   /* armed, but nothing to wake for */
	CHECK_EQ(vlapic_next_deadline(&l), 0);
	CHECK(!vlapic_tick(&l, 1000));
	CHECK(!in_irr(VEC));
	CHECK_EQ(l.timer_fired, 0);
	CHECK_EQ(vlapic_read_tsc_deadline(&l), 0);   /* expired all the same */
	/* Unmasked while armed: the deadline counts for the scheduler again, and it is told. */
	vlapic_write_tsc_deadline(&l, 2000, 1000);
	l.attention = 0;
	wr(APIC_REG_LVT_TIMER, DEADLINE);
	CHECK_EQ(vlapic_next_deadline(&l), 2000);
	CHECK(l.attention & LAPIC_ATTN_TIMER_NEW);
	CHECK(vlapic_tick(&l, 2000));
	/* A software-disabled APIC keeps the LVT masked. */
	setup(DEADLINE);
	vlapic_write_tsc_deadline(&l, 1000, 0);
	wr(APIC_REG_SVR, 0xff);
	CHECK_EQ(vlapic_next_deadline(&l), 0);
	CHECK(!vlapic_tick(&l, 1000));
	CHECK(!in_irr(VEC));
}

static void test_mode_switch_disarms(void)
{
	/* Out of TSC-deadline mode, to one-shot and to periodic. */
	const uint32_t others[] = { VEC, APIC_LVT_TIMER_PERIODIC | VEC };
	for (unsigned i = 0; i < 2; i++) {
		setup(DEADLINE);
		vlapic_write_tsc_deadline(&l, 1000, 0);
		wr(APIC_REG_LVT_TIMER, others[i]);
		CHECK_EQ(vlapic_next_deadline(&l), 0);
		CHECK_EQ(vlapic_read_tsc_deadline(&l), 0);
		CHECK_EQ(l.attention & LAPIC_ATTN_TIMER, 0);
		CHECK(!vlapic_tick(&l, 5000));
		CHECK(!in_irr(VEC));
		/* Back into it: still disarmed. */
		wr(APIC_REG_LVT_TIMER, DEADLINE);
		CHECK_EQ(vlapic_read_tsc_deadline(&l), 0);
		CHECK(!vlapic_tick(&l, 6000));
	}
	/* Into TSC-deadline mode while one-shot counts: the count stops. */
	setup(VEC);
	wr(APIC_REG_TIMER_DCR, 0xb);
	vlapic_write(&l, APIC_REG_TIMER_ICR, 4, 1000, 100);
	CHECK_EQ(vlapic_next_deadline(&l), 1100);
	wr(APIC_REG_LVT_TIMER, DEADLINE);
	CHECK_EQ(vlapic_next_deadline(&l), 0);
	CHECK_EQ(vlapic_read_tsc_deadline(&l), 0);
	CHECK_EQ(rd(APIC_REG_TIMER_ICR), 0);
	CHECK(!vlapic_tick(&l, 1100));
	CHECK(!in_irr(VEC));
	/* And back to one-shot: stopped until an initial count is written. */
	wr(APIC_REG_LVT_TIMER, VEC);
	CHECK_EQ(vlapic_read(&l, APIC_REG_TIMER_CCR, 4, 200), 0);
	CHECK_EQ(vlapic_next_deadline(&l), 0);
	/* Mask changes are no mode switch: an armed deadline stays. */
	setup(DEADLINE);
	vlapic_write_tsc_deadline(&l, 1000, 0);
	wr(APIC_REG_LVT_TIMER, DEADLINE | APIC_LVT_MASKED);
	CHECK_EQ(vlapic_read_tsc_deadline(&l), 1000);
}

static void test_msr_ignored_outside_mode(void)
{
	const uint32_t others[] = { VEC, APIC_LVT_TIMER_PERIODIC | VEC, APIC_LVT_TIMER_MODE | VEC };
	for (unsigned i = 0; i < 3; i++) {
		setup(others[i]);
		vlapic_write_tsc_deadline(&l, 1000, 0);
		CHECK_EQ(vlapic_read_tsc_deadline(&l), 0);
		CHECK_EQ(vlapic_next_deadline(&l), 0);
		CHECK(!vlapic_tick(&l, 2000));
		CHECK(!in_irr(VEC));
	}
	/* Nor does it disturb a one-shot count, or read as its expiry. */
	setup(VEC);
	wr(APIC_REG_TIMER_DCR, 0xb);
	vlapic_write(&l, APIC_REG_TIMER_ICR, 4, 1000, 0);
	vlapic_write_tsc_deadline(&l, 5, 0);
	CHECK_EQ(vlapic_read_tsc_deadline(&l), 0);
	CHECK_EQ(vlapic_next_deadline(&l), 1000);
	CHECK(!in_irr(VEC));
	/* A reset APIC (LVT masked, one-shot) ignores it too. */
	vlapic_init(&l, regs, 0, true);
	vlapic_write_tsc_deadline(&l, 1000, 0);
	CHECK_EQ(vlapic_read_tsc_deadline(&l), 0);
}

static void test_counts_ignored_in_mode(void)
{
	setup(DEADLINE);
	wr(APIC_REG_TIMER_DCR, 0xb);
	vlapic_write(&l, APIC_REG_TIMER_ICR, 4, 1000, 100);
	CHECK_EQ(rd(APIC_REG_TIMER_ICR), 0);
	CHECK_EQ(vlapic_read(&l, APIC_REG_TIMER_CCR, 4, 200), 0);
	CHECK_EQ(vlapic_next_deadline(&l), 0);
	CHECK(!vlapic_tick(&l, 1100));
	/* Armed, the current count still reads 0, and neither count nor divider moves the deadline. */
	vlapic_write_tsc_deadline(&l, 5000, 100);
	CHECK_EQ(vlapic_read(&l, APIC_REG_TIMER_CCR, 4, 200), 0);
	vlapic_write(&l, APIC_REG_TIMER_ICR, 4, 10, 200);
	wr(APIC_REG_TIMER_DCR, 0x3);
	CHECK_EQ(vlapic_read_tsc_deadline(&l), 5000);
	CHECK(!vlapic_tick(&l, 4999));
	CHECK(vlapic_tick(&l, 5000));
}

int main(void)
{
	RUN(test_lvt_mode_writable);
	RUN(test_arm_and_fire);
	RUN(test_fire_late_once);
	RUN(test_past_deadline_fires_at_once);
	RUN(test_zero_disarms);
	RUN(test_masked);
	RUN(test_mode_switch_disarms);
	RUN(test_msr_ignored_outside_mode);
	RUN(test_counts_ignored_in_mode);
	return CHECK_EXIT();
}
