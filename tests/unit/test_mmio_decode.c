/*
 * Host tests for the MMIO instruction decoder and the guest page walk: every
 * MOV form with and without prefixes, ModRM/SIB/displacement lengths,
 * RIP-relative and moffs forms, 8-bit high registers, what a load does to
 * the rest of its register, truncated and refused byte sequences.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/segment.h"
#include "vmx/mmio_decode.h"
#include "vmx/x86_alu.h"
#include "check.h"

#define DEC(mode, ...) ({ static const uint8_t b_[] = { __VA_ARGS__ }; \
	memset(&in, 0xa5, sizeof in); mmio_decode(b_, sizeof b_, mode, &in); })

static struct mmio_insn in;

static void test_mov_load_store_32(void)
{
	/* mov (%rsi), %eax */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x8b, 0x06), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 2); CHECK(!in.write); CHECK_EQ(in.size, 4); CHECK_EQ(in.reg, 0);
	CHECK_EQ(in.reg_size, 4); CHECK(!in.has_imm); CHECK(!in.high_byte);
	/* mov %ecx, 0x30(%rax) */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x89, 0x48, 0x30), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 3); CHECK(in.write); CHECK_EQ(in.size, 4); CHECK_EQ(in.reg, 1);
	/* mov %edx, 0x300(%rbx) : disp32 */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x89, 0x93, 0x00, 0x03, 0x00, 0x00), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 6); CHECK_EQ(in.reg, 2);
}

static void test_rex(void)
{
	/* mov (%r8), %r9d : REX.RB */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x45, 0x8b, 0x08), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 3); CHECK_EQ(in.reg, 9); CHECK_EQ(in.size, 4);
	/* mov (%rdi), %rax : REX.W */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x48, 0x8b, 0x07), MMIO_DECODE_OK);
	CHECK_EQ(in.size, 8); CHECK_EQ(in.reg_size, 8);
	/* mov %r15, (%rdi) */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x4c, 0x89, 0x3f), MMIO_DECODE_OK);
	CHECK(in.write); CHECK_EQ(in.size, 8); CHECK_EQ(in.reg, 15);
	/* A legacy prefix after REX makes the REX void: 48 66 8b 07 is a 16-bit load. */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x48, 0x66, 0x8b, 0x07), MMIO_DECODE_OK);
	CHECK_EQ(in.size, 2); CHECK_EQ(in.len, 4);
	/* In 32-bit mode 0x40-0x4f are INC/DEC, not prefixes. */
	CHECK_EQ(DEC(MMIO_MODE_32, 0x48, 0x8b, 0x07), MMIO_DECODE_UNSUPPORTED);
}

static void test_opsize_and_segments(void)
{
	/* mov %ax, (%rdx) */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x66, 0x89, 0x02), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 3); CHECK_EQ(in.size, 2); CHECK(in.write);
	/* mov %fs:(%rax), %eax and a DS override */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x64, 0x8b, 0x00), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 3);
	CHECK_EQ(DEC(MMIO_MODE_32, 0x3e, 0x8b, 0x00), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 3);
	/* 0x67 in 64-bit mode: 32-bit addressing, same ModRM layout */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x67, 0x8b, 0x00), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 3);
	/* 0x67 in 32-bit mode: 16-bit addressing, refused */
	CHECK_EQ(DEC(MMIO_MODE_32, 0x67, 0x8b, 0x00), MMIO_DECODE_UNSUPPORTED);
}

static void test_modrm_sib_disp(void)
{
	/* mov 0xfee00030, %eax in 32-bit mode: mod 00 rm 101 = disp32 */
	CHECK_EQ(DEC(MMIO_MODE_32, 0x8b, 0x05, 0x30, 0x00, 0xe0, 0xfe), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 6); CHECK_EQ(in.reg, 0);
	/* the same bytes in 64-bit mode are RIP-relative: the same length */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x8b, 0x05, 0x30, 0x00, 0x00, 0x00), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 6);
	/* mov 0xfee00030(,%eiz), via SIB with no base: 8b 04 25 disp32 */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x8b, 0x04, 0x25, 0x30, 0x00, 0xe0, 0xfe), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 7);
	/* mov (%rsp), %eax: SIB, no displacement */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x8b, 0x04, 0x24), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 3);
	/* mov 0x10(%rax,%rcx,4), %ebx: SIB + disp8 */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x8b, 0x5c, 0x88, 0x10), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 4); CHECK_EQ(in.reg, 3);
	/* mov 0x100(%rbp,%rsi,1), %esp: SIB + disp32, register 4 */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x8b, 0xa4, 0x35, 0x00, 0x01, 0x00, 0x00), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 7); CHECK_EQ(in.reg, 4);
	/* mod 01 with base 101 is [rbp+disp8], not disp32 */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x8b, 0x45, 0x08), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 3);
}

