/*
 * Host tests for the PM1a registers, on a bus as the platform puts them:
 * power-on values (SCI_EN reads 1), PM1_STS cleared by writing 1 and
 * nothing else, PM1_EN's writable bits, PM1_CNT's kept and write-only
 * bits; SLP_EN with S5 and S3 asking the platform once each, with S5
 * ending the domain, and S3 setting WAK_STS and the waking event's status;
 * other types waking at once; SLP_TYP alone doing nothing; the power
 * button's status, its SCI when enabled, and a press that wakes the
 * domain before its alarm taking RTC_STS back; the SCI following status
 * and enable, driven only when its level changes; byte and word accesses
 * alike.
 */
#include <string.h>

#include "dev/acpi_pm.h"
#include "check.h"

static struct bus b;
static struct acpi_pm pm;
static struct {
	unsigned sleeps, sci_calls, last_typ;
	bool sci;
	uint16_t woke_by;   /* what the platform answers a sleep with */
} plat;

static void sci(void *ctx, bool level)
{
	CHECK(ctx == &plat);
	CHECK(level != plat.sci);   /* driven on changes only */
	plat.sci = level;
	plat.sci_calls++;
}

static uint16_t sleep_until(void *ctx, unsigned slp_typ)
{
	CHECK(ctx == &plat);
	plat.sleeps++;
	plat.last_typ = slp_typ;
	return slp_typ == ACPI_PM_SLP_TYP_S5 ? 0 : plat.woke_by;
}

static const struct acpi_pm_ops ops = { sci, sleep_until };

static void setup(void)
{
	memset(&plat, 0, sizeof plat);
	plat.woke_by = PM1_STS_WAK | PM1_STS_RTC;
	memset(&pm, 0x5a, sizeof pm);
	acpi_pm_init(&pm, &ops, &plat);
	bus_init(&b);
	CHECK_EQ(bus_add(&b.port, ACPI_PM_PORT, ACPI_PM_PORTS, &acpi_pm_bus_device, &pm, 0), 0);
}

static uint32_t in(uint16_t port, unsigned size) { return bus_port_in(&b, 0, port, size); }
static enum bus_result out(uint16_t port, unsigned size, uint32_t v) { return bus_port_out(&b, 0, port, size, v); }

static uint16_t slp(unsigned typ) { return (uint16_t)(typ << PM1_CNT_SLP_TYP_SHIFT | PM1_CNT_SLP_EN); }

static void test_power_on(void)
{
	setup();
	CHECK_EQ(in(0xb000, 2), 0);               /* PM1_STS */
	CHECK_EQ(in(0xb002, 2), 0);               /* PM1_EN */
	CHECK_EQ(in(0xb004, 2), PM1_CNT_SCI_EN);  /* ACPI mode */
	CHECK_EQ(in(0xb000, 4), 0);
	CHECK_EQ(in(0xb006, 2), 0xffff);          /* past the block: the empty bus */
	CHECK(!acpi_pm_rtc_wakes(&pm));
}

static void test_enable_and_control_bits(void)
{
	setup();
	CHECK_EQ(out(0xb002, 2, 0xffff), BUS_OK);
	CHECK_EQ(in(0xb002, 2), PM1_EN_TMR | PM1_EN_GBL | PM1_EN_PWRBTN | PM1_EN_SLPBTN | PM1_EN_RTC |
	                        PM1_EN_PCIEXP_WAKE_DIS);
	CHECK(acpi_pm_rtc_wakes(&pm));
	CHECK_EQ(out(0xb003, 1, 0), BUS_OK);      /* the high byte alone */
	CHECK_EQ(in(0xb002, 2), PM1_EN_TMR | PM1_EN_GBL);
	CHECK(!acpi_pm_rtc_wakes(&pm));
	/* SLP_TYP and BM_RLD are kept; SCI_EN cannot be cleared; GBL_RLS reads 0. */
	CHECK_EQ(out(0xb004, 2, 3u << PM1_CNT_SLP_TYP_SHIFT | PM1_CNT_GBL_RLS | PM1_CNT_BM_RLD), BUS_OK);
	CHECK_EQ(in(0xb004, 2), 3u << PM1_CNT_SLP_TYP_SHIFT | PM1_CNT_BM_RLD | PM1_CNT_SCI_EN);
	CHECK_EQ(plat.sleeps, 0);                 /* SLP_TYP without SLP_EN */
	CHECK_EQ(in(0xb004, 1), PM1_CNT_BM_RLD | PM1_CNT_SCI_EN);
	CHECK_EQ(in(0xb005, 1), 3u << (PM1_CNT_SLP_TYP_SHIFT - 8));
	/* Status bits are cleared by writing 1, and nothing sets them by a write. */
	CHECK_EQ(out(0xb000, 2, 0xffff), BUS_OK);
	CHECK_EQ(in(0xb000, 2), 0);
	CHECK_EQ(plat.sci_calls, 0);
}

static void test_s5(void)
{
	setup();
	CHECK_EQ(out(0xb004, 2, slp(ACPI_PM_SLP_TYP_S5)), BUS_DOMAIN_ENDED);
	CHECK_EQ(plat.sleeps, 1);
	CHECK_EQ(plat.last_typ, ACPI_PM_SLP_TYP_S5);
	/* The high byte alone carries SLP_TYP and SLP_EN: the same. */
	CHECK_EQ(out(0xb005, 1, slp(ACPI_PM_SLP_TYP_S5) >> 8), BUS_DOMAIN_ENDED);
	CHECK_EQ(plat.sleeps, 2);
	CHECK_EQ(in(0xb004, 2) & PM1_CNT_SLP_EN, 0);   /* write-only */
}

