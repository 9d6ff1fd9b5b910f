/*
 * The running vCPU's memory as an emulated instruction sees it (see
 * guest_mem.h). CR2 is live in the CPU while the vCPU runs (the scheduler
 * swaps it), so a #PF raised here sets it directly.
 */
#include "dev/bus.h"
#include "hw/cr.h"
#include "hw/msr.h"
#include "hw/segment.h"
#include "hw/vmx_exit.h"
#include "hw/x86_insn.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "mm/mem.h"
#include "vmx/exit.h"
#include "vmx/guest.h"
#include "vmx/guest_mem.h"
#include "vmx/vmx_ops.h"

struct guest_paging vcpu_paging(void)
{
	uint64_t cr0 = vmcs_readnat(VMCS_GUEST_CR0), cr4 = vmcs_readnat(VMCS_GUEST_CR4);
	struct guest_paging ps = { GUEST_PAGING_OFF, vmcs_readnat(VMCS_GUEST_CR3), false, (cr0 & CR0_WP) != 0 };
	if (!(cr0 & CR0_PG))
		return ps;
	if (vmcs_read64(VMCS_GUEST_IA32_EFER) & EFER_LMA)
		ps.mode = cr4 & CR4_LA57 ? GUEST_PAGING_UNSUPPORTED : GUEST_PAGING_4LEVEL;
	else if (cr4 & CR4_PAE)
		ps.mode = GUEST_PAGING_PAE;
	else
		ps.mode = GUEST_PAGING_32, ps.pse = (cr4 & CR4_PSE) != 0;
	return ps;
}

struct guest_ram vcpu_ram(const struct vcpu *v)
{
	return (struct guest_ram){ phys_to_virt(v->guest->ram_hpa), v->guest->ram_bytes };
}

bool vcpu_in_64bit_mode(void)
{
	return (vmcs_read64(VMCS_GUEST_IA32_EFER) & EFER_LMA) && (vmcs_read32(VMCS_GUEST_CS_AR_BYTES) & AR_L);
}

uint64_t vcpu_seg_base(enum seg_reg s)
{
	static const uint64_t field[SEG_COUNT] = {
		VMCS_GUEST_ES_BASE, VMCS_GUEST_CS_BASE, VMCS_GUEST_SS_BASE,
		VMCS_GUEST_DS_BASE, VMCS_GUEST_FS_BASE, VMCS_GUEST_GS_BASE,
	};
	if (s >= SEG_COUNT || (s < SEG_FS && vcpu_in_64bit_mode()))
		return 0;
	return vmcs_read_checked(field[s]);
}

uint16_t vcpu_seg_selector(enum seg_reg s)
{
	static const uint64_t field[SEG_COUNT] = {
		VMCS_GUEST_ES_SELECTOR, VMCS_GUEST_CS_SELECTOR, VMCS_GUEST_SS_SELECTOR,
		VMCS_GUEST_DS_SELECTOR, VMCS_GUEST_FS_SELECTOR, VMCS_GUEST_GS_SELECTOR,
	};
	return s < SEG_COUNT ? (uint16_t)vmcs_read_checked(field[s]) : 0;
}

struct guest_access vcpu_access(bool write)
{
	return (struct guest_access){ write, vcpu_cpl() == 3 };
}

bool vcpu_copy_linear(struct vcpu *v, uint64_t linear, void *buf, size_t n, bool write, const char *what,
                      bool *stop)
{
	struct guest_ram ram = vcpu_ram(v);
	struct guest_paging ps = vcpu_paging();
	struct guest_access acc = vcpu_access(write);
	size_t done;
	uint64_t fault = 0;
	enum guest_walk_err e = guest_copy(&ram, &ps, linear, buf, n, acc, &done, &fault);
	*stop = false;
	if (e == GUEST_WALK_OK)
		return true;
	if (e == GUEST_WALK_NOT_PRESENT || e == GUEST_WALK_PROTECTION) {
		write_cr2(fault);
		vcpu_inject_exception(v, VEC_PF, 1, guest_walk_pf_code(e, acc));
		return false;
	}
	exit_stop(v, "%s at linear 0x%lx: %s", what, fault, guest_walk_err_name(e));
	*stop = true;
	return false;
}

