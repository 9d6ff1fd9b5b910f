/*
 * The BIOS area's reset entry, F000:FFF0: where a PC's firmware starts
 * after a reset, and where an operating system jumps, in real mode, to
 * reboot through the firmware (Linux's `reboot=bios`, and its last resort
 * when no other way resets the machine). A domain has no firmware: the
 * entry holds a few instructions that reset it through the Reset Control
 * Register (port 0xCF9), as a PC's firmware would end up doing. Pure code
 * over a byte view of guest RAM; unit-tested on the host.
 */
#ifndef DEV_BIOS_RESET_H
#define DEV_BIOS_RESET_H

#include "loader/loader.h"

#define BIOS_RESET_SEG   0xf000u
#define BIOS_RESET_IP    0xfff0u
#define BIOS_RESET_GPA   (((uint64_t)BIOS_RESET_SEG << 4) + BIOS_RESET_IP)   /* real mode: segment x 16 + offset */
#define BIOS_RESET_BYTES 16u                                                 /* up to the end of the first MiB */

/* Write the entry into mem's BIOS area (after acpi_tables_build, which clears it). 0, or -1 when mem ends below 1 MiB. */
int bios_reset_build(struct guest_mem *mem);

#endif
