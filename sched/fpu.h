/* Per-vCPU x87/SSE state, switched only when another vCPU takes the CPU. */
#ifndef SCHED_FPU_H
#define SCHED_FPU_H

struct pcpu;
struct vcpu;

/* The state a CPU has after reset (FNINIT plus default MXCSR). */
void fpu_init_state(struct vcpu *v);
/* Make v's FPU state the CPU's, saving the previous owner's. */
void fpu_switch_to(struct pcpu *cpu, struct vcpu *v);
/* v is going away: its state in the registers no longer belongs to anyone. */
void fpu_forget(struct pcpu *cpu, struct vcpu *v);

#endif
