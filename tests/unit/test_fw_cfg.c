/*
 * Host tests for the emulated fw_cfg: each item's bytes as QEMU's
 * traditional interface returns them (signature, ID without DMA, RAM size
 * and CPU counts little-endian), selecting rewinding the offset, zeros past
 * an item's end and for unknown and arch-local keys, the signature selected
 * at reset, the write-channel bit ignored for reads, and the
 * port widths: only 16-bit selector writes and byte data reads count.
 */
#include <string.h>

#include "dev/fw_cfg.h"
#include "hw/fw_cfg.h"
#include "check.h"

static struct fw_cfg f;
static struct bus bus;

/* The device as a guest sees it: on a bus at its ports. */
static uint32_t port_in(uint16_t port, unsigned size)
{
	return bus_port_in(&bus, 0, port, size);
}

static void port_out(uint16_t port, unsigned size, uint32_t val)
{
	CHECK_EQ(bus_port_out(&bus, 0, port, size, val), BUS_OK);
}

static uint64_t read_le(uint16_t key, unsigned n)
{
	uint64_t v = 0;
	port_out(FW_CFG_PORT_SEL, 2, key);
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)port_in(FW_CFG_PORT_DATA, 1) << (8 * i);
	return v;
}

static void setup(uint64_t ram, uint16_t cpus)
{
	memset(&f, 0xa5, sizeof f);
	bus_init(&bus);
	fw_cfg_init(&f, ram, cpus);
	CHECK_EQ(bus_add(&bus.port, FW_CFG_PORT_SEL, FW_CFG_PORTS, &fw_cfg_bus_device, &f, 0), 0);
}

static void test_signature(void)
{
	char sig[5] = { 0 };
	setup(32ULL << 20, 1);
	fw_cfg_select(&f, FW_CFG_SIGNATURE);
	for (int i = 0; i < 4; i++)
		sig[i] = (char)fw_cfg_read(&f);
	CHECK(strcmp(sig, "QEMU") == 0);
	CHECK_EQ(fw_cfg_read(&f), 0);      /* past the end */
	CHECK_EQ(fw_cfg_read(&f), 0);
}

static void test_id_traditional_only(void)
{
	setup(32ULL << 20, 1);
	uint64_t id = read_le(FW_CFG_ID, 4);
	CHECK_EQ(id, FW_CFG_VERSION);
	CHECK(!(id & FW_CFG_VERSION_DMA));
}

static void test_ram_and_cpus(void)
{
	setup(0x123456789aULL, 3);
	CHECK_EQ(read_le(FW_CFG_RAM_SIZE, 8), 0x123456789aULL);
	CHECK_EQ(read_le(FW_CFG_NB_CPUS, 2), 3);
	CHECK_EQ(read_le(FW_CFG_MAX_CPUS, 2), 3);
	/* Reading a u16 item as a u32 gives zeros in the high bytes. */
	CHECK_EQ(read_le(FW_CFG_NB_CPUS, 4), 3);

	setup(512ULL << 20, 8);
	CHECK_EQ(read_le(FW_CFG_RAM_SIZE, 8), 512ULL << 20);
	CHECK_EQ(read_le(FW_CFG_NB_CPUS, 2), 8);
}

static void test_select_rewinds(void)
{
	setup(32ULL << 20, 2);
	fw_cfg_select(&f, FW_CFG_SIGNATURE);
	CHECK_EQ(fw_cfg_read(&f), 'Q');
	CHECK_EQ(fw_cfg_read(&f), 'E');
	fw_cfg_select(&f, FW_CFG_SIGNATURE);
	CHECK_EQ(fw_cfg_read(&f), 'Q');
	/* Another item, then back: each starts at byte 0. */
	fw_cfg_select(&f, FW_CFG_NB_CPUS);
	CHECK_EQ(fw_cfg_read(&f), 2);
	fw_cfg_select(&f, FW_CFG_SIGNATURE);
	CHECK_EQ(fw_cfg_read(&f), 'Q');
}

static void test_unknown_keys_read_zero(void)
{
	setup(32ULL << 20, 2);
	static const uint16_t keys[] = {
		FW_CFG_UUID, FW_CFG_NOGRAPHIC, FW_CFG_FILE_DIR, 0x3fff, 0xffff,
		FW_CFG_ARCH_LOCAL | FW_CFG_NB_CPUS, FW_CFG_ARCH_LOCAL | FW_CFG_SIGNATURE,
	};
	for (unsigned k = 0; k < sizeof keys / sizeof keys[0]; k++)
		CHECK_EQ(read_le(keys[k], 8), 0);
}

static void test_reset_and_write_channel(void)
{
	/* After reset the signature is selected, as in QEMU. */
	setup(32ULL << 20, 2);
	CHECK_EQ(fw_cfg_read(&f), 'Q');
	CHECK_EQ(fw_cfg_read(&f), 'E');
	/* The write-channel bit selects the same item for reading. */
	CHECK_EQ(read_le(FW_CFG_WRITE_CHANNEL | FW_CFG_NB_CPUS, 2), 2);
	CHECK_EQ(read_le(FW_CFG_WRITE_CHANNEL | FW_CFG_SIGNATURE, 1), 'Q');
}

static void test_port_widths(void)
{
	setup(32ULL << 20, 4);
	/* Byte writes do not select (QEMU takes them as data writes, which it drops). */
	port_out(FW_CFG_PORT_SEL, 2, FW_CFG_NB_CPUS);
	port_out(FW_CFG_PORT_SEL, 1, FW_CFG_SIGNATURE);
	port_out(FW_CFG_PORT_DATA, 1, 0x55);
	port_out(FW_CFG_PORT_SEL, 4, FW_CFG_SIGNATURE);
	port_out(FW_CFG_PORT_DATA, 2, FW_CFG_SIGNATURE);
	CHECK_EQ(port_in(FW_CFG_PORT_DATA, 1), 4);
	/* A byte read at the selector port reads data too (one region in QEMU). */
	port_out(FW_CFG_PORT_SEL, 2, FW_CFG_SIGNATURE);
	CHECK_EQ(port_in(FW_CFG_PORT_SEL, 1), 'Q');
	CHECK_EQ(port_in(FW_CFG_PORT_DATA, 1), 'E');
	/* Wider reads float high and do not advance. */
	CHECK_EQ(port_in(FW_CFG_PORT_DATA, 2), 0xffff);
	CHECK_EQ(port_in(FW_CFG_PORT_SEL, 4), 0xffffffffu);
	CHECK_EQ(port_in(FW_CFG_PORT_DATA, 1), 'M');
	/* Ports outside the pair are not the device's. */
	CHECK_EQ(port_in(FW_CFG_PORT_SEL + 2, 1), 0xff);
}

int main(void)
{
	RUN(test_signature);
	RUN(test_id_traditional_only);
	RUN(test_ram_and_cpus);
	RUN(test_select_rewinds);
	RUN(test_unknown_keys_read_zero);
	RUN(test_reset_and_write_channel);
	RUN(test_port_widths);
	return CHECK_EXIT();
}