static void test_immediates(void)
{
	/* movl $0x1ff, 0xf0(%rax) */
	CHECK_EQ(DEC(MMIO_MODE_64, 0xc7, 0x80, 0xf0, 0x00, 0x00, 0x00, 0xff, 0x01, 0x00, 0x00), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 10); CHECK(in.write); CHECK(in.has_imm); CHECK_EQ(in.size, 4); CHECK_EQ(in.imm, 0x1ff);
	CHECK_EQ(mmio_store_value(&in, 0xdead), 0x1ff);
	/* movq $-1, (%rax): imm32 sign-extended */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 7); CHECK_EQ(in.size, 8); CHECK_EQ(in.imm, ~0ULL);
	/* movw $0x1234, (%rax) */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x66, 0xc7, 0x00, 0x34, 0x12), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 5); CHECK_EQ(in.size, 2); CHECK_EQ(in.imm & 0xffff, 0x1234);
	/* movb $0x80, (%rax) */
	CHECK_EQ(DEC(MMIO_MODE_64, 0xc6, 0x00, 0x80), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 3); CHECK_EQ(in.size, 1); CHECK_EQ(mmio_store_value(&in, 0), 0x80);
	/* C7 /1 is not MOV */
	CHECK_EQ(DEC(MMIO_MODE_64, 0xc7, 0x08, 0, 0, 0, 0), MMIO_DECODE_UNSUPPORTED);
}

static void test_byte_registers(void)
{
	/* mov (%rax), %ah: without REX register 4 is AH */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x8a, 0x20), MMIO_DECODE_OK);
	CHECK_EQ(in.reg, 0); CHECK(in.high_byte); CHECK_EQ(in.size, 1);
	CHECK_EQ(mmio_load_result(&in, 0x1122334455667788ULL, 0xab), 0x112233445566ab88ULL);
	/* mov (%rax), %spl: with REX register 4 is SPL */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x40, 0x8a, 0x20), MMIO_DECODE_OK);
	CHECK_EQ(in.reg, 4); CHECK(!in.high_byte);
	CHECK_EQ(mmio_load_result(&in, 0x1122334455667788ULL, 0xab), 0x11223344556677abULL);
	/* mov %bh, (%rcx) */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x88, 0x39), MMIO_DECODE_OK);
	CHECK(in.write); CHECK_EQ(in.reg, 3); CHECK(in.high_byte);
	CHECK_EQ(mmio_store_value(&in, 0x4321), 0x43);
	/* mov %r10b, (%rcx) */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x44, 0x88, 0x11), MMIO_DECODE_OK);
	CHECK_EQ(in.reg, 10); CHECK(!in.high_byte);
}

static void test_movzx_and_results(void)
{
	/* movzbl (%rax), %ecx */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x0f, 0xb6, 0x08), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 3); CHECK(!in.write); CHECK_EQ(in.size, 1); CHECK_EQ(in.reg_size, 4); CHECK_EQ(in.reg, 1);
	CHECK_EQ(mmio_load_result(&in, ~0ULL, 0xfff1), 0xf1);
	/* movzwq (%rax), %r11 */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x4c, 0x0f, 0xb7, 0x18), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 4); CHECK_EQ(in.size, 2); CHECK_EQ(in.reg_size, 8); CHECK_EQ(in.reg, 11);
	CHECK_EQ(mmio_load_result(&in, ~0ULL, 0x12345678), 0x5678);
	/* movzbw (%rax), %dx keeps bits 63:16 */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x66, 0x0f, 0xb6, 0x10), MMIO_DECODE_OK);
	CHECK_EQ(in.reg_size, 2);
	CHECK_EQ(mmio_load_result(&in, 0xaaaabbbbccccddddULL, 0x77), 0xaaaabbbbcccc0077ULL);
	/* a 32-bit load zero-extends; a 16-bit one merges */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x8b, 0x00), MMIO_DECODE_OK);
	CHECK_EQ(mmio_load_result(&in, ~0ULL, 0x50014), 0x50014);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x66, 0x8b, 0x00), MMIO_DECODE_OK);
	CHECK_EQ(mmio_load_result(&in, 0xffffffff00000000ULL, 0x12345), 0xffffffff00002345ULL);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x48, 0x89, 0x00), MMIO_DECODE_OK);
	CHECK_EQ(mmio_store_value(&in, 0x8000000000000001ULL), 0x8000000000000001ULL);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x89, 0x00), MMIO_DECODE_OK);
	CHECK_EQ(mmio_store_value(&in, 0x8000000000000001ULL), 1);
}

static void test_moffs(void)
{
	/* movabs 0xfee00030, %eax */
	CHECK_EQ(DEC(MMIO_MODE_64, 0xa1, 0x30, 0x00, 0xe0, 0xfe, 0, 0, 0, 0), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 9); CHECK_EQ(in.reg, 0); CHECK_EQ(in.size, 4); CHECK(!in.write);
	/* mov %al, moffs32 in 32-bit mode */
	CHECK_EQ(DEC(MMIO_MODE_32, 0xa2, 0x30, 0x00, 0xe0, 0xfe), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 5); CHECK_EQ(in.size, 1); CHECK(in.write);
	/* 0x67 in 64-bit mode: a 4-byte offset */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x67, 0xa3, 0x30, 0x00, 0xe0, 0xfe), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 6); CHECK(in.write);
	/* REX.W: 64-bit access */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x48, 0xa1, 0, 0, 0, 0, 0, 0, 0, 0), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 10); CHECK_EQ(in.size, 8);
}

