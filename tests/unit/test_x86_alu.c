/*
 * Host tests for vmx/x86_alu.c: every operation at every size (NOT, NEG,
 * INC and DEC among them, whose flags NOT leaves and INC/DEC's CF too), on edge
 * values and a pseudo-random stream, against the host processor running the
 * same instruction (result and status flags; AF only where it is defined).
 */
#include <stdlib.h>

#include "hw/cr.h"
#include "hw/x86_insn.h"
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
	if (op >= ALU_POPCNT) {   /* no byte form */
#define COUNTS(sfx, T) return op == ALU_POPCNT ? HOST_OP("popcnt", sfx, T, d, s, cf, fl)            \
                            : op == ALU_TZCNT ? HOST_OP("tzcnt", sfx, T, d, s, cf, fl) : HOST_OP("lzcnt", sfx, T, d, s, cf, fl)
		switch (size) {
		case 2: COUNTS("w", uint16_t);
		case 4: COUNTS("l", uint32_t);
		default: COUNTS("q", uint64_t);
		}
#undef COUNTS
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

/*
 * Whether this host runs the bit count op as such: POPCNT, TZCNT with BMI1
 * (else F3 0F BC is BSF here), LZCNT with its own bit; the others are
 * compared only where the host has them.
 */
static bool host_counts(enum x86_alu_op op)
{
	unsigned a, b, c, d, leaf = op == ALU_POPCNT ? 1 : op == ALU_TZCNT ? 7 : 0x80000001u;
	__asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(leaf & 0x80000000u), "c"(0));
	if (a < leaf)
		return false;
	__asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(leaf), "c"(0));
	return op == ALU_POPCNT ? c & (1u << 23) : op == ALU_TZCNT ? b & (1u << 3) : c & (1u << 5);
}

static void compare(enum x86_alu_op op, unsigned size, uint64_t d, uint64_t s, unsigned cf)
{
	if ((x86_alu_scan(op) || op == ALU_IMUL || op >= ALU_POPCNT) && size == 1)
		return;   /* BSF, BSR, IMUL r, r/m and the bit counts have no byte form */
	static int counts[ALU_OP_COUNT] = { [ALU_POPCNT] = -1, [ALU_TZCNT] = -1, [ALU_LZCNT] = -1 };
	if (counts[op] < 0)
		counts[op] = host_counts(op);
	if (op >= ALU_POPCNT && !counts[op])
		return;
	uint64_t hf, mf = (cf ? RFLAGS_CF : 0) | RFLAGS_FIXED | RFLAGS_IF;
	uint64_t mask = size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
	uint64_t hr = host(op, size, d, s, cf, &hf) & mask;
	uint64_t mr = x86_alu(op, size, d, s, &mf);
	bool logic = op == ALU_OR || op == ALU_AND || op == ALU_XOR || op == ALU_TEST;
	/* NOT changes no flag: the host's others are what came before it, and the model's must stay as given. */
	uint64_t fm = op == ALU_NOT ? RFLAGS_CF : x86_alu_scan(op) ? RFLAGS_ZF : op == ALU_IMUL ? RFLAGS_CF | RFLAGS_OF
	            : op == ALU_TZCNT || op == ALU_LZCNT ? RFLAGS_CF | RFLAGS_ZF : FLAGS_MASK & ~(logic ? RFLAGS_AF : 0);
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

/* SHLD and SHRD against the host's register forms: the result, CF, SF, ZF, PF; OF where defined (a count of 1). */
static void shift_double_host(bool left, unsigned size, uint64_t d, uint64_t s, unsigned c, uint64_t *r, uint64_t *f)
{
#define SHD(insn, sfx, T) do {                                                                       \
	T d_ = (T)d;                                                                                    \
	__asm__(insn sfx " %%cl, %[s], %[d]\n\tpushfq\n\tpopq %[f]"                                    \
	        : [d] "+r"(d_), [f] "=r"(*f) : [s] "r"((T)s), "c"((uint8_t)c) : "cc");                  \
	*r = (uint64_t)d_;                                                                              \
} while (0)
	switch (size) {
	case 2: if (left) SHD("shld", "w", uint16_t); else SHD("shrd", "w", uint16_t); break;
	case 4: if (left) SHD("shld", "l", uint32_t); else SHD("shrd", "l", uint32_t); break;
	default: if (left) SHD("shld", "q", uint64_t); else SHD("shrd", "q", uint64_t); break;
	}
#undef SHD
}

