/*
 * RDMSR/WRMSR exits. The MSR bitmap intercepts every MSR; the few a guest
 * legitimately needs are emulated on state the VMCS already holds, and every
 * other MSR raises #GP in the guest, as an absent MSR does on hardware.
 * The SYSCALL/SWAPGS MSRs never come here: they are passed through and the
 * scheduler switches them (vmx/guest_msrs.h). IA32_APIC_BASE
 * lives in the vCPU's virtual APIC; IA32_TSC_ADJUST and IA32_TSC in its TSC
 * offset, as the SDM ties them: a write of either moves the guest's TSC and
 * the other follows ("Time-Stamp Counter Adjustment"). IA32_MISC_ENABLE
 * reads as a PC's with the features the guest is offered: fast strings on,
 * no branch trace or PEBS store (CPUID hides the debug store), XD not
 * disabled, CPUID not limited; a write of that same value is accepted (a
 * kernel writes back what it read), any other raises #GP, since none of its
 * features can be switched for one guest. IA32_BIOS_SIGN_ID, where a kernel
 * reads the microcode revision after writing 0 and running CPUID, reads
 * revision 1 (0 would say no microcode is loaded) and takes any write.
 */
#include "hw/msr.h"
#include "hw/vmcs_fields.h"
#include "hw/vmx_ctrl.h"
#include "hw/vmx_exit.h"
#include "lib/x86.h"
#include "vmx/caps.h"
#include "vmx/exit.h"
#include "vmx/vmx_ops.h"

#define EFER_GUEST_WRITABLE (EFER_SCE | EFER_LME | EFER_NXE)
#define GUEST_MISC_ENABLE (MISC_ENABLE_FAST_STRINGS | MISC_ENABLE_BTS_UNAVAILABLE | MISC_ENABLE_PEBS_UNAVAILABLE)
#define GUEST_MICROCODE_REVISION 1ULL   /* IA32_BIOS_SIGN_ID bits 63:32 */

static enum exit_action gp(struct vcpu *v)
{
	vcpu_inject_exception(v, VEC_GP, 1, 0);
	return EXIT_RESUME;
}

enum exit_action exit_rdmsr(struct vcpu *v)
{
	uint32_t msr = (uint32_t)v->gpr[GPR_RCX];
	exit_set_key(v, msr);
	uint64_t val;

	switch (msr) {
	case MSR_IA32_EFER:         val = vmcs_read64(VMCS_GUEST_IA32_EFER); break;
	case MSR_IA32_FS_BASE:      val = vmcs_readnat(VMCS_GUEST_FS_BASE); break;
	case MSR_IA32_GS_BASE:      val = vmcs_readnat(VMCS_GUEST_GS_BASE); break;
	case MSR_IA32_SYSENTER_CS:  val = vmcs_read32(VMCS_GUEST_SYSENTER_CS); break;
	case MSR_IA32_SYSENTER_ESP: val = vmcs_readnat(VMCS_GUEST_SYSENTER_ESP); break;
	case MSR_IA32_SYSENTER_EIP: val = vmcs_readnat(VMCS_GUEST_SYSENTER_EIP); break;
	case MSR_IA32_TSC:          val = rdtsc() + v->tsc_offset; break;
	case MSR_IA32_APIC_BASE:    val = v->vlapic.apic_base; break;
	case MSR_IA32_TSC_ADJUST:   val = v->tsc_adjust; break;
	case MSR_IA32_MISC_ENABLE:  val = GUEST_MISC_ENABLE; break;
	case MSR_IA32_BIOS_SIGN_ID: val = GUEST_MICROCODE_REVISION << 32; break;
	case MSR_IA32_PAT:
		if (!(vmx_caps.entry & ENTRY_CTL_LOAD_IA32_PAT))
			return gp(v);
		val = vmcs_read64(VMCS_GUEST_IA32_PAT);
		break;
	default:
		return gp(v);
	}
	v->gpr[GPR_RAX] = (uint32_t)val;
	v->gpr[GPR_RDX] = val >> 32;
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}

/* The guest's TSC moves by delta, and IA32_TSC_ADJUST with it. */
static void move_tsc(struct vcpu *v, uint64_t delta)
{
	v->tsc_adjust += delta;
	v->tsc_offset += delta;
	vmcs_write64(VMCS_TSC_OFFSET, v->tsc_offset);
}

enum exit_action exit_wrmsr(struct vcpu *v)
{
	uint32_t msr = (uint32_t)v->gpr[GPR_RCX];
	exit_set_key(v, msr);
	uint64_t val = (v->gpr[GPR_RDX] << 32) | (uint32_t)v->gpr[GPR_RAX];

	switch (msr) {
	case MSR_IA32_EFER: {
		if (val & ~(uint64_t)(EFER_GUEST_WRITABLE | EFER_LMA))
			return gp(v);
		/* LMA is the CPU's to set (on CR0.PG with LME); a write cannot change it. */
		uint64_t old = vmcs_read64(VMCS_GUEST_IA32_EFER);
		vmcs_write64(VMCS_GUEST_IA32_EFER, (val & EFER_GUEST_WRITABLE) | (old & EFER_LMA));
		break;
	}
	case MSR_IA32_FS_BASE:      vmcs_writenat(VMCS_GUEST_FS_BASE, val); break;
	case MSR_IA32_GS_BASE:      vmcs_writenat(VMCS_GUEST_GS_BASE, val); break;
	case MSR_IA32_SYSENTER_CS:  vmcs_write32(VMCS_GUEST_SYSENTER_CS, val); break;
	case MSR_IA32_SYSENTER_ESP: vmcs_writenat(VMCS_GUEST_SYSENTER_ESP, val); break;
	case MSR_IA32_SYSENTER_EIP: vmcs_writenat(VMCS_GUEST_SYSENTER_EIP, val); break;
	case MSR_IA32_APIC_BASE:
		/* Only the enable bit may change: no x2APIC, no relocation (dev/lapic.c). */
		if (vlapic_set_base(&v->vlapic, val))
			return gp(v);
		break;
	case MSR_IA32_TSC_ADJUST:
		if (!vmx_has_tsc_offsetting())
			return gp(v);
		move_tsc(v, val - v->tsc_adjust);
		break;
	case MSR_IA32_TSC:
		if (!vmx_has_tsc_offsetting())
			return gp(v);
		move_tsc(v, val - (rdtsc() + v->tsc_offset));
		break;
	case MSR_IA32_MISC_ENABLE:
		if (val != GUEST_MISC_ENABLE)
			return gp(v);
		break;
	case MSR_IA32_BIOS_SIGN_ID:
		break;
	case MSR_IA32_PAT:
		if (!(vmx_caps.entry & ENTRY_CTL_LOAD_IA32_PAT))
			return gp(v);
		vmcs_write64(VMCS_GUEST_IA32_PAT, val);
		break;
	default:
		return gp(v);
	}
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}
