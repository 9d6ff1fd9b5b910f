/*
 * The rules of Intel SDM vol. 3C "Checks on the Guest State Area" as a
 * table, in the SDM's order: 27.3.1.1 control registers, debug registers and
 * MSRs, 27.3.1.2 segment registers, 27.3.1.3 GDTR and IDTR, 27.3.1.4 RIP and
 * RFLAGS, 27.3.1.5 non-register state, 27.3.1.6 PDPTEs. Each rule is a few
 * lines that say, when the snapshot breaks it, which fields hold what.
 *
 * Left out, because Hinoki never sets the control they depend on: the
 * IA32_PERF_GLOBAL_CTRL, IA32_BNDCFGS, IA32_RTIT_CTL, CET, PKRS, FRED and
 * IA32_LBR_CTL loads, and VMCS shadowing. The processor is taken to be out
 * of SMM (Hinoki never runs there) and its support for SGX and RTM is not
 * asked: the enclave-interruption and RTM bits are checked only against the
 * other fields. Where the SDM's check reads memory (the VMCS the link
 * pointer names, PDPTEs loaded from CR3 without EPT) the rule says so.
 */
#include <stdarg.h>
#include "hw/cr.h"
#include "hw/dr.h"
#include "hw/msr.h"
#include "hw/segment.h"
#include "hw/vmx_ctrl.h"
#include "hw/vmx_exit.h"
#include "lib/fmt.h"
#include "vmx/entry_check.h"
#include "vmx/msr_table.h"

static const char *const seg_names[ENTRY_SEGS] = { "ES", "CS", "SS", "DS", "FS", "GS", "LDTR", "TR" };

__attribute__((format(printf, 2, 3)))
static bool say(char *why, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(why, ENTRY_WHY_MAX, fmt, ap);
	va_end(ap);
	return true;
}

/* Segment i breaks a rule on its access rights: name them. */
static bool say_ar(char *why, const struct entry_state *s, unsigned i, const char *what)
{
	return say(why, "%s: %s (access rights 0x%x)", seg_names[i], what, s->seg[i].ar);
}

static bool ia32e(const struct entry_state *s) { return s->entry_ctls & ENTRY_CTL_IA32E_MODE_GUEST; }
static bool loads(const struct entry_state *s, uint32_t ctl) { return s->entry_ctls & ctl; }
/* The secondary controls count only when the primary ones activate them. */
static uint32_t proc2(const struct entry_state *s) { return s->proc & PROC_ACTIVATE_SECONDARY_CONTROLS ? s->proc2 : 0; }
static bool unrestricted(const struct entry_state *s) { return proc2(s) & PROC2_UNRESTRICTED_GUEST; }
static bool v8086(const struct entry_state *s) { return s->rflags & RFLAGS_VM; }
static bool canonical(const struct entry_state *s, uint64_t a) { return addr_canonical(a, s->linear_bits); }
static bool usable(const struct entry_state *s, unsigned i) { return !(s->seg[i].ar & AR_UNUSABLE); }
/* The segment rules that apply to CS always and to the others only when usable. */
static bool cs_or_usable(const struct entry_state *s, unsigned i) { return i == SEG_CS || usable(s, i); }
static unsigned type(const struct entry_state *s, unsigned i) { return s->seg[i].ar & AR_TYPE_MASK; }
static unsigned dpl(const struct entry_state *s, unsigned i) { return (s->seg[i].ar & AR_DPL_MASK) >> AR_DPL_SHIFT; }
static unsigned rpl(const struct entry_state *s, unsigned i) { return s->seg[i].sel & SEL_RPL_MASK; }
static bool injects(const struct entry_state *s, uint32_t kind)
{
	return (s->entry_intr_info & INTR_INFO_VALID) && (s->entry_intr_info & INTR_INFO_TYPE_MASK) == kind;
}

/* ---- 27.3.1.1: control registers, debug registers, MSRs ---- */

/* The bits of val that IA32_VMX_CRn_FIXED0/1 forbid, ignoring those in `free`. */
static uint64_t unfixed(uint64_t val, uint64_t fixed0, uint64_t fixed1, uint64_t free)
{
	return ((~val & fixed0) | (val & ~fixed1)) & ~free;
}

