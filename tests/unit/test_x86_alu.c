/*
 * Host tests for vmx/x86_alu.c: every operation at every size (NOT, NEG,
 * INC and DEC among them, whose flags NOT leaves and INC/DEC's CF too), on edge
 * values and a pseudo-random stream, against the host processor running the
 * same instruction (result and status flags; AF only where it is defined).
 */
#include <stdlib.h>

#include "hw/cr.h"
#include "vmx/x86_alu.h"
#include "check.h"

#define FLAGS_MASK RFLAGS_ARITH

/* The host's answer: set CF from carry, run `op` at `size`, read the flags. */
#define HOST_OP(insn, sfx, T, dst, src, cf, out_flags) ({                               \
	T d_ = (T)(dst), s_ = (T)(src);                                                     \
	uint64_t f_;                                                                        \
	__asm__ volatile("bt $0, %[c]\n\t" insn sfx " %[s], %[d]\n\tpushfq\n\tpopq %[f]"  \
	                 : [d] "+r"(d_), [f] "=r"(f_) : [s] "r"(s_), [c] "r"((uint64_t)(cf)) : "cc"); \
	*(out_flags) = f_;                                                                  \
	(uint64_t)d_;                                                                       \
})

/* The same for a one-operand instruction. */
#define HOST_OP1(insn, sfx, T, dst, cf, out_flags) ({                                    \
	T d_ = (T)(dst);                                                                    \
	uint64_t f_;                                                                        \
	__asm__ volatile("bt $0, %[c]\n\t" insn sfx " %[d]\n\tpushfq\n\tpopq %[f]"          \
	                 : [d] "+r"(d_), [f] "=r"(f_) : [c] "r"((uint64_t)(cf)) : "cc");   \
	*(out_flags) = f_;                                                                  \
	(uint64_t)d_;                                                                       \
})

static uint64_t host1(enum x86_alu_op op, unsigned size, uint64_t d, unsigned cf, uint64_t *fl)
{
#define SIZES1(insn) \
	switch (size) { \
	case 1: return HOST_OP1(insn, "b", uint8_t, d, cf, fl); \
	case 2: return HOST_OP1(insn, "w", uint16_t, d, cf, fl); \
	case 4: return HOST_OP1(insn, "l", uint32_t, d, cf, fl); \
	default: return HOST_OP1(insn, "q", uint64_t, d, cf, fl); \
	}
	switch (op) {
	case ALU_NOT: SIZES1("not")
	case ALU_NEG: SIZES1("neg")
	case ALU_INC: SIZES1("inc")
	default:      { SIZES1("dec") }
	}
#undef SIZES1
}

static uint64_t host(enum x86_alu_op op, unsigned size, uint64_t d, uint64_t s, unsigned cf, uint64_t *fl)
{
	if (x86_alu_unary(op))
		return host1(op, size, d, cf, fl);
	if (op == ALU_IMUL) {   /* the two-operand form has no byte form */
		switch (size) {
		case 2: return HOST_OP("imul", "w", uint16_t, d, s, cf, fl);
		case 4: return HOST_OP("imul", "l", uint32_t, d, s, cf, fl);
		default: return HOST_OP("imul", "q", uint64_t, d, s, cf, fl);
		}
	}
	if (x86_alu_scan(op)) {   /* no byte form */
		switch (size) {
		case 2: return op == ALU_BSF ? HOST_OP("bsf", "w", uint16_t, d, s, cf, fl) : HOST_OP("bsr", "w", uint16_t, d, s, cf, fl);
		case 4: return op == ALU_BSF ? HOST_OP("bsf", "l", uint32_t, d, s, cf, fl) : HOST_OP("bsr", "l", uint32_t, d, s, cf, fl);
		default: return op == ALU_BSF ? HOST_OP("bsf", "q", uint64_t, d, s, cf, fl) : HOST_OP("bsr", "q", uint64_t, d, s, cf, fl);
		}
	}
#define SIZES(insn) \
	switch (size) { \
	case 1: return HOST_OP(insn, "b", uint8_t, d, s, cf, fl); \
	case 2: return HOST_OP(insn, "w", uint16_t, d, s, cf, fl); \
	case 4: return HOST_OP(insn, "l", uint32_t, d, s, cf, fl); \
	default: return HOST_OP(insn, "q", uint64_t, d, s, cf, fl); \
	}
	switch (op) {
	case ALU_ADD: SIZES("add")
	case ALU_OR:  SIZES("or")
	case ALU_ADC: SIZES("adc")
	case ALU_SBB: SIZES("sbb")
	case ALU_AND: SIZES("and")
	case ALU_SUB: SIZES("sub")
	case ALU_XOR: SIZES("xor")
	case ALU_CMP: { SIZES("cmp") }
	default:      { SIZES("test") }
	}
#undef SIZES
}

static unsigned mismatches;

