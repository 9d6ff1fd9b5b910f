/*
 * Every hypercall number, from 0 past HC_MAX and at huge values, each made
 * with sets of wild arguments: addresses past the domain's RAM, straddling
 * its end, at its local APIC, non-canonical, in a kernel's upper half, all
 * ones, with lengths from one byte to all ones. Each call must give the
 * answer docs/hypercalls.md gives for those arguments, nothing more: a
 * buffer not wholly in RAM -HC_EFAULT, a length past HC_CONSOLE_MAX or an
 * argument out of range -HC_EINVAL, a control call -HC_EPERM, no such call
 * -HC_ENOSYS, whatever the upper bits of RAX. HC_EXIT, which ends the
 * domain, is left out. The control calls are also made with sensible
 * arguments aimed at the management domain (guests/lib/ctl_attempts.h).
 */
#include "attack.h"
#include "ctl_attempts.h"
#include "hc_ctl.h"

#define NONCANONICAL    0x0000800000000000ULL
#define UPPER_HALF      0xffff800000000000ULL   /* where a 64-bit kernel maps itself */
#define GIB4            0x100000000ULL
#define APIC_PAGE       0xfee00000ULL
#define WILD_SETS       8

/* The wild argument sets; those relative to the end of RAM filled in at run time. */
static void wild_args(unsigned i, uint64_t a[4])
{
	uint64_t end = guest_bootinfo->mem_bytes;
	static const uint64_t fixed[][4] = {
		{ APIC_PAGE, 16, APIC_PAGE, 16 },
		{ NONCANONICAL, 16, NONCANONICAL, 16 },
		{ UPPER_HALF, 64, UPPER_HALF, 64 },
		{ ~0ULL, ~0ULL, ~0ULL, ~0ULL },
		{ GIB4, 1ULL << 40, GIB4, 1ULL << 40 },
		{ 0, ~0ULL, 0, ~0ULL },   /* all of RAM and far beyond, from 0 */
	};
	if (i == 0) {
		uint64_t s[4] = { end, 64, end, 64 };   /* the page just past RAM */
		memcpy(a, s, sizeof s);
	} else if (i == 1) {
		uint64_t s[4] = { end - 8, 4096, end - 8, 4096 };   /* straddling its end */
		memcpy(a, s, sizeof s);
	} else {
		memcpy(a, fixed[i - 2], sizeof fixed[0]);
	}
}

static bool is_control(uint64_t nr)
{
	return nr >= HC_DOMCTL_LIST && nr <= HC_DOMCTL_TRIGGER;
}

/* What docs/hypercalls.md says call nr returns for these arguments. */
static long expected_result(uint64_t nr, const uint64_t a[4])
{
	uint64_t ram = guest_bootinfo->mem_bytes;
	switch (nr) {
	case HC_VERSION:     return HINOKI_VERSION;
	case HC_DOMAIN_ID:   return (long)guest_bootinfo->domain_id;
	case HC_YIELD:
	case HC_NULL:
	case HC_NULL_STUB:
	case HC_SET_TIMER:   return 0;
	case HC_CONSOLE_PUT:
		if (a[1] > HC_CONSOLE_MAX)
			return -HC_EINVAL;
		return a[0] >= ram || a[1] > ram - a[0] ? -HC_EFAULT : (long)a[1];
	case HC_VCPU_UP:     return -HC_EINVAL;   /* never vCPU 1: wild ids are 0 or out of range */
	}
	return is_control(nr) ? -HC_EPERM : -HC_ENOSYS;
}

static void hc_wild(const void *arg, struct verdict *v)
{
	uint64_t nr = *(const uint64_t *)arg;
	unsigned same = 0;
	answer(v->got, "as expected for all %u argument sets", WILD_SETS);
	for (unsigned i = 0; i < WILD_SETS; i++) {
		uint64_t a[4];
		wild_args(i, a);
		long want = expected_result(nr, a);
		long got = hc_call(nr, a[0], a[1], a[2], a[3]);
		if (nr == HC_SET_TIMER)
			hc_set_timer(0);
		if (got == want)
			same++;
		else if (same == i)   /* name the first set that went wrong */
			answer(v->got, "%ld at set %u (0x%lx, 0x%lx), %ld expected", got, i, a[0], a[1], want);
	}
	answer(v->expected, "as expected for all %u argument sets", WILD_SETS);
}

