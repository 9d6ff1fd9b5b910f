/*
 * Domain lifecycle: the domain table, creation from a config section and its
 * loaded files, secondary vCPU start-up by hypercall, and destruction. Every frame a
 * domain takes (guest RAM, EPT tables, bitmaps, vCPU and VMCS pages, the
 * domain structure itself) is counted in frames_used, and destruction checks
 * that the count returns to zero.
 */
#include <stdarg.h>
#include "cpu/pcpu.h"
#include "dev/acpi_tables.h"
#include "dev/bios_reset.h"
#include "dom/domain.h"
#include "hinoki/bootinfo.h"
#include "hinoki/hypercall.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "mm/mem.h"
#include "sched/sched.h"
#include "vmx/caps.h"
#include "vmx/fpu.h"
#include "vmx/inject.h"
#include "vmx/tlb_cpu.h"
#include "vmx/vmx.h"

#define PAGES_2M 512
#define MIB (1024ULL * 1024)
#define TESTDEV_IOMEM_PAGES (TESTDEV_IOMEM_SIZE / FRAME_SIZE)

/*
 * The table: a dense array, whose entries move down when one leaves. It is
 * read only under table_lock, which guards domains[] and ndomains and nothing
 * else; no other lock is taken while it is held.
 *
 * A domain found in it stays whole through references, not through the lock:
 * what callers do with a domain is long (destroy waits for its vCPUs to leave
 * other CPUs and prints its statistics; create loads a kernel) and would hold
 * every scheduler loop and lookup behind it. The table holds one reference,
 * each finder one more; leaving the table drops the table's, and the last
 * domain_put, wherever it happens, frees the structure and the vCPUs.
 */
static struct domain *domains[HINOKI_MAX_DOMAINS];
static unsigned ndomains;                 /* slots in use at the front of domains[] */
static struct spinlock table_lock = SPINLOCK_INIT;
static uint64_t tsc_khz;
static uint64_t wall_secs = RTC_FALLBACK_SECS, wall_tsc;   /* every domain's RTC starts from this clock */

static void domain_free(struct domain *d);

/* The first entry `match` accepts, referenced; NULL if none. */
static struct domain *find(bool (*match)(const struct domain *, const void *), const void *key)
{
	struct domain *found = 0;
	spin_lock(&table_lock);
	for (unsigned i = 0; i < ndomains && !found; i++)
		if (match(domains[i], key))
			found = domains[i];
	if (found)
		domain_hold(found);
	spin_unlock(&table_lock);
	return found;
}

static bool started_with_id(const struct domain *d, const void *key)
{
	return d->guest.id == *(const uint32_t *)key && d->guest.state != DOMAIN_NOT_STARTED;
}

static bool named(const struct domain *d, const void *key)
{
	return !strcmp(d->guest.name, key);
}

struct domain *domain_by_id(uint32_t id) { return find(started_with_id, &id); }
struct domain *domain_by_name(const char *name) { return find(named, name); }

unsigned domain_snapshot(struct domain **out)
{
	spin_lock(&table_lock);
	unsigned n = ndomains;
	for (unsigned i = 0; i < n; i++) {
		out[i] = domains[i];
		domain_hold(out[i]);
	}
	spin_unlock(&table_lock);
	return n;
}

void domain_hold(struct domain *d)
{
	__atomic_add_fetch(&d->refs, 1, __ATOMIC_RELAXED);
}

void domain_put(struct domain *d)
{
	if (!__atomic_sub_fetch(&d->refs, 1, __ATOMIC_ACQ_REL))
		domain_free(d);
}

void domain_put_all(struct domain **ds, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		domain_put(ds[i]);
}

void domain_discard(struct domain *d)
{
	int listed = 0;
	spin_lock(&table_lock);
	for (unsigned i = 0; i < ndomains && !listed; i++) {
		if (domains[i] != d)
			continue;
		memmove(&domains[i], &domains[i + 1], (ndomains - i - 1) * sizeof domains[0]);
		ndomains--;
		listed = 1;
	}
	spin_unlock(&table_lock);
	if (listed)
		domain_put(d);
}

void domain_set_tsc_khz(uint64_t khz) { tsc_khz = khz; }

void domain_set_wall_clock(uint64_t secs, uint64_t tsc)
{
	wall_secs = secs;
	wall_tsc = tsc;
}

