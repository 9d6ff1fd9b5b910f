/*
 * Host tests for the virtual local APIC's register page, the layout the
 * CPU's APIC virtualization reads as the virtual-APIC page: each register
 * at its SDM offset in the page; vectors other CPUs post held outside the
 * page's IRR until the owning CPU syncs them, yet visible to reads and to
 * the delivery decision; acknowledgement syncing first; an EOI the CPU
 * already retired (EOI-induced exit) reaching the hook only for a
 * level-triggered vector; writes the CPU already stored in the page (APIC-
 * write exits) applied with the same masks and side effects as emulated
 * ones, the timer's mode change seen against the mode the timer last had.
 */
#include "dev/lapic.h"
#include "check.h"

static struct vlapic l;
static uint32_t regs[LAPIC_REG_WORDS] __attribute__((aligned(LAPIC_MMIO_SIZE)));

#define SVR_ON     0x1ffu
#define VEC_LOW    0x31u
#define VEC_HIGH   0x62u
#define ICR_SELF_FIXED (0x00040000u | VEC_HIGH)   /* shorthand self, fixed */
#define ICR_DELIVERY_STATUS 0x1000u

static uint32_t page(uint32_t off) { return regs[off / 4]; }
static void wr(uint32_t off, uint32_t v) { vlapic_write(&l, off, 4, v, 0); }

static void setup(void)
{
	vlapic_init(&l, regs, 1, false);
	wr(APIC_REG_SVR, SVR_ON);
}

static void test_layout(void)
{
	setup();
	CHECK(l.regs == regs);
	CHECK_EQ(page(APIC_REG_ID), 1u << 24);
	CHECK_EQ(page(APIC_REG_VERSION), LAPIC_VERSION_VALUE);
	CHECK_EQ(page(APIC_REG_DFR), 0xffffffffu);
	CHECK_EQ(page(APIC_REG_SVR), SVR_ON);
	CHECK_EQ(page(APIC_REG_LVT_TIMER), APIC_LVT_MASKED);
	wr(APIC_REG_TPR, 0x123);
	CHECK_EQ(page(APIC_REG_TPR), 0x23);
	wr(APIC_REG_LDR, 0x04ffffff);
	CHECK_EQ(page(APIC_REG_LDR), 0x04000000u);
	/* Reserved offsets stay 0 in the page: the CPU reads them from there. */
	wr(0x3f0, 0x55);
	CHECK_EQ(page(0x3f0), 0);
}

static void test_posted_until_synced(void)
{
	setup();
	CHECK(vlapic_accept(&l, VEC_HIGH));
	/* Posted: not yet in the page, but a read and the delivery decision see it. */
	CHECK_EQ(page(APIC_REG_IRR0 + 3 * 0x10), 0);
	CHECK_EQ(vlapic_irr_word(&l, 3), 1u << (VEC_HIGH - 96));
	CHECK_EQ(vlapic_read(&l, APIC_REG_IRR0 + 3 * 0x10, 4, 0), 1u << (VEC_HIGH - 96));
	CHECK_EQ(vlapic_pending_vector(&l), (int)VEC_HIGH);
	CHECK_EQ(vlapic_highest_irr(&l), -1);
	CHECK(vlapic_sync_irr(&l));
	CHECK(!vlapic_sync_irr(&l));
	CHECK_EQ(page(APIC_REG_IRR0 + 3 * 0x10), 1u << (VEC_HIGH - 96));
	CHECK_EQ(vlapic_highest_irr(&l), (int)VEC_HIGH);
	CHECK_EQ(l.pir[3], 0);
}

static void test_ack_syncs(void)
{
	setup();
	CHECK(vlapic_accept(&l, VEC_LOW));
	vlapic_ack(&l, VEC_LOW);
	CHECK_EQ(vlapic_irr_word(&l, 1), 0);
	CHECK_EQ(page(APIC_REG_ISR0 + 1 * 0x10), 1u << (VEC_LOW - 32));
	CHECK_EQ(vlapic_highest_isr(&l), (int)VEC_LOW);
	/* The same vector again while in service: requested again, delivered after the EOI. */
	CHECK(vlapic_accept(&l, VEC_LOW));
	CHECK_EQ(vlapic_pending_vector(&l), -1);
	wr(APIC_REG_EOI, 0);
	CHECK_EQ(vlapic_highest_isr(&l), -1);
	CHECK_EQ(vlapic_pending_vector(&l), (int)VEC_LOW);
}

static unsigned hook_calls, hook_vector;

static void hook(void *ctx, unsigned vector)
{
	(void)ctx;
	hook_calls++;
	hook_vector = vector;
}

