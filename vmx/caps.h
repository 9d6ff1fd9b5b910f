/*
 * VMX capabilities, negotiated once at boot from the capability MSRs and
 * read-only afterwards. Every control value the hypervisor writes comes from
 * here: (wanted | allowed-0) & allowed-1, using the TRUE_* MSRs when
 * IA32_VMX_BASIC[55] says they exist.
 */
#ifndef VMX_CAPS_H
#define VMX_CAPS_H

#include <stdbool.h>
#include <stdint.h>
#include "hw/cr.h"
#include "hw/vmx_ctrl.h"
#include "vmx/msr_table.h"
#include "vmx/tlb.h"

struct vmx_caps {
	uint32_t revision;
	bool true_ctls;
	bool ins_outs_info;                       /* INS/OUTS exits give the address size (string I/O) */
	uint32_t pin, proc, proc2, exit, entry;   /* negotiated control values */
	uint32_t entry_allowed1;                  /* to set IA-32e mode guest per vCPU */
	uint32_t proc_window;                     /* PROC_INTERRUPT_WINDOW_EXITING if it may be 1, else 0 */
	/* The secondary controls of APIC virtualization if the CPU has them all, else 0 (vmx/apicv.c). */
	uint32_t apicv_proc2;
	uint64_t misc, ept_vpid;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	unsigned preempt_shift;                   /* timer ticks = TSC >> preempt_shift */
	struct tlb_caps tlb;                      /* the INVEPT and INVVPID types used */
	/* The host's highest basic and extended CPUID leaves: a guest's CPUID policy needs them (vmx/exit_cpuid.c). */
	uint32_t cpuid_max_basic, cpuid_max_ext;
	unsigned phys_bits;                       /* MAXPHYADDR, which the guest's CPUID says too */
	bool pku;                                 /* protection keys for user pages offered (vmx/guest_pkeys.h) */
	/* The host runs F3 0F BC/BD as TZCNT/LZCNT (BMI1, LZCNT), else as BSF/BSR: MMIO emulation runs them alike. */
	bool tzcnt, lzcnt;
	/* MSR_CAP_* (vmx/msr_table.h): what decides which MSR table rows exist, fixed once negotiated. */
	unsigned msr;
};

extern struct vmx_caps vmx_caps;

/*
 * Fill vmx_caps. Returns 0, or -1 after printing, by name, each required
 * feature the CPU lacks. Call before VMXON (reads MSRs only).
 */
int vmx_caps_negotiate(void);
/* One log line: the optional controls found (missing ones were named by vmx_caps_negotiate). */
void vmx_caps_report(void);

/* Inline: the scheduler asks on every VM entry. */
static inline bool vmx_has_preemption_timer(void) { return vmx_caps.pin & PIN_ACTIVATE_PREEMPTION_TIMER; }
static inline bool vmx_has_saved_preemption_timer(void) { return vmx_caps.exit & EXIT_CTL_SAVE_PREEMPTION_TIMER; }
static inline bool vmx_has_tsc_offsetting(void) { return vmx_caps.proc & PROC_USE_TSC_OFFSETTING; }
static inline bool vmx_has_rdtscp(void) { return vmx_caps.proc2 & PROC2_ENABLE_RDTSCP; }
static inline bool vmx_has_vpid(void) { return vmx_caps.proc2 & PROC2_ENABLE_VPID; }
static inline bool vmx_has_interrupt_window(void) { return vmx_caps.proc_window != 0; }
static inline bool vmx_has_apicv(void) { return vmx_caps.apicv_proc2 != 0; }
/* The guest's IA32_PAT is loaded at entries and the host's back at exits: only then is PAT offered. */
static inline bool vmx_has_guest_pat(void)
{
	return (vmx_caps.entry & ENTRY_CTL_LOAD_IA32_PAT) && (vmx_caps.exit & EXIT_CTL_LOAD_IA32_PAT);
}
/* The processor's linear-address width, which VM entry's canonical checks use whatever a guest's CR4.LA57. */
static inline unsigned vmx_linear_bits(void)
{
	return vmx_caps.cr4_fixed1 & CR4_LA57 ? LINEAR_BITS_5LEVEL : LINEAR_BITS_4LEVEL;
}
bool vmx_has_ept_2m(void);
bool vmx_has_ept_1g(void);
bool vmx_has_fast_path(void);

#endif
