/*
 * The two-byte (0F) opcodes of the MMIO decoder (vmx/mmio_decode.c): what
 * follows 0F, with the prefixes already read. Pure code.
 */
#include "hw/segment.h"
#include "hw/x86_insn.h"
#include "vmx/mmio_decode.h"
#include "vmx/mmio_decode_priv.h"
#include "vmx/x86_alu.h"

/* The SSE moves between an XMM register and memory: opcode, mandatory prefix, bytes (0: 4, 8 with REX.W). */
static const struct sse_move {
	uint8_t op2, prefix, size;
	bool store;
} sse_moves[] = {
	{ X86_OP2_MOVUPS_LOAD, 0, 16, false },                    { X86_OP2_MOVUPS_LOAD, X86_PREFIX_OPSIZE, 16, false },
	{ X86_OP2_MOVUPS_LOAD, X86_PREFIX_REP, 4, false },        { X86_OP2_MOVUPS_LOAD, X86_PREFIX_REPNE, 8, false },
	{ X86_OP2_MOVUPS_STORE, 0, 16, true },                    { X86_OP2_MOVUPS_STORE, X86_PREFIX_OPSIZE, 16, true },
	{ X86_OP2_MOVUPS_STORE, X86_PREFIX_REP, 4, true },        { X86_OP2_MOVUPS_STORE, X86_PREFIX_REPNE, 8, true },
	{ X86_OP2_MOVAPS_LOAD, 0, 16, false },                    { X86_OP2_MOVAPS_LOAD, X86_PREFIX_OPSIZE, 16, false },
	{ X86_OP2_MOVAPS_STORE, 0, 16, true },                    { X86_OP2_MOVAPS_STORE, X86_PREFIX_OPSIZE, 16, true },
	{ X86_OP2_MOVNTPS, 0, 16, true },                         { X86_OP2_MOVNTPS, X86_PREFIX_OPSIZE, 16, true },
	{ X86_OP2_MOVD_LOAD, X86_PREFIX_OPSIZE, 0, false },       { X86_OP2_MOVD_STORE, X86_PREFIX_OPSIZE, 0, true },
	{ X86_OP2_MOVD_STORE, X86_PREFIX_REP, 8, false },         { X86_OP2_MOVQ_STORE, X86_PREFIX_OPSIZE, 8, true },
	{ X86_OP2_MOVDQA_LOAD, X86_PREFIX_OPSIZE, 16, false },    { X86_OP2_MOVDQA_LOAD, X86_PREFIX_REP, 16, false },
	{ X86_OP2_MOVDQA_STORE, X86_PREFIX_OPSIZE, 16, true },    { X86_OP2_MOVDQA_STORE, X86_PREFIX_REP, 16, true },
	{ X86_OP2_MOVNTDQ, X86_PREFIX_OPSIZE, 16, true },
};

static enum mmio_decode_err sse_move(struct cursor *c, struct mmio_insn *out, uint8_t op2, uint8_t prefix,
                                     unsigned rex_r, bool rex_w)
{
	if (!prefix && (op2 == X86_OP2_MOVQ_MM_LOAD || op2 == X86_OP2_MOVQ_MM_STORE)) {   /* MMX: MM0-MM7, no REX.R */
		uint8_t modrm;
		enum mmio_decode_err e = dec_skip_modrm(c, &modrm);
		if (e)
			return e;
		out->kind = MMIO_MMX;
		out->write = op2 == X86_OP2_MOVQ_MM_STORE;
		out->size = SIZE_QWORD;
		out->reg = (uint8_t)X86_MODRM_REG(modrm);
		return MMIO_DECODE_OK;
	}
	for (size_t i = 0; i < sizeof sse_moves / sizeof sse_moves[0]; i++) {
		const struct sse_move *m = &sse_moves[i];
		if (m->op2 != op2 || m->prefix != prefix)
			continue;
		uint8_t modrm;
		enum mmio_decode_err e = dec_skip_modrm(c, &modrm);
		if (e)
			return e;
		out->kind = MMIO_SSE;
		out->write = m->store;
		out->size = m->size ? m->size : rex_w ? SIZE_QWORD : SIZE_DWORD;
		out->reg = (uint8_t)(X86_MODRM_REG(modrm) | rex_r);
		return MMIO_DECODE_OK;
	}
	return MMIO_DECODE_UNSUPPORTED;
}

