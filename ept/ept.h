/*
 * EPT construction and walk as pure code: the tables live in "physical" pages
 * reached through callbacks, so the same code builds real tables in the
 * hypervisor and simulated ones in host unit tests. INVEPT lives in vmx/.
 */
#ifndef EPT_EPT_H
#define EPT_EPT_H

#include <stdbool.h>
#include <stdint.h>

#define EPT_PERM_R (1u << 0)
#define EPT_PERM_W (1u << 1)
#define EPT_PERM_X (1u << 2)
#define EPT_PERM_RWX (EPT_PERM_R | EPT_PERM_W | EPT_PERM_X)

struct ept_env {
	/* Return a zeroed 4 KiB page's physical address, or 0 when out of memory. */
	uint64_t (*alloc_page)(void *ctx);
	void (*free_page)(void *ctx, uint64_t pa);
	/* Map a physical address to a pointer the builder can write. */
	void *(*phys_to_virt)(void *ctx, uint64_t pa);
	void *ctx;
};

struct ept {
	uint64_t pml4_pa;             /* 0 until ept_init succeeds */
	uint64_t table_pages;         /* pages used for tables, for accounting */
	const struct ept_env *env;
};

int ept_init(struct ept *e, const struct ept_env *env);
/*
 * Map [gpa, gpa+size) to [hpa, hpa+size), write-back memory type, with perms.
 * All three must be 4 KiB aligned. Uses 1 GiB / 2 MiB leaves where both
 * addresses and the remaining size allow (when allow_1g/allow_2m).
 * Returns 0, or -1 when out of table pages or the range overlaps a mapping,
 * or on bad arguments (misaligned, gpa range past 48 bits, hpa range past
 * 52 bits, perms empty or write without read). On -1 nothing new is mapped.
 */
int ept_map_range(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t size,
                  unsigned perms, bool allow_2m, bool allow_1g);
/* Walk: true, filling *hpa and *perms (either may be NULL), when gpa is mapped. */
bool ept_translate(const struct ept *e, uint64_t gpa, uint64_t *hpa, unsigned *perms);
/*
 * Remove every mapping in [gpa, gpa+size) (4 KiB aligned; holes are fine).
 * Returns -1, changing nothing, when a large leaf straddles an edge of the
 * range (pages are never split) or the arguments are invalid. CPUs may still
 * hold the removed translations: in the hypervisor, vmx_tlb_ept_narrowed()
 * must follow (vmx/tlb.c, rule 2), as for any edit narrowing a mapping.
 */
int ept_unmap_range(struct ept *e, uint64_t gpa, uint64_t size);
/* EPTP value: WB memory type, 4-level walk, root; accessed/dirty off. */
uint64_t ept_eptp(const struct ept *e);
/* Free every table page (not the mapped memory). */
void ept_destroy(struct ept *e);

#endif
