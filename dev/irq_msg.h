/*
 * An interrupt message on its way to the local APICs, whoever sent it: an
 * I/O APIC redirection entry, a PCI function's MSI, an interrupt
 * remapping unit's table entry. Messages in VT-d's remappable format name
 * an interrupt remapping table entry instead of a destination; the
 * platform resolves them (dev/vtd.c) before delivery. The decoding of an
 * MSI's address and data is here, once, for every sender.
 */
#ifndef DEV_IRQ_MSG_H
#define DEV_IRQ_MSG_H

#include <stdbool.h>
#include <stdint.h>
#include "hw/apic.h"
#include "hw/ioapic.h"
#include "hw/vtd.h"

struct irq_msg {
	uint8_t vector;
	uint8_t delmod;     /* enum ioapic_delmod: the same encoding in an RTE, an MSI and an IRTE */
	uint32_t dest;      /* an APIC ID (physical) or a logical destination: 8 bits, 32 with x2apic_dest */
	bool x2apic_dest;   /* dest is x2APIC's 32 bits (a remapping entry in x2APIC mode): 0xff is no broadcast */
	bool logical;
	bool level;         /* level-triggered: the accepting APIC sets TMR and sends an EOI */
	bool remappable;    /* VT-d's remappable format: `index` names the entry, the fields above are its sender's */
	uint16_t index;     /* the interrupt's index in the remapping table */
};

/* Fixed and lowest priority: the delivery modes the platform sends; SMI, NMI, INIT and ExtINT it does not. */
static inline bool irq_msg_sendable(const struct irq_msg *m)
{
	return m->delmod == IOAPIC_DELMOD_FIXED || m->delmod == IOAPIC_DELMOD_LOWEST;
}

/* MSI address (PCI Local Bus Specification, "Message Address"; Intel SDM "Message Address Register Format") */
#define MSI_ADDR_BASE         0xfee00000ULL
#define MSI_ADDR_DEST_SHIFT   12
#define MSI_ADDR_DM           BIT(2)     /* 1: logical destination */
/* MSI data: vector 7:0, delivery mode 10:8, trigger mode 15 */
#define MSI_DATA_DLM_SHIFT    8
#define MSI_DATA_TM           BIT(15)

/*
 * The message a write of `data` to `addr` is, or false when the address is
 * not the interrupt range (the write is then plain memory, no interrupt).
 */
static inline bool msi_decode(uint64_t addr, uint32_t data, struct irq_msg *m)
{
	if ((addr & ~0xfffffULL) != MSI_ADDR_BASE)
		return false;
	*m = (struct irq_msg){
		.vector = (uint8_t)data,
		.delmod = (uint8_t)(data >> MSI_DATA_DLM_SHIFT & 7),
		.dest = (uint8_t)(addr >> MSI_ADDR_DEST_SHIFT),
		.logical = (addr & MSI_ADDR_DM) != 0,
		.level = (data & MSI_DATA_TM) != 0,
		.remappable = (addr & VTD_MSI_IF) != 0,
		.index = (uint16_t)((addr >> VTD_MSI_HANDLE_SHIFT & VTD_MSI_HANDLE_MASK) |
		                    ((addr & VTD_MSI_HANDLE15) ? 0x8000u : 0)),
	};
	if (m->remappable && (addr & VTD_MSI_SHV))
		m->index = (uint16_t)(m->index + (uint16_t)data);   /* the subhandle */
	return true;
}

#endif
