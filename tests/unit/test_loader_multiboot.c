/*
 * Host tests for the kernel loaders, part two: the Multiboot 1 loader on
 * synthetic ELF32, ELF64 and a.out-kludge images (tests/unit/loader_images.h):
 * placement, the information structure, memory map, command line and module;
 * corrupt headers, each refused with a sentence naming the problem; and
 * random damage to images of all three kinds, which must never crash the
 * loader or let it write outside guest RAM.
 */
#include "tests/unit/loader_images.h"

/* ---- Multiboot --------------------------------------------------------------- */

/* The boot block: the first page past what was loaded (kernel, then module). */
static uint64_t block_after(uint64_t end)
{
	return (end + 0xfff) & ~0xfffULL;
}

static void check_mb_info(const struct ram *r, const struct guest_entry *e, const char *cmdline, bool mods)
{
	struct mb_info info;
	struct mb_mmap_entry map[3];

	memcpy(&info, r->gm.base + e->rbx, sizeof(info));
	CHECK_EQ(info.flags, MB_INFO_MEMORY | MB_INFO_CMDLINE | MB_INFO_MEM_MAP |
	         MB_INFO_BOOT_LOADER_NAME | (mods ? MB_INFO_MODS : 0));
	CHECK_EQ(info.mem_lower, 639);
	CHECK_EQ(info.mem_upper, (RAM_SIZE - MIB) / 1024);
	CHECK_EQ(info.cmdline, e->gdt_base + LOADER_MB_OFF_CMDLINE);
	CHECK(strcmp((char *)r->gm.base + info.cmdline, cmdline) == 0);
	CHECK(strcmp((char *)r->gm.base + info.boot_loader_name, "Hinoki") == 0);
	CHECK_EQ(info.mmap_length, 72);
	CHECK_EQ(info.mmap_addr, e->gdt_base + LOADER_MB_OFF_MMAP);
	memcpy(map, r->gm.base + info.mmap_addr, sizeof(map));
	CHECK_EQ(map[0].size, 20); CHECK_EQ(map[0].base_addr, 0);
	CHECK_EQ(map[0].length, 0x9f000); CHECK_EQ(map[0].type, MB_MMAP_AVAILABLE);
	CHECK_EQ(map[1].size, 20); CHECK_EQ(map[1].base_addr, 0x9f000);
	CHECK_EQ(map[1].length, 0x61000); CHECK_EQ(map[1].type, MB_MMAP_RESERVED);
	CHECK_EQ(map[2].size, 20); CHECK_EQ(map[2].base_addr, MIB);
	CHECK_EQ(map[2].length, RAM_SIZE - MIB); CHECK_EQ(map[2].type, MB_MMAP_AVAILABLE);
	if (!mods)
		CHECK_EQ(info.mods_count, 0);
}

static void check_prot32_entry(const struct guest_entry *e, uint64_t rip, uint64_t block)
{
	CHECK_EQ(e->format, KERNEL_MULTIBOOT);
	CHECK_EQ(e->mode, ENTRY_PROT32);
	CHECK_EQ(e->rip, rip);
	CHECK_EQ(e->rax, MB_BOOTLOADER_MAGIC);
	CHECK_EQ(e->rbx, block + LOADER_MB_OFF_INFO);
	CHECK_EQ(e->rsp, block + LOADER_MB_OFF_STACK_TOP);
	CHECK_EQ(e->cr3, 0);
	CHECK_EQ(e->gdt_base, block + LOADER_MB_OFF_GDT);
	CHECK_EQ(e->gdt_limit, 31);
	CHECK_EQ(e->code_sel, HINOKI_SEL_CODE32);
	CHECK_EQ(e->data_sel, HINOKI_SEL_DATA);
}

/* The image loads, entered at rip with its boot block at `block`. */
static void expect_ok_at(size_t len, uint64_t rip, uint64_t block)
{
	struct load_params p = params(len);
	struct ram r;
	struct guest_entry e;
	CHECK_EQ(load(&p, &r, &e), 0);
	check_prot32_entry(&e, rip, block);
	ram_free(&r);
}

