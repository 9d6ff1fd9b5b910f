/*
 * Builds, walks, trims and frees a domain's 4-level EPT. Every table page
 * comes from and returns to the caller's ept_env, and is reached only through
 * env->phys_to_virt, so this file never assumes an identity map and runs
 * unchanged over simulated memory in the host unit tests.
 *
 * Invariants: leaves carry the write-back memory type and the caller's
 * permissions; non-leaf entries are RWX so permissions are decided at the
 * leaf alone. A mapping never replaces another one: ept_map_range checks the
 * whole range before it writes anything.
 */
#include "ept/ept.h"
#include "hw/ept.h"
#include "lib/string.h"

_Static_assert(EPT_PERM_R == EPT_READ && EPT_PERM_W == EPT_WRITE && EPT_PERM_X == EPT_EXECUTE,
               "EPT_PERM_* are the entry's permission bits");

#define TOP_LEVEL   (EPT_LEVELS - 1)
#define GPA_LIMIT   BIT(EPT_GPA_BITS)
#define HPA_LIMIT   BIT(EPT_MAXPHYADDR)
#define PAGE_MASK   (EPT_PAGE_4K - 1)

static uint64_t *table_of(const struct ept *e, uint64_t pa)
{
	return e->env->phys_to_virt(e->env->ctx, pa);
}

static bool present(uint64_t entry)
{
	return (entry & EPT_RWX) != 0;
}

/* PML4Es never map pages; PDPTEs and PDEs do when PS is set; PTEs always do. */
static bool is_leaf(uint64_t entry, int level)
{
	return level == 0 || (level < TOP_LEVEL && (entry & EPT_PAGE_SIZE));
}

static uint64_t leaf_entry(uint64_t hpa, unsigned perms, int level)
{
	/* Ignore-PAT stays clear: the guest's PAT may still ask for UC on its own MMIO. */
	return hpa | perms | EPT_MEMTYPE(EPT_MT_WB) | (level > 0 ? EPT_PAGE_SIZE : 0);
}

static uint64_t alloc_table(struct ept *e)
{
	uint64_t pa = e->env->alloc_page(e->env->ctx);

	if (!pa)
		return 0;
	/* A table the hardware cannot point at is as good as no table. */
	if ((pa & PAGE_MASK) || pa >= HPA_LIMIT) {
		e->env->free_page(e->env->ctx, pa);
		return 0;
	}
	/* Cheap insurance against stale entries from a careless allocator. */
	memset(table_of(e, pa), 0, EPT_PAGE_4K);
	e->table_pages++;
	return pa;
}

static void free_table(struct ept *e, uint64_t pa)
{
	e->env->free_page(e->env->ctx, pa);
	e->table_pages--;
}

/* Free the table at pa (a table of `level`) and every table below it. */
static void free_subtree(struct ept *e, uint64_t pa, int level)
{
	uint64_t *t = table_of(e, pa);

	if (level > 0) {
		for (unsigned i = 0; i < EPT_ENTRIES; i++)
			if (present(t[i]) && !is_leaf(t[i], level))
				free_subtree(e, t[i] & EPT_ADDR_MASK, level - 1);
	}
	free_table(e, pa);
}

/* True when no leaf lives anywhere under the table at pa (a table of `level`). */
static bool subtree_empty(const struct ept *e, uint64_t pa, int level)
{
	const uint64_t *t = table_of(e, pa);

	for (unsigned i = 0; i < EPT_ENTRIES; i++) {
		if (!present(t[i]))
			continue;
		if (is_leaf(t[i], level) || !subtree_empty(e, t[i] & EPT_ADDR_MASK, level - 1))
			return false;
	}
	return true;
}

/*
 * Find the entry that decides gpa: a leaf, or the first non-present entry.
 * Returns a pointer to it and its level.
 */
static uint64_t *lookup(const struct ept *e, uint64_t gpa, int *level_out)
{
	uint64_t *t = table_of(e, e->pml4_pa);

	for (int level = TOP_LEVEL;; level--) {
		uint64_t *entry = &t[EPT_INDEX(gpa, level)];
		if (!present(*entry) || is_leaf(*entry, level)) {
			*level_out = level;
			return entry;
		}
		t = table_of(e, *entry & EPT_ADDR_MASK);
	}
}

/* Next gpa after the region of `level` size holding gpa, clipped to end. */
static uint64_t next_boundary(uint64_t gpa, int level, uint64_t end)
{
	uint64_t next = (gpa | (EPT_LEVEL_SIZE(level) - 1)) + 1;
	return next < end ? next : end;
}

/* Does any leaf map part of [gpa, end)? */
static bool range_mapped(const struct ept *e, uint64_t gpa, uint64_t end)
{
	while (gpa < end) {
		int level;
		if (present(*lookup(e, gpa, &level)))
			return true;
		gpa = next_boundary(gpa, level, end);
	}
	return false;
}

/*
 * Walk to the entry of `target` level for gpa, creating missing tables.
 * NULL when out of table pages or when a leaf above target is in the way.
 */
