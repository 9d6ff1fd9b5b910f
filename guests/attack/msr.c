/*
 * Sensitive MSRs: each read and write gets #GP or the answer
 * docs/platform.md documents, never the real MSR. A refused write to an MSR
 * that reads must leave it as it was ("kept"). Whether the hypervisor and
 * the other domains still work after them is the test's to see: an honest
 * domain checks its RAM meanwhile, and the machine must power off cleanly.
 */
#include "attack.h"
#include "hw/apic.h"

#define X2APIC_MSR_ICR       (X2APIC_MSR_BASE + (APIC_REG_ICR_LOW >> 4))
#define NONCANONICAL         0x0000800000000000ULL
#define MICROCODE_BLOB       0x200000ULL    /* inside RAM: a "microcode update" of zeros */

enum msr_op {
	MSR_RD,        /* read: the value or the exception */
	MSR_WR,        /* write `set` */
	MSR_WR_CUR,    /* write (current & ~clear) | set, then read back: "kept" if unchanged */
};

struct msr_row {
	uint32_t msr;
	enum msr_op op;
	uint64_t set, clear;
	const char *expected;
};

static bool read_msr(uint32_t msr, uint64_t *v)
{
	struct probe_regs r = { .rcx = msr };
	struct probe_result res = probe_run(&probe_rdmsr, &r);
	*v = (r.rdx << 32) | (uint32_t)r.rax;
	return !res.faulted;
}

static void msr_case(const void *arg, struct verdict *v)
{
	const struct msr_row *row = arg;
	answer(v->expected, "%s", row->expected);
	if (row->op == MSR_RD) {
		struct probe_regs r = { .rcx = row->msr };
		probe_answer(&probe_rdmsr, &r, v->got);
		return;
	}
	uint64_t before = 0, val = row->set;
	bool readable = row->op == MSR_WR_CUR && read_msr(row->msr, &before);
	if (row->op == MSR_WR_CUR)
		val = (before & ~row->clear) | row->set;
	struct probe_regs r = { .rcx = row->msr, .rax = (uint32_t)val, .rdx = val >> 32 };
	struct probe_result res = probe_run(&probe_wrmsr, &r);
	char what[ANSWER_LEN];
	if (res.faulted)
		probe_describe(&res, what, sizeof what);
	else
		answer(what, "accepted");
	uint64_t after;
	if (!readable)
		answer(v->got, "%s", what);
	else if (!read_msr(row->msr, &after))
		answer(v->got, "%s, then reads fault", what);
	else if (after == before)
		answer(v->got, "%s, kept", what);
	else
		answer(v->got, "%s, now 0x%lx (was 0x%lx)", what, after, before);
}

#define ROW(name, m, op, set, clr, e) { name, msr_case, &(const struct msr_row){ m, op, set, clr, e }, 0 }
#define RD(name, m, e)                ROW("rdmsr " name, m, MSR_RD, 0, 0, e)
#define WR(name, m, val, e)           ROW("wrmsr " name, m, MSR_WR, val, 0, e)
#define WR_CUR(name, m, set, clr, e)  ROW("wrmsr " name, m, MSR_WR_CUR, set, clr, e)