static void test_refused(void)
{
	/* far CALL through memory, FE's others, MOV from Sreg 6, LOCK on a load or a CMP, REP on a MOV */
	CHECK_EQ(DEC(MMIO_MODE_64, 0xff, 0x18), MMIO_DECODE_UNSUPPORTED);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xfe, 0x30), MMIO_DECODE_UNSUPPORTED);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x8c, 0x30), MMIO_DECODE_UNSUPPORTED);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x8f, 0x08), MMIO_DECODE_UNSUPPORTED);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf0, 0x8b, 0x00), MMIO_DECODE_UNSUPPORTED);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf0, 0x39, 0x00), MMIO_DECODE_UNSUPPORTED);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf3, 0x89, 0x00), MMIO_DECODE_UNSUPPORTED);
	/* the accumulator-immediate ALU forms touch no memory; CMPXCHG8B is not emulated */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x0d, 1, 0, 0, 0), MMIO_DECODE_UNSUPPORTED);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x0f, 0xc7, 0x0f), MMIO_DECODE_UNSUPPORTED);
	/* a register operand cannot have touched memory */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x8b, 0xc1), MMIO_DECODE_REG_OPERAND);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x0f, 0xb6, 0xc1), MMIO_DECODE_REG_OPERAND);
	/* prefixes alone until the architectural limit: never past 15 bytes */
	uint8_t many[20];
	memset(many, 0x66, sizeof many);
	CHECK_EQ(mmio_decode(many, sizeof many, MMIO_MODE_64, &in), MMIO_DECODE_TRUNCATED);
	CHECK(strcmp(mmio_decode_err_name(MMIO_DECODE_UNSUPPORTED), "instruction not emulated for MMIO") == 0);
	CHECK(strcmp(mmio_decode_err_name((enum mmio_decode_err)99), "unknown") == 0);
}

static void test_alu(void)
{
	/* or [rax], ecx: memory destination, register source */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x09, 0x08), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_ALU); CHECK_EQ(in.alu, ALU_OR); CHECK(in.write); CHECK_EQ(in.size, 4);
	CHECK_EQ(in.reg, 1); CHECK(!in.has_imm); CHECK(!in.to_reg); CHECK_EQ(in.len, 2);
	/* add cl, [rax]: register destination */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x02, 0x08), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, ALU_ADD); CHECK(!in.write); CHECK(in.to_reg); CHECK_EQ(in.size, 1); CHECK_EQ(in.reg, 1);
	/* and dh, [rax] (no REX: DH) and and sil, [rax] (REX: SIL) */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x22, 0x30), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, ALU_AND); CHECK_EQ(in.reg, 2); CHECK(in.high_byte);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x40, 0x22, 0x30), MMIO_DECODE_OK);
	CHECK_EQ(in.reg, 6); CHECK(!in.high_byte);
	/* cmp [rax], edx: no write */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x39, 0x10), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, ALU_CMP); CHECK(!in.write);
	/* lock xor qword [r8], r9 */
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf0, 0x4d, 0x31, 0x08), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, ALU_XOR); CHECK_EQ(in.size, 8); CHECK_EQ(in.reg, 9); CHECK(in.write); CHECK_EQ(in.len, 4);
	/* group 1: sub dword [rax+8], 0x12345678; and byte [rax], 0x80; add qword [rax], -1 (83 /0) */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x81, 0x68, 0x08, 0x78, 0x56, 0x34, 0x12), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, ALU_SUB); CHECK(in.has_imm); CHECK_EQ(in.imm, 0x12345678); CHECK_EQ(in.len, 7);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x80, 0x20, 0x80), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, ALU_AND); CHECK_EQ(in.size, 1); CHECK_EQ(mmio_store_value(&in, 0), 0x80);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x48, 0x83, 0x00, 0xff), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, ALU_ADD); CHECK_EQ(in.size, 8); CHECK_EQ(in.imm, ~0ULL); CHECK_EQ(in.len, 4);
	/* 66 81 /1 iw: or word [rax], 0x8001 */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x66, 0x81, 0x08, 0x01, 0x80), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, ALU_OR); CHECK_EQ(in.size, 2); CHECK_EQ(in.len, 5); CHECK_EQ(mmio_store_value(&in, 0), 0x8001);
	/* test [rax], ecx; test byte [rax], 0x40 (F6 /0) and its /1 alias */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x85, 0x08), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, ALU_TEST); CHECK(!in.write); CHECK_EQ(in.reg, 1);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf6, 0x00, 0x40), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, ALU_TEST); CHECK(in.has_imm); CHECK_EQ(in.imm, 0x40); CHECK_EQ(in.len, 3);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf7, 0x08, 1, 0, 0, 0), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 6);
	/* the one-operand forms: not dword [rax]; neg byte [rax]; lock inc qword [rax+8]; dec word [rax] */
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf7, 0x10), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, ALU_NOT); CHECK(in.write); CHECK(!in.has_imm); CHECK_EQ(in.size, 4); CHECK_EQ(in.len, 2);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf6, 0x18), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, ALU_NEG); CHECK(in.write); CHECK_EQ(in.size, 1); CHECK_EQ(in.len, 2);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf0, 0x48, 0xff, 0x40, 0x08), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_ALU); CHECK_EQ(in.alu, ALU_INC); CHECK(in.write); CHECK_EQ(in.size, 8); CHECK_EQ(in.len, 5);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x66, 0xff, 0x08), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, ALU_DEC); CHECK_EQ(in.size, 2); CHECK_EQ(in.len, 3);
	CHECK_EQ(DEC(MMIO_MODE_32, 0xfe, 0x00), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, ALU_INC); CHECK_EQ(in.size, 1);
}

