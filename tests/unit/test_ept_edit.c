/*
 * Host tests for the EPT builder, part two: changing and refusing maps over
 * simulated physical memory (tests/unit/ept_sim.h): permissions, overlaps,
 * bad arguments, running out of table pages, a bogus table page, unmapping,
 * partial tables, random ranges, and decoding EPT-violation qualifications.
 */
#include "ept_sim.h"

static void test_permissions(void)
{
	struct ept e;
	start(&e);
	CHECK_EQ(ept_map_range(&e, 0, 0x600000, 2 * MiB, EPT_PERM_R, true, true), 0);
	CHECK_EQ(ept_map_range(&e, 2 * MiB, 0x300000, 8 * PAGE, EPT_PERM_R | EPT_PERM_X, true, true), 0);
	CHECK_EQ(ept_map_range(&e, 4 * MiB, 0x400000, 2 * MiB, EPT_PERM_R | EPT_PERM_W, true, true), 0);
	CHECK_EQ(ept_map_range(&e, 8 * MiB, 0x800000, PAGE, EPT_PERM_X, true, true), 0); /* execute-only */
	check_leaf(&e, 0, 1, 0x600000, EPT_PERM_R);
	check_leaf(&e, 2 * MiB, 0, 0x300000, EPT_PERM_R | EPT_PERM_X);
	check_leaf(&e, 4 * MiB, 1, 0x400000, EPT_PERM_R | EPT_PERM_W);
	check_leaf(&e, 8 * MiB, 0, 0x800000, EPT_PERM_X);
	check_every_page(&e, 2 * MiB, 0x300000, 8 * PAGE, EPT_PERM_R | EPT_PERM_X);
	unsigned p = 0;
	CHECK(ept_translate(&e, 4 * MiB + 0x5000, NULL, &p));
	CHECK_EQ(p, EPT_PERM_R | EPT_PERM_W);

	/* Rejected: no access, write without read, unknown bits. */
	unsigned long pages = e.table_pages;
	CHECK_EQ(ept_map_range(&e, 16 * MiB, 0, PAGE, 0, true, true), -1);
	CHECK_EQ(ept_map_range(&e, 16 * MiB, 0, PAGE, EPT_PERM_W, true, true), -1);
	CHECK_EQ(ept_map_range(&e, 16 * MiB, 0, PAGE, EPT_PERM_W | EPT_PERM_X, true, true), -1);
	CHECK_EQ(ept_map_range(&e, 16 * MiB, 0, PAGE, EPT_PERM_RWX | 8, true, true), -1);
	CHECK(!ept_translate(&e, 16 * MiB, NULL, NULL));
	CHECK_EQ(e.table_pages, pages);
	finish(&e);
}

