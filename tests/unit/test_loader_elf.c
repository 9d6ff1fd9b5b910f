/*
 * Host tests for the kernel loaders, part one: telling the formats apart, and
 * the Hinoki ELF64 loader on synthetic images (tests/unit/loader_images.h):
 * placement, zeroed bss, boot information, GDT and page tables, ramdisk;
 * then corrupt variants, each of which must fail with a sentence naming the
 * problem and never write outside guest RAM. Argument and error-buffer
 * handling common to both protocols is here too.
 */
#include "tests/unit/loader_images.h"

/* ---- detection ------------------------------------------------------------- */

static void test_detect_formats(void)
{
	struct elf64_spec s64 = elf64_default();
	size_t n = elf64_emit(&s64);
	CHECK_EQ(loader_detect(img, n), KERNEL_HINOKI_ELF64);
	put_mb_header(0x200, MB_HF_MEMORY_INFO);
	CHECK_EQ(loader_detect(img, n), KERNEL_MULTIBOOT);   /* Multiboot wins over ELF64 */

	struct elf32_spec s32 = elf32_default();
	n = elf32_emit(&s32);
	CHECK_EQ(loader_detect(img, n), KERNEL_MULTIBOOT);
	struct aout_spec sa = aout_default();
	n = aout_emit(&sa);
	CHECK_EQ(loader_detect(img, n), KERNEL_MULTIBOOT);

	memset(img, 0x90, IMG_MAX);
	CHECK_EQ(loader_detect(img, IMG_MAX), KERNEL_UNKNOWN);
	CHECK_EQ(loader_detect(NULL, 100), KERNEL_UNKNOWN);
	CHECK_EQ(loader_detect(img, 0), KERNEL_UNKNOWN);
	CHECK(strcmp(loader_format_name(KERNEL_HINOKI_ELF64), "Hinoki ELF64") == 0);
	CHECK(strcmp(loader_format_name(KERNEL_MULTIBOOT), "Multiboot") == 0);
	CHECK(strcmp(loader_format_name(KERNEL_UNKNOWN), "unknown") == 0);
}

static void test_detect_multiboot_rules(void)
{
	static uint8_t big[MB_SEARCH_LIMIT + 64];
	memset(big, 0, sizeof(big));
	uint32_t w[3] = { MB_HEADER_MAGIC, 0, 0u - MB_HEADER_MAGIC };

	memcpy(big + MB_SEARCH_LIMIT - 12, w, 12);       /* last place it fits */
	CHECK_EQ(loader_detect(big, sizeof(big)), KERNEL_MULTIBOOT);
	CHECK_EQ(loader_detect(big, MB_SEARCH_LIMIT - 1), KERNEL_UNKNOWN);  /* image cut inside it */
	memset(big, 0, sizeof(big));
	memcpy(big + MB_SEARCH_LIMIT - 8, w, 12);        /* straddles the 8 KiB limit */
	CHECK_EQ(loader_detect(big, sizeof(big)), KERNEL_UNKNOWN);
	memset(big, 0, sizeof(big));
	memcpy(big + 0x102, w, 12);                      /* not 4-byte aligned */
	CHECK_EQ(loader_detect(big, sizeof(big)), KERNEL_UNKNOWN);
	w[2]++;                                          /* bad checksum */
	memcpy(big + 0x100, w, 12);
	CHECK_EQ(loader_detect(big, sizeof(big)), KERNEL_UNKNOWN);
	CHECK_EQ(loader_find_multiboot(big, sizeof(big)), -1);
}

/* ---- Hinoki ELF64 ------------------------------------------------------------ */

