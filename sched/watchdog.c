/*
 * The root-mode watchdog. Every CPU's scheduler notes the TSC each time
 * round its loop and before each VM entry (watchdog_alive). A CPU runs a
 * guest at most a slice (slice_us, at most a second) before its scheduler
 * goes round again, and an idle CPU goes round every few milliseconds; one
 * that has not gone round for watchdog_ms and is not idle is stuck in root
 * mode: a handler that does not return, a lock never released. Every other
 * CPU looks for such a CPU each time round its own loop; the first to see
 * one sends it a host NMI, whose handler (cpu/trap.c) notes the RIP it
 * interrupted, and reports the CPU once, with that RIP and the domain and
 * vCPU it was serving, and again when it goes round once more. Reading
 * another CPU's fields races with their writer on purpose: they are single
 * words, and a report from a value a moment old says the same.
 */
#include "cpu/irq.h"
#include "lib/log.h"
#include "lib/x86.h"
#include "sched/watchdog.h"

#define WATCHDOG_LOOK_MS 10     /* how often a CPU looks at the others */
#define NMI_WAIT_MS      10     /* how long it waits for the stuck CPU's NMI handler */

static uint64_t limit, per_ms;

void watchdog_init(uint64_t limit_tsc, uint64_t tsc_per_ms)
{
	limit = limit_tsc;
	per_ms = tsc_per_ms ? tsc_per_ms : 1;
}

/* The stuck CPU's RIP: an NMI's handler notes it there; 0 if none came in time. */
static uint64_t rip_of(struct pcpu *c)
{
	uint64_t seen = c->nmis, start = rdtsc();
	if (irq_send_nmi(c))
		return 0;
	while (c->nmis == seen && rdtsc() - start < NMI_WAIT_MS * per_ms)
		__builtin_ia32_pause();
	return c->nmis != seen ? c->nmi_rip : 0;
}

static void report_stuck(struct pcpu *self, struct pcpu *c, uint64_t stuck)
{
	uint32_t dom = c->serving_dom, vcpu = c->serving_vcpu;
	uint64_t rip = rip_of(c);
	if (dom == WATCHDOG_NONE)
		log_warn("watchdog (cpu%u): cpu%u in root mode for %lu ms, rip 0x%lx, serving no vCPU\n", self->id,
		         c->id, stuck / per_ms, rip);
	else
		log_warn("watchdog (cpu%u): cpu%u in root mode for %lu ms, rip 0x%lx, serving domain %u vCPU %u\n",
		         self->id, c->id, stuck / per_ms, rip, dom, vcpu);
}

void watchdog_check(struct pcpu *self, uint64_t now)
{
	static uint64_t last_look;   /* shared: one CPU looking at a time is enough */
	uint64_t prev = __atomic_load_n(&last_look, __ATOMIC_RELAXED);
	if (!limit || now - prev < WATCHDOG_LOOK_MS * per_ms ||
	    !__atomic_compare_exchange_n(&last_look, &prev, now, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		return;
	for (unsigned i = 0; i < pcpu_count(); i++) {
		struct pcpu *c = pcpu_get(i);
		if (c == self)
			continue;
		uint64_t alive = c->alive_tsc;
		bool stuck = alive && !c->idle && now > alive && now - alive > limit;
		uint32_t flagged = __atomic_load_n(&c->watchdog_flagged, __ATOMIC_RELAXED);
		if (stuck && !flagged && __atomic_exchange_n(&c->watchdog_flagged, 1, __ATOMIC_RELAXED) == 0)
			report_stuck(self, c, now - alive);
		else if (!stuck && flagged && __atomic_exchange_n(&c->watchdog_flagged, 0, __ATOMIC_RELAXED))
			log_info("watchdog (cpu%u): cpu%u going again\n", self->id, c->id);
	}
}