static void hc_ctl_refused(const void *arg, struct verdict *v)
{
	const struct ctl_attempt *c = arg;
	answer(v->expected, "%d", -HC_EPERM);
	answer(v->got, "%ld", c->call());
}

/* CONSOLE_PUT's length and range checks, one call each. */
struct put_row {
	uint64_t gpa, len;   /* gpa 0: just below the end of RAM, less len_back */
	uint64_t len_back;
	long want;
};

static void hc_put(const void *arg, struct verdict *v)
{
	const struct put_row *p = arg;
	uint64_t gpa = p->gpa ? p->gpa : guest_bootinfo->mem_bytes - p->len_back;
	answer(v->expected, "%ld", p->want);
	answer(v->got, "%ld", hc_call(HC_CONSOLE_PUT, gpa, p->len, 0, 0));
}

#define NR(n) &(const uint64_t){ n }
#define WILD(name, n) { "hypercall " name " with wild arguments", hc_wild, NR(n), 0 }
#define PUT(name, gpa, len, back, want) \
	{ "HC_CONSOLE_PUT " name, hc_put, &(const struct put_row){ gpa, len, back, want }, 0 }
#define CTL(i) { "control call refused: entry " #i, hc_ctl_refused, &ctl_attempts[i], 0 }

const struct attack_case hc_cases[] = {
	WILD("0 HC_VERSION", HC_VERSION), WILD("1 HC_CONSOLE_PUT", HC_CONSOLE_PUT),
	WILD("2 HC_DOMAIN_ID", HC_DOMAIN_ID), WILD("4 HC_YIELD", HC_YIELD), WILD("5 HC_NULL", HC_NULL),
	WILD("6 HC_SET_TIMER", HC_SET_TIMER), WILD("7 HC_VCPU_UP", HC_VCPU_UP),
	WILD("8 HC_NULL_STUB", HC_NULL_STUB),
	WILD("9", 9), WILD("10", 10), WILD("11", 11), WILD("12", 12), WILD("13", 13), WILD("14", 14),
	WILD("15", 15), WILD("16", 16), WILD("17", 17), WILD("18", 18), WILD("19", 19), WILD("20", 20),
	WILD("21", 21), WILD("22", 22), WILD("23", 23), WILD("24", 24), WILD("25", 25), WILD("26", 26),
	WILD("27", 27), WILD("28", 28), WILD("29", 29), WILD("30", 30), WILD("31", 31),
	WILD("32 HC_DOMCTL_LIST", 32), WILD("33 HC_DOMCTL_CREATE", 33), WILD("34 HC_DOMCTL_DESTROY", 34),
	WILD("35 HC_DOMCTL_PAUSE", 35), WILD("36 HC_DOMCTL_UNPAUSE", 36), WILD("37 HC_DOMCTL_SCHED", 37),
	WILD("38 HC_DOMCTL_CONSOLE", 38), WILD("39 HC_DOMCTL_STATS", 39),
	WILD("40 HC_DOMCTL_SHUTDOWN", 40), WILD("41 HC_DOMCTL_TRACE", 41),
	WILD("42 HC_DOMCTL_DIAG_NMI", 42), WILD("43 HC_DOMCTL_DIAG_HANG", 43),
	WILD("HC_MAX", HC_MAX), WILD("HC_MAX + 1", HC_MAX + 1), WILD("255", 255), WILD("0xffffffff", 0xffffffffULL),
	WILD("2^32 + HC_CONSOLE_PUT", GIB4 + HC_CONSOLE_PUT),
	WILD("2^32 + HC_DOMCTL_SHUTDOWN", GIB4 + HC_DOMCTL_SHUTDOWN),
	WILD("2^63 + HC_VCPU_UP", (1ULL << 63) + HC_VCPU_UP),
	WILD("all ones", ~0ULL),
	PUT("length HC_CONSOLE_MAX + 1", 0x100000, HC_CONSOLE_MAX + 1, 0, -HC_EINVAL),
	PUT("length all ones", 0x100000, ~0ULL, 0, -HC_EINVAL),
	PUT("last byte of RAM and one past", 0, 2, 1, -HC_EFAULT),
	PUT("range wrapping past 2^64", ~0ULL - 7, 16, 0, -HC_EFAULT),
	CTL(0), CTL(1), CTL(2), CTL(3), CTL(4), CTL(5), CTL(6), CTL(7), CTL(8), CTL(9), CTL(10), CTL(11), CTL(12),
};
const unsigned hc_case_count = sizeof hc_cases / sizeof hc_cases[0];