static void test_elf64_load(void)
{
	struct elf64_spec s = elf64_default();
	struct load_params p = params(elf64_emit(&s));
	struct ram r;
	struct guest_entry e;

	CHECK_EQ(load(&p, &r, &e), 0);
	CHECK_EQ(err[0], 0);
	CHECK_EQ(e.format, KERNEL_HINOKI_ELF64);
	CHECK_EQ(e.mode, ENTRY_LONG64);
	CHECK_EQ(e.rip, 0x100010);
	CHECK_EQ(e.rsp, HINOKI_GPA_STACK_TOP);
	CHECK_EQ(e.rdi, HINOKI_GPA_BOOTINFO);
	CHECK_EQ(e.cr3, HINOKI_GPA_PML4);
	CHECK_EQ(e.gdt_base, HINOKI_GPA_GDT);
	CHECK_EQ(e.gdt_limit, 31);
	CHECK_EQ(e.code_sel, HINOKI_SEL_CODE64);
	CHECK_EQ(e.data_sel, HINOKI_SEL_DATA);
	CHECK_EQ(e.kernel_end, 0x102000);

	int bad = 0;
	for (size_t i = 0; i < 0x100; i++)
		bad += r.gm.base[0x100000 + i] != pattern(0x200 + i);
	for (size_t i = 0; i < 0x80; i++)
		bad += r.gm.base[0x101000 + i] != pattern(0x300 + i);
	for (size_t i = 0x80; i < 0x1000; i++)
		bad += r.gm.base[0x101000 + i] != 0;          /* bss zeroed */
	for (size_t i = 0x100; i < 0x1000; i++)
		bad += r.gm.base[0x100000 + i] != FILL;       /* gap between segments untouched */
	CHECK_EQ(bad, 0);
	CHECK_EQ(r.gm.base[0x102000], FILL);
	CHECK_EQ(r.gm.base[RAM_SIZE - 1], FILL);
	ram_free(&r);
}

static void test_elf64_bootinfo(void)
{
	struct elf64_spec s = elf64_default();
	struct load_params p = params(elf64_emit(&s));
	struct ram r;
	struct guest_entry e;
	struct hinoki_bootinfo bi;

	CHECK_EQ(load(&p, &r, &e), 0);
	memcpy(&bi, r.gm.base + HINOKI_GPA_BOOTINFO, sizeof(bi));
	CHECK_EQ(bi.magic, HINOKI_BOOT_MAGIC);
	CHECK_EQ(bi.version, HINOKI_BOOT_VERSION);
	CHECK_EQ(bi.domain_id, 3);
	CHECK_EQ(bi.mem_bytes, RAM_SIZE);
	CHECK_EQ(bi.cmdline_gpa, HINOKI_GPA_CMDLINE);
	CHECK_EQ(bi.ramdisk_gpa, 0);
	CHECK_EQ(bi.ramdisk_size, 0);
	CHECK_EQ(bi.vcpus, 2);
	CHECK_EQ(bi.flags, HINOKI_BOOT_F_MGMT);
	CHECK(strcmp(bi.domain_name, "hello") == 0);
	CHECK(strcmp((char *)r.gm.base + HINOKI_GPA_CMDLINE, "console=ttyS0 quiet") == 0);
	ram_free(&r);
}

static void test_elf64_gdt_and_page_tables(void)
{
	struct elf64_spec s = elf64_default();
	struct load_params p = params(elf64_emit(&s));
	struct ram r;
	struct guest_entry e;

	CHECK_EQ(load(&p, &r, &e), 0);
	CHECK_EQ(rd64(&r, HINOKI_GPA_GDT + 0x00), 0);
	CHECK_EQ(rd64(&r, HINOKI_GPA_GDT + HINOKI_SEL_CODE64), 0x00af9b000000ffffULL);
	CHECK_EQ(rd64(&r, HINOKI_GPA_GDT + HINOKI_SEL_DATA), 0x00cf93000000ffffULL);
	CHECK_EQ(rd64(&r, HINOKI_GPA_GDT + HINOKI_SEL_CODE32), 0x00cf9b000000ffffULL);

	CHECK_EQ(rd64(&r, HINOKI_GPA_PML4), HINOKI_GPA_PDPT | 3);
	for (uint64_t i = 1; i < 512; i++)
		CHECK_EQ(rd64(&r, HINOKI_GPA_PML4 + i * 8), 0);
	for (uint64_t t = 0; t < 4; t++)
		CHECK_EQ(rd64(&r, HINOKI_GPA_PDPT + t * 8), (HINOKI_GPA_PD + t * 0x1000) | 3);
	CHECK_EQ(rd64(&r, HINOKI_GPA_PDPT + 4 * 8), 0);
	int bad = 0;
	for (uint64_t i = 0; i < 2048; i++)
		bad += rd64(&r, HINOKI_GPA_PD + i * 8) != ((i << 21) | 0x83);
	CHECK_EQ(bad, 0);
	CHECK_EQ(rd64(&r, HINOKI_GPA_PD + 2047 * 8), 0xffe00083ULL);
	ram_free(&r);
}

