/*
 * Basic VM-exit reasons (Intel SDM vol. 3, appendix "VMX Basic Exit Reasons")
 * as one X-macro list: it generates the enum, the names for logs and stats,
 * and the table size for dispatch. Adding a reason is one line.
 */
#ifndef HW_VMX_EXIT_H
#define HW_VMX_EXIT_H

#include "hw/msr.h"

#define EXIT_REASONS(X) \
	X(EXCEPTION_NMI,        0)  \
	X(EXTERNAL_INTERRUPT,   1)  \
	X(TRIPLE_FAULT,         2)  \
	X(INIT_SIGNAL,          3)  \
	X(SIPI,                 4)  \
	X(IO_SMI,               5)  \
	X(OTHER_SMI,            6)  \
	X(INTERRUPT_WINDOW,     7)  \
	X(NMI_WINDOW,           8)  \
	X(TASK_SWITCH,          9)  \
	X(CPUID,                10) \
	X(GETSEC,               11) \
	X(HLT,                  12) \
	X(INVD,                 13) \
	X(INVLPG,               14) \
	X(RDPMC,                15) \
	X(RDTSC,                16) \
	X(RSM,                  17) \
	X(VMCALL,               18) \
	X(VMCLEAR,              19) \
	X(VMLAUNCH,             20) \
	X(VMPTRLD,              21) \
	X(VMPTRST,              22) \
	X(VMREAD,               23) \
	X(VMRESUME,             24) \
	X(VMWRITE,              25) \
	X(VMXOFF,               26) \
	X(VMXON,                27) \
	X(CR_ACCESS,            28) \
	X(DR_ACCESS,            29) \
	X(IO_INSTRUCTION,       30) \
	X(MSR_READ,             31) \
	X(MSR_WRITE,            32) \
	X(INVALID_GUEST_STATE,  33) \
	X(MSR_LOADING,          34) \
	X(MWAIT,                36) \
	X(MONITOR_TRAP_FLAG,    37) \
	X(MONITOR,              39) \
	X(PAUSE,                40) \
	X(MACHINE_CHECK,        41) \
	X(TPR_BELOW_THRESHOLD,  43) \
	X(APIC_ACCESS,          44) \
	X(VIRTUALIZED_EOI,      45) \
	X(GDTR_IDTR,            46) \
	X(LDTR_TR,              47) \
	X(EPT_VIOLATION,        48) \
	X(EPT_MISCONFIG,        49) \
	X(INVEPT,               50) \
	X(RDTSCP,               51) \
	X(PREEMPTION_TIMER,     52) \
	X(INVVPID,              53) \
	X(WBINVD,               54) \
	X(XSETBV,               55) \
	X(APIC_WRITE,           56) \
	X(RDRAND,               57) \
	X(INVPCID,              58) \
	X(VMFUNC,               59) \
	X(ENCLS,                60) \
	X(RDSEED,               61) \
	X(PML_FULL,             62) \
	X(XSAVES,               63) \
	X(XRSTORS,              64)

#define EXIT_REASON_ENUM_(name, num) EXIT_REASON_##name = num,
enum exit_reason { EXIT_REASONS(EXIT_REASON_ENUM_) EXIT_REASON_COUNT = 65 };
#undef EXIT_REASON_ENUM_

/* Exit-reason field: bit 31 set when the exit is a failed VM entry. */
#define EXIT_REASON_BASIC_MASK   0xffffu
#define EXIT_REASON_ENTRY_FAIL   (1u << 31)

/* I/O instruction exit qualification ("Exit Qualification for I/O Instructions"). */
static inline unsigned io_qual_size(unsigned long q)   { return (unsigned)(q & 7) + 1; }
static inline int io_qual_in(unsigned long q)          { return (q >> 3) & 1; }
static inline int io_qual_string(unsigned long q)      { return (q >> 4) & 1; }
static inline int io_qual_rep(unsigned long q)         { return (q >> 5) & 1; }
static inline unsigned io_qual_port(unsigned long q)   { return (unsigned)(q >> 16) & 0xffff; }

/* VM-exit instruction information for INS and OUTS (IA32_VMX_BASIC bit 54): the address size in bytes. */
static inline unsigned io_info_addr_bytes(unsigned info) { return 2u << ((info >> 7) & 7); }

/* Task-switch exit qualification ("Exit Qualification for Task Switches"). */
enum task_switch_source { TASK_SWITCH_CALL = 0, TASK_SWITCH_IRET = 1, TASK_SWITCH_JMP = 2, TASK_SWITCH_IDT_GATE = 3 };
static inline unsigned task_qual_selector(unsigned long q) { return (unsigned)(q & 0xffff); }
static inline unsigned task_qual_source(unsigned long q)   { return (unsigned)(q >> 30) & 3; }

