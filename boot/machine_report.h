/* The machine report at start (boot/machine_report.c). */
#ifndef BOOT_MACHINE_REPORT_H
#define BOOT_MACHINE_REPORT_H

#include "boot/boot.h"

/* CPU, microcode, memory map, processors and firmware, a line each; boot services must still be up. */
void machine_report(const struct firmware_cpus *fc);

#endif
