/*
 * MSR, hypercall and CPUID operations. MSR indices come from a list of the
 * architectural ones a hypervisor has to decide about (and the ranges
 * around them) or from anywhere; a write is the current value with a bit
 * flipped, or any value. The MSRs whose change would take the guest's own
 * footing away (EFER, the APIC base, PAT) are put back after each
 * MSR operation, by env_restore, whether it ended in an exception or not.
 * Hypercall numbers cover every call but HC_EXIT, and numbers no call has;
 * arguments are anything, wild pointers among them.
 */
#include "fuzz.h"
#include "hinoki/hypercall.h"
#include "hw/apic.h"

static const uint32_t known_msrs[] = {
	MSR_IA32_TSC, MSR_IA32_APIC_BASE, MSR_IA32_FEATURE_CONTROL, MSR_IA32_TSC_ADJUST,
	0x48 /* SPEC_CTRL */, 0x49 /* PRED_CMD */, 0x79 /* BIOS_UPDT_TRIG */, MSR_IA32_BIOS_SIGN_ID,
	0x9b /* SMM_MONITOR_CTL */, 0x9e /* SMBASE */, 0xc1 /* PMC0 */, 0xe7 /* MPERF */, 0xe8 /* APERF */,
	0xfe /* MTRRCAP */, 0x10a /* ARCH_CAPABILITIES */, 0x10b /* FLUSH_CMD */,
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP, MSR_IA32_MCG_CAP,
	MSR_IA32_MCG_STATUS, 0x17b /* MCG_CTL */, 0x186 /* PERFEVTSEL0 */, 0x199 /* PERF_CTL */,
	MSR_IA32_MISC_ENABLE, 0x1f2 /* SMRR_PHYSBASE */, 0x1f3 /* SMRR_PHYSMASK */, MSR_IA32_DEBUGCTL,
	0x200 /* MTRR_PHYSBASE0 */, 0x201, 0x250 /* MTRR_FIX64K */, 0x268, MSR_IA32_PAT,
	0x2ff /* MTRR_DEF_TYPE */, 0x309 /* FIXED_CTR0 */, 0x38d /* FIXED_CTR_CTRL */,
	0x38f /* PERF_GLOBAL_CTRL */, 0x390, 0x3f1 /* PEBS_ENABLE */, 0x400 /* MC0_CTL */, 0x401,
	MSR_IA32_VMX_BASIC, MSR_IA32_VMX_PROCBASED_CTLS2, MSR_IA32_VMX_EPT_VPID_CAP,
	0x4c1 /* A_PMC0 */, 0x570 /* RTIT_CTL */, 0x600 /* DS_AREA */, 0x6a0 /* U_CET */,
	0x6a2 /* S_CET */, 0x6a4 /* PL0_SSP */, MSR_IA32_TSC_DEADLINE, 0x6e1 /* PKRS */,
	0x802, 0x808, 0x80b, 0x80f, 0x830, 0x832, 0x838, 0x83f,   /* x2APIC */
	0xd90 /* BNDCFGS */, 0xda0 /* XSS */, 0x40000000, 0x40000001, 0x40000070,   /* hypervisor ranges */
	MSR_IA32_EFER, MSR_IA32_STAR, MSR_IA32_LSTAR, MSR_IA32_CSTAR, MSR_IA32_FMASK,
	MSR_IA32_FS_BASE, MSR_IA32_GS_BASE, MSR_IA32_KERNEL_GS_BASE, MSR_IA32_TSC_AUX,
	0xc0010000, 0xc0010114 /* AMD VM_CR */, 0xc0010117 /* AMD VM_HSAVE_PA */,
};

#define KNOWN_MSRS (sizeof known_msrs / sizeof known_msrs[0])
#define X2APIC_ICR (X2APIC_MSR_BASE + (APIC_REG_ICR_LOW >> 4))

static uint32_t pick_msr(struct fz_cpu *c)
{
	switch (rnd_below(c, 4)) {
	case 0: return (uint32_t)rnd(c);
	case 1: return X2APIC_MSR_BASE + (uint32_t)rnd_below(c, 0x100);
	default: return known_msrs[rnd_below(c, KNOWN_MSRS)] + (rnd_chance(c, 8) ? (uint32_t)rnd_below(c, 16) : 0);
	}
}

