/*
 * The guest's own paging structures, as the SDM's "Paging" chapter names
 * their bits (32-bit, PAE and 4-level paging share these), and the error
 * code a page fault pushes ("Interrupt 14-Page-Fault Exception").
 */
#ifndef HW_PAGING_H
#define HW_PAGING_H

#ifndef BIT
#define BIT(n)   (1ULL << (n))
#endif

/* ---- paging-structure entries ----------------------------------------------- */
#define X86_PTE_P            BIT(0)
#define X86_PTE_RW           BIT(1)  /* writes allowed */
#define X86_PTE_US           BIT(2)  /* user-mode accesses allowed */
#define X86_PTE_A            BIT(5)  /* accessed: set by the processor at every level it uses */
#define X86_PTE_D            BIT(6)  /* dirty: set in the entry that maps the page, on a write */
#define X86_PTE_PS           BIT(7)  /* a large page at PDPTE/PDE level */
#define X86_PTE_ADDR_MASK    0x000ffffffffff000ULL
#define X86_CR3_PAE_MASK     0xffffffe0ULL   /* PAE CR3: the PDPT is 32-byte aligned */
#define X86_CR3_32_MASK      0xfffff000ULL

/* ---- page-fault error code ---------------------------------------------------- */
#define PFEC_P               BIT(0)  /* a protection violation, not a non-present page */
#define PFEC_W               BIT(1)  /* the access was a write */
#define PFEC_U               BIT(2)  /* the access was made in user mode (CPL 3) */

#endif
