/*
 * Host tests for the device bus: registration (empty, wrapping and
 * overlapping ranges refused, a full table), lookup at range edges, the
 * offset and vCPU a device is given, the lock held around each call and
 * only then, the empty bus for unclaimed ports, the ISA rule for accesses
 * wider than a byte (byte-wide devices split, others whole), a device's
 * "domain ended" passed back, and MMIO dispatch.
 */
#include <string.h>

#include "dev/bus.h"
#include "check.h"

/* A recording device: its registers are regs[], each call is logged. */
struct fake {
	uint8_t regs[16];
	unsigned reads, writes;
	uint64_t last_off, last_val;
	unsigned last_size, last_vcpu;
	int lock_held;            /* whether the range's lock was held during the last call */
	struct spinlock *lock;
	enum bus_result result;   /* what its writes return */
};

static uint64_t fake_read(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	struct fake *f = dev;
	f->reads++;
	f->last_off = off, f->last_size = size, f->last_vcpu = vcpu;
	f->lock_held = f->lock && spin_is_locked(f->lock);
	uint64_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)f->regs[(off + i) % sizeof f->regs] << (8 * i);
	return v;
}

static enum bus_result fake_write(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	struct fake *f = dev;
	f->writes++;
	f->last_off = off, f->last_size = size, f->last_vcpu = vcpu, f->last_val = val;
	f->lock_held = f->lock && spin_is_locked(f->lock);
	for (unsigned i = 0; i < size; i++)
		f->regs[(off + i) % sizeof f->regs] = (uint8_t)(val >> (8 * i));
	return f->result;
}

static const struct bus_device wide_kind = { "wide", fake_read, fake_write, 0 };
static const struct bus_device byte_kind = { "bytes", fake_read, fake_write, BUS_BYTE_REGS };

static struct bus b;
static struct fake wide, bytes, bytes2;
static struct spinlock lock = SPINLOCK_INIT;

static void setup(void)
{
	memset(&b, 0x5a, sizeof b);
	bus_init(&b);
	memset(&wide, 0, sizeof wide);
	memset(&bytes, 0, sizeof bytes);
	memset(&bytes2, 0, sizeof bytes2);
	for (unsigned i = 0; i < sizeof wide.regs; i++)
		wide.regs[i] = (uint8_t)(0x10 + i), bytes.regs[i] = (uint8_t)(0x20 + i), bytes2.regs[i] = (uint8_t)(0x30 + i);
	wide.lock = &lock;
}

static void test_add_refuses(void)
{
	setup();
	CHECK_EQ(bus_add(&b.port, 0x100, 8, &wide_kind, &wide, &lock), 0);
	CHECK_EQ(bus_add(&b.port, 0x200, 0, &wide_kind, &wide, 0), -1);               /* empty */
	CHECK_EQ(bus_add(&b.mmio, ~0ULL - 3, 8, &wide_kind, &wide, 0), -1);           /* wraps */
	CHECK_EQ(bus_add(&b.port, 0x107, 1, &byte_kind, &bytes, 0), -1);             /* last port */
	CHECK_EQ(bus_add(&b.port, 0xff, 2, &byte_kind, &bytes, 0), -1);              /* first port */
	CHECK_EQ(bus_add(&b.port, 0xf0, 0x20, &byte_kind, &bytes, 0), -1);           /* around it */
	CHECK_EQ(bus_add(&b.port, 0x102, 2, &byte_kind, &bytes, 0), -1);             /* inside it */
	struct bus_device no_write = { "x", fake_read, 0, 0 };
	CHECK_EQ(bus_add(&b.port, 0x300, 1, &no_write, &bytes, 0), -1);
	CHECK_EQ(bus_add(&b.port, 0x300, 1, 0, &bytes, 0), -1);
	CHECK_EQ(b.port.n, 1);
	/* Touching ranges are fine, and the MMIO space is another space. */
	CHECK_EQ(bus_add(&b.port, 0xf8, 8, &byte_kind, &bytes, 0), 0);
	CHECK_EQ(bus_add(&b.port, 0x108, 8, &byte_kind, &bytes2, 0), 0);
	CHECK_EQ(bus_add(&b.mmio, 0x100, 8, &wide_kind, &wide, 0), 0);
	/* A full table takes no more. */
	for (unsigned i = b.port.n; i < BUS_RANGES; i++)
		CHECK_EQ(bus_add(&b.port, 0x1000 + 0x10 * i, 1, &wide_kind, &wide, 0), 0);
	CHECK_EQ(bus_add(&b.port, 0x8000, 1, &wide_kind, &wide, 0), -1);
	CHECK_EQ(b.port.n, BUS_RANGES);
}

static void test_find(void)
{
	setup();
	CHECK_EQ(bus_add(&b.port, 0x100, 8, &wide_kind, &wide, 0), 0);
	CHECK_EQ(bus_add(&b.port, 0x20, 2, &byte_kind, &bytes, 0), 0);
	CHECK(bus_find(&b.port, 0xff) == 0);
	CHECK(bus_find(&b.port, 0x100) == &b.port.r[0]);
	CHECK(bus_find(&b.port, 0x107) == &b.port.r[0]);
	CHECK(bus_find(&b.port, 0x108) == 0);
	CHECK(bus_find(&b.port, 0x21)->dev == &bytes);
	CHECK(bus_find(&b.port, 0x21)->kind == &byte_kind);
	CHECK(bus_find(&b.mmio, 0x100) == 0);
	CHECK(bus_find(&b.port, ~0ULL) == 0);
}

