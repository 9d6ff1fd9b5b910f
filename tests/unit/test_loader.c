/*
 * Host tests for the kernel loaders: synthetic Hinoki ELF64, Multiboot ELF32,
 * Multiboot ELF64 and a.out-kludge images built here, checked for placement,
 * zeroed bss and boot structures; then corrupt variants, each of which must
 * fail with a sentence naming the problem and never write outside guest RAM
 * (which sits between PROT_NONE guard pages).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "boot/loader.h"
#include "boot/loader_internal.h"
#include "hinoki/bootinfo.h"
#include "hw/elf.h"
#include "hw/multiboot.h"
#include "tests/unit/check.h"

#define MIB      0x100000ULL
#define RAM_SIZE (8 * MIB)
#define GUARD    0x1000
#define FILL     0xAA
#define IMG_MAX  0x4000

/* ---- guarded guest RAM ---------------------------------------------------- */

struct ram { uint8_t *map; size_t total; struct guest_mem gm; };

static struct ram ram_new(uint64_t size)
{
	struct ram r = { 0 };
	r.total = size + 2 * GUARD;
	r.map = mmap(NULL, r.total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r.map == MAP_FAILED) {
		r.map = NULL;
		return r;
	}
	mprotect(r.map, GUARD, PROT_NONE);
	mprotect(r.map + GUARD + size, GUARD, PROT_NONE);
	r.gm.base = r.map + GUARD;
	r.gm.size = size;
	if (size <= RAM_SIZE)
		memset(r.gm.base, FILL, size);
	return r;
}

static void ram_free(struct ram *r)
{
	if (r->map)
		munmap(r->map, r->total);
}

static uint64_t rd64(const struct ram *r, uint64_t gpa)
{
	uint64_t v;
	memcpy(&v, r->gm.base + gpa, sizeof(v));
	return v;
}

static uint8_t pattern(size_t off) { return (uint8_t)(off * 7 + 3); }

static uint8_t img[IMG_MAX];
static char err[256];

static void fill_pattern(void)
{
	for (size_t i = 0; i < IMG_MAX; i++)
		img[i] = pattern(i);
}

/* ---- image builders -------------------------------------------------------- */

struct elf64_spec { Elf64_Ehdr eh; Elf64_Phdr ph[4]; size_t len; };

/* Two segments: text at 1 MiB, data+bss at 1 MiB + 4 KiB. */
static struct elf64_spec elf64_default(void)
{
	struct elf64_spec s = { 0 };
	memcpy(s.eh.e_ident, "\x7f" "ELF", 4);
	s.eh.e_ident[EI_CLASS] = ELFCLASS64;
	s.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	s.eh.e_ident[EI_VERSION] = EV_CURRENT;
	s.eh.e_type = ET_EXEC;
	s.eh.e_machine = EM_X86_64;
	s.eh.e_version = EV_CURRENT;
	s.eh.e_entry = 0x100010;
	s.eh.e_phoff = sizeof(Elf64_Ehdr);
	s.eh.e_ehsize = sizeof(Elf64_Ehdr);
	s.eh.e_phentsize = sizeof(Elf64_Phdr);
	s.eh.e_phnum = 2;
	s.ph[0] = (Elf64_Phdr){ PT_LOAD, PF_R | PF_X, 0x200, 0x100000, 0x100000, 0x100, 0x100, 0x1000 };
	s.ph[1] = (Elf64_Phdr){ PT_LOAD, PF_R | PF_W, 0x300, 0x101000, 0x101000, 0x80, 0x1000, 0x1000 };
	s.len = 0x380;
	return s;
}

static size_t elf64_emit(const struct elf64_spec *s)
{
	fill_pattern();
	memcpy(img, &s->eh, sizeof(s->eh));
	if (s->eh.e_phoff < IMG_MAX - sizeof(s->ph))
		memcpy(img + s->eh.e_phoff, s->ph, sizeof(s->ph[0]) * (s->eh.e_phnum < 4 ? s->eh.e_phnum : 4));
	return s->len;
}

static void put_mb_header(size_t off, uint32_t flags)
{
	uint32_t w[3] = { MB_HEADER_MAGIC, flags, 0u - MB_HEADER_MAGIC - flags };
	memcpy(img + off, w, sizeof(w));
}

struct elf32_spec { Elf32_Ehdr eh; Elf32_Phdr ph[2]; uint32_t mb_flags; size_t mb_off, len; };

