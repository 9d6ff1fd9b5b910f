/*
 * The vCPU scheduler: a run queue per CPU, weighted fair sharing by virtual
 * runtime, time slices ended by the VMX-preemption timer, hard pinning,
 * blocking HLT, and idle CPUs that sleep. docs/scheduler.md has the policy.
 */
#ifndef SCHED_SCHED_H
#define SCHED_SCHED_H

#include <stdint.h>
#include "loader/loader.h"
#include "vmx/vcpu.h"

struct pcpu;
struct vmx_guest;

#define SCHED_WEIGHT_UNIT 256   /* the default weight: vruntime advances at the real rate */

/*
 * What the scheduler reports to dom/ above it, given once to sched_init, so
 * that sched/ calls up only through these.
 */
struct sched_dom_ops {
	/* A handler stopped v's domain for `reason` (vmx/exit.h, exit_stop); v's VMCS is current. */
	void (*stopped)(struct vcpu *v, const char *reason);
	/* g left the running state: keep it whole until `finish`, which releases it and drops that. */
	void (*hold)(struct vmx_guest *g);
	void (*finish)(struct vmx_guest *g);
	/* CPU 0, between guest runs and when idle: route the serial line's input. */
	void (*poll_console)(void);
	/* CPU 0, idle: whether some domain still runs, else the summary and power-off. */
	int (*any_live)(void);
	void (*shutdown)(void) __attribute__((noreturn));
};

void sched_init(uint64_t slice_tsc, uint64_t tsc_per_us, const struct sched_dom_ops *dom);
/* Put a new vCPU on the run queue of the least-loaded CPU its domain may use. */
void sched_add_vcpu(struct vcpu *v, enum vcpu_state state);
/* HC_VCPU_UP: give an OFFLINE vCPU its entry state and make it runnable. 0 or -HC_E*. */
int sched_start_vcpu(struct vcpu *v, const struct guest_entry *e);
/* An event for v (console input, unpause): a blocked v runs again, a running v's next HLT returns at once. */
void sched_wake(struct vcpu *v);
/*
 * An interrupt now pending in v's local APIC: a blocked v runs again and v's
 * CPU is kicked, but no later HLT is cut short: HLT blocks only while nothing
 * deliverable is pending, so one taken before it must not end it.
 */
void sched_wake_for_irq(struct vcpu *v);
/* Make every CPU that runs or could run d's vCPUs look at d again (pause, destroy, affinity). */
void sched_kick_domain(struct vmx_guest *g);
/* Re-home vCPUs whose home CPU left the domain's mask (none once the domain is finishing). */
void sched_apply_affinity(struct vmx_guest *g);
/* Take a finishing domain's vCPUs off the run queues; they must be off every CPU. */
void sched_remove_domain(struct vmx_guest *g);
/* The CPU's scheduling loop; never returns. */
void sched_cpu_loop(struct pcpu *cpu) __attribute__((noreturn));

#endif
