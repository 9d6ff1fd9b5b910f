/*
 * Decodes the one instruction that faulted on an MMIO page: the prefixes
 * (segment, operand size, address size with 16-bit addressing only for the
 * string forms, LOCK on a read-modify-write, REP on a string, the SSE
 * forms' mandatory prefixes, REX), the one-byte opcodes here and the 0F
 * ones in vmx/mmio_decode_0f.c. One-byte forms: MOV between a register and
 * memory (88, 89, 8A, 8B), of an immediate (C6 /0, C7 /0), with a memory
 * offset (A0-A3), MOV to and from a segment register (8C, 8E); the ALU
 * operations with a memory operand (rows 00-3F, 80/81/83, TEST 84/85 and
 * F6/F7 /0), NOT, NEG, MUL, IMUL, DIV, IDIV (F6/F7 /2-/7), INC and DEC
 * (FE/FF /0 /1), IMUL with an immediate (69, 6B), XCHG (86, 87), near CALL
 * and JMP and far JMP through memory (FF /2 /4 /5), PUSH and POP of memory
 * (FF /6, 8F /0) and, for a stack in device memory, of a register or an
 * immediate, RET, LEAVE and ENTER; the string instructions MOVS, CMPS,
 * STOS, LODS and SCAS (A4-A7, AA-AF). The memory operand's address is
 * decoded too (the EPT violation gives the guest-physical address of the
 * access, which the emulation uses unless the operand runs onto the next
 * page). Anything else is refused, and the caller stops the domain naming
 * the bytes.
 */
#include "hw/segment.h"
#include "hw/x86_insn.h"
#include "lib/string.h"
#include "vmx/mmio_decode.h"
#include "vmx/mmio_decode_priv.h"
#include "vmx/x86_alu.h"


bool dec_take(struct cursor *c, size_t n)
{
	if (c->avail - c->pos < n || c->pos + n > X86_MAX_INSN_LEN)
		return false;
	c->pos += n;
	return true;
}

/* Little-endian immediate of n bytes at the cursor, sign-extended to 64 bits. */
uint64_t dec_read_simm(const struct cursor *c, size_t at, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)c->b[at + i] << (8 * i);
	unsigned shift = 64 - 8 * n;
	return (uint64_t)((int64_t)(v << shift) >> shift);
}

static bool is_legacy_prefix(uint8_t b)
{
	switch (b) {
	case X86_PREFIX_OPSIZE: case X86_PREFIX_ADDRSIZE:
	case X86_PREFIX_ES: case X86_PREFIX_CS: case X86_PREFIX_SS:
	case X86_PREFIX_DS: case X86_PREFIX_FS: case X86_PREFIX_GS:
	case X86_PREFIX_LOCK: case X86_PREFIX_REP: case X86_PREFIX_REPNE:
		return true;
	default:
		return false;
	}
}

/*
 * ModRM, SIB and displacement of a memory operand (the ModRM at the
 * cursor), and the operand's address from them: base, index and scale,
 * displacement, RIP-relative or not, and the segment (SS for an RSP or RBP
 * base unless overridden).
 */
