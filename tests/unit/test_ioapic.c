/*
 * Host tests for the I/O APIC model through its MMIO window: the ID,
 * version and arbitration registers, which redirection-entry bits a guest
 * may write, the power-up state (all masked), edge pins sending once per
 * rising edge and holding an edge that came while masked as long as its
 * input stays asserted, level pins
 * sending while asserted with Remote IRR and again after an EOI (from a
 * local APIC or the EOI register), messages a guest's entry describes
 * (destination, its mode, trigger), and the delivery modes the model does
 * not send. Messages go to a recording fake that accepts or refuses them.
 */
#include <string.h>

#include "dev/ioapic.h"
#include "check.h"

static struct ioapic io;
static struct bus bus;
static struct spinlock lock = SPINLOCK_INIT;
static struct { struct irq_msg last; unsigned count, accepted; bool refuse; } out;

static bool deliver(void *ctx, const struct irq_msg *m)
{
	CHECK(ctx == &out);
	out.last = *m;
	out.count++;
	out.accepted += !out.refuse;
	return !out.refuse;
}

static void setup(void)
{
	memset(&io, 0x5a, sizeof io);
	memset(&out, 0, sizeof out);
	ioapic_init(&io, 3, deliver, &out);
	bus_init(&bus);
	CHECK_EQ(bus_add(&bus.mmio, IOAPIC_DEFAULT_BASE, IOAPIC_MMIO_SIZE, &ioapic_bus_device, &io, &lock), 0);
}

static uint32_t mmio_rd(uint64_t off, unsigned size)
{
	const struct bus_range *r = bus_find(&bus.mmio, IOAPIC_DEFAULT_BASE + off);
	CHECK(r != 0);
	return r ? (uint32_t)bus_mmio_read(r, 0, IOAPIC_DEFAULT_BASE + off, size) : 0;
}

static void mmio_wr(uint64_t off, unsigned size, uint32_t val)
{
	const struct bus_range *r = bus_find(&bus.mmio, IOAPIC_DEFAULT_BASE + off);
	CHECK(r != 0);
	if (r)
		CHECK_EQ(bus_mmio_write(r, 0, IOAPIC_DEFAULT_BASE + off, size, val), BUS_OK);
}

static uint32_t reg_rd(uint32_t sel)
{
	mmio_wr(IOAPIC_IOREGSEL, 4, sel);
	return mmio_rd(IOAPIC_IOWIN, 4);
}

static void reg_wr(uint32_t sel, uint32_t val)
{
	mmio_wr(IOAPIC_IOREGSEL, 4, sel);
	mmio_wr(IOAPIC_IOWIN, 4, val);
}

static void rte_wr(unsigned pin, uint64_t rte)
{
	reg_wr(IOAPIC_IOREDTBL0 + 2 * pin + 1, (uint32_t)(rte >> 32));
	reg_wr(IOAPIC_IOREDTBL0 + 2 * pin, (uint32_t)rte);
}

static uint64_t rte_rd(unsigned pin)
{
	return reg_rd(IOAPIC_IOREDTBL0 + 2 * pin) | (uint64_t)reg_rd(IOAPIC_IOREDTBL0 + 2 * pin + 1) << 32;
}

static void test_registers(void)
{
	setup();
	CHECK_EQ(reg_rd(IOAPIC_IOAPICID), 3u << 24);
	CHECK_EQ(reg_rd(IOAPIC_IOAPICVER), 0x00170020u);   /* version 0x20, 24 entries */
	CHECK_EQ(reg_rd(IOAPIC_IOAPICARB), 3u << 24);
	/* Only the ID's four bits are writable; version and arbitration are read-only. */
	reg_wr(IOAPIC_IOAPICID, 0xffffffffu);
	CHECK_EQ(reg_rd(IOAPIC_IOAPICID), 0x0f000000u);
	reg_wr(IOAPIC_IOAPICVER, 0);
	CHECK_EQ(reg_rd(IOAPIC_IOAPICVER), 0x00170020u);
	/* IOREGSEL keeps its index byte; indexes past the last entry and reserved ones read 0. */
	mmio_wr(IOAPIC_IOREGSEL, 4, 0x1234);
	CHECK_EQ(mmio_rd(IOAPIC_IOREGSEL, 4), 0x34);
	CHECK_EQ(reg_rd(IOAPIC_IOREDTBL0 + 2 * IOAPIC_PINS), 0);
	CHECK_EQ(reg_rd(0x03), 0);
	/* The EOI register is write-only, as are the window's unassigned words; byte accesses do nothing. */
	CHECK_EQ(mmio_rd(IOAPIC_EOIR, 4), 0);
	mmio_wr(IOAPIC_IOREGSEL, 1, IOAPIC_IOAPICVER);
	CHECK_EQ(mmio_rd(IOAPIC_IOREGSEL, 4), 0x03);
	CHECK_EQ(mmio_rd(IOAPIC_IOWIN, 2), 0);
	CHECK(bus_find(&bus.mmio, IOAPIC_DEFAULT_BASE + IOAPIC_MMIO_SIZE) == 0);
}

