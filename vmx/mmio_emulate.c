/*
 * An access to device memory, carried out for the guest: the instruction
 * is fetched through the guest's page tables, decoded (vmx/mmio_decode.c)
 * and done on the domain's bus. Neither an EPT violation nor an APIC-access
 * exit gives the instruction's length, so the decoded length moves RIP.
 *
 * The operand is reached at the guest-physical address the exit gave,
 * unless it runs onto the next page or the instruction makes another
 * access that may have been the one to exit (a stack, a descriptor table):
 * then its linear address (decoded from the instruction) is translated
 * page by page, each part RAM or a device's (vmx/guest_mem.c). A read-modify-write (an ALU operation to memory,
 * XCHG, SHLD/SHRD) reads the operand, computes as the CPU would
 * (vmx/x86_alu.c, which also gives the flags) and writes the result back;
 * LOCK changes nothing here, since the device's state is only reached
 * through its bus functions. PUSH and POP move one operand between memory
 * and the stack, either of them a device's, a push's stack slot checked
 * first so that a #PF does not follow a device read; with the stack in
 * device memory RET, LEAVE and ENTER are carried out too. SSE moves reach the guest's XMM registers through
 * its FPU state (vmx/fpu.c); LTR takes its selector from the device and the
 * rest from the GDT (vmx/guest_ltr.c). The string instructions (MOVS, CMPS,
 * STOS, LODS, SCAS) go element by element, each side a device or RAM as its
 * page maps, with REP running in batches as string port I/O does
 * (vmx/exit_io.c).
 */
#include "dev/bus.h"
#include "hw/cr.h"
#include "hw/segment.h"
#include "hw/x86_insn.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "vmx/caps.h"
#include "vmx/exit.h"
#include "vmx/fpu.h"
#include "vmx/guest.h"
#include "vmx/guest_cr.h"
#include "vmx/guest_desc.h"
#include "vmx/guest_mem.h"
#include "vmx/mmio_decode.h"
#include "vmx/msr_table.h"
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

