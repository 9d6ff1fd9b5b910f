/*
 * What the attack guest's case files share. A case is a row of one table
 * (main.c): a name, the function that carries it out and its argument. The
 * function fills in what hardware, or Hinoki's documented platform, answers
 * (`expected`) and what came back (`got`), as short strings; the runner
 * prints both and fails the case when they differ. A case that must end the
 * domain has no answer to compare: its row says what stops it, and should it
 * come back, the runner fails it.
 */
#ifndef ATTACK_ATTACK_H
#define ATTACK_ATTACK_H

#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "guest.h"
#include "probe.h"

#define TAG "attack: "

#define ANSWER_LEN 96

struct verdict {
	char expected[ANSWER_LEN];
	char got[ANSWER_LEN];
};

struct attack_case {
	const char *name;
	void (*run)(const void *arg, struct verdict *v);
	const void *arg;
	const char *stops;   /* non-NULL: the domain must be stopped, for this reason */
};

/* Each file's cases, in the order of the table. */
extern const struct attack_case mem_cases[], port_cases[], msr_cases[], insn_cases[], hc_cases[],
	apic_cases[], state_cases[], storm_cases[], end_cases[];
extern const unsigned mem_case_count, port_case_count, msr_case_count, insn_case_count,
	hc_case_count, apic_case_count, state_case_count, storm_case_count, end_case_count;

/* Fills v->expected or v->got (ANSWER_LEN bytes) as gsnprintf does. */
void answer(char *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* What a probe did: "no exception, 0xVALUE" (EDX:EAX) or the exception (probe_describe). */
void probe_answer(const struct probe *p, struct probe_regs *r, char *out);

/* The command line's `seed=N` (state.c), 1 if absent. */
uint8_t attack_seed(void);

/* The number of vCPUs the domain has (apic.c needs a second one). */
unsigned attack_vcpus(void);

/* The xAPIC's registers at their default base (apic.c, storm.c). */
static inline void apic_write(unsigned reg, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)(APIC_DEFAULT_PHYS_BASE + reg) = v;
}

static inline uint32_t apic_read(unsigned reg)
{
	return *(volatile uint32_t *)(uintptr_t)(APIC_DEFAULT_PHYS_BASE + reg);
}

#endif
