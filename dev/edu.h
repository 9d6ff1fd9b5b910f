/*
 * QEMU's educational PCI device, edu (include/hw/edu.h), for domains whose
 * config asks for it (`edu = 1`, docs/config.md): kvm-unit-tests'
 * intel_iommu test moves data with its DMA engine through the domain's
 * IOMMU and takes its interrupts by INTx and by MSI. A PCI function with
 * one memory BAR and an MSI capability; its DMA and MSIs go out through
 * struct pci_upstream, its INTx through struct irq_line. The DMA runs at
 * once, when the command is written: RUN reads clear by the next access.
 * Pure code; unit-tested on the host.
 */
#ifndef DEV_EDU_H
#define DEV_EDU_H

#include <stdint.h>
#include "dev/bus.h"
#include "dev/irq_line.h"
#include "dev/pci_cfg.h"
#include "dev/pci_upstream.h"
#include "hw/edu.h"

struct edu {
	struct pci_fn fn;
	struct pci_upstream up;
	struct irq_line intx;
	uint32_t liveness, factorial, status, irq_status;
	uint64_t dma_src, dma_dst, dma_count, dma_cmd;
	uint8_t buf[EDU_DMA_BUF_SIZE];
};

/* The power-up state at bus 0 devfn, BAR 0 at bar0 with memory decoding on; INTA# is intx. */
void edu_init(struct edu *e, uint8_t devfn, uint32_t bar0, struct pci_upstream up, struct irq_line intx);

#endif
