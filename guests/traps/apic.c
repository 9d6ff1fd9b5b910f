/*
 * The virtual local APIC as a guest sees it (docs/platform-apic.md): the
 * xAPIC page at 0xFEE00000 (ID, version, SVR, TPR/PPR, EOI, an ICR whose
 * delivery status reads 0 after a self-IPI and INIT/SIPI, LVT and timer
 * registers), the MMIO instruction forms the hypervisor decodes (MOV loads
 * and stores, MOV of an immediate, MOVZX, 64-bit), IA32_APIC_BASE's enable
 * toggle, refusals and relocation, and IA32_TSC_ADJUST. Every access to
 * the page is an EPT violation emulated by the hypervisor: a wrong length
 * or register would show as a wrong value or a crash here. And its interrupts
 * (guests/lib/irq.h gates): a self-IPI taken exactly once with IF=1, held
 * in IRR while IF=0 until STI, in ISR until EOI, the timer firing one-shot
 * (waking HLT) and periodic, and a masked timer staying quiet; its
 * TSC-deadline mode through IA32_TSC_DEADLINE (waking HLT once and reading 0
 * after, a passed deadline firing at once, 0 disarming, a deadline kept in
 * the guest's TSC across a TSC move, the MSR ignored in the other modes).
 */
#include "guest.h"
#include "hw/apic.h"
#include "irq.h"
#include "traps.h"
#include "tsc.h"

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
#define X2APIC_MSR(off)    (X2APIC_MSR_BASE + (off) / 0x10)   /* "x2APIC Register Address Space" */
#define X2APIC_SELF_IPI    0x83f
#define X2APIC_LDR_ID0     0x1u          /* cluster 0, member bit 0 */
#define TSC_ADJUST_VALUE   0x123456789ULL
#define EMPTY_BUS          0xffffffffu
#define APIC_MOVED_PHYS    0xfed40000ULL /* where the page moves: no RAM, no device */
#define CPUID_ADDR_SIZES   0x80000008u   /* EAX[7:0]: MAXPHYADDR */
#define APIC_ISR0          0x100
#define APIC_IRR0          0x200
#define ICR_SELF_B         0x00040041u   /* shorthand self, fixed, vector 0x41 */
#define LVT_PERIODIC       BIT(17)
#define VEC_WORD_OFF(v)    (((v) / 32) * 0x10)   /* ISR/IRR register holding vector v */
#define VEC_BIT(v)         (1u << ((v) % 32))
#define ONESHOT_COUNT      20000u
#define PERIODIC_COUNT     20000u
#define PERIODIC_WANT      3
#define QUIET_TSC          200000ULL     /* how long a masked timer must stay quiet, TSC cycles */
#define WAIT_TSC           50000000ULL   /* give up waiting for an interrupt after this */
#define TSC_JUMP           (1ULL << 40)  /* a TSC move far beyond any wait here */

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
	/* movzbl (byte load) within the register's first bytes: the APIC answers its low byte */
	__asm__ volatile("movzbl (%1), %k0" : "=r"(zx) : "r"(reg(APIC_VERSION)) : "memory");
	/* a 64-bit load, with REX.W: also not a 32-bit access */
	__asm__ volatile("movq (%1), %0" : "=r"(wide) : "r"(reg(APIC_VERSION)) : "memory");
	/* a store of an immediate with a displacement, then a load into a REX register */
	__asm__ volatile("movl $0x30, 0x80(%1)\n\tmovl 0x80(%1), %%r9d\n\tmovl %%r9d, %0"
	                 : "=r"(via_imm) : "r"(reg(0)) : "r9", "memory");
	gprintf(TAG "apic byte read 0x%lx, 64-bit read 0x%lx, tpr via imm and r9d 0x%x\n", zx, wide, via_imm);
	if (zx != 0x14)
		fail("a byte read of the APIC version gave 0x%lx, expected its low byte 0x14", zx);
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

static uint64_t tsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static bool vec_set(uint32_t base, unsigned v) { return (rd(base + VEC_WORD_OFF(v)) & VEC_BIT(v)) != 0; }

/* Spin with IF=1 until vector slot `i` has been taken `want` times since `from`, or time runs out. */
static uint64_t wait_irqs(unsigned i, uint64_t from, uint64_t want, uint64_t limit)
{
	uint64_t start = tsc();
	irq_enable();
	while (irq_count[i] - from < want && tsc() - start < limit)
		__asm__ volatile("pause");
	irq_disable();
	return irq_count[i] - from;
}

