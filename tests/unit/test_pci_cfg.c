/*
 * Host tests for PCI configuration mechanism #1: CONFIG_ADDRESS read back
 * with its reserved bits clear (Linux's type 1 probe), byte and word
 * accesses at 0xcf8-0xcfb not reaching it, CONFIG_DATA with CFGE clear, the
 * host bridge at 00:00.0 (IDs, class, header type, no BARs, unwritable) at
 * every width and offset, every other bus, device and function reading all
 * ones, and the ports the device claims (0xcf9 left free for reset control).
 */
#include "dev/pci_cfg.h"
#include "check.h"

static struct pci_cfg c;
static struct bus bus;
static struct spinlock lock = SPINLOCK_INIT;

static void setup(void)
{
	c.address = 0x12345678;
	pci_cfg_init(&c);
	bus_init(&bus);
	CHECK_EQ(pci_cfg_add_to_bus(&bus, &c, &lock), 0);
}

static uint32_t cfg_read(unsigned busno, unsigned devfn, unsigned reg, unsigned size)
{
	bus_port_out(&bus, 0, PCI_CONFIG_ADDRESS, 4, PCI_CFG_ENABLE | busno << 16 | devfn << 8 | (reg & 0xfc));
	return bus_port_in(&bus, 0, (uint16_t)(PCI_CONFIG_DATA + (reg & 3)), size);
}

static void test_address_register(void)
{
	setup();
	CHECK_EQ(bus_port_in(&bus, 0, PCI_CONFIG_ADDRESS, 4), 0);
	/* Linux's pci_check_type1: a byte to 0xcfb, then 0x80000000 must read back. */
	CHECK_EQ(bus_port_out(&bus, 0, 0xcfb, 1, 0x01), BUS_OK);
	CHECK_EQ(bus_port_out(&bus, 0, PCI_CONFIG_ADDRESS, 4, 0x80000000u), BUS_OK);
	CHECK_EQ(bus_port_in(&bus, 0, PCI_CONFIG_ADDRESS, 4), 0x80000000u);
	/* Reserved bits 30:24 and 1:0 read 0. */
	bus_port_out(&bus, 0, PCI_CONFIG_ADDRESS, 4, 0xffffffffu);
	CHECK_EQ(bus_port_in(&bus, 0, PCI_CONFIG_ADDRESS, 4), PCI_CFG_WRITABLE);
	/* Byte and word accesses are not CONFIG_ADDRESS: they float and change nothing. */
	CHECK_EQ(bus_port_out(&bus, 0, PCI_CONFIG_ADDRESS, 1, 0), BUS_OK);
	CHECK_EQ(bus_port_out(&bus, 0, PCI_CONFIG_ADDRESS, 2, 0), BUS_OK);
	CHECK_EQ(bus_port_in(&bus, 0, PCI_CONFIG_ADDRESS, 1), 0xff);
	CHECK_EQ(bus_port_in(&bus, 0, PCI_CONFIG_ADDRESS, 2), 0xffff);
	CHECK_EQ(bus_port_in(&bus, 0, PCI_CONFIG_ADDRESS, 4), PCI_CFG_WRITABLE);
	/* 0xcf9 (reset control) and 0xcfa-0xcfb belong to no part of this device. */
	CHECK(bus_find(&bus.port, 0xcf9) == 0);
	CHECK(bus_find(&bus.port, 0xcfb) == 0);
	CHECK(bus_find(&bus.port, 0xcfc) != 0);
	CHECK(bus_find(&bus.port, 0xcff) != 0);
	CHECK(bus_find(&bus.port, 0xd00) == 0);
}

