/*
 * Host local APIC access in either xAPIC (MMIO, identity-mapped) or x2APIC
 * (MSR) mode, whichever the firmware left enabled. The hypervisor uses no
 * host interrupts yet: at boot every LVT source is masked, and an interrupt
 * that still arrives while a guest runs is acknowledged on exit and EOI'd here.
 * The BSP also sends the INIT and Startup IPIs that wake the other CPUs.
 */
#include "cpu/lapic.h"
#include "hw/apic.h"
#include "lib/x86.h"

#define ICR_IDLE_SPINS 1000000   /* xAPIC delivery status: microseconds at most, in practice */

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

void lapic_write(uint32_t reg, uint32_t val)
{
	apic_write(apic_base(), reg, val);
}

uint32_t lapic_read(uint32_t reg)
{
	return apic_read(apic_base(), reg);
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

uint32_t lapic_id(void)
{
	uint64_t base = apic_base();
	uint32_t id = apic_read(base, APIC_REG_ID);
	return base & APIC_BASE_X2APIC ? id : id >> APIC_ID_SHIFT;
}

int lapic_send_ipi(uint32_t apic_id, uint32_t icr_low)
{
	uint64_t base = apic_base();
	if (base & APIC_BASE_X2APIC) {
		/*
		 * One MSR write sends it; x2APIC has no delivery-status bit to wait on.
		 * That WRMSR is not serializing: fence so the AP sees what was written for it.
		 */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		wrmsr(X2APIC_MSR_BASE + (APIC_REG_ICR_LOW >> 4),
		      ((uint64_t)apic_id << APIC_ICR_X2APIC_DEST_SHIFT) | icr_low);
		return 0;
	}
	if (apic_id > APIC_XAPIC_MAX_ID)
		return -1;
	apic_write(base, APIC_REG_ICR_HIGH, apic_id << APIC_ICR_XAPIC_DEST_SHIFT);
	apic_write(base, APIC_REG_ICR_LOW, icr_low);   /* writing the low half sends */
	for (unsigned i = 0; i < ICR_IDLE_SPINS; i++) {
		if (!(apic_read(base, APIC_REG_ICR_LOW) & APIC_ICR_DELIVERY_PENDING))
			return 0;
		cpu_relax();
	}
	return -1;
}
