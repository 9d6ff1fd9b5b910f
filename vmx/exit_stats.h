/*
 * Exit instrumentation, always on: per vCPU and exit reason a count, the TSC
 * cycles spent in root mode (total, min, max) and a log2 histogram, and the
 * same per (reason, sub-key), where the sub-key is the I/O port, MSR number,
 * hypercall number or EPT-violation page. A build with HINOKI_NO_EXIT_STATS
 * keeps only the per-reason count, to measure what the rest costs.
 *
 * Every exit the C path handles is timed into one slot of a hashed table
 * tagged by (reason, key), unkeyed reasons under EXIT_NO_KEY: one probe,
 * whatever the kind of exit. reason[r] holds only the exits no slot took
 * (the exit stub's fast path, a full table). No count is kept beside a
 * histogram, which sums to it; exit_stats_total() adds a reason up.
 */
#ifndef VMX_EXIT_STATS_H
#define VMX_EXIT_STATS_H

#include <stdint.h>
#include "hw/vmx_exit.h"

#define EXIT_HIST_SLOTS   64   /* recorded: slot b counts cycles in [2^b, 2^(b+1)), slot 0 also 0 */
#define EXIT_HIST_BUCKETS 32   /* reported: the last bucket also holds every slot above it */
#define EXIT_SUBKEYS      256  /* a power of two: the probe masks */
#define EXIT_SLOT_STRIDE  163  /* odd: reason r's unkeyed slot, r * 163 - 1, differs for every r */
#define EXIT_NO_KEY       0xffffffffu
#define EXIT_STAT_OTHER   EXIT_REASON_COUNT       /* the row of basic exit reasons the hypervisor has no name for */
#define EXIT_STAT_REASONS (EXIT_REASON_COUNT + 1)
#define EXIT_SUB_FREE     ((uint64_t)EXIT_STAT_REASONS << 32)

/* One reason's or one slot's figures (as the reports read them). */
struct exit_stat {
	uint64_t count;        /* the counts-only build's; otherwise filled in by the readers below */
	uint64_t cycles;
	uint64_t min, max;
	uint64_t hist[EXIT_HIST_SLOTS];
};

/*
 * The (reason, key) table, an array per figure: one slot index, scaled by
 * 8, reaches a slot's tag, total, min and max, so a record computes one
 * address only, its histogram row's.
 */
struct exit_table {
	uint64_t tag[EXIT_SUBKEYS];      /* exit_stat_tag(reason, key); EXIT_SUB_FREE marks a free slot */
	uint64_t cycles[EXIT_SUBKEYS];
	uint64_t min[EXIT_SUBKEYS];
	uint64_t max[EXIT_SUBKEYS];
	uint64_t hist[EXIT_SUBKEYS][EXIT_HIST_SLOTS];
};

struct exit_stats {
	struct exit_stat reason[EXIT_STAT_REASONS];
	struct exit_table table;
	uint64_t sub_dropped;  /* exits that found no free slot (recorded in reason[]) */
	uint64_t stub_calls;   /* HC_NULL_STUB calls, answered in the exit stub without C */
};

/* The table's tag: the key in the low half, as struct exit_record holds the two. */
static inline uint64_t exit_stat_tag(uint32_t reason, uint32_t key) { return (uint64_t)reason << 32 | key; }
static inline uint32_t exit_tag_reason(uint64_t tag) { return (uint32_t)(tag >> 32); }
static inline uint32_t exit_tag_key(uint64_t tag) { return (uint32_t)tag; }

/*
 * A tag's first slot: consecutive keys (a device's ports, hypercalls) take
 * consecutive slots, each reason from its own offset, so that the exits of
 * one guest seldom share a first slot (a second probe costs an out-of-line
 * call). The stride was chosen so that exitbench's and kvm-unit-tests'
 * exits take distinct first slots (tests/unit/test_exit_stats.c).
 */
static inline unsigned exit_stat_slot(uint32_t reason, uint32_t key)
{
	return (key + reason * EXIT_SLOT_STRIDE) & (EXIT_SUBKEYS - 1);
}

/* A histogram slot: BSR itself (the clz form costs a sign extension), of 1 for 0; a slot per bit, so no clamp. */
static inline uint64_t exit_hist_slot(uint64_t cycles)
{
	return (uint64_t)__builtin_ia32_bsrdi((long long)(cycles | 1));
}

void exit_stats_init(struct exit_stats *s);
/* Slot k of the table as an exit_stat, count included. */
void exit_stats_slot(const struct exit_stats *s, unsigned k, struct exit_stat *out);
/* Reason r as a whole: its own figures and those of all its slots, count included. */
void exit_stats_total(const struct exit_stats *s, uint32_t reason, struct exit_stat *out);
/* Every exit s recorded. */
uint64_t exit_stats_exits(const struct exit_stats *s);
/* Reported bucket b (< EXIT_HIST_BUCKETS) of e's histogram. */
uint64_t exit_stat_bucket(const struct exit_stat *e, unsigned b);

/*
 * One exit's time into e, as the exit stub records one (no count: the
 * histogram is it). Min and max are branches, since they seldom change.
 */
static inline void exit_stat_add(struct exit_stat *e, uint64_t cycles)
{
	e->cycles += cycles;
	if (cycles < e->min)
		e->min = cycles;
	if (cycles > e->max)
		e->max = cycles;
	e->hist[exit_hist_slot(cycles)]++;
}

/* The same into slot h of the table. */
static inline void exit_table_add(struct exit_table *t, unsigned h, uint64_t cycles)
{
	t->cycles[h] += cycles;
	if (cycles < t->min[h])
		t->min[h] = cycles;
	if (cycles > t->max[h])
		t->max[h] = cycles;
	t->hist[h][exit_hist_slot(cycles)]++;
}

/* An exit whose first probe missed: its slot found further on, made, or reason[] when the table is full. */
void exit_stats_record_slow(struct exit_stats *s, uint64_t tag, uint64_t cycles);

/*
 * One exit of `reason` with `key` (EXIT_NO_KEY for none) that spent `cycles`
 * in root mode. Inline and short, because it runs on every exit: one probe,
 * which hits from a tag's second exit on unless two tags share a first slot;
 * a miss goes out of line.
 */
static inline void exit_stats_record(struct exit_stats *s, uint32_t reason, uint32_t key, uint64_t cycles)
{
#ifndef HINOKI_NO_EXIT_STATS
	struct exit_table *t = &s->table;
	uint64_t tag = exit_stat_tag(reason, key);
	unsigned h = exit_stat_slot(reason, key);
	if (__builtin_expect(t->tag[h] != tag, 0)) {
		exit_stats_record_slow(s, tag, cycles);
		return;
	}
	exit_table_add(t, h, cycles);
#else
	s->reason[reason].count++;
	(void)key, (void)cycles;
#endif
}

#endif
