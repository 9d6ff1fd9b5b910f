/*
 * The exit path: the exit stub calls vmx_exit(), which decodes the exit and
 * runs its handler from a const table indexed by basic exit reason. Each
 * handler returns what the run loop should do next; only handlers that
 * emulate an instruction advance RIP (vcpu_skip_insn).
 */
#ifndef VMX_EXIT_H
#define VMX_EXIT_H

#include <stdint.h>
#include "hw/cr.h"
#include "hw/vmx_exit.h"
#include "vmx/vcpu.h"
#include "vmx/vmx_ops.h"

typedef enum exit_action (*exit_handler_fn)(struct vcpu *v);

/*
 * Called by the exit stub (vmx/entry.asm), through v->exit_entry, with the
 * guest's registers in v: decode the exit, run its handler and return
 * EXIT_RESUME_NOW when the guest may go on at once, any other action for
 * vmx_run() to return. vmx_exit_traced() is the same path that also writes
 * the exit trace; v->exit_entry is the one of the two that runs, and says
 * whether v is traced.
 */
enum exit_action vmx_exit(struct vcpu *v);
enum exit_action vmx_exit_traced(struct vcpu *v);
static inline bool vcpu_traced(const struct vcpu *v)
{
	return __atomic_load_n(&v->exit_entry, __ATOMIC_RELAXED) == vmx_exit_traced;
}
/* The end of v's exit at TSC `now`, just before its next entry: statistics, and the trace when on. */
void vmx_exit_close(struct vcpu *v, uint64_t now);
const char *exit_reason_name(uint32_t reason);

/* Helpers for handlers. */

/*
 * The statistics sub-key of the exit being handled (vmx/exit_stats.h):
 * handlers of keyed reasons set it first, from what they decode anyway. The
 * counts-only build skips it, so that its cost is part of what the
 * statistics are measured to cost.
 */
static inline void exit_set_key(struct vcpu *v, uint32_t key)
{
#ifndef HINOKI_NO_EXIT_STATS
	v->exit.key = key;
#else
	(void)v, (void)key;
#endif
}

/* The current exit's qualification (reasons without one read 0). */
static inline uint64_t exit_qual(void)
{
	return vmcs_readnat(VMCS_EXIT_QUALIFICATION);
}

/*
 * Advance the guest past `len` bytes of an instruction that retired, as the
 * CPU would have: any STI/MOV-SS blocking the instruction carried ends with
 * it, and with RFLAGS.TF set a single-step #DB follows it: BS in the pending
 * debug exceptions field makes the next entry deliver it ("Guest
 * Non-Register State"; the entry checks require BS whenever TF is set under
 * STI or MOV-SS blocking, which has just ended). Not with IA32_DEBUGCTL.BTF,
 * which steps on branches only, and no instruction that exits is one: BS is
 * then cleared, since a CPU may have saved it set at the exit (Bochs 2.7
 * saves it for every exit under TF, where the SDM saves it clear). Inline,
 * without a call, so that the handlers it ends keep their registers.
 */
static inline void vcpu_retire_insn(uint32_t len)
{
	vmcs_writenat(VMCS_GUEST_RIP, vmcs_readnat(VMCS_GUEST_RIP) + len);
	uint32_t intr = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY_INFO);
	if (__builtin_expect(intr & INTERRUPTIBILITY_BLOCKING, 0))
		vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY_INFO, intr & ~INTERRUPTIBILITY_BLOCKING);
	if (__builtin_expect(vmcs_readnat(VMCS_GUEST_RFLAGS) & RFLAGS_TF, 0)) {
		uint64_t pending = vmcs_readnat(VMCS_GUEST_PENDING_DBG_EXCEPTIONS) & ~(uint64_t)PENDING_DBG_BS;
		if (!(vmcs_read64(VMCS_GUEST_IA32_DEBUGCTL) & DEBUGCTL_BTF))
			pending |= PENDING_DBG_BS;
		vmcs_writenat(VMCS_GUEST_PENDING_DBG_EXCEPTIONS, pending);
	}
}

