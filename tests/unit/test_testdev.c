/*
 * Host tests for the pc-testdev through a bus: the scratch register at
 * 0xe0 in every width, the flush port accepting writes, each line port
 * driving its own line (non-zero raises, zero lowers), a wide write split
 * over the lines above, the ports the device claims, and its memory.
 */
#include <string.h>

#include "dev/testdev.h"
#include "check.h"

static struct testdev t;
static struct bus bus;
static uint8_t iomem[TESTDEV_IOMEM_SIZE];
static int level[TESTDEV_IRQ_LINES];   /* -1: never driven */
static unsigned sets;

static void set_line(void *ctx, unsigned irq, bool l)
{
	CHECK(ctx == &t);
	CHECK(irq < TESTDEV_IRQ_LINES);
	if (irq < TESTDEV_IRQ_LINES)
		level[irq] = l;
	sets++;
}

static void setup(void)
{
	for (unsigned i = 0; i < TESTDEV_IRQ_LINES; i++)
		level[i] = -1;
	sets = 0;
	memset(&t, 0x5a, sizeof t);
	memset(iomem, 0x5a, sizeof iomem);
	bus_init(&bus);
	testdev_init(&t, (struct irq_line){ set_line, &t, 0 }, iomem);
	CHECK_EQ(testdev_add_to_bus(&bus, &t), 0);
}

static void test_scratch(void)
{
	setup();
	CHECK_EQ(bus_port_in(&bus, 0, TESTDEV_PORT_SCRATCH, 4), 0);
	bus_port_out(&bus, 0, TESTDEV_PORT_SCRATCH, 1, 0xff);
	CHECK_EQ(bus_port_in(&bus, 0, TESTDEV_PORT_SCRATCH, 1), 0xff);
	bus_port_out(&bus, 0, TESTDEV_PORT_SCRATCH, 2, 0xabcd);
	CHECK_EQ(bus_port_in(&bus, 0, TESTDEV_PORT_SCRATCH, 2), 0xabcd);
	bus_port_out(&bus, 0, TESTDEV_PORT_SCRATCH, 4, 0x12345678);
	CHECK_EQ(bus_port_in(&bus, 0, TESTDEV_PORT_SCRATCH, 4), 0x12345678);
	CHECK_EQ(bus_port_in(&bus, 0, TESTDEV_PORT_SCRATCH + 2, 2), 0x1234);
	bus_port_out(&bus, 0, TESTDEV_PORT_SCRATCH + 1, 1, 0);
	CHECK_EQ(bus_port_in(&bus, 0, TESTDEV_PORT_SCRATCH, 4), 0x12340078);
	/* The flush port takes a 32-bit address and changes nothing; it reads as the empty bus. */
	CHECK_EQ(bus_port_out(&bus, 0, TESTDEV_PORT_FLUSH, 4, 0x1000), BUS_OK);
	CHECK_EQ(bus_port_in(&bus, 0, TESTDEV_PORT_SCRATCH, 4), 0x12340078);
	CHECK_EQ(bus_port_in(&bus, 0, TESTDEV_PORT_FLUSH, 4), 0xffffffffu);
	CHECK_EQ(sets, 0);
}

static void test_lines(void)
{
	setup();
	bus_port_out(&bus, 0, TESTDEV_PORT_IRQ + 14, 1, 1);
	CHECK_EQ(level[14], 1);
	CHECK_EQ(sets, 1);
	bus_port_out(&bus, 0, TESTDEV_PORT_IRQ + 14, 1, 0x80);
	CHECK_EQ(level[14], 1);
	bus_port_out(&bus, 0, TESTDEV_PORT_IRQ + 14, 1, 0);
	CHECK_EQ(level[14], 0);
	bus_port_out(&bus, 0, TESTDEV_PORT_IRQ + 23, 1, 1);
	CHECK_EQ(level[23], 1);
	/* A 32-bit write at line 11 (kvm-unit-tests' realmode test): its low byte to 11, the rest to 12-14. */
	sets = 0;
	bus_port_out(&bus, 0, TESTDEV_PORT_IRQ + 11, 4, 1);
	CHECK_EQ(level[11], 1);
	CHECK_EQ(level[12], 0);
	CHECK_EQ(level[13], 0);
	CHECK_EQ(level[14], 0);
	CHECK_EQ(sets, 4);
	CHECK_EQ(level[10], -1);
	CHECK_EQ(level[15], -1);
	/* Line ports read as the empty bus; past line 23 is nobody's. */
	CHECK_EQ(bus_port_in(&bus, 0, TESTDEV_PORT_IRQ, 1), 0xff);
	CHECK(bus_find(&bus.port, TESTDEV_PORT_IRQ + TESTDEV_IRQ_LINES) == 0);
	CHECK(bus_find(&bus.port, TESTDEV_PORT_IRQ - 1) == 0);
	CHECK(bus_find(&bus.port, TESTDEV_PORT_SCRATCH - 1) == 0);
	CHECK(bus_find(&bus.port, TESTDEV_PORT_SCRATCH + TESTDEV_IOPORTS) == 0);
	/* A second device cannot take the same ports. */
	struct testdev other;
	CHECK_EQ(testdev_add_to_bus(&bus, &other), -1);
}

/* Device memory reads back what was written, at any width and offset; past its end is the empty bus. */
static void test_iomem(void)
{
	setup();
	const struct bus_range *r = bus_find(&bus.mmio, TESTDEV_IOMEM_BASE);
	CHECK(r != 0);
	if (!r)
		return;
	CHECK(bus_find(&bus.mmio, TESTDEV_IOMEM_BASE + TESTDEV_IOMEM_SIZE) == 0);
	CHECK_EQ(bus_mmio_read(r, 0, TESTDEV_IOMEM_BASE, 8), 0);   /* cleared at init */
	CHECK_EQ(bus_mmio_write(r, 0, TESTDEV_IOMEM_BASE + 3, 8, 0x1122334455667788ULL), BUS_OK);
	CHECK_EQ(bus_mmio_read(r, 1, TESTDEV_IOMEM_BASE + 3, 8), 0x1122334455667788ULL);
	CHECK_EQ(bus_mmio_read(r, 0, TESTDEV_IOMEM_BASE + 4, 2), 0x6677);
	CHECK_EQ(bus_mmio_read(r, 0, TESTDEV_IOMEM_BASE, 4), 0x88000000u);
	bus_mmio_write(r, 0, TESTDEV_IOMEM_BASE + 5, 1, 0xab);
	CHECK_EQ(bus_mmio_read(r, 0, TESTDEV_IOMEM_BASE + 4, 4), 0x4455ab77u);
	uint64_t last = TESTDEV_IOMEM_BASE + TESTDEV_IOMEM_SIZE - 2;
	bus_mmio_write(r, 0, last, 4, 0xddccbbaa);
	CHECK_EQ(bus_mmio_read(r, 0, last, 4), 0xffffbbaau);
	CHECK_EQ(iomem[TESTDEV_IOMEM_SIZE - 1], 0xbb);
	/* without memory, only the ports */
	testdev_init(&t, (struct irq_line){ set_line, &t, 0 }, 0);
	bus_init(&bus);
	CHECK_EQ(testdev_add_to_bus(&bus, &t), 0);
	CHECK(bus_find(&bus.mmio, TESTDEV_IOMEM_BASE) == 0);
}

int main(void)
{
	RUN(test_scratch);
	RUN(test_lines);
	RUN(test_iomem);
	return CHECK_EXIT();
}
