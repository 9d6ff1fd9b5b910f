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
#include "vmx/exit.h"
#include "vmx/guest.h"
#include "vmx/vmx.h"

#define HC_CONSOLE_MAX 4096

const struct vmx_dom_ops *vmx_dom_ops;

void vmx_set_dom_ops(const struct vmx_dom_ops *ops)
{
	vmx_dom_ops = ops;
}

typedef int64_t (*hypercall_fn)(struct vcpu *v, uint64_t a0, uint64_t a1, enum exit_action *act);

static int64_t hc_version(struct vcpu *v, uint64_t a0, uint64_t a1, enum exit_action *act)
{
	(void)v, (void)a0, (void)a1, (void)act;
	return HINOKI_VERSION;
}

static int64_t hc_console_put(struct vcpu *v, uint64_t gpa, uint64_t len, enum exit_action *act)
{
	(void)act;
	struct vmx_guest *g = v->guest;
	if (len > HC_CONSOLE_MAX)
		return -HC_EINVAL;
	if (gpa >= g->ram_bytes || len > g->ram_bytes - gpa)
		return -HC_EFAULT;
	vmx_dom_ops->console_write(g, phys_to_virt(g->ram_hpa + gpa), len);
	return (int64_t)len;
}

static int64_t hc_domain_id(struct vcpu *v, uint64_t a0, uint64_t a1, enum exit_action *act)
{
	(void)a0, (void)a1, (void)act;
	return v->guest->id;
}

static int64_t hc_exit(struct vcpu *v, uint64_t code, uint64_t a1, enum exit_action *act)
{
	(void)a1;
	vmx_dom_ops->exit(v->guest, (int)(code & 0xff));
	*act = EXIT_STOPPED;
	return 0;
}

static int64_t hc_yield(struct vcpu *v, uint64_t a0, uint64_t a1, enum exit_action *act)
{
	(void)v, (void)a0, (void)a1;
	*act = EXIT_YIELD;
	return 0;
}

/* Control hypercalls live in dom/control.c, behind the management-domain check. */
static int64_t hc_domctl(struct vcpu *v, uint64_t a0, uint64_t a1, enum exit_action *act)
{
	(void)a0, (void)a1, (void)act;
	return vmx_dom_ops->domctl(v, v->gpr[GPR_RAX]);
}

static int64_t hc_null(struct vcpu *v, uint64_t a0, uint64_t a1, enum exit_action *act)
{
	(void)v, (void)a0, (void)a1, (void)act;
	return 0;
}

static int64_t hc_set_timer(struct vcpu *v, uint64_t deadline, uint64_t a1, enum exit_action *act)
{
	(void)a1, (void)act;
	/* The deadline is in the guest's TSC; the scheduler compares it with the host's. */
	uint64_t host = deadline - v->tsc_offset;
	v->timer_deadline = !deadline ? 0 : host ? host : 1;
	return 0;
}

static int64_t hc_vcpu_up(struct vcpu *v, uint64_t id, uint64_t rip, enum exit_action *act)
{
	(void)act;
	if (id > UINT32_MAX)
		return -HC_EINVAL;
	return vmx_dom_ops->vcpu_up(v->guest, (uint32_t)id, rip, v->gpr[GPR_RDX], v->gpr[GPR_R10]);
}

static const hypercall_fn hypercalls[HC_MAX] = {
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
};

enum exit_action exit_vmcall(struct vcpu *v)
{
	uint64_t nr = v->gpr[GPR_RAX];
	enum exit_action act = EXIT_RESUME;
	exit_set_key(v, (uint32_t)nr);
	int64_t ret;

	vcpu_skip_insn(v);
	if (nr == HC_NULL_STUB)
		ret = 0;   /* what the exit stub answers, when it leaves the call to C */
	else if (vcpu_cpl() != 0)
		ret = -HC_EPERM;
	else if (nr < HC_MAX && hypercalls[nr])
		ret = hypercalls[nr](v, v->gpr[GPR_RDI], v->gpr[GPR_RSI], &act);
	else
		ret = -HC_ENOSYS;
	v->gpr[GPR_RAX] = (uint64_t)ret;
	return act;
}
