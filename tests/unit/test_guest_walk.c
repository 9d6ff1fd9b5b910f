/*
 * Host tests for the guest page walk: 4-level, PAE and 32-bit tables with
 * large pages and hostile entries pointing outside RAM, access rights with
 * and without CR0.WP and from user mode, the accessed and dirty flags, the
 * #PF error code, and copies across pages that are not adjacent in
 * guest-physical memory.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/paging.h"
#include "vmx/guest_walk.h"
#include "vmx/mmio_decode.h"
#include "check.h"

#define RD ((struct guest_access){ false, false })
#define WR ((struct guest_access){ true, false })
#define USER_RD ((struct guest_access){ false, true })
#define USER_WR ((struct guest_access){ true, true })

static struct mmio_insn in;


#define RAM_SIZE (4u << 20)
static uint8_t *ram_buf;
static struct guest_ram ram;

static void put64(uint64_t gpa, uint64_t v) { memcpy(ram_buf + gpa, &v, 8); }
static void put32(uint64_t gpa, uint32_t v) { memcpy(ram_buf + gpa, &v, 4); }

static void ram_setup(void)
{
	free(ram_buf);
	ram_buf = calloc(1, RAM_SIZE);
	ram = (struct guest_ram){ ram_buf, RAM_SIZE };
}

/* A read of max bytes at linear through guest_copy: the old fetch's contract. */
static enum guest_walk_err fetch(const struct guest_paging *ps, uint64_t linear, uint8_t *buf, unsigned max,
                                 unsigned *got)
{
	size_t done = 0;
	uint64_t fault;
	enum guest_walk_err e = guest_copy(&ram, ps, linear, buf, max, RD, &done, &fault);
	*got = (unsigned)done;
	return e;
}