/* One segment loaded at 4 MiB with 64 KiB of bss; the Multiboot header starts it. */
static struct elf32_spec elf32_default(void)
{
	struct elf32_spec s = { 0 };
	memcpy(s.eh.e_ident, "\x7f" "ELF", 4);
	s.eh.e_ident[EI_CLASS] = ELFCLASS32;
	s.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	s.eh.e_ident[EI_VERSION] = EV_CURRENT;
	s.eh.e_type = ET_EXEC;
	s.eh.e_machine = EM_386;
	s.eh.e_version = EV_CURRENT;
	s.eh.e_entry = 0x400020;
	s.eh.e_phoff = sizeof(Elf32_Ehdr);
	s.eh.e_ehsize = sizeof(Elf32_Ehdr);
	s.eh.e_phentsize = sizeof(Elf32_Phdr);
	s.eh.e_phnum = 1;
	s.ph[0] = (Elf32_Phdr){ PT_LOAD, 0x100, 0x400000, 0x400000, 0x200, 0x10000, PF_R | PF_X, 0x1000 };
	s.mb_flags = MB_HF_PAGE_ALIGN | MB_HF_MEMORY_INFO;
	s.mb_off = 0x100;
	s.len = 0x300;
	return s;
}

static size_t elf32_emit(const struct elf32_spec *s)
{
	fill_pattern();
	memcpy(img, &s->eh, sizeof(s->eh));
	if (s->eh.e_phoff < IMG_MAX - sizeof(s->ph))
		memcpy(img + s->eh.e_phoff, s->ph, sizeof(s->ph[0]) * (s->eh.e_phnum < 2 ? s->eh.e_phnum : 2));
	put_mb_header(s->mb_off, s->mb_flags);
	return s->len;
}

struct aout_spec { size_t hoff; struct mb_header h; size_t len; };

/* 1 KiB file loaded at 2 MiB, header 0x40 in, bss to 2 MiB + 12 KiB. */
static struct aout_spec aout_default(void)
{
	struct aout_spec s = { 0 };
	s.hoff = 0x40;
	s.h.magic = MB_HEADER_MAGIC;
	s.h.flags = MB_HF_AOUT_KLUDGE | MB_HF_MEMORY_INFO;
	s.h.header_addr = 0x200040;
	s.h.load_addr = 0x200000;
	s.h.load_end_addr = 0x200400;
	s.h.bss_end_addr = 0x203000;
	s.h.entry_addr = 0x200100;
	s.len = 0x400;
	return s;
}

static size_t aout_emit(const struct aout_spec *s)
{
	struct mb_header h = s->h;
	fill_pattern();
	h.checksum = 0u - h.magic - h.flags;
	memcpy(img + s->hoff, &h, sizeof(h));
	return s->len;
}

static struct load_params params(size_t len)
{
	return (struct load_params){
		.kernel = img, .kernel_len = len, .cmdline = "console=ttyS0 quiet",
		.kernel_name = "hello.elf", .domain_id = 3, .domain_name = "hello", .vcpus = 2,
		.boot_flags = HINOKI_BOOT_F_MGMT,
	};
}

/* Load into fresh guarded RAM; returns loader_load's result. */
static int load(const struct load_params *p, struct ram *r, struct guest_entry *e)
{
	*r = ram_new(RAM_SIZE);
	memset(err, 0, sizeof(err));
	return loader_load(p, &r->gm, e, err, sizeof(err));
}

/* Expect failure with text containing `want`. */
static void expect_fail(size_t len, const char *want)
{
	struct load_params p = params(len);
	struct ram r;
	struct guest_entry e;
	int rc = load(&p, &r, &e);
	CHECK_EQ(rc, -1);
	if (!strstr(err, want)) {
		fprintf(stderr, "  error \"%s\" lacks \"%s\"\n", err, want);
		CHECK(0);
	}
	ram_free(&r);
}

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

/* ---- Multiboot --------------------------------------------------------------- */

