/* Exit statistics recording: counts, min/max, log2 histogram, sub-key table. */
#include <stdbool.h>
#include <string.h>
#include "tests/unit/check.h"
#include "hinoki/hypercall.h"
#include "vmx/exit_stats.h"

static struct exit_stats st;

static void rec(uint32_t reason, uint32_t key, uint64_t cycles)
{
	exit_stats_record(&st, reason, key, cycles);
}

/* The table slot of (reason, key) as an exit_stat, or NULL. */
static const struct exit_stat *entry(uint32_t reason, uint32_t key)
{
	static struct exit_stat e;
	for (unsigned k = 0; k < EXIT_SUBKEYS; k++)
		if (st.table.tag[k] == exit_stat_tag(reason, key)) {
			exit_stats_slot(&st, k, &e);
			return &e;
		}
	return NULL;
}

static uint64_t hist_sum(const struct exit_stat *e)
{
	uint64_t n = 0;
	for (unsigned b = 0; b < EXIT_HIST_BUCKETS; b++)
		n += exit_stat_bucket(e, b);
	return n;
}

static void test_counts_min_max(void)
{
	exit_stats_init(&st);
	rec(EXIT_REASON_CPUID, EXIT_NO_KEY, 100);
	rec(EXIT_REASON_CPUID, EXIT_NO_KEY, 50);
	rec(EXIT_REASON_CPUID, EXIT_NO_KEY, 400);
	const struct exit_stat *e = entry(EXIT_REASON_CPUID, EXIT_NO_KEY);
	CHECK(e != NULL);
	CHECK_EQ(e->count, 3);
	CHECK_EQ(e->cycles, 550);
	CHECK_EQ(e->min, 50);
	CHECK_EQ(e->max, 400);
	/* recorded in its table entry only */
	CHECK_EQ(hist_sum(&st.reason[EXIT_REASON_CPUID]), 0);
	CHECK_EQ(exit_stats_exits(&st), 3);
	CHECK(entry(EXIT_REASON_HLT, EXIT_NO_KEY) == NULL);
}

static void test_histogram_buckets(void)
{
	exit_stats_init(&st);
	/* bucket b holds [2^b, 2^(b+1)); 0 and 1 land in bucket 0 */
	uint64_t samples[] = { 0, 1, 2, 3, 4, 7, 8, 1023, 1024, 1ULL << 40 };
	for (unsigned i = 0; i < sizeof samples / sizeof samples[0]; i++)
		rec(EXIT_REASON_VMCALL, EXIT_NO_KEY, samples[i]);
	const struct exit_stat *e = entry(EXIT_REASON_VMCALL, EXIT_NO_KEY);
	CHECK(e != NULL);
	CHECK_EQ(e->hist[0], 2);
	CHECK_EQ(e->hist[1], 2);
	CHECK_EQ(e->hist[2], 2);
	CHECK_EQ(e->hist[3], 1);
	CHECK_EQ(e->hist[9], 1);
	CHECK_EQ(e->hist[10], 1);
	CHECK_EQ(e->hist[40], 1);                                    /* recorded in its own slot */
	CHECK_EQ(exit_stat_bucket(e, EXIT_HIST_BUCKETS - 1), 1);     /* reported in the last bucket */
	CHECK_EQ(hist_sum(e), e->count);
	CHECK_EQ(e->count, 10);
}

static void test_subkeys(void)
{
	exit_stats_init(&st);
	for (unsigned i = 0; i < 10; i++)
		rec(EXIT_REASON_IO_INSTRUCTION, 0x3f8, 10 + i);
	rec(EXIT_REASON_IO_INSTRUCTION, 0x3fd, 7);
	rec(EXIT_REASON_MSR_READ, 0x3f8, 9);   /* same key, other reason: its own row */
	rec(EXIT_REASON_MSR_WRITE, 0x3f8, 9);
	unsigned rows = 0;
	for (unsigned k = 0; k < EXIT_SUBKEYS; k++)
		rows += st.table.tag[k] != EXIT_SUB_FREE;
	CHECK_EQ(rows, 4);
	const struct exit_stat *x = entry(EXIT_REASON_IO_INSTRUCTION, 0x3f8);
	CHECK(x != NULL);
	CHECK_EQ(x->count, 10);
	CHECK_EQ(x->cycles, 145);
	CHECK_EQ(x->min, 10);
	CHECK_EQ(x->max, 19);
	CHECK_EQ(hist_sum(x), 10);
	CHECK_EQ(entry(EXIT_REASON_MSR_READ, 0x3f8)->count, 1);
	CHECK_EQ(st.sub_dropped, 0);
	struct exit_stat t;
	exit_stats_total(&st, EXIT_REASON_IO_INSTRUCTION, &t);
	CHECK_EQ(t.count, 11);
	CHECK_EQ(hist_sum(&st.reason[EXIT_REASON_IO_INSTRUCTION]), 0);
}

