/*
 * The one exit path: decode, the exit table and its default, and the
 * decision to re-enter the guest at once. Reasons without a handler stop the
 * domain with the reason's name: an exit the hypervisor does not understand
 * must never be resumed blindly.
 *
 * Every exit runs the same handler whatever happens next. The only choice is
 * who re-enters: when the handler resumes the guest, the domain takes the
 * fast path (config `fastpath`, and a preemption timer that keeps counting
 * down across exits) and no interrupt waits for injection, the exit stub
 * does at once; otherwise vmx_run() returns the action to the scheduler,
 * whose loop re-checks the domain's state, injects, re-arms the slice and
 * accounts guest time. A fast resume skips exactly that work, which another
 * CPU's change to this vCPU (an IPI, pause, destroy, affinity) brings back by
 * a kick: its external-interrupt exit goes to the scheduler.
 */
#include "hw/cr.h"
#include "hw/segment.h"
#include "hw/vmx_exit.h"
#include "lib/log.h"
#include "lib/x86.h"
#include "vmx/exit.h"
#include "vmx/exit_trace.h"
#include "vmx/guest.h"
#include "vmx/inject.h"
#include "vmx/vmx.h"
#include "vmx/vmx_ops.h"

static const char *const reason_names[EXIT_REASON_COUNT] = {
#define EXIT_REASON_NAME_(name, num) [num] = #name,
	EXIT_REASONS(EXIT_REASON_NAME_)
#undef EXIT_REASON_NAME_
};

const char *exit_reason_name(uint32_t reason)
{
	if (reason < EXIT_REASON_COUNT && reason_names[reason])
		return reason_names[reason];
	return "UNKNOWN";
}

static enum exit_action stop_unhandled(struct vcpu *v, uint32_t reason)
{
	return exit_stop(v, "unhandled VM exit %s (%u), qualification 0x%lx",
	                 exit_reason_name(reason), reason, exit_qual());
}

static enum exit_action exit_unhandled(struct vcpu *v)
{
	return stop_unhandled(v, v->exit.reason);
}

/* Every row has a handler, exit_unhandled unless named below: dispatch needs no NULL test. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
static const exit_handler_fn exit_table[EXIT_REASON_COUNT] = {
	[0 ... EXIT_REASON_COUNT - 1]     = exit_unhandled,
	/* exit_event.c */
	[EXIT_REASON_EXCEPTION_NMI]       = exit_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT]  = exit_external_interrupt,
	[EXIT_REASON_PREEMPTION_TIMER]    = exit_preemption_timer,
	/* inject.c */
	[EXIT_REASON_INTERRUPT_WINDOW]    = exit_interrupt_window,
	[EXIT_REASON_NMI_WINDOW]          = exit_nmi_window,
	/* exit_fatal.c */
	[EXIT_REASON_TRIPLE_FAULT]        = exit_triple_fault,
	[EXIT_REASON_INIT_SIGNAL]         = exit_init_signal,
	[EXIT_REASON_INVALID_GUEST_STATE] = exit_entry_failure,
	[EXIT_REASON_MSR_LOADING]         = exit_entry_failure,
	[EXIT_REASON_MACHINE_CHECK]       = exit_entry_failure,
	/* exit_cpuid.c, exit_hlt.c, exit_vmcall.c, exit_cr.c, exit_io.c, exit_msr.c */
	[EXIT_REASON_CPUID]               = exit_cpuid,
	[EXIT_REASON_HLT]                 = exit_hlt,
	[EXIT_REASON_VMCALL]              = exit_vmcall,
	[EXIT_REASON_CR_ACCESS]           = exit_cr_access,
	[EXIT_REASON_IO_INSTRUCTION]      = exit_io,
	[EXIT_REASON_MSR_READ]            = exit_rdmsr,
	[EXIT_REASON_MSR_WRITE]           = exit_wrmsr,
	/* exit_ept.c */
	[EXIT_REASON_EPT_VIOLATION]       = exit_ept_violation,
	[EXIT_REASON_APIC_ACCESS]         = exit_apic_access,
	[EXIT_REASON_APIC_WRITE]          = exit_apic_write,
	[EXIT_REASON_VIRTUALIZED_EOI]     = exit_virtualized_eoi,
	[EXIT_REASON_EPT_MISCONFIG]       = exit_ept_misconfig,
	/* exit_insn.c */
	[EXIT_REASON_INVD]                = exit_skip,
	[EXIT_REASON_WBINVD]              = exit_skip,
	[EXIT_REASON_TASK_SWITCH]         = exit_task_switch,
	[EXIT_REASON_GETSEC]              = exit_inject_ud,
	[EXIT_REASON_VMCLEAR]             = exit_inject_ud,
	[EXIT_REASON_VMLAUNCH]            = exit_inject_ud,
	[EXIT_REASON_VMPTRLD]             = exit_inject_ud,
	[EXIT_REASON_VMPTRST]             = exit_inject_ud,
	[EXIT_REASON_VMREAD]              = exit_inject_ud,
	[EXIT_REASON_VMRESUME]            = exit_inject_ud,
	[EXIT_REASON_VMWRITE]             = exit_inject_ud,
	[EXIT_REASON_VMXOFF]              = exit_inject_ud,
	[EXIT_REASON_VMXON]               = exit_inject_ud,
	[EXIT_REASON_MWAIT]               = exit_inject_ud,
	[EXIT_REASON_MONITOR]             = exit_inject_ud,
	[EXIT_REASON_INVEPT]              = exit_inject_ud,
	[EXIT_REASON_INVVPID]             = exit_inject_ud,
	[EXIT_REASON_VMFUNC]              = exit_inject_ud,
};
#pragma GCC diagnostic pop

