/*
 * Host tests for the VM-entry guest-state checks (vmx/entry_check.c): the
 * states Hinoki enters guests in (64-bit, real mode under unrestricted
 * guest, 32-bit protected mode) and a few more a guest reaches (PAE paging,
 * ring 3, virtual-8086 mode, an STI shadow, HLT woken by an interrupt) break no rule; then one change
 * to a valid state breaks exactly the rule named, for every rule of the
 * table, and the text names the values.
 */
#include <string.h>
#include "hw/cr.h"
#include "hw/msr.h"
#include "hw/segment.h"
#include "hw/vmx_ctrl.h"
#include "hw/vmx_exit.h"
#include "vmx/entry_check.h"
#include "check.h"

/* A Skylake-like CPU: what Bochs' corei7_skylake_x reports, near enough. */
#define FIXED0_CR0 (CR0_PE | CR0_NE | CR0_PG)
#define FIXED1_CR0 0xffffffffULL
#define FIXED0_CR4 CR4_VMXE
#define FIXED1_CR4 0x00f727ffULL
#define MISC       (VMX_MISC_ACTIVITY_HLT | VMX_MISC_ACTIVITY_SHUTDOWN | VMX_MISC_ACTIVITY_WAIT_SIPI)

#define CODE64_AR (AR_TYPE(SEG_TYPE_CODE_XR_A) | AR_S | AR_P | AR_L | AR_G)
#define CODE32_AR (AR_TYPE(SEG_TYPE_CODE_XR_A) | AR_S | AR_P | AR_DB | AR_G)
#define DATA_AR   (AR_TYPE(SEG_TYPE_DATA_RW_A) | AR_S | AR_P | AR_DB | AR_G)
#define TR_AR     (AR_TYPE(SEG_TYPE_TSS64_BUSY) | AR_P)

static struct entry_state common(uint16_t cs, uint32_t cs_ar, uint16_t ds, uint32_t ds_ar, uint32_t limit)
{
	struct entry_state s;
	memset(&s, 0, sizeof s);
	for (unsigned i = SEG_ES; i <= SEG_GS; i++)
		s.seg[i] = (struct entry_seg_state){ ds, limit, ds_ar, 0 };
	s.seg[SEG_CS] = (struct entry_seg_state){ cs, limit, cs_ar, 0 };
	s.seg[ENTRY_TR] = (struct entry_seg_state){ 0, 0xff, TR_AR, 0 };
	s.seg[ENTRY_LDTR] = (struct entry_seg_state){ 0, 0, AR_UNUSABLE, 0 };
	s.rflags = RFLAGS_FIXED | RFLAGS_IF;
	s.rip = 0x100000;
	s.dr7 = 0x400;
	s.gdtr_base = 0x5000;
	s.gdtr_limit = 0x27;
	s.pat = PAT_POWER_ON;
	s.link_pointer = VMCS_LINK_NONE;
	s.entry_ctls = ENTRY_CTL_LOAD_DEBUG_CONTROLS | ENTRY_CTL_LOAD_IA32_PAT | ENTRY_CTL_LOAD_IA32_EFER;
	s.cr0_fixed0 = FIXED0_CR0;
	s.cr0_fixed1 = FIXED1_CR0;
	s.cr4_fixed0 = FIXED0_CR4;
	s.cr4_fixed1 = FIXED1_CR4;
	s.vmx_misc = MISC;
	s.phys_bits = 39;
	s.linear_bits = 48;
	return s;
}

/* Hinoki's 64-bit entry, without unrestricted guest so that the rules it lifts apply. */
static struct entry_state long64(void)
{
	struct entry_state s = common(0x8, CODE64_AR, 0x10, DATA_AR, 0xffffffff);
	s.cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_PG;
	s.cr3 = 0x2000;
	s.cr4 = CR4_PAE | CR4_VMXE;
	s.efer = EFER_LME | EFER_LMA;
	s.entry_ctls |= ENTRY_CTL_IA32E_MODE_GUEST;
	s.proc = PROC_ACTIVATE_SECONDARY_CONTROLS;
	s.proc2 = PROC2_ENABLE_EPT;
	return s;
}