static struct domain *domain_slot(uint32_t id, const char *name)
{
	uint64_t pa = mem_alloc_pages(DOMAIN_PAGES, 1);
	if (!pa)
		return 0;
	struct domain *d = phys_to_virt(pa);
	d->guest.id = id;
	size_t n = strlen(name);
	if (n >= sizeof d->guest.name)
		n = sizeof d->guest.name - 1;
	memcpy(d->guest.name, name, n);
	d->refs = 1;   /* the table's */
	spin_lock(&table_lock);
	if (ndomains == HINOKI_MAX_DOMAINS) {
		spin_unlock(&table_lock);
		mem_free_pages(pa, DOMAIN_PAGES);
		return 0;
	}
	domains[ndomains++] = d;
	spin_unlock(&table_lock);
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
	d->guest.state = DOMAIN_NOT_STARTED;
	log_info("domain %s not started: %s\n", d->guest.name, d->stop_reason);
}

/*
 * Every page a domain takes goes through these two, which count it in
 * frames_used: its RAM and bitmaps here, its EPT tables (ept_env) and what
 * vmx/ allocates for it (its page account, mm/account.h: VMCS pages, trace
 * rings, statistics tables). Statistics tables grow while a vCPU runs, on
 * its CPU, so the count changes atomically.
 */
static uint64_t take_pages(struct domain *d, uint64_t pages, uint64_t align)
{
	uint64_t pa = mem_alloc_pages(pages, align);
	if (pa)
		__atomic_add_fetch(&d->frames_used, pages, __ATOMIC_RELAXED);
	return pa;
}

static void give_pages(struct domain *d, uint64_t pa, uint64_t pages)
{
	if (!pa)
		return;
	mem_free_pages(pa, pages);
	__atomic_sub_fetch(&d->frames_used, pages, __ATOMIC_RELAXED);
}

static uint64_t ept_alloc(void *ctx)
{
	return take_pages(ctx, 1, 1);
}

static void ept_free(void *ctx, uint64_t pa)
{
	give_pages(ctx, pa, 1);
}

static void *ept_p2v(void *ctx, uint64_t pa)
{
	(void)ctx;
	return phys_to_virt(pa);
}

static void *account_alloc(void *ctx, unsigned pages)
{
	uint64_t pa = take_pages(ctx, pages, 1);
	return pa ? phys_to_virt(pa) : 0;
}

static void account_free(void *ctx, void *p, unsigned pages)
{
	give_pages(ctx, virt_to_phys(p), pages);
}

static void uart_sink(void *ctx, uint8_t byte)
{
	domain_console_put(ctx, byte);
}

static void exit_port_end(void *ctx, int code)
{
	domain_exit(ctx, code);
}

/* The I/O APIC's interrupt for vCPU `vcpu`, from whichever CPU drove the line. */
static bool platform_deliver(void *ctx, unsigned vcpu, unsigned vector, bool level)
{
	return vcpu_deliver_irq(((struct domain *)ctx)->guest.vcpus[vcpu], vector, level);
}

/* The PIC's INTR for vCPU `vcpu`, whose LINT0 takes ExtINT. */
static void platform_extint_kick(void *ctx, unsigned vcpu)
{
	vcpu_kick_extint(((struct domain *)ctx)->guest.vcpus[vcpu]);
}

/*
 * Guest RAM into the EPT, write-back, all but the platform's hole (the VGA
 * window), whose accesses must reach the device bus. RAM always covers the
 * hole: it is at least 1 MiB.
 */
static int map_ram(struct vmx_guest *g)
{
	uint64_t hole_end = PLATFORM_RAM_HOLE_BASE + PLATFORM_RAM_HOLE_SIZE;
	bool m2 = vmx_has_ept_2m(), m1 = vmx_has_ept_1g();
	return ept_map_range(&g->ept, 0, g->ram_hpa, PLATFORM_RAM_HOLE_BASE, EPT_PERM_RWX, m2, m1) ||
	       ept_map_range(&g->ept, hole_end, g->ram_hpa + hole_end, g->ram_bytes - hole_end, EPT_PERM_RWX, m2, m1);
}

/*
 * Guest RAM for devices' DMA and the IOMMU's tables: [gpa, gpa + len) must
 * be RAM the EPT maps, all of it, so the VGA hole and anything past the
 * RAM's end answer as no memory.
 */
static bool guest_ram_rw(void *ctx, uint64_t gpa, void *buf, uint32_t len, bool write)
{
	struct vmx_guest *g = &((struct domain *)ctx)->guest;
	if (gpa >= g->ram_bytes || len > g->ram_bytes - gpa ||
	    (gpa < PLATFORM_RAM_HOLE_BASE + PLATFORM_RAM_HOLE_SIZE && gpa + len > PLATFORM_RAM_HOLE_BASE))
		return false;
	uint8_t *ram = (uint8_t *)phys_to_virt(g->ram_hpa) + gpa;
	if (write)
		memcpy(ram, buf, len);
	else
		memcpy(buf, ram, len);
	return true;
}

