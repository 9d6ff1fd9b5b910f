/*
 * Protection keys as guests see them. PKU (keys for user-mode pages: CR4.PKE
 * and the PKRU register) is offered when the CPU has it and VMX operation
 * allows CR4.PKE (IA32_VMX_CR4_FIXED1): VMX switches CR4 but not PKRU, so
 * the scheduler does (vmx/fpu.c), and CR4.PKE is the guest's own bit, which
 * it flips without an exit. CPUID's OSPKE then says what the guest's CR4.PKE
 * is, as the CPU's says for its own CR4. PKS (keys for supervisor-mode pages:
 * CR4.PKS and IA32_PKRS) stays hidden: no MSR table row serves IA32_PKRS and
 * no VM-entry or VM-exit control switches it here, so its CPUID bit is clear
 * and CR4.PKS is reserved (#GP), as on a CPU without it.
 *
 * Functions of the host's values only, so that host tests check the policy.
 */
#ifndef VMX_GUEST_PKEYS_H
#define VMX_GUEST_PKEYS_H

#include <stdbool.h>
#include <stdint.h>
#include "hw/cpuid.h"
#include "hw/cr.h"

/* From the host's CPUID.(7,0):ECX and IA32_VMX_CR4_FIXED1. */
static inline bool pku_offerable(uint32_t cpuid7_ecx, uint64_t cr4_fixed1)
{
	return (cpuid7_ecx & CPUID_7_ECX_PKU) && (cr4_fixed1 & CR4_PKE);
}

/*
 * CR4 bits of features CPUID hides from guests: setting one raises #GP, as
 * on a CPU without the feature. Without OSXSAVE a guest cannot reach XCR0
 * (XSETBV raises #UD), without PKE not PKRU (RDPKRU and WRPKRU raise #UD):
 * XCR0 is never switched between vCPUs, PKRU only where PKU is offered.
 */
static inline uint64_t cr4_hidden_features(bool pku)
{
	return CR4_VMXE | CR4_SMXE | CR4_OSXSAVE | CR4_PKS | (pku ? 0 : CR4_PKE);
}

/* CPUID.(7,0):ECX for the guest: no AVX-512 (its state needs XSAVE), no PKS, PKU as above. */
static inline uint32_t cpuid7_ecx_for_guest(uint32_t host_ecx, bool pku, uint64_t guest_cr4)
{
	uint32_t ecx = host_ecx & ~(uint32_t)(CPUID_7_ECX_AVX512_ALL | CPUID_7_ECX_PKU | CPUID_7_ECX_OSPKE |
	                                      CPUID_7_ECX_PKS);
	if (pku)
		ecx |= (uint32_t)(CPUID_7_ECX_PKU | ((guest_cr4 & CR4_PKE) ? CPUID_7_ECX_OSPKE : 0));
	return ecx;
}

#endif
