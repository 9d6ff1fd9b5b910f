/*
 * Host tests for the virtual local APIC: power-up values, writable and
 * read-only bits of each register, ICR recording with a delivery status that
 * reads 0, LVT masking while software-disabled, the timer's count-down and
 * divider, misaligned and narrow accesses, IA32_APIC_BASE's enable toggle and
 * refusals; and the interrupt logic: self-IPIs and routed IPIs, IRR/ISR and
 * the processor priority, EOI, the timer firing one-shot and periodic,
 * masked and software-disabled; the TMR of level-triggered interrupts and
 * their EOIs announced through the hook. IPIs for other APICs are in
 * test_lapic_ipi.c.
 */
#include <string.h>

#include "dev/lapic.h"
#include "check.h"

static struct vlapic l;
static uint32_t regs[LAPIC_REG_WORDS] __attribute__((aligned(LAPIC_MMIO_SIZE)));

static uint32_t rd(uint32_t off) { return vlapic_read(&l, off, 4, 0); }
static void wr(uint32_t off, uint32_t v) { vlapic_write(&l, off, 4, v, 0); }

static void test_reset(void)
{
	memset(&l, 0x5a, sizeof l);
	vlapic_init(&l, regs, 3, false);
	CHECK_EQ(rd(APIC_REG_ID), 3u << 24);
	CHECK_EQ(rd(APIC_REG_VERSION), 0x00050014);
	CHECK_EQ(rd(APIC_REG_TPR), 0);
	CHECK_EQ(rd(APIC_REG_APR), 0);
	CHECK_EQ(rd(APIC_REG_PPR), 0);
	CHECK_EQ(rd(APIC_REG_LDR), 0);
	CHECK_EQ(rd(APIC_REG_DFR), 0xffffffff);
	CHECK_EQ(rd(APIC_REG_SVR), 0xff);
	for (uint32_t off = APIC_REG_LVT_TIMER; off <= APIC_REG_LVT_ERROR; off += 0x10)
		CHECK_EQ(rd(off), APIC_LVT_MASKED);
	for (uint32_t off = APIC_REG_ISR0; off < APIC_REG_IRR7_END; off += 0x10)
		CHECK_EQ(rd(off), 0);
	CHECK_EQ(rd(APIC_REG_TIMER_ICR), 0);
	CHECK_EQ(rd(APIC_REG_TIMER_CCR), 0);
	CHECK_EQ(l.apic_base, 0xfee00000ULL | APIC_BASE_ENABLE);
	vlapic_init(&l, regs, 0, true);
	CHECK_EQ(l.apic_base, 0xfee00000ULL | APIC_BASE_ENABLE | APIC_BASE_BSP);
	CHECK(vlapic_hw_enabled(&l));
}