#define PCI_PAGES ((PLATFORM_PCI_BYTES + FRAME_SIZE - 1) / FRAME_SIZE)

static void platform_power(void *ctx, enum platform_power what)
{
	domain_power(ctx, what);
}

static bool platform_sleep(void *ctx, uint64_t wake_tsc)
{
	return domain_sleep(ctx, wake_tsc);
}

static uint64_t platform_wake(void *ctx)
{
	return domain_wake(ctx);
}

static const struct platform_ops platform_ops = { platform_deliver, platform_extint_kick, platform_power,
                                                  platform_sleep, platform_wake };

/* Guest RAM, EPT and bitmaps. 0, or -1 with *why set. */
static int build_memory(struct domain *d, uint32_t memory_mib, const char **why)
{
	struct vmx_guest *g = &d->guest;
	g->ram_bytes = (uint64_t)memory_mib * MIB;
	g->ram_hpa = take_pages(d, g->ram_bytes / FRAME_SIZE, PAGES_2M);
	if (!g->ram_hpa) {
		/* Files the config names stay in memory for restarts: say what else the RAM competes with. */
		*why = "not enough free memory for its RAM (what the hypervisor, the files read from the boot "
		       "volume and the other domains left is short of its `memory`, in 2 MiB pages)";
		return -1;
	}
	d->ept_env = (struct ept_env){ ept_alloc, ept_free, ept_p2v, d };
	if (ept_init(&g->ept, &d->ept_env) || map_ram(g)) {
		*why = "not enough free memory for its EPT";
		return -1;
	}
	return 0;
}

/*
 * APIC virtualization's APIC-access page, mapped where the local APIC is:
 * the CPU virtualizes accesses to it (vmx/apicv.c). A vCPU whose APIC is
 * disabled, in x2APIC mode or moved reaches it as memory, so it starts as
 * an absent device reads: all ones. 0, or -1 with *why set.
 */
static int build_apic_access(struct domain *d, const char **why)
{
	struct vmx_guest *g = &d->guest;
	g->apic_access_pa = take_pages(d, 1, 1);
	if (!g->apic_access_pa ||
	    ept_map_range(&g->ept, APIC_DEFAULT_PHYS_BASE, g->apic_access_pa, FRAME_SIZE,
	                  EPT_PERM_R | EPT_PERM_W, false, false)) {
		*why = "not enough free memory for its APIC-access page";
		return -1;
	}
	memset(phys_to_virt(g->apic_access_pa), 0xff, FRAME_SIZE);
	return 0;
}

/* A vCPU with its VMCS set up for `e` and then cleared, so any CPU may load it. */
static struct vcpu *make_vcpu(struct domain *d, uint32_t id, const struct guest_entry *e)
{
	uint64_t vpa = take_pages(d, VCPU_PAGES, 1);
	if (!vpa)
		return 0;
	struct vcpu *v = phys_to_virt(vpa);
	uint64_t apic_pa = take_pages(d, VCPU_APIC_PAGES, 1);
	if (!apic_pa) {
		give_pages(d, vpa, VCPU_PAGES);
		return 0;
	}
	v->guest = &d->guest;
	v->id = id;
	v->vpid = vmx_has_vpid() ? vmx_vpid_alloc() : 0;
	tlb_vcpu_forget(&v->tlb);
	fpu_init_state(v);
	vlapic_init(&v->vlapic, phys_to_virt(apic_pa), id, id == 0);
	if (!d->cfg->x2apic)
		vlapic_hide_x2apic(&v->vlapic);
	if (id == 0)
		vlapic_virtual_wire(&v->vlapic);   /* as PC firmware leaves the BSP (docs/platform.md) */
	d->guest.vcpus[d->guest.nvcpus++] = v;
	if (exit_stats_init(&v->stats, &d->guest.account))
		return 0;
	return vmcs_create(v, e) ? 0 : v;
}