/*
 * The state INIT and a SIPI or a wake from S3 leave (vmcs_real_mode_entry):
 * CD and NW set, PE and PG clear, 64-KiB segments, CS of type 3 at a
 * waking vector's segment, whose selector's bits 1:0 need not be 0.
 */
static struct entry_state real16(void)
{
	struct entry_state s = common(0x991f, AR_TYPE(SEG_TYPE_DATA_RW_A) | AR_S | AR_P, 0,
	                              AR_TYPE(SEG_TYPE_DATA_RW_A) | AR_S | AR_P, 0xffff);
	s.seg[SEG_CS].base = 0x991f0;
	s.seg[ENTRY_TR].limit = 0xffff;
	s.cr0 = CR0_CD | CR0_NW | CR0_ET | CR0_NE;
	s.cr4 = CR4_VMXE;
	s.rip = 0;
	s.rflags = RFLAGS_FIXED;
	s.gdtr_limit = s.idtr_limit = 0xffff;
	s.gdtr_base = 0;
	s.proc = PROC_ACTIVATE_SECONDARY_CONTROLS;
	s.proc2 = PROC2_ENABLE_EPT | PROC2_UNRESTRICTED_GUEST;
	return s;
}

/* Hinoki's 32-bit entry (Multiboot): flat segments, paging off under unrestricted guest. */
static struct entry_state prot32(void)
{
	struct entry_state s = common(0x18, CODE32_AR, 0x10, DATA_AR, 0xffffffff);
	s.cr0 = CR0_PE | CR0_ET | CR0_NE;
	s.cr4 = CR4_VMXE;
	s.proc = PROC_ACTIVATE_SECONDARY_CONTROLS;
	s.proc2 = PROC2_ENABLE_EPT | PROC2_UNRESTRICTED_GUEST;
	return s;
}

/* prot32 with PAE paging on: the PDPTEs are the VMCS's. */
static struct entry_state pae32(void)
{
	struct entry_state s = prot32();
	s.cr0 |= CR0_PG;
	s.cr4 |= CR4_PAE;
	s.cr3 = 0x3000;
	s.pdpte[0] = 0x4000 | PDPTE_P;
	s.pdpte[1] = 0x7ffff000 | PDPTE_P;
	s.pdpte[2] = 0xdead0000;   /* not present: its other bits are free */
	return s;
}

/* prot32 at ring 3. */
static struct entry_state ring3(void)
{
	struct entry_state s = prot32();
	s.seg[SEG_CS].sel |= 3;
	s.seg[SEG_CS].ar |= AR_DPL(3);
	s.seg[SEG_SS].sel |= 3;
	s.seg[SEG_SS].ar |= AR_DPL(3);
	return s;
}

/* Virtual-8086 mode under a 32-bit protected-mode kernel. */
static struct entry_state vm86(void)
{
	struct entry_state s = prot32();
	for (unsigned i = SEG_ES; i <= SEG_GS; i++)
		s.seg[i] = (struct entry_seg_state){ 0x1234, V8086_LIMIT, AR_V8086, 0x12340 };
	s.rflags |= RFLAGS_VM;
	return s;
}

/* long64 one instruction after STI, single-stepped: BS pending. */
static struct entry_state sti_step(void)
{
	struct entry_state s = long64();
	s.interruptibility = INTERRUPTIBILITY_STI;
	s.rflags |= RFLAGS_TF;
	s.pending_dbg = PENDING_DBG_BS;
	return s;
}

/* long64 halted, an external interrupt injected to wake it. */
static struct entry_state hlt_extint(void)
{
	struct entry_state s = long64();
	s.activity = ACTIVITY_HLT;
	s.entry_intr_info = INTR_INFO_VALID | INTR_TYPE_EXT_INTR | 0x20;
	return s;
}

struct found { unsigned n; const char *names[8]; char why[8][ENTRY_WHY_MAX]; };

static void collect(void *ctx, const struct entry_rule *r, const char *why)
{
	struct found *f = ctx;
	if (f->n < 8) {
		f->names[f->n] = r->name;
		strncpy(f->why[f->n], why, ENTRY_WHY_MAX - 1);
	}
	f->n++;
}

