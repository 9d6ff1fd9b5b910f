/*
 * Optional per-vCPU exit trace: a ring of the last EXIT_TRACE_ENTRIES exits
 * with TSC at exit and at the next entry, reason, qualification and guest
 * RIP, switched on per domain at boot (config key trace) or at run time by
 * the management domain (HC_DOMCTL_TRACE), and printed as CSV lines when the
 * domain ends (tools/trace2json turns them into a Perfetto timeline).
 */
#ifndef VMX_EXIT_TRACE_H
#define VMX_EXIT_TRACE_H

#include <stdint.h>

#define EXIT_TRACE_ENTRIES 1024   /* a power of two: the modulo is a mask */
#define EXIT_TRACE_PAGES   ((EXIT_TRACE_BYTES + 4095) / 4096)

struct trace_entry {
	uint64_t exit_tsc, entry_tsc;
	uint64_t qual, rip;
	uint32_t reason;
};

#define EXIT_TRACE_BYTES (EXIT_TRACE_ENTRIES * sizeof(struct trace_entry))

struct exit_trace {
	struct trace_entry *ring;   /* NULL until tracing was first switched on */
	uint64_t written;           /* entries recorded so far: the next goes at written % EXIT_TRACE_ENTRIES */
};

struct vcpu;
struct vmx_guest;

/*
 * Switch tracing on or off for every vCPU of g (by the exit path its exit
 * stub calls, vcpu_traced()); 0, or -1 when out of memory.
 */
int exit_trace_enable(struct vmx_guest *g, int on);
/* Print the rings of g's vCPUs (console lock held). */
void exit_trace_dump(const struct vmx_guest *g);
/* Give the rings' frames back. */
void exit_trace_free(struct vmx_guest *g);

#endif
