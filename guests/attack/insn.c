/*
 * VMX and SMX instructions, and XSETBV: a guest runs on a CPU whose CPUID
 * offers neither VMX nor SMX nor XSAVE, so each raises what such a CPU
 * raises: #UD (VMX instructions outside VMX operation, GETSEC with
 * CR4.SMXE clear, XSETBV with CR4.OSXSAVE clear), and setting CR4.VMXE or
 * CR4.SMXE is a reserved-bit #GP. VMCALL is the hypercall gate (hc.c).
 */
#include "attack.h"

static uint64_t operand[2] __attribute__((aligned(16)));

struct insn_row {
	const struct probe *p;
	struct probe_regs regs;
	const char *expected;
};

static void insn_case(const void *arg, struct verdict *v)
{
	const struct insn_row *row = arg;
	struct probe_regs r = row->regs;
	if (!r.rax && row->p != &probe_xsetbv && row->p != &probe_getsec && row->p != &probe_vmfunc)
		r.rax = (uintptr_t)operand;   /* the memory operand of the VMX forms that take one */
	answer(v->expected, "%s", row->expected);
	probe_answer(row->p, &r, v->got);
}

/* CR4 with one more bit: hardware without VMX or SMX has these reserved. */
static void cr4_bit(const void *arg, struct verdict *v)
{
	uint64_t bit = *(const uint64_t *)arg, before = read_cr4();
	struct probe_regs r = { .rax = before | bit };
	answer(v->expected, "#GP, CR4 kept");
	struct probe_result res = probe_run(&probe_mov_cr4, &r);
	char what[ANSWER_LEN];
	probe_describe(&res, what, sizeof what);
	uint64_t after = read_cr4();
	if (after == before)
		answer(v->got, "%s, CR4 kept", what);
	else
		answer(v->got, "%s, CR4 now 0x%lx", what, after);
}

static const uint64_t vmxe = CR4_VMXE, smxe = CR4_SMXE;

#define ROW(name, p, rax, rcx, rdx, e) { name, insn_case, &(const struct insn_row){ p, { rax, rcx, rdx }, e }, 0 }

const struct attack_case insn_cases[] = {
	{ "vmxon", insn_case, &(const struct insn_row){ &probe_vmx[0], { 0 }, "#UD" }, 0 },
	{ "vmxoff", insn_case, &(const struct insn_row){ &probe_vmx[1], { 0 }, "#UD" }, 0 },
	{ "vmclear", insn_case, &(const struct insn_row){ &probe_vmx[2], { 0 }, "#UD" }, 0 },
	{ "vmptrld", insn_case, &(const struct insn_row){ &probe_vmx[3], { 0 }, "#UD" }, 0 },
	{ "vmptrst", insn_case, &(const struct insn_row){ &probe_vmx[4], { 0 }, "#UD" }, 0 },
	{ "vmread", insn_case, &(const struct insn_row){ &probe_vmx[5], { 0 }, "#UD" }, 0 },
	{ "vmwrite", insn_case, &(const struct insn_row){ &probe_vmx[6], { 0 }, "#UD" }, 0 },
	{ "vmlaunch", insn_case, &(const struct insn_row){ &probe_vmx[7], { 0 }, "#UD" }, 0 },
	{ "vmresume", insn_case, &(const struct insn_row){ &probe_vmx[8], { 0 }, "#UD" }, 0 },
	{ "invept", insn_case, &(const struct insn_row){ &probe_vmx[9], { 0, 2, 0 }, "#UD" }, 0 },
	{ "invvpid", insn_case, &(const struct insn_row){ &probe_vmx[10], { 0, 2, 0 }, "#UD" }, 0 },
	ROW("vmfunc 0 (EPTP switching)", &probe_vmfunc, 0, 0, 0, "#UD"),
	ROW("vmfunc 0x3f", &probe_vmfunc, 0x3f, 0, 0, "#UD"),
	ROW("getsec CAPABILITIES", &probe_getsec, 0, 0, 0, "#UD"),
	ROW("getsec SENTER", &probe_getsec, 4, 0, 0, "#UD"),
	ROW("xsetbv XCR0 = x87", &probe_xsetbv, 1, 0, 0, "#UD"),
	ROW("xsetbv XCR0 = 0 (x87 cleared)", &probe_xsetbv, 0, 0, 0, "#UD"),
	ROW("xsetbv XCR1", &probe_xsetbv, 1, 1, 0, "#UD"),
	ROW("xsetbv XCR0 = all ones", &probe_xsetbv, 0xffffffff, 0, 0xffffffff, "#UD"),
	{ "mov cr4 +VMXE", cr4_bit, &vmxe, 0 },
	{ "mov cr4 +SMXE", cr4_bit, &smxe, 0 },
};
const unsigned insn_case_count = sizeof insn_cases / sizeof insn_cases[0];
