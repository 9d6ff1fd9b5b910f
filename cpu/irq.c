/*
 * The host interrupt handler, the local APIC timer and kick IPIs. The timer
 * runs in one-shot mode at the bus rate, measured once against the TSC, which
 * is the hypervisor's clock everywhere else.
 */
#include "cpu/irq.h"
#include "cpu/lapic.h"
#include "cpu/pcpu.h"
#include "hw/apic.h"
#include "lib/x86.h"

#define APIC_TIMER_DIV_1     0xb
#define APIC_SVR_ENABLE      BIT(8)
#define CALIBRATE_TSC        2000000ULL

static uint64_t apic_ticks_per_mtsc;   /* timer ticks per 2^20 TSC cycles */

void irq_init_cpu(void)
{
	lapic_write(APIC_REG_SVR, APIC_SVR_ENABLE | IRQ_VECTOR_SPURIOUS);
	lapic_write(APIC_REG_TIMER_DCR, APIC_TIMER_DIV_1);
	lapic_write(APIC_REG_LVT_TIMER, APIC_LVT_MASKED | IRQ_VECTOR_TIMER);
}

void irq_init_bsp(void)
{
	irq_init_cpu();
	lapic_write(APIC_REG_TIMER_ICR, 0xffffffffu);
	uint64_t t0 = rdtsc();
	while (rdtsc() - t0 < CALIBRATE_TSC)
		cpu_relax();
	uint32_t left = lapic_read(APIC_REG_TIMER_CCR);
	lapic_write(APIC_REG_TIMER_ICR, 0);
	apic_ticks_per_mtsc = ((uint64_t)(0xffffffffu - left) << 20) / CALIBRATE_TSC;
	if (!apic_ticks_per_mtsc)
		apic_ticks_per_mtsc = 1;
}

void irq_timer_arm(uint64_t tsc)
{
	if (!tsc) {
		lapic_write(APIC_REG_TIMER_ICR, 0);
		return;
	}
	uint64_t ticks = (tsc >> 20) * apic_ticks_per_mtsc + (((tsc & 0xfffff) * apic_ticks_per_mtsc) >> 20);
	if (!ticks)
		ticks = 1;
	if (ticks > 0xffffffffu)
		ticks = 0xffffffffu;
	lapic_write(APIC_REG_LVT_TIMER, IRQ_VECTOR_TIMER);   /* one-shot, unmasked */
	lapic_write(APIC_REG_TIMER_ICR, (uint32_t)ticks);
}

void irq_kick(const struct pcpu *target)
{
	lapic_send_ipi(target->apic_id, IRQ_VECTOR_KICK);
}

int irq_send_nmi(const struct pcpu *target)
{
	/* The vector field is ignored for delivery mode NMI. */
	return lapic_send_ipi(target->apic_id, APIC_ICR_DM_NMI | APIC_ICR_LEVEL_ASSERT);
}

void irq_handle(unsigned vector)
{
	if (vector != IRQ_VECTOR_SPURIOUS)
		lapic_eoi();
}
