/*
 * Arithmetic as the processor does it (see x86_alu.h). The carry of an
 * addition or subtraction is taken from the 128-bit result, so that 64-bit
 * operands need no special case; overflow is a sign change that the
 * operands' signs do not explain; AF is the carry out of bit 3.
 */
#include "hw/cr.h"
#include "hw/x86_insn.h"
#include "vmx/x86_alu.h"

/* Bit 4 of dst ^ src ^ result: set where a carry or borrow crossed from bit 3 into bit 4 (AF). */
#define NIBBLE_CARRY 0x10u

static bool parity_even(uint64_t r)
{
	return !__builtin_parity((unsigned)(r & 0xff));
}

/* The `bits`-bit value v as a signed number. */
static int64_t sign_extend(uint64_t v, unsigned bits)
{
	return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

uint64_t x86_alu(enum x86_alu_op op, unsigned size, uint64_t dst, uint64_t src, uint64_t *rflags)
{
	unsigned bits = 8 * size;
	uint64_t mask = x86_width_mask(size), sign = 1ULL << (bits - 1);
	unsigned carry_in = (op == ALU_ADC || op == ALU_SBB) && (*rflags & RFLAGS_CF);
	unsigned __int128 wide;
	uint64_t r, f = 0;
	bool keep_cf = op == ALU_INC || op == ALU_DEC;
	dst &= mask, src &= mask;

	/* The one-operand forms as the two-operand ones they compute: NEG is 0 - dst, INC dst + 1, DEC dst - 1. */
	switch (op) {
	case ALU_NOT:
		return ~dst & mask;
	case ALU_IMUL: {
		__int128 p = (__int128)sign_extend(dst, bits) * sign_extend(src, bits);
		r = (uint64_t)p & mask;
		bool fits = p == sign_extend(r, bits);
		*rflags = (*rflags & ~(uint64_t)(RFLAGS_CF | RFLAGS_OF)) | (fits ? 0 : RFLAGS_CF | RFLAGS_OF);
		return r;
	}
	case ALU_BSF:
	case ALU_BSR:
		*rflags = (*rflags & ~(uint64_t)RFLAGS_ZF) | (src ? 0 : RFLAGS_ZF);
		if (!src)
			return dst;
		return op == ALU_BSF ? (uint64_t)__builtin_ctzll(src) : (uint64_t)(63 - __builtin_clzll(src));
	case ALU_NEG:
		src = dst, dst = 0, op = ALU_SUB;
		break;
	case ALU_INC:
	case ALU_DEC:
		src = 1, op = op == ALU_INC ? ALU_ADD : ALU_SUB;
		break;
	default:
		break;
	}

	switch (op) {
	case ALU_ADD:
	case ALU_ADC:
		wide = (unsigned __int128)dst + src + carry_in;
		r = (uint64_t)wide & mask;
		if ((wide >> bits) & 1)
			f |= RFLAGS_CF;
		if ((dst ^ r) & (src ^ r) & sign)
			f |= RFLAGS_OF;
		if ((dst ^ src ^ r) & NIBBLE_CARRY)
			f |= RFLAGS_AF;
		break;
	case ALU_SUB:
	case ALU_SBB:
	case ALU_CMP:
		wide = (unsigned __int128)dst - src - carry_in;
		r = (uint64_t)wide & mask;
		if ((unsigned __int128)dst < (unsigned __int128)src + carry_in)
			f |= RFLAGS_CF;
		if ((dst ^ src) & (dst ^ r) & sign)
			f |= RFLAGS_OF;
		if ((dst ^ src ^ r) & NIBBLE_CARRY)
			f |= RFLAGS_AF;
		break;
	case ALU_OR:
		r = dst | src;
		break;
	case ALU_XOR:
		r = dst ^ src;
		break;
	default:   /* AND, TEST */
		r = dst & src;
		break;
	}
	if (r == 0)
		f |= RFLAGS_ZF;
	if (r & sign)
		f |= RFLAGS_SF;
	if (parity_even(r))
		f |= RFLAGS_PF;
	if (keep_cf)
		f = (f & ~(uint64_t)RFLAGS_CF) | (*rflags & RFLAGS_CF);
	*rflags = (*rflags & ~(uint64_t)RFLAGS_ARITH) | f;
	return r;
}

uint64_t x86_bit(enum x86_bit_op op, unsigned size, uint64_t dst, uint64_t bit, uint64_t *rflags)
{
	uint64_t m = 1ULL << (bit & (8 * size - 1));
	*rflags = (*rflags & ~(uint64_t)RFLAGS_CF) | ((dst & m) ? RFLAGS_CF : 0);
	switch (op) {
	case X86_BIT_SET:        return dst | m;
	case X86_BIT_RESET:      return dst & ~m;
	case X86_BIT_COMPLEMENT: return dst ^ m;
	default:                 return dst;
	}
}
