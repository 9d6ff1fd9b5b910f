/*
 * Configuration cycles over mechanism #1. Why a host bridge and not an
 * empty bus: Linux trusts type 1 access only when bus 0 shows a host
 * bridge, a VGA device or an Intel or Compaq device, unless the firmware's
 * DMI tables date it 2001 or later (pci_sanity_check), and a domain has no
 * DMI tables. So 00:00.0 answers as QEMU's pc machine's 440FX does (IDs,
 * class and header type; no BARs, every other register 0), writes change
 * nothing. The functions a domain adds come with their BARs assigned and
 * memory decoding on, as firmware leaves them (a domain has no firmware);
 * the rest of the bus is empty.
 */
#include "dev/pci_cfg.h"
#include "lib/string.h"

#define HOST_BRIDGE_BUS    0u
#define HOST_BRIDGE_DEVFN  0u

void pci_cfg_init(struct pci_cfg *c)
{
	memset(c, 0, sizeof *c);
}

int pci_cfg_attach(struct pci_cfg *c, struct pci_fn *f)
{
	if (c->fn || f->devfn == HOST_BRIDGE_DEVFN)
		return -1;
	c->fn = f;
	return 0;
}

void pci_fn_set(struct pci_fn *f, unsigned reg, unsigned size, uint32_t val, uint32_t wmask)
{
	for (unsigned i = 0; i < size; i++) {
		f->cfg[reg + i] = (uint8_t)(val >> (8 * i));
		f->wmask[reg + i] = (uint8_t)(wmask >> (8 * i));
	}
}

static struct pci_fn *fn_at(const struct pci_cfg *c, unsigned bus, unsigned devfn)
{
	return bus == HOST_BRIDGE_BUS && c->fn && c->fn->devfn == devfn ? c->fn : 0;
}

static uint8_t host_bridge_byte(unsigned reg)
{
	switch (reg) {
	case PCI_VENDOR_ID:        return PCI_VENDOR_ID_INTEL & 0xff;
	case PCI_VENDOR_ID + 1:    return PCI_VENDOR_ID_INTEL >> 8;
	case PCI_DEVICE_ID:        return PCI_DEVICE_ID_INTEL_82441 & 0xff;
	case PCI_DEVICE_ID + 1:    return PCI_DEVICE_ID_INTEL_82441 >> 8;
	case PCI_REVISION_ID:      return PCI_REVISION_82441;
	case PCI_CLASS_DEVICE:     return PCI_CLASS_BRIDGE_HOST & 0xff;
	case PCI_CLASS_DEVICE + 1: return PCI_CLASS_BRIDGE_HOST >> 8;
	case PCI_HEADER_TYPE:      return PCI_HEADER_TYPE_NORMAL;
	default:                   return 0;
	}
}

uint8_t pci_cfg_byte(const struct pci_cfg *c, unsigned bus, unsigned devfn, unsigned reg)
{
	if (reg >= PCI_CONFIG_SPACE_SIZE)
		return 0xff;
	if (bus == HOST_BRIDGE_BUS && devfn == HOST_BRIDGE_DEVFN)
		return host_bridge_byte(reg);
	const struct pci_fn *f = fn_at(c, bus, devfn);
	return f ? f->cfg[reg] : 0xff;
}

/* Only a dword access is CONFIG_ADDRESS; narrower ones go to the ISA bus, where nothing answers. */
static uint64_t address_read(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	const struct pci_cfg *c = dev;
	(void)vcpu, (void)off;
	return size == 4 ? c->address & PCI_CFG_WRITABLE : bus_open(size);
}

static enum bus_result address_write(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	struct pci_cfg *c = dev;
	(void)vcpu, (void)off;
	if (size == 4)
		c->address = (uint32_t)val & (PCI_CFG_WRITABLE | PCI_CFG_LOW_BITS);
	return BUS_OK;
}

/*
 * The first register a data-port access at port offset off reaches. Bits
 * 1:0 of CONFIG_ADDRESS read 0, as the PCI specification has them, but
 * select a byte as QEMU's host bridges let them: kvm-unit-tests' PCI
 * library reads a word at offset 2 as CONFIG_ADDRESS | 2 and port 0xcfc.
 * Operating systems write dword-aligned addresses, where the two agree.
 */
static unsigned data_reg(const struct pci_cfg *c, uint64_t off)
{
	return (c->address & PCI_CFG_REG_MASK) | ((c->address | (unsigned)off) & PCI_CFG_LOW_BITS);
}

