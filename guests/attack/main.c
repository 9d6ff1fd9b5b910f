/*
 * attack: a hostile Hinoki ELF64 guest with numbered cases, each expecting
 * the answer hardware gives (or Hinoki documents, where it emulates a
 * device): memory outside its RAM, real hardware's ports and MMIO, sensitive
 * MSRs, VMX and SMX instructions, IPIs at other vCPUs and at no one,
 * hypercalls with wild arguments, state that must not cross between domains,
 * interrupt storms and a triple fault. Each case prints
 * "attack: case N NAME: expected X, got Y", and a CHECK FAILED line when the
 * two differ. `cases=A-B` (or `case=N`) picks the cases to run, so that a
 * case that ends its domain gets a domain of its own; `list` prints them all;
 * `linger_ms=N` keeps yielding N ms after the last case (state.c).
 * The last lines are "attack: all checks passed" (or "N checks failed") and
 * the exit code.
 */
#include <stdarg.h>

#include "attack.h"
#include "cmdline.h"
#include "tsc.h"

struct group {
	const struct attack_case *cases;
	const unsigned *count;
};

/* Numbered in this order from 1; the cases that end the domain last. */
static const struct group groups[] = {
	{ mem_cases, &mem_case_count },     { port_cases, &port_case_count },
	{ msr_cases, &msr_case_count },     { insn_cases, &insn_case_count },
	{ hc_cases, &hc_case_count },       { apic_cases, &apic_case_count },
	{ state_cases, &state_case_count }, { storm_cases, &storm_case_count },
	{ end_cases, &end_case_count },
};

static uint64_t seed = 1;
static unsigned vcpus = 1;

uint8_t attack_seed(void)  { return (uint8_t)seed; }
unsigned attack_vcpus(void) { return vcpus; }

void answer(char *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	gvsnprintf(out, ANSWER_LEN, fmt, ap);
	va_end(ap);
}

void probe_answer(const struct probe *p, struct probe_regs *r, char *out)
{
	struct probe_result res = probe_run(p, r);
	if (!res.faulted)
		answer(out, "no exception, 0x%lx", (r->rdx << 32) | (uint32_t)r->rax);
	else
		probe_describe(&res, out, ANSWER_LEN);
}

static void run_case(unsigned n, const struct attack_case *c)
{
	struct verdict v = { "", "" };
	if (c->stops) {
		gprintf(TAG "case %u %s: expected the domain stopped (%s)\n", n, c->name, c->stops);
		c->run(c->arg, &v);
		fail("case %u %s: expected the domain stopped (%s), got STILL RUNNING", n, c->name, c->stops);
		return;
	}
	c->run(c->arg, &v);
	gprintf(TAG "case %u %s: expected %s, got %s\n", n, c->name, v.expected, v.got);
	size_t len = strlen(v.expected);
	if (len != strlen(v.got) || memcmp(v.expected, v.got, len) != 0)
		fail("case %u %s: expected %s, got %s", n, c->name, v.expected, v.got);
}

/* `cases=A-B` or `case=N` from the command line: [*first, *last], 1-based. */
static bool selection(const struct hinoki_bootinfo *bi, uint64_t *first, uint64_t *last)
{
	return cmdline_range(bi, "cases", first, last) || cmdline_range(bi, "case", first, last);
}

int guest_main(const struct hinoki_bootinfo *bi)
{
	serial_init();
	tsc_init(bi);
	vcpus = bi->vcpus ? bi->vcpus : 1;
	cmdline_u64(bi, "seed", &seed);
	bool list = cmdline_has(bi, "list");

	unsigned total = 0;
	for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
		total += *groups[g].count;
	uint64_t first = 1, last = total;
	if (!list && !selection(bi, &first, &last)) {
		gprintf(TAG "no cases=A-B or case=N on the command line ('%s')\n", cmdline_get(bi));
		return 2;
	}
	if (first < 1 || last > total || first > last) {
		gprintf(TAG "cases %lu-%lu: there are cases 1 to %u\n", first, last, total);
		return 2;
	}
	gprintf(TAG "domain %ld, %u vCPUs, %lu MiB, cases %lu-%lu of %u\n", hc_domain_id(), vcpus,
	        bi->mem_bytes >> 20, first, last, total);

	unsigned n = 0;
	for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
		for (unsigned i = 0; i < *groups[g].count; i++) {
			const struct attack_case *c = &groups[g].cases[i];
			if (++n < first || n > last)
				continue;
			if (list)
				gprintf(TAG "case %u %s%s\n", n, c->name, c->stops ? " (ends the domain)" : "");
			else
				run_case(n, c);
		}
	/* A sibling running the state cases (state.c) on this CPU can still switch to this domain. */
	uint64_t linger_ms = 0;
	if (!list && cmdline_u64(bi, "linger_ms", &linger_ms)) {
		uint64_t end = rdtsc() + tsc_from_ms(linger_ms);
		while (rdtsc() < end)
			hc_yield();
	}
	int code = check_summary(TAG);
	gprintf(TAG "exit code %d\n", code);
	return code;
}
