/* Per-vCPU x87/SSE state and PKRU, saved when a vCPU leaves a CPU and restored when it comes back. */
#ifndef VMX_FPU_H
#define VMX_FPU_H

#include <stdint.h>

struct vcpu;

/* The state a CPU has after reset (FNINIT plus default MXCSR, PKRU 0). */
void fpu_init_state(struct vcpu *v);
void fpu_save(struct vcpu *v);
void fpu_restore(const struct vcpu *v);
/* XMM register n (0-15) of v, which must be the vCPU running on this CPU: its state is in the registers. */
void fpu_xmm_read(struct vcpu *v, unsigned n, uint64_t out[2]);
void fpu_xmm_write(struct vcpu *v, unsigned n, const uint64_t in[2]);
/* MMX register n (0-7) of the running v, read or written as an MMX instruction does (TOP 0, all tags valid). */
uint64_t fpu_mmx_read(struct vcpu *v, unsigned n);
void fpu_mmx_write(struct vcpu *v, unsigned n, uint64_t val);

#endif
