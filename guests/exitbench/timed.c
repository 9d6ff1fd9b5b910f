/*
 * The measured regions of exitbench, one assembly block each, so that the
 * compiler can put nothing between the two TSC reads: the start, the moves
 * that load the exiting instruction's operands (immediates or memory, no
 * register the compiler chose), the instruction itself under a global label
 * (its guest RIP, which the hypervisor's trace ring records), the end.
 *
 * LFENCE before RDTSC keeps earlier instructions from finishing after the
 * first read; the LFENCE after it keeps the measured instruction from
 * starting before it. At the end RDTSCP waits for the measured instruction
 * and the LFENCE after it for RDTSCP ("Intel 64 and IA-32 Architectures
 * Software Developer's Manual", RDTSC and RDTSCP). The start's result waits
 * in R8, which the hypervisor preserves.
 *
 * Every region is built twice, once per end (bench.h). noclone keeps the
 * compiler from duplicating a function, and with it a global label.
 */
#include <stdint.h>

#include "bench.h"
#include "hinoki/hypercall.h"
#include "hw/msr.h"

#define STR_(x) #x
#define STR(x)  STR_(x)

uint32_t bench_wrmsr_lo, bench_wrmsr_hi;
uint64_t bench_cr0_next;

#define T_START "lfence\n\trdtsc\n\tlfence\n\tshl $32, %%rdx\n\tor %%rdx, %%rax\n\tmov %%rax, %%r8\n\t"
#define T_END_RDTSCP "rdtscp\n\tlfence\n\t"
#define T_END_LFENCE "lfence\n\trdtsc\n\tlfence\n\t"
#define T_DIFF "shl $32, %%rdx\n\tor %%rdx, %%rax\n\tsub %%r8, %%rax\n\t"

#define REGION_FN(fn, site, end, ops, insn)                                                   \
	extern const char site[];                                                                 \
	__attribute__((noinline, noclone)) static uint64_t fn(void)                               \
	{                                                                                         \
		uint64_t d;                                                                           \
		__asm__ volatile(T_START ops ".globl " #site "\n" #site ":\n\t" insn "\n\t" end T_DIFF \
		                 : "=&a"(d)                                                           \
		                 : [lo] "m"(bench_wrmsr_lo), [hi] "m"(bench_wrmsr_hi),                \
		                   [cr0] "m"(bench_cr0_next)                                          \
		                 : "rbx", "rcx", "rdx", "rsi", "r8", "memory", "cc");                 \
		return d;                                                                             \
	}

#define REGION(name, ops, insn)                                                       \
	REGION_FN(name##_p, exitbench_site_##name##_p, T_END_RDTSCP, ops, insn)           \
	REGION_FN(name##_l, exitbench_site_##name##_l, T_END_LFENCE, ops, insn)

#define ENTRY(name, label, kind)                                                      \
	{ label, kind, { name##_p, name##_l },                                            \
	  { exitbench_site_##name##_p, exitbench_site_##name##_l } }

REGION(nop, "", "")
REGION(cpuid, "xor %%eax, %%eax\n\txor %%ecx, %%ecx\n\t", "cpuid")
/* A leaf above the highest basic one (the CPU answers with that one), as kvm-unit-tests' vmexit runs. */
REGION(cpuid_high, "mov $" STR(BENCH_CPUID_HIGH) ", %%eax\n\txor %%ecx, %%ecx\n\t", "cpuid")
REGION(vmcall, "mov $" STR(HC_NULL) ", %%eax\n\t", "vmcall")
REGION(vmcall_stub, "mov $" STR(HC_NULL_STUB) ", %%eax\n\t", "vmcall")
REGION(inb, "mov $" STR(BENCH_PORT) ", %%edx\n\t", "inb %%dx, %%al")
REGION(outb, "mov $" STR(BENCH_PORT) ", %%edx\n\t", "outb %%al, %%dx")
/* A redundant DS prefix: the hypervisor must advance RIP by the exit's instruction length, here 2. */
REGION(inb_prefixed, "mov $" STR(BENCH_PORT) ", %%edx\n\t", "ds inb %%dx, %%al")
REGION(inb_status, "mov $" STR(BENCH_STATUS_PORT) ", %%edx\n\t", "inb %%dx, %%al")
REGION(rdmsr, "mov $" STR(MSR_IA32_SYSENTER_CS) ", %%ecx\n\t", "rdmsr")
REGION(wrmsr, "mov $" STR(MSR_IA32_SYSENTER_CS) ", %%ecx\n\tmov %[lo], %%eax\n\tmov %[hi], %%edx\n\t",
       "wrmsr")
REGION(mmio_read, "mov $" STR(BENCH_MMIO_ADDR) ", %%esi\n\t", "mov (%%rsi), %%eax")
REGION(cr0, "mov %[cr0], %%rsi\n\t", "mov %%rsi, %%cr0")
REGION(hlt, "", "hlt")
/* The handler (guests/lib/irq_entry.asm) runs, EOI included, before the end's TSC read. */
REGION(self_ipi, "mov $" STR(BENCH_ICR_ADDR) ", %%esi\n\t", "movl $" STR(BENCH_ICR_SELF) ", (%%rsi)")
/* Entered with IF=0 and the timer already expired: STI's shadow covers the HLT, the interrupt follows it. */
REGION(hlt_irq, "sti\n\t", "hlt")

const struct bench_region bench_regions[] = {
	ENTRY(nop, "nop", BX_NONE),
	ENTRY(cpuid, "cpuid", BX_CPUID),
	ENTRY(cpuid_high, "cpuid_high", BX_CPUID),
	ENTRY(cpuid, "cpuid_apic_timer", BX_CPUID_TIMER),
	ENTRY(vmcall, "vmcall", BX_VMCALL),
	ENTRY(vmcall_stub, "vmcall_stub", BX_VMCALL_STUB),
	ENTRY(inb, "inb", BX_IO_SCRATCH),
	ENTRY(outb, "outb", BX_IO_SCRATCH),
	ENTRY(inb_prefixed, "inb_prefixed", BX_IO_SCRATCH),
	ENTRY(inb_status, "inb_status", BX_IO_STATUS),
	ENTRY(rdmsr, "rdmsr", BX_MSR_READ),
	ENTRY(wrmsr, "wrmsr", BX_MSR_WRITE),
	ENTRY(mmio_read, "mmio_read", BX_MMIO_READ),
	ENTRY(cr0, "mov_to_cr0", BX_CR_ACCESS),
	ENTRY(hlt, "hlt_timer", BX_HLT),
	ENTRY(self_ipi, "self_ipi", BX_SELF_IPI),
	ENTRY(hlt_irq, "hlt_interrupt", BX_HLT_IRQ),
};

const unsigned bench_region_count = sizeof bench_regions / sizeof bench_regions[0];