static void test_simple_registers(void)
{
	vlapic_init(&l, regs, 0, true);
	wr(APIC_REG_TPR, 0x1234);
	CHECK_EQ(rd(APIC_REG_TPR), 0x34);
	CHECK_EQ(rd(APIC_REG_PPR), 0x34);
	wr(APIC_REG_SVR, 0xffffffff);
	CHECK_EQ(rd(APIC_REG_SVR), 0x3ff);
	wr(APIC_REG_ID, 0x07123456);
	CHECK_EQ(rd(APIC_REG_ID), 0x07000000);
	wr(APIC_REG_LDR, 0x01ffffff);
	CHECK_EQ(rd(APIC_REG_LDR), 0x01000000);
	wr(APIC_REG_DFR, 0x0);
	CHECK_EQ(rd(APIC_REG_DFR), 0x0fffffff);
	/* read-only registers ignore writes */
	wr(APIC_REG_VERSION, 0);
	CHECK_EQ(rd(APIC_REG_VERSION), LAPIC_VERSION_VALUE);
	wr(APIC_REG_PPR, 0xff);
	CHECK_EQ(rd(APIC_REG_PPR), 0x34);
	wr(APIC_REG_ISR0, 0xff);
	CHECK_EQ(rd(APIC_REG_ISR0), 0);
	/* ESR: nothing is ever latched */
	wr(APIC_REG_ESR, 0xff);
	CHECK_EQ(rd(APIC_REG_ESR), 0);
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
	vlapic_init(&l, regs, 0, true);
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
	vlapic_init(&l, regs, 0, true);
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
	vlapic_init(&l, regs, 0, true);
	wr(APIC_REG_SVR, 0x1ff);
	wr(APIC_REG_TIMER_DCR, 0xffffffff);
	CHECK_EQ(rd(APIC_REG_TIMER_DCR), 0xb);          /* 1011b: divide by 1 */
	wr(APIC_REG_LVT_TIMER, 0x20);                   /* one-shot */
	vlapic_write(&l, APIC_REG_TIMER_ICR, 4, 1000, 5000);
	CHECK_EQ(rd(APIC_REG_TIMER_ICR), 1000);
	CHECK_EQ(vlapic_read(&l, APIC_REG_TIMER_CCR, 4, 5000), 1000);
	CHECK_EQ(vlapic_read(&l, APIC_REG_TIMER_CCR, 4, 5300), 700);
	CHECK_EQ(vlapic_read(&l, APIC_REG_TIMER_CCR, 4, 7000), 0);
	CHECK_EQ(vlapic_read(&l, APIC_REG_TIMER_CCR, 4, 10), 1000);   /* a TSC behind the start */
	/* divide by 16 (0011b) */
	wr(APIC_REG_TIMER_DCR, 0x3);
	CHECK_EQ(vlapic_read(&l, APIC_REG_TIMER_CCR, 4, 5000 + 160), 990);
	/* divide by 2 (0000b), periodic: wraps */
	wr(APIC_REG_TIMER_DCR, 0x0);
	wr(APIC_REG_LVT_TIMER, 0x20 | (1u << 17));
	CHECK_EQ(vlapic_read(&l, APIC_REG_TIMER_CCR, 4, 5000 + 2 * 1250), 750);
	/* TSC-deadline mode: the count reads 0 */
	wr(APIC_REG_LVT_TIMER, 0x20 | (2u << 17));
	CHECK_EQ(vlapic_read(&l, APIC_REG_TIMER_CCR, 4, 5000), 0);
	/* writing 0 stops it */
	wr(APIC_REG_LVT_TIMER, 0x20);
	vlapic_write(&l, APIC_REG_TIMER_ICR, 4, 0, 6000);
	CHECK_EQ(vlapic_read(&l, APIC_REG_TIMER_CCR, 4, 6001), 0);
}

/*
 * A one-shot count that reached 0 stays there when the mode changes to
 * periodic (kvm-unit-tests' apic "TMCCT should stay at zero"), whether or
 * not the expiry was seen before the write; its one interrupt is taken, and
 * no period follows. One still counting goes on in the new mode.
 */
static void test_oneshot_done_then_periodic(void)
{
	for (int ticked = 0; ticked < 2; ticked++) {
		vlapic_init(&l, regs, 0, true);
		wr(APIC_REG_SVR, 0x1ff);
		wr(APIC_REG_TIMER_DCR, 0xb);                    /* divide by 1 */
		wr(APIC_REG_LVT_TIMER, 0x41);                   /* one-shot */
		vlapic_write(&l, APIC_REG_TIMER_ICR, 4, 1000, 5000);
		if (ticked)
			CHECK(vlapic_tick(&l, 6000));
		CHECK_EQ(vlapic_read(&l, APIC_REG_TIMER_CCR, 4, 6500), 0);
		vlapic_write(&l, APIC_REG_LVT_TIMER, 4, 0x41 | APIC_LVT_TIMER_PERIODIC, 6500);
		CHECK_EQ(vlapic_read(&l, APIC_REG_TIMER_CCR, 4, 6500), 0);
		CHECK_EQ(vlapic_read(&l, APIC_REG_TIMER_CCR, 4, 7300), 0);
		CHECK_EQ(vlapic_next_deadline(&l), 0);
		CHECK_EQ(l.timer_fired, 1);
		CHECK_EQ(vlapic_pending_vector(&l), 0x41);
		vlapic_ack(&l, 0x41);
		wr(APIC_REG_EOI, 0);
		CHECK(!vlapic_tick(&l, 100000));
		CHECK_EQ(l.timer_fired, 1);
	}
	/* Still counting at the change: periodic from the same start. */
	vlapic_write(&l, APIC_REG_TIMER_ICR, 4, 100000, 200000);
	vlapic_write(&l, APIC_REG_LVT_TIMER, 4, 0x41, 200100);
	vlapic_write(&l, APIC_REG_LVT_TIMER, 4, 0x41 | APIC_LVT_TIMER_PERIODIC, 200400);
	CHECK_EQ(vlapic_read(&l, APIC_REG_TIMER_CCR, 4, 200400), 99600);
	CHECK_EQ(vlapic_read(&l, APIC_REG_TIMER_CCR, 4, 300500), 99500);
	CHECK_EQ(vlapic_next_deadline(&l), 300000);
}