bool vcpu_mmio_copy(struct vcpu *v, uint64_t gpa, void *buf, unsigned n, bool write)
{
	uint8_t *p = buf;
	for (unsigned done = 0, piece; done < n; done += piece) {
		unsigned left = n - done;
		piece = left >= 8 ? 8 : left >= 4 ? 4 : left >= 2 ? 2 : 1;
		const struct bus_range *r = vcpu_mmio_find(v, gpa + done);
		uint64_t val = 0;
		if (!r) {
			exit_stop(v, "MMIO %s at 0x%lx: claimed by no device", write ? "write" : "read", gpa + done);
			return false;
		}
		if (!write) {
			val = bus_mmio_read(r, v->id, gpa + done, piece);
			memcpy(p + done, &val, piece);
			continue;
		}
		memcpy(&val, p + done, piece);
		if (bus_mmio_write(r, v->id, gpa + done, piece, val) != BUS_OK)
			return false;   /* the domain ended itself */
	}
	return true;
}

#define ACCESS_MAX_PAGES 2   /* 16 bytes at most reach two pages */

bool vcpu_access_linear(struct vcpu *v, uint64_t linear, void *buf, unsigned n, bool write, const char *what,
                        bool *stop)
{
	struct guest_ram ram = vcpu_ram(v);
	struct guest_paging ps = vcpu_paging();
	struct guest_access acc = vcpu_access(write);
	uint64_t gpa[ACCESS_MAX_PAGES];
	unsigned len[ACCESS_MAX_PAGES], parts = 0;
	bool ram_part[ACCESS_MAX_PAGES];
	*stop = false;
	for (unsigned done = 0; done < n && parts < ACCESS_MAX_PAGES; done += len[parts++]) {
		uint64_t at = guest_linear_wrap(&ps, linear + done);
		uint64_t room = GUEST_PAGE_SIZE - (at & (GUEST_PAGE_SIZE - 1));
		len[parts] = n - done < room ? n - done : (unsigned)room;
		enum guest_walk_err e = guest_walk(&ram, &ps, at, acc, &gpa[parts]);
		if (e == GUEST_WALK_NOT_PRESENT || e == GUEST_WALK_PROTECTION) {
			write_cr2(at);
			vcpu_inject_exception(v, VEC_PF, 1, guest_walk_pf_code(e, acc));
			return false;
		}
		ram_part[parts] = e == GUEST_WALK_OK;
		if (e != GUEST_WALK_OK && !(e == GUEST_WALK_OUTSIDE_RAM && vcpu_mmio_find(v, gpa[parts]))) {
			exit_stop(v, "%s at linear 0x%lx: %s", what, at, guest_walk_err_name(e));
			*stop = true;
			return false;
		}
	}
	uint8_t *p = buf;
	for (unsigned i = 0; p && i < parts; p += len[i++]) {
		if (ram_part[i] && write)
			memcpy(ram.base + gpa[i], p, len[i]);
		else if (ram_part[i])
			memcpy(p, ram.base + gpa[i], len[i]);
		else if (!vcpu_mmio_copy(v, gpa[i], p, len[i], write)) {
			*stop = true;
			return false;
		}
	}
	return true;
}

struct string_steps string_begin(const struct vcpu *v, unsigned abytes, unsigned size, bool rep)
{
	struct string_steps s = { abytes, rep, vcpu_in_64bit_mode(), 1, size, 1 };
	if (rep)
		s.count = v->gpr[GPR_RCX] & x86_width_mask(abytes);
	if (vmcs_readnat(VMCS_GUEST_RFLAGS) & RFLAGS_DF)
		s.step = -(uint64_t)size;
	s.batch = s.count < STRING_BATCH ? s.count : STRING_BATCH;
	return s;
}

uint64_t string_offset(const struct vcpu *v, const struct string_steps *s, unsigned r)
{
	return v->gpr[r] & x86_width_mask(s->abytes);
}

uint64_t string_next(const struct string_steps *s, uint64_t off)
{
	return (off + s->step) & x86_width_mask(s->abytes);
}

uint64_t string_linear(const struct string_steps *s, uint64_t base, uint64_t off)
{
	return s->wide ? base + off : (uint32_t)(base + off);
}

void string_set_index(struct vcpu *v, const struct string_steps *s, unsigned r, uint64_t off)
{
	vcpu_write_gpr(v, r, x86_reg_write(v->gpr[r], off, s->abytes));
}

void string_end(struct vcpu *v, const struct string_steps *s, uint64_t done, uint32_t len)
{
	if (s->rep)
		v->gpr[GPR_RCX] = x86_reg_write(v->gpr[GPR_RCX], s->count - done, s->abytes);
	if (done == s->count)
		vcpu_retire_insn(len);
}