static bool cr0_fixed(const struct entry_state *s, char *why)
{
	/* Unrestricted guest frees PE and PG; NW and CD are never checked (entry leaves them as they are). */
	uint64_t bad = unfixed(s->cr0, s->cr0_fixed0, s->cr0_fixed1,
	                       CR0_NW | CR0_CD | (unrestricted(s) ? CR0_PE | CR0_PG : 0));
	return bad && say(why, "CR0 0x%lx: bits 0x%lx break IA32_VMX_CR0_FIXED0/1 (0x%lx/0x%lx)",
	                  s->cr0, bad, s->cr0_fixed0, s->cr0_fixed1);
}

static bool cr0_pg_pe(const struct entry_state *s, char *why)
{
	return (s->cr0 & CR0_PG) && !(s->cr0 & CR0_PE) && say(why, "CR0 0x%lx: PG set without PE", s->cr0);
}

static bool cr4_fixed(const struct entry_state *s, char *why)
{
	uint64_t bad = unfixed(s->cr4, s->cr4_fixed0, s->cr4_fixed1, 0);
	return bad && say(why, "CR4 0x%lx: bits 0x%lx break IA32_VMX_CR4_FIXED0/1 (0x%lx/0x%lx)",
	                  s->cr4, bad, s->cr4_fixed0, s->cr4_fixed1);
}

static bool cr4_cet_wp(const struct entry_state *s, char *why)
{
	return (s->cr4 & CR4_CET) && !(s->cr0 & CR0_WP) &&
	       say(why, "CR4.CET set with CR0.WP clear (CR0 0x%lx, CR4 0x%lx)", s->cr0, s->cr4);
}

static bool debugctl(const struct entry_state *s, char *why)
{
	return loads(s, ENTRY_CTL_LOAD_DEBUG_CONTROLS) && (s->debugctl & DEBUGCTL_RESERVED) &&
	       say(why, "IA32_DEBUGCTL 0x%lx: reserved bits 0x%lx set", s->debugctl,
	           (uint64_t)(s->debugctl & DEBUGCTL_RESERVED));
}

static bool ia32e_paging(const struct entry_state *s, char *why)
{
	return ia32e(s) && (!(s->cr0 & CR0_PG) || !(s->cr4 & CR4_PAE)) &&
	       say(why, "IA-32e mode guest without CR0.PG and CR4.PAE (CR0 0x%lx, CR4 0x%lx)", s->cr0, s->cr4);
}

static bool pcide(const struct entry_state *s, char *why)
{
	return !ia32e(s) && (s->cr4 & CR4_PCIDE) && say(why, "CR4.PCIDE set outside IA-32e mode (CR4 0x%lx)", s->cr4);
}

static bool cr3_width(const struct entry_state *s, char *why)
{
	return (s->cr3 >> s->phys_bits) &&
	       say(why, "CR3 0x%lx: bits above the %u-bit physical-address width set", s->cr3, s->phys_bits);
}

static bool dr7_high(const struct entry_state *s, char *why)
{
	return loads(s, ENTRY_CTL_LOAD_DEBUG_CONTROLS) && (s->dr7 & DR7_RESERVED_HIGH) &&
	       say(why, "DR7 0x%lx: bits 63:32 set", s->dr7);
}

static bool sysenter(const struct entry_state *s, char *why)
{
	return (!canonical(s, s->sysenter_esp) || !canonical(s, s->sysenter_eip)) &&
	       say(why, "IA32_SYSENTER_ESP 0x%lx or _EIP 0x%lx not canonical", s->sysenter_esp, s->sysenter_eip);
}

static bool pat(const struct entry_state *s, char *why)
{
	return loads(s, ENTRY_CTL_LOAD_IA32_PAT) && !msr_pat_valid(s->pat) &&
	       say(why, "IA32_PAT 0x%lx: a byte is no memory type (2, 3 and above 7 are reserved)", s->pat);
}

static bool efer_reserved(const struct entry_state *s, char *why)
{
	return loads(s, ENTRY_CTL_LOAD_IA32_EFER) && (s->efer & EFER_RESERVED) &&
	       say(why, "IA32_EFER 0x%lx: reserved bits 0x%lx set", s->efer, (uint64_t)(s->efer & EFER_RESERVED));
}

static bool efer_lma(const struct entry_state *s, char *why)
{
	return loads(s, ENTRY_CTL_LOAD_IA32_EFER) && !(s->efer & EFER_LMA) != !ia32e(s) &&
	       say(why, "IA32_EFER.LMA %u but the IA-32e mode guest control %u (EFER 0x%lx)",
	           !!(s->efer & EFER_LMA), ia32e(s), s->efer);
}

