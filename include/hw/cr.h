/* Control-register and RFLAGS bits (Intel SDM vol. 3, "Control Registers"). */
#ifndef HW_CR_H
#define HW_CR_H

#include "hw/msr.h"

#define CR0_PE BIT(0)
#define CR0_MP BIT(1)
#define CR0_EM BIT(2)
#define CR0_TS BIT(3)
#define CR0_ET BIT(4)
#define CR0_NE BIT(5)
#define CR0_WP BIT(16)
#define CR0_AM BIT(18)
#define CR0_NW BIT(29)
#define CR0_CD BIT(30)
#define CR0_PG BIT(31)

#define CR4_VME        BIT(0)
#define CR4_PVI        BIT(1)
#define CR4_TSD        BIT(2)
#define CR4_DE         BIT(3)
#define CR4_PSE        BIT(4)
#define CR4_PAE        BIT(5)
#define CR4_MCE        BIT(6)
#define CR4_PGE        BIT(7)
#define CR4_PCE        BIT(8)
#define CR4_OSFXSR     BIT(9)
#define CR4_OSXMMEXCPT BIT(10)
#define CR4_VMXE       BIT(13)
#define CR4_SMXE       BIT(14)
#define CR4_FSGSBASE   BIT(16)
#define CR4_LA57       BIT(12)   /* 5-level paging */
#define CR4_PCIDE      BIT(17)
#define CR4_OSXSAVE    BIT(18)
#define CR4_SMEP       BIT(20)
#define CR4_SMAP       BIT(21)
#define CR4_PKE        BIT(22)   /* protection keys for user-mode pages (PKRU) */
#define CR4_CET        BIT(23)   /* control-flow enforcement */
#define CR4_PKS        BIT(24)   /* protection keys for supervisor-mode pages (IA32_PKRS) */

#define CR3_PCID_MASK    0xfffULL   /* with CR4.PCIDE: the current PCID */
#define CR3_PAE_PDPT     0xffffffe0ULL   /* PAE paging: the PDPT's address, 32-byte aligned */

/* PAE paging's four page-directory-pointer-table entries ("PDPTE Registers"). */
#define PAE_PDPTES       4
#define PDPTE_P          BIT(0)
#define PDPTE_RESERVED   (BIT(1) | BIT(2) | BIT(5) | BIT(6) | BIT(7) | BIT(8))   /* and bits MAXPHYADDR-63 */
#define CR3_PCID_NOFLUSH BIT(63)    /* MOV to CR3 with CR4.PCIDE: keep the PCID's translations */

#define RFLAGS_CF     BIT(0)
#define RFLAGS_FIXED  BIT(1)
#define RFLAGS_PF     BIT(2)
#define RFLAGS_AF     BIT(4)
#define RFLAGS_ZF     BIT(6)
#define RFLAGS_SF     BIT(7)
#define RFLAGS_TF     BIT(8)
#define RFLAGS_IF     BIT(9)
#define RFLAGS_DF     BIT(10)
#define RFLAGS_RF     BIT(16)
#define RFLAGS_VM     BIT(17)
#define RFLAGS_OF     BIT(11)
/* The status flags an arithmetic instruction sets ("EFLAGS Cross-Reference"). */
#define RFLAGS_ARITH  (RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_OF)
/* Reserved: bits 63:22, 15, 5 and 3 read as 0 (bit 1, RFLAGS_FIXED, as 1). */
#define RFLAGS_RESERVED (~0ULL << 22 | BIT(15) | BIT(5) | BIT(3))

/* Page-table entry bits for the host's own 4-level tables. */
#define PTE_P   BIT(0)
#define PTE_W   BIT(1)
#define PTE_U   BIT(2)
#define PTE_PS  BIT(7)
#define PTE_ADDR_MASK 0x000ffffffffff000ULL

#endif
