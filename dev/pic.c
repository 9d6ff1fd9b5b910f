/*
 * The 8259A pair's state machine (Intel 8259A data sheet) and the PIIX
 * ELCR. A request enters IRR on a rising edge of its line, or while the
 * line is high when the ELCR makes it level-triggered (the PIIX ignores
 * ICW1's LTIM and so does the model). A chip's INT is raised by the
 * highest unmasked request whose priority is above everything in service
 * (in special mask mode masked levels do not count; in special fully
 * nested mode the cascade's own level does not block the slave). Priority
 * is fixed, IR0 first, until a rotate command moves the lowest level. The
 * slave's INT is the master's IR2 request for as long as it lasts, so a
 * request the slave holds behind an in-service one reaches the master
 * once that ends. An acknowledge moves the winner from IRR to ISR (an
 * edge-triggered request is then gone, a level-triggered one lasts while
 * its line is high), or only out of IRR under auto-EOI.
 *
 * One departure from the data sheet: there an edge-triggered IR input
 * must stay high until the acknowledge, or the chip answers with IR7. A
 * device model's line does not glitch, and a pulse on it (raise, then
 * lower) is a deliberate edge, so the request stays latched, as QEMU's
 * and KVM's 8259s keep it. The spurious IR7 remains for an acknowledge
 * that finds nothing to take.
 */
#include "dev/pic.h"
#include "lib/string.h"

#define MASTER 0
#define SLAVE  1
#define IR_LEVELS ((uint8_t)(PIC_IRQS - 1))

/* Writable ELCR bits (the PIIX's): not IRQ 0, 1, 2 on the master; not 8, 13 on the slave. */
#define ELCR_MASTER_WRITABLE 0xf8
#define ELCR_SLAVE_WRITABLE  0xde

static uint8_t bit(unsigned ir)
{
	return (uint8_t)(1u << ir);
}

/* 0 for the level with the highest priority, 7 for the lowest. */
static unsigned rank(const struct pic8259 *c, unsigned ir)
{
	return (ir - c->lowest - 1) & IR_LEVELS;
}

/* The level of highest priority among `levels`, or -1. */
static int highest(const struct pic8259 *c, uint8_t levels)
{
	for (unsigned r = 0; r < PIC_IRQS; r++) {
		unsigned ir = (c->lowest + 1 + r) & IR_LEVELS;
		if (levels & bit(ir))
			return (int)ir;
	}
	return -1;
}

/* Whether the master hands IR2's acknowledge to the slave (cascade mode, ICW3 naming IR2). */
static bool cascaded(const struct pic8259 *m)
{
	return !(m->icw1 & PIC_ICW1_SNGL) && (m->icw3 & bit(PIC_CASCADE_IR));
}

/* The level this chip's INT asks to have acknowledged, or -1. */
static int request(const struct pic8259 *c, bool master)
{
	int ir = highest(c, c->irr & ~c->imr);
	if (ir < 0)
		return -1;
	uint8_t in_service = c->special_mask ? c->isr & ~c->imr : c->isr;
	int cur = highest(c, in_service);
	if (cur < 0 || rank(c, (unsigned)ir) < rank(c, (unsigned)cur))
		return ir;
	bool nested_slave = master && ir == cur && ir == PIC_CASCADE_IR && (c->icw4 & PIC_ICW4_SFNM) && cascaded(c);
	return nested_slave ? ir : -1;
}

/* The IR input `ir` goes to `level`. */
static void set_line(struct pic8259 *c, unsigned ir, bool level)
{
	uint8_t b = bit(ir);
	if (c->elcr & b)
		c->irr = level ? c->irr | b : c->irr & ~b;
	else if (level && !(c->line & b))
		c->irr |= b;
	c->line = level ? c->line | b : c->line & ~b;
}

/* After any change: the slave's INT onto IR2, the master's INT onto INTR, and its rising edge told. */
static void update(struct pic *p)
{
	struct pic8259 *m = &p->chip[MASTER];
	bool slave_int = request(&p->chip[SLAVE], false) >= 0;
	m->irr = (uint8_t)((m->irr & ~bit(PIC_CASCADE_IR)) | (slave_int ? bit(PIC_CASCADE_IR) : 0));
	m->line = (uint8_t)((m->line & ~bit(PIC_CASCADE_IR)) | (slave_int ? bit(PIC_CASCADE_IR) : 0));
	bool intr = request(m, true) >= 0;
	bool was = p->intr;
	__atomic_store_n(&p->intr, (uint8_t)intr, __ATOMIC_SEQ_CST);
	if (intr && !was && p->raise)
		p->raise(p->ctx);
}