/* An exit reason with flags (bits 16-31) set: a failed entry, or one the table has no row for. */
static __attribute__((noinline)) enum exit_action handle_flagged(struct vcpu *v, uint32_t raw)
{
	uint32_t basic = raw & EXIT_REASON_BASIC_MASK;
	/* Reasons without a name have one row in the statistics and the trace. */
	v->exit.reason = basic < EXIT_REASON_COUNT ? (uint8_t)basic : EXIT_STAT_OTHER;
	if (raw & EXIT_REASON_ENTRY_FAIL)
		return exit_entry_failure(v);
	if (basic >= EXIT_REASON_COUNT)
		return stop_unhandled(v, basic);   /* names the number */
	return exit_table[basic](v);
}

/* A traced exit's end: its entry in the ring, then its statistics. */
static inline void close_traced(struct vcpu *v, uint64_t now)
{
	struct exit_trace *t = &v->trace;
	t->ring[t->written++ % EXIT_TRACE_ENTRIES] = (struct trace_entry){
		.exit_tsc = v->exit_tsc, .entry_tsc = now, .qual = exit_qual(), .rip = v->exit.rip, .reason = v->exit.reason,
	};
	exit_stats_record(&v->stats, v->exit.tag, now - v->exit_tsc);
}

static inline __attribute__((always_inline)) void close_exit(struct vcpu *v, uint64_t now, bool traced)
{
	if (traced)
		close_traced(v, now);
	else
		exit_stats_record(&v->stats, v->exit.tag, now - v->exit_tsc);
}

void vmx_exit_close(struct vcpu *v, uint64_t now)
{
	close_exit(v, now, __builtin_expect(vcpu_traced(v), 0));
}

/*
 * Decode (the reason: handlers read the rest as they need it), run the
 * handler from the table, and say who re-enters; a traced exit also keeps
 * its RIP and its ring entry. One body, made twice with `traced` constant,
 * so that an untraced exit never tests the switch: the exit stub calls the
 * copy v->exit_entry names.
 */
static inline __attribute__((always_inline)) enum exit_action run_exit(struct vcpu *v, bool traced)
{
	exit_set_key(v, EXIT_NO_KEY);   /* keyed reasons' handlers set theirs */
	if (traced)
		v->exit.rip = vmcs_readnat(VMCS_GUEST_RIP);
	uint64_t raw = vmcs_read32(VMCS_VM_EXIT_REASON);   /* 64-bit: indexes the table as it is */
	enum exit_action act;
	if (__builtin_expect(raw < EXIT_REASON_COUNT, 1)) {
		v->exit.reason = raw;
		act = exit_table[raw](v);
	} else {
		act = handle_flagged(v, raw);
	}
	if (__builtin_expect(act != EXIT_RESUME || !vcpu_may_resume_now(v), 0))
		return act;
	close_exit(v, rdtsc(), traced);
	return EXIT_RESUME_NOW;
}

enum exit_action vmx_exit_traced(struct vcpu *v)
{
	return run_exit(v, true);
}

enum exit_action vmx_exit(struct vcpu *v)
{
	return run_exit(v, false);
}

/*
 * A fault pushes RFLAGS with RF set, so that the faulting instruction, run
 * again after the handler's IRET, is not stopped by its own instruction
 * breakpoint ("Resume Flag"); event injection pushes the guest's RFLAGS as
 * the VMCS holds it, so RF is set there. (#DB, which may be either, is
 * taken as a trap.)
 */
void vcpu_inject_exception(struct vcpu *v, unsigned vector, int has_code, uint32_t code)
{
	(void)v;
	if (vector < 32 && !(VEC_TRAPS_AND_ABORTS & (1u << vector)))
		vmcs_writenat(VMCS_GUEST_RFLAGS, vmcs_readnat(VMCS_GUEST_RFLAGS) | RFLAGS_RF);
	uint32_t info = INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | vector;
	if (has_code) {
		info |= INTR_INFO_DELIVER_CODE;
		vmcs_write32(VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE, code);
	}
	vmcs_write32(VMCS_VM_ENTRY_INTR_INFO, info);
}

/* Registers by SDM number, as qualifications and decoded instructions name them; RSP lives in the VMCS. */
uint64_t vcpu_read_gpr(const struct vcpu *v, unsigned r)
{
	return r == GPR_RSP ? vmcs_readnat(VMCS_GUEST_RSP) : v->gpr[r];
}

void vcpu_write_gpr(struct vcpu *v, unsigned r, uint64_t val)
{
	if (r == GPR_RSP) {
		vmcs_writenat(VMCS_GUEST_RSP, val);
		return;
	}
	v->gpr[r] = val;
	if (GPRS_KEPT_BY_C >> r & 1)
		v->gprs_written = 1;
}
