/*
 * VMX instruction failures, reported with the VM-instruction error field and
 * its meaning (Intel SDM "VM-Instruction Error Numbers"). A failure of a VMX
 * instruction on a VMCS the hypervisor built is a hypervisor bug: panic.
 */
#include "hw/vmcs_fields.h"
#include "hw/vmx_error.h"
#include "lib/log.h"
#include "vmx/vmx.h"
#include "vmx/vmx_ops.h"

static const char *const vm_errors[] = {
	[VMXERR_VMCALL_IN_ROOT] = "VMCALL executed in VMX root operation",
	[VMXERR_VMCLEAR_INVALID_ADDR] = "VMCLEAR with invalid physical address",
	[VMXERR_VMCLEAR_VMXON_PTR] = "VMCLEAR with VMXON pointer",
	[VMXERR_VMLAUNCH_NOT_CLEAR] = "VMLAUNCH with non-clear VMCS",
	[VMXERR_VMRESUME_NOT_LAUNCHED] = "VMRESUME with non-launched VMCS",
	[VMXERR_VMRESUME_AFTER_VMXOFF] = "VMRESUME after VMXOFF",
	[VMXERR_ENTRY_INVALID_CONTROL] = "VM entry with invalid control field(s)",
	[VMXERR_ENTRY_INVALID_HOST_STATE] = "VM entry with invalid host-state field(s)",
	[VMXERR_VMPTRLD_INVALID_ADDR] = "VMPTRLD with invalid physical address",
	[VMXERR_VMPTRLD_VMXON_PTR] = "VMPTRLD with VMXON pointer",
	[VMXERR_VMPTRLD_BAD_REVISION] = "VMPTRLD with incorrect VMCS revision identifier",
	[VMXERR_UNSUPPORTED_COMPONENT] = "VMREAD/VMWRITE from/to unsupported VMCS component",
	[VMXERR_VMWRITE_READ_ONLY] = "VMWRITE to read-only VMCS component",
	[VMXERR_VMXON_IN_ROOT] = "VMXON executed in VMX root operation",
	[VMXERR_ENTRY_INVALID_EXEC_VMCS] = "VM entry with invalid executive-VMCS pointer",
	[VMXERR_ENTRY_EXEC_VMCS_NOT_LAUNCHED] = "VM entry with non-launched executive VMCS",
	[VMXERR_ENTRY_EXEC_VMCS_NOT_VMXON] = "VM entry with executive-VMCS pointer not VMXON pointer",
	[VMXERR_VMCALL_NOT_CLEAR] = "VMCALL with non-clear VMCS",
	[VMXERR_VMCALL_INVALID_EXIT_CONTROL] = "VMCALL with invalid VM-exit control fields",
	[VMXERR_VMCALL_BAD_MSEG_REVISION] = "VMCALL with incorrect MSEG revision identifier",
	[VMXERR_VMXOFF_DUAL_MONITOR] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
	[VMXERR_VMCALL_INVALID_SMM_FEATURES] = "VMCALL with invalid SMM-monitor features",
	[VMXERR_ENTRY_INVALID_EXEC_CONTROL] = "VM entry with invalid VM-execution control fields in executive VMCS",
	[VMXERR_ENTRY_MOV_SS_BLOCKING] = "VM entry with events blocked by MOV SS",
	[VMXERR_INVALID_INVEPT_INVVPID] = "invalid operand to INVEPT/INVVPID",
};

static const char *const insn_names[] = {
	[VMX_INSN_VMXON] = "VMXON", [VMX_INSN_VMCLEAR] = "VMCLEAR", [VMX_INSN_VMPTRLD] = "VMPTRLD",
	[VMX_INSN_VMREAD] = "VMREAD", [VMX_INSN_VMWRITE] = "VMWRITE", [VMX_INSN_INVEPT] = "INVEPT",
	[VMX_INSN_INVVPID] = "INVVPID",
};

const char *vmx_error_name(uint32_t err)
{
	if (err < sizeof vm_errors / sizeof vm_errors[0] && vm_errors[err])
		return vm_errors[err];
	return "unknown VM-instruction error";
}

void vmx_vmcs_access_failed(enum vmx_insn insn, uint64_t field)
{
	/* VMREAD and VMWRITE fail invalid only without a current VMCS; with one, its error field says why. */
	uint64_t err;
	vmx_insn_failed(insn, field, vmcs_read_raw(VMCS_VM_INSTRUCTION_ERROR, &err));
}

void vmx_insn_failed(enum vmx_insn insn, uint64_t operand, bool valid_fail)
{
	if (!valid_fail)
		panic("%s 0x%lx failed: VMfailInvalid (no current VMCS)\n", insn_names[insn], operand);
	uint64_t err = 0;
	vmcs_read_raw(VMCS_VM_INSTRUCTION_ERROR, &err);
	panic("%s 0x%lx failed: VM-instruction error %lu (%s)\n", insn_names[insn], operand, err,
	      vmx_error_name((uint32_t)err));
}
