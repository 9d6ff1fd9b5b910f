/*
 * Guest kernel loaders: recognise a kernel image by its headers and place it,
 * its ramdisk and its boot structures into guest RAM, producing the CPU state
 * to enter it with. Pure code over a byte view of guest RAM; unit-tested on
 * the host. Formats: Hinoki ELF64 (include/hinoki/bootinfo.h), Multiboot 1
 * (ELF32 program headers, or the a.out kludge addresses) and the Linux bzImage
 * (64-bit boot protocol, include/hw/linux_boot.h).
 */
#ifndef LOADER_LOADER_H
#define LOADER_LOADER_H

#include <stddef.h>
#include <stdint.h>

/* Guest RAM as the loader sees it: guest-physical [0, size) at host pointer base. */
struct guest_mem {
	uint8_t *base;
	uint64_t size;
};

enum kernel_format { KERNEL_UNKNOWN = 0, KERNEL_HINOKI_ELF64, KERNEL_MULTIBOOT, KERNEL_LINUX_BZIMAGE };

enum entry_mode {
	ENTRY_LONG64,   /* CR0.PE|PG, CR4.PAE, EFER.LME|LMA, CS = 64-bit code */
	ENTRY_PROT32,   /* CR0.PE only, paging off, CS = flat 32-bit code */
	ENTRY_REAL16,   /* real mode after INIT and SIPI: CS = code_sel, base code_sel << 4 */
};

/* Everything vmx/ needs to build the guest-state area for the first entry. */
struct guest_entry {
	enum kernel_format format;
	enum entry_mode mode;
	uint64_t rip, rsp;
	uint64_t rax, rbx, rdi, rsi;
	uint64_t cr3;                 /* ENTRY_LONG64 only */
	uint64_t gdt_base;            /* guest-physical; limit is gdt_limit */
	uint16_t gdt_limit;
	uint16_t code_sel;            /* CS: HINOKI_SEL_CODE64, HINOKI_SEL_CODE32 or LINUX_BOOT_CS */
	uint16_t data_sel;            /* DS, ES, FS, GS, SS: HINOKI_SEL_DATA or LINUX_BOOT_DS */
	uint64_t kernel_end;          /* first byte after the loaded image */
};

struct load_params {
	const void *kernel; size_t kernel_len;
	const void *ramdisk; size_t ramdisk_len;     /* NULL/0 when none */
	const char *cmdline;                          /* "" when none; a bzImage's whole command line */
	const char *kernel_name;                      /* file name, for multiboot's argv[0] convention */
	uint32_t domain_id;
	const char *domain_name;
	uint32_t vcpus;
	uint32_t boot_flags;                          /* HINOKI_BOOT_F_* */
	const char *script;                           /* mgmt boot script, NULL or "" when none (ELF64 only) */
	uint32_t tsc_khz;                             /* TSC rate for the bootinfo (ELF64 only) */
};

enum kernel_format loader_detect(const void *image, size_t len);
const char *loader_format_name(enum kernel_format f);

/*
 * Load into mem. On failure returns -1 and writes a sentence naming the
 * problem (e.g. "ELF64 segment 2 ends at 0x... beyond guest RAM of 0x...") to
 * err; mem may be partly written. On success returns 0 and fills *entry.
 */
int loader_load(const struct load_params *p, struct guest_mem *mem,
                struct guest_entry *entry, char *err, size_t errlen);

#endif
