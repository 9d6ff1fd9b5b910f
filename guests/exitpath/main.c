/*
 * exitpath: the guest-visible results of the exits the hypervisor may
 * resume at once (CPUID, hypercalls, port I/O), folded into one digest. The
 * same kernel runs in a domain with `fastpath = 1` and in one with
 * `fastpath = 0`; the integration test requires equal digests, since the two
 * differ only in who re-enters the guest. It also checks what the one path
 * promises either way: a leaf above the highest basic one reads as that
 * leaf, APIC IDs are the vCPU's, a prefixed IN runs once, results the hardware
 * or the hypercall ABI fixes, answers that follow the MSRs the guest
 * writes however often the leaf was asked before, and every register an
 * exit does not define kept across it, while the ones an emulated MMIO
 * load defines (RBP and R12-R15 among them, on the test device) arrive.
 */
#include "check.h"
#include "guest.h"
#include "hw/apic.h"
#include "hw/cpuid.h"
#include "hw/msr.h"
#include "hw/testdev.h"

#define TAG "exitpath: "

#define CPUID_HIGH_LEAF    0x12345678u   /* above any basic leaf, below the hypervisor range */
#define CPUID_EXT_BEYOND   0x8fffffffu   /* above any extended leaf */
#define HINOKI_LEAF_INFO   0x40000001u   /* EBX holds the domain id: differs between the two domains */
#define COM1_LSR           (0x3f8 + 5)
#define COM1_SCR           (0x3f8 + 7)
#define LSR_IDLE           0x60          /* transmitter empty, nothing received */
#define UNKNOWN_PORT       0x80
#define UNKNOWN_HYPERCALL  999
#define FNV_OFFSET         0xcbf29ce484222325ULL
#define FNV_PRIME          0x100000001b3ULL

static uint64_t digest = FNV_OFFSET;
static unsigned folded;

static void fold(uint64_t v)
{
	for (unsigned i = 0; i < 8; i++, v >>= 8)
		digest = (digest ^ (v & 0xff)) * FNV_PRIME;
	folded++;
}

static void fold_cpuid(uint32_t leaf, uint32_t sub)
{
	struct cpuid_regs r = cpuid(leaf, sub);
	if (leaf == HINOKI_LEAF_INFO)
		r.ebx = 0;
	fold(r.eax), fold(r.ebx), fold(r.ecx), fold(r.edx);
}

static bool same_regs(struct cpuid_regs a, struct cpuid_regs b)
{
	return a.eax == b.eax && a.ebx == b.ebx && a.ecx == b.ecx && a.edx == b.edx;
}

static void check_cpuid(void)
{
	uint32_t max_basic = cpuid(0, 0).eax, max_ext = cpuid(0x80000000u, 0).eax;
	for (uint32_t leaf = 0; leaf <= max_basic; leaf++)
		for (uint32_t sub = 0; sub < 3; sub++)
			fold_cpuid(leaf, sub);
	for (uint32_t leaf = 0x80000000u; leaf <= max_ext; leaf++)
		fold_cpuid(leaf, 0);
	fold_cpuid(0x40000000u, 0);
	fold_cpuid(HINOKI_LEAF_INFO, 0);
	fold_cpuid(CPUID_HIGH_LEAF, 0);
	fold_cpuid(CPUID_EXT_BEYOND, 0);

	/* The CPU answers leaves beyond its range with its highest basic leaf: the hypervisor's edits included. */
	struct cpuid_regs top = cpuid(max_basic, 0);
	if (!same_regs(cpuid(CPUID_HIGH_LEAF, 0), top))
		fail("leaf 0x%x differs from the highest basic leaf 0x%x", CPUID_HIGH_LEAF, max_basic);
	if (!same_regs(cpuid(CPUID_EXT_BEYOND, 0), top))
		fail("leaf 0x%x differs from the highest basic leaf 0x%x", CPUID_EXT_BEYOND, max_basic);
	if (cpuid(1, 0).ebx >> 24 != 0)
		fail("leaf 1 initial APIC ID %u, expected 0 (vCPU 0)", cpuid(1, 0).ebx >> 24);
	if (max_basic >= 0xb && cpuid(0xb, 0).edx != 0)
		fail("leaf 0xb x2APIC ID %u, expected 0 (vCPU 0)", cpuid(0xb, 0).edx);
}

static bool apic_bit(void)
{
	return (cpuid(CPUID_LEAF_FEATURES, 0).edx & CPUID_1_EDX_APIC) != 0;
}

static bool nx_bit(void)
{
	return (cpuid(CPUID_LEAF_EXT_FEATURES, 0).edx & CPUID_80000001_EDX_NX) != 0;
}