static void test_xchg_push_pop_movsx(void)
{
	CHECK_EQ(DEC(MMIO_MODE_64, 0x87, 0x18), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_XCHG); CHECK_EQ(in.reg, 3); CHECK_EQ(in.size, 4); CHECK_EQ(in.reg_size, 4);
	CHECK_EQ(mmio_load_result(&in, 0xffffffff00000000ULL, 0x12), 0x12);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x86, 0x20), MMIO_DECODE_OK);   /* xchg [rax], ah */
	CHECK_EQ(in.size, 1); CHECK(in.high_byte); CHECK_EQ(in.reg, 0);
	/* push qword [rax]; push word [rax]; pop dword [eax] in 32-bit code */
	CHECK_EQ(DEC(MMIO_MODE_64, 0xff, 0x30), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_PUSH); CHECK_EQ(in.size, 8); CHECK(!in.write);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x66, 0xff, 0x30), MMIO_DECODE_OK);
	CHECK_EQ(in.size, 2);
	CHECK_EQ(DEC(MMIO_MODE_32, 0x8f, 0x00), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_POP); CHECK_EQ(in.size, 4); CHECK(in.write);
	/* movsx ecx, byte [rax]; movsx rcx, word [rax] */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x0f, 0xbe, 0x08), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_MOV); CHECK(!in.write); CHECK_EQ(in.size, 1); CHECK_EQ(in.reg_size, 4);
	CHECK_EQ(mmio_load_result(&in, ~0ULL, 0x80), 0xffffff80ULL);
	CHECK_EQ(mmio_load_result(&in, ~0ULL, 0x7f), 0x7f);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x48, 0x0f, 0xbf, 0x08), MMIO_DECODE_OK);
	CHECK_EQ(in.size, 2); CHECK_EQ(in.reg_size, 8);
	CHECK_EQ(mmio_load_result(&in, 0, 0x8000), 0xffffffffffff8000ULL);
	/* movsx cx, byte [rax]: a 16-bit destination keeps the rest */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x66, 0x0f, 0xbe, 0x08), MMIO_DECODE_OK);
	CHECK_EQ(mmio_load_result(&in, 0x1111111111111111ULL, 0xff), 0x111111111111ffffULL);
}

static void test_strings(void)
{
	/* rep movsd, fs: movsb, stosq, addr32 rep stosb; 32-bit code with 16-bit addresses */
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf3, 0xa5), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_MOVS); CHECK(in.rep); CHECK_EQ(in.size, 4); CHECK_EQ(in.seg, SEG_DS);
	CHECK_EQ(in.addr_size, 8); CHECK_EQ(in.len, 2);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x64, 0xa4), MMIO_DECODE_OK);
	CHECK_EQ(in.size, 1); CHECK_EQ(in.seg, SEG_FS); CHECK(!in.rep);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x48, 0xab), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_STOS); CHECK_EQ(in.size, 8); CHECK(in.write);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x67, 0xf2, 0xaa), MMIO_DECODE_OK);
	CHECK(in.rep); CHECK_EQ(in.addr_size, 4); CHECK_EQ(in.len, 3);
	CHECK_EQ(DEC(MMIO_MODE_32, 0x67, 0x66, 0xa5), MMIO_DECODE_OK);
	CHECK_EQ(in.addr_size, 2); CHECK_EQ(in.size, 2);
	/* repe cmpsb, gs: repne cmpsq (the last of F3 and F2 counts), lodsw, repne scasd, rep lodsb */
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf3, 0xa6), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_CMPS); CHECK(in.rep); CHECK(!in.repne); CHECK_EQ(in.size, 1); CHECK(!in.write);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x65, 0xf3, 0xf2, 0x48, 0xa7), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_CMPS); CHECK(in.repne); CHECK_EQ(in.size, 8); CHECK_EQ(in.seg, SEG_GS); CHECK_EQ(in.len, 5);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x66, 0xad), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_LODS); CHECK_EQ(in.size, 2); CHECK(!in.rep);
	CHECK_EQ(DEC(MMIO_MODE_32, 0xf2, 0xaf), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_SCAS); CHECK(in.repne); CHECK_EQ(in.size, 4); CHECK_EQ(in.addr_size, 4);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf3, 0xac), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_LODS); CHECK(in.rep); CHECK(!in.repne);
	/* TEST AL/eAX, imm (A8, A9) between them touch no memory */
	CHECK_EQ(DEC(MMIO_MODE_64, 0xa8, 0x01), MMIO_DECODE_UNSUPPORTED);
	/* smsw word [r12+0x1000] (REX.B, SIB, disp32): 16 bits to memory; sgdt and lmsw are not emulated */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x41, 0x0f, 0x01, 0xa4, 0x24, 0x00, 0x10, 0x00, 0x00), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_STORE_SYS); CHECK_EQ(in.reg, MMIO_SYS_MSW); CHECK(in.write); CHECK_EQ(in.size, 2); CHECK_EQ(in.len, 9);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x0f, 0x01, 0x00), MMIO_DECODE_UNSUPPORTED);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x0f, 0x01, 0x30), MMIO_DECODE_UNSUPPORTED);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x0f, 0x01, 0xe0), MMIO_DECODE_REG_OPERAND);
}

