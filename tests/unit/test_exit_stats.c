/*
 * Exit statistics as a data structure: the (reason, key) hash table's
 * insert and find, collisions, growth (figures kept), the cap and its
 * overflow count, frames given back, the per-reason sums and histogram
 * clamping.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/check.h"
#include "vmx/exit_stats.h"

static struct exit_stats st;
static long pages_out;     /* taken and not given back */
static long allocs_left;   /* allocations that may still succeed; < 0: any number */

static void *fake_alloc(void *ctx, unsigned pages)
{
	(void)ctx;
	if (allocs_left == 0)
		return NULL;
	allocs_left--;
	pages_out += pages;
	return calloc(pages, 4096);
}

static void fake_free(void *ctx, void *p, unsigned pages)
{
	(void)ctx;
	pages_out -= pages;
	free(p);
}

static void start(long allocs)
{
	pages_out = 0;
	allocs_left = allocs;
	CHECK_EQ(exit_stats_init(&st, &(struct page_account){ fake_alloc, fake_free, NULL }), 0);
}

static void finish(void)
{
	exit_stats_free(&st);
	CHECK_EQ(pages_out, 0);
}

static void rec(uint32_t reason, uint32_t key, uint64_t cycles)
{
	exit_stats_record(&st, exit_stat_tag(reason, key), cycles);
}

/* The figures of (reason, key)'s own entry; false when it has none. */
static bool entry(uint32_t reason, uint32_t key, struct exit_stat *out)
{
	for (unsigned k = 0; k < exit_stats_cap(&st); k++) {
		uint64_t tag;
		if (exit_stats_entry(&st, k, &tag, out) && tag == exit_stat_tag(reason, key))
			return true;
	}
	return false;
}

static void test_insert_find(void)
{
	start(-1);
	rec(EXIT_REASON_CPUID, EXIT_NO_KEY, 100);
	rec(EXIT_REASON_CPUID, EXIT_NO_KEY, 50);
	rec(EXIT_REASON_CPUID, EXIT_NO_KEY, 400);
	rec(EXIT_REASON_IO_INSTRUCTION, 0x3f8, 7);
	struct exit_stat e;
	CHECK(entry(EXIT_REASON_CPUID, EXIT_NO_KEY, &e));
	CHECK_EQ(e.count, 3);
	CHECK_EQ(e.cycles, 550);
	CHECK_EQ(e.min, 50);
	CHECK_EQ(e.max, 400);
	CHECK(entry(EXIT_REASON_IO_INSTRUCTION, 0x3f8, &e));
	CHECK_EQ(e.count, 1);
	CHECK(!entry(EXIT_REASON_IO_INSTRUCTION, 0x3f9, &e));
	CHECK(!entry(EXIT_REASON_HLT, EXIT_NO_KEY, &e));
	CHECK_EQ(exit_stats_exits(&st), 4);
	CHECK_EQ(exit_stats_cap(&st), EXIT_TABLE_MIN);
	finish();
}

/* Two tags with one first slot: the second is found by probing, and each keeps its own figures. */
static void test_collisions(void)
{
	start(-1);
	uint32_t shift = exit_stat_shift(EXIT_TABLE_MIN);
	uint64_t first = exit_stat_offset(exit_stat_tag(EXIT_REASON_IO_INSTRUCTION, 0), shift);
	uint32_t other = 1;
	while (exit_stat_offset(exit_stat_tag(EXIT_REASON_IO_INSTRUCTION, other), shift) != first)
		other++;
	for (unsigned i = 0; i < 5; i++) {
		rec(EXIT_REASON_IO_INSTRUCTION, 0, 10);
		rec(EXIT_REASON_IO_INSTRUCTION, other, 20);
	}
	struct exit_stat a, b;
	CHECK(entry(EXIT_REASON_IO_INSTRUCTION, 0, &a));
	CHECK(entry(EXIT_REASON_IO_INSTRUCTION, other, &b));
	CHECK_EQ(a.count, 5);
	CHECK_EQ(a.cycles, 50);
	CHECK_EQ(b.count, 5);
	CHECK_EQ(b.cycles, 100);
	finish();
}