enum mmio_decode_err dec_skip_modrm(struct cursor *c, uint8_t *modrm)
{
	struct mmio_insn *o = c->o;
	if (!dec_take(c, 1))
		return MMIO_DECODE_TRUNCATED;
	*modrm = c->b[c->pos - 1];
	unsigned mod = X86_MODRM_MOD(*modrm), rm = X86_MODRM_RM(*modrm);
	unsigned rex_b = c->rex & X86_REX_B ? 8 : 0, rex_x = c->rex & X86_REX_X ? 8 : 0;
	if (mod == X86_MOD_REGISTER)
		return MMIO_DECODE_REG_OPERAND;
	unsigned disp = mod == X86_MOD_DISP8 ? 1 : mod == X86_MOD_DISP32 ? 4 : 0, base = rm;
	o->ea_base = o->ea_index = MMIO_NO_REG;
	if (rm == X86_RM_SIB) {
		if (!dec_take(c, 1))
			return MMIO_DECODE_TRUNCATED;
		uint8_t sib = c->b[c->pos - 1];
		base = X86_SIB_BASE(sib);
		if (X86_SIB_INDEX(sib) != X86_SIB_INDEX_NONE || rex_x) {
			o->ea_index = (uint8_t)(X86_SIB_INDEX(sib) | rex_x);
			o->ea_scale = (uint8_t)X86_SIB_SCALE(sib);
		}
		if (mod == X86_MOD_INDIRECT && base == X86_SIB_BASE_NONE)
			disp = 4, base = MMIO_NO_REG;
	} else if (mod == X86_MOD_INDIRECT && rm == X86_RM_DISP32) {
		disp = 4, base = MMIO_NO_REG;
		o->ea_rip = c->mode64;   /* disp32 alone outside 64-bit mode */
	}
	if (base != MMIO_NO_REG) {
		o->ea_base = (uint8_t)(base | rex_b);
		if (!c->seg_override && (base == GPR_RSP_NUM || base == GPR_RBP_NUM))
			o->seg = SEG_SS;
	}
	size_t at = c->pos;
	if (!dec_take(c, disp))
		return MMIO_DECODE_TRUNCATED;
	o->ea_disp = disp ? dec_read_simm(c, at, disp) : 0;
	return MMIO_DECODE_OK;
}

/* The register of an 8-bit operand: without REX, 4-7 are AH, CH, DH, BH. */
static void set_reg8(struct mmio_insn *o, unsigned reg, bool rex)
{
	if (!rex && reg >= REG_HIGH_BYTE_FIRST && reg < REG_HIGH_BYTE_FIRST + 4) {
		o->reg = (uint8_t)(reg - REG_HIGH_BYTE_FIRST);
		o->high_byte = true;
	} else {
		o->reg = (uint8_t)reg;
	}
}

/* The segment an override prefix names, or -1. */
static int prefix_seg(uint8_t b)
{
	switch (b) {
	case X86_PREFIX_ES: return SEG_ES;
	case X86_PREFIX_CS: return SEG_CS;
	case X86_PREFIX_SS: return SEG_SS;
	case X86_PREFIX_DS: return SEG_DS;
	case X86_PREFIX_FS: return SEG_FS;
	case X86_PREFIX_GS: return SEG_GS;
	default: return -1;
	}
}

/* An immediate of the operand size (imm32 sign-extended for 64-bit operands), or of one byte. */
enum mmio_decode_err dec_take_imm(struct cursor *c, struct mmio_insn *o, unsigned immsz)
{
	size_t at = c->pos;
	if (!dec_take(c, immsz))
		return MMIO_DECODE_TRUNCATED;
	o->has_imm = true;
	o->imm = dec_read_simm(c, at, immsz);
	return MMIO_DECODE_OK;
}

/* The operand register of a ModRM instruction, of `size` bytes. */
void dec_set_reg(struct mmio_insn *o, uint8_t modrm, unsigned rex_r, unsigned size, bool rex)
{
	if (size == SIZE_BYTE)
		set_reg8(o, X86_MODRM_REG(modrm) | rex_r, rex);
	else
		o->reg = (uint8_t)(X86_MODRM_REG(modrm) | rex_r);
}

/* An instruction of `kind` (and alu op) whose other operand is ModRM's register, both of the operand size. */
void dec_reg_form(struct mmio_insn *out, uint8_t kind, uint8_t alu, uint8_t modrm, unsigned opsz, unsigned rex_r,
                     bool rex)
{
	out->kind = kind;
	out->alu = alu;
	out->size = out->reg_size = (uint8_t)opsz;
	dec_set_reg(out, modrm, rex_r, opsz, rex);
}

/*
 * The stack instructions without a memory operand (PUSH and POP of a
 * register, PUSH imm, RET, LEAVE, ENTER with nesting level 0): what
 * exited was their stack access. stack_sz is the operand size on the stack.
 */
