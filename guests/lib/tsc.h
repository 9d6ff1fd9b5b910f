/*
 * Time for 64-bit Hinoki guests, counted in TSC cycles: the rate comes from
 * the boot information (bootinfo.tsc_khz), else from CPUID leaf 0x40000001
 * ECX. Spinning delays burn the CPU; tsc_sleep_ms blocks the vCPU instead,
 * with HC_SET_TIMER and HLT, so other vCPUs get the processor.
 */
#ifndef GUEST_TSC_H
#define GUEST_TSC_H

#include <stdbool.h>
#include <stdint.h>

#include "hinoki/bootinfo.h"

/* Assumed when neither the boot information nor CPUID gives a rate. */
#define TSC_KHZ_FALLBACK 1000000u

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/*
 * Finds the TSC rate (see above); returns false, and uses TSC_KHZ_FALLBACK,
 * when neither source gives one.
 */
bool tsc_init(const struct hinoki_bootinfo *bi);

/* The rate tsc_init settled on, in kHz (cycles per millisecond). */
uint32_t tsc_khz(void);

uint64_t tsc_from_us(uint64_t us);
uint64_t tsc_from_ms(uint64_t ms);
uint64_t tsc_to_ms(uint64_t cycles);

/* Busy-waits: for short waits, or before the hypervisor offers HC_SET_TIMER. */
void tsc_delay_us(uint64_t us);
void tsc_delay_ms(uint64_t ms);

/*
 * Arms HC_SET_TIMER at `deadline` and halts once: returns at the deadline or
 * earlier, when something (console input) wakes the vCPU. Where the timer
 * call is refused it yields once instead, so it never halts without a wake-up.
 */
void tsc_halt_until(uint64_t deadline);

/* Blocks for at least `ms` milliseconds (halting, see tsc_halt_until). */
void tsc_sleep_ms(uint64_t ms);

#endif