static struct found run(const struct entry_state *s)
{
	struct found f;
	memset(&f, 0, sizeof f);
	CHECK_EQ(entry_check(s, collect, &f), f.n);
	return f;
}

static void print_found(const char *what, const struct found *f)
{
	for (unsigned i = 0; i < f->n && i < 8; i++)
		fprintf(stderr, "    %s: %s: %s\n", what, f->names[i], f->why[i]);
}

static void test_valid_states(void)
{
	static const struct { const char *name; struct entry_state (*make)(void); } states[] = {
		{ "long64", long64 }, { "real16", real16 }, { "prot32", prot32 }, { "pae32", pae32 },
		{ "ring3", ring3 }, { "vm86", vm86 }, { "sti_step", sti_step }, { "hlt_extint", hlt_extint },
	};
	for (unsigned i = 0; i < sizeof states / sizeof states[0]; i++) {
		struct entry_state s = states[i].make();
		struct found f = run(&s);
		if (f.n)
			print_found(states[i].name, &f);
		CHECK_EQ(f.n, 0);
	}
}

/* One change to a valid state, and the one rule it breaks. */
struct mutation {
	const char *rule;
	struct entry_state (*base)(void);
	void (*change)(struct entry_state *s);
	const char *says;   /* a part of the text */
};

