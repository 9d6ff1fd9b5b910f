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
#define FXSAVE_FSW_OFFSET   2
#define FXSAVE_FTW_OFFSET   4     /* the abridged tag word: a bit per register, 1 valid */
#define FXSAVE_ST_OFFSET    32    /* ST0-ST7 (MM0-MM7 below them), 16 bytes each */
#define FXSAVE_XMM_OFFSET   160   /* XMM0-XMM15, 16 bytes each */
#define FSW_TOP_SHIFT       11
#define FSW_TOP_MASK        (7u << FSW_TOP_SHIFT)
#define FTW_ALL_VALID       0xff
#define ST_SLOT_BYTES       16
#define MM_EXPONENT_ONES    0xffff   /* bits 79:64 of a register an MMX instruction writes */
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

/*
 * MOVQ between MMX register n and memory, as an MMX instruction leaves the
 * x87 state: TOP 0 and every register valid, so that MMn is physical
 * register n; a write also sets its bits 79:64. FXSAVE stores the registers
 * as ST(i), i from TOP: they are rotated into place first.
 */
static void mmx_enter(struct vcpu *v)
{
	uint16_t fsw;
	uint8_t st[8][ST_SLOT_BYTES];
	fpu_save(v);
	memcpy(&fsw, v->fpu + FXSAVE_FSW_OFFSET, sizeof fsw);
	unsigned top = (fsw & FSW_TOP_MASK) >> FSW_TOP_SHIFT;
	memcpy(st, v->fpu + FXSAVE_ST_OFFSET, sizeof st);
	for (unsigned r = 0; r < 8; r++)   /* physical register r was ST((r - TOP) mod 8) */
		memcpy(v->fpu + FXSAVE_ST_OFFSET + ST_SLOT_BYTES * r, st[(r - top) & 7], ST_SLOT_BYTES);
	fsw &= (uint16_t)~FSW_TOP_MASK;
	memcpy(v->fpu + FXSAVE_FSW_OFFSET, &fsw, sizeof fsw);
	v->fpu[FXSAVE_FTW_OFFSET] = FTW_ALL_VALID;
}

uint64_t fpu_mmx_read(struct vcpu *v, unsigned n)
{
	uint64_t val;
	mmx_enter(v);
	memcpy(&val, v->fpu + FXSAVE_ST_OFFSET + ST_SLOT_BYTES * (n & 7), sizeof val);
	fpu_restore(v);
	return val;
}

void fpu_mmx_write(struct vcpu *v, unsigned n, uint64_t val)
{
	uint16_t ones = MM_EXPONENT_ONES;
	mmx_enter(v);
	uint8_t *reg = v->fpu + FXSAVE_ST_OFFSET + ST_SLOT_BYTES * (n & 7);
	memcpy(reg, &val, sizeof val);
	memcpy(reg + sizeof val, &ones, sizeof ones);
	fpu_restore(v);
}
