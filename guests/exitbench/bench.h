/*
 * exitbench's measured regions (timed.c) and what main.c needs to know of
 * them. Each region is one assembly block: read the TSC, load the operands,
 * run the one instruction that exits, read the TSC again. It returns the
 * difference. The start is LFENCE; RDTSC; LFENCE. The end is RDTSCP; LFENCE,
 * or LFENCE; RDTSC; LFENCE where the CPU (or the hypervisor) gives no RDTSCP.
 */
#ifndef EXITBENCH_BENCH_H
#define EXITBENCH_BENCH_H

#include <stdint.h>

/* How the end of a region reads the TSC. */
enum bench_clock {
	CLOCK_RDTSCP,   /* RDTSCP; LFENCE */
	CLOCK_LFENCE,   /* LFENCE; RDTSC; LFENCE */
	CLOCK_KINDS,
};

/* The exits one iteration of a region causes, so the hypervisor's counts can be checked. */
enum bench_exit {
	BX_NONE,
	BX_CPUID,
	BX_CPUID_TIMER,   /* CPUID while the APIC timer counts (periodic, its expiry far beyond the run) */
	BX_VMCALL,        /* a hypercall handled in C */
	BX_VMCALL_STUB,   /* HC_NULL_STUB, answered in the exit stub */
	BX_IO_SCRATCH,    /* IN or OUT on the UART scratch register */
	BX_IO_STATUS,     /* IN from the UART line status register (the console polls it too: not checked) */
	BX_MSR_READ,      /* of IA32_SYSENTER_CS */
	BX_MSR_WRITE,
	BX_CR_ACCESS,
	BX_HLT,
	BX_MMIO_READ,     /* a load from the virtual APIC's page (an EPT violation; none with APIC virtualization) */
	BX_SELF_IPI,      /* an ICR write, the interrupt, its EOI */
	BX_HLT_IRQ,       /* HLT (the timer armed before), the interrupt, its EOI */
	BX_APIC_WRITE,    /* a register write with side effects (EPT violation, or APIC-write exit) */
	BX_APIC_EOI,      /* an EOI write (EPT violation; none with APIC virtualization) */
	BX_APIC_SELF_IPI, /* an ICR write of a self-IPI (EPT violation; none with virtual-interrupt delivery) */
	BX_KINDS,
};

typedef uint64_t (*bench_fn)(void);

struct bench_region {
	const char *name;            /* csv name and the `name cycles` name */
	enum bench_exit exit;
	bench_fn run[CLOCK_KINDS];
	const void *site[CLOCK_KINDS];   /* address of the exiting instruction */
};

extern const struct bench_region bench_regions[];
extern const unsigned bench_region_count;

/* Operands the regions read from memory: the value WRMSR writes back, the next CR0. */
extern uint32_t bench_wrmsr_lo, bench_wrmsr_hi;
extern uint64_t bench_cr0_next;

/* The UART scratch register (COM1 + 7): emulated, and nothing else uses it. */
#define BENCH_PORT 0x3ff
/* The UART line status register (COM1 + 5): what a guest's serial driver polls. */
#define BENCH_STATUS_PORT 0x3fd
#define BENCH_CPUID_HIGH 0x12345678   /* below the hypervisor range 0x40000000 */
/* The virtual local APIC's version register: an emulated MMIO read with no side effect. */
#define BENCH_MMIO_ADDR 0xfee00030
#define BENCH_MMIO_PAGE (BENCH_MMIO_ADDR >> 12)
/* ICR low: fixed delivery, destination shorthand self, vector 0x40 (IRQ_VEC_A) */
#define BENCH_ICR_ADDR  0xfee00300
#define BENCH_ICR_SELF  0x00040040

#endif
