/* VMCS lifecycle, the run loop's view of VMX, and the calls up that sched/ and dom/ give vmx/. */
#ifndef VMX_VMX_H
#define VMX_VMX_H

#include <stddef.h>
#include <stdint.h>
#include "loader/loader.h"
#include "vmx/vcpu.h"

struct pcpu;
struct vmx_guest;

/*
 * Assembly world switch (vmx/entry.asm): enters v and returns the action of
 * the first exit the scheduler must see (an enum exit_action, vmx/exit.h),
 * or VMX_RUN_FAIL_* when the entry itself failed.
 */
#define VMX_RUN_FAIL_INVALID (-1)
#define VMX_RUN_FAIL_VALID   (-2)
int vmx_run(struct vcpu *v);
void vmx_exit_entry(void);

/* Allocate and fill v's VMCS for its first entry from e, then clear it so any CPU may load it. 0 or -1. */
int vmcs_create(struct vcpu *v, const struct guest_entry *e);
/* Make v's VMCS current on this CPU. */
void vmcs_load(struct vcpu *v);
/*
 * Load a cleared VMCS on `cpu`, point its host state at that CPU's tables and
 * flush what the CPU may hold stale for its EPTP or VPID (vmx/tlb.c).
 */
void vmcs_enter_cpu(struct vcpu *v, struct pcpu *cpu);
/* The reverse of vmcs_enter_cpu: clear v's VMCS on `cpu`, so another CPU may load it. */
void vmcs_leave_cpu(struct vcpu *v, struct pcpu *cpu);
/* Arm the current VMCS's VMX-preemption timer to expire `tsc` TSC cycles after the next entry. */
void vmx_arm_preemption_timer(uint64_t tsc);
/* Report a failed VMLAUNCH/VMRESUME (vmx_run's rc < 0) with its VMCS, and record the stop (exit_stop). */
void vmx_entry_failed(struct vcpu *v, int rc);
/* The exit being handled and the guest's registers of v, whose VMCS is current, for a stop report. */
void vmx_dump_vcpu(const struct vcpu *v);
/* Replace v's guest state with e's: a cleared VMCS (the caller's stays current), or v's own, current here. */
void vmcs_reset_guest(struct vcpu *v, const struct guest_entry *e);
/*
 * The entry state of a processor INIT left that starts in real mode at
 * CS:IP, with CS's base CS << 4: a STARTUP IPI with `vector` starts it at
 * (vector << 8):0 (SDM "MP Initialization Protocol Algorithm").
 * vmcs_reset_guest then puts it into the VMCS.
 */
#define SIPI_VECTOR_SHIFT 8
#define REAL_SEG_SHIFT 4            /* real-mode base = selector << 4 */
void vmcs_real_mode_entry(struct guest_entry *e, uint16_t cs, uint16_t ip);
/*
 * What vmx/ asks of the scheduler above it, given once at start-up
 * (sched_init), so that vmx/ calls up only through these: a vCPU to wake
 * (and its CPU to kick) for an interrupt its vLAPIC accepted, and a vCPU
 * waiting after INIT to start at a STARTUP IPI's entry state.
 */
struct vmx_sched_ops {
	void (*wake_for_irq)(struct vcpu *v);
	int (*start)(struct vcpu *v, const struct guest_entry *e);
};
void vmx_set_sched_ops(const struct vmx_sched_ops *ops);
/*
 * What vmx/ asks of dom/ (given once by lifecycle_init): the hypercalls that
 * are a domain's business (its console, its exit, starting its vCPUs, the
 * control hypercalls behind the management-domain check) and, at a HLT,
 * showing a prompt left without a newline where the serial input goes.
 */
struct vmx_dom_ops {
	void (*console_write)(struct vmx_guest *g, const uint8_t *p, uint64_t len);
	void (*exit)(struct vmx_guest *g, int code);
	int (*vcpu_up)(struct vmx_guest *g, uint32_t id, uint64_t rip, uint64_t rsp, uint64_t arg);
	int64_t (*domctl)(struct vcpu *v, uint64_t nr);
	void (*halted)(struct vmx_guest *g);
};
void vmx_set_dom_ops(const struct vmx_dom_ops *ops);
extern const struct vmx_dom_ops *vmx_dom_ops;   /* for the handlers; set by vmx_set_dom_ops */
/* Print the VMCS grouped by area (after a failed entry or a fatal exit). */
void vmcs_dump(void);
/*
 * After a failed entry, log each SDM guest-state rule the current VMCS
 * breaks (vmx/entry_check.c), or that none is; the first goes into `first`
 * as "27.3.1.x: why" ("" if none). Returns how many.
 */
unsigned vmx_entry_explain(char *first, size_t size);
/* VM-instruction error number -> the SDM's text. */
const char *vmx_error_name(uint32_t err);

#endif
