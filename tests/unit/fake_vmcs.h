/*
 * A VMCS for host tests of the exit path: stands in for vmx/vmx_ops.h (its
 * include guard is taken first, the file being force-included into every
 * source of the test), with the same accessors over an array indexed by
 * field encoding. A width's bits above the field are dropped as VMREAD and
 * VMWRITE drop them, so that what a handler sees is what a CPU would give.
 * VMX instructions that are not VMCS accesses do not occur in the code
 * under test and fail the test if reached.
 */
#ifndef TESTS_UNIT_FAKE_VMCS_H
#define TESTS_UNIT_FAKE_VMCS_H
#define VMX_VMX_OPS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "hw/invalidate.h"
#include "hw/vmcs_fields.h"

#define FAKE_VMCS_FIELDS 0x8000u   /* every encoding Hinoki uses is below */

struct fake_vmcs {
	uint64_t field[FAKE_VMCS_FIELDS];
};
extern struct fake_vmcs fake_vmcs;

static inline uint64_t fake_vmcs_mask(uint64_t field)
{
	switch (VMCS_FIELD_WIDTH(field)) {
	case VMCS_W16: return 0xffff;
	case VMCS_W32: return 0xffffffff;
	default:       return ~0ull;
	}
}

static inline uint64_t *fake_vmcs_at(uint64_t field)
{
	if (field >= FAKE_VMCS_FIELDS) {
		fprintf(stderr, "  fake VMCS: no field 0x%llx\n", (unsigned long long)field);
		abort();
	}
	return &fake_vmcs.field[field];
}

static inline bool vmcs_read_raw(uint64_t field, uint64_t *val)
{
	*val = *fake_vmcs_at(field) & fake_vmcs_mask(field);
	return true;
}

static inline uint64_t vmcs_read_checked(uint64_t field)
{
	uint64_t v;
	vmcs_read_raw(field, &v);
	return v;
}

static inline void vmcs_write_checked(uint64_t field, uint64_t val)
{
	*fake_vmcs_at(field) = val & fake_vmcs_mask(field);
}

#define vmcs_read16(f)      ((uint16_t)vmcs_read_checked(f))
#define vmcs_read32(f)      ((uint32_t)vmcs_read_checked(f))
#define vmcs_read64(f)      vmcs_read_checked(f)
#define vmcs_readnat(f)     vmcs_read_checked(f)
#define vmcs_write16(f, v)  vmcs_write_checked(f, (uint16_t)(v))
#define vmcs_write32(f, v)  vmcs_write_checked(f, (uint32_t)(v))
#define vmcs_write64(f, v)  vmcs_write_checked(f, (uint64_t)(v))
#define vmcs_writenat(f, v) vmcs_write_checked(f, (uint64_t)(v))

__attribute__((noreturn)) static inline void fake_vmx_unexpected(const char *what)
{
	fprintf(stderr, "  fake VMCS: %s reached\n", what);
	abort();
}

static inline int invept(uint64_t type, uint64_t eptp)
{
	(void)type, (void)eptp;
	fake_vmx_unexpected("INVEPT");
}

static inline int invvpid(uint64_t type, uint16_t vpid)
{
	(void)type, (void)vpid;
	fake_vmx_unexpected("INVVPID");
}

#endif
