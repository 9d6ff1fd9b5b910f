/*
 * Domain lifecycle: the domain table, creation from a config section and its
 * loaded files, and destruction. Every frame a domain takes (guest RAM, EPT
 * tables, bitmaps, vCPU and VMCS pages) is counted in frames_used, and
 * destruction checks that the count returns to zero.
 */
#include <stdarg.h>
#include "boot/pcpu.h"
#include "dom/domain.h"
#include "hinoki/bootinfo.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/string.h"
#include "mm/mem.h"
#include "sched/fpu.h"
#include "vmx/caps.h"
#include "vmx/vmx.h"
#include "vmx/vmx_ops.h"

#define PAGES_2M 512
#define MIB (1024ULL * 1024)

static struct domain domains[MAX_DOMAINS];
static unsigned ndomains;
static uint16_t next_vpid = 1;   /* VPID 0 is the host's */

unsigned domain_count(void) { return ndomains; }
struct domain *domain_at(unsigned i) { return i < ndomains ? &domains[i] : 0; }

static struct domain *domain_slot(uint32_t id, const char *name)
{
	if (ndomains == MAX_DOMAINS)
		return 0;
	struct domain *d = &domains[ndomains++];
	memset(d, 0, sizeof *d);
	d->id = id;
	size_t n = strlen(name);
	if (n >= sizeof d->name)
		n = sizeof d->name - 1;
	memcpy(d->name, name, n);
	return d;
}

void domain_record_failure(uint32_t id, const char *name, const char *fmt, ...)
{
	struct domain *d = domain_slot(id, name);
	if (!d)
		return;
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(d->stop_reason, sizeof d->stop_reason, fmt, ap);
	va_end(ap);
	d->state = DOMAIN_NOT_STARTED;
	log_info("domain %s not started: %s\n", d->name, d->stop_reason);
}

static uint64_t ept_alloc(void *ctx)
{
	struct domain *d = ctx;
	uint64_t pa = mem_alloc_pages(1, 1);
	if (pa)
		d->frames_used++;
	return pa;
}

static void ept_free(void *ctx, uint64_t pa)
{
	struct domain *d = ctx;
	mem_free_pages(pa, 1);
	d->frames_used--;
}

static void *ept_p2v(void *ctx, uint64_t pa)
{
	(void)ctx;
	return phys_to_virt(pa);
}

static uint64_t take_pages(struct domain *d, uint64_t pages, uint64_t align)
{
	uint64_t pa = mem_alloc_pages(pages, align);
	if (pa)
		d->frames_used += pages;
	return pa;
}

static void give_pages(struct domain *d, uint64_t pa, uint64_t pages)
{
	if (!pa)
		return;
	mem_free_pages(pa, pages);
	d->frames_used -= pages;
}

#define VCPU_PAGES ((sizeof(struct vcpu) + FRAME_SIZE - 1) / FRAME_SIZE)

static void uart_sink(void *ctx, uint8_t byte)
{
	domain_console_put(ctx, byte);
}

/* Guest RAM, EPT and bitmaps. 0, or -1 with *why set. */
static int build_memory(struct domain *d, const struct domain_config *cfg, const char **why)
{
	d->ram_bytes = (uint64_t)cfg->memory_mib * MIB;
	d->ram_hpa = take_pages(d, d->ram_bytes / FRAME_SIZE, PAGES_2M);
	if (!d->ram_hpa) {
		*why = "not enough free memory for its RAM";
		return -1;
	}
	d->ept_env = (struct ept_env){ ept_alloc, ept_free, ept_p2v, d };
	if (ept_init(&d->ept, &d->ept_env) ||
	    ept_map_range(&d->ept, 0, d->ram_hpa, d->ram_bytes, EPT_PERM_RWX, vmx_has_ept_2m(), vmx_has_ept_1g())) {
		*why = "not enough free memory for its EPT";
		return -1;
	}
	d->io_bitmap_pa = take_pages(d, 2, 1);
	d->msr_bitmap_pa = take_pages(d, 1, 1);
	if (!d->io_bitmap_pa || !d->msr_bitmap_pa) {
		*why = "not enough free memory for its I/O and MSR bitmaps";
		return -1;
	}
	/* Intercept every port and every MSR: what is not emulated is denied. */
	memset(phys_to_virt(d->io_bitmap_pa), 0xff, 2 * FRAME_SIZE);
	memset(phys_to_virt(d->msr_bitmap_pa), 0xff, FRAME_SIZE);
	return 0;
}

