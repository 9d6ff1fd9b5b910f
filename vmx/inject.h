/*
 * Virtual interrupt delivery: what the vCPU's virtual local APIC holds for
 * the guest goes in through the VM-entry interruption-information field,
 * when the guest can take it; otherwise interrupt-window exiting tells when
 * it can. Also the questions the scheduler asks of a halted vCPU.
 */
#ifndef VMX_INJECT_H
#define VMX_INJECT_H

#include <stdbool.h>
#include <stdint.h>
#include "vmx/exit.h"
#include "vmx/vcpu.h"

bool vmx_inject_slow(struct vcpu *v);

/*
 * Something for vmx_inject_slow to do: an interrupt waits, the last entry
 * injected one (an exit during its delivery leaves it in the IDT-vectoring
 * field, to inject again), an IPI to route, a vLAPIC timer counts.
 */
static inline bool vcpu_irq_attention(struct vcpu *v)
{
	return v->irq_pending | v->irq_injected | __atomic_load_n(&v->vlapic.attention, __ATOMIC_RELAXED);
}

/*
 * Whether the exit stub may re-enter v at once after a handler resumed it
 * (vmx/exit.c): its domain allows it and vcpu_irq_attention() finds nothing
 * but a vLAPIC timer counting towards a deadline the last scheduler entry
 * saw. That one needs nothing: the entry armed the preemption timer for
 * it, and the timer goes on counting down across exits
 * (vmx_has_fast_path() requires it), so its expiry still exits to the
 * scheduler on time. A timer the guest (re)started or unmasked meanwhile
 * raises LAPIC_ATTN_TIMER_NEW, and the scheduler arms for it. The vCPU's
 * own bytes of all this are one word (resume_holds).
 */
static inline bool vcpu_may_resume_now(struct vcpu *v)
{
	return !(__atomic_load_n(&v->resume_holds, __ATOMIC_RELAXED) |
	         (__atomic_load_n(&v->vlapic.attention, __ATOMIC_RELAXED) & ~LAPIC_ATTN_TIMER));
}

/*
 * Before every VM entry made by the scheduler, with v's VMCS current: take an
 * INIT that reached it, route IPIs the guest sent, run its vLAPIC timer,
 * inject a held NMI or the deliverable vector or ask for an interrupt
 * window, and keep v->irq_pending true. Two byte tests when nothing is
 * pending and no timer counts. Returns false when an INIT left v waiting for
 * a SIPI: the scheduler then stops running it (VCPU_OFFLINE), and calls
 * vcpu_start_held_sipi() once it has left its CPU.
 */
static inline bool vmx_inject_pending(struct vcpu *v)
{
	return !vcpu_irq_attention(v) || vmx_inject_slow(v);
}

/* Starts an offline v at the STARTUP IPI its APIC holds, if one came (vmx/inject.c). */
void vcpu_start_held_sipi(struct vcpu *v);

/*
 * The platform's sleep (ACPI S3), on one of g's vCPUs: every vCPU is
 * reset as by an INIT, so none runs another instruction; the first then
 * restarts in real mode at `addr` (segment addr >> 4, offset addr & 0xf,
 * as firmware jumps to a waking vector) once the TSC reaches `tsc`
 * (VCPU_RESTART_NO_TIME: at vcpu_wake_now()), when the scheduler starts it (vcpu_restart_entry()); the others wait for a
 * SIPI, as after a wake on hardware.
 */
void vcpu_sleep_all(struct vmx_guest *g, uint32_t addr, uint64_t tsc);
/*
 * A wake event for a domain asleep after vcpu_sleep_all(): its first vCPU's
 * restart time becomes now, which its CPU's scheduler must be kicked to
 * see. The restart time it had, or 0 when it was not asleep or an earlier
 * wake already made its restart due.
 */
uint64_t vcpu_wake_now(struct vmx_guest *g);
/* Whether g sleeps: its first vCPU waits for a restart time or a wake. */
static inline bool vcpu_asleep(const struct vmx_guest *g)
{
	return __atomic_load_n(&g->vcpus[0]->restart_tsc, __ATOMIC_ACQUIRE) != 0;
}
/* The state an offline v restarts in at its restart_tsc. */
void vcpu_restart_entry(const struct vcpu *v, struct guest_entry *e);

/*
 * Whether a vCPU halted (or halting) with the given state must run again
 * because of an interrupt: its vLAPIC timer is run up to `now`, and the
 * answer is yes when a vector is deliverable and it halted with RFLAGS.IF=1.
 * Called under the vCPU's run-queue lock, on the CPU that runs it or, while
 * it is blocked, on its home CPU.
 */
bool vcpu_irq_wakes(struct vcpu *v, uint64_t now);

/*
 * A fixed interrupt for `target` from another vCPU of its domain (an IPI)
 * or from its domain's I/O APIC (level: level-triggered), on any CPU: IRR
 * set, its irq_pending raised and the target woken or kicked. Returns
 * whether its APIC accepted it; a vCPU not started yet accepts nothing, as
 * a processor waiting for a SIPI takes no fixed interrupt.
 */
bool vcpu_deliver_irq(struct vcpu *target, unsigned vector, bool level);

/*
 * The PIC's INTR rose and target's local APIC takes ExtINT (the platform's
 * call, on any CPU, irq_lock held): its irq_pending raised and the vCPU
 * woken or kicked, so that its next entry acknowledges the PIC when the
 * guest can take an interrupt. Nothing for a vCPU not started yet.
 */
void vcpu_kick_extint(struct vcpu *target);

/* The INTERRUPT_WINDOW exit: the guest can take an interrupt now. */
enum exit_action exit_interrupt_window(struct vcpu *v);
/* The NMI_WINDOW exit: the guest can take an NMI now. */
enum exit_action exit_nmi_window(struct vcpu *v);

#endif
