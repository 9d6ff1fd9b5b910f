/*
 * The table of MSRs a guest may touch with an exit, each row at its slot
 * (vmx/msr_table.h), and the checks on their writes. Why each row is what it is:
 *
 * - IA32_TSC and IA32_TSC_ADJUST: one per vCPU, tied through the TSC
 *   offset as the SDM ties them ("Time-Stamp Counter Adjustment"); without
 *   TSC offsetting the guest's TSC cannot move, so they are read-only.
 * - IA32_APIC_BASE: the virtual local APIC's; the enable and x2APIC bits
 *   change as the SDM's mode transitions allow and the page moves below
 *   MAXPHYADDR (dev/lapic.c refuses the rest). The x2APIC registers (0x800-0x8ff) are not rows
 *   here: vmx/exit_msr.c hands them to the APIC model.
 * - IA32_TSC_DEADLINE: the virtual local APIC timer's TSC-deadline mode
 *   (CPUID.1:ECX.TSC_DEADLINE set); outside that mode writes are ignored and
 *   it reads 0, as on hardware, so any value is accepted.
 * - IA32_FEATURE_CONTROL: locked with VMX off inside and outside SMX, as
 *   firmware leaves a machine whose VT-x it does not offer (CPUID hides VMX
 *   and SMX); a write to a locked register raises #GP.
 * - IA32_BIOS_SIGN_ID: a kernel writes 0, runs CPUID and reads the
 *   microcode revision in bits 63:32: revision 1, since 0 would say no
 *   microcode is loaded; writes are taken and change nothing.
 * - IA32_PLATFORM_ID: read-only, platform 0. Linux reads it without a
 *   handled #GP when it reloads microcode after a wake from S3.
 * - SYSENTER_CS/ESP/EIP, FS_BASE, GS_BASE, EFER: VMCS guest-state fields.
 *   The addresses must be canonical (hardware's #GP, and a non-canonical
 *   base would fail the next VM entry); EFER.LME cannot change while CR0.PG
 *   is set (hardware's #GP; LME would no longer match LMA at the next entry).
 * - IA32_MISC_ENABLE: one per vCPU, at power-up fast strings on, no branch
 *   trace or PEBS store (CPUID hides the debug store), XD not disabled,
 *   CPUID not limited. The bits hardware lets software write are kept;
 *   "limit CPUID maxval" and "XD bit disable" change what CPUID says
 *   (vmx/exit_cpuid.c), and with XD disabled EFER.NXE cannot be set; the
 *   others (fast strings, thermal control, EIST, MONITOR, xTPR) are
 *   performance and power features a guest cannot observe, or ones CPUID
 *   already hides, so they are kept and nothing else changes. A reserved
 *   bit, or a read-only one changed, raises #GP.
 * - IA32_MCG_CAP and IA32_MCG_STATUS: machine-check architecture with no
 *   bank and no MCG_CTL (CPUID offers MCE and MCA, as KVM does): a guest
 *   finds the architecture, but no bank a machine check could be reported
 *   in, and MCG_STATUS is 0 and stays so (a write of anything else, #GP).
 *   The banks' MSRs are absent, as with zero banks on hardware.
 * - IA32_PAT: the VMCS's guest PAT, where the CPU loads it at entries and
 *   the host's back at exits (else CPUID hides PAT too); a reserved memory
 *   type raises #GP.
 * - IA32_DEBUGCTL: the VMCS's guest field, which entries load and exits
 *   save ("load/save debug controls"), so each vCPU has its own and the
 *   host's is clear. BTF (single-step on branches) is the guest's, with
 *   hardware doing the stepping; LBR is accepted and reads back clear, as
 *   KVM does without last-branch virtualization: the last-branch MSRs are
 *   absent and CPUID offers no performance monitoring to use them. Every
 *   other bit (branch trace store, freeze-on-PMI, the reserved ones) #GP.
 *
 * Deliberately absent, so #GP, with CPUID saying the feature is not there:
 * the MTRRs (CPUID.1:EDX.MTRR clear: MTRRCAP, MTRR_DEF_TYPE, the variable
 * and fixed ranges; memory types come from EPT, which maps guest RAM
 * write-back), the thermal and power MSRs (CPUID.1:EDX.ACPI and TM, and
 * leaf 6 but ARAT, clear: THERM_INTERRUPT, THERM_STATUS, MPERF/APERF,
 * ENERGY_PERF_BIAS, HWP), MCG_CTL and the machine-check banks, the
 * speculation-control MSRs (SPEC_CTRL, PRED_CMD, FLUSH_CMD,
 * ARCH_CAPABILITIES, CORE_CAPABILITIES: CPUID.7:EDX), the performance
 * counters (leaf 0xA), BNDCFGS (MPX), and the
 * model-specific ones kernels probe with a handled #GP (PLATFORM_INFO,
 * MISC_FEATURES_ENABLES, TEST_CTRL).
 */