static void test_bit_tests(void)
{
	/* bt [rax], ecx; lock bts qword [rax], r9; btr word [rax], 5 (0F BA /6); btc [rax], 0x23 */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x0f, 0xa3, 0x08), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_BIT); CHECK_EQ(in.alu, X86_BIT_TEST); CHECK(!in.write); CHECK_EQ(in.reg, 1);
	CHECK_EQ(in.size, 4); CHECK(!in.has_imm); CHECK_EQ(in.len, 3);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf0, 0x4c, 0x0f, 0xab, 0x08), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, X86_BIT_SET); CHECK(in.write); CHECK_EQ(in.reg, 9); CHECK_EQ(in.size, 8); CHECK_EQ(in.len, 5);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x66, 0x0f, 0xba, 0x30, 0x05), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, X86_BIT_RESET); CHECK(in.write); CHECK(in.has_imm); CHECK_EQ(in.imm & 0xff, 5);
	CHECK_EQ(in.size, 2); CHECK_EQ(in.len, 5);
	CHECK_EQ(DEC(MMIO_MODE_32, 0x0f, 0xba, 0x38, 0x23), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, X86_BIT_COMPLEMENT); CHECK_EQ(in.len, 4);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x0f, 0xbb, 0x08), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, X86_BIT_COMPLEMENT);
	/* imul ecx, [rax]; imul ax, [rax], -2 (6B); imul rdx, [rax], 0x12345 (69) */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x0f, 0xaf, 0x08), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, ALU_IMUL); CHECK(in.to_reg); CHECK(!in.has_imm); CHECK_EQ(in.reg, 1); CHECK_EQ(in.len, 3);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x66, 0x6b, 0x00, 0xfe), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, ALU_IMUL); CHECK(in.has_imm); CHECK_EQ(mmio_store_value(&in, 0), 0xfffe); CHECK_EQ(in.size, 2);
	CHECK_EQ(in.len, 4);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x48, 0x69, 0x10, 0x45, 0x23, 0x01, 0x00), MMIO_DECODE_OK);
	CHECK_EQ(in.reg, 2); CHECK_EQ(in.size, 8); CHECK_EQ(in.imm, 0x12345); CHECK_EQ(in.len, 7);
	/* bsf eax, [rax]; bsr r10, [rax]; TZCNT (F3 0F BC) is not emulated */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x0f, 0xbc, 0x00), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_ALU); CHECK_EQ(in.alu, ALU_BSF); CHECK(in.to_reg); CHECK(!in.write); CHECK_EQ(in.size, 4);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x4c, 0x0f, 0xbd, 0x10), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, ALU_BSR); CHECK_EQ(in.reg, 10); CHECK_EQ(in.size, 8); CHECK_EQ(in.len, 4);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf2, 0x0f, 0xbc, 0x00), MMIO_DECODE_UNSUPPORTED);   /* F2 makes no bit count */
	/* 0F BA /0-/3 are undefined; LOCK BT is #UD */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x0f, 0xba, 0x00, 0x01), MMIO_DECODE_UNSUPPORTED);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf0, 0x0f, 0xa3, 0x08), MMIO_DECODE_UNSUPPORTED);
}

static void test_truncated(void)
{
	static const uint8_t full[] = { 0x48, 0xc7, 0x84, 0x88, 0x00, 0x01, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12 };
	CHECK_EQ(mmio_decode(full, sizeof full, MMIO_MODE_64, &in), MMIO_DECODE_OK);
	CHECK_EQ(in.len, sizeof full);
	CHECK_EQ(in.imm, 0x12345678);
	/* Every shorter prefix of it is truncated, read from a heap copy ASan bounds exactly. */
	for (size_t n = 0; n < sizeof full; n++) {
		uint8_t *b = malloc(n ? n : 1);
		memcpy(b, full, n);
		CHECK_EQ(mmio_decode(b, n, MMIO_MODE_64, &in), MMIO_DECODE_TRUNCATED);
		free(b);
	}
	CHECK_EQ(DEC(MMIO_MODE_64, 0x0f), MMIO_DECODE_TRUNCATED);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xa1, 0, 0, 0), MMIO_DECODE_TRUNCATED);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xc7), MMIO_DECODE_TRUNCATED);
}

static void test_sse_moves(void)
{
	/* movdqu %xmm1, (%rdi) : F3 0F 7F, a 16-byte store */
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf3, 0x0f, 0x7f, 0x0f), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_SSE); CHECK(in.write); CHECK_EQ(in.size, 16); CHECK_EQ(in.reg, 1); CHECK_EQ(in.len, 4);
	/* movaps 0x10(%rax), %xmm10 : REX.R, 0F 28 */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x44, 0x0f, 0x28, 0x50, 0x10), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_SSE); CHECK(!in.write); CHECK_EQ(in.size, 16); CHECK_EQ(in.reg, 10); CHECK_EQ(in.len, 5);
	/* movupd (66 0F 11), movntdq (66 0F E7), movntps (0F 2B): stores */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x66, 0x0f, 0x11, 0x00), MMIO_DECODE_OK);
	CHECK(in.write); CHECK_EQ(in.size, 16);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x66, 0x0f, 0xe7, 0x00), MMIO_DECODE_OK);
	CHECK(in.write); CHECK_EQ(in.size, 16);
	CHECK_EQ(DEC(MMIO_MODE_32, 0x0f, 0x2b, 0x00), MMIO_DECODE_OK);
	CHECK(in.write); CHECK_EQ(in.size, 16);
	/* the scalar forms: movss load 4, movsd store 8, movd 4 (REX.W: movq 8), F3 0F 7E movq load 8, 66 0F D6 store 8 */
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf3, 0x0f, 0x10, 0x00), MMIO_DECODE_OK);
	CHECK(!in.write); CHECK_EQ(in.size, 4);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf2, 0x0f, 0x11, 0x00), MMIO_DECODE_OK);
	CHECK(in.write); CHECK_EQ(in.size, 8);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x66, 0x0f, 0x6e, 0x00), MMIO_DECODE_OK);
	CHECK(!in.write); CHECK_EQ(in.size, 4);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x66, 0x48, 0x0f, 0x7e, 0x00), MMIO_DECODE_OK);
	CHECK(in.write); CHECK_EQ(in.size, 8);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf3, 0x0f, 0x7e, 0x00), MMIO_DECODE_OK);
	CHECK(!in.write); CHECK_EQ(in.size, 8);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x66, 0x0f, 0xd6, 0x00), MMIO_DECODE_OK);
	CHECK(in.write); CHECK_EQ(in.size, 8);
	/* F3 after 66 picks MOVSS; F2 last of the two REPs picks MOVSD */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x66, 0xf3, 0x0f, 0x10, 0x00), MMIO_DECODE_OK);
	CHECK_EQ(in.size, 4);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf3, 0xf2, 0x0f, 0x10, 0x00), MMIO_DECODE_OK);
	CHECK_EQ(in.size, 8);
	/* MMX MOVQ (0F 6F/7F without prefix): MM0-MM7 whatever REX.R */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x44, 0x0f, 0x7f, 0x08), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_MMX); CHECK(in.write); CHECK_EQ(in.size, 8); CHECK_EQ(in.reg, 1);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x0f, 0x6f, 0x10), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_MMX); CHECK(!in.write); CHECK_EQ(in.reg, 2);
	/* not emulated: F2 0F 28, LOCK, the register form, TZCNT (F3 0F BC) */
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf2, 0x0f, 0x28, 0x00), MMIO_DECODE_UNSUPPORTED);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf0, 0x0f, 0x11, 0x00), MMIO_DECODE_UNSUPPORTED);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x0f, 0x11, 0xc1), MMIO_DECODE_REG_OPERAND);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf3, 0x0f, 0xaf, 0x00), MMIO_DECODE_UNSUPPORTED);   /* F3 IMUL: not a form F3 picks */
}

