/* Local APIC registers (Intel SDM vol. 3, "Advanced Programmable Interrupt Controller"). */
#ifndef HW_APIC_H
#define HW_APIC_H

#include "hw/msr.h"

/* xAPIC MMIO offsets; in x2APIC mode register r is MSR X2APIC_MSR_BASE + (r >> 4). */
#define APIC_REG_ID          0x020
#define APIC_REG_VERSION     0x030
#define APIC_REG_TPR         0x080
#define APIC_REG_APR         0x090
#define APIC_REG_PPR         0x0a0
#define APIC_REG_EOI         0x0b0
#define APIC_REG_RRD         0x0c0
#define APIC_REG_LDR         0x0d0
#define APIC_REG_DFR         0x0e0
#define APIC_REG_SVR         0x0f0
#define APIC_REG_ISR0        0x100
#define APIC_REG_TMR0        0x180
#define APIC_REG_IRR0        0x200
#define APIC_REG_IRR7_END    0x280   /* ISR, TMR and IRR: 0x100-0x270 */
#define APIC_REG_ESR         0x280
#define APIC_REG_LVT_CMCI    0x2f0
#define APIC_REG_ICR_LOW     0x300
#define APIC_REG_ICR_HIGH    0x310   /* xAPIC only: x2APIC has one 64-bit ICR MSR */
#define APIC_REG_LVT_TIMER   0x320
#define APIC_REG_LVT_THERMAL 0x330
#define APIC_REG_LVT_PERF    0x340
#define APIC_REG_LVT_LINT0   0x350
#define APIC_REG_LVT_LINT1   0x360
#define APIC_REG_LVT_ERROR   0x370
#define APIC_REG_TIMER_ICR   0x380   /* initial count */
#define APIC_REG_TIMER_CCR   0x390   /* current count */
#define APIC_REG_TIMER_DCR   0x3e0   /* divide configuration */

/* xAPIC ID register: the id is in bits 31:24; x2APIC's is the whole 32-bit register. */
#define APIC_ID_SHIFT        24
#define APIC_XAPIC_MAX_ID    0xfeu   /* 0xff is the xAPIC broadcast destination */

/* Interrupt Command Register (SDM "Local APIC": "Issuing Interprocessor Interrupts"). */
#define APIC_ICR_VECTOR_MASK      0xffu
#define APIC_ICR_DM_SMI           (2u << 8)
#define APIC_ICR_DM_NMI           (4u << 8)
#define APIC_ICR_DM_INIT          (5u << 8)
#define APIC_ICR_DM_STARTUP       (6u << 8)
#define APIC_ICR_DELIVERY_PENDING (1u << 12)   /* xAPIC only */
#define APIC_ICR_LEVEL_ASSERT     (1u << 14)
#define APIC_ICR_TRIGGER_LEVEL    (1u << 15)
#define APIC_ICR_DEST_SELF        (1u << 18)   /* destination shorthand 01b: self */
#define APIC_ICR_XAPIC_DEST_SHIFT 24           /* in ICR_HIGH */
#define APIC_ICR_X2APIC_DEST_SHIFT 32          /* in the 64-bit MSR */

/* Spurious-interrupt vector register: the APIC software enable. */
#define APIC_SVR_ENABLE      BIT(8)
/* Divide configuration register: 1011b divides by 1. */
#define APIC_TIMER_DIVIDE_BY_1 0xbu

#define APIC_LVT_MASKED      BIT(16)
/* LVT delivery mode, bits 10:8 (LINT0, LINT1 and the other non-timer entries). */
#define APIC_LVT_DM_MASK     (7u << 8)
#define APIC_LVT_DM_NMI      (4u << 8)
#define APIC_LVT_DM_EXTINT   (7u << 8)   /* the vector comes from an external controller's acknowledge */
/* LVT timer mode, bits 18:17 (SDM "Timer Mode"): one-shot 00b, periodic 01b, TSC-deadline 10b. */
#define APIC_LVT_TIMER_MODE         (3u << 17)
#define APIC_LVT_TIMER_PERIODIC     (1u << 17)
#define APIC_LVT_TIMER_TSC_DEADLINE (2u << 17)
#define APIC_BASE_X2APIC     BIT(10)
#define APIC_BASE_ADDR_MASK  0x000ffffffffff000ULL
#define X2APIC_MSR_BASE      0x800
#define X2APIC_MSR_MASK      0xffu   /* MSRs 0x800-0x8ff: SDM "x2APIC Register Address Space" */
/* x2APIC logical ID (SDM "Logical Destination Mode in x2APIC Mode"): cluster in 31:16, a bit per member in 15:0. */
#define X2APIC_CLUSTER_SHIFT 16
#define X2APIC_MEMBER_MASK   0xffffu
#define X2APIC_ID_CLUSTER_SHIFT 4    /* the x2APIC ID's bits 19:4 name the cluster, 3:0 the member */
#define X2APIC_ID_MEMBER_MASK   0xfu

#endif
