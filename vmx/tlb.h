/*
 * TLB maintenance policy: which events flush which cached translations, by
 * INVEPT or INVVPID, as pure code. The instructions sit behind struct
 * tlb_env, so the hypervisor runs the real ones (vmx/tlb_cpu.c) and the host
 * unit tests record the calls. The rules and their SDM sections are in the
 * opening comment of vmx/tlb.c.
 */
#ifndef VMX_TLB_H
#define VMX_TLB_H

#include <stdint.h>

/* No usable type: for INVEPT the boot is refused, for INVVPID VPIDs are not used. */
#define TLB_TYPE_NONE 0xff

/* The INVEPT and INVVPID types the policy uses, chosen once from IA32_VMX_EPT_VPID_CAP. */
struct tlb_caps {
	uint8_t invept_type;    /* INVEPT_TYPE_SINGLE_CONTEXT, INVEPT_TYPE_ALL_CONTEXT or TLB_TYPE_NONE */
	uint8_t invvpid_type;   /* INVVPID_TYPE_SINGLE_CONTEXT, INVVPID_TYPE_ALL_CONTEXT or TLB_TYPE_NONE */
};

struct tlb_env {
	const struct tlb_caps *caps;
	void (*invept)(void *ctx, uint64_t type, uint64_t eptp);
	void (*invvpid)(void *ctx, uint64_t type, uint16_t vpid);
	void *ctx;
};

/*
 * One EPT hierarchy's state: the CPUs (bit n for CPU n) on which no
 * translation cached for its EPTP can be older than its tables. Zero when
 * the hierarchy is built: its root may be a page an earlier domain's
 * hierarchy had, under the same EPTP.
 */
struct tlb_ept {
	uint64_t clean_on;
};

/*
 * One vCPU's state: the CPU it last ran on, plus one (0: none since its VPID
 * was assigned), so that a zeroed vCPU needs no set-up.
 */
struct tlb_vcpu {
	uint32_t ran_on;
};

struct tlb_caps tlb_caps_choose(uint64_t ept_vpid_cap);

/*
 * A vCPU with `vpid` (0: VPID not enabled in its VMCS) of the domain whose EPT
 * is `ept` (EPTP `eptp`) is about to be entered on `cpu` after being loaded
 * there. Flushes what may be stale; call before its first VM entry on
 * each loading, never per exit.
 */
void tlb_vcpu_enter(const struct tlb_env *env, struct tlb_ept *ept, uint64_t eptp,
                    struct tlb_vcpu *v, uint16_t vpid, unsigned cpu);

/*
 * The vCPU's VPID was just assigned (a new vCPU, a recycled VPID) or its
 * guest reset: no CPU holds translations it may use.
 */
static inline void tlb_vcpu_forget(struct tlb_vcpu *v) { v->ran_on = 0; }

/*
 * A mapping of the hierarchy was removed or narrowed (permission taken away,
 * address or page size changed, memory type changed): flushes on `cpu` now
 * and on every other CPU at its next tlb_vcpu_enter for this hierarchy. No
 * vCPU of the domain may be running on another CPU meanwhile.
 */
void tlb_ept_narrowed(const struct tlb_env *env, struct tlb_ept *ept, uint64_t eptp, unsigned cpu);

#endif
