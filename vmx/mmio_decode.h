/*
 * Decoding the guest instruction behind an MMIO EPT violation, and fetching
 * its bytes from guest memory. An EPT violation gives the guest-physical
 * address and whether it was a read or a write, but neither the size, the
 * register nor the instruction length ("Exit Qualification for EPT
 * Violations": the VM-exit instruction-length field is undefined for it), so
 * the hypervisor reads the instruction itself. Pure code: the caller passes
 * the guest's RAM as a host buffer and its paging state; every
 * guest-physical access of the walk is bounds-checked against that buffer.
 */
#ifndef VMX_MMIO_DECODE_H
#define VMX_MMIO_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Code-segment mode the instruction runs in (CS.L and CS.D). */
enum mmio_cpu_mode {
	MMIO_MODE_64,   /* IA-32e 64-bit mode: REX valid, 64-bit addresses */
	MMIO_MODE_32,   /* 32-bit protected mode (CS.D = 1) */
};

/* What a decoded MMIO instruction does. */
struct mmio_insn {
	uint8_t len;        /* bytes, prefixes included: what guest RIP advances by */
	bool write;         /* a store to the device, else a load from it */
	uint8_t size;       /* bytes accessed in the device: 1, 2, 4 or 8 */
	uint8_t reg;        /* the register loaded or stored, SDM numbering (enum gpr) */
	uint8_t reg_size;   /* width of the destination register of a load (MOVZX widens) */
	bool high_byte;     /* AH, CH, DH or BH: bits 15:8 of register reg */
	bool has_imm;       /* a store of imm, not of a register */
	uint64_t imm;       /* the immediate, sign-extended to the access size */
};

enum mmio_decode_err {
	MMIO_DECODE_OK,
	MMIO_DECODE_TRUNCATED,     /* the bytes end inside the instruction */
	MMIO_DECODE_UNSUPPORTED,   /* not one of the MOV forms emulated */
	MMIO_DECODE_REG_OPERAND,   /* ModRM names a register: it cannot touch memory */
	MMIO_DECODE_ERR_COUNT,
};

/* Decode bytes[0..avail). 0 (MMIO_DECODE_OK) and *out filled, or the error. */
enum mmio_decode_err mmio_decode(const uint8_t *bytes, size_t avail, enum mmio_cpu_mode mode,
                                 struct mmio_insn *out);
const char *mmio_decode_err_name(enum mmio_decode_err e);

/* The value a store writes, from the source register's value (ignored for an immediate). */
uint64_t mmio_store_value(const struct mmio_insn *in, uint64_t reg_val);
/* The destination register's new value after a load of `val`, given its old value. */
uint64_t mmio_load_result(const struct mmio_insn *in, uint64_t old, uint64_t val);

/* ---- fetching the instruction ------------------------------------------------ */

/* The guest's RAM: guest-physical [0, size) at host address base. */
struct mmio_guest_ram {
	const uint8_t *base;
	uint64_t size;
};

/* How linear addresses translate ("Paging": the three modes Hinoki walks). */
enum mmio_paging {
	MMIO_PAGING_OFF,     /* CR0.PG = 0: linear is physical */
	MMIO_PAGING_32,      /* 32-bit paging: 2 levels of 4-byte entries, 4 MiB pages with CR4.PSE */
	MMIO_PAGING_PAE,     /* PAE: PDPT of 4 entries, 2 levels of 8-byte entries */
	MMIO_PAGING_4LEVEL,  /* IA-32e 4-level paging, 1 GiB and 2 MiB pages */
	MMIO_PAGING_UNSUPPORTED,  /* 5-level paging, or anything else */
};

struct mmio_paging_state {
	enum mmio_paging mode;
	uint64_t cr3;
	bool pse;            /* CR4.PSE: 4 MiB pages in 32-bit paging */
};

enum mmio_walk_err {
	MMIO_WALK_OK,
	MMIO_WALK_NOT_PRESENT,   /* an entry along the walk is not present */
	MMIO_WALK_OUTSIDE_RAM,   /* a table or the final address lies outside guest RAM */
	MMIO_WALK_UNSUPPORTED,   /* a paging mode Hinoki does not walk */
	MMIO_WALK_ERR_COUNT,
};

/* Linear to guest-physical through the guest's own tables. */
enum mmio_walk_err mmio_translate(const struct mmio_guest_ram *ram, const struct mmio_paging_state *ps,
                                  uint64_t linear, uint64_t *gpa);
/*
 * Up to `max` instruction bytes at `linear`, page by page; *got says how many
 * were read. Stops at the first page that does not translate into RAM (the
 * decoder then reports a truncated instruction if it needed more); returns
 * that page's error, or MMIO_WALK_OK when all `max` were read.
 */
enum mmio_walk_err mmio_fetch(const struct mmio_guest_ram *ram, const struct mmio_paging_state *ps,
                              uint64_t linear, uint8_t *buf, unsigned max, unsigned *got);
/*
 * The instruction's bytes (X86_MAX_INSN_LEN at most): a pointer into guest
 * RAM when they lie in one page, else copied into buf (X86_MAX_INSN_LEN
 * bytes) by mmio_fetch. *got and *err as for mmio_fetch.
 */
const uint8_t *mmio_insn_bytes(const struct mmio_guest_ram *ram, const struct mmio_paging_state *ps,
                               uint64_t linear, uint8_t *buf, unsigned *got, enum mmio_walk_err *err);
const char *mmio_walk_err_name(enum mmio_walk_err e);

#endif
