/*
 * Control-register exits: writes to host-owned CR0/CR4 bits (see
 * vmx/guest_cr.h), CR3 accesses where the CPU forces CR3 exiting, CR8 (the
 * virtual local APIC's TPR), CLTS and LMSW. Turning paging on with EFER.LME
 * set enters IA-32e mode, which under VMX the hypervisor must mirror in
 * EFER.LMA and the IA-32e-mode-guest entry control ("Guest Register State",
 * "VM-Entry Controls").
 */
#include "hw/cr.h"
#include "hw/segment.h"
#include "hw/vmx_ctrl.h"
#include "hw/vmx_exit.h"
#include "lib/string.h"
#include "mm/mem.h"
#include "vmx/caps.h"
#include "vmx/entry_check.h"
#include "vmx/exit.h"
#include "vmx/guest.h"
#include "vmx/guest_cr.h"
#include "vmx/vmx_ops.h"

/* IA-32e mode with a 64-bit code segment (CS.L), as opposed to compatibility mode. */
static bool in_64bit_mode(uint64_t efer)
{
	return (efer & EFER_LMA) && (vmcs_read32(VMCS_GUEST_CS_AR_BYTES) & AR_L);
}

/*
 * PAE paging outside IA-32e mode keeps four PDPTEs in the CPU, loaded from
 * CR3 by the MOV that turns it on or changes it ("PDPTE Registers"). A VM
 * entry with EPT loads them from the VMCS, so when the hypervisor performs
 * that MOV it loads them there. A present entry with a reserved bit set
 * makes the MOV fault: -1, #GP.
 */
static int load_pdptes(const struct vcpu *v, uint64_t cr3)
{
	const struct vmx_guest *g = v->guest;
	uint64_t gpa = cr3 & CR3_PAE_PDPT, e[PAE_PDPTES];
	uint64_t reserved = pdpte_reserved_bits(vmx_caps.phys_bits);
	if (gpa + sizeof e > g->ram_bytes)
		return -1;   /* not RAM: what would be read is all ones, reserved bits set */
	memcpy(e, (const uint8_t *)phys_to_virt(g->ram_hpa) + gpa, sizeof e);
	for (unsigned i = 0; i < PAE_PDPTES; i++)
		if ((e[i] & PDPTE_P) && (e[i] & reserved))
			return -1;
	vmcs_write64(VMCS_GUEST_PDPTE0, e[0]);
	vmcs_write64(VMCS_GUEST_PDPTE1, e[1]);
	vmcs_write64(VMCS_GUEST_PDPTE2, e[2]);
	vmcs_write64(VMCS_GUEST_PDPTE3, e[3]);
	return 0;
}

/* The CR0 and CR4 bits whose change reloads the PDPTEs when PAE paging is (or comes) on. */
#define PDPTE_CR0_BITS (CR0_PG | CR0_CD | CR0_NW)
#define PDPTE_CR4_BITS (CR4_PAE | CR4_PGE | CR4_PSE | CR4_SMEP)

static bool pae_paging(uint64_t cr0, uint64_t cr4, uint64_t efer)
{
	return (cr0 & CR0_PG) && (cr4 & CR4_PAE) && !(efer & EFER_LMA);
}

/*
 * Returns 0, or -1 when the value would fault on hardware (the caller
 * injects #GP): the checks of "MOV—Move to/from Control Registers" and
 * "Control Registers" (SDM), so that no value a guest writes makes a VM
 * entry fail.
 */
static int set_cr0(const struct vcpu *v, uint64_t val)
{
	/* PG is host-owned, so the read shadow holds the guest's PG exactly: one VMREAD, not guest_cr0(). */
	bool was_paging = vmcs_readnat(VMCS_CR0_READ_SHADOW) & CR0_PG;
	if ((val >> 32) || ((val & CR0_PG) && !(val & CR0_PE)) || ((val & CR0_NW) && !(val & CR0_CD)))
		return -1;
	uint64_t efer = vmcs_read64(VMCS_GUEST_IA32_EFER), cr4 = guest_cr4();
	/* Paging goes off only from compatibility or legacy mode, and with PCIDE clear. */
	if (!(val & CR0_PG) && was_paging && (in_64bit_mode(efer) || (cr4 & CR4_PCIDE)))
		return -1;
	/* With LME, paging on enters IA-32e mode below, not PAE paging. */
	if (!(efer & EFER_LME) && pae_paging(val, cr4, efer) && ((val ^ guest_cr0()) & PDPTE_CR0_BITS) &&
	    load_pdptes(v, vmcs_readnat(VMCS_GUEST_CR3)))
		return -1;
	if ((val & CR0_PG) && !was_paging && (efer & EFER_LME)) {
		if (!(cr4 & CR4_PAE))
			return -1;
		vmcs_write64(VMCS_GUEST_IA32_EFER, efer | EFER_LMA);
		vmcs_write32(VMCS_VM_ENTRY_CONTROLS, vmcs_read32(VMCS_VM_ENTRY_CONTROLS) | ENTRY_CTL_IA32E_MODE_GUEST);
	} else if (!(val & CR0_PG) && was_paging && (efer & EFER_LMA)) {
		vmcs_write64(VMCS_GUEST_IA32_EFER, efer & ~EFER_LMA);
		vmcs_write32(VMCS_VM_ENTRY_CONTROLS, vmcs_read32(VMCS_VM_ENTRY_CONTROLS) & ~(uint32_t)ENTRY_CTL_IA32E_MODE_GUEST);
	}
	vmcs_writenat(VMCS_CR0_READ_SHADOW, val);
	vmcs_writenat(VMCS_GUEST_CR0, guest_cr0_real(val));
	return 0;
}

