/*
 * The I/O APIC's model (Intel 82093AA datasheet; the EOI register of the
 * ICH/PCH parts): the indirect register file behind IOREGSEL/IOWIN, and the
 * rule that turns pin levels into messages. An edge-triggered pin sends on
 * each rising edge; an edge that arrives while the pin is masked is held
 * while its input stays asserted and sent when the guest unmasks it, as
 * KVM's I/O APIC does, so that a guest that masks a pin across a
 * reprogramming loses no interrupt of a device that still asserts it. An
 * input that falls first takes its edge with it, so that a pulse on a
 * masked pin is ignored, as the 82093AA ignores it (kvm-unit-tests'
 * ioapic test checks that). A level-triggered pin sends while its
 * input is asserted, unmasked and Remote IRR is clear; an accepted message
 * sets Remote IRR, and the EOI for its vector clears it and sends again if
 * the input is still asserted. Polarity is kept for the guest to read but
 * changes nothing: the platform's lines carry "asserted", as QEMU's do.
 * Delivery is instantaneous, so Delivery Status always reads 0.
 */
#include "dev/ioapic.h"
#include "lib/string.h"

#define ACCESS_SIZE     4
#define IOREGSEL_MASK   0xffu
#define RTE_WORD_BITS   32
/* Bits a guest may write: all but Delivery Status, Remote IRR and the reserved 47:17. */
#define RTE_WRITABLE    (IOAPIC_RTE_INTVEC | IOAPIC_RTE_DELMOD | IOAPIC_RTE_DESTMOD | IOAPIC_RTE_INTPOL | \
                         IOAPIC_RTE_TRIGGER_MODE | IOAPIC_RTE_MASK | IOAPIC_RTE_EDID | IOAPIC_RTE_DEST)
#define VERSION_VALUE   (IOAPIC_VERSION | (uint32_t)(IOAPIC_PINS - 1) << IOAPIC_VER_MRE_SHIFT)

void ioapic_init(struct ioapic *io, uint8_t id, ioapic_deliver_fn *deliver, void *ctx)
{
	memset(io, 0, sizeof *io);
	io->id = ((uint32_t)id << IOAPIC_ID_SHIFT) & IOAPIC_ID_MASK;
	for (unsigned i = 0; i < IOAPIC_PINS; i++)
		io->redtbl[i] = IOAPIC_RTE_MASK;
	io->deliver = deliver;
	io->ctx = ctx;
}

static bool level_triggered(uint64_t rte)
{
	return (rte & IOAPIC_RTE_TRIGGER_MODE) != 0;
}

/* Send what pin `pin` has to send now, if anything. */
static void service(struct ioapic *io, unsigned pin)
{
	uint64_t rte = io->redtbl[pin];
	uint32_t bit = 1u << pin;
	if (rte & IOAPIC_RTE_MASK)
		return;
	if (level_triggered(rte)) {
		if (!(io->asserted & bit) || (rte & IOAPIC_RTE_REMOTE_IRR))
			return;
	} else {
		if (!(io->edge_pending & bit))
			return;
		io->edge_pending &= ~bit;
	}
	struct irq_msg m = {
		.vector = (uint8_t)(rte & IOAPIC_RTE_INTVEC),
		.delmod = (uint8_t)((rte & IOAPIC_RTE_DELMOD) >> IOAPIC_RTE_DELMOD_SHIFT),
		.dest = (uint8_t)(rte >> IOAPIC_RTE_DEST_SHIFT),
		.logical = (rte & IOAPIC_RTE_DESTMOD) != 0,
		.level = level_triggered(rte),
		.remappable = (rte & IOAPIC_RTE_IF) != 0,
		.index = (uint16_t)(rte >> IOAPIC_RTE_INDEX_SHIFT | ((rte & IOAPIC_RTE_DESTMOD) ? 0x8000u : 0)),
	};
	/* A remappable message's delivery mode is its table entry's, which the platform checks. */
	if (!m.remappable && !irq_msg_sendable(&m)) {
		io->undeliverable++;
		return;
	}
	if (!io->deliver(io->ctx, &m))
		return;   /* no APIC took it: a level pin tries again at its next change */
	if (m.level)
		io->redtbl[pin] |= IOAPIC_RTE_REMOTE_IRR;
}

