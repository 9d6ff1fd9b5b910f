/*
 * The edu device's registers, as QEMU's edu.rst describes them and QEMU's
 * model answers: below EDU_WIDE_REGS only 32-bit accesses, above them 32-
 * and 64-bit ones; anything else reads all ones and writes nothing. The
 * factorial is computed at once, modulo 2^32, as the device's 32-bit
 * register holds it. A DMA whose device side leaves the buffer, or whose
 * memory side the IOMMU refuses, ends without its interrupt: QEMU's model
 * stops the whole machine there, a device can only fail its transfer.
 * Interrupts follow the PCI rules: MSI when enabled, else INTx unless
 * disabled in COMMAND; both need bus mastering for MSI, none for INTx.
 */
#include "dev/edu.h"
#include "lib/string.h"

#define FACTORIAL_ZERO_FROM 34u   /* 34! has 32 factors of two: n! mod 2^32 is 0 from there on */

static uint16_t command(const struct edu *e)
{
	return pci_fn_word(&e->fn, PCI_COMMAND);
}

static uint16_t msi_flags(const struct edu *e)
{
	return pci_fn_word(&e->fn, EDU_MSI_CAP + PCI_MSI_FLAGS);
}

/* INTx# is a level: asserted while an interrupt is pending and neither MSI nor INTX_DISABLE keeps it down. */
static void update_intx(struct edu *e)
{
	bool level = e->irq_status && !(msi_flags(e) & PCI_MSI_FLAGS_ENABLE) &&
	             !(command(e) & PCI_COMMAND_INTX_DISABLE);
	uint16_t status = pci_fn_word(&e->fn, PCI_STATUS);
	status = level ? status | PCI_STATUS_INTERRUPT : status & ~PCI_STATUS_INTERRUPT;
	pci_fn_set(&e->fn, PCI_STATUS, 2, status, 0);
	dev_irq_set(&e->intx, level);
}

static void raise_irq(struct edu *e, uint32_t bits)
{
	e->irq_status |= bits;
	if (!e->irq_status)
		return;
	if (msi_flags(e) & PCI_MSI_FLAGS_ENABLE) {
		if (command(e) & PCI_COMMAND_MASTER) {
			uint64_t addr = pci_fn_dword(&e->fn, EDU_MSI_CAP + PCI_MSI_ADDRESS_LO) |
			                (uint64_t)pci_fn_dword(&e->fn, EDU_MSI_CAP + PCI_MSI_ADDRESS_HI) << 32;
			pci_msi(&e->up, addr, pci_fn_word(&e->fn, EDU_MSI_CAP + PCI_MSI_DATA_64));
		}
		return;
	}
	update_intx(e);
}

static void ack_irq(struct edu *e, uint32_t bits)
{
	e->irq_status &= ~bits;
	update_intx(e);
}

/* [addr, addr + len) inside the DMA buffer: its offset there, or -1. */
static int64_t buf_offset(uint64_t addr, uint64_t len)
{
	if (addr < EDU_DMA_BUF || len > EDU_DMA_BUF_SIZE || addr - EDU_DMA_BUF > EDU_DMA_BUF_SIZE - len)
		return -1;
	return (int64_t)(addr - EDU_DMA_BUF);
}

static void run_dma(struct edu *e)
{
	bool to_ram = (e->dma_cmd & EDU_DMA_TO_RAM) != 0;
	int64_t at = buf_offset(to_ram ? e->dma_src : e->dma_dst, e->dma_count);
	uint64_t mem = (to_ram ? e->dma_dst : e->dma_src) & EDU_DMA_MASK;
	bool done = at >= 0 && (command(e) & PCI_COMMAND_MASTER) &&
	            pci_dma(&e->up, mem, e->buf + at, (uint32_t)e->dma_count, to_ram);
	e->dma_cmd &= ~(uint64_t)EDU_DMA_RUN;
	if (done && (e->dma_cmd & EDU_DMA_IRQ))
		raise_irq(e, EDU_IRQ_DMA);
}

static uint32_t factorial(uint32_t n)
{
	uint32_t f = 1;
	if (n >= FACTORIAL_ZERO_FROM)
		return 0;
	for (uint32_t i = 2; i <= n; i++)
		f *= i;
	return f;
}

static bool access_ok(uint64_t off, unsigned size)
{
	return size == 4 || (size == 8 && off >= EDU_WIDE_REGS);
}

