/*
 * A domain's I/O APIC (docs/platform.md, "I/O APIC"): 24 input pins, each
 * with a redirection table entry that turns the pin's level into an
 * interrupt message for the local APICs, and the registers a guest
 * programs them through at IOAPIC_DEFAULT_BASE. The device knows no local
 * APIC and no vCPU: a message goes out through the function the platform
 * gave it, which says whether any local APIC accepted it, and the
 * platform tells it of the EOIs local APICs send for level-triggered
 * vectors. Pure code; unit-tested on the host.
 */
#ifndef DEV_IOAPIC_H
#define DEV_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>
#include "dev/bus.h"
#include "dev/irq_msg.h"
#include "hw/ioapic.h"

#define IOAPIC_PINS       24
#define IOAPIC_VERSION    0x20u    /* has the EOI register */
#define IOAPIC_MMIO_SIZE  0x1000   /* the chipset decodes a 4 KiB window */

/* Send m to the local APICs it names; true when at least one accepted it. */
typedef bool ioapic_deliver_fn(void *ctx, const struct irq_msg *m);

struct ioapic {
	uint32_t ioregsel;
	uint32_t id;                  /* IOAPICID as read: the ID in bits 27:24 */
	uint64_t redtbl[IOAPIC_PINS];
	uint32_t asserted;            /* bit n: pin n's input is asserted */
	uint32_t edge_pending;        /* bit n: an edge not yet delivered (it came while masked; its input is still asserted) */
	ioapic_deliver_fn *deliver;
	void *ctx;
	uint32_t undeliverable;       /* SMI, NMI, INIT and ExtINT messages, which the model does not send */
};

/*
 * The ID a platform with ncpus CPUs (APIC IDs 0..ncpus-1) gives its I/O
 * APIC and its MADT names: the next one, in IOAPICID's four bits.
 */
static inline uint8_t ioapic_id_after(unsigned ncpus)
{
	return (uint8_t)((ncpus << IOAPIC_ID_SHIFT & IOAPIC_ID_MASK) >> IOAPIC_ID_SHIFT);
}

/* Power-up state: every entry masked, edge-triggered, vector 0; IOAPICID `id`. */
void ioapic_init(struct ioapic *io, uint8_t id, ioapic_deliver_fn *deliver, void *ctx);

/* Pin `pin`'s input goes to `asserted`; an edge or a level may send a message. Pins beyond 23 do nothing. */
void ioapic_set_pin(struct ioapic *io, unsigned pin, bool asserted);

/*
 * A local APIC ended a level-triggered `vector` (or the guest wrote it to
 * EOIR): every pin with that vector and Remote IRR set has it cleared, and
 * sends again if its input is still asserted.
 */
void ioapic_eoi(struct ioapic *io, unsigned vector);

/* The registers at IOAPIC_DEFAULT_BASE: dev is a struct ioapic, under one lock for all its callers. */
extern const struct bus_device ioapic_bus_device;

#endif