static bool efer_lme(const struct entry_state *s, char *why)
{
	return loads(s, ENTRY_CTL_LOAD_IA32_EFER) && (s->cr0 & CR0_PG) && !(s->efer & EFER_LMA) != !(s->efer & EFER_LME) &&
	       say(why, "IA32_EFER.LMA differs from LME with CR0.PG set (EFER 0x%lx)", s->efer);
}

/* ---- 27.3.1.2: segment registers ---- */

static bool tr_ti(const struct entry_state *s, char *why)
{
	return (s->seg[ENTRY_TR].sel & SEL_TI) && say(why, "TR selector 0x%x: TI set", s->seg[ENTRY_TR].sel);
}

static bool ldtr_ti(const struct entry_state *s, char *why)
{
	return usable(s, ENTRY_LDTR) && (s->seg[ENTRY_LDTR].sel & SEL_TI) &&
	       say(why, "LDTR selector 0x%x: TI set", s->seg[ENTRY_LDTR].sel);
}

static bool ss_rpl(const struct entry_state *s, char *why)
{
	return !v8086(s) && !unrestricted(s) && rpl(s, SEG_SS) != rpl(s, SEG_CS) &&
	       say(why, "SS.RPL %u differs from CS.RPL %u", rpl(s, SEG_SS), rpl(s, SEG_CS));
}

static bool v8086_base(const struct entry_state *s, char *why)
{
	for (unsigned i = SEG_ES; v8086(s) && i <= SEG_GS; i++)
		if (s->seg[i].base != (uint64_t)s->seg[i].sel << V8086_BASE_SHIFT)
			return say(why, "%s base 0x%lx is not selector 0x%x << 4 in virtual-8086 mode",
			           seg_names[i], s->seg[i].base, s->seg[i].sel);
	return false;
}

static bool base_canonical(const struct entry_state *s, char *why)
{
	static const unsigned segs[] = { ENTRY_TR, SEG_FS, SEG_GS, ENTRY_LDTR };
	for (unsigned k = 0; k < sizeof segs / sizeof segs[0]; k++) {
		unsigned i = segs[k];
		if ((i != ENTRY_LDTR || usable(s, i)) && !canonical(s, s->seg[i].base))
			return say(why, "%s base 0x%lx not canonical", seg_names[i], s->seg[i].base);
	}
	return false;
}

static bool base_high(const struct entry_state *s, char *why)
{
	static const unsigned segs[] = { SEG_CS, SEG_SS, SEG_DS, SEG_ES };
	for (unsigned k = 0; k < sizeof segs / sizeof segs[0]; k++) {
		unsigned i = segs[k];
		if (cs_or_usable(s, i) && (s->seg[i].base >> 32))
			return say(why, "%s base 0x%lx: bits 63:32 set", seg_names[i], s->seg[i].base);
	}
	return false;
}

static bool v8086_limit(const struct entry_state *s, char *why)
{
	for (unsigned i = SEG_ES; v8086(s) && i <= SEG_GS; i++)
		if (s->seg[i].limit != V8086_LIMIT)
			return say(why, "%s limit 0x%x is not 0xffff in virtual-8086 mode", seg_names[i], s->seg[i].limit);
	return false;
}

static bool v8086_ar(const struct entry_state *s, char *why)
{
	for (unsigned i = SEG_ES; v8086(s) && i <= SEG_GS; i++)
		if (s->seg[i].ar != AR_V8086)
			return say_ar(why, s, i, "not 0xf3 in virtual-8086 mode");
	return false;
}

static bool cs_type(const struct entry_state *s, char *why)
{
	unsigned t = type(s, SEG_CS);
	bool code = (t & (SEG_TYPE_CODE | SEG_TYPE_ACCESSED)) == (SEG_TYPE_CODE | SEG_TYPE_ACCESSED);
	return !v8086(s) && !code && !(unrestricted(s) && t == SEG_TYPE_DATA_RW_A) &&
	       say_ar(why, s, SEG_CS, unrestricted(s) ? "type neither accessed code nor 3" : "type not accessed code");
}

static bool ss_type(const struct entry_state *s, char *why)
{
	unsigned t = type(s, SEG_SS);
	return !v8086(s) && usable(s, SEG_SS) && t != SEG_TYPE_DATA_RW_A && t != SEG_TYPE_DATA_RW_DOWN_A &&
	       say_ar(why, s, SEG_SS, "type not accessed read/write data (3 or 7)");
}