/* Whether the n exits of set[] take n different first slots: each is then recorded by the first probe. */
static bool distinct_slots(const uint32_t (*set)[2], unsigned n)
{
	bool used[EXIT_SUBKEYS] = { false };
	for (unsigned i = 0; i < n; i++) {
		unsigned h = exit_stat_slot(set[i][0], set[i][1]);
		if (used[h])
			return false;
		used[h] = true;
	}
	return true;
}

/*
 * The exits of exitbench and of kvm-unit-tests' vmexit (with what their
 * start-up and the scheduler cause) have first slots of their own, so that
 * the figures they report are those of the first probe.
 */
static void test_benchmarks_take_distinct_slots(void)
{
	static const uint32_t exitbench[][2] = {
		{ EXIT_REASON_EXTERNAL_INTERRUPT, EXIT_NO_KEY }, { EXIT_REASON_INTERRUPT_WINDOW, EXIT_NO_KEY },
		{ EXIT_REASON_CPUID, EXIT_NO_KEY }, { EXIT_REASON_HLT, EXIT_NO_KEY },
		{ EXIT_REASON_VMCALL, HC_NULL }, { EXIT_REASON_VMCALL, HC_SET_TIMER },
		{ EXIT_REASON_VMCALL, HC_CONSOLE_PUT }, { EXIT_REASON_VMCALL, HC_EXIT },
		{ EXIT_REASON_CR_ACCESS, EXIT_NO_KEY }, { EXIT_REASON_IO_INSTRUCTION, 0xf4 },
		{ EXIT_REASON_IO_INSTRUCTION, 0x3f8 }, { EXIT_REASON_IO_INSTRUCTION, 0x3f9 },
		{ EXIT_REASON_IO_INSTRUCTION, 0x3fa }, { EXIT_REASON_IO_INSTRUCTION, 0x3fb },
		{ EXIT_REASON_IO_INSTRUCTION, 0x3fc }, { EXIT_REASON_IO_INSTRUCTION, 0x3fd },
		{ EXIT_REASON_IO_INSTRUCTION, 0x3ff }, { EXIT_REASON_MSR_READ, 0x174 },
		{ EXIT_REASON_MSR_WRITE, 0x174 }, { EXIT_REASON_EPT_VIOLATION, 0xfee00 },
		{ EXIT_REASON_PREEMPTION_TIMER, EXIT_NO_KEY },
	};
	static const uint32_t vmexit[][2] = {
		{ EXIT_REASON_EXTERNAL_INTERRUPT, EXIT_NO_KEY }, { EXIT_REASON_INTERRUPT_WINDOW, EXIT_NO_KEY },
		{ EXIT_REASON_CPUID, EXIT_NO_KEY }, { EXIT_REASON_HLT, EXIT_NO_KEY },
		{ EXIT_REASON_VMCALL, 0 }, { EXIT_REASON_CR_ACCESS, EXIT_NO_KEY },
		{ EXIT_REASON_IO_INSTRUCTION, 0x21 }, { EXIT_REASON_IO_INSTRUCTION, 0xa1 },
		{ EXIT_REASON_IO_INSTRUCTION, 0xf4 }, { EXIT_REASON_IO_INSTRUCTION, 0x3f8 },
		{ EXIT_REASON_IO_INSTRUCTION, 0x3f9 }, { EXIT_REASON_IO_INSTRUCTION, 0x3fa },
		{ EXIT_REASON_IO_INSTRUCTION, 0x3fb }, { EXIT_REASON_IO_INSTRUCTION, 0x3fc },
		{ EXIT_REASON_IO_INSTRUCTION, 0x3fd }, { EXIT_REASON_IO_INSTRUCTION, 0x3ff },
		{ EXIT_REASON_IO_INSTRUCTION, 0x4d0 }, { EXIT_REASON_IO_INSTRUCTION, 0x4d1 },
		{ EXIT_REASON_IO_INSTRUCTION, 0x510 }, { EXIT_REASON_IO_INSTRUCTION, 0x511 },
		{ EXIT_REASON_IO_INSTRUCTION, 0x8900 }, { EXIT_REASON_IO_INSTRUCTION, 0xb008 },
		{ EXIT_REASON_MSR_READ, 0x1b }, { EXIT_REASON_MSR_WRITE, 0x1b },
		{ EXIT_REASON_MSR_READ, 0x3b }, { EXIT_REASON_MSR_WRITE, 0x3b },
		{ EXIT_REASON_MSR_READ, 0x10 }, { EXIT_REASON_MSR_WRITE, 0x10 },
		{ EXIT_REASON_EPT_VIOLATION, 0xfee00 }, { EXIT_REASON_PREEMPTION_TIMER, EXIT_NO_KEY },
	};
	CHECK(distinct_slots(exitbench, sizeof exitbench / sizeof exitbench[0]));
	CHECK(distinct_slots(vmexit, sizeof vmexit / sizeof vmexit[0]));
}