struct domain *domain_create(uint32_t id, const struct domain_config *cfg, const struct domain_overrides *ov,
                             const void *kernel, uint64_t kernel_len,
                             const void *ramdisk, uint64_t ramdisk_len, const char **whyp)
{
	struct domain *d = domain_slot(id, cfg->name);
	const char *why = 0;
	char err[160];

	if (!d) {
		log_info("domain %s not started: no free domain slot or memory\n", cfg->name);
		if (whyp)
			*whyp = "no free domain slot";
		return 0;
	}
	d->guest.account = (struct page_account){ account_alloc, account_free, d };
	d->type = cfg->type;
	d->cfg = cfg;
	d->created_tsc = rdtsc();
	if (ov) {
		d->ov = *ov;
		if (ov->extra) {
			fmt_snprintf(d->ov_extra, sizeof d->ov_extra, "%s", ov->extra);
			d->ov.extra = d->ov_extra;
		}
	}
	d->guest.weight = ov && ov->weight ? ov->weight : cfg->weight;
	d->guest.cpus_mask = ov && ov->cpus_mask ? ov->cpus_mask : cfg->cpus_mask;
	d->guest.slice_tsc = (uint64_t)cfg->slice_us * tsc_khz / 1000;
	d->guest.halt_limit_tsc = (uint64_t)cfg->halt_limit_ms * tsc_khz;
	d->guest.tsc_khz = (uint32_t)tsc_khz;
	uint32_t memory_mib = ov && ov->memory_mib ? ov->memory_mib : cfg->memory_mib;
	uint32_t vcpus = ov && ov->vcpus ? ov->vcpus : cfg->vcpus;
	if (vcpus > HINOKI_MAX_VCPUS) {
		why = "more vCPUs than a domain may have (" HINOKI_STR(HINOKI_MAX_VCPUS) ")";
		goto fail;
	}
	if ((cfg->edu || cfg->viommu) && (uint64_t)memory_mib * MIB > PCI_CFG_WINDOW_BASE) {
		why = "its memory reaches the PCI window at 0xfe000000, where edu and viommu sit: give it at most 4064 MiB";
		goto fail;
	}
	if (build_memory(d, memory_mib, &why))
		goto fail;
	if (cfg->apicv && vmx_has_apicv() && build_apic_access(d, &why))
		goto fail;

	struct load_params lp = {
		.kernel = kernel, .kernel_len = kernel_len, .ramdisk = ramdisk, .ramdisk_len = ramdisk_len,
		.cmdline = ov && ov->extra ? ov->extra : cfg->extra, .kernel_name = cfg->kernel,
		.domain_id = id, .domain_name = cfg->name, .vcpus = vcpus,
		.boot_flags = (cfg->type == DOMAIN_TYPE_MGMT ? HINOKI_BOOT_F_MGMT : 0) |
		              (guest_apicv(&d->guest) ? HINOKI_BOOT_F_APICV : 0),
		.script = cfg->script, .tsc_khz = d->guest.tsc_khz,
	};
	struct guest_mem gm = { phys_to_virt(d->guest.ram_hpa), d->guest.ram_bytes };
	if (loader_load(&lp, &gm, &d->guest.boot_entry, err, sizeof err)) {
		why = err;
		goto fail;
	}
	/* The BIOS area is free in both boot protocols (docs/boot-protocol.md). */
	if (acpi_tables_build(&gm, vcpus, cfg->viommu) || bios_reset_build(&gm)) {
		why = "guest RAM too small for the ACPI tables";
		goto fail;
	}
	for (uint32_t i = 0; i < vcpus; i++) {
		if (!make_vcpu(d, i, &d->guest.boot_entry)) {
			why = "not enough free memory for its vCPUs";
			goto fail;
		}
	}
	console_ring_init(&d->console_ring);
	uint64_t iomem_pa = cfg->testdev ? take_pages(d, TESTDEV_IOMEM_PAGES, 1) : 0;
	if (cfg->testdev && !iomem_pa) {
		why = "not enough free memory for its test device";
		goto fail;
	}
	bool pci = cfg->edu || cfg->viommu;
	uint64_t pci_pa = pci ? take_pages(d, PCI_PAGES, 1) : 0;
	if (pci && !pci_pa) {
		why = "not enough free memory for its edu device and IOMMU";
		goto fail;
	}
	struct platform_env pe = {
		.ram_bytes = d->guest.ram_bytes, .ncpus = (uint16_t)vcpus, .tsc_now = rdtsc(), .tsc_khz = d->guest.tsc_khz,
		.wall_secs = wall_secs, .wall_tsc = wall_tsc,
		.console_lock = &d->con_lock, .console_put = uart_sink, .end = exit_port_end,
		.ops = &platform_ops, .ctx = d,
		.testdev = cfg->testdev, .testdev_iomem = iomem_pa ? phys_to_virt(iomem_pa) : 0,
		.viommu = cfg->viommu, .edu = cfg->edu, .pci = pci_pa ? phys_to_virt(pci_pa) : 0, .mem = guest_ram_rw,
	};
	if (platform_init(&d->platform, &pe)) {
		why = "its devices do not fit on its bus";
		goto fail;
	}
	d->guest.bus = &d->platform.bus;
	d->guest.platform = &d->platform;
	for (uint32_t i = 0; i < vcpus; i++)
		platform_set_lapic(&d->platform, i, &d->guest.vcpus[i]->vlapic);
	d->guest.state = DOMAIN_RUNNING;
	log_info("domain %s (%u) created: %s kernel, %u MiB at 0x%lx, %u vCPU%s, weight %u, entry 0x%lx\n",
	         d->guest.name, d->guest.id, loader_format_name(d->guest.boot_entry.format), memory_mib,
	         d->guest.ram_hpa, vcpus, vcpus == 1 ? "" : "s", d->guest.weight, d->guest.boot_entry.rip);
	for (uint32_t i = 0; i < vcpus; i++)
		d->guest.vcpus[i]->no_fast_resume = !(cfg->fastpath && vmx_has_fast_path());
	if (cfg->trace && exit_trace_enable(&d->guest, 1))
		log_warn("domain %s: no memory for its exit trace; not tracing\n", d->guest.name);
	/*
	 * Secondary vCPUs stay offline until the guest starts them: HC_VCPU_UP
	 * (ELF64 kernels), or INIT and STARTUP IPIs through the local APIC as
	 * on a PC (any kernel; vmx/inject.c).
	 */
	for (uint32_t i = 0; i < d->guest.nvcpus; i++)
		sched_add_vcpu(d->guest.vcpus[i], i == 0 ? VCPU_RUNNABLE : VCPU_OFFLINE);
	return d;

fail:
	fmt_snprintf(d->stop_reason, sizeof d->stop_reason, "%s", why);
	d->guest.state = DOMAIN_NOT_STARTED;
	log_info("domain %s not started: %s\n", d->guest.name, why);
	if (whyp)
		*whyp = d->stop_reason;
	domain_release_resources(d);
	return 0;
}

