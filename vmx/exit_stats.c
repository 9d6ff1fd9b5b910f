/*
 * Exit statistics: the table's set-up, its slow probe and growth, and the
 * sums the reports read (the recording itself is inline in the header: it
 * runs on every exit). The counts-only build keeps a count per reason and
 * nothing else.
 */
#include <stdbool.h>
#include "lib/string.h"
#include "vmx/exit_stats.h"

#define PAGE_BYTES 4096u
#define TABLE_PAGES(cap) (((cap) * (unsigned)sizeof(struct exit_entry) + PAGE_BYTES - 1) / PAGE_BYTES)

uint64_t exit_hist_sum(const uint64_t hist[EXIT_HIST_BUCKETS])
{
	uint64_t n = 0;
	for (unsigned b = 0; b < EXIT_HIST_BUCKETS; b++)
		n += hist[b];
	return n;
}

static void stat_empty(struct exit_stat *out)
{
	memset(out, 0, sizeof *out);
	out->min = ~0ULL;
}

#ifndef HINOKI_NO_EXIT_STATS

static struct exit_entry *table_new(struct exit_stats *s, unsigned cap)
{
	struct exit_entry *e = s->mem.alloc(s->mem.ctx, TABLE_PAGES(cap));
	if (!e)
		return 0;
	for (unsigned k = 0; k < cap; k++) {
		e[k].tag = EXIT_TAG_FREE;
		e[k].min = ~0ULL;
	}
	return e;
}

static void table_set(struct exit_stats *s, struct exit_entry *table, unsigned cap)
{
	s->table = table;
	s->cap = cap;
	s->shift = exit_stat_shift(cap);
	s->mask = cap * (uint32_t)sizeof(struct exit_entry) - 1;
}

int exit_stats_init(struct exit_stats *s, const struct page_account *mem)
{
	memset(s, 0, sizeof *s);
	s->mem = *mem;
	struct exit_entry *t = table_new(s, EXIT_TABLE_MIN);
	if (!t)
		return -1;
	table_set(s, t, EXIT_TABLE_MIN);
	return 0;
}

void exit_stats_free(struct exit_stats *s)
{
	if (s->table)
		s->mem.free(s->mem.ctx, s->table, TABLE_PAGES(s->cap));
	s->table = 0;
	s->cap = s->used = 0;
}

unsigned exit_stats_pages(const struct exit_stats *s)
{
	return s->table ? TABLE_PAGES(s->cap) : 0;
}

unsigned exit_stats_cap(const struct exit_stats *s)
{
	return s->cap;
}

/* Tag's entry, or the free entry where it would go (the table always has one free). */
static struct exit_entry *probe(struct exit_entry *table, unsigned cap, uint64_t tag)
{
	uint64_t off = exit_stat_offset(tag, exit_stat_shift(cap)), mask = cap * sizeof *table - 1;
	while (exit_stat_at(table, off)->tag != tag && exit_stat_at(table, off)->tag != EXIT_TAG_FREE)
		off = (off + sizeof *table) & mask;
	return exit_stat_at(table, off);
}

/* Twice the entries, every entry moved with its figures; false when no memory (the old table stays). */
static int grow(struct exit_stats *s)
{
	unsigned cap = s->cap * 2;
	struct exit_entry *t = table_new(s, cap);
	if (!t)
		return 0;
	for (unsigned k = 0; k < s->cap; k++)
		if (s->table[k].tag != EXIT_TAG_FREE)
			*probe(t, cap, s->table[k].tag) = s->table[k];
	struct exit_entry *old = s->table;
	unsigned old_cap = s->cap;
	__atomic_add_fetch(&s->gen, 1, __ATOMIC_RELEASE);
	table_set(s, t, cap);
	__atomic_add_fetch(&s->gen, 1, __ATOMIC_RELEASE);
	s->mem.free(s->mem.ctx, old, TABLE_PAGES(old_cap));
	return 1;
}

/*
 * Whether one more tag may take an entry, growing the table first above 1/2
 * load. One entry always stays free, so that a probe ends; keyed tags stop
 * at EXIT_KEYED_MAX, which leaves room for every unkeyed one.
 */
static int room_for(struct exit_stats *s, uint64_t tag)
{
	if (exit_tag_key(tag) != EXIT_NO_KEY && s->used >= EXIT_KEYED_MAX)
		return 0;
	if ((s->used + 1) * 2 > s->cap && s->cap < EXIT_TABLE_MAX)
		grow(s);   /* without memory the table stays and fills further */
	return s->used + 1 < s->cap;
}

void exit_stats_record_slow(struct exit_stats *s, uint64_t tag, uint64_t cycles)
{
	struct exit_entry *e = probe(s->table, s->cap, tag);
	if (e->tag == EXIT_TAG_FREE) {
		if (!room_for(s, tag)) {
			s->overflow++;
			/* Under the reason's own entry; an unkeyed tag with no room (no memory to grow) is only counted. */
			if (exit_tag_key(tag) != EXIT_NO_KEY)
				exit_stats_record_slow(s, exit_stat_tag(exit_tag_reason(tag), EXIT_NO_KEY), cycles);
			return;
		}
		e = probe(s->table, s->cap, tag);   /* the table may have grown */
		e->tag = tag;
		s->used++;
	}
	exit_entry_add(e, cycles);
}

