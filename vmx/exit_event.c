/*
 * Exits that are events rather than guest instructions: a host interrupt, a
 * host NMI (handed to the host's handler) and the end of a slice (the
 * VMX-preemption timer).
 */
#include "cpu/irq.h"
#include "cpu/trap.h"
#include "hw/vmx_exit.h"
#include "vmx/exit.h"
#include "vmx/guest.h"
#include "vmx/vmx_ops.h"

/*
 * A host interrupt (a kick or the local APIC timer) arrived while the guest
 * ran; the exit acknowledged it ("acknowledge interrupt on exit"). It means
 * the scheduler has something to look at, so yield the decision to it.
 */
enum exit_action exit_external_interrupt(struct vcpu *v)
{
	(void)v;
	uint32_t info = vmcs_read32(VMCS_VM_EXIT_INTR_INFO);
	if (info & INTR_INFO_VALID)
		irq_handle(info & INTR_INFO_VECTOR_MASK);
	return EXIT_YIELD;
}

/*
 * Exit reason 0 is an NMI or a guest exception the exception bitmap selects
 * (SDM table "Basic Exit Reasons"). The bitmap is empty, so an exception
 * here is the hypervisor's own mistake: the domain is stopped, naming it.
 *
 * An NMI that arrived while the guest ran belongs to the host. The exit did
 * not deliver it, but left NMIs blocked until the next IRET ("VM Exits Caused
 * by NMIs"); INT 2 runs the host's NMI handler as delivery in root mode would,
 * and that handler's IRETQ lifts the blocking (INT 2 itself sets none), so
 * the next NMI is taken as usual.
 */
enum exit_action exit_nmi(struct vcpu *v)
{
	uint32_t info = vmcs_read32(VMCS_VM_EXIT_INTR_INFO);
	if (!(info & INTR_INFO_VALID) || (info & INTR_INFO_TYPE_MASK) != INTR_TYPE_NMI) {
		return exit_stop(v, "exception exit for vector %u (interruption information 0x%x), but the "
		                 "exception bitmap is empty", info & INTR_INFO_VECTOR_MASK, info);
	}
	__asm__ volatile("int $2" ::: "memory");
	trap_report_nmis(v->guest->name);
	return EXIT_RESUME;
}

enum exit_action exit_preemption_timer(struct vcpu *v)
{
	(void)v;
	return EXIT_YIELD;
}
