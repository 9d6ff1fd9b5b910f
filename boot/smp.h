/*
 * Every CPU: the application processors listed in the ACPI MADT (or by the
 * firmware's MP services when it has no ACPI tables) are started one at a
 * time with INIT-SIPI-SIPI and each turns VMX on. CPU index 0 is the BSP; the
 * others are numbered in list order as they come online, so indices are
 * dense: 0 .. pcpu_count() - 1 in the CPU table (cpu/pcpu.h). See docs/smp.md.
 */
#ifndef BOOT_SMP_H
#define BOOT_SMP_H

#include "boot/boot.h"
#include "cpu/pcpu.h"

/*
 * On the BSP, after its own vmx_enable(): register it as CPU 0, start every
 * other enabled CPU and make each call ap_main(its pcpu) once it is in VMX
 * root operation and has logged "cpuN: online" (ap_main must not return).
 * APs start one at a time; this returns when each is up or given up on. A CPU
 * that does not answer, or cannot enable VMX, is reported by APIC id and left
 * out. Returns the number of CPUs online, the BSP included (1 when no CPU
 * list could be found).
 */
int smp_start_aps(const struct boot_handoff *h, void (*ap_main)(struct pcpu *));

/* An ap_main for a CPU with nothing to do (tests, bring-up): halt with interrupts off. */
void smp_ap_park(struct pcpu *cpu) __attribute__((noreturn));

#endif
