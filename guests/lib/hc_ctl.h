/*
 * Wrappers for the hypercalls that came with SMP and the management domain:
 * the vCPU timer, starting secondary vCPUs, and the control calls
 * (HC_DOMCTL_*), which only the management domain may make. Any other domain
 * gets -HC_EPERM. Buffers are passed by guest-physical address, which for a
 * Hinoki ELF64 guest (identity-mapped) is the pointer itself.
 */
#ifndef GUEST_HC_CTL_H
#define GUEST_HC_CTL_H

#include <stdint.h>

#include "hinoki/domctl.h"
#include "hypercall.h"

/* HLT wakes at this TSC deadline at the latest; 0 cancels the timer. */
static inline long hc_set_timer(uint64_t tsc_deadline)
{
	return hc_call(HC_SET_TIMER, tsc_deadline, 0, 0, 0);
}

/*
 * Starts vCPU `vcpu` of this domain at `entry` with RSP = `rsp` and RDI =
 * `arg`. The entry is reached by no CALL, so for C code `rsp` should be
 * 16-byte aligned minus 8, as just after a call.
 */
static inline long hc_vcpu_up(uint32_t vcpu, uintptr_t entry, uintptr_t rsp, uint64_t arg)
{
	return hc_call(HC_VCPU_UP, vcpu, entry, rsp, arg);
}

/*
 * Starts vCPU `vcpu` at entry(vcpu) on the stack that ends at `stack_top`
 * (16-byte aligned), with RSP 8 below it as if entry had been called.
 */
static inline long hc_vcpu_start(uint32_t vcpu, void (*entry)(uint64_t), const void *stack_top)
{
	return hc_vcpu_up(vcpu, (uintptr_t)entry, (uintptr_t)stack_top - sizeof(uint64_t), vcpu);
}

/* Fills up to `cap` entries; returns the number of domains. */
static inline long hc_domctl_list(struct hinoki_dominfo *buf, uint32_t cap)
{
	return hc_call(HC_DOMCTL_LIST, (uintptr_t)buf, cap, 0, 0);
}

/* Returns the new domain's id. */
static inline long hc_domctl_create(const struct hinoki_create *req)
{
	return hc_call(HC_DOMCTL_CREATE, (uintptr_t)req, 0, 0, 0);
}

static inline long hc_domctl_destroy(uint32_t id)
{
	return hc_call(HC_DOMCTL_DESTROY, id, 0, 0, 0);
}

static inline long hc_domctl_pause(uint32_t id)
{
	return hc_call(HC_DOMCTL_PAUSE, id, 0, 0, 0);
}

static inline long hc_domctl_unpause(uint32_t id)
{
	return hc_call(HC_DOMCTL_UNPAUSE, id, 0, 0, 0);
}

/* weight 0 and cpus_mask 0 each keep the current value. */
static inline long hc_domctl_sched(uint32_t id, uint32_t weight, uint64_t cpus_mask)
{
	return hc_call(HC_DOMCTL_SCHED, id, weight, cpus_mask, 0);
}

/* Copies console bytes from rd->pos into rd->buf_gpa; returns bytes copied. */
static inline long hc_domctl_console(uint32_t id, struct hinoki_console_read *rd)
{
	return hc_call(HC_DOMCTL_CONSOLE, id, (uintptr_t)rd, 0, 0);
}

/* Returns the number of entries (exit reasons seen) written to buf. */
static inline long hc_domctl_stats(uint32_t id, uint32_t vcpu, struct hinoki_exit_stat *buf,
                                   uint32_t cap)
{
	return hc_call(HC_DOMCTL_STATS, id, vcpu, (uintptr_t)buf, cap);
}

/* Exit trace ring of a domain on (1) or off (0). */
static inline long hc_domctl_trace(uint32_t id, uint32_t on)
{
	return hc_call(HC_DOMCTL_TRACE, id, on, 0, 0);
}

/* Diagnostic: the hypervisor sends CPU `cpu` an NMI. */
static inline long hc_domctl_diag_nmi(uint32_t cpu)
{
	return hc_call(HC_DOMCTL_DIAG_NMI, cpu, 0, 0, 0);
}

/* Diagnostic: the hypervisor keeps the caller's CPU `ms` milliseconds in root mode. */
static inline long hc_domctl_diag_hang(uint32_t ms)
{
	return hc_call(HC_DOMCTL_DIAG_HANG, ms, 0, 0, 0);
}

/* An event from outside for domain `id` (HINOKI_TRIGGER_*): its power button. */
static inline long hc_domctl_trigger(uint32_t id, uint32_t what)
{
	return hc_call(HC_DOMCTL_TRIGGER, id, what, 0, 0);
}

/* Ends every other domain; the machine powers off when the caller ends. */
static inline long hc_domctl_shutdown(void)
{
	return hc_call(HC_DOMCTL_SHUTDOWN, 0, 0, 0, 0);
}

#endif
