/*
 * Host interrupts. The hypervisor takes only two, both from the local APIC:
 * the kick IPI (another CPU made work for this one) and its one-shot timer
 * (a blocked vCPU's deadline, or the idle loop's console poll). Both just wake
 * the CPU; the scheduler then looks at what changed. They arrive either as a
 * VM exit (acknowledged on exit) or in the idle loop's HLT.
 */
#ifndef CPU_IRQ_H
#define CPU_IRQ_H

#include <stdint.h>

#define IRQ_VECTOR_KICK     0xf0
#define IRQ_VECTOR_TIMER    0xf1
#define IRQ_VECTOR_SPURIOUS 0xff

struct pcpu;

/* Measure the local APIC timer against the TSC (BSP, once) and set the spurious vector. */
void irq_init_bsp(void);
/* Per CPU: enable the local APIC with the spurious vector, timer masked. */
void irq_init_cpu(void);
void irq_handle(unsigned vector);
/* Fire IRQ_VECTOR_TIMER on this CPU after about `tsc` TSC cycles; 0 disarms. */
void irq_timer_arm(uint64_t tsc);
/* Send IRQ_VECTOR_KICK to another CPU. */
void irq_kick(const struct pcpu *target);
/* Send an NMI to a CPU (the HC_DOMCTL_DIAG_NMI diagnostic); -1 if the local APIC could not send it. */
int irq_send_nmi(const struct pcpu *target);

#endif