static enum mmio_decode_err stack_form(struct cursor *c, struct mmio_insn *out, uint8_t op, unsigned stack_sz,
                                       unsigned rex_b)
{
	enum mmio_decode_err e;
	out->size = (uint8_t)stack_sz;
	if ((op & ~7u) == X86_OP_PUSH_R || (op & ~7u) == X86_OP_POP_R) {
		out->kind = (op & ~7u) == X86_OP_PUSH_R ? MMIO_PUSH : MMIO_POP;
		out->write = out->kind == MMIO_PUSH;
		out->reg = (uint8_t)((op & 7u) | rex_b);
		out->reg_operand = true;
		return MMIO_DECODE_OK;
	}
	switch (op) {
	case X86_OP_PUSH_IB:
	case X86_OP_PUSH_IZ:
		out->kind = MMIO_PUSH;
		out->write = true;
		return dec_take_imm(c, out, op == X86_OP_PUSH_IB ? SIZE_BYTE : stack_sz == SIZE_WORD ? SIZE_WORD : SIZE_DWORD);
	case X86_OP_RET:
	case X86_OP_RET_IW:
		out->kind = MMIO_RET;
		if (op == X86_OP_RET_IW && (e = dec_take_imm(c, out, SIZE_WORD)))
			return e;
		out->imm &= x86_width_mask(SIZE_WORD);
		return MMIO_DECODE_OK;
	case X86_OP_LEAVE:
		out->kind = MMIO_LEAVE;
		return MMIO_DECODE_OK;
	case X86_OP_ENTER:
		if ((e = dec_take_imm(c, out, SIZE_WORD)))
			return e;
		if (!dec_take(c, 1))
			return MMIO_DECODE_TRUNCATED;
		if (c->b[c->pos - 1] != 0)
			return MMIO_DECODE_UNSUPPORTED;   /* nested frames: not emulated */
		out->kind = MMIO_ENTER;
		out->write = true;
		out->imm &= x86_width_mask(SIZE_WORD);
		return MMIO_DECODE_OK;
	default:
		return MMIO_DECODE_UNSUPPORTED;
	}
}

enum mmio_decode_err mmio_decode(const uint8_t *bytes, size_t avail, enum mmio_cpu_mode mode,
                                 struct mmio_insn *out)
{
	struct cursor c = { bytes, avail, 0, out, 0, mode == MMIO_MODE_64, false };
	bool opsize = false, addrsize = false, lock = false, rep = false, repne = false;
	uint8_t rex = 0;
	int seg = SEG_DS;

	*out = (struct mmio_insn){ .ea_base = MMIO_NO_REG, .ea_index = MMIO_NO_REG };   /* not memset: on every MMIO exit */
	for (;;) {
		if (!dec_take(&c, 1))
			return MMIO_DECODE_TRUNCATED;
		uint8_t b = bytes[c.pos - 1];
		if (mode == MMIO_MODE_64 && (b & X86_REX_MASK) == X86_REX_BASE) {
			rex = c.rex = b;   /* only counts right before the opcode: a later prefix clears it */
			continue;
		}
		if (!is_legacy_prefix(b)) {
			c.pos--;
			break;
		}
		rex = c.rex = 0;
		lock |= b == X86_PREFIX_LOCK;
		rep |= b == X86_PREFIX_REP || b == X86_PREFIX_REPNE;
		if (b == X86_PREFIX_REP || b == X86_PREFIX_REPNE)
			repne = b == X86_PREFIX_REPNE;   /* the last of the two counts */
		opsize |= b == X86_PREFIX_OPSIZE;
		addrsize |= b == X86_PREFIX_ADDRSIZE;
		if (prefix_seg(b) >= 0)
			seg = prefix_seg(b), c.seg_override = true;
	}
	out->seg = (uint8_t)seg;   /* the memory operand's, and a string source's */
	out->addr_size = (uint8_t)(mode == MMIO_MODE_64 ? (addrsize ? SIZE_DWORD : SIZE_QWORD)
	                                               : (addrsize ? SIZE_WORD : SIZE_DWORD));