static void test_redirection_entries(void)
{
	setup();
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
		CHECK_EQ(rte_rd(pin), IOAPIC_RTE_MASK);   /* power-up: masked, edge, vector 0 */
	/* Every writable field reads back, the extended destination ID too; Delivery Status, Remote IRR and 47:17 stay 0. */
	rte_wr(5, ~0ULL);
	CHECK_EQ(rte_rd(5), 0xffff00000001afffULL);
	CHECK_EQ(rte_rd(4), IOAPIC_RTE_MASK);
	/* The two words are apart. */
	reg_wr(IOAPIC_IOREDTBL0 + 2 * 5 + 1, 0x12000000u);
	CHECK_EQ(rte_rd(5), 0x120000000001afffULL);
	CHECK_EQ(out.count, 0);                     /* no input asserted: nothing sent */
}

static void test_edge(void)
{
	setup();
	rte_wr(4, 0x31 | 1ULL << 56);               /* fixed, physical, edge, unmasked, APIC 1 */
	ioapic_set_pin(&io, 4, true);
	CHECK_EQ(out.count, 1);
	CHECK_EQ(out.last.vector, 0x31);
	CHECK_EQ(out.last.dest, 1);
	CHECK_EQ(out.last.delmod, IOAPIC_DELMOD_FIXED);
	CHECK(!out.last.logical);
	CHECK(!out.last.level);
	/* Staying high is no new edge, nor is going low. */
	ioapic_set_pin(&io, 4, true);
	ioapic_set_pin(&io, 4, false);
	CHECK_EQ(out.count, 1);
	ioapic_set_pin(&io, 4, true);
	CHECK_EQ(out.count, 2);
	CHECK_EQ(rte_rd(4) & (IOAPIC_RTE_REMOTE_IRR | IOAPIC_RTE_DELIVS), 0);
	CHECK_EQ(out.accepted, 2);
	/* An EOI for its vector changes nothing on an edge pin. */
	ioapic_eoi(&io, 0x31);
	CHECK_EQ(out.count, 2);
	/* Pins past the last do nothing. */
	ioapic_set_pin(&io, IOAPIC_PINS, true);
	CHECK_EQ(out.count, 2);
}

static void test_edge_while_masked(void)
{
	setup();
	rte_wr(4, 0x31 | IOAPIC_RTE_MASK);
	ioapic_set_pin(&io, 4, true);
	ioapic_set_pin(&io, 4, false);
	ioapic_set_pin(&io, 4, true);
	CHECK_EQ(out.count, 0);
	/* The edges it saw masked become one message when unmasked, and only one. */
	rte_wr(4, 0x31);
	CHECK_EQ(out.count, 1);
	CHECK_EQ(out.last.vector, 0x31);
	rte_wr(4, 0x32);
	CHECK_EQ(out.count, 1);
	/* A pulse while masked (the input fell again before the unmask) is ignored. */
	rte_wr(4, 0x32 | IOAPIC_RTE_MASK);
	ioapic_set_pin(&io, 4, false);
	ioapic_set_pin(&io, 4, true);
	ioapic_set_pin(&io, 4, false);
	rte_wr(4, 0x32);
	CHECK_EQ(out.count, 1);
	ioapic_set_pin(&io, 4, true);
	CHECK_EQ(out.count, 2);
	CHECK_EQ(out.last.vector, 0x32);
	/* An edge no APIC accepted is gone: unmasking again sends nothing. */
	out.refuse = true;
	ioapic_set_pin(&io, 4, false);
	ioapic_set_pin(&io, 4, true);
	CHECK_EQ(out.count, 3);
	CHECK_EQ(out.accepted, 2);
	out.refuse = false;
	rte_wr(4, 0x32 | IOAPIC_RTE_MASK);
	rte_wr(4, 0x32);
	CHECK_EQ(out.count, 3);
}