static void test_mb_elf32_load(void)
{
	struct elf32_spec s = elf32_default();
	struct load_params p = params(elf32_emit(&s));
	struct ram r;
	struct guest_entry e;

	CHECK_EQ(load(&p, &r, &e), 0);
	check_prot32_entry(&e, 0x400020, 0x410000);
	CHECK_EQ(e.kernel_end, 0x410000);
	CHECK(memcmp(r.gm.base + 0x400000, img + 0x100, 0x200) == 0);
	int bad = 0;
	for (size_t i = 0x200; i < 0x10000; i++)
		bad += r.gm.base[0x400000 + i] != 0;
	CHECK_EQ(bad, 0);
	CHECK_EQ(r.gm.base[0x410000 + LOADER_MB_BLOCK_SIZE], FILL);
	CHECK_EQ(r.gm.base[0x3fffff], FILL);
	CHECK_EQ(r.gm.base[0x10000], FILL);   /* low memory is the kernel's */
	CHECK_EQ(rd64(&r, e.gdt_base + HINOKI_SEL_CODE32), 0x00cf9b000000ffffULL);
	CHECK_EQ(rd64(&r, e.gdt_base + HINOKI_SEL_DATA), 0x00cf93000000ffffULL);
	check_mb_info(&r, &e, "hello.elf console=ttyS0 quiet", false);
	ram_free(&r);
}

/* A video-mode request is a preference: the kernel loads, and the info says no video (flag bit 11 clear). */
static void test_mb_video_mode_declined(void)
{
	struct elf32_spec s = elf32_default();
	s.mb_flags |= MB_HF_VIDEO_MODE;
	struct load_params p = params(elf32_emit(&s));
	struct ram r;
	struct guest_entry e;

	CHECK_EQ(load(&p, &r, &e), 0);
	check_prot32_entry(&e, 0x400020, block_after(e.kernel_end));
	uint32_t flags;
	memcpy(&flags, r.gm.base + e.rbx, sizeof flags);
	CHECK_EQ(flags & (1u << 11), 0);
	ram_free(&r);
}

static void test_mb_module_and_cmdline(void)
{
	struct elf32_spec s = elf32_default();
	struct load_params p = params(elf32_emit(&s));
	static const char rd[] = "module contents";
	struct ram r;
	struct guest_entry e;
	struct mb_module mod;

	s.ph[0].p_memsz = 0x10001;
	p.kernel_len = elf32_emit(&s);
	p.ramdisk = rd;
	p.ramdisk_len = sizeof(rd);
	p.cmdline = "";
	CHECK_EQ(load(&p, &r, &e), 0);
	check_mb_info(&r, &e, "hello.elf", true);
	struct mb_info info;
	memcpy(&info, r.gm.base + e.rbx, sizeof(info));
	CHECK_EQ(info.mods_count, 1);
	memcpy(&mod, r.gm.base + info.mods_addr, sizeof(mod));
	CHECK_EQ(mod.mod_start, 0x411000);
	CHECK_EQ(mod.mod_end, 0x411000 + sizeof(rd));
	check_prot32_entry(&e, 0x400020, block_after(0x411000 + sizeof(rd)));   /* after the module */
	CHECK(strcmp((char *)r.gm.base + mod.string, "ramdisk") == 0);
	CHECK(memcmp(r.gm.base + mod.mod_start, rd, sizeof(rd)) == 0);
	ram_free(&r);

	p.ramdisk = NULL;
	p.ramdisk_len = 0;
	p.kernel_name = NULL;
	p.cmdline = NULL;
	CHECK_EQ(load(&p, &r, &e), 0);
	check_mb_info(&r, &e, "kernel", false);
	ram_free(&r);

	static char longx[5000];
	memset(longx, 'y', sizeof(longx) - 1);
	p.kernel_name = "k.elf";
	p.cmdline = longx;
	CHECK_EQ(load(&p, &r, &e), 0);
	char *cl = (char *)r.gm.base + e.gdt_base + LOADER_MB_OFF_CMDLINE;
	CHECK_EQ(strlen(cl), LOADER_MB_CMDLINE_MAX - 1);
	CHECK(strncmp(cl, "k.elf yyy", 9) == 0);
	ram_free(&r);
}

