/*
 * After a failed VM entry: the guest-state area, the controls it is checked
 * against and the CPU's fixed bits, read from the current VMCS into a
 * snapshot for vmx/entry_check.c, whose every broken rule is logged ahead of
 * the VMCS dump. Fields the CPU lacks (IA32_PAT without its load control,
 * the PDPTEs without EPT) read as 0: the rules that use them are off then.
 */
#include "hw/vmcs_fields.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/string.h"
#include "vmx/caps.h"
#include "vmx/entry_check.h"
#include "vmx/vmx.h"
#include "vmx/vmx_ops.h"

/* A diagnostic must not panic on a field this CPU lacks: raw reads, 0 when absent. */
static uint64_t field(uint64_t enc)
{
	uint64_t v;
	return vmcs_read_raw(enc, &v) ? v : 0;
}

/* The VMCS numbers each segment's four fields in entry_seg order, two apart. */
#define SEG_FIELD_STEP 2

static void read_state(struct entry_state *s)
{
	memset(s, 0, sizeof *s);
	s->cr0 = field(VMCS_GUEST_CR0);
	s->cr3 = field(VMCS_GUEST_CR3);
	s->cr4 = field(VMCS_GUEST_CR4);
	s->dr7 = field(VMCS_GUEST_DR7);
	s->rsp = field(VMCS_GUEST_RSP);
	s->rip = field(VMCS_GUEST_RIP);
	s->rflags = field(VMCS_GUEST_RFLAGS);
	for (unsigned i = 0; i < ENTRY_SEGS; i++) {
		unsigned step = SEG_FIELD_STEP * i;
		s->seg[i].sel = (uint16_t)field(VMCS_GUEST_ES_SELECTOR + step);
		s->seg[i].base = field(VMCS_GUEST_ES_BASE + step);
		s->seg[i].limit = (uint32_t)field(VMCS_GUEST_ES_LIMIT + step);
		s->seg[i].ar = (uint32_t)field(VMCS_GUEST_ES_AR_BYTES + step);
	}
	s->gdtr_base = field(VMCS_GUEST_GDTR_BASE);
	s->gdtr_limit = (uint32_t)field(VMCS_GUEST_GDTR_LIMIT);
	s->idtr_base = field(VMCS_GUEST_IDTR_BASE);
	s->idtr_limit = (uint32_t)field(VMCS_GUEST_IDTR_LIMIT);
	s->debugctl = field(VMCS_GUEST_IA32_DEBUGCTL);
	s->sysenter_esp = field(VMCS_GUEST_SYSENTER_ESP);
	s->sysenter_eip = field(VMCS_GUEST_SYSENTER_EIP);
	s->efer = field(VMCS_GUEST_IA32_EFER);
	s->pat = field(VMCS_GUEST_IA32_PAT);
	s->interruptibility = (uint32_t)field(VMCS_GUEST_INTERRUPTIBILITY_INFO);
	s->activity = (uint32_t)field(VMCS_GUEST_ACTIVITY_STATE);
	s->pending_dbg = field(VMCS_GUEST_PENDING_DBG_EXCEPTIONS);
	s->link_pointer = field(VMCS_VMCS_LINK_POINTER);
	s->pdpte[0] = field(VMCS_GUEST_PDPTE0);
	s->pdpte[1] = field(VMCS_GUEST_PDPTE1);
	s->pdpte[2] = field(VMCS_GUEST_PDPTE2);
	s->pdpte[3] = field(VMCS_GUEST_PDPTE3);
	s->pin = (uint32_t)field(VMCS_PIN_BASED_VM_EXEC_CONTROL);
	s->proc = (uint32_t)field(VMCS_CPU_BASED_VM_EXEC_CONTROL);
	s->proc2 = (uint32_t)field(VMCS_SECONDARY_VM_EXEC_CONTROL);
	s->entry_ctls = (uint32_t)field(VMCS_VM_ENTRY_CONTROLS);
	s->entry_intr_info = (uint32_t)field(VMCS_VM_ENTRY_INTR_INFO);
	s->cr0_fixed0 = vmx_caps.cr0_fixed0;
	s->cr0_fixed1 = vmx_caps.cr0_fixed1;
	s->cr4_fixed0 = vmx_caps.cr4_fixed0;
	s->cr4_fixed1 = vmx_caps.cr4_fixed1;
	s->vmx_misc = vmx_caps.misc;
	s->phys_bits = vmx_caps.phys_bits;
	s->linear_bits = vmx_linear_bits();
}

struct first { char *buf; size_t size; };

static void log_rule(void *ctx, const struct entry_rule *r, const char *why)
{
	struct first *first = ctx;
	log_printf("  guest state breaks SDM %s (%s): %s\n", r->section, r->name, why);
	if (!first->buf[0])
		fmt_snprintf(first->buf, first->size, "%s: %s", r->section, why);
}

unsigned vmx_entry_explain(char *first, size_t size)
{
	struct entry_state s;
	struct first f = { first, size };
	read_state(&s);
	first[0] = 0;
	unsigned n = entry_check(&s, log_rule, &f);
	if (!n)
		log_printf("  the software checks of the guest-state area (SDM 27.3.1) find no broken rule: "
		           "the VMCS below is all there is\n");
	return n;
}