static void test_shift_double(void)
{
	static const uint64_t v[] = { 0, 1, 0x80, 0x8000, 0x12345678, 0x80000000, 0xdeadbeefcafef00dULL, ~0ULL };
	static const unsigned sizes[] = { 2, 4, 8 };
	unsigned bad = 0, runs = 0;
	for (unsigned left = 0; left < 2; left++)
		for (unsigned z = 0; z < 3; z++)
			for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++)
				for (unsigned j = 0; j < sizeof v / sizeof v[0]; j++)
					for (unsigned c = 1; c < 8u * sizes[z]; c++) {
						uint64_t hr, hf, mf = RFLAGS_FIXED;
						shift_double_host(left, sizes[z], v[i], v[j], c, &hr, &hf);
						uint64_t mr = x86_shift_double(left, sizes[z], v[i], v[j], c, &mf);
						uint64_t fm = RFLAGS_CF | RFLAGS_SF | RFLAGS_ZF | RFLAGS_PF | (c == 1 ? RFLAGS_OF : 0);
						runs++;
						if (mr != hr || (mf & fm) != (hf & fm)) {
							if (bad++ < 10)
								printf("%s size %u d %#lx s %#lx count %u: %#lx flags %#lx, host %#lx flags %#lx\n",
								       left ? "shld" : "shrd", sizes[z], v[i], v[j], c, mr, mf & fm, hr, hf & fm);
						}
					}
	CHECK_EQ(bad, 0);
	CHECK(runs > 10000);
	/* a count of 0, or a multiple of the mask's range, changes nothing */
	uint64_t f = RFLAGS_FIXED | RFLAGS_CF;
	CHECK_EQ(x86_shift_double(true, 4, 0x1234, ~0ULL, 32, &f), 0x1234);
	CHECK_EQ(f, RFLAGS_FIXED | RFLAGS_CF);
	/* a 16-bit count above 16 shifts dst:src:dst (P6 and later; Bochs does the same) */
	CHECK_EQ(x86_shift_double(true, 2, 0x1234, 0xabcd, 20, &f), 0xbcd1);
	CHECK_EQ(x86_shift_double(false, 2, 0x1234, 0xabcd, 20, &f), 0x4abc);
	/* 64-bit counts reach 63 */
	CHECK_EQ(x86_shift_double(true, 8, 1, 0x8000000000000000ULL, 63, &f), 0xc000000000000000ULL);
}

/* A shift or rotate by CL on the host, CF in as given: the result and the flags out. */
static void shift_host(enum x86_shift_op op, unsigned size, uint64_t d, unsigned c, bool cf, uint64_t *r, uint64_t *f)
{
#define SH1(insn, T) __asm__("bt $0, %[cf]\n\t" insn " %%cl, %[d]\n\tpushfq\n\tpopq %[f]"                     \
                             : [d] "+r"(d_), [f] "=r"(*f) : "c"((uint8_t)c), [cf] "r"((uint64_t)cf) : "cc")
#define SH(sfx, T) do {                                                                                   \
	T d_ = (T)d;                                                                                        \
	switch (op) {                                                                                       \
	case X86_ROL: SH1("rol" sfx, T); break;                                                             \
	case X86_ROR: SH1("ror" sfx, T); break;                                                             \
	case X86_RCL: SH1("rcl" sfx, T); break;                                                             \
	case X86_RCR: SH1("rcr" sfx, T); break;                                                             \
	case X86_SHR: SH1("shr" sfx, T); break;                                                             \
	case X86_SAR: SH1("sar" sfx, T); break;                                                             \
	default:      SH1("shl" sfx, T); break;                                                             \
	}                                                                                                   \
	*r = (uint64_t)d_;                                                                                  \
} while (0)
	switch (size) {
	case 1: SH("b", uint8_t); break;
	case 2: SH("w", uint16_t); break;
	case 4: SH("l", uint32_t); break;
	default: SH("q", uint64_t); break;
	}
#undef SH
#undef SH1
}

/*
 * Every shift and rotate against the host's, all sizes, counts and both
 * carries in: the result always; CF, and SF, ZF and PF of the shifts,
 * where the SDM defines them (a shift's CF up to the operand's width); OF
 * for a count of 1.
 */
