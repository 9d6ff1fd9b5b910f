/*
 * Host tests for the 8259A pair and the ELCR, through a bus as a guest
 * reaches them and through the line and acknowledge calls the platform
 * makes: the state a BIOS leaves, the masks, ICW sequences (ICW1 clears
 * the mask and ISR and resets the edge sense), edge and level requests per
 * ELCR, fixed priority and the cascade through IR2, specific and
 * non-specific EOI, rotation, auto-EOI, OCW3 IRR/ISR reads and polling,
 * special mask mode, the spurious IR7, INTR's rising edges told to
 * the platform, the ELCR's writable bits, and which ports the device
 * claims.
 */
#include <string.h>

#include "dev/pic.h"
#include "check.h"

static struct pic p;
static struct bus bus;
static struct spinlock lock = SPINLOCK_INIT;
static unsigned raised;   /* INTR's rising edges told */

static void on_raise(void *ctx)
{
	CHECK(ctx == &p);
	raised++;
}

static void setup(void)
{
	memset(&p, 0x5a, sizeof p);
	bus_init(&bus);
	pic_init(&p, on_raise, &p);
	raised = 0;
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

/* Linux's and most BIOSes' sequence: ICW1 edge/cascade/ICW4, vector bases, cascade wiring, 8086 mode. */
static void init_pair(uint8_t master_base, uint8_t slave_base)
{
	wr(PIC_MASTER_CMD, 0x11);
	wr(PIC_MASTER_DATA, master_base);
	wr(PIC_MASTER_DATA, 0x04);
	wr(PIC_MASTER_DATA, 0x01);
	wr(PIC_SLAVE_CMD, 0x11);
	wr(PIC_SLAVE_DATA, slave_base);
	wr(PIC_SLAVE_DATA, 0x02);
	wr(PIC_SLAVE_DATA, 0x01);
}

/* As a BIOS leaves it: bases 0x08 and 0x70, the master masked but for the cascade, the slave open. */
static void test_power_on(void)
{
	setup();
	CHECK_EQ(rd(PIC_MASTER_DATA), 0xfb);
	CHECK_EQ(rd(PIC_SLAVE_DATA), 0x00);
	CHECK_EQ(rd(PIC_MASTER_CMD), 0);
	CHECK_EQ(rd(PIC_SLAVE_CMD), 0);
	CHECK_EQ(rd(PIC_ELCR_MASTER), 0);
	CHECK_EQ(rd(PIC_ELCR_SLAVE), 0);
	CHECK(!pic_intr(&p));
	/* IRQ 11, raised and lowered: vector 0x73, as a real-mode interrupt table expects. */
	pic_set_irq(&p, 11, true);
	pic_set_irq(&p, 11, false);
	CHECK(pic_intr(&p));
	CHECK_EQ(raised, 1);
	CHECK_EQ(pic_ack(&p), 0x73);
	CHECK(!pic_intr(&p));
	/* IRQ 4 (the UART's) is masked. */
	pic_set_irq(&p, 4, true);
	CHECK(!pic_intr(&p));
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
	/* An unmask lets a held request out. */
	wr(PIC_MASTER_DATA, 0xff);
	pic_set_irq(&p, 3, true);
	CHECK(!pic_intr(&p));
	CHECK_EQ(rd(PIC_MASTER_CMD), 0x08);   /* IRR shows it */
	wr(PIC_MASTER_DATA, 0xf7);
	CHECK(pic_intr(&p));
	CHECK_EQ(raised, 1);
	CHECK_EQ(pic_ack(&p), 0x0b);
	wr(PIC_MASTER_DATA, 0xff);
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
	wr(PIC_MASTER_DATA, 0x00);
	pic_set_irq(&p, 1, true);
	CHECK_EQ(pic_ack(&p), 0x21);          /* the new base */
	wr(PIC_MASTER_DATA, 0xff);

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
	CHECK_EQ(rd(PIC_MASTER_DATA), 0xfb);
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
	CHECK_EQ(rd(PIC_MASTER_DATA), 0xfb);
	/* A second PIC cannot take the same ports. */
	struct pic other;
	pic_init(&other, 0, 0);
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
	CHECK_EQ(bus_port_in(&bus, 0, PIC_MASTER_DATA, 4), 0xfffffffbu);
	wr(PIC_MASTER_DATA, 0x12);
	CHECK_EQ(bus_port_in(&bus, 0, PIC_MASTER_DATA, 4), 0xffffff12u);
	CHECK_EQ(bus_port_in(&bus, 0, PIC_MASTER_CMD, 2), 0x1200);
	/* A write starting below the PIC reaches its bytes too. */
	CHECK_EQ(bus_port_out(&bus, 0, 0x1f, 4, 0x00340000), BUS_OK);
	CHECK_EQ(rd(PIC_MASTER_DATA), 0x34);
}

/* An edge is latched when the line falls again; a level request lasts only while its line is high. */
static void test_edge_and_level(void)
{
	setup();
	init_pair(0x20, 0x28);
	wr(PIC_MASTER_CMD, 0x0a);              /* OCW3: read IRR */
	pic_set_irq(&p, 5, true);
	pic_set_irq(&p, 5, false);
	CHECK_EQ(rd(PIC_MASTER_CMD), 0x20);
	CHECK_EQ(pic_ack(&p), 0x25);
	CHECK_EQ(rd(PIC_MASTER_CMD), 0x00);    /* taken: gone from IRR */
	wr(PIC_MASTER_CMD, 0x20);              /* non-specific EOI */
	/* A line held high requests once: the next request needs a new edge. */
	pic_set_irq(&p, 5, true);
	CHECK_EQ(pic_ack(&p), 0x25);
	wr(PIC_MASTER_CMD, 0x20);
	pic_set_irq(&p, 5, true);
	CHECK(!pic_intr(&p));
	pic_set_irq(&p, 5, false);

	/* Level-triggered (ELCR): IRR follows the line, and the request comes back after EOI while it is high. */
	wr(PIC_ELCR_MASTER, 0x20);
	pic_set_irq(&p, 5, true);
	CHECK(pic_intr(&p));
	pic_set_irq(&p, 5, false);
	CHECK(!pic_intr(&p));
	CHECK_EQ(rd(PIC_MASTER_CMD), 0x00);
	pic_set_irq(&p, 5, true);
	CHECK_EQ(pic_ack(&p), 0x25);
	CHECK(!pic_intr(&p));                  /* in service */
	CHECK_EQ(rd(PIC_MASTER_CMD), 0x20);    /* still requested */
	wr(PIC_MASTER_CMD, 0x65);              /* specific EOI of IR5 */
	CHECK(pic_intr(&p));
	pic_set_irq(&p, 5, false);
	CHECK(!pic_intr(&p));
	/* Made level while high: it requests at once. */
	wr(PIC_ELCR_MASTER, 0);
	pic_set_irq(&p, 6, true);
	CHECK_EQ(pic_ack(&p), 0x26);
	wr(PIC_MASTER_CMD, 0x20);
	wr(PIC_ELCR_MASTER, 0x40);
	CHECK(pic_intr(&p));
}

/* IR0 first; a request waits while one of higher or equal priority is in service. */
static void test_priority_and_eoi(void)
{
	setup();
	init_pair(0x20, 0x28);
	pic_set_irq(&p, 6, true);
	pic_set_irq(&p, 3, true);
	CHECK_EQ(raised, 1);
	CHECK_EQ(pic_ack(&p), 0x23);
	CHECK(!pic_intr(&p));                  /* IR6 waits behind IR3 */
	pic_set_irq(&p, 1, true);              /* a higher one nests */
	CHECK(pic_intr(&p));
	CHECK_EQ(raised, 2);
	CHECK_EQ(pic_ack(&p), 0x21);
	wr(PIC_MASTER_CMD, 0x0b);              /* OCW3: read ISR */
	CHECK_EQ(rd(PIC_MASTER_CMD), 0x0a);
	wr(PIC_MASTER_CMD, 0x20);              /* non-specific EOI: the highest, IR1 */
	CHECK_EQ(rd(PIC_MASTER_CMD), 0x08);
	CHECK(!pic_intr(&p));
	wr(PIC_MASTER_CMD, 0x63);              /* specific EOI of IR3 */
	CHECK_EQ(rd(PIC_MASTER_CMD), 0x00);
	CHECK_EQ(pic_ack(&p), 0x26);
	wr(PIC_MASTER_CMD, 0x20);
	/* A non-specific EOI with nothing in service changes nothing. */
	wr(PIC_MASTER_CMD, 0x20);
	CHECK_EQ(rd(PIC_MASTER_CMD), 0x00);
	/* The ISR setting stays until OCW3 selects the IRR; the mask is read at the data port either way. */
	CHECK_EQ(rd(PIC_MASTER_DATA), 0x00);
}

/* The slave on IR2: its requests at its own base, ranked where IR2 is; a handler ends them on both chips. */
static void test_cascade(void)
{
	setup();
	init_pair(0x20, 0x28);
	pic_set_irq(&p, 12, true);
	pic_set_irq(&p, 1, true);
	CHECK_EQ(pic_ack(&p), 0x21);           /* IR1 outranks the cascade */
	CHECK(!pic_intr(&p));
	wr(PIC_MASTER_CMD, 0x20);
	CHECK_EQ(pic_ack(&p), 0x2c);           /* the slave's IR4 */
	wr(PIC_MASTER_CMD, 0x0b);
	wr(PIC_SLAVE_CMD, 0x0b);
	CHECK_EQ(rd(PIC_MASTER_CMD), 0x04);
	CHECK_EQ(rd(PIC_SLAVE_CMD), 0x10);
	/* A higher slave request waits: the master has IR2 in service (no special fully nested mode). */
	pic_set_irq(&p, 9, true);
	CHECK(!pic_intr(&p));
	pic_set_irq(&p, 3, true);              /* and the master's IR3 ranks below IR2 */
	CHECK(!pic_intr(&p));
	wr(PIC_SLAVE_CMD, 0x64);
	CHECK(!pic_intr(&p));
	wr(PIC_MASTER_CMD, 0x20);
	CHECK_EQ(pic_ack(&p), 0x29);
	wr(PIC_SLAVE_CMD, 0x20);
	wr(PIC_MASTER_CMD, 0x20);
	CHECK_EQ(pic_ack(&p), 0x23);
	wr(PIC_MASTER_CMD, 0x20);
	CHECK(!pic_intr(&p));

	/* Special fully nested mode: the slave's higher request gets through while IR2 is in service. */
	wr(PIC_MASTER_CMD, 0x11);
	wr(PIC_MASTER_DATA, 0x20);
	wr(PIC_MASTER_DATA, 0x04);
	wr(PIC_MASTER_DATA, 0x11);
	pic_set_irq(&p, 12, false);
	pic_set_irq(&p, 12, true);
	CHECK_EQ(pic_ack(&p), 0x2c);
	pic_set_irq(&p, 9, false);
	pic_set_irq(&p, 9, true);
	CHECK(pic_intr(&p));
	CHECK_EQ(pic_ack(&p), 0x29);

	/* A master in single mode takes IR2 as its own input: its vector, not the slave's. */
	setup();
	wr(PIC_MASTER_CMD, 0x13);
	wr(PIC_MASTER_DATA, 0x20);
	wr(PIC_MASTER_DATA, 0x01);
	pic_set_irq(&p, 10, true);
	CHECK_EQ(pic_ack(&p), 0x22);
}

/* Rotation: rotate on EOI and set priority move the lowest level. */
static void test_rotation(void)
{
	setup();
	init_pair(0x20, 0x28);
	wr(PIC_MASTER_DATA, 0x00);
	pic_set_irq(&p, 0, true);
	pic_set_irq(&p, 4, true);
	CHECK_EQ(pic_ack(&p), 0x20);
	wr(PIC_MASTER_CMD, 0xa0);              /* rotate on non-specific EOI: IR0 lowest, IR1 highest */
	pic_set_irq(&p, 0, false);
	pic_set_irq(&p, 0, true);
	CHECK_EQ(pic_ack(&p), 0x24);           /* IR4 now outranks IR0 */
	wr(PIC_MASTER_CMD, 0xe4);              /* rotate on specific EOI of IR4: IR5 highest */
	CHECK_EQ(pic_ack(&p), 0x20);
	wr(PIC_MASTER_CMD, 0x60);
	wr(PIC_MASTER_CMD, 0xc7);              /* set priority: IR7 lowest, fixed order again */
	pic_set_irq(&p, 7, true);
	pic_set_irq(&p, 6, true);
	CHECK_EQ(pic_ack(&p), 0x26);
	wr(PIC_MASTER_CMD, 0x40);              /* no operation */
	CHECK(!pic_intr(&p));
	wr(PIC_MASTER_CMD, 0x20);
	CHECK_EQ(pic_ack(&p), 0x27);
}

/* Auto-EOI (ICW4 bit 1): nothing goes in service, so the next request is delivered at once. */
static void test_auto_eoi(void)
{
	setup();
	wr(PIC_MASTER_CMD, 0x11);
	wr(PIC_MASTER_DATA, 0x40);
	wr(PIC_MASTER_DATA, 0x04);
	wr(PIC_MASTER_DATA, 0x03);
	wr(PIC_MASTER_DATA, 0x00);
	pic_set_irq(&p, 5, true);
	pic_set_irq(&p, 6, true);
	CHECK_EQ(pic_ack(&p), 0x45);
	wr(PIC_MASTER_CMD, 0x0b);
	CHECK_EQ(rd(PIC_MASTER_CMD), 0x00);
	CHECK(pic_intr(&p));
	CHECK_EQ(pic_ack(&p), 0x46);
	/* Rotate in auto-EOI: each level taken becomes the lowest. */
	wr(PIC_MASTER_CMD, 0x80);
	pic_set_irq(&p, 5, false);
	pic_set_irq(&p, 6, false);
	pic_set_irq(&p, 5, true);
	CHECK_EQ(pic_ack(&p), 0x45);
	pic_set_irq(&p, 5, false);
	pic_set_irq(&p, 5, true);
	pic_set_irq(&p, 6, true);
	CHECK_EQ(pic_ack(&p), 0x46);           /* IR6 outranks IR5 now */
	/* An ICW1 without ICW4 leaves auto-EOI off. */
	wr(PIC_MASTER_CMD, 0x10);
	wr(PIC_MASTER_DATA, 0x40);
	wr(PIC_MASTER_DATA, 0x04);
	wr(PIC_MASTER_DATA, 0x00);
	pic_set_irq(&p, 3, true);
	CHECK_EQ(pic_ack(&p), 0x43);
	wr(PIC_MASTER_CMD, 0x0b);
	CHECK_EQ(rd(PIC_MASTER_CMD), 0x08);
}

/* ICW1 clears the mask and the ISR, and a line still high needs a new edge. */
static void test_icw1_resets(void)
{
	setup();
	init_pair(0x20, 0x28);
	pic_set_irq(&p, 3, true);
	CHECK_EQ(pic_ack(&p), 0x23);
	pic_set_irq(&p, 4, true);
	wr(PIC_MASTER_CMD, 0x11);
	wr(PIC_MASTER_DATA, 0x20);
	wr(PIC_MASTER_DATA, 0x04);
	wr(PIC_MASTER_DATA, 0x01);
	wr(PIC_MASTER_CMD, 0x0b);
	CHECK_EQ(rd(PIC_MASTER_CMD), 0x00);    /* ISR */
	wr(PIC_MASTER_CMD, 0x0a);
	CHECK_EQ(rd(PIC_MASTER_CMD), 0x00);    /* IRR: the edges are forgotten */
	CHECK(!pic_intr(&p));
	pic_set_irq(&p, 4, false);
	pic_set_irq(&p, 4, true);
	CHECK_EQ(pic_ack(&p), 0x24);
}

/* Poll mode: the command-port read after OCW3 with P is the acknowledge. */
static void test_poll(void)
{
	setup();
	init_pair(0x20, 0x28);
	wr(PIC_MASTER_CMD, 0x0c);
	CHECK_EQ(rd(PIC_MASTER_CMD), 0x00);    /* nothing requested */
	pic_set_irq(&p, 6, true);
	wr(PIC_MASTER_CMD, 0x0c);
	CHECK_EQ(rd(PIC_MASTER_CMD), 0x86);
	CHECK(!pic_intr(&p));
	wr(PIC_MASTER_CMD, 0x0b);
	CHECK_EQ(rd(PIC_MASTER_CMD), 0x40);    /* in service, as if acknowledged */
	/* Polling the slave. */
	pic_set_irq(&p, 9, true);
	wr(PIC_SLAVE_CMD, 0x0c);
	CHECK_EQ(rd(PIC_SLAVE_CMD), 0x81);
}

/* Special mask mode: masking the level in service lets lower ones through. */
static void test_special_mask(void)
{
	setup();
	init_pair(0x20, 0x28);
	pic_set_irq(&p, 3, true);
	CHECK_EQ(pic_ack(&p), 0x23);
	pic_set_irq(&p, 5, true);
	CHECK(!pic_intr(&p));
	wr(PIC_MASTER_CMD, 0x68);              /* OCW3: set special mask mode */
	CHECK(!pic_intr(&p));
	wr(PIC_MASTER_DATA, 0x08);             /* mask IR3, in service */
	CHECK(pic_intr(&p));
	CHECK_EQ(pic_ack(&p), 0x25);
	wr(PIC_MASTER_CMD, 0x48);              /* reset special mask mode */
	wr(PIC_MASTER_CMD, 0x65);
	wr(PIC_MASTER_CMD, 0x63);
	wr(PIC_MASTER_CMD, 0x0b);
	CHECK_EQ(rd(PIC_MASTER_CMD), 0x00);
}

/* An acknowledge with nothing requested: IR7, nothing in service; through the cascade, the slave's IR7. */
static void test_spurious(void)
{
	setup();
	init_pair(0x20, 0x28);
	CHECK_EQ(pic_ack(&p), 0x27);
	wr(PIC_MASTER_CMD, 0x0b);
	CHECK_EQ(rd(PIC_MASTER_CMD), 0x00);
	/* A masked request is not acknowledged either. */
	wr(PIC_MASTER_DATA, 0x10);
	pic_set_irq(&p, 4, true);
	CHECK_EQ(pic_ack(&p), 0x27);
	/* Level request gone before the acknowledge. */
	wr(PIC_ELCR_SLAVE, 0x08);
	pic_set_irq(&p, 11, true);
	CHECK(pic_intr(&p));
	pic_set_irq(&p, 11, false);
	CHECK(!pic_intr(&p));
	CHECK_EQ(pic_ack(&p), 0x27);
	/* ISA IRQ 2 reaches nothing: IR2 is the cascade. */
	pic_set_irq(&p, 2, true);
	CHECK(!pic_intr(&p));
}

int main(void)
{
	RUN(test_power_on);
	RUN(test_masks);
	RUN(test_init_sequence);
	RUN(test_short_sequences);
	RUN(test_elcr);
	RUN(test_claims);
	RUN(test_wide_access);
	RUN(test_edge_and_level);
	RUN(test_priority_and_eoi);
	RUN(test_cascade);
	RUN(test_rotation);
	RUN(test_auto_eoi);
	RUN(test_icw1_resets);
	RUN(test_poll);
	RUN(test_special_mask);
	RUN(test_spurious);
	return CHECK_EXIT();
}
