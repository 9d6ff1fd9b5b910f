/*
 * Registration and dispatch on a domain's device bus. A space is a short
 * array scanned in the order devices were added: there are a handful of
 * ranges, so a scan that finds the hottest one (the console UART, added
 * first) at its first comparison beats any search, and registration order
 * is the only ordering to keep. Ranges never overlap, so the order changes
 * only how soon a range is found, never which one. Nothing here
 * allocates; the lock of a range is held only around its device's call.
 *
 * Every space ends with the empty bus, a range over all addresses whose
 * reads return all ones and whose writes vanish: the scan needs neither a
 * bound nor a miss case, and unclaimed ports take the same path as claimed
 * ones.
 *
 * The ISA rule lives here and nowhere else: an access wider than a byte
 * that starts at a byte-wide device, or at no device (the empty bus counts
 * as byte-wide), goes out byte by byte, each byte to the byte-wide device
 * that claims its port or to the empty bus (0xff, write dropped). Other
 * devices see whole accesses that start in their range and handle the
 * widths they allow themselves.
 */
#include "dev/bus.h"

#define OPEN_BUS_BYTE 0xffu

/* Claims what no device does; byte-wide, so a wide access there is split and reaches the devices it covers. */
static const struct bus_device empty_bus = { "empty bus", bus_read_open, bus_write_drop, BUS_BYTE_REGS };

static void space_init(struct bus_space *s)
{
	s->n = 0;
	s->r[0] = (struct bus_range){ 0, ~0ULL, bus_read_open, bus_write_drop, 0, 0, &empty_bus };
}

void bus_init(struct bus *b)
{
	space_init(&b->port);
	space_init(&b->mmio);
}

int bus_add(struct bus_space *s, uint64_t base, uint64_t len, const struct bus_device *k, void *dev,
            struct spinlock *lock)
{
	if (!len || base + len < base || s->n == BUS_RANGES || !k || !k->read || !k->write)
		return -1;
	uint64_t last = len - 1;
	for (unsigned i = 0; i < s->n; i++) {
		const struct bus_range *e = &s->r[i];
		if (base <= e->base + e->last && e->base <= base + last)
			return -1;
	}
	s->r[s->n + 1] = s->r[s->n];   /* the empty bus stays last */
	s->r[s->n++] = (struct bus_range){ base, last, k->read, k->write, dev, lock, k };
	return 0;
}

/* Never NULL: the empty bus ends every space. */
static inline const struct bus_range *find(const struct bus_space *s, uint64_t addr)
{
	const struct bus_range *r = s->r;
	while (addr - r->base > r->last)
		r++;
	return r;
}

const struct bus_range *bus_find(const struct bus_space *s, uint64_t addr)
{
	const struct bus_range *r = find(s, addr);
	return r->kind == &empty_bus ? 0 : r;
}

static inline uint64_t range_read(const struct bus_range *r, unsigned vcpu, uint64_t addr, unsigned size)
{
	if (r->lock)
		spin_lock(r->lock);
	uint64_t v = r->read(r->dev, vcpu, addr - r->base, size);
	if (r->lock)
		spin_unlock(r->lock);
	return v;
}

static inline enum bus_result range_write(const struct bus_range *r, unsigned vcpu, uint64_t addr, unsigned size,
                                          uint64_t val)
{
	if (r->lock)
		spin_lock(r->lock);
	enum bus_result res = r->write(r->dev, vcpu, addr - r->base, size, val);
	if (r->lock)
		spin_unlock(r->lock);
	return res;
}

static inline int byte_regs(const struct bus_range *r)
{
	return r->kind->flags & BUS_BYTE_REGS;
}

/* Out of line: wide accesses to byte registers are rare, and inlined they would cost the common path its registers. */
__attribute__((noinline, cold))
static uint32_t split_in(const struct bus *b, unsigned vcpu, uint16_t port, unsigned size)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < size; i++) {
		uint16_t p = (uint16_t)(port + i);
		const struct bus_range *r = find(&b->port, p);
		uint32_t byte = byte_regs(r) ? (uint32_t)range_read(r, vcpu, p, 1) & 0xff : OPEN_BUS_BYTE;
		v |= byte << (8 * i);
	}
	return v;
}

__attribute__((noinline, cold))
static enum bus_result split_out(const struct bus *b, unsigned vcpu, uint16_t port, unsigned size, uint32_t val)
{
	enum bus_result res = BUS_OK;
	for (unsigned i = 0; i < size; i++) {
		uint16_t p = (uint16_t)(port + i);
		const struct bus_range *r = find(&b->port, p);
		if (byte_regs(r) && range_write(r, vcpu, p, 1, (uint8_t)(val >> (8 * i))) != BUS_OK)
			res = BUS_DOMAIN_ENDED;
	}
	return res;
}

uint32_t bus_port_in(const struct bus *b, unsigned vcpu, uint16_t port, unsigned size)
{
	const struct bus_range *r = find(&b->port, port);
	if (size == 1 || !byte_regs(r))
		return (uint32_t)range_read(r, vcpu, port, size);
	return split_in(b, vcpu, port, size);
}

enum bus_result bus_port_out(const struct bus *b, unsigned vcpu, uint16_t port, unsigned size, uint32_t val)
{
	const struct bus_range *r = find(&b->port, port);
	if (size == 1 || !byte_regs(r))
		return range_write(r, vcpu, port, size, val);
	return split_out(b, vcpu, port, size, val);
}

uint64_t bus_mmio_read(const struct bus_range *r, unsigned vcpu, uint64_t addr, unsigned size)
{
	return range_read(r, vcpu, addr, size);
}

enum bus_result bus_mmio_write(const struct bus_range *r, unsigned vcpu, uint64_t addr, unsigned size, uint64_t val)
{
	return range_write(r, vcpu, addr, size, val);
}

uint64_t bus_read_open(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	(void)dev, (void)vcpu, (void)off;
	return bus_open(size);
}

enum bus_result bus_write_drop(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	(void)dev, (void)vcpu, (void)off, (void)size, (void)val;
	return BUS_OK;
}
