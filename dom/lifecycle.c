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
 *
 * The layers below know a domain only as its struct vmx_guest and reach
 * dom/ through two tables of functions this file gives them: the exit
 * handlers' (struct vmx_dom_ops: console, exit, vCPU start, control
 * hypercalls, a prompt at HLT) and the CPU loop's (struct sched_dom_ops: a
 * recorded stop, a domain that left the running state, console input,
 * power-off).
 */
#include <stdarg.h>
#include "cpu/pcpu.h"
#include "cpu/power.h"
#include "dom/control.h"
#include "dom/domain.h"
#include "dom/lifecycle.h"
#include "dev/acpi_tables.h"
#include "dev/console_focus.h"
#include "hw/acpi.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/serial.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "mm/mem.h"
#include "sched/sched.h"
#include "vmx/inject.h"
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

static void guest_console_write(struct vmx_guest *g, const uint8_t *p, uint64_t len)
{
	domain_console_write(domain_of(g), p, len);
}

static void guest_exit(struct vmx_guest *g, int code)
{
	domain_exit(domain_of(g), code);
}

static int guest_vcpu_up(struct vmx_guest *g, uint32_t id, uint64_t rip, uint64_t rsp, uint64_t arg)
{
	return domain_vcpu_up(domain_of(g), id, rip, rsp, arg);
}

/* Show a prompt left without a newline, but only where someone types: elsewhere it would split lines. */
static void guest_halted(struct vmx_guest *g)
{
	struct domain *d = domain_of(g);
	if (lifecycle_console_focused(d))
		domain_console_partial(d);
}

static const struct vmx_dom_ops vmx_ops = {
	guest_console_write, guest_exit, guest_vcpu_up, domctl_call, guest_halted,
};

void lifecycle_init(void)
{
	console_focus_init(&focus);
	boot_free_pages = mem_frames()->free_pages;
	vmx_set_dom_ops(&vmx_ops);
}

static void say_focus_name(const char *name)
{
	log_info("console: input now goes to %s (Ctrl-A three times to switch)\n", name);
}

static void say_focus(uint32_t id)
{
	struct domain *d = id == CONSOLE_FOCUS_HV ? 0 : domain_by_id(id);
	say_focus_name(d ? d->guest.name : "the hypervisor");
	if (d)
		domain_put(d);
}

void lifecycle_console_join(struct domain *d, const struct domain *replaces)
{
	spin_lock(&focus_lock);
	bool took = replaces && !console_focus_replace(&focus, replaces->guest.id, d->guest.id);
	if (!took)
		console_focus_add(&focus, d->guest.id);
	if (d->type == DOMAIN_TYPE_MGMT)
		console_focus_to(&focus, d->guest.id);
	bool focused = took && console_focus_current(&focus) == d->guest.id;
	spin_unlock(&focus_lock);
	/* The user typing to a domain that rebooted goes on typing to it: say so, it has a new id. */
	if (focused)
		say_focus_name(d->guest.name);
}

int lifecycle_console_focused(const struct domain *d)
{
	return __atomic_load_n(&focus.focus, __ATOMIC_RELAXED) == d->guest.id;
}

/*
 * Input for d ends: taking the lock waits out a delivery to it under way
 * (lifecycle_poll_console), and later ones find it no longer running. While
 * it may restart it keeps its place, and the focus, for its successor
 * (lifecycle_console_join); bytes typed meanwhile are dropped, as a machine
 * rebooting drops them.
 */
static void console_leave(struct domain *d, bool keep_place)
{
	spin_lock(&focus_lock);
	int moved = !keep_place && console_focus_drop(&focus, d->guest.id);
	uint32_t now = console_focus_current(&focus);
	spin_unlock(&focus_lock);
	if (moved)
		say_focus(now);
}


static void wait_released(struct domain *d)
{
	uint64_t start = rdtsc();
	for (unsigned i = 0; i < d->guest.nvcpus; i++) {
		while (__atomic_load_n(&d->guest.vcpus[i]->running_on, __ATOMIC_ACQUIRE)) {
			if (rdtsc() - start > RELEASE_SPIN_LIMIT)
				panic("domain %s: vCPU %u never left cpu%u\n", d->guest.name, i,
				      d->guest.vcpus[i]->running_on->id);
			cpu_relax();
		}
	}
}