static uint64_t edu_read(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	const struct edu *e = dev;
	(void)vcpu;
	if (!access_ok(off, size))
		return bus_open(size);
	switch (off) {
	case EDU_ID:          return EDU_ID_VALUE;
	case EDU_LIVENESS:    return e->liveness;
	case EDU_FACTORIAL:   return e->factorial;
	case EDU_STATUS:      return e->status;
	case EDU_INTR_STATUS: return e->irq_status;
	case EDU_DMA_SRC:     return e->dma_src;
	case EDU_DMA_DST:     return e->dma_dst;
	case EDU_DMA_COUNT:   return e->dma_count;
	case EDU_DMA_CMD:     return e->dma_cmd;
	default:              return bus_open(size);
	}
}

static enum bus_result edu_write(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	struct edu *e = dev;
	(void)vcpu;
	if (!access_ok(off, size))
		return BUS_OK;
	switch (off) {
	case EDU_LIVENESS:
		e->liveness = ~(uint32_t)val;
		break;
	case EDU_FACTORIAL:
		e->factorial = factorial((uint32_t)val);
		if (e->status & EDU_STATUS_IRQFACT)
			raise_irq(e, EDU_IRQ_FACT);
		break;
	case EDU_STATUS:
		e->status = (uint32_t)val & EDU_STATUS_IRQFACT;
		break;
	case EDU_INTR_RAISE:
		raise_irq(e, (uint32_t)val);
		break;
	case EDU_INTR_ACK:
		ack_irq(e, (uint32_t)val);
		break;
	case EDU_DMA_SRC:
		e->dma_src = val;
		break;
	case EDU_DMA_DST:
		e->dma_dst = val;
		break;
	case EDU_DMA_COUNT:
		e->dma_count = val;
		break;
	case EDU_DMA_CMD:
		if (val & EDU_DMA_RUN) {
			e->dma_cmd = val;
			run_dma(e);
		}
		break;
	default:
		break;
	}
	return BUS_OK;
}

static const struct bus_device edu_registers = { "edu", edu_read, edu_write, 0 };

/* MSI enabled or INTx disabled may change the line. */
static void config_written(void *dev)
{
	update_intx(dev);
}

void edu_init(struct edu *e, uint8_t devfn, uint32_t bar0, struct pci_upstream up, struct irq_line intx)
{
	memset(e, 0, sizeof *e);
	e->up = up;
	e->intx = intx;
	struct pci_fn *f = &e->fn;
	f->devfn = devfn;
	f->bar0 = &edu_registers;
	f->dev = e;
	f->written = config_written;
	pci_fn_set(f, PCI_VENDOR_ID, 2, PCI_VENDOR_ID_QEMU, 0);
	pci_fn_set(f, PCI_DEVICE_ID, 2, PCI_DEVICE_ID_EDU, 0);
	pci_fn_set(f, PCI_COMMAND, 2, PCI_COMMAND_MEMORY,
	           PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE);
	pci_fn_set(f, PCI_STATUS, 2, PCI_STATUS_CAP_LIST, 0);
	pci_fn_set(f, PCI_REVISION_ID, 1, EDU_REVISION, 0);
	pci_fn_set(f, PCI_CLASS_DEVICE, 2, PCI_CLASS_OTHERS, 0);
	pci_fn_set(f, PCI_HEADER_TYPE, 1, PCI_HEADER_TYPE_NORMAL, 0);
	pci_fn_set(f, PCI_BASE_ADDRESS_0, 4, bar0, ~(EDU_BAR_SIZE - 1));
	pci_fn_set(f, PCI_SUBSYSTEM_VENDOR_ID, 2, PCI_VENDOR_ID_QEMU, 0);
	pci_fn_set(f, PCI_SUBSYSTEM_ID, 2, PCI_DEVICE_ID_EDU, 0);
	pci_fn_set(f, PCI_CAPABILITY_LIST, 1, EDU_MSI_CAP, 0);
	pci_fn_set(f, PCI_INTERRUPT_LINE, 1, intx.irq, 0xff);
	pci_fn_set(f, PCI_INTERRUPT_PIN, 1, PCI_INTERRUPT_PIN_INTA, 0);
	pci_fn_set(f, EDU_MSI_CAP, 2, PCI_CAP_ID_MSI, 0);   /* the last capability: next is 0 */
	pci_fn_set(f, EDU_MSI_CAP + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_64BIT, PCI_MSI_FLAGS_ENABLE);
	pci_fn_set(f, EDU_MSI_CAP + PCI_MSI_ADDRESS_LO, 4, 0, 0xfffffffcu);
	pci_fn_set(f, EDU_MSI_CAP + PCI_MSI_ADDRESS_HI, 4, 0, 0xffffffffu);
	pci_fn_set(f, EDU_MSI_CAP + PCI_MSI_DATA_64, 2, 0, 0xffff);
}
