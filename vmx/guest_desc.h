/*
 * Instructions that load a segment register from a descriptor table,
 * carried out when their operand lay in device memory (vmx/guest_desc.c).
 */
#ifndef VMX_GUEST_DESC_H
#define VMX_GUEST_DESC_H

#include <stdint.h>
#include "hw/segment.h"
#include "vmx/exit.h"

/* Load TR from selector sel as LTR does, or raise the CPU's exception; len is the instruction's, retired on success. */
enum exit_action guest_ltr(struct vcpu *v, uint16_t sel, unsigned len);
/* JMP far to sel:offset (a code segment; gates and TSSs are not emulated), or the CPU's exception. */
enum exit_action guest_far_jmp(struct vcpu *v, uint16_t sel, uint64_t offset, unsigned len);

/* MOV to segment register seg (not CS) of selector sel, or the CPU's exception; MOV SS blocks for one instruction. */
enum exit_action guest_mov_sreg(struct vcpu *v, enum seg_reg seg, uint16_t sel, unsigned len);

#endif
