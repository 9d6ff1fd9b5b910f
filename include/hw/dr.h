/*
 * Debug registers DR0-DR3, DR6 and DR7 (Intel SDM vol. 3, "Debug
 * Registers"): the bits Hinoki and its test guests name, and the values a
 * processor holds after reset or INIT ("IA-32 Processor States Following
 * Power-up, Reset, or INIT").
 */
#ifndef HW_DR_H
#define HW_DR_H

#include "hw/msr.h"

#define DR_ADDRESS_COUNT 4   /* DR0-DR3: breakpoint linear addresses */

/* DR6, the debug status register. */
#define DR6_B0  BIT(0)
#define DR6_B1  BIT(1)
#define DR6_B2  BIT(2)
#define DR6_B3  BIT(3)
#define DR6_BD  BIT(13)
#define DR6_BS  BIT(14)
#define DR6_BT  BIT(15)
/* The status bits software may set and clear; the others read as fixed values on CPUs without RTM or BLD. */
#define DR6_STATUS (DR6_B0 | DR6_B1 | DR6_B2 | DR6_B3 | DR6_BD | DR6_BS | DR6_BT)
#define DR6_RESET  0xffff0ff0u

/* DR7, the debug control register. */
#define DR7_ENABLES 0xffu   /* L0-L3 and G0-G3: a breakpoint is armed when its bit is set */
#define DR7_LE  BIT(8)
#define DR7_GE  BIT(9)
#define DR7_GD  BIT(13)
#define DR7_RESET 0x400u
#define DR7_RESERVED_HIGH (~0ULL << 32)   /* bits 63:32: #GP if set by MOV DR7 */

#endif
