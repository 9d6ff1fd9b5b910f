/*
 * MMIO dispatch: a short const table of guest-physical regions and their
 * device callbacks. Today it holds one device, each vCPU's own local APIC at
 * 0xFEE00000 (every vCPU sees its own APIC at the same address, so the
 * callbacks take the vCPU, not the domain).
 */
#include "dev/lapic.h"
#include "dev/mmio.h"
#include "hw/apic.h"
#include "lib/x86.h"
#include "vmx/vcpu.h"

#define EMPTY_BUS 0xffffffffffffffffULL   /* what a read of nothing returns */

/*
 * With IA32_APIC_BASE's enable bit clear the APIC is off the bus: reads
 * return all ones and writes vanish, as for an unclaimed port.
 */
static uint64_t lapic_mmio_read(struct vcpu *v, uint64_t off, unsigned size)
{
	if (!vlapic_hw_enabled(&v->vlapic))
		return EMPTY_BUS;
	return vlapic_read(&v->vlapic, (uint32_t)off, size, rdtsc());
}

static void lapic_mmio_write(struct vcpu *v, uint64_t off, unsigned size, uint64_t val)
{
	if (vlapic_hw_enabled(&v->vlapic))
		vlapic_write(&v->vlapic, (uint32_t)off, size, (uint32_t)val, rdtsc());
}

static const struct mmio_region regions[] = {
	{ "local APIC", APIC_DEFAULT_PHYS_BASE, LAPIC_MMIO_SIZE, lapic_mmio_read, lapic_mmio_write },
};

const struct mmio_region *dev_mmio_find(const struct vcpu *v, uint64_t gpa)
{
	(void)v;
	for (unsigned i = 0; i < sizeof regions / sizeof regions[0]; i++)
		if (gpa >= regions[i].base && gpa - regions[i].base < regions[i].size)
			return &regions[i];
	return 0;
}

uint64_t dev_mmio_read(struct vcpu *v, const struct mmio_region *r, uint64_t gpa, unsigned size)
{
	return r->read(v, gpa - r->base, size);
}

void dev_mmio_write(struct vcpu *v, const struct mmio_region *r, uint64_t gpa, unsigned size, uint64_t val)
{
	r->write(v, gpa - r->base, size, val);
}
