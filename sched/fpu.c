/*
 * VMX switches no FPU state, and the hypervisor itself never touches x87/SSE
 * (it is built with -mgeneral-regs-only), so the registers simply stay with
 * the guest that last ran. Only when a different vCPU is about to run is the
 * owner's state saved and the newcomer's restored: no cost on the exit path.
 * Guests see no XSAVE (vmx/exit_cpuid.c), so FXSAVE covers all their state.
 */
#include "boot/pcpu.h"
#include "lib/string.h"
#include "sched/fpu.h"
#include "vmx/vcpu.h"

#define FXSAVE_FCW_OFFSET   0
#define FXSAVE_MXCSR_OFFSET 24
#define FCW_RESET   0x037f
#define MXCSR_RESET 0x1f80

void fpu_init_state(struct vcpu *v)
{
	uint16_t fcw = FCW_RESET;
	uint32_t mxcsr = MXCSR_RESET;
	memset(v->fpu, 0, sizeof v->fpu);
	memcpy(v->fpu + FXSAVE_FCW_OFFSET, &fcw, sizeof fcw);
	memcpy(v->fpu + FXSAVE_MXCSR_OFFSET, &mxcsr, sizeof mxcsr);
}

void fpu_switch_to(struct pcpu *cpu, struct vcpu *v)
{
	if (cpu->fpu_owner == v)
		return;
	if (cpu->fpu_owner)
		__asm__ volatile("fxsave64 %0" : "=m"(cpu->fpu_owner->fpu));
	__asm__ volatile("fxrstor64 %0" :: "m"(v->fpu));
	cpu->fpu_owner = v;
}

void fpu_forget(struct pcpu *cpu, struct vcpu *v)
{
	if (cpu->fpu_owner == v)
		cpu->fpu_owner = 0;
}
