/*
 * TLB maintenance by the SDM's rules, in one place: which events flush what.
 *
 * With EPT on, a CPU caches guest-physical mappings (tagged by the EPTP's
 * root address) and combined mappings (tagged by VPID and that root), and
 * may keep them across VM entries and exits, VMXON and VMXOFF ("Caching
 * Translation Information", "Invalidating Cached Translation Information").
 * Software removes guest-physical mappings only with INVEPT, combined ones
 * with INVEPT or INVVPID; both act on the executing CPU alone.
 *
 * 1. First use of an EPT hierarchy on a CPU: INVEPT for its EPTP. The
 *    root page may have been an ended domain's, and that domain's mappings,
 *    to frames another domain now owns, can linger under the same EPTP on
 *    any CPU it ran on. Flushing lazily, on each CPU before the new
 *    hierarchy's first entry there, needs no IPI at destruction.
 * 2. A mapping removed or narrowed (a permission bit cleared, the address
 *    or page size changed, the memory type changed): INVEPT on the CPU that
 *    made the change, and rule 1 again on every other CPU ("Guidelines for
 *    Use of the INVEPT Instruction"). Adding a mapping or a permission needs
 *    nothing: no translation is cached from an entry that was not present,
 *    and an EPT violation drops what caused it. Nothing in ept/ or dom/
 *    narrows a live domain's EPT today; whatever does (ept_unmap_range, an
 *    edit of a present entry, an ept_map_range that fails and clears what
 *    it wrote) calls vmx_tlb_ept_narrowed() after it, with no vCPU of the
 *    domain running on another CPU.
 * 3. A vCPU entered on a CPU other than the one it last ran on (migration,
 *    its first run, a recycled VPID): INVVPID for its VPID on that CPU. Its
 *    guest's own INVLPG and MOV to CR3 flushed only the CPU it ran on, so
 *    what an earlier stay left here may be stale, and a recycled VPID's
 *    translations belong to a vCPU that no longer exists ("Guidelines for
 *    Use of the INVVPID Instruction"). The VPID allocator (vmx/vpid.c)
 *    never hands out VPID 0 or one in use.
 * 4. VPID off (VPID 0 for every guest: the CPU lacks VPIDs, or INVVPID
 *    single- and all-context): no INVVPID. With "enable VPID" 0 every VM
 *    entry and exit flushes VPID 0's linear and combined mappings ("Virtual-
 *    Processor Identifiers (VPIDs)", "Operations that Invalidate Cached
 *    Mappings"). Guest-physical mappings survive those transitions, so rules
 *    1 and 2 stay.
 *
 * Types ("INVEPT — Invalidate Translations Derived from EPT", "INVVPID —
 * Invalidate Translations Based on VPID", IA32_VMX_EPT_VPID_CAP in "VMX
 * Capability Reporting Facility"): single-context where the CPU has it,
 * else all-context, which flushes more but never less. INVEPT with neither
 * refuses the boot (vmx/caps.c); INVVPID with neither turns VPIDs off.
 * Individual-address and single-context-retaining-globals INVVPID leave
 * translations behind, so they are never enough here.
 */
#include "hw/invalidate.h"
#include "hw/msr.h"
#include "vmx/tlb.h"

#define CPU_BITS 64

struct tlb_caps tlb_caps_choose(uint64_t cap)
{
	struct tlb_caps c = { TLB_TYPE_NONE, TLB_TYPE_NONE };
	if (cap & EPT_CAP_INVEPT) {
		if (cap & EPT_CAP_INVEPT_SINGLE)
			c.invept_type = INVEPT_TYPE_SINGLE_CONTEXT;
		else if (cap & EPT_CAP_INVEPT_ALL)
			c.invept_type = INVEPT_TYPE_ALL_CONTEXT;
	}
	if (cap & VPID_CAP_INVVPID) {
		if (cap & VPID_CAP_INVVPID_SINGLE)
			c.invvpid_type = INVVPID_TYPE_SINGLE_CONTEXT;
		else if (cap & VPID_CAP_INVVPID_ALL)
			c.invvpid_type = INVVPID_TYPE_ALL_CONTEXT;
	}
	return c;
}

/* A CPU beyond the mask's width is never marked clean, so it flushes every time. */
static uint64_t cpu_bit(unsigned cpu)
{
	return cpu < CPU_BITS ? 1ULL << cpu : 0;
}

static void flush_ept(const struct tlb_env *env, uint64_t eptp)
{
	if (env->caps->invept_type != TLB_TYPE_NONE)
		env->invept(env->ctx, env->caps->invept_type, eptp);
}

void tlb_vcpu_enter(const struct tlb_env *env, struct tlb_ept *ept, uint64_t eptp,
                    struct tlb_vcpu *v, uint16_t vpid, unsigned cpu)
{
	uint64_t bit = cpu_bit(cpu);
	/* Two vCPUs of a domain may arrive on two CPUs at once: each sets only its own bit. */
	if (!bit || !(__atomic_load_n(&ept->clean_on, __ATOMIC_ACQUIRE) & bit)) {
		flush_ept(env, eptp);
		__atomic_fetch_or(&ept->clean_on, bit, __ATOMIC_RELEASE);
	}
	if (vpid != VPID_HOST && env->caps->invvpid_type != TLB_TYPE_NONE && v->ran_on != cpu + 1)
		env->invvpid(env->ctx, env->caps->invvpid_type, vpid);
	v->ran_on = cpu + 1;
}

void tlb_ept_narrowed(const struct tlb_env *env, struct tlb_ept *ept, uint64_t eptp, unsigned cpu)
{
	flush_ept(env, eptp);
	__atomic_store_n(&ept->clean_on, cpu_bit(cpu), __ATOMIC_RELEASE);
}
