/*
 * Control negotiation (Intel SDM appendix "VMX Capability Reporting
 * Facility"): a control's allowed-0 settings are the low 32 bits of its
 * capability MSR (bits that must be 1), allowed-1 the high 32 bits (bits that
 * may be 1). A required feature the CPU lacks is reported by name; an optional
 * one is noted and done without.
 */
#include "hw/cpuid.h"
#include "hw/cr.h"
#include "hw/msr.h"
#include "hw/vmx_ctrl.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/x86.h"
#include "vmx/caps.h"
#include "vmx/guest_pkeys.h"
#include "vmx/msr_table.h"

struct vmx_caps vmx_caps;

struct ctl_bit { uint32_t bit; const char *name; bool required; };

static const struct ctl_bit pin_wanted[] = {
	{ PIN_EXTERNAL_INTERRUPT_EXITING, "external-interrupt exiting", true },
	{ PIN_NMI_EXITING, "NMI exiting", true },
	/*
	 * With NMI exiting and without virtual NMIs a guest's IRET does not end
	 * the NMI blocking an injected NMI sets (SDM "Changes to Instruction
	 * Behavior in VMX Non-Root Operation"), so no second NMI could go in.
	 */
	{ PIN_VIRTUAL_NMIS, "virtual NMIs", true },
	{ PIN_ACTIVATE_PREEMPTION_TIMER, "VMX-preemption timer", false },
	{ 0, 0, 0 }
};
static const struct ctl_bit proc_wanted[] = {
	{ PROC_HLT_EXITING, "HLT exiting", true },
	/* Checked here, set per vCPU only while an interrupt waits for the guest to take it (vmx/inject.c). */
	{ PROC_INTERRUPT_WINDOW_EXITING, "interrupt-window exiting", false },
	/* Likewise while an NMI waits for the guest's IRET (it exists wherever virtual NMIs do). */
	{ PROC_NMI_WINDOW_EXITING, "NMI-window exiting", true },
	/* Without them a 64-bit guest's MOV CR8 would reach the real local APIC's TPR. */
	{ PROC_CR8_LOAD_EXITING, "CR8-load exiting", true },
	{ PROC_CR8_STORE_EXITING, "CR8-store exiting", true },
	/* Every port exits: no I/O bitmap pages, since none would be passed through. */
	{ PROC_UNCONDITIONAL_IO_EXITING, "unconditional I/O exiting", true },
	{ PROC_USE_MSR_BITMAPS, "MSR bitmaps", true },
	/* IA32_TSC_ADJUST and writes of IA32_TSC move the guest's TSC (vmx/exit_msr.c). */
	{ PROC_USE_TSC_OFFSETTING, "TSC offsetting", false },
	{ PROC_MWAIT_EXITING, "MWAIT exiting", true },
	{ PROC_MONITOR_EXITING, "MONITOR exiting", true },
	{ PROC_ACTIVATE_SECONDARY_CONTROLS, "secondary controls", true },
	{ 0, 0, 0 }
};
static const struct ctl_bit proc2_wanted[] = {
	{ PROC2_ENABLE_EPT, "EPT", true },
	{ PROC2_UNRESTRICTED_GUEST, "unrestricted guest", true },
	{ PROC2_ENABLE_VPID, "VPID", false },
	{ PROC2_ENABLE_RDTSCP, "RDTSCP", false },
	{ PROC2_ENABLE_INVPCID, "INVPCID", false },
	{ PROC2_ENABLE_XSAVES, "XSAVES", false },
	{ 0, 0, 0 }
};
static const struct ctl_bit exit_wanted[] = {
	/*
	 * DR7 and IA32_DEBUGCTL are the guest's only through these two: without
	 * them a VM exit resets DR7 to 0x400 and clears DEBUGCTL, and the guest
	 * loses both at every exit. Intel CPUs fix them at 1; the TRUE MSRs of
	 * some (Bochs's Skylake-X model) let them be 0, so they are asked for.
	 */
	{ EXIT_CTL_SAVE_DEBUG_CONTROLS, "save debug controls", true },
	{ EXIT_CTL_HOST_ADDRESS_SPACE_SIZE, "64-bit host", true },
	{ EXIT_CTL_SAVE_IA32_EFER, "save IA32_EFER", true },
	{ EXIT_CTL_LOAD_IA32_EFER, "load IA32_EFER", true },
	{ EXIT_CTL_SAVE_IA32_PAT, "save IA32_PAT", false },
	{ EXIT_CTL_LOAD_IA32_PAT, "load IA32_PAT", false },
	{ EXIT_CTL_ACK_INTERRUPT_ON_EXIT, "acknowledge interrupt on exit", true },
	{ EXIT_CTL_SAVE_PREEMPTION_TIMER, "save VMX-preemption timer value", false },
	{ 0, 0, 0 }
};
static const struct ctl_bit entry_wanted[] = {
	{ ENTRY_CTL_LOAD_DEBUG_CONTROLS, "load debug controls", true },
	{ ENTRY_CTL_LOAD_IA32_EFER, "load IA32_EFER on entry", true },
	{ ENTRY_CTL_LOAD_IA32_PAT, "load IA32_PAT on entry", false },
	{ 0, 0, 0 }
};