struct domain *domain_create(uint32_t id, const struct domain_config *cfg,
                             const void *kernel, uint64_t kernel_len,
                             const void *ramdisk, uint64_t ramdisk_len)
{
	struct domain *d = domain_slot(id, cfg->name);
	const char *why = 0;
	char err[160];

	if (!d) {
		log_err("domain %s not started: too many domains\n", cfg->name);
		return 0;
	}
	d->type = cfg->type;
	if (build_memory(d, cfg, &why))
		goto fail;

	struct load_params lp = {
		.kernel = kernel, .kernel_len = kernel_len, .ramdisk = ramdisk, .ramdisk_len = ramdisk_len,
		.cmdline = cfg->extra, .kernel_name = cfg->kernel, .domain_id = id, .domain_name = cfg->name,
		.vcpus = 1, .boot_flags = cfg->type == DOMAIN_TYPE_MGMT ? HINOKI_BOOT_F_MGMT : 0,
	};
	struct guest_mem gm = { phys_to_virt(d->ram_hpa), d->ram_bytes };
	struct guest_entry entry;
	if (loader_load(&lp, &gm, &entry, err, sizeof err)) {
		why = err;
		goto fail;
	}
	if (cfg->vcpus > 1)
		log_warn("domain %s: vcpus = %u, but secondary vCPUs are not supported yet; running 1\n",
		         cfg->name, cfg->vcpus);

	uint64_t vpa = take_pages(d, VCPU_PAGES, 1);
	if (!vpa) {
		why = "not enough free memory for its vCPU";
		goto fail;
	}
	struct vcpu *v = phys_to_virt(vpa);
	v->dom = d;
	v->id = 0;
	v->vpid = vmx_has_vpid() ? next_vpid++ : 0;
	fpu_init_state(v);
	d->vcpus[d->nvcpus++] = v;
	if (vmcs_setup(v, this_cpu(), &entry)) {
		why = "not enough free memory for its VMCS";
		goto fail;
	}
	uart_init(&d->uart, uart_sink, d);
	v->state = VCPU_RUNNABLE;
	d->state = DOMAIN_RUNNING;
	log_info("domain %s (%u) created: %s kernel, %u MiB at 0x%lx, entry 0x%lx\n", d->name, d->id,
	         loader_format_name(entry.format), cfg->memory_mib, d->ram_hpa, entry.rip);
	return d;

fail:
	fmt_snprintf(d->stop_reason, sizeof d->stop_reason, "%s", why);
	d->state = DOMAIN_NOT_STARTED;
	log_info("domain %s not started: %s\n", d->name, why);
	domain_destroy(d);
	return 0;
}

void domain_destroy(struct domain *d)
{
	struct pcpu *cpu = this_cpu();
	for (unsigned i = 0; i < d->nvcpus; i++) {
		struct vcpu *v = d->vcpus[i];
		if (v->vmcs_pa) {
			vmclear(v->vmcs_pa);
			if (cpu->current == v)
				cpu->current = 0;
			give_pages(d, v->vmcs_pa, 1);
		}
		fpu_forget(cpu, v);
		give_pages(d, virt_to_phys(v), VCPU_PAGES);
		d->vcpus[i] = 0;
	}
	d->nvcpus = 0;
	if (d->ept.pml4_pa)
		ept_destroy(&d->ept);
	give_pages(d, d->io_bitmap_pa, 2);
	give_pages(d, d->msr_bitmap_pa, 1);
	give_pages(d, d->ram_hpa, d->ram_bytes / FRAME_SIZE);
	d->io_bitmap_pa = d->msr_bitmap_pa = d->ram_hpa = 0;
	if (d->frames_used)
		log_warn("domain %s: %lu frames not returned on destroy\n", d->name, d->frames_used);
}
