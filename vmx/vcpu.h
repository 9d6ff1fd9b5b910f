/*
 * struct vcpu: one virtual CPU. Guest general-purpose registers come first,
 * indexed by the SDM's register numbering (the one exit qualifications and
 * instruction-information fields use), so handlers index them directly and
 * vmx/entry.asm reaches them through generated offsets. Handlers write RAX,
 * RBX, RCX and RDX directly; any other register through vcpu_write_gpr(),
 * since the exit stub does not reload RBP and R12-R15 unless told to.
 */
#ifndef VMX_VCPU_H
#define VMX_VCPU_H

#include <stdbool.h>
#include <stdint.h>
#include "dev/lapic.h"
#include "hw/vmx_exit.h"
#include "vmx/cpuid_cache.h"
#include "vmx/exit_stats.h"
#include "vmx/exit_trace.h"
#include "vmx/guest_dr.h"
#include "vmx/guest_msrs.h"
#include "vmx/tlb.h"

/* SDM register numbering ("Exit Qualification for Control-Register Accesses"). */
enum gpr {
	GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
	GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15, GPR_COUNT
};

/*
 * The registers C keeps for its caller (the SysV ABI's callee-saved ones)
 * but RBX: the exit stub does not reload them when it re-enters at once
 * (vmx/entry.asm), so a write to one goes through vcpu_write_gpr().
 */
#define GPRS_KEPT_BY_C (1u << GPR_RBP | 1u << GPR_R12 | 1u << GPR_R13 | 1u << GPR_R14 | 1u << GPR_R15)

enum exit_action {
	EXIT_RESUME,    /* re-enter the same vCPU */
	EXIT_YIELD,     /* let the scheduler pick (slice over, a kick, HC_YIELD) */
	EXIT_BLOCK,     /* HLT: the vCPU waits for its timer or an event */
	EXIT_STOPPED,   /* the domain has ended or was stopped */
	EXIT_RESUME_NOW, /* vmx_exit() to the exit stub only: re-enter at once, without the scheduler */
	EXIT_WAIT_SIPI, /* an INIT reset the vCPU: it runs no more until a STARTUP IPI (vmx_inject_pending) */
};

enum vcpu_state {
	VCPU_OFFLINE,     /* not started yet (secondary vCPUs wait for HC_VCPU_UP or INIT/SIPI) */
	VCPU_RUNNABLE,
	VCPU_BLOCKED,     /* HLT: waits for its timer or an event */
};

/*
 * The exit being handled. Only the reason is read for every exit; a handler
 * reads the qualification and the instruction length from the VMCS when it
 * needs them (exit_qual(), vcpu_skip_insn()), since most exits need neither.
 */
struct exit_record {
	/* Laid out as the statistics' tag (exit_stat_tag), so that the exit path reads the two in one load. */
	union {
		uint64_t tag;
		struct __attribute__((packed)) {
			uint8_t reason;       /* basic exit reason (EXIT_STAT_OTHER for those without a name) */
			uint32_t key;         /* port, MSR, hypercall or EPT page, set by its handler; EXIT_NO_KEY */
			uint8_t tag_zero_[3];
		};
	};
	uint64_t rip;             /* guest RIP at the exit: read only while tracing */
};


struct vmx_guest;
struct pcpu;

#define FXSAVE_AREA_SIZE 512
#define VCPU_EOI_EXIT_WORDS 4   /* the EOI-exit bitmap: four 64-bit VMCS fields, vectors 0-255 */
#define VCPU_STOP_REASON_MAX 160

#define VCPU_RESTART_NO_TIME UINT64_MAX

