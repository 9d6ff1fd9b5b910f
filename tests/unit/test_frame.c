/*
 * Host tests for the frame allocator: merging, carving, alignment, the
 * behaviour when its fixed extent table is full, accounting, and a random
 * sequence of operations checked frame by frame against a bitmap model.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mm/frame.h"
#include "check.h"

#define PG   FRAME_SIZE
#define MiB  (1ULL << 20)
#define GiB  (1ULL << 30)
#define LIMIT (1ULL << 52)

/* Sorted, disjoint, non-adjacent, non-empty, page 0 absent, counts agree. */
static void check_invariants(const struct frame_allocator *fa)
{
	uint64_t sum = 0;
	CHECK(fa->n <= FRAME_MAX_EXTENTS);
	for (unsigned i = 0; i < fa->n; i++) {
		const struct frame_extent *x = &fa->ext[i];
		CHECK(x->pages > 0);
		CHECK(x->base >= PG);
		CHECK_EQ(x->base % PG, 0);
		CHECK(x->base + x->pages * PG <= LIMIT);
		if (i > 0)
			CHECK(fa->ext[i - 1].base + fa->ext[i - 1].pages * PG < x->base);
		sum += x->pages;
	}
	CHECK_EQ(sum, fa->free_pages);
	CHECK(fa->free_pages <= fa->total_pages);
}

static bool is_free(const struct frame_allocator *fa, uint64_t addr)
{
	for (unsigned i = 0; i < fa->n; i++)
		if (addr >= fa->ext[i].base && addr < fa->ext[i].base + fa->ext[i].pages * PG)
			return true;
	return false;
}

static void test_init(void)
{
	struct frame_allocator fa;
	memset(&fa, 0x5a, sizeof(fa));
	frame_init(&fa);
	CHECK_EQ(fa.n, 0);
	CHECK_EQ(fa.free_pages, 0);
	CHECK_EQ(fa.total_pages, 0);
	CHECK_EQ(frame_alloc(&fa, 1, 1), 0);
}

static void test_page_zero_never_free(void)
{
	struct frame_allocator fa;
	frame_init(&fa);
	CHECK_EQ(frame_add(&fa, 0, 16), 0);
	CHECK_EQ(fa.n, 1);
	CHECK_EQ(fa.ext[0].base, PG);
	CHECK_EQ(fa.total_pages, 15);
	CHECK_EQ(frame_alloc(&fa, 1, 0), PG);
	CHECK_EQ(frame_free(&fa, 0, 2), 0);    /* page 0 is dropped on the way back too */
	CHECK(!is_free(&fa, 0));
	CHECK_EQ(fa.free_pages, 15);
	CHECK_EQ(frame_add(&fa, 0, 1), 0);     /* just page 0: nothing */
	CHECK_EQ(fa.free_pages, 15);
	for (int i = 0; i < 15; i++)
		CHECK(frame_alloc(&fa, 1, 1) != 0);
	CHECK_EQ(frame_alloc(&fa, 1, 1), 0);
	check_invariants(&fa);
}

static void test_add_merges(void)
{
	struct frame_allocator fa;
	frame_init(&fa);
	CHECK_EQ(frame_add(&fa, 3 * MiB, 256), 0);
	CHECK_EQ(frame_add(&fa, 1 * MiB, 256), 0);
	CHECK_EQ(fa.n, 2);
	CHECK_EQ(fa.ext[0].base, MiB);         /* kept sorted */
	CHECK_EQ(frame_add(&fa, 2 * MiB, 256), 0);  /* touches both: one extent */
	CHECK_EQ(fa.n, 1);
	CHECK_EQ(fa.ext[0].base, MiB);
	CHECK_EQ(fa.ext[0].pages, 768);
	CHECK_EQ(fa.total_pages, 768);

	/* Double add and overlaps count each frame once. */
	CHECK_EQ(frame_add(&fa, MiB + MiB / 2, 512), 0);
	CHECK_EQ(fa.total_pages, 768);
	CHECK_EQ(frame_add(&fa, MiB / 2, 2048), 0);     /* superset [0.5M, 8.5M) */
	CHECK_EQ(fa.n, 1);
	CHECK_EQ(fa.ext[0].base, MiB / 2);
	CHECK_EQ(fa.ext[0].pages, 2048);
	CHECK_EQ(fa.total_pages, 2048);
	CHECK_EQ(fa.free_pages, 2048);

	/* A range bridging three extents and the gaps between them. */
	CHECK_EQ(frame_add(&fa, 16 * MiB, 1), 0);
	CHECK_EQ(frame_add(&fa, 16 * MiB + 2 * PG, 1), 0);
	CHECK_EQ(frame_add(&fa, 16 * MiB + 4 * PG, 1), 0);
	CHECK_EQ(fa.n, 4);
	CHECK_EQ(frame_add(&fa, 16 * MiB - PG, 7), 0);
	CHECK_EQ(fa.n, 2);
	CHECK_EQ(fa.ext[1].base, 16 * MiB - PG);
	CHECK_EQ(fa.ext[1].pages, 7);
	CHECK_EQ(fa.total_pages, 2048 + 7);
	check_invariants(&fa);
}

