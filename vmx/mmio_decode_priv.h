/*
 * What the MMIO decoder's two files share (vmx/mmio_decode.c,
 * vmx/mmio_decode_0f.c): the cursor over the instruction's bytes and the
 * helpers that read operands from it. Pure code.
 */
#ifndef VMX_MMIO_DECODE_PRIV_H
#define VMX_MMIO_DECODE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vmx/mmio_decode.h"

#define PAGE_SIZE_4K   0x1000ULL
#define PAGE_OFF_4K    (PAGE_SIZE_4K - 1)
#define GPR_RAX_NUM    0          /* AL/AX/EAX/RAX: the register of the moffs forms */
#define GPR_RSP_NUM    4          /* a base of RSP or RBP means SS */
#define GPR_RBP_NUM    5
#define REG_HIGH_BYTE_FIRST 4     /* 8-bit registers 4-7 without REX: AH, CH, DH, BH */
#define SIZE_BYTE  1
#define SIZE_WORD  2
#define SIZE_DWORD 4
#define SIZE_QWORD 8

struct cursor {
	const uint8_t *b;
	size_t avail, pos;
	struct mmio_insn *o;   /* the memory operand's address goes here */
	uint8_t rex;
	bool mode64, seg_override;
};

/* Advance past n bytes: false when they are not all there (or pass the 15-byte limit). */
bool dec_take(struct cursor *c, size_t n);
/* Little-endian immediate of n bytes at `at`, sign-extended to 64 bits. */
uint64_t dec_read_simm(const struct cursor *c, size_t at, unsigned n);
/* ModRM, SIB and displacement of a memory operand (the ModRM at the cursor), its address into c->o. */
enum mmio_decode_err dec_skip_modrm(struct cursor *c, uint8_t *modrm);
/* An immediate of immsz bytes into o->imm, sign-extended. */
enum mmio_decode_err dec_take_imm(struct cursor *c, struct mmio_insn *o, unsigned immsz);
/* The operand register of a ModRM instruction, of `size` bytes (AH-BH for bytes without REX). */
void dec_set_reg(struct mmio_insn *o, uint8_t modrm, unsigned rex_r, unsigned size, bool rex);
/* An instruction of `kind` (and alu op) whose other operand is ModRM's register, both of the operand size. */
void dec_reg_form(struct mmio_insn *out, uint8_t kind, uint8_t alu, uint8_t modrm, unsigned opsz, unsigned rex_r,
                  bool rex);
/* The 0F opcodes (vmx/mmio_decode_0f.c); the cursor at the byte after 0F, prefix the mandatory one or 0. */
enum mmio_decode_err dec_two_byte(struct cursor *c, struct mmio_insn *out, unsigned opsz, unsigned rex_r, bool rex,
                                  uint8_t prefix);

#endif