/* The hash reads a tag's low 32 bits: keys equal in their low 24 start at one entry and stay apart. */
static void test_keys_equal_in_low_bits(void)
{
	start(-1);
	const uint32_t low = 0x80, high = 0xc0000080;
	CHECK_EQ(exit_stat_offset(exit_stat_tag(EXIT_REASON_MSR_READ, low), exit_stat_shift(EXIT_TABLE_MIN)),
	         exit_stat_offset(exit_stat_tag(EXIT_REASON_MSR_READ, high), exit_stat_shift(EXIT_TABLE_MIN)));
	rec(EXIT_REASON_MSR_READ, low, 10);
	rec(EXIT_REASON_MSR_READ, high, 20);
	rec(EXIT_REASON_MSR_READ, high, 30);
	struct exit_stat a, b;
	CHECK(entry(EXIT_REASON_MSR_READ, low, &a));
	CHECK(entry(EXIT_REASON_MSR_READ, high, &b));
	CHECK_EQ(a.count, 1);
	CHECK_EQ(b.count, 2);
	CHECK_EQ(b.cycles, 50);
	finish();
}

/* Past 3/4 load the table doubles; every entry keeps its figures, and the old frames go back. */
static void test_growth_keeps_figures(void)
{
	start(-1);
	unsigned n = EXIT_TABLE_MIN * 3;
	for (unsigned k = 0; k < n; k++)
		for (unsigned i = 0; i <= k % 3; i++)
			rec(EXIT_REASON_MSR_READ, k, 100 + k);
	CHECK(exit_stats_cap(&st) >= n * 4 / 3);
	CHECK_EQ(exit_stats_cap(&st) & (exit_stats_cap(&st) - 1), 0);
	CHECK_EQ(pages_out, exit_stats_pages(&st));
	for (unsigned k = 0; k < n; k++) {
		struct exit_stat e;
		CHECK(entry(EXIT_REASON_MSR_READ, k, &e));
		CHECK_EQ(e.count, k % 3 + 1);
		CHECK_EQ(e.cycles, (k % 3 + 1) * (100 + k));
		CHECK_EQ(e.min, 100 + k);
	}
	CHECK_EQ(exit_stats_overflow(&st), 0);
	finish();
}

/* Without memory to grow, the table fills but for one entry; then exits go to their reason's own entry. */
static void test_no_memory_to_grow(void)
{
	start(1);
	for (unsigned k = 0; k < EXIT_TABLE_MIN - 2; k++)
		rec(EXIT_REASON_IO_INSTRUCTION, k, 1);
	rec(EXIT_REASON_IO_INSTRUCTION, EXIT_NO_KEY, 1);
	rec(EXIT_REASON_IO_INSTRUCTION, 100, 1);
	rec(EXIT_REASON_IO_INSTRUCTION, 101, 1);
	rec(EXIT_REASON_HLT, EXIT_NO_KEY, 1);   /* no room for it either: only counted */
	CHECK_EQ(exit_stats_cap(&st), EXIT_TABLE_MIN);
	CHECK_EQ(exit_stats_overflow(&st), 3);
	struct exit_stat e;
	CHECK(entry(EXIT_REASON_IO_INSTRUCTION, EXIT_NO_KEY, &e));
	CHECK_EQ(e.count, 3);
	CHECK(!entry(EXIT_REASON_HLT, EXIT_NO_KEY, &e));
	finish();
}

