/*
 * An access to device memory, carried out for the guest: the instruction
 * is fetched through the guest's page tables, decoded (vmx/mmio_decode.c)
 * and done on the domain's bus. Neither an EPT violation nor an APIC-access
 * exit gives the instruction's length, so the decoded length moves RIP.
 *
 * A read-modify-write (an ALU operation to memory, XCHG) reads the device,
 * computes as the CPU would (vmx/x86_alu.c, which also gives the flags) and
 * writes the result back; LOCK changes nothing here, since the device's
 * state is only reached through its bus functions. PUSH and POP move one
 * operand between the device and the stack, whose page is checked first so
 * that a #PF does not follow a device read. The string instructions (MOVS,
 * CMPS, STOS, LODS, SCAS) go element by element, each side a device or RAM
 * as its page maps, with REP running in batches as string port I/O does
 * (vmx/exit_io.c).
 */
#include "dev/bus.h"
#include "hw/cr.h"
#include "hw/segment.h"
#include "hw/x86_insn.h"
#include "lib/fmt.h"
#include "vmx/exit.h"
#include "vmx/guest.h"
#include "vmx/guest_cr.h"
#include "vmx/guest_mem.h"
#include "vmx/mmio_decode.h"
#include "vmx/x86_alu.h"
#include "vmx/vmx.h"
#include "vmx/vmx_ops.h"

#define MMIO_REPORT_BYTES 8         /* instruction bytes named when one cannot be emulated */

static enum exit_action mmio_stop(struct vcpu *v, const char *what, uint64_t gpa, const struct bus_range *r,
                                  uint64_t rip, const char *why, const uint8_t *bytes, unsigned n)
{
	char hex[3 * MMIO_REPORT_BYTES + 1] = "";
	unsigned at = 0;
	for (unsigned i = 0; i < n && i < MMIO_REPORT_BYTES; i++)
		at += (unsigned)fmt_snprintf(hex + at, sizeof hex - at, "%s%02x", i ? " " : "", bytes[i]);
	return exit_stop(v, "MMIO %s at 0x%lx (%s): %s%s%s at rip 0x%lx", what, gpa, r->kind->name,
	                 why, n ? ", bytes " : "", hex, rip);
}

/* The stack pointer's width in bytes: 8 in 64-bit mode, else SS.B's 4 or 2. */
static unsigned stack_bytes(bool long_mode)
{
	if (long_mode)
		return 8;
	return vmcs_read32(VMCS_GUEST_SS_AR_BYTES) & AR_DB ? 4 : 2;
}

/*
 * One element of a string instruction at linear `la`: a device's if the
 * page maps one, else RAM. False when the access faulted (#PF raised) or
 * the domain stopped (*stop).
 */
static bool element(struct vcpu *v, uint64_t la, unsigned size, uint64_t *val, bool write, bool *stop)
{
	struct guest_ram ram = vcpu_ram(v);
	struct guest_paging ps = vcpu_paging();
	uint64_t gpa;
	enum guest_walk_err e = guest_walk(&ram, &ps, la, vcpu_access(write), &gpa);
	const struct bus_range *r = gpa != GUEST_WALK_NO_GPA ? vcpu_mmio_find(v, gpa) : 0;
	*stop = false;
	if (r && (e == GUEST_WALK_OK || e == GUEST_WALK_OUTSIDE_RAM)) {
		if (!write) {
			*val = bus_mmio_read(r, v->id, gpa, size);
			return true;
		}
		*stop = bus_mmio_write(r, v->id, gpa, size, *val) != BUS_OK;
		return !*stop;
	}
	return vcpu_copy_linear(v, la, val, size, write, write ? "string store" : "string load", stop);
}

/*
 * One element of a string instruction: false when it faulted (#PF raised)
 * or the domain stopped (*stop). `acc` is RAX's element, which STOS and
 * SCAS use and LODS replaces; CMPS and SCAS compare into *rflags.
 */
static bool string_element(struct vcpu *v, const struct mmio_insn *in, uint64_t src, uint64_t dst, uint64_t *acc,
                           uint64_t *rflags, bool *stop)
{
	uint64_t val = *acc, other = 0;
	if (in->kind != MMIO_STOS && in->kind != MMIO_SCAS && !element(v, src, in->size, &val, false, stop))
		return false;
	switch (in->kind) {
	case MMIO_LODS:
		*acc = val;
		return true;
	case MMIO_MOVS:
	case MMIO_STOS:
		return element(v, dst, in->size, &val, true, stop);
	default:   /* CMPS, SCAS: the first operand minus the element at ES:RDI */
		if (!element(v, dst, in->size, &other, false, stop))
			return false;
		x86_alu(ALU_CMP, in->size, val, other, rflags);
		return true;
	}
}

