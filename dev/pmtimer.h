/*
 * The ACPI power-management timer: a free-running 24-bit counter at
 * 3.579545 MHz behind one 32-bit read-only port (ACPI specification, "Power
 * Management Timer", PM_TMR_BLK), derived from the TSC so it needs no state
 * but its origin and the TSC rate. It reads 0 when the domain is created.
 * Pure code; unit-tested on the host.
 */
#ifndef DEV_PMTIMER_H
#define DEV_PMTIMER_H

#include <stdint.h>
#include "dev/bus.h"

#define PMTIMER_PORT     0xb008u   /* PM_TMR_BLK, where QEMU's PIIX4 puts it */
#define PMTIMER_PORTS    4         /* PM_TMR_LEN */
#define PMTIMER_HZ       3579545u  /* the ACPI PM timer's fixed rate */
#define PMTIMER_MASK     0xffffffu /* 24 bits (FADT flag TMR_VAL_EXT clear) */
/* Taken when the TSC rate is unknown (0), so the counter still advances. */
#define PMTIMER_FALLBACK_TSC_KHZ 1000000u

struct pmtimer {
	uint64_t tsc_origin;     /* TSC at which the counter read 0 */
	uint64_t tsc_hz;         /* TSC rate in Hz, never 0: the counter divides by it */
};

void pmtimer_init(struct pmtimer *t, uint64_t tsc_now, uint32_t tsc_khz);
/* The counter at TSC value tsc: floor((tsc - origin) * 3579545 / TSC Hz) mod 2^24. */
uint32_t pmtimer_value(const struct pmtimer *t, uint64_t tsc);
/* Port read at port (PMTIMER_PORT..+3) of size 1, 2 or 4; bytes past the block float high. */
uint32_t pmtimer_port_in(const struct pmtimer *t, uint16_t port, unsigned size, uint64_t tsc);

/* The timer on a bus at PMTIMER_PORT, read at the current TSC; dev is its struct pmtimer. Writes are dropped. */
extern const struct bus_device pmtimer_bus_device;

#endif