static bool data_type(const struct entry_state *s, char *why)
{
	static const unsigned segs[] = { SEG_DS, SEG_ES, SEG_FS, SEG_GS };
	for (unsigned k = 0; !v8086(s) && k < sizeof segs / sizeof segs[0]; k++) {
		unsigned i = segs[k], t = type(s, i);
		if (!usable(s, i))
			continue;
		if (!(t & SEG_TYPE_ACCESSED))
			return say_ar(why, s, i, "type not accessed");
		if ((t & SEG_TYPE_CODE) && !(t & SEG_TYPE_READABLE))
			return say_ar(why, s, i, "execute-only code");
	}
	return false;
}

static bool seg_s(const struct entry_state *s, char *why)
{
	for (unsigned i = SEG_ES; !v8086(s) && i <= SEG_GS; i++)
		if (cs_or_usable(s, i) && !(s->seg[i].ar & AR_S))
			return say_ar(why, s, i, "S clear, a system segment");
	return false;
}

static bool cs_dpl(const struct entry_state *s, char *why)
{
	unsigned t = type(s, SEG_CS), cs = dpl(s, SEG_CS), ss = dpl(s, SEG_SS);
	if (v8086(s))
		return false;
	if (t == SEG_TYPE_DATA_RW_A)
		return cs != 0 && say(why, "CS.DPL %u not 0 with a data-segment CS", cs);
	if (!(t & SEG_TYPE_CODE))
		return false;   /* cs-type says so */
	if (t & SEG_TYPE_CONFORMING)
		return cs > ss && say(why, "conforming CS.DPL %u above SS.DPL %u", cs, ss);
	return cs != ss && say(why, "CS.DPL %u differs from SS.DPL %u (CS 0x%x, SS 0x%x)", cs, ss,
	                       s->seg[SEG_CS].ar, s->seg[SEG_SS].ar);
}

static bool ss_dpl_rpl(const struct entry_state *s, char *why)
{
	return !v8086(s) && !unrestricted(s) && dpl(s, SEG_SS) != rpl(s, SEG_SS) &&
	       say(why, "SS.DPL %u differs from SS.RPL %u", dpl(s, SEG_SS), rpl(s, SEG_SS));
}

static bool ss_dpl_real(const struct entry_state *s, char *why)
{
	bool real = !(s->cr0 & CR0_PE) || type(s, SEG_CS) == SEG_TYPE_DATA_RW_A;
	return !v8086(s) && real && dpl(s, SEG_SS) != 0 &&
	       say(why, "SS.DPL %u not 0 with CR0.PE clear or a data-segment CS", dpl(s, SEG_SS));
}

static bool data_dpl(const struct entry_state *s, char *why)
{
	static const unsigned segs[] = { SEG_DS, SEG_ES, SEG_FS, SEG_GS };
	for (unsigned k = 0; !v8086(s) && !unrestricted(s) && k < sizeof segs / sizeof segs[0]; k++) {
		unsigned i = segs[k], t = type(s, i);
		bool conforming = (t & SEG_TYPE_CODE) && (t & SEG_TYPE_CONFORMING);
		if (usable(s, i) && !conforming && dpl(s, i) < rpl(s, i))
			return say(why, "%s.DPL %u below its RPL %u", seg_names[i], dpl(s, i), rpl(s, i));
	}
	return false;
}

static bool seg_present(const struct entry_state *s, char *why)
{
	for (unsigned i = SEG_ES; !v8086(s) && i <= SEG_GS; i++)
		if (cs_or_usable(s, i) && !(s->seg[i].ar & AR_P))
			return say_ar(why, s, i, "not present");
	return false;
}

static bool seg_reserved(const struct entry_state *s, char *why)
{
	for (unsigned i = SEG_ES; !v8086(s) && i <= SEG_GS; i++)
		if (cs_or_usable(s, i) && (s->seg[i].ar & AR_RESERVED))
			return say_ar(why, s, i, "reserved bits set");
	return false;
}

static bool cs_l_db(const struct entry_state *s, char *why)
{
	uint32_t ar = s->seg[SEG_CS].ar;
	return ia32e(s) && (ar & AR_L) && (ar & AR_DB) &&
	       say(why, "CS.L and CS.D both set in IA-32e mode (CS access rights 0x%x)", ar);
}