	/* The SSE forms' mandatory prefix: F3 or F2 (the last of them) before 66. */
	uint8_t mandatory = rep ? (repne ? X86_PREFIX_REPNE : X86_PREFIX_REP) : opsize ? X86_PREFIX_OPSIZE : 0;
	unsigned rex_r = rex & X86_REX_R ? 8 : 0;
	unsigned opsz = rex & X86_REX_W ? SIZE_QWORD : opsize ? SIZE_WORD : SIZE_DWORD;
	unsigned immsz_v = opsz == SIZE_QWORD ? SIZE_DWORD : opsz;   /* imm32 sign-extended for 64-bit */
	/* The stack's operand size: 64 bits in 64-bit mode (REX.W changes nothing), 16 with 0x66. */
	unsigned stack_sz = opsize ? SIZE_WORD : mode == MMIO_MODE_64 ? SIZE_QWORD : SIZE_DWORD;
	uint8_t op = bytes[c.pos++];
	uint8_t modrm = 0;
	enum mmio_decode_err e;

	/* 16-bit addressing (0x67 outside 64-bit mode) has another ModRM table: not emulated. */
	bool modrm_ok = !(addrsize && mode != MMIO_MODE_64);
	bool has_modrm = op != X86_OP_TWO_BYTE && !(op >= X86_OP_MOV_AL_MOFFS && op <= X86_OP_SCASV);
	if (has_modrm && !modrm_ok)
		return MMIO_DECODE_UNSUPPORTED;
	/* LOCK only on a read-modify-write of memory, REP only on the string forms: checked at the end. */
	out->kind = MMIO_MOV;