void pic_init(struct pic *p, pic_intr_fn *raise, void *ctx)
{
	static const uint8_t base[2] = { PIC_BIOS_MASTER_BASE, PIC_BIOS_SLAVE_BASE };
	/* The master's ICW3 names the IR its slave is on; the slave's holds its ID, that IR's number. */
	static const uint8_t icw3[2] = { (uint8_t)BIT(PIC_CASCADE_IR), PIC_CASCADE_IR };
	static const uint8_t imr[2] = { (uint8_t)~BIT(PIC_CASCADE_IR), 0 };
	memset(p, 0, sizeof *p);
	for (unsigned i = 0; i < 2; i++) {
		struct pic8259 *c = &p->chip[i];
		c->icw1 = (uint8_t)(PIC_ICW1_SELECT | PIC_ICW1_IC4);
		c->base = base[i];
		c->icw3 = icw3[i];
		c->icw4 = (uint8_t)PIC_ICW4_UPM;
		c->imr = imr[i];
		c->lowest = IR_LEVELS;
		c->step = PIC_READY;
	}
	p->raise = raise;
	p->ctx = ctx;
}

void pic_set_irq(struct pic *p, unsigned irq, bool level)
{
	if (irq == PIC_CASCADE_IR || irq >= 2 * PIC_IRQS)
		return;
	set_line(&p->chip[irq / PIC_IRQS], irq % PIC_IRQS, level);
	update(p);
}

static void acknowledge(struct pic8259 *c, unsigned ir)
{
	if (!(c->icw4 & PIC_ICW4_AEOI))
		c->isr |= bit(ir);
	else if (c->rotate_aeoi)
		c->lowest = (uint8_t)ir;
	if (!(c->elcr & bit(ir)))
		c->irr &= (uint8_t)~bit(ir);
}

uint8_t pic_ack(struct pic *p)
{
	struct pic8259 *m = &p->chip[MASTER], *s = &p->chip[SLAVE];
	int ir = request(m, true);
	uint8_t vector;
	if (ir < 0) {
		vector = m->base + PIC_SPURIOUS_IR;
	} else if (ir == PIC_CASCADE_IR && cascaded(m)) {
		acknowledge(m, (unsigned)ir);
		int sir = request(s, false);
		if (sir < 0) {
			vector = s->base + PIC_SPURIOUS_IR;
		} else {
			acknowledge(s, (unsigned)sir);
			vector = (uint8_t)(s->base + sir);
		}
	} else {
		acknowledge(m, (unsigned)ir);
		vector = (uint8_t)(m->base + ir);
	}
	update(p);
	return vector;
}

/* OCW2: EOIs (specific or of the highest level in service, either one rotating), set priority, rotate in AEOI. */
static void ocw2(struct pic8259 *c, uint8_t val)
{
	unsigned level = val & PIC_OCW2_LEVEL;
	bool rotate = val & PIC_OCW2_R, specific = val & PIC_OCW2_SL;
	if (val & PIC_OCW2_EOI) {
		int ir = specific ? (int)level : highest(c, c->isr);
		if (ir < 0)
			return;
		c->isr &= (uint8_t)~bit((unsigned)ir);
		if (rotate)
			c->lowest = (uint8_t)ir;
	} else if (specific) {
		if (rotate)
			c->lowest = (uint8_t)level;   /* set priority; R clear is the no-op command */
	} else {
		c->rotate_aeoi = rotate;
	}
}

static void ocw3(struct pic8259 *c, uint8_t val)
{
	if (val & PIC_OCW3_P)
		c->poll = true;
	if (val & PIC_OCW3_RR)
		c->read_isr = (val & PIC_OCW3_RIS) != 0;
	if (val & PIC_OCW3_ESMM)
		c->special_mask = (val & PIC_OCW3_SMM) != 0;
}

/*
 * ICW1: the mask and ISR cleared, fixed priority, IRR reads selected,
 * special mask mode off, and the edge sense reset: an edge-triggered
 * input needs a new rising edge to request again.
 */
static void icw1(struct pic8259 *c, uint8_t val)
{
	c->icw1 = val;
	c->step = PIC_WANT_ICW2;
	c->imr = c->isr = 0;
	c->irr = c->line & c->elcr;
	c->lowest = IR_LEVELS;
	c->read_isr = c->poll = c->special_mask = c->rotate_aeoi = false;
	if (!(val & PIC_ICW1_IC4))
		c->icw4 = 0;
}

