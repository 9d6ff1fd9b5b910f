/*
 * The MSRs a 64-bit guest kernel sets for SYSCALL and SWAPGS (and RDTSCP's
 * TSC_AUX), which VMX neither switches nor needs to: the hypervisor never
 * executes SYSCALL, SWAPGS or RDTSCP, so the running vCPU's values stay in
 * the CPU, the guest reads and writes them without an exit, and they are
 * saved and restored only when a vCPU leaves or takes a CPU, as the FPU is.
 */
#ifndef VMX_GUEST_MSRS_H
#define VMX_GUEST_MSRS_H

#include <stdint.h>

struct vcpu;

enum { GUEST_MSR_STAR, GUEST_MSR_LSTAR, GUEST_MSR_CSTAR, GUEST_MSR_FMASK, GUEST_MSR_KERNEL_GS_BASE,
       GUEST_MSR_TSC_AUX, GUEST_MSR_COUNT };

struct guest_msrs {
	uint64_t val[GUEST_MSR_COUNT];   /* reset values: all 0 */
};

/*
 * The MSR bitmap every vCPU uses: all MSRs intercepted but these. One page
 * for the machine, since the policy is the same for every domain. 0, or -1
 * when no frame is free; before the first VMCS is set up.
 */
int guest_msrs_bitmap_init(void);
uint64_t guest_msrs_bitmap_pa(void);
void guest_msrs_save(struct vcpu *v);
void guest_msrs_restore(const struct vcpu *v);

#endif
