/*
 * The PM1a event and control blocks of a PC's fixed ACPI hardware (ACPI,
 * "ACPI Hardware Specification", "Fixed Hardware Features"): PM1_STS,
 * PM1_EN and PM1_CNT in the PIIX4-style I/O block whose PM timer sits at
 * 0xb008. They hold the power events' status and enables, the SCI those
 * raise, and the sleep states a guest enters by SLP_EN. Entering a sleep
 * state is the platform's business: the device asks it and sets the
 * status of what will wake the domain. Pure code; unit-tested on the host.
 */
#ifndef DEV_ACPI_PM_H
#define DEV_ACPI_PM_H

#include <stdbool.h>
#include <stdint.h>
#include "dev/bus.h"
#include "hw/acpi.h"

#define ACPI_PM_PORT         0xb000u   /* PM1a_EVT_BLK; PM1a_CNT_BLK follows it */
#define ACPI_PM_CNT_PORT     (ACPI_PM_PORT + PM1_EVT_LEN)
#define ACPI_PM_PORTS        (PM1_EVT_LEN + PM1_CNT_LEN)
/* The ISA IRQ the SCI is wired to, level-triggered and active high, as on the PIIX4 and in QEMU. */
#define ACPI_PM_SCI_IRQ      9u
/*
 * SLP_TYP of the sleep states the DSDT offers (\_S3 and \_S5 in
 * dev/dsdt.asl): PIIX4's encoding, which QEMU's DSDT gives too and
 * kvm-unit-tests' s3 writes without reading \_S3.
 */
#define ACPI_PM_SLP_TYP_S3   1u
#define ACPI_PM_SLP_TYP_S5   0u

struct acpi_pm_ops {
	void (*sci)(void *ctx, bool level);   /* drive the SCI line */
	/*
	 * SLP_EN with ACPI_PM_SLP_TYP_S3 or _S5. The domain sleeps until a wake
	 * event: PM1_STS_WAK with the bit of the event that will wake it if it
	 * comes first (PM1_STS_RTC), or 0 when the domain ended instead (S5, or
	 * nothing can wake it).
	 */
	uint16_t (*sleep)(void *ctx, unsigned slp_typ);
};

struct acpi_pm {
	const struct acpi_pm_ops *ops;
	void *ctx;
	uint16_t sts, en, cnt;
	bool sci;                  /* the SCI line's level as last driven */
};

/* Power-on values: nothing pending or enabled, ACPI mode (SCI_EN: there is no SMI command port to switch it). */
void acpi_pm_init(struct acpi_pm *pm, const struct acpi_pm_ops *ops, void *ctx);
/* Whether an RTC alarm may wake a sleeping domain (RTC_EN). */
static inline bool acpi_pm_rtc_wakes(const struct acpi_pm *pm)
{
	return pm->en & PM1_EN_RTC;
}

/*
 * A press of the power button: PWRBTN_STS, and the SCI when PWRBTN_EN.
 * before_alarm: the press woke the sleeping domain before its RTC alarm,
 * which therefore did not wake it (RTC_STS clear).
 */
void acpi_pm_power_button(struct acpi_pm *pm, bool before_alarm);

/* On a bus at ACPI_PM_PORT, ACPI_PM_PORTS byte registers; dev is its struct acpi_pm. */
extern const struct bus_device acpi_pm_bus_device;

#endif