static void test_shld_shrd_ltr(void)
{
	/* lock xadd %eax, (%rdi) and xadd %r9b, (%rax) : the register gets the old value */
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf0, 0x0f, 0xc1, 0x07), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_XADD); CHECK_EQ(in.size, 4); CHECK_EQ(in.reg, 0); CHECK(in.write); CHECK_EQ(in.len, 4);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x44, 0x0f, 0xc0, 0x08), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_XADD); CHECK_EQ(in.size, 1); CHECK_EQ(in.reg, 9);
	/* shld $3, %ecx, (%rax) : 0F A4 /r ib */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x0f, 0xa4, 0x08, 0x03), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_SHIFTD); CHECK_EQ(in.alu, 1); CHECK(in.has_imm); CHECK_EQ(in.imm, 3);
	CHECK_EQ(in.reg, 1); CHECK_EQ(in.size, 4); CHECK(in.write); CHECK_EQ(in.len, 4);
	/* shrd %cl, %r9w, (%rdx) : 66 REX.R 0F AD */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x66, 0x44, 0x0f, 0xad, 0x0a), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_SHIFTD); CHECK_EQ(in.alu, 0); CHECK(!in.has_imm); CHECK_EQ(in.reg, 9);
	CHECK_EQ(in.size, 2); CHECK_EQ(in.len, 5);
	/* ltr (%rax) : 0F 00 /3; the other 0F 00 forms are not emulated */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x0f, 0x00, 0x18), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_LTR); CHECK_EQ(in.size, 2); CHECK(!in.write); CHECK_EQ(in.len, 3);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x0f, 0x00, 0x10), MMIO_DECODE_UNSUPPORTED);   /* LLDT */
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf0, 0x0f, 0xa5, 0x00), MMIO_DECODE_UNSUPPORTED);   /* LOCK SHLD: #UD */
}

/* The shifts and rotates of group 2, CMPXCHG and SETcc. */
static void test_shift_cmpxchg_setcc(void)
{
	/* shll $5, 8(%rax) : C1 /4 ib */
	CHECK_EQ(DEC(MMIO_MODE_64, 0xc1, 0x60, 0x08, 0x05), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_SHIFT); CHECK_EQ(in.alu, X86_SHL); CHECK(in.has_imm); CHECK_EQ(in.imm, 5);
	CHECK_EQ(in.size, 4); CHECK(in.write); CHECK_EQ(in.len, 4); CHECK_EQ(in.ea_disp, 8);
	/* rorb (%rax) : D0 /1, a count of 1 */
	CHECK_EQ(DEC(MMIO_MODE_64, 0xd0, 0x08), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, X86_ROR); CHECK(in.has_imm); CHECK_EQ(in.imm, 1); CHECK_EQ(in.size, 1); CHECK_EQ(in.len, 2);
	/* sarq %cl, (%rax) : REX.W D3 /7; rcl %cl, (%rax) with 66: a word */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x48, 0xd3, 0x38), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, X86_SAR); CHECK(!in.has_imm); CHECK_EQ(in.size, 8);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x66, 0xd3, 0x10), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, X86_RCL); CHECK_EQ(in.size, 2);
	/* lock cmpxchg %ecx, (%rdx) : F0 0F B1 /r; cmpxchg %r9b, (%rax) */
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf0, 0x0f, 0xb1, 0x0a), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_CMPXCHG); CHECK_EQ(in.reg, 1); CHECK_EQ(in.size, 4); CHECK(in.write); CHECK_EQ(in.len, 4);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x44, 0x0f, 0xb0, 0x08), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_CMPXCHG); CHECK_EQ(in.reg, 9); CHECK_EQ(in.size, 1);
	/* setne (%rax) : 0F 95, ModRM.reg ignored; a byte written */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x0f, 0x95, 0x38), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_SETCC); CHECK_EQ(in.alu, 5); CHECK_EQ(in.size, 1); CHECK(in.write); CHECK_EQ(in.len, 3);
	/* popcnt (%rax), %ecx; tzcnt (%rax), %rdx; lzcnt (%rax), %cx; 0F B8 without F3 is not POPCNT */
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf3, 0x0f, 0xb8, 0x08), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_ALU); CHECK_EQ(in.alu, ALU_POPCNT); CHECK(in.to_reg); CHECK(!in.write); CHECK_EQ(in.reg, 1);
	CHECK_EQ(in.len, 4);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf3, 0x48, 0x0f, 0xbc, 0x10), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, ALU_TZCNT); CHECK_EQ(in.size, 8); CHECK_EQ(in.reg, 2);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x66, 0xf3, 0x0f, 0xbd, 0x08), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, ALU_LZCNT); CHECK_EQ(in.size, 2);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x0f, 0xbd, 0x08), MMIO_DECODE_OK);
	CHECK_EQ(in.alu, ALU_BSR);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x0f, 0xb8, 0x08), MMIO_DECODE_UNSUPPORTED);
	/* LOCK on a shift or SETcc is #UD, raised before any access */
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf0, 0xd1, 0x20), MMIO_DECODE_UNSUPPORTED);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf0, 0x0f, 0x94, 0x00), MMIO_DECODE_UNSUPPORTED);
}

