/*
 * Host tests for the 8259A pair and the ELCR: the masks written with 0xff
 * read back, the power-on state, a full ICW1-ICW4 initialisation (the ICWs do
 * not land in the mask, ICW1 clears it), single mode and no-ICW4 sequences,
 * OCW2/OCW3 ignored, command-port reads of 0, the ELCR's writable bits, and
 * which ports the device claims on a bus, all through that bus.
 */
#include <string.h>

#include "dev/pic.h"
#include "check.h"

static struct pic p;
static struct bus bus;
static struct spinlock lock = SPINLOCK_INIT;

static void setup(void)
{
	memset(&p, 0x5a, sizeof p);
	bus_init(&bus);
	pic_init(&p);
	CHECK_EQ(pic_add_to_bus(&bus, &p, &lock), 0);
}

static uint8_t rd(uint16_t port)
{
	return (uint8_t)bus_port_in(&bus, 0, port, 1);
}

static void wr(uint16_t port, uint8_t val)
{
	CHECK_EQ(bus_port_out(&bus, 0, port, 1, val), BUS_OK);
}

static void test_power_on(void)
{
	setup();
	CHECK_EQ(rd(PIC_MASTER_DATA), 0xff);
	CHECK_EQ(rd(PIC_SLAVE_DATA), 0xff);
	CHECK_EQ(rd(PIC_MASTER_CMD), 0);
	CHECK_EQ(rd(PIC_SLAVE_CMD), 0);
	CHECK_EQ(rd(PIC_ELCR_MASTER), 0);
	CHECK_EQ(rd(PIC_ELCR_SLAVE), 0);
}

static void test_masks(void)
{
	setup();
	wr(PIC_MASTER_DATA, 0x00);
	wr(PIC_SLAVE_DATA, 0x00);
	CHECK_EQ(rd(PIC_MASTER_DATA), 0);
	wr(PIC_MASTER_DATA, 0xff);
	wr(PIC_SLAVE_DATA, 0xff);
	CHECK_EQ(rd(PIC_MASTER_DATA), 0xff);
	CHECK_EQ(rd(PIC_SLAVE_DATA), 0xff);
	/* The two chips are apart. */
	wr(PIC_MASTER_DATA, 0xfb);
	CHECK_EQ(rd(PIC_MASTER_DATA), 0xfb);
	CHECK_EQ(rd(PIC_SLAVE_DATA), 0xff);
}

/* Linux's and most BIOSes' sequence: ICW1 edge/cascade/ICW4, vector base, cascade wiring, 8086 mode. */
static void test_init_sequence(void)
{
	setup();
	wr(PIC_MASTER_CMD, 0x11);
	CHECK_EQ(rd(PIC_MASTER_DATA), 0);    /* ICW1 clears the mask */
	wr(PIC_MASTER_DATA, 0x20);          /* ICW2 */
	wr(PIC_MASTER_DATA, 0x04);          /* ICW3 */
	wr(PIC_MASTER_DATA, 0x01);          /* ICW4 */
	CHECK_EQ(rd(PIC_MASTER_DATA), 0);
	wr(PIC_MASTER_DATA, 0xff);          /* OCW1 */
	CHECK_EQ(rd(PIC_MASTER_DATA), 0xff);

	wr(PIC_SLAVE_CMD, 0x11);
	wr(PIC_SLAVE_DATA, 0x28);
	wr(PIC_SLAVE_DATA, 0x02);
	wr(PIC_SLAVE_DATA, 0x01);
	wr(PIC_SLAVE_DATA, 0xfe);
	CHECK_EQ(rd(PIC_SLAVE_DATA), 0xfe);
	CHECK_EQ(rd(PIC_MASTER_DATA), 0xff);
}

static void test_short_sequences(void)
{
	setup();
	/* Single mode, no ICW4: only ICW2 follows. */
	wr(PIC_MASTER_CMD, 0x10 | 0x02);
	wr(PIC_MASTER_DATA, 0x08);
	wr(PIC_MASTER_DATA, 0x7f);
	CHECK_EQ(rd(PIC_MASTER_DATA), 0x7f);
	/* Single mode with ICW4: ICW2, ICW4. */
	wr(PIC_MASTER_CMD, 0x10 | 0x02 | 0x01);
	wr(PIC_MASTER_DATA, 0x08);
	wr(PIC_MASTER_DATA, 0x01);
	wr(PIC_MASTER_DATA, 0x3c);
	CHECK_EQ(rd(PIC_MASTER_DATA), 0x3c);
	/* Cascade without ICW4: ICW2, ICW3. */
	wr(PIC_MASTER_CMD, 0x10);
	wr(PIC_MASTER_DATA, 0x08);
	wr(PIC_MASTER_DATA, 0x04);
	wr(PIC_MASTER_DATA, 0xc3);
	CHECK_EQ(rd(PIC_MASTER_DATA), 0xc3);
}

