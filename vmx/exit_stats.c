/*
 * Exit statistics: set-up, the table's slow probe, and the sums the reports
 * read (the recording itself is inline in the header: it runs on every
 * exit).
 */
#include "lib/string.h"
#include "vmx/exit_stats.h"

void exit_stats_init(struct exit_stats *s)
{
	memset(s, 0, sizeof *s);
	for (unsigned k = 0; k < EXIT_SUBKEYS; k++) {
		s->table.tag[k] = EXIT_SUB_FREE;
		s->table.min[k] = ~0ULL;
	}
	for (unsigned r = 0; r < EXIT_STAT_REASONS; r++)
		s->reason[r].min = ~0ULL;
}

void exit_stats_record_slow(struct exit_stats *s, uint64_t tag, uint64_t cycles)
{
	struct exit_table *t = &s->table;
	unsigned h = exit_stat_slot(exit_tag_reason(tag), exit_tag_key(tag));
	for (unsigned n = 0; n < EXIT_SUBKEYS; n++, h = (h + 1) & (EXIT_SUBKEYS - 1)) {
		if (t->tag[h] == EXIT_SUB_FREE)
			t->tag[h] = tag;
		else if (t->tag[h] != tag)
			continue;
		exit_table_add(t, h, cycles);
		return;
	}
	s->sub_dropped++;
	exit_stat_add(&s->reason[exit_tag_reason(tag)], cycles);
}

static uint64_t hist_sum(const uint64_t hist[EXIT_HIST_SLOTS])
{
	uint64_t n = 0;
	for (unsigned b = 0; b < EXIT_HIST_SLOTS; b++)
		n += hist[b];
	return n;
}

/* How many exits e recorded: the histogram's sum (the counts-only build keeps only the count). */
static uint64_t count_of(const struct exit_stat *e)
{
#ifdef HINOKI_NO_EXIT_STATS
	return e->count;
#else
	return hist_sum(e->hist);
#endif
}

void exit_stats_slot(const struct exit_stats *s, unsigned k, struct exit_stat *out)
{
	const struct exit_table *t = &s->table;
	out->cycles = t->cycles[k];
	out->min = t->min[k];
	out->max = t->max[k];
	memcpy(out->hist, t->hist[k], sizeof out->hist);
	out->count = hist_sum(out->hist);   /* only the full build fills the table */
}

static void add_into(struct exit_stat *out, const struct exit_stat *e)
{
	out->count += e->count;
	out->cycles += e->cycles;
	if (e->min < out->min)
		out->min = e->min;
	if (e->max > out->max)
		out->max = e->max;
	for (unsigned b = 0; b < EXIT_HIST_SLOTS; b++)
		out->hist[b] += e->hist[b];
}

void exit_stats_total(const struct exit_stats *s, uint32_t reason, struct exit_stat *out)
{
	memset(out, 0, sizeof *out);
	out->min = ~0ULL;
	add_into(out, &s->reason[reason]);
	for (unsigned k = 0; k < EXIT_SUBKEYS; k++) {
		if (exit_tag_reason(s->table.tag[k]) != reason)
			continue;
		struct exit_stat slot;
		exit_stats_slot(s, k, &slot);
		add_into(out, &slot);
	}
	out->count = count_of(out);
}

/*
 * The management domain's domain list reads this for every vCPU, so it sums
 * only the entries in use: a reason entry took an exit if it has a count
 * (the counts-only build), cycles or an exit of 0 or 1 cycles (slot 0); a
 * table slot if it has a tag.
 */
uint64_t exit_stats_exits(const struct exit_stats *s)
{
	uint64_t n = 0;
	for (unsigned r = 0; r < EXIT_STAT_REASONS; r++)
		if (s->reason[r].count || s->reason[r].cycles || s->reason[r].hist[0])
			n += count_of(&s->reason[r]);
	for (unsigned k = 0; k < EXIT_SUBKEYS; k++)
		if (s->table.tag[k] != EXIT_SUB_FREE)
			n += hist_sum(s->table.hist[k]);
	return n;
}

uint64_t exit_stat_bucket(const struct exit_stat *e, unsigned b)
{
	if (b + 1 < EXIT_HIST_BUCKETS)
		return e->hist[b];
	uint64_t n = 0;
	for (; b < EXIT_HIST_SLOTS; b++)
		n += e->hist[b];
	return n;
}