/* MUL/DIV, CMOVcc, JMP and CALL through memory, far JMP, MOV from a segment register. */
static void test_control_and_muldiv(void)
{
	CHECK_EQ(DEC(MMIO_MODE_64, 0x48, 0xf7, 0x30), MMIO_DECODE_OK);   /* divq (%rax) */
	CHECK_EQ(in.kind, MMIO_MULDIV); CHECK_EQ(in.alu, X86_DIV); CHECK_EQ(in.size, 8); CHECK(!in.write);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf6, 0x20), MMIO_DECODE_OK);   /* mulb (%rax) */
	CHECK_EQ(in.kind, MMIO_MULDIV); CHECK_EQ(in.alu, X86_MUL); CHECK_EQ(in.size, 1);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x66, 0xf7, 0x38), MMIO_DECODE_OK);   /* idivw (%rax) */
	CHECK_EQ(in.alu, X86_IDIV); CHECK_EQ(in.size, 2);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x0f, 0x45, 0x06), MMIO_DECODE_OK);   /* cmovne (%rsi), %eax */
	CHECK_EQ(in.kind, MMIO_CMOV); CHECK_EQ(in.alu, 5); CHECK_EQ(in.reg, 0); CHECK_EQ(in.size, 4);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x66, 0xff, 0x20), MMIO_DECODE_OK);   /* jmp *(%rax): 64 bits whatever 66 */
	CHECK_EQ(in.kind, MMIO_JMP); CHECK_EQ(in.size, 8);
	CHECK_EQ(DEC(MMIO_MODE_32, 0xff, 0x10), MMIO_DECODE_OK);   /* call *(%eax) */
	CHECK_EQ(in.kind, MMIO_CALL); CHECK_EQ(in.size, 4);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x48, 0xff, 0x2f), MMIO_DECODE_OK);   /* rex64 ljmp *(%rdi): m16:64 */
	CHECK_EQ(in.kind, MMIO_JMP_FAR); CHECK_EQ(in.size, 8);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xff, 0x2f), MMIO_DECODE_OK);   /* m16:32 */
	CHECK_EQ(in.size, 4);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x66, 0x8c, 0x0f), MMIO_DECODE_OK);   /* mov %cs, (%rdi): 16 bits */
	CHECK_EQ(in.kind, MMIO_STORE_SYS); CHECK_EQ(in.reg, SEG_CS); CHECK_EQ(in.size, 2); CHECK(in.write);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x41, 0x8e, 0x55, 0x00), MMIO_DECODE_OK);   /* mov 0(%r13), %ss */
	CHECK_EQ(in.kind, MMIO_LOAD_SREG); CHECK_EQ(in.reg, SEG_SS); CHECK_EQ(in.size, 2); CHECK(!in.write);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x8e, 0x08), MMIO_DECODE_UNSUPPORTED);   /* mov (%rax), %cs: #UD */
}

/* With the stack in device memory: PUSH/POP of a register and of an immediate, RET, LEAVE, ENTER. */
static void test_stack_forms(void)
{
	CHECK_EQ(DEC(MMIO_MODE_64, 0x41, 0x55), MMIO_DECODE_OK);   /* push %r13 */
	CHECK_EQ(in.kind, MMIO_PUSH); CHECK(in.reg_operand); CHECK_EQ(in.reg, 13); CHECK_EQ(in.size, 8); CHECK_EQ(in.len, 2);
	CHECK_EQ(DEC(MMIO_MODE_32, 0x66, 0x58), MMIO_DECODE_OK);   /* pop %ax */
	CHECK_EQ(in.kind, MMIO_POP); CHECK(in.reg_operand); CHECK_EQ(in.reg, 0); CHECK_EQ(in.size, 2);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x6a, 0xf9), MMIO_DECODE_OK);   /* push $-7 */
	CHECK_EQ(in.kind, MMIO_PUSH); CHECK(in.has_imm); CHECK_EQ(in.imm, (uint64_t)-7); CHECK_EQ(in.size, 8);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x68, 0x0d, 0x1c, 0x94, 0xff), MMIO_DECODE_OK);   /* push $-7070707 */
	CHECK_EQ(in.imm, (uint64_t)-7070707); CHECK_EQ(in.len, 5);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xc3), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_RET); CHECK_EQ(in.imm, 0); CHECK_EQ(in.len, 1);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xc2, 0x10, 0x80), MMIO_DECODE_OK);   /* ret $0x8010: zero-extended */
	CHECK_EQ(in.kind, MMIO_RET); CHECK_EQ(in.imm, 0x8010); CHECK_EQ(in.len, 3);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xc9), MMIO_DECODE_OK);
	CHECK_EQ(in.kind, MMIO_LEAVE); CHECK_EQ(in.size, 8);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xc8, 0x38, 0x12, 0x00), MMIO_DECODE_OK);   /* enter $0x1238, $0 */
	CHECK_EQ(in.kind, MMIO_ENTER); CHECK_EQ(in.imm, 0x1238); CHECK_EQ(in.len, 4);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xc8, 0x38, 0x12, 0x01), MMIO_DECODE_UNSUPPORTED);   /* a nested frame */
	CHECK_EQ(DEC(MMIO_MODE_64, 0xc8, 0x38, 0x12), MMIO_DECODE_TRUNCATED);
}

