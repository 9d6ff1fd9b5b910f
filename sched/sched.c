/*
 * Per-CPU scheduling. Each vCPU is homed on one CPU's run queue; a CPU runs
 * the runnable vCPU of its queue with the least virtual runtime (guest time
 * scaled by SCHED_WEIGHT_UNIT / weight, so twice the weight earns twice the
 * time), for at most one slice, ended by the VMX-preemption timer. A CPU with
 * nothing runnable steals from a CPU that has two or more runnable vCPUs, if
 * pinning allows, else sleeps in HLT until a kick IPI or its timer.
 *
 * A vCPU's VMCS is active only on the CPU running it: when the vCPU leaves
 * (another takes its turn, it blocks, its domain stops) the VMCS is cleared
 * and the state VMX does not switch (FPU, CR2, SYSCALL MSRs, DR0-DR3 and
 * DR6) is saved, so any CPU may load it next. Migration needs nothing more
 * than re-homing: loading the VMCS flushes what the new CPU may hold stale
 * for the vCPU (vmcs_enter_cpu, vmx/tlb.c).
 *
 * Root-mode time of each exit is closed just before the next VM entry on the
 * CPU, whichever vCPU that is, so the statistics count exactly the CPU's time
 * outside guests.
 *
 * The scheduler knows a domain only as its struct vmx_guest (state,
 * weight, slice, CPU mask, pause). What happens to a domain is dom/'s
 * business, reported through the struct sched_dom_ops given to sched_init:
 * a stop a handler recorded, a domain that left the running state, and on
 * CPU 0 the console input and the power-off once no domain is live.
 */
#include "cpu/irq.h"
#include "cpu/pcpu.h"
#include "cpu/trap.h"
#include "hinoki/hypercall.h"
#include "lib/log.h"
#include "lib/x86.h"
#include "sched/sched.h"
#include "sched/watchdog.h"
#include "vmx/caps.h"
#include "vmx/exit.h"
#include "vmx/fpu.h"
#include "vmx/guest.h"
#include "vmx/guest_dr.h"
#include "vmx/guest_msrs.h"
#include "vmx/inject.h"
#include "vmx/vmx.h"

#define IDLE_POLL_US 10000   /* idle CPUs look for work and console input this often */

static uint64_t slice_tsc, idle_poll_tsc;
static const struct sched_dom_ops *dom_ops;

void sched_init(uint64_t tsc_per_slice, uint64_t tsc_per_us, const struct sched_dom_ops *dom)
{
	static const struct vmx_sched_ops ops = { sched_wake_for_irq, sched_start_vcpu };
	dom_ops = dom;
	slice_tsc = tsc_per_slice;
	idle_poll_tsc = IDLE_POLL_US * tsc_per_us;
	vmx_set_sched_ops(&ops);
}

/* The domain's own slice (config slice_us in its section), else the machine's. */
static uint64_t slice_of(const struct vcpu *v)
{
	return v->guest->slice_tsc ? v->guest->slice_tsc : slice_tsc;
}

static int allowed_on(const struct vcpu *v, const struct pcpu *c)
{
	return c->id < 64 && (v->guest->cpus_mask >> c->id) & 1;
}

static int may_run(const struct vcpu *v)
{
	const struct vmx_guest *g = v->guest;
	return v->state == VCPU_RUNNABLE && !v->running_on && g->state == DOMAIN_RUNNING && !g->paused;
}

/* Caller holds c->rq_lock. */
static uint64_t rq_min_vruntime(const struct pcpu *c)
{
	uint64_t min = ~0ULL;
	for (const struct vcpu *v = c->rq; v; v = v->rq_next)
		if (v->state == VCPU_RUNNABLE && v->vruntime < min)
			min = v->vruntime;
	return min == ~0ULL ? 0 : min;
}

static void rq_unlink(struct pcpu *c, struct vcpu *v)
{
	for (struct vcpu **pp = &c->rq; *pp; pp = &(*pp)->rq_next) {
		if (*pp == v) {
			*pp = v->rq_next;
			v->rq_next = 0;
			return;
		}
	}
}

/* Joining a queue starts at its fair-share clock: no burst of catch-up, no starvation. */
static void rq_link(struct pcpu *c, struct vcpu *v)
{
	uint64_t min = rq_min_vruntime(c);
	if (v->vruntime < min)
		v->vruntime = min;
	v->home = c->id;
	v->rq_next = c->rq;
	c->rq = v;
}

