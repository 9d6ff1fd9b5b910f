/*
 * Intel Virtualization Technology for Directed I/O (the VT-d architecture
 * specification): a remapping unit's registers ("Register Descriptions"),
 * the legacy-mode root, context and second-level paging entries ("Root
 * Entry", "Context Entry", "Second-Level Paging Entries"), interrupt
 * remapping table entries and the remappable interrupt formats ("Interrupt
 * Remapping"), invalidation descriptors ("Queued Invalidation") and the
 * fault reasons ("Non-Recoverable Fault Conditions"). Names follow the
 * specification's register and field names.
 */
#ifndef HW_VTD_H
#define HW_VTD_H

#ifndef BIT
#define BIT(n)   (1ULL << (n))
#endif

/* Where QEMU's q35 machine and kvm-unit-tests put the one remapping unit. */
#define VTD_DEFAULT_BASE      0xfed90000ULL
#define VTD_MMIO_SIZE         0x1000
#define VTD_PAGE_SIZE         0x1000u            /* the unit translates 4 KiB pages at a time */

/* Register offsets */
#define VTD_VER_REG           0x000
#define VTD_CAP_REG           0x008
#define VTD_ECAP_REG          0x010
#define VTD_GCMD_REG          0x018
#define VTD_GSTS_REG          0x01c
#define VTD_RTADDR_REG        0x020
#define VTD_CCMD_REG          0x028
#define VTD_FSTS_REG          0x034
#define VTD_FECTL_REG         0x038
#define VTD_FEDATA_REG        0x03c
#define VTD_FEADDR_REG        0x040
#define VTD_FEUADDR_REG       0x044
#define VTD_IQH_REG           0x080
#define VTD_IQT_REG           0x088
#define VTD_IQA_REG           0x090
#define VTD_ICS_REG           0x09c
#define VTD_IECTL_REG         0x0a0
#define VTD_IEDATA_REG        0x0a4
#define VTD_IEADDR_REG        0x0a8
#define VTD_IEUADDR_REG       0x0ac
#define VTD_IRTA_REG          0x0b8

/* VER_REG: major version in bits 7:4, minor in 3:0 */
#define VTD_VER_1_0           0x10u

/* CAP_REG */
#define VTD_CAP_ND_256        2ULL               /* ND: 8-bit domain identifiers */
#define VTD_CAP_SAGAW_39      BIT(9)             /* 3-level second-level tables */
#define VTD_CAP_SAGAW_48      BIT(10)            /* 4-level */
#define VTD_CAP_MGAW_SHIFT    16                 /* maximum guest address width - 1 */
#define VTD_CAP_FRO_SHIFT     24                 /* fault-recording registers' offset / 16 */
#define VTD_CAP_SLLPS_2M      BIT(34)
#define VTD_CAP_SLLPS_1G      BIT(35)
#define VTD_CAP_NFR_SHIFT     40                 /* fault-recording registers - 1 */

/* ECAP_REG */
#define VTD_ECAP_C            BIT(0)             /* remapping-structure accesses are snooped */
#define VTD_ECAP_QI           BIT(1)
#define VTD_ECAP_IR           BIT(3)
#define VTD_ECAP_EIM          BIT(4)             /* x2APIC mode: 32-bit destinations in remapping entries */
#define VTD_ECAP_PT           BIT(6)             /* pass-through context entries */
#define VTD_ECAP_IRO_SHIFT    8                  /* IOTLB registers' offset / 16 */

/* GCMD_REG and GSTS_REG: a command bit and its status bit share a position */
#define VTD_GCMD_TE           BIT(31)            /* translation enable / TES */
#define VTD_GCMD_SRTP         BIT(30)            /* set root table pointer / RTPS */
#define VTD_GCMD_SFL          BIT(29)
#define VTD_GCMD_EAFL         BIT(28)
#define VTD_GCMD_WBF          BIT(27)
#define VTD_GCMD_QIE          BIT(26)            /* queued invalidation enable / QIES */
#define VTD_GCMD_IRE          BIT(25)            /* interrupt remapping enable / IRES */
#define VTD_GCMD_SIRTP        BIT(24)            /* set interrupt remap table pointer / IRTPS */
#define VTD_GCMD_CFI          BIT(23)            /* compatibility format interrupts / CFIS */

/* RTADDR_REG */
#define VTD_RTADDR_RTT        (3ULL << 10)       /* translation table mode: 00 legacy */
#define VTD_ADDR_4K           0xfffffffffffff000ULL

/* CCMD_REG and IOTLB_REG: the invalidation requested, its granularity, the one done */
#define VTD_CCMD_ICC          BIT(63)
#define VTD_CCMD_CIRG_SHIFT   61
#define VTD_CCMD_CAIG_SHIFT   59
#define VTD_IOTLB_IVT         BIT(63)
#define VTD_IOTLB_IIRG_SHIFT  60
#define VTD_IOTLB_IAIG_SHIFT  57
#define VTD_IVA_REG_OFF       0x0                /* from the IRO */
#define VTD_IOTLB_REG_OFF     0x8

/* FSTS_REG */
#define VTD_FSTS_PFO          BIT(0)
#define VTD_FSTS_PPF          BIT(1)
#define VTD_FSTS_IQE          BIT(4)
#define VTD_FSTS_ICE          BIT(5)
#define VTD_FSTS_ITE          BIT(6)
#define VTD_FSTS_FRI_SHIFT    8

/* FECTL_REG and IECTL_REG */
#define VTD_ECTL_IM           BIT(31)            /* interrupt mask */
#define VTD_ECTL_IP           BIT(30)            /* interrupt pending */