/* The operand's offset: base, index, scale, displacement, RIP-relative, moffs, and the SS default. */
static void test_operand_offset(void)
{
	uint64_t gpr[16];
	for (unsigned i = 0; i < 16; i++)
		gpr[i] = 0x1000 * (i + 1);
	/* mov 0x10(%rax,%rcx,4), %edx */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x8b, 0x54, 0x88, 0x10), MMIO_DECODE_OK);
	CHECK_EQ(mmio_operand_offset(&in, gpr, 0, 0), 0x1000 + 4 * 0x2000 + 0x10);
	CHECK_EQ(in.seg, SEG_DS);
	/* mov -8(%r13,%r12,8), %eax : REX.XB */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x43, 0x8b, 0x44, 0xe5, 0xf8), MMIO_DECODE_OK);
	CHECK_EQ(mmio_operand_offset(&in, gpr, 0, 0), 0xe000 + 8 * 0xd000 - 8);
	/* mov 0x100(%rip), %eax : 6 bytes, from the next instruction */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x8b, 0x05, 0x00, 0x01, 0x00, 0x00), MMIO_DECODE_OK);
	CHECK_EQ(mmio_operand_offset(&in, gpr, 0, 0x400000), 0x400000 + 6 + 0x100);
	/* the same bytes in 32-bit mode: disp32 alone */
	CHECK_EQ(DEC(MMIO_MODE_32, 0x8b, 0x05, 0x00, 0x01, 0x00, 0x00), MMIO_DECODE_OK);
	CHECK_EQ(mmio_operand_offset(&in, gpr, 0, 0x400000), 0x100);
	/* mov (%rsp), %eax and 8(%rbp): SS, with RSP from the VMCS; an override keeps its segment */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x8b, 0x04, 0x24), MMIO_DECODE_OK);
	CHECK_EQ(in.seg, SEG_SS); CHECK_EQ(mmio_operand_offset(&in, gpr, 0x7000, 0), 0x7000);
	CHECK_EQ(DEC(MMIO_MODE_32, 0x8b, 0x45, 0x08), MMIO_DECODE_OK);
	CHECK_EQ(in.seg, SEG_SS); CHECK_EQ(mmio_operand_offset(&in, gpr, 0, 0), 0x6008);
	CHECK_EQ(DEC(MMIO_MODE_32, 0x64, 0x8b, 0x45, 0x08), MMIO_DECODE_OK);
	CHECK_EQ(in.seg, SEG_FS);
	/* SIB without base (disp32) and index 100 (none) */
	CHECK_EQ(DEC(MMIO_MODE_64, 0x8b, 0x04, 0x25, 0x00, 0x00, 0xe0, 0xfe), MMIO_DECODE_OK);
	CHECK_EQ(mmio_operand_offset(&in, gpr, 0, 0), 0xfffffffffee00000ULL);
	/* 32-bit addressing wraps: addr32 mov -1(%eax) */
	gpr[0] = 0;
	CHECK_EQ(DEC(MMIO_MODE_64, 0x67, 0x8b, 0x40, 0xff), MMIO_DECODE_OK);
	CHECK_EQ(mmio_operand_offset(&in, gpr, 0, 0), 0xffffffff);
	/* moffs: the offset itself */
	CHECK_EQ(DEC(MMIO_MODE_64, 0xa1, 0x80, 0x00, 0xe0, 0xfe, 0, 0, 0, 0), MMIO_DECODE_OK);
	CHECK_EQ(mmio_operand_offset(&in, gpr, 0, 0), 0xfee00080);
}

int main(void)
{
	RUN(test_mov_load_store_32);
	RUN(test_rex);
	RUN(test_opsize_and_segments);
	RUN(test_modrm_sib_disp);
	RUN(test_immediates);
	RUN(test_byte_registers);
	RUN(test_movzx_and_results);
	RUN(test_moffs);
	RUN(test_refused);
	RUN(test_truncated);
	RUN(test_alu);
	RUN(test_xchg_push_pop_movsx);
	RUN(test_strings);
	RUN(test_bit_tests);
	RUN(test_sse_moves);
	RUN(test_shld_shrd_ltr);
	RUN(test_shift_cmpxchg_setcc);
	RUN(test_operand_offset);
	RUN(test_stack_forms);
	RUN(test_control_and_muldiv);
	return CHECK_EXIT();
}
