/*
 * What the UEFI phase hands to the hypervisor proper: the parsed config, the
 * files it loaded from the boot volume, the firmware memory map taken at
 * ExitBootServices, the TSC rate, the wall-clock time and where the ACPI tables start.
 */
#ifndef BOOT_BOOT_H
#define BOOT_BOOT_H

#include <stdint.h>
#include "config/config.h"
#include "cpu/pcpu.h"
#include "lib/fbcon.h"

/* The processors the firmware's MP services knew, for machines without ACPI tables. */
struct firmware_cpus {
	unsigned count;                  /* enabled CPUs in apic_id[], the BSP among them */
	unsigned listed;                 /* enabled CPUs the firmware knew; > count when clamped */
	uint32_t apic_id[MAX_CPUS];
};

struct boot_handoff {
	struct hv_config config;
	struct loaded_file kernel[HINOKI_MAX_CONFIG_DOMAINS];
	struct loaded_file ramdisk[HINOKI_MAX_CONFIG_DOMAINS];
	const void *memmap;    /* EFI_MEMORY_DESCRIPTOR array */
	uint64_t memmap_size, desc_size;
	uint64_t tsc_per_us;
	uint64_t wall_secs, wall_tsc;   /* the firmware's clock (UTC seconds since 1970) at TSC wall_tsc */
	uint64_t acpi_rsdp;    /* physical address of the ACPI RSDP; 0 if the firmware has none */
	struct firmware_cpus fw_cpus;
	struct fb_info screen;  /* the screen console's framebuffer; base 0 when the log is not on screen */
};

/* The hypervisor after ExitBootServices; never returns. */
void hv_start(struct boot_handoff *h) __attribute__((noreturn));

#endif
