/*
 * The sleep control register acts on one write only: SLP_EN with the S5
 * sleep type. Other sleep types are not in the DSDT, so a guest has no
 * reason to ask for them; such writes are ignored and the guest keeps
 * running, as if it had woken at once. Nothing of the domain is kept
 * here: both registers read 0 (no sleep in progress, WAK_STS clear), and
 * writes to the status register (WAK_STS is cleared by writing 1) have
 * nothing to clear.
 */
#include "dev/acpi_sleep.h"
#include "hw/acpi.h"

#define CONTROL 0   /* offsets from ACPI_SLEEP_CONTROL_PORT */

_Static_assert(ACPI_SLEEP_STATUS_PORT == ACPI_SLEEP_CONTROL_PORT + 1, "the status register follows the control register");

static uint64_t acpi_sleep_read(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	(void)dev, (void)vcpu, (void)off, (void)size;
	return 0;
}

static enum bus_result acpi_sleep_write(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	const struct acpi_sleep *s = dev;
	unsigned slp_typ = ((unsigned)val & ACPI_SLEEP_CTL_SLP_TYP_MASK) >> ACPI_SLEEP_CTL_SLP_TYP_SHIFT;
	(void)vcpu, (void)size;
	if (off != CONTROL || !(val & ACPI_SLEEP_CTL_SLP_EN) || slp_typ != ACPI_SLEEP_SLP_TYP_S5)
		return BUS_OK;
	s->power_off(s->ctx);
	return BUS_DOMAIN_ENDED;
}

const struct bus_device acpi_sleep_bus_device = { "ACPI sleep control", acpi_sleep_read, acpi_sleep_write, BUS_BYTE_REGS };