static void test_bad_accesses(void)
{
	vlapic_init(&l, regs, 2, false);
	wr(APIC_REG_TPR, 0x20);
	/* narrow reads within a register's first 4 bytes read those bytes, as APIC-register virtualization's do */
	CHECK_EQ(vlapic_read(&l, APIC_REG_VERSION, 1, 0), 0x14);
	CHECK_EQ(vlapic_read(&l, APIC_REG_VERSION, 2, 0), 0x14);
	CHECK_EQ(vlapic_read(&l, APIC_REG_VERSION + 2, 1, 0), 0x05);
	CHECK_EQ(vlapic_read(&l, APIC_REG_VERSION + 2, 2, 0), 0x0005);
	CHECK_EQ(vlapic_read(&l, APIC_REG_ID + 3, 1, 0), 2);
	/* wide, crossing and misaligned accesses read 0; only aligned 32-bit writes count */
	CHECK_EQ(vlapic_read(&l, APIC_REG_VERSION, 8, 0), 0);
	CHECK_EQ(vlapic_read(&l, APIC_REG_VERSION + 3, 2, 0), 0);
	CHECK_EQ(vlapic_read(&l, APIC_REG_VERSION + 4, 4, 0), 0);
	CHECK_EQ(vlapic_read(&l, APIC_REG_ID + 1, 4, 0), 0);
	CHECK_EQ(vlapic_read(&l, 0x1000, 4, 0), 0);
	CHECK_EQ(vlapic_read(&l, 0xfffffff0u, 4, 0), 0);
	vlapic_write(&l, APIC_REG_TPR, 1, 0x77, 0);
	vlapic_write(&l, APIC_REG_TPR + 4, 4, 0x77, 0);
	vlapic_write(&l, APIC_REG_TPR, 8, 0x77, 0);
	CHECK_EQ(rd(APIC_REG_TPR), 0x20);
	vlapic_write(&l, APIC_REG_ICR_LOW, 2, 0x4000, 0);
	CHECK_EQ(l.ipi.count, 0);
}

#define SVR_ON 0x1ffu

static uint32_t irr_word(unsigned w) { return rd(APIC_REG_IRR0 + w * 0x10); }
static uint32_t isr_word(unsigned w) { return rd(APIC_REG_ISR0 + w * 0x10); }

