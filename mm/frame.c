/*
 * The physical frame allocator: a sorted array of disjoint, non-adjacent free
 * extents. Adding or freeing a range merges it with everything it touches;
 * reserving or allocating carves a hole. Pure code over byte addresses below
 * the architectural 2^52 limit, so no sum here can overflow.
 *
 * Accounting: total_pages counts frames under management (free or handed
 * out); free_pages those in the table. When the fixed table cannot hold an
 * extra extent the frames that would need it are dropped and leave both
 * counts ("lost"), rather than be handed out twice or reserved ones leak back.
 * Physical page 0 is never free: 0 is the allocation failure value.
 */
#include "mm/frame.h"
#include "lib/string.h"

#include <stdbool.h>

#define ADDR_LIMIT  (1ULL << 52)        /* MAXPHYADDR is at most 52 bits */
#define PAGES_LIMIT (ADDR_LIMIT / FRAME_SIZE)

static uint64_t ext_end(const struct frame_extent *x)
{
	return x->base + x->pages * FRAME_SIZE;
}

static void remove_at(struct frame_allocator *fa, unsigned i, unsigned count)
{
	memmove(&fa->ext[i], &fa->ext[i + count], (fa->n - i - count) * sizeof(fa->ext[0]));
	fa->n -= count;
}

/* Caller guarantees a free slot. */
static void insert_at(struct frame_allocator *fa, unsigned i, uint64_t start, uint64_t end)
{
	memmove(&fa->ext[i + 1], &fa->ext[i], (fa->n - i) * sizeof(fa->ext[0]));
	fa->ext[i].base = start;
	fa->ext[i].pages = (end - start) / FRAME_SIZE;
	fa->n++;
}

/*
 * Clip [base, base+pages) to the valid frames above page 0 and below the
 * limit, as [*start, *end). False when base is misaligned; an empty result
 * comes back as start == end.
 */
static bool clip(uint64_t base, uint64_t pages, uint64_t *start, uint64_t *end)
{
	if (base % FRAME_SIZE)
		return false;
	if (base >= ADDR_LIMIT) {
		*start = *end = 0;
		return true;
	}
	if (pages > (ADDR_LIMIT - base) / FRAME_SIZE)
		pages = (ADDR_LIMIT - base) / FRAME_SIZE;
	*end = base + pages * FRAME_SIZE;
	*start = base ? base : FRAME_SIZE;
	if (*start > *end)
		*start = *end;
	return true;
}

/*
 * Merge [start, end) into the free set. Returns the number of frames that
 * were not free before, or -1 when it needs a new extent and the table is full.
 */
static int64_t insert_range(struct frame_allocator *fa, uint64_t start, uint64_t end)
{
	unsigned i = 0, j;

	/* First extent that overlaps or touches the range... */
	while (i < fa->n && ext_end(&fa->ext[i]) < start)
		i++;
	/* ...and one past the last such. */
	for (j = i; j < fa->n && fa->ext[j].base <= end; j++)
		;
	if (i == j) {
		if (fa->n == FRAME_MAX_EXTENTS)
			return -1;
		insert_at(fa, i, start, end);
		return (int64_t)((end - start) / FRAME_SIZE);
	}

	uint64_t had = 0;
	for (unsigned k = i; k < j; k++)
		had += fa->ext[k].pages;
	if (fa->ext[i].base < start)
		start = fa->ext[i].base;
	if (ext_end(&fa->ext[j - 1]) > end)
		end = ext_end(&fa->ext[j - 1]);
	fa->ext[i].base = start;
	fa->ext[i].pages = (end - start) / FRAME_SIZE;
	remove_at(fa, i + 1, j - i - 1);
	return (int64_t)(fa->ext[i].pages - had);
}

/*
 * Take [start, end) out of the free set. Returns the frames no longer free,
 * including any dropped because a split found the table full (the smaller
 * side goes); *lost gets those.
 */