#include "vmx/msr_table.h"
#include "hw/msr.h"

#define GUEST_MICROCODE_REVISION 1ULL   /* IA32_BIOS_SIGN_ID bits 63:32 */

#define ROW(m, ...) ROW_STEP(m, 0, __VA_ARGS__)
/* A row `step` slots past its MSR's, the slots between taken (msr_rule_find's probe). */
#define ROW_STEP(m, step, ...) [(MSR_SLOT(m) + (step)) & (MSR_TABLE_SLOTS - 1)] = { m, __VA_ARGS__ }

/*  MSR                          store                   write             check                needs  write_needs  value */
const struct msr_rule msr_table[MSR_TABLE_SLOTS] = {
	ROW(MSR_IA32_TSC,             MSR_STORE_TSC,          MSR_WRITE_KEEP,   MSR_CHECK_NONE, 0, MSR_CAP_TSC_OFFSETTING, 0),
	ROW(MSR_IA32_APIC_BASE,       MSR_STORE_APIC_BASE,    MSR_WRITE_KEEP,   MSR_CHECK_NONE, 0, 0, 0),
	ROW(MSR_IA32_FEATURE_CONTROL, MSR_STORE_CONST,        MSR_WRITE_GP,     MSR_CHECK_NONE, 0, 0, FEATURE_CONTROL_LOCK),
	ROW(MSR_IA32_TSC_ADJUST,      MSR_STORE_TSC_ADJUST,   MSR_WRITE_KEEP,   MSR_CHECK_NONE, 0, MSR_CAP_TSC_OFFSETTING, 0),
	ROW(MSR_IA32_BIOS_SIGN_ID,    MSR_STORE_CONST,        MSR_WRITE_IGNORE, MSR_CHECK_NONE, 0, 0, GUEST_MICROCODE_REVISION << 32),
	ROW(MSR_IA32_SYSENTER_CS,     MSR_STORE_SYSENTER_CS,  MSR_WRITE_KEEP,   MSR_CHECK_NONE, 0, 0, 0),
	ROW(MSR_IA32_SYSENTER_ESP,    MSR_STORE_SYSENTER_ESP, MSR_WRITE_KEEP,   MSR_CHECK_CANONICAL, 0, 0, 0),
	ROW(MSR_IA32_SYSENTER_EIP,    MSR_STORE_SYSENTER_EIP, MSR_WRITE_KEEP,   MSR_CHECK_CANONICAL, 0, 0, 0),
	ROW(MSR_IA32_MCG_CAP,         MSR_STORE_CONST,        MSR_WRITE_GP,     MSR_CHECK_NONE, 0, 0, 0),
	ROW(MSR_IA32_MCG_STATUS,      MSR_STORE_CONST,        MSR_WRITE_SAME,   MSR_CHECK_NONE, 0, 0, 0),
	ROW(MSR_IA32_MISC_ENABLE,     MSR_STORE_MISC_ENABLE,  MSR_WRITE_KEEP,   MSR_CHECK_MISC_ENABLE, 0, 0, 0),
	ROW(MSR_IA32_TSC_DEADLINE,    MSR_STORE_TSC_DEADLINE, MSR_WRITE_KEEP,   MSR_CHECK_NONE, 0, 0, 0),
	ROW(MSR_IA32_PAT,             MSR_STORE_PAT,          MSR_WRITE_KEEP,   MSR_CHECK_PAT, MSR_CAP_PAT_LOAD, 0, 0),
	ROW(MSR_IA32_EFER,            MSR_STORE_EFER,         MSR_WRITE_KEEP,   MSR_CHECK_EFER, 0, 0, 0),
	ROW(MSR_IA32_FS_BASE,         MSR_STORE_FS_BASE,      MSR_WRITE_KEEP,   MSR_CHECK_CANONICAL, 0, 0, 0),
	ROW(MSR_IA32_GS_BASE,         MSR_STORE_GS_BASE,      MSR_WRITE_KEEP,   MSR_CHECK_CANONICAL, 0, 0, 0),
	/* On TSC_DEADLINE's slot. */
	ROW_STEP(MSR_IA32_DEBUGCTL, 1, MSR_STORE_DEBUGCTL,  MSR_WRITE_KEEP,   MSR_CHECK_DEBUGCTL, 0, 0, 0),
	ROW_STEP(MSR_IA32_PLATFORM_ID, 2, MSR_STORE_CONST,  MSR_WRITE_GP,     MSR_CHECK_NONE, 0, 0, 0),
};