/* At the cap, new keyed tags are counted in overflow and timed under their reason; unkeyed ones still fit. */
static void test_cap_and_overflow(void)
{
	start(-1);
	for (unsigned k = 0; k < EXIT_KEYED_MAX + 5; k++)
		rec(EXIT_REASON_IO_INSTRUCTION, k, 3);
	CHECK_EQ(exit_stats_cap(&st), EXIT_TABLE_MAX);
	CHECK_EQ(exit_stats_overflow(&st), 5);
	struct exit_stat e;
	CHECK(entry(EXIT_REASON_IO_INSTRUCTION, EXIT_NO_KEY, &e));
	CHECK_EQ(e.count, 5);
	CHECK(!entry(EXIT_REASON_IO_INSTRUCTION, EXIT_KEYED_MAX + 4, &e));
	/* A keyed tag that has its entry still records there. */
	rec(EXIT_REASON_IO_INSTRUCTION, 0, 3);
	CHECK(entry(EXIT_REASON_IO_INSTRUCTION, 0, &e));
	CHECK_EQ(e.count, 2);
	for (unsigned r = 0; r < EXIT_STAT_REASONS; r++)
		rec(r, EXIT_NO_KEY, 1);
	for (unsigned r = 0; r < EXIT_STAT_REASONS; r++)
		CHECK(entry(r, EXIT_NO_KEY, &e));
	CHECK_EQ(exit_stats_overflow(&st), 5);
	struct exit_stat t;
	exit_stats_total(&st, EXIT_REASON_IO_INSTRUCTION, &t);
	CHECK_EQ(t.count, EXIT_KEYED_MAX + 5 + 1 + 1);
	CHECK_EQ(exit_stats_exits(&st), EXIT_KEYED_MAX + 5 + 1 + EXIT_STAT_REASONS);
	finish();
}

static uint64_t bucket_sum(const struct exit_stat *e)
{
	return exit_hist_sum(e->hist);
}

/* Buckets are log2 of the cycles; 0 goes with 1, and everything from 2^27 on into the last. */
static void test_histogram_clamping(void)
{
	start(-1);
	const uint64_t samples[] = { 0, 1, 2, 3, 4, 1023, 1024, (1ull << 27) - 1, 1ull << 27, 1ull << 40, ~0ull };
	for (unsigned i = 0; i < sizeof samples / sizeof samples[0]; i++)
		rec(EXIT_REASON_VMCALL, EXIT_NO_KEY, samples[i]);
	struct exit_stat e;
	CHECK(entry(EXIT_REASON_VMCALL, EXIT_NO_KEY, &e));
	CHECK_EQ(e.hist[0], 2);    /* 0, 1 */
	CHECK_EQ(e.hist[1], 2);    /* 2, 3 */
	CHECK_EQ(e.hist[2], 1);
	CHECK_EQ(e.hist[9], 1);
	CHECK_EQ(e.hist[10], 1);
	CHECK_EQ(e.hist[EXIT_HIST_BUCKETS - 1], 3);
	CHECK_EQ(e.hist[EXIT_HIST_BUCKETS - 2], 1);
	CHECK_EQ(e.hist[EXIT_HIST_BUCKETS - 3], 0);
	CHECK_EQ(bucket_sum(&e), 11);
	CHECK_EQ(e.min, 0);
	CHECK_EQ(e.max, ~0ull);
	finish();
}

/* A reason's figures are its entries' sum; the totals over reasons add up to every exit. */
static void test_reason_totals_add_up(void)
{
	start(-1);
	rec(EXIT_REASON_VMCALL, 5, 30);
	rec(EXIT_REASON_VMCALL, 5, 50);
	rec(EXIT_REASON_VMCALL, 6, 700);
	rec(EXIT_REASON_VMCALL, EXIT_NO_KEY, 12);
	rec(EXIT_REASON_HLT, EXIT_NO_KEY, 3);
	rec(EXIT_STAT_OTHER, EXIT_NO_KEY, 9);
	struct exit_stat t;
	exit_stats_total(&st, EXIT_REASON_VMCALL, &t);
	CHECK_EQ(t.count, 4);
	CHECK_EQ(t.cycles, 792);
	CHECK_EQ(t.min, 12);
	CHECK_EQ(t.max, 700);
	CHECK_EQ(bucket_sum(&t), 4);
	CHECK_EQ(t.hist[3], 1);   /* 12 */
	CHECK_EQ(t.hist[4], 1);   /* 30 */
	CHECK_EQ(t.hist[5], 1);   /* 50 */
	CHECK_EQ(t.hist[9], 1);   /* 700 */
	exit_stats_total(&st, EXIT_REASON_CPUID, &t);
	CHECK_EQ(t.count, 0);
	CHECK_EQ(t.min, ~0ull);
	uint64_t count = 0, cycles = 0;
	for (unsigned r = 0; r < EXIT_STAT_REASONS; r++) {
		exit_stats_total(&st, r, &t);
		count += t.count;
		cycles += t.cycles;
	}
	CHECK_EQ(count, 6);
	CHECK_EQ(cycles, 804);
	CHECK_EQ(exit_stats_exits(&st), 6);
	finish();
}

