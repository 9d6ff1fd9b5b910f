/*
 * Exit instrumentation, always on: per vCPU, every exit's root-mode TSC
 * cycles into the entry of its (reason, key) in one hash table; the key is
 * the I/O port, MSR number, hypercall number or EPT-violation page the
 * handler set (exit_set_key), EXIT_NO_KEY for unkeyed reasons. An entry
 * holds total, min, max and a log2 histogram whose sum is its count, so a
 * reason's figures are the sum of its entries (exit_stats_total). A build
 * with HINOKI_NO_EXIT_STATS keeps only a per-reason count, to measure what
 * the rest costs.
 *
 * The table: open addressing with linear probing, a power-of-two number of
 * entries (EXIT_TABLE_MIN at first), in frames from the domain's allocator.
 * An entry is 256 bytes, its tag first, so that the hash gives its byte
 * offset at once. The tag is key << 8 | reason, and the hash is Fibonacci
 * (multiplicative) hashing of the tag's low 32 bits: times 2^32/phi, top
 * bits. The reason sits in the low byte because a multiply carries low bits
 * up into the top ones: unkeyed reasons (same key, consecutive reasons) and a
 * reason's consecutive keys (an arithmetic progression of tags) both spread
 * over the table. Keys that agree in their low 24 bits start at one entry
 * and are told apart by their full tags. Nothing in it is chosen for
 * particular keys. Probing is inline, a few instructions a step for a tag
 * that collided; only a new tag, found missing at a free entry, goes out of
 * line, which inserts it, the table doubling first above a load factor of
 * 1/2 (the usual bound for linear probing), up to EXIT_TABLE_MAX entries.
 * One entry always stays free, so that a probe ends. Past EXIT_KEYED_MAX
 * keyed entries (or a full table that found no memory to grow) a new keyed
 * tag gets no entry: its exits are timed under its reason's unkeyed entry
 * and counted in `overflow`, which the report prints. Unkeyed tags always
 * find room at the cap; without memory to grow, an unkeyed tag that finds
 * none is only counted in `overflow`.
 */
#ifndef VMX_EXIT_STATS_H
#define VMX_EXIT_STATS_H

#include <stdint.h>
#include "hw/vmx_exit.h"
#include "mm/account.h"

#define EXIT_HIST_BUCKETS 28   /* bucket b counts cycles in [2^b, 2^(b+1)), 0 also 0, the last everything from 2^27 */
#define EXIT_TABLE_MIN    16   /* entries; powers of two: one page */
#define EXIT_TABLE_MAX    256
#define EXIT_HASH_MUL     0x9e3779b1u             /* 2^32 / golden ratio, odd */
#define EXIT_ENTRY_SHIFT  8                       /* an entry is 2^8 bytes */
#define EXIT_NO_KEY       0xffffffffu
#define EXIT_STAT_OTHER   EXIT_REASON_COUNT       /* the row of basic exit reasons the hypervisor has no name for */
#define EXIT_STAT_REASONS (EXIT_REASON_COUNT + 1)
#define EXIT_TAG_FREE     0xffull                 /* no real tag has this reason */
_Static_assert(EXIT_STAT_REASONS < 0xff, "a reason and EXIT_TAG_FREE's fit the tag's low byte");
#define EXIT_KEYED_MAX    (EXIT_TABLE_MAX - EXIT_STAT_REASONS - 1)  /* entries keyed tags may take: room for every reason */

/* One (reason, key)'s figures; its count is its histogram's sum. */
struct exit_entry {
	uint64_t tag;          /* exit_stat_tag(); EXIT_TAG_FREE when unused */
	uint64_t cycles;
	uint64_t min, max;
	uint64_t hist[EXIT_HIST_BUCKETS];
};
_Static_assert(sizeof(struct exit_entry) == 1u << EXIT_ENTRY_SHIFT, "the hash gives an entry's offset");

/* Figures as the reports read them (a reason's sum, or one entry's). */
struct exit_stat {
	uint64_t count, cycles, min, max;   /* min is ~0 when count is 0 */
	uint64_t hist[EXIT_HIST_BUCKETS];
};

struct exit_stats {
#ifndef HINOKI_NO_EXIT_STATS
	struct exit_entry *table;   /* cap entries */
	uint32_t shift;        /* 32 - log2(cap) - EXIT_ENTRY_SHIFT: the hash's top bits, as a byte offset */
	uint32_t mask;         /* cap * entry size - 1: offsets wrap with it */
	uint32_t cap, used;
	/* Odd while the table is being replaced: readers on other CPUs retry (exit_stats_total). */
	volatile uint32_t gen;
	uint64_t overflow;     /* exits that found no entry of their own (see above) */
	struct page_account mem;   /* where the table's frames come from and go back to */
#else
	uint64_t count[EXIT_STAT_REASONS];
#endif
	uint64_t stub_calls;   /* HC_NULL_STUB calls, answered in the exit stub without C */
};