/* Returns the negotiated value; *missing counts required bits the CPU cannot set. */
static uint32_t negotiate(const char *word, uint32_t msr, const struct ctl_bit *want, int *missing)
{
	uint64_t cap = rdmsr(msr);
	uint32_t must1 = (uint32_t)cap, may1 = (uint32_t)(cap >> 32);
	uint32_t val = must1;
	for (const struct ctl_bit *b = want; b->bit; b++) {
		if (may1 & b->bit) {
			val |= b->bit;
		} else if (b->required) {
			log_err("VT-x lacks required %s control: %s\n", word, b->name);
			(*missing)++;
		} else {
			log_warn("VT-x lacks optional %s control: %s (done without)\n", word, b->name);
		}
	}
	return val;
}

/*
 * APIC virtualization ("APIC Virtualization and Virtual Interrupts") is
 * used whole or not at all: the TPR shadow and the virtual-APIC page, APIC
 * accesses through the APIC-access page, register reads from the page and
 * virtual-interrupt delivery (whose EOI exits tell level-triggered EOIs to
 * the I/O APIC). With any part missing, interrupts are injected by event
 * injection and interrupt-window exiting (vmx/inject.c). Set per domain
 * (vmx/apicv.c), so the word here says only what the CPU allows.
 */
static uint32_t apicv_proc2_of(uint32_t proc_cap_lo, uint32_t proc_cap_hi, uint32_t proc2_may1)
{
	const uint32_t want = PROC2_VIRTUALIZE_APIC_ACCESSES | PROC2_APIC_REGISTER_VIRT |
	                      PROC2_VIRTUAL_INTERRUPT_DELIVERY;
	const uint32_t cr8 = PROC_CR8_LOAD_EXITING | PROC_CR8_STORE_EXITING;
	if (!(proc_cap_hi & PROC_USE_TPR_SHADOW) || (proc_cap_lo & cr8) || (proc2_may1 & want) != want) {
		log_warn("VT-x lacks APIC virtualization (TPR shadow, APIC-register virtualization, "
		         "virtual-interrupt delivery): interrupts are injected at interrupt windows\n");
		return 0;
	}
	return want;
}

/* Once the controls are negotiated, so that an MSR exit reads one word instead of asking them. */
static unsigned msr_caps_of(const struct vmx_caps *c)
{
	unsigned caps = 0;
	if (vmx_has_guest_pat())
		caps |= MSR_CAP_PAT_LOAD;
	if (vmx_has_tsc_offsetting())
		caps |= MSR_CAP_TSC_OFFSETTING;
	if (c->cr4_fixed1 & CR4_LA57)
		caps |= MSR_CAP_LA57;
	return caps;
}

