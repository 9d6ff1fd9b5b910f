/*
 * Exits that end the domain: a triple fault, INIT to a running vCPU, and a
 * VM entry that failed while or after loading guest state. Each is reported
 * with the guest's registers; the hypervisor goes on with the other domains.
 */
#include "dom/domain.h"
#include "hw/vmx_exit.h"
#include "lib/log.h"
#include "vmx/exit.h"
#include "vmx/vmx.h"

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

/* "VM-Entry Failures During or After Loading Guest State". */
enum exit_action exit_entry_failure(struct vcpu *v)
{
	const char *why = v->exit.reason == EXIT_REASON_INVALID_GUEST_STATE ? "invalid guest state"
	                : v->exit.reason == EXIT_REASON_MSR_LOADING ? "MSR loading"
	                : v->exit.reason == EXIT_REASON_MACHINE_CHECK ? "machine-check event" : "unknown cause";
	log_err("VM entry of domain %s failed: %s (exit reason %u, qualification 0x%lx)\n",
	        v->dom->name, why, v->exit.reason, exit_qual());
	vmcs_dump();
	domain_stop(v->dom, v, "VM entry failed: %s", why);
	return EXIT_STOPPED;
}
