/*
 * What the UEFI phase hands to the hypervisor proper: the parsed config, the
 * files it loaded from the boot volume, the firmware memory map taken at
 * ExitBootServices, and the TSC rate.
 */
#ifndef BOOT_BOOT_H
#define BOOT_BOOT_H

#include <stdint.h>
#include "boot/config.h"

struct loaded_file {
	const void *data;      /* NULL when the file could not be read */
	uint64_t len;
	char error[96];        /* why it could not be read */
};

struct boot_handoff {
	struct hv_config config;
	struct loaded_file kernel[CONFIG_MAX_DOMAINS];
	struct loaded_file ramdisk[CONFIG_MAX_DOMAINS];
	const void *memmap;    /* EFI_MEMORY_DESCRIPTOR array */
	uint64_t memmap_size, desc_size;
	uint64_t tsc_per_us;
};

/* The hypervisor after ExitBootServices; never returns. */
void hv_start(struct boot_handoff *h) __attribute__((noreturn));

#endif
