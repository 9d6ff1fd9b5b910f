/*
 * VMCS set-up, one area per function: controls, host state, guest state.
 * Control values come only from vmx_caps (negotiated against the capability
 * MSRs); guest CR0/CR4 bits that VMX forces are hidden behind read shadows
 * so the guest sees the values it wrote.
 */
#include "cpu/pcpu.h"
#include "hw/cr.h"
#include "hw/dr.h"
#include "hw/msr.h"
#include "hw/segment.h"
#include "hw/vmx_ctrl.h"
#include "hw/vmx_error.h"
#include "lib/log.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "mm/mem.h"
#include "vmx/apicv.h"
#include "vmx/caps.h"
#include "vmx/entry_check.h"
#include "vmx/exit.h"
#include "vmx/guest.h"
#include "vmx/guest_cr.h"
#include "vmx/guest_msrs.h"
#include "vmx/msr_table.h"
#include "vmx/tlb_cpu.h"
#include "vmx/vmx.h"
#include "vmx/vmx_ops.h"

static void setup_controls(struct vcpu *v, const struct guest_entry *e)
{
	const struct vmx_guest *g = v->guest;
	uint32_t proc = vmx_caps.proc, proc2 = vmx_caps.proc2;
	if (!v->vpid)
		proc2 &= ~(uint32_t)PROC2_ENABLE_VPID;
	if (guest_apicv(g))
		apicv_setup_vmcs(v, &proc, &proc2);
	v->proc_ctls = proc;

	vmcs_write32(VMCS_PIN_BASED_VM_EXEC_CONTROL, vmx_caps.pin);
	vmcs_write32(VMCS_CPU_BASED_VM_EXEC_CONTROL, proc);
	vmcs_write32(VMCS_SECONDARY_VM_EXEC_CONTROL, proc2);
	vmcs_write32(VMCS_VM_EXIT_CONTROLS, vmx_caps.exit);
	vmcs_write32(VMCS_VM_ENTRY_CONTROLS, vmx_caps.entry |
	             (e->mode == ENTRY_LONG64 ? (uint32_t)ENTRY_CTL_IA32E_MODE_GUEST : 0));
	vmcs_write32(VMCS_EXCEPTION_BITMAP, 0);
	vmcs_write32(VMCS_PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write32(VMCS_PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write32(VMCS_CR3_TARGET_COUNT, 0);
	vmcs_write32(VMCS_VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(VMCS_VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(VMCS_VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write32(VMCS_VM_ENTRY_INTR_INFO, 0);
	if (v->vpid)
		vmcs_write16(VMCS_VPID, v->vpid);
	vmcs_write64(VMCS_MSR_BITMAP, guest_msrs_bitmap_pa());
	vmcs_write64(VMCS_EPT_POINTER, ept_eptp(&g->ept));
	if (vmx_has_tsc_offsetting())
		vmcs_write64(VMCS_TSC_OFFSET, v->tsc_offset);
	vmcs_writenat(VMCS_CR0_GUEST_HOST_MASK, guest_cr0_mask());
	vmcs_writenat(VMCS_CR4_GUEST_HOST_MASK, guest_cr4_mask());
}

/* The host-state fields that differ from CPU to CPU. */
static void setup_host_cpu(struct pcpu *cpu)
{
	vmcs_writenat(VMCS_HOST_GS_BASE, (uint64_t)(uintptr_t)cpu);
	vmcs_writenat(VMCS_HOST_TR_BASE, (uint64_t)(uintptr_t)&cpu->tss);
	vmcs_writenat(VMCS_HOST_GDTR_BASE, (uint64_t)(uintptr_t)cpu->gdt);
}

static void setup_host(struct pcpu *cpu)
{
	struct desc_ptr idtr;
	__asm__ volatile("sidt %0" : "=m"(idtr));

	vmcs_writenat(VMCS_HOST_CR0, read_cr0());
	vmcs_writenat(VMCS_HOST_CR3, read_cr3());
	vmcs_writenat(VMCS_HOST_CR4, read_cr4());
	vmcs_write16(VMCS_HOST_CS_SELECTOR, SEL_CODE64);
	vmcs_write16(VMCS_HOST_SS_SELECTOR, SEL_DATA);
	vmcs_write16(VMCS_HOST_DS_SELECTOR, SEL_DATA);
	vmcs_write16(VMCS_HOST_ES_SELECTOR, SEL_DATA);
	vmcs_write16(VMCS_HOST_FS_SELECTOR, 0);
	vmcs_write16(VMCS_HOST_GS_SELECTOR, 0);
	vmcs_write16(VMCS_HOST_TR_SELECTOR, SEL_TSS);
	vmcs_writenat(VMCS_HOST_FS_BASE, 0);
	setup_host_cpu(cpu);
	vmcs_writenat(VMCS_HOST_IDTR_BASE, idtr.base);
	vmcs_write32(VMCS_HOST_IA32_SYSENTER_CS, 0);
	vmcs_writenat(VMCS_HOST_IA32_SYSENTER_ESP, 0);
	vmcs_writenat(VMCS_HOST_IA32_SYSENTER_EIP, 0);
	vmcs_write64(VMCS_HOST_IA32_EFER, rdmsr(MSR_IA32_EFER));
	if (vmx_caps.exit & EXIT_CTL_LOAD_IA32_PAT)
		vmcs_write64(VMCS_HOST_IA32_PAT, rdmsr(MSR_IA32_PAT));
	vmcs_writenat(VMCS_HOST_RIP, (uint64_t)(uintptr_t)vmx_exit_entry);
}

struct seg { uint16_t sel; uint32_t ar; uint64_t base; uint32_t limit; };

#define FLAT_LIMIT   0xffffffffu
#define REAL_LIMIT   0xffffu        /* segments, GDTR, IDTR and TR after INIT */
#define TSS_LIMIT    0xffu
/* CR0 after INIT: CD and NW set, ET set ("IA-32 Processor States Following Power-up, Reset, or INIT"). */
#define CR0_INIT     (CR0_CD | CR0_NW | CR0_ET)

static void write_segments(struct seg cs, struct seg data, uint32_t tr_limit)
{
	static const struct { uint32_t sel, base, limit, ar; } f[] = {
		{ VMCS_GUEST_ES_SELECTOR, VMCS_GUEST_ES_BASE, VMCS_GUEST_ES_LIMIT, VMCS_GUEST_ES_AR_BYTES },
		{ VMCS_GUEST_SS_SELECTOR, VMCS_GUEST_SS_BASE, VMCS_GUEST_SS_LIMIT, VMCS_GUEST_SS_AR_BYTES },
		{ VMCS_GUEST_DS_SELECTOR, VMCS_GUEST_DS_BASE, VMCS_GUEST_DS_LIMIT, VMCS_GUEST_DS_AR_BYTES },
		{ VMCS_GUEST_FS_SELECTOR, VMCS_GUEST_FS_BASE, VMCS_GUEST_FS_LIMIT, VMCS_GUEST_FS_AR_BYTES },
		{ VMCS_GUEST_GS_SELECTOR, VMCS_GUEST_GS_BASE, VMCS_GUEST_GS_LIMIT, VMCS_GUEST_GS_AR_BYTES },
	};
	for (unsigned i = 0; i < sizeof f / sizeof f[0]; i++) {
		vmcs_write_checked(f[i].sel, data.sel);
		vmcs_write_checked(f[i].base, data.base);
		vmcs_write_checked(f[i].limit, data.limit);
		vmcs_write_checked(f[i].ar, data.ar);
	}
	vmcs_write16(VMCS_GUEST_CS_SELECTOR, cs.sel);
	vmcs_writenat(VMCS_GUEST_CS_BASE, cs.base);
	vmcs_write32(VMCS_GUEST_CS_LIMIT, cs.limit);
	vmcs_write32(VMCS_GUEST_CS_AR_BYTES, cs.ar);

	/*
	 * A usable busy TSS and an unusable LDTR are what the entry checks
	 * require ("Checks on Guest Segment Registers": outside IA-32e mode a
	 * 32-bit busy TSS, type 11, is allowed too, and is INIT's value).
	 */
	vmcs_write16(VMCS_GUEST_TR_SELECTOR, 0);
	vmcs_writenat(VMCS_GUEST_TR_BASE, 0);
	vmcs_write32(VMCS_GUEST_TR_LIMIT, tr_limit);
	vmcs_write32(VMCS_GUEST_TR_AR_BYTES, AR_TYPE(SEG_TYPE_TSS64_BUSY) | AR_P);
	vmcs_write16(VMCS_GUEST_LDTR_SELECTOR, 0);
	vmcs_writenat(VMCS_GUEST_LDTR_BASE, 0);
	vmcs_write32(VMCS_GUEST_LDTR_LIMIT, 0);
	vmcs_write32(VMCS_GUEST_LDTR_AR_BYTES, AR_UNUSABLE);
}

static void setup_guest(struct vcpu *v, const struct guest_entry *e)
{
	const uint32_t data_ar = AR_TYPE(SEG_TYPE_DATA_RW_A) | AR_S | AR_P | AR_DB | AR_G;
	uint64_t cr0, cr4 = 0, efer = 0;
	uint64_t idt_limit = 0;

	if (e->mode == ENTRY_LONG64) {
		write_segments((struct seg){ e->code_sel, AR_TYPE(SEG_TYPE_CODE_XR_A) | AR_S | AR_P | AR_L | AR_G,
		                             0, FLAT_LIMIT },
		               (struct seg){ e->data_sel, data_ar, 0, FLAT_LIMIT }, TSS_LIMIT);
		cr0 = CR0_PE | CR0_PG | CR0_ET | CR0_NE;
		cr4 = CR4_PAE;
		efer = EFER_LME | EFER_LMA;
	} else if (e->mode == ENTRY_REAL16) {
		/*
		 * The state INIT and a SIPI leave: 16-bit segments of 64 KiB, CS at
		 * the SIPI page or a waking vector, PE and PG clear (unrestricted
		 * guest allows that; SS.DPL must then be 0), the IVT at 0. Only the
		 * real CR0 has the bits VMX forces; the shadow shows INIT's value.
		 * CS is "present, R/W, accessed" as the SDM's table of the state
		 * after INIT gives it (type 3, which unrestricted guest allows):
		 * as a code segment, Bochs 2.7 would refuse a selector whose bits
		 * 1:0 are not its DPL of 0 (an older SDM rule), which a waking
		 * vector's segment may have.
		 */
		write_segments((struct seg){ e->code_sel, AR_TYPE(SEG_TYPE_DATA_RW_A) | AR_S | AR_P,
		                             (uint64_t)e->code_sel << REAL_SEG_SHIFT, REAL_LIMIT },
		               (struct seg){ 0, AR_TYPE(SEG_TYPE_DATA_RW_A) | AR_S | AR_P, 0, REAL_LIMIT }, REAL_LIMIT);
		cr0 = CR0_INIT;
		idt_limit = REAL_LIMIT;
		memset(v->gpr, 0, sizeof v->gpr);
		v->cr2 = 0;
	} else {
		write_segments((struct seg){ e->code_sel, AR_TYPE(SEG_TYPE_CODE_XR_A) | AR_S | AR_P | AR_DB | AR_G,
		                             0, FLAT_LIMIT },
		               (struct seg){ e->data_sel, data_ar, 0, FLAT_LIMIT }, TSS_LIMIT);
		cr0 = CR0_PE | CR0_ET | CR0_NE;
	}
	vmcs_writenat(VMCS_GUEST_CR0, guest_cr0_real(cr0));
	vmcs_writenat(VMCS_CR0_READ_SHADOW, cr0);
	vmcs_writenat(VMCS_GUEST_CR4, guest_cr4_real(cr4));
	vmcs_writenat(VMCS_CR4_READ_SHADOW, cr4);
	vmcs_writenat(VMCS_GUEST_CR3, e->cr3);
	vmcs_write64(VMCS_GUEST_IA32_EFER, efer);
	if (vmx_caps.entry & ENTRY_CTL_LOAD_IA32_PAT)
		vmcs_write64(VMCS_GUEST_IA32_PAT, PAT_POWER_ON);

	vmcs_writenat(VMCS_GUEST_GDTR_BASE, e->gdt_base);
	vmcs_write32(VMCS_GUEST_GDTR_LIMIT, e->gdt_limit);
	vmcs_writenat(VMCS_GUEST_IDTR_BASE, 0);
	vmcs_write32(VMCS_GUEST_IDTR_LIMIT, (uint32_t)idt_limit);
	vmcs_writenat(VMCS_GUEST_DR7, DR7_RESET);
	guest_dr_reset(&v->dr);   /* the rest of the debug registers live outside the VMCS */
	vmcs_writenat(VMCS_GUEST_RSP, e->rsp);
	vmcs_writenat(VMCS_GUEST_RIP, e->rip);
	vmcs_writenat(VMCS_GUEST_RFLAGS, RFLAGS_FIXED);
	vmcs_writenat(VMCS_GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write32(VMCS_GUEST_ACTIVITY_STATE, ACTIVITY_ACTIVE);
	vmcs_write32(VMCS_GUEST_SYSENTER_CS, 0);
	vmcs_writenat(VMCS_GUEST_SYSENTER_ESP, 0);
	vmcs_writenat(VMCS_GUEST_SYSENTER_EIP, 0);
	vmcs_write64(VMCS_GUEST_IA32_DEBUGCTL, 0);
	vmcs_write64(VMCS_VMCS_LINK_POINTER, VMCS_LINK_NONE);

	v->gpr[GPR_RAX] = e->rax;
	v->gpr[GPR_RBX] = e->rbx;
	v->gpr[GPR_RDI] = e->rdi;
	v->gpr[GPR_RSI] = e->rsi;
}

void vmcs_real_mode_entry(struct guest_entry *e, uint16_t cs, uint16_t ip)
{
	memset(e, 0, sizeof *e);
	e->mode = ENTRY_REAL16;
	e->code_sel = cs;
	e->rip = ip;
	e->gdt_limit = REAL_LIMIT;
}

/*
 * A VMCS not running anywhere is edited by making it current on this CPU for
 * a moment, then clearing it so any CPU may load it; the VMCS that was
 * current (the caller's own vCPU's, in a hypercall) is loaded back.
 */
static struct vcpu *vmcs_borrow(struct vcpu *v)
{
	struct pcpu *cpu = this_cpu();
	struct vcpu *was = cpu->current;
	vmptrld(v->vmcs_pa);
	cpu->current = v;
	return was;
}

static void vmcs_give_back(struct vcpu *v, struct vcpu *was)
{
	vmclear(v->vmcs_pa);
	this_cpu()->current = 0;
	if (was)
		vmcs_load(was);
}

int vmcs_create(struct vcpu *v, const struct guest_entry *e)
{
	const struct page_account *acct = &v->guest->account;
	uint32_t *page = acct->alloc(acct->ctx, 1);
	if (!page)
		return -1;
	*page = vmx_caps.revision;
	v->vmcs_pa = virt_to_phys(page);
	v->launched = 0;
	v->exit_entry = vmx_exit;
	v->misc_enable = MSR_MISC_ENABLE_RESET;
	cpuid_cache_clear(&v->cpuid);
	vmclear(v->vmcs_pa);   /* the launch state of a new VMCS is set by VMCLEAR */
	struct vcpu *was = vmcs_borrow(v);
	setup_controls(v, e);
	setup_host(this_cpu());
	setup_guest(v, e);
	vmcs_give_back(v, was);
	return 0;
}

void vmcs_load(struct vcpu *v)
{
	struct pcpu *cpu = this_cpu();
	if (cpu->current == v)
		return;
	vmptrld(v->vmcs_pa);
	cpu->current = v;
}

void vmcs_enter_cpu(struct vcpu *v, struct pcpu *cpu)
{
	vmptrld(v->vmcs_pa);
	cpu->current = v;
	v->launched = 0;
	setup_host_cpu(cpu);
	vmx_tlb_enter(v, cpu);
}

void vmcs_leave_cpu(struct vcpu *v, struct pcpu *cpu)
{
	vmclear(v->vmcs_pa);
	v->launched = 0;
	cpu->current = 0;
}

void vmx_arm_preemption_timer(uint64_t tsc)
{
	uint64_t ticks = tsc >> vmx_caps.preempt_shift;
	vmcs_write32(VMCS_VMX_PREEMPTION_TIMER_VALUE, ticks > 0xffffffffu ? 0xffffffffu : (uint32_t)ticks);
}

/*
 * Invalid controls or host state fail the instruction before the guest state
 * is checked, and the checks here are of the guest state only: what they
 * find is told after the error, as a further fault rather than its cause.
 */
void vmx_entry_failed(struct vcpu *v, int rc)
{
	uint32_t err = rc == VMX_RUN_FAIL_VALID ? vmcs_read32(VMCS_VM_INSTRUCTION_ERROR) : 0;
	const char *text = rc == VMX_RUN_FAIL_VALID ? vmx_error_name(err) : "VMfailInvalid";
	char rule[ENTRY_WHY_MAX + 16] = "";
	log_err("VM entry of domain %s failed: %s, VM-instruction error %u (%s)\n", v->guest->name,
	        v->launched ? "VMRESUME" : "VMLAUNCH", err, text);
	if (err == VMXERR_ENTRY_INVALID_CONTROL || err == VMXERR_ENTRY_INVALID_HOST_STATE) {
		log_printf("  the CPU checks those fields before the guest state; the guest state's rules:\n");
		vmx_entry_explain(rule, sizeof rule);
	}
	vmcs_dump();
	exit_stop(v, "VM entry failed: VM-instruction error %u (%s)%s%s", err, text, rule[0] ? "; guest state: " : "",
	          rule);
}

void vmcs_reset_guest(struct vcpu *v, const struct guest_entry *e)
{
	/* Its own CPU resets a running vCPU (an INIT and SIPI) in place: its VMCS stays launched. */
	bool here = this_cpu()->current == v;
	struct vcpu *was = here ? v : vmcs_borrow(v);
	setup_guest(v, e);
	/* A guest (re)started, as after INIT, expects empty TLBs: nothing its VPID tagged may survive. */
	tlb_vcpu_forget(&v->tlb);
	vmcs_write32(VMCS_VM_ENTRY_CONTROLS, vmx_caps.entry |
	             (e->mode == ENTRY_LONG64 ? (uint32_t)ENTRY_CTL_IA32E_MODE_GUEST : 0));
	if (!here)
		vmcs_give_back(v, was);
}