static void test_self_ipi(void)
{
	vlapic_init(&l, regs, 0, true);
	/* software-disabled: a self-IPI is recorded but not accepted */
	wr(APIC_REG_ICR_LOW, 0x00040040);
	CHECK_EQ(l.ipi.count, 1);
	CHECK_EQ(l.ipi.self, 0);
	CHECK_EQ(vlapic_pending_vector(&l), -1);
	CHECK_EQ(irr_word(2), 0);

	wr(APIC_REG_SVR, SVR_ON);
	l.attention = 0;
	wr(APIC_REG_ICR_LOW, 0x00040040);            /* shorthand self, fixed, 0x40 */
	CHECK_EQ(l.ipi.self, 1);
	CHECK_EQ(irr_word(2), 1u);                    /* vector 0x40: word 2, bit 0 */
	CHECK(l.attention & LAPIC_ATTN_EVAL);
	CHECK_EQ(vlapic_pending_vector(&l), 0x40);
	CHECK(!l.route.pending);
	/* physical destination = own id: self, and routed too, since another xAPIC may have written the same ID */
	wr(APIC_REG_ICR_HIGH, 0);
	wr(APIC_REG_ICR_LOW, 0x00000051);
	CHECK_EQ(irr_word(2), (1u << 0x11) | 1u);
	CHECK_EQ(vlapic_pending_vector(&l), 0x51);
	CHECK(l.route.pending);
	CHECK_EQ(l.route.dest, 0);
	l.route.pending = 0;
	/* reserved vectors 0-15, INIT, NMI and logical destinations naming nobody set nothing in IRR */
	wr(APIC_REG_ICR_LOW, 0x00040005);
	wr(APIC_REG_ICR_LOW, 0x00000c62);             /* NMI delivery mode, logical */
	wr(APIC_REG_ICR_LOW, 0x00000822);             /* fixed, logical destination */
	CHECK_EQ(irr_word(0), 0);
	CHECK_EQ(irr_word(1), 0);
	CHECK_EQ(l.ipi.self, 2);
}

static void test_priority_and_eoi(void)
{
	vlapic_init(&l, regs, 0, true);
	wr(APIC_REG_SVR, SVR_ON);
	CHECK(vlapic_accept(&l, 0x41));
	CHECK(vlapic_accept(&l, 0x62));
	CHECK(!vlapic_accept(&l, 0x0f));             /* reserved vector */
	CHECK_EQ(vlapic_pending_vector(&l), 0x62);
	/* TPR at class 6 holds 0x62 (class must be above), and 0x41 too */
	wr(APIC_REG_TPR, 0x60);
	CHECK_EQ(vlapic_pending_vector(&l), -1);
	wr(APIC_REG_TPR, 0x5f);
	CHECK_EQ(vlapic_pending_vector(&l), 0x62);
	wr(APIC_REG_TPR, 0);
	/* delivery: IRR to ISR; PPR becomes the in-service class; 0x41 is below it */
	vlapic_ack(&l, 0x62);
	CHECK_EQ(irr_word(3), 0);
	CHECK_EQ(isr_word(3), 1u << 2);
	CHECK_EQ(rd(APIC_REG_PPR), 0x60);
	CHECK_EQ(vlapic_ppr(&l), 0x60);
	CHECK_EQ(vlapic_pending_vector(&l), -1);
	/* a higher class nests */
	CHECK(vlapic_accept(&l, 0x70));
	CHECK_EQ(vlapic_pending_vector(&l), 0x70);
	vlapic_ack(&l, 0x70);
	CHECK_EQ(rd(APIC_REG_PPR), 0x70);
	/* TPR above the in-service class wins */
	wr(APIC_REG_TPR, 0x85);
	CHECK_EQ(rd(APIC_REG_PPR), 0x85);
	wr(APIC_REG_TPR, 0);
	/* EOI retires the highest in-service vector first */
	l.attention = 0;
	wr(APIC_REG_EOI, 0);
	CHECK(l.attention & LAPIC_ATTN_EVAL);
	CHECK_EQ(isr_word(3), 1u << 2);
	CHECK_EQ(rd(APIC_REG_PPR), 0x60);
	wr(APIC_REG_EOI, 0);
	CHECK_EQ(isr_word(3), 0);
	CHECK_EQ(rd(APIC_REG_PPR), 0);
	CHECK_EQ(vlapic_pending_vector(&l), 0x41);
	/* an EOI with nothing in service changes nothing */
	vlapic_ack(&l, 0x41);
	wr(APIC_REG_EOI, 0);
	wr(APIC_REG_EOI, 0);
	CHECK_EQ(isr_word(2), 0);
	CHECK_EQ(vlapic_pending_vector(&l), -1);
	CHECK_EQ(l.eoi_count, 4);
	/* software disable: IRR held, nothing delivered, nothing accepted */
	CHECK(vlapic_accept(&l, 0x90));
	wr(APIC_REG_SVR, 0xff);
	CHECK_EQ(vlapic_pending_vector(&l), -1);
	CHECK(!vlapic_accept(&l, 0x91));
	wr(APIC_REG_SVR, SVR_ON);
	CHECK_EQ(vlapic_pending_vector(&l), 0x90);
	/* hardware disable clears IRR and ISR */
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL | APIC_BASE_BSP, TEST_PHYS_BITS), 0);
	CHECK_EQ(vlapic_pending_vector(&l), -1);
	CHECK(!vlapic_accept(&l, 0x90));
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL | APIC_BASE_BSP | APIC_BASE_ENABLE, TEST_PHYS_BITS), 0);
	wr(APIC_REG_SVR, SVR_ON);
	CHECK_EQ(vlapic_pending_vector(&l), -1);
	CHECK_EQ(irr_word(4), 0);
}

