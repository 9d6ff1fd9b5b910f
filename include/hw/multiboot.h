/*
 * Multiboot 1 (specification version 0.6.96): the OS image header a loader
 * searches for, and the information structure it hands the kernel in EBX.
 * Only the format; where Hinoki places these is in loader/loader_internal.h.
 */
#ifndef HW_MULTIBOOT_H
#define HW_MULTIBOOT_H

#include <stdint.h>

/* The header: 4-byte aligned, wholly inside the first MB_SEARCH_LIMIT bytes. */
#define MB_HEADER_MAGIC      0x1BADB002u
#define MB_SEARCH_LIMIT      8192u
#define MB_HEADER_ALIGN      4u

/* Header flags. Bits 0-15 are requirements a loader must fail on if it cannot meet them. */
#define MB_HF_PAGE_ALIGN     (1u << 0)   /* modules on 4 KiB boundaries */
#define MB_HF_MEMORY_INFO    (1u << 1)   /* mem_* (and mmap_*) must be provided */
#define MB_HF_VIDEO_MODE     (1u << 2)   /* video mode table must be provided */
#define MB_HF_REQUIRED_MASK  0x0000ffffu
#define MB_HF_AOUT_KLUDGE    (1u << 16)  /* load by the address fields, not ELF */

/* EAX at kernel entry. */
#define MB_BOOTLOADER_MAGIC  0x2BADB002u

struct __attribute__((packed)) mb_header {
	uint32_t magic;
	uint32_t flags;
	uint32_t checksum;       /* magic + flags + checksum == 0 (mod 2^32) */
	/* Valid when MB_HF_AOUT_KLUDGE is set. */
	uint32_t header_addr;    /* physical address of this header's magic */
	uint32_t load_addr;      /* physical address of the file byte loaded first */
	uint32_t load_end_addr;  /* end of text+data; 0: to the end of the file */
	uint32_t bss_end_addr;   /* end of bss; 0: no bss */
	uint32_t entry_addr;
};
#define MB_HEADER_BASE_SIZE  12u         /* magic, flags, checksum */
#define MB_HEADER_AOUT_SIZE  32u         /* through entry_addr */

/* Info flags: which fields of struct mb_info are valid. */
#define MB_INFO_MEMORY       (1u << 0)
#define MB_INFO_BOOTDEV      (1u << 1)
#define MB_INFO_CMDLINE      (1u << 2)
#define MB_INFO_MODS         (1u << 3)
#define MB_INFO_AOUT_SYMS    (1u << 4)
#define MB_INFO_ELF_SHDR     (1u << 5)
#define MB_INFO_MEM_MAP      (1u << 6)
#define MB_INFO_DRIVE_INFO   (1u << 7)
#define MB_INFO_CONFIG_TABLE (1u << 8)
#define MB_INFO_BOOT_LOADER_NAME (1u << 9)
#define MB_INFO_APM_TABLE    (1u << 10)
#define MB_INFO_VBE          (1u << 11)
#define MB_INFO_FRAMEBUFFER  (1u << 12)

struct __attribute__((packed)) mb_info {
	uint32_t flags;
	uint32_t mem_lower;        /* KiB from 0 */
	uint32_t mem_upper;        /* KiB from 1 MiB */
	uint32_t boot_device;
	uint32_t cmdline;          /* physical address of a C string */
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length;      /* bytes of mmap entries */
	uint32_t mmap_addr;
	uint32_t drives_length;
	uint32_t drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
	uint32_t vbe_control_info;
	uint32_t vbe_mode_info;
	uint16_t vbe_mode;
	uint16_t vbe_interface_seg;
	uint16_t vbe_interface_off;
	uint16_t vbe_interface_len;
	uint64_t framebuffer_addr;
	uint32_t framebuffer_pitch;
	uint32_t framebuffer_width;
	uint32_t framebuffer_height;
	uint8_t  framebuffer_bpp;
	uint8_t  framebuffer_type;
	uint8_t  color_info[6];
};

/* Memory map entry; size counts the bytes after itself (20), so entries can grow. */
struct __attribute__((packed)) mb_mmap_entry {
	uint32_t size;
	uint64_t base_addr;
	uint64_t length;
	uint32_t type;
};
#define MB_MMAP_AVAILABLE    1u
#define MB_MMAP_RESERVED     2u

struct __attribute__((packed)) mb_module {
	uint32_t mod_start;
	uint32_t mod_end;          /* first byte after the module */
	uint32_t string;           /* physical address of a C string */
	uint32_t reserved;
};

_Static_assert(sizeof(struct mb_header) == MB_HEADER_AOUT_SIZE, "mb_header layout");
_Static_assert(sizeof(struct mb_info) == 116, "mb_info layout");
_Static_assert(sizeof(struct mb_mmap_entry) == 24, "mb_mmap_entry layout");
_Static_assert(sizeof(struct mb_module) == 16, "mb_module layout");

#endif
