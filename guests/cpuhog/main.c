/*
 * cpuhog: a CPU-bound guest for the scheduler tests. Each vCPU repeats a
 * fixed work unit (a few thousand instructions of arithmetic, no exits) and
 * prints its running count of units every `report=N` units, as
 * "cpuhog: progress K" (or "cpuhog: vcpu V progress K" when the domain has
 * several vCPUs). The counts compare the CPU time domains got, measured by
 * the guests rather than by the scheduler's own bookkeeping. Each vCPU ends
 * after `units=N` units; vCPU 0 then reports and exits 0, or 1 if a
 * secondary vCPU could not be started (HC_VCPU_UP).
 *
 * With the word `storm` vCPU 0 first turns hostile to its neighbours: its
 * local APIC timer periodic with an initial count of 1 and divide by 1,
 * unmasked, while it runs with interrupts disabled, so that the timer's
 * vector waits forever and an expiry is due at every moment.
 */
#include "guest.h"
#include "cmdline.h"
#include "hinoki/limits.h"
#include "hc_ctl.h"
#include "hw/apic.h"
#include "tsc.h"

#define TAG "cpuhog: "

/*
 * A unit is UNIT_ITERS multiply-add steps, about 4 instructions each: some
 * 5000 instructions. At the ~50 million instructions a second Bochs manages,
 * 1000 units are about 0.1 s.
 */
#define UNIT_ITERS       1250
#define DEFAULT_REPORT   1000
#define DEFAULT_UNITS    1000000000ULL  /* in effect: until stopped */
#define VCPU_STACK_SIZE  8192
#define WAIT_POLL_MS     10
#define SPINS_PER_YIELD  1000
#define PARK_MS          1000           /* a finished secondary vCPU wakes this seldom */
#define STORM_VECTOR     0x40

/* Knuth's MMIX linear congruential generator constants. */
#define LCG_MUL 6364136223846793005ULL
#define LCG_INC 1442695040888963407ULL

static uint64_t report_every = DEFAULT_REPORT;
static uint64_t units_total = DEFAULT_UNITS;
static unsigned nvcpus = 1;

static volatile uint64_t progress[HINOKI_MAX_VCPUS];
static volatile bool finished[HINOKI_MAX_VCPUS];
static volatile uint64_t sink[HINOKI_MAX_VCPUS];   /* keeps the arithmetic observable */
static uint8_t stacks[HINOKI_MAX_VCPUS][VCPU_STACK_SIZE] __attribute__((aligned(16)));

static volatile bool print_lock;

/* Whole lines from several vCPUs must not interleave on the one UART. */
static void lock(void)
{
	unsigned spins = 0;
	while (__atomic_test_and_set(&print_lock, __ATOMIC_ACQUIRE)) {
		/* The holder may be preempted: let it run rather than spin a slice away. */
		if (++spins % SPINS_PER_YIELD == 0)
			hc_yield();
		cpu_pause();
	}
}

static void unlock(void)
{
	__atomic_clear(&print_lock, __ATOMIC_RELEASE);
}

__attribute__((format(printf, 1, 2)))
static void say(const char *fmt, ...)
{
	va_list ap;
	lock();
	va_start(ap, fmt);
	gvprintf(fmt, ap);
	va_end(ap);
	unlock();
}

static uint64_t work_unit(uint64_t x)
{
	for (unsigned i = 0; i < UNIT_ITERS; i++) {
		x = x * LCG_MUL + LCG_INC;
		__asm__ volatile("" : "+r"(x));   /* every step must happen */
	}
	return x;
}

static void run(unsigned v)
{
	uint64_t x = v + 1;
	for (uint64_t done = 1; done <= units_total; done++) {
		x = work_unit(x);
		progress[v] = done;
		if (done % report_every == 0) {
			if (nvcpus > 1)
				say(TAG "vcpu %u progress %llu\n", v, (unsigned long long)done);
			else
				say(TAG "progress %llu\n", (unsigned long long)done);
		}
	}
	sink[v] = x;
	if (nvcpus > 1)
		say(TAG "vcpu %u done after %llu units\n", v, (unsigned long long)units_total);
	finished[v] = true;
}

/*
 * Secondary vCPUs start here (HC_VCPU_UP) with RDI = their number. When done
 * they park in timed halts until vCPU 0 ends the domain: a HLT with no timer
 * set could never wake, and Hinoki stops a domain that executes one.
 */
__attribute__((noreturn)) static void secondary_main(uint64_t v)
{
	trap_init();    /* IDTR is per CPU; the table is shared */
	run((unsigned)v);
	for (;;)
		tsc_sleep_ms(PARK_MS);
}

static void apic_write(unsigned off, uint32_t val)
{
	*(volatile uint32_t *)(uintptr_t)(APIC_DEFAULT_PHYS_BASE + off) = val;
}

/* The timer storm: periodic, count 1, divide 1, its vector never taken. */
static void start_storm(void)
{
	__asm__ volatile("cli");
	apic_write(APIC_REG_SVR, APIC_SVR_ENABLE | 0xff);
	apic_write(APIC_REG_TIMER_DCR, APIC_TIMER_DIVIDE_BY_1);
	apic_write(APIC_REG_LVT_TIMER, APIC_LVT_TIMER_PERIODIC | STORM_VECTOR);
	say(TAG "storm: APIC timer periodic, count 1, interrupts off\n");   /* the last line it may get out */
	apic_write(APIC_REG_TIMER_ICR, 1);
}

int guest_main(const struct hinoki_bootinfo *bi)
{
	serial_init();
	tsc_init(bi);
	cmdline_u64(bi, "report", &report_every);
	cmdline_u64(bi, "units", &units_total);
	if (report_every == 0)
		report_every = DEFAULT_REPORT;
	nvcpus = bi->vcpus ? bi->vcpus : 1;
	if (nvcpus > HINOKI_MAX_VCPUS)
		nvcpus = HINOKI_MAX_VCPUS;

	say(TAG "started: %u vcpus, %llu units of %u steps each, report every %llu\n", nvcpus,
	    (unsigned long long)units_total, UNIT_ITERS, (unsigned long long)report_every);

	unsigned failed = 0;
	bool up[HINOKI_MAX_VCPUS] = { true };
	for (unsigned v = 1; v < nvcpus; v++) {
		long r = hc_vcpu_start(v, secondary_main, &stacks[v][VCPU_STACK_SIZE]);
		if (r < 0) {
			say(TAG "CHECK FAILED: HC_VCPU_UP for vcpu %u -> %ld\n", v, r);
			failed++;
			continue;
		}
		up[v] = true;
	}

	if (cmdline_has(bi, "storm"))
		start_storm();
	uint64_t start = rdtsc();
	run(0);
	for (unsigned v = 1; v < nvcpus; v++)
		while (up[v] && !finished[v])
			tsc_sleep_ms(WAIT_POLL_MS);

	uint64_t total = 0;
	for (unsigned v = 0; v < nvcpus; v++)
		total += progress[v];
	say(TAG "done: %llu units on %u vcpus in %llu ms\n", (unsigned long long)total,
	    nvcpus - failed, (unsigned long long)tsc_to_ms(rdtsc() - start));
	return failed ? 1 : 0;
}