const struct attack_case msr_cases[] = {
	RD("FEATURE_CONTROL", MSR_IA32_FEATURE_CONTROL, "no exception, 0x1"),
	WR_CUR("FEATURE_CONTROL +VMX outside SMX", MSR_IA32_FEATURE_CONTROL, FEATURE_CONTROL_VMX_OUTSIDE_SMX, 0, "#GP, kept"),
	WR_CUR("FEATURE_CONTROL unlocked", MSR_IA32_FEATURE_CONTROL, 0, FEATURE_CONTROL_LOCK, "#GP, kept"),
	RD("VMX_BASIC", MSR_IA32_VMX_BASIC, "#GP"),
	RD("VMX_PINBASED_CTLS", MSR_IA32_VMX_PINBASED_CTLS, "#GP"),
	RD("VMX_PROCBASED_CTLS", MSR_IA32_VMX_PROCBASED_CTLS, "#GP"),
	RD("VMX_EXIT_CTLS", MSR_IA32_VMX_EXIT_CTLS, "#GP"),
	RD("VMX_ENTRY_CTLS", MSR_IA32_VMX_ENTRY_CTLS, "#GP"),
	RD("VMX_MISC", MSR_IA32_VMX_MISC, "#GP"),
	RD("VMX_CR0_FIXED0", MSR_IA32_VMX_CR0_FIXED0, "#GP"),
	RD("VMX_CR0_FIXED1", MSR_IA32_VMX_CR0_FIXED1, "#GP"),
	RD("VMX_CR4_FIXED0", MSR_IA32_VMX_CR4_FIXED0, "#GP"),
	RD("VMX_CR4_FIXED1", MSR_IA32_VMX_CR4_FIXED1, "#GP"),
	RD("VMX_VMCS_ENUM", MSR_IA32_VMX_VMCS_ENUM, "#GP"),
	RD("VMX_PROCBASED_CTLS2", MSR_IA32_VMX_PROCBASED_CTLS2, "#GP"),
	RD("VMX_EPT_VPID_CAP", MSR_IA32_VMX_EPT_VPID_CAP, "#GP"),
	RD("VMX_TRUE_PINBASED_CTLS", MSR_IA32_VMX_TRUE_PINBASED_CTLS, "#GP"),
	RD("VMX_TRUE_PROCBASED_CTLS", MSR_IA32_VMX_TRUE_PROCBASED_CTLS, "#GP"),
	RD("VMX_TRUE_EXIT_CTLS", MSR_IA32_VMX_TRUE_EXIT_CTLS, "#GP"),
	RD("VMX_TRUE_ENTRY_CTLS", MSR_IA32_VMX_TRUE_ENTRY_CTLS, "#GP"),
	RD("VMX_VMFUNC", MSR_IA32_VMX_VMFUNC, "#GP"),
	WR("VMX_BASIC", MSR_IA32_VMX_BASIC, 0, "#GP"),
	WR("VMX_PROCBASED_CTLS2 all ones", MSR_IA32_VMX_PROCBASED_CTLS2, ~0ULL, "#GP"),
	WR_CUR("EFER +bit 1", MSR_IA32_EFER, BIT(1), 0, "#GP, kept"),
	WR_CUR("EFER +bit 9", MSR_IA32_EFER, BIT(9), 0, "#GP, kept"),
	WR_CUR("EFER +SVME (AMD's)", MSR_IA32_EFER, BIT(12), 0, "#GP, kept"),
	WR_CUR("EFER +FFXSR (AMD's)", MSR_IA32_EFER, BIT(14), 0, "#GP, kept"),
	WR_CUR("EFER +bit 63", MSR_IA32_EFER, BIT(63), 0, "#GP, kept"),
	WR_CUR("EFER -LME in long mode", MSR_IA32_EFER, 0, EFER_LME, "#GP, kept"),
	WR_CUR("APIC_BASE above MAXPHYADDR (bit 51)", MSR_IA32_APIC_BASE, BIT(51), 0, "#GP, kept"),
	WR_CUR("APIC_BASE reserved bit 9", MSR_IA32_APIC_BASE, BIT(9), 0, "#GP, kept"),
	WR_CUR("APIC_BASE x2APIC without enable", MSR_IA32_APIC_BASE, APIC_BASE_X2APIC, APIC_BASE_ENABLE, "#GP, kept"),
	WR_CUR("APIC_BASE -BSP (the CPU's flag, ignored)", MSR_IA32_APIC_BASE, 0, APIC_BASE_BSP, "accepted, kept"),
	WR("x2APIC ICR in xAPIC mode: INIT to all", X2APIC_MSR_ICR, 0x000000ff000c4500ULL, "#GP"),
	RD("SMRR_PHYSBASE", MSR_IA32_SMRR_PHYSBASE, "#GP"),
	WR("SMRR_PHYSBASE", MSR_IA32_SMRR_PHYSBASE, 0x6, "#GP"),
	RD("SMRR_PHYSMASK", MSR_IA32_SMRR_PHYSMASK, "#GP"),
	WR("SMRR_PHYSMASK", MSR_IA32_SMRR_PHYSMASK, 0, "#GP"),
	RD("SMM_MONITOR_CTL", MSR_IA32_SMM_MONITOR_CTL, "#GP"),
	WR("SMM_MONITOR_CTL valid", MSR_IA32_SMM_MONITOR_CTL, 1, "#GP"),
	RD("SMBASE", MSR_IA32_SMBASE, "#GP"),
	WR("SMBASE", MSR_IA32_SMBASE, 0x30000, "#GP"),
	WR("BIOS_UPDT_TRIG (microcode update)", MSR_IA32_BIOS_UPDT_TRIG, MICROCODE_BLOB, "#GP"),
	RD("BIOS_UPDT_TRIG", MSR_IA32_BIOS_UPDT_TRIG, "#GP"),
	RD("BIOS_SIGN_ID", MSR_IA32_BIOS_SIGN_ID, "no exception, 0x100000000"),
	WR_CUR("BIOS_SIGN_ID 0", MSR_IA32_BIOS_SIGN_ID, 0, ~0ULL, "accepted, kept"),
	RD("DEBUGCTL", MSR_IA32_DEBUGCTL, "no exception, 0x0"),
	WR_CUR("DEBUGCTL +TR|BTS (branch trace store)", MSR_IA32_DEBUGCTL, BIT(6) | BIT(7), 0, "#GP, kept"),
	RD("PERF_GLOBAL_CTRL", MSR_IA32_PERF_GLOBAL_CTRL, "#GP"),
	WR("PERF_GLOBAL_CTRL all counters", MSR_IA32_PERF_GLOBAL_CTRL, 0x7000000ffULL, "#GP"),
	WR("SPEC_CTRL IBRS", MSR_IA32_SPEC_CTRL, 1, "#GP"),
	WR("PRED_CMD IBPB", MSR_IA32_PRED_CMD, 1, "#GP"),
	WR_CUR("MCG_STATUS 1", MSR_IA32_MCG_STATUS, 1, 0, "#GP, kept"),
	WR_CUR("MISC_ENABLE +reserved bit 1", MSR_IA32_MISC_ENABLE, BIT(1), 0, "#GP, kept"),
	WR_CUR("SYSENTER_EIP non-canonical", MSR_IA32_SYSENTER_EIP, NONCANONICAL, 0, "#GP, kept"),
	WR_CUR("GS_BASE non-canonical", MSR_IA32_GS_BASE, NONCANONICAL, 0, "#GP, kept"),
};
const unsigned msr_case_count = sizeof msr_cases / sizeof msr_cases[0];