/*
 * Runs right after check_registers, whose self-IPI (vector 0x40, sent with
 * IF=0 as the guest starts) must still be waiting in IRR.
 */
static void check_interrupts(void)
{
	uint64_t a = irq_count[0], b = irq_count[1];
	bool held = vec_set(APIC_IRR0, IRQ_VEC_A);
	gprintf(TAG "apic self-IPI with IF=0: %s, taken %lu\n", held ? "held in IRR" : "not in IRR", irq_count[0] - a);
	if (!held || irq_count[0] != a)
		fail("a self-IPI sent with IF=0 should wait in IRR (IRR bit %d, taken %lu)", held, irq_count[0] - a);
	irq_enable();
	__asm__ volatile("nop");
	irq_disable();
	gprintf(TAG "apic self-IPI after STI: taken %lu\n", irq_count[0] - a);
	if (irq_count[0] - a != 1)
		fail("the held self-IPI was taken %lu times after STI, expected once", irq_count[0] - a);
	if (vec_set(APIC_IRR0, IRQ_VEC_A) || vec_set(APIC_ISR0, IRQ_VEC_A))
		fail("vector 0x%x still in IRR or ISR after its handler's EOI", IRQ_VEC_A);

	/* With IF=1 it comes right after the ICR write, once. */
	a = irq_count[0];
	irq_enable();
	wr(APIC_ICR_LO, ICR_SELF_FIXED);
	irq_disable();
	gprintf(TAG "apic self-IPI with IF=1: taken %lu\n", irq_count[0] - a);
	if (irq_count[0] - a != 1)
		fail("a self-IPI with IF=1 was taken %lu times, expected once", irq_count[0] - a);

	/* In service until EOI. */
	irq_hold_eoi = 1;
	irq_enable();
	wr(APIC_ICR_LO, ICR_SELF_B);
	irq_disable();
	irq_hold_eoi = 0;
	bool in_service = vec_set(APIC_ISR0, IRQ_VEC_B);
	uint32_t ppr = rd(APIC_PPR);
	wr(APIC_EOI, 0);
	bool after = vec_set(APIC_ISR0, IRQ_VEC_B);
	gprintf(TAG "apic isr before eoi %d (ppr 0x%x), after %d\n", in_service, ppr, after);
	if (!in_service || after || ppr != (IRQ_VEC_B & 0xf0u))
		fail("ISR bit of 0x%x: %d before EOI (PPR 0x%x), %d after", IRQ_VEC_B, in_service, ppr, after);
	b = irq_count[1];

	/*
	 * One-shot timer, slept through with HLT: it must wake the vCPU, once.
	 * A self-IPI taken just before must not end that HLT early.
	 */
	irq_enable();
	wr(APIC_ICR_LO, ICR_SELF_FIXED);
	irq_disable();
	wr(APIC_TIMER_DIVIDE, TIMER_DIVIDE_1);
	wr(APIC_LVT_TIMER, IRQ_VEC_B);
	wr(APIC_TIMER_INITIAL, ONESHOT_COUNT);
	__asm__ volatile("sti; hlt; cli" ::: "memory");
	uint64_t oneshot = irq_count[1] - b;
	uint64_t later = wait_irqs(1, b, 2, QUIET_TSC);
	gprintf(TAG "apic timer one-shot: hlt woken, taken %lu (%lu after waiting)\n", oneshot, later);
	if (oneshot != 1 || later != 1)
		fail("one-shot timer taken %lu times by HLT's end, %lu after waiting, expected 1", oneshot, later);

	/* Periodic. */
	b = irq_count[1];
	wr(APIC_LVT_TIMER, IRQ_VEC_B | LVT_PERIODIC);
	wr(APIC_TIMER_INITIAL, PERIODIC_COUNT);
	uint64_t periodic = wait_irqs(1, b, PERIODIC_WANT, WAIT_TSC);
	wr(APIC_TIMER_INITIAL, 0);
	gprintf(TAG "apic timer periodic: taken %lu\n", periodic);
	if (periodic < PERIODIC_WANT)
		fail("periodic timer taken %lu times, expected %d", periodic, PERIODIC_WANT);

	/* Masked: counts down, raises nothing. */
	b = irq_count[1];
	wr(APIC_LVT_TIMER, IRQ_VEC_B | LVT_MASKED);
	wr(APIC_TIMER_INITIAL, ONESHOT_COUNT / 10);
	uint64_t start = tsc();
	irq_enable();
	while (tsc() - start < QUIET_TSC)
		__asm__ volatile("pause");
	irq_disable();
	uint32_t left = rd(APIC_TIMER_CURRENT);
	gprintf(TAG "apic timer masked: count %u, taken %lu\n", left, irq_count[1] - b);
	if (irq_count[1] != b || left != 0 || vec_set(APIC_IRR0, IRQ_VEC_B))
		fail("masked timer: taken %lu, count left %u, IRR %d", irq_count[1] - b, left,
		     vec_set(APIC_IRR0, IRQ_VEC_B));
	wr(APIC_TIMER_INITIAL, 0);
}