/*
 * The string instructions, with or without REP, in batches (string_begin);
 * REPE and REPNE end CMPS and SCAS early when ZF says so, as the CPU does
 * after the element that decided it.
 */
static enum exit_action string_op(struct vcpu *v, const struct mmio_insn *in)
{
	struct string_steps s = string_begin(v, in->addr_size, in->size, in->rep);
	if (s.count == 0) {
		vcpu_retire_insn(in->len);
		return EXIT_RESUME;
	}
	bool uses_si = in->kind == MMIO_MOVS || in->kind == MMIO_CMPS || in->kind == MMIO_LODS;
	bool uses_di = in->kind != MMIO_LODS, compares = in->kind == MMIO_CMPS || in->kind == MMIO_SCAS;
	uint64_t src_base = uses_si ? vcpu_seg_base(in->seg) : 0, dst_base = vcpu_seg_base(SEG_ES);
	uint64_t si = string_offset(v, &s, GPR_RSI), di = string_offset(v, &s, GPR_RDI), done = 0;
	uint64_t acc = v->gpr[GPR_RAX] & x86_width_mask(in->size), rflags = vmcs_readnat(VMCS_GUEST_RFLAGS);
	bool stop = false, ended = false;

	while (done < s.batch && !ended) {
		if (!string_element(v, in, string_linear(&s, src_base, si), string_linear(&s, dst_base, di), &acc, &rflags,
		                    &stop))
			break;
		done++;
		si = string_next(&s, si), di = string_next(&s, di);
		ended = compares && in->rep && ((rflags & RFLAGS_ZF) != 0) == in->repne;
	}
	if (stop)
		return EXIT_STOPPED;
	if (uses_si)
		string_set_index(v, &s, GPR_RSI, si);
	if (uses_di)
		string_set_index(v, &s, GPR_RDI, di);
	if (in->kind == MMIO_LODS && done)
		v->gpr[GPR_RAX] = x86_reg_write(v->gpr[GPR_RAX], acc, in->size);
	if (compares && done)
		vmcs_writenat(VMCS_GUEST_RFLAGS, rflags);
	string_end(v, &s, done, in->len);
	if (ended && done < s.count)
		vcpu_retire_insn(in->len);
	return EXIT_RESUME;
}

/* PUSH r/m and POP r/m with a device operand: the stack's page is checked before the device is touched. */
static enum exit_action stack_op(struct vcpu *v, const struct bus_range *r, uint64_t gpa,
                                 const struct mmio_insn *in, bool long_mode)
{
	unsigned sbytes = stack_bytes(long_mode);
	uint64_t smask = x86_width_mask(sbytes), rsp = vmcs_readnat(VMCS_GUEST_RSP), val = 0;
	bool push = in->kind == MMIO_PUSH, stop;
	uint64_t top = push ? (rsp - in->size) & smask : rsp & smask;
	uint64_t la = vcpu_seg_base(SEG_SS) + top;
	if (!long_mode)
		la = (uint32_t)la;
	if (!vcpu_copy_linear(v, la, push ? 0 : &val, in->size, push, push ? "PUSH" : "POP", &stop))
		return stop ? EXIT_STOPPED : EXIT_RESUME;
	if (push) {
		val = bus_mmio_read(r, v->id, gpa, in->size);
		/* Only another vCPU's change to the tables since the check can fail this (#PF raised). */
		if (!vcpu_copy_linear(v, la, &val, in->size, true, "PUSH", &stop))
			return stop ? EXIT_STOPPED : EXIT_RESUME;
	} else if (bus_mmio_write(r, v->id, gpa, in->size, val) != BUS_OK) {
		return EXIT_STOPPED;
	}
	uint64_t next = push ? top : (top + in->size) & smask;
	vmcs_writenat(VMCS_GUEST_RSP, x86_reg_write(rsp, next, sbytes));
	vcpu_retire_insn(in->len);
	return EXIT_RESUME;
}

