/*
 * Host tests for the Reset Control Register at 0xCF9, on a bus as the
 * platform puts it: a byte write with RST_CPU resets (Linux's and the
 * FADT's 0x06, and RST_CPU alone), SYS_RST and FULL_RST read back and
 * alone reset nothing, and 16- or 32-bit accesses, such as a PCI
 * CONFIG_ADDRESS write at 0xCF8 whose second byte has bit 2 set, never
 * reach it.
 */
#include <string.h>

#include "dev/reset_control.h"
#include "hw/reset_control.h"
#include "check.h"

static struct bus b;
static struct reset_control rc;
static int resets;

static void reset(void *ctx)
{
	CHECK(ctx == &resets);
	resets++;
}

static void setup(void)
{
	resets = 0;
	bus_init(&b);
	rc = (struct reset_control){ 0, reset, &resets };
	CHECK_EQ(bus_add(&b.port, RST_CNT_PORT, RESET_CONTROL_PORTS, &reset_control_bus_device, &rc, 0), 0);
}

static void test_reset_written(void)
{
	setup();
	CHECK_EQ(RST_CNT_COLD_RESET, 0x06);
	CHECK_EQ(bus_port_out(&b, 0, RST_CNT_PORT, 1, 0x06), BUS_DOMAIN_ENDED);
	CHECK_EQ(resets, 1);
	CHECK_EQ(bus_port_in(&b, 0, RST_CNT_PORT, 1), RST_CNT_SYS_RST);   /* RST_CPU does not read back */
	CHECK_EQ(bus_port_out(&b, 0, RST_CNT_PORT, 1, RST_CNT_RST_CPU), BUS_DOMAIN_ENDED);
	CHECK_EQ(bus_port_out(&b, 0, RST_CNT_PORT, 1, 0x0e), BUS_DOMAIN_ENDED);
	CHECK_EQ(resets, 3);
}

static void test_no_reset_without_rst_cpu(void)
{
	setup();
	CHECK_EQ(bus_port_in(&b, 0, RST_CNT_PORT, 1), 0);
	CHECK_EQ(bus_port_out(&b, 0, RST_CNT_PORT, 1, RST_CNT_SYS_RST | RST_CNT_FULL_RST), BUS_OK);
	CHECK_EQ(bus_port_in(&b, 0, RST_CNT_PORT, 1), RST_CNT_SYS_RST | RST_CNT_FULL_RST);
	/* Bits other than SYS_RST and FULL_RST are not kept. */
	CHECK_EQ(bus_port_out(&b, 0, RST_CNT_PORT, 1, 0xf1), BUS_OK);
	CHECK_EQ(bus_port_in(&b, 0, RST_CNT_PORT, 1), 0);
	CHECK_EQ(resets, 0);
}

static void test_wide_accesses_miss_it(void)
{
	setup();
	/* CONFIG_ADDRESS for bus 0, device 0, function 4: byte 1 is 0x04. */
	CHECK_EQ(bus_port_out(&b, 0, 0xcf8, 4, 0x80000400u), BUS_OK);
	CHECK_EQ(bus_port_out(&b, 0, 0xcf8, 2, 0x0600), BUS_OK);
	CHECK_EQ(bus_port_out(&b, 0, RST_CNT_PORT, 2, 0x0006), BUS_OK);
	CHECK_EQ(bus_port_out(&b, 0, RST_CNT_PORT, 4, 0x06), BUS_OK);
	CHECK_EQ(resets, 0);
	CHECK_EQ(bus_port_in(&b, 0, 0xcf8, 4), 0xffffffffu);
	CHECK_EQ(bus_port_in(&b, 0, RST_CNT_PORT, 2), 0xffff);
	CHECK_EQ(bus_port_in(&b, 0, RST_CNT_PORT, 1), 0);
}

int main(void)
{
	RUN(test_reset_written);
	RUN(test_no_reset_without_rst_cpu);
	RUN(test_wide_accesses_miss_it);
	return CHECK_EXIT();
}
