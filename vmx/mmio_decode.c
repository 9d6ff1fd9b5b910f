/*
 * Decodes the one instruction that faulted on an MMIO page, and reads its
 * bytes through the guest's page tables. Only the forms compilers emit for
 * volatile device accesses are understood: MOV between a register and memory
 * (88, 89, 8A, 8B), MOV of an immediate (C6 /0, C7 /0), MOV with a memory
 * offset (A0-A3) and MOVZX (0F B6, 0F B7), with segment, operand-size,
 * address-size (64-bit mode) and REX prefixes. The effective address is not
 * computed (the EPT violation gives the guest-physical address): ModRM, SIB
 * and displacement are only measured, to know the length. Anything else -
 * string moves, LOCK or REP, read-modify-write instructions - is refused, and
 * the caller stops the domain naming the bytes.
 */
#include "hw/x86_insn.h"
#include "lib/string.h"
#include "vmx/mmio_decode.h"

#define PAGE_SIZE_4K   0x1000ULL
#define PAGE_OFF_4K    (PAGE_SIZE_4K - 1)
#define GPR_RAX_NUM    0          /* AL/AX/EAX/RAX: the register of the moffs forms */
#define REG_HIGH_BYTE_FIRST 4     /* 8-bit registers 4-7 without REX: AH, CH, DH, BH */
#define SIZE_BYTE  1
#define SIZE_WORD  2
#define SIZE_DWORD 4
#define SIZE_QWORD 8

struct cursor {
	const uint8_t *b;
	size_t avail, pos;
};

static bool take(struct cursor *c, size_t n)
{
	if (c->avail - c->pos < n || c->pos + n > X86_MAX_INSN_LEN)
		return false;
	c->pos += n;
	return true;
}

/* Little-endian immediate of n bytes at the cursor, sign-extended to 64 bits. */
static uint64_t read_simm(const struct cursor *c, size_t at, unsigned n)
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

/* Skip ModRM, SIB and displacement of a memory operand; the ModRM is at the cursor. */
static enum mmio_decode_err skip_modrm(struct cursor *c, uint8_t *modrm)
{
	if (!take(c, 1))
		return MMIO_DECODE_TRUNCATED;
	*modrm = c->b[c->pos - 1];
	unsigned mod = X86_MODRM_MOD(*modrm), rm = X86_MODRM_RM(*modrm);
	if (mod == X86_MOD_REGISTER)
		return MMIO_DECODE_REG_OPERAND;
	unsigned disp = mod == X86_MOD_DISP8 ? 1 : mod == X86_MOD_DISP32 ? 4 : 0;
	if (rm == X86_RM_SIB) {
		if (!take(c, 1))
			return MMIO_DECODE_TRUNCATED;
		if (mod == X86_MOD_INDIRECT && X86_SIB_BASE(c->b[c->pos - 1]) == X86_SIB_BASE_NONE)
			disp = 4;
	} else if (mod == X86_MOD_INDIRECT && rm == X86_RM_DISP32) {
		disp = 4;   /* disp32, RIP-relative in 64-bit mode: the length is the same */
	}
	return take(c, disp) ? MMIO_DECODE_OK : MMIO_DECODE_TRUNCATED;
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

enum mmio_decode_err mmio_decode(const uint8_t *bytes, size_t avail, enum mmio_cpu_mode mode,
                                 struct mmio_insn *out)
{
	struct cursor c = { bytes, avail, 0 };
	bool opsize = false, addrsize = false;
	uint8_t rex = 0;

