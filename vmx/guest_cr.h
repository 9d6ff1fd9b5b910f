/*
 * Guest CR0/CR4 under VMX: some bits are forced by the fixed-bit MSRs (CR4.VMXE
 * always, CR0.NE usually); PE and PG are free under unrestricted guest. Those
 * forced bits are owned by the host (guest/host mask) and hidden behind the
 * read shadows, so the guest reads back what it wrote.
 */
#ifndef VMX_GUEST_CR_H
#define VMX_GUEST_CR_H

#include <stdint.h>
#include "hw/cr.h"
#include "vmx/caps.h"
#include "vmx/guest_pkeys.h"
#include "vmx/vmx_ops.h"

#define CR_LOW32 0xffffffffULL

static inline uint64_t guest_cr0_fixed0(void) { return vmx_caps.cr0_fixed0 & ~(CR0_PE | CR0_PG); }
/* PG is host-owned too, so a paging switch always exits and IA-32e mode can be mirrored. */
static inline uint64_t guest_cr0_mask(void) { return guest_cr0_fixed0() | CR0_PG | (~vmx_caps.cr0_fixed1 & CR_LOW32); }
static inline uint64_t guest_cr0_real(uint64_t cr0) { return (cr0 | guest_cr0_fixed0()) & vmx_caps.cr0_fixed1; }

/* CR4 bits of features CPUID hides are host-owned and reserved (vmx/guest_pkeys.h). */
static inline uint64_t guest_cr4_hidden(void) { return cr4_hidden_features(vmx_caps.pku); }

static inline uint64_t guest_cr4_mask(void)
{
	return vmx_caps.cr4_fixed0 | guest_cr4_hidden() | (~vmx_caps.cr4_fixed1 & CR_LOW32);
}
static inline uint64_t guest_cr4_real(uint64_t cr4) { return (cr4 | vmx_caps.cr4_fixed0) & vmx_caps.cr4_fixed1; }
/* Bits a guest may not set in CR4. */
static inline uint64_t guest_cr4_reserved(void) { return guest_cr4_hidden() | (~vmx_caps.cr4_fixed1 & CR_LOW32); }

/*
 * The value the guest sees: host-owned bits from the read shadow, the rest
 * from the real register, which the guest changes without an exit (PE, PAE,
 * TS...). Never the shadow alone: its guest-owned bits are stale.
 */
static inline uint64_t guest_cr_visible(uint64_t real, uint64_t shadow, uint64_t mask)
{
	return (real & ~mask) | (shadow & mask);
}

/* The current VMCS's guest CR0 and CR4 as the guest sees them. */
static inline uint64_t guest_cr0(void)
{
	return guest_cr_visible(vmcs_readnat(VMCS_GUEST_CR0), vmcs_readnat(VMCS_CR0_READ_SHADOW), guest_cr0_mask());
}

static inline uint64_t guest_cr4(void)
{
	return guest_cr_visible(vmcs_readnat(VMCS_GUEST_CR4), vmcs_readnat(VMCS_CR4_READ_SHADOW), guest_cr4_mask());
}

#endif
