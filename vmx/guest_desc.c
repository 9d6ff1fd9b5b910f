/*
 * Segment loads carried out for a guest whose operand lies in device memory
 * (the instruction faulted on reading it): LTR ("LTR—Load Task Register"),
 * a far JMP to a code segment ("JMP—Jump", protected and IA-32e mode) and
 * MOV to a data segment register or SS ("MOV—Move").
 * The rest is what the CPU does: the descriptor from the GDT (or LDT),
 * checked, marked busy or accessed there and loaded, or the exception the
 * CPU raises. CPL 0 for LTR and protected mode were checked by the CPU
 * before the operand's read.
 */
#include "hw/segment.h"
#include "hw/vmx_exit.h"
#include "vmx/caps.h"
#include "vmx/exit.h"
#include "vmx/guest_desc.h"
#include "vmx/guest_mem.h"
#include "vmx/msr_table.h"
#include "vmx/vmx_ops.h"

#define DESC_DPL(d)      ((unsigned)((d) >> 45) & 3)
#define DESC_ACCESSED    BIT(40)

static enum exit_action raise(struct vcpu *v, unsigned vector, uint16_t sel)
{
	vcpu_inject_exception(v, vector, 1, sel & SELECTOR_INDEX_TI_MASK);
	return EXIT_RESUME;
}

static bool ia32e(void)
{
	return (vmcs_read64(VMCS_GUEST_IA32_EFER) & EFER_LMA) != 0;
}

/*
 * The `bytes`-byte descriptor sel names, from the GDT or the LDT, and its
 * linear address. False with #GP(sel) raised for one beyond its table's
 * limit (or an unusable LDT), with a #PF raised, or with *stop.
 */
static bool fetch(struct vcpu *v, uint16_t sel, unsigned bytes, uint64_t d[2], uint64_t *la, bool *stop)
{
	uint64_t base = vmcs_readnat(VMCS_GUEST_GDTR_BASE), limit = vmcs_read32(VMCS_GUEST_GDTR_LIMIT);
	uint64_t at = sel & ~7u;
	*stop = false;
	if (sel & SEL_TI) {
		base = vmcs_readnat(VMCS_GUEST_LDTR_BASE), limit = vmcs_read32(VMCS_GUEST_LDTR_LIMIT);
		if (vmcs_read32(VMCS_GUEST_LDTR_AR_BYTES) & AR_UNUSABLE)
			limit = 0, at = ~0ULL;
	}
	if (at == ~0ULL || at + bytes - 1 > limit) {
		raise(v, VEC_GP, sel);
		return false;
	}
	*la = ia32e() ? base + at : (uint32_t)(base + at);
	d[0] = d[1] = 0;
	return vcpu_copy_linear(v, *la, d, bytes, false, "a descriptor", stop);
}

static uint32_t desc_limit(uint64_t d)
{
	uint32_t limit = DESC_LIMIT(d);
	return d & DESC_G ? limit << 12 | SEG_LIMIT_PAGE_LOW : limit;
}

enum exit_action guest_ltr(struct vcpu *v, uint16_t sel, unsigned len)
{
	bool long_mode = ia32e();   /* IA-32e: 16-byte system descriptors */
	unsigned bytes = long_mode ? 2 * DESC_BYTES : DESC_BYTES;
	uint64_t d[2], la;
	bool stop;
	if (!(sel & SELECTOR_INDEX_TI_MASK))
		return raise(v, VEC_GP, 0);   /* the null selector: #GP(0) */
	if (sel & SEL_TI)
		return raise(v, VEC_GP, sel);
	if (!fetch(v, sel, bytes, d, &la, &stop))
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
	vmcs_write16(VMCS_GUEST_TR_SELECTOR, sel);
	vmcs_writenat(VMCS_GUEST_TR_BASE, base);
	vmcs_write32(VMCS_GUEST_TR_LIMIT, desc_limit(d[0]));
	vmcs_write32(VMCS_GUEST_TR_AR_BYTES, DESC_AR(d[0]));
	vcpu_retire_insn(len);
	return EXIT_RESUME;
}