static void kick(struct pcpu *c)
{
	if (c != this_cpu())
		irq_kick(c);
}

static unsigned cpu_load(const struct pcpu *c)
{
	unsigned load = 0;
	for (const struct vcpu *v = c->rq; v; v = v->rq_next)
		if (v->state != VCPU_OFFLINE)
			load += v->guest->weight;
	return load;
}

static struct pcpu *pick_home(struct vcpu *v)
{
	struct pcpu *best = 0;
	unsigned best_load = ~0u;
	for (unsigned i = 0; i < pcpu_count(); i++) {
		struct pcpu *c = pcpu_get(i);
		if (!allowed_on(v, c))
			continue;
		unsigned load = cpu_load(c);
		if (load < best_load) {
			best = c;
			best_load = load;
		}
	}
	return best ? best : pcpu_get(0);
}

void sched_add_vcpu(struct vcpu *v, enum vcpu_state state)
{
	struct pcpu *c = pick_home(v);
	if (!allowed_on(v, c))
		log_warn("domain %s: its cpus mask names no online CPU; vCPU %u runs on cpu%u\n",
		         v->guest->name, v->id, c->id);
	spin_lock(&c->rq_lock);
	v->state = state;
	rq_link(c, v);
	spin_unlock(&c->rq_lock);
	if (state == VCPU_RUNNABLE)
		kick(c);
}

static struct pcpu *lock_home(struct vcpu *v)
{
	for (;;) {
		struct pcpu *c = pcpu_get(v->home);
		spin_lock(&c->rq_lock);
		if (v->home == c->id)
			return c;
		spin_unlock(&c->rq_lock);   /* it moved meanwhile */
	}
}

/* Both CPUs' queue locks, the lower id first, so two CPUs moving vCPUs cannot deadlock. */
static void lock_pair(struct pcpu *a, struct pcpu *b)
{
	struct pcpu *first = a->id < b->id ? a : b, *second = a->id < b->id ? b : a;
	spin_lock(&first->rq_lock);
	if (second != first)
		spin_lock(&second->rq_lock);
}

static void unlock_pair(struct pcpu *a, struct pcpu *b)
{
	spin_unlock(&a->rq_lock);
	if (b != a)
		spin_unlock(&b->rq_lock);
}

/* An offline vCPU takes e's state and joins its queue's competition; c's queue lock held. */
static void start_locked(struct pcpu *c, struct vcpu *v, const struct guest_entry *e)
{
	vmcs_reset_guest(v, e);
	v->vruntime = rq_min_vruntime(c);
	v->state = VCPU_RUNNABLE;
}

int sched_start_vcpu(struct vcpu *v, const struct guest_entry *e)
{
	struct pcpu *c = lock_home(v);
	if (v->state != VCPU_OFFLINE) {
		spin_unlock(&c->rq_lock);
		return -HC_EBUSY;
	}
	start_locked(c, v, e);
	spin_unlock(&c->rq_lock);
	kick(c);
	return 0;
}

static void unblock(struct vcpu *v, bool event)
{
	struct pcpu *c = lock_home(v);
	if (event)
		v->wake = 1;
	if (v->state == VCPU_BLOCKED) {
		uint64_t min = rq_min_vruntime(c);
		v->state = VCPU_RUNNABLE;
		if (v->vruntime < min)
			v->vruntime = min;
	}
	spin_unlock(&c->rq_lock);
	kick(c);
}

void sched_wake(struct vcpu *v)
{
	unblock(v, true);
}

void sched_wake_for_irq(struct vcpu *v)
{
	unblock(v, false);
}

void sched_kick_domain(struct vmx_guest *g)
{
	for (unsigned i = 0; i < g->nvcpus; i++) {
		struct pcpu *c = g->vcpus[i]->running_on;
		kick(c ? c : pcpu_get(g->vcpus[i]->home));
	}
}

/*
 * A vCPU moves between queues with both locks held, so lock_home() always
 * finds it in the queue it names; a domain being finished is left alone, so
 * no move can put a vCPU back after sched_remove_domain took it out.
 */
