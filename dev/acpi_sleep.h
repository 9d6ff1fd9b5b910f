/*
 * The sleep control and status registers of a hardware-reduced ACPI
 * platform (ACPI, "Sleep Control and Status Registers"), which the FADT
 * names at ACPI_SLEEP_CONTROL_PORT and ACPI_SLEEP_STATUS_PORT. The only
 * sleep state offered is S5: writing SLP_EN with SLP_TYP
 * ACPI_SLEEP_SLP_TYP_S5 (the value of \_S5 in dev/dsdt.asl) powers the
 * domain off through the function the platform gives. Powering off is the
 * domain's business, so the device only calls it and tells the bus the
 * domain ended.
 */
#ifndef DEV_ACPI_SLEEP_H
#define DEV_ACPI_SLEEP_H

#include "dev/bus.h"

/* Beside the PM timer (0xb008-0xb00b), in the PIIX4-style ACPI I/O block Hinoki keeps at 0xb000. */
#define ACPI_SLEEP_CONTROL_PORT 0xb00c
#define ACPI_SLEEP_STATUS_PORT  0xb00d
#define ACPI_SLEEP_PORTS        2
#define ACPI_SLEEP_SLP_TYP_S5   5

struct acpi_sleep {
	void (*power_off)(void *ctx);
	void *ctx;
};

/* On a bus at ACPI_SLEEP_CONTROL_PORT, ACPI_SLEEP_PORTS byte registers; dev is its struct acpi_sleep. */
extern const struct bus_device acpi_sleep_bus_device;

#endif