int vmx_caps_negotiate(void)
{
	struct vmx_caps *c = &vmx_caps;
	uint64_t basic = rdmsr(MSR_IA32_VMX_BASIC);
	int missing = 0;

	c->revision = (uint32_t)(basic & VMX_BASIC_REVISION_MASK);
	c->true_ctls = basic & VMX_BASIC_TRUE_CTLS;
	c->ins_outs_info = basic & VMX_BASIC_INS_OUTS_INFO;
	c->pin = negotiate("pin-based", c->true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS
	                   : MSR_IA32_VMX_PINBASED_CTLS, pin_wanted, &missing);
	c->proc = negotiate("processor-based", c->true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS
	                    : MSR_IA32_VMX_PROCBASED_CTLS, proc_wanted, &missing);
	/* The windows are negotiated to learn that they may be 1; the VMCS starts with them 0 (unless the CPU forces them). */
	c->proc_window = c->proc & PROC_INTERRUPT_WINDOW_EXITING;
	uint64_t proc_cap = rdmsr(c->true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS : MSR_IA32_VMX_PROCBASED_CTLS);
	c->proc &= ~(uint32_t)(PROC_INTERRUPT_WINDOW_EXITING | PROC_NMI_WINDOW_EXITING) | (uint32_t)proc_cap;
	if (c->proc & PROC_ACTIVATE_SECONDARY_CONTROLS) {
		c->proc2 = negotiate("secondary", MSR_IA32_VMX_PROCBASED_CTLS2, proc2_wanted, &missing);
		uint32_t proc2_may1 = (uint32_t)(rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2) >> 32);
		c->apicv_proc2 = apicv_proc2_of((uint32_t)proc_cap, (uint32_t)(proc_cap >> 32), proc2_may1);
	}
	c->exit = negotiate("VM-exit", c->true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS
	                    : MSR_IA32_VMX_EXIT_CTLS, exit_wanted, &missing);
	uint32_t entry_msr = c->true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS;
	c->entry = negotiate("VM-entry", entry_msr, entry_wanted, &missing);
	c->entry_allowed1 = (uint32_t)(rdmsr(entry_msr) >> 32);
	if (!(c->entry_allowed1 & ENTRY_CTL_IA32E_MODE_GUEST)) {
		log_err("VT-x lacks required VM-entry control: IA-32e mode guest\n");
		missing++;
	}

	uint32_t b, cx, d;
	cpuid(0, 0, &c->cpuid_max_basic, &b, &cx, &d);
	cpuid(CPUID_LEAF_EXT_MAX, 0, &c->cpuid_max_ext, &b, &cx, &d);
	c->phys_bits = CPUID_PHYS_BITS_DEFAULT;
	if (c->cpuid_max_ext >= CPUID_LEAF_ADDR_SIZES) {
		uint32_t a;
		cpuid(CPUID_LEAF_ADDR_SIZES, 0, &a, &b, &cx, &d);
		c->phys_bits = a & CPUID_ADDR_SIZES_PHYS;
	}

	c->misc = rdmsr(MSR_IA32_VMX_MISC);
	c->preempt_shift = (unsigned)(c->misc & VMX_MISC_PREEMPT_RATE_MASK);
	c->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	c->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	c->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	c->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
	uint32_t ebx7 = 0, ecx7 = 0;
	if (c->cpuid_max_basic >= CPUID_LEAF_STRUCT_EXT)
		cpuid(CPUID_LEAF_STRUCT_EXT, 0, &cx, &ebx7, &ecx7, &d);
	c->pku = pku_offerable(ecx7, c->cr4_fixed1);
	c->tzcnt = (ebx7 & CPUID_7_EBX_BMI1) != 0;
	if (c->cpuid_max_ext >= CPUID_LEAF_EXT_FEATURES) {
		uint32_t a;
		cpuid(CPUID_LEAF_EXT_FEATURES, 0, &a, &b, &cx, &d);
		c->lzcnt = (cx & CPUID_80000001_ECX_LZCNT) != 0;
	}
	if (c->proc2 & (PROC2_ENABLE_EPT | PROC2_ENABLE_VPID))
		c->ept_vpid = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);

	if ((c->proc2 & PROC2_ENABLE_EPT) &&
	    (!(c->ept_vpid & EPT_CAP_WALK_4) || !(c->ept_vpid & EPT_CAP_WB))) {
		log_err("VT-x EPT lacks a 4-level walk with write-back tables\n");
		missing++;
	}
	/*
	 * Without INVEPT a freed EPT root could not safely be given to another
	 * domain (vmx/tlb.c, rule 1), and EPT is required: refuse, not risk it.
	 */
	c->tlb = tlb_caps_choose(c->ept_vpid);
	if ((c->proc2 & PROC2_ENABLE_EPT) && c->tlb.invept_type == TLB_TYPE_NONE) {
		log_err("VT-x EPT lacks INVEPT of the single-context or all-context type\n");
		missing++;
	}
	if ((c->proc2 & PROC2_ENABLE_VPID) && c->tlb.invvpid_type == TLB_TYPE_NONE) {
		log_warn("VT-x has VPID but no single-context or all-context INVVPID: VPID not used\n");
		c->proc2 &= ~(uint32_t)PROC2_ENABLE_VPID;
	}
	c->msr = msr_caps_of(c);
	return missing ? -1 : 0;
}

bool vmx_has_ept_2m(void) { return vmx_caps.ept_vpid & EPT_CAP_2MB; }
bool vmx_has_ept_1g(void) { return vmx_caps.ept_vpid & EPT_CAP_1GB; }

/*
 * A fast resume (vmx/exit.c) re-enters without the scheduler, so the
 * preemption timer the scheduler armed (the slice's end, or a vLAPIC timer's
 * expiry before it) must keep running down across its exits: the CPU has to
 * have one and save its value.
 */
bool vmx_has_fast_path(void)
{
	return vmx_has_preemption_timer() && vmx_has_saved_preemption_timer();
}

/*
 * The machine report's line on VT-x: how many required controls there are
 * and which optional ones this CPU has, by the names negotiation gives them
 * (it has already named each one missing).
 */
void vmx_caps_report(void)
{
	const struct { const struct ctl_bit *want; uint32_t val; } words[] = {
		{ pin_wanted, vmx_caps.pin }, { proc_wanted, vmx_caps.proc | vmx_caps.proc_window },
		{ proc2_wanted, vmx_caps.proc2 }, { exit_wanted, vmx_caps.exit }, { entry_wanted, vmx_caps.entry },
	};
	char found[400];
	size_t n = 0;
	unsigned required = 0;
	for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
		for (const struct ctl_bit *b = words[w].want; b->bit; b++) {
			if (b->required)
				required++;
			else if ((words[w].val & b->bit) && n < sizeof found)
				n += (size_t)fmt_snprintf(found + n, sizeof found - n, "%s%s", n ? ", " : "", b->name);
		}
	log_info("VT-x: VMCS revision 0x%x, %u required controls; optional found: %s; EPT pages: 4K%s%s; "
	         "APIC virtualization: %s\n", vmx_caps.revision, required, n ? found : "none",
	         vmx_has_ept_2m() ? " 2M" : "", vmx_has_ept_1g() ? " 1G" : "", vmx_has_apicv() ? "yes" : "no");
}
