/*
 * Starting the application processors (Intel SDM "Multiple-Processor
 * Management": the MP initialization protocol). The MADT names the CPUs (or,
 * without ACPI tables, the firmware's MP services did before boot services
 * ended); the BSP copies boot/ap_trampoline.asm into a page below 1 MiB and wakes one AP
 * at a time with INIT, 10 ms, Startup IPI, 200 us, Startup IPI. The AP climbs
 * to 64-bit mode on the host page tables and lands in ap_entry() on its own
 * stack; the BSP waits, bounded, for it to answer before the next one, so
 * there is only ever one parameter block in use. docs/smp.md has the story.
 */
#include <efi.h>
#include <stdbool.h>
#include "boot/acpi.h"
#include "cpu/lapic.h"
#include "boot/smp.h"
#include "hw/apic.h"
#include "hw/cr.h"
#include "hw/msr.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/string.h"
#include "lib/x86.h"
#include "mm/mem.h"
#include "vmx/vmxon.h"

/* Fixed, documented trampoline page (SIPI vector 0x08); any free page below 1 MiB would do. */
#define AP_TRAMPOLINE_PA    0x8000ULL
#define LOW_MEMORY_END      0x100000ULL
#define PAGE_SHIFT          12
#define INIT_DELAY_US       10000u    /* INIT to first Startup IPI */
#define SIPI_DELAY_US       200u      /* after each Startup IPI */
#define AP_ALIVE_TIMEOUT_US 100000u   /* Startup IPIs to the AP's first C instruction */
#define AP_READY_TIMEOUT_US 1000000u  /* first C instruction to VMX on */
#define PCPU_PAGES ((sizeof(struct pcpu) + FRAME_SIZE - 1) / FRAME_SIZE)
#define XCR_XFEATURE_ENABLED_MASK 0   /* XCR0 */

extern const char ap_trampoline_start[], ap_trampoline_end[];
extern const char ap_param_cr3[], ap_param_efer[], ap_param_entry[], ap_param_stack[], ap_param_pcpu[];

/*
 * Where the AP that is starting has got to. Every step is a compare-and-swap,
 * the BSP's giving up (ABANDONED) included, so an AP that answers just as the
 * BSP gives up either counts or halts: it never runs unregistered.
 */
enum ap_state { AP_WAITING, AP_ALIVE, AP_READY, AP_FAILED, AP_ABANDONED };
static volatile uint32_t ap_state;

