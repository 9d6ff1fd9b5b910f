/*
 * The two-operand arithmetic and logic instructions (ADD, OR, ADC, SBB,
 * AND, SUB, XOR, CMP, TEST, IMUL), the one-operand ones (NOT, NEG, INC,
 * DEC), the bit scans, the bit tests and the double shifts as the processor
 * computes them: the result and the status
 * flags, for operands of 1, 2, 4 or 8 bytes. What an MMIO read-modify-write
 * instruction needs once the device's value is read. Pure code.
 */
#ifndef VMX_X86_ALU_H
#define VMX_X86_ALU_H

#include <stdbool.h>
#include <stdint.h>

/*
 * In the order of the ModRM reg field of opcodes 80-83 and of the rows of
 * opcodes 00-3F; then TEST, and the one-operand operations of groups 3
 * (F6/F7 /2 /3) and 4/5 (FE/FF /0 /1); then the bit scans, IMUL and the
 * bit counts (F3 0F B8/BC/BD).
 */
enum x86_alu_op {
	ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP, ALU_TEST,
	ALU_NOT, ALU_NEG, ALU_INC, ALU_DEC, ALU_BSF, ALU_BSR, ALU_IMUL, ALU_POPCNT, ALU_TZCNT, ALU_LZCNT,
	ALU_OP_COUNT,
};

/* NOT, NEG, INC and DEC have the one operand: src is not used. */
static inline bool x86_alu_unary(enum x86_alu_op op)
{
	return op >= ALU_NOT && op <= ALU_DEC;
}

/* BSF and BSR: the index of src's lowest or highest set bit into dst. */
static inline bool x86_alu_scan(enum x86_alu_op op)
{
	return op == ALU_BSF || op == ALU_BSR;
}

/* CMP and TEST only set flags. */
static inline bool x86_alu_writes(enum x86_alu_op op)
{
	return op != ALU_CMP && op != ALU_TEST;
}

/*
 * dst OP src (OP dst for the one-operand ones) on `size`-byte operands;
 * *rflags in: the carry ADC and SBB add in; out: its status flags replaced
 * by the instruction's (AF, which the logic instructions leave undefined,
 * cleared), but NOT changes none and INC and DEC keep CF. BSF and BSR set
 * ZF when src is 0, and then return dst (the CPU leaves the register as
 * it was), and keep the other flags, which the SDM leaves undefined. IMUL
 * (the two- and three-operand forms: the product's low half) sets CF and OF
 * when the product does not fit, and keeps SF, ZF, AF and PF, undefined
 * too. POPCNT clears the status flags but ZF, set for a src of 0; TZCNT
 * and LZCNT give the operand's width for a src of 0, set CF then and ZF
 * for a result of 0, and keep the rest (undefined). Returns the result.
 */
uint64_t x86_alu(enum x86_alu_op op, unsigned size, uint64_t dst, uint64_t src, uint64_t *rflags);

/* The bit tests, in the order of 0F BA's ModRM reg field from /4. */
enum x86_bit_op { X86_BIT_TEST, X86_BIT_SET, X86_BIT_RESET, X86_BIT_COMPLEMENT };

/*
 * BT, BTS, BTR, BTC on a `size`-byte operand: CF gets bit `bit` of dst,
 * the offset taken modulo the width (a memory operand's higher offset bits
 * chose the address, which the caller already has). ZF is kept, as are OF,
 * SF, AF and PF, which the SDM leaves undefined. Returns the new value
 * (dst itself for BT).
 */
uint64_t x86_bit(enum x86_bit_op op, unsigned size, uint64_t dst, uint64_t bit, uint64_t *rflags);

/* A shift count as the CPU masks it: to 6 bits for 64-bit operands, else 5. */
static inline unsigned x86_shift_count(unsigned size, uint64_t count)
{
	return (unsigned)count & (size == 8 ? 63 : 31);
}

/*
 * SHLD (left) and SHRD on a `size`-byte dst, the bits shifted in taken
 * from src, `count` masked as the CPU masks it (x86_shift_count). A count of 0 changes nothing, flags included. CF is
 * the last bit shifted out; SF, ZF and PF follow the result; OF is its
 * sign change for a count of 1 and, for larger counts, which the SDM
 * leaves undefined, what Intel processors set (SHLD: CF xor the result's
 * sign, SHRD: its top two bits differ); AF is cleared. A 16-bit count above
 * 16 (undefined too) shifts dst:src:dst, as P6 and later do. Returns the
 * result.
 */
uint64_t x86_shift_double(bool left, unsigned size, uint64_t dst, uint64_t src, unsigned count, uint64_t *rflags);

/* The shifts and rotates, in the order of group 2's ModRM reg field (C0, C1, D0-D3); /6 is SAL, SHL again. */
enum x86_shift_op { X86_ROL, X86_ROR, X86_RCL, X86_RCR, X86_SHL, X86_SHR, X86_SAL, X86_SAR };

/*
 * A shift or rotate of a `size`-byte dst by `count`, masked as the CPU
 * masks it (x86_shift_count); RCL and RCR rotate through CF, by the count
 * modulo 9 or 17 for bytes and words. A count of 0 (after that) changes
 * nothing, flags included. The shifts set CF to the last bit shifted out,
 * SF, ZF and PF from the result, clear AF and set OF as for a count of 1
 * (SHL: CF xor the result's sign; SHR: the operand's sign; SAR: 0); the
 * rotates change CF and OF only (ROL: CF the result's low bit, OF CF xor
 * its sign; ROR: CF its sign, OF its top two bits differing; RCL and RCR
 * likewise with the carry). For larger counts OF, and a shift's CF past
 * the operand's width, are undefined in the SDM; these are the values the
 * same formulas give, as Intel processors set them. Returns the result.
 */
uint64_t x86_shift(enum x86_shift_op op, unsigned size, uint64_t dst, uint64_t count, uint64_t *rflags);

/* The one-operand multiplies and divides, in the order of F6/F7's ModRM reg field from /4. */
enum x86_muldiv_op { X86_MUL, X86_IMUL1, X86_DIV, X86_IDIV };

/*
 * MUL, IMUL, DIV, IDIV of the accumulator by a `size`-byte src: AX, DX:AX,
 * EDX:EAX or RDX:RAX as the CPU uses and writes them (a byte multiply or
 * divide uses AX alone and leaves RDX; a 32-bit result zero-extends).
 * False, and nothing changed, where the CPU raises #DE: a zero divisor or
 * a quotient that does not fit. MUL and IMUL set CF and OF when the upper
 * half is needed and keep the flags the SDM leaves undefined; DIV and IDIV
 * keep all of them (undefined too).
 */
bool x86_muldiv(enum x86_muldiv_op op, unsigned size, uint64_t *rax, uint64_t *rdx, uint64_t src, uint64_t *rflags);

/* Condition code cc (the low nibble of Jcc, SETcc, CMOVcc: O, NO, B, AE, E, NE, BE, A, S, NS, P, NP, L, GE, LE, G) in rflags. */
bool x86_cond(unsigned cc, uint64_t rflags);

#endif