static void test_walk_off(void)
{
	ram_setup();
	struct guest_paging ps = { GUEST_PAGING_OFF, 0, false, true };
	uint64_t gpa = 0;
	CHECK_EQ(guest_walk(&ram, &ps, 0x123456, RD, &gpa), GUEST_WALK_OK);
	CHECK_EQ(gpa, 0x123456);
	static const uint8_t code[] = { 0x8b, 0x06 };
	memcpy(ram_buf + 0x1000, code, sizeof code);
	uint8_t buf[15];
	unsigned got;
	/* up to the end of RAM: fewer bytes, and then an error */
	CHECK_EQ(fetch(&ps, RAM_SIZE - 4, buf, sizeof buf, &got), GUEST_WALK_OUTSIDE_RAM);
	CHECK_EQ(got, 4);
	CHECK_EQ(fetch(&ps, 0x1000, buf, sizeof buf, &got), GUEST_WALK_OK);
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
	struct guest_paging ps = { GUEST_PAGING_4LEVEL, 0x1000 | 0x18, false, true };   /* PWT/PCD ignored */
	uint64_t gpa;
	CHECK_EQ(guest_walk(&ram, &ps, 0x5123, RD, &gpa), GUEST_WALK_OK);
	CHECK_EQ(gpa, 0x7123);
	CHECK_EQ(guest_walk(&ram, &ps, 0x212345, RD, &gpa), GUEST_WALK_OK);
	CHECK_EQ(gpa, 0x212345);
	CHECK_EQ(guest_walk(&ram, &ps, 0xc0001234ULL, RD, &gpa), GUEST_WALK_OK);
	CHECK_EQ(gpa, 0x1234);
	CHECK_EQ(guest_walk(&ram, &ps, 0x9000, RD, &gpa), GUEST_WALK_NOT_PRESENT);
	CHECK_EQ(guest_walk(&ram, &ps, 1ULL << 39, RD, &gpa), GUEST_WALK_NOT_PRESENT);
	/* an instruction across pages 5 and 6, which are not adjacent in guest-physical memory */
	ram_buf[0x7ffe] = 0xc7; ram_buf[0x7fff] = 0x00;
	ram_buf[0x8000] = 0x01; ram_buf[0x8001] = 0x02; ram_buf[0x8002] = 0x03; ram_buf[0x8003] = 0x04;
	uint8_t buf[6];
	unsigned got;
	CHECK_EQ(fetch(&ps, 0x5ffe, buf, sizeof buf, &got), GUEST_WALK_OK);
	CHECK_EQ(got, 6);
	CHECK_EQ(mmio_decode(buf, got, MMIO_MODE_64, &in), MMIO_DECODE_OK);
	CHECK_EQ(in.imm, 0x04030201);
	/* guest_insn_bytes: in place within a page, copied across one */
	enum guest_walk_err we;
	uint8_t copy[15];
	const uint8_t *p = guest_insn_bytes(&ram, &ps, 0x5100, RD, copy, 15, &got, &we);
	CHECK_EQ(we, GUEST_WALK_OK); CHECK_EQ(got, 15); CHECK(p == ram_buf + 0x7100);
	p = guest_insn_bytes(&ram, &ps, 0x5ffe, RD, copy, 15, &got, &we);
	CHECK_EQ(we, GUEST_WALK_OK); CHECK_EQ(got, 15); CHECK(p == copy);
	CHECK_EQ(mmio_decode(p, got, MMIO_MODE_64, &in), MMIO_DECODE_OK);
	CHECK_EQ(in.len, 6);
	p = guest_insn_bytes(&ram, &ps, 0x9000, RD, copy, 15, &got, &we);
	CHECK_EQ(we, GUEST_WALK_NOT_PRESENT); CHECK_EQ(got, 0);
	p = guest_insn_bytes(&ram, &ps, 0x6ff8, RD, copy, 15, &got, &we);
	CHECK_EQ(we, GUEST_WALK_NOT_PRESENT); CHECK_EQ(got, 8); CHECK(p == copy);
	/* the next page is absent: the fetch stops at the boundary */
	CHECK_EQ(fetch(&ps, 0x6ffe, buf, sizeof buf, &got), GUEST_WALK_NOT_PRESENT);
	CHECK_EQ(got, 2);
	/* hostile entries: a table outside RAM, a page outside RAM, CR3 outside RAM */
	put64(0x2000 + 8, 0x40000000ULL | 1);
	CHECK_EQ(guest_walk(&ram, &ps, 0x40000000ULL, RD, &gpa), GUEST_WALK_OUTSIDE_RAM);
	put64(0x4000 + 7 * 8, 0xfee00000ULL | 1);
	CHECK_EQ(guest_walk(&ram, &ps, 0x7000, RD, &gpa), GUEST_WALK_OUTSIDE_RAM);
	put64(0x2000 + 2 * 8, 0xfffffffff000ULL | 0x81);
	CHECK_EQ(guest_walk(&ram, &ps, 0x80000000ULL, RD, &gpa), GUEST_WALK_OUTSIDE_RAM);
	struct guest_paging bad = { GUEST_PAGING_4LEVEL, RAM_SIZE, false, true };
	CHECK_EQ(guest_walk(&ram, &bad, 0xff8000000000ULL, RD, &gpa), GUEST_WALK_OUTSIDE_RAM);
	bad.mode = GUEST_PAGING_UNSUPPORTED;
	CHECK_EQ(guest_walk(&ram, &bad, 0, RD, &gpa), GUEST_WALK_UNSUPPORTED);
	CHECK(strcmp(guest_walk_err_name(GUEST_WALK_UNSUPPORTED), "guest paging mode not supported") == 0);
}