	*out = (struct mmio_insn){ 0 };   /* not memset: this runs on every MMIO exit */
	for (;;) {
		if (!take(&c, 1))
			return MMIO_DECODE_TRUNCATED;
		uint8_t b = bytes[c.pos - 1];
		if (mode == MMIO_MODE_64 && (b & X86_REX_MASK) == X86_REX_BASE) {
			rex = b;   /* only counts right before the opcode: a later prefix clears it */
			continue;
		}
		if (!is_legacy_prefix(b)) {
			c.pos--;
			break;
		}
		rex = 0;
		if (b == X86_PREFIX_LOCK || b == X86_PREFIX_REP || b == X86_PREFIX_REPNE)
			return MMIO_DECODE_UNSUPPORTED;
		if (b == X86_PREFIX_OPSIZE)
			opsize = true;
		if (b == X86_PREFIX_ADDRSIZE)
			addrsize = true;
	}

	unsigned rex_r = rex & X86_REX_R ? 8 : 0;
	unsigned opsz = rex & X86_REX_W ? SIZE_QWORD : opsize ? SIZE_WORD : SIZE_DWORD;
	uint8_t op = bytes[c.pos++];
	uint8_t modrm = 0;
	enum mmio_decode_err e;

	/* 16-bit addressing (0x67 outside 64-bit mode) has another ModRM table: not emulated. */
	bool modrm_ok = !(addrsize && mode != MMIO_MODE_64);

