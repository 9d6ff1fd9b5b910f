/*
 * Why a VM entry refused its guest state: the checks of Intel SDM vol. 3C
 * "Checks on the Guest State Area" (27.3.1.1-27.3.1.6 in recent editions),
 * one table row per rule, run over a snapshot of the guest-state fields, the
 * controls they depend on and the CPU's fixed bits. Hardware only says
 * "invalid guest state"; this names the rule and the values. Pure code,
 * unit-tested on the host; vmx/entry_explain.c fills the snapshot from the
 * VMCS after a failed entry.
 */
#ifndef VMX_ENTRY_CHECK_H
#define VMX_ENTRY_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hw/segment.h"

/* The segment registers (hw/segment.h) and then LDTR and TR, as the VMCS numbers their fields. */
enum entry_seg { ENTRY_LDTR = SEG_COUNT, ENTRY_TR, ENTRY_SEGS };

struct entry_seg_state {
	uint16_t sel;
	uint32_t limit, ar;   /* ar: the VMCS access-rights format (hw/segment.h AR_*) */
	uint64_t base;
};

struct entry_state {
	/* The guest-state area (RSP too, though no rule reads it: 27.3.1.4 checks only RIP and RFLAGS). */
	uint64_t cr0, cr3, cr4, dr7, rsp, rip, rflags;
	struct entry_seg_state seg[ENTRY_SEGS];
	uint64_t gdtr_base, idtr_base;
	uint32_t gdtr_limit, idtr_limit;
	uint64_t debugctl, sysenter_esp, sysenter_eip, efer, pat;
	uint32_t interruptibility, activity;
	uint64_t pending_dbg, link_pointer;
	uint64_t pdpte[4];
	/* The controls the checks depend on, and the event the entry injects. */
	uint32_t pin, proc, proc2, entry_ctls;
	uint32_t entry_intr_info;
	/* The processor: VMX fixed bits, IA32_VMX_MISC, address widths. */
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1, vmx_misc;
	unsigned phys_bits, linear_bits;
};

/* A rule's verdict: it fills why with the field values involved and returns true when the state breaks it. */
#define ENTRY_WHY_MAX 112
typedef bool entry_check_fn(const struct entry_state *s, char *why);

struct entry_rule {
	const char *section;   /* the SDM section, e.g. "27.3.1.2" */
	const char *name;      /* a short name, e.g. "cs-l-db" */
	entry_check_fn *broken;
};

extern const struct entry_rule entry_rules[];
extern const unsigned entry_rule_count;

/*
 * Runs every rule over s, in table order (the SDM's), and calls found() for
 * each one s breaks, with its text. Returns how many it broke.
 */
unsigned entry_check(const struct entry_state *s,
                     void (*found)(void *ctx, const struct entry_rule *r, const char *why), void *ctx);

/* The bits of a present PAE PDPTE that must be 0 with `phys_bits` physical-address bits. */
uint64_t pdpte_reserved_bits(unsigned phys_bits);

#endif