static void test_elf64_ramdisk(void)
{
	struct elf64_spec s = elf64_default();
	struct load_params p = params(elf64_emit(&s));
	static uint8_t rd[10000];
	struct ram r;
	struct guest_entry e;
	struct hinoki_bootinfo bi;

	for (size_t i = 0; i < sizeof(rd); i++)
		rd[i] = (uint8_t)(i ^ 0x5a);
	s.ph[1].p_memsz = 0x1234;                         /* kernel_end not page aligned */
	p.kernel_len = elf64_emit(&s);
	p.ramdisk = rd;
	p.ramdisk_len = sizeof(rd);
	CHECK_EQ(load(&p, &r, &e), 0);
	CHECK_EQ(e.kernel_end, 0x102234);
	memcpy(&bi, r.gm.base + HINOKI_GPA_BOOTINFO, sizeof(bi));
	CHECK_EQ(bi.ramdisk_gpa, 0x103000);
	CHECK_EQ(bi.ramdisk_size, sizeof(rd));
	CHECK(memcmp(r.gm.base + 0x103000, rd, sizeof(rd)) == 0);
	ram_free(&r);

	/* Too big for RAM. */
	static uint8_t huge[RAM_SIZE];
	p.ramdisk = huge;
	p.ramdisk_len = RAM_SIZE - 0x103000 + 1;
	CHECK_EQ(load(&p, &r, &e), -1);
	CHECK(strstr(err, "ramdisk of") && strstr(err, "does not fit"));
	ram_free(&r);
	p.ramdisk_len = RAM_SIZE - 0x103000;                /* exactly fits */
	CHECK_EQ(load(&p, &r, &e), 0);
	ram_free(&r);
}

static void test_elf64_truncation_of_strings(void)
{
	struct elf64_spec s = elf64_default();
	struct load_params p = params(elf64_emit(&s));
	static char longline[6000];
	struct ram r;
	struct guest_entry e;
	struct hinoki_bootinfo bi;

	memset(longline, 'x', sizeof(longline) - 1);
	p.cmdline = longline;
	p.domain_name = "a-domain-name-that-is-much-longer-than-31";
	CHECK_EQ(load(&p, &r, &e), 0);
	CHECK_EQ(strlen((char *)r.gm.base + HINOKI_GPA_CMDLINE), HINOKI_CMDLINE_MAX - 1);
	CHECK_EQ(r.gm.base[HINOKI_GPA_CMDLINE + HINOKI_CMDLINE_MAX], 0);  /* next page (GDT) intact */
	memcpy(&bi, r.gm.base + HINOKI_GPA_BOOTINFO, sizeof(bi));
	CHECK_EQ(strlen(bi.domain_name), 31);
	CHECK(strncmp(bi.domain_name, "a-domain-name-that-is-much-long", 31) == 0);
	ram_free(&r);

	p.cmdline = NULL;
	p.domain_name = NULL;
	CHECK_EQ(load(&p, &r, &e), 0);
	CHECK_EQ(r.gm.base[HINOKI_GPA_CMDLINE], 0);
	ram_free(&r);
}

static void test_elf64_truncated_everywhere(void)
{
	struct elf64_spec s = elf64_default();
	size_t full = elf64_emit(&s);
	int unexpected = 0;

	for (size_t len = 0; len < full; len++) {
		struct load_params p = params(len);
		struct ram r;
		struct guest_entry e;
		if (load(&p, &r, &e) != -1 || err[0] == '\0')
			unexpected++;
		ram_free(&r);
	}
	CHECK_EQ(unexpected, 0);
	expect_fail(sizeof(Elf64_Ehdr) - 1, "truncated ELF64 header");
	expect_fail(sizeof(Elf64_Ehdr) + 10, "program header table");
	expect_fail(0x300, "segment 1: file bytes");
	expect_fail(3, "first bytes 7f 45 4c");
	expect_fail(0, "image is empty");
}

