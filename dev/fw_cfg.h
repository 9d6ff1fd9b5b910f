/*
 * The emulated fw_cfg device: QEMU's traditional selector/data interface with
 * the few items a guest reads at start-up (signature, ID, RAM size, CPU
 * count). Selecting an item rewinds its read offset; each data read returns
 * the next byte and advances; past an item's end, and for keys that name no
 * item, reads return 0, as QEMU's do. The items are fixed when the domain is
 * created, and the signature is selected then, as after QEMU's reset. Pure code; unit-tested on the host.
 */
#ifndef DEV_FW_CFG_H
#define DEV_FW_CFG_H

#include <stdint.h>
#include "dev/bus.h"

#define FW_CFG_ITEMS    5    /* signature, ID, RAM size, CPU count, max CPUs */
#define FW_CFG_ITEM_MAX 8    /* bytes of the longest item (the RAM size) */

struct fw_cfg_item {
	uint16_t key;
	uint8_t len;
	uint8_t data[FW_CFG_ITEM_MAX];
};

struct fw_cfg {
	struct fw_cfg_item items[FW_CFG_ITEMS];
	int cur;                 /* index into items[], -1 when the selected key names none */
	uint8_t offset;          /* next byte of items[cur] */
};

void fw_cfg_init(struct fw_cfg *f, uint64_t ram_bytes, uint16_t ncpus);
/* A 16-bit write to the selector port. */
void fw_cfg_select(struct fw_cfg *f, uint16_t key);
/* A byte read from the data port. */
uint8_t fw_cfg_read(struct fw_cfg *f);

/*
 * fw_cfg on a bus: the FW_CFG_PORTS ports from FW_CFG_PORT_SEL; dev is its
 * struct fw_cfg. Reads of widths QEMU refuses float high.
 */
extern const struct bus_device fw_cfg_bus_device;

#endif
