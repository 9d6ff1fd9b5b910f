/*
 * Host tests for the ACPI sleep control and status registers, on a bus as
 * the platform puts them: only SLP_EN with the S5 sleep type powers off
 * (once per write, through the given function, ending the domain); other
 * sleep types, SLP_TYP without SLP_EN and status writes do nothing; both
 * registers read 0; a 16-bit access reaches them byte by byte.
 */
#include <string.h>

#include "dev/acpi_sleep.h"
#include "hw/acpi.h"
#include "check.h"

static struct bus b;
static struct acpi_sleep sleep_regs;
static int offs;

static void power_off(void *ctx)
{
	CHECK(ctx == &offs);
	offs++;
}

static void setup(void)
{
	offs = 0;
	bus_init(&b);
	sleep_regs = (struct acpi_sleep){ power_off, &offs };
	CHECK_EQ(bus_add(&b.port, ACPI_SLEEP_CONTROL_PORT, ACPI_SLEEP_PORTS, &acpi_sleep_bus_device, &sleep_regs, 0), 0);
}

static uint8_t slp(unsigned typ, bool en)
{
	return (uint8_t)(typ << ACPI_SLEEP_CTL_SLP_TYP_SHIFT | (en ? ACPI_SLEEP_CTL_SLP_EN : 0));
}

static void test_s5_powers_off(void)
{
	setup();
	/* What Linux writes for S5 with \_S5 = 5: SLP_TYP 5 << 2 | SLP_EN. */
	CHECK_EQ(slp(ACPI_SLEEP_SLP_TYP_S5, true), 0x34);
	CHECK_EQ(bus_port_out(&b, 0, ACPI_SLEEP_CONTROL_PORT, 1, 0x34), BUS_DOMAIN_ENDED);
	CHECK_EQ(offs, 1);
	/* Bits outside SLP_TYP and SLP_EN do not matter. */
	CHECK_EQ(bus_port_out(&b, 0, ACPI_SLEEP_CONTROL_PORT, 1, 0x34 | 0xc3), BUS_DOMAIN_ENDED);
	CHECK_EQ(offs, 2);
}

static void test_other_writes_ignored(void)
{
	setup();
	for (unsigned typ = 0; typ < 8; typ++) {
		if (typ != ACPI_SLEEP_SLP_TYP_S5)
			CHECK_EQ(bus_port_out(&b, 0, ACPI_SLEEP_CONTROL_PORT, 1, slp(typ, true)), BUS_OK);
		CHECK_EQ(bus_port_out(&b, 0, ACPI_SLEEP_CONTROL_PORT, 1, slp(typ, false)), BUS_OK);
	}
	/* The status register: WAK_STS written as 1 clears nothing, and S5's value there is no sleep. */
	CHECK_EQ(bus_port_out(&b, 0, ACPI_SLEEP_STATUS_PORT, 1, ACPI_SLEEP_STS_WAK_STS), BUS_OK);
	CHECK_EQ(bus_port_out(&b, 0, ACPI_SLEEP_STATUS_PORT, 1, 0x34), BUS_OK);
	CHECK_EQ(offs, 0);
}

static void test_reads_and_widths(void)
{
	setup();
	CHECK_EQ(bus_port_in(&b, 0, ACPI_SLEEP_CONTROL_PORT, 1), 0);
	CHECK_EQ(bus_port_in(&b, 0, ACPI_SLEEP_STATUS_PORT, 1), 0);   /* WAK_STS clear: never asleep */
	CHECK_EQ(bus_port_in(&b, 0, ACPI_SLEEP_CONTROL_PORT, 2), 0);
	/* Past the two registers, the empty bus. */
	CHECK_EQ(bus_port_in(&b, 0, ACPI_SLEEP_CONTROL_PORT, 4), 0xffff0000u);
	/* A 16-bit write: S5 in the control byte, anything in the status byte. */
	CHECK_EQ(bus_port_out(&b, 0, ACPI_SLEEP_CONTROL_PORT, 2, 0xff34), BUS_DOMAIN_ENDED);
	CHECK_EQ(offs, 1);
	/* S5 only in the status byte: nothing. */
	CHECK_EQ(bus_port_out(&b, 0, ACPI_SLEEP_CONTROL_PORT, 2, 0x3400), BUS_OK);
	CHECK_EQ(offs, 1);
}

int main(void)
{
	RUN(test_s5_powers_off);
	RUN(test_other_writes_ignored);
	RUN(test_reads_and_widths);
	return CHECK_EXIT();
}