static void test_elf64_bad_headers(void)
{
	struct elf64_spec s;

	s = elf64_default(); s.eh.e_phoff = 0x7fffffffffffULL;
	expect_fail(elf64_emit(&s), "program header table (offset 0x7fffffffffff");
	s = elf64_default(); s.eh.e_phoff = UINT64_MAX - 8;
	expect_fail(elf64_emit(&s), "runs past the end");
	s = elf64_default(); s.eh.e_phnum = 0;
	expect_fail(elf64_emit(&s), "no program headers");
	s = elf64_default(); s.eh.e_phentsize = 32;
	expect_fail(elf64_emit(&s), "program header size is 32 bytes, expected 56");
	s = elf64_default(); s.eh.e_phnum = 65;
	expect_fail(elf64_emit(&s), "65 program headers");
	s = elf64_default(); s.eh.e_phnum = PN_XNUM;
	expect_fail(elf64_emit(&s), "program headers, at most");
	s = elf64_default(); s.eh.e_ident[EI_VERSION] = 0;
	expect_fail(elf64_emit(&s), "not EV_CURRENT");
	s = elf64_default(); s.ph[0].p_type = PT_NULL; s.ph[1].p_type = 6;
	expect_fail(elf64_emit(&s), "no loadable (PT_LOAD) segments");
	s = elf64_default(); s.eh.e_type = ET_DYN;
	expect_fail(elf64_emit(&s), "not a Hinoki ELF64 or Multiboot kernel (ELF class 2, type 3, "
	            "machine 62, and no Multiboot header)");
	s = elf64_default(); s.eh.e_ident[EI_DATA] = 2;
	expect_fail(elf64_emit(&s), "not a Hinoki ELF64 or Multiboot kernel (ELF class 2");
	struct elf32_spec s32 = elf32_default(); s32.mb_off = 0x104;
	elf32_emit(&s32);
	memset(img + 0x104, 0, 12);                        /* an ELF32 without its Multiboot header */
	expect_fail(s32.len, "(ELF class 1, type 2, machine 3, and no Multiboot header)");
	expect_fail(10, "truncated ELF header: the image is 10 bytes");
	s = elf64_default(); s.eh.e_machine = EM_386;
	expect_fail(elf64_emit(&s), "machine 3");
}

static void test_elf64_bad_segments(void)
{
	struct elf64_spec s;

	s = elf64_default(); s.ph[1].p_offset = 0x7fffffff00ULL;
	expect_fail(elf64_emit(&s), "ELF64 segment 1: file bytes [0x7fffffff00, +0x80) run past the end");
	s = elf64_default(); s.ph[0].p_offset = UINT64_MAX - 0x10;
	expect_fail(elf64_emit(&s), "segment 0: file bytes");
	s = elf64_default(); s.ph[1].p_paddr = UINT64_MAX - 0x100;
	expect_fail(elf64_emit(&s), "p_paddr 0xfffffffffffffeff + p_memsz 0x1000 overflows");
	s = elf64_default(); s.ph[1].p_vaddr = UINT64_MAX - 0x100;
	expect_fail(elf64_emit(&s), "p_vaddr");
	s = elf64_default(); s.ph[0].p_filesz = 0x101;
	expect_fail(elf64_emit(&s), "segment 0: p_filesz 0x101 is larger than p_memsz 0x100");
	s = elf64_default(); s.ph[1].p_paddr = RAM_SIZE - 0xfff;
	expect_fail(elf64_emit(&s), "ELF64 segment 1 ends at 0x800001 beyond guest RAM of 0x800000");
	s = elf64_default(); s.ph[0].p_paddr = 0xff000; s.eh.e_entry = 0xff010;
	expect_fail(elf64_emit(&s), "overlaps the first 1 MiB");
	s = elf64_default(); s.ph[0].p_paddr = 0x1000; s.ph[0].p_memsz = 0x100;
	expect_fail(elf64_emit(&s), "overlaps the first 1 MiB");
	s = elf64_default(); s.ph[1].p_paddr = 0x100080;
	expect_fail(elf64_emit(&s), "segments 0 and 1 overlap");
	s = elf64_default(); s.eh.e_entry = 0x100100;         /* just past segment 0 */
	expect_fail(elf64_emit(&s), "ELF64 entry point 0x100100 is not inside any loaded segment");
	s = elf64_default(); s.eh.e_entry = 0;
	expect_fail(elf64_emit(&s), "entry point 0x0");
}