/* The limit against G, for CS, the usable data segments, TR and a usable LDTR. */
static bool granularity(const struct entry_state *s, char *why)
{
	for (unsigned i = SEG_ES; i < ENTRY_SEGS; i++) {
		const struct entry_seg_state *g = &s->seg[i];
		bool checked = i == ENTRY_TR || (i == ENTRY_LDTR ? usable(s, i) : !v8086(s) && cs_or_usable(s, i));
		bool page = g->ar & AR_G;
		if (!checked)
			continue;
		if (page && (g->limit & SEG_LIMIT_PAGE_LOW) != SEG_LIMIT_PAGE_LOW)
			return say(why, "%s limit 0x%x with G set: bits 11:0 not all ones (access rights 0x%x)",
			           seg_names[i], g->limit, g->ar);
		if (!page && g->limit > SEG_LIMIT_BYTE_MAX)
			return say(why, "%s limit 0x%x with G clear: above 1 MiB (access rights 0x%x)",
			           seg_names[i], g->limit, g->ar);
	}
	return false;
}

static bool tr_type(const struct entry_state *s, char *why)
{
	unsigned t = type(s, ENTRY_TR);
	bool ok = ia32e(s) ? t == SEG_TYPE_TSS64_BUSY : t == SEG_TYPE_TSS16_BUSY || t == SEG_TYPE_TSS32_BUSY;
	return !ok && say_ar(why, s, ENTRY_TR, ia32e(s) ? "type not a 64-bit busy TSS (11)"
	                                                : "type not a busy TSS (3 or 11)");
}

static bool tr_ar(const struct entry_state *s, char *why)
{
	uint32_t ar = s->seg[ENTRY_TR].ar;
	return ((ar & AR_S) || !(ar & AR_P) || (ar & (AR_RESERVED | AR_UNUSABLE))) &&
	       say_ar(why, s, ENTRY_TR, "S set, not present, unusable or reserved bits set");
}

static bool ldtr_ar(const struct entry_state *s, char *why)
{
	uint32_t ar = s->seg[ENTRY_LDTR].ar;
	return usable(s, ENTRY_LDTR) &&
	       (type(s, ENTRY_LDTR) != SEG_TYPE_LDT || (ar & AR_S) || !(ar & AR_P) || (ar & AR_RESERVED)) &&
	       say_ar(why, s, ENTRY_LDTR, "usable but not a present LDT");
}

/* ---- 27.3.1.3: GDTR and IDTR ---- */

static bool dt_base(const struct entry_state *s, char *why)
{
	return (!canonical(s, s->gdtr_base) || !canonical(s, s->idtr_base)) &&
	       say(why, "GDTR base 0x%lx or IDTR base 0x%lx not canonical", s->gdtr_base, s->idtr_base);
}

static bool dt_limit(const struct entry_state *s, char *why)
{
	return ((s->gdtr_limit >> 16) || (s->idtr_limit >> 16)) &&
	       say(why, "GDTR limit 0x%x or IDTR limit 0x%x above 0xffff", s->gdtr_limit, s->idtr_limit);
}

/* ---- 27.3.1.4: RIP and RFLAGS ---- */

static bool in_64bit_mode(const struct entry_state *s) { return ia32e(s) && (s->seg[SEG_CS].ar & AR_L); }

static bool rip_high(const struct entry_state *s, char *why)
{
	return !in_64bit_mode(s) && (s->rip >> 32) && say(why, "RIP 0x%lx: bits 63:32 set outside 64-bit mode", s->rip);
}

static bool rip_canonical(const struct entry_state *s, char *why)
{
	return in_64bit_mode(s) && !canonical(s, s->rip) &&
	       say(why, "RIP 0x%lx not canonical (%u-bit linear addresses) in 64-bit mode", s->rip, s->linear_bits);
}

static bool rflags_reserved(const struct entry_state *s, char *why)
{
	return ((s->rflags & RFLAGS_RESERVED) || !(s->rflags & RFLAGS_FIXED)) &&
	       say(why, "RFLAGS 0x%lx: reserved bits not as required (bit 1 set; 63:22, 15, 5, 3 clear)", s->rflags);
}

static bool rflags_vm(const struct entry_state *s, char *why)
{
	return v8086(s) && (ia32e(s) || !(s->cr0 & CR0_PE)) &&
	       say(why, "RFLAGS.VM set in IA-32e mode or with CR0.PE clear (RFLAGS 0x%lx)", s->rflags);
}

static bool rflags_if(const struct entry_state *s, char *why)
{
	return injects(s, INTR_TYPE_EXT_INTR) && !(s->rflags & RFLAGS_IF) &&
	       say(why, "external interrupt injected with RFLAGS.IF clear (RFLAGS 0x%lx)", s->rflags);
}

/* ---- 27.3.1.5: non-register state ---- */

