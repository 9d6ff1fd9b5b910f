/* CPUID leaves and feature bits Hinoki reads or hides (Intel SDM vol. 2, CPUID). */
#ifndef HW_CPUID_H
#define HW_CPUID_H

#include "hw/msr.h"

#define CPUID_LEAF_FEATURES     0x00000001u
#define CPUID_LEAF_EXT_MAX      0x80000000u
#define CPUID_LEAF_EXT_FEATURES 0x80000001u

/* Leaf 1 ECX */
#define CPUID_1_ECX_MONITOR    BIT(3)
#define CPUID_1_ECX_VMX        BIT(5)
#define CPUID_1_ECX_SMX        BIT(6)
#define CPUID_1_ECX_HYPERVISOR BIT(31)
/* Leaf 0x80000001 EDX */
#define CPUID_80000001_EDX_PDPE1GB BIT(26)
#define CPUID_80000001_EDX_LM      BIT(29)

#endif