/* A jump's retirement: RIP to target, a single step following it under TF (with BTF too: it is a branch). */
static inline void vcpu_retire_branch(uint32_t len, uint64_t target)
{
	vcpu_retire_insn(len);
	vmcs_writenat(VMCS_GUEST_RIP, target);
	if ((vmcs_readnat(VMCS_GUEST_RFLAGS) & RFLAGS_TF) && (vmcs_read64(VMCS_GUEST_IA32_DEBUGCTL) & DEBUGCTL_BTF))
		vmcs_writenat(VMCS_GUEST_PENDING_DBG_EXCEPTIONS,
		              vmcs_readnat(VMCS_GUEST_PENDING_DBG_EXCEPTIONS) | PENDING_DBG_BS);
}

/* Advance the guest past the instruction that exited, prefixes included (inline: most exits do it). */
static inline void vcpu_skip_insn(struct vcpu *v)
{
	(void)v;
	vcpu_retire_insn(vmcs_read32(VMCS_VM_EXIT_INSTRUCTION_LEN));
}
/*
 * Stop the domain: record why in v (for dom/ to report with v's registers
 * once the action reaches it) and return EXIT_STOPPED for the handler to return.
 */
enum exit_action exit_stop(struct vcpu *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vcpu_inject_exception(struct vcpu *v, unsigned vector, int has_code, uint32_t code);
/* CPL is SS.DPL ("Checks on Guest Segment Registers"); inline, since every hypercall asks. */
static inline unsigned vcpu_cpl(void)
{
	return (vmcs_read32(VMCS_GUEST_SS_AR_BYTES) >> 5) & 3;
}
uint64_t vcpu_read_gpr(const struct vcpu *v, unsigned r);
void vcpu_write_gpr(struct vcpu *v, unsigned r, uint64_t val);

/* Handlers, one file per exit family. */
enum exit_action exit_cpuid(struct vcpu *v);
enum exit_action exit_io(struct vcpu *v);
enum exit_action exit_rdmsr(struct vcpu *v);
enum exit_action exit_wrmsr(struct vcpu *v);
enum exit_action exit_cr_access(struct vcpu *v);
enum exit_action exit_vmcall(struct vcpu *v);
enum exit_action exit_hlt(struct vcpu *v);
/*
 * Before an entry of v while its halt_deadline is set: true, and its domain
 * stopped, when the HLT nothing could end has waited out its limit; false
 * (the deadline cleared) when something woke v before.
 */
bool vcpu_halt_over(struct vcpu *v, uint64_t now);
enum exit_action exit_ept_violation(struct vcpu *v);
/*
 * The guest's instruction at RIP accessed device memory at `gpa` (an EPT
 * violation, or an APIC access the CPU did not virtualize): decoded and done
 * on the domain's bus (vmx/mmio_emulate.c).
 */
enum exit_action vcpu_emulate_mmio(struct vcpu *v, uint64_t gpa, bool write);
/* The device an access by v at gpa reaches: its own local APIC's page first, then the domain's bus; NULL: none. */
const struct bus_range *vcpu_mmio_find(const struct vcpu *v, uint64_t gpa);
/* APIC virtualization's exits (vmx/apicv.c). */
enum exit_action exit_apic_access(struct vcpu *v);
enum exit_action exit_apic_write(struct vcpu *v);
enum exit_action exit_virtualized_eoi(struct vcpu *v);
enum exit_action exit_ept_misconfig(struct vcpu *v);
enum exit_action exit_triple_fault(struct vcpu *v);
enum exit_action exit_init_signal(struct vcpu *v);
enum exit_action exit_inject_ud(struct vcpu *v);
enum exit_action exit_skip(struct vcpu *v);
enum exit_action exit_task_switch(struct vcpu *v);
enum exit_action exit_external_interrupt(struct vcpu *v);
enum exit_action exit_nmi(struct vcpu *v);
enum exit_action exit_preemption_timer(struct vcpu *v);
enum exit_action exit_entry_failure(struct vcpu *v);

#endif