static bool activity_supported(const struct entry_state *s, char *why)
{
	static const uint64_t needs[] = {
		[ACTIVITY_ACTIVE] = 0, [ACTIVITY_HLT] = VMX_MISC_ACTIVITY_HLT,
		[ACTIVITY_SHUTDOWN] = VMX_MISC_ACTIVITY_SHUTDOWN, [ACTIVITY_WAIT_SIPI] = VMX_MISC_ACTIVITY_WAIT_SIPI,
	};
	return (s->activity > ACTIVITY_WAIT_SIPI || (needs[s->activity] & ~s->vmx_misc)) &&
	       say(why, "activity state %u not supported (IA32_VMX_MISC 0x%lx)", s->activity, s->vmx_misc);
}

static bool activity_hlt_dpl(const struct entry_state *s, char *why)
{
	return s->activity == ACTIVITY_HLT && dpl(s, SEG_SS) != 0 &&
	       say(why, "activity state HLT with SS.DPL %u", dpl(s, SEG_SS));
}

static bool activity_blocking(const struct entry_state *s, char *why)
{
	return s->activity != ACTIVITY_ACTIVE && (s->interruptibility & INTERRUPTIBILITY_BLOCKING) &&
	       say(why, "activity state %u with blocking by STI or MOV SS (interruptibility 0x%x)",
	           s->activity, s->interruptibility);
}

/*
 * HLT takes external interrupts, NMIs, debug and machine-check exceptions and
 * a pending MTF exit; shutdown NMIs and #MC; wait-for-SIPI nothing.
 */
static bool activity_event(const struct entry_state *s, char *why)
{
	uint32_t info = s->entry_intr_info, t = info & INTR_INFO_TYPE_MASK, vec = info & INTR_INFO_VECTOR_MASK;
	bool mc = t == INTR_TYPE_HW_EXCEPTION && vec == VEC_MC;
	bool db = (t == INTR_TYPE_HW_EXCEPTION || t == INTR_TYPE_PRIV_SW_EXCEPTION) && vec == VEC_DB;
	bool mtf = t == INTR_TYPE_OTHER_EVENT && vec == 0;
	bool ok = s->activity == ACTIVITY_HLT ? t == INTR_TYPE_EXT_INTR || t == INTR_TYPE_NMI || mc || db || mtf
	        : s->activity == ACTIVITY_SHUTDOWN ? t == INTR_TYPE_NMI || mc
	        : s->activity != ACTIVITY_WAIT_SIPI;
	return (info & INTR_INFO_VALID) && s->activity != ACTIVITY_ACTIVE && !ok &&
	       say(why, "activity state %u cannot take the injected event 0x%x", s->activity, info);
}

static bool activity_smm(const struct entry_state *s, char *why)
{
	return s->activity == ACTIVITY_WAIT_SIPI && loads(s, ENTRY_CTL_ENTRY_TO_SMM) &&
	       say(why, "activity state wait-for-SIPI with entry to SMM");
}

static bool intr_reserved(const struct entry_state *s, char *why)
{
	return (s->interruptibility & INTERRUPTIBILITY_RESERVED) &&
	       say(why, "interruptibility 0x%x: reserved bits 31:5 set", s->interruptibility);
}

static bool intr_sti_movss(const struct entry_state *s, char *why)
{
	return (s->interruptibility & INTERRUPTIBILITY_BLOCKING) == INTERRUPTIBILITY_BLOCKING &&
	       say(why, "interruptibility 0x%x: blocking by STI and by MOV SS both set", s->interruptibility);
}

static bool intr_sti_if(const struct entry_state *s, char *why)
{
	return (s->interruptibility & INTERRUPTIBILITY_STI) && !(s->rflags & RFLAGS_IF) &&
	       say(why, "blocking by STI with RFLAGS.IF clear (RFLAGS 0x%lx)", s->rflags);
}

static bool intr_event(const struct entry_state *s, char *why)
{
	bool bad = (injects(s, INTR_TYPE_EXT_INTR) && (s->interruptibility & INTERRUPTIBILITY_BLOCKING)) ||
	           (injects(s, INTR_TYPE_NMI) && (s->interruptibility & INTERRUPTIBILITY_MOV_SS));
	return bad && say(why, "event 0x%x injected under its blocking (interruptibility 0x%x)",
	                  s->entry_intr_info, s->interruptibility);
}

/* Outside SMM, where Hinoki always is. */
static bool intr_smi(const struct entry_state *s, char *why)
{
	return (s->interruptibility & INTERRUPTIBILITY_SMI) &&
	       say(why, "interruptibility 0x%x: blocking by SMI outside SMM", s->interruptibility);
}

