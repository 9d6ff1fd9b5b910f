/*
 * Virtual interrupts from the vCPU's local APIC model (dev/lapic.c) into the
 * guest (SDM "Event Injection" and "Interrupt-Window Exiting"). Before each
 * VM entry the scheduler makes: an IPI the guest wrote to its ICR for other
 * vCPUs is routed; the timer is run up to now; the highest deliverable vector is
 * injected as an external interrupt if the guest can take one (RFLAGS.IF=1,
 * no STI or MOV-SS blocking, no event already going in) and moved from IRR
 * to ISR; if it cannot, interrupt-window exiting is turned on and the exit
 * it brings ends up here again. An injected vector whose delivery a VM exit
 * interrupted (IDT-vectoring information) is injected again. A held NMI goes
 * in before any vector, as an NMI. The 8259A pair's INTR goes in after it,
 * ahead of the APIC's vectors, on a vCPU whose LINT0 takes ExtINT: the
 * vector is the PIC's answer to an acknowledge made when the guest can
 * take it, as a processor's INTA cycle gets it. Nothing of this is looked
 * at while INTR is low; its rise raises the vCPU's APIC attention and
 * irq_pending (vcpu_kick_extint()).
 *
 * A fast resume (vmx/exit.c) re-enters the guest without the scheduler, so
 * it is not taken while vcpu_irq_attention() says there is work here
 * (vcpu_may_resume_now()); v->irq_pending, which this file keeps accurate,
 * is part of that.
 *
 * INIT and STARTUP IPIs are routed here too: they start secondary vCPUs the
 * way firmware and kernels start processors, and reset and restart running
 * ones (docs/platform-apic.md); only a vCPU's own CPU resets its guest state.
 */
#include "dev/platform.h"
#include "hw/cr.h"
#include "hw/vmx_ctrl.h"
#include "hw/vmx_exit.h"
#include "lib/log.h"
#include "lib/x86.h"
#include "vmx/apicv.h"
#include "vmx/caps.h"
#include "vmx/exit.h"
#include "vmx/guest.h"
#include "vmx/inject.h"
#include "vmx/vmx.h"
#include "vmx/vmx_ops.h"

static void write_windows(struct vcpu *v)
{
	vmcs_write32(VMCS_CPU_BASED_VM_EXEC_CONTROL, v->proc_ctls | (v->irq_window ? vmx_caps.proc_window : 0) |
	             (v->nmi_window ? (uint32_t)PROC_NMI_WINDOW_EXITING : 0));
}

/* One window's flag (interrupt or NMI), and the controls when it changes. */
static void update_window(struct vcpu *v, uint8_t *flag, bool on)
{
	if (*flag == on)
		return;
	*flag = on;
	write_windows(v);
}

static void set_window(struct vcpu *v, bool on)
{
	update_window(v, &v->irq_window, on && vmx_has_interrupt_window());
}

/* NMI-window exiting: an exit as soon as the guest's IRET ends its NMI blocking (and no MOV-SS or STI shadow). */
static void set_nmi_window(struct vcpu *v, bool on)
{
	update_window(v, &v->nmi_window, on);
}

/*
 * The previous entry injected a vector; if a VM exit came in the middle of
 * its delivery, the vector (already in ISR) goes in again.
 */
static void redeliver(struct vcpu *v)
{
	v->irq_injected = 0;
	uint32_t info = vmcs_read32(VMCS_IDT_VECTORING_INFO);
	uint32_t type = info & INTR_INFO_TYPE_MASK;
	if (!(info & INTR_INFO_VALID) || (type != INTR_TYPE_EXT_INTR && type != INTR_TYPE_NMI))
		return;
	if (vmcs_read32(VMCS_VM_ENTRY_INTR_INFO) & INTR_INFO_VALID)
		return;   /* a handler injects an exception: it comes first, the vector after */
	vmcs_write32(VMCS_VM_ENTRY_INTR_INFO, INTR_INFO_VALID | type | (info & INTR_INFO_VECTOR_MASK));
	v->irq_injected = 1;
}

static bool guest_can_take(void)
{
	if (!(vmcs_readnat(VMCS_GUEST_RFLAGS) & RFLAGS_IF))
		return false;
	if (vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY_INFO) & INTERRUPTIBILITY_BLOCKING)
		return false;
	return !(vmcs_read32(VMCS_VM_ENTRY_INTR_INFO) & INTR_INFO_VALID);
}

