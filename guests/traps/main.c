/*
 * traps: checks what Hinoki promises a guest about exceptions and privileged
 * instructions: which MSRs exist, that VMX instructions raise #UD, what CR0
 * and CR4 read back, the CPUID features it hides (protection keys as offered),
 * that XMM state survives switches to other domains, and the virtual local
 * APIC (apic.c). One "traps: ..." line per fact, "traps: CHECK FAILED: ..."
 * per broken promise, "traps: all checks passed" and exit code 0 only when
 * none broke.
 *
 * A faulting instruction is run as a probe (guests/lib/probe.h): from bytes
 * with a label on it, the handler must report the fault at that label, and
 * the guest resumes after the instruction's length.
 */
#include "check.h"
#include "guest.h"
#include "msr_check.h"
#include "probe.h"
#include "traps.h"

#define UNKNOWN_MSR          0x12345678u
#define CR4_RESERVED_BIT     BIT(15)   /* reserved in every SDM edition so far */
#define APIC_BASE_ADDR_MASK  0x000ffffffffff000ULL
#define XMM_SEED             0x10
#define XMM_YIELDS           8

/*
 * Runs p expecting exception `want` with error code 0 where the vector has
 * one (the only code #GP and #UD carry here). Prints the outcome; returns
 * whether it matched.
 */
static bool expect_fault(const struct probe *p, struct probe_regs *r, unsigned want,
                         const char *what)
{
	struct probe_result res = probe_run(p, r);
	if (!res.faulted || res.vector != want || !res.at_insn || res.error_code != 0) {
		char got[64];
		probe_describe(&res, got, sizeof got);
		fail("%s: %s, expected %s", what, got, trap_name(want));
		return false;
	}
	gprintf(TAG "%s -> %s\n", what, trap_name(want));
	return true;
}

bool expect_wrmsr_gp(uint32_t msr, uint64_t val, const char *what)
{
	struct probe_regs r = { .rcx = msr, .rax = (uint32_t)val, .rdx = val >> 32 };
	return expect_fault(&probe_wrmsr, &r, VEC_GP, what);
}

static void check_msrs(void)
{
	char what[64];
	struct probe_regs r = { .rcx = UNKNOWN_MSR };
	gsnprintf(what, sizeof what, "rdmsr 0x%x (unknown)", UNKNOWN_MSR);
	expect_fault(&probe_rdmsr, &r, VEC_GP, what);

	r = (struct probe_regs){ .rcx = UNKNOWN_MSR, .rax = 1, .rdx = 0 };
	gsnprintf(what, sizeof what, "wrmsr 0x%x (unknown)", UNKNOWN_MSR);
	expect_fault(&probe_wrmsr, &r, VEC_GP, what);

	uint64_t efer = rdmsr(MSR_IA32_EFER);
	gprintf(TAG "efer 0x%lx\n", efer);
	if ((efer & (EFER_LME | EFER_LMA)) != (EFER_LME | EFER_LMA))
		fail("EFER 0x%lx lacks LME|LMA in long mode", efer);
	wrmsr(MSR_IA32_EFER, efer ^ EFER_SCE);
	uint64_t toggled = rdmsr(MSR_IA32_EFER);
	wrmsr(MSR_IA32_EFER, efer);
	uint64_t restored = rdmsr(MSR_IA32_EFER);
	gprintf(TAG "efer with SCE toggled 0x%lx, restored 0x%lx\n", toggled, restored);
	if (toggled != (efer ^ EFER_SCE))
		fail("EFER read 0x%lx after writing 0x%lx", toggled, (uint64_t)(efer ^ EFER_SCE));
	if (restored != efer)
		fail("EFER read 0x%lx after restoring 0x%lx", restored, efer);
	expect_wrmsr_gp(MSR_IA32_EFER, efer & ~EFER_LME, "wrmsr efer without LME while paging");
	if (rdmsr(MSR_IA32_EFER) != efer)
		fail("EFER 0x%lx after the refused write, expected 0x%lx", rdmsr(MSR_IA32_EFER), efer);

	uint64_t apic = rdmsr(MSR_IA32_APIC_BASE);
	gprintf(TAG "apic base 0x%lx\n", apic);
	if ((apic & APIC_BASE_ADDR_MASK) != APIC_DEFAULT_PHYS_BASE)
		fail("APIC base address 0x%lx, expected 0x%llx", (uint64_t)(apic & APIC_BASE_ADDR_MASK),
		     APIC_DEFAULT_PHYS_BASE);
	if (!(apic & APIC_BASE_ENABLE))
		fail("APIC base 0x%lx without the enable bit", apic);
	if (!(apic & APIC_BASE_BSP))
		fail("APIC base 0x%lx without the BSP bit on vCPU 0", apic);
}

