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
struct domain;

#define SCHED_WEIGHT_UNIT 256   /* the default weight: vruntime advances at the real rate */

void sched_init(uint64_t slice_tsc, uint64_t tsc_per_us);
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
void sched_kick_domain(struct domain *d);
/* Re-home vCPUs whose home CPU left the domain's mask (none once the domain is finishing). */
void sched_apply_affinity(struct domain *d);
/* Take a finishing domain's vCPUs off the run queues; they must be off every CPU. */
void sched_remove_domain(struct domain *d);
/* The CPU's scheduling loop; never returns. */
void sched_cpu_loop(struct pcpu *cpu) __attribute__((noreturn));

#endif