#define CHANGE(fn, stmt) static void fn(struct entry_state *s) { stmt; }
CHANGE(clear_ne, s->cr0 &= ~CR0_NE)
CHANGE(set_pg, s->cr0 |= CR0_PG)
CHANGE(clear_vmxe, s->cr4 &= ~CR4_VMXE)
CHANGE(set_cet, s->cr4 |= CR4_CET)
CHANGE(debugctl_bit2, s->debugctl = BIT(2))
CHANGE(clear_pae, s->cr4 &= ~CR4_PAE)
CHANGE(set_pcide, s->cr4 |= CR4_PCIDE)
CHANGE(cr3_wide, s->cr3 = 1ULL << 39 | 0x2000)
CHANGE(dr7_high, s->dr7 = 1ULL << 32 | 0x400)
CHANGE(sysenter_eip, s->sysenter_eip = 0x0000800000000000ULL)
CHANGE(pat_type2, s->pat = 0x0007040600070402ULL)
CHANGE(efer_sve, s->efer |= BIT(12))
CHANGE(efer_no_long, s->efer = 0)
CHANGE(efer_no_lme, s->efer &= ~EFER_LME)
CHANGE(tr_ti, s->seg[ENTRY_TR].sel = 0x2c)
CHANGE(ldtr_ti, s->seg[ENTRY_LDTR] = ((struct entry_seg_state){ 0x44, 0xfff, AR_TYPE(SEG_TYPE_LDT) | AR_P, 0 }))
CHANGE(cs_rpl3, s->seg[SEG_CS].sel |= 3)
CHANGE(vm86_base, s->seg[SEG_DS].base = 0x12350)
CHANGE(fs_noncanonical, s->seg[SEG_FS].base = 0x0000800000000000ULL)
CHANGE(ss_base_high, s->seg[SEG_SS].base = 1ULL << 32)
CHANGE(vm86_limit, s->seg[SEG_GS].limit = 0xfffff)
CHANGE(vm86_ar, s->seg[SEG_ES].ar = AR_V8086 | AR_DB)
CHANGE(cs_data, s->seg[SEG_CS].ar = DATA_AR & ~AR_DB)
CHANGE(ss_code, s->seg[SEG_SS].ar = CODE32_AR)
CHANGE(ds_unaccessed, s->seg[SEG_DS].ar &= ~AR_TYPE(SEG_TYPE_ACCESSED))
CHANGE(gs_system, s->seg[SEG_GS].ar &= ~AR_S)
CHANGE(ss_dpl3, s->seg[SEG_SS].ar |= AR_DPL(3))
CHANGE(rpl3_both, s->seg[SEG_CS].sel |= 3; s->seg[SEG_SS].sel |= 3)
CHANGE(real_ss_dpl, s->seg[SEG_SS].ar |= AR_DPL(3))
CHANGE(real_cs_dpl, s->seg[SEG_CS].ar |= AR_DPL(3))
CHANGE(ds_rpl3, s->seg[SEG_DS].sel |= 3)
CHANGE(es_absent, s->seg[SEG_ES].ar &= ~AR_P)
CHANGE(fs_reserved, s->seg[SEG_FS].ar |= 1u << 8)
CHANGE(cs_l_d, s->seg[SEG_CS].ar |= AR_DB)
CHANGE(ds_limit_pages, s->seg[SEG_DS].limit = 0xfffff000)
CHANGE(tr_available, s->seg[ENTRY_TR].ar = AR_TYPE(SEG_TYPE_TSS64_AVAIL) | AR_P)
CHANGE(tr_absent, s->seg[ENTRY_TR].ar &= ~AR_P)
CHANGE(ldtr_data, s->seg[ENTRY_LDTR] = ((struct entry_seg_state){ 0x40, 0xfff, DATA_AR & ~AR_G, 0 }))
CHANGE(idtr_noncanonical, s->idtr_base = 0xffff7fff00000000ULL)
CHANGE(gdtr_limit, s->gdtr_limit = 0x10000)
CHANGE(rip_4g, s->rip = 1ULL << 32)
CHANGE(rip_noncanonical, s->rip = 0x0001000000000000ULL)
CHANGE(rflags_bit3, s->rflags |= BIT(3))
CHANGE(clear_pe, s->cr0 &= ~CR0_PE)
CHANGE(inject_extint, s->rflags &= ~RFLAGS_IF; s->entry_intr_info = INTR_INFO_VALID | INTR_TYPE_EXT_INTR | 0x20)
CHANGE(no_shutdown, s->activity = ACTIVITY_SHUTDOWN; s->vmx_misc = VMX_MISC_ACTIVITY_HLT)
CHANGE(hlt, s->activity = ACTIVITY_HLT)
CHANGE(hlt_in_shadow, s->activity = ACTIVITY_HLT)
CHANGE(hlt_gp, s->activity = ACTIVITY_HLT; s->entry_intr_info = INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | VEC_GP)
CHANGE(sipi_smm, s->activity = ACTIVITY_WAIT_SIPI; s->entry_ctls |= ENTRY_CTL_ENTRY_TO_SMM)
CHANGE(intr_bit5, s->interruptibility = 1u << 5)
CHANGE(sti_movss, s->interruptibility = INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS)
CHANGE(sti_no_if, s->interruptibility = INTERRUPTIBILITY_STI; s->rflags &= ~RFLAGS_IF)
CHANGE(extint_in_shadow, s->entry_intr_info = INTR_INFO_VALID | INTR_TYPE_EXT_INTR | 0x20)
CHANGE(smi_blocking, s->interruptibility = INTERRUPTIBILITY_SMI)
CHANGE(vnmi_blocked, s->pin = PIN_VIRTUAL_NMIS; s->interruptibility = INTERRUPTIBILITY_NMI;
       s->entry_intr_info = INTR_INFO_VALID | INTR_TYPE_NMI | VEC_NMI)
CHANGE(enclave_movss, s->interruptibility = INTERRUPTIBILITY_ENCLAVE | INTERRUPTIBILITY_MOV_SS)
CHANGE(pending_bit4, s->pending_dbg = BIT(4))
CHANGE(clear_bs, s->pending_dbg = 0)
CHANGE(rtm_alone, s->pending_dbg = PENDING_DBG_RTM)
CHANGE(link_zero, s->link_pointer = 0)
CHANGE(pdpte_reserved, s->pdpte[1] |= BIT(5))
CHANGE(pdpte_wide, s->pdpte[0] |= 1ULL << 40)

