/*
 * Host tests for the EPT builder, part one: building maps over simulated
 * physical memory (tests/unit/ept_sim.h): the EPTP, the leaf sizes chosen
 * for each alignment and flag, misaligned edges, and that a guest reaches
 * exactly its own RAM up to the top of its address space.
 */
#include "ept_sim.h"

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
	free(sim.mem);
	return CHECK_EXIT();
}