static void test_timer_fires(void)
{
	vlapic_init(&l, regs, 0, true);
	wr(APIC_REG_SVR, SVR_ON);
	wr(APIC_REG_TIMER_DCR, 0xb);                  /* divide by 1 */
	/* one-shot */
	wr(APIC_REG_LVT_TIMER, 0x41);
	vlapic_write(&l, APIC_REG_TIMER_ICR, 4, 100, 1000);
	CHECK_EQ(vlapic_next_deadline(&l), 1100);
	CHECK(l.attention & LAPIC_ATTN_TIMER);
	CHECK(l.attention & LAPIC_ATTN_TIMER_NEW);   /* a deadline the entry code has not seen */
	l.attention &= (uint8_t)~LAPIC_ATTN_TIMER_NEW;   /* as the entry code clears it */
	CHECK(!vlapic_tick(&l, 1099));
	CHECK_EQ(vlapic_pending_vector(&l), -1);
	CHECK(vlapic_tick(&l, 1100));
	CHECK_EQ(vlapic_pending_vector(&l), 0x41);
	CHECK_EQ(vlapic_next_deadline(&l), 0);
	CHECK(!(l.attention & LAPIC_ATTN_TIMER));
	CHECK(!vlapic_tick(&l, 5000));                /* one-shot: once */
	CHECK_EQ(l.timer_fired, 1);
	vlapic_ack(&l, 0x41);
	wr(APIC_REG_EOI, 0);
	/* divide by 4 (0001b): 100 ticks are 400 TSC cycles */
	wr(APIC_REG_TIMER_DCR, 0x1);
	vlapic_write(&l, APIC_REG_TIMER_ICR, 4, 100, 2000);
	CHECK_EQ(vlapic_next_deadline(&l), 2400);
	/* periodic: moves on by a period each expiry; missed ones collapse */
	wr(APIC_REG_TIMER_DCR, 0xb);
	wr(APIC_REG_LVT_TIMER, 0x41 | (1u << 17));
	vlapic_write(&l, APIC_REG_TIMER_ICR, 4, 10000, 3000);
	l.attention &= (uint8_t)~LAPIC_ATTN_TIMER_NEW;
	CHECK(vlapic_tick(&l, 13000));
	CHECK_EQ(vlapic_next_deadline(&l), 23000);
	vlapic_ack(&l, 0x41);
	wr(APIC_REG_EOI, 0);
	CHECK(vlapic_tick(&l, 27500));
	CHECK_EQ(vlapic_next_deadline(&l), 33000);
	CHECK_EQ(l.timer_fired, 3);
	CHECK(!(l.attention & LAPIC_ATTN_TIMER_NEW));   /* periodic reloads are the tick's own: nothing new */
	CHECK_EQ(vlapic_pending_vector(&l), 0x41);
	vlapic_ack(&l, 0x41);
	wr(APIC_REG_EOI, 0);
	/* masked: counts on, raises nothing, and asks for no wake-up */
	wr(APIC_REG_LVT_TIMER, 0x41 | (1u << 17) | APIC_LVT_MASKED);
	CHECK_EQ(vlapic_next_deadline(&l), 0);
	CHECK(!vlapic_tick(&l, 28000));
	CHECK_EQ(vlapic_pending_vector(&l), -1);
	CHECK_EQ(l.timer_deadline, 33000);
	/* unmasked again: a deadline to arm for again, and the next expiry fires */
	l.attention &= (uint8_t)~LAPIC_ATTN_TIMER_NEW;
	wr(APIC_REG_LVT_TIMER, 0x41 | (1u << 17));
	CHECK(l.attention & LAPIC_ATTN_TIMER_NEW);
	CHECK(vlapic_tick(&l, 33000));
	CHECK_EQ(vlapic_pending_vector(&l), 0x41);
	vlapic_ack(&l, 0x41);
	wr(APIC_REG_EOI, 0);
	/* a period shorter than LAPIC_MIN_PERIOD_TSC expires at that period; one-shot keeps its count */
	vlapic_write(&l, APIC_REG_TIMER_ICR, 4, 1, 40000);
	CHECK_EQ(vlapic_next_deadline(&l), 40000 + LAPIC_MIN_PERIOD_TSC);
	CHECK(vlapic_tick(&l, 40000 + LAPIC_MIN_PERIOD_TSC));
	CHECK_EQ(vlapic_next_deadline(&l), 40000 + 2 * LAPIC_MIN_PERIOD_TSC);
	CHECK(!vlapic_tick(&l, 40000 + 2 * LAPIC_MIN_PERIOD_TSC - 1));
	vlapic_ack(&l, 0x41);
	wr(APIC_REG_EOI, 0);
	wr(APIC_REG_LVT_TIMER, 0x41);
	vlapic_write(&l, APIC_REG_TIMER_ICR, 4, 1, 60000);
	CHECK_EQ(vlapic_next_deadline(&l), 60001);
	CHECK(vlapic_tick(&l, 60001));
	vlapic_ack(&l, 0x41);
	wr(APIC_REG_EOI, 0);
	wr(APIC_REG_LVT_TIMER, 0x41 | (1u << 17));
	/* an initial count of 0 stops it; TSC-deadline mode never counts here */
	wr(APIC_REG_TIMER_ICR, 0);
	CHECK_EQ(vlapic_next_deadline(&l), 0);
	CHECK(!(l.attention & LAPIC_ATTN_TIMER));
	wr(APIC_REG_LVT_TIMER, 0x41 | (2u << 17));
	vlapic_write(&l, APIC_REG_TIMER_ICR, 4, 100, 4000);
	CHECK_EQ(vlapic_next_deadline(&l), 0);
	CHECK(!vlapic_tick(&l, 9000));
	/* a software-disabled APIC keeps the timer masked */
	wr(APIC_REG_SVR, 0xff);
	wr(APIC_REG_LVT_TIMER, 0x41);
	vlapic_write(&l, APIC_REG_TIMER_ICR, 4, 10, 10000);
	CHECK_EQ(vlapic_next_deadline(&l), 0);
	CHECK(!vlapic_tick(&l, 10010));
	CHECK_EQ(vlapic_pending_vector(&l), -1);
}