/* RDMSR and WRMSR as they are: the fault, if any, is the point. */
static uint64_t msr_read(uint32_t msr)
{
	return rdmsr(msr);
}

void msr_save(struct fz_cpu *c)
{
	c->good.efer = rdmsr(MSR_IA32_EFER);
	c->good.apic_base = rdmsr(MSR_IA32_APIC_BASE);
	c->good.pat = rdmsr(MSR_IA32_PAT);
}

void msr_restore(struct fz_cpu *c)
{
	uint64_t apic = rdmsr(MSR_IA32_APIC_BASE);
	if (apic != c->good.apic_base) {
		/* x2APIC to xAPIC only through disabled (SDM "x2APIC State Transitions"). */
		if (apic & APIC_BASE_X2APIC)
			wrmsr(MSR_IA32_APIC_BASE, c->good.apic_base & ~(APIC_BASE_ENABLE | APIC_BASE_X2APIC));
		wrmsr(MSR_IA32_APIC_BASE, c->good.apic_base);
	}
	if (rdmsr(MSR_IA32_EFER) != c->good.efer)
		wrmsr(MSR_IA32_EFER, c->good.efer);
	wrmsr(MSR_IA32_PAT, c->good.pat);
	c->msr_dirty = false;
}

void op_msr(struct fz_cpu *c)
{
	uint32_t msr = pick_msr(c);
	if (rnd_chance(c, 3)) {
		(void)msr_read(msr);
		return;
	}
	c->msr_dirty = true;
	if (msr >= X2APIC_MSR_BASE && msr < X2APIC_MSR_BASE + 0x100 && rnd_chance(c, 2))
		/* x2APIC registers are there only in x2APIC mode: switch to it for this one. */
		wrmsr(MSR_IA32_APIC_BASE, c->good.apic_base | APIC_BASE_X2APIC);
	uint64_t v = rnd_chance(c, 2) ? msr_read(msr) ^ (1ULL << rnd_below(c, 64)) : rnd_value(c);
	if (msr == X2APIC_ICR)
		v = icr_tame(c, v, true);
	wrmsr(msr, v);
}

void op_cpuid(struct fz_cpu *c)
{
	static const uint32_t bases[] = { 0, 0x40000000, 0x80000000, 0x20000000, 0xc0000000 };
	uint32_t leaf = rnd_chance(c, 8) ? (uint32_t)rnd(c)
	                                 : bases[rnd_below(c, 5)] + (uint32_t)rnd_below(c, 0x28);
	uint32_t sub = rnd_chance(c, 2) ? (uint32_t)rnd_below(c, 8) : (uint32_t)rnd(c);
	uint32_t a, b, cx, d;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(cx), "=d"(d) : "a"(leaf), "c"(sub));
}

static uint64_t wild_pointer(struct fz_cpu *c)
{
	switch (rnd_below(c, 6)) {
	case 0: return (uintptr_t)scratch_phys(c->id) + rnd_below(c, SCRATCH_BYTES);
	case 1: return fz_ram_bytes - rnd_below(c, 64);               /* across the end of RAM */
	case 2: return fz_ram_bytes + rnd_below(c, 1ULL << 32);       /* beyond it */
	case 3: return APIC_DEFAULT_PHYS_BASE + rnd_below(c, 4096);   /* a device page */
	default: return rnd_value(c);
	}
}

static uint64_t hc_arg(struct fz_cpu *c)
{
	return rnd_chance(c, 2) ? wild_pointer(c) : rnd_value(c);
}

void op_hc(struct fz_cpu *c)
{
	uint64_t nr = rnd_chance(c, 8) ? rnd(c) : rnd_below(c, HC_MAX + 8);
	if (nr == HC_EXIT)
		nr = HC_NULL;
	uint64_t a0 = hc_arg(c), a1 = hc_arg(c), a2 = hc_arg(c), a3 = hc_arg(c);
	if (nr == HC_CONSOLE_PUT && a0 < fz_ram_bytes && a1 <= fz_ram_bytes - a0) {
		/* Bytes from RAM would reach the log: point a RAM range at text, keep the wild ones. */
		static const char msg[] = "fuzz: console put\n";
		a0 = (uintptr_t)msg;
		a1 = sizeof msg - 1;
	}
	(void)hc_call(nr, a0, a1, a2, a3);
}
