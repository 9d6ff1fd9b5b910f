/*
 * Only byte accesses reach the register, as on a PCH: the device is not
 * byte-wide on the bus, so a 16- or 32-bit access to PCI CONFIG_ADDRESS at
 * 0xCF8 is never split into a byte for 0xCF9 (a configuration address with
 * bit 10 set would otherwise reset the domain). Wider accesses that start
 * at 0xCF9 read all ones and are dropped.
 */
#include "dev/reset_control.h"
#include "hw/reset_control.h"

#define RST_CNT_KEPT (RST_CNT_SYS_RST | RST_CNT_FULL_RST)

static uint64_t reset_control_read(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	const struct reset_control *r = dev;
	(void)vcpu, (void)off;
	return size == 1 ? r->rst_cnt : bus_open(size);
}

static enum bus_result reset_control_write(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	struct reset_control *r = dev;
	(void)vcpu, (void)off;
	if (size != 1)
		return BUS_OK;
	r->rst_cnt = (uint8_t)(val & RST_CNT_KEPT);
	if (!(val & RST_CNT_RST_CPU))
		return BUS_OK;
	r->reset(r->ctx);
	return BUS_DOMAIN_ENDED;
}

const struct bus_device reset_control_bus_device = { "reset control", reset_control_read, reset_control_write, 0 };
