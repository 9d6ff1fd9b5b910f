/*
 * Domain lifecycles across CPUs. A domain leaves the running state exactly
 * once (compare-and-swap in domain_leave_running), by ending itself
 * (domain_exit), being stopped (domain_stop, with the reason and the vCPU's
 * registers) or being destroyed; the CPU that then wins `finishing` kicks
 * every CPU still running one of its vCPUs, waits until
 * none does (each leaves at its next exit, at the latest when its slice
 * ends), takes the vCPUs off the run queues, prints the statistics and
 * returns its RAM, EPT and VMCS pages. Only the management domain's vCPU
 * making a destroy waits while it holds a vCPU, and only for the domain it
 * destroys, never its own, so CPUs finishing domains cannot wait on each other.
 *
 * The record of an ended domain stays in the table, for `list` and the
 * summary, until it is destroyed or the machine powers off; a destroy
 * returns only once the domain is finished and out of the table, so a
 * `create` of the same name right after it finds the name free. The structure
 * itself goes with its last reference (dom/domain.c).
 */
#include <stdarg.h>
#include "cpu/pcpu.h"
#include "cpu/power.h"
#include "dom/domain.h"
#include "dom/lifecycle.h"
#include "dev/console_focus.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/serial.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "mm/mem.h"
#include "sched/sched.h"
#include "vmx/tlb_cpu.h"
#include "vmx/vmx.h"

#define RELEASE_SPIN_LIMIT 4000000000ULL   /* TSC cycles: far beyond any slice */

/*
 * Serial input focus (Ctrl-A three times switches, as in Xen). Only CPU 0
 * reads the real UART; domains join when created and leave when they end.
 */
static struct console_focus focus;
/* focus: creates (under domctl_lock), a domain's release (any CPU), CPU 0's input poll. */
static struct spinlock focus_lock = SPINLOCK_INIT;

static uint64_t boot_free_pages;   /* free frames before the first domain: the no-leak baseline */

void lifecycle_init(void)
{
	console_focus_init(&focus);
	boot_free_pages = mem_frames()->free_pages;
}

static void say_focus(uint32_t id)
{
	struct domain *d = id == CONSOLE_FOCUS_HV ? 0 : domain_by_id(id);
	log_info("console: input now goes to %s (Ctrl-A three times to switch)\n", d ? d->name : "the hypervisor");
	if (d)
		domain_put(d);
}

void lifecycle_console_join(struct domain *d)
{
	spin_lock(&focus_lock);
	console_focus_add(&focus, d->id);
	if (d->type == DOMAIN_TYPE_MGMT)
		console_focus_to(&focus, d->id);
	spin_unlock(&focus_lock);
}

int lifecycle_console_focused(const struct domain *d)
{
	return __atomic_load_n(&focus.focus, __ATOMIC_RELAXED) == d->id;
}

static void console_leave(struct domain *d)
{
	spin_lock(&focus_lock);
	int moved = console_focus_drop(&focus, d->id);
	uint32_t now = console_focus_current(&focus);
	spin_unlock(&focus_lock);
	if (moved)
		say_focus(now);
}


static void wait_released(struct domain *d)
{
	uint64_t start = rdtsc();
	for (unsigned i = 0; i < d->nvcpus; i++) {
		while (__atomic_load_n(&d->vcpus[i]->running_on, __ATOMIC_ACQUIRE)) {
			if (rdtsc() - start > RELEASE_SPIN_LIMIT)
				panic("domain %s: vCPU %u never left cpu%u\n", d->name, i, d->vcpus[i]->running_on->id);
			cpu_relax();
		}
	}
}

void lifecycle_finish(struct domain *d)
{
	if (__atomic_exchange_n(&d->finishing, 1, __ATOMIC_ACQ_REL))
		return;
	sched_kick_domain(d);
	wait_released(d);
	domain_console_end(d);
	sched_remove_domain(d);
	console_leave(d);
	domain_print_stats(d);
	if (d->vcpus[0]->trace.ring) {   /* tracing was on at some time */
		console_lock_acquire();
		exit_trace_dump(d);
		console_lock_release();
	}
	domain_release_resources(d);
	__atomic_store_n(&d->finished, 1, __ATOMIC_RELEASE);
}

static void wait_finished(const struct domain *d)
{
	while (!__atomic_load_n(&d->finished, __ATOMIC_ACQUIRE) && d->state != DOMAIN_NOT_STARTED)
		cpu_relax();
}