static void test_s3(void)
{
	setup();
	CHECK_EQ(out(0xb002, 2, PM1_EN_RTC), BUS_OK);
	CHECK_EQ(out(0xb004, 2, slp(ACPI_PM_SLP_TYP_S3)), BUS_OK);
	CHECK_EQ(plat.sleeps, 1);
	CHECK_EQ(plat.last_typ, ACPI_PM_SLP_TYP_S3);
	CHECK_EQ(in(0xb000, 2), PM1_STS_WAK | PM1_STS_RTC);
	CHECK_EQ(in(0xb004, 2), ACPI_PM_SLP_TYP_S3 << PM1_CNT_SLP_TYP_SHIFT | PM1_CNT_SCI_EN);
	/* RTC_STS with RTC_EN: the SCI, until either goes. */
	CHECK(plat.sci);
	CHECK_EQ(out(0xb000, 2, PM1_STS_WAK), BUS_OK);
	CHECK(plat.sci);
	CHECK_EQ(in(0xb000, 2), PM1_STS_RTC);
	CHECK_EQ(out(0xb002, 2, 0), BUS_OK);
	CHECK(!plat.sci);
	CHECK_EQ(out(0xb002, 2, PM1_EN_RTC), BUS_OK);
	CHECK(plat.sci);
	CHECK_EQ(out(0xb001, 1, PM1_STS_RTC >> 8), BUS_OK);
	CHECK(!plat.sci);
	CHECK_EQ(plat.sci_calls, 4);
	/* No alarm to wake it (only the power button will): WAK_STS alone, no SCI. */
	setup();
	plat.woke_by = PM1_STS_WAK;
	CHECK_EQ(out(0xb004, 2, slp(ACPI_PM_SLP_TYP_S3)), BUS_OK);
	CHECK_EQ(in(0xb000, 2), PM1_STS_WAK);
	CHECK_EQ(plat.sci_calls, 0);
	/* Nothing can wake it (no one to press the button): the platform ends the domain, no status set. */
	setup();
	plat.woke_by = 0;
	CHECK_EQ(out(0xb004, 2, slp(ACPI_PM_SLP_TYP_S3)), BUS_DOMAIN_ENDED);
	CHECK_EQ(in(0xb000, 2), 0);
	CHECK_EQ(plat.sci_calls, 0);
}

static void test_power_button(void)
{
	/* Running, PWRBTN_EN clear: the status only. */
	setup();
	acpi_pm_power_button(&pm, false);
	CHECK_EQ(in(0xb000, 2), PM1_STS_PWRBTN);
	CHECK(!plat.sci);
	/* Enabling it raises the SCI; clearing the status (its byte alone) drops it. */
	CHECK_EQ(out(0xb003, 1, PM1_EN_PWRBTN >> 8), BUS_OK);
	CHECK(plat.sci);
	CHECK_EQ(out(0xb001, 1, PM1_STS_PWRBTN >> 8), BUS_OK);
	CHECK(!plat.sci);
	CHECK_EQ(in(0xb000, 2), 0);
	/* A second press, enabled: the SCI at once. */
	acpi_pm_power_button(&pm, false);
	CHECK(plat.sci);
	CHECK_EQ(plat.sci_calls, 3);

	/* Asleep until an alarm, woken by a press first: RTC_STS taken back, PWRBTN_STS set. */
	setup();
	CHECK_EQ(out(0xb004, 2, slp(ACPI_PM_SLP_TYP_S3)), BUS_OK);
	CHECK_EQ(in(0xb000, 2), PM1_STS_WAK | PM1_STS_RTC);
	acpi_pm_power_button(&pm, true);
	CHECK_EQ(in(0xb000, 2), PM1_STS_WAK | PM1_STS_PWRBTN);
	/* The alarm came first: both stay. */
	setup();
	CHECK_EQ(out(0xb004, 2, slp(ACPI_PM_SLP_TYP_S3)), BUS_OK);
	acpi_pm_power_button(&pm, false);
	CHECK_EQ(in(0xb000, 2), PM1_STS_WAK | PM1_STS_RTC | PM1_STS_PWRBTN);
}

/* S1, S2, S4 and the reserved types are not in the DSDT: woken at once, the platform not asked. */
static void test_other_types_wake_at_once(void)
{
	for (unsigned typ = 0; typ < 8; typ++) {
		if (typ == ACPI_PM_SLP_TYP_S3 || typ == ACPI_PM_SLP_TYP_S5)
			continue;
		setup();
		CHECK_EQ(out(0xb002, 2, PM1_EN_RTC), BUS_OK);
		CHECK_EQ(out(0xb004, 2, slp(typ)), BUS_OK);
		CHECK_EQ(plat.sleeps, 0);
		CHECK_EQ(in(0xb000, 2), PM1_STS_WAK);
		CHECK(!plat.sci);                     /* WAK_STS raises no SCI */
	}
}

int main(void)
{
	RUN(test_power_on);
	RUN(test_enable_and_control_bits);
	RUN(test_s5);
	RUN(test_s3);
	RUN(test_power_button);
	RUN(test_other_types_wake_at_once);
	return CHECK_EXIT();
}
