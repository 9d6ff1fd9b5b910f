/*
 * The run loop of one CPU: round-robin over the runnable vCPUs of running
 * domains, each entered for at most one slice (the VMX-preemption timer ends
 * it where the CPU has one). It also closes each exit's root-mode time
 * measurement just before the next VM entry, whichever vCPU that is, so the
 * cycles counted are exactly the CPU's time outside guests.
 */
#include "boot/pcpu.h"
#include "dom/domain.h"
#include "hw/cr.h"
#include "lib/log.h"
#include "lib/x86.h"
#include "sched/fpu.h"
#include "sched/sched.h"
#include "vmx/caps.h"
#include "vmx/exit.h"
#include "vmx/vmx.h"
#include "vmx/vmx_ops.h"

static uint64_t slice_tsc;
static uint32_t slice_timer;    /* preemption-timer ticks per slice */

void sched_init(uint64_t tsc_per_slice)
{
	slice_tsc = tsc_per_slice;
	uint64_t ticks = slice_tsc >> vmx_caps.preempt_shift;
	slice_timer = ticks > 0xffffffffu ? 0xffffffffu : (ticks ? (uint32_t)ticks : 1);
}

/* Next runnable vCPU after `after` in domain-table order, wrapping; NULL if none. */
static struct vcpu *pick_next(struct vcpu *after)
{
	unsigned n = domain_count(), start = 0;
	if (after) {
		for (unsigned i = 0; i < n; i++)
			if (domain_at(i) == after->dom)
				start = i + 1;
	}
	for (unsigned k = 0; k < n; k++) {
		struct domain *d = domain_at((start + k) % n);
		if (d->state != DOMAIN_RUNNING)
			continue;
		for (unsigned i = 0; i < d->nvcpus; i++)
			if (d->vcpus[i]->state == VCPU_RUNNABLE)
				return d->vcpus[i];
	}
	return 0;
}

static struct vcpu *last_exit;   /* whose exit's root-mode time is still being counted */

static void close_exit_timing(void)
{
	if (!last_exit)
		return;
	last_exit->stats[last_exit->exit.reason].cycles += rdtsc() - last_exit->exit_tsc;
	last_exit = 0;
}

static void end_domain(struct domain *d)
{
	close_exit_timing();
	for (unsigned i = 0; i < d->nvcpus; i++)
		d->vcpus[i]->state = VCPU_OFFLINE;
	domain_print_stats(d);
	domain_destroy(d);
}

/* One entry and the handling of its exit. */
static enum exit_action run_once(struct vcpu *v)
{
	if (vmx_has_preemption_timer())
		vmcs_write32(VMCS_VMX_PREEMPTION_TIMER_VALUE, slice_timer);
	close_exit_timing();
	int rc = vmx_run(v);
	if (rc) {
		uint32_t err = rc == 2 ? vmcs_read32(VMCS_VM_INSTRUCTION_ERROR) : 0;
		log_err("VM entry of domain %s failed: %s, VM-instruction error %u (%s)\n", v->dom->name,
		        v->launched ? "VMRESUME" : "VMLAUNCH", err, rc == 2 ? vmx_error_name(err) : "VMfailInvalid");
		vmcs_dump();
		domain_stop(v->dom, v, "VM entry failed: VM-instruction error %u (%s)", err,
		            rc == 2 ? vmx_error_name(err) : "VMfailInvalid");
		return EXIT_STOPPED;
	}
	v->launched = 1;
	last_exit = v;
	enum exit_action act = vmx_handle_exit(v);
	v->stats[v->exit.reason].count++;
	return act;
}

void sched_run(struct pcpu *cpu)
{
	struct vcpu *v = pick_next(0);
	while (v) {
		vmcs_load(v);
		fpu_switch_to(cpu, v);
		write_cr2(v->cr2);
		enum exit_action act;
		do
			act = run_once(v);
		while (act == EXIT_RESUME);
		v->cr2 = read_cr2();
		if (act == EXIT_STOPPED)
			end_domain(v->dom);
		v = pick_next(v);
	}
	close_exit_timing();
}
