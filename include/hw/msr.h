/* Model-specific register numbers and the bits Hinoki uses (Intel SDM vol. 4 names). */
#ifndef HW_MSR_H
#define HW_MSR_H

#ifndef BIT
#define BIT(n)   (1ULL << (n))
#endif

#define MSR_IA32_TSC                 0x010
#define MSR_IA32_PLATFORM_ID         0x017   /* bits 52:50: the platform a microcode update must match */
#define MSR_IA32_APIC_BASE           0x01b
#define MSR_IA32_FEATURE_CONTROL     0x03a
#define MSR_IA32_BIOS_SIGN_ID        0x08b
#define MSR_IA32_TSC_ADJUST          0x03b
#define MSR_IA32_SPEC_CTRL           0x048
#define MSR_IA32_PRED_CMD            0x049
#define MSR_IA32_BIOS_UPDT_TRIG      0x079   /* microcode update: WRMSR with the update's address */
#define MSR_IA32_SMM_MONITOR_CTL     0x09b
#define MSR_IA32_SMBASE              0x09e   /* readable in SMM only */
#define MSR_IA32_SMRR_PHYSBASE       0x1f2
#define MSR_IA32_SMRR_PHYSMASK       0x1f3
#define MSR_IA32_PERF_GLOBAL_CTRL    0x38f
#define MSR_IA32_SYSENTER_CS         0x174
#define MSR_IA32_SYSENTER_ESP        0x175
#define MSR_IA32_SYSENTER_EIP        0x176
#define MSR_IA32_MCG_CAP             0x179
#define MSR_IA32_MCG_STATUS          0x17a
#define MSR_IA32_MISC_ENABLE         0x1a0
#define MSR_IA32_DEBUGCTL            0x1d9
#define MSR_IA32_PAT                 0x277
#define MSR_IA32_TSC_DEADLINE        0x6e0
#define MSR_IA32_VMX_BASIC           0x480
#define MSR_IA32_VMX_PINBASED_CTLS   0x481
#define MSR_IA32_VMX_PROCBASED_CTLS  0x482
#define MSR_IA32_VMX_EXIT_CTLS       0x483
#define MSR_IA32_VMX_ENTRY_CTLS      0x484
#define MSR_IA32_VMX_MISC            0x485
#define MSR_IA32_VMX_CR0_FIXED0      0x486
#define MSR_IA32_VMX_CR0_FIXED1      0x487
#define MSR_IA32_VMX_CR4_FIXED0      0x488
#define MSR_IA32_VMX_CR4_FIXED1      0x489
#define MSR_IA32_VMX_VMCS_ENUM       0x48a
#define MSR_IA32_VMX_PROCBASED_CTLS2 0x48b
#define MSR_IA32_VMX_EPT_VPID_CAP    0x48c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS  0x48d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS  0x48f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS 0x490
#define MSR_IA32_VMX_VMFUNC          0x491
#define MSR_IA32_EFER                0xc0000080
#define MSR_IA32_STAR                0xc0000081
#define MSR_IA32_LSTAR               0xc0000082
#define MSR_IA32_CSTAR               0xc0000083
#define MSR_IA32_FMASK               0xc0000084
#define MSR_IA32_FS_BASE             0xc0000100
#define MSR_IA32_GS_BASE             0xc0000101
#define MSR_IA32_KERNEL_GS_BASE      0xc0000102
#define MSR_IA32_TSC_AUX             0xc0000103

/* IA32_FEATURE_CONTROL */
#define FEATURE_CONTROL_LOCK              BIT(0)
#define FEATURE_CONTROL_VMX_INSIDE_SMX    BIT(1)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX   BIT(2)

/* IA32_EFER */
#define EFER_SCE  BIT(0)
#define EFER_LME  BIT(8)
#define EFER_LMA  BIT(10)
#define EFER_NXE  BIT(11)
#define EFER_RESERVED (~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE))   /* on Intel CPUs */

/* IA32_DEBUGCTL (SDM vol. 3, "IA32_DEBUGCTL MSR"): bits 5:2 and 63:16 are reserved. */
#define DEBUGCTL_LBR      BIT(0)   /* last-branch records */
#define DEBUGCTL_BTF      BIT(1)   /* single-step on branches */
#define DEBUGCTL_RESERVED (BIT(2) | BIT(3) | BIT(4) | BIT(5) | ~0ULL << 16)