static void test_walk_pae_and_32(void)
{
	ram_setup();
	/* PAE: PDPT at 0x1020 (32-byte aligned), PD 0x2000, PT 0x3000 */
	put64(0x1020 + 3 * 8, 0x2000 | 1);
	put64(0x2000 + 0x1f7 * 8, 0x200000 | 0x81);   /* 0xfee00000 region -> 2 MiB page at 2 MiB */
	put64(0x2000 + 0x1f6 * 8, 0x3000 | 1);
	put64(0x3000 + 2 * 8, 0x5000 | 1);
	struct guest_paging ps = { GUEST_PAGING_PAE, 0x1020, false, true };
	uint64_t gpa;
	CHECK_EQ(guest_walk(&ram, &ps, 0xfee00030ULL, RD, &gpa), GUEST_WALK_OK);
	CHECK_EQ(gpa, 0x200030);
	CHECK_EQ(guest_walk(&ram, &ps, 0xfec02010ULL, RD, &gpa), GUEST_WALK_OK);
	CHECK_EQ(gpa, 0x5010);
	CHECK_EQ(guest_walk(&ram, &ps, 0x10, RD, &gpa), GUEST_WALK_NOT_PRESENT);

	/* 32-bit paging: PD at 0x8000, PT at 0x9000 */
	put32(0x8000, 0x9000 | 1);
	put32(0x9000 + 3 * 4, 0xa000 | 1);
	put32(0x8000 + 1 * 4, 0x400000 | 0x81);      /* 4 MiB page at 4 MiB: outside 4 MiB of RAM */
	put32(0x8000 + 2 * 4, 0x000000 | 0x81);
	struct guest_paging p32 = { GUEST_PAGING_32, 0x8000, true, true };
	CHECK_EQ(guest_walk(&ram, &p32, 0x3456, RD, &gpa), GUEST_WALK_OK);
	CHECK_EQ(gpa, 0xa456);
	CHECK_EQ(guest_walk(&ram, &p32, 0x812345, RD, &gpa), GUEST_WALK_OK);
	CHECK_EQ(gpa, 0x012345);
	CHECK_EQ(guest_walk(&ram, &p32, 0x412345, RD, &gpa), GUEST_WALK_OUTSIDE_RAM);
	/* without CR4.PSE the PS bit is ignored: the entry is a table pointer (0 -> PT at 0) */
	p32.pse = false;
	CHECK_EQ(guest_walk(&ram, &p32, 0x800000, RD, &gpa), GUEST_WALK_NOT_PRESENT);
}


static uint64_t get64(uint64_t gpa) { uint64_t v; memcpy(&v, ram_buf + gpa, 8); return v; }

static void test_rights_and_flags(void)
{
	ram_setup();
	/* 4-level: PML4 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000; page 0 writable user, page 1 read-only user, page 2 supervisor */
	put64(0x1000, 0x2000 | 7);
	put64(0x2000, 0x3000 | 7);
	put64(0x3000, 0x4000 | 7);
	put64(0x4000 + 0 * 8, 0x10000 | 7);
	put64(0x4000 + 1 * 8, 0x11000 | 5);
	put64(0x4000 + 2 * 8, 0x12000 | 3);
	struct guest_paging ps = { GUEST_PAGING_4LEVEL, 0x1000, false, true };
	uint64_t gpa;
	CHECK_EQ(guest_walk(&ram, &ps, 0x1010, USER_WR, &gpa), GUEST_WALK_PROTECTION);
	CHECK_EQ(guest_walk(&ram, &ps, 0x1010, WR, &gpa), GUEST_WALK_PROTECTION);   /* CR0.WP */
	/* a fault sets no flag */
	CHECK_EQ(get64(0x1000) & X86_PTE_A, 0);
	CHECK_EQ(get64(0x4000 + 8) & (X86_PTE_A | X86_PTE_D), 0);
	CHECK_EQ(guest_walk(&ram, &ps, 0x1010, USER_RD, &gpa), GUEST_WALK_OK);
	CHECK_EQ(gpa, 0x11010);
	CHECK_EQ(get64(0x4000 + 8) & (X86_PTE_A | X86_PTE_D), X86_PTE_A);
	ps.wp = false;
	CHECK_EQ(guest_walk(&ram, &ps, 0x1010, WR, &gpa), GUEST_WALK_OK);   /* supervisor, WP clear */
	CHECK_EQ(get64(0x4000 + 8) & (X86_PTE_A | X86_PTE_D), X86_PTE_A | X86_PTE_D);
	CHECK_EQ(guest_walk(&ram, &ps, 0x1010, USER_WR, &gpa), GUEST_WALK_PROTECTION);   /* user: WP does not matter */
	CHECK_EQ(guest_walk(&ram, &ps, 0x2010, USER_RD, &gpa), GUEST_WALK_PROTECTION);
	CHECK_EQ(guest_walk(&ram, &ps, 0x2010, WR, &gpa), GUEST_WALK_OK);
	/* every level used got A; only the leaf got D; the other bits are untouched */
	CHECK_EQ(get64(0x1000), 0x2000 | 7 | X86_PTE_A);
	CHECK_EQ(get64(0x3000), 0x4000 | 7 | X86_PTE_A);
	CHECK_EQ(get64(0x4000 + 16), 0x12000 | 3 | X86_PTE_A | X86_PTE_D);
	/* a read-only bit higher up forbids writes below it */
	put64(0x2000, 0x3000 | 5);
	ps.wp = true;
	CHECK_EQ(guest_walk(&ram, &ps, 0x10, WR, &gpa), GUEST_WALK_PROTECTION);
	/* error codes */
	CHECK_EQ(guest_walk_pf_code(GUEST_WALK_NOT_PRESENT, RD), 0);
	CHECK_EQ(guest_walk_pf_code(GUEST_WALK_NOT_PRESENT, USER_WR), PFEC_W | PFEC_U);
	CHECK_EQ(guest_walk_pf_code(GUEST_WALK_PROTECTION, WR), PFEC_P | PFEC_W);
	CHECK(strcmp(guest_walk_err_name(GUEST_WALK_PROTECTION), "not allowed by the guest's page tables") == 0);
}

