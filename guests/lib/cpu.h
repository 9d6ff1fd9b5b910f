/*
 * Control registers, MSRs and the SSE switch for 64-bit Hinoki guests, as
 * inline instructions. Bit names are the SDM's, from include/hw (shared with
 * the hypervisor). rdmsr/wrmsr here expect no fault: a test that expects one
 * executes the instruction itself under trap_expect().
 */
#ifndef GUEST_CPU_H
#define GUEST_CPU_H

#include <stdint.h>

#include "hw/cr.h"
#include "hw/msr.h"

#if !defined(__x86_64__)
#error "cpu.h is for 64-bit Hinoki guests"
#endif

static inline uint64_t read_cr0(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline void write_cr0(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline uint64_t read_cr4(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline void clts(void)
{
	__asm__ volatile("clts" : : : "memory");
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

/*
 * SSE for a guest entered without it: x87 present (CR0.EM clear, MP set so
 * WAIT honours TS) and FXSAVE/SSE enabled with SSE exceptions reported as
 * #XM (CR4.OSFXSR, OSXMMEXCPT). Guest C code stays general-registers-only;
 * only assembly (fpu.h) touches the XMM registers.
 */
static inline void sse_enable(void)
{
	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
}

#endif
