/*
 * The virtual local APIC as a guest sees it (docs/platform-apic.md): the
 * xAPIC page at 0xFEE00000 (ID, version, SVR, TPR/PPR, EOI, an ICR whose
 * delivery status reads 0 after a self-IPI and INIT/SIPI, LVT and timer
 * registers), the MMIO instruction forms the hypervisor decodes (MOV loads
 * and stores, MOV of an immediate, MOVZX, 64-bit), IA32_APIC_BASE's enable
 * toggle and refusals, and IA32_TSC_ADJUST. Every access to the page is an
 * EPT violation emulated by the hypervisor: a wrong length or register
 * would show as a wrong value or a crash here.
 */
#include "guest.h"
#include "traps.h"

#define APIC_BASE_PHYS     0xfee00000ULL
#define APIC_ID            0x020
#define APIC_VERSION       0x030
#define APIC_TPR           0x080
#define APIC_PPR           0x0a0
#define APIC_EOI           0x0b0
#define APIC_SVR           0x0f0
#define APIC_ICR_LO        0x300
#define APIC_ICR_HI        0x310
#define APIC_LVT_TIMER     0x320
#define APIC_TIMER_INITIAL 0x380
#define APIC_TIMER_CURRENT 0x390
#define APIC_TIMER_DIVIDE  0x3e0
#define APIC_VERSION_WANT  0x00050014u   /* version 0x14, max LVT 5 */
#define SVR_ENABLED        0x1ffu        /* software enable, spurious vector 0xff */
#define SVR_RESET          0xffu
#define ICR_SELF_FIXED     0x00040040u   /* shorthand self, fixed, vector 0x40 */
#define ICR_INIT_ASSERT    0x0000c500u   /* INIT, level, assert */
#define ICR_STARTUP        0x00000608u   /* SIPI, vector 8 */
#define ICR_PENDING        BIT(12)
#define ICR_DEST_APIC1     0x01000000u
#define LVT_MASKED         0x10000u
#define TIMER_VECTOR       0x20u
#define TIMER_COUNT        1000000u
#define TIMER_DIVIDE_1     0xbu
#define TPR_VALUE          0x20u
#define BASE_X2APIC        BIT(10)
#define TSC_ADJUST_VALUE   0x123456789ULL
#define EMPTY_BUS          0xffffffffu

static volatile uint32_t *reg(uint32_t off)
{
	return (volatile uint32_t *)(uintptr_t)(APIC_BASE_PHYS + off);
}

static uint32_t rd(uint32_t off) { return *reg(off); }
static void wr(uint32_t off, uint32_t v) { *reg(off) = v; }

static void expect_reg(const char *name, uint32_t off, uint32_t want)
{
	uint32_t got = rd(off);
	gprintf(TAG "apic %s 0x%x\n", name, got);
	if (got != want)
		fail("APIC %s (0x%x) reads 0x%x, expected 0x%x", name, off, got, want);
}

/* The forms a compiler does not pick for these volatile accesses: each its own instruction. */
static void check_forms(void)
{
	uint64_t wide = ~0ULL, zx = ~0ULL;
	uint32_t via_imm;
	/* movzbl (byte load): not an aligned 32-bit access, so the APIC answers 0 */
	__asm__ volatile("movzbl (%1), %k0" : "=r"(zx) : "r"(reg(APIC_VERSION)) : "memory");
	/* a 64-bit load, with REX.W: also not a 32-bit access */
	__asm__ volatile("movq (%1), %0" : "=r"(wide) : "r"(reg(APIC_VERSION)) : "memory");
	/* a store of an immediate with a displacement, then a load into a REX register */
	__asm__ volatile("movl $0x30, 0x80(%1)\n\tmovl 0x80(%1), %%r9d\n\tmovl %%r9d, %0"
	                 : "=r"(via_imm) : "r"(reg(0)) : "r9", "memory");
	gprintf(TAG "apic byte read 0x%lx, 64-bit read 0x%lx, tpr via imm and r9d 0x%x\n", zx, wide, via_imm);
	if (zx != 0)
		fail("a byte read of the APIC version gave 0x%lx, expected 0 (only 32-bit accesses)", zx);
	if (wide != 0)
		fail("a 64-bit read of the APIC version gave 0x%lx, expected 0", wide);
	if (via_imm != 0x30)
		fail("TPR written with movl $0x30 read back 0x%x through r9d", via_imm);
	wr(APIC_TPR, 0);
}