void sched_apply_affinity(struct vmx_guest *g)
{
	for (unsigned i = 0; i < g->nvcpus; i++) {
		struct vcpu *v = g->vcpus[i];
		struct pcpu *n = pick_home(v), *c;
		for (;;) {
			c = pcpu_get(v->home);
			lock_pair(c, n);
			if (v->home == c->id)
				break;
			unlock_pair(c, n);   /* it moved meanwhile */
		}
		int move = !allowed_on(v, c) && !__atomic_load_n(&g->finishing, __ATOMIC_ACQUIRE);
		if (move) {
			rq_unlink(c, v);
			rq_link(n, v);
		}
		unlock_pair(c, n);
		if (!move)
			continue;
		/* A vCPU running now keeps its CPU until it leaves it; it is picked from the new home after. */
		kick(n);
		if (v->running_on)
			kick(v->running_on);
	}
}

void sched_remove_domain(struct vmx_guest *g)
{
	for (unsigned i = 0; i < g->nvcpus; i++) {
		struct vcpu *v = g->vcpus[i];
		struct pcpu *c = lock_home(v);
		rq_unlink(c, v);
		spin_unlock(&c->rq_lock);
	}
}

/* Least vruntime among the queue's runnable vCPUs, claimed for cpu. */
static struct vcpu *pick_local(struct pcpu *cpu)
{
	struct vcpu *best = 0;
	spin_lock(&cpu->rq_lock);
	for (struct vcpu *v = cpu->rq; v; v = v->rq_next)
		if (may_run(v) && allowed_on(v, cpu) && (!best || v->vruntime < best->vruntime))
			best = v;
	if (best)
		best->running_on = cpu;
	spin_unlock(&cpu->rq_lock);
	return best;
}

static unsigned runnable_count(const struct pcpu *c)
{
	unsigned n = 0;
	for (const struct vcpu *v = c->rq; v; v = v->rq_next)
		if (v->state == VCPU_RUNNABLE && v->guest->state == DOMAIN_RUNNING && !v->guest->paused)
			n++;
	return n;
}

/* Take a waiting vCPU from a CPU that has more runnable vCPUs than it can run at once. */
static struct vcpu *steal(struct pcpu *cpu)
{
	for (unsigned i = 0; i < pcpu_count(); i++) {
		struct pcpu *c = pcpu_get(i);
		if (c == cpu)
			continue;
		lock_pair(c, cpu);
		struct vcpu *got = 0;
		if (runnable_count(c) >= 2) {
			for (struct vcpu *v = c->rq; v && !got; v = v->rq_next)
				if (may_run(v) && allowed_on(v, cpu))
					got = v;
			if (got) {
				rq_unlink(c, got);
				rq_link(cpu, got);
				got->running_on = cpu;
			}
		}
		unlock_pair(c, cpu);
		if (got)
			return got;
	}
	return 0;
}

/* Another vCPU here deserves the CPU more than v (v's slice is over, or it yielded). */
static int someone_better(struct pcpu *cpu, const struct vcpu *v)
{
	int better = 0;
	spin_lock(&cpu->rq_lock);
	for (struct vcpu *u = cpu->rq; u && !better; u = u->rq_next)
		if (u != v && may_run(u) && allowed_on(u, cpu) && u->vruntime <= v->vruntime)
			better = 1;
	spin_unlock(&cpu->rq_lock);
	return better;
}

/* The end of the root-mode time of the CPU's last exit at `now`, just before the next entry. */
static void close_exit_timing(struct pcpu *cpu, uint64_t now)
{
	struct vcpu *v = cpu->last_exit;
	if (!v)
		return;
	cpu->last_exit = 0;
	vmx_exit_close(v, now);
}

/* Arm the preemption timer with what is left of the slice. */
static void arm_slice(uint64_t slice_end)
{
	uint64_t now = rdtsc();
	vmx_arm_preemption_timer(slice_end > now ? slice_end - now : 0);
}

/*
 * Where the CPU saves the timer's value at each exit, it is armed once per
 * slice; otherwise it must be re-armed with the remainder before each entry.
 */
