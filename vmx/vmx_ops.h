/*
 * VMX instruction wrappers. Each checks CF (VMfailInvalid) and ZF (VMfailValid)
 * and routes failure to one hook, vmx_insn_failed(), which reports the
 * instruction, the field and the VM-instruction error text. VMCS accessors are
 * typed by width; with a constant field the width is checked at compile time.
 */
#ifndef VMX_VMX_OPS_H
#define VMX_VMX_OPS_H

#include <stdbool.h>
#include <stdint.h>
#include "hw/invalidate.h"
#include "hw/vmcs_fields.h"

enum vmx_insn { VMX_INSN_VMXON, VMX_INSN_VMCLEAR, VMX_INSN_VMPTRLD, VMX_INSN_VMREAD,
                VMX_INSN_VMWRITE, VMX_INSN_INVEPT, VMX_INSN_INVVPID };

/*
 * Reports and panics: a failed VMX instruction is a hypervisor bug. No
 * return, so that the callers' hot paths keep nothing alive across it.
 */
void vmx_insn_failed(enum vmx_insn insn, uint64_t operand, bool valid_fail) __attribute__((noreturn, cold));
/* The same for a VMREAD/VMWRITE of `field` whose CF or ZF was set (it tells which itself). */
void vmx_vmcs_access_failed(enum vmx_insn insn, uint64_t field) __attribute__((noreturn, cold));

/* 0 on success, 1 VMfailInvalid (CF), 2 VMfailValid (ZF: the error number is in the VMCS). */
static inline int vmx_rc(uint8_t cf, uint8_t zf) { return cf ? 1 : (zf ? 2 : 0); }

#define DEFINE_VMX_PA_OP(fn, mnemonic, insn_id) \
	static inline int fn(uint64_t pa) \
	{ \
		uint8_t cf, zf; \
		__asm__ volatile(mnemonic " %2; setc %0; setz %1" : "=qm"(cf), "=qm"(zf) : "m"(pa) : "cc", "memory"); \
		int rc = vmx_rc(cf, zf); \
		if (rc) \
			vmx_insn_failed(insn_id, pa, rc == 2); \
		return rc; \
	}
DEFINE_VMX_PA_OP(vmxon, "vmxon", VMX_INSN_VMXON)
DEFINE_VMX_PA_OP(vmclear, "vmclear", VMX_INSN_VMCLEAR)
DEFINE_VMX_PA_OP(vmptrld, "vmptrld", VMX_INSN_VMPTRLD)
#undef DEFINE_VMX_PA_OP

/*
 * Raw access for loops over fields (VMCS dumps); returns false on failure,
 * never panics. The accessors run on every exit, so the failure test is the
 * flags themselves ("below or equal": CF or ZF), one branch after the
 * instruction.
 */
static inline bool vmcs_read_raw(uint64_t field, uint64_t *val)
{
	bool bad;
	__asm__ volatile("vmread %2, %0" : "=rm"(*val), "=@ccbe"(bad) : "r"(field));
	return !bad;
}

static inline uint64_t vmcs_read_checked(uint64_t field)
{
	uint64_t v;
	if (__builtin_expect(!vmcs_read_raw(field, &v), 0))
		vmx_vmcs_access_failed(VMX_INSN_VMREAD, field);
	return v;
}

static inline void vmcs_write_checked(uint64_t field, uint64_t val)
{
	bool bad;
	__asm__ volatile("vmwrite %2, %1" : "=@ccbe"(bad) : "r"(field), "rm"(val));
	if (__builtin_expect(bad, 0))
		vmx_vmcs_access_failed(VMX_INSN_VMWRITE, field);
}

/*
 * VMREAD clears the destination's bits above a narrower field (SDM,
 * "VMREAD"): said to the compiler, so that a 16- or 32-bit value is used
 * without a zero-extension of its own.
 */
static inline uint64_t vmcs_read_narrow(uint64_t field, unsigned bits)
{
	uint64_t v = vmcs_read_checked(field);
	if (v >> bits)
		__builtin_unreachable();
	return v;
}

#define VMCS_CHECK_WIDTH_(f, w) _Static_assert(VMCS_FIELD_WIDTH(f) == (w), "VMCS field width mismatch for " #f)
#define vmcs_read16(f)  ({ VMCS_CHECK_WIDTH_(f, VMCS_W16);  (uint16_t)vmcs_read_narrow(f, 16); })
#define vmcs_read32(f)  ({ VMCS_CHECK_WIDTH_(f, VMCS_W32);  (uint32_t)vmcs_read_narrow(f, 32); })
#define vmcs_read64(f)  ({ VMCS_CHECK_WIDTH_(f, VMCS_W64);  vmcs_read_checked(f); })
#define vmcs_readnat(f) ({ VMCS_CHECK_WIDTH_(f, VMCS_WNAT); vmcs_read_checked(f); })
#define vmcs_write16(f, v)  do { VMCS_CHECK_WIDTH_(f, VMCS_W16);  vmcs_write_checked(f, (uint16_t)(v)); } while (0)
#define vmcs_write32(f, v)  do { VMCS_CHECK_WIDTH_(f, VMCS_W32);  vmcs_write_checked(f, (uint32_t)(v)); } while (0)
#define vmcs_write64(f, v)  do { VMCS_CHECK_WIDTH_(f, VMCS_W64);  vmcs_write_checked(f, (uint64_t)(v)); } while (0)
#define vmcs_writenat(f, v) do { VMCS_CHECK_WIDTH_(f, VMCS_WNAT); vmcs_write_checked(f, (uint64_t)(v)); } while (0)

/* Types and descriptors in hw/invalidate.h; vmx/tlb.c decides when and with which type. */
static inline int invept(uint64_t type, uint64_t eptp)
{
	struct invept_desc desc = { eptp, 0 };
	uint8_t cf, zf;
	__asm__ volatile("invept %2, %3; setc %0; setz %1" : "=qm"(cf), "=qm"(zf) : "m"(desc), "r"(type) : "cc", "memory");
	int rc = vmx_rc(cf, zf);
	if (rc)
		vmx_insn_failed(VMX_INSN_INVEPT, eptp, rc == 2);
	return rc;
}

static inline int invvpid(uint64_t type, uint16_t vpid)
{
	struct invvpid_desc desc = { vpid, 0 };
	uint8_t cf, zf;
	__asm__ volatile("invvpid %2, %3; setc %0; setz %1" : "=qm"(cf), "=qm"(zf) : "m"(desc), "r"(type) : "cc", "memory");
	int rc = vmx_rc(cf, zf);
	if (rc)
		vmx_insn_failed(VMX_INSN_INVVPID, vpid, rc == 2);
	return rc;
}

#endif
