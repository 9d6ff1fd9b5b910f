/*
 * Instructions run under a guest's exception handler (trap.h) to see which
 * exception, if any, they raise. Each probe is a function that executes the
 * instruction from bytes with a label on it, so a fault can be checked to
 * come from that very instruction, and the guest resumes after its length,
 * taken from the same bytes. The VMX, SMX and XSETBV probes are here for the
 * guests that check a guest without VMX gets #UD for each.
 */
#ifndef GUEST_PROBE_H
#define GUEST_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The registers a probed instruction reads or writes. */
struct probe_regs {
	uint64_t rax, rcx, rdx;
};

struct probe {
	const char *name;
	const uint8_t *bytes;
	unsigned len;
	uintptr_t (*run)(struct probe_regs *r);   /* returns the instruction's address */
};

/* What a probe did: no exception, or the one it raised and whether at the probed bytes. */
struct probe_result {
	bool faulted;
	bool at_insn;   /* the fault's RIP is the probe's instruction, whose bytes are p->bytes */
	unsigned vector;
	uint64_t error_code;
};

/* Runs p with exception handling armed; registers in and out through r. */
struct probe_result probe_run(const struct probe *p, struct probe_regs *r);

/*
 * "#GP", "#UD" and the like, with "(0xE)" after an error code that is not 0,
 * "no exception", or "... away from the instruction" for a fault elsewhere.
 */
void probe_describe(const struct probe_result *res, char *buf, size_t size);

extern const struct probe probe_rdmsr, probe_wrmsr, probe_mov_cr4;

/* VMXON ... INVVPID (operands in memory at RAX), VMFUNC, GETSEC, XSETBV (ECX, EDX:EAX). */
extern const struct probe probe_vmx[];
extern const size_t probe_vmx_count;
extern const struct probe probe_vmfunc, probe_getsec, probe_xsetbv;

#endif