int domain_vcpu_up(struct domain *d, uint32_t id, uint64_t rip, uint64_t rsp, uint64_t arg)
{
	if (id == 0 || id >= d->guest.nvcpus)
		return -HC_EINVAL;
	struct vcpu *v = d->guest.vcpus[id];
	struct guest_entry e = d->guest.boot_entry;
	e.rip = rip;
	e.rsp = rsp;
	e.rdi = arg;
	return sched_start_vcpu(v, &e);
}

/*
 * Frees what only a running domain needs: guest RAM, EPT, bitmaps, VMCS
 * pages. The vCPU structures stay, with their statistics, until the last reference goes.
 * The vCPUs must be off every CPU and out of the run queues.
 */
void domain_release_resources(struct domain *d)
{
	exit_trace_free(&d->guest);
	for (unsigned i = 0; i < d->guest.nvcpus; i++) {
		struct vcpu *v = d->guest.vcpus[i];
		give_pages(d, v->vmcs_pa, 1);
		v->vmcs_pa = 0;
		vmx_vpid_free(v->vpid);
		v->vpid = 0;
	}
	if (d->guest.ept.pml4_pa)
		ept_destroy(&d->guest.ept);
	give_pages(d, d->guest.apic_access_pa, 1);
	d->guest.apic_access_pa = 0;
	if (d->platform.testdev.iomem)
		give_pages(d, virt_to_phys(d->platform.testdev.iomem), TESTDEV_IOMEM_PAGES);
	d->platform.testdev.iomem = 0;
	if (d->platform.pci)
		give_pages(d, virt_to_phys(d->platform.pci), PCI_PAGES);
	d->platform.pci = 0;
	give_pages(d, d->guest.ram_hpa, d->guest.ram_bytes / FRAME_SIZE);
	d->guest.ram_hpa = 0;
}

/* The last reference is gone: nothing can reach d any more. */
static void domain_free(struct domain *d)
{
	domain_release_resources(d);
	for (unsigned i = 0; i < d->guest.nvcpus; i++) {
		exit_stats_free(&d->guest.vcpus[i]->stats);
		give_pages(d, virt_to_phys(d->guest.vcpus[i]->vlapic.regs), VCPU_APIC_PAGES);
		give_pages(d, virt_to_phys(d->guest.vcpus[i]), VCPU_PAGES);
		d->guest.vcpus[i] = 0;
	}
	d->guest.nvcpus = 0;
	if (d->frames_used)
		log_warn("domain %s: %lu frames not returned on destroy\n", d->guest.name, d->frames_used);
	mem_free_pages(virt_to_phys(d), DOMAIN_PAGES);
}
