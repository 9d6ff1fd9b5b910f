/*
 * Guest RAM for host tests of devices that reach memory (DMA, an IOMMU's
 * tables): an array standing for guest-physical [0, size).
 */
#ifndef TESTS_UNIT_FAKE_RAM_H
#define TESTS_UNIT_FAKE_RAM_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Move len bytes between buf and ram at addr; false when [addr, addr + len) leaves the array. */
static inline bool fake_ram_rw(uint8_t *ram, uint64_t size, uint64_t addr, void *buf, uint32_t len, bool write)
{
	if (addr >= size || len > size - addr)
		return false;
	if (write)
		memcpy(ram + addr, buf, len);
	else
		memcpy(buf, ram + addr, len);
	return true;
}

#endif