/* One element of a string instruction at linear `la`, each page RAM or a device's. */
static bool element(struct vcpu *v, uint64_t la, unsigned size, uint64_t *val, bool write, bool *stop)
{
	if (!write)
		*val = 0;
	return vcpu_access_linear(v, la, val, size, write, write ? "string store" : "string load", stop);
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

/*
 * The memory operand: the address the exit gave, or, when the operand runs
 * onto the next page, its linear address, through which each page's part
 * reaches RAM or a device (both pages translated first). A read-modify-write
 * across pages translates each page for its read, then for its write, so a
 * read-only second page faults after the devices were read, where the CPU
 * would fault before.
 */
struct operand {
	const struct bus_range *r;   /* the device the exit's address found */
	uint64_t gpa, la;
	bool linear;   /* reach it through la: it runs onto the next page, or the exit was perhaps another access's */
};

static bool op_io(struct vcpu *v, const struct operand *o, void *buf, unsigned n, bool write, bool *stop)
{
	if (o->linear)
		return vcpu_access_linear(v, o->la, buf, n, write, "MMIO operand", stop);
	/* Within the range the exit already found (the common case): one device access, no second lookup. */
	if (n <= sizeof(uint64_t) && o->gpa + n - 1 <= o->r->last) {
		uint64_t val = 0;
		*stop = false;
		if (!write) {
			val = bus_mmio_read(o->r, v->id, o->gpa, n);
			memcpy(buf, &val, n);
			return true;
		}
		memcpy(&val, buf, n);
		*stop = bus_mmio_write(o->r, v->id, o->gpa, n, val) != BUS_OK;
		return !*stop;
	}
	*stop = !vcpu_mmio_copy(v, o->gpa, buf, n, write);
	return !*stop;
}

static bool op_read(struct vcpu *v, const struct operand *o, unsigned n, uint64_t *val, bool *stop)
{
	*val = 0;
	return op_io(v, o, val, n, false, stop);
}

static bool op_write(struct vcpu *v, const struct operand *o, unsigned n, uint64_t val, bool *stop)
{
	return op_io(v, o, &val, n, true, stop);
}

/* What an access that did not complete leaves: a #PF to deliver, or a stopped domain. */
static enum exit_action not_done(bool stop)
{
	return stop ? EXIT_STOPPED : EXIT_RESUME;
}

/* n bytes of the stack at offset `top` in SS, RAM or a device's; buf NULL: only translated. */
static bool stack_io(struct vcpu *v, uint64_t top, void *buf, unsigned n, bool write, bool long_mode, bool *stop)
{
	uint64_t la = vcpu_seg_base(SEG_SS) + top;
	return vcpu_access_linear(v, long_mode ? la : (uint32_t)la, buf, n, write, write ? "stack write" : "stack read",
	                          stop);
}

/*
 * The stack instructions, with the stack or the operand (or both) in device
 * memory: PUSH, POP, RET, LEAVE, ENTER. A push's stack slot is translated
 * before its value is read, so that a #PF does not follow a device read;
 * a pop moves RSP only once its destination was written.
 */
static enum exit_action stack_op(struct vcpu *v, const struct operand *o, const struct mmio_insn *in, bool long_mode)
{
	unsigned sbytes = stack_bytes(long_mode), n = in->size;
	uint64_t smask = x86_width_mask(sbytes), rsp = vmcs_readnat(VMCS_GUEST_RSP), val = 0;
	uint64_t rbp = v->gpr[GPR_RBP], top, next;
	bool stop;
	if (in->kind == MMIO_PUSH || in->kind == MMIO_ENTER) {
		top = next = (rsp - n) & smask;
		if (!stack_io(v, top, 0, n, true, long_mode, &stop))
			return not_done(stop);
		if (in->kind == MMIO_ENTER)
			val = rbp;
		else if (in->has_imm)
			val = in->imm;
		else if (in->reg_operand)
			val = vcpu_read_gpr(v, in->reg);
		else if (!op_read(v, o, n, &val, &stop))
			return not_done(stop);
		/* Only another vCPU's change to the tables since the check can fail this (#PF raised). */
		if (!stack_io(v, top, &val, n, true, long_mode, &stop))
			return not_done(stop);
		if (in->kind == MMIO_ENTER) {
			vcpu_write_gpr(v, GPR_RBP, x86_reg_write(rbp, top, n));
			next = (top - in->imm) & smask;
		}
	} else {
		top = (in->kind == MMIO_LEAVE ? rbp : rsp) & smask;
		if (!stack_io(v, top, &val, n, false, long_mode, &stop))
			return not_done(stop);
		next = (top + n + (in->kind == MMIO_RET ? in->imm : 0)) & smask;
		if (in->kind == MMIO_RET && long_mode && !addr_canonical(val, vmx_linear_bits())) {
			vcpu_inject_exception(v, VEC_GP, 1, 0);
			return EXIT_RESUME;
		}
		if (in->kind == MMIO_LEAVE)
			vcpu_write_gpr(v, GPR_RBP, x86_reg_write(rbp, val, n));
		else if (in->kind == MMIO_POP && in->reg_operand && in->reg != GPR_RSP)
			vcpu_write_gpr(v, in->reg, x86_reg_write(v->gpr[in->reg], val, n));
		else if (in->kind == MMIO_POP && !in->reg_operand && !op_write(v, o, n, val, &stop))
			return not_done(stop);
	}
	/* POP RSP leaves RSP the value popped. */
	bool pop_rsp = in->kind == MMIO_POP && in->reg_operand && in->reg == GPR_RSP;
	vmcs_writenat(VMCS_GUEST_RSP, pop_rsp ? x86_reg_write(rsp, val, n) : x86_reg_write(rsp, next, sbytes));
	if (in->kind == MMIO_RET)
		vcpu_retire_branch(in->len, n == 2 ? val & 0xffff : val);
	else
		vcpu_retire_insn(in->len);
	return EXIT_RESUME;
}

/* TZCNT and LZCNT as the CPU ran them: BSF and BSR where it lacks BMI1 or LZCNT and so ignored their F3. */
static enum x86_alu_op as_cpu_runs(enum x86_alu_op op)
{
	if (op == ALU_TZCNT && !vmx_caps.tzcnt)
		return ALU_BSF;
	if (op == ALU_LZCNT && !vmx_caps.lzcnt)
		return ALU_BSR;
	return op;
}

/* An ALU operation, a bit test, XCHG, XADD or CMPXCHG between the device and a register or immediate. */
static enum exit_action rmw_op(struct vcpu *v, const struct operand *o, const struct mmio_insn *in)
{
	uint64_t mem;
	bool stop;
	if (!op_read(v, o, in->size, &mem, &stop))
		return not_done(stop);
	uint64_t other = mmio_store_value(in, in->has_imm ? 0 : vcpu_read_gpr(v, in->reg));
	if (in->kind == MMIO_XCHG) {
		if (!op_write(v, o, in->size, other, &stop))
			return not_done(stop);
		vcpu_write_gpr(v, in->reg, mmio_load_result(in, vcpu_read_gpr(v, in->reg), mem));
		vcpu_retire_insn(in->len);
		return EXIT_RESUME;
	}
	uint64_t rflags = vmcs_readnat(VMCS_GUEST_RFLAGS), res;
	if (in->kind == MMIO_XADD) {
		res = x86_alu(ALU_ADD, in->size, mem, other, &rflags);
		if (!op_write(v, o, in->size, res, &stop))
			return not_done(stop);
		vcpu_write_gpr(v, in->reg, mmio_load_result(in, vcpu_read_gpr(v, in->reg), mem));
		vmcs_writenat(VMCS_GUEST_RFLAGS, rflags);
		vcpu_retire_insn(in->len);
		return EXIT_RESUME;
	}
	if (in->kind == MMIO_CMPXCHG) {
		/* The flags of CMP rAX, memory; the CPU writes memory either way, its old value back if unequal. */
		uint64_t acc = v->gpr[GPR_RAX];
		x86_alu(ALU_CMP, in->size, acc, mem, &rflags);
		bool equal = rflags & RFLAGS_ZF;
		if (!op_write(v, o, in->size, equal ? other : mem, &stop))
			return not_done(stop);
		if (!equal)
			v->gpr[GPR_RAX] = x86_reg_write(acc, mem, in->size);
		vmcs_writenat(VMCS_GUEST_RFLAGS, rflags);
		vcpu_retire_insn(in->len);
		return EXIT_RESUME;
	}
	enum x86_alu_op alu = in->kind == MMIO_ALU ? as_cpu_runs(in->alu) : in->alu;
	if (in->kind == MMIO_BIT)
		res = x86_bit(in->alu, in->size, mem, other, &rflags);
	else if (in->to_reg)
		res = x86_alu(alu, in->size, other, mem, &rflags);
	else
		res = x86_alu(alu, in->size, mem, other, &rflags);
	if (in->write && !op_write(v, o, in->size, res, &stop))
		return not_done(stop);
	/* A bit scan of 0 leaves its register as it was, all 64 bits (ZF says so). */
	if (in->kind == MMIO_ALU && in->to_reg && x86_alu_writes(alu) && !(x86_alu_scan(alu) && (rflags & RFLAGS_ZF)))
		vcpu_write_gpr(v, in->reg, mmio_load_result(in, vcpu_read_gpr(v, in->reg), res));
	vmcs_writenat(VMCS_GUEST_RFLAGS, rflags);
	vcpu_retire_insn(in->len);
	return EXIT_RESUME;
}

/*
 * The shifts and rotates, SHLD and SHRD: a count that masks to 0 changes
 * nothing and writes nothing, as on the CPU.
 */
static enum exit_action shift_op(struct vcpu *v, const struct operand *o, const struct mmio_insn *in)
{
	uint64_t mem;
	bool stop;
	if (!op_read(v, o, in->size, &mem, &stop))
		return not_done(stop);
	unsigned count = x86_shift_count(in->size, in->has_imm ? in->imm : v->gpr[GPR_RCX]);
	if (count) {
		uint64_t rflags = vmcs_readnat(VMCS_GUEST_RFLAGS);
		uint64_t res = in->kind == MMIO_SHIFT
		                   ? x86_shift(in->alu, in->size, mem, count, &rflags)
		                   : x86_shift_double(in->alu, in->size, mem, vcpu_read_gpr(v, in->reg), count, &rflags);
		if (!op_write(v, o, in->size, res, &stop))
			return not_done(stop);
		vmcs_writenat(VMCS_GUEST_RFLAGS, rflags);
	}
	vcpu_retire_insn(in->len);
	return EXIT_RESUME;
}

/*
 * An SSE move: 16 bytes reach a device as two 8-byte accesses, low half
 * first; a load of fewer clears the rest of the register, as MOVSS, MOVSD,
 * MOVD and MOVQ from memory do. The CPU checked CR0.EM and TS, CR4.OSFXSR
 * and the alignment MOVAPS and its kind demand before the access exited.
 */
static enum exit_action sse_op(struct vcpu *v, const struct operand *o, const struct mmio_insn *in)
{
	uint64_t x[2] = { 0, 0 };
	bool stop;
	if (in->write)
		fpu_xmm_read(v, in->reg, x);
	if (!op_io(v, o, x, in->size, in->write, &stop))
		return not_done(stop);
	if (!in->write)
		fpu_xmm_write(v, in->reg, x);
	vcpu_retire_insn(in->len);
	return EXIT_RESUME;
}

/* MUL, IMUL, DIV, IDIV with a memory operand: #DE, RIP on the instruction, where the CPU raises it. */
static enum exit_action muldiv_op(struct vcpu *v, const struct operand *o, const struct mmio_insn *in)
{
	uint64_t val, rflags = vmcs_readnat(VMCS_GUEST_RFLAGS);
	bool stop;
	if (!op_read(v, o, in->size, &val, &stop))
		return not_done(stop);
	if (!x86_muldiv(in->alu, in->size, &v->gpr[GPR_RAX], &v->gpr[GPR_RDX], val, &rflags)) {
		vcpu_inject_exception(v, VEC_DE, 0, 0);
		return EXIT_RESUME;
	}
	vmcs_writenat(VMCS_GUEST_RFLAGS, rflags);
	vcpu_retire_insn(in->len);
	return EXIT_RESUME;
}

/*
 * JMP and CALL near through memory: the target must be canonical (#GP(0)
 * otherwise, before anything is pushed); CALL pushes the next instruction's
 * address first.
 */
static enum exit_action branch_op(struct vcpu *v, const struct operand *o, const struct mmio_insn *in, bool long_mode)
{
	uint64_t target, rip = vmcs_readnat(VMCS_GUEST_RIP), ret = rip + in->len;
	bool stop;
	if (!op_read(v, o, in->size, &target, &stop))
		return not_done(stop);
	if (long_mode ? !addr_canonical(target, vmx_linear_bits()) : target > vmcs_read32(VMCS_GUEST_CS_LIMIT)) {
		vcpu_inject_exception(v, VEC_GP, 1, 0);
		return EXIT_RESUME;
	}
	if (in->kind == MMIO_CALL) {
		unsigned sbytes = stack_bytes(long_mode);
		uint64_t rsp = vmcs_readnat(VMCS_GUEST_RSP), top = (rsp - in->size) & x86_width_mask(sbytes);
		if (!long_mode)
			ret = (uint32_t)ret;
		if (!stack_io(v, top, &ret, in->size, true, long_mode, &stop))
			return not_done(stop);
		vmcs_writenat(VMCS_GUEST_RSP, x86_reg_write(rsp, top, sbytes));
	}
	vcpu_retire_branch(in->len, target);
	return EXIT_RESUME;
}

/*
 * The exit's address is the operand's only when the instruction makes no
 * other memory access: a PUSH, POP or CALL may have exited on its stack,
 * a segment load on its descriptor table.
 */
static bool single_access(unsigned kind)
{
	switch (kind) {
	case MMIO_PUSH:
	case MMIO_POP:
	case MMIO_CALL:
	case MMIO_LTR:
	case MMIO_LOAD_SREG:
	case MMIO_JMP_FAR:
		return false;
	default:
		return true;
	}
}

static enum exit_action carry_out(struct vcpu *v, const struct mmio_insn *in, const struct operand *o, bool long_mode)
{
	uint64_t val;
	bool stop;
	switch (in->kind) {
	case MMIO_MOV:
		if (in->write) {
			val = mmio_store_value(in, in->has_imm ? 0 : vcpu_read_gpr(v, in->reg));
			if (!op_write(v, o, in->size, val, &stop))
				return not_done(stop);
		} else {
			if (!op_read(v, o, in->size, &val, &stop))
				return not_done(stop);
			vcpu_write_gpr(v, in->reg, mmio_load_result(in, vcpu_read_gpr(v, in->reg), val));
		}
		break;
	case MMIO_ALU:
	case MMIO_BIT:
	case MMIO_XCHG:
	case MMIO_XADD:
	case MMIO_CMPXCHG:
		return rmw_op(v, o, in);
	case MMIO_PUSH:
	case MMIO_POP:
	case MMIO_RET:
	case MMIO_LEAVE:
	case MMIO_ENTER:
		return stack_op(v, o, in, long_mode);
	case MMIO_STORE_SYS:
		/* SMSW: the CPU checked CR4.UMIP and CPL before the access that exited. */
		val = in->reg == MMIO_SYS_MSW ? guest_cr0() : vcpu_seg_selector(in->reg);
		if (!op_write(v, o, in->size, val & x86_width_mask(in->size), &stop))
			return not_done(stop);
		break;
	case MMIO_LOAD_SREG:
		if (!op_read(v, o, in->size, &val, &stop))
			return not_done(stop);
		return guest_mov_sreg(v, in->reg, (uint16_t)val, in->len);
	case MMIO_MULDIV:
		return muldiv_op(v, o, in);
	case MMIO_CMOV:
		if (!op_read(v, o, in->size, &val, &stop))
			return not_done(stop);
		/* A 32-bit CMOV writes its register, zero-extending it, even when the condition fails. */
		if (!x86_cond(in->alu, vmcs_readnat(VMCS_GUEST_RFLAGS)))
			val = vcpu_read_gpr(v, in->reg);
		vcpu_write_gpr(v, in->reg, mmio_load_result(in, vcpu_read_gpr(v, in->reg), val));
		break;
	case MMIO_JMP:
	case MMIO_CALL:
		return branch_op(v, o, in, long_mode);
	case MMIO_JMP_FAR: {
		uint8_t ptr[16] = { 0 };   /* the offset, then the selector */
		uint64_t off = 0;
		uint16_t sel;
		if (!op_io(v, o, ptr, in->size + 2u, false, &stop))
			return not_done(stop);
		memcpy(&off, ptr, in->size);
		memcpy(&sel, ptr + in->size, sizeof sel);
		return guest_far_jmp(v, sel, off, in->len);
	}
	case MMIO_MMX:
		if (in->write) {
			if (!op_write(v, o, in->size, fpu_mmx_read(v, in->reg), &stop))
				return not_done(stop);
		} else {
			if (!op_read(v, o, in->size, &val, &stop))
				return not_done(stop);
			fpu_mmx_write(v, in->reg, val);
		}
		break;
	case MMIO_SHIFTD:
	case MMIO_SHIFT:
		return shift_op(v, o, in);
	case MMIO_SETCC:
		val = x86_cond(in->alu, vmcs_readnat(VMCS_GUEST_RFLAGS));
		if (!op_write(v, o, in->size, val, &stop))
			return not_done(stop);
		break;
	case MMIO_SSE:
		return sse_op(v, o, in);
	default:   /* LTR */
		if (!op_read(v, o, in->size, &val, &stop))
			return not_done(stop);
		return guest_ltr(v, (uint16_t)val, in->len);
	}
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

	if (in.kind == MMIO_MOV && in.write != write)
		return mmio_stop(v, what, gpa, r, rip, "the instruction does not match the access", code, in.len);
	if (mmio_is_string(in.kind))
		return string_op(v, &in);
	struct operand o = { r, gpa, 0, false };
	/* A register bit offset moved the access away from the operand's address: the exit's is the one to use. */
	if (!(in.kind == MMIO_BIT && !in.has_imm)) {
		uint64_t rsp = vmcs_readnat(VMCS_GUEST_RSP);
		if (in.kind == MMIO_POP)
			rsp += in.size;   /* POP's address is computed with RSP already incremented */
		o.la = vcpu_seg_base(in.seg) + mmio_operand_offset(&in, v->gpr, rsp, rip);
		if (!long_mode)
			o.la = (uint32_t)o.la;
		unsigned bytes = in.kind == MMIO_JMP_FAR ? in.size + 2u : in.size;   /* the offset, then the selector */
		o.linear = (o.la & (GUEST_PAGE_SIZE - 1)) + bytes > GUEST_PAGE_SIZE || !single_access(in.kind);
	}
	return carry_out(v, &in, &o, long_mode);
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
