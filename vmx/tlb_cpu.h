/*
 * The processor side of the TLB policy (vmx/tlb.c): the real INVEPT and
 * INVVPID, counted per CPU, and the VPID pool shared by all CPUs.
 */
#ifndef VMX_TLB_CPU_H
#define VMX_TLB_CPU_H

#include <stdint.h>

struct vmx_guest;
struct pcpu;
struct vcpu;

/* v's VMCS was just loaded on cpu: flush what it may find stale there (rules 1 and 3). */
void vmx_tlb_enter(struct vcpu *v, struct pcpu *cpu);
/*
 * After any edit of d's EPT that removes or narrows a mapping (rule 2). No
 * vCPU of d may run on another CPU meanwhile: pause d and wait until its
 * vCPUs have left their CPUs, as lifecycle_finish does, before the edit.
 */
void vmx_tlb_ept_narrowed(struct vmx_guest *g);
/* A VPID for a new vCPU; 0 (VPID off for it) when all are taken. */
uint16_t vmx_vpid_alloc(void);
/* Once the vCPU will never be entered again. */
void vmx_vpid_free(uint16_t vpid);
/* One line per CPU with its flush counts (at power-off). */
void vmx_tlb_report(void);

#endif
