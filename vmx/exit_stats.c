/*
 * Recording one exit's cost. Kept branch-light: the count and total always,
 * min/max/histogram with a bit scan, and a short linear probe for the
 * sub-key table only for reasons that have a key.
 */
#include "lib/string.h"
#include "vmx/exit_stats.h"

void exit_stats_init(struct exit_stats *s)
{
	memset(s, 0, sizeof *s);
	for (unsigned i = 0; i < EXIT_SUBKEYS; i++)
		s->sub[i].reason = EXIT_REASON_COUNT;
	for (unsigned r = 0; r < EXIT_REASON_COUNT; r++)
		s->reason[r].min = ~0ULL;
}

#ifndef HINOKI_NO_EXIT_STATS
static void record_sub(struct exit_stats *s, uint32_t reason, uint32_t key, uint64_t cycles)
{
	unsigned h = (key * 2654435761u + reason) % EXIT_SUBKEYS;
	for (unsigned n = 0; n < EXIT_SUBKEYS; n++, h = (h + 1) % EXIT_SUBKEYS) {
		struct exit_substat *e = &s->sub[h];
		if (e->reason == EXIT_REASON_COUNT) {
			e->reason = reason;
			e->key = key;
			e->min = ~0ULL;
		} else if (e->reason != reason || e->key != key) {
			continue;
		}
		e->count++;
		e->cycles += cycles;
		if (cycles < e->min)
			e->min = cycles;
		if (cycles > e->max)
			e->max = cycles;
		return;
	}
	s->sub_dropped++;
}
#endif

void exit_stats_record(struct exit_stats *s, uint32_t reason, uint32_t key, uint64_t cycles)
{
	struct exit_stat *e = &s->reason[reason];
	e->count++;
#ifndef HINOKI_NO_EXIT_STATS
	e->cycles += cycles;
	if (cycles < e->min)
		e->min = cycles;
	if (cycles > e->max)
		e->max = cycles;
	unsigned b = cycles ? 63u - (unsigned)__builtin_clzll(cycles) : 0;
	e->hist[b < EXIT_HIST_BUCKETS ? b : EXIT_HIST_BUCKETS - 1]++;
	if (key != EXIT_NO_KEY)
		record_sub(s, reason, key, cycles);
#else
	(void)key, (void)cycles;
#endif
}
