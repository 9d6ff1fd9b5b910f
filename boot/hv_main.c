/*
 * The hypervisor proper, after ExitBootServices: feed the frame allocator
 * from the firmware memory map, switch to our own page tables, descriptor
 * tables and stack, turn VMX on, create the domains the config names, run
 * them, print a summary and power off.
 */
#include <efi.h>
#include "boot/boot.h"
#include "boot/lapic.h"
#include "boot/pcpu.h"
#include "boot/power.h"
#include "dom/domain.h"
#include "lib/log.h"
#include "lib/x86.h"
#include "mm/mem.h"
#include "sched/sched.h"
#include "vmx/vmxon.h"

#define LOW_MEMORY_PAGES 256   /* below 1 MiB: kept free for real-mode needs (AP start-up) */
#define PIC1_DATA 0x21
#define PIC2_DATA 0xa1
#define PCPU_PAGES ((sizeof(struct pcpu) + FRAME_SIZE - 1) / FRAME_SIZE)

static uint64_t memory_from_map(const struct boot_handoff *h)
{
	struct frame_allocator *fa = mem_frames();
	uint64_t top = 0;
	frame_init(fa);
	for (uint64_t off = 0; off + h->desc_size <= h->memmap_size; off += h->desc_size) {
		const EFI_MEMORY_DESCRIPTOR *d = (const void *)((const char *)h->memmap + off);
		uint64_t end = d->PhysicalStart + d->NumberOfPages * FRAME_SIZE;
		if (end > top)
			top = end;
		if (d->Type == EfiConventionalMemory && frame_add(fa, d->PhysicalStart, d->NumberOfPages))
			log_warn("memory map too fragmented: 0x%lx (+%lu pages) not used\n",
			         (uint64_t)d->PhysicalStart, (uint64_t)d->NumberOfPages);
	}
	frame_reserve(fa, 0, LOW_MEMORY_PAGES);
	return top;
}

static void create_domains(const struct boot_handoff *h)
{
	uint32_t next_id = 1;
	for (unsigned i = 0; i < h->config.ndomains; i++) {
		const struct domain_config *dc = &h->config.domains[i];
		uint32_t id = dc->type == DOMAIN_TYPE_MGMT ? 0 : next_id++;
		const struct loaded_file *k = &h->kernel[i], *r = &h->ramdisk[i];
		if (!dc->valid)
			domain_record_failure(id, dc->name, "its config section has errors (reported above)");
		else if (!k->data)
			domain_record_failure(id, dc->name, "kernel: %s", k->error);
		else if (dc->ramdisk[0] && !r->data)
			domain_record_failure(id, dc->name, "ramdisk: %s", r->error);
		else
			domain_create(id, dc, k->data, k->len, r->data, r->len);
	}
}

static void print_summary(void)
{
	for (unsigned i = 0; i < domain_count(); i++) {
		const struct domain *d = domain_at(i);
		if (d->state == DOMAIN_ENDED)
			log_info("summary: %s: exit code %d\n", d->name, d->exit_code);
		else if (d->state == DOMAIN_STOPPED)
			log_info("summary: %s: stopped: %s\n", d->name, d->stop_reason);
		else if (d->state == DOMAIN_NOT_STARTED)
			log_info("summary: %s: not started: %s\n", d->name, d->stop_reason);
	}
}

static void hv_main(struct pcpu *cpu, void *arg)
{
	struct boot_handoff *h = arg;

	/* The firmware's interrupt sources are ours now; none is used, so mask them all. */
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
	lapic_quiesce();
	if (vmx_enable(cpu))
		panic("cannot enable VMX on cpu%u\n", cpu->id);
	log_info("cpu%u: VMX on; %lu MiB free for domains\n", cpu->id, mem_frames()->free_pages >> 8);

	sched_init(h->config.slice_us * h->tsc_per_us);
	create_domains(h);
	sched_run(cpu);
	print_summary();
	log_info("all domains ended, powering off\n");
	power_off(POWER_SUCCESS);
}

void hv_start(struct boot_handoff *h)
{
	uint64_t top = memory_from_map(h);
	if (paging_init(top))
		panic("out of memory building the host page tables\n");
	uint64_t pa = mem_alloc_pages(PCPU_PAGES, 1);
	if (!pa)
		panic("out of memory for per-CPU data\n");
	struct pcpu *cpu = phys_to_virt(pa);
	pcpu_init_tables(cpu, 0);
	pcpu_run_on_stack(cpu, hv_main, h);
}
