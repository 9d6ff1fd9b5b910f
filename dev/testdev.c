/*
 * The test device's registers are bytes (BUS_BYTE_REGS), so the bus splits
 * a wide access as the ISA bus would: a 32-bit access at 0xe0 covers the
 * scratch register's four bytes, and one at 0x2000 + n drives line n with
 * its low byte and the three lines above it with the others (QEMU's
 * pc-testdev splits it so too). The scratch bytes need no lock: each byte
 * is written whole, and a guest racing itself on them gets what hardware
 * would give it. Line writes take whatever lock their line's owner takes.
 * Reads of the flush and line ports see the empty bus: they are
 * write-only.
 */
#include "dev/testdev.h"
#include "lib/string.h"

void testdev_init(struct testdev *t, struct irq_line line0, uint8_t *iomem)
{
	memset(t->scratch, 0, sizeof t->scratch);
	t->line0 = line0;
	t->iomem = iomem;
	if (iomem)
		memset(iomem, 0, TESTDEV_IOMEM_SIZE);
}

static uint64_t io_read(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	const struct testdev *t = dev;
	(void)vcpu;
	return off < sizeof t->scratch ? __atomic_load_n(&t->scratch[off], __ATOMIC_RELAXED) : bus_open(size);
}

static enum bus_result io_write(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	struct testdev *t = dev;
	(void)vcpu, (void)size;
	if (off < sizeof t->scratch)
		__atomic_store_n(&t->scratch[off], (uint8_t)val, __ATOMIC_RELAXED);
	return BUS_OK;   /* a page flush: nothing to do */
}

static enum bus_result line_write(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	struct testdev *t = dev;
	(void)vcpu, (void)size;
	struct irq_line l = irq_line_above(t->line0, (unsigned)off);
	dev_irq_set(&l, (uint8_t)val != 0);
	return BUS_OK;
}

/*
 * Device memory: an access of up to 8 bytes, little-endian, byte by byte so
 * that vCPUs racing on it get what two CPUs would; bytes past the end are
 * the empty bus's.
 */
static uint64_t mem_read(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	const struct testdev *t = dev;
	uint64_t v = 0;
	(void)vcpu;
	for (unsigned i = 0; i < size; i++) {
		uint64_t b = off + i < TESTDEV_IOMEM_SIZE ? __atomic_load_n(&t->iomem[off + i], __ATOMIC_RELAXED) : 0xff;
		v |= b << (8 * i);
	}
	return v;
}

static enum bus_result mem_write(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	struct testdev *t = dev;
	(void)vcpu;
	for (unsigned i = 0; i < size && off + i < TESTDEV_IOMEM_SIZE; i++)
		__atomic_store_n(&t->iomem[off + i], (uint8_t)(val >> (8 * i)), __ATOMIC_RELAXED);
	return BUS_OK;
}

static const struct bus_device io_device = { "pc-testdev", io_read, io_write, BUS_BYTE_REGS };
static const struct bus_device mem_device = { "pc-testdev memory", mem_read, mem_write, 0 };
static const struct bus_device line_device = { "pc-testdev IRQ lines", bus_read_open, line_write, BUS_BYTE_REGS };

int testdev_add_to_bus(struct bus *b, struct testdev *t)
{
	if (bus_add(&b->port, TESTDEV_PORT_SCRATCH, TESTDEV_IOPORTS, &io_device, t, 0) ||
	    bus_add(&b->port, TESTDEV_PORT_IRQ, TESTDEV_IRQ_LINES, &line_device, t, 0) ||
	    (t->iomem && bus_add(&b->mmio, TESTDEV_IOMEM_BASE, TESTDEV_IOMEM_SIZE, &mem_device, t, 0)))
		return -1;
	return 0;
}
