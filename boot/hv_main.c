/*
 * The hypervisor proper, after ExitBootServices: feed the frame allocator
 * from the firmware memory map, switch to our own page tables, descriptor
 * tables and stack, turn VMX on, start the other CPUs, create the domains
 * the config starts at boot, and enter the scheduler (which prints the
 * summary and powers off when no domain is left).
 */
#include <efi.h>
#include "boot/boot.h"
#include "cpu/irq.h"
#include "cpu/lapic.h"
#include "cpu/pcpu.h"
#include "cpu/power.h"
#include "boot/smp.h"
#include "dom/control.h"
#include "dom/domain.h"
#include "dom/lifecycle.h"
#include "lib/log.h"
#include "lib/x86.h"
#include "mm/mem.h"
#include "sched/sched.h"
#include "sched/watchdog.h"
#include "vmx/guest_msrs.h"
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

/* Application processors enter the scheduler once their tables and VMX are up. */
static void sched_ap_main(struct pcpu *cpu)
{
	irq_init_cpu();
	sched_cpu_loop(cpu);
}

static void hv_main(struct pcpu *cpu, void *arg)
{
	struct boot_handoff *h = arg;

	/* The firmware's interrupt sources are ours now; none is used, so mask them all. */
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
	lapic_quiesce();
	irq_init_bsp();
	if (vmx_enable(cpu))
		panic("cannot enable VMX on cpu%u\n", cpu->id);
	if (guest_msrs_bitmap_init())
		panic("out of memory for the MSR bitmap\n");
	sched_init(h->config.slice_us * h->tsc_per_us, h->tsc_per_us, &lifecycle_sched_ops);
	watchdog_init((uint64_t)h->config.watchdog_ms * h->tsc_per_us * 1000, h->tsc_per_us * 1000);
	smp_start_aps(h, sched_ap_main);
	log_info("cpu%u: VMX on; %lu MiB free for domains\n", cpu->id, mem_frames()->free_pages >> 8);

	domain_set_tsc_khz(h->tsc_per_us * 1000);
	domain_set_wall_clock(h->wall_secs, h->wall_tsc);
	domain_report_csv(h->config.exit_csv);
	lifecycle_init();
	control_init(&h->config, h->kernel, h->ramdisk);
	control_create_boot_domains();
	sched_cpu_loop(cpu);
}

void hv_start(struct boot_handoff *h)
{
	uint64_t top = memory_from_map(h);
	/* The screen console keeps drawing: its framebuffer may lie above RAM and the 4 GiB always mapped. */
	if (h->screen.base + h->screen.size > top)
		top = h->screen.base + h->screen.size;
	if (paging_init(top))
		panic("out of memory building the host page tables\n");
	uint64_t pa = mem_alloc_pages(PCPU_PAGES, 1);
	if (!pa)
		panic("out of memory for per-CPU data\n");
	struct pcpu *cpu = phys_to_virt(pa);
	pcpu_init_tables(cpu, 0);
	pcpu_run_on_stack(cpu, hv_main, h);
}