/* TSC-deadline mode ("TSC-Deadline Mode"): the deadline is in this guest's TSC. */
static void check_tsc_deadline(void)
{
	uint64_t b = irq_count[1];
	wr(APIC_LVT_TIMER, IRQ_VEC_B | APIC_LVT_TIMER_TSC_DEADLINE);
	wrmsr(MSR_IA32_TSC_DEADLINE, tsc() + ONESHOT_COUNT);
	uint64_t armed = rdmsr(MSR_IA32_TSC_DEADLINE);
	__asm__ volatile("sti; hlt; cli" ::: "memory");
	uint64_t woken = irq_count[1] - b, after = rdmsr(MSR_IA32_TSC_DEADLINE);
	uint64_t later = wait_irqs(1, b, 2, QUIET_TSC);
	gprintf(TAG "apic tsc-deadline: hlt woken, taken %lu (%lu after waiting), msr after 0x%lx\n", woken, later, after);
	if (!armed || woken != 1 || later != 1 || after != 0)
		fail("TSC-deadline timer: armed 0x%lx, taken %lu by HLT's end, %lu after waiting, MSR 0x%lx after",
		     armed, woken, later, after);

	/* A deadline already passed fires at once. */
	b = irq_count[1];
	irq_enable();
	wrmsr(MSR_IA32_TSC_DEADLINE, 1);
	__asm__ volatile("nop");
	irq_disable();
	gprintf(TAG "apic tsc-deadline passed: taken %lu\n", irq_count[1] - b);
	if (irq_count[1] - b != 1)
		fail("a passed TSC deadline was taken %lu times at once, expected 1", irq_count[1] - b);

	/* 0 disarms. */
	b = irq_count[1];
	wrmsr(MSR_IA32_TSC_DEADLINE, tsc() + ONESHOT_COUNT / 10);
	wrmsr(MSR_IA32_TSC_DEADLINE, 0);
	uint64_t disarmed = wait_irqs(1, b, 1, QUIET_TSC);
	gprintf(TAG "apic tsc-deadline disarmed: taken %lu, msr 0x%lx\n", disarmed, rdmsr(MSR_IA32_TSC_DEADLINE));
	if (disarmed != 0 || rdmsr(MSR_IA32_TSC_DEADLINE) != 0)
		fail("a disarmed TSC deadline was taken %lu times", disarmed);

	/*
	 * The deadline is in this guest's TSC, whatever its offset from the
	 * host's: a TSC moved past an armed deadline fires it at once, and with
	 * the TSC moved a deadline reads back as written and still wakes HLT.
	 */
	b = irq_count[1];
	wrmsr(MSR_IA32_TSC_DEADLINE, tsc() + TSC_JUMP);
	irq_enable();
	wrmsr(MSR_IA32_TSC_ADJUST, TSC_JUMP);
	__asm__ volatile("nop");
	irq_disable();
	uint64_t jumped = irq_count[1] - b;
	uint64_t want = tsc() + ONESHOT_COUNT;
	wrmsr(MSR_IA32_TSC_DEADLINE, want);
	uint64_t moved_back = rdmsr(MSR_IA32_TSC_DEADLINE);
	__asm__ volatile("sti; hlt; cli" ::: "memory");
	uint64_t moved_woken = irq_count[1] - b - jumped;
	wrmsr(MSR_IA32_TSC_ADJUST, 0);
	gprintf(TAG "apic tsc-deadline with the TSC moved: passed by the move taken %lu, reads back %s, hlt woken %lu\n",
	        jumped, moved_back == want ? "as written" : "changed", moved_woken);
	if (jumped != 1 || moved_back != want || moved_woken != 1)
		fail("TSC-deadline with the TSC moved: taken %lu at the move, read 0x%lx for 0x%lx, HLT woken %lu",
		     jumped, moved_back, want, moved_woken);

	/* In one-shot mode the MSR ignores writes and reads 0. */
	wr(APIC_LVT_TIMER, IRQ_VEC_B | LVT_MASKED);
	wrmsr(MSR_IA32_TSC_DEADLINE, tsc() + ONESHOT_COUNT);
	uint64_t outside = rdmsr(MSR_IA32_TSC_DEADLINE);
	gprintf(TAG "apic tsc-deadline outside the mode: msr 0x%lx\n", outside);
	if (outside != 0)
		fail("IA32_TSC_DEADLINE reads 0x%lx in one-shot mode, expected 0", outside);
}