static void test_elf64_empty_segments_skipped(void)
{
	struct elf64_spec s = elf64_default();
	struct ram r;
	struct guest_entry e;

	/* A PT_LOAD with memsz 0 anywhere (even below 1 MiB) is ignored. */
	s.eh.e_phnum = 3;
	s.ph[2] = (Elf64_Phdr){ PT_LOAD, PF_R, 0, 0x1000, 0x1000, 0, 0, 0x1000 };
	struct load_params p = params(elf64_emit(&s));
	CHECK_EQ(load(&p, &r, &e), 0);
	ram_free(&r);
}

static void test_elf64_above_4g(void)
{
	struct elf64_spec s = elf64_default();
	struct ram r = ram_new(8ULL << 30);
	struct guest_entry e;

	if (!r.map) {
		fprintf(stderr, "  (no 8 GiB address space; skipped)\n");
		return;
	}
	s.ph[1].p_paddr = 0xfffff800ULL;
	s.ph[1].p_vaddr = 0xfffff800ULL;
	struct load_params p = params(elf64_emit(&s));
	CHECK_EQ(loader_load(&p, &r.gm, &e, err, sizeof(err)), -1);
	CHECK(strstr(err, "above 4 GiB") != NULL);
	ram_free(&r);
}

static void test_small_ram_and_bad_args(void)
{
	struct elf64_spec s = elf64_default();
	struct load_params p = params(elf64_emit(&s));
	struct ram r = ram_new(2 * MIB - 0x1000);
	struct guest_entry e;

	CHECK_EQ(loader_load(&p, &r.gm, &e, err, sizeof(err)), -1);
	CHECK(strstr(err, "below the 2 MiB minimum") != NULL);
	ram_free(&r);
	r = ram_new(2 * MIB);
	CHECK_EQ(loader_load(&p, &r.gm, &e, err, sizeof(err)), 0);
	CHECK_EQ(loader_load(NULL, &r.gm, &e, err, sizeof(err)), -1);
	CHECK_EQ(loader_load(&p, NULL, &e, err, sizeof(err)), -1);
	CHECK_EQ(loader_load(&p, &r.gm, NULL, err, sizeof(err)), -1);
	p.ramdisk_len = 5;                                /* length without a pointer */
	CHECK_EQ(loader_load(&p, &r.gm, &e, err, sizeof(err)), -1);
	CHECK(strstr(err, "ramdisk pointer") != NULL);
	p.ramdisk_len = 0;
	p.kernel = NULL;
	CHECK_EQ(loader_load(&p, &r.gm, &e, err, sizeof(err)), -1);
	ram_free(&r);
}

static void test_error_buffer_limits(void)
{
	struct ram r = ram_new(RAM_SIZE);
	struct guest_entry e;
	struct load_params p = params(16);
	char small[8];

	memset(img, 0x42, 16);
	memset(small, 'z', sizeof(small));
	CHECK_EQ(loader_load(&p, &r.gm, &e, small, sizeof(small)), -1);
	CHECK_EQ(strlen(small), sizeof(small) - 1);
	CHECK(strcmp(small, "not a H") == 0);
	CHECK_EQ(loader_load(&p, &r.gm, &e, NULL, 0), -1);
	CHECK_EQ(loader_load(&p, &r.gm, &e, small, 0), -1);
	CHECK(strncmp(small, "not a H", 7) == 0);           /* untouched when errlen is 0 */
	expect_fail(16, "first bytes 42 42 42 42 42 42 42 42)");
	ram_free(&r);
}

int main(void)
{
	RUN(test_detect_formats);
	RUN(test_detect_multiboot_rules);
	RUN(test_elf64_load);
	RUN(test_elf64_bootinfo);
	RUN(test_elf64_gdt_and_page_tables);
	RUN(test_elf64_ramdisk);
	RUN(test_elf64_truncation_of_strings);
	RUN(test_elf64_truncated_everywhere);
	RUN(test_elf64_bad_headers);
	RUN(test_elf64_bad_segments);
	RUN(test_elf64_empty_segments_skipped);
	RUN(test_elf64_above_4g);
	RUN(test_small_ram_and_bad_args);
	RUN(test_error_buffer_limits);
	return CHECK_EXIT();
}
