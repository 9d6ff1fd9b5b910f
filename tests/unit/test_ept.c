/*
 * Host tests for the EPT builder over simulated physical memory: table pages
 * come from an aligned host buffer posing as physical memory at SIM_BASE, so
 * the tests can walk the tables the way the processor would and check every
 * entry bit, the page sizes chosen, and that every page is given back.
 */
#include <stdlib.h>
#include <string.h>

#include "ept/ept.h"
#include "hw/ept.h"
#include "check.h"

#define SIM_BASE   0x100000ULL      /* "physical" address of the first pool page */
#define SIM_PAGES  4096
#define PAGE       4096ULL
#define MiB        (1ULL << 20)
#define GiB        (1ULL << 30)

struct sim {
	uint8_t *mem;
	unsigned char used[SIM_PAGES];
	unsigned live, allocs, frees, bad_frees;
	long budget;                /* pages still allowed; < 0 means unlimited */
	uint64_t bogus_pa;          /* when non-zero, handed out once instead of a page */
};

static struct sim sim;

static uint64_t sim_alloc(void *ctx)
{
	struct sim *s = ctx;
	if (s->bogus_pa) {
		uint64_t pa = s->bogus_pa;
		s->bogus_pa = 0;
		return pa;
	}
	if (s->budget == 0)
		return 0;
	for (unsigned i = 0; i < SIM_PAGES; i++) {
		if (s->used[i])
			continue;
		s->used[i] = 1;
		s->live++;
		s->allocs++;
		if (s->budget > 0)
			s->budget--;
		/* Dirty it: the builder must not rely on the allocator zeroing. */
		memset(s->mem + i * PAGE, 0xa5, PAGE);
		return SIM_BASE + i * PAGE;
	}
	return 0;
}

static void sim_free(void *ctx, uint64_t pa)
{
	struct sim *s = ctx;
	uint64_t i = (pa - SIM_BASE) / PAGE;
	if (pa < SIM_BASE || (pa & (PAGE - 1)) || i >= SIM_PAGES || !s->used[i]) {
		s->bad_frees++;
		return;
	}
	s->used[i] = 0;
	s->live--;
	s->frees++;
}

static void *sim_virt(void *ctx, uint64_t pa)
{
	struct sim *s = ctx;
	if (pa < SIM_BASE || pa - SIM_BASE >= SIM_PAGES * PAGE) {
		fprintf(stderr, "phys_to_virt(0x%llx) outside the pool\n", (unsigned long long)pa);
		abort();
	}
	return s->mem + (pa - SIM_BASE);
}

static const struct ept_env env = { sim_alloc, sim_free, sim_virt, &sim };

static void sim_reset(void)
{
	uint8_t *mem = sim.mem;
	memset(&sim, 0, sizeof(sim));
	sim.mem = mem;
	sim.budget = -1;
}

/* Walk like the processor: the leaf entry for gpa and its level, or -1. */
static int hw_walk(const struct ept *e, uint64_t gpa, uint64_t *leaf)
{
	uint64_t table = e->pml4_pa;
	for (int level = EPT_LEVELS - 1; level >= 0; level--) {
		uint64_t entry = ((uint64_t *)sim_virt(&sim, table))[EPT_INDEX(gpa, level)];
		if (!(entry & EPT_RWX))
			return -1;
		if (level == 0 || (entry & EPT_PAGE_SIZE)) {
			*leaf = entry;
			return level;
		}
		/* Non-leaf: full permissions, no memory type, no reserved bits. */
		CHECK_EQ(entry & ~EPT_ADDR_MASK, EPT_RWX);
		table = entry & EPT_ADDR_MASK;
	}
	return -1;
}