static void test_add_arguments(void)
{
	struct frame_allocator fa;
	frame_init(&fa);
	CHECK_EQ(frame_add(&fa, MiB + 1, 4), -1);
	CHECK_EQ(frame_add(&fa, MiB, 0), 0);
	CHECK_EQ(fa.n, 0);
	/* At or beyond the 52-bit limit nothing is added, without wrapping. */
	CHECK_EQ(frame_add(&fa, LIMIT, 16), 0);
	CHECK_EQ(frame_add(&fa, ~0ULL - PG + 1, ~0ULL), 0);
	CHECK_EQ(fa.n, 0);
	CHECK_EQ(fa.total_pages, 0);
	/* Huge page counts clip at the limit. */
	CHECK_EQ(frame_add(&fa, LIMIT - 4 * PG, ~0ULL), 0);
	CHECK_EQ(fa.total_pages, 4);
	CHECK_EQ(frame_add(&fa, 4 * GiB, ~0ULL / 2), 0);
	CHECK_EQ(fa.n, 1);
	CHECK_EQ(fa.total_pages, (LIMIT - 4 * GiB) / PG);
	CHECK_EQ(fa.ext[0].base + fa.ext[0].pages * PG, LIMIT);
	check_invariants(&fa);
	/* The top frame is allocatable and the next one does not exist. */
	uint64_t a = frame_alloc(&fa, fa.free_pages, 1);
	CHECK_EQ(a, 4 * GiB);
	CHECK_EQ(fa.free_pages, 0);
	CHECK_EQ(frame_alloc(&fa, 1, 1), 0);
}

static void fill_table(struct frame_allocator *fa)
{
	frame_init(fa);
	for (unsigned i = 0; i < FRAME_MAX_EXTENTS; i++)
		CHECK_EQ(frame_add(fa, MiB + i * 64 * PG, 16), 0);   /* 16 free, 48 gap */
	CHECK_EQ(fa->n, FRAME_MAX_EXTENTS);
	CHECK_EQ(fa->total_pages, 16 * FRAME_MAX_EXTENTS);
}

static void test_table_full(void)
{
	struct frame_allocator fa;
	fill_table(&fa);
	uint64_t past = MiB + FRAME_MAX_EXTENTS * 64 * PG;
	CHECK_EQ(frame_add(&fa, past, 4), -1);
	CHECK_EQ(frame_add(&fa, MiB - 8 * PG, 4), -1);
	CHECK_EQ(fa.total_pages, 16 * FRAME_MAX_EXTENTS);
	CHECK(!is_free(&fa, past));
	/* Touching or overlapping an extent needs no new slot. */
	CHECK_EQ(frame_add(&fa, MiB + 16 * PG, 4), 0);
	CHECK_EQ(frame_add(&fa, MiB - 4 * PG, 6), 0);
	CHECK_EQ(fa.ext[0].base, MiB - 4 * PG);
	CHECK_EQ(fa.ext[0].pages, 24);
	/* Bridging two extents frees a slot, which the next add may use. */
	CHECK_EQ(frame_add(&fa, MiB + 80 * PG, 48), 0);
	CHECK_EQ(fa.n, FRAME_MAX_EXTENTS - 1);
	CHECK_EQ(frame_add(&fa, past, 4), 0);
	CHECK_EQ(fa.n, FRAME_MAX_EXTENTS);
	check_invariants(&fa);

	/* A free that needs a slot: -1, and the frames are lost from the total. */
	uint64_t a = frame_alloc(&fa, 24, 1);       /* all of extent 0 */
	CHECK_EQ(a, MiB - 4 * PG);
	CHECK_EQ(fa.n, FRAME_MAX_EXTENTS - 1);
	CHECK_EQ(frame_add(&fa, past + 64 * PG, 4), 0);
	uint64_t total = fa.total_pages, free_before = fa.free_pages;
	CHECK_EQ(frame_free(&fa, a + 8 * PG, 2), -1);
	CHECK_EQ(fa.total_pages, total - 2);
	CHECK_EQ(fa.free_pages, free_before);
	CHECK(!is_free(&fa, a + 8 * PG));
	/* Once a slot opens, frees work again. */
	frame_reserve(&fa, past + 64 * PG, 4);
	CHECK_EQ(fa.n, FRAME_MAX_EXTENTS - 1);
	CHECK_EQ(frame_free(&fa, a, 8), 0);
	CHECK_EQ(fa.free_pages, free_before - 4 + 8);
	CHECK_EQ(fa.n, FRAME_MAX_EXTENTS);
	check_invariants(&fa);
}

