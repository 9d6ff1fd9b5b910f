/*
 * VM-execution, VM-exit and VM-entry control bits (Intel SDM vol. 3,
 * "VM-Execution Control Fields", "VM-Exit Control Fields", "VM-Entry Control
 * Fields"). Prefixed by their control word. No policy here: vmx/caps.c decides.
 */
#ifndef HW_VMX_CTRL_H
#define HW_VMX_CTRL_H

#include "hw/msr.h"

/* Pin-based VM-execution controls */
#define PIN_EXTERNAL_INTERRUPT_EXITING  BIT(0)
#define PIN_NMI_EXITING                 BIT(3)
#define PIN_VIRTUAL_NMIS                BIT(5)
#define PIN_ACTIVATE_PREEMPTION_TIMER   BIT(6)
#define PIN_PROCESS_POSTED_INTERRUPTS   BIT(7)

/* Primary processor-based VM-execution controls */
#define PROC_INTERRUPT_WINDOW_EXITING   BIT(2)
#define PROC_USE_TSC_OFFSETTING         BIT(3)
#define PROC_HLT_EXITING                BIT(7)
#define PROC_INVLPG_EXITING             BIT(9)
#define PROC_MWAIT_EXITING              BIT(10)
#define PROC_RDPMC_EXITING              BIT(11)
#define PROC_RDTSC_EXITING              BIT(12)
#define PROC_CR3_LOAD_EXITING           BIT(15)
#define PROC_CR3_STORE_EXITING          BIT(16)
#define PROC_CR8_LOAD_EXITING           BIT(19)
#define PROC_CR8_STORE_EXITING          BIT(20)
#define PROC_USE_TPR_SHADOW             BIT(21)
#define PROC_NMI_WINDOW_EXITING         BIT(22)
#define PROC_MOV_DR_EXITING             BIT(23)
#define PROC_UNCONDITIONAL_IO_EXITING   BIT(24)
#define PROC_USE_IO_BITMAPS             BIT(25)
#define PROC_MONITOR_TRAP_FLAG          BIT(27)
#define PROC_USE_MSR_BITMAPS            BIT(28)
#define PROC_MONITOR_EXITING            BIT(29)
#define PROC_PAUSE_EXITING              BIT(30)
#define PROC_ACTIVATE_SECONDARY_CONTROLS BIT(31)

/* Secondary processor-based VM-execution controls */
#define PROC2_VIRTUALIZE_APIC_ACCESSES  BIT(0)
#define PROC2_ENABLE_EPT                BIT(1)
#define PROC2_DESCRIPTOR_TABLE_EXITING  BIT(2)
#define PROC2_ENABLE_RDTSCP             BIT(3)
#define PROC2_VIRTUALIZE_X2APIC_MODE    BIT(4)
#define PROC2_ENABLE_VPID               BIT(5)
#define PROC2_WBINVD_EXITING            BIT(6)
#define PROC2_UNRESTRICTED_GUEST        BIT(7)
#define PROC2_APIC_REGISTER_VIRT        BIT(8)
#define PROC2_VIRTUAL_INTERRUPT_DELIVERY BIT(9)
#define PROC2_ENABLE_INVPCID            BIT(12)
#define PROC2_ENABLE_XSAVES             BIT(20)

/* VM-exit controls */
#define EXIT_CTL_SAVE_DEBUG_CONTROLS    BIT(2)
#define EXIT_CTL_HOST_ADDRESS_SPACE_SIZE BIT(9)
#define EXIT_CTL_ACK_INTERRUPT_ON_EXIT  BIT(15)
#define EXIT_CTL_SAVE_IA32_PAT          BIT(18)
#define EXIT_CTL_LOAD_IA32_PAT          BIT(19)
#define EXIT_CTL_SAVE_IA32_EFER         BIT(20)
#define EXIT_CTL_LOAD_IA32_EFER         BIT(21)
#define EXIT_CTL_SAVE_PREEMPTION_TIMER  BIT(22)

/* VM-entry controls */
#define ENTRY_CTL_LOAD_DEBUG_CONTROLS   BIT(2)
#define ENTRY_CTL_IA32E_MODE_GUEST      BIT(9)
#define ENTRY_CTL_ENTRY_TO_SMM          BIT(10)
#define ENTRY_CTL_LOAD_IA32_PAT         BIT(14)
#define ENTRY_CTL_LOAD_IA32_EFER        BIT(15)

/* The VMCS link pointer when no VMCS is linked ("Guest Non-Register State"). */
#define VMCS_LINK_NONE (~0ULL)
#define VMCS_PAGE_MASK 0xfffULL   /* a VMCS region is 4-KiB aligned */

/*
 * The 4-KiB MSR bitmap ("MSR-Bitmap Address"): a bit per MSR, set to exit, in
 * four 1-KiB parts: reads of MSRs 0-0x1fff, reads of 0xc0000000-0xc0001fff,
 * then writes of each range.
 */
#define MSR_BITMAP_READ_LOW    0x000
#define MSR_BITMAP_READ_HIGH   0x400
#define MSR_BITMAP_WRITE_LOW   0x800
#define MSR_BITMAP_WRITE_HIGH  0xc00
#define MSR_BITMAP_HIGH_BASE   0xc0000000u
#define MSR_BITMAP_RANGE_MASK  0x1fffu

#endif