/* Each unkeyed reason has a first slot of its own: none of them pays a second probe. */
static void test_unkeyed_reasons_own_slots(void)
{
	exit_stats_init(&st);
	for (uint32_t r = 0; r < EXIT_STAT_REASONS; r++)
		rec(r, EXIT_NO_KEY, r + 1);
	for (uint32_t r = 0; r < EXIT_STAT_REASONS; r++) {
		uint64_t tag = exit_stat_tag(r, EXIT_NO_KEY);
		CHECK_EQ(st.table.tag[exit_stat_slot(r, EXIT_NO_KEY)], tag);   /* no two unkeyed reasons share a first slot */
	}
}

/* A reason's total adds its own (fast-path) exits to those of its table entries. */
static void test_total(void)
{
	exit_stats_init(&st);
	rec(EXIT_REASON_VMCALL, 5, 30);
	rec(EXIT_REASON_VMCALL, 5, 50);
	rec(EXIT_REASON_VMCALL, 9, 700);
	/* as the exit stub records a fast-path exit: straight into the reason's own entry */
	exit_stat_add(&st.reason[EXIT_REASON_VMCALL], 12);
	rec(EXIT_REASON_HLT, EXIT_NO_KEY, 3);
	struct exit_stat t;
	exit_stats_total(&st, EXIT_REASON_VMCALL, &t);
	CHECK_EQ(t.count, 4);
	CHECK_EQ(t.cycles, 792);
	CHECK_EQ(t.min, 12);
	CHECK_EQ(t.max, 700);
	CHECK_EQ(hist_sum(&t), 4);
	CHECK_EQ(exit_stat_bucket(&t, 3), 1);   /* 12 */
	CHECK_EQ(exit_stat_bucket(&t, 4), 1);   /* 30 */
	CHECK_EQ(exit_stat_bucket(&t, 5), 1);   /* 50 */
	CHECK_EQ(exit_stat_bucket(&t, 9), 1);   /* 700 */
	exit_stats_total(&st, EXIT_REASON_HLT, &t);
	CHECK_EQ(t.count, 1);
	CHECK_EQ(t.cycles, 3);
	exit_stats_total(&st, EXIT_REASON_CPUID, &t);
	CHECK_EQ(t.count, 0);
	CHECK_EQ(t.cycles, 0);
	/* reasons without a name share the last row */
	rec(EXIT_STAT_OTHER, EXIT_NO_KEY, 9);
	exit_stats_total(&st, EXIT_STAT_OTHER, &t);
	CHECK_EQ(t.count, 1);
	CHECK_EQ(t.cycles, 9);
	CHECK_EQ(exit_stats_exits(&st), 6);
}

static void test_subkey_table_full(void)
{
	exit_stats_init(&st);
	for (unsigned k = 0; k < EXIT_SUBKEYS + 5; k++)
		rec(EXIT_REASON_IO_INSTRUCTION, k, 1);
	CHECK_EQ(st.sub_dropped, 5);
	/* the five without a slot are recorded in the reason's own entry */
	CHECK_EQ(hist_sum(&st.reason[EXIT_REASON_IO_INSTRUCTION]), 5);
	CHECK_EQ(st.reason[EXIT_REASON_IO_INSTRUCTION].cycles, 5);
	struct exit_stat t;
	exit_stats_total(&st, EXIT_REASON_IO_INSTRUCTION, &t);
	CHECK_EQ(t.count, EXIT_SUBKEYS + 5);
	CHECK_EQ(t.cycles, EXIT_SUBKEYS + 5);
	CHECK_EQ(hist_sum(&t), EXIT_SUBKEYS + 5);
	/* a key already in the table still counts after it filled up */
	rec(EXIT_REASON_IO_INSTRUCTION, 3, 1);
	CHECK_EQ(st.sub_dropped, 5);
	CHECK_EQ(entry(EXIT_REASON_IO_INSTRUCTION, 3)->count, 2);
	CHECK_EQ(exit_stats_exits(&st), EXIT_SUBKEYS + 6);
}

int main(void)
{
	RUN(test_counts_min_max);
	RUN(test_histogram_buckets);
	RUN(test_subkeys);
	RUN(test_unkeyed_reasons_own_slots);
	RUN(test_benchmarks_take_distinct_slots);
	RUN(test_subkey_table_full);
	RUN(test_total);
	return CHECK_EXIT();
}
