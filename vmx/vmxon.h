/* Turning VMX operation on for one CPU. */
#ifndef VMX_VMXON_H
#define VMX_VMXON_H

#include <stdint.h>

struct pcpu;

/*
 * Checks CPUID.1:ECX.VMX; returns a sentence naming what is missing, or NULL
 * when VT-x is usable (IA32_FEATURE_CONTROL permits it or can be set).
 * Safe to call before ExitBootServices: reads only.
 */
const char *vmx_unavailable_reason(void);

/* IA32_FEATURE_CONTROL, CR0/CR4 fixed bits, VMXON with this CPU's region. 0 or -1 (reported). */
int vmx_enable(struct pcpu *cpu);

#endif
