/*
 * What the kernel loaders share and nothing else uses: the load context, error
 * formatting, the format-neutral segment list the ELF readers produce, layout
 * checks, copying, the entry GDT and identity page tables, and the fixed
 * low-memory layouts of the Multiboot and Linux protocols.
 * docs/boot-protocol.md documents the layouts; keep the two in step.
 */
#ifndef LOADER_LOADER_INTERNAL_H
#define LOADER_LOADER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "loader/loader.h"

#define LOADER_PAGE_SIZE     0x1000ULL
#define LOADER_MIB           0x100000ULL
#define LOADER_4GIB          0x100000000ULL
#define LOADER_MIN_RAM       (2 * LOADER_MIB)
#define LOADER_MAX_PHDRS     64    /* program headers examined; real kernels have a handful */
#define LOADER_MAX_SEGS      16    /* loadable segments accepted */

/*
 * The Multiboot boot block: where QEMU puts its Multiboot information, after
 * the kernel's segments and its module (the first page boundary past both,
 * or 1 MiB when the block would reach into the legacy hole), so that a
 * kernel may load anywhere else, low memory included. Offsets in the block:
 */
#define LOADER_MB_OFF_GDT        0x0000ULL  /* same four descriptors as the Hinoki entry GDT */
#define LOADER_MB_OFF_INFO       0x0100ULL  /* struct mb_info, EBX at entry */
#define LOADER_MB_OFF_MMAP       0x0200ULL  /* three struct mb_mmap_entry */
#define LOADER_MB_OFF_MODS       0x0300ULL  /* one struct mb_module */
#define LOADER_MB_OFF_LOADER_NAME 0x0400ULL /* "Hinoki" */
#define LOADER_MB_OFF_MOD_STRING 0x0500ULL  /* "ramdisk" */
#define LOADER_MB_OFF_CMDLINE    0x1000ULL  /* "KERNELNAME EXTRA", NUL-terminated */
#define LOADER_MB_CMDLINE_MAX    0x1000ULL
#define LOADER_MB_OFF_STACK_TOP  0x9000ULL  /* initial ESP: 28 KiB of free stack below it */
#define LOADER_MB_BLOCK_SIZE     0x9000ULL
/* Conventional memory ends where an EBDA would start; the rest to 1 MiB is the legacy hole. */
#define LOADER_MB_LOW_END        0x9f000ULL
#define LOADER_MB_MEM_LOWER_KIB  639u

/*
 * Linux low memory: the same places as the Hinoki ELF64 layout, so the shared
 * page tables (HINOKI_GPA_PML4 to the end of the page directories) sit
 * between the GDT and LOADER_LX_AREA_END.
 */
#define LOADER_LX_GPA_BOOT_PARAMS 0x1000ULL  /* struct boot_params, RSI at entry */
#define LOADER_LX_GPA_CMDLINE     0x2000ULL  /* NUL-terminated command line */
#define LOADER_LX_CMDLINE_MAX     0x1000ULL
#define LOADER_LX_GPA_GDT         0x3000ULL  /* __BOOT_CS and __BOOT_DS */
#define LOADER_LX_AREA_END        0xa000ULL
/* A relocated kernel goes no lower than Linux's own default load address. */
#define LOADER_LX_RELOC_MIN       (16 * LOADER_MIB)

/* The entry GDT: four descriptors, some of them null (selectors in hinoki/bootinfo.h or hw/linux_boot.h). */
#define LOADER_GDT_ENTRIES   4
#define LOADER_PD_PAGES      4    /* page directories of the identity map of [0, 4 GiB) */

/* Which selector holds which flat descriptor; 0 leaves that kind out. */
struct ldr_gdt_sels { uint16_t code64, data, code32; };
extern const struct ldr_gdt_sels ldr_gdt_hinoki;  /* ELF64 and Multiboot */

/* One load in progress. */
struct ldr_ctx {
	const struct load_params *p;
	struct guest_mem *mem;
	const uint8_t *img;
	size_t len;
	char *err;
	size_t errlen;
};