/* IA32_VMX_BASIC */
#define VMX_BASIC_REVISION_MASK  0x7fffffffULL
#define VMX_BASIC_INS_OUTS_INFO  BIT(54)   /* INS/OUTS exits report instruction information */
#define VMX_BASIC_TRUE_CTLS      BIT(55)

/* IA32_VMX_MISC */
#define VMX_MISC_PREEMPT_RATE_MASK 0x1fULL
#define VMX_MISC_UNRESTRICTED_LMA  BIT(5)  /* VM exits store EFER.LMA into the IA-32e mode guest control */
#define VMX_MISC_ACTIVITY_HLT      BIT(6)  /* the activity states a VM entry accepts besides active */
#define VMX_MISC_ACTIVITY_SHUTDOWN BIT(7)
#define VMX_MISC_ACTIVITY_WAIT_SIPI BIT(8)

/* IA32_VMX_EPT_VPID_CAP */
#define EPT_CAP_WALK_4        BIT(6)
#define EPT_CAP_WB            BIT(14)
#define EPT_CAP_2MB           BIT(16)
#define EPT_CAP_1GB           BIT(17)
#define EPT_CAP_INVEPT        BIT(20)   /* INVEPT supported */
#define EPT_CAP_INVEPT_SINGLE BIT(25)   /* single-context INVEPT type */
#define EPT_CAP_INVEPT_ALL    BIT(26)   /* all-context INVEPT type */
#define VPID_CAP_INVVPID      BIT(32)   /* INVVPID supported */
#define VPID_CAP_INVVPID_ADDR BIT(40)   /* individual-address INVVPID type */
#define VPID_CAP_INVVPID_SINGLE BIT(41) /* single-context INVVPID type */
#define VPID_CAP_INVVPID_ALL  BIT(42)   /* all-context INVVPID type */
#define VPID_CAP_INVVPID_SINGLE_GLOBALS BIT(43) /* single-context-retaining-globals INVVPID type */

#define APIC_BASE_BSP    BIT(8)
#define APIC_BASE_ENABLE BIT(11)
#define APIC_DEFAULT_PHYS_BASE 0xfee00000ULL


/* IA32_MISC_ENABLE (SDM vol. 4, "Architectural MSRs"). */
#define MISC_ENABLE_FAST_STRINGS       BIT(0)
#define MISC_ENABLE_TCC                BIT(3)    /* automatic thermal control circuit */
#define MISC_ENABLE_PERF_MON           BIT(7)    /* read-only */
#define MISC_ENABLE_BTS_UNAVAILABLE    BIT(11)   /* read-only */
#define MISC_ENABLE_PEBS_UNAVAILABLE   BIT(12)   /* read-only */
#define MISC_ENABLE_EIST               BIT(16)
#define MISC_ENABLE_MONITOR            BIT(18)
#define MISC_ENABLE_LIMIT_CPUID        BIT(22)   /* CPUID.0:EAX reads at most 2 */
#define MISC_ENABLE_XTPR_DISABLE       BIT(23)
#define MISC_ENABLE_XD_BIT_DISABLE     BIT(34)   /* CPUID.80000001:EDX.NX reads 0 */
#define MISC_ENABLE_WRITABLE  (MISC_ENABLE_FAST_STRINGS | MISC_ENABLE_TCC | MISC_ENABLE_EIST | MISC_ENABLE_MONITOR | \
                               MISC_ENABLE_LIMIT_CPUID | MISC_ENABLE_XTPR_DISABLE | MISC_ENABLE_XD_BIT_DISABLE)
#define MISC_ENABLE_READ_ONLY (MISC_ENABLE_PERF_MON | MISC_ENABLE_BTS_UNAVAILABLE | MISC_ENABLE_PEBS_UNAVAILABLE)

/* IA32_PAT: a memory type per byte (SDM "PAT Memory Types"); 2 and 3 are reserved. */
#define PAT_UC           0x0u
#define PAT_WC           0x1u
#define PAT_RESERVED_2   0x2u
#define PAT_RESERVED_3   0x3u
#define PAT_WT           0x4u
#define PAT_WP           0x5u
#define PAT_WB           0x6u
#define PAT_UC_MINUS     0x7u
#define PAT_POWER_ON     0x0007040600070406ULL   /* WB WT UC- UC, twice */

#endif