bool addr_canonical(uint64_t a, unsigned bits)
{
	uint64_t top = a >> (bits - 1);   /* bit bits-1 and all above: all 0 or all 1 */
	return top == 0 || top == ~0ULL >> (bits - 1);
}

/* SDM "IA32_PAT MSR": memory types 2 and 3 are reserved, as is anything above 7, in each of the eight bytes. */
bool msr_pat_valid(uint64_t pat)
{
	for (unsigned i = 0; i < 8; i++) {
		unsigned type = (pat >> (8 * i)) & 0xff;
		if (type == PAT_RESERVED_2 || type == PAT_RESERVED_3 || type > PAT_UC_MINUS)
			return false;
	}
	return true;
}

bool msr_write_ok(const struct msr_rule *r, uint64_t val, uint64_t cur, unsigned caps)
{
	if (r->write_needs & ~caps)
		return false;
	switch (r->write) {
	case MSR_WRITE_NONE:
	case MSR_WRITE_GP:
		return false;
	case MSR_WRITE_IGNORE:
		return true;
	case MSR_WRITE_SAME:
		return val == cur;
	}
	switch (r->check) {
	case MSR_CHECK_CANONICAL:
		return addr_canonical(val, caps & MSR_CAP_LA57 ? LINEAR_BITS_5LEVEL : LINEAR_BITS_4LEVEL);
	case MSR_CHECK_EFER:
		/* SDM WRMSR: changing LME with CR0.PG set is #GP; kept, the next VM entry would fail on LME != LMA. */
		return !(val & ~(uint64_t)(EFER_GUEST_WRITABLE | EFER_LMA)) && (!(val & EFER_NXE) || (caps & MSR_CAP_NX)) &&
		       (!(caps & MSR_CAP_PAGING) || !((val ^ cur) & EFER_LME));
	case MSR_CHECK_MISC_ENABLE:
		return !(val & ~(MISC_ENABLE_WRITABLE | MISC_ENABLE_READ_ONLY)) &&
		       (val & MISC_ENABLE_READ_ONLY) == (cur & MISC_ENABLE_READ_ONLY);
	case MSR_CHECK_PAT:
		return msr_pat_valid(val);
	case MSR_CHECK_DEBUGCTL:
		return !(val & ~(uint64_t)(DEBUGCTL_GUEST_WRITABLE | DEBUGCTL_LBR));
	default:
		return true;
	}
}
