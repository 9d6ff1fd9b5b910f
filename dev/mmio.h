/*
 * A domain's guest-physical MMIO space: the emulated devices that claim
 * address ranges outside its RAM. The EPT maps nothing there, so every
 * access is an EPT violation; vmx/exit_misc.c decodes the instruction and
 * comes here with the address, size and direction. An address no device
 * claims is not an MMIO access: the domain is stopped as before.
 */
#ifndef DEV_MMIO_H
#define DEV_MMIO_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* One device's range; read/write get the offset into it. */
struct mmio_region {
	const char *name;
	uint64_t base, size;
	uint64_t (*read)(struct vcpu *v, uint64_t off, unsigned size);
	void (*write)(struct vcpu *v, uint64_t off, unsigned size, uint64_t val);
};

/* The region holding guest-physical `gpa` for vCPU v, or NULL. */
const struct mmio_region *dev_mmio_find(const struct vcpu *v, uint64_t gpa);

/* One access of `size` bytes at `gpa` inside region r. */
uint64_t dev_mmio_read(struct vcpu *v, const struct mmio_region *r, uint64_t gpa, unsigned size);
void dev_mmio_write(struct vcpu *v, const struct mmio_region *r, uint64_t gpa, unsigned size, uint64_t val);

#endif
