/*
 * VMX switches no FPU state, and the hypervisor itself never touches x87/SSE
 * (it is built with -mgeneral-regs-only), so the registers hold the running
 * guest's state across all its exits. Only when a vCPU leaves a CPU (another
 * takes its place, or it blocks) is the state saved, and restored when it is
 * scheduled again, on whichever CPU: no cost on the exit path. Guests see no
 * XSAVE (vmx/exit_cpuid.c), so FXSAVE covers all their state but PKRU, the
 * protection-key rights register, where the CPU has it (vmx/guest_pkeys.h):
 * it goes with the rest, by RDPKRU and WRPKRU (the host keeps CR4.PKE set for
 * them, vmx/vmxon.c). A guest's PKRU in the CPU during its exits binds none of
 * the hypervisor's accesses: they are all to supervisor pages.
 */
#include "lib/string.h"
#include "lib/x86.h"
#include "vmx/caps.h"
#include "vmx/fpu.h"
#include "vmx/vcpu.h"

#define FXSAVE_FCW_OFFSET   0
#define FXSAVE_MXCSR_OFFSET 24
#define FXSAVE_XMM_OFFSET   160   /* XMM0-XMM15, 16 bytes each */
#define XMM_BYTES           16
#define FCW_RESET   0x037f
#define MXCSR_RESET 0x1f80

void fpu_init_state(struct vcpu *v)
{
	uint16_t fcw = FCW_RESET;
	uint32_t mxcsr = MXCSR_RESET;
	memset(v->fpu, 0, sizeof v->fpu);
	memcpy(v->fpu + FXSAVE_FCW_OFFSET, &fcw, sizeof fcw);
	memcpy(v->fpu + FXSAVE_MXCSR_OFFSET, &mxcsr, sizeof mxcsr);
	v->pkru = 0;   /* every key allows all access */
}

void fpu_save(struct vcpu *v)
{
	__asm__ volatile("fxsave64 %0" : "=m"(v->fpu));
	if (vmx_caps.pku)
		v->pkru = rdpkru();
}

void fpu_restore(const struct vcpu *v)
{
	__asm__ volatile("fxrstor64 %0" :: "m"(v->fpu));
	if (vmx_caps.pku)
		wrpkru(v->pkru);
}

/*
 * An emulated instruction's XMM operand: the registers hold the running
 * guest's values, so they go through the save area, and a write goes back
 * to the CPU with the rest of the state unchanged.
 */
void fpu_xmm_read(struct vcpu *v, unsigned n, uint64_t out[2])
{
	fpu_save(v);
	memcpy(out, v->fpu + FXSAVE_XMM_OFFSET + XMM_BYTES * (n & 15), XMM_BYTES);
}

void fpu_xmm_write(struct vcpu *v, unsigned n, const uint64_t in[2])
{
	fpu_save(v);
	memcpy(v->fpu + FXSAVE_XMM_OFFSET + XMM_BYTES * (n & 15), in, XMM_BYTES);
	fpu_restore(v);
}
