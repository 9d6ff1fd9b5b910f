/* LTR with its operand already read (vmx/guest_ltr.c). */
#ifndef VMX_GUEST_LTR_H
#define VMX_GUEST_LTR_H

#include <stdint.h>
#include "vmx/exit.h"

/* Load TR from selector sel as LTR does, or raise the CPU's exception; len is the instruction's, retired on success. */
enum exit_action guest_ltr(struct vcpu *v, uint16_t sel, unsigned len);

#endif
