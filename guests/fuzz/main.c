/*
 * fuzz: random operations against the hypervisor, from a seed it prints.
 * Each vCPU runs its own stream (derived from the seed and its number) of
 * port I/O, MMIO, MSR accesses, hypercalls, CPUID, control- and
 * debug-register writes, descriptor-table loads and random instruction
 * bytes, `ops=N` operations in all (shared out among the vCPUs), and prints
 * one summary line with the count per category. Exceptions end an
 * operation, not the guest (trap.c, env.c); the domain should reach its op
 * count. What it is after is the hypervisor's side: a panic, a hang, a
 * domain stopped where hardware has an answer, or another domain's memory or
 * registers changed (the honest guests beside it in the tests check those).
 * With one vCPU the seed reproduces a run exactly, as far as the guest is
 * concerned (interrupts and time may differ); with several, the streams
 * are fixed but their interleaving is not.
 *
 * Command line: seed=N (default: from the TSC), ops=N (default 10000),
 * report=N (a progress line per vCPU every N of its operations, default
 * 5000).
 */
#include "fuzz.h"
#include "cmdline.h"
#include "hc_ctl.h"
#include "tsc.h"

#define DEFAULT_OPS      10000
#define DEFAULT_REPORT   5000
#define VCPU_STACK_SIZE  16384
#define WAIT_POLL_MS     10
#define PARK_MS          1000
#define SPINS_PER_YIELD  1000

struct fz_cpu fz_cpus[HINOKI_MAX_VCPUS];
unsigned fz_nvcpus = 1;
uint64_t fz_ram_bytes;

static uint64_t seed, ops_total, report_every;
static volatile bool finished[HINOKI_MAX_VCPUS];
static uint8_t stacks[HINOKI_MAX_VCPUS][VCPU_STACK_SIZE] __attribute__((aligned(16)));
static volatile bool print_lock;

static const char *const cat_names[CAT_COUNT] = {
	[CAT_IO] = "io", [CAT_MMIO] = "mmio", [CAT_MSR] = "msr", [CAT_HC] = "hc",
	[CAT_CPUID] = "cpuid", [CAT_CR] = "cr", [CAT_DR] = "dr", [CAT_DESC] = "desc",
	[CAT_INSN] = "insn",
};

static void (*const cat_ops[CAT_COUNT])(struct fz_cpu *) = {
	[CAT_IO] = op_io, [CAT_MMIO] = op_mmio, [CAT_MSR] = op_msr, [CAT_HC] = op_hc,
	[CAT_CPUID] = op_cpuid, [CAT_CR] = op_cr, [CAT_DR] = op_dr, [CAT_DESC] = op_desc,
	[CAT_INSN] = op_insn,
};

/* Relative frequencies: the exits with the most hypervisor code behind them come most often. */
static const unsigned cat_weight[CAT_COUNT] = {
	[CAT_IO] = 18, [CAT_MMIO] = 14, [CAT_MSR] = 14, [CAT_HC] = 12, [CAT_CPUID] = 6,
	[CAT_CR] = 8, [CAT_DR] = 6, [CAT_DESC] = 6, [CAT_INSN] = 16,
};

/* Whether an operation of this category may leave state env_restore puts back. */
static bool op_dirties(enum fz_cat cat)
{
	return cat == CAT_CR || cat == CAT_DR || cat == CAT_DESC || cat == CAT_INSN || cat == CAT_MSR;
}

void say(const char *fmt, ...)
{
	unsigned spins = 0;
	while (__atomic_test_and_set(&print_lock, __ATOMIC_ACQUIRE))
		if (++spins % SPINS_PER_YIELD == 0)
			hc_yield();   /* the holder may have lost its CPU */
	va_list ap;
	va_start(ap, fmt);
	gvprintf(fmt, ap);
	va_end(ap);
	__atomic_clear(&print_lock, __ATOMIC_RELEASE);
}

uint64_t rnd_value(struct fz_cpu *c)
{
	switch (rnd_below(c, 8)) {
	case 0: return 0;
	case 1: return rnd_below(c, 256);
	case 2: return ~0ULL;
	case 3: return 1ULL << rnd_below(c, 64);
	case 4: return rnd(c) & 0xffffffff;
	default: return rnd(c);
	}
}

/* SplitMix64: spreads a seed and a vCPU number into a stream's start. */
static uint64_t stream_seed(uint64_t s, unsigned v)
{
	uint64_t z = s + (v + 1) * 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return z ? z : 1;   /* xorshift never leaves 0 */
}

static enum fz_cat pick(struct fz_cpu *c)
{
	unsigned sum = 0;
	for (unsigned i = 0; i < CAT_COUNT; i++)
		sum += cat_weight[i];
	unsigned r = (unsigned)rnd_below(c, sum);
	for (unsigned i = 0; i < CAT_COUNT; i++) {
		if (r < cat_weight[i])
			return (enum fz_cat)i;
		r -= cat_weight[i];
	}
	return CAT_IO;
}