static const struct vmx_sched_ops *sched_ops;

void vmx_set_sched_ops(const struct vmx_sched_ops *ops)
{
	sched_ops = ops;
}

bool vcpu_deliver_irq(struct vcpu *target, unsigned vector, bool level)
{
	if (target->state == VCPU_OFFLINE || !vlapic_accept_irq(&target->vlapic, vector, level))
		return false;
	__atomic_store_n(&target->irq_pending, 1, __ATOMIC_SEQ_CST);
	/* Wakes it if it halted; kicks its CPU either way, so a running guest exits to C and takes it. */
	sched_ops->wake_for_irq(target);
	return true;
}

void vcpu_kick_extint(struct vcpu *target)
{
	if (target->state == VCPU_OFFLINE)
		return;
	/* The attention, not irq_pending alone, which an entry being made may overwrite with what it saw before. */
	vlapic_extint_raised(&target->vlapic);
	__atomic_store_n(&target->irq_pending, 1, __ATOMIC_SEQ_CST);
	sched_ops->wake_for_irq(target);
}

/* The PIC's INTR is high and reaches v (LINT0 in ExtINT mode, or its APIC disabled). */
static bool extint_waits(const struct vcpu *v)
{
	const struct platform *p = v->guest->platform;
	return p && platform_extint(p) && vlapic_takes_extint(&v->vlapic);
}

/*
 * Injects the PIC's vector if the guest can take an interrupt; whether one
 * still waits for it to be able to (after this one, another request the
 * PIC holds above what is now in service).
 */
static bool inject_extint(struct vcpu *v)
{
	uint8_t vector;
	if (!extint_waits(v))
		return false;
	if (guest_can_take() && platform_take_extint(v->guest->platform, &vector)) {
		vmcs_write32(VMCS_VM_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_EXT_INTR | vector);
		v->irq_injected = 1;
	}
	return extint_waits(v);
}

static void deliver_nmi(struct vcpu *t)
{
	if (!vlapic_accept_nmi(&t->vlapic))
		return;
	__atomic_store_n(&t->irq_pending, 1, __ATOMIC_SEQ_CST);
	sched_ops->wake_for_irq(t);   /* an NMI ends HLT whatever RFLAGS.IF says */
}

/* Real mode at cs:ip, in t's domain's boot format: where a SIPI or a wake starts t. */
static void real_mode_entry(const struct vcpu *t, uint16_t cs, uint16_t ip, struct guest_entry *e)
{
	vmcs_real_mode_entry(e, cs, ip);
	e->format = t->guest->boot_entry.format;
}

/* The state a STARTUP IPI with `vector` gives t. */
static void sipi_entry(const struct vcpu *t, uint8_t vector, struct guest_entry *e)
{
	real_mode_entry(t, (uint16_t)(vector << SIPI_VECTOR_SHIFT), 0, e);
}

/*
 * Starts t at the STARTUP vector its APIC holds, if it is offline: called by
 * the CPU that delivered the SIPI and by the CPU that took t offline after an
 * INIT, so that a SIPI landing between the two is acted on by one of them
 * (the held vector is taken once).
 */
void vcpu_start_held_sipi(struct vcpu *t)
{
	uint8_t vector;
	if (__atomic_load_n(&t->state, __ATOMIC_SEQ_CST) != VCPU_OFFLINE || !vlapic_take_sipi(&t->vlapic, &vector))
		return;
	struct guest_entry e;
	sipi_entry(t, vector, &e);
	sched_ops->start(t, &e);   /* -HC_EBUSY only if another start won the race: nothing to do */
}

/*
 * INIT to a vCPU that has not started (or has only had an INIT) resets its
 * APIC here. A vCPU that runs is reset by its own CPU, the only one that may
 * touch its guest state: the INIT is posted and the vCPU woken or kicked
 * (take_init()).
 */
static void deliver_init(struct vcpu *t)
{
	if (__atomic_load_n(&t->state, __ATOMIC_SEQ_CST) == VCPU_OFFLINE) {
		vlapic_receive_init(&t->vlapic);
		return;
	}
	if (!vlapic_post_init(&t->vlapic))
		return;
	__atomic_store_n(&t->irq_pending, 1, __ATOMIC_SEQ_CST);
	sched_ops->wake_for_irq(t);
}

