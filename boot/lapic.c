/*
 * Host local APIC access in either xAPIC (MMIO, identity-mapped) or x2APIC
 * (MSR) mode, whichever the firmware left enabled. The hypervisor uses no
 * host interrupts yet: at boot every LVT source is masked, and an interrupt
 * that still arrives while a guest runs is acknowledged on exit and EOI'd here.
 */
#include "boot/lapic.h"
#include "hw/apic.h"
#include "lib/x86.h"

static uint64_t apic_base(void)
{
	return rdmsr(MSR_IA32_APIC_BASE);
}

static void apic_write(uint64_t base, uint32_t reg, uint32_t val)
{
	if (base & APIC_BASE_X2APIC)
		wrmsr(X2APIC_MSR_BASE + (reg >> 4), val);
	else
		*(volatile uint32_t *)(uintptr_t)((base & APIC_BASE_ADDR_MASK) + reg) = val;
}

static uint32_t apic_read(uint64_t base, uint32_t reg)
{
	if (base & APIC_BASE_X2APIC)
		return (uint32_t)rdmsr(X2APIC_MSR_BASE + (reg >> 4));
	return *(volatile uint32_t *)(uintptr_t)((base & APIC_BASE_ADDR_MASK) + reg);
}

void lapic_quiesce(void)
{
	static const uint32_t lvts[] = { APIC_REG_LVT_TIMER, APIC_REG_LVT_THERMAL, APIC_REG_LVT_PERF,
	                                 APIC_REG_LVT_LINT0, APIC_REG_LVT_ERROR };
	uint64_t base = apic_base();
	if (!(base & APIC_BASE_ENABLE))
		return;
	for (unsigned i = 0; i < sizeof lvts / sizeof lvts[0]; i++)
		apic_write(base, lvts[i], apic_read(base, lvts[i]) | APIC_LVT_MASKED);
}

void lapic_eoi(void)
{
	uint64_t base = apic_base();
	if (base & APIC_BASE_ENABLE)
		apic_write(base, APIC_REG_EOI, 0);
}
