/* CPUID leaves and feature bits Hinoki reads or hides (Intel SDM vol. 2, CPUID). */
#ifndef HW_CPUID_H
#define HW_CPUID_H

#include "hw/msr.h"

#define CPUID_LEAF_BASIC_MAX    0x00000000u   /* the highest basic leaf, and the vendor */
#define CPUID_LEAF_FEATURES     0x00000001u
#define CPUID_LEAF_EXT_MAX      0x80000000u
#define CPUID_LEAF_EXT_FEATURES 0x80000001u
#define CPUID_LEAF_ADDR_SIZES   0x80000008u   /* EAX[7:0]: MAXPHYADDR */
#define CPUID_ADDR_SIZES_PHYS   0xffu
#define CPUID_PHYS_BITS_DEFAULT 36u           /* MAXPHYADDR where leaf 0x80000008 is missing */

#define CPUID_LEAF_THERMAL      0x00000006u   /* thermal and power management */
#define CPUID_LEAF_PERFMON      0x0000000au
#define CPUID_LEAF_EXT_STATE    0x0000000du
#define CPUID_LEAF_STRUCT_EXT   0x00000007u
#define CPUID_LEAF_TOPOLOGY     0x0000000bu   /* extended topology enumeration */
#define CPUID_LEAF_TOPOLOGY_V2  0x0000001fu   /* V2 extended topology enumeration */
#define CPUID_LEAF_TSC          0x00000015u   /* TSC and core crystal clock: TSC = ECX * EBX / EAX Hz */
#define CPUID_LEAF_FREQ         0x00000016u   /* processor base, maximum and bus frequency, MHz */

/* Leaf 1 EDX: machine-check exception and architecture (IA32_MCG_* and the banks' MSRs). */
#define CPUID_1_EDX_MCE        BIT(7)
#define CPUID_1_EDX_APIC       BIT(9)   /* clear while IA32_APIC_BASE's global enable is */
#define CPUID_1_EDX_MCA        BIT(14)
/* Leaf 1 EDX: MTRRs (IA32_MTRRCAP and the range MSRs), PAT (IA32_PAT). */
#define CPUID_1_EDX_MTRR       BIT(12)
#define CPUID_1_EDX_PAT        BIT(16)
/* Leaf 1 EDX: debug store (IA32_DS_AREA). */
#define CPUID_1_EDX_DS         BIT(21)
/* Leaf 1 EDX: thermal monitor and software clock control (IA32_THERM_*, IA32_CLOCK_MODULATION), TM1. */
#define CPUID_1_EDX_ACPI       BIT(22)
#define CPUID_1_EDX_TM         BIT(29)
/* Leaf 1 ECX */
#define CPUID_1_ECX_DTES64     BIT(2)
#define CPUID_1_ECX_MONITOR    BIT(3)
#define CPUID_1_ECX_DS_CPL     BIT(4)
#define CPUID_1_ECX_VMX        BIT(5)
#define CPUID_1_ECX_SMX        BIT(6)
#define CPUID_1_ECX_EIST       BIT(7)
#define CPUID_1_ECX_TM2        BIT(8)
#define CPUID_1_ECX_FMA        BIT(12)
#define CPUID_1_ECX_XTPR       BIT(14)
#define CPUID_1_ECX_PDCM       BIT(15)
#define CPUID_1_ECX_X2APIC     BIT(21)
#define CPUID_1_ECX_TSC_DEADLINE BIT(24)
#define CPUID_1_ECX_XSAVE      BIT(26)
#define CPUID_1_ECX_OSXSAVE    BIT(27)
#define CPUID_1_ECX_AVX        BIT(28)
#define CPUID_1_ECX_F16C       BIT(29)
#define CPUID_1_ECX_HYPERVISOR BIT(31)
/* Leaf 6 EAX: the APIC timer runs in every C-state (ARAT). */
#define CPUID_6_EAX_ARAT       BIT(2)
/* Leaf 7 subleaf 0 EBX: the AVX2 and AVX-512 families, which need XSAVE-managed state. */
#define CPUID_7_EBX_AVX2       BIT(5)
#define CPUID_7_EBX_AVX512_ALL (BIT(16) | BIT(17) | BIT(21) | BIT(26) | BIT(27) | BIT(28) | BIT(30) | BIT(31))
#define CPUID_7_ECX_AVX512_ALL (BIT(1) | BIT(6) | BIT(11) | BIT(12) | BIT(14))
/* Leaf 7 subleaf 0 EBX: BMI1, with which F3 0F BC is TZCNT (else BSF); leaf 0x80000001 ECX: LZCNT (F3 0F BD). */
#define CPUID_7_EBX_BMI1           BIT(3)
#define CPUID_80000001_ECX_LZCNT   BIT(5)
/* Leaf 7 subleaf 0: MPX (its IA32_BNDCFGS MSR) and protection keys: PKU (PKRU, CR4.PKE), PKS (IA32_PKRS, CR4.PKS). */
#define CPUID_7_EBX_MPX        BIT(14)
#define CPUID_7_ECX_PKU        BIT(3)
#define CPUID_7_ECX_OSPKE      BIT(4)
#define CPUID_7_ECX_PKS        BIT(31)
/* Leaf 7 subleaf 0 EDX: IBRS/IBPB, STIBP, L1D_FLUSH, ARCH_CAPABILITIES, CORE_CAPABILITIES, SSBD: MSRs not emulated. */
#define CPUID_7_EDX_SPEC_MSRS  (BIT(26) | BIT(27) | BIT(28) | BIT(29) | BIT(30) | BIT(31))
/* Leaf 0 EAX with IA32_MISC_ENABLE's "limit CPUID maxval" set. */
#define CPUID_LIMITED_MAX_LEAF     2u
/* Leaf 0x80000001 EDX */
#define CPUID_80000001_EDX_NX      BIT(20)
#define CPUID_80000001_EDX_PDPE1GB BIT(26)
#define CPUID_80000001_EDX_RDTSCP  BIT(27)
#define CPUID_80000001_EDX_LM      BIT(29)

#endif