static const struct mutation mutations[] = {
	{ "cr0-fixed", long64, clear_ne, "CR0 0x80000011: bits 0x20" },
	{ "cr0-pg-pe", real16, set_pg, "PG set without PE" },
	{ "cr4-fixed", long64, clear_vmxe, "bits 0x2000" },
	{ "cr4-cet-wp", long64, set_cet, "CR4.CET set with CR0.WP clear" },
	{ "debugctl", long64, debugctl_bit2, "reserved bits 0x4" },
	{ "ia32e-paging", long64, clear_pae, "CR4 0x2000" },
	{ "pcide", prot32, set_pcide, "CR4.PCIDE" },
	{ "cr3-width", long64, cr3_wide, "39-bit" },
	{ "dr7-high", long64, dr7_high, "DR7 0x100000400" },
	{ "sysenter", long64, sysenter_eip, "_EIP 0x800000000000" },
	{ "pat", long64, pat_type2, "IA32_PAT 0x7040600070402" },
	{ "efer-reserved", long64, efer_sve, "reserved bits 0x1000" },
	{ "efer-lma", long64, efer_no_long, "LMA 0 but the IA-32e mode guest control 1" },
	{ "efer-lme", long64, efer_no_lme, "EFER 0x400" },
	{ "tr-ti", long64, tr_ti, "TR selector 0x2c" },
	{ "ldtr-ti", long64, ldtr_ti, "LDTR selector 0x44" },
	{ "ss-rpl", long64, cs_rpl3, "SS.RPL 0 differs from CS.RPL 3" },
	{ "v8086-base", vm86, vm86_base, "DS base 0x12350" },
	{ "base-canonical", long64, fs_noncanonical, "FS base 0x800000000000" },
	{ "base-high", prot32, ss_base_high, "SS base 0x100000000" },
	{ "v8086-limit", vm86, vm86_limit, "GS limit 0xfffff" },
	{ "v8086-ar", vm86, vm86_ar, "ES: not 0xf3" },
	{ "cs-type", long64, cs_data, "CS: type not accessed code (access rights 0x8093)" },
	{ "ss-type", prot32, ss_code, "SS: type" },
	{ "data-type", prot32, ds_unaccessed, "DS: type not accessed" },
	{ "seg-s", prot32, gs_system, "GS: S clear" },
	{ "cs-dpl", prot32, ss_dpl3, "CS.DPL 0 differs from SS.DPL 3" },
	{ "ss-dpl-rpl", long64, rpl3_both, "SS.DPL 0 differs from SS.RPL 3" },
	{ "ss-dpl-real", real16, real_ss_dpl, "SS.DPL 3 not 0" },
	{ "cs-dpl", real16, real_cs_dpl, "CS.DPL 3 not 0 with a data-segment CS" },
	{ "data-dpl", long64, ds_rpl3, "DS.DPL 0 below its RPL 3" },
	{ "seg-present", prot32, es_absent, "ES: not present" },
	{ "seg-reserved", prot32, fs_reserved, "FS: reserved bits set" },
	{ "cs-l-db", long64, cs_l_d, "CS.L and CS.D both set in IA-32e mode (CS access rights 0xe09b)" },
	{ "granularity", prot32, ds_limit_pages, "DS limit 0xfffff000 with G set" },
	{ "tr-type", long64, tr_available, "TR: type not a 64-bit busy TSS" },
	{ "tr-ar", long64, tr_absent, "TR: S set, not present" },
	{ "ldtr-ar", long64, ldtr_data, "LDTR: usable but not a present LDT" },
	{ "dt-base", long64, idtr_noncanonical, "IDTR base 0xffff7fff00000000" },
	{ "dt-limit", long64, gdtr_limit, "GDTR limit 0x10000" },
	{ "rip-high", prot32, rip_4g, "RIP 0x100000000" },
	{ "rip-canonical", long64, rip_noncanonical, "RIP 0x1000000000000 not canonical (48-bit" },
	{ "rflags-reserved", long64, rflags_bit3, "RFLAGS 0x20a" },
	{ "rflags-vm", vm86, clear_pe, "RFLAGS.VM set" },
	{ "rflags-if", long64, inject_extint, "RFLAGS.IF clear" },
	{ "activity-supported", long64, no_shutdown, "activity state 2 not supported" },
	{ "activity-hlt-dpl", ring3, hlt, "HLT with SS.DPL 3" },
	{ "activity-blocking", sti_step, hlt_in_shadow, "activity state 1 with blocking" },
	{ "activity-event", long64, hlt_gp, "cannot take the injected event 0x8000030d" },
	{ "activity-smm", long64, sipi_smm, "wait-for-SIPI" },
	{ "intr-reserved", long64, intr_bit5, "interruptibility 0x20" },
	{ "intr-sti-movss", long64, sti_movss, "interruptibility 0x3" },
	{ "intr-sti-if", long64, sti_no_if, "blocking by STI with RFLAGS.IF clear" },
	{ "intr-event", sti_step, extint_in_shadow, "event 0x80000020" },
	{ "intr-smi", long64, smi_blocking, "blocking by SMI" },
	{ "intr-virtual-nmi", long64, vnmi_blocked, "virtual NMI" },
	{ "intr-enclave", long64, enclave_movss, "interruptibility 0x12" },
	{ "pending-reserved", long64, pending_bit4, "0x10" },
	{ "pending-bs", sti_step, clear_bs, "BS 0 but RFLAGS.TF 1, DEBUGCTL.BTF 0" },
	{ "pending-rtm", long64, rtm_alone, "(0x10000)" },
	{ "link-pointer", long64, link_zero, "VMCS link pointer 0x0 not all ones" },
	{ "pdpte", pae32, pdpte_reserved, "PDPTE1 0x7ffff021: present with reserved bits 0x20" },
	{ "pdpte", pae32, pdpte_wide, "PDPTE0 0x10000004001" },
};
#define MUTATIONS (sizeof mutations / sizeof mutations[0])

