/*
 * Interrupt and timer storms, each for a bounded time (`storm_ms=`, default
 * 300 ms of the guest's TSC) after which the case ends itself: self-IPIs as
 * fast as the guest can send them, and the local APIC timer periodic with
 * an initial count of 1 and divide by 1, with interrupts on and then off
 * (cpuhog's `storm`, which never ends). With interrupts on, the handler
 * (storm_tick.asm) masks the timer once the deadline has passed, however
 * little the interrupted loop gets to run; with them off, the guest's own
 * loop must go on. The other domains beside it must keep going too (the
 * test's honest guest and its power-off show it).
 */
#include "attack.h"
#include "cmdline.h"
#include "hw/apic.h"
#include "irq.h"
#include "tsc.h"

#define SPURIOUS_VECTOR  0xff
#define DEFAULT_STORM_MS 300
#define STORM_VECTOR     0x50

extern volatile uint64_t storm_ticks, storm_deadline;
extern volatile uint32_t storm_vector;
extern char storm_tick[];

static uint64_t storm_end(void)
{
	uint64_t ms = DEFAULT_STORM_MS;
	cmdline_u64(guest_bootinfo, "storm_ms", &ms);
	return rdtsc() + tsc_from_ms(ms);
}

static void apic_on(void)
{
	irq_init();
	apic_write(APIC_REG_SVR, APIC_SVR_ENABLE | SPURIOUS_VECTOR);
}

/* Fixed self-IPIs, each taken before the next is sent (IF is set): as many taken as sent. */
static void self_ipi_storm(const void *arg, struct verdict *v)
{
	(void)arg;
	apic_on();
	uint64_t end = storm_end(), sent = 0, before = irq_count[0];
	answer(v->expected, "storm over, every self-IPI taken once");
	irq_enable();
	while (rdtsc() < end) {
		apic_write(APIC_REG_ICR_LOW, APIC_ICR_DEST_SELF | IRQ_VEC_A);
		sent++;
	}
	irq_disable();
	uint64_t taken = irq_count[0] - before;
	if (taken == sent)
		answer(v->got, "storm over, every self-IPI taken once");
	else
		answer(v->got, "storm over, %lu self-IPIs sent, %lu taken", sent, taken);
	gprintf(TAG "self-IPI storm: %lu sent\n", sent);
}

static void timer_storm(bool interrupts, struct verdict *v)
{
	apic_on();
	trap_set_gate(STORM_VECTOR, (uintptr_t)storm_tick);
	storm_vector = STORM_VECTOR;
	storm_deadline = storm_end();
	uint64_t loops = 0, before = storm_ticks;
	apic_write(APIC_REG_TIMER_DCR, APIC_TIMER_DIVIDE_BY_1);
	apic_write(APIC_REG_LVT_TIMER, APIC_LVT_TIMER_PERIODIC | STORM_VECTOR);
	apic_write(APIC_REG_TIMER_ICR, 1);
	if (interrupts)
		irq_enable();
	while (rdtsc() < storm_deadline)
		loops++;
	irq_disable();
	apic_write(APIC_REG_LVT_TIMER, APIC_LVT_MASKED | STORM_VECTOR);
	apic_write(APIC_REG_TIMER_ICR, 0);
	uint64_t taken = storm_ticks - before;
	/* With interrupts off one tick waits in IRR: taken now, once the storm is over. */
	irq_enable();
	irq_disable();
	answer(v->expected, "storm over, %s", interrupts ? "ticks taken" : "guest progressed, no tick taken");
	if (interrupts)
		answer(v->got, "storm over, %s", taken ? "ticks taken" : "no tick taken");
	else
		answer(v->got, "storm over, guest %s, %s", loops ? "progressed" : "stalled",
		       taken ? "ticks taken" : "no tick taken");
	gprintf(TAG "timer storm: %lu loops, %lu ticks\n", loops, taken);
}

static void timer_storm_on(const void *arg, struct verdict *v)
{
	(void)arg;
	timer_storm(true, v);
}

static void timer_storm_off(const void *arg, struct verdict *v)
{
	(void)arg;
	timer_storm(false, v);
}

const struct attack_case storm_cases[] = {
	{ "self-IPI storm", self_ipi_storm, 0, 0 },
	{ "APIC timer periodic count 1, interrupts on", timer_storm_on, 0, 0 },
	{ "APIC timer periodic count 1, interrupts off", timer_storm_off, 0, 0 },
};
const unsigned storm_case_count = sizeof storm_cases / sizeof storm_cases[0];