int exit_stats_entry(const struct exit_stats *s, unsigned k, uint64_t *tag, struct exit_stat *out)
{
	const struct exit_entry *e = &s->table[k];
	if (e->tag == EXIT_TAG_FREE)
		return 0;
	*tag = e->tag;
	out->cycles = e->cycles;
	out->min = e->min;
	out->max = e->max;
	memcpy(out->hist, e->hist, sizeof out->hist);
	out->count = exit_hist_sum(out->hist);
	return 1;
}

static void add_into(struct exit_stat *out, const struct exit_stat *e)
{
	out->count += e->count;
	out->cycles += e->cycles;
	if (e->min < out->min)
		out->min = e->min;
	if (e->max > out->max)
		out->max = e->max;
	for (unsigned b = 0; b < EXIT_HIST_BUCKETS; b++)
		out->hist[b] += e->hist[b];
}

/*
 * The management domain reads these while the vCPU runs on another CPU,
 * which may replace the table meanwhile: a sum taken across a replacement
 * is taken again (the old table's frames stay mapped, so reading them
 * cannot fault).
 */
void exit_stats_total(const struct exit_stats *s, uint32_t reason, struct exit_stat *out)
{
	uint32_t gen;
	do {
		gen = __atomic_load_n(&s->gen, __ATOMIC_ACQUIRE);
		stat_empty(out);
		for (unsigned k = 0; k < s->cap; k++) {
			uint64_t tag;
			struct exit_stat e;
			if (exit_stats_entry(s, k, &tag, &e) && exit_tag_reason(tag) == reason)
				add_into(out, &e);
		}
	} while ((gen & 1) || gen != __atomic_load_n(&s->gen, __ATOMIC_ACQUIRE));
}

uint64_t exit_stats_exits(const struct exit_stats *s)
{
	uint32_t gen;
	uint64_t n;
	do {
		gen = __atomic_load_n(&s->gen, __ATOMIC_ACQUIRE);
		n = 0;
		for (unsigned k = 0; k < s->cap; k++)
			if (s->table[k].tag != EXIT_TAG_FREE)
				n += exit_hist_sum(s->table[k].hist);
	} while ((gen & 1) || gen != __atomic_load_n(&s->gen, __ATOMIC_ACQUIRE));
	return n;
}

uint64_t exit_stats_overflow(const struct exit_stats *s)
{
	return s->overflow;
}

static bool ranks_before(const struct exit_key_row *a, const struct exit_key_row *b)
{
	return a->count > b->count || (a->count == b->count && a->key < b->key);
}

static void row_add(struct exit_key_row *into, const struct exit_key_row *r)
{
	into->count += r->count;
	into->cycles += r->cycles;
	if (r->min < into->min)
		into->min = r->min;
	if (r->max > into->max)
		into->max = r->max;
}

/* One pass over the table, an insertion into the ranked rows per key: n is a report's handful. */
unsigned exit_stats_top_keys(const struct exit_stats *s, uint32_t reason, struct exit_key_row *row, unsigned n,
                             struct exit_key_row *rest)
{
	unsigned have = 0;
	*rest = (struct exit_key_row){ .min = ~0ULL };
	for (unsigned k = 0; k < s->cap; k++) {
		const struct exit_entry *e = &s->table[k];
		if (e->tag == EXIT_TAG_FREE || exit_tag_reason(e->tag) != reason || exit_tag_key(e->tag) == EXIT_NO_KEY)
			continue;
		struct exit_key_row r = { exit_tag_key(e->tag), exit_hist_sum(e->hist), e->cycles, e->min, e->max };
		unsigned at = have;
		while (at > 0 && ranks_before(&r, &row[at - 1]))
			at--;
		if (at == n) {   /* ranks below all n */
			row_add(rest, &r);
			rest->key++;
			continue;
		}
		if (have == n) {   /* the last row is pushed out */
			row_add(rest, &row[n - 1]);
			rest->key++;
			have--;
		}
		memmove(&row[at + 1], &row[at], (have - at) * sizeof *row);
		row[at] = r;
		have++;
	}
	return have;
}

#else   /* HINOKI_NO_EXIT_STATS: a count per reason */

int exit_stats_init(struct exit_stats *s, const struct page_account *mem)
{
	(void)mem;
	memset(s, 0, sizeof *s);
	return 0;
}

void exit_stats_free(struct exit_stats *s) { (void)s; }
unsigned exit_stats_pages(const struct exit_stats *s) { (void)s; return 0; }
unsigned exit_stats_cap(const struct exit_stats *s) { (void)s; return 0; }
uint64_t exit_stats_overflow(const struct exit_stats *s) { (void)s; return 0; }

unsigned exit_stats_top_keys(const struct exit_stats *s, uint32_t reason, struct exit_key_row *row, unsigned n,
                             struct exit_key_row *rest)
{
	(void)s, (void)reason, (void)row, (void)n;
	*rest = (struct exit_key_row){ .min = ~0ULL };
	return 0;
}

int exit_stats_entry(const struct exit_stats *s, unsigned k, uint64_t *tag, struct exit_stat *out)
{
	(void)s, (void)k, (void)tag, (void)out;
	return 0;
}

void exit_stats_total(const struct exit_stats *s, uint32_t reason, struct exit_stat *out)
{
	stat_empty(out);
	out->count = s->count[reason];
}

uint64_t exit_stats_exits(const struct exit_stats *s)
{
	uint64_t n = 0;
	for (unsigned r = 0; r < EXIT_STAT_REASONS; r++)
		n += s->count[r];
	return n;
}

#endif
