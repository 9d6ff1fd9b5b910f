/*
 * Exit statistics: set-up, and the sub-key table's probe (the per-reason
 * part is inline in the header: it runs on every exit).
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

void exit_stats_record_sub(struct exit_stats *s, uint32_t reason, uint32_t key, uint64_t cycles)
{
	/* Keys are small and dense (ports of one device, MSR numbers, hypercalls): the low bits spread them. */
	unsigned h = (key ^ reason) % EXIT_SUBKEYS;
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