static void test_mb_entry_by_vaddr(void)
{
	struct elf32_spec s = elf32_default();
	struct ram r;
	struct guest_entry e;

	s.ph[0].p_vaddr = 0xc0400000u;
	s.eh.e_entry = 0xc0400040u;
	struct load_params p = params(elf32_emit(&s));
	CHECK_EQ(load(&p, &r, &e), 0);
	CHECK_EQ(e.rip, 0x400040);
	ram_free(&r);
	s.eh.e_entry = 0xc0500000u;
	expect_fail(elf32_emit(&s), "ELF32 entry point 0xc0500000 is not inside any loaded segment");
}

static void test_mb_elf64(void)
{
	struct elf64_spec s = elf64_default();
	struct ram r;
	struct guest_entry e;

	elf64_emit(&s);
	put_mb_header(0x200, MB_HF_MEMORY_INFO);
	struct load_params p = params(s.len);
	CHECK_EQ(load(&p, &r, &e), 0);
	check_prot32_entry(&e, 0x100010, block_after(e.kernel_end));
	CHECK_EQ(r.gm.base[0x101100], 0);
	ram_free(&r);
}

static void test_mb_elf32_corrupt(void)
{
	struct elf32_spec s;
	int unexpected = 0;

	s = elf32_default();
	size_t full = elf32_emit(&s);
	for (size_t len = 0; len < full; len++) {
		struct load_params p = params(len);
		struct ram r;
		struct guest_entry e;
		if (load(&p, &r, &e) != -1 || err[0] == '\0')
			unexpected++;
		ram_free(&r);
	}
	CHECK_EQ(unexpected, 0);
	s = elf32_default(); s.ph[0].p_paddr = 0x9e000; s.ph[0].p_vaddr = 0x9e000; s.eh.e_entry = 0x9e020;
	expect_fail(elf32_emit(&s), "legacy hole");
	/* Low memory is the kernel's, as under QEMU (kvm-unit-tests' realmode.flat loads at 0x8000). */
	s = elf32_default(); s.ph[0].p_paddr = 0x8000; s.ph[0].p_vaddr = 0x8000; s.eh.e_entry = 0x8020;
	s.ph[0].p_memsz = 0x286c;
	struct load_params p = params(elf32_emit(&s));
	struct ram r;
	struct guest_entry e;
	CHECK_EQ(load(&p, &r, &e), 0);
	CHECK_EQ(e.rip, 0x8020);
	check_prot32_entry(&e, 0x8020, 0xb000);
	check_mb_info(&r, &e, "hello.elf console=ttyS0 quiet", false);
	ram_free(&r);
	/* A block that would reach into the legacy hole goes to 1 MiB. */
	s = elf32_default(); s.ph[0].p_paddr = 0x98000; s.ph[0].p_vaddr = 0x98000; s.eh.e_entry = 0x98020;
	s.ph[0].p_memsz = 0x1000;
	p = params(elf32_emit(&s));
	CHECK_EQ(load(&p, &r, &e), 0);
	check_prot32_entry(&e, 0x98020, MIB);
	ram_free(&r);
	s.ph[0].p_paddr = s.ph[0].p_vaddr = 0x90000; s.eh.e_entry = 0x90020;   /* the block just fits below it */
	p = params(elf32_emit(&s));
	CHECK_EQ(load(&p, &r, &e), 0);
	check_prot32_entry(&e, 0x90020, 0x91000);
	ram_free(&r);
	/* No room after the kernel: refused, saying so. */
	s = elf32_default(); s.ph[0].p_memsz = RAM_SIZE - 0x400000 - 0x1000;
	expect_fail(elf32_emit(&s), "no room for the Multiboot information");
}

