/*
 * APIC virtualization (Intel SDM vol. 3, "APIC Virtualization and Virtual
 * Interrupts") for the domains that use it: config `apicv` (default on),
 * where the CPU has the whole set (vmx_has_apicv()). The vCPU's local APIC
 * register page (dev/lapic.h) is its virtual-APIC page, and the EPT maps the
 * domain's APIC-access page at 0xFEE00000, so the CPU itself answers the
 * guest's reads of APIC registers and its TPR writes (MOV CR8 included),
 * delivers the highest pending vector when the guest can take it
 * (virtual-interrupt delivery: no event injection, no interrupt window) and
 * retires it at EOI. What still needs the model comes here:
 *  - writes with side effects (ICR, timer, LVTs, SVR, ...): the CPU stores
 *    the value in the page and exits after the instruction (APIC-write
 *    exit); the model applies the stored value;
 *  - EOIs of level-triggered vectors, which the I/O APIC must see: the
 *    EOI-exit bitmap is the TMR (EOI-induced exit, after the CPU retired it);
 *  - accesses the CPU does not virtualize (the timer's current count,
 *    narrow or misaligned ones): an APIC-access exit before the instruction,
 *    emulated through the device bus like any MMIO access.
 * Interrupts other CPUs send are posted in the model (vlapic pir) and moved
 * into the page by this vCPU's CPU before an entry (vmx/inject.c), which
 * then sets RVI and SVI from the page (apicv_sync).
 */
#include "hw/apic.h"
#include "hw/vmx_ctrl.h"
#include "hw/vmx_exit.h"
#include "lib/x86.h"
#include "mm/mem.h"
#include "vmx/apicv.h"
#include "vmx/caps.h"
#include "vmx/exit.h"
#include "vmx/guest.h"
#include "vmx/vmx.h"
#include "vmx/vmx_ops.h"

#define TMR_PER_EOI_WORD 2      /* TMR words (32 vectors) per EOI-exit field */

static const uint32_t eoi_exit_field[VCPU_EOI_EXIT_WORDS] = {
	VMCS_EOI_EXIT_BITMAP0, VMCS_EOI_EXIT_BITMAP1, VMCS_EOI_EXIT_BITMAP2, VMCS_EOI_EXIT_BITMAP3,
};

/*
 * Whether the CPU virtualizes the guest's accesses to the APIC-access page,
 * which the EPT maps at the default base: while the vCPU's APIC is there in
 * xAPIC mode. Disabled, in x2APIC mode or moved, the APIC answers no MMIO
 * there: the page is then plain memory, the domain's APIC-access page, as
 * the CPU's own APIC leaves the addresses to whatever lies below; the x2APIC
 * registers are MSRs, which the MSR bitmap sends to the model, and a moved
 * page is reached through EPT violations (vcpu_mmio_find), as KVM does
 * without its APIC virtualization for a moved APIC.
 */
static bool virtualizes_page(const struct vlapic *l)
{
	const struct bus_range *r = vlapic_mmio(l);
	return r && r->base == APIC_DEFAULT_PHYS_BASE;
}

void apicv_setup_vmcs(struct vcpu *v, uint32_t *proc, uint32_t *proc2)
{
	/* With the TPR shadow, MOV CR8 reads and writes the page's TPR: no CR8 exits. */
	*proc = (*proc | PROC_USE_TPR_SHADOW) & ~(uint32_t)(PROC_CR8_LOAD_EXITING | PROC_CR8_STORE_EXITING);
	*proc2 |= vmx_caps.apicv_proc2;
	if (!virtualizes_page(&v->vlapic))
		*proc2 &= ~(uint32_t)PROC2_VIRTUALIZE_APIC_ACCESSES;
	vmcs_write64(VMCS_VIRTUAL_APIC_PAGE_ADDR, virt_to_phys(v->vlapic.regs));
	vmcs_write64(VMCS_APIC_ACCESS_ADDR, v->guest->apic_access_pa);
	vmcs_write32(VMCS_TPR_THRESHOLD, 0);
	vmcs_write16(VMCS_GUEST_INTERRUPT_STATUS, 0);
	for (unsigned i = 0; i < VCPU_EOI_EXIT_WORDS; i++) {
		v->eoi_exit[i] = 0;
		vmcs_write_checked(eoi_exit_field[i], 0);
	}
}

void apicv_sync(struct vcpu *v)
{
	const struct vlapic *l = &v->vlapic;
	int rvi = vlapic_highest_irr(l), svi = vlapic_highest_isr(l);
	vmcs_write16(VMCS_GUEST_INTERRUPT_STATUS,
	             (uint16_t)((svi < 0 ? 0 : svi) << GUEST_INTR_STATUS_SVI_SHIFT | (rvi < 0 ? 0 : rvi)));
	for (unsigned i = 0; i < VCPU_EOI_EXIT_WORDS; i++) {
		uint64_t want = vlapic_tmr_word(l, TMR_PER_EOI_WORD * i) |
		                (uint64_t)vlapic_tmr_word(l, TMR_PER_EOI_WORD * i + 1) << 32;
		if (want != v->eoi_exit[i]) {
			v->eoi_exit[i] = want;
			vmcs_write_checked(eoi_exit_field[i], want);
		}
	}
}

void apicv_apic_base_changed(struct vcpu *v)
{
	if (!guest_apicv(v->guest))
		return;
	uint32_t proc2 = vmcs_read32(VMCS_SECONDARY_VM_EXEC_CONTROL);
	if (virtualizes_page(&v->vlapic))
		proc2 |= PROC2_VIRTUALIZE_APIC_ACCESSES;
	else
		proc2 &= ~(uint32_t)PROC2_VIRTUALIZE_APIC_ACCESSES;
	vmcs_write32(VMCS_SECONDARY_VM_EXEC_CONTROL, proc2);
}

enum exit_action exit_apic_access(struct vcpu *v)
{
	uint64_t q = exit_qual();
	uint32_t off = (uint32_t)(q & APIC_ACCESS_QUAL_OFFSET_MASK);
	unsigned type = (unsigned)(q >> APIC_ACCESS_QUAL_TYPE_SHIFT) & APIC_ACCESS_QUAL_TYPE_MASK;
	exit_set_key(v, off);
	if (type != APIC_ACCESS_LINEAR_READ && type != APIC_ACCESS_LINEAR_WRITE)
		return exit_stop(v, "APIC access of type %u at offset 0x%x (an instruction fetch or event "
		                 "delivery through the local APIC's page)", type, off);
	return vcpu_emulate_mmio(v, APIC_DEFAULT_PHYS_BASE + off, type == APIC_ACCESS_LINEAR_WRITE);
}

enum exit_action exit_apic_write(struct vcpu *v)
{
	uint32_t off = (uint32_t)(exit_qual() & APIC_WRITE_QUAL_OFFSET_MASK);
	exit_set_key(v, off);
	vlapic_apply_stored_write(&v->vlapic, off, rdtsc());
	return EXIT_RESUME;
}

enum exit_action exit_virtualized_eoi(struct vcpu *v)
{
	unsigned vector = (unsigned)(exit_qual() & VIRTUALIZED_EOI_QUAL_VECTOR_MASK);
	exit_set_key(v, vector);
	vlapic_eoi_done(&v->vlapic, vector);
	return EXIT_RESUME;
}
