/*
 * Hinoki ELF64 boot protocol: what a Hinoki-native guest kernel finds at entry.
 * Shared by the hypervisor (which writes it) and guests/ (which read it), so it
 * holds only fixed-width fields and no pointers wider than the guest's view.
 * docs/boot-protocol.md is the prose version; keep the two in step.
 */
#ifndef HINOKI_BOOTINFO_H
#define HINOKI_BOOTINFO_H

#include <stdint.h>

#define HINOKI_BOOT_MAGIC   0x494b4f4e494eULL /* "NINOKI" little-endian-ish tag, checked by guests */
#define HINOKI_BOOT_VERSION 1

/* Fixed guest-physical layout below 1 MiB, owned by the loader. */
#define HINOKI_GPA_BOOTINFO 0x1000ULL  /* struct hinoki_bootinfo                   */
#define HINOKI_GPA_CMDLINE  0x2000ULL  /* NUL-terminated command line, <= 4 KiB    */
#define HINOKI_GPA_GDT      0x3000ULL  /* flat GDT the guest is entered with        */
#define HINOKI_GPA_PML4     0x4000ULL  /* identity page tables: PML4, PDPT, 4 PDs   */
#define HINOKI_GPA_PDPT     0x5000ULL
#define HINOKI_GPA_PD       0x6000ULL  /* 4 pages: 0x6000-0x9fff map 0-4 GiB, 2 MiB pages */
#define HINOKI_GPA_SCRIPT   0xa000ULL  /* NUL-terminated boot script (mgmt domain), <= 4 KiB */
#define HINOKI_GPA_STACK_TOP 0x80000ULL /* initial RSP; the stack grows down from here */
#define HINOKI_CMDLINE_MAX  4096
#define HINOKI_SCRIPT_MAX   4096
#define HINOKI_GUEST_LOAD_MIN 0x100000ULL /* kernels load at or above 1 MiB */

/* GDT selectors in the entry GDT. */
#define HINOKI_SEL_CODE64 0x08
#define HINOKI_SEL_DATA   0x10
#define HINOKI_SEL_CODE32 0x18

struct hinoki_bootinfo {
	uint64_t magic;        /* HINOKI_BOOT_MAGIC */
	uint32_t version;      /* HINOKI_BOOT_VERSION */
	uint32_t domain_id;
	uint64_t mem_bytes;    /* guest RAM: guest-physical [0, mem_bytes) */
	uint64_t cmdline_gpa;  /* HINOKI_GPA_CMDLINE */
	uint64_t ramdisk_gpa;  /* 0 when there is none */
	uint64_t ramdisk_size;
	uint32_t vcpus;
	uint32_t flags;        /* HINOKI_BOOT_F_* */
	char     domain_name[32];
	uint64_t script_gpa;   /* HINOKI_GPA_SCRIPT when the config gives a script, else 0 */
	uint32_t tsc_khz;      /* TSC rate, for timeouts and HC_SET_TIMER deadlines */
	uint32_t reserved;
};

#define HINOKI_BOOT_F_MGMT (1u << 0) /* this is the management domain */
/*
 * The CPU virtualizes this domain's local APIC (config `apicv`, where the CPU
 * has it): register reads, TPR writes, interrupt delivery and EOIs of
 * edge-triggered vectors cause no VM exit, other writes an APIC-write exit.
 * Nothing a guest sees changes; only which exits it causes (exitbench
 * counts them).
 */
#define HINOKI_BOOT_F_APICV (1u << 1)

#endif
