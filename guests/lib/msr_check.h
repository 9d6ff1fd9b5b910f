/*
 * The SYSCALL/SWAPGS MSRs' survival check, run side by side by guests with
 * different seeds like the XMM one (fpu.h): the hypervisor passes these MSRs
 * through and switches them with the vCPU, so one that is not switched shows
 * up as the other domain's value.
 */
#ifndef GUEST_MSR_CHECK_H
#define GUEST_MSR_CHECK_H

#include <stdint.h>

/*
 * Write seed-derived values to STAR, LSTAR, CSTAR, FMASK and KERNEL_GS_BASE,
 * yield, read them back: a bit per MSR that changed.
 */
uint32_t syscall_msrs_check_yields(uint8_t seed, unsigned yields);
/* SWAPGS exchanges GS_BASE with KERNEL_GS_BASE without an exit: whether both came out as they should. */
int swapgs_works(void);

#endif