static uint64_t carve_range(struct frame_allocator *fa, uint64_t start, uint64_t end, uint64_t *lost)
{
	uint64_t removed = 0;
	unsigned i = 0;

	*lost = 0;
	while (i < fa->n && ext_end(&fa->ext[i]) <= start)
		i++;
	while (i < fa->n && fa->ext[i].base < end) {
		struct frame_extent *x = &fa->ext[i];
		uint64_t xs = x->base, xe = ext_end(x);
		uint64_t lo = xs < start ? start : xs, hi = xe > end ? end : xe;

		removed += (hi - lo) / FRAME_SIZE;
		if (xs < lo && hi < xe) {
			/* The hole is strictly inside: two pieces remain. */
			if (fa->n < FRAME_MAX_EXTENTS) {
				x->pages = (lo - xs) / FRAME_SIZE;
				insert_at(fa, i + 1, hi, xe);
			} else if (lo - xs >= xe - hi) {
				*lost += (xe - hi) / FRAME_SIZE;
				x->pages = (lo - xs) / FRAME_SIZE;
			} else {
				*lost += (lo - xs) / FRAME_SIZE;
				x->base = hi;
				x->pages = (xe - hi) / FRAME_SIZE;
			}
			break;
		} else if (xs < lo) {
			x->pages = (lo - xs) / FRAME_SIZE;
			i++;
		} else if (hi < xe) {
			x->base = hi;
			x->pages = (xe - hi) / FRAME_SIZE;
			break;
		} else {
			remove_at(fa, i, 1);
		}
	}
	return removed + *lost;
}

void frame_init(struct frame_allocator *fa)
{
	memset(fa, 0, sizeof(*fa));
}

/* A misaligned base is refused (-1): the firmware map is page granular. */
int frame_add(struct frame_allocator *fa, uint64_t base, uint64_t pages)
{
	uint64_t start, end;

	if (!clip(base, pages, &start, &end))
		return -1;
	if (start == end)
		return 0;
	int64_t added = insert_range(fa, start, end);
	if (added < 0)
		return -1;
	fa->free_pages += (uint64_t)added;
	fa->total_pages += (uint64_t)added;
	return 0;
}

/* Rounds outward to whole frames: a partly reserved frame is reserved. */
void frame_reserve(struct frame_allocator *fa, uint64_t base, uint64_t pages)
{
	uint64_t start, end, lost;
	uint64_t first = base - base % FRAME_SIZE;

	/* One extra frame covers the partial one a misaligned base spills into. */
	if (base != first && pages < PAGES_LIMIT)
		pages++;
	if (!clip(first, pages, &start, &end) || start == end)
		return;
	uint64_t gone = carve_range(fa, start, end, &lost);
	fa->free_pages -= gone;
	fa->total_pages -= gone;
}

uint64_t frame_alloc(struct frame_allocator *fa, uint64_t pages, uint64_t align_pages)
{
	if (align_pages == 0)
		align_pages = 1;
	if (pages == 0 || pages > PAGES_LIMIT || (align_pages & (align_pages - 1)) ||
	    align_pages > PAGES_LIMIT)
		return 0;

	uint64_t len = pages * FRAME_SIZE, mask = align_pages * FRAME_SIZE - 1;
	for (unsigned i = 0; i < fa->n; i++) {
		struct frame_extent *x = &fa->ext[i];
		uint64_t xs = x->base, xe = ext_end(x);
		uint64_t a = (xs + mask) & ~mask;

		if (a >= xe || xe - a < len)
			continue;
		/*
		 * An aligned block inside the extent splits it in two. With the
		 * table full take the highest aligned block instead when that
		 * one ends flush with the extent.
		 */
		if (a != xs && a + len != xe && fa->n == FRAME_MAX_EXTENTS) {
			uint64_t top = (xe - len) & ~mask;
			if (top + len != xe)
				continue;
			a = top;
		}
		uint64_t lost;
		carve_range(fa, a, a + len, &lost);
		fa->free_pages -= pages;
		return a;
	}
	return 0;
}

int frame_free(struct frame_allocator *fa, uint64_t base, uint64_t pages)
{
	uint64_t start, end;

	if (!clip(base, pages, &start, &end))
		return -1;
	if (start == end)
		return 0;
	int64_t added = insert_range(fa, start, end);
	if (added < 0) {
		/* Lost for good: they stay out of the free set and out of the total. */
		uint64_t n = (end - start) / FRAME_SIZE;
		fa->total_pages -= n < fa->total_pages ? n : fa->total_pages;
		return -1;
	}
	/* Frames already free (a double free) are not counted twice. */
	fa->free_pages += (uint64_t)added;
	return 0;
}
