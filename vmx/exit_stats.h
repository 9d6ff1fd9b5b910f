/*
 * Exit instrumentation, always on: per vCPU and exit reason a count, the TSC
 * cycles spent in root mode (total, min, max) and a log2 histogram; per
 * (reason, sub-key) the same without the histogram, where the sub-key is the
 * I/O port, MSR number, hypercall number or EPT-violation page. A build with
 * HINOKI_NO_EXIT_STATS keeps only the count, to measure what the rest costs.
 */
#ifndef VMX_EXIT_STATS_H
#define VMX_EXIT_STATS_H

#include <stdint.h>
#include "hw/vmx_exit.h"

#define EXIT_HIST_BUCKETS 32   /* bucket b: cycles in [2^b, 2^(b+1)); bucket 0 also holds 0 */
#define EXIT_SUBKEYS      64
#define EXIT_NO_KEY       0xffffffffu

struct exit_stat {
	uint64_t count;
	uint64_t cycles;
	uint64_t min, max;
	uint32_t hist[EXIT_HIST_BUCKETS];
};

struct exit_substat {
	uint32_t reason;       /* EXIT_REASON_COUNT marks a free slot */
	uint32_t key;
	uint64_t count, cycles, min, max;
};

struct exit_stats {
	struct exit_stat reason[EXIT_REASON_COUNT];
	struct exit_substat sub[EXIT_SUBKEYS];
	uint64_t sub_dropped;  /* exits whose (reason, key) found no free slot */
	uint64_t stub_calls;   /* HC_NULL_STUB calls, answered in the exit stub without C */
};

void exit_stats_init(struct exit_stats *s);
void exit_stats_record_sub(struct exit_stats *s, uint32_t reason, uint32_t key, uint64_t cycles);

/*
 * One exit of `reason` (with `key`, or EXIT_NO_KEY) that spent `cycles` in
 * root mode. Inline and branch-light: count and total always, min/max and
 * the histogram bucket by a bit scan, the sub-key probe only for keyed exits.
 */
static inline void exit_stats_record(struct exit_stats *s, uint32_t reason, uint32_t key, uint64_t cycles)
{
	struct exit_stat *__restrict e = &s->reason[reason];
	e->count++;
#ifndef HINOKI_NO_EXIT_STATS
	e->cycles += cycles;
	/* Branch-free min/max: the compiler makes conditional moves of these. */
	uint64_t lo = e->min, hi = e->max;
	e->min = cycles < lo ? cycles : lo;
	e->max = cycles > hi ? cycles : hi;
	unsigned b = 63u - (unsigned)__builtin_clzll(cycles | 1);
	e->hist[b < EXIT_HIST_BUCKETS ? b : EXIT_HIST_BUCKETS - 1]++;
	if (key != EXIT_NO_KEY)
		exit_stats_record_sub(s, reason, key, cycles);
#else
	(void)key, (void)cycles;
#endif
}

#endif
