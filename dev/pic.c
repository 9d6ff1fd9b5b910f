/*
 * 8259A register file without interrupts (Intel 8259A data sheet,
 * "Initialization Command Words" and "Operation Command Words") and the
 * PIIX ELCR pair. An ICW1 write to the command port clears the mask and
 * makes the next data-port writes ICW2, ICW3 (unless ICW1 says single mode)
 * and ICW4 (if ICW1 asks for it); afterwards data-port writes are OCW1, the
 * mask. OCW2/OCW3 writes are accepted and have nothing to act on; command
 * port reads return IRR or ISR, both always 0 here. The ELCR bits of IRQ 0,
 * 1, 2, 8 and 13 are fixed edge-triggered on the PIIX and read as 0.
 */
#include "dev/pic.h"

#define ICW1_IC4      0x01   /* ICW4 follows */
#define ICW1_SNGL     0x02   /* single PIC: no ICW3 */
#define ICW1_SELECT   0x10   /* distinguishes ICW1 from OCW2/OCW3 on the command port */
#define MASK_ALL      0xff
#define NO_REQUESTS   0      /* IRR and ISR: nothing is ever pending or in service */
#define OPEN_BUS      0xff

/* Writable ELCR bits (QEMU's PIIX masks): not IRQ 0, 1, 2 on the master; not 8, 13 on the slave. */
#define ELCR_MASTER_WRITABLE 0xf8
#define ELCR_SLAVE_WRITABLE  0xde

void pic_init(struct pic *p)
{
	for (unsigned i = 0; i < 2; i++) {
		/* All lines masked: honest, since no legacy interrupt is ever delivered. */
		p->chip[i].imr = MASK_ALL;
		p->chip[i].icw1 = 0;
		p->chip[i].step = PIC_READY;
		p->chip[i].elcr = 0;
	}
}

int pic_claims(uint16_t port)
{
	switch (port) {
	case PIC_MASTER_CMD: case PIC_MASTER_DATA:
	case PIC_SLAVE_CMD: case PIC_SLAVE_DATA:
	case PIC_ELCR_MASTER: case PIC_ELCR_SLAVE:
		return 1;
	default:
		return 0;
	}
}

static struct pic8259 *chip_of(struct pic *p, uint16_t port)
{
	return &p->chip[port == PIC_SLAVE_CMD || port == PIC_SLAVE_DATA || port == PIC_ELCR_SLAVE];
}

uint8_t pic_read(struct pic *p, uint16_t port)
{
	struct pic8259 *c = chip_of(p, port);

	switch (port) {
	case PIC_MASTER_CMD: case PIC_SLAVE_CMD:
		return NO_REQUESTS;
	case PIC_MASTER_DATA: case PIC_SLAVE_DATA:
		return c->imr;
	case PIC_ELCR_MASTER: case PIC_ELCR_SLAVE:
		return c->elcr;
	default:
		return OPEN_BUS;
	}
}

static void data_write(struct pic8259 *c, uint8_t val)
{
	switch (c->step) {
	case PIC_WANT_ICW2:
		/* The vector base: nothing is ever delivered, so it is not kept. */
		c->step = !(c->icw1 & ICW1_SNGL) ? PIC_WANT_ICW3
		        : (c->icw1 & ICW1_IC4) ? PIC_WANT_ICW4 : PIC_READY;
		break;
	case PIC_WANT_ICW3:
		c->step = (c->icw1 & ICW1_IC4) ? PIC_WANT_ICW4 : PIC_READY;
		break;
	case PIC_WANT_ICW4:
		c->step = PIC_READY;
		break;
	default:
		c->imr = val;
		break;
	}
}

void pic_write(struct pic *p, uint16_t port, uint8_t val)
{
	struct pic8259 *c = chip_of(p, port);

	switch (port) {
	case PIC_MASTER_CMD: case PIC_SLAVE_CMD:
		if (val & ICW1_SELECT) {
			c->icw1 = val;
			c->imr = 0;
			c->step = PIC_WANT_ICW2;
		}
		break;
	case PIC_MASTER_DATA: case PIC_SLAVE_DATA:
		data_write(c, val);
		break;
	case PIC_ELCR_MASTER:
		c->elcr = val & ELCR_MASTER_WRITABLE;
		break;
	case PIC_ELCR_SLAVE:
		c->elcr = val & ELCR_SLAVE_WRITABLE;
		break;
	default:
		break;
	}
}