static enum exit_action run_once(struct pcpu *cpu, struct vcpu *v, uint64_t slice_end)
{
	if (__builtin_expect(v->halt_deadline != 0, 0) && vcpu_halt_over(v, rdtsc()))
		return EXIT_STOPPED;
	if (!vmx_inject_pending(v))
		return EXIT_WAIT_SIPI;
	/* A counting vLAPIC timer ends the guest's run early, so its interrupt is taken on time. */
	if (vmx_has_preemption_timer()) {
		uint64_t lapic_due = vlapic_next_deadline(&v->vlapic);
		if (lapic_due && lapic_due < slice_end)
			arm_slice(lapic_due);
		else if (!vmx_has_saved_preemption_timer())
			arm_slice(slice_end);
	}
	/*
	 * One TSC read ends the exit's root-mode time and starts the guest's.
	 * The root-mode time since v's last exit (exits the fast path resumed
	 * are inside the guest time below) is charged to v as well: a guest
	 * whose every entry ends at once in an exit (a timer storm) pays for the
	 * CPU it keeps busy, and its neighbours keep their share.
	 */
	uint64_t now = rdtsc();
	watchdog_alive(cpu, now, v->guest->id, v->id);
	if (cpu->last_exit == v)
		v->vruntime += (now - v->exit_tsc) * SCHED_WEIGHT_UNIT / v->guest->weight;
	v->entry_tsc = now;
	close_exit_timing(cpu, now);
	int rc = vmx_run(v);
	if (rc < 0) {
		vmx_entry_failed(v, rc);   /* records the stop, as a handler does */
		return EXIT_STOPPED;
	}
	/* Guest time since the scheduler's entry: exits the fast path resumed count as the guest's. */
	uint64_t guest = v->exit_tsc - v->entry_tsc;
	v->guest_tsc += guest;
	v->vruntime += guest * SCHED_WEIGHT_UNIT / v->guest->weight;
	cpu->last_exit = v;
	return (enum exit_action)rc;
}

/* HLT: block unless an event, the timer or a deliverable interrupt is already there. Returns 1 if v blocked. */
static int block(struct pcpu *cpu, struct vcpu *v)
{
	int blocked = 0;
	spin_lock(&cpu->rq_lock);
	uint64_t now = rdtsc();
	if (v->wake) {
		v->wake = 0;
	} else if (v->timer_deadline && now >= v->timer_deadline) {
		v->timer_deadline = 0;
	} else if (vcpu_irq_wakes(v, now)) {
		/* the entry that follows injects it */
	} else {
		v->state = VCPU_BLOCKED;
		blocked = 1;
	}
	spin_unlock(&cpu->rq_lock);
	return blocked;
}

static uint64_t expire_timers(struct pcpu *cpu);

/* A handler (or a failed entry) stopped v's domain: dom/ reports it while v's VMCS is still current. */
static void report_stop(struct vcpu *v)
{
	if (!v->stop_reason[0])
		return;   /* it ended by itself (HC_EXIT, the exit port) */
	dom_ops->stopped(v, v->stop_reason);
	v->stop_reason[0] = 0;
}

/*
 * Returns v's domain, held (dom_ops->hold), when it left the running state:
 * once running_on is clear, the CPU finishing it may free v, and a destroy
 * may drop the domain's last other reference.
 */
static struct vmx_guest *run(struct pcpu *cpu, struct vcpu *v)
{
	uint64_t slice_end = rdtsc() + slice_of(v);
	vmcs_enter_cpu(v, cpu);
	if (vmx_has_preemption_timer())
		arm_slice(slice_end);
	fpu_restore(v);
	guest_msrs_restore(v);
	guest_dr_restore(v);
	write_cr2(v->cr2);
	/* Per slice, not per exit; a few hundred instructions before its first VMLAUNCH. */
	if (!v->first_entry_tsc)
		v->first_entry_tsc = rdtsc();
	bool offline = false;
	while (v->guest->state == DOMAIN_RUNNING && !v->guest->paused && allowed_on(v, cpu)) {
		enum exit_action act = run_once(cpu, v, slice_end);
		if (act == EXIT_RESUME)
			continue;
		if (act == EXIT_STOPPED) {
			report_stop(v);
			break;
		}
		if (act == EXIT_WAIT_SIPI) {
			offline = true;
			break;
		}
		if (act == EXIT_BLOCK && block(cpu, v))
			break;
		if (cpu->id == 0)
			dom_ops->poll_console();
		/* Slice over, a kick, or a yield: sleepers due now compete too. */
		expire_timers(cpu);
		if (act == EXIT_YIELD && someone_better(cpu, v))
			break;
		slice_end = rdtsc() + slice_of(v);
		if (vmx_has_preemption_timer())
			arm_slice(slice_end);
	}
	close_exit_timing(cpu, rdtsc());
	v->cr2 = read_cr2();
	guest_dr_save(v);
	guest_msrs_save(v);
	fpu_save(v);
	vmcs_leave_cpu(v, cpu);
	struct vmx_guest *left = v->guest->state != DOMAIN_RUNNING ? v->guest : 0;
	if (left)
		dom_ops->hold(left);
	/*
	 * Offline only once its VMCS is clear here: from then on the CPU that
	 * delivers a SIPI may reset its guest state (vcpu_start_held_sipi()).
	 */
	spin_lock(&cpu->rq_lock);
	v->running_on = 0;
	if (offline)
		__atomic_store_n(&v->state, VCPU_OFFLINE, __ATOMIC_SEQ_CST);
	spin_unlock(&cpu->rq_lock);
	if (offline)
		vcpu_start_held_sipi(v);
	return left;
}