/* With CFGE clear the data ports are plain I/O ports that nothing claims. */
static uint64_t data_read(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	const struct pci_cfg *c = dev;
	(void)vcpu;
	if (!(c->address & PCI_CFG_ENABLE))
		return bus_open(size);
	unsigned bus = (c->address >> PCI_CFG_BUS_SHIFT) & 0xff, devfn = (c->address >> PCI_CFG_DEVFN_SHIFT) & 0xff;
	unsigned reg = data_reg(c, off);
	uint64_t v = 0;
	for (unsigned i = 0; i < size; i++) {
		/* A word or dword running past 0xcff takes the ports beyond, which float. */
		uint8_t byte = off + i < PCI_CONFIG_DATA_PORTS ? pci_cfg_byte(c, bus, devfn, reg + i) : 0xff;
		v |= (uint64_t)byte << (8 * i);
	}
	return v;
}

/* Only a function's writable bits change; the host bridge and empty slots take nothing. */
static enum bus_result data_write(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	const struct pci_cfg *c = dev;
	(void)vcpu;
	struct pci_fn *f = fn_at(c, (c->address >> PCI_CFG_BUS_SHIFT) & 0xff, (c->address >> PCI_CFG_DEVFN_SHIFT) & 0xff);
	if (!(c->address & PCI_CFG_ENABLE) || !f)
		return BUS_OK;
	unsigned reg = data_reg(c, off);
	for (unsigned i = 0; i < size && off + i < PCI_CONFIG_DATA_PORTS && reg + i < PCI_CONFIG_SPACE_SIZE; i++) {
		uint8_t m = f->wmask[reg + i], b = (uint8_t)(val >> (8 * i));
		f->cfg[reg + i] = (uint8_t)((f->cfg[reg + i] & ~m) | (b & m));
	}
	if (f->written)
		f->written(f->dev);
	return BUS_OK;
}

/* BAR 0's size, from the address bits a write can change: 0 for a function without one. */
static uint32_t bar0_size(const struct pci_fn *f)
{
	uint32_t writable = 0;
	for (unsigned i = 0; i < 4; i++)
		writable |= (uint32_t)f->wmask[PCI_BASE_ADDRESS_0 + i] << (8 * i);
	writable &= PCI_BASE_ADDRESS_MEM_MASK;
	return writable ? ~writable + 1 : 0;
}

/* The function, when its enabled BAR 0 holds addr, and addr's offset in it. */
static struct pci_fn *bar_at(const struct pci_cfg *c, uint64_t addr, uint64_t *off)
{
	struct pci_fn *f = c->fn;
	if (!f || !f->bar0 || !(pci_fn_word(f, PCI_COMMAND) & PCI_COMMAND_MEMORY))
		return 0;
	uint64_t base = pci_fn_dword(f, PCI_BASE_ADDRESS_0) & PCI_BASE_ADDRESS_MEM_MASK;
	*off = addr - base;
	return *off < bar0_size(f) ? f : 0;
}

static uint64_t window_read(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	uint64_t in;
	const struct pci_fn *f = bar_at(dev, PCI_CFG_WINDOW_BASE + off, &in);
	return f ? f->bar0->read(f->dev, vcpu, in, size) : bus_open(size);
}

static enum bus_result window_write(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	uint64_t in;
	const struct pci_fn *f = bar_at(dev, PCI_CFG_WINDOW_BASE + off, &in);
	return f ? f->bar0->write(f->dev, vcpu, in, size, val) : BUS_OK;
}

static const struct bus_device address_device = { "PCI CONFIG_ADDRESS", address_read, address_write, 0 };
static const struct bus_device data_device = { "PCI CONFIG_DATA", data_read, data_write, 0 };
static const struct bus_device window_device = { "PCI memory window", window_read, window_write, 0 };

int pci_cfg_add_to_bus(struct bus *b, struct pci_cfg *c, struct spinlock *lock)
{
	return bus_add(&b->port, PCI_CONFIG_ADDRESS, 1, &address_device, c, lock) ||
	       bus_add(&b->port, PCI_CONFIG_DATA, PCI_CONFIG_DATA_PORTS, &data_device, c, lock) ? -1 : 0;
}

int pci_cfg_add_window(struct bus *b, struct pci_cfg *c, struct spinlock *lock)
{
	return bus_add(&b->mmio, PCI_CFG_WINDOW_BASE, PCI_CFG_WINDOW_SIZE, &window_device, c, lock);
}
