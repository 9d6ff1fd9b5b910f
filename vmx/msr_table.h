/*
 * Every MSR a guest may read or write with an exit, in one table
 * (vmx/msr_table.c, docs/platform.md "MSRs"): where its value comes from,
 * what a write does, what a write must satisfy, and which VMX capability
 * it needs. An MSR not in the table raises #GP, as an absent MSR does.
 * The SYSCALL/SWAPGS MSRs never exit and are not here (vmx/guest_msrs.h).
 * Pure code; unit-tested on the host. vmx/exit_msr.c does the storing.
 */
#ifndef VMX_MSR_TABLE_H
#define VMX_MSR_TABLE_H

#include <stdbool.h>
#include <stdint.h>
#include "hw/msr.h"

/* Where a read's value comes from and a kept write goes. */
enum msr_store {
	MSR_STORE_CONST,         /* rule->value; nothing is kept */
	MSR_STORE_TSC,           /* host TSC + the vCPU's TSC offset */
	MSR_STORE_TSC_ADJUST,    /* the vCPU's, moved with its TSC offset */
	MSR_STORE_APIC_BASE,     /* the vCPU's virtual local APIC */
	MSR_STORE_TSC_DEADLINE,  /* its timer's deadline, in the guest's TSC */
	MSR_STORE_EFER,          /* VMCS guest-state fields from here on */
	MSR_STORE_FS_BASE,
	MSR_STORE_GS_BASE,
	MSR_STORE_SYSENTER_CS,
	MSR_STORE_SYSENTER_ESP,
	MSR_STORE_SYSENTER_EIP,
	MSR_STORE_PAT,
	MSR_STORE_MISC_ENABLE,   /* the vCPU's IA32_MISC_ENABLE */
	MSR_STORE_DEBUGCTL,      /* the VMCS's guest IA32_DEBUGCTL */
};

/* What a write does once its checks pass. */
enum msr_write {
	MSR_WRITE_NONE,          /* an empty slot of the table: no such MSR */
	MSR_WRITE_GP,            /* none is accepted: read-only (or locked) */
	MSR_WRITE_IGNORE,        /* accepted, nothing changes */
	MSR_WRITE_SAME,          /* only the value it reads is accepted, and changes nothing */
	MSR_WRITE_KEEP,          /* stored per vCPU */
};

/* What a kept write must satisfy, else #GP as on hardware. */
enum msr_check {
	MSR_CHECK_NONE,
	MSR_CHECK_CANONICAL,     /* a linear address: canonical for the CPU's address width */
	MSR_CHECK_EFER,          /* only SCE, LME, NXE (and LMA, which it cannot change); LME fixed while paging */
	MSR_CHECK_PAT,           /* eight memory types, each UC, WC, WT, WP, WB or UC- */
	MSR_CHECK_MISC_ENABLE,   /* no reserved bit set, the read-only ones as they read */
	MSR_CHECK_DEBUGCTL,      /* BTF, and LBR, which is dropped; any other bit #GP */
};

/* What IA32_MISC_ENABLE reads at power-up: fast strings on, no branch trace or PEBS store, XD not disabled. */
#define MSR_MISC_ENABLE_RESET (MISC_ENABLE_FAST_STRINGS | MISC_ENABLE_BTS_UNAVAILABLE | MISC_ENABLE_PEBS_UNAVAILABLE)

/* The IA32_DEBUGCTL bits a guest keeps; a write may also set LBR, which is dropped (no last-branch MSRs). */
#define DEBUGCTL_GUEST_WRITABLE DEBUGCTL_BTF
/* The EFER bits a guest sets; LMA is the CPU's to set (on CR0.PG with LME). */
#define EFER_GUEST_WRITABLE (EFER_SCE | EFER_LME | EFER_NXE)

/* VMX capabilities some MSRs depend on (the CPU's answers, asked once per exit). */
#define MSR_CAP_PAT_LOAD        0x1u   /* "load IA32_PAT" at entries and exits: the VMCS holds the guest's PAT */
#define MSR_CAP_TSC_OFFSETTING  0x2u   /* the guest's TSC can be moved */
#define MSR_CAP_LA57            0x4u   /* 57-bit linear addresses */
#define MSR_CAP_NX              0x8u   /* the vCPU has NX: its IA32_MISC_ENABLE does not disable XD */
#define MSR_CAP_PAGING          0x10u  /* the vCPU's CR0.PG is set: EFER.LME cannot change */

struct msr_rule {
	uint32_t msr;
	uint8_t store;           /* enum msr_store */
	uint8_t write;           /* enum msr_write */
	uint8_t check;           /* enum msr_check */
	uint8_t needs;           /* MSR_CAP_*: without them the MSR does not exist (#GP) */
	uint8_t write_needs;     /* MSR_CAP_*: without them it is read-only */
	uint64_t value;          /* MSR_STORE_CONST */
};

/*
 * The table is indexed by a hash of the MSR number with linear probing, so
 * that a lookup on the exit path is one probe for most rows: a row sits at
 * its MSR's slot or, when that is taken, at a later one with no empty slot
 * between (vmx/msr_table.c places it with its step). Two MSRs on one slot
 * would be two initializers of one element, which -Woverride-init (in
 * -Wextra) refuses to compile, and a row out of reach of its probe fails
 * the unit test. At least one slot stays empty, so that a probe ends.
 */
#define MSR_TABLE_SLOTS 64u
#define MSR_SLOT(m) ((((m) ^ ((m) >> 5)) & (MSR_TABLE_SLOTS - 1)))
extern const struct msr_rule msr_table[MSR_TABLE_SLOTS];

/* The rule for msr on a CPU with capabilities caps, or NULL: #GP. */
static inline const struct msr_rule *msr_rule_find(uint32_t msr, unsigned caps)
{
	const struct msr_rule *r;
	for (unsigned i = MSR_SLOT(msr);; i = (i + 1) & (MSR_TABLE_SLOTS - 1)) {
		r = &msr_table[i];
		if (r->write == MSR_WRITE_NONE)
			return 0;
		if (r->msr == msr)
			break;
	}
	return r->needs & ~caps ? 0 : r;
}

/* Whether a write's check compares with what the MSR reads now. */
static inline bool msr_write_needs_cur(const struct msr_rule *r)
{
	return r->write == MSR_WRITE_SAME || r->check == MSR_CHECK_MISC_ENABLE || r->check == MSR_CHECK_EFER;
}

/* Whether msr_write_ok needs MSR_CAP_PAGING (the vCPU's CR0.PG, a VMREAD the other writes need not make). */
static inline bool msr_write_needs_paging(const struct msr_rule *r)
{
	return r->check == MSR_CHECK_EFER;
}

/* Whether writing val is accepted (else #GP); `cur` is what the MSR reads now (when msr_write_needs_cur). */
bool msr_write_ok(const struct msr_rule *r, uint64_t val, uint64_t cur, unsigned caps);

/* The checks msr_write_ok makes that VM entry makes too (vmx/entry_check.c). */
#define LINEAR_BITS_4LEVEL 48
#define LINEAR_BITS_5LEVEL 57
/* Address a is canonical for `bits` linear-address bits: bits 63:bits-1 all equal. */
bool addr_canonical(uint64_t a, unsigned bits);
/* Each of the eight bytes a memory type IA32_PAT takes. */
bool msr_pat_valid(uint64_t pat);

#endif
