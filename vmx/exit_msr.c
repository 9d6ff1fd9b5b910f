/*
 * RDMSR/WRMSR exits. The MSR bitmap intercepts every MSR but the
 * SYSCALL/SWAPGS ones (passed through and switched by the scheduler,
 * vmx/guest_msrs.h); which of the others exist, what they read and what a
 * write may do is decided by one table (vmx/msr_table.c), and this file
 * only keeps the values where the table says: the VMCS, the vCPU's TSC
 * offset and IA32_TSC_ADJUST, its virtual APIC (IA32_TSC_DEADLINE turned
 * from the guest's TSC into the host's the APIC counts in; in x2APIC mode
 * the APIC's registers, MSRs 0x800-0x8ff, whose rules are the APIC
 * model's, dev/lapic_x2apic.c). An MSR the
 * table does not have, or a write it refuses, raises #GP in the guest, as on
 * hardware; the first few per vCPU are logged, naming the MSR, so that a
 * kernel's unexpected MSR shows in the hypervisor's log too.
 */
#include "hw/apic.h"
#include "hw/cr.h"
#include "hw/msr.h"
#include "hw/vmcs_fields.h"
#include "hw/vmx_ctrl.h"
#include "hw/vmx_exit.h"
#include "lib/log.h"
#include "lib/x86.h"
#include "vmx/apicv.h"
#include "vmx/caps.h"
#include "vmx/exit.h"
#include "vmx/guest.h"
#include "vmx/msr_table.h"
#include "vmx/vmx_ops.h"

static bool x2apic_msr(uint32_t msr)
{
	return (msr & ~(uint32_t)X2APIC_MSR_MASK) == X2APIC_MSR_BASE;
}

/* Out of line: the hot path never logs. The first few show what a kernel wanted (guest_log_ok). */
static __attribute__((noinline)) enum exit_action gp(struct vcpu *v, uint32_t msr, bool write, uint64_t val)
{
	if (guest_log_ok(v->guest)) {
		if (!write)
			log_info("domain %s vCPU %u: RDMSR 0x%x: %s, #GP\n", v->guest->name, v->id, msr,
			         x2apic_msr(msr) ? "refused" : "no such MSR");
		else
			log_info("domain %s vCPU %u: WRMSR 0x%x value 0x%lx: %s, #GP\n", v->guest->name, v->id, msr, val,
			         msr_rule_find(msr, vmx_caps.msr) || x2apic_msr(msr) ? "refused" : "no such MSR");
	}
	vcpu_inject_exception(v, VEC_GP, 1, 0);
	return EXIT_RESUME;
}

/* IA32_TSC_DEADLINE is in the guest's TSC; the virtual APIC's timer counts in the host's. */
static uint64_t tsc_deadline(const struct vcpu *v)
{
	uint64_t host = vlapic_read_tsc_deadline(&v->vlapic);
	return host ? host + v->tsc_offset : 0;
}

static void set_tsc_deadline(struct vcpu *v, uint64_t deadline)
{
	vlapic_write_tsc_deadline(&v->vlapic, vcpu_host_deadline(v, deadline), rdtsc());
}

/* Inlined into RDMSR, the hot one of its two callers. */
static inline __attribute__((always_inline)) uint64_t read_value(struct vcpu *v, const struct msr_rule *r)
{
	switch (r->store) {
	case MSR_STORE_TSC:          return rdtsc() + v->tsc_offset;
	case MSR_STORE_TSC_ADJUST:   return v->tsc_adjust;
	case MSR_STORE_APIC_BASE:    return v->vlapic.apic_base;
	case MSR_STORE_TSC_DEADLINE: return tsc_deadline(v);
	case MSR_STORE_EFER:         return vmcs_read64(VMCS_GUEST_IA32_EFER);
	case MSR_STORE_FS_BASE:      return vmcs_readnat(VMCS_GUEST_FS_BASE);
	case MSR_STORE_GS_BASE:      return vmcs_readnat(VMCS_GUEST_GS_BASE);
	case MSR_STORE_SYSENTER_CS:  return vmcs_read32(VMCS_GUEST_SYSENTER_CS);
	case MSR_STORE_SYSENTER_ESP: return vmcs_readnat(VMCS_GUEST_SYSENTER_ESP);
	case MSR_STORE_SYSENTER_EIP: return vmcs_readnat(VMCS_GUEST_SYSENTER_EIP);
	case MSR_STORE_PAT:          return vmcs_read64(VMCS_GUEST_IA32_PAT);
	case MSR_STORE_MISC_ENABLE:  return v->misc_enable;
	case MSR_STORE_DEBUGCTL:     return vmcs_read64(VMCS_GUEST_IA32_DEBUGCTL);
	default:                     return r->value;
	}
}