static void check_vmx_instructions(void)
{
	/* Operand memory for the forms that take one; never touched as they fault. */
	static uint64_t operand[2] __attribute__((aligned(16)));
	char what[32];

	for (size_t i = 0; i < probe_vmx_count; i++) {
		struct probe_regs r = { .rax = (uintptr_t)operand };
		gsnprintf(what, sizeof what, "%s", probe_vmx[i].name);
		expect_fault(&probe_vmx[i], &r, VEC_UD, what);
	}
}

static void check_cr4(void)
{
	uint64_t cr4 = read_cr4();
	gprintf(TAG "cr4 0x%lx at entry\n", cr4);
	if (cr4 & CR4_VMXE)
		fail("CR4.VMXE visible: 0x%lx", cr4);
	if (cr4 != CR4_PAE)
		fail("CR4 0x%lx at entry, the protocol says PAE only (0x%llx)", cr4, CR4_PAE);

	uint64_t want = cr4 | CR4_OSFXSR | CR4_OSXMMEXCPT;
	write_cr4(want);
	uint64_t got = read_cr4();
	gprintf(TAG "cr4 0x%lx after writing 0x%lx\n", got, want);
	if (got != want)
		fail("CR4 read 0x%lx after writing 0x%lx", got, want);

	char what[48];
	struct probe_regs r = { .rax = want | CR4_RESERVED_BIT };
	gsnprintf(what, sizeof what, "mov cr4, 0x%lx (reserved bit)", r.rax);
	expect_fault(&probe_mov_cr4, &r, VEC_GP, what);
	got = read_cr4();
	gprintf(TAG "cr4 0x%lx after the refused write\n", got);
	if (got != want)
		fail("CR4 read 0x%lx after a refused write, expected 0x%lx", got, want);
}

/*
 * Protection keys: never PKS (CR4.PKS raises #GP); PKU as CPUID says it: not
 * offered, CR4.PKE raises #GP; offered, OSPKE follows the guest's CR4.PKE.
 */
static void check_pkeys(void)
{
	uint32_t ecx = cpuid(CPUID_LEAF_STRUCT_EXT, 0).ecx;
	bool pku = ecx & CPUID_7_ECX_PKU;
	gprintf(TAG "cpuid.7 ecx pku=%u ospke=%u pks=%u\n", pku, !!(ecx & CPUID_7_ECX_OSPKE), !!(ecx & CPUID_7_ECX_PKS));
	if (ecx & (CPUID_7_ECX_OSPKE | CPUID_7_ECX_PKS))
		fail("CPUID.(7,0):ECX 0x%x says OSPKE or PKS with CR4.PKE clear", ecx);

	uint64_t cr4 = read_cr4();
	struct probe_regs r = { .rax = cr4 | CR4_PKS };
	expect_fault(&probe_mov_cr4, &r, VEC_GP, "mov cr4, +PKS");
	if (!pku) {
		r = (struct probe_regs){ .rax = cr4 | CR4_PKE };
		expect_fault(&probe_mov_cr4, &r, VEC_GP, "mov cr4, +PKE (no PKU)");
		return;
	}
	write_cr4(cr4 | CR4_PKE);
	bool on = cpuid(CPUID_LEAF_STRUCT_EXT, 0).ecx & CPUID_7_ECX_OSPKE;
	write_cr4(cr4);
	bool off = cpuid(CPUID_LEAF_STRUCT_EXT, 0).ecx & CPUID_7_ECX_OSPKE;
	gprintf(TAG "ospke with cr4.pke set %u, cleared %u\n", on, off);
	if (!on || off)
		fail("OSPKE %u with CR4.PKE set, %u with it cleared", on, off);
}

static void check_cr0(void)
{
	uint64_t cr0 = read_cr0();
	gprintf(TAG "cr0 0x%lx\n", cr0);
	if ((cr0 & (CR0_PE | CR0_PG)) != (CR0_PE | CR0_PG))
		fail("CR0 0x%lx lacks PE|PG", cr0);
	if (cr0 & CR0_TS)
		fail("CR0.TS set at entry: 0x%lx", cr0);

	write_cr0(cr0 | CR0_TS);
	uint64_t set = read_cr0();
	clts();
	uint64_t cleared = read_cr0();
	write_cr0(cr0 | CR0_TS);
	write_cr0(cr0);
	uint64_t back = read_cr0();
	gprintf(TAG "cr0.ts set 0x%lx, after clts 0x%lx, after mov 0x%lx\n", set, cleared, back);
	if (set != (cr0 | CR0_TS))
		fail("CR0 read 0x%lx after setting TS, expected 0x%lx", set, (uint64_t)(cr0 | CR0_TS));
	if (cleared != cr0)
		fail("CR0 read 0x%lx after CLTS, expected 0x%lx", cleared, cr0);
	if (back != cr0)
		fail("CR0 read 0x%lx after clearing TS with MOV, expected 0x%lx", back, cr0);
}