/* Check the leaf for gpa: its level, WB type, IPAT clear, perms, address. */
static void check_leaf(const struct ept *e, uint64_t gpa, int level, uint64_t hpa, unsigned perms)
{
	uint64_t leaf = 0;
	int got = hw_walk(e, gpa, &leaf);
	CHECK_EQ(got, level);
	if (got < 0)
		return;
	CHECK_EQ((leaf & EPT_MEMTYPE_MASK) >> EPT_MEMTYPE_SHIFT, EPT_MT_WB);
	CHECK(!(leaf & EPT_IGNORE_PAT));
	CHECK_EQ(leaf & EPT_RWX, perms);
	CHECK_EQ(!!(leaf & EPT_PAGE_SIZE), level > 0);
	uint64_t size = EPT_LEVEL_SIZE(level);
	CHECK_EQ(leaf & EPT_ADDR_MASK, (hpa & ~(size - 1)) & EPT_ADDR_MASK);
	CHECK_EQ(leaf & ~EPT_ADDR_MASK & ~(EPT_RWX | EPT_MEMTYPE_MASK | EPT_PAGE_SIZE), 0);
}

/* ept_translate for every 4 KiB page (plus an odd offset) of a mapped range. */
static void check_every_page(const struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t size, unsigned perms)
{
	unsigned bad = 0;
	for (uint64_t off = 0; off < size; off += PAGE) {
		uint64_t got = 0;
		unsigned p = 0;
		if (!ept_translate(e, gpa + off + 0x123, &got, &p) || got != hpa + off + 0x123 || p != perms)
			bad++;
	}
	CHECK_EQ(bad, 0);
}

static void start(struct ept *e)
{
	sim_reset();
	CHECK_EQ(ept_init(e, &env), 0);
	CHECK_EQ(e->table_pages, 1);
}

static void finish(struct ept *e)
{
	CHECK_EQ(e->table_pages, sim.live);
	ept_destroy(e);
	CHECK_EQ(sim.live, 0);
	CHECK_EQ(sim.bad_frees, 0);
	CHECK_EQ(sim.frees, sim.allocs);
	CHECK_EQ(e->table_pages, 0);
	CHECK_EQ(e->pml4_pa, 0);
}

static void test_init_and_eptp(void)
{
	struct ept e;
	start(&e);
	CHECK(e.pml4_pa >= SIM_BASE);
	CHECK_EQ(e.pml4_pa & (PAGE - 1), 0);
	uint64_t eptp = ept_eptp(&e);
	CHECK_EQ(eptp & EPTP_MEMTYPE_MASK, 6);
	CHECK_EQ((eptp & EPTP_PWL_MASK) >> EPTP_PWL_SHIFT, 3);
	CHECK(!(eptp & EPTP_AD_ENABLE));
	CHECK_EQ(eptp & EPTP_ADDR_MASK, e.pml4_pa);
	CHECK_EQ(eptp, e.pml4_pa | 0x1e);
	/* The root was dirtied by the allocator and must have been cleared. */
	CHECK(!ept_translate(&e, 0, NULL, NULL));
	for (unsigned i = 0; i < EPT_ENTRIES; i++)
		CHECK_EQ(((uint64_t *)sim_virt(&sim, e.pml4_pa))[i], 0);
	finish(&e);
}

static void test_2m_leaves(void)
{
	struct ept e;
	start(&e);
	CHECK_EQ(ept_map_range(&e, 0, 0x4000000, 32 * MiB, EPT_PERM_RWX, true, true), 0);
	CHECK_EQ(e.table_pages, 3);       /* PML4 + PDPT + PD */
	for (uint64_t g = 0; g < 32 * MiB; g += 2 * MiB)
		check_leaf(&e, g, 1, 0x4000000 + g, EPT_PERM_RWX);
	check_every_page(&e, 0, 0x4000000, 32 * MiB, EPT_PERM_RWX);
	finish(&e);
}

static void test_1g_leaves(void)
{
	struct ept e;
	start(&e);
	CHECK_EQ(ept_map_range(&e, 0, 4 * GiB, 4 * GiB, EPT_PERM_RWX, true, true), 0);
	CHECK_EQ(e.table_pages, 2);       /* PML4 + PDPT */
	for (uint64_t g = 0; g < 4 * GiB; g += GiB)
		check_leaf(&e, g, 2, 4 * GiB + g, EPT_PERM_RWX);
	uint64_t hpa = 0;
	CHECK(ept_translate(&e, 3 * GiB + 0x12345678, &hpa, NULL));
	CHECK_EQ(hpa, 7 * GiB + 0x12345678);
	CHECK(ept_translate(&e, 4 * GiB - 1, &hpa, NULL));
	CHECK_EQ(hpa, 8 * GiB - 1);
	CHECK(!ept_translate(&e, 4 * GiB, &hpa, NULL));
	finish(&e);
}

