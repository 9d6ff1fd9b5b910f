/*
 * The registers are 16 bits wide but byte-addressable, so the bus splits
 * wider accesses and each byte lands in its half: SLP_TYP and SLP_EN share
 * PM1_CNT's high byte, so a 16-bit write acts once, with both.
 *
 * Of the status bits only WAK_STS, RTC_STS and PWRBTN_STS are ever set: a
 * domain wakes from S3 at an RTC alarm or when its power button is
 * pressed, which wakes a sleeping machine whatever PWRBTN_EN says (ACPI,
 * "PM1 Status Registers"). WAK_STS, and RTC_STS when the alarm will wake
 * it, are set as the domain goes to sleep, since none of its processors
 * runs until then to tell; a press that wakes it first takes RTC_STS back.
 * There is no sleep button (the FADT says so), no firmware to own the
 * global lock, and the PM timer's carry (TMR_STS) is not kept: the
 * platform has no event to raise it with. SCI_EN reads 1: the domain is
 * always in ACPI mode, as a FADT without an SMI command port says.
 *
 * A sleep type the DSDT does not offer wakes at once (WAK_STS set, the
 * guest running on), which is what an operating system that waits for
 * WAK_STS after SLP_EN sees of a sleep that did not happen.
 */
#include "dev/acpi_pm.h"

#define STS 0   /* offsets from ACPI_PM_PORT */
#define EN  2
#define CNT PM1_EVT_LEN

#define EN_WRITABLE  (PM1_EN_TMR | PM1_EN_GBL | PM1_EN_PWRBTN | PM1_EN_SLPBTN | PM1_EN_RTC | PM1_EN_PCIEXP_WAKE_DIS)
#define CNT_KEPT     (PM1_CNT_BM_RLD | PM1_CNT_SLP_TYP_MASK)
/* The status bits that raise the SCI when enabled: each shares its bit with its enable. */
#define SCI_EVENTS   (PM1_STS_TMR | PM1_STS_GBL | PM1_STS_PWRBTN | PM1_STS_SLPBTN | PM1_STS_RTC)

_Static_assert(PM1_STS_RTC == PM1_EN_RTC && PM1_STS_PWRBTN == PM1_EN_PWRBTN && PM1_STS_TMR == PM1_EN_TMR,
               "each status bit is its enable's bit");

void acpi_pm_init(struct acpi_pm *pm, const struct acpi_pm_ops *ops, void *ctx)
{
	*pm = (struct acpi_pm){ .ops = ops, .ctx = ctx };
}

static void update_sci(struct acpi_pm *pm)
{
	bool level = pm->sts & pm->en & SCI_EVENTS;
	if (level != pm->sci) {
		pm->sci = level;
		pm->ops->sci(pm->ctx, level);
	}
}

static enum bus_result enter_sleep(struct acpi_pm *pm)
{
	unsigned typ = (pm->cnt & PM1_CNT_SLP_TYP_MASK) >> PM1_CNT_SLP_TYP_SHIFT;
	uint16_t woke_by = 0;
	if (typ == ACPI_PM_SLP_TYP_S3 || typ == ACPI_PM_SLP_TYP_S5) {
		woke_by = pm->ops->sleep(pm->ctx, typ);
		if (!(woke_by & PM1_STS_WAK))
			return BUS_DOMAIN_ENDED;
	}
	pm->sts |= PM1_STS_WAK | woke_by;
	update_sci(pm);
	return BUS_OK;
}

static uint64_t acpi_pm_read(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	const struct acpi_pm *pm = dev;
	uint16_t reg = off < EN ? pm->sts : off < CNT ? pm->en : (uint16_t)(pm->cnt | PM1_CNT_SCI_EN);
	(void)vcpu, (void)size;
	return (uint8_t)(reg >> (off & 1) * 8);
}

static enum bus_result acpi_pm_write(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	struct acpi_pm *pm = dev;
	unsigned shift = (unsigned)(off & 1) * 8;
	uint16_t bits = (uint16_t)((val & 0xff) << shift), lane = (uint16_t)(0xff << shift);
	(void)vcpu, (void)size;
	if (off < EN) {
		pm->sts &= (uint16_t)~bits;
	} else if (off < CNT) {
		pm->en = (uint16_t)((pm->en & ~lane) | (bits & EN_WRITABLE));
	} else {
		pm->cnt = (uint16_t)((pm->cnt & ~lane) | (bits & CNT_KEPT));
		if (bits & PM1_CNT_SLP_EN)
			return enter_sleep(pm);
	}
	update_sci(pm);
	return BUS_OK;
}

void acpi_pm_power_button(struct acpi_pm *pm, bool before_alarm)
{
	pm->sts |= PM1_STS_PWRBTN;
	if (before_alarm)
		pm->sts &= (uint16_t)~PM1_STS_RTC;
	update_sci(pm);
}

const struct bus_device acpi_pm_bus_device = { "ACPI PM1 registers", acpi_pm_read, acpi_pm_write, BUS_BYTE_REGS };