void lifecycle_destroy(struct domain *d)
{
	if (domain_leave_running(d, DOMAIN_DESTROYED)) {
		log_info("domain %s (%u) destroyed\n", d->name, d->id);
		/* Returns at once when a CPU that ran one of its vCPUs saw the change first and finishes it. */
		lifecycle_finish(d);
		wait_finished(d);
	} else {
		/* It had ended or stopped by itself: wait for its release, then drop the record. */
		wait_finished(d);
		log_info("domain %s (%u) destroyed\n", d->name, d->id);
		d->state = DOMAIN_DESTROYED;
	}
	domain_discard(d);
}

void lifecycle_pause(struct domain *d)
{
	d->paused = 1;
	sched_kick_domain(d);
}

void lifecycle_unpause(struct domain *d)
{
	d->paused = 0;
	sched_kick_domain(d);
}

int lifecycle_any_live(void)
{
	struct domain *ds[HINOKI_MAX_DOMAINS];
	unsigned n = domain_snapshot(ds);
	int live = 0;
	for (unsigned i = 0; i < n; i++)
		live |= ds[i]->state == DOMAIN_RUNNING;
	domain_put_all(ds, n);
	return live;
}

void lifecycle_shutdown(void)
{
	struct domain *ds[HINOKI_MAX_DOMAINS];
	unsigned n = domain_snapshot(ds);
	for (unsigned i = 0; i < n; i++)
		wait_finished(ds[i]);
	for (unsigned i = 0; i < n; i++) {
		const struct domain *d = ds[i];
		if (d->state == DOMAIN_ENDED)
			log_info("summary: %s: exit code %d\n", d->name, d->exit_code);
		else if (d->state == DOMAIN_STOPPED)
			log_info("summary: %s: stopped: %s\n", d->name, d->stop_reason);
		else if (d->state == DOMAIN_NOT_STARTED)
			log_info("summary: %s: not started: %s\n", d->name, d->stop_reason);
	}
	for (unsigned i = 0; i < n; i++)
		domain_discard(ds[i]);
	domain_put_all(ds, n);
	vmx_tlb_report();
	log_info("memory: %lu pages free after freeing every domain, %lu before the first was created\n",
	         mem_frames()->free_pages, boot_free_pages);
	log_info("all domains ended, powering off\n");
	power_off(POWER_SUCCESS);
}

void lifecycle_poll_console(void)
{
	for (;;) {
		/*
		 * The focus lock is held until the bytes are in the guest's UART:
		 * a domain leaving the focus (console_leave) waits for that, so
		 * no byte reaches a domain once it is finished; the reference
		 * keeps the structure whole meanwhile.
		 */
		spin_lock(&focus_lock);
		uint32_t id = console_focus_current(&focus);
		struct domain *d = id == CONSOLE_FOCUS_HV ? 0 : domain_by_id(id);
		/* Leave bytes in the UART's own FIFO while the guest's is full. */
		int c = d && uart_rx_space(&d->platform.uart) < (int)console_focus_held(&focus) + 1 ? -1 : serial_getc_nonblock();
		if (c < 0) {
			spin_unlock(&focus_lock);
			if (d)
				domain_put(d);
			return;
		}
		uint8_t out[CONSOLE_OUT_MAX];
		unsigned n;
		enum console_action act = console_input(&focus, (uint8_t)c, out, &n);
		uint32_t now = console_focus_current(&focus);
		if (act == CONSOLE_DELIVER && d && d->state == DOMAIN_RUNNING) {
			spin_lock(&d->con_lock);
			for (unsigned i = 0; i < n; i++)
				uart_rx_push(&d->platform.uart, out[i]);
			spin_unlock(&d->con_lock);
			sched_wake(d->vcpus[0]);
		}
		spin_unlock(&focus_lock);
		if (d)
			domain_put(d);
		if (act == CONSOLE_SWITCHED)
			say_focus(now);
	}
}

int domain_leave_running(struct domain *d, enum domain_state to)
{
	enum domain_state running = DOMAIN_RUNNING;
	return __atomic_compare_exchange_n(&d->state, &running, to, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

void domain_exit(struct domain *d, int code)
{
	domain_console_end(d);
	d->exit_code = code;
	if (domain_leave_running(d, DOMAIN_ENDED))
		log_info("domain %s (%u) ended: exit code %d\n", d->name, d->id, code);
}

void domain_stop(struct domain *d, struct vcpu *v, const char *fmt, ...)
{
	va_list ap;
	domain_console_end(d);
	va_start(ap, fmt);
	char reason[sizeof d->stop_reason];
	fmt_vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	if (!domain_leave_running(d, DOMAIN_STOPPED))
		return;   /* it had already ended: the first reason stands */
	memcpy(d->stop_reason, reason, sizeof reason);
	log_info("domain %s (%u) stopped: %s\n", d->name, d->id, d->stop_reason);
	if (v)
		vmx_dump_vcpu(v);
}