static void test_mb_elf32_bad_headers(void)
{
	struct elf32_spec s;
	struct load_params p;
	struct ram r;
	struct guest_entry e;

	s = elf32_default(); s.ph[0].p_memsz = 0x500000;
	expect_fail(elf32_emit(&s), "ELF32 segment 0 ends at 0x900000 beyond guest RAM of 0x800000");
	s = elf32_default(); s.ph[0].p_offset = 0xfffffff0u;
	expect_fail(elf32_emit(&s), "run past the end");
	s = elf32_default(); s.ph[0].p_filesz = 0x20000;
	expect_fail(elf32_emit(&s), "p_filesz 0x20000 is larger than p_memsz 0x10000");
	s = elf32_default(); s.eh.e_machine = EM_X86_64;
	expect_fail(elf32_emit(&s), "ELF32 machine 62 is not EM_386");
	s = elf32_default(); s.eh.e_phoff = 0xffffff00u;
	expect_fail(elf32_emit(&s), "ELF32 program header table");
	s = elf32_default(); s.eh.e_entry = 0x300000;
	expect_fail(elf32_emit(&s), "entry point 0x300000");
	s = elf32_default(); s.mb_flags |= 1u << 5;
	expect_fail(elf32_emit(&s), "required flag bits 0x20");
	s = elf32_default(); s.mb_flags |= 1u << 20;        /* optional bits are ignored */
	p = params(elf32_emit(&s));
	CHECK_EQ(load(&p, &r, &e), 0);
	ram_free(&r);
	/* Bad checksum: not detected as Multiboot, and the error says why. */
	s = elf32_default();
	elf32_emit(&s);
	img[s.mb_off + 8] ^= 1;
	expect_fail(s.len, "Multiboot header at offset 0x100 has a bad checksum");
	/* Multiboot header in something that is not ELF and has no kludge. */
	memset(img, 0, IMG_MAX);
	put_mb_header(0x10, MB_HF_MEMORY_INFO);
	expect_fail(0x100, "must be an ELF32 i386 or ELF64 x86-64 executable");
}

static void test_mb_aout_load(void)
{
	struct aout_spec s = aout_default();
	struct load_params p = params(aout_emit(&s));
	struct ram r;
	struct guest_entry e;

	CHECK_EQ(load(&p, &r, &e), 0);
	check_prot32_entry(&e, 0x200100, 0x203000);
	CHECK_EQ(e.kernel_end, 0x203000);
	CHECK(memcmp(r.gm.base + 0x200000, img, 0x400) == 0);
	int bad = 0;
	for (size_t i = 0x200400; i < 0x203000; i++)
		bad += r.gm.base[i] != 0;
	CHECK_EQ(bad, 0);
	CHECK_EQ(r.gm.base[0x203000 + LOADER_MB_BLOCK_SIZE], FILL);
	CHECK_EQ(r.gm.base[0x1fffff], FILL);
	check_mb_info(&r, &e, "hello.elf console=ttyS0 quiet", false);
	ram_free(&r);

	/* load_end_addr 0: to the end of the file; bss_end_addr 0: no bss. Loading from a later offset. */
	s = aout_default();
	s.h.load_addr = 0x200020;
	s.h.load_end_addr = 0;
	s.h.bss_end_addr = 0;
	p = params(aout_emit(&s));
	CHECK_EQ(load(&p, &r, &e), 0);
	CHECK_EQ(e.kernel_end, 0x200020 + 0x400 - 0x20);
	CHECK(memcmp(r.gm.base + 0x200020, img + 0x20, 0x3e0) == 0);
	CHECK_EQ(r.gm.base[0x200400], FILL);
	ram_free(&r);
}