static int set_cr4(const struct vcpu *v, uint64_t val)
{
	if ((val >> 32) || (val & guest_cr4_reserved()))
		return -1;
	uint64_t efer = vmcs_read64(VMCS_GUEST_IA32_EFER), old = guest_cr4();
	/* IA-32e mode needs PAE and keeps its paging depth; PCIDE exists only there, and is set with CR3[11:0] = 0. */
	if ((efer & EFER_LMA) && (!(val & CR4_PAE) || ((val ^ old) & CR4_LA57)))
		return -1;
	if ((val & CR4_PCIDE) && !(old & CR4_PCIDE) &&
	    (!(efer & EFER_LMA) || (vmcs_readnat(VMCS_GUEST_CR3) & CR3_PCID_MASK)))
		return -1;
	if (pae_paging(guest_cr0(), val, efer) && ((val ^ old) & PDPTE_CR4_BITS) &&
	    load_pdptes(v, vmcs_readnat(VMCS_GUEST_CR3)))
		return -1;
	vmcs_writenat(VMCS_CR4_READ_SHADOW, val);
	vmcs_writenat(VMCS_GUEST_CR4, guest_cr4_real(val));
	return 0;
}

/* With PCIDE, bit 63 asks the CPU to keep the PCID's translations and is not written. */
static int set_cr3(const struct vcpu *v, uint64_t val)
{
	uint64_t cr4 = guest_cr4();
	if (cr4 & CR4_PCIDE)
		val &= ~CR3_PCID_NOFLUSH;
	if (pae_paging(guest_cr0(), cr4, vmcs_read64(VMCS_GUEST_IA32_EFER)) && load_pdptes(v, val))
		return -1;
	vmcs_writenat(VMCS_GUEST_CR3, val);
	return 0;
}

/* CR8 is the local APIC's TPR bits 7:4 ("Task Priority in IA-32e Mode"); bits 63:4 are reserved. */
#define CR8_TPR_SHIFT 4
static int set_cr8(struct vcpu *v, uint64_t val)
{
	if (val >> CR8_TPR_SHIFT)
		return -1;
	vlapic_write(&v->vlapic, APIC_REG_TPR, 4, (uint32_t)val << CR8_TPR_SHIFT, 0);
	return 0;
}

enum exit_action exit_cr_access(struct vcpu *v)
{
	unsigned long q = exit_qual();
	unsigned cr = cr_qual_cr(q), gpr = cr_qual_gpr(q);
	int rc = 0;

	switch (cr_qual_type(q)) {
	case CR_ACCESS_MOV_TO:
		if (cr == 0)
			rc = set_cr0(v, vcpu_read_gpr(v, gpr));
		else if (cr == 4)
			rc = set_cr4(v, vcpu_read_gpr(v, gpr));
		else if (cr == 3)
			rc = set_cr3(v, vcpu_read_gpr(v, gpr));
		else if (cr == 8)
			rc = set_cr8(v, vcpu_read_gpr(v, gpr));
		else
			rc = -1;
		break;
	case CR_ACCESS_MOV_FROM:
		if (cr == 3)
			vcpu_write_gpr(v, gpr, vmcs_readnat(VMCS_GUEST_CR3));
		else if (cr == 8)
			vcpu_write_gpr(v, gpr, vlapic_read(&v->vlapic, APIC_REG_TPR, 4, 0) >> CR8_TPR_SHIFT);
		else
			rc = -1;
		break;
	case CR_ACCESS_CLTS:
		rc = set_cr0(v, guest_cr0() & ~CR0_TS);
		break;
	case CR_ACCESS_LMSW: {
		/* LMSW loads CR0[3:0] but cannot clear PE. */
		uint64_t cr0 = guest_cr0();
		uint64_t msw = cr_qual_lmsw(q) & (CR0_PE | CR0_MP | CR0_EM | CR0_TS);
		rc = set_cr0(v, (cr0 & ~(CR0_MP | CR0_EM | CR0_TS)) | msw);
		break;
	}
	}
	if (rc) {
		vcpu_inject_exception(v, VEC_GP, 1, 0);
		return EXIT_RESUME;
	}
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}
