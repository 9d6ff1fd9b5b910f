/*
 * VMX instruction failures, reported with the VM-instruction error field and
 * its meaning (Intel SDM "VM-Instruction Error Numbers"). A failure of a VMX
 * instruction on a VMCS the hypervisor built is a hypervisor bug: panic.
 */
#include "hw/vmcs_fields.h"
#include "lib/log.h"
#include "vmx/vmx.h"
#include "vmx/vmx_ops.h"

static const char *const vm_errors[] = {
	[1] = "VMCALL executed in VMX root operation",
	[2] = "VMCLEAR with invalid physical address",
	[3] = "VMCLEAR with VMXON pointer",
	[4] = "VMLAUNCH with non-clear VMCS",
	[5] = "VMRESUME with non-launched VMCS",
	[6] = "VMRESUME after VMXOFF",
	[7] = "VM entry with invalid control field(s)",
	[8] = "VM entry with invalid host-state field(s)",
	[9] = "VMPTRLD with invalid physical address",
	[10] = "VMPTRLD with VMXON pointer",
	[11] = "VMPTRLD with incorrect VMCS revision identifier",
	[12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
	[13] = "VMWRITE to read-only VMCS component",
	[15] = "VMXON executed in VMX root operation",
	[16] = "VM entry with invalid executive-VMCS pointer",
	[17] = "VM entry with non-launched executive VMCS",
	[18] = "VM entry with executive-VMCS pointer not VMXON pointer",
	[19] = "VMCALL with non-clear VMCS",
	[20] = "VMCALL with invalid VM-exit control fields",
	[22] = "VMCALL with incorrect MSEG revision identifier",
	[23] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
	[24] = "VMCALL with invalid SMM-monitor features",
	[25] = "VM entry with invalid VM-execution control fields in executive VMCS",
	[26] = "VM entry with events blocked by MOV SS",
	[28] = "invalid operand to INVEPT/INVVPID",
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
