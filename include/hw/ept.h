/*
 * Extended Page Table formats (Intel SDM vol. 3, "EPT Translation Mechanism",
 * the tables "Format of an EPT PML4 Entry" through "Format of an EPT
 * Page-Table Entry", "Format of Extended-Page-Table Pointer" and "Exit
 * Qualification for EPT Violations"). Bit names only, no policy.
 */
#ifndef HW_EPT_H
#define HW_EPT_H

#include <stdbool.h>
#include <stdint.h>

/* Same definition as hw/msr.h, so either header may come first. */
#ifndef BIT
#define BIT(n)   (1ULL << (n))
#endif

/* ---- entries (all levels) ---------------------------------------------- */
#define EPT_READ        BIT(0)
#define EPT_WRITE       BIT(1)
#define EPT_EXECUTE     BIT(2)          /* supervisor-mode execute with MBEC */
#define EPT_RWX         (EPT_READ | EPT_WRITE | EPT_EXECUTE)
/* Leaf entries only: memory type in bits 5:3, then ignore-PAT. */
#define EPT_MEMTYPE_SHIFT 3
#define EPT_MEMTYPE_MASK  (7ULL << EPT_MEMTYPE_SHIFT)
#define EPT_MEMTYPE(t)    ((uint64_t)(t) << EPT_MEMTYPE_SHIFT)
#define EPT_IGNORE_PAT  BIT(6)
/* PDPTE maps a 1 GiB page / PDE maps a 2 MiB page; reserved in PML4Es. */
#define EPT_PAGE_SIZE   BIT(7)
#define EPT_ACCESSED    BIT(8)          /* only with EPTP_AD_ENABLE */
#define EPT_DIRTY       BIT(9)          /* leaf entries, only with EPTP_AD_ENABLE */
#define EPT_EXECUTE_USER BIT(10)        /* user-mode execute with MBEC */
#define EPT_SUPPRESS_VE BIT(63)

/* Physical address bits 51:12 of an entry (MAXPHYADDR is at most 52). */
#define EPT_MAXPHYADDR  52
#define EPT_ADDR_MASK   (BIT(EPT_MAXPHYADDR) - BIT(12))

/* Memory types (SDM "Memory Types That Can Be Encoded With PAT"/MTRR encodings). */
enum ept_memtype {
	EPT_MT_UC = 0,
	EPT_MT_WC = 1,
	EPT_MT_WT = 4,
	EPT_MT_WP = 5,
	EPT_MT_WB = 6,
};

/* A 4-level walk: PML4 (level 3) down to the page table (level 0). */
#define EPT_LEVELS          4
#define EPT_ENTRIES         512
#define EPT_PAGE_SHIFT      12
#define EPT_LEVEL_BITS      9
#define EPT_LEVEL_SHIFT(l)  (EPT_PAGE_SHIFT + EPT_LEVEL_BITS * (l))
#define EPT_LEVEL_SIZE(l)   BIT(EPT_LEVEL_SHIFT(l))
#define EPT_INDEX(gpa, l)   ((unsigned)(((gpa) >> EPT_LEVEL_SHIFT(l)) & (EPT_ENTRIES - 1)))
#define EPT_GPA_BITS        48          /* guest-physical width a 4-level walk covers */
#define EPT_PAGE_4K         BIT(12)
#define EPT_PAGE_2M         BIT(21)
#define EPT_PAGE_1G         BIT(30)

/* ---- EPT pointer (VMCS field EPT_POINTER) ------------------------------ */
#define EPTP_MEMTYPE_MASK   7ULL        /* paging-structure memory type, bits 2:0 */
#define EPTP_MT_UC          EPT_MT_UC
#define EPTP_MT_WB          EPT_MT_WB
#define EPTP_PWL_SHIFT      3           /* page-walk length minus 1, bits 5:3 */
#define EPTP_PWL_MASK       (7ULL << EPTP_PWL_SHIFT)
#define EPTP_PWL(levels)    ((uint64_t)((levels) - 1) << EPTP_PWL_SHIFT)
#define EPTP_AD_ENABLE      BIT(6)
#define EPTP_SSS_ENABLE     BIT(7)      /* supervisor shadow-stack control */
#define EPTP_ADDR_MASK      EPT_ADDR_MASK

/* ---- exit qualification for EPT violations ----------------------------- */
#define EPT_QUAL_READ           BIT(0)  /* the access was a data read */
#define EPT_QUAL_WRITE          BIT(1)  /* the access was a data write */
#define EPT_QUAL_FETCH          BIT(2)  /* the access was an instruction fetch */
#define EPT_QUAL_GPA_READABLE   BIT(3)  /* AND of the read bits along the walk */
#define EPT_QUAL_GPA_WRITABLE   BIT(4)
#define EPT_QUAL_GPA_EXECUTABLE BIT(5)
#define EPT_QUAL_GPA_EXEC_USER  BIT(6)
#define EPT_QUAL_GLA_VALID      BIT(7)  /* guest linear address field is valid */
#define EPT_QUAL_GLA_TRANSLATED BIT(8)  /* access to the final translation, not a paging entry */
#define EPT_QUAL_USER_MODE      BIT(9)  /* advanced VM-exit information */
#define EPT_QUAL_GLA_WRITABLE   BIT(10)
#define EPT_QUAL_GLA_NX         BIT(11)
#define EPT_QUAL_NMI_UNBLOCKING BIT(12) /* NMI unblocking due to IRET */
#define EPT_QUAL_SHADOW_STACK   BIT(13)
#define EPT_QUAL_ACCESS_SHIFT   0
#define EPT_QUAL_ACCESS_MASK    (EPT_QUAL_READ | EPT_QUAL_WRITE | EPT_QUAL_FETCH)
#define EPT_QUAL_GPA_PERM_SHIFT 3
#define EPT_QUAL_GPA_PERM_MASK  (EPT_RWX << EPT_QUAL_GPA_PERM_SHIFT)

static inline bool ept_qual_is_read(uint64_t q)  { return (q & EPT_QUAL_READ) != 0; }
static inline bool ept_qual_is_write(uint64_t q) { return (q & EPT_QUAL_WRITE) != 0; }
static inline bool ept_qual_is_fetch(uint64_t q) { return (q & EPT_QUAL_FETCH) != 0; }
static inline bool ept_qual_gla_valid(uint64_t q) { return (q & EPT_QUAL_GLA_VALID) != 0; }
static inline bool ept_qual_nmi_unblocking(uint64_t q) { return (q & EPT_QUAL_NMI_UNBLOCKING) != 0; }

/* The attempted access as EPT_READ/WRITE/EXECUTE bits (bits 2:0 line up). */
static inline unsigned ept_qual_access(uint64_t q)
{
	return (unsigned)((q & EPT_QUAL_ACCESS_MASK) >> EPT_QUAL_ACCESS_SHIFT);
}

/* What the walk allowed at the faulting address, as EPT_READ/WRITE/EXECUTE bits. */
static inline unsigned ept_qual_gpa_perms(uint64_t q)
{
	return (unsigned)((q & EPT_QUAL_GPA_PERM_MASK) >> EPT_QUAL_GPA_PERM_SHIFT);
}

/* True when nothing maps the address at all (as opposed to a permission miss). */
static inline bool ept_qual_not_present(uint64_t q)
{
	return ept_qual_gpa_perms(q) == 0;
}

#endif
