/* Exit statistics recording: counts, min/max, log2 histogram, sub-key table. */
#include <string.h>
#include "tests/unit/check.h"
#include "vmx/exit_stats.h"

static struct exit_stats st;

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
	exit_stats_record(&st, EXIT_REASON_CPUID, EXIT_NO_KEY, 100);
	exit_stats_record(&st, EXIT_REASON_CPUID, EXIT_NO_KEY, 50);
	exit_stats_record(&st, EXIT_REASON_CPUID, EXIT_NO_KEY, 400);
	const struct exit_stat *e = &st.reason[EXIT_REASON_CPUID];
	CHECK_EQ(e->count, 3);
	CHECK_EQ(e->cycles, 550);
	CHECK_EQ(e->min, 50);
	CHECK_EQ(e->max, 400);
	CHECK_EQ(st.reason[EXIT_REASON_HLT].count, 0);
}

static void test_histogram_buckets(void)
{
	exit_stats_init(&st);
	/* bucket b holds [2^b, 2^(b+1)); 0 and 1 land in bucket 0 */
	uint64_t samples[] = { 0, 1, 2, 3, 4, 7, 8, 1023, 1024, 1ULL << 40 };
	for (unsigned i = 0; i < sizeof samples / sizeof samples[0]; i++)
		exit_stats_record(&st, EXIT_REASON_VMCALL, EXIT_NO_KEY, samples[i]);
	const struct exit_stat *e = &st.reason[EXIT_REASON_VMCALL];
	CHECK_EQ(e->hist[0], 2);
	CHECK_EQ(e->hist[1], 2);
	CHECK_EQ(e->hist[2], 2);
	CHECK_EQ(e->hist[3], 1);
	CHECK_EQ(e->hist[9], 1);
	CHECK_EQ(e->hist[10], 1);
	CHECK_EQ(e->hist[40], 1);                                    /* recorded in its own slot */
	CHECK_EQ(exit_stat_bucket(e, EXIT_HIST_BUCKETS - 1), 1);     /* reported in the last bucket */
	CHECK_EQ(hist_sum(e), e->count);
}

static void test_subkeys(void)
{
	exit_stats_init(&st);
	for (unsigned i = 0; i < 10; i++)
		exit_stats_record(&st, EXIT_REASON_IO_INSTRUCTION, 0x3f8, 10 + i);
	exit_stats_record(&st, EXIT_REASON_IO_INSTRUCTION, 0x3fd, 7);
	exit_stats_record(&st, EXIT_REASON_MSR_READ, 0x3f8, 9);   /* same key, other reason: its own row */
	unsigned rows = 0;
	for (unsigned k = 0; k < EXIT_SUBKEYS; k++) {
		const struct exit_substat *x = &st.sub[k];
		if (x->tag == EXIT_SUB_FREE)
			continue;
		rows++;
		if (exit_sub_reason(x) == EXIT_REASON_IO_INSTRUCTION && exit_sub_key(x) == 0x3f8) {
			CHECK_EQ(x->s.count, 10);
			CHECK_EQ(x->s.cycles, 145);
			CHECK_EQ(x->s.min, 10);
			CHECK_EQ(x->s.max, 19);
			CHECK_EQ(hist_sum(&x->s), 10);
		}
	}
	CHECK_EQ(rows, 3);
	CHECK_EQ(st.sub_dropped, 0);
	/* keyed exits are counted by reason, but timed only under their key */
	CHECK_EQ(st.reason[EXIT_REASON_IO_INSTRUCTION].count, 11);
	CHECK_EQ(st.reason[EXIT_REASON_IO_INSTRUCTION].cycles, 0);
}

/* A reason's total adds its own (unkeyed, fast-path) exits to those of its keys. */
static void test_total(void)
{
	exit_stats_init(&st);
	exit_stats_record(&st, EXIT_REASON_VMCALL, 5, 30);
	exit_stats_record(&st, EXIT_REASON_VMCALL, 5, 50);
	exit_stats_record(&st, EXIT_REASON_VMCALL, 9, 700);
	exit_stats_record(&st, EXIT_REASON_VMCALL, EXIT_NO_KEY, 12);   /* as the exit stub records */
	exit_stats_record(&st, EXIT_REASON_HLT, EXIT_NO_KEY, 3);
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
	exit_stats_total(&st, EXIT_REASON_CPUID, &t);
	CHECK_EQ(t.count, 0);
	CHECK_EQ(t.cycles, 0);
}

static void test_subkey_table_full(void)
{
	exit_stats_init(&st);
	for (unsigned k = 0; k < EXIT_SUBKEYS + 5; k++)
		exit_stats_record(&st, EXIT_REASON_IO_INSTRUCTION, k, 1);
	CHECK_EQ(st.sub_dropped, 5);
	CHECK_EQ(st.reason[EXIT_REASON_IO_INSTRUCTION].count, EXIT_SUBKEYS + 5);
	/* the five without a slot are timed into the reason's own entry */
	CHECK_EQ(st.reason[EXIT_REASON_IO_INSTRUCTION].cycles, 5);
	struct exit_stat t;
	exit_stats_total(&st, EXIT_REASON_IO_INSTRUCTION, &t);
	CHECK_EQ(t.cycles, EXIT_SUBKEYS + 5);
	CHECK_EQ(hist_sum(&t), EXIT_SUBKEYS + 5);
	/* a key already in the table still counts after it filled up */
	exit_stats_record(&st, EXIT_REASON_IO_INSTRUCTION, 3, 1);
	CHECK_EQ(st.sub_dropped, 5);
}

int main(void)
{
	RUN(test_counts_min_max);
	RUN(test_histogram_buckets);
	RUN(test_subkeys);
	RUN(test_subkey_table_full);
	RUN(test_total);
	return CHECK_EXIT();
}