static void test_dispatch_and_lock(void)
{
	setup();
	CHECK_EQ(bus_add(&b.port, 0x100, 8, &wide_kind, &wide, &lock), 0);
	CHECK_EQ(bus_port_in(&b, 3, 0x104, 2), 0x1514);
	CHECK_EQ(wide.last_off, 4);
	CHECK_EQ(wide.last_size, 2);
	CHECK_EQ(wide.last_vcpu, 3);
	CHECK(wide.lock_held);
	CHECK(!spin_is_locked(&lock));             /* and released after */
	CHECK_EQ(bus_port_out(&b, 1, 0x101, 4, 0xa1b2c3d4), BUS_OK);
	CHECK_EQ(wide.last_off, 1);
	CHECK_EQ(wide.last_size, 4);               /* a whole access: not a byte-wide device */
	CHECK_EQ(wide.last_val, 0xa1b2c3d4);
	CHECK(wide.lock_held);
	CHECK(!spin_is_locked(&lock));
	/* A device that ended the domain says so through the bus. */
	wide.result = BUS_DOMAIN_ENDED;
	CHECK_EQ(bus_port_out(&b, 0, 0x100, 1, 0), BUS_DOMAIN_ENDED);
}

static void test_open_bus(void)
{
	setup();
	CHECK_EQ(bus_add(&b.port, 0x100, 8, &wide_kind, &wide, 0), 0);
	CHECK_EQ(bus_port_in(&b, 0, 0x80, 1), 0xff);
	CHECK_EQ(bus_port_in(&b, 0, 0x80, 2), 0xffff);
	CHECK_EQ(bus_port_in(&b, 0, 0x80, 4), 0xffffffffu);
	CHECK_EQ(bus_port_out(&b, 0, 0x80, 4, 0), BUS_OK);
	/* A wide access that starts before a wide device does not reach it. */
	CHECK_EQ(bus_port_in(&b, 0, 0xfe, 4), 0xffffffffu);
	CHECK_EQ(bus_port_out(&b, 0, 0xff, 2, 0x1234), BUS_OK);
	CHECK_EQ(wide.reads + wide.writes, 0);
	CHECK_EQ(bus_open(1), 0xff);
	CHECK_EQ(bus_open(8), ~0ULL);
	CHECK_EQ(bus_read_open(0, 0, 0, 2), 0xffff);
}

static void test_wide_split(void)
{
	setup();
	bytes.lock = &lock;
	/* Two byte-wide devices side by side, a hole, then a wide one. */
	CHECK_EQ(bus_add(&b.port, 0x20, 2, &byte_kind, &bytes, &lock), 0);
	CHECK_EQ(bus_add(&b.port, 0x22, 1, &byte_kind, &bytes2, 0), 0);
	CHECK_EQ(bus_add(&b.port, 0x24, 4, &wide_kind, &wide, 0), 0);
	/* Each byte to the port it covers, at its offset, one byte at a time. */
	CHECK_EQ(bus_port_in(&b, 0, 0x20, 4), 0xff302120u);
	CHECK_EQ(bytes.reads, 2);
	CHECK_EQ(bytes.last_size, 1);
	CHECK_EQ(bytes.last_off, 1);
	CHECK_EQ(bytes2.reads, 1);
	CHECK_EQ(bytes2.last_off, 0);
	/* From the hole, bytes reaching the wide device's port float: it sees only accesses starting in it. */
	CHECK_EQ(bus_port_in(&b, 0, 0x23, 2), 0xffff);
	CHECK_EQ(wide.reads, 0);
	/* From below the first device. */
	CHECK_EQ(bus_port_in(&b, 0, 0x1f, 2), 0x20ff);
	CHECK_EQ(bus_port_out(&b, 0, 0x1f, 4, 0x5a6b7cdd), BUS_OK);
	CHECK_EQ(bytes.regs[0], 0x7c);
	CHECK_EQ(bytes.regs[1], 0x6b);
	CHECK_EQ(bytes2.regs[0], 0x5a);
	CHECK_EQ(bytes.writes, 2);
	CHECK_EQ(bytes.last_size, 1);
	CHECK_EQ(bytes.last_val, 0x6b);
	CHECK(bytes.lock_held);                    /* each byte's call under its range's lock */
	CHECK(!spin_is_locked(&lock));
	/* A byte access to a byte-wide device is not split. */
	CHECK_EQ(bus_port_in(&b, 0, 0x21, 1), 0x6b);
	/* A byte-wide device's "ended" survives the split. */
	bytes2.result = BUS_DOMAIN_ENDED;
	CHECK_EQ(bus_port_out(&b, 0, 0x21, 2, 0), BUS_DOMAIN_ENDED);
}

static void test_mmio(void)
{
	setup();
	CHECK_EQ(bus_add(&b.mmio, 0xfee00000, 0x1000, &wide_kind, &wide, 0), 0);
	const struct bus_range *r = bus_find(&b.mmio, 0xfee00ff8);
	CHECK(r != 0);
	CHECK(bus_find(&b.mmio, 0xfee01000) == 0);
	CHECK_EQ(bus_mmio_write(r, 5, 0xfee00008, 8, 0x0807060504030201ULL), BUS_OK);
	CHECK_EQ(wide.last_off, 8);
	CHECK_EQ(wide.last_vcpu, 5);
	CHECK_EQ(bus_mmio_read(r, 2, 0xfee00008, 8), 0x0807060504030201ULL);
	CHECK_EQ(wide.last_vcpu, 2);
	CHECK_EQ(wide.last_size, 8);
	CHECK(!wide.lock_held);
}

int main(void)
{
	RUN(test_add_refuses);
	RUN(test_find);
	RUN(test_dispatch_and_lock);
	RUN(test_open_bus);
	RUN(test_wide_split);
	RUN(test_mmio);
	return CHECK_EXIT();
}
