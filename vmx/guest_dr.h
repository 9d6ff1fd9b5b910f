/*
 * The debug registers VMX leaves in the CPU: DR0-DR3 (breakpoint addresses)
 * and DR6 (debug status). DR7 and IA32_DEBUGCTL are the VMCS's (saved on
 * every exit, loaded on every entry: vmx/caps.c requires those controls).
 * The hypervisor never uses breakpoints (a VM exit leaves DR7 at 0x400, all
 * disabled), so the running vCPU's values stay in the CPU, the guest moves
 * to and from them without an exit, and they are saved and restored only
 * when a vCPU leaves or takes a CPU, as the FPU and the SYSCALL MSRs are.
 */
#ifndef VMX_GUEST_DR_H
#define VMX_GUEST_DR_H

#include <stdint.h>
#include "hw/dr.h"

struct vcpu;

struct guest_dr {
	uint64_t addr[DR_ADDRESS_COUNT];   /* DR0-DR3 */
	uint64_t dr6;
};

/* The values after reset or INIT: DR0-DR3 0, DR6 DR6_RESET. */
void guest_dr_reset(struct guest_dr *d);
void guest_dr_save(struct vcpu *v);
void guest_dr_restore(const struct vcpu *v);

#endif