static bool ap_advance(uint32_t from, uint32_t to)
{
	return __atomic_compare_exchange_n(&ap_state, &from, to, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

static void (*ap_main_fn)(struct pcpu *);

/* Control state every AP copies from the BSP, so all CPUs run the host alike. */
static struct { uint64_t cr0, cr4, xcr0; } bsp_ctl;

static uint64_t xgetbv(uint32_t xcr)
{
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(xcr));
	return ((uint64_t)hi << 32) | lo;
}

static void xsetbv(uint32_t xcr, uint64_t v)
{
	__asm__ volatile("xsetbv" :: "c"(xcr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

static void delay_us(uint64_t us, uint64_t tsc_per_us)
{
	uint64_t end = rdtsc() + us * tsc_per_us;
	while (rdtsc() < end)
		cpu_relax();
}

/* Wait for ap_state to leave `from`, at most us microseconds; returns the state seen last. */
static uint32_t wait_state_change(uint32_t from, uint64_t us, uint64_t tsc_per_us)
{
	uint64_t end = rdtsc() + us * tsc_per_us;
	uint32_t s;
	while ((s = __atomic_load_n(&ap_state, __ATOMIC_ACQUIRE)) == from && rdtsc() < end)
		cpu_relax();
	return s;
}

/* The 64-bit C entry the trampoline calls, on the AP's own host stack. */
static void __attribute__((noreturn)) ap_entry(struct pcpu *cpu)
{
	/* After INIT caches are off (CR0.CD/NW) and SSE is not enabled: take the BSP's settings. */
	write_cr0(bsp_ctl.cr0);
	write_cr4(bsp_ctl.cr4);
	if (bsp_ctl.cr4 & CR4_OSXSAVE)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, bsp_ctl.xcr0);
	pcpu_init_tables(cpu, cpu->id);
	if (!ap_advance(AP_WAITING, AP_ALIVE))
		halt_forever();   /* too late: the BSP has given up on this CPU */

	lapic_quiesce();
	if (vmx_enable(cpu)) {
		ap_advance(AP_ALIVE, AP_FAILED);
		halt_forever();
	}
	/* Said before READY, so the BSP's summary line follows every AP's. */
	log_info("cpu%u: online, APIC id %u, VMX on\n", cpu->id, cpu->apic_id);
	if (!ap_advance(AP_ALIVE, AP_READY))
		halt_forever();
	ap_main_fn(cpu);
	halt_forever();
}

void smp_ap_park(struct pcpu *cpu)
{
	(void)cpu;
	halt_forever();
}

/* Memory the ACPI walk may read: the identity map covers the firmware map's span. */
struct acpi_window { uint64_t top; };

static const void *acpi_map(uint64_t pa, uint64_t len, void *ctx)
{
	const struct acpi_window *w = ctx;
	if (pa >= w->top || len > w->top - pa)
		return 0;
	return phys_to_virt(pa);
}

/* Firmware memory types free for the taking once boot services are gone. */
static bool reusable(uint32_t type)
{
	return type == EfiConventionalMemory || type == EfiBootServicesCode || type == EfiBootServicesData;
}

static bool page_reusable(const struct boot_handoff *h, uint64_t pa)
{
	for (uint64_t off = 0; off + h->desc_size <= h->memmap_size; off += h->desc_size) {
		const EFI_MEMORY_DESCRIPTOR *d = (const void *)((const char *)h->memmap + off);
		if (pa >= d->PhysicalStart && pa + FRAME_SIZE <= d->PhysicalStart + d->NumberOfPages * FRAME_SIZE)
			return reusable(d->Type);
	}
	return false;
}

/* AP_TRAMPOLINE_PA when the firmware left it as RAM, else the lowest such page below 1 MiB. */
static uint64_t trampoline_page(const struct boot_handoff *h)
{
	if (page_reusable(h, AP_TRAMPOLINE_PA))
		return AP_TRAMPOLINE_PA;
	for (uint64_t pa = FRAME_SIZE; pa < LOW_MEMORY_END; pa += FRAME_SIZE)
		if (page_reusable(h, pa))
			return pa;
	return 0;
}

static uint64_t memory_top(const struct boot_handoff *h)
{
	uint64_t top = 0;
	for (uint64_t off = 0; off + h->desc_size <= h->memmap_size; off += h->desc_size) {
		const EFI_MEMORY_DESCRIPTOR *d = (const void *)((const char *)h->memmap + off);
		uint64_t end = d->PhysicalStart + d->NumberOfPages * FRAME_SIZE;
		if (end > top)
			top = end;
	}
	return top;
}

/* Offsets within the trampoline come from its own symbols (compared as integers: distinct objects to C). */
static uintptr_t trampoline_offset(const char *sym)
{
	return (uintptr_t)sym - (uintptr_t)ap_trampoline_start;
}

static void set_param(uint64_t page, const char *field, uint64_t v)
{
	memcpy((char *)phys_to_virt(page) + trampoline_offset(field), &v, sizeof v);
}

static void install_trampoline(uint64_t page)
{
	memcpy(phys_to_virt(page), ap_trampoline_start, trampoline_offset(ap_trampoline_end));
	set_param(page, ap_param_cr3, read_cr3());
	set_param(page, ap_param_efer, rdmsr(MSR_IA32_EFER) & ~EFER_LMA);
	set_param(page, ap_param_entry, (uint64_t)(uintptr_t)ap_entry);
	bsp_ctl.cr0 = read_cr0();
	bsp_ctl.cr4 = read_cr4();
	if (bsp_ctl.cr4 & CR4_OSXSAVE)
		bsp_ctl.xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
}

/* The SDM's INIT-SIPI-SIPI; a CPU already running ignores the second Startup IPI. */
static int send_init_sipi_sipi(uint32_t apic_id, uint64_t page, uint64_t tsc_per_us)
{
	if (lapic_send_ipi(apic_id, APIC_ICR_DM_INIT | APIC_ICR_LEVEL_ASSERT))
		return -1;
	delay_us(INIT_DELAY_US, tsc_per_us);
	for (int i = 0; i < 2; i++) {
		if (lapic_send_ipi(apic_id, APIC_ICR_DM_STARTUP | APIC_ICR_LEVEL_ASSERT | (uint32_t)(page >> PAGE_SHIFT)))
			return -1;
		delay_us(SIPI_DELAY_US, tsc_per_us);
	}
	return 0;
}

/*
 * Start the AP with apic_id as CPU index pcpu_count(), on the pcpu in *spare
 * (allocated here when NULL). On success the pcpu is the AP's; when the AP
 * never answered it is put back to sleep with INIT and *spare stays for the
 * next one. 0 or -1.
 */
static int start_ap(uint32_t apic_id, uint64_t page, uint64_t tsc_per_us, struct pcpu **spare)
{
	if (!*spare) {
		uint64_t pa = mem_alloc_pages(PCPU_PAGES, 1);
		if (!pa) {
			log_warn("smp: no memory for the per-CPU data of APIC id %u: left out\n", apic_id);
			return -1;
		}
		*spare = phys_to_virt(pa);
	}
	struct pcpu *cpu = *spare;
	memset(cpu, 0, sizeof *cpu);
	cpu->self = cpu;
	cpu->id = pcpu_count();
	cpu->apic_id = apic_id;
	set_param(page, ap_param_stack, (uint64_t)(uintptr_t)(cpu->stack + HOST_STACK_SIZE));
	set_param(page, ap_param_pcpu, (uint64_t)(uintptr_t)cpu);
	__atomic_store_n(&ap_state, AP_WAITING, __ATOMIC_SEQ_CST);

	if (send_init_sipi_sipi(apic_id, page, tsc_per_us)) {
		log_warn("smp: the local APIC could not send INIT/SIPI to APIC id %u: left out\n", apic_id);
		return -1;
	}
	uint32_t s = wait_state_change(AP_WAITING, AP_ALIVE_TIMEOUT_US, tsc_per_us);
	if (s == AP_WAITING && ap_advance(AP_WAITING, AP_ABANDONED)) {
		/* Back to wait-for-SIPI, so a late wake-up cannot run the next AP's parameters. */
		lapic_send_ipi(apic_id, APIC_ICR_DM_INIT | APIC_ICR_LEVEL_ASSERT);
		log_warn("smp: APIC id %u did not answer INIT-SIPI-SIPI within %u ms: left out\n",
		         apic_id, AP_ALIVE_TIMEOUT_US / 1000);
		return -1;
	}
	*spare = 0;   /* the AP runs on it now, whatever happens next */
	s = wait_state_change(AP_ALIVE, AP_READY_TIMEOUT_US, tsc_per_us);
	if (s == AP_ALIVE && !ap_advance(AP_ALIVE, AP_ABANDONED))
		s = __atomic_load_n(&ap_state, __ATOMIC_ACQUIRE);   /* it moved on meanwhile */
	if (s == AP_FAILED) {
		log_warn("smp: APIC id %u cannot enable VMX: left out, halted\n", apic_id);
		return -1;
	}
	if (s != AP_READY) {
		log_warn("smp: APIC id %u started but did not turn VMX on within %u ms: left out\n",
		         apic_id, AP_READY_TIMEOUT_US / 1000);
		return -1;
	}
	pcpu_add(cpu);
	return 0;
}

static void start_listed(const struct boot_handoff *h, const struct acpi_cpu_list *l)
{
	uint64_t page = trampoline_page(h);
	if (!page) {
		log_warn("smp: no free page below 1 MiB for the AP trampoline: only cpu0 runs\n");
		return;
	}
	install_trampoline(page);
	struct pcpu *spare = 0;
	for (unsigned i = 0; i < l->count; i++) {
		if ((int)i == l->bsp)
			continue;
		if (pcpu_count() == MAX_CPUS) {
			log_warn("smp: MAX_CPUS (%u) reached: APIC id %u and later left out\n", MAX_CPUS, l->apic_id[i]);
			break;
		}
		start_ap(l->apic_id[i], page, h->tsc_per_us, &spare);
	}
	if (spare)
		mem_free_pages(virt_to_phys(spare), PCPU_PAGES);
}

static void report_online(void)
{
	char ids[MAX_CPUS * 11 + 1];
	size_t n = 0;
	unsigned ncpus = pcpu_count();
	for (unsigned i = 0; i < ncpus; i++)
		n += (size_t)fmt_snprintf(ids + n, sizeof ids - n, "%s%u", i ? " " : "", pcpu_get(i)->apic_id);
	log_info("smp: %u CPU%s online (APIC id%s %s)\n", ncpus, ncpus == 1 ? "" : "s", ncpus == 1 ? "" : "s", ids);
}

/*
 * The CPU list: the ACPI MADT, else what the firmware's MP services listed
 * before boot services ended (OVMF without fw_cfg, as under Bochs, has no
 * ACPI tables). 0, or -1 when neither source names a CPU.
 */
static int find_cpus(const struct boot_handoff *h, uint32_t bsp_apic_id, struct acpi_cpu_list *l)
{
	struct acpi_window win = { memory_top(h) };
	const char *err = h->acpi_rsdp ? acpi_find_cpus(h->acpi_rsdp, acpi_map, &win, bsp_apic_id, l)
	                               : "the firmware gave no ACPI tables";
	if (!err) {
		if (l->warning)
			log_warn("smp: ACPI: %s\n", l->warning);
		return 0;
	}
	const struct firmware_cpus *fc = &h->fw_cpus;
	if (!fc->count) {
		log_warn("smp: %s, and no CPU list from the firmware: only cpu0 runs\n", err);
		return -1;
	}
	log_info("smp: %s: using the firmware's MP services list (%u CPUs)\n", err, fc->listed);
	memset(l, 0, sizeof *l);
	l->bsp = -1;
	for (unsigned i = 0; i < fc->count && i < ACPI_MAX_CPUS; i++) {
		if (fc->apic_id[i] == bsp_apic_id)
			l->bsp = (int)i;
		l->apic_id[l->count++] = fc->apic_id[i];
	}
	l->listed = fc->listed;
	if (fc->listed > fc->count)
		log_warn("smp: the firmware lists %u CPUs, more than MAX_CPUS (%u): the rest are left out\n",
		         fc->listed, MAX_CPUS);
	return 0;
}

int smp_start_aps(const struct boot_handoff *h, void (*ap_main)(struct pcpu *))
{
	struct pcpu *bsp = this_cpu();
	bsp->apic_id = lapic_id();
	pcpu_add(bsp);
	ap_main_fn = ap_main;

	struct acpi_cpu_list l;
	if (!find_cpus(h, bsp->apic_id, &l)) {
		if (l.bsp < 0)
			log_warn("smp: the CPU list does not name the boot CPU (APIC id %u)\n", bsp->apic_id);
		start_listed(h, &l);
	}
	report_online();
	return (int)pcpu_count();
}