void vcpu_sleep_all(struct vmx_guest *g, uint32_t addr, uint64_t tsc)
{
	struct vcpu *first = g->vcpus[0];
	first->restart_addr = addr;
	__atomic_store_n(&first->restart_tsc, tsc, __ATOMIC_SEQ_CST);
	for (unsigned i = 0; i < g->nvcpus; i++)
		deliver_init(g->vcpus[i]);
}

uint64_t vcpu_wake_now(struct vmx_guest *g)
{
	struct vcpu *first = g->vcpus[0];
	uint64_t was = __atomic_load_n(&first->restart_tsc, __ATOMIC_SEQ_CST);
	while (was > 1 && !__atomic_compare_exchange_n(&first->restart_tsc, &was, 1, 0, __ATOMIC_SEQ_CST,
	                                               __ATOMIC_SEQ_CST))
		;
	return was > 1 ? was : 0;   /* 1: an earlier wake already made it due */
}

/* An address past the first MiB, which real mode cannot name, wraps as a 20-bit address would. */
void vcpu_restart_entry(const struct vcpu *v, struct guest_entry *e)
{
	real_mode_entry(v, (uint16_t)(v->restart_addr >> REAL_SEG_SHIFT),
	                (uint16_t)(v->restart_addr & ((1u << REAL_SEG_SHIFT) - 1)), e);
}

/* SIPI to a vCPU waiting after INIT starts it in real mode (at once, or once its INIT is taken). */
static void deliver_sipi(struct vcpu *t, uint8_t vector)
{
	if (vlapic_receive_sipi(&t->vlapic, vector))
		vcpu_start_held_sipi(t);
}

static void route(struct vcpu *v)
{
	struct vlapic_route r;
	if (!vlapic_take_route(&v->vlapic, &r))
		return;
	const struct vmx_guest *g = v->guest;
	for (unsigned i = 0; i < g->nvcpus; i++) {
		struct vcpu *t = g->vcpus[i];
		if (t == v || !vlapic_is_destination(&t->vlapic, r.dest, r.logical))
			continue;
		switch (r.mode) {
		case LAPIC_ROUTE_INIT:
			deliver_init(t);
			break;
		case LAPIC_ROUTE_STARTUP:
			deliver_sipi(t, r.vector);
			break;
		case LAPIC_ROUTE_NMI:
			if (t->state != VCPU_OFFLINE)
				deliver_nmi(t);
			break;
		default:
			vcpu_deliver_irq(t, r.vector, false);
			break;
		}
	}
}

/*
 * An INIT reached v while it ran ("INIT Reset"): its APIC is reset and
 * nothing stays injected. A SIPI that came meanwhile restarts it here at
 * once; otherwise it stops running until one comes (vcpu_start_held_sipi()).
 */
static bool take_init(struct vcpu *v)
{
	vlapic_init_reset(&v->vlapic);
	vmcs_write32(VMCS_VM_ENTRY_INTR_INFO, 0);
	v->irq_injected = 0;
	set_window(v, false);
	set_nmi_window(v, false);
	uint8_t vector;
	if (!vlapic_take_sipi(&v->vlapic, &vector))
		return false;
	struct guest_entry e;
	sipi_entry(v, vector, &e);
	vmcs_reset_guest(v, &e);
	return true;
}

/*
 * A held NMI goes in before any interrupt, unless the guest blocks NMIs (in
 * its handler until IRET: virtual-NMI blocking), is in a MOV-SS or STI
 * shadow, or an event is already going in: then it waits (irq_pending stays
 * set) with NMI-window exiting on, whose exit comes when it may go in. A
 * second held NMI waits so for the first's IRET; while the guest is in its
 * handler only one is held, as the CPU latches one.
 */