static void data_write(struct pic8259 *c, uint8_t val)
{
	switch (c->step) {
	case PIC_WANT_ICW2:
		c->base = val & PIC_ICW2_BASE;
		c->step = !(c->icw1 & PIC_ICW1_SNGL) ? PIC_WANT_ICW3
		        : (c->icw1 & PIC_ICW1_IC4) ? PIC_WANT_ICW4 : PIC_READY;
		break;
	case PIC_WANT_ICW3:
		c->icw3 = val;
		c->step = (c->icw1 & PIC_ICW1_IC4) ? PIC_WANT_ICW4 : PIC_READY;
		break;
	case PIC_WANT_ICW4:
		c->icw4 = val;
		c->step = PIC_READY;
		break;
	default:
		c->imr = val;   /* OCW1 */
		break;
	}
}

/* An 8259A's pair: offset 0 the command port, 1 the data port. */
enum { PIC_OFF_CMD, PIC_OFF_DATA };

/* A poll read: acknowledges this chip's request as an interrupt would, and says which level it was. */
static uint8_t poll_read(struct pic *p, unsigned i)
{
	struct pic8259 *c = &p->chip[i];
	c->poll = false;
	int ir = request(c, i == MASTER);
	if (ir < 0)
		return 0;
	acknowledge(c, (unsigned)ir);
	update(p);
	return (uint8_t)(PIC_POLL_INT | (unsigned)ir);
}

static uint8_t chip_read(struct pic *p, unsigned i, uint64_t off)
{
	const struct pic8259 *c = &p->chip[i];
	if (off == PIC_OFF_DATA)
		return c->imr;
	if (c->poll)
		return poll_read(p, i);
	return c->read_isr ? c->isr : c->irr;
}

static void chip_write(struct pic *p, unsigned i, uint64_t off, uint8_t val)
{
	struct pic8259 *c = &p->chip[i];
	if (off == PIC_OFF_DATA)
		data_write(c, val);
	else if (val & PIC_ICW1_SELECT)
		icw1(c, val);
	else if (val & PIC_OCW3_SELECT)
		ocw3(c, val);
	else
		ocw2(c, val);
	update(p);
}

/* Byte registers: the bus gives only byte accesses (BUS_BYTE_REGS). */
static uint64_t master_read(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	(void)vcpu, (void)size;
	return chip_read(dev, MASTER, off);
}

static uint64_t slave_read(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	(void)vcpu, (void)size;
	return chip_read(dev, SLAVE, off);
}

static enum bus_result master_write(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	(void)vcpu, (void)size;
	chip_write(dev, MASTER, off, (uint8_t)val);
	return BUS_OK;
}

static enum bus_result slave_write(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	(void)vcpu, (void)size;
	chip_write(dev, SLAVE, off, (uint8_t)val);
	return BUS_OK;
}

/* The ELCR pair: offset 0 the master's IRQ 0-7, 1 the slave's IRQ 8-15. */
static uint64_t elcr_read(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	const struct pic *p = dev;
	(void)vcpu, (void)size;
	return p->chip[off].elcr;
}

/* A line made level-triggered requests while it is high; one made edge-triggered keeps what it latched. */
static enum bus_result elcr_write(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	struct pic *p = dev;
	struct pic8259 *c = &p->chip[off];
	(void)vcpu, (void)size;
	c->elcr = (uint8_t)val & (off ? ELCR_SLAVE_WRITABLE : ELCR_MASTER_WRITABLE);
	c->irr = (uint8_t)((c->irr & ~c->elcr) | (c->line & c->elcr));
	update(p);
	return BUS_OK;
}

static const struct bus_device master_bus_device = { "8259A PIC (master)", master_read, master_write, BUS_BYTE_REGS };
static const struct bus_device slave_bus_device = { "8259A PIC (slave)", slave_read, slave_write, BUS_BYTE_REGS };
static const struct bus_device elcr_bus_device = { "PIIX ELCR", elcr_read, elcr_write, BUS_BYTE_REGS };

int pic_add_to_bus(struct bus *b, struct pic *p, struct spinlock *lock)
{
	if (bus_add(&b->port, PIC_MASTER_CMD, PIC_PORTS, &master_bus_device, p, lock) ||
	    bus_add(&b->port, PIC_SLAVE_CMD, PIC_PORTS, &slave_bus_device, p, lock) ||
	    bus_add(&b->port, PIC_ELCR_MASTER, PIC_PORTS, &elcr_bus_device, p, lock))
		return -1;
	return 0;
}