/* A fault-recording register: 128 bits, FI in the low quadword */
#define VTD_FRCD_SID_MASK     0xffffULL          /* high quadword */
#define VTD_FRCD_FR_SHIFT     32
#define VTD_FRCD_T            BIT(62)            /* 1: a read request */
#define VTD_FRCD_F            BIT(63)
#define VTD_FRCD_FI_IR_SHIFT  48                 /* an interrupt's index, for remapping faults */

/* IQA_REG, IQH_REG, IQT_REG, ICS_REG */
#define VTD_IQA_QS            7ULL               /* 2^QS pages of 256 descriptors */
#define VTD_IQ_INDEX_SHIFT    4                  /* IQH and IQT hold descriptor index << 4 */
#define VTD_IQ_INDEX_MASK     0x7fff0ULL
#define VTD_ICS_IWC           BIT(0)

/* IRTA_REG */
#define VTD_IRTA_S            0xfULL             /* 2^(S+1) entries */
#define VTD_IRTA_EIME         BIT(11)

/* Root entry (legacy mode) */
#define VTD_ROOT_P            BIT(0)
#define VTD_ROOT_LO_RSVD      0xffeULL

/* Context entry (legacy mode) */
#define VTD_CTX_P             BIT(0)
#define VTD_CTX_FPD           BIT(1)
#define VTD_CTX_TT_SHIFT      2
#define VTD_CTX_TT_MASK       3ULL
#define VTD_CTX_TT_MULTI_LEVEL 0
#define VTD_CTX_TT_PASS_THROUGH 2
#define VTD_CTX_LO_RSVD       0xff0ULL
#define VTD_CTX_AW_MASK       7ULL               /* high quadword */
#define VTD_CTX_AW_39         1
#define VTD_CTX_AW_48         2
#define VTD_CTX_HI_RSVD       (0xffffffffff000000ULL | 0x80ULL)

/* Second-level paging entry */
#define VTD_SL_R              BIT(0)
#define VTD_SL_W              BIT(1)
#define VTD_SL_PS             BIT(7)

/* Interrupt remapping table entry (128 bits) */
#define VTD_IRTE_P            BIT(0)
#define VTD_IRTE_FPD          BIT(1)
#define VTD_IRTE_DM           BIT(2)             /* 1: logical destination */
#define VTD_IRTE_TM           BIT(4)             /* 1: level-triggered */
#define VTD_IRTE_DLM_SHIFT    5
#define VTD_IRTE_DLM_MASK     7ULL
#define VTD_IRTE_IM           BIT(15)            /* 1: posted (not remapped) */
#define VTD_IRTE_V_SHIFT      16
#define VTD_IRTE_LO_RSVD      (0x7000ULL | 0xff000000ULL)
#define VTD_IRTE_DST_XAPIC_SHIFT 40              /* xAPIC mode: the APIC ID in bits 47:40 */
#define VTD_IRTE_DST_XAPIC_RSVD  0xffff00ff00000000ULL
#define VTD_IRTE_DST_SHIFT    32                 /* x2APIC mode: the 32-bit destination in bits 63:32 */
#define VTD_IRTE_SID_MASK     0xffffULL          /* high quadword */
#define VTD_IRTE_SQ_SHIFT     16
#define VTD_IRTE_SVT_SHIFT    18
#define VTD_IRTE_HI_RSVD      0xfffffffffff00000ULL
#define VTD_SVT_NONE          0
#define VTD_SVT_SID           1                  /* SID and SQ name the requester */
#define VTD_SVT_BUS_RANGE     2                  /* SID names a bus range */

/* A remappable-format interrupt request (an MSI address, an I/O APIC entry's message) */
#define VTD_MSI_HANDLE15      BIT(2)
#define VTD_MSI_SHV           BIT(3)
#define VTD_MSI_IF            BIT(4)             /* 1: remappable format */
#define VTD_MSI_HANDLE_SHIFT  5
#define VTD_MSI_HANDLE_MASK   0x7fffULL

/* Invalidation descriptors (128 bits) */
#define VTD_INV_TYPE_MASK     0xfULL
#define VTD_INV_CC            0x1                /* context-cache */
#define VTD_INV_IOTLB         0x2
#define VTD_INV_IEC           0x4                /* interrupt entry cache */
#define VTD_INV_WAIT          0x5
#define VTD_INV_WAIT_IF       BIT(4)             /* raise the invalidation completion event */
#define VTD_INV_WAIT_SW       BIT(5)             /* write the status data */
#define VTD_INV_WAIT_SD_SHIFT 32
#define VTD_INV_WAIT_SA_MASK  0xfffffffffffffffcULL   /* high quadword */

/* Fault reasons */
#define VTD_FR_ROOT_NP        0x01
#define VTD_FR_CTX_NP         0x02
#define VTD_FR_CTX_INVALID    0x03               /* AW or TT the unit does not support */
#define VTD_FR_ADDR_WIDTH     0x04
#define VTD_FR_WRITE          0x05
#define VTD_FR_READ           0x06
#define VTD_FR_PAGING_ACCESS  0x07
#define VTD_FR_ROOT_ACCESS    0x08
#define VTD_FR_CTX_ACCESS     0x09
#define VTD_FR_ROOT_RSVD      0x0a
#define VTD_FR_CTX_RSVD       0x0b
#define VTD_FR_PAGING_RSVD    0x0c
#define VTD_FR_IR_INDEX       0x21
#define VTD_FR_IR_NP          0x22
#define VTD_FR_IR_ACCESS      0x23
#define VTD_FR_IR_RSVD        0x24
#define VTD_FR_IR_COMPAT      0x25               /* a compatibility-format interrupt while CFIS is clear */
#define VTD_FR_IR_SID         0x26

#endif
