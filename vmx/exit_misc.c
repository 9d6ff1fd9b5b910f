/*
 * The remaining exit families: faults that end a domain (triple fault, INIT,
 * a failed VM entry, an access outside guest RAM), instructions a guest may
 * not use (#UD), events that only need counting, and HLT.
 */
#include "boot/irq.h"
#include "dom/domain.h"
#include "hw/cr.h"
#include "hw/ept.h"
#include "hw/vmx_exit.h"
#include "lib/log.h"
#include "vmx/exit.h"
#include "vmx/vmx.h"
#include "vmx/vmx_ops.h"

enum exit_action exit_triple_fault(struct vcpu *v)
{
	domain_stop(v->dom, v, "triple fault");
	return EXIT_STOPPED;
}

/* INIT on a running vCPU resets it on hardware; wait-for-SIPI comes with guest SMP. */
enum exit_action exit_init_signal(struct vcpu *v)
{
	domain_stop(v->dom, v, "INIT signal (vCPU reset is not supported yet)");
	return EXIT_STOPPED;
}

enum exit_action exit_inject_ud(struct vcpu *v)
{
	vcpu_inject_exception(v, VEC_UD, 0, 0);
	return EXIT_RESUME;
}

/* INVD/WBINVD: caches are coherent under EPT's write-back mapping; nothing to do. */
enum exit_action exit_skip(struct vcpu *v)
{
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}

/*
 * A host interrupt (a kick or the local APIC timer) arrived while the guest
 * ran; the exit acknowledged it ("acknowledge interrupt on exit"). It means
 * the scheduler has something to look at, so yield the decision to it.
 */
enum exit_action exit_external_interrupt(struct vcpu *v)
{
	(void)v;
	uint32_t info = vmcs_read32(VMCS_VM_EXIT_INTR_INFO);
	if (info & INTR_INFO_VALID)
		irq_handle(info & 0xff);
	return EXIT_YIELD;
}

/* The exception bitmap is empty, so only an NMI gets here; it belongs to the host. */
enum exit_action exit_nmi(struct vcpu *v)
{
	(void)v;
	return EXIT_RESUME;
}

enum exit_action exit_preemption_timer(struct vcpu *v)
{
	(void)v;
	return EXIT_YIELD;
}

/*
 * HLT blocks the vCPU until its HC_SET_TIMER deadline or an event (console
 * input, a wake from another domain's action). No virtual interrupts are
 * delivered yet, so a vCPU that halts with interrupts disabled and no timer
 * could never wake: stop its domain and say so rather than hold it forever.
 */
enum exit_action exit_hlt(struct vcpu *v)
{
	uint64_t rflags = vmcs_readnat(VMCS_GUEST_RFLAGS);
	if (!(rflags & RFLAGS_IF) && !v->timer_deadline && !v->wake) {
		domain_stop(v->dom, v, "HLT with interrupts disabled and no timer set: it can never wake");
		return EXIT_STOPPED;
	}
	domain_console_partial(v->dom);
	vcpu_skip_insn(v);
	return EXIT_BLOCK;
}

enum exit_action exit_ept_violation(struct vcpu *v)
{
	uint64_t gpa = vmcs_read64(VMCS_GUEST_PHYSICAL_ADDRESS);
	uint64_t q = v->exit.qual;
	const char *what = ept_qual_is_fetch(q) ? "instruction fetch" : ept_qual_is_write(q) ? "write" : "read";
	domain_stop(v->dom, v, "EPT violation: %s at guest-physical 0x%lx, outside its %lu MiB of RAM "
	            "and claimed by no device", what, gpa, v->dom->ram_bytes >> 20);
	return EXIT_STOPPED;
}

/* A misconfigured EPT entry is the hypervisor's fault, but only this domain depends on it. */
enum exit_action exit_ept_misconfig(struct vcpu *v)
{
	uint64_t gpa = vmcs_read64(VMCS_GUEST_PHYSICAL_ADDRESS);
	log_err("EPT misconfiguration at guest-physical 0x%lx in domain %s\n", gpa, v->dom->name);
	vmcs_dump();
	domain_stop(v->dom, v, "EPT misconfiguration at guest-physical 0x%lx", gpa);
	return EXIT_STOPPED;
}

/* "VM-Entry Failures During or After Loading Guest State". */
enum exit_action exit_entry_failure(struct vcpu *v)
{
	const char *why = v->exit.reason == EXIT_REASON_INVALID_GUEST_STATE ? "invalid guest state"
	                : v->exit.reason == EXIT_REASON_MSR_LOADING ? "MSR loading"
	                : v->exit.reason == EXIT_REASON_MACHINE_CHECK ? "machine-check event" : "unknown cause";
	log_err("VM entry of domain %s failed: %s (exit reason %u, qualification 0x%lx)\n",
	        v->dom->name, why, v->exit.reason, v->exit.qual);
	vmcs_dump();
	domain_stop(v->dom, v, "VM entry failed: %s", why);
	return EXIT_STOPPED;
}