static void check_registers(void)
{
	expect_reg("id", APIC_ID, 0);
	expect_reg("version", APIC_VERSION, APIC_VERSION_WANT);
	wr(APIC_SVR, SVR_ENABLED);
	expect_reg("svr", APIC_SVR, SVR_ENABLED);
	wr(APIC_TPR, TPR_VALUE);
	expect_reg("tpr", APIC_TPR, TPR_VALUE);
	expect_reg("ppr", APIC_PPR, TPR_VALUE);
	wr(APIC_TPR, 0);
	wr(APIC_EOI, 0);

	wr(APIC_ICR_HI, 0);
	wr(APIC_ICR_LO, ICR_SELF_FIXED);
	uint32_t icr = rd(APIC_ICR_LO);
	gprintf(TAG "apic self-IPI icr 0x%x, delivery status %u\n", icr, (icr & ICR_PENDING) != 0);
	if (icr != ICR_SELF_FIXED)
		fail("ICR low reads 0x%x after a self-IPI of 0x%x", icr, ICR_SELF_FIXED);
	/* INIT and SIPI to an APIC that does not exist: tolerated, status idle. */
	wr(APIC_ICR_HI, ICR_DEST_APIC1);
	wr(APIC_ICR_LO, ICR_INIT_ASSERT);
	wr(APIC_ICR_LO, ICR_STARTUP);
	icr = rd(APIC_ICR_LO);
	gprintf(TAG "apic init/sipi tolerated, icr 0x%x\n", icr);
	if (icr & ICR_PENDING)
		fail("ICR delivery status pending after a SIPI: 0x%x", icr);

	wr(APIC_LVT_TIMER, LVT_MASKED | TIMER_VECTOR);
	expect_reg("lvt timer", APIC_LVT_TIMER, LVT_MASKED | TIMER_VECTOR);
	wr(APIC_TIMER_DIVIDE, TIMER_DIVIDE_1);
	expect_reg("timer divide", APIC_TIMER_DIVIDE, TIMER_DIVIDE_1);
	wr(APIC_TIMER_INITIAL, TIMER_COUNT);
	expect_reg("timer initial", APIC_TIMER_INITIAL, TIMER_COUNT);
	uint32_t cur = rd(APIC_TIMER_CURRENT);
	gprintf(TAG "apic timer current %s\n", cur > 0 && cur < TIMER_COUNT ? "counting down" : "wrong");
	if (cur == 0 || cur >= TIMER_COUNT)
		fail("APIC timer current count 0x%x after an initial count of 0x%x", cur, TIMER_COUNT);
	wr(APIC_TIMER_INITIAL, 0);
}

static void check_apic_base(void)
{
	uint64_t base = rdmsr(MSR_IA32_APIC_BASE);
	expect_wrmsr_gp(MSR_IA32_APIC_BASE, base | BASE_X2APIC, "wrmsr apic base with x2APIC");
	expect_wrmsr_gp(MSR_IA32_APIC_BASE, (base & ~APIC_DEFAULT_PHYS_BASE) | 0xfed00000ULL,
	                "wrmsr apic base moved");

	wrmsr(MSR_IA32_APIC_BASE, base & ~APIC_BASE_ENABLE);
	uint64_t off = rdmsr(MSR_IA32_APIC_BASE);
	uint32_t ver_off = rd(APIC_VERSION);
	wrmsr(MSR_IA32_APIC_BASE, base);
	uint64_t on = rdmsr(MSR_IA32_APIC_BASE);
	uint32_t ver_on = rd(APIC_VERSION), svr_on = rd(APIC_SVR);
	gprintf(TAG "apic base disabled 0x%lx (version 0x%x), enabled 0x%lx (version 0x%x, svr 0x%x)\n",
	        off, ver_off, on, ver_on, svr_on);
	if (off != (base & ~APIC_BASE_ENABLE))
		fail("APIC base reads 0x%lx after disabling, expected 0x%lx", off, (uint64_t)(base & ~APIC_BASE_ENABLE));
	if (ver_off != EMPTY_BUS)
		fail("a disabled APIC's version reads 0x%x, expected all ones", ver_off);
	if (on != base || ver_on != APIC_VERSION_WANT)
		fail("APIC base 0x%lx, version 0x%x after re-enabling", on, ver_on);
	if (svr_on != SVR_RESET)
		fail("SVR 0x%x after re-enabling, expected its reset value 0x%x", svr_on, SVR_RESET);
	wr(APIC_SVR, SVR_ENABLED);
}

static void check_tsc_adjust(void)
{
	uint64_t first = rdmsr(MSR_IA32_TSC_ADJUST);
	wrmsr(MSR_IA32_TSC_ADJUST, TSC_ADJUST_VALUE);
	uint64_t back = rdmsr(MSR_IA32_TSC_ADJUST);
	wrmsr(MSR_IA32_TSC_ADJUST, 0);
	gprintf(TAG "tsc_adjust 0x%lx, after writing 0x%llx: 0x%lx\n", first, TSC_ADJUST_VALUE, back);
	if (first != 0)
		fail("IA32_TSC_ADJUST starts at 0x%lx, expected 0", first);
	if (back != TSC_ADJUST_VALUE)
		fail("IA32_TSC_ADJUST reads 0x%lx after writing 0x%llx", back, TSC_ADJUST_VALUE);
}

void check_apic(void)
{
	check_registers();
	check_forms();
	check_apic_base();
	check_tsc_adjust();
	gprintf(TAG "apic checks done\n");
}

void apic_bad_mmio(void)
{
	static uint32_t src = SVR_ENABLED;
	gprintf(TAG "movsl into the APIC page\n");
	/* A string move: not a form the hypervisor emulates, so it stops this domain. */
	__asm__ volatile("movsl" : : "S"(&src), "D"(reg(APIC_TPR)) : "memory");
	gprintf(TAG "STILL RUNNING after movsl into the APIC page\n");
	guest_exit(1);
}
