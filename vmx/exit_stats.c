/*
 * Exit statistics: set-up, the sub-key table's slow probe, and the sums the
 * reports read (the recording itself is inline in the header: it runs on
 * every exit).
 */
#include "lib/string.h"
#include "vmx/exit_stats.h"

void exit_stats_init(struct exit_stats *s)
{
	memset(s, 0, sizeof *s);
	for (unsigned i = 0; i < EXIT_SUBKEYS; i++)
		s->sub[i].tag = EXIT_SUB_FREE;
	for (unsigned r = 0; r < EXIT_REASON_COUNT; r++)
		s->reason[r].min = ~0ULL;
}

void exit_stats_record_slow(struct exit_stats *s, uint32_t reason, uint32_t key, uint64_t cycles)
{
	uint64_t tag = (uint64_t)reason << 32 | key;
	unsigned h = (key ^ reason) & (EXIT_SUBKEYS - 1);
	for (unsigned n = 0; n < EXIT_SUBKEYS; n++, h = (h + 1) & (EXIT_SUBKEYS - 1)) {
		struct exit_substat *x = &s->sub[h];
		if (x->tag == EXIT_SUB_FREE) {
			x->tag = tag;
			x->s.min = ~0ULL;
		} else if (x->tag != tag) {
			continue;
		}
		x->s.count++;
		exit_stat_add(&x->s, cycles);
		return;
	}
	s->sub_dropped++;
	exit_stat_add(&s->reason[reason], cycles);
}

static void add_into(struct exit_stat *out, const struct exit_stat *e)
{
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
	const struct exit_stat *own = &s->reason[reason];
	memset(out, 0, sizeof *out);
	out->count = own->count;
	out->min = ~0ULL;
	add_into(out, own);
	for (unsigned i = 0; i < EXIT_SUBKEYS; i++)
		if (exit_sub_reason(&s->sub[i]) == reason)
			add_into(out, &s->sub[i].s);
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
