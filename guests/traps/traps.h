/*
 * What the traps guest's check files share: its TAG for check.h's fail(),
 * the expected-#GP probe of WRMSR (main.c), the virtual local APIC checks
 * (apic.c), IA32_DEBUGCTL (step.c) and the CPL 3 hypercalls (user.c).
 */
#ifndef TRAPS_TRAPS_H
#define TRAPS_TRAPS_H

#include <stdbool.h>
#include <stdint.h>
#include "check.h"

#define TAG "traps: "

/* WRMSR msr, val must raise #GP; prints "traps: WHAT -> #GP". */
bool expect_wrmsr_gp(uint32_t msr, uint64_t val, const char *what);

/* The xAPIC at 0xFEE00000, IA32_APIC_BASE and IA32_TSC_ADJUST. */
void check_apic(void);
/* A string move into the APIC page: the hypervisor must stop the domain. Does not return normally. */
void apic_bad_mmio(void);

/* IA32_DEBUGCTL and single-stepping on branches (step.c, stepping.asm). */
void check_debugctl(void);

/* Hypercalls made at CPL 3 are refused (user.c, ring3.asm). */
void check_user_hypercalls(void);

#endif