static void test_reserve(void)
{
	struct frame_allocator fa;
	frame_init(&fa);
	CHECK_EQ(frame_add(&fa, MiB, 256), 0);
	/* Middle: splits. */
	frame_reserve(&fa, MiB + 64 * PG, 16);
	CHECK_EQ(fa.n, 2);
	CHECK_EQ(fa.ext[0].pages, 64);
	CHECK_EQ(fa.ext[1].base, MiB + 80 * PG);
	CHECK_EQ(fa.ext[1].pages, 176);
	CHECK_EQ(fa.free_pages, 240);
	CHECK_EQ(fa.total_pages, 240);
	/* Edges. */
	frame_reserve(&fa, MiB, 4);
	frame_reserve(&fa, 2 * MiB - 4 * PG, 4);
	CHECK_EQ(fa.ext[0].base, MiB + 4 * PG);
	CHECK_EQ(fa.ext[1].base + fa.ext[1].pages * PG, 2 * MiB - 4 * PG);
	CHECK_EQ(fa.free_pages, 232);
	/* Parts that are not free are ignored: spanning the hole and beyond. */
	frame_reserve(&fa, MiB + 60 * PG, 24);      /* 4 free, 16 hole, 4 free */
	CHECK_EQ(fa.free_pages, 224);
	frame_reserve(&fa, 4 * MiB, 100);           /* nothing there */
	frame_reserve(&fa, 0, 1);
	CHECK_EQ(fa.free_pages, 224);
	CHECK_EQ(fa.total_pages, 224);
	CHECK(!is_free(&fa, MiB + 63 * PG));
	CHECK(!is_free(&fa, MiB + 83 * PG));
	CHECK(is_free(&fa, MiB + 84 * PG));
	/* Misaligned: rounded outward, every touched frame goes. */
	frame_reserve(&fa, MiB + 100 * PG + 0x800, 1);
	CHECK(!is_free(&fa, MiB + 100 * PG));
	CHECK(!is_free(&fa, MiB + 101 * PG));
	CHECK(is_free(&fa, MiB + 102 * PG));
	CHECK(is_free(&fa, MiB + 99 * PG));
	CHECK_EQ(fa.free_pages, 222);
	/* Several whole extents at once; huge counts do not wrap. */
	frame_reserve(&fa, 0, ~0ULL);
	CHECK_EQ(fa.n, 0);
	CHECK_EQ(fa.free_pages, 0);
	CHECK_EQ(fa.total_pages, 0);
	frame_reserve(&fa, ~0ULL - 10, ~0ULL);
	check_invariants(&fa);
}

