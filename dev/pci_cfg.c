/*
 * Configuration cycles over mechanism #1. Why a host bridge and not an
 * empty bus: Linux trusts type 1 access only when bus 0 shows a host
 * bridge, a VGA device or an Intel or Compaq device, unless the firmware's
 * DMI tables date it 2001 or later (pci_sanity_check), and a domain has no
 * DMI tables. So 00:00.0 answers as QEMU's pc machine's 440FX does (IDs,
 * class and header type; no BARs, every other register 0), writes change
 * nothing, and the rest of the bus is empty.
 */
#include "dev/pci_cfg.h"

#define HOST_BRIDGE_BUS    0u
#define HOST_BRIDGE_DEVFN  0u

void pci_cfg_init(struct pci_cfg *c)
{
	c->address = 0;
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

uint8_t pci_cfg_byte(unsigned bus, unsigned devfn, unsigned reg)
{
	if (bus == HOST_BRIDGE_BUS && devfn == HOST_BRIDGE_DEVFN && reg < PCI_CONFIG_SPACE_SIZE)
		return host_bridge_byte(reg);
	return 0xff;
}

/* Only a dword access is CONFIG_ADDRESS; narrower ones go to the ISA bus, where nothing answers. */
static uint64_t address_read(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	const struct pci_cfg *c = dev;
	(void)vcpu, (void)off;
	return size == 4 ? c->address : bus_open(size);
}

static enum bus_result address_write(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	struct pci_cfg *c = dev;
	(void)vcpu, (void)off;
	if (size == 4)
		c->address = (uint32_t)val & PCI_CFG_WRITABLE;
	return BUS_OK;
}

/* With CFGE clear the data ports are plain I/O ports that nothing claims. */
static uint64_t data_read(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	const struct pci_cfg *c = dev;
	(void)vcpu;
	if (!(c->address & PCI_CFG_ENABLE))
		return bus_open(size);
	unsigned bus = (c->address >> PCI_CFG_BUS_SHIFT) & 0xff, devfn = (c->address >> PCI_CFG_DEVFN_SHIFT) & 0xff;
	unsigned reg = (c->address & PCI_CFG_REG_MASK) + (unsigned)off;
	uint64_t v = 0;
	for (unsigned i = 0; i < size; i++) {
		/* A word or dword running past 0xcff takes the ports beyond, which float. */
		uint8_t byte = off + i < PCI_CONFIG_DATA_PORTS ? pci_cfg_byte(bus, devfn, reg + i) : 0xff;
		v |= (uint64_t)byte << (8 * i);
	}
	return v;
}

static const struct bus_device address_device = { "PCI CONFIG_ADDRESS", address_read, address_write, 0 };
static const struct bus_device data_device = { "PCI CONFIG_DATA", data_read, bus_write_drop, 0 };

int pci_cfg_add_to_bus(struct bus *b, struct pci_cfg *c, struct spinlock *lock)
{
	return bus_add(&b->port, PCI_CONFIG_ADDRESS, 1, &address_device, c, lock) ||
	       bus_add(&b->port, PCI_CONFIG_DATA, PCI_CONFIG_DATA_PORTS, &data_device, c, lock) ? -1 : 0;
}