	if (op < X86_OP_ALU_ROWS_END && X86_OP_ALU_FORM(op) <= X86_ALU_FORM_GV_EV) {
		if ((e = dec_skip_modrm(&c, &modrm)))
			return e;
		unsigned form = X86_OP_ALU_FORM(op);
		unsigned size = form == X86_ALU_FORM_EB_GB || form == X86_ALU_FORM_GB_EB ? SIZE_BYTE : opsz;
		out->kind = MMIO_ALU;
		out->alu = (uint8_t)X86_OP_ALU_ROW(op);
		out->size = out->reg_size = (uint8_t)size;
		out->to_reg = form >= X86_ALU_FORM_GB_EB;
		out->write = !out->to_reg && x86_alu_writes(out->alu);
		dec_set_reg(out, modrm, rex_r, size, rex != 0);
	} else {
		switch (op) {
		case X86_OP_MOV_RM8_R8:
		case X86_OP_MOV_R8_RM8:
		case X86_OP_MOV_RM_R:
		case X86_OP_MOV_R_RM: {
			if ((e = dec_skip_modrm(&c, &modrm)))
				return e;
			unsigned size = op == X86_OP_MOV_RM8_R8 || op == X86_OP_MOV_R8_RM8 ? SIZE_BYTE : opsz;
			out->write = op == X86_OP_MOV_RM8_R8 || op == X86_OP_MOV_RM_R;
			out->size = out->reg_size = (uint8_t)size;
			dec_set_reg(out, modrm, rex_r, size, rex != 0);
			break;
		}
		case X86_OP_MOV_RM8_IMM8:
		case X86_OP_MOV_RM_IMM: {
			if (c.pos >= avail)
				return MMIO_DECODE_TRUNCATED;
			if (X86_MODRM_REG(bytes[c.pos]) != 0)
				return MMIO_DECODE_UNSUPPORTED;   /* only /0 is MOV */
			if ((e = dec_skip_modrm(&c, &modrm)))
				return e;
			unsigned size = op == X86_OP_MOV_RM8_IMM8 ? SIZE_BYTE : opsz;
			if ((e = dec_take_imm(&c, out, size == SIZE_BYTE ? SIZE_BYTE : immsz_v)))
				return e;
			out->write = true;
			out->size = (uint8_t)size;
			break;
		}
		case X86_OP_GRP1_EB_IB:
		case X86_OP_GRP1_EV_IZ:
		case X86_OP_GRP1_EV_IB: {
			if ((e = dec_skip_modrm(&c, &modrm)))
				return e;
			unsigned size = op == X86_OP_GRP1_EB_IB ? SIZE_BYTE : opsz;
			if ((e = dec_take_imm(&c, out, op == X86_OP_GRP1_EV_IZ ? immsz_v : SIZE_BYTE)))
				return e;
			out->kind = MMIO_ALU;
			out->alu = (uint8_t)X86_MODRM_REG(modrm);
			out->size = (uint8_t)size;
			out->write = x86_alu_writes(out->alu);
			break;
		}
		case X86_OP_IMUL_GV_EV_IZ:
		case X86_OP_IMUL_GV_EV_IB:
			/* IMUL r, r/m, imm: the product of memory and the immediate into the register */
			if ((e = dec_skip_modrm(&c, &modrm)))
				return e;
			if ((e = dec_take_imm(&c, out, op == X86_OP_IMUL_GV_EV_IB ? SIZE_BYTE : immsz_v)))
				return e;
			dec_reg_form(out, MMIO_ALU, ALU_IMUL, modrm, opsz, rex_r, rex != 0);
			out->to_reg = true;
			break;
		case X86_OP_TEST_EB_GB:
		case X86_OP_TEST_EV_GV:
		case X86_OP_XCHG_EB_GB:
		case X86_OP_XCHG_EV_GV: {
			if ((e = dec_skip_modrm(&c, &modrm)))
				return e;
			bool test = op == X86_OP_TEST_EB_GB || op == X86_OP_TEST_EV_GV;
			unsigned size = op == X86_OP_TEST_EB_GB || op == X86_OP_XCHG_EB_GB ? SIZE_BYTE : opsz;
			out->kind = test ? MMIO_ALU : MMIO_XCHG;
			out->alu = ALU_TEST;
			out->write = !test;
			out->size = out->reg_size = (uint8_t)size;
			dec_set_reg(out, modrm, rex_r, size, rex != 0);
			break;
		}
		case X86_OP_GRP2_EB_IB:
		case X86_OP_GRP2_EV_IB:
		case X86_OP_GRP2_EB_1:
		case X86_OP_GRP2_EV_1:
		case X86_OP_GRP2_EB_CL:
		case X86_OP_GRP2_EV_CL: {
			if ((e = dec_skip_modrm(&c, &modrm)))
				return e;
			bool byte = op == X86_OP_GRP2_EB_IB || op == X86_OP_GRP2_EB_1 || op == X86_OP_GRP2_EB_CL;
			if ((op == X86_OP_GRP2_EB_IB || op == X86_OP_GRP2_EV_IB) && (e = dec_take_imm(&c, out, SIZE_BYTE)))
				return e;
			if (op == X86_OP_GRP2_EB_1 || op == X86_OP_GRP2_EV_1)
				out->has_imm = true, out->imm = 1;
			out->kind = MMIO_SHIFT;   /* without an immediate the count is CL */
			out->alu = (uint8_t)X86_MODRM_REG(modrm);
			out->write = true;
			out->size = (uint8_t)(byte ? SIZE_BYTE : opsz);
			break;
		}
		case X86_OP_GRP3_EB:
		case X86_OP_GRP3_EV: {
			if (c.pos >= avail)
				return MMIO_DECODE_TRUNCATED;
			unsigned sub = X86_MODRM_REG(bytes[c.pos]);
			bool test = sub == X86_GRP3_TEST || sub == X86_GRP3_TEST_ALIAS;
			if ((e = dec_skip_modrm(&c, &modrm)))
				return e;
			unsigned size = op == X86_OP_GRP3_EB ? SIZE_BYTE : opsz;
			if (sub >= X86_GRP3_MUL) {   /* MUL, IMUL, DIV, IDIV: rAX (and rDX) with memory */
				out->kind = MMIO_MULDIV;
				out->alu = (uint8_t)(sub - X86_GRP3_MUL);
				out->size = (uint8_t)size;
				break;
			}
			if (test && (e = dec_take_imm(&c, out, size == SIZE_BYTE ? SIZE_BYTE : immsz_v)))
				return e;
			out->kind = MMIO_ALU;
			out->alu = test ? ALU_TEST : sub == X86_GRP3_NOT ? ALU_NOT : ALU_NEG;
			out->write = !test;
			out->size = (uint8_t)size;
			break;
		}
		case X86_OP_GRP4:
		case X86_OP_GRP5:
		case X86_OP_POP_EV: {
			if (c.pos >= avail)
				return MMIO_DECODE_TRUNCATED;
			unsigned sub = X86_MODRM_REG(bytes[c.pos]);
			if (op != X86_OP_POP_EV && (sub == X86_GRP45_INC || sub == X86_GRP45_DEC)) {
				if ((e = dec_skip_modrm(&c, &modrm)))
					return e;
				out->kind = MMIO_ALU;
				out->alu = sub == X86_GRP45_INC ? ALU_INC : ALU_DEC;
				out->write = true;
				out->size = (uint8_t)(op == X86_OP_GRP4 ? SIZE_BYTE : opsz);
				break;
			}
			if (op == X86_OP_GRP5 && (sub == X86_GRP5_CALL || sub == X86_GRP5_JMP || sub == X86_GRP5_JMP_FAR)) {
				if ((e = dec_skip_modrm(&c, &modrm)))
					return e;
				out->kind = sub == X86_GRP5_CALL ? MMIO_CALL : sub == X86_GRP5_JMP ? MMIO_JMP : MMIO_JMP_FAR;
				/* Near: 64 bits in 64-bit mode whatever the prefixes (Intel); far: the offset's size, the selector after it. */
				unsigned near = mode == MMIO_MODE_64 ? SIZE_QWORD : opsize ? SIZE_WORD : SIZE_DWORD;
				out->size = (uint8_t)(sub != X86_GRP5_JMP_FAR ? near : opsz);
				break;
			}
			if (op == X86_OP_GRP4 || (op == X86_OP_GRP5 ? sub != X86_GRP5_PUSH : sub != 0))
				return MMIO_DECODE_UNSUPPORTED;   /* far CALL through memory */
			if ((e = dec_skip_modrm(&c, &modrm)))
				return e;
			out->kind = op == X86_OP_GRP5 ? MMIO_PUSH : MMIO_POP;
			out->write = op == X86_OP_POP_EV;
			out->size = (uint8_t)stack_sz;
			break;
		}
		case X86_OP_MOV_RM_SREG:
		case X86_OP_MOV_SREG_RM:
			if ((e = dec_skip_modrm(&c, &modrm)))
				return e;
			if (X86_MODRM_REG(modrm) >= SEG_COUNT || (op == X86_OP_MOV_SREG_RM && X86_MODRM_REG(modrm) == SEG_CS))
				return MMIO_DECODE_UNSUPPORTED;   /* #UD, raised before any access */
			out->kind = op == X86_OP_MOV_RM_SREG ? MMIO_STORE_SYS : MMIO_LOAD_SREG;
			out->reg = (uint8_t)X86_MODRM_REG(modrm);
			out->write = op == X86_OP_MOV_RM_SREG;
			out->size = SIZE_WORD;   /* always 16 bits in memory */
			break;
		case X86_OP_MOV_AL_MOFFS:
		case X86_OP_MOV_AX_MOFFS:
		case X86_OP_MOV_MOFFS_AL:
		case X86_OP_MOV_MOFFS_AX: {
			unsigned width = out->addr_size;
			size_t at = c.pos;
			if (!dec_take(&c, width))
				return MMIO_DECODE_TRUNCATED;
			out->ea_base = out->ea_index = MMIO_NO_REG;
			out->ea_disp = dec_read_simm(&c, at, width) & x86_width_mask(width);
			bool byte = op == X86_OP_MOV_AL_MOFFS || op == X86_OP_MOV_MOFFS_AL;
			out->write = op == X86_OP_MOV_MOFFS_AL || op == X86_OP_MOV_MOFFS_AX;
			out->size = out->reg_size = (uint8_t)(byte ? SIZE_BYTE : opsz);
			out->reg = GPR_RAX_NUM;
			break;
		}
		case X86_OP_MOVSB:
		case X86_OP_MOVSV:
		case X86_OP_CMPSB:
		case X86_OP_CMPSV:
		case X86_OP_STOSB:
		case X86_OP_STOSV:
		case X86_OP_LODSB:
		case X86_OP_LODSV:
		case X86_OP_SCASB:
		case X86_OP_SCASV: {
			static const uint8_t kinds[] = {
				[X86_OP_MOVSB - X86_OP_MOVSB] = MMIO_MOVS, [X86_OP_CMPSB - X86_OP_MOVSB] = MMIO_CMPS,
				[X86_OP_STOSB - X86_OP_MOVSB] = MMIO_STOS, [X86_OP_LODSB - X86_OP_MOVSB] = MMIO_LODS,
				[X86_OP_SCASB - X86_OP_MOVSB] = MMIO_SCAS,
			};
			bool byte = !(op & 1);   /* each pair: the byte form, then the word/dword/qword one */
			out->kind = kinds[(op & ~1u) - X86_OP_MOVSB];
			out->write = out->kind == MMIO_STOS;
			out->size = (uint8_t)(byte ? SIZE_BYTE : opsz);
			out->reg = GPR_RAX_NUM;
			out->rep = rep;
			out->repne = rep && repne;
			break;
		}
		case X86_OP_TWO_BYTE:
			if (!modrm_ok)
				return MMIO_DECODE_UNSUPPORTED;
			if ((e = dec_two_byte(&c, out, opsz, rex_r, rex != 0, mandatory)))
				return e;
			break;
		default:
			if ((e = stack_form(&c, out, op, stack_sz, rex & X86_REX_B ? 8 : 0)))
				return e;
			break;
		}
	}
	/*
	 * LOCK is #UD on anything but a read-modify-write of memory; REP means
	 * nothing to the rest but an SSE move or a bit count, whose form it
	 * chose (another instruction with F3 is not emulated).
	 */
	bool rmw = ((out->kind == MMIO_ALU || out->kind == MMIO_BIT) && out->write) || out->kind == MMIO_XCHG ||
	           out->kind == MMIO_XADD || out->kind == MMIO_CMPXCHG;
	bool rep_form = out->kind == MMIO_SSE || (out->kind == MMIO_ALU && out->alu >= ALU_POPCNT);
	if ((lock && !rmw) || (rep && !mmio_is_string(out->kind) && !rep_form))
		return MMIO_DECODE_UNSUPPORTED;
	out->len = (uint8_t)c.pos;
	return MMIO_DECODE_OK;
}