void ioapic_set_pin(struct ioapic *io, unsigned pin, bool asserted)
{
	if (pin >= IOAPIC_PINS)
		return;
	uint32_t bit = 1u << pin;
	bool was = (io->asserted & bit) != 0;
	io->asserted = asserted ? io->asserted | bit : io->asserted & ~bit;
	if (!asserted) {
		io->edge_pending &= ~bit;
		return;
	}
	if (!was && !level_triggered(io->redtbl[pin]))
		io->edge_pending |= bit;
	service(io, pin);
}

void ioapic_eoi(struct ioapic *io, unsigned vector)
{
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t rte = io->redtbl[pin];
		if (!(rte & IOAPIC_RTE_REMOTE_IRR) || (rte & IOAPIC_RTE_INTVEC) != (vector & IOAPIC_RTE_INTVEC))
			continue;
		io->redtbl[pin] &= ~IOAPIC_RTE_REMOTE_IRR;
		service(io, pin);
	}
}

static uint32_t read_indirect(const struct ioapic *io)
{
	uint32_t sel = io->ioregsel;
	switch (sel) {
	case IOAPIC_IOAPICID:  return io->id;
	case IOAPIC_IOAPICVER: return VERSION_VALUE;
	case IOAPIC_IOAPICARB: return io->id;   /* the arbitration ID is loaded from the APIC ID */
	default: break;
	}
	unsigned idx = (sel - IOAPIC_IOREDTBL0) / 2;
	if (sel < IOAPIC_IOREDTBL0 || idx >= IOAPIC_PINS)
		return 0;   /* reserved registers read 0 */
	return (uint32_t)(io->redtbl[idx] >> ((sel & 1) * RTE_WORD_BITS));
}

static void write_redtbl(struct ioapic *io, unsigned pin, bool high, uint32_t val)
{
	uint64_t old = io->redtbl[pin];
	unsigned shift = high ? RTE_WORD_BITS : 0;
	uint64_t word = (uint64_t)0xffffffffu << shift;
	uint64_t w = (old & ~(word & RTE_WRITABLE)) | (((uint64_t)val << shift) & word & RTE_WRITABLE);
	/* An entry made edge-triggered forgets Remote IRR, as QEMU's does: nothing will EOI it any more. */
	if (!level_triggered(w))
		w &= ~IOAPIC_RTE_REMOTE_IRR;
	io->redtbl[pin] = w;
	service(io, pin);   /* an unmasked pin sends the edge it held, or its asserted level */
}

static void write_indirect(struct ioapic *io, uint32_t val)
{
	uint32_t sel = io->ioregsel;
	if (sel == IOAPIC_IOAPICID) {
		io->id = val & IOAPIC_ID_MASK;
		return;
	}
	unsigned idx = (sel - IOAPIC_IOREDTBL0) / 2;
	if (sel >= IOAPIC_IOREDTBL0 && idx < IOAPIC_PINS)
		write_redtbl(io, idx, sel & 1, val);
	/* IOAPICVER, IOAPICARB and reserved registers ignore writes */
}

static uint64_t ioapic_bus_read(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	(void)vcpu;
	const struct ioapic *io = dev;
	if (size != ACCESS_SIZE)
		return 0;
	switch (off) {
	case IOAPIC_IOREGSEL: return io->ioregsel;
	case IOAPIC_IOWIN:    return read_indirect(io);
	default:              return 0;   /* EOIR is write-only; the rest of the window is reserved */
	}
}

static enum bus_result ioapic_bus_write(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	(void)vcpu;
	struct ioapic *io = dev;
	if (size != ACCESS_SIZE)
		return BUS_OK;
	switch (off) {
	case IOAPIC_IOREGSEL: io->ioregsel = (uint32_t)val & IOREGSEL_MASK; break;
	case IOAPIC_IOWIN:    write_indirect(io, (uint32_t)val); break;
	case IOAPIC_EOIR:     ioapic_eoi(io, (uint32_t)val & IOAPIC_RTE_INTVEC); break;
	default: break;
	}
	return BUS_OK;
}

const struct bus_device ioapic_bus_device = { "I/O APIC", ioapic_bus_read, ioapic_bus_write, 0 };