static void test_apic_base(void)
{
	vlapic_init(&l, regs, 0, true);
	wr(APIC_REG_SVR, 0x1ff);
	wr(APIC_REG_TPR, 0x40);
	/* reserved bits (the address's from MAXPHYADDR up too), x2APIC without enable: refused, nothing changes */
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL | APIC_BASE_X2APIC, TEST_PHYS_BITS), -1);
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL | APIC_BASE_ENABLE | 1, TEST_PHYS_BITS), -1);
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL | APIC_BASE_ENABLE | (1ULL << 9), TEST_PHYS_BITS), -1);
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL | APIC_BASE_ENABLE | (1ULL << TEST_PHYS_BITS), TEST_PHYS_BITS), -1);
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL | APIC_BASE_ENABLE | (1ULL << 52), TEST_PHYS_BITS), -1);
	CHECK_EQ(l.apic_base, 0xfee00000ULL | APIC_BASE_ENABLE | APIC_BASE_BSP);
	CHECK(vlapic_mmio(&l) != 0 && vlapic_mmio(&l)->base == 0xfee00000ULL);
	/* the same value again: accepted, state kept */
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL | APIC_BASE_ENABLE | APIC_BASE_BSP, TEST_PHYS_BITS), 0);
	CHECK_EQ(rd(APIC_REG_TPR), 0x40);
	/* disable, with the BSP bit written as 0: BSP stays (read-only) */
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL, TEST_PHYS_BITS), 0);
	CHECK(!vlapic_hw_enabled(&l));
	CHECK_EQ(l.apic_base, 0xfee00000ULL | APIC_BASE_BSP);
	/* re-enable: power-up state, the initial ID (0) */
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL | APIC_BASE_ENABLE, TEST_PHYS_BITS), 0);
	CHECK(vlapic_hw_enabled(&l));
	CHECK_EQ(rd(APIC_REG_TPR), 0);
	CHECK_EQ(rd(APIC_REG_SVR), 0xff);
	CHECK_EQ(rd(APIC_REG_ID), 0);
}

