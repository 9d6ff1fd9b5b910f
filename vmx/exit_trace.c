/*
 * The exit trace rings: switching them on, printing and freeing them. Each
 * vCPU writes only its own ring, from the CPU that runs it (the exit path,
 * vmx/exit.c), so recording takes no lock; the ring is printed only after
 * the domain's vCPUs have left every CPU.
 */
#include "lib/fmt.h"
#include "lib/log.h"
#include "vmx/exit.h"
#include "vmx/exit_trace.h"
#include "vmx/guest.h"

int exit_trace_enable(struct vmx_guest *g, int on)
{
	if (on) {
		for (unsigned i = 0; i < g->nvcpus; i++) {
			struct exit_trace *t = &g->vcpus[i]->trace;
			if (t->ring)
				continue;
			t->ring = g->account.alloc(g->account.ctx, EXIT_TRACE_PAGES);
			if (!t->ring)
				return -1;
		}
	}
	/* Release: the ring is there before an exit path that writes it runs. */
	for (unsigned i = 0; i < g->nvcpus; i++)
		__atomic_store_n(&g->vcpus[i]->exit_entry, on ? vmx_exit_traced : vmx_exit, __ATOMIC_RELEASE);
	return 0;
}

void exit_trace_dump(const struct vmx_guest *g)
{
	char line[200];
	for (unsigned i = 0; i < g->nvcpus; i++) {
		const struct vcpu *v = g->vcpus[i];
		const struct exit_trace *t = &v->trace;
		if (!t->ring)
			continue;
		uint64_t written = t->written;
		uint64_t kept = written < EXIT_TRACE_ENTRIES ? written : EXIT_TRACE_ENTRIES;
		int n = fmt_snprintf(line, sizeof line, "hinoki: csv,trace-begin,%s,%u,%lu,%lu\n", g->name, v->id,
		                     kept, written - kept);
		console_write(line, (size_t)n);
		for (uint64_t k = written - kept; k < written; k++) {
			const struct trace_entry *e = &t->ring[k % EXIT_TRACE_ENTRIES];
			n = fmt_snprintf(line, sizeof line, "hinoki: csv,trace,%s,%u,%lu,%lu,%s,0x%lx,0x%lx\n", g->name,
			                 v->id, e->exit_tsc, e->entry_tsc, exit_reason_name(e->reason), e->qual, e->rip);
			console_write(line, (size_t)n);
		}
	}
}

void exit_trace_free(struct vmx_guest *g)
{
	for (unsigned i = 0; i < g->nvcpus; i++) {
		struct exit_trace *t = &g->vcpus[i]->trace;
		if (!t->ring)
			continue;
		g->account.free(g->account.ctx, t->ring, EXIT_TRACE_PAGES);
		t->ring = 0;
	}
}
