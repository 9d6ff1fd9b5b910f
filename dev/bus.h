/*
 * A domain's device bus: one table of port ranges and one of guest-physical
 * MMIO ranges, each range naming its device (an opaque pointer), the
 * device's read and write functions and the lock the bus holds around them.
 * The exit handlers look an access up here and know no device by name; a
 * device knows neither the domain nor the vCPU structure. The bus owns the
 * rules every device shares: what an unclaimed port answers (the empty
 * bus), and how an access wider than a byte reaches byte-wide registers.
 * Pure code; unit-tested on the host.
 */
#ifndef DEV_BUS_H
#define DEV_BUS_H

#include <stdint.h>
#include "lib/spinlock.h"

/*
 * Ranges per space, without an allocation: today's platform uses 13 port
 * ranges (15 with the test device) and 3 MMIO ones. 15, not 16: the two
 * tables are most of struct platform, and one entry fewer in each keeps
 * struct domain in 3 pages. A device added beyond that raises it again.
 */
#define BUS_RANGES 15

/* What an access did beyond the device, for the exit handler to act on. */
enum bus_result {
	BUS_OK,
	BUS_DOMAIN_ENDED,      /* the domain asked to end (the exit port) */
};

/*
 * A device's side of an access. `off` is the address minus the range's
 * base, `size` 1, 2, 4 (ports) or up to 8 (MMIO), `vcpu` the accessing
 * vCPU's index in its domain, for devices with one instance per vCPU (the
 * local APIC); others ignore it.
 */
typedef uint64_t bus_read_fn(void *dev, unsigned vcpu, uint64_t off, unsigned size);
typedef enum bus_result bus_write_fn(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val);

/*
 * The device's registers are bytes on the ISA bus: an access wider than a
 * byte is split by the bus, each byte going to the port it covers.
 */
#define BUS_BYTE_REGS 0x1u

/* One kind of device, as its file exports it: a const, shared by every instance. */
struct bus_device {
	const char *name;      /* for reports: "local APIC" */
	bus_read_fn *read;
	bus_write_fn *write;
	unsigned flags;        /* BUS_BYTE_REGS */
};

struct bus_range {
	uint64_t base, last;   /* last = len - 1, so that a range can cover every address */
	bus_read_fn *read;     /* the device's, copied: one load fewer on the exit path */
	bus_write_fn *write;
	void *dev;
	struct spinlock *lock; /* held around read and write; NULL for a device without shared state */
	const struct bus_device *kind;
};

/* n ranges, then the empty bus: a last range that claims every address left, so a scan needs no bound. */
struct bus_space {
	unsigned n;
	struct bus_range r[BUS_RANGES + 1];
};

struct bus {
	struct bus_space port, mmio;
};

/* Both spaces empty: every port and address answered by the empty bus. */
void bus_init(struct bus *b);

/*
 * Claim [base, base + len) in space s for device `dev` of kind k. 0, or -1
 * when the range is empty, wraps, overlaps a range already claimed or the
 * table is full. Ranges are searched in the order they were added: add the
 * hottest first.
 */
int bus_add(struct bus_space *s, uint64_t base, uint64_t len, const struct bus_device *k, void *dev,
            struct spinlock *lock);

/* The device's range holding addr, or NULL when no device claims it. */
const struct bus_range *bus_find(const struct bus_space *s, uint64_t addr);

/*
 * The same for an access by a CPU whose own local APIC has the range
 * `local` (NULL: none at present): that APIC answers its CPU's accesses
 * before the bus sees them, wherever it sits, and no other CPU's.
 */
static inline const struct bus_range *bus_find_local(const struct bus_space *s, const struct bus_range *local,
                                                     uint64_t addr)
{
	if (local && addr - local->base <= local->last - local->base)
		return local;
	return bus_find(s, addr);
}

/*
 * A port access of 1, 2 or 4 bytes. Unclaimed ports read all ones and drop
 * writes, as an empty ISA bus does.
 */
uint32_t bus_port_in(const struct bus *b, unsigned vcpu, uint16_t port, unsigned size);
enum bus_result bus_port_out(const struct bus *b, unsigned vcpu, uint16_t port, unsigned size, uint32_t val);

/* An access of `size` bytes at addr inside r, a range bus_find gave for the MMIO space. */
uint64_t bus_mmio_read(const struct bus_range *r, unsigned vcpu, uint64_t addr, unsigned size);
enum bus_result bus_mmio_write(const struct bus_range *r, unsigned vcpu, uint64_t addr, unsigned size, uint64_t val);

/* What nothing answers with: all ones in the access's width (1 to 8 bytes), also the mask of that width. */
static inline uint64_t bus_open(unsigned size)
{
	return ~0ULL >> (64 - 8 * size);
}

/* For devices without reads or writes: the empty bus's answer, a dropped write. */
bus_read_fn bus_read_open;
bus_write_fn bus_write_drop;

#endif
