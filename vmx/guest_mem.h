/*
 * The running vCPU's view of its memory, from the VMCS: its paging state,
 * its RAM, segment bases and the #PF a failed walk becomes. What the exit
 * handlers that carry out a memory access for the guest (string port I/O,
 * MMIO) share; the walk itself is vmx/guest_walk.c.
 */
#ifndef VMX_GUEST_MEM_H
#define VMX_GUEST_MEM_H

#include "hw/segment.h"
#include "vmx/guest_walk.h"
#include "vmx/vcpu.h"

/* All ones in the low `bytes` bytes (1 to 8): an operand or address width. */
static inline uint64_t width_mask(unsigned bytes)
{
	return bytes >= 8 ? ~0ULL : (1ULL << (8 * bytes)) - 1;
}

/* A register written at a width (mask): a 32-bit write zero-extends, a 16-bit one keeps the rest. */
static inline uint64_t reg_at_width(uint64_t old, uint64_t val, uint64_t mask)
{
	return mask == UINT32_MAX ? val & mask : (old & ~mask) | (val & mask);
}

/* The guest's paging mode as the CPU sees it now: CR0.PG and WP, EFER.LMA, CR4.PAE/PSE/LA57. */
struct guest_paging vcpu_paging(void);
struct guest_ram vcpu_ram(const struct vcpu *v);
/* In 64-bit mode (IA-32e and CS.L): segment bases other than FS and GS count as zero. */
bool vcpu_in_64bit_mode(void);
uint64_t vcpu_seg_base(enum seg_reg s);
/* An access by the instruction being emulated, at the guest's CPL. */
struct guest_access vcpu_access(bool write);
/*
 * Copy between buf and the guest's linear memory as the instruction would.
 * A not-present or forbidden page becomes the guest's #PF (CR2 the address)
 * and returns false, as does memory outside RAM, which stops the domain
 * naming `what` (*stop is set then).
 */
bool vcpu_copy_linear(struct vcpu *v, uint64_t linear, void *buf, size_t n, bool write, const char *what,
                      bool *stop);

#endif