/* The earlier of two TSC deadlines, 0 meaning none. */
static uint64_t earlier(uint64_t a, uint64_t b)
{
	return !a ? b : !b ? a : a < b ? a : b;
}

/* An offline vCPU whose restart time came (its domain wakes from sleep) starts. */
static void restart(struct pcpu *cpu, struct vcpu *v)
{
	struct guest_entry e;
	vcpu_restart_entry(v, &e);
	v->restart_tsc = 0;
	start_locked(cpu, v, &e);
}

/*
 * Wake blocked vCPUs whose timer is due (HC_SET_TIMER, or their vLAPIC
 * timer raising an interrupt they can take) and start offline ones whose
 * restart time came; returns TSC cycles until the next deadline (0: none).
 */
static uint64_t expire_timers(struct pcpu *cpu)
{
	uint64_t now = rdtsc(), next = 0;
	spin_lock(&cpu->rq_lock);
	for (struct vcpu *v = cpu->rq; v; v = v->rq_next) {
		if (v->state == VCPU_OFFLINE) {
			uint64_t restart_tsc = __atomic_load_n(&v->restart_tsc, __ATOMIC_SEQ_CST);
			if (restart_tsc && now >= restart_tsc)
				restart(cpu, v);
			else if (restart_tsc && restart_tsc != VCPU_RESTART_NO_TIME && (!next || restart_tsc - now < next))
				next = restart_tsc - now;
			continue;
		}
		if (v->state != VCPU_BLOCKED)
			continue;
		uint64_t lapic_due = vlapic_next_deadline(&v->vlapic);
		if (!v->timer_deadline && !lapic_due && !v->halt_deadline)
			continue;
		if (v->timer_deadline && now >= v->timer_deadline) {
			v->timer_deadline = 0;
			v->state = VCPU_RUNNABLE;
		} else if (v->halt_deadline && now >= v->halt_deadline) {
			v->state = VCPU_RUNNABLE;   /* run_once() ends its domain */
		} else if (lapic_due && now >= lapic_due && vcpu_irq_wakes(v, now)) {
			v->state = VCPU_RUNNABLE;
		} else {
			uint64_t due = earlier(earlier(v->timer_deadline, vlapic_next_deadline(&v->vlapic)), v->halt_deadline);
			if (due > now && (!next || due - now < next))
				next = due - now;
		}
	}
	spin_unlock(&cpu->rq_lock);
	return next;
}

static void idle(struct pcpu *cpu, uint64_t next_timer)
{
	uint64_t wait = idle_poll_tsc;
	if (next_timer && next_timer < wait)
		wait = next_timer;
	cpu->idle = 1;
	irq_timer_arm(wait);
	__asm__ volatile("sti; hlt; cli" ::: "memory");
	irq_timer_arm(0);
	cpu->idle = 0;
}

void sched_cpu_loop(struct pcpu *cpu)
{
	for (;;) {
		uint64_t now = rdtsc();
		watchdog_alive(cpu, now, WATCHDOG_NONE, WATCHDOG_NONE);
		watchdog_check(cpu, now);
		trap_report_nmis(0);   /* those taken in root mode; an NMI exit reports its own */
		if (cpu->id == 0)
			dom_ops->poll_console();
		uint64_t next_timer = expire_timers(cpu);
		struct vcpu *v = pick_local(cpu);
		if (!v)
			v = steal(cpu);
		if (v) {
			struct vmx_guest *left = run(cpu, v);
			if (left)
				dom_ops->finish(left);
			continue;
		}
		if (cpu->id == 0 && !dom_ops->any_live())
			dom_ops->shutdown();
		idle(cpu, next_timer);
	}
}
