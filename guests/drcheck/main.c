/*
 * drcheck: an outside Multiboot 1 kernel that checks its debug registers are
 * its own. It sets DR0-DR3, DR6 and DR7 to values its command line chooses
 * (`base=` for DR0-DR3, varied per register and per round; `dr6=` status
 * bits; `dr7=` LE/GE and R/W-LEN bits, no breakpoint armed, so nothing ever
 * triggers), spins until it has lost the CPU for a while, and reads them back:
 * run beside another instance with other values on one CPU, each round
 * proves the registers came back after the other kernel had the CPU.
 *
 * With `pkru=` it checks PKRU too, the protection-key rights register, which
 * no VMCS field holds: the CPU must offer protection keys for user pages
 * (PKU), with CR4.PKE clear at start and CPUID's OSPKE following it, and
 * PKRU 0 once it is on; then each round writes PKRU as well. Without paging
 * no key guards any access, so any value is safe to hold.
 *
 * A Multiboot kernel has no hypercalls and cannot see the other domain, so
 * it tells that it was descheduled from its TSC: a jump of more than `gap=`
 * cycles between two reads means another vCPU ran in between (the
 * hypervisor's own exits take far less). A round ends at such a jump, or
 * after `wait=` cycles without one, which ends the run: the other kernel
 * has finished. Fewer than `min_switches=` jumps fail the run, so a check
 * that never crossed a switch cannot pass.
 */
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "cmdline.h"
#include "fmt.h"
#include "hw/cr.h"
#include "hw/dr.h"
#include "io.h"
#include "mbinfo.h"
#include "serial.h"
#include "tsc.h"

#define TAG "drcheck: "

#define ROUNDS_DEFAULT   500
#define GAP_DEFAULT      10000u        /* TSC cycles: well above an exit, below a slice */
#define WAIT_DEFAULT     2000000u      /* TSC cycles without a switch that end the run */
#define START_WAITS      50            /* the other kernel may start this many waits later */
#define REPORT_MAX       8             /* mismatches printed; the rest are counted */
/* Round r and register i move DR0-3 away from `base` in bits no other register or round uses. */
#define REG_SHIFT        8
#define ROUND_SHIFT      12

int mb_main(uint32_t magic, const struct mb_info *mbi);

#define DEFINE_DR_ACCESSORS(n) \
	static inline uint32_t read_dr##n(void) { uint32_t v; __asm__ volatile("mov %%db" #n ", %0" : "=r"(v)); return v; } \
	static inline void write_dr##n(uint32_t v) { __asm__ volatile("mov %0, %%db" #n :: "r"(v)); }
DEFINE_DR_ACCESSORS(0)
DEFINE_DR_ACCESSORS(1)
DEFINE_DR_ACCESSORS(2)
DEFINE_DR_ACCESSORS(3)
DEFINE_DR_ACCESSORS(6)
DEFINE_DR_ACCESSORS(7)
#undef DEFINE_DR_ACCESSORS