void lifecycle_finish(struct domain *d)
{
	if (__atomic_exchange_n(&d->guest.finishing, 1, __ATOMIC_ACQ_REL))
		return;
	sched_kick_domain(&d->guest);
	wait_released(d);
	domain_console_end(d);
	sched_remove_domain(&d->guest);
	console_leave(d, __atomic_load_n(&d->restart, __ATOMIC_ACQUIRE));
	domain_print_stats(d);
	if (d->guest.vcpus[0]->trace.ring) {   /* tracing was on at some time */
		console_lock_acquire();
		exit_trace_dump(&d->guest);
		console_lock_release();
	}
	domain_release_resources(d);
	__atomic_store_n(&d->finished, 1, __ATOMIC_RELEASE);
	/*
	 * Only the vCPU that ended d set `restart`, and it has left its CPU
	 * (wait_released). Once finished, so that a destroy waiting for that
	 * under the control lock can cancel the restart.
	 */
	if (__atomic_load_n(&d->restart, __ATOMIC_ACQUIRE))
		control_restart(d);
	/* Not restarted after all (refused, failed, or cancelled by a destroy): its place goes. */
	console_leave(d, false);
}

static void wait_finished(const struct domain *d)
{
	while (!__atomic_load_n(&d->finished, __ATOMIC_ACQUIRE) && d->guest.state != DOMAIN_NOT_STARTED)
		cpu_relax();
}

void lifecycle_destroy(struct domain *d)
{
	if (domain_leave_running(d, DOMAIN_DESTROYED)) {
		log_info("domain %s (%u) destroyed\n", d->guest.name, d->guest.id);
		/* Returns at once when a CPU that ran one of its vCPUs saw the change first and finishes it. */
		lifecycle_finish(d);
		wait_finished(d);
	} else {
		/* It had ended or stopped by itself: no restart (callers hold the control lock), wait for its release, drop the record. */
		__atomic_store_n(&d->restart, 0, __ATOMIC_RELEASE);
		wait_finished(d);
		log_info("domain %s (%u) destroyed\n", d->guest.name, d->guest.id);
		d->guest.state = DOMAIN_DESTROYED;
	}
	domain_discard(d);
}

void lifecycle_pause(struct domain *d)
{
	d->guest.paused = 1;
	sched_kick_domain(&d->guest);
}

void lifecycle_unpause(struct domain *d)
{
	d->guest.paused = 0;
	sched_kick_domain(&d->guest);
}

