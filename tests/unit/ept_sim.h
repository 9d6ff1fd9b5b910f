/*
 * Shared by the EPT unit tests (test_ept_map.c, test_ept_edit.c): table pages
 * come from an aligned host buffer posing as physical memory at SIM_BASE, so
 * the tests can walk the tables the way the processor would and check every
 * entry bit, the page sizes chosen, and that every page is given back.
 * Each test binary includes this once and allocates sim.mem in main().
 */
#ifndef TESTS_UNIT_EPT_SIM_H
#define TESTS_UNIT_EPT_SIM_H

#include <stdlib.h>
#include <string.h>

#include "ept/ept.h"
#include "hw/ept.h"
#include "check.h"

#ifndef MAYBE_UNUSED
#define MAYBE_UNUSED __attribute__((unused))
#endif

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

MAYBE_UNUSED static struct sim sim;

MAYBE_UNUSED static uint64_t sim_alloc(void *ctx)
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

MAYBE_UNUSED static void sim_free(void *ctx, uint64_t pa)
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

MAYBE_UNUSED static void *sim_virt(void *ctx, uint64_t pa)
{
	struct sim *s = ctx;
	if (pa < SIM_BASE || pa - SIM_BASE >= SIM_PAGES * PAGE) {
		fprintf(stderr, "phys_to_virt(0x%llx) outside the pool\n", (unsigned long long)pa);
		abort();
	}
	return s->mem + (pa - SIM_BASE);
}

MAYBE_UNUSED static const struct ept_env env = { sim_alloc, sim_free, sim_virt, &sim };

MAYBE_UNUSED static void sim_reset(void)
{
	uint8_t *mem = sim.mem;
	memset(&sim, 0, sizeof(sim));
	sim.mem = mem;
	sim.budget = -1;
}

/* Walk like the processor: the leaf entry for gpa and its level, or -1. */
MAYBE_UNUSED static int hw_walk(const struct ept *e, uint64_t gpa, uint64_t *leaf)
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
MAYBE_UNUSED static void check_leaf(const struct ept *e, uint64_t gpa, int level, uint64_t hpa, unsigned perms)
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
MAYBE_UNUSED static void check_every_page(const struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t size, unsigned perms)
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

MAYBE_UNUSED static void start(struct ept *e)
{
	sim_reset();
	CHECK_EQ(ept_init(e, &env), 0);
	CHECK_EQ(e->table_pages, 1);
}

MAYBE_UNUSED static void finish(struct ept *e)
{
	CHECK_EQ(e->table_pages, sim.live);
	ept_destroy(e);
	CHECK_EQ(sim.live, 0);
	CHECK_EQ(sim.bad_frees, 0);
	CHECK_EQ(sim.frees, sim.allocs);
	CHECK_EQ(e->table_pages, 0);
	CHECK_EQ(e->pml4_pa, 0);
}

#endif