struct vcpu {
	uint64_t gpr[GPR_COUNT];  /* GPR_RSP unused: the VMCS holds guest RSP */
	uint64_t exit_tsc;        /* written by the exit stub */
	enum exit_action (*exit_entry)(struct vcpu *v);   /* what the exit stub calls: vmx_exit or vmx_exit_traced */
	uint64_t cr2;             /* not in the VMCS: swapped by software */
	uint8_t launched;         /* VMLAUNCH succeeded since the last VMCLEAR (vmx_run sets it, and clears it if VMLAUNCH fails) */
	uint8_t irq_window;       /* interrupt-window exiting is on in the VMCS */
	uint8_t nmi_window;       /* NMI-window exiting is on in the VMCS */
	uint8_t halt_if;          /* RFLAGS.IF at the last HLT: whether an interrupt may end it */
	/*
	 * What keeps the exit stub from re-entering the guest itself when a
	 * handler resumes it (vmx/exit.c): the exit path tests all of it with one
	 * load of resume_holds. Another CPU may set irq_pending meanwhile; a
	 * load that misses it costs nothing, since the setter kicks this CPU and
	 * the kick's exit goes to the scheduler.
	 */
	union {
		struct {
			uint8_t no_fast_resume;   /* config fastpath = 0, or no preemption timer that counts across exits */
			/*
			 * Non-zero while a virtual interrupt waits for the guest (its
			 * vLAPIC has a deliverable vector, or interrupt-window exiting is
			 * on): the scheduler injects before the next entry (vmx/inject.c).
			 * Other CPUs set it, with a kick, when they send this vCPU an IPI.
			 */
			volatile uint8_t irq_pending;
			uint8_t irq_injected;     /* the last entry injected an interrupt: check it was delivered */
			/*
			 * A handler wrote RBP or R12-R15, which the exit stub does
			 * not reload when it re-enters at once (vmx/entry.asm): the
			 * next entry is vmx_run's, which loads them all and clears it.
			 */
			uint8_t gprs_written;
		};
		uint32_t resume_holds;
	};
	uint64_t vmcs_pa;
	uint32_t proc_ctls;       /* its primary processor-based controls, without interrupt- and NMI-window exiting */
	uint64_t eoi_exit[VCPU_EOI_EXIT_WORDS];   /* the EOI-exit bitmap its VMCS holds (APIC virtualization; vmx/apicv.c) */
	uint32_t id;
	uint16_t vpid;            /* 0: "enable VPID" off in its VMCS */
	struct tlb_vcpu tlb;      /* where its VPID last tagged translations (vmx/tlb.c) */
	struct vmx_guest *guest;  /* its domain, as vmx/ and sched/ see it (vmx/guest.h) */
	struct exit_record exit;

	/* Scheduling; changed under the home CPU's run-queue lock (sched/sched.c). */
	enum vcpu_state state;
	struct pcpu *running_on;  /* the CPU whose current VMCS this is, or NULL */
	uint32_t home;            /* index of the CPU whose run queue holds it */
	struct vcpu *rq_next;
	uint64_t vruntime;        /* guest time scaled by weight: the fair-share clock */
	uint64_t timer_deadline;  /* HC_SET_TIMER: TSC at which HLT ends; 0 for none */
	uint64_t halt_deadline;   /* a HLT nothing can end: TSC at which its domain ends (vmx/exit_hlt.c); 0 for none */
	/*
	 * Offline, it restarts in real mode at restart_addr once the TSC
	 * reaches restart_tsc (vcpu_sleep_all); 0: never; VCPU_RESTART_NO_TIME:
	 * at a wake (vcpu_wake_now).
	 */
	uint64_t restart_tsc;
	uint32_t restart_addr;
	volatile uint32_t wake;   /* an event arrived: the next HLT does not block */
	uint64_t entry_tsc;       /* TSC just before the current VM entry */
	uint64_t guest_tsc;       /* total TSC cycles in guest mode */
	uint64_t first_entry_tsc; /* TSC as the scheduler first ran it (0: never): where a boot starts */
	struct exit_stats stats;
	struct exit_trace trace;
	/* Platform state the guest sees through MMIO and MSRs (docs/platform-apic.md). */
	struct vlapic vlapic;     /* its xAPIC at 0xFEE00000 and IA32_APIC_BASE */
	uint64_t tsc_adjust;      /* IA32_TSC_ADJUST as the guest last set it */
	uint64_t misc_enable;     /* IA32_MISC_ENABLE (vmx/msr_table.c) */
	struct cpuid_cache cpuid; /* CPUID answers; cleared with each change of misc_enable or vlapic's base */
	struct guest_msrs msrs;   /* SYSCALL/SWAPGS MSRs while another vCPU holds the CPU (vmx/guest_msrs.h) */
	struct guest_dr dr;       /* DR0-DR3 and DR6 likewise (vmx/guest_dr.h) */
	uint64_t tsc_offset;      /* guest TSC = host TSC + tsc_offset (mod 2^64); 0 without TSC offsetting */
	/* Why a handler stopped the domain (exit_stop), for dom/ to report once the action reaches it; "" if none. */
	char stop_reason[VCPU_STOP_REASON_MAX];
	uint32_t pkru;            /* PKRU likewise, where protection keys are offered (vmx/fpu.c) */
	/* x87/SSE state while another vCPU owns the FPU (FXSAVE format); see vmx/fpu.c. */
	uint8_t fpu[FXSAVE_AREA_SIZE] __attribute__((aligned(64)));
};

/*
 * A deadline the guest gives in its TSC as the host TSC the scheduler and
 * the virtual APIC count in: 0 (none) stays 0, and one that lands on host 0
 * becomes 1 so that it is still a deadline.
 */
static inline uint64_t vcpu_host_deadline(const struct vcpu *v, uint64_t guest)
{
	uint64_t host = guest - v->tsc_offset;
	return !guest ? 0 : host ? host : 1;
}

#endif