static void test_host_bridge(void)
{
	setup();
	CHECK_EQ(cfg_read(0, 0, PCI_VENDOR_ID, 4), PCI_DEVICE_ID_INTEL_82441 << 16 | PCI_VENDOR_ID_INTEL);
	CHECK_EQ(cfg_read(0, 0, PCI_VENDOR_ID, 2), PCI_VENDOR_ID_INTEL);
	CHECK_EQ(cfg_read(0, 0, PCI_DEVICE_ID, 2), PCI_DEVICE_ID_INTEL_82441);
	CHECK_EQ(cfg_read(0, 0, PCI_DEVICE_ID + 1, 1), PCI_DEVICE_ID_INTEL_82441 >> 8);
	CHECK_EQ(cfg_read(0, 0, PCI_CLASS_DEVICE, 2), PCI_CLASS_BRIDGE_HOST);
	CHECK_EQ(cfg_read(0, 0, PCI_REVISION_ID, 4), PCI_CLASS_BRIDGE_HOST << 16 | PCI_REVISION_82441);
	CHECK_EQ(cfg_read(0, 0, PCI_HEADER_TYPE, 1), PCI_HEADER_TYPE_NORMAL);
	/* No BARs: the sizing write of all ones reads back 0. */
	bus_port_out(&bus, 0, PCI_CONFIG_ADDRESS, 4, PCI_CFG_ENABLE | 0x10);
	bus_port_out(&bus, 0, PCI_CONFIG_DATA, 4, 0xffffffffu);
	CHECK_EQ(bus_port_in(&bus, 0, PCI_CONFIG_DATA, 4), 0);
	/* Writes change nothing, the IDs included. */
	bus_port_out(&bus, 0, PCI_CONFIG_ADDRESS, 4, PCI_CFG_ENABLE);
	bus_port_out(&bus, 0, PCI_CONFIG_DATA, 4, 0);
	CHECK_EQ(cfg_read(0, 0, PCI_VENDOR_ID, 2), PCI_VENDOR_ID_INTEL);
	CHECK_EQ(cfg_read(0, 0, 0xfc, 4), 0);
	/* A dword at 0xcfe runs past CONFIG_DATA: its upper half floats. */
	CHECK_EQ(cfg_read(0, 0, PCI_DEVICE_ID, 4), 0xffff0000u | PCI_DEVICE_ID_INTEL_82441);
	/* Bits 1:0 of CONFIG_ADDRESS read 0 but select the byte, as in QEMU (kvm-unit-tests' pci_config_readw). */
	bus_port_out(&bus, 0, PCI_CONFIG_ADDRESS, 4, PCI_CFG_ENABLE | PCI_DEVICE_ID);
	CHECK_EQ(bus_port_in(&bus, 0, PCI_CONFIG_ADDRESS, 4), PCI_CFG_ENABLE);
	CHECK_EQ(bus_port_in(&bus, 0, PCI_CONFIG_DATA, 2), PCI_DEVICE_ID_INTEL_82441);
	CHECK_EQ(bus_port_in(&bus, 0, PCI_CONFIG_DATA + 1, 1), PCI_DEVICE_ID_INTEL_82441 >> 8);
	/* Register 0xff: the bytes past the configuration space float. */
	bus_port_out(&bus, 0, PCI_CONFIG_ADDRESS, 4, PCI_CFG_ENABLE | 0xff);
	CHECK_EQ(bus_port_in(&bus, 0, PCI_CONFIG_DATA, 4), 0xffffff00u);
}

static void test_empty_slots(void)
{
	setup();
	for (unsigned devfn = 1; devfn < 256; devfn++)
		CHECK_EQ(cfg_read(0, devfn, PCI_VENDOR_ID, 4), 0xffffffffu);
	for (unsigned b = 1; b < 256; b += 17)
		CHECK_EQ(cfg_read(b, 0, PCI_VENDOR_ID, 2), 0xffff);
	CHECK_EQ(pci_cfg_byte(&c, 0, 0, PCI_CONFIG_SPACE_SIZE), 0xff);
	/* With CFGE clear the data port is an ordinary empty port, even for 00:00.0. */
	bus_port_out(&bus, 0, PCI_CONFIG_ADDRESS, 4, 0);
	CHECK_EQ(bus_port_in(&bus, 0, PCI_CONFIG_DATA, 4), 0xffffffffu);
	CHECK_EQ(bus_port_in(&bus, 0, PCI_CONFIG_DATA + 2, 1), 0xff);
}

int main(void)
{
	RUN(test_address_register);
	RUN(test_host_bridge);
	RUN(test_empty_slots);
	return CHECK_EXIT();
}
