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

/* An 8259A's pair: offset 0 the command port, 1 the data port. */
enum { PIC_OFF_CMD, PIC_OFF_DATA };

static uint64_t chip_read(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	const struct pic8259 *c = dev;
	(void)vcpu, (void)size;   /* byte registers: the bus gives only byte accesses */
	return off == PIC_OFF_CMD ? NO_REQUESTS : c->imr;
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

static enum bus_result chip_write(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	struct pic8259 *c = dev;
	(void)vcpu, (void)size;
	if (off == PIC_OFF_DATA)
		data_write(c, (uint8_t)val);
	else if (val & ICW1_SELECT) {
		c->icw1 = (uint8_t)val;
		c->imr = 0;
		c->step = PIC_WANT_ICW2;
	}
	return BUS_OK;
}

/* The ELCR pair: offset 0 the master's IRQ 0-7, 1 the slave's IRQ 8-15. */
static uint64_t elcr_read(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	const struct pic *p = dev;
	(void)vcpu, (void)size;
	return p->chip[off].elcr;
}

static enum bus_result elcr_write(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	struct pic *p = dev;
	(void)vcpu, (void)size;
	p->chip[off].elcr = (uint8_t)val & (off ? ELCR_SLAVE_WRITABLE : ELCR_MASTER_WRITABLE);
	return BUS_OK;
}

static const struct bus_device pic_bus_device = { "8259A PIC", chip_read, chip_write, BUS_BYTE_REGS };
static const struct bus_device elcr_bus_device = { "PIIX ELCR", elcr_read, elcr_write, BUS_BYTE_REGS };

int pic_add_to_bus(struct bus *b, struct pic *p, struct spinlock *lock)
{
	if (bus_add(&b->port, PIC_MASTER_CMD, PIC_PORTS, &pic_bus_device, &p->chip[0], lock) ||
	    bus_add(&b->port, PIC_SLAVE_CMD, PIC_PORTS, &pic_bus_device, &p->chip[1], lock) ||
	    bus_add(&b->port, PIC_ELCR_MASTER, PIC_PORTS, &elcr_bus_device, p, lock))
		return -1;
	return 0;
}
