/* Per-vCPU x87/SSE state and PKRU, saved when a vCPU leaves a CPU and restored when it comes back. */
#ifndef VMX_FPU_H
#define VMX_FPU_H

struct vcpu;

/* The state a CPU has after reset (FNINIT plus default MXCSR, PKRU 0). */
void fpu_init_state(struct vcpu *v);
void fpu_save(struct vcpu *v);
void fpu_restore(const struct vcpu *v);

#endif