static void test_copy(void)
{
	ram_setup();
	put64(0x1000, 0x2000 | 3);
	put64(0x2000, 0x3000 | 3);
	put64(0x3000, 0x4000 | 3);
	put64(0x4000 + 5 * 8, 0x7000 | 3);
	put64(0x4000 + 6 * 8, 0x9000 | 1);           /* read-only */
	struct guest_paging ps = { GUEST_PAGING_4LEVEL, 0x1000, false, true };
	uint8_t src[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, dst[8];
	size_t done;
	uint64_t fault = 0;
	/* a write across into the read-only page: the first half lands, the fault names the page */
	CHECK_EQ(guest_copy(&ram, &ps, 0x5ffc, src, 8, WR, &done, &fault), GUEST_WALK_PROTECTION);
	CHECK_EQ(done, 4); CHECK_EQ(fault, 0x6000);
	CHECK(memcmp(ram_buf + 0x7ffc, src, 4) == 0);
	memcpy(ram_buf + 0x9000, src + 4, 4);
	CHECK_EQ(guest_copy(&ram, &ps, 0x5ffc, dst, 8, RD, &done, &fault), GUEST_WALK_OK);
	CHECK_EQ(done, 8); CHECK(memcmp(dst, src, 8) == 0);
	/* a probe copies nothing and checks the same */
	memset(ram_buf + 0x7ffc, 0, 4);
	CHECK_EQ(guest_copy(&ram, &ps, 0x5ffc, 0, 8, WR, &done, &fault), GUEST_WALK_PROTECTION);
	CHECK_EQ(done, 4); CHECK_EQ(ram_buf[0x7ffc], 0);
	CHECK_EQ(guest_copy(&ram, &ps, 0x7000, 0, 1, WR, &done, &fault), GUEST_WALK_NOT_PRESENT);
	CHECK_EQ(fault, 0x7000);
	/* 32-bit modes wrap linear addresses at 4 GiB */
	struct guest_paging p32 = { GUEST_PAGING_32, 0x8000, true, true };
	CHECK_EQ(guest_linear_wrap(&p32, 0x100001000ULL), 0x1000);
	CHECK_EQ(guest_linear_wrap(&ps, 0x100001000ULL), 0x100001000ULL);
}

static void test_pae_pdpte_untouched(void)
{
	ram_setup();
	put64(0x1020, 0x2000 | 1);
	put64(0x2000, 0x3000 | 3);
	put64(0x3000, 0x5000 | 3);
	struct guest_paging ps = { GUEST_PAGING_PAE, 0x1020, false, true };
	uint64_t gpa;
	CHECK_EQ(guest_walk(&ram, &ps, 0x10, WR, &gpa), GUEST_WALK_OK);
	CHECK_EQ(gpa, 0x5010);
	CHECK_EQ(get64(0x1020), 0x2000 | 1);   /* PDPTE bits 5 and 6 are reserved: never set */
	CHECK_EQ(get64(0x3000), 0x5000 | 3 | X86_PTE_A | X86_PTE_D);
}

int main(void)
{
	RUN(test_walk_off);
	RUN(test_walk_4level);
	RUN(test_walk_pae_and_32);
	RUN(test_rights_and_flags);
	RUN(test_copy);
	RUN(test_pae_pdpte_untouched);
	free(ram_buf);
	return CHECK_EXIT();
}
