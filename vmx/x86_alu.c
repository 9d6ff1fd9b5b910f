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

/* The set bits of v (the freestanding build has no libgcc to do it). */
static uint64_t popcount(uint64_t v)
{
	v = v - (v >> 1 & 0x5555555555555555ULL);
	v = (v & 0x3333333333333333ULL) + (v >> 2 & 0x3333333333333333ULL);
	v = (v + (v >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return v * 0x0101010101010101ULL >> 56;
}

/* ZF, SF and PF of a `bits`-bit result. */
static uint64_t result_flags(uint64_t r, unsigned bits)
{
	return (r == 0 ? RFLAGS_ZF : 0) | (r >> (bits - 1) & 1 ? RFLAGS_SF : 0) | (parity_even(r) ? RFLAGS_PF : 0);
}

/* Whether the top two bits of a `bits`-bit result differ: OF of a right shift or rotate by 1. */
static unsigned top_two_differ(uint64_t r, unsigned bits)
{
	return (unsigned)((r >> (bits - 1) ^ r >> (bits - 2)) & 1);
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
	case ALU_POPCNT:
		*rflags = (*rflags & ~(uint64_t)RFLAGS_ARITH) | (src ? 0 : RFLAGS_ZF);
		return popcount(src);
	case ALU_TZCNT:
	case ALU_LZCNT:
		r = !src ? bits : op == ALU_TZCNT ? (uint64_t)__builtin_ctzll(src) : (uint64_t)__builtin_clzll(src) - (64 - bits);
		*rflags = (*rflags & ~(uint64_t)(RFLAGS_CF | RFLAGS_ZF)) | (src ? 0 : RFLAGS_CF) | (r ? 0 : RFLAGS_ZF);
		return r;
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
	f |= result_flags(r, bits);
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

uint64_t x86_shift_double(bool left, unsigned size, uint64_t dst, uint64_t src, unsigned count, uint64_t *rflags)
{
	unsigned bits = 8 * size;
	uint64_t mask = x86_width_mask(size), r, f = 0;
	unsigned cf;
	count = x86_shift_count(size, count);
	dst &= mask, src &= mask;
	if (!count)
		return dst;
	/* The two operands as one number, dst on the side the bits leave from; a 16-bit one gets dst a second time. */
	if (left) {
		unsigned __int128 t = (unsigned __int128)dst << bits | src;
		unsigned width = 2 * bits;
		if (bits == 16)
			t = t << 16 | dst, width = 48;
		r = (uint64_t)(t << count >> (width - bits)) & mask;
		cf = (unsigned)(t >> (width - count)) & 1;
		if (cf ^ (unsigned)(r >> (bits - 1)))
			f |= RFLAGS_OF;
	} else {
		unsigned __int128 t = (unsigned __int128)src << bits | dst;
		if (bits == 16)
			t |= (unsigned __int128)dst << 32;
		r = (uint64_t)(t >> count) & mask;
		cf = (unsigned)(t >> (count - 1)) & 1;
		if (top_two_differ(r, bits))
			f |= RFLAGS_OF;
	}
	if (cf)
		f |= RFLAGS_CF;
	*rflags = (*rflags & ~(uint64_t)RFLAGS_ARITH) | f | result_flags(r, bits);
	return r;
}

/* RCL or RCR by n, 0 < n <= bits, through the carry *cf: bits + 1 bits in all, turned one step at a time. */
static uint64_t rotate_carry(bool left, unsigned bits, uint64_t v, unsigned n, unsigned *cf)
{
	uint64_t top = 1ULL << (bits - 1);
	for (unsigned i = 0; i < n; i++) {
		unsigned out = left ? !!(v & top) : (unsigned)(v & 1);
		v = left ? (v << 1 | *cf) & x86_width_mask(bits / 8) : v >> 1 | (*cf ? top : 0);
		*cf = out;
	}
	return v;
}

uint64_t x86_shift(enum x86_shift_op op, unsigned size, uint64_t dst, uint64_t count, uint64_t *rflags)
{
	unsigned bits = 8 * size, n = x86_shift_count(size, count), cf = 0, of;
	uint64_t mask = x86_width_mask(size), r;
	dst &= mask;
	if (!n)
		return dst;
	switch (op) {
	case X86_ROL:
	case X86_ROR: {
		unsigned k = n % bits;
		r = !k ? dst : op == X86_ROL ? (dst << k | dst >> (bits - k)) & mask : (dst >> k | dst << (bits - k)) & mask;
		cf = op == X86_ROL ? (unsigned)(r & 1) : (unsigned)(r >> (bits - 1));
		break;
	}
	case X86_RCL:
	case X86_RCR: {
		unsigned k = bits < 32 ? n % (bits + 1) : n;   /* 32 and 64 bits: the masked count is below the width */
		if (!k)
			return dst;
		cf = !!(*rflags & RFLAGS_CF);
		r = rotate_carry(op == X86_RCL, bits, dst, k, &cf);
		break;
	}
	default: {
		/* SHL, SAL, SHR, SAR: n is below 64, so every shift here is defined in C. */
		if (op == X86_SAR) {
			int64_t s = sign_extend(dst, bits);
			r = (uint64_t)(s >> n) & mask;
			cf = (unsigned)(s >> (n - 1)) & 1;
			of = 0;
		} else if (op == X86_SHR) {
			r = dst >> n;
			cf = (unsigned)(dst >> (n - 1)) & 1;
			of = top_two_differ(r, bits);
		} else {
			r = (dst << n) & mask;
			cf = n <= bits ? (unsigned)(dst >> (bits - n)) & 1 : 0;
			of = n <= bits ? cf ^ (unsigned)(r >> (bits - 1)) : 0;
		}
		*rflags = (*rflags & ~(uint64_t)RFLAGS_ARITH) | result_flags(r, bits) | (cf ? RFLAGS_CF : 0) |
		          (of ? RFLAGS_OF : 0);
		return r;
	}
	}
	/* The rotates: CF and OF only, OF a left rotate's CF xor the result's sign, a right one's top two bits differing. */
	of = op == X86_ROL || op == X86_RCL ? cf ^ (unsigned)(r >> (bits - 1)) : top_two_differ(r, bits);
	*rflags = (*rflags & ~(uint64_t)(RFLAGS_CF | RFLAGS_OF)) | (cf ? RFLAGS_CF : 0) | (of ? RFLAGS_OF : 0);
	return r;
}

/* hi:lo / div with hi < div, so that the quotient fits: the CPU's own 128-by-64-bit DIV. */
static void div128(uint64_t hi, uint64_t lo, uint64_t div, uint64_t *q, uint64_t *r)
{
	__asm__("divq %[d]" : "=a"(*q), "=d"(*r) : "a"(lo), "d"(hi), [d] "r"(div) : "cc");
}

/*
 * IDIV of the signed dividend d:a (2 * size bytes) by the signed src, as
 * magnitudes: false where the quotient does not fit (the CPU's #DE).
 */
static bool idiv(unsigned size, uint64_t d, uint64_t a, uint64_t src, uint64_t *q, uint64_t *r)
{
	unsigned bits = 8 * size;
	uint64_t mask = x86_width_mask(size), qm, rm, nhi, nlo;
	bool neg_n = (d >> (bits - 1)) & 1, neg_s = (src >> (bits - 1)) & 1;
	uint64_t sm = (neg_s ? -src : src) & mask;
	if (size == 8) {
		nhi = d, nlo = a;
		if (neg_n)   /* the 128-bit negation */
			nlo = -a, nhi = ~d + (a == 0);
		if (nhi >= sm)
			return false;
		div128(nhi, nlo, sm, &qm, &rm);
	} else {
		uint64_t n = d << bits | a;
		if (neg_n)
			n = -n & x86_width_mask(2 * size);
		qm = n / sm, rm = n % sm;
	}
	/* A negative quotient may reach 2^(bits-1), a positive one 2^(bits-1) - 1. */
	if (qm > (mask >> 1) + (neg_n != neg_s))
		return false;
	*q = (neg_n != neg_s ? -qm : qm) & mask;
	*r = (neg_n ? -rm : rm) & mask;
	return true;
}

bool x86_muldiv(enum x86_muldiv_op op, unsigned size, uint64_t *rax, uint64_t *rdx, uint64_t src, uint64_t *rflags)
{
	unsigned bits = 8 * size;
	uint64_t mask = x86_width_mask(size), lo, hi;
	/* The accumulator's two halves: AL and AH for a byte, else rAX and rDX. */
	uint64_t a = *rax & mask, d = size == 1 ? (*rax >> 8) & mask : *rdx & mask;
	src &= mask;
	switch (op) {
	case X86_MUL:
	case X86_IMUL1: {
		unsigned __int128 p = op == X86_MUL ? (unsigned __int128)a * src
		                                    : (unsigned __int128)((__int128)sign_extend(a, bits) * sign_extend(src, bits));
		lo = (uint64_t)p & mask, hi = (uint64_t)(p >> bits) & mask;
		bool wide_result = op == X86_MUL ? hi != 0 : (__int128)p != sign_extend(lo, bits);
		*rflags = (*rflags & ~(uint64_t)(RFLAGS_CF | RFLAGS_OF)) | (wide_result ? RFLAGS_CF | RFLAGS_OF : 0);
		break;
	}
	case X86_DIV:
		if (!src || d >= src)   /* d >= src: the quotient would not fit */
			return false;
		if (size == 8) {
			div128(d, a, src, &lo, &hi);
		} else {
			uint64_t n = d << bits | a;
			lo = n / src, hi = n % src;
		}
		break;
	default:   /* IDIV */
		if (!src || !idiv(size, d, a, src, &lo, &hi))
			return false;
		break;
	}
	if (size == 1) {
		*rax = (*rax & ~0xffffULL) | hi << 8 | lo;   /* AH:AL */
	} else {
		*rax = x86_reg_write(*rax, lo, size);
		*rdx = x86_reg_write(*rdx, hi, size);
	}
	return true;
}

bool x86_cond(unsigned cc, uint64_t rflags)
{
	bool cf = rflags & RFLAGS_CF, zf = rflags & RFLAGS_ZF, sf = rflags & RFLAGS_SF;
	bool of = rflags & RFLAGS_OF, pf = rflags & RFLAGS_PF, r;
	switch ((cc >> 1) & 7) {
	case 0: r = of; break;
	case 1: r = cf; break;
	case 2: r = zf; break;
	case 3: r = cf || zf; break;
	case 4: r = sf; break;
	case 5: r = pf; break;
	case 6: r = sf != of; break;
	default: r = zf || sf != of; break;
	}
	return (cc & 1) ? !r : r;   /* odd codes are the negations */
}