/*
 * A report's rows: the most frequent keys of one reason, ties to the smaller
 * key, the rest summed with how many they are; unkeyed exits and other
 * reasons' keys in neither.
 */
static void test_top_keys(void)
{
	start(-1);
	/* Port k exits (k % 5) + 1 times, each taking 10 * k cycles: keys 4, 9 and 14 the most frequent. */
	for (uint32_t k = 1; k <= 15; k++)
		for (uint32_t i = 0; i < k % 5 + 1; i++)
			rec(EXIT_REASON_IO_INSTRUCTION, k, 10 * k);
	rec(EXIT_REASON_IO_INSTRUCTION, EXIT_NO_KEY, 1000);
	for (int i = 0; i < 50; i++)
		rec(EXIT_REASON_MSR_READ, 3, 7);
	struct exit_key_row row[4], rest;
	CHECK_EQ(exit_stats_top_keys(&st, EXIT_REASON_IO_INSTRUCTION, row, 4, &rest), 4);
	const uint32_t want[4] = { 4, 9, 14, 3 };   /* 5 exits each, then 3 (4 exits) before 8 and 13 */
	uint64_t count = 0, cycles = 0;
	for (unsigned i = 0; i < 4; i++) {
		CHECK_EQ(row[i].key, want[i]);
		CHECK_EQ(row[i].count, want[i] % 5 + 1);
		CHECK_EQ(row[i].cycles, (want[i] % 5 + 1) * 10 * want[i]);
		CHECK_EQ(row[i].min, 10 * want[i]);
		CHECK_EQ(row[i].max, 10 * want[i]);
		count += row[i].count;
		cycles += row[i].cycles;
	}
	CHECK_EQ(rest.key, 11);
	CHECK_EQ(rest.min, 10);    /* key 1 */
	CHECK_EQ(rest.max, 150);   /* key 15 */
	uint64_t all_count = 0, all_cycles = 0;
	for (uint32_t k = 1; k <= 15; k++) {
		all_count += k % 5 + 1;
		all_cycles += (k % 5 + 1) * 10 * k;
	}
	CHECK_EQ(count + rest.count, all_count);
	CHECK_EQ(cycles + rest.cycles, all_cycles);

	/* Room for every key: none left out. */
	struct exit_key_row many[20];
	CHECK_EQ(exit_stats_top_keys(&st, EXIT_REASON_IO_INSTRUCTION, many, 20, &rest), 15);
	CHECK_EQ(rest.count, 0);
	CHECK_EQ(rest.key, 0);
	for (unsigned i = 1; i < 15; i++)
		CHECK(many[i - 1].count > many[i].count ||
		      (many[i - 1].count == many[i].count && many[i - 1].key < many[i].key));
	CHECK_EQ(exit_stats_top_keys(&st, EXIT_REASON_MSR_READ, many, 20, &rest), 1);
	CHECK_EQ(many[0].key, 3);
	CHECK_EQ(many[0].count, 50);
	CHECK_EQ(exit_stats_top_keys(&st, EXIT_REASON_HLT, many, 20, &rest), 0);
	CHECK_EQ(rest.count, 0);
	finish();
}

/* No table memory at all: the vCPU cannot be made. */
static void test_init_without_memory(void)
{
	pages_out = 0;
	allocs_left = 0;
	CHECK_EQ(exit_stats_init(&st, &(struct page_account){ fake_alloc, fake_free, NULL }), -1);
	exit_stats_free(&st);
	CHECK_EQ(pages_out, 0);
}

int main(void)
{
	RUN(test_insert_find);
	RUN(test_collisions);
	RUN(test_keys_equal_in_low_bits);
	RUN(test_growth_keeps_figures);
	RUN(test_no_memory_to_grow);
	RUN(test_cap_and_overflow);
	RUN(test_histogram_clamping);
	RUN(test_reason_totals_add_up);
	RUN(test_top_keys);
	RUN(test_init_without_memory);
	return CHECK_EXIT();
}