/*
 * The guest's TSC moves by delta, and IA32_TSC_ADJUST with it. An armed
 * IA32_TSC_DEADLINE keeps its value in the guest's TSC, so it comes nearer
 * or goes further in the host's (and fires at once if the TSC passed it).
 */
static void move_tsc(struct vcpu *v, uint64_t delta)
{
	uint64_t deadline = tsc_deadline(v);
	v->tsc_adjust += delta;
	v->tsc_offset += delta;
	vmcs_write64(VMCS_TSC_OFFSET, v->tsc_offset);
	if (deadline)
		set_tsc_deadline(v, deadline);
}

/* A write the table accepted, kept; false when the virtual APIC refuses it. */
static bool keep(struct vcpu *v, const struct msr_rule *r, uint64_t val)
{
	switch (r->store) {
	case MSR_STORE_TSC:          move_tsc(v, val - (rdtsc() + v->tsc_offset)); break;
	case MSR_STORE_TSC_ADJUST:   move_tsc(v, val - v->tsc_adjust); break;
	case MSR_STORE_APIC_BASE:
		if (vlapic_set_base(&v->vlapic, val, vmx_caps.phys_bits))
			return false;
		apicv_apic_base_changed(v);
		cpuid_cache_clear(&v->cpuid);   /* CPUID.1:EDX.APIC */
		break;
	case MSR_STORE_TSC_DEADLINE: set_tsc_deadline(v, val); break;
	case MSR_STORE_EFER: {
		/* LMA is the CPU's to set (on CR0.PG with LME); a write cannot change it. */
		uint64_t old = vmcs_read64(VMCS_GUEST_IA32_EFER);
		vmcs_write64(VMCS_GUEST_IA32_EFER, (val & EFER_GUEST_WRITABLE) | (old & EFER_LMA));
		break;
	}
	case MSR_STORE_FS_BASE:      vmcs_writenat(VMCS_GUEST_FS_BASE, val); break;
	case MSR_STORE_GS_BASE:      vmcs_writenat(VMCS_GUEST_GS_BASE, val); break;
	case MSR_STORE_SYSENTER_CS:  vmcs_write32(VMCS_GUEST_SYSENTER_CS, val); break;
	case MSR_STORE_SYSENTER_ESP: vmcs_writenat(VMCS_GUEST_SYSENTER_ESP, val); break;
	case MSR_STORE_SYSENTER_EIP: vmcs_writenat(VMCS_GUEST_SYSENTER_EIP, val); break;
	case MSR_STORE_PAT:          vmcs_write64(VMCS_GUEST_IA32_PAT, val); break;
	case MSR_STORE_MISC_ENABLE:
		v->misc_enable = val;
		cpuid_cache_clear(&v->cpuid);   /* the CPUID limit and XD disable */
		break;
	case MSR_STORE_DEBUGCTL:     vmcs_write64(VMCS_GUEST_IA32_DEBUGCTL, val & DEBUGCTL_GUEST_WRITABLE); break;
	}
	return true;
}

enum exit_action exit_rdmsr(struct vcpu *v)
{
	uint32_t msr = (uint32_t)v->gpr[GPR_RCX];
	exit_set_key(v, msr);
	uint64_t val;
	if (__builtin_expect(x2apic_msr(msr), 0)) {
		if (vlapic_msr_read(&v->vlapic, msr, &val, rdtsc()))
			return gp(v, msr, false, 0);
	} else {
		const struct msr_rule *r = msr_rule_find(msr, vmx_caps.msr);
		if (!r)
			return gp(v, msr, false, 0);
		val = read_value(v, r);
	}
	v->gpr[GPR_RAX] = (uint32_t)val;
	v->gpr[GPR_RDX] = val >> 32;
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}

enum exit_action exit_wrmsr(struct vcpu *v)
{
	uint32_t msr = (uint32_t)v->gpr[GPR_RCX];
	exit_set_key(v, msr);
	uint64_t val = (v->gpr[GPR_RDX] << 32) | (uint32_t)v->gpr[GPR_RAX];
	if (__builtin_expect(x2apic_msr(msr), 0)) {
		if (vlapic_msr_write(&v->vlapic, msr, val, rdtsc()))
			return gp(v, msr, true, val);
		vcpu_skip_insn(v);
		return EXIT_RESUME;
	}
	unsigned caps = vmx_caps.msr | (v->misc_enable & MISC_ENABLE_XD_BIT_DISABLE ? 0 : MSR_CAP_NX);
	const struct msr_rule *r = msr_rule_find(msr, caps);
	if (r && msr_write_needs_paging(r) && (vmcs_readnat(VMCS_GUEST_CR0) & CR0_PG))
		caps |= MSR_CAP_PAGING;
	if (!r || !msr_write_ok(r, val, msr_write_needs_cur(r) ? read_value(v, r) : 0, caps))
		return gp(v, msr, true, val);
	if (r->write == MSR_WRITE_KEEP && !keep(v, r, val))
		return gp(v, msr, true, val);
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}
