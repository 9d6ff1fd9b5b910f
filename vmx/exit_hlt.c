/*
 * HLT blocks the vCPU until its HC_SET_TIMER deadline, an event (console
 * input, a wake from another domain's action) or, with RFLAGS.IF=1, an
 * interrupt from its virtual local APIC (the scheduler asks vmx/inject.c).
 * With interrupts disabled only an NMI or INIT from another vCPU of its
 * domain ends it (Linux parks the other CPUs so at reboot and panic): a vCPU
 * that halts so while no other vCPU can still act (each is offline or halted
 * so itself) and has no timer could never wake: its domain ends, saying
 * so, once it has waited the domain's halt_limit_ms (at once for 0) without
 * anything ending the HLT, rather than being held forever. The wait is the
 * vCPU's halt_deadline, which the scheduler wakes it at; anything that
 * wakes it sooner (an NMI or INIT after all, an event) clears it.
 */
#include "hw/cr.h"
#include "lib/x86.h"
#include "vmx/exit.h"
#include "vmx/guest.h"
#include "vmx/vmx.h"
#include "vmx/vmx_ops.h"

/* Another vCPU runs, or halted with something that may wake it: it may yet send v an NMI or INIT. */
static bool another_may_act(const struct vcpu *v)
{
	const struct vmx_guest *g = v->guest;
	for (unsigned i = 0; i < g->nvcpus; i++) {
		const struct vcpu *u = g->vcpus[i];
		enum vcpu_state st = __atomic_load_n(&u->state, __ATOMIC_SEQ_CST);
		if (u == v)
			continue;
		if (st == VCPU_RUNNABLE || (st == VCPU_BLOCKED && (__atomic_load_n(&u->halt_if, __ATOMIC_RELAXED) ||
		                                                   __atomic_load_n(&u->timer_deadline, __ATOMIC_RELAXED))))
			return true;
	}
	return false;
}

enum exit_action exit_hlt(struct vcpu *v)
{
	uint64_t rflags = vmcs_readnat(VMCS_GUEST_RFLAGS);
	if (!(rflags & RFLAGS_IF) && !v->timer_deadline && !v->wake && !another_may_act(v)) {
		if (!v->guest->halt_limit_tsc)
			return exit_stop(v, "HLT with interrupts disabled and no timer set: it can never wake");
		v->halt_deadline = rdtsc() + v->guest->halt_limit_tsc;
	}
	v->halt_if = (rflags & RFLAGS_IF) != 0;
	/* A prompt left without a newline shows now (dom/ does so only where someone types). */
	vmx_dom_ops->halted(v->guest);
	vcpu_skip_insn(v);
	return EXIT_BLOCK;
}

bool vcpu_halt_over(struct vcpu *v, uint64_t now)
{
	bool over = now >= v->halt_deadline;
	v->halt_deadline = 0;   /* over, or something ended the HLT in time */
	if (!over)
		return false;
	exit_stop(v, "HLT with interrupts disabled and no timer set: it can never wake (waited %lu ms)",
	          v->guest->halt_limit_tsc / (v->guest->tsc_khz ? v->guest->tsc_khz : 1));
	return true;
}
