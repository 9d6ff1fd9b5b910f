/*
 * A domain's DMA and interrupt remapping unit, Intel VT-d as the guest
 * programs it (include/hw/vtd.h; docs/platform.md, "IOMMU"), for domains
 * whose config asks for it (`viommu = 1`): the registers at
 * VTD_DEFAULT_BASE, legacy-mode root and context tables, 3- and 4-level
 * second-level tables with 2 MiB and 1 GiB pages, pass-through contexts,
 * interrupt remapping in xAPIC and x2APIC mode, queued and register-based
 * invalidation, and one fault-recording register with the fault event
 * interrupt. The unit caches nothing: every request walks the guest's
 * tables, so an invalidation has nothing to drop and completes at once.
 * It knows no domain: the tables are read, and a wait descriptor's status
 * written, through env->mem; its event interrupts leave through
 * env->event. Every call is made under the lock the platform gives its
 * range (irq_lock). Pure code; unit-tested on the host.
 */
#ifndef DEV_VTD_H
#define DEV_VTD_H

#include <stdbool.h>
#include <stdint.h>
#include "dev/bus.h"
#include "dev/irq_msg.h"
#include "hw/vtd.h"

struct vtd_env {
	/* Guest-physical memory: false when none answers at [gpa, gpa + len). */
	bool (*mem)(void *ctx, uint64_t gpa, void *buf, uint32_t len, bool write);
	/* A fault or invalidation event: an MSI write, in compatibility format, not remapped. */
	void (*event)(void *ctx, uint64_t addr, uint32_t data);
	void *ctx;
};

/* An event interrupt's control, data, address and upper address registers (FECTL..., IECTL...). */
struct vtd_event_regs {
	uint32_t ctl, data, addr, uaddr;
};

struct vtd {
	struct vtd_env env;
	uint32_t gsts, fsts, ics;
	struct vtd_event_regs fault, inv;   /* the fault event; the invalidation completion event */
	uint64_t rtaddr, rta;           /* as written; as latched by SRTP */
	uint64_t irtaddr, irta;         /* IRTA_REG as written; as latched by SIRTP */
	uint64_t ccmd, iva, iotlb;
	uint64_t iqh, iqt, iqa;
	uint64_t frcd[2];               /* the one fault-recording register */
};

/*
 * The I/O APIC's source ID as the DMAR table names it (QEMU q35's: bus
 * 0xff, 00.0), for the guest's interrupt remapping entries. Its messages
 * reach the unit without it, as QEMU's do: no source-ID check applies.
 */
#define VTD_IOAPIC_BUS    0xffu
#define VTD_IOAPIC_DEVFN  0x00u
#define VTD_HAW           39u    /* the host address width the DMAR table gives: a domain's RAM ends below */

/* Requests without a requester ID (the I/O APIC's messages): no source-ID check applies. */
#define VTD_NO_SID 0xffffffffu

/* Power-up state: everything off, both event interrupts masked. */
void vtd_init(struct vtd *v, struct vtd_env env);

/*
 * The guest-physical address a DMA by requester `sid` to the 4 KiB page
 * holding addr goes to, in *gpa (addr's offset kept); false when the unit
 * blocks it (the fault recorded unless the context says not to). With
 * translation off, addr itself.
 */
bool vtd_translate(struct vtd *v, uint16_t sid, uint64_t addr, bool write, uint64_t *gpa);

/*
 * The message to deliver for m from requester sid (VTD_NO_SID: none), in
 * *out; false when the unit blocks it. With remapping off, m as it is.
 */
bool vtd_remap(struct vtd *v, uint32_t sid, const struct irq_msg *m, struct irq_msg *out);

extern const struct bus_device vtd_bus_device;

#endif
