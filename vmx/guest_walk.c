/*
 * The guest page walk (see guest_walk.h). Entries are read byte by byte, so
 * no alignment is assumed, and the accessed and dirty flags are set with an
 * atomic OR of the entry's low byte (where both lie in every format), so
 * that a write another vCPU makes to the entry at the same moment survives.
 * They are set only once the whole walk succeeded: a walk that faults
 * leaves the tables as they were.
 */
#include "hw/paging.h"
#include "lib/string.h"
#include "vmx/guest_walk.h"

#define MAX_LEVELS 4

struct walk_level {
	unsigned shift;       /* linear-address bits this level indexes start here */
	unsigned bits;        /* how many */
	bool large_ok;        /* PS may end the walk here */
	bool has_flags;       /* R/W, U/S and A exist (not in PAE's PDPTEs) */
};

static const struct walk_level walk_4level[] = {
	{ 39, 9, false, true }, { 30, 9, true, true }, { 21, 9, true, true }, { 12, 9, false, true },
};
static const struct walk_level walk_pae[] = {
	{ 30, 2, false, false }, { 21, 9, true, true }, { 12, 9, false, true },
};
static const struct walk_level walk_32[] = {
	{ 22, 10, true, true }, { 12, 10, false, true },
};

static bool read_entry(const struct guest_ram *ram, uint64_t gpa, unsigned size, uint64_t *e)
{
	if (gpa >= ram->size || size > ram->size - gpa)
		return false;
	const uint8_t *p = ram->base + gpa;
	uint64_t v = (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24;
	if (size == 8)
		v |= (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
	*e = v;
	return true;
}

uint64_t guest_linear_wrap(const struct guest_paging *ps, uint64_t linear)
{
	return ps->mode == GUEST_PAGING_4LEVEL || ps->mode == GUEST_PAGING_OFF ? linear : (uint32_t)linear;
}

/* "Access Rights": user accesses need U/S everywhere; writes need R/W everywhere, for supervisor ones only with CR0.WP. */
static bool rights_allow(const struct guest_paging *ps, struct guest_access acc, uint64_t rights)
{
	if (acc.user && !(rights & X86_PTE_US))
		return false;
	if (acc.write && (acc.user || ps->wp) && !(rights & X86_PTE_RW))
		return false;
	return true;
}

enum guest_walk_err guest_walk(const struct guest_ram *ram, const struct guest_paging *ps, uint64_t linear,
                               struct guest_access acc, uint64_t *gpa)
{
	const struct walk_level *lv;
	unsigned n, esize = 8;
	uint64_t table, addr_mask = X86_PTE_ADDR_MASK;

	*gpa = GUEST_WALK_NO_GPA;
	switch (ps->mode) {
	case GUEST_PAGING_OFF:
		*gpa = linear;
		return linear < ram->size ? GUEST_WALK_OK : GUEST_WALK_OUTSIDE_RAM;
	case GUEST_PAGING_4LEVEL:
		lv = walk_4level, n = 4, table = ps->cr3 & X86_PTE_ADDR_MASK;
		break;
	case GUEST_PAGING_PAE:
		lv = walk_pae, n = 3, table = ps->cr3 & X86_CR3_PAE_MASK;
		break;
	case GUEST_PAGING_32:
		lv = walk_32, n = 2, table = ps->cr3 & X86_CR3_32_MASK, esize = 4;
		addr_mask = X86_CR3_32_MASK;
		break;
	default:
		return GUEST_WALK_UNSUPPORTED;
	}
	linear = guest_linear_wrap(ps, linear);

	uint64_t used[MAX_LEVELS], rights = X86_PTE_RW | X86_PTE_US;
	for (unsigned i = 0; i < n; i++) {
		uint64_t idx = (linear >> lv[i].shift) & ((1ULL << lv[i].bits) - 1), e;
		used[i] = lv[i].has_flags ? table + idx * esize : ~0ULL;
		if (!read_entry(ram, table + idx * esize, esize, &e))
			return GUEST_WALK_OUTSIDE_RAM;
		if (!(e & X86_PTE_P))
			return GUEST_WALK_NOT_PRESENT;
		if (lv[i].has_flags)
			rights &= e;
		/* 32-bit paging takes a 4 MiB page only with CR4.PSE (its PSE-36 high bits are not used). */
		bool large = lv[i].large_ok && (e & X86_PTE_PS) && (ps->mode != GUEST_PAGING_32 || ps->pse);
		if (large || i == n - 1) {
			if (!rights_allow(ps, acc, rights))
				return GUEST_WALK_PROTECTION;
			uint64_t off = (1ULL << lv[i].shift) - 1;
			*gpa = (e & addr_mask & ~off) | (linear & off);
			if (*gpa >= ram->size)
				return GUEST_WALK_OUTSIDE_RAM;
			for (unsigned k = 0; k <= i; k++) {
				if (used[k] == ~0ULL)
					continue;
				uint8_t set = (uint8_t)(X86_PTE_A | (k == i && acc.write ? X86_PTE_D : 0));
				__atomic_fetch_or(&ram->base[used[k]], set, __ATOMIC_RELAXED);
			}
			return GUEST_WALK_OK;
		}
		table = e & addr_mask;
	}
	return GUEST_WALK_NOT_PRESENT;   /* not reached: the last level always ends the walk */
}

uint32_t guest_walk_pf_code(enum guest_walk_err e, struct guest_access acc)
{
	return (uint32_t)((e == GUEST_WALK_PROTECTION ? PFEC_P : 0) | (acc.write ? PFEC_W : 0) |
	                  (acc.user ? PFEC_U : 0));
}

enum guest_walk_err guest_copy(const struct guest_ram *ram, const struct guest_paging *ps, uint64_t linear,
                               void *buf, size_t n, struct guest_access acc, size_t *done, uint64_t *fault)
{
	uint8_t *b = buf;
	*done = 0;
	while (*done < n) {
		uint64_t la = guest_linear_wrap(ps, linear + *done), gpa;
		enum guest_walk_err e = guest_walk(ram, ps, la, acc, &gpa);
		if (e) {
			*fault = la;
			return e;
		}
		uint64_t chunk = GUEST_PAGE_SIZE - (la & (GUEST_PAGE_SIZE - 1));
		if (chunk > n - *done)
			chunk = n - *done;
		if (chunk > ram->size - gpa)
			chunk = ram->size - gpa;
		if (b && acc.write)
			memcpy(ram->base + gpa, b + *done, chunk);
		else if (b)
			memcpy(b + *done, ram->base + gpa, chunk);
		*done += chunk;
	}
	return GUEST_WALK_OK;
}

const uint8_t *guest_insn_bytes(const struct guest_ram *ram, const struct guest_paging *ps, uint64_t linear,
                                struct guest_access acc, uint8_t *buf, unsigned max, unsigned *got,
                                enum guest_walk_err *err)
{
	uint64_t gpa, fault;
	size_t done = 0;
	*got = 0;
	*err = guest_walk(ram, ps, linear, acc, &gpa);
	if (*err)
		return buf;
	/* The common case: the instruction fits in the page, read it where it lies. */
	if ((linear & (GUEST_PAGE_SIZE - 1)) <= GUEST_PAGE_SIZE - max && ram->size - gpa >= max) {
		*got = max;
		return ram->base + gpa;
	}
	*err = guest_copy(ram, ps, linear, buf, max, acc, &done, &fault);
	*got = (unsigned)done;
	return buf;
}

const char *guest_walk_err_name(enum guest_walk_err e)
{
	static const char *const names[GUEST_WALK_ERR_COUNT] = {
		[GUEST_WALK_OK] = "ok",
		[GUEST_WALK_NOT_PRESENT] = "not present in the guest's page tables",
		[GUEST_WALK_PROTECTION] = "not allowed by the guest's page tables",
		[GUEST_WALK_OUTSIDE_RAM] = "guest page tables point outside its RAM",
		[GUEST_WALK_UNSUPPORTED] = "guest paging mode not supported",
	};
	return (unsigned)e < GUEST_WALK_ERR_COUNT ? names[e] : "unknown";
}
