/*
 * The Linux x86 boot protocol (Documentation/arch/x86/boot.rst): where the
 * setup header's fields sit in a bzImage, and the parts of struct boot_params
 * (the "zero page") a 64-bit boot loader fills. The setup header sits at the
 * same offset in both, so one set of offsets serves for reading the image and
 * writing the zero page. Only the format; where Hinoki places things is in
 * loader/loader_bzimage.c.
 */
#ifndef HW_LINUX_BOOT_H
#define HW_LINUX_BOOT_H

#include <stdint.h>

/* Setup header fields: byte offsets in the image and in boot_params alike. */
#define LINUX_HDR_SETUP_SECTS      0x1f1  /* u8: 512-byte setup sectors after the boot sector; 0 means 4 */
#define LINUX_HDR_SYSSIZE          0x1f4  /* u32: protected-mode code in 16-byte paragraphs */
#define LINUX_HDR_BOOT_FLAG        0x1fe  /* u16: LINUX_BOOT_FLAG_MAGIC */
#define LINUX_HDR_JUMP             0x200  /* u16: a short jump; its second byte gives the header's end */
#define LINUX_HDR_HEADER           0x202  /* u32: LINUX_HDR_MAGIC */
#define LINUX_HDR_VERSION          0x206  /* u16: protocol version, major << 8 | minor */
#define LINUX_HDR_TYPE_OF_LOADER   0x210  /* u8 */
#define LINUX_HDR_RAMDISK_IMAGE    0x218  /* u32 */
#define LINUX_HDR_RAMDISK_SIZE     0x21c  /* u32 */
#define LINUX_HDR_CMD_LINE_PTR     0x228  /* u32 */
#define LINUX_HDR_INITRD_ADDR_MAX  0x22c  /* u32: highest address the initrd may occupy */
#define LINUX_HDR_KERNEL_ALIGNMENT 0x230  /* u32 */
#define LINUX_HDR_RELOCATABLE      0x234  /* u8 */
#define LINUX_HDR_XLOADFLAGS       0x236  /* u16 */
#define LINUX_HDR_CMDLINE_SIZE     0x238  /* u32: longest command line, without its NUL */
#define LINUX_HDR_PREF_ADDRESS     0x258  /* u64 */
#define LINUX_HDR_INIT_SIZE        0x260  /* u32: memory the kernel needs from its load address */
#define LINUX_HDR_INIT_SIZE_END    0x264  /* every field above lies before this offset */

/* The header's end is LINUX_HDR_HEADER plus the jump's displacement byte. */
#define LINUX_HDR_JUMP_DISP        (LINUX_HDR_JUMP + 1)

#define LINUX_BOOT_FLAG_MAGIC      0xaa55u
#define LINUX_HDR_MAGIC            0x53726448u  /* "HdrS" */
#define LINUX_SECTOR_SIZE          512u
#define LINUX_SYSSIZE_UNIT         16u
#define LINUX_SETUP_SECTS_DEFAULT  4u
#define LINUX_PROTOCOL_2_12        0x020cu      /* xloadflags and the 64-bit entry's rules */
#define LINUX_TYPE_OF_LOADER_UNDEF 0xffu        /* a loader without an assigned id */
#define LINUX_ENTRY64_OFFSET       0x200u       /* 64-bit entry: load address + this */

/* xloadflags */
#define XLF_KERNEL_64              (1u << 0)    /* has the 64-bit entry at load address + 0x200 */

/* Linux's boot GDT selectors the 64-bit entry expects. */
#define LINUX_BOOT_CS              0x10u
#define LINUX_BOOT_DS              0x18u

/* struct boot_params outside the setup header. */
#define LINUX_BP_SIZE              0x1000u
#define LINUX_BP_EXT_RAMDISK_IMAGE 0x0c0  /* u32: bits 63:32 of ramdisk_image */
#define LINUX_BP_EXT_RAMDISK_SIZE  0x0c4
#define LINUX_BP_EXT_CMD_LINE_PTR  0x0c8
#define LINUX_BP_E820_ENTRIES      0x1e8  /* u8 */
#define LINUX_BP_E820_TABLE        0x2d0  /* struct linux_e820_entry[LINUX_E820_MAX] */
#define LINUX_E820_MAX             128u

/* An e820 entry as boot_params holds it: packed, 20 bytes. */
struct __attribute__((packed)) linux_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};
_Static_assert(sizeof(struct linux_e820_entry) == 20, "e820 entries are 20 bytes");

#define E820_TYPE_RAM              1u
#define E820_TYPE_RESERVED         2u
#define E820_TYPE_ACPI             3u    /* ACPI tables, reclaimable once read */
#define E820_TYPE_NVS              4u    /* ACPI non-volatile storage */

#endif
