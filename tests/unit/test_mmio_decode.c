/*
 * Host tests for the MMIO instruction decoder and the guest page walk: every
 * MOV form with and without prefixes, ModRM/SIB/displacement lengths,
 * RIP-relative and moffs forms, 8-bit high registers, what a load does to
 * the rest of its register, truncated and refused byte sequences, and walks
 * through 4-level, PAE and 32-bit tables with large pages and hostile
 * entries pointing outside RAM.
 */
#include <stdlib.h>
#include <string.h>

#include "vmx/mmio_decode.h"
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
	/* movsl (rep or not), stosb, lock add, xchg, or, two-byte others */
	CHECK_EQ(DEC(MMIO_MODE_64, 0xa5), MMIO_DECODE_UNSUPPORTED);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf3, 0xa5), MMIO_DECODE_UNSUPPORTED);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf3, 0xaa), MMIO_DECODE_UNSUPPORTED);
	CHECK_EQ(DEC(MMIO_MODE_64, 0xf0, 0x01, 0x00), MMIO_DECODE_UNSUPPORTED);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x87, 0x00), MMIO_DECODE_UNSUPPORTED);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x09, 0x00), MMIO_DECODE_UNSUPPORTED);
	CHECK_EQ(DEC(MMIO_MODE_64, 0x0f, 0xbe, 0x00), MMIO_DECODE_UNSUPPORTED);
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

/* ---- page walks ---- */

#define RAM_SIZE (4u << 20)
static uint8_t *ram_buf;
static struct mmio_guest_ram ram;

static void put64(uint64_t gpa, uint64_t v) { memcpy(ram_buf + gpa, &v, 8); }
static void put32(uint64_t gpa, uint32_t v) { memcpy(ram_buf + gpa, &v, 4); }

static void ram_setup(void)
{
	free(ram_buf);
	ram_buf = calloc(1, RAM_SIZE);
	ram = (struct mmio_guest_ram){ ram_buf, RAM_SIZE };
}

static void test_walk_off(void)
{
	ram_setup();
	struct mmio_paging_state ps = { MMIO_PAGING_OFF, 0, false };
	uint64_t gpa = 0;
	CHECK_EQ(mmio_translate(&ram, &ps, 0x123456, &gpa), MMIO_WALK_OK);
	CHECK_EQ(gpa, 0x123456);
	static const uint8_t code[] = { 0x8b, 0x06 };
	memcpy(ram_buf + 0x1000, code, sizeof code);
	uint8_t buf[15];
	unsigned got;
	/* up to the end of RAM: fewer bytes, and then an error */
	CHECK_EQ(mmio_fetch(&ram, &ps, RAM_SIZE - 4, buf, sizeof buf, &got), MMIO_WALK_OUTSIDE_RAM);
	CHECK_EQ(got, 4);
	CHECK_EQ(mmio_fetch(&ram, &ps, 0x1000, buf, sizeof buf, &got), MMIO_WALK_OK);
	CHECK_EQ(got, 15);
	CHECK(memcmp(buf, code, sizeof code) == 0);
}