/* Control-register access exit qualification. */
enum cr_access_type { CR_ACCESS_MOV_TO = 0, CR_ACCESS_MOV_FROM = 1, CR_ACCESS_CLTS = 2, CR_ACCESS_LMSW = 3 };
static inline unsigned cr_qual_cr(unsigned long q)     { return (unsigned)(q & 15); }
static inline unsigned cr_qual_type(unsigned long q)   { return (unsigned)(q >> 4) & 3; }
static inline unsigned cr_qual_gpr(unsigned long q)    { return (unsigned)(q >> 8) & 15; }
static inline unsigned cr_qual_lmsw(unsigned long q)   { return (unsigned)(q >> 16) & 0xffff; }

/*
 * Interruption information, one format for VM entry ("VM-Entry Controls for
 * Event Injection") and VM exit ("VM-Exit Information Fields for Vectored Events").
 */
#define INTR_INFO_VALID          (1u << 31)
#define INTR_INFO_DELIVER_CODE   (1u << 11)
#define INTR_INFO_TYPE_MASK      (7u << 8)
#define INTR_INFO_VECTOR_MASK    0xffu
#define INTR_TYPE_EXT_INTR       (0u << 8)
#define INTR_TYPE_NMI            (2u << 8)
#define INTR_TYPE_HW_EXCEPTION   (3u << 8)
#define INTR_TYPE_PRIV_SW_EXCEPTION (5u << 8)   /* INT1 */
#define INTR_TYPE_SW_EXCEPTION   (6u << 8)
#define INTR_TYPE_OTHER_EVENT    (7u << 8)   /* vector 0: a pending MTF VM exit */

/* Exception vectors. */
#define VEC_DE 0
#define VEC_DB 1
#define VEC_NMI 2
#define VEC_BP 3
#define VEC_OF 4
#define VEC_UD 6
#define VEC_NM 7
#define VEC_DF 8
#define VEC_TS 10
#define VEC_NP 11
#define VEC_SS 12
#define VEC_GP 13
#define VEC_PF 14
#define VEC_MC 18
/* Exceptions of the trap and abort classes ("Exception Classifications"); every other vector is a fault. */
#define VEC_TRAPS_AND_ABORTS ((1u << VEC_DB) | (1u << VEC_BP) | (1u << VEC_OF) | (1u << VEC_DF) | (1u << VEC_MC))

/* APIC-access exit qualification ("Exit Qualification for APIC-Access VM Exits"). */
#define APIC_ACCESS_QUAL_OFFSET_MASK  0xfffu
#define APIC_ACCESS_QUAL_TYPE_SHIFT   12
#define APIC_ACCESS_QUAL_TYPE_MASK    0xfu
#define APIC_ACCESS_LINEAR_READ       0u
#define APIC_ACCESS_LINEAR_WRITE      1u
/* APIC-write and EOI-induced exits: the offset, and the vector, in the qualification's low bits. */
#define APIC_WRITE_QUAL_OFFSET_MASK   0xfffu
#define VIRTUALIZED_EOI_QUAL_VECTOR_MASK 0xffu

/* Guest interrupt status (a 16-bit guest field): RVI in bits 7:0, SVI in bits 15:8. */
#define GUEST_INTR_STATUS_SVI_SHIFT   8

/* Guest interruptibility state ("Guest Non-Register State"). */
#define INTERRUPTIBILITY_STI    (1u << 0)   /* blocking by STI */
#define INTERRUPTIBILITY_MOV_SS (1u << 1)   /* blocking by MOV SS */
#define INTERRUPTIBILITY_BLOCKING (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS)
#define INTERRUPTIBILITY_SMI    (1u << 2)   /* blocking by SMI: in SMM */
#define INTERRUPTIBILITY_NMI    (1u << 3)   /* blocking by NMI (virtual-NMI blocking): in an NMI handler until IRET */
#define INTERRUPTIBILITY_ENCLAVE (1u << 4)  /* the exit interrupted an enclave */
#define INTERRUPTIBILITY_RESERVED (~0u << 5)

/* Guest activity states. */
#define ACTIVITY_ACTIVE    0
#define ACTIVITY_HLT       1
#define ACTIVITY_SHUTDOWN  2
#define ACTIVITY_WAIT_SIPI 3

/* Guest pending debug exceptions: B3-B0 and BS as in DR6, and the rest. */
#define PENDING_DBG_B0_B3      0xfULL
#define PENDING_DBG_ENABLED_BP BIT(12)   /* an enabled breakpoint matched */
#define PENDING_DBG_BS         BIT(14)   /* single step */
#define PENDING_DBG_RTM        BIT(16)   /* a #DB in an RTM region */
#define PENDING_DBG_RESERVED   (0xffULL << 4 | BIT(13) | BIT(15) | ~0ULL << 17)

#endif
