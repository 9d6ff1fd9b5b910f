/*
 * Exits that are events rather than guest instructions: a host interrupt, a
 * host NMI and the end of a slice (the VMX-preemption timer).
 */
#include "boot/irq.h"
#include "hw/vmx_exit.h"
#include "vmx/exit.h"
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
		irq_handle(info & 0xff);
	return EXIT_YIELD;
}

/* The exception bitmap is empty, so only an NMI gets here; it belongs to the host. */
enum exit_action exit_nmi(struct vcpu *v)
{
	(void)v;
	return EXIT_RESUME;
}

enum exit_action exit_preemption_timer(struct vcpu *v)
{
	(void)v;
	return EXIT_YIELD;
}