/* An ALU operation, a bit test or XCHG between the device and a register or immediate. */
static enum exit_action rmw_op(struct vcpu *v, const struct bus_range *r, uint64_t gpa, const struct mmio_insn *in)
{
	uint64_t mem = bus_mmio_read(r, v->id, gpa, in->size);
	uint64_t other = mmio_store_value(in, in->has_imm ? 0 : vcpu_read_gpr(v, in->reg));
	if (in->kind == MMIO_XCHG) {
		if (bus_mmio_write(r, v->id, gpa, in->size, other) != BUS_OK)
			return EXIT_STOPPED;
		vcpu_write_gpr(v, in->reg, mmio_load_result(in, vcpu_read_gpr(v, in->reg), mem));
		vcpu_retire_insn(in->len);
		return EXIT_RESUME;
	}
	uint64_t rflags = vmcs_readnat(VMCS_GUEST_RFLAGS), res;
	if (in->kind == MMIO_BIT)
		res = x86_bit(in->alu, in->size, mem, other, &rflags);
	else if (in->to_reg)
		res = x86_alu(in->alu, in->size, other, mem, &rflags);
	else
		res = x86_alu(in->alu, in->size, mem, other, &rflags);
	if (in->write && bus_mmio_write(r, v->id, gpa, in->size, res) != BUS_OK)
		return EXIT_STOPPED;
	/* A bit scan of 0 leaves its register as it was, all 64 bits (ZF says so). */
	if (in->kind == MMIO_ALU && in->to_reg && x86_alu_writes(in->alu) &&
	    !(x86_alu_scan(in->alu) && (rflags & RFLAGS_ZF)))
		vcpu_write_gpr(v, in->reg, mmio_load_result(in, vcpu_read_gpr(v, in->reg), res));
	vmcs_writenat(VMCS_GUEST_RFLAGS, rflags);
	vcpu_retire_insn(in->len);
	return EXIT_RESUME;
}

static enum exit_action mmio_emulate(struct vcpu *v, const struct bus_range *r, uint64_t gpa, bool write)
{
	const char *what = write ? "write" : "read";
	uint64_t rip = vmcs_readnat(VMCS_GUEST_RIP);
	uint8_t bytes[X86_MAX_INSN_LEN];
	unsigned got = 0;

	uint32_t cs_ar = vmcs_read32(VMCS_GUEST_CS_AR_BYTES);
	bool long_mode = vcpu_in_64bit_mode();
	if (!long_mode && !(cs_ar & AR_DB))
		return mmio_stop(v, what, gpa, r, rip, "16-bit code", 0, 0);
	uint64_t linear = long_mode ? rip : (uint32_t)(vmcs_readnat(VMCS_GUEST_CS_BASE) + rip);

	struct guest_ram ram = vcpu_ram(v);
	struct guest_paging ps = vcpu_paging();
	enum guest_walk_err we;
	const uint8_t *code = guest_insn_bytes(&ram, &ps, linear, vcpu_access(false), bytes, X86_MAX_INSN_LEN,
	                                       &got, &we);
	struct mmio_insn in;
	enum mmio_decode_err de = mmio_decode(code, got, long_mode ? MMIO_MODE_64 : MMIO_MODE_32, &in);
	if (de != MMIO_DECODE_OK) {
		/* A fetch that stopped short is the reason when the bytes it got were not enough. */
		const char *why = de == MMIO_DECODE_TRUNCATED && we ? guest_walk_err_name(we) : mmio_decode_err_name(de);
		return mmio_stop(v, what, gpa, r, rip, why, code, got);
	}

	switch (in.kind) {
	case MMIO_MOV:
		if (in.write != write)
			return mmio_stop(v, what, gpa, r, rip, "the instruction does not match the access", code, in.len);
		if (in.write) {
			uint64_t val = mmio_store_value(&in, in.has_imm ? 0 : vcpu_read_gpr(v, in.reg));
			if (bus_mmio_write(r, v->id, gpa, in.size, val) != BUS_OK)
				return EXIT_STOPPED;
		} else {
			uint64_t val = bus_mmio_read(r, v->id, gpa, in.size);
			vcpu_write_gpr(v, in.reg, mmio_load_result(&in, vcpu_read_gpr(v, in.reg), val));
		}
		vcpu_retire_insn(in.len);
		return EXIT_RESUME;
	case MMIO_ALU:
	case MMIO_BIT:
	case MMIO_XCHG:
		return rmw_op(v, r, gpa, &in);
	case MMIO_PUSH:
	case MMIO_POP:
		return stack_op(v, r, gpa, &in, long_mode);
	case MMIO_SMSW:
		/* The CPU checked CR4.UMIP and CPL before the access that exited. */
		if (bus_mmio_write(r, v->id, gpa, in.size, guest_cr0() & x86_width_mask(in.size)) != BUS_OK)
			return EXIT_STOPPED;
		vcpu_retire_insn(in.len);
		return EXIT_RESUME;
	default:   /* the string forms */
		return string_op(v, &in);
	}
}

const struct bus_range *vcpu_mmio_find(const struct vcpu *v, uint64_t gpa)
{
	return bus_find_local(&v->guest->bus->mmio, vlapic_mmio(&v->vlapic), gpa);
}

enum exit_action vcpu_emulate_mmio(struct vcpu *v, uint64_t gpa, bool write)
{
	const struct bus_range *r = vcpu_mmio_find(v, gpa);
	if (!r)
		return exit_stop(v, "MMIO %s at 0x%lx: claimed by no device", write ? "write" : "read", gpa);
	return mmio_emulate(v, r, gpa, write);
}