static void test_overlap_rejected(void)
{
	struct ept e;
	start(&e);
	CHECK_EQ(ept_map_range(&e, 0, 0x1000000, 4 * MiB, EPT_PERM_RWX, true, true), 0);
	CHECK_EQ(ept_map_range(&e, 8 * MiB, 0x2000000, PAGE, EPT_PERM_R, true, true), 0);
	uint64_t pages = e.table_pages;

	/* Overlapping the tail of a 2 MiB leaf: refused before anything is written. */
	CHECK_EQ(ept_map_range(&e, 2 * MiB, 0x3000000, 4 * MiB, EPT_PERM_RWX, true, true), -1);
	CHECK(!ept_translate(&e, 4 * MiB, NULL, NULL));
	CHECK(!ept_translate(&e, 6 * MiB - PAGE, NULL, NULL));
	/* A 4 KiB range inside a 2 MiB leaf. */
	CHECK_EQ(ept_map_range(&e, 0x123000, 0x3000000, PAGE, EPT_PERM_RWX, true, true), -1);
	/* A large range that hides one 4 KiB page in its middle. */
	CHECK_EQ(ept_map_range(&e, 6 * MiB, 0x3000000, 4 * MiB, EPT_PERM_RWX, true, true), -1);
	CHECK(!ept_translate(&e, 6 * MiB, NULL, NULL));
	/* Exactly the same range again. */
	CHECK_EQ(ept_map_range(&e, 8 * MiB, 0x2000000, PAGE, EPT_PERM_R, true, true), -1);
	CHECK_EQ(e.table_pages, pages);

	/* Existing translations are untouched. */
	uint64_t hpa;
	unsigned p;
	CHECK(ept_translate(&e, 2 * MiB, &hpa, &p));
	CHECK_EQ(hpa, 0x1200000);
	CHECK_EQ(p, EPT_PERM_RWX);
	CHECK(ept_translate(&e, 8 * MiB, &hpa, &p));
	CHECK_EQ(hpa, 0x2000000);
	CHECK_EQ(p, EPT_PERM_R);

	/* A conflict far into the range: refused before any table is allocated. */
	CHECK_EQ(ept_map_range(&e, GiB + 4 * MiB, 0x5000000, PAGE, EPT_PERM_R, true, true), 0);
	pages = e.table_pages;
	CHECK_EQ(ept_map_range(&e, GiB - PAGE, 0x6000000 - PAGE, 8 * MiB, EPT_PERM_RWX, true, true), -1);
	CHECK_EQ(e.table_pages, pages);
	CHECK_EQ(sim.live, pages);
	CHECK(!ept_translate(&e, GiB - PAGE, NULL, NULL));
	CHECK(!ept_translate(&e, GiB, NULL, NULL));

	/* Exactly adjacent on both sides is fine. */
	CHECK_EQ(ept_map_range(&e, 4 * MiB, 0x3000000, 4 * MiB, EPT_PERM_RWX, true, true), 0);
	CHECK_EQ(ept_map_range(&e, 8 * MiB + PAGE, 0x4000000, PAGE, EPT_PERM_RWX, true, true), 0);
	check_every_page(&e, 4 * MiB, 0x3000000, 4 * MiB, EPT_PERM_RWX);
	finish(&e);
}

static void test_bad_arguments(void)
{
	struct ept e;
	start(&e);
	CHECK_EQ(ept_map_range(&e, 0x800, 0, PAGE, EPT_PERM_RWX, true, true), -1);
	CHECK_EQ(ept_map_range(&e, 0, 0x800, PAGE, EPT_PERM_RWX, true, true), -1);
	CHECK_EQ(ept_map_range(&e, 0, 0, 0x800, EPT_PERM_RWX, true, true), -1);
	CHECK_EQ(ept_map_range(&e, 1ULL << 48, 0, PAGE, EPT_PERM_RWX, true, true), -1);
	CHECK_EQ(ept_map_range(&e, (1ULL << 48) - PAGE, 0, 2 * PAGE, EPT_PERM_RWX, true, true), -1);
	CHECK_EQ(ept_map_range(&e, ~0ULL - PAGE + 1, 0, 2 * PAGE, EPT_PERM_RWX, true, true), -1);
	CHECK_EQ(ept_map_range(&e, 0, 1ULL << 52, PAGE, EPT_PERM_RWX, true, true), -1);
	CHECK_EQ(ept_map_range(&e, 0, (1ULL << 52) - PAGE, 2 * PAGE, EPT_PERM_RWX, true, true), -1);
	CHECK_EQ(ept_map_range(&e, 0, ~0ULL - PAGE + 1, 2 * PAGE, EPT_PERM_RWX, true, true), -1);
	CHECK_EQ(ept_map_range(&e, 0, 0, ~0ULL - PAGE + 1, EPT_PERM_RWX, true, true), -1);
	CHECK_EQ(e.table_pages, 1);
	/* An empty range maps nothing and succeeds. */
	CHECK_EQ(ept_map_range(&e, 0, 0, 0, EPT_PERM_RWX, true, true), 0);
	CHECK(!ept_translate(&e, 0, NULL, NULL));
	CHECK_EQ(e.table_pages, 1);
	finish(&e);

	/* After destroy (and before init) everything refuses. */
	CHECK_EQ(ept_map_range(&e, 0, 0, PAGE, EPT_PERM_RWX, true, true), -1);
	CHECK_EQ(ept_unmap_range(&e, 0, PAGE), -1);
	CHECK(!ept_translate(&e, 0, NULL, NULL));
	ept_destroy(&e);                  /* twice is harmless */
	CHECK_EQ(sim.bad_frees, 0);
}

