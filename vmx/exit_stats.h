/*
 * Exit instrumentation, always on: per vCPU and exit reason a count, the TSC
 * cycles spent in root mode (total, min, max) and a log2 histogram, and the
 * same per (reason, sub-key), where the sub-key is the I/O port, MSR number,
 * hypercall number or EPT-violation page. A build with HINOKI_NO_EXIT_STATS
 * keeps only the per-reason count, to measure what the rest costs.
 *
 * A keyed exit is timed into its sub-key's entry only, so each exit updates
 * one histogram: reason[r].count counts every exit of r, but reason[r]'s
 * other fields hold only the exits no sub-key took (unkeyed reasons, the exit
 * stub's fast path, a full key table). exit_stats_total() adds them up.
 */
#ifndef VMX_EXIT_STATS_H
#define VMX_EXIT_STATS_H

#include <stdint.h>
#include "hw/vmx_exit.h"

#define EXIT_HIST_SLOTS   64   /* recorded: slot b counts cycles in [2^b, 2^(b+1)), slot 0 also 0 */
#define EXIT_HIST_BUCKETS 32   /* reported: the last bucket also holds every slot above it */
#define EXIT_SUBKEYS      64   /* a power of two: the probe masks */
#define EXIT_NO_KEY       0xffffffffu
#define EXIT_SUB_FREE     ((uint64_t)EXIT_REASON_COUNT << 32)

struct exit_stat {
	uint64_t count;
	uint64_t cycles;
	uint64_t min, max;
	uint32_t hist[EXIT_HIST_SLOTS];
};

struct exit_substat {
	uint64_t tag;          /* reason << 32 | key; EXIT_SUB_FREE marks a free slot */
	struct exit_stat s;
};

struct exit_stats {
	struct exit_stat reason[EXIT_REASON_COUNT];
	struct exit_substat sub[EXIT_SUBKEYS];
	uint64_t sub_dropped;  /* keyed exits that found no free slot (timed into reason[]) */
	uint64_t stub_calls;   /* HC_NULL_STUB calls, answered in the exit stub without C */
};

static inline uint32_t exit_sub_reason(const struct exit_substat *x) { return (uint32_t)(x->tag >> 32); }
static inline uint32_t exit_sub_key(const struct exit_substat *x) { return (uint32_t)x->tag; }

void exit_stats_init(struct exit_stats *s);
/* Reason r as a whole: its own figures and those of all its sub-keys. */
void exit_stats_total(const struct exit_stats *s, uint32_t reason, struct exit_stat *out);
/* Reported bucket b (< EXIT_HIST_BUCKETS) of e's histogram. */
uint64_t exit_stat_bucket(const struct exit_stat *e, unsigned b);

/* The time of one exit into e (count aside): min and max are branches, since they seldom change. */
static inline void exit_stat_add(struct exit_stat *e, uint64_t cycles)
{
	e->cycles += cycles;
	if (cycles < e->min)
		e->min = cycles;
	if (cycles > e->max)
		e->max = cycles;
	/* A slot per bit, so no clamp; BSR itself (the clz form costs a sign extension), of 1 for 0. */
	e->hist[(uint64_t)__builtin_ia32_bsrdi((long long)(cycles | 1))]++;
}

/* A keyed exit the first probe missed: its entry found further on, made, or reason[] when the table is full. */
void exit_stats_record_slow(struct exit_stats *s, uint32_t reason, uint32_t key, uint64_t cycles);

/*
 * One exit of `reason` (with `key`, or EXIT_NO_KEY) that spent `cycles` in
 * root mode. Inline and short, because it runs on every exit. A keyed exit
 * costs one probe, which hits at the first slot from the key's second exit
 * on (keys are small and dense: ports of one device, MSR numbers,
 * hypercalls; the low bits spread them). A miss ends in a call with nothing
 * after it, which the compiler makes a jump: the callers save no registers.
 */
static inline void exit_stats_record(struct exit_stats *s, uint32_t reason, uint32_t key, uint64_t cycles)
{
	struct exit_stat *e = &s->reason[reason];
	e->count++;
#ifndef HINOKI_NO_EXIT_STATS
	if (key != EXIT_NO_KEY) {
		struct exit_substat *x = &s->sub[(key ^ reason) & (EXIT_SUBKEYS - 1)];
		if (__builtin_expect(x->tag != ((uint64_t)reason << 32 | key), 0)) {
			exit_stats_record_slow(s, reason, key, cycles);
			return;
		}
		e = &x->s;
		e->count++;
	}
	exit_stat_add(e, cycles);
#else
	(void)key, (void)cycles;
#endif
}

#endif