static uint64_t cpu_ops(const struct fz_cpu *c)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < CAT_COUNT; i++)
		n += c->ops[i];
	return n;
}

static void run(struct fz_cpu *c)
{
	uint64_t n = ops_total / fz_nvcpus + (c->id == 0 ? ops_total % fz_nvcpus : 0);
	env_enter(c);
	for (uint64_t i = 1; i <= n; i++) {
		enum fz_cat cat = pick(c);
		int faulted = fuzz_try(c, cat_ops[cat]);
		c->ops[cat]++;
		if (faulted || op_dirties(cat))
			env_restore(c);
		if (i % report_every == 0)
			say(TAG "vcpu %u: %llu ops\n", c->id, (unsigned long long)i);
	}
	finished[c->id] = true;
}

/* Secondary vCPUs (HC_VCPU_UP) start here; done, they sleep until vCPU 0 ends the domain. */
__attribute__((noreturn)) static void secondary_main(uint64_t v)
{
	run(&fz_cpus[v]);
	for (;;)
		tsc_sleep_ms(PARK_MS);
}

static void summary(void)
{
	uint64_t per[CAT_COUNT] = { 0 }, faults[TRAP_VECTORS] = { 0 }, total = 0, exc = 0, irqs = 0, failed = 0;
	for (unsigned v = 0; v < fz_nvcpus; v++) {
		for (unsigned i = 0; i < CAT_COUNT; i++)
			per[i] += fz_cpus[v].ops[i];
		for (unsigned i = 0; i < TRAP_VECTORS; i++)
			faults[i] += fz_cpus[v].faults[i];
		total += cpu_ops(&fz_cpus[v]);
		irqs += fz_cpus[v].irqs;
		failed += fz_cpus[v].checks_failed;
	}
	char line[256];
	size_t len = 0;
	for (unsigned i = 0; i < CAT_COUNT; i++)
		len += (size_t)gsnprintf(line + len, sizeof line - len, "%s%s %llu", i ? ", " : "",
		                         cat_names[i], (unsigned long long)per[i]);
	say(TAG "done: seed 0x%llx, %u vcpus, %llu ops: %s\n", (unsigned long long)seed, fz_nvcpus,
	    (unsigned long long)total, line);
	len = 0;
	for (unsigned i = 0; i < TRAP_VECTORS; i++) {
		exc += faults[i];
		if (faults[i] && len < sizeof line - 32)
			len += (size_t)gsnprintf(line + len, sizeof line - len, " %s %llu", trap_name(i),
			                         (unsigned long long)faults[i]);
	}
	say(TAG "exceptions %llu:%s; interrupts %llu\n", (unsigned long long)exc, line,
	    (unsigned long long)irqs);
	if (failed)
		say(TAG "%llu checks failed\n", (unsigned long long)failed);
}

int guest_main(const struct hinoki_bootinfo *bi)
{
	serial_init();
	tsc_init(bi);
	seed = rdtsc();
	ops_total = DEFAULT_OPS;
	report_every = DEFAULT_REPORT;
	cmdline_u64(bi, "seed", &seed);
	cmdline_u64(bi, "ops", &ops_total);
	cmdline_u64(bi, "report", &report_every);
	if (!report_every)
		report_every = DEFAULT_REPORT;
	fz_nvcpus = bi->vcpus ? bi->vcpus : 1;
	if (fz_nvcpus > HINOKI_MAX_VCPUS)
		fz_nvcpus = HINOKI_MAX_VCPUS;
	fz_ram_bytes = bi->mem_bytes;

	say(TAG "seed 0x%llx, %llu ops on %u vcpus\n", (unsigned long long)seed,
	    (unsigned long long)ops_total, fz_nvcpus);
	for (unsigned v = 0; v < fz_nvcpus; v++) {
		fz_cpus[v].id = v;
		fz_cpus[v].rng = stream_seed(seed, v);
	}
	env_init_tables(bi);

	bool up[HINOKI_MAX_VCPUS] = { true };
	unsigned failed = 0;
	for (unsigned v = 1; v < fz_nvcpus; v++) {
		long r = hc_vcpu_start(v, secondary_main, &stacks[v][VCPU_STACK_SIZE]);
		up[v] = r >= 0;
		if (!up[v]) {
			say(TAG "CHECK FAILED: HC_VCPU_UP for vcpu %u -> %ld\n", v, r);
			failed++;
		}
	}
	run(&fz_cpus[0]);
	for (unsigned v = 1; v < fz_nvcpus; v++)
		while (up[v] && !finished[v])
			tsc_sleep_ms(WAIT_POLL_MS);
	summary();
	int code = failed || fz_cpus[0].checks_failed ? 1 : 0;
	for (unsigned v = 1; v < fz_nvcpus; v++)
		code |= fz_cpus[v].checks_failed != 0;
	say(TAG "exit code %d\n", code);
	return code;
}