static void test_out_of_table_pages(void)
{
	struct ept e;
	sim_reset();
	sim.budget = 0;
	CHECK_EQ(ept_init(&e, &env), -1);
	CHECK_EQ(e.pml4_pa, 0);
	CHECK_EQ(e.table_pages, 0);

	/* Room for PML4, PDPT, PD but not the PT a 4 KiB page needs. */
	sim_reset();
	sim.budget = 3;
	CHECK_EQ(ept_init(&e, &env), 0);
	CHECK_EQ(ept_map_range(&e, 0x1000, 0x1000, PAGE, EPT_PERM_RWX, true, true), -1);
	CHECK(!ept_translate(&e, 0x1000, NULL, NULL));
	CHECK_EQ(e.table_pages, sim.live);
	/* A 2 MiB leaf needs no PT, so it still fits. */
	CHECK_EQ(ept_map_range(&e, 2 * MiB, 2 * MiB, 2 * MiB, EPT_PERM_RWX, true, true), 0);
	check_leaf(&e, 2 * MiB, 1, 2 * MiB, EPT_PERM_RWX);

	/* Running out half way leaves nothing of the new range mapped. */
	sim.budget = 1;
	CHECK_EQ(ept_map_range(&e, 8 * MiB, 0x5000000, 4 * MiB, EPT_PERM_RWX, false, false), -1);
	unsigned mapped = 0;
	for (uint64_t g = 8 * MiB; g < 12 * MiB; g += PAGE)
		mapped += ept_translate(&e, g, NULL, NULL);
	CHECK_EQ(mapped, 0);
	CHECK_EQ(e.table_pages, sim.live);
	check_leaf(&e, 2 * MiB, 1, 2 * MiB, EPT_PERM_RWX);
	/* With pages again the same call works, reusing the table already made. */
	sim.budget = 1;
	CHECK_EQ(ept_map_range(&e, 8 * MiB, 0x5000000, 4 * MiB, EPT_PERM_RWX, false, false), 0);
	check_every_page(&e, 8 * MiB, 0x5000000, 4 * MiB, EPT_PERM_RWX);
	finish(&e);
}

/* An allocator returning an unusable address counts as out of memory. */
static void test_bogus_table_page(void)
{
	struct ept e;
	sim_reset();
	sim.bogus_pa = SIM_BASE + 0x10;
	CHECK_EQ(ept_init(&e, &env), -1);
	CHECK_EQ(sim.bad_frees, 1);       /* given back, which the pool flags as foreign */
	sim_reset();
	CHECK_EQ(ept_init(&e, &env), 0);
	sim.bogus_pa = 1ULL << 52;
	CHECK_EQ(ept_map_range(&e, 0, 0, PAGE, EPT_PERM_RWX, true, true), -1);
	CHECK_EQ(e.table_pages, sim.live);
	sim.bad_frees = 0;
	finish(&e);
}