/* "Relocating the Local APIC Registers": the page moves, registers and mode stay. */
static void test_apic_base_move(void)
{
	vlapic_init(&l, regs, 0, true);
	wr(APIC_REG_TPR, 0x40);
	CHECK_EQ(vlapic_set_base(&l, 0xfed40000ULL | APIC_BASE_ENABLE, TEST_PHYS_BITS), 0);
	CHECK_EQ(l.apic_base, 0xfed40000ULL | APIC_BASE_ENABLE | APIC_BASE_BSP);
	const struct bus_range *r = vlapic_mmio(&l);
	CHECK(r != 0);
	if (r) {
		CHECK_EQ(r->base, 0xfed40000ULL);
		CHECK_EQ(r->last, 0xfed40fffULL);
		CHECK_EQ(bus_mmio_read(r, 0, 0xfed40000ULL + APIC_REG_TPR, 4), 0x40);
		CHECK_EQ(bus_mmio_write(r, 0, 0xfed40000ULL + APIC_REG_TPR, 4, 0x30), BUS_OK);
		CHECK_EQ(rd(APIC_REG_TPR), 0x30);
	}
	/* the highest address below MAXPHYADDR; disabled or in x2APIC mode the page is off */
	uint64_t top = (1ULL << TEST_PHYS_BITS) - LAPIC_MMIO_SIZE;
	CHECK_EQ(vlapic_set_base(&l, top | APIC_BASE_ENABLE, TEST_PHYS_BITS), 0);
	CHECK(vlapic_mmio(&l) != 0 && vlapic_mmio(&l)->last == (1ULL << TEST_PHYS_BITS) - 1);
	CHECK_EQ(vlapic_set_base(&l, top | APIC_BASE_ENABLE | APIC_BASE_X2APIC, TEST_PHYS_BITS), 0);
	CHECK(vlapic_mmio(&l) == 0);
	CHECK_EQ(vlapic_set_base(&l, top, TEST_PHYS_BITS), 0);
	CHECK(vlapic_mmio(&l) == 0);
	/* back home, enabled again */
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL | APIC_BASE_ENABLE, TEST_PHYS_BITS), 0);
	CHECK(vlapic_mmio(&l) != 0 && vlapic_mmio(&l)->base == 0xfee00000ULL);
}

/* A CPU model without x2APIC: the mode bit is reserved. */
static void test_x2apic_hidden(void)
{
	vlapic_init(&l, regs, 0, true);
	vlapic_hide_x2apic(&l);
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL | APIC_BASE_ENABLE | APIC_BASE_X2APIC, TEST_PHYS_BITS), -1);
	CHECK(!vlapic_x2apic(&l));
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL, TEST_PHYS_BITS), 0);
	CHECK_EQ(vlapic_set_base(&l, 0xfee00000ULL | APIC_BASE_ENABLE, TEST_PHYS_BITS), 0);
}

static struct { unsigned count, vector; } eois;

static void eoi_seen(void *ctx, unsigned vector)
{
	CHECK(ctx == &eois);
	eois.count++;
	eois.vector = vector;
}

