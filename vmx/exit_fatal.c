/*
 * Exits that end the domain: a triple fault, INIT to a running vCPU, and a
 * VM entry that failed while or after loading guest state; and exit_stop,
 * which every handler that stops its domain returns through. The stop is
 * only recorded here: dom/ reports it with the guest's registers when the
 * action reaches it (sched/), and the hypervisor goes on with the other domains.
 */
#include <stdarg.h>
#include "hw/vmx_exit.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "vmx/entry_check.h"
#include "vmx/exit.h"
#include "vmx/guest.h"
#include "vmx/vmx.h"

enum exit_action exit_stop(struct vcpu *v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(v->stop_reason, sizeof v->stop_reason, fmt, ap);
	va_end(ap);
	return EXIT_STOPPED;
}

enum exit_action exit_triple_fault(struct vcpu *v)
{
	return exit_stop(v, "triple fault");
}

/* INIT on a running vCPU resets it on hardware; wait-for-SIPI comes with guest SMP. */
enum exit_action exit_init_signal(struct vcpu *v)
{
	return exit_stop(v, "INIT signal (vCPU reset is not supported yet)");
}

/*
 * "VM-Entry Failures During or After Loading Guest State". For invalid guest
 * state the rule broken is named where the checks find it (vmx/entry_explain.c).
 */
enum exit_action exit_entry_failure(struct vcpu *v)
{
	bool guest_state = v->exit.reason == EXIT_REASON_INVALID_GUEST_STATE;
	const char *why = guest_state ? "invalid guest state"
	                : v->exit.reason == EXIT_REASON_MSR_LOADING ? "MSR loading"
	                : v->exit.reason == EXIT_REASON_MACHINE_CHECK ? "machine-check event" : "unknown cause";
	char rule[ENTRY_WHY_MAX + 16] = "";
	log_err("VM entry of domain %s failed: %s (exit reason %u, qualification 0x%lx)\n",
	        v->guest->name, why, v->exit.reason, exit_qual());
	if (guest_state)
		vmx_entry_explain(rule, sizeof rule);
	vmcs_dump();
	return exit_stop(v, "VM entry failed: %s%s%s", why, rule[0] ? ": " : "", rule);
}