static bool inject_nmi(struct vcpu *v)
{
	struct vlapic *l = &v->vlapic;
	if (!__atomic_load_n(&l->nmi_pending, __ATOMIC_SEQ_CST)) {
		set_nmi_window(v, false);
		return false;
	}
	uint32_t intr = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY_INFO);
	if (intr & INTERRUPTIBILITY_NMI)
		vlapic_hold_one_nmi(l);
	bool waits = (intr & (INTERRUPTIBILITY_BLOCKING | INTERRUPTIBILITY_NMI)) ||
	             (vmcs_read32(VMCS_VM_ENTRY_INTR_INFO) & INTR_INFO_VALID);
	if (!waits && vlapic_take_nmi(l)) {
		vmcs_write32(VMCS_VM_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_NMI | VEC_NMI);
		v->irq_injected = 1;
		/* A second one waits for the first's IRET: the NMI window opens then. */
		waits = __atomic_load_n(&l->nmi_pending, __ATOMIC_SEQ_CST) != 0;
	}
	set_nmi_window(v, waits);
	return waits;
}

bool vmx_inject_slow(struct vcpu *v)
{
	struct vlapic *l = &v->vlapic;
	/* Cleared before IRR is read: an IPI landing after this raises it again and is seen next time. */
	uint8_t attn = __atomic_fetch_and(&l->attention, (uint8_t)LAPIC_ATTN_TIMER, __ATOMIC_SEQ_CST);
	if ((attn & LAPIC_ATTN_INIT) && !take_init(v))
		return false;
	if (attn & LAPIC_ATTN_ROUTE)
		route(v);
	if (attn & LAPIC_ATTN_TIMER)
		vlapic_tick(l, rdtsc());
	bool posted = vlapic_sync_irr(l);
	bool apicv = guest_apicv(v->guest);
	/* With virtual-interrupt delivery the CPU delivered whatever vector a VM exit may have interrupted. */
	if (v->irq_injected || apicv)
		redeliver(v);
	bool nmi_waits = inject_nmi(v);
	bool extint = inject_extint(v);
	if (apicv) {
		/*
		 * The CPU delivers from the page once the guest can take a vector:
		 * nothing waits here for that. Its guest interrupt status follows
		 * its own changes of IRR and ISR; it needs setting only after the
		 * model's (an accepted vector, EOI, TPR: LAPIC_ATTN_EVAL; an INIT's
		 * reset).
		 */
		if (posted || (attn & (LAPIC_ATTN_EVAL | LAPIC_ATTN_INIT)))
			apicv_sync(v);
		/* An ExtINT goes in by injection, never from the page: it waits for the window. */
		set_window(v, extint);
		__atomic_store_n(&v->irq_pending, nmi_waits || extint, __ATOMIC_SEQ_CST);
		return true;
	}

	int vec = vlapic_pending_vector(l);
	if (vec >= 0 && guest_can_take()) {
		vmcs_write32(VMCS_VM_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_EXT_INTR | (uint32_t)vec);
		vlapic_ack(l, (unsigned)vec);
		v->irq_injected = 1;
		vec = vlapic_pending_vector(l);
	}
	set_window(v, vec >= 0 || extint);
	__atomic_store_n(&v->irq_pending, vec >= 0 || nmi_waits || extint, __ATOMIC_SEQ_CST);
	return true;
}

bool vcpu_irq_wakes(struct vcpu *v, uint64_t now)
{
	vlapic_tick(&v->vlapic, now);
	/* An NMI or INIT ends HLT whatever RFLAGS.IF says. */
	bool nmi_or_init = __atomic_load_n(&v->vlapic.nmi_pending, __ATOMIC_SEQ_CST) ||
	                   (__atomic_load_n(&v->vlapic.attention, __ATOMIC_SEQ_CST) & LAPIC_ATTN_INIT);
	if (!nmi_or_init && (!v->halt_if || (vlapic_pending_vector(&v->vlapic) < 0 && !extint_waits(v))))
		return false;
	__atomic_store_n(&v->irq_pending, 1, __ATOMIC_SEQ_CST);
	return true;
}

/* The guest can take the NMI that waits: close the control; the entry that follows injects. */
enum exit_action exit_nmi_window(struct vcpu *v)
{
	set_nmi_window(v, false);
	__atomic_store_n(&v->irq_pending, 1, __ATOMIC_SEQ_CST);
	return EXIT_RESUME;
}

/* The guest opened its interrupt window: close the control; the entry that follows injects. */
enum exit_action exit_interrupt_window(struct vcpu *v)
{
	set_window(v, false);
	__atomic_store_n(&v->irq_pending, 1, __ATOMIC_SEQ_CST);
	return EXIT_RESUME;
}