	switch (op) {
	case X86_OP_MOV_RM8_R8:
	case X86_OP_MOV_R8_RM8:
		if (!modrm_ok)
			return MMIO_DECODE_UNSUPPORTED;
		if ((e = skip_modrm(&c, &modrm)))
			return e;
		out->write = op == X86_OP_MOV_RM8_R8;
		out->size = out->reg_size = SIZE_BYTE;
		set_reg8(out, X86_MODRM_REG(modrm) | rex_r, rex != 0);
		break;
	case X86_OP_MOV_RM_R:
	case X86_OP_MOV_R_RM:
		if (!modrm_ok)
			return MMIO_DECODE_UNSUPPORTED;
		if ((e = skip_modrm(&c, &modrm)))
			return e;
		out->write = op == X86_OP_MOV_RM_R;
		out->size = out->reg_size = (uint8_t)opsz;
		out->reg = (uint8_t)(X86_MODRM_REG(modrm) | rex_r);
		break;
	case X86_OP_MOV_RM8_IMM8:
	case X86_OP_MOV_RM_IMM: {
		if (!modrm_ok)
			return MMIO_DECODE_UNSUPPORTED;
		if (c.pos >= avail)
			return MMIO_DECODE_TRUNCATED;
		if (X86_MODRM_REG(bytes[c.pos]) != 0)
			return MMIO_DECODE_UNSUPPORTED;   /* only /0 is MOV */
		if ((e = skip_modrm(&c, &modrm)))
			return e;
		unsigned size = op == X86_OP_MOV_RM8_IMM8 ? SIZE_BYTE : opsz;
		unsigned immsz = size == SIZE_QWORD ? SIZE_DWORD : size;   /* imm32 sign-extended */
		size_t at = c.pos;
		if (!take(&c, immsz))
			return MMIO_DECODE_TRUNCATED;
		out->write = true;
		out->size = (uint8_t)size;
		out->has_imm = true;
		out->imm = read_simm(&c, at, immsz);
		break;
	}
	case X86_OP_MOV_AL_MOFFS:
	case X86_OP_MOV_AX_MOFFS:
	case X86_OP_MOV_MOFFS_AL:
	case X86_OP_MOV_MOFFS_AX: {
		unsigned width = mode == MMIO_MODE_64 ? (addrsize ? SIZE_DWORD : SIZE_QWORD)
		                                      : (addrsize ? SIZE_WORD : SIZE_DWORD);
		if (!take(&c, width))
			return MMIO_DECODE_TRUNCATED;
		bool byte = op == X86_OP_MOV_AL_MOFFS || op == X86_OP_MOV_MOFFS_AL;
		out->write = op == X86_OP_MOV_MOFFS_AL || op == X86_OP_MOV_MOFFS_AX;
		out->size = out->reg_size = (uint8_t)(byte ? SIZE_BYTE : opsz);
		out->reg = GPR_RAX_NUM;
		break;
	}
	case X86_OP_TWO_BYTE: {
		if (!take(&c, 1))
			return MMIO_DECODE_TRUNCATED;
		uint8_t op2 = bytes[c.pos - 1];
		if (op2 != X86_OP2_MOVZX_RM8 && op2 != X86_OP2_MOVZX_RM16)
			return MMIO_DECODE_UNSUPPORTED;
		if (!modrm_ok)
			return MMIO_DECODE_UNSUPPORTED;
		if ((e = skip_modrm(&c, &modrm)))
			return e;
		out->size = op2 == X86_OP2_MOVZX_RM8 ? SIZE_BYTE : SIZE_WORD;
		out->reg_size = (uint8_t)opsz;
		out->reg = (uint8_t)(X86_MODRM_REG(modrm) | rex_r);
		break;
	}
	default:
		return MMIO_DECODE_UNSUPPORTED;
	}
	out->len = (uint8_t)c.pos;
	return MMIO_DECODE_OK;
}

static uint64_t size_mask(unsigned size)
{
	return size >= SIZE_QWORD ? ~0ULL : (1ULL << (8 * size)) - 1;
}

uint64_t mmio_store_value(const struct mmio_insn *in, uint64_t reg_val)
{
	if (in->has_imm)
		return in->imm & size_mask(in->size);
	if (in->high_byte)
		return (reg_val >> 8) & size_mask(SIZE_BYTE);
	return reg_val & size_mask(in->size);
}

uint64_t mmio_load_result(const struct mmio_insn *in, uint64_t old, uint64_t val)
{
	val &= size_mask(in->size);   /* MOVZX: the loaded bytes, zero-extended */
	switch (in->reg_size) {
	case SIZE_BYTE:
		if (in->high_byte)
			return (old & ~0xff00ULL) | (val << 8);
		return (old & ~size_mask(SIZE_BYTE)) | val;
	case SIZE_WORD:
		return (old & ~size_mask(SIZE_WORD)) | val;
	case SIZE_DWORD:
		return val;   /* a 32-bit destination zero-extends into the whole register */
	default:
		return val;
	}
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

/* ---- the guest page walk ------------------------------------------------------- */

struct walk_level {
	unsigned shift;       /* linear-address bits this level indexes start here */
	unsigned bits;        /* how many */
	bool large_ok;        /* PS may end the walk here */
};

static const struct walk_level walk_4level[] = {
	{ 39, 9, false }, { 30, 9, true }, { 21, 9, true }, { 12, 9, false },
};
static const struct walk_level walk_pae[] = {
	{ 30, 2, false }, { 21, 9, true }, { 12, 9, false },
};
static const struct walk_level walk_32[] = {
	{ 22, 10, true }, { 12, 10, false },
};

/* Little-endian, byte by byte: the compiler makes it one load, and no alignment is assumed. */
static bool read_entry(const struct mmio_guest_ram *ram, uint64_t gpa, unsigned size, uint64_t *e)
{
	if (gpa >= ram->size || size > ram->size - gpa)
		return false;
	const uint8_t *p = ram->base + gpa;
	uint64_t v = (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24;
	if (size == 8)
		v |= (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
	*e = v;
	return true;
}

enum mmio_walk_err mmio_translate(const struct mmio_guest_ram *ram, const struct mmio_paging_state *ps,
                                  uint64_t linear, uint64_t *gpa)
{
	const struct walk_level *lv;
	unsigned n, esize = 8;
	uint64_t table, addr_mask = X86_PTE_ADDR_MASK;

	switch (ps->mode) {
	case MMIO_PAGING_OFF:
		*gpa = linear;
		return MMIO_WALK_OK;
	case MMIO_PAGING_4LEVEL:
		lv = walk_4level, n = 4, table = ps->cr3 & X86_PTE_ADDR_MASK;
		break;
	case MMIO_PAGING_PAE:
		lv = walk_pae, n = 3, table = ps->cr3 & X86_CR3_PAE_MASK;
		linear = (uint32_t)linear;
		break;
	case MMIO_PAGING_32:
		lv = walk_32, n = 2, table = ps->cr3 & X86_CR3_32_MASK, esize = 4;
		addr_mask = X86_CR3_32_MASK;
		linear = (uint32_t)linear;
		break;
	default:
		return MMIO_WALK_UNSUPPORTED;
	}
	for (unsigned i = 0; i < n; i++) {
		uint64_t idx = (linear >> lv[i].shift) & ((1ULL << lv[i].bits) - 1), e;
		if (!read_entry(ram, table + idx * esize, esize, &e))
			return MMIO_WALK_OUTSIDE_RAM;
		if (!(e & X86_PTE_P))
			return MMIO_WALK_NOT_PRESENT;
		/* 32-bit paging takes a 4 MiB page only with CR4.PSE (its PSE-36 high bits are not used). */
		bool large = lv[i].large_ok && (e & X86_PTE_PS) && (ps->mode != MMIO_PAGING_32 || ps->pse);
		if (large || i == n - 1) {
			uint64_t off = (1ULL << lv[i].shift) - 1;
			*gpa = (e & addr_mask & ~off) | (linear & off);
			return *gpa < ram->size ? MMIO_WALK_OK : MMIO_WALK_OUTSIDE_RAM;
		}
		table = e & addr_mask;
	}
	return MMIO_WALK_NOT_PRESENT;   /* not reached: the last level always ends the walk */
}

enum mmio_walk_err mmio_fetch(const struct mmio_guest_ram *ram, const struct mmio_paging_state *ps,
                              uint64_t linear, uint8_t *buf, unsigned max, unsigned *got)
{
	bool wide = ps->mode == MMIO_PAGING_4LEVEL;
	*got = 0;
	while (*got < max) {
		uint64_t la = linear + *got, gpa;
		if (!wide && ps->mode != MMIO_PAGING_OFF)
			la = (uint32_t)la;
		enum mmio_walk_err e = mmio_translate(ram, ps, la, &gpa);
		if (e)
			return e;
		uint64_t n = PAGE_SIZE_4K - (la & PAGE_OFF_4K);
		if (n > max - *got)
			n = max - *got;
		if (gpa >= ram->size)
			return MMIO_WALK_OUTSIDE_RAM;
		if (n > ram->size - gpa)
			n = ram->size - gpa;
		memcpy(buf + *got, ram->base + gpa, n);
		*got += (unsigned)n;
	}
	return MMIO_WALK_OK;
}

const uint8_t *mmio_insn_bytes(const struct mmio_guest_ram *ram, const struct mmio_paging_state *ps,
                               uint64_t linear, uint8_t *buf, unsigned *got, enum mmio_walk_err *err)
{
	uint64_t gpa;
	*got = 0;
	*err = mmio_translate(ram, ps, linear, &gpa);
	if (*err)
		return buf;
	/* The common case: the longest instruction fits in the page, read it where it lies. */
	if ((linear & PAGE_OFF_4K) <= PAGE_SIZE_4K - X86_MAX_INSN_LEN && ram->size - gpa >= X86_MAX_INSN_LEN) {
		*got = X86_MAX_INSN_LEN;
		return ram->base + gpa;
	}
	*err = mmio_fetch(ram, ps, linear, buf, X86_MAX_INSN_LEN, got);
	return buf;
}

const char *mmio_walk_err_name(enum mmio_walk_err e)
{
	static const char *const names[MMIO_WALK_ERR_COUNT] = {
		[MMIO_WALK_OK] = "ok",
		[MMIO_WALK_NOT_PRESENT] = "not present in the guest's page tables",
		[MMIO_WALK_OUTSIDE_RAM] = "guest page tables point outside its RAM",
		[MMIO_WALK_UNSUPPORTED] = "guest paging mode not supported",
	};
	return (unsigned)e < MMIO_WALK_ERR_COUNT ? names[e] : "unknown";
}
