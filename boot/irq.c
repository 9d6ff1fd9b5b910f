/*
 * Local APIC timer, kick IPIs and the host interrupt handler. The timer runs
 * in one-shot mode at the bus rate, measured once against the TSC, which is
 * the hypervisor's clock everywhere else.
 */
#include "boot/irq.h"
#include "boot/pcpu.h"
#include "hw/apic.h"
#include "lib/x86.h"

#define APIC_REG_ICR_LOW     0x300
#define APIC_REG_ICR_HIGH    0x310
#define APIC_REG_TIMER_INIT  0x380
#define APIC_REG_TIMER_CUR   0x390
#define APIC_REG_TIMER_DIV   0x3e0
#define APIC_TIMER_DIV_1     0xb
#define APIC_SVR_ENABLE      BIT(8)
#define X2APIC_ICR_MSR       0x830
#define CALIBRATE_TSC        2000000ULL

static uint64_t apic_ticks_per_mtsc;   /* timer ticks per 2^20 TSC cycles */

static uint64_t base(void) { return rdmsr(MSR_IA32_APIC_BASE); }

static void apic_write(uint32_t reg, uint32_t val)
{
	uint64_t b = base();
	if (b & APIC_BASE_X2APIC)
		wrmsr(X2APIC_MSR_BASE + (reg >> 4), val);
	else
		*(volatile uint32_t *)(uintptr_t)((b & APIC_BASE_ADDR_MASK) + reg) = val;
}

static uint32_t apic_read(uint32_t reg)
{
	uint64_t b = base();
	if (b & APIC_BASE_X2APIC)
		return (uint32_t)rdmsr(X2APIC_MSR_BASE + (reg >> 4));
	return *(volatile uint32_t *)(uintptr_t)((b & APIC_BASE_ADDR_MASK) + reg);
}

uint32_t irq_this_apic_id(void)
{
	uint32_t id = apic_read(APIC_REG_ID);
	return (base() & APIC_BASE_X2APIC) ? id : id >> 24;
}

void irq_init_cpu(void)
{
	apic_write(APIC_REG_SVR, APIC_SVR_ENABLE | IRQ_VECTOR_SPURIOUS);
	apic_write(APIC_REG_TIMER_DIV, APIC_TIMER_DIV_1);
	apic_write(APIC_REG_LVT_TIMER, APIC_LVT_MASKED | IRQ_VECTOR_TIMER);
}

void irq_init_bsp(void)
{
	irq_init_cpu();
	apic_write(APIC_REG_TIMER_INIT, 0xffffffffu);
	uint64_t t0 = rdtsc();
	while (rdtsc() - t0 < CALIBRATE_TSC)
		cpu_relax();
	uint32_t left = apic_read(APIC_REG_TIMER_CUR);
	apic_write(APIC_REG_TIMER_INIT, 0);
	apic_ticks_per_mtsc = ((uint64_t)(0xffffffffu - left) << 20) / CALIBRATE_TSC;
	if (!apic_ticks_per_mtsc)
		apic_ticks_per_mtsc = 1;
}

void irq_timer_arm(uint64_t tsc)
{
	if (!tsc) {
		apic_write(APIC_REG_TIMER_INIT, 0);
		return;
	}
	uint64_t ticks = (tsc >> 20) * apic_ticks_per_mtsc + (((tsc & 0xfffff) * apic_ticks_per_mtsc) >> 20);
	if (!ticks)
		ticks = 1;
	if (ticks > 0xffffffffu)
		ticks = 0xffffffffu;
	apic_write(APIC_REG_LVT_TIMER, IRQ_VECTOR_TIMER);   /* one-shot, unmasked */
	apic_write(APIC_REG_TIMER_INIT, (uint32_t)ticks);
}

void irq_kick(const struct pcpu *target)
{
	if (base() & APIC_BASE_X2APIC) {
		wrmsr(X2APIC_ICR_MSR, ((uint64_t)target->apic_id << 32) | IRQ_VECTOR_KICK);
		return;
	}
	apic_write(APIC_REG_ICR_HIGH, target->apic_id << 24);
	apic_write(APIC_REG_ICR_LOW, IRQ_VECTOR_KICK);
}

void irq_handle(unsigned vector)
{
	if (vector != IRQ_VECTOR_SPURIOUS)
		apic_write(APIC_REG_EOI, 0);
}
