/*
 * HLT blocks the vCPU until its HC_SET_TIMER deadline, an event (console
 * input, a wake from another domain's action) or, with RFLAGS.IF=1, an
 * interrupt from its virtual local APIC (the scheduler asks vmx/inject.c).
 * A vCPU that halts with interrupts disabled and no timer could never wake
 * (no NMI or INIT reaches a guest): stop its domain and say so rather than
 * hold it forever.
 */
#include "hw/cr.h"
#include "vmx/exit.h"
#include "vmx/vmx.h"
#include "vmx/vmx_ops.h"

enum exit_action exit_hlt(struct vcpu *v)
{
	uint64_t rflags = vmcs_readnat(VMCS_GUEST_RFLAGS);
	if (!(rflags & RFLAGS_IF) && !v->timer_deadline && !v->wake) {
		return exit_stop(v, "HLT with interrupts disabled and no timer set: it can never wake");
	}
	v->halt_if = (rflags & RFLAGS_IF) != 0;
	/* A prompt left without a newline shows now (dom/ does so only where someone types). */
	vmx_dom_ops->halted(v->guest);
	vcpu_skip_insn(v);
	return EXIT_BLOCK;
}
