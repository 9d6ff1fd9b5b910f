/*
 * Multiboot 1 as a kernel sees it: the header magic and flags it declares and
 * the information structure the boot loader hands over in EBX. Names follow
 * the Multiboot Specification 0.6.96. Used by the 32-bit guests; the NASM
 * headers repeat the few header constants they need.
 */
#ifndef GUEST_MULTIBOOT_H
#define GUEST_MULTIBOOT_H

#include <stdint.h>

#define MULTIBOOT_HEADER_MAGIC      0x1BADB002u
#define MULTIBOOT_BOOTLOADER_MAGIC  0x2BADB002u

/* struct multiboot_info.flags: which fields are valid. */
#define MULTIBOOT_INFO_MEMORY   (1u << 0)   /* mem_lower, mem_upper */
#define MULTIBOOT_INFO_CMDLINE  (1u << 2)
#define MULTIBOOT_INFO_MODS     (1u << 3)
#define MULTIBOOT_INFO_MEM_MAP  (1u << 6)   /* mmap_length, mmap_addr */

#define MULTIBOOT_MEMORY_AVAILABLE 1

struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower;       /* KiB below 1 MiB */
	uint32_t mem_upper;       /* KiB from 1 MiB to the first hole */
	uint32_t boot_device;
	uint32_t cmdline;         /* physical address of a NUL-terminated string */
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length;     /* bytes */
	uint32_t mmap_addr;
	uint32_t drives_length;
	uint32_t drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
};

/* One memory-map entry; size counts the bytes after itself, so the next entry is at +size+4. */
struct __attribute__((packed)) multiboot_mmap_entry {
	uint32_t size;
	uint64_t addr;
	uint64_t len;
	uint32_t type;
};

#endif