/* A loadable segment, whatever format described it. */
struct ldr_seg {
	unsigned index;          /* program header number, for messages */
	uint64_t offset, filesz; /* bytes of the image */
	uint64_t paddr, vaddr, memsz;
};

struct ldr_image {
	const char *what;        /* "ELF64", "ELF32", "a.out kludge": starts every message */
	struct ldr_seg seg[LOADER_MAX_SEGS];
	unsigned nseg;
	uint64_t entry;          /* as the headers give it */
};

/* A guest-physical range a format forbids segments to touch. */
struct ldr_hole {
	uint64_t start, end;
	const char *why;
};

/*
 * Error text: fmt with %s (string), %u (decimal) and %x (0x-hex) taking
 * arguments in order from args. Always returns -1 so callers can return it.
 */
struct ldr_arg { uint64_t u; const char *s; };
#define LA_U(v) ((struct ldr_arg){ .u = (uint64_t)(v) })
#define LA_S(v) ((struct ldr_arg){ .s = (v) })
int ldr_fail(struct ldr_ctx *c, const char *fmt, const struct ldr_arg *args, size_t nargs);
#define LDR_FAIL(c, fmt, ...) ldr_fail((c), (fmt), \
	(const struct ldr_arg[]){ { 0, 0 }, ##__VA_ARGS__ } + 1, \
	sizeof((const struct ldr_arg[]){ { 0, 0 }, ##__VA_ARGS__ }) / sizeof(struct ldr_arg) - 1)

/* Read the ELF header and PT_LOAD headers of an image of class ELFCLASS32 or ELFCLASS64. */
int ldr_elf_read(struct ldr_ctx *c, unsigned elf_class, struct ldr_image *im);
/* Every segment inside [0, min(RAM, limit)), outside every hole, and apart from the others. */
int ldr_check_layout(struct ldr_ctx *c, const struct ldr_image *im, const struct ldr_hole *holes,
                     unsigned nholes, uint64_t limit, const char *limit_why);
/* The entry's guest-physical address; with by_vaddr an entry inside a segment's p_vaddr range is translated. */
int ldr_check_entry(struct ldr_ctx *c, const struct ldr_image *im, bool by_vaddr, uint64_t *phys);
/* Copy file bytes, zero the rest of each segment; returns the highest segment end. */
uint64_t ldr_copy_segments(struct ldr_ctx *c, const struct ldr_image *im);
/* Ramdisk at the first page boundary at or after `after`, below `limit`; *gpa = where. */
int ldr_place_ramdisk(struct ldr_ctx *c, uint64_t after, uint64_t limit, uint64_t *gpa);
/* Write the entry GDT at gpa (inside RAM, checked by the caller); returns its limit. */
uint16_t ldr_write_gdt(struct ldr_ctx *c, uint64_t gpa, const struct ldr_gdt_sels *sels);
/*
 * A 64-bit entry: the identity map of [0, 4 GiB) at HINOKI_GPA_PML4 (pages
 * pre-zeroed by the caller) as CR3, the GDT of sels at gdt_gpa, CS and the
 * data selectors from it.
 */
void ldr_enter_long64(struct ldr_ctx *c, struct guest_entry *entry, uint64_t gdt_gpa,
                      const struct ldr_gdt_sels *sels);
/* Copy at most cap-1 bytes of src (NULL = "") to dst and NUL-terminate; returns bytes copied. */
size_t ldr_copy_string(char *dst, size_t cap, const char *src);

int loader_load_elf64(struct ldr_ctx *c, struct guest_entry *entry);
int loader_load_multiboot(struct ldr_ctx *c, struct guest_entry *entry);
int loader_load_bzimage(struct ldr_ctx *c, struct guest_entry *entry);
/* A boot sector flag and the "HdrS" setup header signature. */
bool loader_is_bzimage(const uint8_t *img, size_t len);
/* Offset of a valid Multiboot header, or -1. */
long loader_find_multiboot(const uint8_t *img, size_t len);

#endif
