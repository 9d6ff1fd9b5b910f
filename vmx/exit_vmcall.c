/*
 * Hypercalls (VMCALL): number in RAX, arguments in RDI, RSI, RDX, R10, result
 * in RAX (negative: -HC_E*). Dispatch is a table indexed by number; unknown
 * numbers return -HC_ENOSYS, never #UD, so a guest can probe. Only ring 0 of
 * a guest may call. docs/hypercalls.md is the ABI's prose.
 *
 * What is a domain's business (its console, its exit, starting its vCPUs,
 * the control hypercalls) goes to dom/ through the struct vmx_dom_ops it
 * gave at start-up; the rest is answered here.
 */
#include "hinoki/hypercall.h"
#include "mm/mem.h"
#include "vmx/caps.h"
#include "vmx/exit.h"
#include "vmx/guest.h"
#include "vmx/vmx.h"

const struct vmx_dom_ops *vmx_dom_ops;

void vmx_set_dom_ops(const struct vmx_dom_ops *ops)
{
	vmx_dom_ops = ops;
}

/*
 * What the run loop does next, and a hypercall's result for the guest's RAX:
 * in that order, so that they come back in RAX and RDX, where exit_vmcall
 * returns the one and stores the other (SysV ABI).
 */
struct hc_result {
	enum exit_action act;
	int64_t ret;
};

/* Two arguments from RDI and RSI; the rest, where a call has more, from v. */
typedef struct hc_result (*hypercall_fn)(struct vcpu *v, uint64_t a0, uint64_t a1);

static inline struct hc_result resume(int64_t ret)
{
	return (struct hc_result){ EXIT_RESUME, ret };
}

static struct hc_result hc_version(struct vcpu *v, uint64_t a0, uint64_t a1)
{
	(void)v, (void)a0, (void)a1;
	return resume(HINOKI_VERSION);
}

static struct hc_result hc_console_put(struct vcpu *v, uint64_t gpa, uint64_t len)
{
	struct vmx_guest *g = v->guest;
	if (len > HC_CONSOLE_MAX)
		return resume(-HC_EINVAL);
	if (gpa >= g->ram_bytes || len > g->ram_bytes - gpa)
		return resume(-HC_EFAULT);
	vmx_dom_ops->console_write(g, phys_to_virt(g->ram_hpa + gpa), len);
	return resume((int64_t)len);
}

static struct hc_result hc_domain_id(struct vcpu *v, uint64_t a0, uint64_t a1)
{
	(void)a0, (void)a1;
	return resume(v->guest->id);
}

static struct hc_result hc_exit(struct vcpu *v, uint64_t code, uint64_t a1)
{
	(void)a1;
	vmx_dom_ops->exit(v->guest, (int)(code & 0xff));
	return (struct hc_result){ EXIT_STOPPED, 0 };
}

static struct hc_result hc_yield(struct vcpu *v, uint64_t a0, uint64_t a1)
{
	(void)v, (void)a0, (void)a1;
	return (struct hc_result){ EXIT_YIELD, 0 };
}

/* Control hypercalls live in dom/control.c, behind the management-domain check. */
static struct hc_result hc_domctl(struct vcpu *v, uint64_t a0, uint64_t a1)
{
	(void)a0, (void)a1;
	return resume(vmx_dom_ops->domctl(v, v->gpr[GPR_RAX]));
}

static struct hc_result hc_null(struct vcpu *v, uint64_t a0, uint64_t a1)
{
	(void)v, (void)a0, (void)a1;
	return resume(0);
}

static struct hc_result hc_set_timer(struct vcpu *v, uint64_t deadline, uint64_t a1)
{
	(void)a1;
	/* The deadline is in the guest's TSC; the scheduler compares it with the host's. */
	v->timer_deadline = vcpu_host_deadline(v, deadline);
	return resume(0);
}

/*
 * Whether the vCPU's VM entry takes rip (SDM "Checks on Guest RIP, RFLAGS,
 * and SSP"): canonical in 64-bit mode, below 4 GiB outside it. Another RIP
 * is refused here rather than left to fail the entry, which would stop the domain.
 */
static bool entry_rip_ok(const struct vmx_guest *g, uint64_t rip)
{
	if (g->boot_entry.mode == ENTRY_LONG64)
		return addr_canonical(rip, vmx_linear_bits());
	return rip <= UINT32_MAX;
}

static struct hc_result hc_vcpu_up(struct vcpu *v, uint64_t id, uint64_t rip)
{
	if (id > UINT32_MAX || !entry_rip_ok(v->guest, rip))
		return resume(-HC_EINVAL);
	return resume(vmx_dom_ops->vcpu_up(v->guest, (uint32_t)id, rip, v->gpr[GPR_RDX], v->gpr[GPR_R10]));
}

/* Numbers below HC_MAX without a call: a guest probing for one gets -HC_ENOSYS. */
static struct hc_result hc_none(struct vcpu *v, uint64_t a0, uint64_t a1)
{
	(void)v, (void)a0, (void)a1;
	return resume(-HC_ENOSYS);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
static const hypercall_fn hypercalls[HC_MAX] = {
	[0 ... HC_MAX - 1] = hc_none,
	[HC_VERSION]     = hc_version,
	[HC_CONSOLE_PUT] = hc_console_put,
	[HC_DOMAIN_ID]   = hc_domain_id,
	[HC_EXIT]        = hc_exit,
	[HC_YIELD]       = hc_yield,
	[HC_NULL]        = hc_null,
	[HC_SET_TIMER]   = hc_set_timer,
	[HC_VCPU_UP]     = hc_vcpu_up,
	[HC_DOMCTL_LIST]     = hc_domctl,
	[HC_DOMCTL_CREATE]   = hc_domctl,
	[HC_DOMCTL_DESTROY]  = hc_domctl,
	[HC_DOMCTL_PAUSE]    = hc_domctl,
	[HC_DOMCTL_UNPAUSE]  = hc_domctl,
	[HC_DOMCTL_SCHED]    = hc_domctl,
	[HC_DOMCTL_CONSOLE]  = hc_domctl,
	[HC_DOMCTL_STATS]    = hc_domctl,
	[HC_DOMCTL_SHUTDOWN] = hc_domctl,
	[HC_DOMCTL_TRACE]    = hc_domctl,
	[HC_DOMCTL_DIAG_NMI] = hc_domctl,
	[HC_DOMCTL_DIAG_HANG] = hc_domctl,
	[HC_DOMCTL_TRIGGER]  = hc_domctl,
};
#pragma GCC diagnostic pop

enum exit_action exit_vmcall(struct vcpu *v)
{
	uint64_t nr = v->gpr[GPR_RAX];
	struct hc_result r;
	exit_set_key(v, (uint32_t)nr);

	vcpu_skip_insn(v);
	if (nr == HC_NULL_STUB)
		r = resume(0);   /* what the exit stub answers, when it leaves the call to C */
	else if (vcpu_cpl() != 0)
		r = resume(-HC_EPERM);
	else if (nr < HC_MAX)
		r = hypercalls[nr](v, v->gpr[GPR_RDI], v->gpr[GPR_RSI]);
	else
		r = resume(-HC_ENOSYS);
	v->gpr[GPR_RAX] = (uint64_t)r.ret;
	return r.act;
}