static void compare(enum x86_alu_op op, unsigned size, uint64_t d, uint64_t s, unsigned cf)
{
	if ((x86_alu_scan(op) || op == ALU_IMUL) && size == 1)
		return;   /* BSF, BSR and IMUL r, r/m have no byte form */
	uint64_t hf, mf = (cf ? RFLAGS_CF : 0) | RFLAGS_FIXED | RFLAGS_IF;
	uint64_t mask = size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
	uint64_t hr = host(op, size, d, s, cf, &hf) & mask;
	uint64_t mr = x86_alu(op, size, d, s, &mf);
	bool logic = op == ALU_OR || op == ALU_AND || op == ALU_XOR || op == ALU_TEST;
	/* NOT changes no flag: the host's others are what came before it, and the model's must stay as given. */
	uint64_t fm = op == ALU_NOT ? RFLAGS_CF : x86_alu_scan(op) ? RFLAGS_ZF : op == ALU_IMUL ? RFLAGS_CF | RFLAGS_OF
	            : FLAGS_MASK & ~(logic ? RFLAGS_AF : 0);
	if (op == ALU_NOT)
		CHECK_EQ(mf, (cf ? RFLAGS_CF : 0) | RFLAGS_FIXED | RFLAGS_IF);
	/* CMP and TEST leave the destination: the host's copy is the operand itself. */
	if (x86_alu_writes(op) && hr != mr) {
		if (mismatches++ < 10)
			printf("op %d size %u d %#lx s %#lx cf %u: result %#lx, host %#lx\n", op, size, d, s, cf, mr, hr);
	}
	if ((hf & fm) != (mf & fm)) {
		if (mismatches++ < 10)
			printf("op %d size %u d %#lx s %#lx cf %u: flags %#lx, host %#lx\n", op, size, d, s, cf,
			       mf & fm, hf & fm);
	}
	/* flags outside the status flags are kept */
	CHECK_EQ(mf & (RFLAGS_FIXED | RFLAGS_IF), RFLAGS_FIXED | RFLAGS_IF);
}

static void test_edges(void)
{
	static const uint64_t v[] = {
		0, 1, 2, 0xf, 0x10, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000,
		0xffffffff, 0x100000000ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL,
	};
	static const unsigned sizes[] = { 1, 2, 4, 8 };
	unsigned n = sizeof v / sizeof v[0];
	for (unsigned op = 0; op < ALU_OP_COUNT; op++)
		for (unsigned z = 0; z < 4; z++)
			for (unsigned i = 0; i < n; i++)
				for (unsigned j = 0; j < n; j++)
					for (unsigned cf = 0; cf < 2; cf++)
						compare(op, sizes[z], v[i], v[j], cf);
	CHECK_EQ(mismatches, 0);
}

static void test_random(void)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	for (unsigned k = 0; k < 200000; k++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		uint64_t y = x * 0xff51afd7ed558ccdULL;
		compare(k % ALU_OP_COUNT, 1u << (k / ALU_OP_COUNT % 4), x, y, (unsigned)(y >> 63));
	}
	CHECK_EQ(mismatches, 0);
}

/* BT, BTS, BTR, BTC against the host's register forms (the offset modulo the width there too): value and CF. */
static void test_bits(void)
{
	static const uint64_t v[] = { 0, 1, 0x80, 0x8000, 0x80000000, 0x8000000000000000ULL, ~0ULL, 0x5a5a5a5a5a5a5a5aULL };
	unsigned bad = 0;
	for (unsigned op = X86_BIT_TEST; op <= X86_BIT_COMPLEMENT; op++)
		for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++)
			for (uint64_t bit = 0; bit < 70; bit += 3) {
				uint64_t d = v[i], hf, mf = RFLAGS_FIXED | RFLAGS_ZF;
				uint64_t b = bit;
				switch (op) {
				case X86_BIT_TEST: __asm__("btq %[b], %[d]\n\tpushfq\n\tpopq %[f]" : [d] "+r"(d), [f] "=r"(hf) : [b] "r"(b) : "cc"); break;
				case X86_BIT_SET: __asm__("btsq %[b], %[d]\n\tpushfq\n\tpopq %[f]" : [d] "+r"(d), [f] "=r"(hf) : [b] "r"(b) : "cc"); break;
				case X86_BIT_RESET: __asm__("btrq %[b], %[d]\n\tpushfq\n\tpopq %[f]" : [d] "+r"(d), [f] "=r"(hf) : [b] "r"(b) : "cc"); break;
				default: __asm__("btcq %[b], %[d]\n\tpushfq\n\tpopq %[f]" : [d] "+r"(d), [f] "=r"(hf) : [b] "r"(b) : "cc"); break;
				}
				uint64_t r = x86_bit((enum x86_bit_op)op, 8, v[i], bit, &mf);
				if (r != d || (mf & RFLAGS_CF) != (hf & RFLAGS_CF) || !(mf & RFLAGS_ZF))
					bad++;
			}
	CHECK_EQ(bad, 0);
	/* narrower operands: the offset modulo 8, 16 or 32 */
	uint64_t f = 0;
	CHECK_EQ(x86_bit(X86_BIT_SET, 1, 0, 9, &f), 2);
	CHECK_EQ(x86_bit(X86_BIT_COMPLEMENT, 2, 0xffff, 31, &f), 0x7fff);
	CHECK(f & RFLAGS_CF);
	CHECK_EQ(x86_bit(X86_BIT_RESET, 4, 0xffffffff, 32, &f), 0xfffffffe);
	CHECK_EQ(x86_bit(X86_BIT_TEST, 4, 0, 0, &f), 0);
	CHECK(!(f & RFLAGS_CF));
}

int main(void)
{
	RUN(test_edges);
	RUN(test_random);
	RUN(test_bits);
	return CHECK_EXIT();
}