/* A split with the table full drops the smaller side, never frees reserved frames. */
static void test_reserve_table_full(void)
{
	struct frame_allocator fa;
	fill_table(&fa);
	uint64_t x = MiB + 10 * 64 * PG;           /* extent 10: 16 frames */
	frame_reserve(&fa, x + 4 * PG, 2);          /* leaves 4 below, 10 above */
	CHECK_EQ(fa.n, FRAME_MAX_EXTENTS);
	CHECK_EQ(fa.ext[10].base, x + 6 * PG);
	CHECK_EQ(fa.ext[10].pages, 10);
	CHECK_EQ(fa.total_pages, 16 * FRAME_MAX_EXTENTS - 6);
	CHECK_EQ(fa.free_pages, 16 * FRAME_MAX_EXTENTS - 6);

	x = MiB + 20 * 64 * PG;
	frame_reserve(&fa, x + 12 * PG, 1);         /* 12 below, 3 above: upper dropped */
	CHECK_EQ(fa.ext[20].base, x);
	CHECK_EQ(fa.ext[20].pages, 12);
	CHECK_EQ(fa.free_pages, 16 * FRAME_MAX_EXTENTS - 10);
	CHECK_EQ(fa.total_pages, fa.free_pages);
	check_invariants(&fa);

	/* Everything the allocator will still hand out avoids the reserved frames. */
	uint64_t a;
	unsigned got = 0;
	while ((a = frame_alloc(&fa, 1, 1)) != 0) {
		CHECK(a != MiB + 10 * 64 * PG + 4 * PG && a != MiB + 10 * 64 * PG + 5 * PG);
		CHECK(a != MiB + 20 * 64 * PG + 12 * PG);
		got++;
	}
	CHECK_EQ(got, 16 * FRAME_MAX_EXTENTS - 10);
}

static void test_alloc_alignment(void)
{
	struct frame_allocator fa;
	frame_init(&fa);
	CHECK_EQ(frame_add(&fa, PG, 2047), 0);      /* [4K, 8M) */
	CHECK_EQ(frame_alloc(&fa, 1, 0), PG);
	CHECK_EQ(frame_alloc(&fa, 1, 1), 2 * PG);
	CHECK_EQ(frame_alloc(&fa, 1, 4), 4 * PG);   /* 3*PG skipped, stays free */
	CHECK_EQ(frame_alloc(&fa, 512, 512), 2 * MiB);
	CHECK_EQ(frame_alloc(&fa, 1, 1), 3 * PG);
	CHECK_EQ(frame_alloc(&fa, 3, 2), 6 * PG);
	CHECK_EQ(fa.free_pages, 2047 - 1 - 1 - 1 - 512 - 1 - 3);
	check_invariants(&fa);
	/* Bad alignment, empty and impossible requests. */
	CHECK_EQ(frame_alloc(&fa, 1, 3), 0);
	CHECK_EQ(frame_alloc(&fa, 1, 6), 0);
	CHECK_EQ(frame_alloc(&fa, 0, 1), 0);
	CHECK_EQ(frame_alloc(&fa, 2048, 1), 0);
	CHECK_EQ(frame_alloc(&fa, 1, 4096), 0);    /* no 16 MiB aligned frame in [4K, 8M) */
	CHECK_EQ(frame_alloc(&fa, ~0ULL, 1), 0);
	CHECK_EQ(frame_alloc(&fa, 1, 1ULL << 63), 0);
	CHECK_EQ(frame_alloc(&fa, 1ULL << 40, 1ULL << 40), 0);
	CHECK_EQ(fa.free_pages, 2047 - 519);
	/* A 1 GiB aligned block from a big region above 4 GiB. */
	CHECK_EQ(frame_add(&fa, 4 * GiB + 5 * PG, (2 * GiB) / PG), 0);
	CHECK_EQ(frame_alloc(&fa, GiB / PG, GiB / PG), 5 * GiB);
	check_invariants(&fa);
}

static void test_fragmentation(void)
{
	struct frame_allocator fa;
	uint64_t a[100];
	frame_init(&fa);
	CHECK_EQ(frame_add(&fa, MiB, 256), 0);
	for (int i = 0; i < 100; i++) {
		a[i] = frame_alloc(&fa, 1, 1);
		CHECK_EQ(a[i], MiB + i * PG);
	}
	for (int i = 0; i < 100; i += 2)
		CHECK_EQ(frame_free(&fa, a[i], 1), 0);
	CHECK_EQ(fa.n, 51);
	CHECK_EQ(fa.free_pages, 156 + 50);
	/* Two frames only fit past the holes; a single one takes the lowest hole. */
	CHECK_EQ(frame_alloc(&fa, 2, 1), MiB + 100 * PG);
	CHECK_EQ(frame_alloc(&fa, 1, 1), MiB);
	CHECK_EQ(frame_alloc(&fa, 1, 1), MiB + 2 * PG);
	check_invariants(&fa);
	/* Freeing the odd ones closes the holes again. */
	for (int i = 1; i < 100; i += 2)
		CHECK_EQ(frame_free(&fa, a[i], 1), 0);
	CHECK_EQ(frame_free(&fa, MiB, 1), 0);
	CHECK_EQ(frame_free(&fa, MiB + 2 * PG, 1), 0);
	CHECK_EQ(frame_free(&fa, MiB + 100 * PG, 2), 0);
	CHECK_EQ(fa.n, 1);
	CHECK_EQ(fa.free_pages, 256);
	check_invariants(&fa);
}