static void test_eoi_done(void)
{
	setup();
	l.eoi_hook = (struct vlapic_eoi_hook){ hook, 0 };
	hook_calls = 0;
	CHECK(vlapic_accept_irq(&l, VEC_LOW, true));
	CHECK(vlapic_accept(&l, VEC_HIGH));
	CHECK_EQ(vlapic_tmr_word(&l, 1), 1u << (VEC_LOW - 32));
	CHECK_EQ(vlapic_tmr_word(&l, 3), 0);
	/* As after an EOI the CPU virtualized: ISR is the CPU's business, the model only hears of it. */
	vlapic_ack(&l, VEC_LOW);
	uint32_t isr = page(APIC_REG_ISR0 + 0x10);
	vlapic_eoi_done(&l, VEC_HIGH);
	CHECK_EQ(hook_calls, 0);
	vlapic_eoi_done(&l, VEC_LOW);
	CHECK_EQ(hook_calls, 1);
	CHECK_EQ(hook_vector, VEC_LOW);
	CHECK_EQ(page(APIC_REG_ISR0 + 0x10), isr);
	CHECK_EQ(l.eoi_count, 2);
}

static void test_stored_writes(void)
{
	setup();
	/* An ICR write as the CPU stores it, delivery status bit and all: masked, and the IPI is sent. */
	regs[APIC_REG_ICR_LOW / 4] = ICR_SELF_FIXED | ICR_DELIVERY_STATUS;
	vlapic_apply_stored_write(&l, APIC_REG_ICR_LOW, 0);
	CHECK_EQ(page(APIC_REG_ICR_LOW), ICR_SELF_FIXED);
	CHECK_EQ(l.ipi.count, 1);
	CHECK_EQ(l.ipi.self, 1);
	CHECK_EQ(vlapic_pending_vector(&l), (int)VEC_HIGH);
	/* ESR: whatever was stored, it reads 0. */
	regs[APIC_REG_ESR / 4] = 0xff;
	vlapic_apply_stored_write(&l, APIC_REG_ESR, 0);
	CHECK_EQ(page(APIC_REG_ESR), 0);
	/* A software-disabled APIC keeps its LVTs masked, even one the CPU stored unmasked. */
	wr(APIC_REG_SVR, 0xff);
	regs[APIC_REG_LVT_LINT0 / 4] = 0x20;
	vlapic_apply_stored_write(&l, APIC_REG_LVT_LINT0, 0);
	CHECK_EQ(page(APIC_REG_LVT_LINT0), 0x20u | APIC_LVT_MASKED);
}

static void test_stored_timer_mode_change(void)
{
	setup();
	wr(APIC_REG_TIMER_DCR, 0xb);                  /* divide by 1 */
	wr(APIC_REG_LVT_TIMER, VEC_LOW);              /* one-shot */
	vlapic_write(&l, APIC_REG_TIMER_ICR, 4, 10000, 1000);
	CHECK_EQ(vlapic_next_deadline(&l), 11000);
	/* Periodic, stored by the CPU before the model saw it: counting goes on in the new mode. */
	regs[APIC_REG_LVT_TIMER / 4] = APIC_LVT_TIMER_PERIODIC | VEC_LOW;
	vlapic_apply_stored_write(&l, APIC_REG_LVT_TIMER, 1050);
	CHECK(vlapic_tick(&l, 11000));
	CHECK_EQ(vlapic_next_deadline(&l), 21000);
	/* Masked the same way: the deadline is no longer one to wake for. */
	regs[APIC_REG_LVT_TIMER / 4] = APIC_LVT_TIMER_PERIODIC | APIC_LVT_MASKED | VEC_LOW;
	vlapic_apply_stored_write(&l, APIC_REG_LVT_TIMER, 11500);
	CHECK_EQ(vlapic_next_deadline(&l), 0);
	/* Into TSC-deadline mode: the count stops, and an initial count stored there reads 0 after. */
	regs[APIC_REG_LVT_TIMER / 4] = APIC_LVT_TIMER_TSC_DEADLINE | VEC_LOW;
	vlapic_apply_stored_write(&l, APIC_REG_LVT_TIMER, 11600);
	regs[APIC_REG_TIMER_ICR / 4] = 500;
	vlapic_apply_stored_write(&l, APIC_REG_TIMER_ICR, 11700);
	CHECK_EQ(page(APIC_REG_TIMER_ICR), 0);
	CHECK_EQ(vlapic_next_deadline(&l), 0);
}

int main(void)
{
	RUN(test_layout);
	RUN(test_posted_until_synced);
	RUN(test_ack_syncs);
	RUN(test_eoi_done);
	RUN(test_stored_writes);
	RUN(test_stored_timer_mode_change);
	return CHECK_EXIT();
}
