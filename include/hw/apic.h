/* Local APIC registers (Intel SDM vol. 3, "Advanced Programmable Interrupt Controller"). */
#ifndef HW_APIC_H
#define HW_APIC_H

#include "hw/msr.h"

/* xAPIC MMIO offsets; in x2APIC mode register r is MSR X2APIC_MSR_BASE + (r >> 4). */
#define APIC_REG_ID          0x020
#define APIC_REG_EOI         0x0b0
#define APIC_REG_SVR         0x0f0
#define APIC_REG_LVT_CMCI    0x2f0
#define APIC_REG_LVT_TIMER   0x320
#define APIC_REG_LVT_THERMAL 0x330
#define APIC_REG_LVT_PERF    0x340
#define APIC_REG_LVT_LINT0   0x350
#define APIC_REG_LVT_LINT1   0x360
#define APIC_REG_LVT_ERROR   0x370

#define APIC_LVT_MASKED      BIT(16)
#define APIC_BASE_X2APIC     BIT(10)
#define APIC_BASE_ADDR_MASK  0x000ffffffffff000ULL
#define X2APIC_MSR_BASE      0x800

#endif