static void test_exhaustion_and_double_free(void)
{
	struct frame_allocator fa;
	frame_init(&fa);
	CHECK_EQ(frame_add(&fa, MiB, 8), 0);
	CHECK_EQ(frame_add(&fa, 3 * MiB, 8), 0);
	CHECK_EQ(frame_alloc(&fa, 9, 1), 0);        /* no single extent fits */
	CHECK_EQ(frame_alloc(&fa, 8, 1), MiB);
	CHECK_EQ(frame_alloc(&fa, 8, 1), 3 * MiB);
	CHECK_EQ(fa.n, 0);
	CHECK_EQ(fa.free_pages, 0);
	CHECK_EQ(fa.total_pages, 16);
	CHECK_EQ(frame_alloc(&fa, 1, 1), 0);
	CHECK_EQ(frame_free(&fa, MiB, 8), 0);
	CHECK_EQ(frame_free(&fa, MiB + 4 * PG, 8), 0);   /* half double free */
	CHECK_EQ(fa.free_pages, 12);
	CHECK_EQ(frame_free(&fa, MiB + 1, 1), -1);
	CHECK_EQ(frame_free(&fa, MiB, 0), 0);
	CHECK_EQ(frame_free(&fa, LIMIT, ~0ULL), 0);
	CHECK_EQ(fa.free_pages, 12);
	check_invariants(&fa);
}

/* With the table full, an aligned block that would split an extent is avoided. */
static void test_alloc_table_full(void)
{
	struct frame_allocator fa;
	fill_table(&fa);
	frame_reserve(&fa, MiB, 1);                 /* extent 0 is now [MiB+4K, MiB+64K) */
	CHECK_EQ(fa.n, FRAME_MAX_EXTENTS);
	/* Lowest aligned block MiB+16K would split; the top one ends flush. */
	CHECK_EQ(frame_alloc(&fa, 4, 4), MiB + 12 * PG);
	CHECK_EQ(fa.n, FRAME_MAX_EXTENTS);
	/* Neither end of [MiB+4K, MiB+48K) works for 2 frames at 8: next extent. */
	CHECK_EQ(frame_alloc(&fa, 2, 8), MiB + 64 * PG);
	CHECK_EQ(fa.free_pages, 16 * FRAME_MAX_EXTENTS - 1 - 4 - 2);
	check_invariants(&fa);

	/* With a slot to spare the lowest aligned block wins again. */
	frame_reserve(&fa, MiB + 5 * 64 * PG, 16);  /* drops a whole extent */
	CHECK_EQ(fa.n, FRAME_MAX_EXTENTS - 1);
	CHECK_EQ(frame_alloc(&fa, 2, 4), MiB + 4 * PG);
	CHECK_EQ(fa.n, FRAME_MAX_EXTENTS);
	check_invariants(&fa);
}

static uint64_t rnd(uint64_t n)
{
	return (uint64_t)rand() % n;
}