static void check_mb_info(const struct ram *r, const char *cmdline, bool mods)
{
	struct mb_info info;
	struct mb_mmap_entry map[3];

	memcpy(&info, r->gm.base + LOADER_MB_GPA_INFO, sizeof(info));
	CHECK_EQ(info.flags, MB_INFO_MEMORY | MB_INFO_CMDLINE | MB_INFO_MEM_MAP |
	         MB_INFO_BOOT_LOADER_NAME | (mods ? MB_INFO_MODS : 0));
	CHECK_EQ(info.mem_lower, 639);
	CHECK_EQ(info.mem_upper, (RAM_SIZE - MIB) / 1024);
	CHECK_EQ(info.cmdline, LOADER_MB_GPA_CMDLINE);
	CHECK(strcmp((char *)r->gm.base + info.cmdline, cmdline) == 0);
	CHECK(strcmp((char *)r->gm.base + info.boot_loader_name, "Hinoki") == 0);
	CHECK_EQ(info.mmap_length, 72);
	CHECK_EQ(info.mmap_addr, LOADER_MB_GPA_MMAP);
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

static void check_prot32_entry(const struct guest_entry *e, uint64_t rip)
{
	CHECK_EQ(e->format, KERNEL_MULTIBOOT);
	CHECK_EQ(e->mode, ENTRY_PROT32);
	CHECK_EQ(e->rip, rip);
	CHECK_EQ(e->rax, MB_BOOTLOADER_MAGIC);
	CHECK_EQ(e->rbx, LOADER_MB_GPA_INFO);
	CHECK_EQ(e->rsp, LOADER_MB_STACK_TOP);
	CHECK_EQ(e->cr3, 0);
	CHECK_EQ(e->gdt_base, LOADER_MB_GPA_GDT);
	CHECK_EQ(e->gdt_limit, 31);
	CHECK_EQ(e->code_sel, HINOKI_SEL_CODE32);
	CHECK_EQ(e->data_sel, HINOKI_SEL_DATA);
}

static void test_mb_elf32_load(void)
{
	struct elf32_spec s = elf32_default();
	struct load_params p = params(elf32_emit(&s));
	struct ram r;
	struct guest_entry e;

	CHECK_EQ(load(&p, &r, &e), 0);
	check_prot32_entry(&e, 0x400020);
	CHECK_EQ(e.kernel_end, 0x410000);
	CHECK(memcmp(r.gm.base + 0x400000, img + 0x100, 0x200) == 0);
	int bad = 0;
	for (size_t i = 0x200; i < 0x10000; i++)
		bad += r.gm.base[0x400000 + i] != 0;
	CHECK_EQ(bad, 0);
	CHECK_EQ(r.gm.base[0x410000], FILL);
	CHECK_EQ(r.gm.base[0x3fffff], FILL);
	CHECK_EQ(rd64(&r, LOADER_MB_GPA_GDT + HINOKI_SEL_CODE32), 0x00cf9b000000ffffULL);
	CHECK_EQ(rd64(&r, LOADER_MB_GPA_GDT + HINOKI_SEL_DATA), 0x00cf93000000ffffULL);
	check_mb_info(&r, "hello.elf console=ttyS0 quiet", false);
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
	check_mb_info(&r, "hello.elf", true);
	struct mb_info info;
	memcpy(&info, r.gm.base + LOADER_MB_GPA_INFO, sizeof(info));
	CHECK_EQ(info.mods_count, 1);
	memcpy(&mod, r.gm.base + info.mods_addr, sizeof(mod));
	CHECK_EQ(mod.mod_start, 0x411000);
	CHECK_EQ(mod.mod_end, 0x411000 + sizeof(rd));
	CHECK(strcmp((char *)r.gm.base + mod.string, "ramdisk") == 0);
	CHECK(memcmp(r.gm.base + mod.mod_start, rd, sizeof(rd)) == 0);
	ram_free(&r);

	p.ramdisk = NULL;
	p.ramdisk_len = 0;
	p.kernel_name = NULL;
	p.cmdline = NULL;
	CHECK_EQ(load(&p, &r, &e), 0);
	check_mb_info(&r, "kernel", false);
	ram_free(&r);

	static char longx[5000];
	memset(longx, 'y', sizeof(longx) - 1);
	p.kernel_name = "k.elf";
	p.cmdline = longx;
	CHECK_EQ(load(&p, &r, &e), 0);
	char *cl = (char *)r.gm.base + LOADER_MB_GPA_CMDLINE;
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
	check_prot32_entry(&e, 0x100010);
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
	s = elf32_default(); s.ph[0].p_paddr = 0x8000; s.ph[0].p_vaddr = 0x8000; s.eh.e_entry = 0x8020;
	expect_fail(elf32_emit(&s), "overlaps the boot information area");
	s = elf32_default(); s.ph[0].p_paddr = 0x9e000; s.ph[0].p_vaddr = 0x9e000; s.eh.e_entry = 0x9e020;
	expect_fail(elf32_emit(&s), "legacy hole");
	s = elf32_default(); s.ph[0].p_paddr = 0x10000; s.ph[0].p_vaddr = 0x10000; s.eh.e_entry = 0x10020;
	s.ph[0].p_memsz = 0x1000;
	struct load_params p = params(elf32_emit(&s));        /* low but clear of both: fine */
	struct ram r;
	struct guest_entry e;
	CHECK_EQ(load(&p, &r, &e), 0);
	CHECK_EQ(e.rip, 0x10020);
	ram_free(&r);
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
	s = elf32_default(); s.mb_flags |= MB_HF_VIDEO_MODE;
	expect_fail(elf32_emit(&s), "video mode");
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
	check_prot32_entry(&e, 0x200100);
	CHECK_EQ(e.kernel_end, 0x203000);
	CHECK(memcmp(r.gm.base + 0x200000, img, 0x400) == 0);
	int bad = 0;
	for (size_t i = 0x200400; i < 0x203000; i++)
		bad += r.gm.base[i] != 0;
	CHECK_EQ(bad, 0);
	CHECK_EQ(r.gm.base[0x203000], FILL);
	CHECK_EQ(r.gm.base[0x1fffff], FILL);
	check_mb_info(&r, "hello.elf console=ttyS0 quiet", false);
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
	expect_fail(aout_emit(&s), "a.out kludge segment 0 at [0x8000, 0x8400) overlaps the boot information area");
	s = aout_default(); s.h.load_addr = 0x0; s.h.header_addr = 0x40;
	s.h.load_end_addr = 0x40; s.h.bss_end_addr = 0; s.h.entry_addr = 0;
	expect_fail(aout_emit(&s), "overlaps the boot information area");
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
	RUN(test_mb_elf32_load);
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