static void test_level(void)
{
	setup();
	uint64_t rte = 0x41 | IOAPIC_RTE_TRIGGER_MODE | IOAPIC_RTE_INTPOL;
	rte_wr(9, rte);
	CHECK_EQ(out.count, 0);
	ioapic_set_pin(&io, 9, true);
	CHECK_EQ(out.count, 1);
	CHECK(out.last.level);
	CHECK_EQ(out.last.vector, 0x41);
	CHECK_EQ(rte_rd(9), rte | IOAPIC_RTE_REMOTE_IRR);
	/* Remote IRR holds it back while the input stays asserted; the guest cannot clear it. */
	ioapic_set_pin(&io, 9, true);
	rte_wr(9, rte);
	CHECK_EQ(out.count, 1);
	CHECK_EQ(rte_rd(9), rte | IOAPIC_RTE_REMOTE_IRR);
	/* An EOI of another vector leaves it; of its own, still asserted, sends again. */
	ioapic_eoi(&io, 0x42);
	CHECK_EQ(out.count, 1);
	ioapic_eoi(&io, 0x41);
	CHECK_EQ(out.count, 2);
	CHECK(rte_rd(9) & IOAPIC_RTE_REMOTE_IRR);
	/* Deasserted, the EOI through the EOI register clears Remote IRR and sends nothing. */
	ioapic_set_pin(&io, 9, false);
	mmio_wr(IOAPIC_EOIR, 4, 0x41);
	CHECK_EQ(out.count, 2);
	CHECK_EQ(rte_rd(9), rte);
	/* Asserted while masked: sent at the unmask. */
	rte_wr(9, rte | IOAPIC_RTE_MASK);
	ioapic_set_pin(&io, 9, true);
	CHECK_EQ(out.count, 2);
	rte_wr(9, rte);
	CHECK_EQ(out.count, 3);
	/* Refused by every APIC: no Remote IRR, so the next EOI-free change may send again. */
	out.refuse = true;
	rte_wr(9, rte | IOAPIC_RTE_MASK);
	ioapic_eoi(&io, 0x41);
	rte_wr(9, rte);
	CHECK_EQ(out.count, 4);
	CHECK_EQ(rte_rd(9) & IOAPIC_RTE_REMOTE_IRR, 0);
	/* Made edge-triggered, an entry forgets Remote IRR. */
	out.refuse = false;
	rte_wr(9, rte | IOAPIC_RTE_MASK);
	rte_wr(9, rte);
	CHECK(rte_rd(9) & IOAPIC_RTE_REMOTE_IRR);
	rte_wr(9, 0x41 | IOAPIC_RTE_MASK);
	CHECK_EQ(rte_rd(9), 0x41 | IOAPIC_RTE_MASK);
}

static void test_message_fields(void)
{
	setup();
	rte_wr(1, 0x51 | (uint64_t)IOAPIC_DELMOD_LOWEST << 8 | IOAPIC_RTE_DESTMOD | 0x0cULL << 56);
	ioapic_set_pin(&io, 1, true);
	CHECK_EQ(out.count, 1);
	CHECK_EQ(out.last.delmod, IOAPIC_DELMOD_LOWEST);
	CHECK(out.last.logical);
	CHECK_EQ(out.last.dest, 0x0c);
	/* NMI, INIT, SMI and ExtINT are not sent, only counted. */
	static const uint8_t unsent[] = { IOAPIC_DELMOD_SMI, IOAPIC_DELMOD_NMI, IOAPIC_DELMOD_INIT, IOAPIC_DELMOD_EXTINT };
	for (unsigned i = 0; i < sizeof unsent; i++) {
		rte_wr(2, (uint64_t)unsent[i] << 8);
		ioapic_set_pin(&io, 2, true);
		ioapic_set_pin(&io, 2, false);
	}
	CHECK_EQ(out.count, 1);
	CHECK_EQ(io.undeliverable, 4);
	CHECK(!out.last.remappable);
	/* VT-d's remappable format: bit 48, index 14:0 in 63:49, index 15 where the destination mode is. */
	rte_wr(3, 0x61 | IOAPIC_RTE_DESTMOD | IOAPIC_RTE_IF | (uint64_t)0x1234 << IOAPIC_RTE_INDEX_SHIFT);
	ioapic_set_pin(&io, 3, true);
	CHECK_EQ(out.count, 2);
	CHECK(out.last.remappable);
	CHECK_EQ(out.last.index, 0x9234);
	CHECK_EQ(out.last.vector, 0x61);
	/* Its delivery mode is the table entry's: the I/O APIC sends it whatever the RTE says. */
	rte_wr(4, (uint64_t)IOAPIC_DELMOD_NMI << 8 | IOAPIC_RTE_IF);
	ioapic_set_pin(&io, 4, true);
	CHECK_EQ(out.count, 3);
	CHECK_EQ(io.undeliverable, 4);
}

static void test_id_after(void)
{
	CHECK_EQ(ioapic_id_after(1), 1);
	CHECK_EQ(ioapic_id_after(8), 8);
	CHECK_EQ(ioapic_id_after(16), 0);   /* IOAPICID has four bits */
	CHECK_EQ(ioapic_id_after(255), 15);
}

int main(void)
{
	RUN(test_registers);
	RUN(test_redirection_entries);
	RUN(test_edge);
	RUN(test_edge_while_masked);
	RUN(test_level);
	RUN(test_message_fields);
	RUN(test_id_after);
	return CHECK_EXIT();
}