/* The create/destroy loop: alloc a lot, free in random order, back to one extent. */
static void test_coalesce_random_order(void)
{
	struct frame_allocator fa;
	struct { uint64_t base, pages; } blk[300];
	frame_init(&fa);
	CHECK_EQ(frame_add(&fa, 0, 64 * 1024), 0);  /* 256 MiB less page 0 */
	frame_reserve(&fa, 16 * MiB, 256);          /* an image in the middle */
	const struct frame_allocator start = fa;
	srand(777);
	for (int round = 0; round < 50; round++) {
		unsigned n = 0;
		while (n < 300) {
			uint64_t pages = rnd(4) == 0 ? 512 * (1 + rnd(4)) : 1 + rnd(40);
			uint64_t align = 1ULL << rnd(10);
			uint64_t a = frame_alloc(&fa, pages, align);
			if (!a)
				break;
			CHECK_EQ(a % (align * PG), 0);
			blk[n].base = a;
			blk[n].pages = pages;
			n++;
		}
		CHECK(n > 10);
		check_invariants(&fa);
		for (unsigned i = n; i > 1; i--) {     /* shuffle */
			unsigned j = (unsigned)rnd(i);
			uint64_t tb = blk[i - 1].base, tp = blk[i - 1].pages;
			blk[i - 1] = blk[j];
			blk[j].base = tb;
			blk[j].pages = tp;
		}
		for (unsigned i = 0; i < n; i++)
			CHECK_EQ(frame_free(&fa, blk[i].base, blk[i].pages), 0);
		CHECK_EQ(fa.n, start.n);
		CHECK_EQ(fa.free_pages, start.free_pages);
		CHECK_EQ(fa.total_pages, start.total_pages);
		CHECK(memcmp(fa.ext, start.ext, start.n * sizeof(fa.ext[0])) == 0);
	}
	CHECK_EQ(fa.n, 2);
	CHECK_EQ(fa.free_pages, 64 * 1024 - 1 - 256);
}

/* Random operations against a frame bitmap; table stays below its size. */
#define MODEL_FRAMES 400
static void test_against_model(void)
{
	struct frame_allocator fa;
	unsigned char free_map[MODEL_FRAMES] = { 0 };
	struct { uint64_t first, pages; } live[MODEL_FRAMES];
	unsigned nlive = 0;
	frame_init(&fa);
	srand(4242);
	for (int step = 0; step < 20000; step++) {
		int op = (int)rnd(10);
		uint64_t first = rnd(MODEL_FRAMES), pages = 1 + rnd(24);
		if (first + pages > MODEL_FRAMES)
			pages = MODEL_FRAMES - first;
		if (op == 0) {
			CHECK_EQ(frame_add(&fa, first * PG, pages), 0);
			for (uint64_t f = first; f < first + pages; f++)
				free_map[f] = f != 0;
		} else if (op == 1) {
			frame_reserve(&fa, first * PG, pages);
			for (uint64_t f = first; f < first + pages; f++)
				free_map[f] = 0;
			/* Live blocks inside stay allocated; that is fine. */
		} else if (op < 6) {
			uint64_t align = 1ULL << rnd(5), want = 0;
			for (uint64_t f = align; f + pages <= MODEL_FRAMES && !want; f += align) {
				uint64_t k = 0;
				while (k < pages && free_map[f + k])
					k++;
				if (k == pages)
					want = f;
			}
			uint64_t a = frame_alloc(&fa, pages, align);
			CHECK_EQ(a, want * PG);
			if (a) {
				for (uint64_t f = want; f < want + pages; f++)
					free_map[f] = 0;
				live[nlive].first = want;
				live[nlive].pages = pages;
				nlive++;
			}
		} else if (nlive) {
			unsigned i = (unsigned)rnd(nlive);
			CHECK_EQ(frame_free(&fa, live[i].first * PG, live[i].pages), 0);
			for (uint64_t f = live[i].first; f < live[i].first + live[i].pages; f++)
				free_map[f] = 1;
			live[i] = live[--nlive];
		}
		unsigned char seen[MODEL_FRAMES] = { 0 };
		for (unsigned i = 0; i < fa.n; i++)
			for (uint64_t k = 0; k < fa.ext[i].pages; k++) {
				uint64_t f = fa.ext[i].base / PG + k;
				if (f < MODEL_FRAMES)
					seen[f] = 1;
			}
		uint64_t count = 0;
		unsigned mismatches = 0;
		for (uint64_t f = 0; f < MODEL_FRAMES; f++) {
			count += free_map[f];
			mismatches += seen[f] != free_map[f];
		}
		CHECK_EQ(mismatches, 0);
		CHECK_EQ(fa.free_pages, count);
		check_invariants(&fa);
		if (check_failed_)
			return;
	}
}

int main(void)
{
	RUN(test_init);
	RUN(test_page_zero_never_free);
	RUN(test_add_merges);
	RUN(test_add_arguments);
	RUN(test_table_full);
	RUN(test_reserve);
	RUN(test_reserve_table_full);
	RUN(test_alloc_alignment);
	RUN(test_fragmentation);
	RUN(test_exhaustion_and_double_free);
	RUN(test_alloc_table_full);
	RUN(test_coalesce_random_order);
	RUN(test_against_model);
	return CHECK_EXIT();
}