static void test_walk_4level(void)
{
	ram_setup();
	/* PML4 at 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000. */
	put64(0x1000, 0x2000 | 1);
	put64(0x2000, 0x3000 | 1);
	put64(0x2000 + 3 * 8, 0x0 | 0x81);           /* 1 GiB page at 3 GiB -> 0 */
	put64(0x3000, 0x4000 | 1);                   /* 0-2 MiB via PT */
	put64(0x3000 + 8, 0x200000 | 0x81);          /* 2-4 MiB: 2 MiB page at 2 MiB */
	put64(0x4000 + 5 * 8, 0x7000 | 1);           /* page 5 -> 0x7000 */
	put64(0x4000 + 6 * 8, 0x8000 | 1);           /* page 6 -> 0x8000 */
	struct mmio_paging_state ps = { MMIO_PAGING_4LEVEL, 0x1000 | 0x18, false };   /* PWT/PCD ignored */
	uint64_t gpa;
	CHECK_EQ(mmio_translate(&ram, &ps, 0x5123, &gpa), MMIO_WALK_OK);
	CHECK_EQ(gpa, 0x7123);
	CHECK_EQ(mmio_translate(&ram, &ps, 0x212345, &gpa), MMIO_WALK_OK);
	CHECK_EQ(gpa, 0x212345);
	CHECK_EQ(mmio_translate(&ram, &ps, 0xc0001234ULL, &gpa), MMIO_WALK_OK);
	CHECK_EQ(gpa, 0x1234);
	CHECK_EQ(mmio_translate(&ram, &ps, 0x9000, &gpa), MMIO_WALK_NOT_PRESENT);
	CHECK_EQ(mmio_translate(&ram, &ps, 1ULL << 39, &gpa), MMIO_WALK_NOT_PRESENT);
	/* an instruction across pages 5 and 6, which are not adjacent in guest-physical memory */
	ram_buf[0x7ffe] = 0xc7; ram_buf[0x7fff] = 0x00;
	ram_buf[0x8000] = 0x01; ram_buf[0x8001] = 0x02; ram_buf[0x8002] = 0x03; ram_buf[0x8003] = 0x04;
	uint8_t buf[6];
	unsigned got;
	CHECK_EQ(mmio_fetch(&ram, &ps, 0x5ffe, buf, sizeof buf, &got), MMIO_WALK_OK);
	CHECK_EQ(got, 6);
	CHECK_EQ(mmio_decode(buf, got, MMIO_MODE_64, &in), MMIO_DECODE_OK);
	CHECK_EQ(in.imm, 0x04030201);
	/* mmio_insn_bytes: in place within a page, copied across one */
	enum mmio_walk_err we;
	uint8_t copy[15];
	const uint8_t *p = mmio_insn_bytes(&ram, &ps, 0x5100, copy, &got, &we);
	CHECK_EQ(we, MMIO_WALK_OK); CHECK_EQ(got, 15); CHECK(p == ram_buf + 0x7100);
	p = mmio_insn_bytes(&ram, &ps, 0x5ffe, copy, &got, &we);
	CHECK_EQ(we, MMIO_WALK_OK); CHECK_EQ(got, 15); CHECK(p == copy);
	CHECK_EQ(mmio_decode(p, got, MMIO_MODE_64, &in), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 6);
	p = mmio_insn_bytes(&ram, &ps, 0x9000, copy, &got, &we);
	CHECK_EQ(we, MMIO_WALK_NOT_PRESENT); CHECK_EQ(got, 0);
	p = mmio_insn_bytes(&ram, &ps, 0x6ff8, copy, &got, &we);
	CHECK_EQ(we, MMIO_WALK_NOT_PRESENT); CHECK_EQ(got, 8); CHECK(p == copy);
	/* the next page is absent: the fetch stops at the boundary */
	CHECK_EQ(mmio_fetch(&ram, &ps, 0x6ffe, buf, sizeof buf, &got), MMIO_WALK_NOT_PRESENT);
	CHECK_EQ(got, 2);
	/* hostile entries: a table outside RAM, a page outside RAM, CR3 outside RAM */
	put64(0x2000 + 8, 0x40000000ULL | 1);
	CHECK_EQ(mmio_translate(&ram, &ps, 0x40000000ULL, &gpa), MMIO_WALK_OUTSIDE_RAM);
	put64(0x4000 + 7 * 8, 0xfee00000ULL | 1);
	CHECK_EQ(mmio_translate(&ram, &ps, 0x7000, &gpa), MMIO_WALK_OUTSIDE_RAM);
	put64(0x2000 + 2 * 8, 0xfffffffff000ULL | 0x81);
	CHECK_EQ(mmio_translate(&ram, &ps, 0x80000000ULL, &gpa), MMIO_WALK_OUTSIDE_RAM);
	struct mmio_paging_state bad = { MMIO_PAGING_4LEVEL, RAM_SIZE, false };
	CHECK_EQ(mmio_translate(&ram, &bad, 0xff8000000000ULL, &gpa), MMIO_WALK_OUTSIDE_RAM);
	bad.mode = MMIO_PAGING_UNSUPPORTED;
	CHECK_EQ(mmio_translate(&ram, &bad, 0, &gpa), MMIO_WALK_UNSUPPORTED);
	CHECK(strcmp(mmio_walk_err_name(MMIO_WALK_UNSUPPORTED), "guest paging mode not supported") == 0);
}

static void test_walk_pae_and_32(void)
{
	ram_setup();
	/* PAE: PDPT at 0x1020 (32-byte aligned), PD 0x2000, PT 0x3000 */
	put64(0x1020 + 3 * 8, 0x2000 | 1);
	put64(0x2000 + 0x1f7 * 8, 0x200000 | 0x81);   /* 0xfee00000 region -> 2 MiB page at 2 MiB */
	put64(0x2000 + 0x1f6 * 8, 0x3000 | 1);
	put64(0x3000 + 2 * 8, 0x5000 | 1);
	struct mmio_paging_state ps = { MMIO_PAGING_PAE, 0x1020, false };
	uint64_t gpa;
	CHECK_EQ(mmio_translate(&ram, &ps, 0xfee00030ULL, &gpa), MMIO_WALK_OK);
	CHECK_EQ(gpa, 0x200030);
	CHECK_EQ(mmio_translate(&ram, &ps, 0xfec02010ULL, &gpa), MMIO_WALK_OK);
	CHECK_EQ(gpa, 0x5010);
	CHECK_EQ(mmio_translate(&ram, &ps, 0x10, &gpa), MMIO_WALK_NOT_PRESENT);

	/* 32-bit paging: PD at 0x8000, PT at 0x9000 */
	put32(0x8000, 0x9000 | 1);
	put32(0x9000 + 3 * 4, 0xa000 | 1);
	put32(0x8000 + 1 * 4, 0x400000 | 0x81);      /* 4 MiB page at 4 MiB: outside 4 MiB of RAM */
	put32(0x8000 + 2 * 4, 0x000000 | 0x81);
	struct mmio_paging_state p32 = { MMIO_PAGING_32, 0x8000, true };
	CHECK_EQ(mmio_translate(&ram, &p32, 0x3456, &gpa), MMIO_WALK_OK);
	CHECK_EQ(gpa, 0xa456);
	CHECK_EQ(mmio_translate(&ram, &p32, 0x812345, &gpa), MMIO_WALK_OK);
	CHECK_EQ(gpa, 0x012345);
	CHECK_EQ(mmio_translate(&ram, &p32, 0x412345, &gpa), MMIO_WALK_OUTSIDE_RAM);
	/* without CR4.PSE the PS bit is ignored: the entry is a table pointer (0 -> PT at 0) */
	p32.pse = false;
	CHECK_EQ(mmio_translate(&ram, &p32, 0x800000, &gpa), MMIO_WALK_NOT_PRESENT);
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
	RUN(test_walk_off);
	RUN(test_walk_4level);
	RUN(test_walk_pae_and_32);
	free(ram_buf);
	return CHECK_EXIT();
}
