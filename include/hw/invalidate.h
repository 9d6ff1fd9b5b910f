/*
 * INVEPT and INVVPID operands as the SDM defines them ("INVEPT — Invalidate
 * Translations Derived from EPT", "INVVPID — Invalidate Translations Based on
 * VPID"): the types in the register operand and the 128-bit descriptors in
 * memory. Which types a CPU accepts is in IA32_VMX_EPT_VPID_CAP (hw/msr.h).
 */
#ifndef HW_INVALIDATE_H
#define HW_INVALIDATE_H

#include <stdint.h>

#define INVEPT_TYPE_SINGLE_CONTEXT 1
#define INVEPT_TYPE_ALL_CONTEXT    2

#define INVVPID_TYPE_INDIVIDUAL_ADDRESS               0
#define INVVPID_TYPE_SINGLE_CONTEXT                   1
#define INVVPID_TYPE_ALL_CONTEXT                      2
#define INVVPID_TYPE_SINGLE_CONTEXT_RETAINING_GLOBALS 3

/* The current VPID in VMX root operation, and in non-root operation with "enable VPID" 0. */
#define VPID_HOST  0
#define VPID_COUNT 0x10000

/* Bits 127:64 are reserved and must be zero. */
struct invept_desc {
	uint64_t eptp;
	uint64_t reserved;
};

/* Bits 63:16 are reserved and must be zero; the address is used by type 0 only. */
struct invvpid_desc {
	uint64_t vpid;
	uint64_t linear_address;
};

_Static_assert(sizeof(struct invept_desc) == 16 && sizeof(struct invvpid_desc) == 16,
               "INVEPT and INVVPID descriptors are 128 bits");

#endif