static void test_shift(void)
{
	static const uint64_t v[] = { 0, 1, 0x80, 0x81, 0x8000, 0x12345678, 0x80000000, 0xdeadbeefcafef00dULL, ~0ULL };
	static const unsigned sizes[] = { 1, 2, 4, 8 };
	unsigned bad = 0, runs = 0;
	for (unsigned op = X86_ROL; op <= X86_SAR; op++)
		for (unsigned z = 0; z < 4; z++)
			for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++)
				for (unsigned c = 0; c < 64; c++)
					for (unsigned cf = 0; cf < 2; cf++) {
						unsigned bits = 8 * sizes[z], n = x86_shift_count(sizes[z], c);
						bool rotate = op <= X86_RCR;
						uint64_t hr, hf, mf = RFLAGS_FIXED | (cf ? RFLAGS_CF : 0);
						shift_host(op, sizes[z], v[i], c, cf, &hr, &hf);
						uint64_t mr = x86_shift(op, sizes[z], v[i], c, &mf);
						uint64_t fm = RFLAGS_CF | (rotate ? 0 : RFLAGS_SF | RFLAGS_ZF | RFLAGS_PF);
						if (!rotate && (op == X86_SHL || op == X86_SAL || op == X86_SHR) && n >= bits)
							fm &= ~(uint64_t)RFLAGS_CF;
						if (n == 1)
							fm |= RFLAGS_OF;
						/* No count: the flags as they were (the host's are whatever came before). */
						bool same_in = !n && mf != (RFLAGS_FIXED | (cf ? RFLAGS_CF : 0));
						if (!n)
							fm = 0;
						runs++;
						if (same_in || mr != (hr & x86_width_mask(sizes[z])) || (mf & fm) != (hf & fm)) {
							if (bad++ < 10)
								printf("op %u size %u d %#lx count %u cf %u: %#lx flags %#lx, host %#lx flags %#lx\n",
								       op, sizes[z], v[i], c, cf, mr, mf & fm, hr, hf & fm);
						}
					}
	CHECK_EQ(bad, 0);
	CHECK(runs > 30000);
	/* A count that masks to 0, or an RCL of a byte by 9, changes nothing, flags included. */
	uint64_t f = RFLAGS_FIXED | RFLAGS_CF | RFLAGS_OF;
	CHECK_EQ(x86_shift(X86_SHL, 4, 0x1234, 32, &f), 0x1234);
	CHECK_EQ(x86_shift(X86_RCL, 1, 0x5a, 9, &f), 0x5a);
	CHECK_EQ(f, RFLAGS_FIXED | RFLAGS_CF | RFLAGS_OF);
	/* A byte shifted left by more than its width: 0, and (Bochs, as Intel) CF and OF clear. */
	CHECK_EQ(x86_shift(X86_SHL, 1, 0xff, 12, &f), 0);
	CHECK_EQ(f & (RFLAGS_CF | RFLAGS_OF | RFLAGS_ZF), RFLAGS_ZF);
}

/* The host's one-operand MUL/IMUL/DIV/IDIV on rax:rdx with src; flags out. Only called where it cannot fault. */
static void muldiv_host(enum x86_muldiv_op op, unsigned size, uint64_t *a, uint64_t *d, uint64_t src, uint64_t *f)
{
#define MD(insn, T) __asm__(insn " %[s]\n\tpushfq\n\tpopq %[f]" : "+a"(*a), "+d"(*d), [f] "=r"(*f) : [s] "r"((T)src) : "cc")
#define MD_SIZES(insn) switch (size) { \
	case 1: MD(insn "b", uint8_t); break; \
	case 2: MD(insn "w", uint16_t); break; \
	case 4: MD(insn "l", uint32_t); break; \
	default: MD(insn "q", uint64_t); break; }
	switch (op) {
	case X86_MUL: MD_SIZES("mul") break;
	case X86_IMUL1: MD_SIZES("imul") break;
	case X86_DIV: MD_SIZES("div") break;
	default: MD_SIZES("idiv") break;
	}
#undef MD_SIZES
#undef MD
}

