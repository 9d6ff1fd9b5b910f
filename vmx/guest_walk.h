/*
 * The guest's linear addresses, translated through its own page tables as
 * the processor would ("Paging": 32-bit, PAE and 4-level), for the
 * instructions the hypervisor carries out on a guest's behalf: the bytes of
 * an MMIO instruction, the memory operand of a string port I/O or an MMIO
 * string move, the stack of an MMIO PUSH or POP. Access rights are checked
 * (R/W with CR0.WP, U/S for CPL 3; not execute-disable or protection keys)
 * and the accessed and dirty flags set, as the processor's own walk would.
 * Pure code: the caller passes the guest's RAM as a host buffer; every
 * guest-physical access of the walk is bounds-checked against it.
 */
#ifndef VMX_GUEST_WALK_H
#define VMX_GUEST_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUEST_PAGE_SIZE 0x1000ULL

/* The guest's RAM: guest-physical [0, size) at host address base. */
struct guest_ram {
	uint8_t *base;
	uint64_t size;
};

/* How linear addresses translate. */
enum guest_paging_mode {
	GUEST_PAGING_OFF,     /* CR0.PG = 0: linear is physical */
	GUEST_PAGING_32,      /* 32-bit paging: 2 levels of 4-byte entries, 4 MiB pages with CR4.PSE */
	GUEST_PAGING_PAE,     /* PAE: PDPT of 4 entries, 2 levels of 8-byte entries */
	GUEST_PAGING_4LEVEL,  /* IA-32e 4-level paging, 1 GiB and 2 MiB pages */
	GUEST_PAGING_UNSUPPORTED,  /* 5-level paging, or anything else */
};

struct guest_paging {
	enum guest_paging_mode mode;
	uint64_t cr3;
	bool pse;            /* CR4.PSE: 4 MiB pages in 32-bit paging */
	bool wp;             /* CR0.WP: supervisor writes honour R/W */
};

/* One access: what the walk checks and which flags it sets. */
struct guest_access {
	bool write;
	bool user;           /* CPL 3 */
};

enum guest_walk_err {
	GUEST_WALK_OK,
	GUEST_WALK_NOT_PRESENT,   /* an entry along the walk is not present: #PF */
	GUEST_WALK_PROTECTION,    /* present, but R/W or U/S forbid the access: #PF */
	GUEST_WALK_OUTSIDE_RAM,   /* a table or the final address lies outside guest RAM */
	GUEST_WALK_UNSUPPORTED,   /* a paging mode Hinoki does not walk */
	GUEST_WALK_ERR_COUNT,
};

/*
 * Linear to guest-physical, checking `acc` and setting the A (and, for a
 * write, D) flags. A translation that ends outside RAM (a device, perhaps)
 * returns GUEST_WALK_OUTSIDE_RAM with *gpa the address; a walk that failed
 * before its end leaves *gpa GUEST_WALK_NO_GPA.
 */
#define GUEST_WALK_NO_GPA (~0ULL)
enum guest_walk_err guest_walk(const struct guest_ram *ram, const struct guest_paging *ps, uint64_t linear,
                               struct guest_access acc, uint64_t *gpa);
/* The error code of the #PF a failed walk (NOT_PRESENT or PROTECTION) raises. */
uint32_t guest_walk_pf_code(enum guest_walk_err e, struct guest_access acc);
/* The linear address as the mode wraps it: 32 bits outside IA-32e paging. */
uint64_t guest_linear_wrap(const struct guest_paging *ps, uint64_t linear);

/*
 * Copy n bytes between buf and guest linear memory, page by page; *done
 * says how many were copied. Stops at the first page that fails its walk and
 * returns that error (and the failing address in *fault), or GUEST_WALK_OK.
 * With buf NULL nothing is copied: the pages are only checked (and flagged)
 * for the access.
 */
enum guest_walk_err guest_copy(const struct guest_ram *ram, const struct guest_paging *ps, uint64_t linear,
                               void *buf, size_t n, struct guest_access acc, size_t *done, uint64_t *fault);
/*
 * The bytes of an instruction (at most max, the architectural 15 at most)
 * at `linear`: a pointer into guest RAM when they lie in one page, else
 * copied into buf. *got says how many could be read, *err why it stopped.
 */
const uint8_t *guest_insn_bytes(const struct guest_ram *ram, const struct guest_paging *ps, uint64_t linear,
                                struct guest_access acc, uint8_t *buf, unsigned max, unsigned *got,
                                enum guest_walk_err *err);
const char *guest_walk_err_name(enum guest_walk_err e);

#endif