int lifecycle_any_live(void)
{
	struct domain *ds[HINOKI_MAX_DOMAINS];
	unsigned n = domain_snapshot(ds);
	int live = 0;
	/* One still being finished may be about to restart, and one about to restart is not gone: wait for them. */
	for (unsigned i = 0; i < n; i++)
		live |= ds[i]->guest.state == DOMAIN_RUNNING || __atomic_load_n(&ds[i]->restart, __ATOMIC_ACQUIRE) ||
		        (ds[i]->guest.state != DOMAIN_NOT_STARTED && !__atomic_load_n(&ds[i]->finished, __ATOMIC_ACQUIRE));
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
		if (d->guest.state == DOMAIN_ENDED && d->end_how)
			log_info("summary: %s: %s\n", d->guest.name, d->end_how);
		else if (d->guest.state == DOMAIN_ENDED)
			log_info("summary: %s: exit code %d\n", d->guest.name, d->exit_code);
		else if (d->guest.state == DOMAIN_STOPPED)
			log_info("summary: %s: stopped: %s\n", d->guest.name, d->stop_reason);
		else if (d->guest.state == DOMAIN_NOT_STARTED)
			log_info("summary: %s: not started: %s\n", d->guest.name, d->stop_reason);
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
		if (act == CONSOLE_DELIVER && d && d->guest.state == DOMAIN_RUNNING) {
			spin_lock(&d->con_lock);
			for (unsigned i = 0; i < n; i++)
				uart_rx_push(&d->platform.uart, out[i]);
			spin_unlock(&d->con_lock);
			sched_wake(d->guest.vcpus[0]);
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
	return __atomic_compare_exchange_n(&d->guest.state, &running, to, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

void domain_exit(struct domain *d, int code)
{
	domain_console_end(d);
	d->exit_code = code;
	if (domain_leave_running(d, DOMAIN_ENDED))
		log_info("domain %s (%u) ended: exit code %d\n", d->guest.name, d->guest.id, code);
}

static const char *action_name(enum domain_action a)
{
	return a == DOMAIN_ACTION_RESTART ? "restart" : "destroy";
}

void domain_power(struct domain *d, enum platform_power what)
{
	bool off = what == PLATFORM_POWER_OFF;
	enum domain_action act = off ? d->cfg->on_poweroff : d->cfg->on_reboot;
	domain_console_end(d);
	if (!domain_leave_running(d, DOMAIN_ENDED))
		return;   /* it had already ended: the first end stands */
	d->end_how = off ? "powered off through ACPI S5" : "reset through port 0xcf9";
	__atomic_store_n(&d->restart, act == DOMAIN_ACTION_RESTART, __ATOMIC_RELEASE);
	log_info("domain %s (%u) %s (%s = %s)\n", d->guest.name, d->guest.id, d->end_how,
	         off ? "on_poweroff" : "on_reboot", action_name(act));
}

_Static_assert(VCPU_RESTART_NO_TIME == PLATFORM_WAKE_NO_TIME, "one value for a sleep without a wake time");

bool domain_sleep(struct domain *d, uint64_t wake_tsc)
{
	if (!wake_tsc && !control_has_mgmt()) {
		domain_stop(d, 0, "entered ACPI S3 with no wake event: no RTC alarm (RTC_EN and the RTC's alarm), and no "
		                  "management domain to press its power button");
		return false;
	}
	struct acpi_facs_v1 facs;
	memcpy(&facs, (uint8_t *)phys_to_virt(d->guest.ram_hpa) + ACPI_TABLES_GPA_FACS, sizeof facs);
	vcpu_sleep_all(&d->guest, facs.firmware_waking_vector, wake_tsc ? wake_tsc : VCPU_RESTART_NO_TIME);
	uint64_t now = rdtsc(), khz = d->guest.tsc_khz ? d->guest.tsc_khz : 1;
	if (!guest_log_ok(&d->guest))
		return true;
	if (wake_tsc)
		log_info("domain %s (%u) sleeps in ACPI S3: its RTC alarm wakes it in %lu ms at waking vector 0x%x\n",
		         d->guest.name, d->guest.id, wake_tsc > now ? (wake_tsc - now) / khz : 0,
		         facs.firmware_waking_vector);
	else
		log_info("domain %s (%u) sleeps in ACPI S3 until its power button: no RTC alarm can wake it "
		         "(waking vector 0x%x)\n", d->guest.name, d->guest.id, facs.firmware_waking_vector);
	return true;
}

uint64_t domain_wake(struct domain *d)
{
	uint64_t was = vcpu_wake_now(&d->guest);
	if (!was)
		return 0;
	sched_kick_domain(&d->guest);
	if (guest_log_ok(&d->guest))
		log_info("domain %s (%u) woken from ACPI S3 by its power button\n", d->guest.name, d->guest.id);
	return was;
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
	log_info("domain %s (%u) stopped: %s\n", d->guest.name, d->guest.id, d->stop_reason);
	if (v)
		vmx_dump_vcpu(v);
	/* A stop by the hypervisor is the domain's crash. */
	if (d->cfg->on_crash == DOMAIN_ACTION_RESTART) {
		__atomic_store_n(&d->restart, 1, __ATOMIC_RELEASE);
		log_info("domain %s (%u) crashed (on_crash = restart)\n", d->guest.name, d->guest.id);
	}
}

static void vcpu_stopped(struct vcpu *v, const char *reason)
{
	domain_stop(domain_of(v->guest), v, "%s", reason);
}

static void guest_hold(struct vmx_guest *g)
{
	domain_hold(domain_of(g));
}

static void guest_finish(struct vmx_guest *g)
{
	struct domain *d = domain_of(g);
	lifecycle_finish(d);
	domain_put(d);
}

const struct sched_dom_ops lifecycle_sched_ops = {
	vcpu_stopped, guest_hold, guest_finish, lifecycle_poll_console, lifecycle_any_live, lifecycle_shutdown,
};