static void test_muldiv(void)
{
	uint64_t x = 0x2545f4914f6cdd1dULL;
	unsigned bad = 0, faults = 0, runs = 0;
	for (unsigned k = 0; k < 400000; k++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		enum x86_muldiv_op op = (enum x86_muldiv_op)(k % 4);
		unsigned size = 1u << (k / 4 % 4);
		/* small high halves and divisors of every size, so that divides fit often enough */
		uint64_t a = x, d = (k & 64) ? x >> (63 - (k % 7) * 9) : x * 3, src = x >> (k % 61);
		if ((k & 7) == 3)
			d = (int64_t)a < 0 ? ~0ULL : 0;   /* a dividend that is a sign-extended rax */
		uint64_t ma = a, md = d, mf = RFLAGS_FIXED, ha = a, hd = d, hf;
		bool ok = x86_muldiv(op, size, &ma, &md, src, &mf);
		runs++;
		if (!ok) {
			faults++;
			if (ma != a || md != d)
				bad++;
			continue;
		}
		muldiv_host(op, size, &ha, &hd, src, &hf);
		uint64_t fm = op <= X86_IMUL1 ? RFLAGS_CF | RFLAGS_OF : 0;
		if (ma != ha || md != hd || (mf & fm) != (hf & fm)) {
			if (bad++ < 10)
				printf("op %d size %u a %#lx d %#lx src %#lx: %#lx:%#lx, host %#lx:%#lx\n", op, size, a, d, src,
				       md, ma, hd, ha);
		}
	}
	CHECK_EQ(bad, 0);
	CHECK(faults > 1000 && faults < runs / 2);
	/* #DE: a zero divisor, a quotient too wide, the most negative dividend over -1 */
	uint64_t a = 10, d = 0, f = 0;
	CHECK(!x86_muldiv(X86_DIV, 8, &a, &d, 0, &f));
	a = 0, d = 1;
	CHECK(!x86_muldiv(X86_DIV, 8, &a, &d, 1, &f));
	a = 0, d = 0x8000000000000000ULL;
	CHECK(!x86_muldiv(X86_IDIV, 8, &a, &d, ~0ULL, &f));
	a = 0x8000, d = 0;   /* AX = -32768 as a byte divide's dividend: -32768 / -1 does not fit in AL */
	CHECK(!x86_muldiv(X86_IDIV, 1, &a, &d, 0xff, &f));
	CHECK_EQ(a, 0x8000);
	/* the test's own values: divq of 123456789012345:123456789012345 by 987654321098765 */
	a = 123456789012345ULL, d = 123456789012345ULL;
	CHECK(x86_muldiv(X86_DIV, 8, &a, &d, 987654321098765ULL, &f));
	CHECK_EQ(a, 0x1ffffffb1b963b33ULL);
	CHECK_EQ(d, 0x273ba4384ede2ULL);
}

static void test_cond(void)
{
	/* each condition against the host's SETcc, over every combination of the five flags */
	static const uint64_t flags[] = { RFLAGS_CF, RFLAGS_PF, RFLAGS_ZF, RFLAGS_SF, RFLAGS_OF };
	unsigned bad = 0;
	for (unsigned combo = 0; combo < 32; combo++) {
		uint64_t f = RFLAGS_FIXED;
		for (unsigned i = 0; i < 5; i++)
			if (combo & (1u << i))
				f |= flags[i];
		uint8_t host[16];
#define SET(cc, i) __asm__("pushq %[f]\n\tpopfq\n\tset" cc " %[r]" : [r] "=r"(host[i]) : [f] "r"(f) : "cc")
		SET("o", 0); SET("no", 1); SET("b", 2); SET("ae", 3); SET("e", 4); SET("ne", 5); SET("be", 6); SET("a", 7);
		SET("s", 8); SET("ns", 9); SET("p", 10); SET("np", 11); SET("l", 12); SET("ge", 13); SET("le", 14); SET("g", 15);
#undef SET
		for (unsigned cc = 0; cc < 16; cc++)
			if (x86_cond(cc, f) != (host[cc] != 0))
				bad++;
	}
	CHECK_EQ(bad, 0);
}

int main(void)
{
	RUN(test_edges);
	RUN(test_random);
	RUN(test_bits);
	RUN(test_shift_double);
	RUN(test_shift);
	RUN(test_muldiv);
	RUN(test_cond);
	return CHECK_EXIT();
}