/*
 * Each leaf is asked before and after the write that changes its answer:
 * IA32_APIC_BASE's global enable is CPUID.1:EDX.APIC, IA32_MISC_ENABLE's
 * "limit CPUID maxval" caps leaf 0's EAX at 2 and its "XD disable" clears
 * CPUID.80000001:EDX.NX.
 */
static void check_cpuid_inputs(void)
{
	uint64_t base = rdmsr(MSR_IA32_APIC_BASE);
	if (!apic_bit() || !apic_bit())
		fail("CPUID.1:EDX.APIC clear with the APIC enabled (IA32_APIC_BASE 0x%llx)", (unsigned long long)base);
	wrmsr(MSR_IA32_APIC_BASE, base & ~(uint64_t)(APIC_BASE_ENABLE | APIC_BASE_X2APIC));
	if (apic_bit())
		fail("CPUID.1:EDX.APIC set with the APIC disabled");
	fold(cpuid(CPUID_LEAF_FEATURES, 0).edx);
	wrmsr(MSR_IA32_APIC_BASE, base & ~(uint64_t)APIC_BASE_X2APIC);   /* xAPIC first, as the CPU requires */
	wrmsr(MSR_IA32_APIC_BASE, base);
	if (!apic_bit())
		fail("CPUID.1:EDX.APIC clear once the APIC is enabled again");

	uint32_t max = cpuid(CPUID_LEAF_BASIC_MAX, 0).eax;
	uint32_t limited = max < CPUID_LIMITED_MAX_LEAF ? max : CPUID_LIMITED_MAX_LEAF;
	uint64_t misc = rdmsr(MSR_IA32_MISC_ENABLE);
	wrmsr(MSR_IA32_MISC_ENABLE, misc | MISC_ENABLE_LIMIT_CPUID);
	if (cpuid(CPUID_LEAF_BASIC_MAX, 0).eax != limited)
		fail("leaf 0 EAX 0x%x with the CPUID limit set, expected 0x%x", cpuid(CPUID_LEAF_BASIC_MAX, 0).eax, limited);
	fold(cpuid(CPUID_LEAF_BASIC_MAX, 0).eax);
	wrmsr(MSR_IA32_MISC_ENABLE, misc);
	if (cpuid(CPUID_LEAF_BASIC_MAX, 0).eax != max)
		fail("leaf 0 EAX 0x%x once the CPUID limit is clear, expected 0x%x", cpuid(CPUID_LEAF_BASIC_MAX, 0).eax, max);

	bool nx = nx_bit();
	wrmsr(MSR_IA32_MISC_ENABLE, misc | MISC_ENABLE_XD_BIT_DISABLE);
	if (nx_bit())
		fail("CPUID.80000001:EDX.NX set with XD disable set");
	fold(cpuid(CPUID_LEAF_EXT_FEATURES, 0).edx);
	wrmsr(MSR_IA32_MISC_ENABLE, misc);
	if (nx_bit() != nx)
		fail("CPUID.80000001:EDX.NX %d once XD disable is clear, %d before it was set", nx_bit(), nx);
}

static void check_hypercalls(void)
{
	long r;
	if ((r = hc_null()) != 0)
		fail("HC_NULL returned %ld", r);
	fold((uint64_t)r);
	if ((r = hc_version()) <= 0)
		fail("HC_VERSION returned %ld", r);
	fold((uint64_t)r);
	if ((r = hc_call(HC_NULL_STUB, 0, 0, 0, 0)) != 0)
		fail("HC_NULL_STUB returned %ld", r);
	fold((uint64_t)r);
	if ((r = hc_call(UNKNOWN_HYPERCALL, 0, 0, 0, 0)) != -HC_ENOSYS)
		fail("hypercall %d returned %ld, expected -HC_ENOSYS", UNKNOWN_HYPERCALL, r);
	fold((uint64_t)r);
}

/* around.asm: each loads r[] (SDM numbering) into the GPRs, runs one instruction and stores them back. */
enum { R_RAX, R_RCX, R_RDX, R_RBX, R_RSP, R_RBP, R_RSI, R_RDI, R_R12 = 12, R_R13, R_R14, R_R15, NREGS };
void around_cpuid(uint64_t r[NREGS]);
void around_vmcall(uint64_t r[NREGS]);
void around_inb(uint64_t r[NREGS]);
void around_mmio_loads(uint64_t r[NREGS]);

static const char *const reg_names[NREGS] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

static uint64_t reg_mark(unsigned i)
{
	return 0x5eed000000000000ULL | (uint64_t)i << 40 | (0x01020304u * (i + 1));
}

static void reg_marks(uint64_t r[NREGS])
{
	for (unsigned i = 0; i < NREGS; i++)
		r[i] = reg_mark(i);
}

