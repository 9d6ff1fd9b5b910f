/*
 * What a PCI function reaches upstream of itself, as its requester ID
 * (bus, device, function) sees it: memory for its DMA, and the local
 * APICs for its MSIs, which are memory writes to the interrupt range. The
 * platform decides where both go, through an IOMMU when the domain has
 * one (dev/platform_pci.c); a function holds this by value, as a device
 * holds its irq_line, and never learns what is behind it.
 */
#ifndef DEV_PCI_UPSTREAM_H
#define DEV_PCI_UPSTREAM_H

#include <stdbool.h>
#include <stdint.h>

struct pci_upstream {
	/*
	 * Move len bytes between buf and the function's bus address addr
	 * (write: to memory). False when any part of it failed: the IOMMU
	 * refused it or no memory answers there; what was before that point
	 * moved.
	 */
	bool (*dma)(void *ctx, uint16_t rid, uint64_t addr, void *buf, uint32_t len, bool write);
	void (*msi)(void *ctx, uint16_t rid, uint64_t addr, uint32_t data);   /* a message write */
	void *ctx;
	uint16_t rid;   /* requester ID: bus << 8 | devfn */
};

static inline bool pci_dma(const struct pci_upstream *u, uint64_t addr, void *buf, uint32_t len, bool write)
{
	return u->dma && u->dma(u->ctx, u->rid, addr, buf, len, write);
}

static inline void pci_msi(const struct pci_upstream *u, uint64_t addr, uint32_t data)
{
	if (u->msi)
		u->msi(u->ctx, u->rid, addr, data);
}

#endif