static void test_unmap(void)
{
	struct ept e;
	start(&e);
	CHECK_EQ(ept_map_range(&e, 0, 0x1000000, 4 * MiB, EPT_PERM_RWX, true, true), 0);
	CHECK_EQ(ept_map_range(&e, 4 * MiB, 0x2000000, 16 * PAGE, EPT_PERM_RWX, true, true), 0);

	/* Part of a 2 MiB leaf would need a split: refused, nothing changes. */
	CHECK_EQ(ept_unmap_range(&e, 0x100000, PAGE), -1);
	CHECK_EQ(ept_unmap_range(&e, 0, MiB), -1);
	CHECK_EQ(ept_unmap_range(&e, MiB, 2 * MiB), -1);
	CHECK_EQ(ept_unmap_range(&e, 3 * MiB, 2 * MiB), -1);
	CHECK(ept_translate(&e, 0x100000, NULL, NULL));
	CHECK(ept_translate(&e, 4 * MiB, NULL, NULL));
	/* Misaligned or out of range. */
	CHECK_EQ(ept_unmap_range(&e, 0x800, PAGE), -1);
	CHECK_EQ(ept_unmap_range(&e, 0, 0x800), -1);
	CHECK_EQ(ept_unmap_range(&e, 1ULL << 48, PAGE), -1);

	/* 4 KiB pages in the middle, with holes in the range. */
	CHECK_EQ(ept_unmap_range(&e, 4 * MiB + 4 * PAGE, 64 * PAGE), 0);
	for (unsigned i = 0; i < 16; i++)
		CHECK_EQ(ept_translate(&e, 4 * MiB + i * PAGE, NULL, NULL), i < 4);
	/* A whole 2 MiB leaf. */
	CHECK_EQ(ept_unmap_range(&e, 2 * MiB, 2 * MiB), 0);
	CHECK(!ept_translate(&e, 2 * MiB, NULL, NULL));
	CHECK(ept_translate(&e, 2 * MiB - 1, NULL, NULL));
	/* Unmapping nothing succeeds. */
	CHECK_EQ(ept_unmap_range(&e, GiB, GiB), 0);

	/* Its space can be mapped again, by a new owner. */
	CHECK_EQ(ept_map_range(&e, 2 * MiB, 0x7000000, 2 * MiB, EPT_PERM_R, true, true), 0);
	check_leaf(&e, 2 * MiB, 1, 0x7000000, EPT_PERM_R);

	/* Empty the 4 KiB table, then a 2 MiB leaf takes its place and the PT is freed. */
	uint64_t before = e.table_pages;
	CHECK_EQ(ept_unmap_range(&e, 4 * MiB, 2 * MiB), 0);
	CHECK_EQ(e.table_pages, before);
	CHECK_EQ(ept_map_range(&e, 4 * MiB, 0x8000000, 2 * MiB, EPT_PERM_RWX, true, true), 0);
	CHECK_EQ(e.table_pages, before - 1);
	check_leaf(&e, 4 * MiB, 1, 0x8000000, EPT_PERM_RWX);
	CHECK_EQ(sim.live, e.table_pages);
	finish(&e);
}

/* A table still holding a page: new pages share it, a large leaf goes beside it. */
static void test_map_around_partial_table(void)
{
	struct ept e;
	start(&e);
	CHECK_EQ(ept_map_range(&e, 2 * MiB + 0x10000, 0x9010000, PAGE, EPT_PERM_R, true, true), 0);
	CHECK_EQ(e.table_pages, 4);
	CHECK_EQ(ept_map_range(&e, 0, 0x8000000, 2 * MiB + 0x10000, EPT_PERM_RWX, true, true), 0);
	CHECK_EQ(ept_map_range(&e, 2 * MiB + 0x11000, 0x8211000, 4 * MiB - 0x11000, EPT_PERM_RWX, true, true), 0);
	CHECK_EQ(e.table_pages, 4);
	check_leaf(&e, 0, 1, 0x8000000, EPT_PERM_RWX);
	check_leaf(&e, 2 * MiB, 0, 0x8200000, EPT_PERM_RWX);
	check_leaf(&e, 2 * MiB + 0x10000, 0, 0x9010000, EPT_PERM_R);
	check_leaf(&e, 4 * MiB - PAGE, 0, 0x8400000 - PAGE, EPT_PERM_RWX);
	check_leaf(&e, 4 * MiB, 1, 0x8400000, EPT_PERM_RWX);
	check_every_page(&e, 0, 0x8000000, 2 * MiB + 0x10000, EPT_PERM_RWX);
	check_every_page(&e, 2 * MiB + 0x11000, 0x8211000, 4 * MiB - 0x11000, EPT_PERM_RWX);
	finish(&e);
}