static uint64_t *walk_create(struct ept *e, uint64_t gpa, int target)
{
	uint64_t *t = table_of(e, e->pml4_pa);

	for (int level = TOP_LEVEL; level > target; level--) {
		uint64_t *entry = &t[EPT_INDEX(gpa, level)];
		if (!present(*entry)) {
			uint64_t pa = alloc_table(e);
			if (!pa)
				return NULL;
			*entry = pa | EPT_RWX;
		} else if (is_leaf(*entry, level)) {
			return NULL;
		}
		t = table_of(e, *entry & EPT_ADDR_MASK);
	}
	return &t[EPT_INDEX(gpa, target)];
}

/* Clear every leaf in [gpa, end); the caller has checked none needs splitting. */
static void clear_range(const struct ept *e, uint64_t gpa, uint64_t end)
{
	while (gpa < end) {
		int level;
		uint64_t *entry = lookup(e, gpa, &level);
		*entry = 0;
		gpa = next_boundary(gpa, level, end);
	}
}

static bool aligned(uint64_t v, uint64_t size)
{
	return (v & (size - 1)) == 0;
}

/* gpa/hpa/size page aligned and [gpa, gpa+size) inside the 48-bit guest space. */
static bool range_ok(uint64_t gpa, uint64_t size)
{
	return aligned(gpa, EPT_PAGE_4K) && aligned(size, EPT_PAGE_4K) &&
	       size <= GPA_LIMIT && gpa <= GPA_LIMIT - size;
}

int ept_init(struct ept *e, const struct ept_env *env)
{
	e->env = env;
	e->table_pages = 0;
	e->pml4_pa = alloc_table(e);
	return e->pml4_pa ? 0 : -1;
}

int ept_map_range(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t size,
                  unsigned perms, bool allow_2m, bool allow_1g)
{
	if (!e->pml4_pa || !range_ok(gpa, size) || !aligned(hpa, EPT_PAGE_4K) ||
	    hpa > HPA_LIMIT - size)
		return -1;
	/* No access at all is "not present"; write without read is an EPT misconfiguration. */
	if ((perms & ~EPT_PERM_RWX) || !perms || (perms & (EPT_PERM_R | EPT_PERM_W)) == EPT_PERM_W)
		return -1;
	/* Checked up front so a refused call allocates no tables either. */
	if (range_mapped(e, gpa, gpa + size))
		return -1;

	uint64_t start = gpa, end = gpa + size;
	while (gpa < end) {
		int level = 0;
		if (allow_1g && aligned(gpa | hpa, EPT_PAGE_1G) && end - gpa >= EPT_PAGE_1G)
			level = 2;
		else if (allow_2m && aligned(gpa | hpa, EPT_PAGE_2M) && end - gpa >= EPT_PAGE_2M)
			level = 1;

		uint64_t *entry = walk_create(e, gpa, level);
		if (!entry)
			goto fail;
		if (present(*entry)) {
			/*
			 * Only a table left empty by an unmap can sit here: the
			 * leaf covers its whole span, which range_mapped found
			 * unmapped. Reclaim it. The checks repeat range_mapped's
			 * verdict, so even a conflict found here only ever rolls
			 * back leaves this call wrote.
			 */
			uint64_t sub = *entry & EPT_ADDR_MASK;
			if (is_leaf(*entry, level) || !subtree_empty(e, sub, level - 1))
				goto fail;
			*entry = 0;
			free_subtree(e, sub, level - 1);
		}
		*entry = leaf_entry(hpa, perms, level);
		gpa += EPT_LEVEL_SIZE(level);
		hpa += EPT_LEVEL_SIZE(level);
	}
	return 0;

fail:
	/*
	 * Out of table pages (or a broken invariant). All or nothing: the
	 * range was unmapped on entry, so clear exactly what we added.
	 */
	clear_range(e, start, gpa);
	return -1;
}

int ept_unmap_range(struct ept *e, uint64_t gpa, uint64_t size)
{
	if (!e->pml4_pa || !range_ok(gpa, size))
		return -1;

	uint64_t end = gpa + size;
	/* Refuse before touching anything if a large leaf straddles either edge. */
	for (uint64_t a = gpa; a < end;) {
		int level;
		uint64_t *entry = lookup(e, a, &level);
		if (present(*entry) &&
		    (!aligned(a, EPT_LEVEL_SIZE(level)) || end - a < EPT_LEVEL_SIZE(level)))
			return -1;
		a = next_boundary(a, level, end);
	}
	/* Emptied tables stay until ept_destroy or until a large leaf reclaims them. */
	clear_range(e, gpa, end);
	return 0;
}

bool ept_translate(const struct ept *e, uint64_t gpa, uint64_t *hpa, unsigned *perms)
{
	if (!e->pml4_pa || gpa >= GPA_LIMIT)
		return false;

	int level;
	uint64_t entry = *lookup(e, gpa, &level);
	if (!present(entry))
		return false;

	uint64_t offset_mask = EPT_LEVEL_SIZE(level) - 1;
	if (hpa)
		*hpa = (entry & EPT_ADDR_MASK & ~offset_mask) | (gpa & offset_mask);
	if (perms)
		*perms = (unsigned)(entry & EPT_RWX);
	return true;
}

uint64_t ept_eptp(const struct ept *e)
{
	return EPTP_MT_WB | EPTP_PWL(EPT_LEVELS) | e->pml4_pa;
}

void ept_destroy(struct ept *e)
{
	if (e->pml4_pa)
		free_subtree(e, e->pml4_pa, TOP_LEVEL);
	e->pml4_pa = 0;
	e->table_pages = 0;
}
