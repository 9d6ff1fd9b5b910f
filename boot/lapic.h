/* The host's own local APIC: quiet at boot, acknowledged after an interrupt exit. */
#ifndef BOOT_LAPIC_H
#define BOOT_LAPIC_H

#include <stdint.h>

/* Mask every local interrupt source the firmware may have left running. */
void lapic_quiesce(void);
void lapic_eoi(void);

#endif
