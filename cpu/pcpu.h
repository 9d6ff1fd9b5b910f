/*
 * struct pcpu: everything one physical CPU owns. Page-aligned, one per CPU,
 * reached through the GS base (host GS base in the VMCS too), whose first
 * field points back at the structure so this_cpu() is a single load.
 */
#ifndef CPU_PCPU_H
#define CPU_PCPU_H

#include <stdint.h>
#include "hw/segment.h"
#include "lib/spinlock.h"

#define MAX_CPUS        8
#define HOST_STACK_SIZE (16 * 1024)
#define IST_STACK_SIZE  (4 * 1024)

/* Host GDT layout: selectors are fixed, the VMCS host-state area names them. */
#define GDT_NULL    0
#define GDT_CODE64  1
#define GDT_DATA    2
#define GDT_TSS     3   /* 16-byte descriptor: entries 3 and 4 */
#define GDT_ENTRIES 5
#define SEL_CODE64  (GDT_CODE64 * 8)
#define SEL_DATA    (GDT_DATA * 8)
#define SEL_TSS     (GDT_TSS * 8)

/* IST slots (TSS.ist[n-1]) for exceptions that must not use a possibly broken stack. */
#define IST_NMI 1
#define IST_DF  2
#define IST_MC  3

struct vcpu;

struct pcpu {
	struct pcpu *self;                      /* %gs:0 */
	uint32_t id;
	uint32_t apic_id;
	struct vcpu *current;                   /* vCPU whose VMCS is loaded, or NULL */
	/*
	 * Run queue: the vCPUs homed here (sched/sched.c), linked through
	 * vcpu.rq_next. rq_lock guards the list and those vCPUs' state, vruntime,
	 * home, running_on, wake and timer deadline. Any CPU takes it: this one's
	 * loop, stealers, wakers, affinity changes, a domain's release. Two are
	 * held together only lower CPU id first; nothing else is taken under it.
	 */
	struct spinlock rq_lock;
	struct vcpu *rq;
	volatile uint32_t idle;                 /* in the idle loop's HLT */
	struct vcpu *last_exit;                 /* whose exit's root-mode time is being counted */
	uint64_t invept_count, invvpid_count;   /* TLB flushes this CPU made (vmx/tlb_cpu.c) */
	volatile uint64_t nmis;                 /* host NMIs taken; written only by the NMI handler (cpu/trap.c) */
	uint64_t nmis_reported;                 /* how many of them are logged */
	volatile uint64_t nmi_rip;              /* where the last host NMI found this CPU in root mode */
	/*
	 * For the watchdog (sched/watchdog.c): when this CPU's scheduler last
	 * went round (or entered a guest), and the domain and vCPU ids it serves
	 * then (WATCHDOG_NONE when none), written by this CPU only.
	 */
	volatile uint64_t alive_tsc;
	volatile uint32_t serving_dom, serving_vcpu;
	uint32_t watchdog_flagged;              /* reported stuck and not yet going again; any CPU's watchdog sets it */
	uint64_t gdt[GDT_ENTRIES];
	struct tss64 tss;
	uint8_t vmxon_region[4096] __attribute__((aligned(4096)));
	uint8_t stack[HOST_STACK_SIZE] __attribute__((aligned(16)));
	uint8_t ist_stack[3][IST_STACK_SIZE] __attribute__((aligned(16)));
} __attribute__((aligned(4096)));

static inline struct pcpu *this_cpu(void)
{
	struct pcpu *p;
	__asm__ volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}

/*
 * The CPUs online (cpu/pcpu.c), indexed 0 .. pcpu_count() - 1 with the BSP
 * as 0. pcpu_get(i) is NULL when i >= pcpu_count(). pcpu_add() appends a CPU
 * whose id is the next index; only the BSP calls it, while starting CPUs.
 */
unsigned pcpu_count(void);
struct pcpu *pcpu_get(unsigned i);
void pcpu_add(struct pcpu *cpu);

/* Load this CPU's GDT, TSS and the shared IDT, set GS base; afterwards this_cpu() works. */
void pcpu_init_tables(struct pcpu *cpu, uint32_t id);
/* Switch to cpu's host stack and call fn(cpu, arg); never returns. */
void pcpu_run_on_stack(struct pcpu *cpu, void (*fn)(struct pcpu *, void *), void *arg) __attribute__((noreturn));

#endif