static void test_ocw_ignored(void)
{
	setup();
	wr(PIC_MASTER_DATA, 0xaa);
	wr(PIC_MASTER_CMD, 0x20);    /* OCW2: non-specific EOI */
	wr(PIC_MASTER_CMD, 0x0b);    /* OCW3: read ISR */
	CHECK_EQ(rd(PIC_MASTER_CMD), 0);
	wr(PIC_MASTER_CMD, 0x0a);    /* OCW3: read IRR */
	CHECK_EQ(rd(PIC_MASTER_CMD), 0);
	CHECK_EQ(rd(PIC_MASTER_DATA), 0xaa);
	wr(PIC_MASTER_DATA, 0x55);
	CHECK_EQ(rd(PIC_MASTER_DATA), 0x55);
}

static void test_elcr(void)
{
	setup();
	wr(PIC_ELCR_MASTER, 0xff);
	wr(PIC_ELCR_SLAVE, 0xff);
	CHECK_EQ(rd(PIC_ELCR_MASTER), 0xf8);   /* IRQ 0, 1, 2 stay edge */
	CHECK_EQ(rd(PIC_ELCR_SLAVE), 0xde);    /* IRQ 8, 13 stay edge */
	wr(PIC_ELCR_MASTER, 0x20);            /* IRQ 5 level */
	wr(PIC_ELCR_SLAVE, 0x0e);             /* IRQ 9, 10, 11 level */
	CHECK_EQ(rd(PIC_ELCR_MASTER), 0x20);
	CHECK_EQ(rd(PIC_ELCR_SLAVE), 0x0e);
	/* The ELCR is not the mask. */
	CHECK_EQ(rd(PIC_MASTER_DATA), 0xff);
	wr(PIC_ELCR_MASTER, 0);
	CHECK_EQ(rd(PIC_ELCR_MASTER), 0);
	CHECK_EQ(rd(PIC_ELCR_SLAVE), 0x0e);
}

static void test_claims(void)
{
	static const uint16_t mine[] = { 0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1 };
	static const uint16_t others[] = { 0x1f, 0x22, 0x9f, 0xa2, 0x4cf, 0x4d2, 0x3f8, 0x510, 0xb008 };
	setup();
	for (unsigned i = 0; i < sizeof mine / sizeof mine[0]; i++)
		CHECK(bus_find(&bus.port, mine[i]) != 0);
	for (unsigned i = 0; i < sizeof others / sizeof others[0]; i++)
		CHECK(bus_find(&bus.port, others[i]) == 0);
	CHECK_EQ(rd(0x22), 0xff);
	wr(0x22, 0);
	CHECK_EQ(rd(PIC_MASTER_DATA), 0xff);
	/* A second PIC cannot take the same ports. */
	struct pic other;
	pic_init(&other);
	CHECK_EQ(pic_add_to_bus(&bus, &other, &lock), -1);
}

/* The ISA rule: a 16-bit access covers the data port and the next one, each byte on its own. */
static void test_wide_access(void)
{
	setup();
	CHECK_EQ(bus_port_out(&bus, 0, PIC_ELCR_MASTER, 2, 0xdef8), BUS_OK);
	CHECK_EQ(rd(PIC_ELCR_MASTER), 0xf8);
	CHECK_EQ(rd(PIC_ELCR_SLAVE), 0xde);
	CHECK_EQ(bus_port_in(&bus, 0, PIC_ELCR_MASTER, 2), 0xdef8);
	/* 0x21 is the master's mask, 0x22-0x24 nothing: the empty bus answers for them. */
	CHECK_EQ(bus_port_in(&bus, 0, PIC_MASTER_DATA, 4), 0xffffffffu);
	wr(PIC_MASTER_DATA, 0x12);
	CHECK_EQ(bus_port_in(&bus, 0, PIC_MASTER_DATA, 4), 0xffffff12u);
	CHECK_EQ(bus_port_in(&bus, 0, PIC_MASTER_CMD, 2), 0x1200);
	/* A write starting below the PIC reaches its bytes too. */
	CHECK_EQ(bus_port_out(&bus, 0, 0x1f, 4, 0x00340000), BUS_OK);
	CHECK_EQ(rd(PIC_MASTER_DATA), 0x34);
}

int main(void)
{
	RUN(test_power_on);
	RUN(test_masks);
	RUN(test_init_sequence);
	RUN(test_short_sequences);
	RUN(test_ocw_ignored);
	RUN(test_elcr);
	RUN(test_claims);
	RUN(test_wide_access);
	return CHECK_EXIT();
}
