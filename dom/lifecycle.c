/*
 * Domain lifecycles across CPUs. A domain leaves the running state exactly
 * once (compare-and-swap in domain_leave_running); the CPU that then wins
 * `finishing` kicks every CPU still running one of its vCPUs, waits until
 * none does (each leaves at its next exit, at the latest when its slice
 * ends), takes the vCPUs off the run queues, prints the statistics and frees
 * every frame. No CPU waits while it still holds a vCPU, so two CPUs
 * finishing domains at once cannot wait on each other.
 */
#include "boot/pcpu.h"
#include "boot/power.h"
#include "boot/smp.h"
#include "dom/domain.h"
#include "dom/lifecycle.h"
#include "dev/console_focus.h"
#include "lib/log.h"
#include "lib/serial.h"
#include "lib/spinlock.h"
#include "lib/x86.h"
#include "mm/mem.h"
#include "sched/sched.h"
#include "vmx/tlb_cpu.h"

#define RELEASE_SPIN_LIMIT 4000000000ULL   /* TSC cycles: far beyond any slice */

/*
 * Serial input focus (Ctrl-A three times switches, as in Xen). Only CPU 0
 * reads the real UART; domains join when created and leave when they end.
 */
static struct console_focus focus;
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

static void unqueue(struct domain *d)
{
	for (unsigned i = 0; i < d->nvcpus; i++) {
		struct vcpu *v = d->vcpus[i];
		struct pcpu *c = smp_cpu(v->home);
		spin_lock(&c->rq_lock);
		for (struct vcpu **pp = &c->rq; *pp; pp = &(*pp)->rq_next) {
			if (*pp == v) {
				*pp = v->rq_next;
				break;
			}
		}
		spin_unlock(&c->rq_lock);
	}
}

void lifecycle_finish(struct domain *d)
{
	if (__atomic_exchange_n(&d->finishing, 1, __ATOMIC_ACQ_REL))
		return;
	sched_kick_domain(d);
	wait_released(d);
	domain_console_end(d);
	unqueue(d);
	console_leave(d);
	domain_print_stats(d);
	if (d->tracing || d->vcpus[0]->trace.ring) {
		console_lock_acquire();
		exit_trace_dump(d);
		console_lock_release();
	}
	domain_release_resources(d);
	int destroyed = d->state == DOMAIN_DESTROYED;
	__atomic_store_n(&d->finished, 1, __ATOMIC_RELEASE);
	if (destroyed)
		domain_free(d);
}

void lifecycle_destroy(struct domain *d)
{
	if (domain_leave_running(d, DOMAIN_DESTROYED)) {
		log_info("domain %s (%u) destroyed\n", d->name, d->id);
		lifecycle_finish(d);
		return;
	}
	/* It had ended or stopped by itself: wait for its release, then drop the record. */
	while (!__atomic_load_n(&d->finished, __ATOMIC_ACQUIRE) && d->state != DOMAIN_NOT_STARTED)
		cpu_relax();
	log_info("domain %s (%u) destroyed\n", d->name, d->id);
	d->state = DOMAIN_DESTROYED;
	domain_free(d);
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
	for (unsigned i = 0; i < domain_count(); i++)
		if (domain_at(i)->state == DOMAIN_RUNNING)
			return 1;
	return 0;
}

void lifecycle_shutdown(void)
{
	for (unsigned i = 0; i < domain_count(); i++) {
		const struct domain *d = domain_at(i);
		while (d->state != DOMAIN_NOT_STARTED && !__atomic_load_n(&d->finished, __ATOMIC_ACQUIRE))
			cpu_relax();
	}
	for (unsigned i = 0; i < domain_count(); i++) {
		const struct domain *d = domain_at(i);
		if (d->state == DOMAIN_ENDED)
			log_info("summary: %s: exit code %d\n", d->name, d->exit_code);
		else if (d->state == DOMAIN_STOPPED)
			log_info("summary: %s: stopped: %s\n", d->name, d->stop_reason);
		else if (d->state == DOMAIN_NOT_STARTED)
			log_info("summary: %s: not started: %s\n", d->name, d->stop_reason);
	}
	while (domain_count())
		domain_free(domain_at(0));
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
		 * its UART is never written after it is freed.
		 */
		spin_lock(&focus_lock);
		uint32_t id = console_focus_current(&focus);
		struct domain *d = id == CONSOLE_FOCUS_HV ? 0 : domain_by_id(id);
		/* Leave bytes in the UART's own FIFO while the guest's is full. */
		if (d && uart_rx_space(&d->platform.uart) < (int)console_focus_held(&focus) + 1) {
			spin_unlock(&focus_lock);
			return;
		}
		int c = serial_getc_nonblock();
		if (c < 0) {
			spin_unlock(&focus_lock);
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
		if (act == CONSOLE_SWITCHED)
			say_focus(now);
	}
}
