/*
 * Host tests for the 8259A pair and the ELCR: the masks written with 0xff
 * read back, the power-on state, a full ICW1-ICW4 initialisation (the ICWs do
 * not land in the mask, ICW1 clears it), single mode and no-ICW4 sequences,
 * OCW2/OCW3 ignored, command-port reads of 0, the ELCR's writable bits, and
 * which ports the device claims.
 */
#include <string.h>

#include "dev/pic.h"
#include "check.h"

static struct pic p;

static void setup(void)
{
	memset(&p, 0x5a, sizeof p);
	pic_init(&p);
}

static void test_power_on(void)
{
	setup();
	CHECK_EQ(pic_read(&p, PIC_MASTER_DATA), 0xff);
	CHECK_EQ(pic_read(&p, PIC_SLAVE_DATA), 0xff);
	CHECK_EQ(pic_read(&p, PIC_MASTER_CMD), 0);
	CHECK_EQ(pic_read(&p, PIC_SLAVE_CMD), 0);
	CHECK_EQ(pic_read(&p, PIC_ELCR_MASTER), 0);
	CHECK_EQ(pic_read(&p, PIC_ELCR_SLAVE), 0);
}

static void test_masks(void)
{
	setup();
	pic_write(&p, PIC_MASTER_DATA, 0x00);
	pic_write(&p, PIC_SLAVE_DATA, 0x00);
	CHECK_EQ(pic_read(&p, PIC_MASTER_DATA), 0);
	pic_write(&p, PIC_MASTER_DATA, 0xff);
	pic_write(&p, PIC_SLAVE_DATA, 0xff);
	CHECK_EQ(pic_read(&p, PIC_MASTER_DATA), 0xff);
	CHECK_EQ(pic_read(&p, PIC_SLAVE_DATA), 0xff);
	/* The two chips are apart. */
	pic_write(&p, PIC_MASTER_DATA, 0xfb);
	CHECK_EQ(pic_read(&p, PIC_MASTER_DATA), 0xfb);
	CHECK_EQ(pic_read(&p, PIC_SLAVE_DATA), 0xff);
}

/* Linux's and most BIOSes' sequence: ICW1 edge/cascade/ICW4, vector base, cascade wiring, 8086 mode. */
static void test_init_sequence(void)
{
	setup();
	pic_write(&p, PIC_MASTER_CMD, 0x11);
	CHECK_EQ(pic_read(&p, PIC_MASTER_DATA), 0);    /* ICW1 clears the mask */
	pic_write(&p, PIC_MASTER_DATA, 0x20);          /* ICW2 */
	pic_write(&p, PIC_MASTER_DATA, 0x04);          /* ICW3 */
	pic_write(&p, PIC_MASTER_DATA, 0x01);          /* ICW4 */
	CHECK_EQ(pic_read(&p, PIC_MASTER_DATA), 0);
	pic_write(&p, PIC_MASTER_DATA, 0xff);          /* OCW1 */
	CHECK_EQ(pic_read(&p, PIC_MASTER_DATA), 0xff);

	pic_write(&p, PIC_SLAVE_CMD, 0x11);
	pic_write(&p, PIC_SLAVE_DATA, 0x28);
	pic_write(&p, PIC_SLAVE_DATA, 0x02);
	pic_write(&p, PIC_SLAVE_DATA, 0x01);
	pic_write(&p, PIC_SLAVE_DATA, 0xfe);
	CHECK_EQ(pic_read(&p, PIC_SLAVE_DATA), 0xfe);
	CHECK_EQ(pic_read(&p, PIC_MASTER_DATA), 0xff);
}

