/*
 * PCI configuration mechanism #1 at ports 0xcf8 (CONFIG_ADDRESS) and
 * 0xcfc-0xcff (CONFIG_DATA) over a bus 0 that holds a host bridge at
 * 00:00.0, read-only, and the functions a domain's config adds (struct
 * pci_fn); every other bus, device and function answers all ones, as an
 * empty slot does (docs/platform.md, "PCI configuration"). The host bridge also decodes
 * a memory window for its functions' BARs. Pure code; unit-tested on the
 * host.
 */
#ifndef DEV_PCI_CFG_H
#define DEV_PCI_CFG_H

#include <stdint.h>
#include "dev/bus.h"
#include "hw/pci.h"
#include "lib/spinlock.h"

/*
 * The memory window the host bridge decodes for its function's BARs: below
 * the I/O APIC, with the VT-d unit above at VTD_DEFAULT_BASE.
 */
#define PCI_CFG_WINDOW_BASE 0xfe000000ULL
#define PCI_CFG_WINDOW_SIZE 0x00c00000ULL

/*
 * One function's type 0 configuration space, kept as bytes: a write
 * changes the bits of wmask and no other, which is also what makes a BAR
 * read back its size after all ones are written. The function's device
 * reads what it needs from cfg (its enables, its MSI address and data).
 * One memory BAR, BAR 0, 32-bit.
 */
struct pci_fn {
	uint8_t cfg[PCI_CONFIG_SPACE_SIZE];
	uint8_t wmask[PCI_CONFIG_SPACE_SIZE];
	uint8_t devfn;
	const struct bus_device *bar0;   /* the registers behind BAR 0, reached with off from its base */
	void *dev;                       /* for bar0 and written */
	void (*written)(void *dev);      /* after each configuration write; NULL: nothing to do */
};

/*
 * One function besides the host bridge, as today's platform has (edu):
 * each domain carries this in its struct platform, which must stay small.
 */
struct pci_cfg {
	uint32_t address;        /* CONFIG_ADDRESS as the guest wrote it, bits 30:24 clear; bits 1:0 read 0 (pci_cfg.c) */
	struct pci_fn *fn;       /* NULL: none */
};

void pci_cfg_init(struct pci_cfg *c);
/* The configuration-space byte at reg of bus:devfn. */
uint8_t pci_cfg_byte(const struct pci_cfg *c, unsigned bus, unsigned devfn, unsigned reg);
/* Put f on bus 0 at f->devfn. 0, or -1 when the slot is taken or a function is there already. */
int pci_cfg_attach(struct pci_cfg *c, struct pci_fn *f);
/*
 * Claim CONFIG_ADDRESS (one port: byte and word accesses to 0xcf8-0xcfb
 * are not it, and 0xcf9 is the reset control register) and CONFIG_DATA on
 * bus b, each call under `lock`. 0, or -1 when a port is taken.
 */
int pci_cfg_add_to_bus(struct bus *b, struct pci_cfg *c, struct spinlock *lock);
/*
 * Claim the memory window on b, under `lock` (the same as the ports'). An
 * access there goes to the function if its enabled BAR covers it; elsewhere
 * in the window it ends in a master abort: reads all ones, writes dropped.
 */
int pci_cfg_add_window(struct bus *b, struct pci_cfg *c, struct spinlock *lock);

/* Little-endian fields of a function's configuration space. */
static inline uint16_t pci_fn_word(const struct pci_fn *f, unsigned reg)
{
	return (uint16_t)(f->cfg[reg] | f->cfg[reg + 1] << 8);
}

static inline uint32_t pci_fn_dword(const struct pci_fn *f, unsigned reg)
{
	return (uint32_t)pci_fn_word(f, reg) | (uint32_t)pci_fn_word(f, reg + 2) << 16;
}

/* Set a field at power-up, and the bits of it a guest may write. */
void pci_fn_set(struct pci_fn *f, unsigned reg, unsigned size, uint32_t val, uint32_t wmask);

#endif
