/*
 * Generates build/hv/asm_offsets.inc: struct offsets for vmx/entry.asm, taken
 * from the compiler so the assembly never holds a hand-written offset.
 * Compiled to assembly only; the Makefile extracts the @@OFFSET lines.
 */
#include <stddef.h>
#include "hw/vmcs_fields.h"
#include "hinoki/hypercall.h"
#include "vmx/exit.h"
#include "vmx/vcpu.h"

#define OFFSET(sym, type, member) \
	__asm__ volatile("\n@@OFFSET " #sym " %c0" :: "i"(offsetof(type, member)))
#define CONST(sym, val) __asm__ volatile("\n@@OFFSET " #sym " %c0" :: "i"(val))

void asm_offsets(void);
void asm_offsets(void)
{
	OFFSET(VCPU_RAX, struct vcpu, gpr[GPR_RAX]);
	OFFSET(VCPU_RCX, struct vcpu, gpr[GPR_RCX]);
	OFFSET(VCPU_RDX, struct vcpu, gpr[GPR_RDX]);
	OFFSET(VCPU_RBX, struct vcpu, gpr[GPR_RBX]);
	OFFSET(VCPU_RBP, struct vcpu, gpr[GPR_RBP]);
	OFFSET(VCPU_RSI, struct vcpu, gpr[GPR_RSI]);
	OFFSET(VCPU_RDI, struct vcpu, gpr[GPR_RDI]);
	OFFSET(VCPU_R8, struct vcpu, gpr[GPR_R8]);
	OFFSET(VCPU_R9, struct vcpu, gpr[GPR_R9]);
	OFFSET(VCPU_R10, struct vcpu, gpr[GPR_R10]);
	OFFSET(VCPU_R11, struct vcpu, gpr[GPR_R11]);
	OFFSET(VCPU_R12, struct vcpu, gpr[GPR_R12]);
	OFFSET(VCPU_R13, struct vcpu, gpr[GPR_R13]);
	OFFSET(VCPU_R14, struct vcpu, gpr[GPR_R14]);
	OFFSET(VCPU_R15, struct vcpu, gpr[GPR_R15]);
	OFFSET(VCPU_EXIT_TSC, struct vcpu, exit_tsc);
	OFFSET(VCPU_LAUNCHED, struct vcpu, launched);
	OFFSET(VCPU_GPRS_WRITTEN, struct vcpu, gprs_written);
	OFFSET(VCPU_EXIT_ENTRY, struct vcpu, exit_entry);
	OFFSET(VCPU_STUB_CALLS, struct vcpu, stats.stub_calls);
	OFFSET(VCPU_IRQ_PENDING, struct vcpu, irq_pending);
	CONST(EXIT_RESUME_NOW_NR, EXIT_RESUME_NOW);
	CONST(GPRS_KEPT_BY_C_MASK, GPRS_KEPT_BY_C);
	CONST(VMCS_FIELD_HOST_RSP, VMCS_HOST_RSP);
	CONST(VMCS_FIELD_EXIT_REASON, VMCS_VM_EXIT_REASON);
	CONST(VMCS_FIELD_EXIT_INSTRUCTION_LEN, VMCS_VM_EXIT_INSTRUCTION_LEN);
	CONST(VMCS_FIELD_GUEST_RIP, VMCS_GUEST_RIP);
	CONST(VMCS_FIELD_GUEST_INTERRUPTIBILITY, VMCS_GUEST_INTERRUPTIBILITY_INFO);
	CONST(INTERRUPTIBILITY_BLOCKING, INTERRUPTIBILITY_BLOCKING);
	CONST(EXIT_REASON_VMCALL_NR, EXIT_REASON_VMCALL);
	CONST(HC_NULL_STUB_NR, HC_NULL_STUB);
}
