/*
 * struct vmx_guest: what the layers below dom/ know of a domain. The exit
 * handlers (vmx/) read its identity, memory, EPT, bitmaps, device bus and
 * vCPUs; the scheduler (sched/) reads its lifecycle state and scheduling
 * parameters. dom/ embeds it in struct domain and fills it; every vCPU
 * points to its own, so nothing below dom/ needs struct domain.
 */
#ifndef VMX_GUEST_H
#define VMX_GUEST_H

#include <stdbool.h>
#include <stdint.h>
#include "config/config.h"
#include "dev/bus.h"
#include "ept/ept.h"
#include "hinoki/limits.h"
#include "loader/loader.h"
#include "mm/account.h"
#include "vmx/tlb.h"

struct vcpu;
struct platform;

/* dom/ moves it (dom/lifecycle.c); the scheduler runs vCPUs only while it is DOMAIN_RUNNING. */
enum domain_state {
	DOMAIN_NOT_STARTED, /* its config or image was bad; the domain's stop_reason says why */
	DOMAIN_RUNNING,
	DOMAIN_ENDED,      /* exited by itself (port 0xf4 or HC_EXIT) */
	DOMAIN_STOPPED,    /* stopped by the hypervisor after a fault */
	DOMAIN_DESTROYED,  /* destroyed by the management domain */
};

struct vmx_guest {
	uint32_t id;
	char name[CONFIG_NAME_MAX];
	volatile enum domain_state state;

	/* Scheduling parameters: dom/ sets them (HC_DOMCTL_SCHED, pause), the scheduler reads them. */
	uint32_t weight;
	uint64_t cpus_mask;
	uint64_t slice_tsc;            /* its own time slice; 0: the machine's */
	uint64_t halt_limit_tsc;       /* config halt_limit_ms: a HLT nothing can end waits this long (vmx/exit_hlt.c) */
	volatile uint32_t paused;
	volatile uint32_t finishing;   /* set once, by the CPU that releases its resources: no more affinity moves */

	uint32_t tsc_khz;              /* the TSC rate it is told (boot information, CPUID 0x40000001) */
	/* Messages its own actions cause (MSR #GPs, refused control hypercalls): see guest_log_ok(). */
	uint32_t guest_logs;
	struct guest_entry boot_entry; /* the long-mode state secondary vCPUs start from */

	uint64_t ram_hpa, ram_bytes;
	struct ept ept;
	struct tlb_ept ept_tlb;        /* the CPUs that flushed its EPTP since the EPT was built (vmx/tlb.c) */
	/*
	 * APIC virtualization (config `apicv`, where the CPU has it; vmx/apicv.c):
	 * the page the EPT maps at the local APIC's address, whose accesses the
	 * CPU virtualizes; 0 when the domain does without.
	 */
	uint64_t apic_access_pa;
	struct page_account account;   /* how vmx/ takes pages for it (mm/account.h) */
	struct bus *bus;               /* its device bus, in its platform (dev/platform.h) */
	struct platform *platform;     /* for the PIC's ExtINT, which vmx/inject.c acknowledges */

	unsigned nvcpus;
	struct vcpu *vcpus[HINOKI_MAX_VCPUS];
};

/*
 * Whether a message the guest's own action causes may be logged: the first
 * GUEST_LOG_LIMIT of the domain are, the rest only counted
 * (guest_logs_dropped), so that a guest that probes or hammers cannot flood
 * the console. Any CPU may ask.
 */
#define GUEST_LOG_LIMIT 16
static inline bool guest_log_ok(struct vmx_guest *g)
{
	return __atomic_add_fetch(&g->guest_logs, 1, __ATOMIC_RELAXED) <= GUEST_LOG_LIMIT;
}
static inline uint32_t guest_logs_dropped(const struct vmx_guest *g)
{
	uint32_t n = __atomic_load_n(&g->guest_logs, __ATOMIC_RELAXED);
	return n > GUEST_LOG_LIMIT ? n - GUEST_LOG_LIMIT : 0;
}

/* Whether the domain's local APICs are virtualized by the CPU: it has an APIC-access page then. */
static inline bool guest_apicv(const struct vmx_guest *g)
{
	return g->apic_access_pa != 0;
}

#endif