static void check_apic_base(void)
{
	uint64_t base = rdmsr(MSR_IA32_APIC_BASE);
	expect_wrmsr_gp(MSR_IA32_APIC_BASE, (base & ~APIC_BASE_ENABLE) | BASE_X2APIC,
	                "wrmsr apic base with x2APIC but not enabled");
	expect_wrmsr_gp(X2APIC_MSR(APIC_REG_VERSION), 0, "wrmsr x2APIC version in xAPIC mode");

	/* x2APIC mode: the registers as MSRs, a 32-bit ID, a derived logical ID; back only through disabled. */
	wrmsr(MSR_IA32_APIC_BASE, base | BASE_X2APIC);
	uint64_t x2_base = rdmsr(MSR_IA32_APIC_BASE), x2_id = rdmsr(X2APIC_MSR(APIC_REG_ID));
	uint64_t x2_ver = rdmsr(X2APIC_MSR(APIC_REG_VERSION)), x2_ldr = rdmsr(X2APIC_MSR(APIC_REG_LDR));
	gprintf(TAG "x2apic mode: base 0x%lx, id %lu, version 0x%lx, ldr 0x%lx\n", x2_base, x2_id, x2_ver, x2_ldr);
	if (x2_base != (base | BASE_X2APIC) || x2_id != 0 || x2_ver != APIC_VERSION_WANT || x2_ldr != X2APIC_LDR_ID0)
		fail("x2APIC mode: base 0x%lx, ID %lu, version 0x%lx, LDR 0x%lx", x2_base, x2_id, x2_ver, x2_ldr);
	expect_wrmsr_gp(X2APIC_MSR(APIC_REG_ID), 5, "wrmsr x2APIC id (read-only)");
	expect_wrmsr_gp(X2APIC_SELF_IPI, 0x100, "wrmsr x2APIC self ipi beyond 8 bits");
	expect_wrmsr_gp(MSR_IA32_APIC_BASE, base, "wrmsr apic base x2APIC to xAPIC");
	unsigned phys_bits = cpuid(CPUID_ADDR_SIZES, 0).eax & 0xff;
	expect_wrmsr_gp(MSR_IA32_APIC_BASE, base | BASE_X2APIC | 1ULL << phys_bits,
	                "wrmsr apic base beyond MAXPHYADDR");

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

	/* "Relocating the Local APIC Registers": the page moves, the old one is an empty bus, TPR goes along. */
	wr(APIC_TPR, TPR_VALUE);
	wrmsr(MSR_IA32_APIC_BASE, (base & ~APIC_DEFAULT_PHYS_BASE) | APIC_MOVED_PHYS);
	volatile uint32_t *moved = (volatile uint32_t *)(uintptr_t)APIC_MOVED_PHYS;
	uint64_t moved_base = rdmsr(MSR_IA32_APIC_BASE);
	uint32_t ver_moved = moved[APIC_VERSION / 4], tpr_moved = moved[APIC_TPR / 4], ver_old = rd(APIC_VERSION);
	moved[APIC_TPR / 4] = 0;
	wrmsr(MSR_IA32_APIC_BASE, base);
	uint32_t tpr_home = rd(APIC_TPR);
	gprintf(TAG "apic moved: base 0x%lx, version 0x%x and tpr 0x%x there, 0x%x at the old page; "
	        "back home tpr 0x%x\n", moved_base, ver_moved, tpr_moved, ver_old, tpr_home);
	if (moved_base != ((base & ~APIC_DEFAULT_PHYS_BASE) | APIC_MOVED_PHYS) || ver_moved != APIC_VERSION_WANT ||
	    tpr_moved != TPR_VALUE || ver_old != EMPTY_BUS || tpr_home != 0)
		fail("moved APIC: base 0x%lx, version 0x%x, tpr 0x%x, old page 0x%x, tpr at home 0x%x",
		     moved_base, ver_moved, tpr_moved, ver_old, tpr_home);
}

