/*
 * exitbench: round trips of VM exits timed from inside the guest. Each
 * region of timed.c runs `warmup` times unrecorded, then `iters` times
 * (command line `iters=N warmup=N`), and gets one CSV row of min, median,
 * mean, p99 and max TSC cycles, and one `name cycles` line (the mean) in the
 * form kvm-unit-tests' vmexit test prints. It also says how many exits of
 * each kind it caused, every one it made and not only the timed ones, so the
 * hypervisor's counts can be checked against them (`expect` lines). The
 * figures include the timing instructions themselves: the `nop` row is that
 * floor. docs/bench.md explains the output; tools/bench reads it.
 */
#include "guest.h"
#include "bench.h"
#include "cmdline.h"
#include "hc_ctl.h"
#include "irq.h"

#define TAG "exitbench: "

#define DEFAULT_ITERS  2000
#define DEFAULT_WARMUP 100
#define MAX_ITERS      20000
#define RDTSCP_LEN     3       /* 0f 01 f9 */
#define PAST_DEADLINE  1       /* an HC_SET_TIMER deadline long gone (0 would cancel) */
#define PERCENT        100

/* The virtual local APIC (docs/platform-apic.md) for the interrupt measurements. */
#define APIC_SVR         0xfee000f0
#define APIC_LVT_TIMER   0xfee00320
#define APIC_TIMER_INIT  0xfee00380
#define APIC_TIMER_DIV   0xfee003e0
#define SVR_ENABLED      0x1ffu     /* software enable, spurious vector 0xff */
#define LVT_MASKED       0x10000u
#define TIMER_DIVIDE_1   0xbu
#define TIMER_DIVIDE_128 0xau
#define TIMER_SHORT      1u         /* one tick: expired before the guest runs again */
#define TIMER_LONGEST    0xffffffffu
#define LVT_PERIODIC     0x20000u

static uint64_t samples[MAX_ITERS];

/* Exits caused so far, by kind; hypercalls also by number. */
static uint64_t tally[BX_KINDS];
static uint64_t hc_null_calls, hc_timer_calls;

/* A write to an APIC register with side effects: an EPT violation, or an APIC-write exit. */
static void apic_write(uint64_t addr, uint32_t val)
{
	*(volatile uint32_t *)(uintptr_t)addr = val;
	tally[BX_APIC_WRITE]++;
}

/* Before the interrupt measurements: the gates, the APIC on, the timer one-shot at IRQ_VEC_B. */
static bool irq_ready;

static void irq_setup(void)
{
	irq_init();
	apic_write(APIC_SVR, SVR_ENABLED);
	apic_write(APIC_TIMER_DIV, TIMER_DIVIDE_1);
	apic_write(APIC_LVT_TIMER, IRQ_VEC_B);
	irq_ready = true;
}

/*
 * For cpuid_apic_timer: the timer periodic with the longest period there is
 * (2^32 - 1 ticks of 128 cycles), so that it counts all through the
 * measurement and never expires in it, as a guest's tick timer counts
 * between its interrupts; off again after.
 */
static void timer_counting(bool on)
{
	if (!irq_ready)
		irq_setup();
	if (on) {
		apic_write(APIC_TIMER_DIV, TIMER_DIVIDE_128);
		apic_write(APIC_LVT_TIMER, LVT_PERIODIC | IRQ_VEC_B);
		apic_write(APIC_TIMER_INIT, TIMER_LONGEST);
	} else {
		apic_write(APIC_TIMER_INIT, 0);
		apic_write(APIC_LVT_TIMER, IRQ_VEC_B);
		apic_write(APIC_TIMER_DIV, TIMER_DIVIDE_1);
	}
}

static void sort_u64(uint64_t *a, unsigned n)
{
	/* Shell sort, Ciura's gaps: a few thousand samples, no recursion, no allocation. */
	static const unsigned gaps[] = { 701, 301, 132, 57, 23, 10, 4, 1 };
	for (unsigned g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
		unsigned gap = gaps[g];
		for (unsigned i = gap; i < n; i++) {
			uint64_t v = a[i];
			unsigned j = i;
			for (; j >= gap && a[j - gap] > v; j -= gap)
				a[j] = a[j - gap];
			a[j] = v;
		}
	}
}

struct summary {
	uint64_t min, median, p99, max;
	uint64_t mean_x100;    /* the mean times 100, for two decimals */
};