enum exit_action guest_far_jmp(struct vcpu *v, uint16_t sel, uint64_t offset, unsigned len)
{
	uint64_t d[2], la;
	bool stop;
	unsigned cpl = vcpu_cpl();
	if (!(sel & SELECTOR_INDEX_TI_MASK))
		return raise(v, VEC_GP, 0);
	if (!fetch(v, sel, DESC_BYTES, d, &la, &stop))
		return stop ? EXIT_STOPPED : EXIT_RESUME;
	unsigned type = DESC_TYPE_OF(d[0]);
	if (!(d[0] & DESC_S))
		return exit_stop(v, "far JMP through device memory to a gate or TSS (selector 0x%x): not emulated", sel);
	if (!(type & SEG_TYPE_CODE))
		return raise(v, VEC_GP, sel);
	bool conforming = type & SEG_TYPE_CONFORMING;
	if (conforming ? DESC_DPL(d[0]) > cpl : ((sel & SEL_RPL_MASK) > cpl || DESC_DPL(d[0]) != cpl))
		return raise(v, VEC_GP, sel);
	if (!(d[0] & DESC_P))
		return raise(v, VEC_NP, sel);
	bool to64 = ia32e() && (d[0] & DESC_L);
	if (to64 && (d[0] & DESC_DB))
		return raise(v, VEC_GP, sel);
	uint32_t limit = desc_limit(d[0]);
	if (to64 ? !addr_canonical(offset, vmx_linear_bits()) : offset > limit)
		return raise(v, VEC_GP, 0);
	if (!(d[0] & DESC_ACCESSED)) {
		d[0] |= DESC_ACCESSED;
		if (!vcpu_copy_linear(v, la, d, DESC_BYTES, true, "far JMP's descriptor", &stop))
			return stop ? EXIT_STOPPED : EXIT_RESUME;
	}
	vmcs_write16(VMCS_GUEST_CS_SELECTOR, (sel & ~SEL_RPL_MASK) | cpl);
	vmcs_writenat(VMCS_GUEST_CS_BASE, DESC_BASE(d[0]));
	vmcs_write32(VMCS_GUEST_CS_LIMIT, limit);
	vmcs_write32(VMCS_GUEST_CS_AR_BYTES, DESC_AR(d[0]));
	vcpu_retire_branch(len, offset);
	return EXIT_RESUME;
}

/* A segment register's four VMCS fields, in the SDM's order (ES, CS, SS, DS, FS, GS) two encodings apart. */
#define SEG_FIELD_STEP 2

static void load_seg(enum seg_reg seg, uint16_t sel, uint64_t base, uint32_t limit, uint32_t ar)
{
	unsigned at = SEG_FIELD_STEP * seg;
	vmcs_write_checked(VMCS_GUEST_ES_SELECTOR + at, sel);
	vmcs_write_checked(VMCS_GUEST_ES_BASE + at, base);
	vmcs_write_checked(VMCS_GUEST_ES_LIMIT + at, limit);
	vmcs_write_checked(VMCS_GUEST_ES_AR_BYTES + at, ar);
}

enum exit_action guest_mov_sreg(struct vcpu *v, enum seg_reg seg, uint16_t sel, unsigned len)
{
	uint64_t d[2], la;
	bool stop, ss = seg == SEG_SS;
	unsigned cpl = vcpu_cpl(), rpl = sel & SEL_RPL_MASK;
	if (!(sel & SELECTOR_INDEX_TI_MASK)) {
		/* A null SS only in 64-bit mode, below CPL 3, with RPL = CPL; the others may always be null. */
		if (ss && (cpl == 3 || !vcpu_in_64bit_mode() || rpl != cpl))
			return raise(v, VEC_GP, 0);
		/*
		 * Unusable, the DPL kept at CPL for SS (VM entry checks SS.DPL
		 * whether usable or not); FS and GS keep their base, which 64-bit
		 * code sets through the MSRs.
		 */
		bool keep_base = seg == SEG_FS || seg == SEG_GS;
		load_seg(seg, sel, keep_base ? vmcs_read_checked(VMCS_GUEST_ES_BASE + SEG_FIELD_STEP * seg) : 0, 0,
		         AR_UNUSABLE | (ss ? AR_DPL(cpl) : 0));
	} else {
		if (!fetch(v, sel, DESC_BYTES, d, &la, &stop))
			return stop ? EXIT_STOPPED : EXIT_RESUME;
		unsigned type = DESC_TYPE_OF(d[0]), dpl = DESC_DPL(d[0]);
		bool code = type & SEG_TYPE_CODE, rw = type & SEG_TYPE_READABLE;   /* writable data, readable code */
		if (!(d[0] & DESC_S))
			return raise(v, VEC_GP, sel);
		if (ss ? (code || !rw || rpl != cpl || dpl != cpl)
		       : ((code && !rw) || ((!code || !(type & SEG_TYPE_CONFORMING)) && (rpl > dpl || cpl > dpl))))
			return raise(v, VEC_GP, sel);
		if (!(d[0] & DESC_P))
			return raise(v, ss ? VEC_SS : VEC_NP, sel);
		if (!(d[0] & DESC_ACCESSED)) {
			d[0] |= DESC_ACCESSED;
			if (!vcpu_copy_linear(v, la, d, DESC_BYTES, true, "MOV's descriptor", &stop))
				return stop ? EXIT_STOPPED : EXIT_RESUME;
		}
		load_seg(seg, sel, DESC_BASE(d[0]), desc_limit(d[0]), DESC_AR(d[0]));
	}
	vcpu_retire_insn(len);
	/* MOV SS holds off interrupts and debug traps for one instruction ("blocking by MOV SS"). */
	if (ss)
		vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY_INFO,
		             vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY_INFO) | INTERRUPTIBILITY_MOV_SS);
	return EXIT_RESUME;
}
