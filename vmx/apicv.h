/*
 * APIC virtualization for the domains that use it (vmx/apicv.c): the
 * vCPU's local APIC register page is its virtual-APIC page, and the CPU
 * delivers and retires its interrupts without VM exits.
 */
#ifndef VMX_APICV_H
#define VMX_APICV_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* Primary and secondary controls for v with APIC virtualization, from the negotiated ones; fields set in its VMCS. */
void apicv_setup_vmcs(struct vcpu *v, uint32_t *proc, uint32_t *proc2);

/*
 * Before an entry (vmx/inject.c): RVI and SVI in the guest interrupt
 * status are the page's highest IRR and ISR vectors, and the EOI-exit
 * bitmap is its TMR, so that level-triggered EOIs exit for the I/O APIC.
 */
void apicv_sync(struct vcpu *v);

/*
 * IA32_APIC_BASE's enable bit changed: a disabled APIC is off the bus, so
 * its accesses reach the domain's APIC-access page as memory (all ones
 * until written) instead of the virtual-APIC page.
 */
void apicv_apic_base_changed(struct vcpu *v);

#endif
