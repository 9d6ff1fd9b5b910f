/* The checks behind msr_check.h. */
#include "cpu.h"
#include "hypercall.h"
#include "msr_check.h"

static const uint32_t msrs[] = { MSR_IA32_STAR, MSR_IA32_LSTAR, MSR_IA32_CSTAR, MSR_IA32_FMASK,
                                 MSR_IA32_KERNEL_GS_BASE };

/* Canonical where the MSR holds an address; FMASK's upper half is reserved. */
static uint64_t value(uint8_t seed, unsigned i)
{
	uint64_t v = 0xffff800000000000ull | (uint64_t)seed << 24 | (uint64_t)(i + 1) << 12;
	return msrs[i] == MSR_IA32_FMASK ? (uint32_t)v : v;
}

uint32_t syscall_msrs_check_yields(uint8_t seed, unsigned yields)
{
	unsigned n = sizeof msrs / sizeof msrs[0];
	uint32_t bad = 0;
	for (unsigned i = 0; i < n; i++)
		wrmsr(msrs[i], value(seed, i));
	for (unsigned y = 0; y < yields; y++)
		hc_yield();
	for (unsigned i = 0; i < n; i++)
		if (rdmsr(msrs[i]) != value(seed, i))
			bad |= 1u << i;
	for (unsigned i = 0; i < n; i++)
		wrmsr(msrs[i], 0);
	return bad;
}

int swapgs_works(void)
{
	const uint64_t gs = 0xffff800000001000ull, kgs = 0xffff800000002000ull;
	uint64_t old_gs = rdmsr(MSR_IA32_GS_BASE);
	wrmsr(MSR_IA32_GS_BASE, gs);
	wrmsr(MSR_IA32_KERNEL_GS_BASE, kgs);
	__asm__ volatile("swapgs" ::: "memory");
	uint64_t now_gs = rdmsr(MSR_IA32_GS_BASE), now_kgs = rdmsr(MSR_IA32_KERNEL_GS_BASE);
	__asm__ volatile("swapgs" ::: "memory");
	wrmsr(MSR_IA32_GS_BASE, old_gs);
	wrmsr(MSR_IA32_KERNEL_GS_BASE, 0);
	return now_gs == kgs && now_kgs == gs;
}