/* 1 GiB, then 2 MiB, then 4 KiB leaves as the remaining size shrinks. */
static void test_mixed_sizes(void)
{
	struct ept e;
	start(&e);
	uint64_t size = GiB + 4 * MiB + 2 * PAGE;
	CHECK_EQ(ept_map_range(&e, GiB, 2 * GiB, size, EPT_PERM_RWX, true, true), 0);
	CHECK_EQ(e.table_pages, 4);       /* PML4 + PDPT + PD + PT */
	check_leaf(&e, GiB, 2, 2 * GiB, EPT_PERM_RWX);
	check_leaf(&e, 2 * GiB, 1, 3 * GiB, EPT_PERM_RWX);
	check_leaf(&e, 2 * GiB + 2 * MiB, 1, 3 * GiB + 2 * MiB, EPT_PERM_RWX);
	check_leaf(&e, 2 * GiB + 4 * MiB, 0, 3 * GiB + 4 * MiB, EPT_PERM_RWX);
	check_leaf(&e, 2 * GiB + 4 * MiB + PAGE, 0, 3 * GiB + 4 * MiB + PAGE, EPT_PERM_RWX);
	check_every_page(&e, GiB, 2 * GiB, size, EPT_PERM_RWX);
	CHECK(!ept_translate(&e, GiB + size, NULL, NULL));
	CHECK(!ept_translate(&e, GiB - PAGE, NULL, NULL));
	finish(&e);
}

/* Large leaves need gpa and hpa aligned alike. */
static void test_hpa_alignment_limits_leaf_size(void)
{
	struct ept e;
	start(&e);
	/* gpa 1 GiB aligned, hpa only 2 MiB aligned: 2 MiB leaves. */
	CHECK_EQ(ept_map_range(&e, GiB, 0x40200000 + GiB, GiB, EPT_PERM_RWX, true, true), 0);
	CHECK_EQ(e.table_pages, 3);
	check_leaf(&e, GiB, 1, 0x40200000 + GiB, EPT_PERM_RWX);
	check_leaf(&e, 2 * GiB - 2 * MiB, 1, 0x40200000 + 2 * GiB - 2 * MiB, EPT_PERM_RWX);
	/* hpa only 4 KiB aligned: 4 KiB leaves (two page tables for 4 MiB). */
	CHECK_EQ(ept_map_range(&e, 4 * GiB, 0x1000, 4 * MiB, EPT_PERM_RWX, true, true), 0);
	CHECK_EQ(e.table_pages, 3 + 1 + 2);
	check_leaf(&e, 4 * GiB, 0, 0x1000, EPT_PERM_RWX);
	check_every_page(&e, 4 * GiB, 0x1000, 4 * MiB, EPT_PERM_RWX);
	finish(&e);
}

/* A misaligned range: 4 KiB pages at the edges, 2 MiB in between. */
static void test_misaligned_edges(void)
{
	struct ept e;
	start(&e);
	uint64_t gpa = 0x1ff000, hpa = 0x81ff000, size = 0x402000;
	CHECK_EQ(ept_map_range(&e, gpa, hpa, size, EPT_PERM_RWX, true, true), 0);
	CHECK_EQ(e.table_pages, 5);       /* PML4, PDPT, PD, a PT at each edge */
	check_leaf(&e, 0x1ff000, 0, 0x81ff000, EPT_PERM_RWX);
	check_leaf(&e, 0x200000, 1, 0x8200000, EPT_PERM_RWX);
	check_leaf(&e, 0x400000, 1, 0x8400000, EPT_PERM_RWX);
	check_leaf(&e, 0x600000, 0, 0x8600000, EPT_PERM_RWX);
	check_every_page(&e, gpa, hpa, size, EPT_PERM_RWX);
	CHECK(!ept_translate(&e, 0x1fe000, NULL, NULL));
	CHECK(!ept_translate(&e, 0x601000, NULL, NULL));
	finish(&e);
}