static void check_cpuid(void)
{
	static const struct {
		const char *name;
		uint32_t bit;
		bool want;
	} bits[] = {
		{ "vmx", CPUID_1_ECX_VMX, false },
		{ "hypervisor", CPUID_1_ECX_HYPERVISOR, true },
		{ "xsave", CPUID_1_ECX_XSAVE, false },
		{ "osxsave", CPUID_1_ECX_OSXSAVE, false },
		{ "x2apic", CPUID_1_ECX_X2APIC, true },
		{ "tsc_deadline", CPUID_1_ECX_TSC_DEADLINE, true },
		{ "pdcm", CPUID_1_ECX_PDCM, false },
	};
	uint32_t ecx = cpuid(1, 0).ecx;

	for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
		bool got = ecx & bits[i].bit;
		gprintf(TAG "cpuid.1 ecx %s=%u\n", bits[i].name, got);
		if (got != bits[i].want)
			fail("CPUID.1:ECX.%s is %u, expected %u", bits[i].name, got, bits[i].want);
	}
	/* No PMU and no speculation-control MSRs are emulated, so none is announced. */
	uint32_t pmu = cpuid(CPUID_LEAF_PERFMON, 0).eax, spec = cpuid(CPUID_LEAF_STRUCT_EXT, 0).edx & CPUID_7_EDX_SPEC_MSRS;
	gprintf(TAG "cpuid.0xa eax 0x%x, cpuid.7 edx spec bits 0x%x\n", pmu, spec);
	if (pmu || spec)
		fail("CPUID announces a PMU (0x%x) or speculation-control MSRs (0x%x)", pmu, spec);
}

static void check_xmm(void)
{
	uint32_t bad = xmm_check_yields(XMM_SEED, XMM_YIELDS);
	gprintf(TAG "xmm0-15 after %u yields: %s\n", XMM_YIELDS, bad ? "changed" : "kept");
	if (bad)
		fail("XMM registers changed across HC_YIELD (mask 0x%x)", bad);
}

/* Passed through (no exit) and switched with the vCPU: kept across yields to hello, and SWAPGS works. */
static void check_syscall_msrs(void)
{
	uint32_t bad = syscall_msrs_check_yields(XMM_SEED, XMM_YIELDS);
	gprintf(TAG "syscall msrs after %u yields: %s\n", XMM_YIELDS, bad ? "changed" : "kept");
	if (bad)
		fail("SYSCALL/SWAPGS MSRs changed across HC_YIELD (mask 0x%x)", bad);
	int ok = swapgs_works();
	gprintf(TAG "swapgs: %s\n", ok ? "ok" : "wrong");
	if (!ok)
		fail("SWAPGS did not exchange GS_BASE and KERNEL_GS_BASE");
}

/* Whether the command line holds `word` (the traps guest links no command-line library). */
static bool has_word(const struct hinoki_bootinfo *bi, const char *word)
{
	const char *s = (const char *)(uintptr_t)bi->cmdline_gpa;
	size_t n = strlen(word);
	if (!bi->cmdline_gpa)
		return false;
	for (; *s; s++)
		if ((s == (const char *)(uintptr_t)bi->cmdline_gpa || s[-1] == ' ') &&
		    memcmp(s, word, n) == 0 && (s[n] == ' ' || s[n] == 0))
			return true;
	return false;
}

int guest_main(const struct hinoki_bootinfo *bi)
{
	serial_init();
	gprintf(TAG "started\n");
	if (has_word(bi, "mmio-bad"))
		apic_bad_mmio();

	/* CR4 first, while it still holds the entry value; XMM early, to overlap the other domain's check. */
	check_cr4();
	check_xmm();
	check_syscall_msrs();
	check_msrs();
	check_debugctl();
	check_vmx_instructions();
	check_pkeys();
	check_cr0();
	check_cpuid();
	check_apic();
	check_user_hypercalls();

	int code = check_summary(TAG);
	gprintf(TAG "exit code %d\n", code);
	return code;
}
