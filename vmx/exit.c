/*
 * The exit table and its default. Reasons without a handler stop the domain
 * with the reason's name: an exit the hypervisor does not understand must
 * never be resumed blindly.
 */
#include "dom/domain.h"
#include "hw/segment.h"
#include "hw/vmx_exit.h"
#include "lib/log.h"
#include "vmx/exit.h"
#include "vmx/inject.h"
#include "vmx/vmx.h"
#include "vmx/vmx_ops.h"

static const char *const reason_names[EXIT_REASON_COUNT] = {
#define EXIT_REASON_NAME_(name, num) [num] = #name,
	EXIT_REASONS(EXIT_REASON_NAME_)
#undef EXIT_REASON_NAME_
};

const char *exit_reason_name(uint32_t reason)
{
	if (reason < EXIT_REASON_COUNT && reason_names[reason])
		return reason_names[reason];
	return "UNKNOWN";
}

static const exit_handler_fn exit_table[EXIT_REASON_COUNT] = {
	[EXIT_REASON_EXCEPTION_NMI]       = exit_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT]  = exit_external_interrupt,
	[EXIT_REASON_TRIPLE_FAULT]        = exit_triple_fault,
	[EXIT_REASON_INIT_SIGNAL]         = exit_init_signal,
	[EXIT_REASON_INTERRUPT_WINDOW]    = exit_interrupt_window,
	[EXIT_REASON_CPUID]               = exit_cpuid,
	[EXIT_REASON_GETSEC]              = exit_inject_ud,
	[EXIT_REASON_HLT]                 = exit_hlt,
	[EXIT_REASON_INVD]                = exit_skip,
	[EXIT_REASON_VMCALL]              = exit_vmcall,
	[EXIT_REASON_VMCLEAR]             = exit_inject_ud,
	[EXIT_REASON_VMLAUNCH]            = exit_inject_ud,
	[EXIT_REASON_VMPTRLD]             = exit_inject_ud,
	[EXIT_REASON_VMPTRST]             = exit_inject_ud,
	[EXIT_REASON_VMREAD]              = exit_inject_ud,
	[EXIT_REASON_VMRESUME]            = exit_inject_ud,
	[EXIT_REASON_VMWRITE]             = exit_inject_ud,
	[EXIT_REASON_VMXOFF]              = exit_inject_ud,
	[EXIT_REASON_VMXON]               = exit_inject_ud,
	[EXIT_REASON_CR_ACCESS]           = exit_cr_access,
	[EXIT_REASON_IO_INSTRUCTION]      = exit_io,
	[EXIT_REASON_MSR_READ]            = exit_rdmsr,
	[EXIT_REASON_MSR_WRITE]           = exit_wrmsr,
	[EXIT_REASON_INVALID_GUEST_STATE] = exit_entry_failure,
	[EXIT_REASON_MSR_LOADING]         = exit_entry_failure,
	[EXIT_REASON_MACHINE_CHECK]       = exit_entry_failure,
	[EXIT_REASON_MWAIT]               = exit_inject_ud,
	[EXIT_REASON_MONITOR]             = exit_inject_ud,
	[EXIT_REASON_EPT_VIOLATION]       = exit_ept_violation,
	[EXIT_REASON_EPT_MISCONFIG]       = exit_ept_misconfig,
	[EXIT_REASON_INVEPT]              = exit_inject_ud,
	[EXIT_REASON_PREEMPTION_TIMER]    = exit_preemption_timer,
	[EXIT_REASON_INVVPID]             = exit_inject_ud,
	[EXIT_REASON_WBINVD]              = exit_skip,
	[EXIT_REASON_VMFUNC]              = exit_inject_ud,
};

static enum exit_action exit_unhandled(struct vcpu *v)
{
	domain_stop(v->dom, v, "unhandled VM exit %s (%u), qualification 0x%lx",
	            exit_reason_name(v->exit.reason), v->exit.reason, v->exit.qual);
	return EXIT_STOPPED;
}

enum exit_action vmx_handle_exit(struct vcpu *v)
{
	uint32_t raw = vmcs_read32(VMCS_VM_EXIT_REASON);
	v->exit.reason = raw & EXIT_REASON_BASIC_MASK;
	v->exit.insn_len = vmcs_read32(VMCS_VM_EXIT_INSTRUCTION_LEN);
	v->exit.qual = vmcs_readnat(VMCS_EXIT_QUALIFICATION);
	exit_set_key(v, EXIT_NO_KEY);   /* keyed reasons' handlers set theirs */
	if (raw & EXIT_REASON_ENTRY_FAIL)
		return exit_entry_failure(v);
	if (v->exit.reason >= EXIT_REASON_COUNT) {
		enum exit_action act = exit_unhandled(v);   /* names the number */
		v->exit.reason = EXIT_STAT_OTHER;           /* the statistics and the trace have one row for these */
		return act;
	}
	exit_handler_fn fn = exit_table[v->exit.reason];
	return fn ? fn(v) : exit_unhandled(v);
}

void vcpu_skip_insn(struct vcpu *v)
{
	vmcs_writenat(VMCS_GUEST_RIP, vmcs_readnat(VMCS_GUEST_RIP) + v->exit.insn_len);
	/* The instruction retired: any STI/MOV-SS blocking it carried ends with it. */
	uint32_t intr = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY_INFO);
	if (intr & 3)
		vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY_INFO, intr & ~3u);
}

void vcpu_inject_exception(struct vcpu *v, unsigned vector, int has_code, uint32_t code)
{
	(void)v;
	uint32_t info = INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | vector;
	if (has_code) {
		info |= INTR_INFO_DELIVER_CODE;
		vmcs_write32(VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE, code);
	}
	vmcs_write32(VMCS_VM_ENTRY_INTR_INFO, info);
}

/* Registers by SDM number, as qualifications and decoded instructions name them; RSP lives in the VMCS. */
uint64_t vcpu_read_gpr(const struct vcpu *v, unsigned r)
{
	return r == GPR_RSP ? vmcs_readnat(VMCS_GUEST_RSP) : v->gpr[r];
}

void vcpu_write_gpr(struct vcpu *v, unsigned r, uint64_t val)
{
	if (r == GPR_RSP)
		vmcs_writenat(VMCS_GUEST_RSP, val);
	else
		v->gpr[r] = val;
}

/* CPL is SS.DPL ("Checks on Guest Segment Registers"). */
unsigned vcpu_cpl(void)
{
	return (vmcs_read32(VMCS_GUEST_SS_AR_BYTES) >> 5) & 3;
}