static void test_mb_aout_corrupt(void)
{
	struct aout_spec s;

	s = aout_default(); s.h.load_addr = 0x200044;
	expect_fail(aout_emit(&s), "a.out kludge load_addr 0x200044 is above header_addr 0x200040");
	s = aout_default(); s.h.load_addr = 0x1fff00;
	expect_fail(aout_emit(&s), "is more than the header's file offset 0x40");
	s = aout_default(); s.h.load_end_addr = 0x1fffff;
	expect_fail(aout_emit(&s), "load_end_addr 0x1fffff is below load_addr 0x200000");
	s = aout_default(); s.h.load_end_addr = 0x200401;
	expect_fail(aout_emit(&s), "load range needs 0x401 bytes");
	s = aout_default(); s.h.bss_end_addr = 0x2003ff;
	expect_fail(aout_emit(&s), "bss_end_addr 0x2003ff is below the end of the loaded bytes 0x200400");
	s = aout_default(); s.h.entry_addr = 0x203000;
	expect_fail(aout_emit(&s), "a.out kludge entry point 0x203000");
	s = aout_default(); s.h.bss_end_addr = 0xffffffffu;
	expect_fail(aout_emit(&s), "beyond guest RAM");
	s = aout_default(); s.h.load_addr = 0x8000; s.h.header_addr = 0x8040;
	s.h.load_end_addr = 0x8400; s.h.bss_end_addr = 0; s.h.entry_addr = 0x8100;
	expect_ok_at(aout_emit(&s), 0x8100, 0x9000);
	s = aout_default(); s.h.load_addr = 0x0; s.h.header_addr = 0x40;
	s.h.load_end_addr = 0x40; s.h.bss_end_addr = 0; s.h.entry_addr = 0;
	expect_ok_at(aout_emit(&s), 0, 0x1000);
	s = aout_default(); s.h.load_end_addr = 0x200000; s.h.bss_end_addr = 0;
	expect_fail(aout_emit(&s), "load nothing");
	/* Kludge header whose address fields are cut off by the end of the file. */
	for (size_t len = 0x40 + 12; len < 0x40 + 32; len++) {
		s = aout_default();
		aout_emit(&s);
		expect_fail(len, "address fields run past");
	}
	/* ...or by the 8 KiB search limit. */
	s = aout_default();
	s.hoff = MB_SEARCH_LIMIT - 16;
	s.h.header_addr = 0x200000 + (uint32_t)s.hoff;
	s.h.load_end_addr = 0;
	s.len = IMG_MAX;
	expect_fail(aout_emit(&s), "address fields run past the first 8192 bytes");
}

/* Random damage to valid images: every outcome is 0 or -1 with text, nothing else. */
static void test_fuzz_headers(void)
{
	int bad = 0;
	struct ram r = ram_new(RAM_SIZE);
	srand(12345);
	for (int iter = 0; iter < 6000; iter++) {
		size_t len;
		int kind = iter % 3;
		if (kind == 0) {
			struct elf64_spec s = elf64_default();
			len = elf64_emit(&s);
		} else if (kind == 1) {
			struct elf32_spec s = elf32_default();
			len = elf32_emit(&s);
		} else {
			struct aout_spec s = aout_default();
			len = aout_emit(&s);
		}
		int flips = 1 + rand() % 6;
		for (int f = 0; f < flips; f++) {
			size_t at = (size_t)rand() % (kind == 2 ? 0x60 : 0x120);
			img[at] = (uint8_t)rand();
		}
		if (kind == 2) {                              /* keep the damaged header detectable */
			uint32_t w[3];
			memcpy(w, &img[0x40], sizeof(w));
			w[0] = MB_HEADER_MAGIC;
			w[2] = 0u - w[0] - w[1];
			memcpy(&img[0x40], w, sizeof(w));
		}
		if (rand() % 5 == 0)
			len = (size_t)rand() % (len + 1);
		struct load_params p = params(len);
		struct guest_entry e;
		err[0] = '\0';
		int rc = loader_load(&p, &r.gm, &e, err, sizeof(err));
		if (rc == -1 && err[0] == '\0')
			bad++;
		if (rc == 0 && (e.rip >= RAM_SIZE || e.kernel_end > RAM_SIZE))
			bad++;
		if (rc != 0 && rc != -1)
			bad++;
	}
	CHECK_EQ(bad, 0);
	ram_free(&r);
}

int main(void)
{
	RUN(test_mb_elf32_load);
	RUN(test_mb_video_mode_declined);
	RUN(test_mb_module_and_cmdline);
	RUN(test_mb_entry_by_vaddr);
	RUN(test_mb_elf64);
	RUN(test_mb_elf32_corrupt);
	RUN(test_mb_elf32_bad_headers);
	RUN(test_mb_aout_load);
	RUN(test_mb_aout_corrupt);
	RUN(test_fuzz_headers);
	return CHECK_EXIT();
}
