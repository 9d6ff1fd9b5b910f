/*
 * Shared by the loader unit tests (test_loader_elf.c, test_loader_multiboot.c,
 * test_loader_bzimage.c, which builds its own images):
 * guest RAM between PROT_NONE guard pages, so a loader write outside it
 * crashes the test instead of passing unseen, and builders for synthetic
 * Hinoki ELF64, Multiboot ELF32 and a.out-kludge images written into `img`.
 * Each test binary includes this once; helpers it does not use are not
 * warned about.
 */
#ifndef TESTS_UNIT_LOADER_IMAGES_H
#define TESTS_UNIT_LOADER_IMAGES_H

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "loader/loader.h"
#include "loader/loader_internal.h"
#include "hinoki/bootinfo.h"
#include "hw/elf.h"
#include "hw/multiboot.h"
#include "tests/unit/check.h"

#ifndef MAYBE_UNUSED
#define MAYBE_UNUSED __attribute__((unused))
#endif

#define MIB      0x100000ULL
#define RAM_SIZE (8 * MIB)
#define GUARD    0x1000
#define FILL     0xAA
#define IMG_MAX  0x4000

/* ---- guarded guest RAM ---------------------------------------------------- */

struct ram { uint8_t *map; size_t total; struct guest_mem gm; };

MAYBE_UNUSED static struct ram ram_new(uint64_t size)
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

MAYBE_UNUSED static void ram_free(struct ram *r)
{
	if (r->map)
		munmap(r->map, r->total);
}

MAYBE_UNUSED static uint64_t rd64(const struct ram *r, uint64_t gpa)
{
	uint64_t v;
	memcpy(&v, r->gm.base + gpa, sizeof(v));
	return v;
}

MAYBE_UNUSED static uint8_t pattern(size_t off) { return (uint8_t)(off * 7 + 3); }

MAYBE_UNUSED static uint8_t img[IMG_MAX];
MAYBE_UNUSED static char err[256];

MAYBE_UNUSED static void fill_pattern(void)
{
	for (size_t i = 0; i < IMG_MAX; i++)
		img[i] = pattern(i);
}

/* ---- image builders -------------------------------------------------------- */

struct elf64_spec { Elf64_Ehdr eh; Elf64_Phdr ph[4]; size_t len; };

/* Two segments: text at 1 MiB, data+bss at 1 MiB + 4 KiB. */
MAYBE_UNUSED static struct elf64_spec elf64_default(void)
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

MAYBE_UNUSED static size_t elf64_emit(const struct elf64_spec *s)
{
	fill_pattern();
	memcpy(img, &s->eh, sizeof(s->eh));
	if (s->eh.e_phoff < IMG_MAX - sizeof(s->ph))
		memcpy(img + s->eh.e_phoff, s->ph, sizeof(s->ph[0]) * (s->eh.e_phnum < 4 ? s->eh.e_phnum : 4));
	return s->len;
}

MAYBE_UNUSED static void put_mb_header(size_t off, uint32_t flags)
{
	uint32_t w[3] = { MB_HEADER_MAGIC, flags, 0u - MB_HEADER_MAGIC - flags };
	memcpy(img + off, w, sizeof(w));
}

struct elf32_spec { Elf32_Ehdr eh; Elf32_Phdr ph[2]; uint32_t mb_flags; size_t mb_off, len; };

/* One segment loaded at 4 MiB with 64 KiB of bss; the Multiboot header starts it. */
MAYBE_UNUSED static struct elf32_spec elf32_default(void)
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

MAYBE_UNUSED static size_t elf32_emit(const struct elf32_spec *s)
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
MAYBE_UNUSED static struct aout_spec aout_default(void)
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

MAYBE_UNUSED static size_t aout_emit(const struct aout_spec *s)
{
	struct mb_header h = s->h;
	fill_pattern();
	h.checksum = 0u - h.magic - h.flags;
	memcpy(img + s->hoff, &h, sizeof(h));
	return s->len;
}

MAYBE_UNUSED static struct load_params params(size_t len)
{
	return (struct load_params){
		.kernel = img, .kernel_len = len, .cmdline = "console=ttyS0 quiet",
		.kernel_name = "hello.elf", .domain_id = 3, .domain_name = "hello", .vcpus = 2,
		.boot_flags = HINOKI_BOOT_F_MGMT,
	};
}

/* Load into fresh guarded RAM; returns loader_load's result. */
MAYBE_UNUSED static int load(const struct load_params *p, struct ram *r, struct guest_entry *e)
{
	*r = ram_new(RAM_SIZE);
	memset(err, 0, sizeof(err));
	return loader_load(p, &r->gm, e, err, sizeof(err));
}

/* Expect failure with text containing `want`. */
MAYBE_UNUSED static void expect_fail(size_t len, const char *want)
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

#endif
