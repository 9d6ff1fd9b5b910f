/*
 * The host's own local APIC: quiet at boot, acknowledged after an interrupt
 * exit, and the sender of the IPIs that start the other CPUs.
 */
#ifndef CPU_LAPIC_H
#define CPU_LAPIC_H

#include <stdint.h>

/* Register access in whichever mode (xAPIC MMIO or x2APIC MSR) the APIC is in. */
void lapic_write(uint32_t reg, uint32_t val);
uint32_t lapic_read(uint32_t reg);
/* Mask every local interrupt source the firmware may have left running. */
void lapic_quiesce(void);
void lapic_eoi(void);
/* This CPU's APIC id (8 bits in xAPIC mode, 32 in x2APIC mode). */
uint32_t lapic_id(void);
/*
 * Send the IPI described by icr_low (delivery mode, level, vector; physical
 * destination, no shorthand) to apic_id. -1 when an xAPIC cannot address the
 * id or still shows the IPI pending after a bounded wait.
 */
int lapic_send_ipi(uint32_t apic_id, uint32_t icr_low);

#endif
