/*
 * A vCPU's CPUID answers as the policy (vmx/exit_cpuid.c) last gave them,
 * for the leaves whose answer does not depend on ECX, as KVM and Xen keep a
 * vCPU's CPUID table: a repeated leaf is answered from here, without the
 * policy's edits and without the host's own CPUID, which costs a hundred
 * cycles or more on hardware and is itself an exit when Hinoki runs nested.
 *
 * The cache holds no policy: only what the policy answered. Its answers
 * are dropped (cpuid_cache_clear) whenever a policy input that the guest
 * can change does: IA32_MISC_ENABLE (its CPUID limit and XD disable) and
 * IA32_APIC_BASE (its global enable is CPUID.1:EDX.APIC). Every other input
 * is fixed for the vCPU's life (its id, its domain's TSC rate and config,
 * the host's CPUID). Leaves the cache does not cover, or whose answer
 * depends on ECX, always run the policy.
 */
#ifndef VMX_CPUID_CACHE_H
#define VMX_CPUID_CACHE_H

#include <stdbool.h>
#include <stdint.h>
#include "hw/cpuid.h"

#define CPUID_CACHE_BASIC 0x20u   /* leaves 0 to 0x1f */
#define CPUID_CACHE_EXT   9u      /* leaves 0x80000000 to 0x80000008 */
#define CPUID_CACHE_SLOTS (CPUID_CACHE_BASIC + CPUID_CACHE_EXT)   /* also "no slot" */

/*
 * The covered leaves that ignore ECX (SDM, "CPUID-CPU Identification"),
 * as slot bits: basic 0-3, 5, 6, 0xA, 0x15, 0x16 and every extended leaf
 * up to 0x80000008. Leaves 4, 7, 0xB, 0xD, 0xF, 0x10, 0x12, 0x14, 0x17,
 * 0x18 and 0x1D-0x1F enumerate sub-leaves; the rest are reserved, and the
 * policy answers them as the highest basic leaf, which may have sub-leaves.
 */
#define CPUID_CACHE_ECX_FREE                                                                       \
	((1ull << 0x0 | 1ull << 0x1 | 1ull << 0x2 | 1ull << 0x3 | 1ull << 0x5 | 1ull << 0x6 | 1ull << 0xa | \
	  1ull << 0x15 | 1ull << 0x16) |                                                               \
	 (((1ull << CPUID_CACHE_EXT) - 1) << CPUID_CACHE_BASIC))

_Static_assert(CPUID_CACHE_SLOTS < 64, "one bit a slot, and the \"no slot\" bit never set");

struct cpuid_cache {
	uint64_t valid;                              /* bit s: regs[s] holds its leaf's answer */
	uint32_t regs[CPUID_CACHE_SLOTS][4];         /* EAX, ECX, EDX, EBX: the guest's GPRs 0-3 */
};

/* The leaf's slot, CPUID_CACHE_SLOTS for a leaf the cache does not cover. */
static inline unsigned cpuid_cache_slot(uint32_t leaf)
{
	uint32_t ext = leaf - CPUID_LEAF_EXT_MAX;
	if (leaf < CPUID_CACHE_BASIC)
		return leaf;
	return ext < CPUID_CACHE_EXT ? CPUID_CACHE_BASIC + ext : CPUID_CACHE_SLOTS;
}

/* The answer kept for leaf, or NULL. */
static inline const uint32_t *cpuid_cache_find(const struct cpuid_cache *c, uint32_t leaf)
{
	unsigned s = cpuid_cache_slot(leaf);
	return c->valid >> s & 1 ? c->regs[s] : 0;
}

/*
 * Keep the policy's answer r (EAX, ECX, EDX, EBX) for leaf, where the cache
 * covers the leaf and it ignores ECX; `own` is false for a leaf the policy
 * answered as another (one above the host's highest), which may have
 * sub-leaves: not kept.
 */
static inline void cpuid_cache_put(struct cpuid_cache *c, uint32_t leaf, bool own, const uint64_t r[4])
{
	unsigned s = cpuid_cache_slot(leaf);
	if (!own || !(CPUID_CACHE_ECX_FREE >> s & 1))
		return;
	for (unsigned i = 0; i < 4; i++)
		c->regs[s][i] = (uint32_t)r[i];
	c->valid |= 1ull << s;
}

static inline void cpuid_cache_clear(struct cpuid_cache *c)
{
	c->valid = 0;
}

#endif
