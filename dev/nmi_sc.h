/*
 * Port 0x61 (NMI_SC): the four control bits read back as written; of the
 * status bits only the refresh toggle moves, computed from the TSC so that
 * firmware delay loops that count its edges end on time. No NMI source
 * exists, so both NMI status bits read 0, and with no 8254 counter 2 output
 * reads 0 (docs/platform.md, "Port 0x61"). Pure code; unit-tested on the host.
 */
#ifndef DEV_NMI_SC_H
#define DEV_NMI_SC_H

#include <stdint.h>
#include "dev/bus.h"
#include "hw/nmi_sc.h"

struct nmi_sc {
	uint8_t control;         /* bits 3:0 */
	uint64_t tsc_origin;     /* the toggle reads 0 from here */
	uint64_t toggle_tsc;     /* TSC cycles between the toggle's flips, never 0 */
};

void nmi_sc_init(struct nmi_sc *n, uint64_t tsc_now, uint32_t tsc_khz);
uint8_t nmi_sc_read(const struct nmi_sc *n, uint64_t tsc);
void nmi_sc_write(struct nmi_sc *n, uint8_t val);

/* Port 0x61, byte-wide, at the current TSC; dev is its struct nmi_sc. */
extern const struct bus_device nmi_sc_bus_device;

#endif