static void test_flags_forbid_large(void)
{
	struct ept e;
	start(&e);
	/* No 1 GiB: 2 MiB leaves. */
	CHECK_EQ(ept_map_range(&e, 0, 0, GiB, EPT_PERM_RWX, true, false), 0);
	CHECK_EQ(e.table_pages, 3);
	check_leaf(&e, 0, 1, 0, EPT_PERM_RWX);
	/* Neither: 4 KiB leaves even though everything is 2 MiB aligned. */
	CHECK_EQ(ept_map_range(&e, 2 * GiB, 2 * GiB, 4 * MiB, EPT_PERM_RWX, false, false), 0);
	CHECK_EQ(e.table_pages, 3 + 1 + 2);
	check_leaf(&e, 2 * GiB, 0, 2 * GiB, EPT_PERM_RWX);
	check_every_page(&e, 2 * GiB, 2 * GiB, 4 * MiB, EPT_PERM_RWX);
	/* 1 GiB allowed but not 2 MiB: a 1 GiB leaf, then 4 KiB. */
	CHECK_EQ(ept_map_range(&e, 4 * GiB, 4 * GiB, GiB + 2 * MiB, EPT_PERM_RWX, false, true), 0);
	check_leaf(&e, 4 * GiB, 2, 4 * GiB, EPT_PERM_RWX);
	check_leaf(&e, 5 * GiB, 0, 5 * GiB, EPT_PERM_RWX);
	finish(&e);
}

/* The guest reaches only what was mapped, anywhere in the 48-bit space. */
static void test_guest_sees_only_its_ram(void)
{
	struct ept e;
	start(&e);
	CHECK_EQ(ept_map_range(&e, 0, 0x10000000, 16 * MiB, EPT_PERM_RWX, true, true), 0);
	uint64_t hpa;
	CHECK(ept_translate(&e, 16 * MiB - 1, &hpa, NULL));
	CHECK_EQ(hpa, 0x10000000 + 16 * MiB - 1);
	static const uint64_t outside[] = {
		16 * MiB, 16 * MiB + 1, 32 * MiB, GiB, 4 * GiB, 4 * GiB + 0x1000,
		512 * GiB, 512 * GiB + 0x1000, (1ULL << 47), (1ULL << 48) - PAGE,
		(1ULL << 48) - 1, 1ULL << 48, 1ULL << 52, ~0ULL,
	};
	for (unsigned i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
		hpa = 0xdead;
		CHECK(!ept_translate(&e, outside[i], &hpa, NULL));
		CHECK_EQ(hpa, 0xdead);
	}
	/* Aliases by index truncation must not appear: 512 GiB shares PDPT index 0. */
	CHECK(!ept_translate(&e, 512 * GiB + 0x2000, NULL, NULL));
	finish(&e);
}

static void test_top_of_guest_space(void)
{
	struct ept e;
	start(&e);
	uint64_t top = 1ULL << 48;
	CHECK_EQ(ept_map_range(&e, top - 2 * MiB, 0x200000, 2 * MiB, EPT_PERM_RWX, true, true), 0);
	check_leaf(&e, top - 2 * MiB, 1, 0x200000, EPT_PERM_RWX);
	uint64_t hpa;
	CHECK(ept_translate(&e, top - 1, &hpa, NULL));
	CHECK_EQ(hpa, 0x200000 + 2 * MiB - 1);
	CHECK(!ept_translate(&e, top, NULL, NULL));
	CHECK(!ept_translate(&e, 0, NULL, NULL));
	/* The last host frame below 2^52 is mappable, one past it is not. */
	CHECK_EQ(ept_map_range(&e, 0, (1ULL << 52) - PAGE, PAGE, EPT_PERM_R, true, true), 0);
	CHECK(ept_translate(&e, 0, &hpa, NULL));
	CHECK_EQ(hpa, (1ULL << 52) - PAGE);
	finish(&e);
}

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
	RUN(test_init_and_eptp);
	RUN(test_2m_leaves);
	RUN(test_1g_leaves);
	RUN(test_mixed_sizes);
	RUN(test_hpa_alignment_limits_leaf_size);
	RUN(test_misaligned_edges);
	RUN(test_flags_forbid_large);
	RUN(test_guest_sees_only_its_ram);
	RUN(test_top_of_guest_space);
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
