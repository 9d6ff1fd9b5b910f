/*
 * The TSC clock behind tsc.h: one rate, found once, and waits built on it.
 * Halting needs a wake-up: the guests run with interrupts off and no
 * interrupt source, so HLT returns only because the hypervisor's vCPU timer
 * (HC_SET_TIMER) or console input ends it.
 */
#include "tsc.h"
#include "hc_ctl.h"
#include "io.h"

#define US_PER_MS 1000u

static uint32_t khz = TSC_KHZ_FALLBACK;
static bool timer_refused;

bool tsc_init(const struct hinoki_bootinfo *bi)
{
	if (bi && bi->tsc_khz) {
		khz = bi->tsc_khz;
		return true;
	}
	struct cpuid_regs r = cpuid(HINOKI_CPUID_BASE, 0);
	if (r.eax >= HINOKI_CPUID_MAX_LEAF) {
		r = cpuid(HINOKI_CPUID_BASE + 1, 0);
		if (r.ecx) {
			khz = r.ecx;
			return true;
		}
	}
	khz = TSC_KHZ_FALLBACK;
	return false;
}

uint32_t tsc_khz(void)
{
	return khz;
}

uint64_t tsc_from_us(uint64_t us)
{
	return us * khz / US_PER_MS;
}

uint64_t tsc_from_ms(uint64_t ms)
{
	return ms * khz;
}

uint64_t tsc_to_ms(uint64_t cycles)
{
	return cycles / khz;
}

void tsc_delay_us(uint64_t us)
{
	uint64_t end = rdtsc() + tsc_from_us(us);
	while (rdtsc() < end)
		cpu_pause();
}

void tsc_delay_ms(uint64_t ms)
{
	tsc_delay_us(ms * US_PER_MS);
}

void tsc_halt_until(uint64_t deadline)
{
	if (!timer_refused && hc_set_timer(deadline) >= 0) {
		/* IF stays clear: the hypervisor, not an interrupt, ends the halt. */
		__asm__ volatile("hlt" : : : "memory");
		return;
	}
	timer_refused = true;
	hc_yield();
}

void tsc_sleep_ms(uint64_t ms)
{
	uint64_t deadline = rdtsc() + tsc_from_ms(ms);
	while (rdtsc() < deadline)
		tsc_halt_until(deadline);
}
