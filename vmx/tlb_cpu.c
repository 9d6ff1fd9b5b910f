/*
 * The processor side of the TLB policy: vmx/tlb.c decides, this file runs
 * INVEPT and INVVPID through the checked wrappers (a failure panics with the
 * VM-instruction error), counts them per CPU, and keeps the VPID pool under
 * a lock, since domains are created and freed on any CPU.
 */
#include "cpu/pcpu.h"
#include "lib/log.h"
#include "lib/spinlock.h"
#include "vmx/caps.h"
#include "vmx/guest.h"
#include "vmx/tlb.h"
#include "vmx/tlb_cpu.h"
#include "vmx/vcpu.h"
#include "vmx/vmx_ops.h"
#include "vmx/vpid.h"

_Static_assert(MAX_CPUS <= 64, "struct tlb_ept has one bit per CPU");

static struct vpid_pool vpids;
static struct spinlock vpid_lock = SPINLOCK_INIT;   /* vpids: vCPU creation and domain release, any CPU; a leaf */

static void cpu_invept(void *ctx, uint64_t type, uint64_t eptp)
{
	(void)ctx;
	invept(type, eptp);
	this_cpu()->invept_count++;
}

static void cpu_invvpid(void *ctx, uint64_t type, uint16_t vpid)
{
	(void)ctx;
	invvpid(type, vpid);
	this_cpu()->invvpid_count++;
}

static const struct tlb_env cpu_env = { &vmx_caps.tlb, cpu_invept, cpu_invvpid, 0 };

void vmx_tlb_enter(struct vcpu *v, struct pcpu *cpu)
{
	tlb_vcpu_enter(&cpu_env, &v->guest->ept_tlb, ept_eptp(&v->guest->ept), &v->tlb, v->vpid, cpu->id);
}

void vmx_tlb_ept_narrowed(struct vmx_guest *g)
{
	tlb_ept_narrowed(&cpu_env, &g->ept_tlb, ept_eptp(&g->ept), this_cpu()->id);
}

uint16_t vmx_vpid_alloc(void)
{
	spin_lock(&vpid_lock);
	uint16_t vpid = vpid_alloc(&vpids);
	spin_unlock(&vpid_lock);
	return vpid;
}

void vmx_vpid_free(uint16_t vpid)
{
	spin_lock(&vpid_lock);
	vpid_free(&vpids, vpid);
	spin_unlock(&vpid_lock);
}

void vmx_tlb_report(void)
{
	for (unsigned i = 0; i < pcpu_count(); i++) {
		const struct pcpu *c = pcpu_get(i);
		log_info("cpu%u: TLB flushes: %lu INVEPT, %lu INVVPID\n", c->id, c->invept_count, c->invvpid_count);
	}
}