uint64_t mmio_store_value(const struct mmio_insn *in, uint64_t reg_val)
{
	if (in->has_imm)
		return in->imm & x86_width_mask(in->size);
	if (in->high_byte)
		return (reg_val >> 8) & x86_width_mask(SIZE_BYTE);
	return reg_val & x86_width_mask(in->size);
}

uint64_t mmio_load_result(const struct mmio_insn *in, uint64_t old, uint64_t val)
{
	val &= x86_width_mask(in->size);   /* MOVZX: the loaded bytes, zero-extended */
	if (in->sign_extend && (val >> (8 * in->size - 1)))
		val |= ~x86_width_mask(in->size);
	if (in->high_byte)
		return (old & ~0xff00ULL) | ((val & x86_width_mask(SIZE_BYTE)) << 8);
	return x86_reg_write(old, val, in->reg_size);
}

const char *mmio_decode_err_name(enum mmio_decode_err e)
{
	static const char *const names[MMIO_DECODE_ERR_COUNT] = {
		[MMIO_DECODE_OK] = "ok",
		[MMIO_DECODE_TRUNCATED] = "truncated instruction",
		[MMIO_DECODE_UNSUPPORTED] = "instruction not emulated for MMIO",
		[MMIO_DECODE_REG_OPERAND] = "register operand, no memory access",
	};
	return (unsigned)e < MMIO_DECODE_ERR_COUNT ? names[e] : "unknown";
}

uint64_t mmio_operand_offset(const struct mmio_insn *in, const uint64_t gpr[16], uint64_t rsp, uint64_t rip)
{
	uint64_t ea = in->ea_disp;
	if (in->ea_rip)
		ea += rip + in->len;
	if (in->ea_base != MMIO_NO_REG)
		ea += in->ea_base == GPR_RSP_NUM ? rsp : gpr[in->ea_base & 15];
	if (in->ea_index != MMIO_NO_REG)   /* never RSP: index 100 without REX.X means none */
		ea += gpr[in->ea_index & 15] << in->ea_scale;
	return ea & x86_width_mask(in->addr_size);
}
