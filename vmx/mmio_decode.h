/*
 * Decoding the guest instruction behind an MMIO EPT violation, and fetching
 * its bytes from guest memory. An EPT violation gives the guest-physical
 * address and whether it was a read or a write, but neither the size, the
 * register nor the instruction length ("Exit Qualification for EPT
 * Violations": the VM-exit instruction-length field is undefined for it), so
 * the hypervisor reads the instruction itself (vmx/guest_walk.c fetches its
 * bytes through the guest's page tables). Pure code.
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

/* The instruction families emulated on device memory. */
enum mmio_kind {
	MMIO_MOV,    /* a load (MOV, MOVZX, MOVSX) or a store (MOV from a register or an immediate) */
	MMIO_ALU,    /* ADD/OR/ADC/SBB/AND/SUB/XOR/CMP/TEST between memory and a register or immediate; NOT/NEG/INC/DEC of memory; IMUL, BSF, BSR into a register */
	MMIO_XCHG,   /* XCHG with a register: the device's old value to the register */
	MMIO_XADD,   /* XADD: the sum to the device, its old value to the register */
	MMIO_PUSH,   /* PUSH: r/m, register reg (reg_operand) or imm onto the stack; one of them a device */
	MMIO_POP,    /* POP: the stack's top into r/m or register reg (reg_operand); one of them a device */
	MMIO_RET,    /* RET, releasing imm more bytes: the return address from a device's stack */
	MMIO_LEAVE,  /* LEAVE: RSP from RBP, then RBP popped from a device's stack */
	MMIO_ENTER,  /* ENTER imm, 0: RBP pushed onto a device's stack, imm bytes of frame */
	MMIO_BIT,    /* BT/BTS/BTR/BTC (alu: enum x86_bit_op), the bit offset a register or imm */
	MMIO_STORE_SYS, /* SMSW m16 or MOV m16, Sreg: reg is the segment register, or MMIO_SYS_MSW for CR0's low bits */
	MMIO_LOAD_SREG, /* MOV Sreg, m16: the selector from memory, segment register reg loaded from its descriptor */
	MMIO_MULDIV, /* MUL, IMUL, DIV, IDIV of rAX (and rDX) by memory (alu: enum x86_muldiv_op) */
	MMIO_CMOV,   /* CMOVcc (alu: the condition): memory into register reg if cc holds */
	MMIO_JMP,    /* JMP near through memory: RIP from memory */
	MMIO_CALL,   /* CALL near through memory: the return address pushed, RIP from memory */
	MMIO_JMP_FAR, /* JMP far through memory: offset, then a selector, CS loaded from its descriptor */
	MMIO_MMX,    /* MOVQ between MMX register reg and memory */
	MMIO_SHIFTD, /* SHLD (alu 1) or SHRD (alu 0) of memory, bits from register reg, the count imm or CL */
	MMIO_SHIFT,  /* a shift or rotate of memory (alu: enum x86_shift_op), the count imm (1 for D0/D1) or CL */
	MMIO_CMPXCHG, /* CMPXCHG: memory against rAX's low bytes; equal: register reg to memory, else memory to rAX */
	MMIO_SETCC,  /* SETcc (alu: the condition): 1 or 0 to a byte of memory */
	MMIO_LTR,    /* LTR m16: the selector from the device, the descriptor from the GDT */
	MMIO_SSE,    /* a move between XMM register reg and memory; a load clears the register's other bytes */
	MMIO_MOVS,   /* MOVS: element by element between seg:RSI and ES:RDI, one side or both a device */
	MMIO_STOS,   /* STOS: RAX's low bytes to ES:RDI */
	MMIO_LODS,   /* LODS: seg:RSI into RAX's low bytes */
	MMIO_CMPS,   /* CMPS: the flags of seg:RSI minus ES:RDI */
	MMIO_SCAS,   /* SCAS: the flags of RAX's low bytes minus ES:RDI */
};

/* The string instructions, which step RSI and RDI and take REP. */
static inline bool mmio_is_string(unsigned kind)
{
	return kind >= MMIO_MOVS;
}

#define MMIO_NO_REG 0xff
#define MMIO_SYS_MSW 6   /* MMIO_STORE_SYS: the machine status word, beside the segment registers 0-5 */

/* What a decoded MMIO instruction does. */
struct mmio_insn {
	uint8_t len;        /* bytes, prefixes included: what guest RIP advances by */
	uint8_t kind;       /* enum mmio_kind */
	bool write;         /* MOV: a store to the device, else a load; ALU: the result goes to memory */
	uint8_t size;       /* bytes accessed in the device: 1, 2, 4 or 8 (16 for an SSE move) */
	uint8_t reg;        /* the register operand, SDM numbering (enum gpr); for MMIO_SSE the XMM register */
	uint8_t reg_size;   /* width of the destination register of a load (MOVZX and MOVSX widen) */
	bool high_byte;     /* AH, CH, DH or BH: bits 15:8 of register reg */
	bool has_imm;       /* the source is imm, not a register */
	bool reg_operand;   /* PUSH, POP: the operand is register reg, not memory */
	bool sign_extend;   /* MOVSX */
	bool to_reg;        /* ALU: the register is the destination (the first operand), memory the source */
	bool rep;           /* the string forms: REP (F3 or F2; MOVS, STOS and LODS treat them alike) */
	bool repne;         /* CMPS, SCAS: the REP is F2 (REPNE), which stops on equal, not on unequal */
	uint8_t alu;        /* MMIO_ALU: enum x86_alu_op; MMIO_BIT: enum x86_bit_op */
	uint8_t seg;        /* the memory operand's segment register (MOVS, LODS, CMPS: the source's), enum seg_reg */
	uint8_t addr_size;  /* the address size in bytes (2, 4 or 8) */
	/* The memory operand's offset: base + (index << scale) + disp, plus the next instruction's RIP if ea_rip. */
	uint8_t ea_base, ea_index, ea_scale;   /* registers MMIO_NO_REG where absent */
	bool ea_rip;
	uint64_t ea_disp;   /* sign-extended; a moffs form's offset */
	uint64_t imm;       /* the immediate, sign-extended to the access size */
};

enum mmio_decode_err {
	MMIO_DECODE_OK,
	MMIO_DECODE_TRUNCATED,     /* the bytes end inside the instruction */
	MMIO_DECODE_UNSUPPORTED,   /* not one of the forms emulated */
	MMIO_DECODE_REG_OPERAND,   /* ModRM names a register: it cannot touch memory */
	MMIO_DECODE_ERR_COUNT,
};

/* Decode bytes[0..avail). 0 (MMIO_DECODE_OK) and *out filled, or the error. */
enum mmio_decode_err mmio_decode(const uint8_t *bytes, size_t avail, enum mmio_cpu_mode mode,
                                 struct mmio_insn *out);
const char *mmio_decode_err_name(enum mmio_decode_err e);

/* The value a store writes, from the source register's value (ignored for an immediate). */
uint64_t mmio_store_value(const struct mmio_insn *in, uint64_t reg_val);
/* The register's new value after a load of `val` (MOV, MOVZX, MOVSX, XCHG), given its old value. */
uint64_t mmio_load_result(const struct mmio_insn *in, uint64_t old, uint64_t val);
/* The memory operand's offset in its segment, given a register reader and the instruction's RIP. */
uint64_t mmio_operand_offset(const struct mmio_insn *in, const uint64_t gpr[16], uint64_t rsp, uint64_t rip);

#endif