/* Random disjoint ranges against a reference list. */
static void test_random_ranges(void)
{
	struct ept e;
	struct { uint64_t gpa, hpa, size; unsigned perms; } r[24];
	unsigned n = 0;
	static const unsigned perm_choices[] = { EPT_PERM_R, EPT_PERM_R | EPT_PERM_W,
		EPT_PERM_R | EPT_PERM_X, EPT_PERM_RWX };
	srand(12345);
	for (int round = 0; round < 20; round++) {
		start(&e);
		n = 0;
		uint64_t gpa = (uint64_t)(rand() % 64) * PAGE;
		while (n < 24) {
			uint64_t size = (rand() % 3 == 0) ? (uint64_t)(rand() % 8 + 1) * 2 * MiB
			                                  : (uint64_t)(rand() % 700 + 1) * PAGE;
			uint64_t hpa = (uint64_t)(rand() % 4096) * 2 * MiB + ((rand() & 1) ? gpa % (2 * MiB) : 0);
			unsigned perms = perm_choices[rand() % 4];
			CHECK_EQ(ept_map_range(&e, gpa, hpa, size, perms, true, true), 0);
			r[n].gpa = gpa; r[n].hpa = hpa; r[n].size = size; r[n].perms = perms;
			n++;
			gpa += size + (uint64_t)(rand() % 3) * PAGE * (rand() % 600);
		}
		for (unsigned i = 0; i < n; i++) {
			check_every_page(&e, r[i].gpa, r[i].hpa, r[i].size, r[i].perms);
			if (i + 1 < n && r[i].gpa + r[i].size < r[i + 1].gpa)
				CHECK(!ept_translate(&e, r[i].gpa + r[i].size, NULL, NULL));
			/* Any overlap with an existing range is refused. */
			CHECK_EQ(ept_map_range(&e, r[i].gpa + r[i].size - PAGE, 0, 2 * PAGE, EPT_PERM_R,
			                       true, true), -1);
		}
		finish(&e);
	}
}

static void test_violation_qualification(void)
{
	uint64_t q = EPT_QUAL_WRITE | EPT_QUAL_GPA_READABLE | EPT_QUAL_GPA_EXECUTABLE |
	             EPT_QUAL_GLA_VALID | EPT_QUAL_GLA_TRANSLATED;
	CHECK(!ept_qual_is_read(q));
	CHECK(ept_qual_is_write(q));
	CHECK(!ept_qual_is_fetch(q));
	CHECK_EQ(ept_qual_access(q), EPT_PERM_W);
	CHECK_EQ(ept_qual_gpa_perms(q), EPT_PERM_R | EPT_PERM_X);
	CHECK(!ept_qual_not_present(q));
	CHECK(ept_qual_gla_valid(q));
	CHECK(!ept_qual_nmi_unblocking(q));

	q = 0x4;                           /* fetch from an unmapped page */
	CHECK(ept_qual_is_fetch(q));
	CHECK_EQ(ept_qual_access(q), EPT_PERM_X);
	CHECK(ept_qual_not_present(q));
	CHECK(!ept_qual_gla_valid(q));

	q = 0x1009;                        /* read of a readable page, NMI unblocking */
	CHECK(ept_qual_is_read(q));
	CHECK_EQ(ept_qual_gpa_perms(q), EPT_PERM_R);
	CHECK(ept_qual_nmi_unblocking(q));
	CHECK_EQ(ept_qual_gpa_perms(0x38), EPT_PERM_RWX);
	CHECK_EQ(ept_qual_gpa_perms(0x40), 0);   /* user-execute only is not R/W/X */
}

int main(void)
{
	sim.mem = aligned_alloc(PAGE, SIM_PAGES * PAGE);
	if (!sim.mem)
		return 2;
	RUN(test_permissions);
	RUN(test_overlap_rejected);
	RUN(test_bad_arguments);
	RUN(test_out_of_table_pages);
	RUN(test_bogus_table_page);
	RUN(test_unmap);
	RUN(test_map_around_partial_table);
	RUN(test_random_ranges);
	RUN(test_violation_qualification);
	free(sim.mem);
	return CHECK_EXIT();
}
