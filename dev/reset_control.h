/*
 * The Reset Control Register at port 0xCF9 (include/hw/reset_control.h),
 * which the FADT names as the reset register: a byte write with RST_CPU
 * set resets the domain through the function the platform gives (what a
 * reset does, restart or end, is the domain's business). SYS_RST and
 * FULL_RST read back as written; every reset of a domain is a full one.
 */
#ifndef DEV_RESET_CONTROL_H
#define DEV_RESET_CONTROL_H

#include <stdint.h>
#include "dev/bus.h"

#define RESET_CONTROL_PORTS 1

struct reset_control {
	uint8_t rst_cnt;               /* SYS_RST and FULL_RST as last written */
	void (*reset)(void *ctx);
	void *ctx;
};

/* On a bus at RST_CNT_PORT, one port; dev is its struct reset_control. */
extern const struct bus_device reset_control_bus_device;

#endif
