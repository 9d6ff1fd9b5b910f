/*
 * fw_cfg's traditional interface as QEMU's PC machine lays it out: one
 * two-port region at 0x510 where a 16-bit write selects an item and a byte
 * read (at either port) returns the next byte of it. QEMU refuses other
 * widths there; Hinoki treats such reads as the empty bus (all ones) and
 * ignores such writes, as it does any unclaimed port. Byte writes are the
 * long-deprecated data-write path and are dropped, as in current QEMU.
 */
#include "dev/fw_cfg.h"
#include "hw/fw_cfg.h"
#include "lib/string.h"

static void put_le(struct fw_cfg_item *it, uint16_t key, uint64_t v, unsigned len)
{
	it->key = key;
	it->len = (uint8_t)len;
	for (unsigned i = 0; i < len; i++)
		it->data[i] = (uint8_t)(v >> (8 * i));
}

void fw_cfg_init(struct fw_cfg *f, uint64_t ram_bytes, uint16_t ncpus)
{
	memset(f, 0, sizeof *f);
	f->items[0].key = FW_CFG_SIGNATURE;
	f->items[0].len = FW_CFG_SIGNATURE_LEN;
	memcpy(f->items[0].data, FW_CFG_SIGNATURE_STR, FW_CFG_SIGNATURE_LEN);
	/* Traditional interface only: a guest that saw the DMA bit would use port 0x514. */
	put_le(&f->items[1], FW_CFG_ID, FW_CFG_VERSION, sizeof(uint32_t));
	put_le(&f->items[2], FW_CFG_RAM_SIZE, ram_bytes, sizeof(uint64_t));
	put_le(&f->items[3], FW_CFG_NB_CPUS, ncpus, sizeof(uint16_t));
	/* No CPU hot-plug: the machine has exactly the CPUs present at boot. */
	put_le(&f->items[4], FW_CFG_MAX_CPUS, ncpus, sizeof(uint16_t));
	/* Reset leaves the signature selected, as QEMU's does. */
	fw_cfg_select(f, FW_CFG_SIGNATURE);
}

void fw_cfg_select(struct fw_cfg *f, uint16_t key)
{
	/*
	 * The write-channel bit does not change which item is read. Arch-local
	 * keys are a second table, which holds nothing here.
	 */
	key &= (uint16_t)~FW_CFG_WRITE_CHANNEL;
	f->offset = 0;
	f->cur = -1;
	for (int i = 0; i < FW_CFG_ITEMS; i++)
		if (f->items[i].key == key && f->items[i].len)
			f->cur = i;
}

uint8_t fw_cfg_read(struct fw_cfg *f)
{
	if (f->cur < 0)
		return 0;
	const struct fw_cfg_item *it = &f->items[f->cur];
	if (f->offset >= it->len)
		return 0;
	return it->data[f->offset++];
}

#define SEL_OFF 0   /* the selector; the data port follows */

/* A byte read at either port is the data register, as in QEMU. */
static uint64_t fw_cfg_bus_read(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	(void)vcpu, (void)off;
	return size == 1 ? fw_cfg_read(dev) : bus_open(size);
}

static enum bus_result fw_cfg_bus_write(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	(void)vcpu;
	if (off == SEL_OFF && size == 2)
		fw_cfg_select(dev, (uint16_t)val);
	return BUS_OK;
}

const struct bus_device fw_cfg_bus_device = { "fw_cfg", fw_cfg_bus_read, fw_cfg_bus_write, 0 };