static inline uint32_t read_cr4(void) { uint32_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr4(uint32_t v) { __asm__ volatile("mov %0, %%cr4" :: "r"(v)); }
static inline uint32_t rdpkru(void) { uint32_t v, d; __asm__ volatile("rdpkru" : "=a"(v), "=d"(d) : "c"(0)); return v; }
static inline void wrpkru(uint32_t v) { __asm__ volatile("wrpkru" :: "a"(v), "c"(0), "d"(0)); }

/* DR0-DR3, DR6, DR7, in that order, then PKRU with `pkru=`. */
enum { DR_REGS = DR_ADDRESS_COUNT + 2, REG_PKRU = DR_REGS, ALL_REGS };
static const char *const reg_name[ALL_REGS] = { "DR0", "DR1", "DR2", "DR3", "DR6", "DR7", "PKRU" };

struct settings {
	uint32_t base, dr6, dr7, pkru;
	unsigned regs;   /* DR_REGS, or ALL_REGS with PKRU */
	uint64_t rounds, gap, wait, min_switches;
};

static void read_all(unsigned regs, uint32_t v[ALL_REGS])
{
	v[0] = read_dr0();
	v[1] = read_dr1();
	v[2] = read_dr2();
	v[3] = read_dr3();
	v[4] = read_dr6();
	v[5] = read_dr7();
	if (regs > REG_PKRU)
		v[REG_PKRU] = rdpkru();
}

static void write_all(unsigned regs, const uint32_t v[ALL_REGS])
{
	write_dr0(v[0]);
	write_dr1(v[1]);
	write_dr2(v[2]);
	write_dr3(v[3]);
	write_dr6(v[4]);
	write_dr7(v[5]);
	if (regs > REG_PKRU)
		wrpkru(v[REG_PKRU]);
}

/* What round r writes, as it reads back: DR6 and DR7 with their fixed bits. */
static void round_values(const struct settings *s, uint32_t r, uint32_t v[ALL_REGS])
{
	for (uint32_t i = 0; i < DR_ADDRESS_COUNT; i++)
		v[i] = s->base ^ (i << REG_SHIFT) ^ (r << ROUND_SHIFT);
	v[4] = DR6_RESET | s->dr6;
	v[5] = DR7_RESET | s->dr7;
	v[REG_PKRU] = s->pkru ^ (r << ROUND_SHIFT);
}

/* Returns how many of the first `regs` registers differ from `want`, printing the first few mismatches. */
static unsigned compare(const char *when, unsigned regs, const uint32_t want[ALL_REGS])
{
	static unsigned reported;
	uint32_t got[ALL_REGS];
	unsigned bad = 0;
	read_all(regs, got);
	for (unsigned i = 0; i < regs; i++) {
		if (got[i] == want[i])
			continue;
		bad++;
		if (reported++ < REPORT_MAX)
			fail("%s: %s 0x%x, expected 0x%x", when, reg_name[i], got[i], want[i]);
	}
	return bad;
}

/* Spins until the TSC jumps by more than `gap` (another vCPU ran); false after `budget` cycles without. */
static bool wait_switch(uint64_t gap, uint64_t budget)
{
	uint64_t start = rdtsc(), last = start;
	for (;;) {
		uint64_t now = rdtsc();
		if (now - last > gap)
			return true;
		if (now - start > budget)
			return false;
		last = now;
	}
}

static bool settings_read(const char *cl, struct settings *s)
{
	uint64_t base, dr6 = 0, dr7 = 0, pkru = 0;
	*s = (struct settings){ .regs = DR_REGS, .rounds = ROUNDS_DEFAULT, .gap = GAP_DEFAULT, .wait = WAIT_DEFAULT };
	if (!cmdline_line_u64(cl, "base", &base) || base > UINT32_MAX) {
		fail("no base=N (32 bits) on the command line '%s'", cl);
		return false;
	}
	cmdline_line_u64(cl, "dr6", &dr6);
	cmdline_line_u64(cl, "dr7", &dr7);
	if (dr6 & ~(uint64_t)DR6_STATUS) {
		fail("dr6=0x%llx sets bits other than the status bits 0x%llx", dr6, (unsigned long long)DR6_STATUS);
		return false;
	}
	if (dr7 > UINT32_MAX || (dr7 & (DR7_ENABLES | DR7_GD))) {
		fail("dr7=0x%llx arms a breakpoint or general detect", dr7);
		return false;
	}
	if (cmdline_line_u64(cl, "pkru", &pkru)) {
		if (pkru > UINT32_MAX) {
			fail("pkru=0x%llx is wider than PKRU's 32 bits", pkru);
			return false;
		}
		s->regs = ALL_REGS;
	}
	cmdline_line_u64(cl, "rounds", &s->rounds);
	cmdline_line_u64(cl, "gap", &s->gap);
	cmdline_line_u64(cl, "wait", &s->wait);
	s->min_switches = s->rounds / 2;
	cmdline_line_u64(cl, "min_switches", &s->min_switches);
	s->base = (uint32_t)base;
	s->dr6 = (uint32_t)dr6;
	s->dr7 = (uint32_t)dr7;
	s->pkru = (uint32_t)pkru;
	return true;
}

/* A processor after reset or INIT; the hypervisor must start each vCPU so, whoever ran before. */
static void check_reset_values(void)
{
	const uint32_t reset[ALL_REGS] = { 0, 0, 0, 0, DR6_RESET, DR7_RESET, 0 };
	if (compare("at start", DR_REGS, reset) == 0)
		gprintf(TAG "reset values: DR0-3 0, DR6 0x%x, DR7 0x%x\n", DR6_RESET, DR7_RESET);
}

/* PKU offered, off at start; CR4.PKE turned on, OSPKE with it, and PKRU at its reset value 0. */
static bool pkeys_on(void)
{
	uint32_t ecx = cpuid(CPUID_LEAF_STRUCT_EXT, 0).ecx, cr4 = read_cr4();
	if (!(ecx & CPUID_7_ECX_PKU)) {
		fail("pkru= given, but CPUID.(7,0):ECX (0x%x) has no PKU", ecx);
		return false;
	}
	if ((ecx & CPUID_7_ECX_OSPKE) || (cr4 & CR4_PKE))
		fail("protection keys on at start: CPUID.(7,0):ECX 0x%x, CR4 0x%x", ecx, cr4);
	write_cr4(cr4 | (uint32_t)CR4_PKE);
	ecx = cpuid(CPUID_LEAF_STRUCT_EXT, 0).ecx;
	cr4 = read_cr4();
	uint32_t pkru = rdpkru();
	if (!(ecx & CPUID_7_ECX_OSPKE) || !(cr4 & CR4_PKE) || pkru) {
		fail("with CR4.PKE set: CPUID.(7,0):ECX 0x%x, CR4 0x%x, PKRU 0x%x", ecx, cr4, pkru);
		return false;
	}
	gprintf(TAG "protection keys: off at start, CR4.PKE and OSPKE on together, PKRU 0\n");
	return true;
}

int mb_main(uint32_t magic, const struct mb_info *mbi)
{
	struct settings s;
	uint32_t want[ALL_REGS];
	uint32_t rounds = 0, switches = 0, bad_rounds = 0;

	serial_init();
	if (!settings_read(mb_cmdline(TAG, magic, mbi), &s))
		return check_summary(TAG);
	check_reset_values();
	if (s.regs > REG_PKRU && !pkeys_on())
		return check_summary(TAG);

	/* Wait for the other kernel to show up, so that the rounds overlap with it. */
	round_values(&s, 0, want);
	write_all(s.regs, want);
	for (unsigned i = 0; i < START_WAITS && !wait_switch(s.gap, s.wait); i++)
		;
	while (rounds < s.rounds) {
		char when[32];
		round_values(&s, rounds, want);
		write_all(s.regs, want);
		bool switched = wait_switch(s.gap, s.wait);
		switches += switched;
		gsnprintf(when, sizeof when, "round %u", rounds);
		bad_rounds += compare(when, s.regs, want) != 0;
		rounds++;
		if (!switched)
			break;
	}
	if (bad_rounds == 0)
		gprintf(TAG "%u rounds, DR0-3/DR6/DR7%s kept, %u switches seen\n", rounds,
		        s.regs > REG_PKRU ? "/PKRU" : "", switches);
	else
		gprintf(TAG "%u rounds, %u with other values, %u switches seen\n", rounds, bad_rounds, switches);
	if (switches < s.min_switches)
		fail("%u switches seen, at least %llu needed", switches, (unsigned long long)s.min_switches);
	return check_summary(TAG);
}
