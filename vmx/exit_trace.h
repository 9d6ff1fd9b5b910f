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

#define EXIT_TRACE_ENTRIES 1024   /* a power of two: the exit stub masks the offset */

/*
 * Whether the exit stub's fast path records trace entries itself (a traced
 * domain keeps its fast path). It reads the TSC there only in the build with
 * full statistics; in the counts-only build a traced domain takes the C path.
 */
#ifdef HINOKI_NO_EXIT_STATS
#define EXIT_STUB_TRACES 0
#else
#define EXIT_STUB_TRACES 1
#endif
#define EXIT_TRACE_PAGES   ((EXIT_TRACE_BYTES + 4095) / 4096)

/* 64 bytes, a power of two, so that a byte offset masked to the ring's size finds an entry. */
struct trace_entry {
	uint64_t exit_tsc, entry_tsc;
	uint64_t qual, rip;
	uint32_t reason;
	uint32_t reserved;          /* 0: the exit stub writes it with reason, as one quadword */
	uint64_t unused[3];
};
_Static_assert((sizeof(struct trace_entry) & (sizeof(struct trace_entry) - 1)) == 0,
               "trace entries are a power of two bytes");

#define EXIT_TRACE_BYTES (EXIT_TRACE_ENTRIES * sizeof(struct trace_entry))

struct exit_trace {
	struct trace_entry *ring;   /* NULL until tracing was first switched on */
	uint64_t offset;            /* bytes written so far: offset % EXIT_TRACE_BYTES is the next entry's */
};

struct vcpu;
struct domain;

/* Switch tracing on or off for every vCPU of d; 0, or -1 when out of memory. */
int exit_trace_enable(struct domain *d, int on);
/* Record v's current exit, closed at `entry_tsc` (the scheduler calls this only while tracing). */
void exit_trace_record(struct vcpu *v, uint64_t entry_tsc);
/* Print the rings of d's vCPUs (console lock held). */
void exit_trace_dump(const struct domain *d);
/* Give the rings' frames back. */
void exit_trace_free(struct domain *d);

#endif