/* How far a TSC may run between two reads here: a few exits, in any emulator or CPU. */
#define TSC_SLACK          (1ULL << 24)

/* CR8 is the TPR's priority class ("Task Priority in IA-32e Mode"), both ways. */
static void check_cr8(void)
{
	uint64_t cr8;
	__asm__ volatile("mov %0, %%cr8" : : "r"(3ul));
	uint32_t tpr = rd(APIC_TPR);
	wr(APIC_TPR, 0x5a);
	__asm__ volatile("mov %%cr8, %0" : "=r"(cr8));
	wr(APIC_TPR, 0);
	gprintf(TAG "cr8 3 -> tpr 0x%x; tpr 0x5a -> cr8 %lu\n", tpr, cr8);
	if (tpr != 0x30 || cr8 != 5)
		fail("CR8 and the TPR disagree: CR8 3 gave TPR 0x%x, TPR 0x5a gave CR8 %lu", tpr, cr8);
}

/* IA32_TSC_ADJUST and IA32_TSC move the TSC and each other ("Time-Stamp Counter Adjustment"). */
static void check_tsc_adjust(void)
{
	uint64_t first = rdmsr(MSR_IA32_TSC_ADJUST);
	uint64_t t0 = rdtsc();
	wrmsr(MSR_IA32_TSC_ADJUST, TSC_ADJUST_VALUE);
	uint64_t t1 = rdtsc();
	uint64_t back = rdmsr(MSR_IA32_TSC_ADJUST);
	gprintf(TAG "tsc_adjust 0x%lx, after writing 0x%llx: 0x%lx\n", first, TSC_ADJUST_VALUE, back);
	if (first != 0)
		fail("IA32_TSC_ADJUST starts at 0x%lx, expected 0", first);
	if (back != TSC_ADJUST_VALUE)
		fail("IA32_TSC_ADJUST reads 0x%lx after writing 0x%llx", back, TSC_ADJUST_VALUE);
	if (t1 - t0 < TSC_ADJUST_VALUE || t1 - t0 > TSC_ADJUST_VALUE + TSC_SLACK)
		fail("the TSC moved by 0x%lx when IA32_TSC_ADJUST grew by 0x%llx", t1 - t0, TSC_ADJUST_VALUE);
	else
		gprintf(TAG "tsc_adjust moves the TSC: ok\n");

	/* Setting the TSC back to t0 takes IA32_TSC_ADJUST back to about 0 (less the time since t0). */
	wrmsr(MSR_IA32_TSC, t0);
	uint64_t t2 = rdtsc(), adj = rdmsr(MSR_IA32_TSC_ADJUST);
	uint64_t msr_tsc = rdmsr(MSR_IA32_TSC);
	if (t2 - t0 > TSC_SLACK || msr_tsc - t2 > TSC_SLACK)
		fail("after writing IA32_TSC = 0x%lx, RDTSC reads 0x%lx and RDMSR 0x%lx", t0, t2, msr_tsc);
	else if (-adj > TSC_SLACK || adj == 0)
		fail("IA32_TSC_ADJUST is 0x%lx after IA32_TSC went back by the adjustment", adj);
	else
		gprintf(TAG "writing IA32_TSC moves tsc_adjust: ok\n");
	wrmsr(MSR_IA32_TSC_ADJUST, 0);
}

void check_apic(void)
{
	irq_init();
	check_registers();
	check_interrupts();
	check_tsc_deadline();
	check_forms();
	check_apic_base();
	check_tsc_adjust();
	check_cr8();
	gprintf(TAG "apic checks done\n");
}

void apic_bad_mmio(void)
{
	gprintf(TAG "cmpxchg8b on the APIC page\n");
	/* CMPXCHG8B to memory: not a form the hypervisor emulates, so it stops this domain. */
	__asm__ volatile("cmpxchg8b (%0)" : : "D"(reg(APIC_TPR)), "a"(0), "d"(0), "b"(0), "c"(0) : "memory", "cc");
	gprintf(TAG "STILL RUNNING after cmpxchg8b on the APIC page\n");
	guest_exit(1);
}