/* Every register but RSP and those in `defined` (a bit per register) must hold its mark. */
static void regs_kept(const char *what, const uint64_t r[NREGS], unsigned defined)
{
	for (unsigned i = 0; i < NREGS; i++)
		if (i != R_RSP && !(defined >> i & 1) && r[i] != reg_mark(i))
			fail("%s left %s 0x%llx, was 0x%llx", what, reg_names[i], (unsigned long long)r[i],
			     (unsigned long long)reg_mark(i));
}

/*
 * The exit stub re-enters at once without reloading RBP and R12-R15, which C
 * keeps for its caller: what the hypervisor leaves there must be the guest's
 * own, and a value it writes there must still arrive.
 */
static void check_registers(void)
{
	uint64_t r[NREGS];
	reg_marks(r);
	r[R_RAX] = 1, r[R_RCX] = 0;
	around_cpuid(r);
	regs_kept("CPUID", r, 1u << R_RAX | 1u << R_RCX | 1u << R_RDX | 1u << R_RBX);

	reg_marks(r);
	r[R_RAX] = HC_NULL;
	around_vmcall(r);
	if (r[R_RAX] != 0)
		fail("HC_NULL through VMCALL returned 0x%llx", (unsigned long long)r[R_RAX]);
	regs_kept("HC_NULL", r, 1u << R_RAX);
	fold(r[R_RAX]);

	outb(0x5a, COM1_SCR);
	reg_marks(r);
	r[R_RDX] = COM1_SCR;
	around_inb(r);
	if ((uint8_t)r[R_RAX] != 0x5a || r[R_RAX] >> 8 != reg_mark(R_RAX) >> 8)
		fail("IN AL from the scratch register left RAX 0x%llx", (unsigned long long)r[R_RAX]);
	if (r[R_RDX] != COM1_SCR)
		fail("IN AL, DX left RDX 0x%llx, the port was 0x%x", (unsigned long long)r[R_RDX], COM1_SCR);
	regs_kept("IN", r, 1u << R_RAX | 1u << R_RDX);

	static const unsigned loaded[] = { R_RBP, R_R12, R_R13, R_R14, R_R15 };
	volatile uint64_t *dev = (volatile uint64_t *)(uintptr_t)TESTDEV_IOMEM_BASE;
	unsigned defined = 1u << R_RAX;
	for (unsigned k = 0; k < sizeof loaded / sizeof loaded[0]; k++) {
		dev[k] = ~reg_mark(loaded[k]);
		defined |= 1u << loaded[k];
	}
	reg_marks(r);
	r[R_RAX] = TESTDEV_IOMEM_BASE;
	around_mmio_loads(r);
	for (unsigned k = 0; k < sizeof loaded / sizeof loaded[0]; k++)
		if (r[loaded[k]] != ~reg_mark(loaded[k]))
			fail("MOV %s from device memory read 0x%llx, expected 0x%llx", reg_names[loaded[k]],
			     (unsigned long long)r[loaded[k]], (unsigned long long)~reg_mark(loaded[k]));
	if (r[R_RAX] != TESTDEV_IOMEM_BASE)
		fail("MMIO loads left RAX 0x%llx, their base was 0x%llx", (unsigned long long)r[R_RAX],
		     (unsigned long long)TESTDEV_IOMEM_BASE);
	regs_kept("MMIO loads", r, defined);
	fold(r[R_R15]);
}

static void check_ports(void)
{
	uint8_t lsr = inb(COM1_LSR);
	if (lsr != LSR_IDLE)
		fail("UART line status 0x%x, expected 0x%x", lsr, LSR_IDLE);
	fold(lsr);
	for (unsigned v = 0; v < 256; v += 37) {
		outb((uint8_t)v, COM1_SCR);
		uint8_t got;
		/* DS prefix, bytes 3e ec: RIP must move past both, and the register be read once. */
		__asm__ volatile("ds inb %%dx, %%al" : "=a"(got) : "d"(COM1_SCR));
		if (got != v)
			fail("scratch register read 0x%x through a prefixed IN, wrote 0x%x", got, v);
		fold(got);
	}
	uint32_t all = 0x12345678;
	__asm__ volatile("inb %%dx, %%al" : "+a"(all) : "d"(UNKNOWN_PORT));
	if (all != 0x123456ff)
		fail("IN AL from port 0x%x left EAX 0x%x, expected 0x123456ff", UNKNOWN_PORT, all);
	fold(all);
	fold(inw(UNKNOWN_PORT));
	fold(inl(UNKNOWN_PORT));
}

int guest_main(const struct hinoki_bootinfo *bi)
{
	(void)bi;
	check_cpuid();
	check_cpuid_inputs();
	check_hypercalls();
	check_ports();
	check_registers();
	gprintf(TAG "digest 0x%016llx over %u results\n", (unsigned long long)digest, folded);
	return check_summary(TAG);
}