/* The table's tag, as struct exit_record holds the two. */
static inline uint64_t exit_stat_tag(uint32_t reason, uint32_t key) { return (uint64_t)key << 8 | reason; }
static inline uint32_t exit_tag_reason(uint64_t tag) { return (uint32_t)(tag & 0xff); }
static inline uint32_t exit_tag_key(uint64_t tag) { return (uint32_t)(tag >> 8); }

/* The shift that makes the hash an entry's offset in a table of cap entries. */
static inline uint32_t exit_stat_shift(unsigned cap)
{
	return 32u - (31u - (uint32_t)__builtin_clz(cap)) - EXIT_ENTRY_SHIFT;
}

/* The byte offset of tag's first entry (64-bit, so that it adds to a pointer as it is). */
static inline uint64_t exit_stat_offset(uint64_t tag, uint32_t shift)
{
	return (uint64_t)((uint32_t)tag * EXIT_HASH_MUL) >> shift & ~(uint64_t)((1u << EXIT_ENTRY_SHIFT) - 1);
}

static inline struct exit_entry *exit_stat_at(struct exit_entry *table, uint64_t off)
{
	return (struct exit_entry *)((char *)table + off);
}

/* BSR's result (0-63) to a bucket: one load clamps it, where a compare and a move would take three. */
static const uint8_t exit_hist_clamp[64] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
	[EXIT_HIST_BUCKETS - 1 ... 63] = EXIT_HIST_BUCKETS - 1,
};

/* The histogram bucket of `cycles`: BSR itself (the clz form costs a sign extension), of 1 for 0, clamped. */
static inline unsigned exit_hist_bucket(uint64_t cycles)
{
	return exit_hist_clamp[__builtin_ia32_bsrdi((long long)(cycles | 1))];
}

/* 0, or -1 when the first table cannot be had. */
int exit_stats_init(struct exit_stats *s, const struct page_account *mem);
/* The table's frames back (s records nothing more). */
void exit_stats_free(struct exit_stats *s);
/* Pages the table holds now. */
unsigned exit_stats_pages(const struct exit_stats *s);
/* Entry k (< exit_stats_cap) as figures; false when it is unused. */
int exit_stats_entry(const struct exit_stats *s, unsigned k, uint64_t *tag, struct exit_stat *out);
unsigned exit_stats_cap(const struct exit_stats *s);
/* Reason r as a whole: the sum of its entries (the counts-only build: its count). */
void exit_stats_total(const struct exit_stats *s, uint32_t reason, struct exit_stat *out);
/* Every exit s recorded. */
uint64_t exit_stats_exits(const struct exit_stats *s);
/* Exits recorded under their reason only, the table being at its cap. */
uint64_t exit_stats_overflow(const struct exit_stats *s);

/* One key's figures as a report row; for a row of keys left out, key is how many. */
struct exit_key_row {
	uint32_t key;
	uint64_t count, cycles, min, max;
};

/*
 * Reason r's n most frequent keys (all when it has fewer), most frequent
 * first, a tie to the smaller key, into row[]; the keys left out summed
 * into *rest (count 0 when none was). Returns how many rows it wrote. A
 * guest chooses how many keys it makes, so a report prints these rather than
 * every key. Call it while the vCPU does not run.
 */
unsigned exit_stats_top_keys(const struct exit_stats *s, uint32_t reason, struct exit_key_row *row, unsigned n,
                             struct exit_key_row *rest);

/* A histogram's sum. */
uint64_t exit_hist_sum(const uint64_t hist[EXIT_HIST_BUCKETS]);

/* One exit's time into e. Min and max are branches, since they seldom change. */
static inline void exit_entry_add(struct exit_entry *e, uint64_t cycles)
{
	e->cycles += cycles;
	if (cycles < e->min)
		e->min = cycles;
	if (cycles > e->max)
		e->max = cycles;
	e->hist[exit_hist_bucket(cycles)]++;
}

/* An exit whose first probe missed: probe on, insert, grow, or fall back to the reason's entry. */
void exit_stats_record_slow(struct exit_stats *s, uint64_t tag, uint64_t cycles);

/*
 * One exit of `tag` (exit_stat_tag(reason, key), EXIT_NO_KEY for none) that
 * spent `cycles` in root mode. Inline and short, because it runs on every
 * exit: the first probe hits from a tag's second exit on unless it collided;
 * a tag's first exit goes out of line.
 */
static inline void exit_stats_record(struct exit_stats *s, uint64_t tag, uint64_t cycles)
{
#ifndef HINOKI_NO_EXIT_STATS
	uint64_t off = exit_stat_offset(tag, s->shift);
	struct exit_entry *e = exit_stat_at(s->table, off);
	if (__builtin_expect(e->tag != tag, 0)) {
		do {
			if (e->tag == EXIT_TAG_FREE) {
				exit_stats_record_slow(s, tag, cycles);
				return;
			}
			off = (off + sizeof *e) & s->mask;
			e = exit_stat_at(s->table, off);
		} while (e->tag != tag);
	}
	exit_entry_add(e, cycles);
#else
	s->count[exit_tag_reason(tag)]++;
	(void)cycles;
#endif
}

#endif