static void test_one_rule_each(void)
{
	for (unsigned i = 0; i < MUTATIONS; i++) {
		const struct mutation *m = &mutations[i];
		struct entry_state s = m->base();
		m->change(&s);
		struct found f = run(&s);
		bool ok = f.n == 1 && !strcmp(f.names[0], m->rule) && strstr(f.why[0], m->says);
		if (!ok) {
			fprintf(stderr, "  mutation for %s (wants \"%s\"):\n", m->rule, m->says);
			print_found("found", &f);
		}
		CHECK(ok);
	}
}

/* Every rule of the table has a mutation that breaks it alone. */
static void test_every_rule_tested(void)
{
	for (unsigned r = 0; r < entry_rule_count; r++) {
		unsigned n = 0;
		for (unsigned i = 0; i < MUTATIONS; i++)
			n += !strcmp(mutations[i].rule, entry_rules[r].name);
		if (!n)
			fprintf(stderr, "  no mutation for %s\n", entry_rules[r].name);
		CHECK(n > 0);
	}
}

/* Section names as the SDM numbers them, and no two rules of one name. */
static void test_table(void)
{
	for (unsigned r = 0; r < entry_rule_count; r++) {
		CHECK(!strncmp(entry_rules[r].section, "27.3.1.", 7));
		for (unsigned q = 0; q < r; q++)
			CHECK(strcmp(entry_rules[q].name, entry_rules[r].name));
	}
}

/* Several broken rules are all reported, in table order. */
static void test_every_failure_reported(void)
{
	struct entry_state s = long64();
	s.cr0 &= ~CR0_NE;
	s.seg[SEG_CS].ar |= AR_DB;
	s.link_pointer = 0x1000;
	struct found f = run(&s);
	CHECK_EQ(f.n, 3);
	CHECK(f.n == 3 && !strcmp(f.names[0], "cr0-fixed") && !strcmp(f.names[1], "cs-l-db") &&
	      !strcmp(f.names[2], "link-pointer"));
}

/* The PDPTE reserved bits the CR exits use too. */
static void test_pdpte_reserved_bits(void)
{
	CHECK_EQ(pdpte_reserved_bits(39), PDPTE_RESERVED | 0xffffff8000000000ULL);
	CHECK_EQ(pdpte_reserved_bits(52) & PTE_ADDR_MASK, 0);
}

int main(void)
{
	RUN(test_valid_states);
	RUN(test_one_rule_each);
	RUN(test_every_rule_tested);
	RUN(test_table);
	RUN(test_every_failure_reported);
	RUN(test_pdpte_reserved_bits);
	return CHECK_EXIT();
}