static struct summary summarise(uint64_t *a, unsigned n)
{
	struct summary s = { 0 };
	uint64_t sum = 0;
	sort_u64(a, n);
	for (unsigned i = 0; i < n; i++)
		sum += a[i];
	s.min = a[0];
	s.max = a[n - 1];
	s.median = a[(n - 1) / 2];
	/* Nearest rank: the smallest sample with at least 99% of them at or below it. */
	unsigned rank = (unsigned)(((uint64_t)n * 99 + PERCENT - 1) / PERCENT);
	s.p99 = a[rank ? rank - 1 : 0];
	s.mean_x100 = sum * PERCENT / n;
	return s;
}

/* Whether RDTSCP runs here: the CPU may lack it, or the hypervisor may not enable it. */
static bool have_rdtscp(void)
{
	trap_expect(RDTSCP_LEN);
	__asm__ volatile(".byte 0x0f, 0x01, 0xf9" : : : "rax", "rcx", "rdx", "memory");
	return !trap_done();
}

static uint64_t cr0_now;

/* Untimed work before one iteration: the operands, the timer HLT needs. */
static void before(const struct bench_region *r)
{
	if (r->exit == BX_CR_ACCESS) {
		/* NE is host-owned (VMX keeps it set), so every write that flips it exits. */
		bench_cr0_next = cr0_now ^ CR0_NE;
		cr0_now = bench_cr0_next;
	} else if (r->exit == BX_HLT) {
		hc_set_timer(PAST_DEADLINE);
		tally[BX_VMCALL]++;
		hc_timer_calls++;
	} else if (r->exit == BX_SELF_IPI) {
		irq_enable();
	} else if (r->exit == BX_HLT_IRQ) {
		/* IF=0 holds the expired timer's interrupt until the measured STI; HLT then. */
		irq_disable();
		apic_write(APIC_TIMER_INIT, TIMER_SHORT);
	}
}

/* Each delivered interrupt also ended with an EOI write; the HLT counts as one. */
static void tally_irq(const struct bench_region *r, unsigned n)
{
	tally[BX_APIC_EOI] += n;
	if (r->exit == BX_SELF_IPI)
		tally[BX_APIC_SELF_IPI] += n;   /* the ICR write */
	else
		tally[BX_HLT] += n;
}

static void measure(const struct bench_region *r, enum bench_clock clock, unsigned iters, unsigned warmup)
{
	for (unsigned i = 0; i < warmup + iters; i++) {
		before(r);
		uint64_t d = r->run[clock]();
		if (i >= warmup)
			samples[i - warmup] = d;
	}
	if (r->exit == BX_SELF_IPI || r->exit == BX_HLT_IRQ)
		tally_irq(r, warmup + iters);
	else if (r->exit == BX_CPUID_TIMER)
		tally[BX_CPUID] += warmup + iters;
	else if (r->exit != BX_NONE)
		tally[r->exit] += warmup + iters;
	if (r->exit == BX_VMCALL)
		hc_null_calls += warmup + iters;

	struct summary s = summarise(samples, iters);
	gprintf(TAG "csv,%s,%u,%lu,%lu,%lu.%02lu,%lu,%lu\n", r->name, iters, s.min, s.median,
	        s.mean_x100 / PERCENT, s.mean_x100 % PERCENT, s.p99, s.max);
	gprintf(TAG "%s %lu\n", r->name, s.mean_x100 / PERCENT);
}