static void test_level_tmr_eoi(void)
{
	vlapic_init(&l, regs, 0, true);
	memset(&eois, 0, sizeof eois);
	l.eoi_hook = (struct vlapic_eoi_hook){ eoi_seen, &eois };
	wr(APIC_REG_SVR, 0x1ff);
	CHECK(vlapic_accept_irq(&l, 0x61, true));
	CHECK(vlapic_accept(&l, 0x62));
	CHECK_EQ(rd(APIC_REG_TMR0 + 3 * 0x10), 1u << 1);   /* 0x61 level, 0x62 edge */
	vlapic_ack(&l, 0x62);
	wr(APIC_REG_EOI, 0);
	CHECK_EQ(eois.count, 0);                           /* an edge-triggered EOI stays in the APIC */
	vlapic_ack(&l, 0x61);
	wr(APIC_REG_EOI, 0);
	CHECK_EQ(eois.count, 1);
	CHECK_EQ(eois.vector, 0x61);
	/* Accepted again as edge-triggered, the vector's TMR bit clears and its EOI stays in the APIC. */
	CHECK(vlapic_accept(&l, 0x61));
	CHECK_EQ(rd(APIC_REG_TMR0 + 3 * 0x10), 0);
	vlapic_ack(&l, 0x61);
	wr(APIC_REG_EOI, 0);
	CHECK_EQ(eois.count, 1);
	/* An EOI with nothing in service announces nothing; a reset clears TMR. */
	CHECK(vlapic_accept_irq(&l, 0x61, true));
	wr(APIC_REG_EOI, 0);
	CHECK_EQ(eois.count, 1);
	CHECK(vlapic_receive_init(&l));
	CHECK_EQ(rd(APIC_REG_TMR0 + 3 * 0x10), 0);
}

/* The BSP as firmware leaves it: LINT0 ExtINT, LINT1 NMI, software-enabled; ExtINT taken until LINT0 is masked. */
static void test_virtual_wire(void)
{
	vlapic_init(&l, regs, 0, true);
	CHECK(!vlapic_takes_extint(&l));          /* power-up: LINT0 masked */
	vlapic_virtual_wire(&l);
	CHECK_EQ(rd(APIC_REG_SVR), 0x1ff);
	CHECK_EQ(rd(APIC_REG_LVT_LINT0), 0x700);
	CHECK_EQ(rd(APIC_REG_LVT_LINT1), 0x400);
	CHECK(vlapic_takes_extint(&l));
	__atomic_store_n(&l.attention, 0, __ATOMIC_SEQ_CST);
	wr(APIC_REG_LVT_LINT0, 0x10700);
	CHECK(!vlapic_takes_extint(&l));
	CHECK(l.attention & LAPIC_ATTN_EVAL);     /* the entry code looks again */
	wr(APIC_REG_LVT_LINT0, 0x700);
	CHECK(vlapic_takes_extint(&l));
	wr(APIC_REG_LVT_LINT0, 0x000);             /* fixed mode: not ExtINT */
	CHECK(!vlapic_takes_extint(&l));
	__atomic_store_n(&l.attention, 0, __ATOMIC_SEQ_CST);
	vlapic_extint_raised(&l);
	CHECK_EQ(l.attention, LAPIC_ATTN_EVAL);
	/* Disabled in IA32_APIC_BASE, LINT0 is the INTR pin. */
	CHECK_EQ(vlapic_set_base(&l, APIC_DEFAULT_PHYS_BASE | APIC_BASE_BSP, TEST_PHYS_BITS), 0);
	CHECK(vlapic_takes_extint(&l));
}

int main(void)
{
	RUN(test_reset);
	RUN(test_simple_registers);
	RUN(test_icr);
	RUN(test_lvt);
	RUN(test_timer);
	RUN(test_oneshot_done_then_periodic);
	RUN(test_bad_accesses);
	RUN(test_apic_base);
	RUN(test_apic_base_move);
	RUN(test_x2apic_hidden);
	RUN(test_self_ipi);
	RUN(test_priority_and_eoi);
	RUN(test_timer_fires);
	RUN(test_level_tmr_eoi);
	RUN(test_virtual_wire);
	return CHECK_EXIT();
}
