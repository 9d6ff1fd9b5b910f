/*
 * PCI configuration mechanism #1 at ports 0xcf8 (CONFIG_ADDRESS) and
 * 0xcfc-0xcff (CONFIG_DATA) over a bus 0 that holds only a host bridge at
 * 00:00.0, read-only; every other bus, device and function answers all
 * ones, as an empty slot does (docs/platform.md, "PCI configuration").
 * Pure code; unit-tested on the host.
 */
#ifndef DEV_PCI_CFG_H
#define DEV_PCI_CFG_H

#include <stdint.h>
#include "dev/bus.h"
#include "hw/pci.h"
#include "lib/spinlock.h"

struct pci_cfg {
	uint32_t address;        /* CONFIG_ADDRESS as the guest wrote it, reserved bits clear */
};

void pci_cfg_init(struct pci_cfg *c);
/* The configuration-space byte at reg of bus:devfn. */
uint8_t pci_cfg_byte(unsigned bus, unsigned devfn, unsigned reg);
/*
 * Claim CONFIG_ADDRESS (one port: byte and word accesses to 0xcf8-0xcfb
 * are not it, and 0xcf9 is the reset control register) and CONFIG_DATA on
 * bus b, each call under `lock`. 0, or -1 when a port is taken.
 */
int pci_cfg_add_to_bus(struct bus *b, struct pci_cfg *c, struct spinlock *lock);

#endif