int guest_main(const struct hinoki_bootinfo *bi)
{
	uint64_t iters = DEFAULT_ITERS, warmup = DEFAULT_WARMUP;

	serial_init();
	cmdline_u64(bi, "iters", &iters);
	cmdline_u64(bi, "warmup", &warmup);
	if (iters == 0 || iters > MAX_ITERS || warmup > MAX_ITERS) {
		gprintf(TAG "iters must be 1 to %u and warmup at most %u\n", MAX_ITERS, MAX_ITERS);
		gprintf(TAG "exit code 2\n");
		guest_exit(2);
	}

	enum bench_clock clock = have_rdtscp() ? CLOCK_RDTSCP : CLOCK_LFENCE;
	bool apicv = (bi->flags & HINOKI_BOOT_F_APICV) != 0;
	gprintf(TAG "local APIC: %s\n", apicv ? "virtualized by the CPU (APIC virtualization)" : "emulated");
	gprintf(TAG "started: iters %lu warmup %lu, start lfence;rdtsc;lfence, end %s\n", iters,
	        warmup, clock == CLOCK_RDTSCP ? "rdtscp;lfence" : "lfence;rdtsc;lfence (no RDTSCP)");

	/* Nothing waits for injection here, so the exit stub answers HC_NULL_STUB itself (docs/hypercalls.md). */
	long stub = hc_call(HC_NULL_STUB, 0, 0, 0, 0);
	tally[BX_VMCALL_STUB]++;
	if (stub != 0) {
		gprintf(TAG "HC_NULL_STUB returned %ld, expected 0\n", stub);
		gprintf(TAG "exit code 2\n");
		guest_exit(2);
	}

	uint64_t sysenter_cs = rdmsr(MSR_IA32_SYSENTER_CS);
	tally[BX_MSR_READ]++;
	bench_wrmsr_lo = (uint32_t)sysenter_cs;
	bench_wrmsr_hi = (uint32_t)(sysenter_cs >> 32);
	uint64_t cr0 = read_cr0();   /* reads the shadow: no exit */
	cr0_now = cr0;

	for (unsigned i = 0; i < bench_region_count; i++)
		gprintf(TAG "site,%s,0x%lx\n", bench_regions[i].name,
		        (unsigned long)(uintptr_t)bench_regions[i].site[clock]);

	gprintf(TAG "csv,name,iterations,min,median,mean,p99,max\n");
	int code = 0;
	for (unsigned i = 0; i < bench_region_count; i++) {
		const struct bench_region *r = &bench_regions[i];
		bool irq = r->exit == BX_SELF_IPI || r->exit == BX_HLT_IRQ;
		if (irq && !irq_ready)
			irq_setup();
		unsigned vec = r->exit == BX_SELF_IPI ? 0 : 1;
		uint64_t taken = irq ? irq_count[vec] : 0;
		if (r->exit == BX_CPUID_TIMER)
			timer_counting(true);
		measure(r, clock, (unsigned)iters, (unsigned)warmup);
		if (r->exit == BX_CPUID_TIMER)
			timer_counting(false);
		if (irq) {
			irq_disable();
			taken = irq_count[vec] - taken;
			if (taken != warmup + iters) {
				gprintf(TAG "CHECK FAILED: %s: %lu interrupts taken for %lu iterations\n", r->name,
				        taken, warmup + iters);
				code = 1;
			}
		}
		if (r->exit == BX_CR_ACCESS && cr0_now != cr0) {
			write_cr0(cr0);
			cr0_now = cr0;
			tally[BX_CR_ACCESS]++;
		}
	}
	if (irq_ready)
		apic_write(APIC_LVT_TIMER, LVT_MASKED | IRQ_VEC_B);

	gprintf(TAG "expect,CPUID,%lu\n", tally[BX_CPUID]);
	gprintf(TAG "expect,VMCALL,%lu\n", tally[BX_VMCALL]);
	gprintf(TAG "expect,VMCALL:0x%x,%lu\n", HC_NULL, hc_null_calls);
	gprintf(TAG "expect,VMCALL:0x%x,%lu\n", HC_SET_TIMER, hc_timer_calls);
	gprintf(TAG "expect,VMCALL_STUB,%lu\n", tally[BX_VMCALL_STUB]);
	gprintf(TAG "expect,HLT,%lu\n", tally[BX_HLT]);
	gprintf(TAG "expect,CR_ACCESS,%lu\n", tally[BX_CR_ACCESS]);
	gprintf(TAG "expect,MSR_READ:0x%x,%lu\n", MSR_IA32_SYSENTER_CS, tally[BX_MSR_READ]);
	gprintf(TAG "expect,MSR_WRITE:0x%x,%lu\n", MSR_IA32_SYSENTER_CS, tally[BX_MSR_WRITE]);
	gprintf(TAG "expect,IO_INSTRUCTION:0x%x,%lu\n", BENCH_PORT, tally[BX_IO_SCRATCH]);
	/*
	 * The APIC page: emulated, every access is an EPT violation; virtualized
	 * by the CPU, only the writes with side effects other than a self-IPI
	 * exit (APIC-write exits): virtual-interrupt delivery takes self-IPIs
	 * and EOIs of edge-triggered vectors itself.
	 */
	uint64_t page = tally[BX_MMIO_READ] + tally[BX_APIC_WRITE] + tally[BX_APIC_EOI] + tally[BX_APIC_SELF_IPI];
	if (apicv) {
		gprintf(TAG "expect,APIC_WRITE,%lu\n", tally[BX_APIC_WRITE]);
		page = 0;
	}
	gprintf(TAG "expect,EPT_VIOLATION,%lu\n", page);
	gprintf(TAG "expect,EPT_VIOLATION:0x%x,%lu\n", BENCH_MMIO_PAGE, page);
	gprintf(TAG "exit code %d\n", code);
	/* Port 0xf4 rather than HC_EXIT: the last exit then adds no VMCALL to the counts. */
	guest_exit(code);
}