/*
 * The 0F opcodes emulated: LTR m16 (0F 00 /3), SMSW m16 (0F 01 /4), the bit
 * tests BT, BTS, BTR and BTC with a register (0F A3/AB/B3/BB) or an
 * immediate (0F BA /4-/7) bit offset, SHLD and SHRD (0F A4/A5/AC/AD), IMUL
 * r, r/m (0F AF), the bit scans BSF and BSR (0F BC/BD; with F3 TZCNT and
 * LZCNT), POPCNT (F3 0F B8), MOVZX and MOVSX
 * (0F B6/B7/BE/BF), XADD (0F C0/C1), CMPXCHG (0F B0/B1), CMOVcc (0F
 * 40-4F), SETcc (0F 90-9F), and the SSE and MMX moves of the table above.
 * c is at the second opcode byte.
 */
enum mmio_decode_err dec_two_byte(struct cursor *c, struct mmio_insn *out, unsigned opsz, unsigned rex_r, bool rex,
                                     uint8_t prefix)
{
	enum mmio_decode_err e;
	uint8_t modrm;
	if (!dec_take(c, 1))
		return MMIO_DECODE_TRUNCATED;
	uint8_t op2 = c->b[c->pos - 1];
	if (c->pos >= c->avail)
		return MMIO_DECODE_TRUNCATED;
	unsigned sub = X86_MODRM_REG(c->b[c->pos]);
	switch (op2) {
	case X86_OP2_GRP7:
		if (sub != X86_GRP7_SMSW)
			return MMIO_DECODE_UNSUPPORTED;   /* SGDT, SIDT, LGDT, LIDT, LMSW, INVLPG... */
		if ((e = dec_skip_modrm(c, &modrm)))
			return e;
		out->kind = MMIO_STORE_SYS;
		out->reg = MMIO_SYS_MSW;
		out->write = true;
		out->size = SIZE_WORD;   /* to memory always 16 bits, whatever the operand size */
		return MMIO_DECODE_OK;
	case X86_OP2_BT:
	case X86_OP2_BTS:
	case X86_OP2_BTR:
	case X86_OP2_BTC:
	case X86_OP2_GRP8:
		if (op2 == X86_OP2_GRP8 && sub < X86_GRP8_BT)
			return MMIO_DECODE_UNSUPPORTED;
		if ((e = dec_skip_modrm(c, &modrm)))
			return e;
		/* The register forms' bit offset also moved the address: the access that exited is the one to use. */
		if (op2 == X86_OP2_GRP8 && (e = dec_take_imm(c, out, SIZE_BYTE)))
			return e;
		dec_reg_form(out, MMIO_BIT, (uint8_t)(op2 == X86_OP2_GRP8 ? sub - X86_GRP8_BT : X86_OP2_BIT_OP(op2)), modrm, opsz,
		         rex_r, rex);
		out->write = out->alu != X86_BIT_TEST;
		return MMIO_DECODE_OK;
	case X86_OP2_POPCNT:
		if (prefix != X86_PREFIX_REP)
			return MMIO_DECODE_UNSUPPORTED;   /* 0F B8 alone: JMPE, #UD outside IA-64 */
		/* fall through */
	case X86_OP2_IMUL:
	case X86_OP2_BSF:
	case X86_OP2_BSR: {
		if ((e = dec_skip_modrm(c, &modrm)))
			return e;
		/* F3 makes the scans TZCNT and LZCNT (on a CPU without them, vmx/mmio_emulate.c runs BSF and BSR). */
		bool count = prefix == X86_PREFIX_REP;
		uint8_t alu = op2 == X86_OP2_IMUL ? ALU_IMUL : op2 == X86_OP2_POPCNT ? ALU_POPCNT
		            : op2 == X86_OP2_BSF ? (count ? ALU_TZCNT : ALU_BSF) : (count ? ALU_LZCNT : ALU_BSR);
		dec_reg_form(out, MMIO_ALU, alu, modrm, opsz, rex_r, rex);
		out->to_reg = true;
		return MMIO_DECODE_OK;
	}
	case X86_OP2_MOVZX_RM8:
	case X86_OP2_MOVZX_RM16:
	case X86_OP2_MOVSX_RM8:
	case X86_OP2_MOVSX_RM16:
		if ((e = dec_skip_modrm(c, &modrm)))
			return e;
		out->size = op2 == X86_OP2_MOVZX_RM8 || op2 == X86_OP2_MOVSX_RM8 ? SIZE_BYTE : SIZE_WORD;
		out->sign_extend = op2 == X86_OP2_MOVSX_RM8 || op2 == X86_OP2_MOVSX_RM16;
		out->reg_size = (uint8_t)opsz;
		out->reg = (uint8_t)(X86_MODRM_REG(modrm) | rex_r);
		return MMIO_DECODE_OK;
	case X86_OP2_XADD_EB_GB:
	case X86_OP2_XADD_EV_GV:
		if ((e = dec_skip_modrm(c, &modrm)))
			return e;
		dec_reg_form(out, MMIO_XADD, ALU_ADD, modrm, op2 == X86_OP2_XADD_EB_GB ? SIZE_BYTE : opsz, rex_r, rex);
		out->write = true;
		return MMIO_DECODE_OK;
	case X86_OP2_CMPXCHG_EB_GB:
	case X86_OP2_CMPXCHG_EV_GV:
		if ((e = dec_skip_modrm(c, &modrm)))
			return e;
		dec_reg_form(out, MMIO_CMPXCHG, ALU_CMP, modrm, op2 == X86_OP2_CMPXCHG_EB_GB ? SIZE_BYTE : opsz, rex_r, rex);
		out->write = true;   /* a failed compare writes the old value back, as the CPU does */
		return MMIO_DECODE_OK;
	case X86_OP2_SHLD_IB:
	case X86_OP2_SHLD_CL:
	case X86_OP2_SHRD_IB:
	case X86_OP2_SHRD_CL:
		if ((e = dec_skip_modrm(c, &modrm)))
			return e;
		if ((op2 == X86_OP2_SHLD_IB || op2 == X86_OP2_SHRD_IB) && (e = dec_take_imm(c, out, SIZE_BYTE)))
			return e;   /* else the count is CL */
		dec_reg_form(out, MMIO_SHIFTD, op2 == X86_OP2_SHLD_IB || op2 == X86_OP2_SHLD_CL, modrm, opsz, rex_r, rex);
		out->write = true;
		return MMIO_DECODE_OK;
	case X86_OP2_GRP6:
		if (sub != X86_GRP6_LTR)
			return MMIO_DECODE_UNSUPPORTED;   /* SLDT, STR, LLDT, VERR, VERW */
		if ((e = dec_skip_modrm(c, &modrm)))
			return e;
		out->kind = MMIO_LTR;
		out->size = SIZE_WORD;
		return MMIO_DECODE_OK;
	default:
		if ((op2 & 0xf0) == X86_OP2_SETCC) {   /* ModRM.reg is ignored */
			if ((e = dec_skip_modrm(c, &modrm)))
				return e;
			out->kind = MMIO_SETCC;
			out->alu = op2 & 0xf;
			out->write = true;
			out->size = SIZE_BYTE;
			return MMIO_DECODE_OK;
		}
		if ((op2 & 0xf0) == X86_OP2_CMOV) {
			if ((e = dec_skip_modrm(c, &modrm)))
				return e;
			dec_reg_form(out, MMIO_CMOV, op2 & 0xf, modrm, opsz, rex_r, rex);
			return MMIO_DECODE_OK;
		}
		return sse_move(c, out, op2, prefix, rex_r, opsz == SIZE_QWORD);
	}
}
