/*
 * Host page tables: an identity map of all physical memory, with 1 GiB pages
 * where the CPU has them (else 2 MiB). Identity keeps the UEFI image's
 * addresses valid after ExitBootServices and makes a physical address a
 * pointer everywhere in the hypervisor. The PML4 lies below 4 GiB: starting
 * APs load CR3 from 32-bit protected mode (boot/ap_trampoline.asm).
 */
#include "hw/cpuid.h"
#include "hw/cr.h"
#include "lib/log.h"
#include "lib/x86.h"
#include "mm/mem.h"

#define GIB (1ULL << 30)
#define MIB2 (1ULL << 21)
#define ENTRIES 512
#define PML4_LIMIT (4 * GIB)   /* CR3 is loaded in 32-bit mode when an AP starts */

static int has_1g_pages(void)
{
	uint32_t a, b, c, d;
	cpuid(CPUID_LEAF_EXT_MAX, 0, &a, &b, &c, &d);
	if (a < CPUID_LEAF_EXT_FEATURES)
		return 0;
	cpuid(CPUID_LEAF_EXT_FEATURES, 0, &a, &b, &c, &d);
	return (d & CPUID_80000001_EDX_PDPE1GB) != 0;
}

int paging_init(uint64_t top)
{
	if (top < 4 * GIB)
		top = 4 * GIB;
	uint64_t gibs = (top + GIB - 1) / GIB;
	if (gibs > (uint64_t)ENTRIES * ENTRIES)
		gibs = (uint64_t)ENTRIES * ENTRIES;
	int big = has_1g_pages();

	/*
	 * Allocated first, from a lowest-address-first allocator: it is the lowest
	 * free frame, far below 4 GiB on any machine that booted UEFI.
	 */
	uint64_t pml4_pa = mem_alloc_pages(1, 1);
	if (!pml4_pa)
		return -1;
	if (pml4_pa + FRAME_SIZE > PML4_LIMIT) {
		log_err("host PML4 at 0x%lx, above 4 GiB: a 32-bit CR3 cannot hold it\n", pml4_pa);
		return -1;
	}
	uint64_t *pml4 = phys_to_virt(pml4_pa);
	for (uint64_t g = 0; g < gibs; g++) {
		uint64_t i4 = g / ENTRIES, i3 = g % ENTRIES;
		if (!pml4[i4]) {
			uint64_t pa = mem_alloc_pages(1, 1);
			if (!pa)
				return -1;
			pml4[i4] = pa | PTE_P | PTE_W;
		}
		uint64_t *pdpt = phys_to_virt(pml4[i4] & PTE_ADDR_MASK);
		if (big) {
			pdpt[i3] = (g * GIB) | PTE_P | PTE_W | PTE_PS;
			continue;
		}
		uint64_t pd_pa = mem_alloc_pages(1, 1);
		if (!pd_pa)
			return -1;
		uint64_t *pd = phys_to_virt(pd_pa);
		for (uint64_t i2 = 0; i2 < ENTRIES; i2++)
			pd[i2] = (g * GIB + i2 * MIB2) | PTE_P | PTE_W | PTE_PS;
		pdpt[i3] = pd_pa | PTE_P | PTE_W;
	}
	write_cr3(pml4_pa);
	log_info("host page tables: identity map of %lu GiB with %s pages\n", gibs, big ? "1 GiB" : "2 MiB");
	return 0;
}
