/*
 * LTR carried out for a guest whose selector operand lies in device memory
 * (the instruction faulted on its read). The rest is what the CPU does
 * (SDM "LTR—Load Task Register"): the descriptor from the GDT, checked,
 * marked busy there and loaded into TR, or the exception the CPU raises.
 * CPL 0 and protected mode were checked by the CPU before the read.
 */
#include "hw/segment.h"
#include "hw/vmx_exit.h"
#include "vmx/caps.h"
#include "vmx/exit.h"
#include "vmx/guest_ltr.h"
#include "vmx/guest_mem.h"
#include "vmx/msr_table.h"
#include "vmx/vmx_ops.h"

static enum exit_action raise(struct vcpu *v, unsigned vector, uint16_t sel)
{
	vcpu_inject_exception(v, vector, 1, sel & SELECTOR_INDEX_TI_MASK);
	return EXIT_RESUME;
}

enum exit_action guest_ltr(struct vcpu *v, uint16_t sel, unsigned len)
{
	bool long_mode = (vmcs_read64(VMCS_GUEST_IA32_EFER) & EFER_LMA) != 0;   /* IA-32e: 16-byte descriptors */
	unsigned bytes = long_mode ? 2 * DESC_BYTES : DESC_BYTES;
	uint64_t at = (uint64_t)(sel & ~7u);
	if (!(sel & SELECTOR_INDEX_TI_MASK))
		return raise(v, VEC_GP, 0);   /* the null selector: #GP(0) */
	if ((sel & SEL_TI) || at + bytes - 1 > vmcs_read32(VMCS_GUEST_GDTR_LIMIT))
		return raise(v, VEC_GP, sel);

	uint64_t d[2] = { 0, 0 }, la = vmcs_readnat(VMCS_GUEST_GDTR_BASE) + at;
	bool stop;
	if (!long_mode)
		la = (uint32_t)la;
	if (!vcpu_copy_linear(v, la, d, bytes, false, "LTR's descriptor", &stop))
		return stop ? EXIT_STOPPED : EXIT_RESUME;
	unsigned type = DESC_TYPE_OF(d[0]);
	bool tss = type == SEG_TYPE_TSS64_AVAIL || (!long_mode && type == SEG_TYPE_TSS16_AVAIL);
	if ((d[0] & DESC_S) || !tss)
		return raise(v, VEC_GP, sel);
	if (!(d[0] & DESC_P))
		return raise(v, VEC_NP, sel);
	uint64_t base = DESC_BASE(d[0]) | (long_mode ? d[1] << 32 : 0);
	if (long_mode && (DESC_HI_TYPE(d[1]) || !addr_canonical(base, vmx_linear_bits())))
		return raise(v, VEC_GP, sel);

	/* Busy in the GDT first, as the CPU's locked write does; a fault there leaves TR as it was. */
	d[0] |= DESC_BUSY;
	if (!vcpu_copy_linear(v, la, d, DESC_BYTES, true, "LTR's descriptor", &stop))
		return stop ? EXIT_STOPPED : EXIT_RESUME;
	uint32_t limit = DESC_LIMIT(d[0]);
	if (d[0] & DESC_G)
		limit = limit << 12 | SEG_LIMIT_PAGE_LOW;
	vmcs_write16(VMCS_GUEST_TR_SELECTOR, sel);
	vmcs_writenat(VMCS_GUEST_TR_BASE, base);
	vmcs_write32(VMCS_GUEST_TR_LIMIT, limit);
	vmcs_write32(VMCS_GUEST_TR_AR_BYTES, DESC_AR(d[0]));
	vcpu_retire_insn(len);
	return EXIT_RESUME;
}