static void test_short_sequences(void)
{
	setup();
	/* Single mode, no ICW4: only ICW2 follows. */
	pic_write(&p, PIC_MASTER_CMD, 0x10 | 0x02);
	pic_write(&p, PIC_MASTER_DATA, 0x08);
	pic_write(&p, PIC_MASTER_DATA, 0x7f);
	CHECK_EQ(pic_read(&p, PIC_MASTER_DATA), 0x7f);
	/* Single mode with ICW4: ICW2, ICW4. */
	pic_write(&p, PIC_MASTER_CMD, 0x10 | 0x02 | 0x01);
	pic_write(&p, PIC_MASTER_DATA, 0x08);
	pic_write(&p, PIC_MASTER_DATA, 0x01);
	pic_write(&p, PIC_MASTER_DATA, 0x3c);
	CHECK_EQ(pic_read(&p, PIC_MASTER_DATA), 0x3c);
	/* Cascade without ICW4: ICW2, ICW3. */
	pic_write(&p, PIC_MASTER_CMD, 0x10);
	pic_write(&p, PIC_MASTER_DATA, 0x08);
	pic_write(&p, PIC_MASTER_DATA, 0x04);
	pic_write(&p, PIC_MASTER_DATA, 0xc3);
	CHECK_EQ(pic_read(&p, PIC_MASTER_DATA), 0xc3);
}

static void test_ocw_ignored(void)
{
	setup();
	pic_write(&p, PIC_MASTER_DATA, 0xaa);
	pic_write(&p, PIC_MASTER_CMD, 0x20);    /* OCW2: non-specific EOI */
	pic_write(&p, PIC_MASTER_CMD, 0x0b);    /* OCW3: read ISR */
	CHECK_EQ(pic_read(&p, PIC_MASTER_CMD), 0);
	pic_write(&p, PIC_MASTER_CMD, 0x0a);    /* OCW3: read IRR */
	CHECK_EQ(pic_read(&p, PIC_MASTER_CMD), 0);
	CHECK_EQ(pic_read(&p, PIC_MASTER_DATA), 0xaa);
	pic_write(&p, PIC_MASTER_DATA, 0x55);
	CHECK_EQ(pic_read(&p, PIC_MASTER_DATA), 0x55);
}

static void test_elcr(void)
{
	setup();
	pic_write(&p, PIC_ELCR_MASTER, 0xff);
	pic_write(&p, PIC_ELCR_SLAVE, 0xff);
	CHECK_EQ(pic_read(&p, PIC_ELCR_MASTER), 0xf8);   /* IRQ 0, 1, 2 stay edge */
	CHECK_EQ(pic_read(&p, PIC_ELCR_SLAVE), 0xde);    /* IRQ 8, 13 stay edge */
	pic_write(&p, PIC_ELCR_MASTER, 0x20);            /* IRQ 5 level */
	pic_write(&p, PIC_ELCR_SLAVE, 0x0e);             /* IRQ 9, 10, 11 level */
	CHECK_EQ(pic_read(&p, PIC_ELCR_MASTER), 0x20);
	CHECK_EQ(pic_read(&p, PIC_ELCR_SLAVE), 0x0e);
	/* The ELCR is not the mask. */
	CHECK_EQ(pic_read(&p, PIC_MASTER_DATA), 0xff);
	pic_write(&p, PIC_ELCR_MASTER, 0);
	CHECK_EQ(pic_read(&p, PIC_ELCR_MASTER), 0);
	CHECK_EQ(pic_read(&p, PIC_ELCR_SLAVE), 0x0e);
}

static void test_claims(void)
{
	static const uint16_t mine[] = { 0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1 };
	static const uint16_t others[] = { 0x1f, 0x22, 0x9f, 0xa2, 0x4cf, 0x4d2, 0x3f8, 0x510, 0xb008 };
	for (unsigned i = 0; i < sizeof mine / sizeof mine[0]; i++)
		CHECK(pic_claims(mine[i]));
	for (unsigned i = 0; i < sizeof others / sizeof others[0]; i++)
		CHECK(!pic_claims(others[i]));
	setup();
	CHECK_EQ(pic_read(&p, 0x22), 0xff);
	pic_write(&p, 0x22, 0);
	CHECK_EQ(pic_read(&p, PIC_MASTER_DATA), 0xff);
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
	return CHECK_EXIT();
}