static bool intr_virtual_nmi(const struct entry_state *s, char *why)
{
	return (s->pin & PIN_VIRTUAL_NMIS) && injects(s, INTR_TYPE_NMI) && (s->interruptibility & INTERRUPTIBILITY_NMI) &&
	       say(why, "virtual NMI injected under virtual-NMI blocking (interruptibility 0x%x)", s->interruptibility);
}

static bool intr_enclave(const struct entry_state *s, char *why)
{
	return (s->interruptibility & INTERRUPTIBILITY_ENCLAVE) && (s->interruptibility & INTERRUPTIBILITY_MOV_SS) &&
	       say(why, "interruptibility 0x%x: enclave interruption with blocking by MOV SS", s->interruptibility);
}

static bool pending_reserved(const struct entry_state *s, char *why)
{
	return (s->pending_dbg & PENDING_DBG_RESERVED) &&
	       say(why, "pending debug exceptions 0x%lx: reserved bits set", s->pending_dbg);
}

/* Under STI or MOV SS blocking, or in HLT, a pending single step (BS) is there exactly when TF is set and BTF clear. */
static bool pending_bs(const struct entry_state *s, char *why)
{
	bool shadow = (s->interruptibility & INTERRUPTIBILITY_BLOCKING) || s->activity == ACTIVITY_HLT;
	bool step = (s->rflags & RFLAGS_TF) && !(s->debugctl & DEBUGCTL_BTF);
	return shadow && !(s->pending_dbg & PENDING_DBG_BS) != !step &&
	       say(why, "pending debug BS %u but RFLAGS.TF %u, DEBUGCTL.BTF %u under blocking or HLT",
	           !!(s->pending_dbg & PENDING_DBG_BS), !!(s->rflags & RFLAGS_TF), !!(s->debugctl & DEBUGCTL_BTF));
}

static bool pending_rtm(const struct entry_state *s, char *why)
{
	uint64_t p = s->pending_dbg;
	bool bad = (p & (PENDING_DBG_B0_B3 | PENDING_DBG_BS)) || !(p & PENDING_DBG_ENABLED_BP) ||
	           (s->interruptibility & INTERRUPTIBILITY_MOV_SS);
	return (p & PENDING_DBG_RTM) && bad &&
	       say(why, "pending debug RTM bit with B3-B0 or BS set, bit 12 clear or MOV SS blocking (0x%lx)", p);
}

/*
 * With any other value than all ones the SDM has the entry read a VMCS
 * there and check its revision identifier. Hinoki links none, so any other
 * value is reported, with what the entry checks before reading.
 */
static bool link_pointer(const struct entry_state *s, char *why)
{
	uint64_t p = s->link_pointer;
	return p != VMCS_LINK_NONE &&
	       say(why, "VMCS link pointer 0x%lx not all ones%s", p,
	           (p & VMCS_PAGE_MASK) || (p >> s->phys_bits) ? ", and unaligned or beyond the physical-address width" : "");
}

/* ---- 27.3.1.6: PDPTEs ---- */

uint64_t pdpte_reserved_bits(unsigned phys_bits)
{
	return PDPTE_RESERVED | ~0ULL << phys_bits;
}

/* Only PAE paging with EPT takes the PDPTEs from the VMCS; without EPT the entry reads them at CR3, not checked here. */
static bool pdptes(const struct entry_state *s, char *why)
{
	bool pae = (s->cr0 & CR0_PG) && (s->cr4 & CR4_PAE) && !ia32e(s);
	uint64_t reserved = pdpte_reserved_bits(s->phys_bits);
	for (unsigned i = 0; pae && (proc2(s) & PROC2_ENABLE_EPT) && i < PAE_PDPTES; i++)
		if ((s->pdpte[i] & PDPTE_P) && (s->pdpte[i] & reserved))
			return say(why, "PDPTE%u 0x%lx: present with reserved bits 0x%lx set", i, s->pdpte[i],
			           s->pdpte[i] & reserved);
	return false;
}

#define RULE(section, name, fn) { section, name, fn }
const struct entry_rule entry_rules[] = {
	RULE("27.3.1.1", "cr0-fixed", cr0_fixed),
	RULE("27.3.1.1", "cr0-pg-pe", cr0_pg_pe),
	RULE("27.3.1.1", "cr4-fixed", cr4_fixed),
	RULE("27.3.1.1", "cr4-cet-wp", cr4_cet_wp),
	RULE("27.3.1.1", "debugctl", debugctl),
	RULE("27.3.1.1", "ia32e-paging", ia32e_paging),
	RULE("27.3.1.1", "pcide", pcide),
	RULE("27.3.1.1", "cr3-width", cr3_width),
	RULE("27.3.1.1", "dr7-high", dr7_high),
	RULE("27.3.1.1", "sysenter", sysenter),
	RULE("27.3.1.1", "pat", pat),
	RULE("27.3.1.1", "efer-reserved", efer_reserved),
	RULE("27.3.1.1", "efer-lma", efer_lma),
	RULE("27.3.1.1", "efer-lme", efer_lme),
	RULE("27.3.1.2", "tr-ti", tr_ti),
	RULE("27.3.1.2", "ldtr-ti", ldtr_ti),
	RULE("27.3.1.2", "ss-rpl", ss_rpl),
	RULE("27.3.1.2", "v8086-base", v8086_base),
	RULE("27.3.1.2", "base-canonical", base_canonical),
	RULE("27.3.1.2", "base-high", base_high),
	RULE("27.3.1.2", "v8086-limit", v8086_limit),
	RULE("27.3.1.2", "v8086-ar", v8086_ar),
	RULE("27.3.1.2", "cs-type", cs_type),
	RULE("27.3.1.2", "ss-type", ss_type),
	RULE("27.3.1.2", "data-type", data_type),
	RULE("27.3.1.2", "seg-s", seg_s),
	RULE("27.3.1.2", "cs-dpl", cs_dpl),
	RULE("27.3.1.2", "ss-dpl-rpl", ss_dpl_rpl),
	RULE("27.3.1.2", "ss-dpl-real", ss_dpl_real),
	RULE("27.3.1.2", "data-dpl", data_dpl),
	RULE("27.3.1.2", "seg-present", seg_present),
	RULE("27.3.1.2", "seg-reserved", seg_reserved),
	RULE("27.3.1.2", "cs-l-db", cs_l_db),
	RULE("27.3.1.2", "granularity", granularity),
	RULE("27.3.1.2", "tr-type", tr_type),
	RULE("27.3.1.2", "tr-ar", tr_ar),
	RULE("27.3.1.2", "ldtr-ar", ldtr_ar),
	RULE("27.3.1.3", "dt-base", dt_base),
	RULE("27.3.1.3", "dt-limit", dt_limit),
	RULE("27.3.1.4", "rip-high", rip_high),
	RULE("27.3.1.4", "rip-canonical", rip_canonical),
	RULE("27.3.1.4", "rflags-reserved", rflags_reserved),
	RULE("27.3.1.4", "rflags-vm", rflags_vm),
	RULE("27.3.1.4", "rflags-if", rflags_if),
	RULE("27.3.1.5", "activity-supported", activity_supported),
	RULE("27.3.1.5", "activity-hlt-dpl", activity_hlt_dpl),
	RULE("27.3.1.5", "activity-blocking", activity_blocking),
	RULE("27.3.1.5", "activity-event", activity_event),
	RULE("27.3.1.5", "activity-smm", activity_smm),
	RULE("27.3.1.5", "intr-reserved", intr_reserved),
	RULE("27.3.1.5", "intr-sti-movss", intr_sti_movss),
	RULE("27.3.1.5", "intr-sti-if", intr_sti_if),
	RULE("27.3.1.5", "intr-event", intr_event),
	RULE("27.3.1.5", "intr-smi", intr_smi),
	RULE("27.3.1.5", "intr-virtual-nmi", intr_virtual_nmi),
	RULE("27.3.1.5", "intr-enclave", intr_enclave),
	RULE("27.3.1.5", "pending-reserved", pending_reserved),
	RULE("27.3.1.5", "pending-bs", pending_bs),
	RULE("27.3.1.5", "pending-rtm", pending_rtm),
	RULE("27.3.1.5", "link-pointer", link_pointer),
	RULE("27.3.1.6", "pdpte", pdptes),
};
#undef RULE
const unsigned entry_rule_count = sizeof entry_rules / sizeof entry_rules[0];

unsigned entry_check(const struct entry_state *s,
                     void (*found)(void *ctx, const struct entry_rule *r, const char *why), void *ctx)
{
	unsigned broken = 0;
	for (unsigned i = 0; i < entry_rule_count; i++) {
		char why[ENTRY_WHY_MAX] = "";
		if (entry_rules[i].broken(s, why)) {
			found(ctx, &entry_rules[i], why);
			broken++;
		}
	}
	return broken;
}
