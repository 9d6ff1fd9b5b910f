/*
 * The platform's set-up: each device reset and registered on the bus, one
 * line each. Ranges are added hottest first, because the bus scans them in
 * that order: the UART (every console byte and status poll), the PM timer
 * (timing loops), then the rest. The platform also wires the interrupt
 * path, since no device knows another: ISA IRQ lines reach the I/O APIC's
 * pins and the 8259A pair's inputs as on a PC, the I/O APIC's messages
 * reach the local APICs their destination names, those APICs' EOIs of
 * level-triggered vectors come back to it, and the pair's INTR reaches
 * the local APICs whose LINT0 takes ExtINT.
 */
#include "dev/platform.h"
#include "hinoki/hypercall.h"
#include "hw/fw_cfg.h"
#include "hw/msr.h"
#include "hw/reset_control.h"
#include "hw/uart.h"
#include "lib/string.h"
#include "lib/x86.h"

#define EXIT_PORTS 1

static void route_irq(void *ctx, unsigned irq, bool level)
{
	struct platform *p = ctx;
	spin_lock(&p->irq_lock);
	ioapic_set_pin(&p->ioapic, isa_irq_gsi(irq), level);
	pic_set_irq(&p->pic, irq, level);
	spin_unlock(&p->irq_lock);
}

/*
 * The PIC's INTR rose: each vCPU whose local APIC takes ExtINT is told, and
 * acknowledges it when its guest can take an interrupt
 * (platform_take_extint()); the first to do so gets the vector.
 */
static void pic_raise(void *ctx)
{
	struct platform *p = ctx;
	for (unsigned i = 0; i < p->ncpus; i++)
		if (p->lapic[i] && vlapic_takes_extint(p->lapic[i]))
			p->ops->extint(p->ctx, i);
}

bool platform_take_extint(struct platform *p, uint8_t *vector)
{
	spin_lock(&p->irq_lock);
	bool intr = pic_intr(&p->pic);
	if (intr)
		*vector = pic_ack(&p->pic);
	spin_unlock(&p->irq_lock);
	return intr;
}

/* Nothing answers in the VGA window: reads float high and writes vanish, as on a PC without VGA. */
static const struct bus_device vga_window = { "legacy VGA window", bus_read_open, bus_write_drop, 0 };
/*
 * The local APIC's default page as the bus sees it: each CPU's own APIC
 * answers there first (bus_find_local), so the bus gets only the accesses
 * of a CPU whose APIC is disabled, in x2APIC mode or moved: an empty bus.
 */
static const struct bus_device lapic_page_dark = { "local APIC page, no APIC there", bus_read_open,
                                                   bus_write_drop, 0 };

static struct irq_line isa_irq(struct platform *p, unsigned irq)
{
	return (struct irq_line){ route_irq, p, irq };
}

static void power_reset(void *ctx)
{
	struct platform *p = ctx;
	p->ops->power(p->ctx, PLATFORM_POWER_RESET);
}

static void pm_sci(void *ctx, bool level)
{
	route_irq(ctx, ACPI_PM_SCI_IRQ, level);
}

/*
 * S5 powers the domain off; S3 puts it to sleep until the RTC's alarm, if
 * RTC_EN lets it wake the domain, or until its power button is pressed.
 */
static uint16_t pm_sleep(void *ctx, unsigned slp_typ)
{
	struct platform *p = ctx;
	if (slp_typ == ACPI_PM_SLP_TYP_S5) {
		p->ops->power(p->ctx, PLATFORM_POWER_OFF);
		return 0;
	}
	uint64_t wake = acpi_pm_rtc_wakes(&p->acpi_pm) ? rtc_next_alarm(&p->rtc, rdtsc()) : 0;
	if (!p->ops->sleep(p->ctx, wake))
		return 0;
	return PM1_STS_WAK | (wake ? PM1_STS_RTC : 0);
}

void platform_power_button(struct platform *p)
{
	spin_lock(&p->lock);
	uint64_t alarm = p->ops->wake(p->ctx);
	acpi_pm_power_button(&p->acpi_pm, alarm > rdtsc());
	spin_unlock(&p->lock);
}

static const struct acpi_pm_ops pm_ops = { pm_sci, pm_sleep };

/*
 * A message to the local APICs its destination matches. Lowest priority
 * goes to the first of them by vCPU index (APIC ID): the model keeps no
 * arbitration priority, and one acceptor is all the mode promises.
 * irq_lock held.
 */
static bool apic_deliver(struct platform *p, const struct irq_msg *m)
{
	bool accepted = false;
	if (!irq_msg_sendable(m))
		return false;
	/*
	 * An 8-bit physical 0xff is every APIC's, in x2APIC mode too (its 8 bits
	 * cannot name x2APIC's broadcast); a 32-bit destination is x2APIC's own.
	 */
	uint32_t dest = !m->x2apic_dest && !m->logical && m->dest == LAPIC_DEST_ALL ? LAPIC_BROADCAST : m->dest;
	for (unsigned i = 0; i < p->ncpus; i++) {
		if (!p->lapic[i] || !vlapic_is_destination(p->lapic[i], dest, m->logical))
			continue;
		accepted |= p->ops->deliver(p->ctx, i, m->vector, m->level);
		if (m->delmod == IOAPIC_DELMOD_LOWEST)
			break;
	}
	return accepted;
}

/* A message from requester sid (VTD_NO_SID: the I/O APIC), through the IOMMU's remapping. irq_lock held. */
static bool send_msg(struct platform *p, uint32_t sid, const struct irq_msg *m)
{
	struct irq_msg r;
	if (p->pci && p->pci->viommu) {
		if (!vtd_remap(&p->pci->vtd, sid, m, &r))
			return false;
		m = &r;
	}
	return apic_deliver(p, m);
}

static bool ioapic_msg_out(void *ctx, const struct irq_msg *m)
{
	return send_msg(ctx, VTD_NO_SID, m);
}

/* Guest RAM, as the env gives it: the IOMMU's tables and the devices' DMA. */
static bool platform_mem(void *ctx, uint64_t gpa, void *buf, uint32_t len, bool write)
{
	struct platform *p = ctx;
	return p->pci->mem && p->pci->mem(p->ctx, gpa, buf, len, write);
}

/* A PCI function's DMA, page by page through the IOMMU when there is one. */
static bool pci_dma_out(void *ctx, uint16_t rid, uint64_t addr, void *buf, uint32_t len, bool write)
{
	struct platform *p = ctx;
	bool ok = true;
	spin_lock(&p->irq_lock);
	while (ok && len) {
		uint32_t chunk = VTD_PAGE_SIZE - (uint32_t)(addr & (VTD_PAGE_SIZE - 1));
		chunk = chunk < len ? chunk : len;
		uint64_t gpa = addr;
		ok = (!p->pci->viommu || vtd_translate(&p->pci->vtd, rid, addr, write, &gpa)) &&
		     platform_mem(p, gpa, buf, chunk, write);
		addr += chunk;
		buf = (uint8_t *)buf + chunk;
		len -= chunk;
	}
	spin_unlock(&p->irq_lock);
	return ok;
}

/* A PCI function's MSI: a write to the interrupt range is a message, elsewhere it is a DMA like any. */
static void pci_msi_out(void *ctx, uint16_t rid, uint64_t addr, uint32_t data)
{
	struct platform *p = ctx;
	struct irq_msg m;
	if (!msi_decode(addr, data, &m)) {
		pci_dma_out(p, rid, addr, &data, sizeof data, true);
		return;
	}
	spin_lock(&p->irq_lock);
	send_msg(p, rid, &m);
	spin_unlock(&p->irq_lock);
}

/* The IOMMU's fault and invalidation events: compatibility-format messages it does not remap. irq_lock held. */
static void vtd_event(void *ctx, uint64_t addr, uint32_t data)
{
	struct irq_msg m;
	if (msi_decode(addr, data, &m) && !m.remappable)
		apic_deliver(ctx, &m);
}

/* A PCI function's INTx#, wired to an I/O APIC input: the PIC sees none of them without a PIRQ router. */
static void route_gsi(void *ctx, unsigned gsi, bool level)
{
	struct platform *p = ctx;
	spin_lock(&p->irq_lock);
	ioapic_set_pin(&p->ioapic, gsi, level);
	spin_unlock(&p->irq_lock);
}

/* A local APIC's EOI of a level-triggered vector, on its vCPU's CPU. */
static void lapic_eoi(void *ctx, unsigned vector)
{
	struct platform *p = ctx;
	spin_lock(&p->irq_lock);
	ioapic_eoi(&p->ioapic, vector);
	spin_unlock(&p->irq_lock);
}

int platform_init(struct platform *p, const struct platform_env *env)
{
	memset(p, 0, sizeof *p);
	p->lock = (struct spinlock)SPINLOCK_INIT;
	p->irq_lock = (struct spinlock)SPINLOCK_INIT;
	p->ncpus = env->ncpus;
	p->ops = env->ops;
	p->ctx = env->ctx;
	p->pci = (env->viommu || env->edu) ? env->pci : 0;
	if ((env->viommu || env->edu) && !p->pci)
		return -1;
	ioapic_init(&p->ioapic, ioapic_id_after(env->ncpus), ioapic_msg_out, p);
	uart_init(&p->uart, env->console_put, env->ctx, isa_irq(p, UART_COM1_IRQ));
	pmtimer_init(&p->pmtimer, env->tsc_now, env->tsc_khz);
	p->exit_port = (struct exit_port){ env->end, env->ctx };
	fw_cfg_init(&p->fw_cfg, env->ram_bytes, env->ncpus);
	pic_init(&p->pic, pic_raise, p);
	testdev_init(&p->testdev, isa_irq(p, 0), env->testdev_iomem);   /* on the bus only if the domain asks for it */
	rtc_init(&p->rtc, env->wall_secs, env->wall_tsc, env->tsc_khz);
	pci_cfg_init(&p->pci_cfg);
	if (p->pci) {
		*p->pci = (struct platform_pci){ .mem = env->mem, .viommu = env->viommu, .edu = env->edu };
		vtd_init(&p->pci->vtd, (struct vtd_env){ platform_mem, vtd_event, p });
	}
	if (p->pci && p->pci->edu) {
		edu_init(&p->pci->dev_edu, PLATFORM_EDU_DEVFN, (uint32_t)PCI_CFG_WINDOW_BASE,
		         (struct pci_upstream){ pci_dma_out, pci_msi_out, p, PLATFORM_EDU_DEVFN },
		         (struct irq_line){ route_gsi, p, PLATFORM_EDU_GSI });
		if (pci_cfg_attach(&p->pci_cfg, &p->pci->dev_edu.fn))
			return -1;
	}
	nmi_sc_init(&p->nmi_sc, env->tsc_now, env->tsc_khz);
	acpi_pm_init(&p->acpi_pm, &pm_ops, p);
	p->reset_control = (struct reset_control){ 0, power_reset, p };

	struct bus *b = &p->bus;
	bus_init(b);
	if (bus_add(&b->port, UART_COM1_BASE, UART_NPORTS, &uart_bus_device, &p->uart, env->console_lock) ||
	    bus_add(&b->port, PMTIMER_PORT, PMTIMER_PORTS, &pmtimer_bus_device, &p->pmtimer, 0) ||
	    bus_add(&b->port, HINOKI_PORT_EXIT, EXIT_PORTS, &exit_port_bus_device, &p->exit_port, 0) ||
	    bus_add(&b->port, FW_CFG_PORT_SEL, FW_CFG_PORTS, &fw_cfg_bus_device, &p->fw_cfg, &p->lock) ||
	    pic_add_to_bus(b, &p->pic, &p->irq_lock) ||
	    bus_add(&b->port, RTC_PORT_INDEX, RTC_PORTS, &rtc_bus_device, &p->rtc, &p->lock) ||
	    pci_cfg_add_to_bus(b, &p->pci_cfg, &p->lock) ||
	    bus_add(&b->port, NMI_SC_PORT, 1, &nmi_sc_bus_device, &p->nmi_sc, &p->lock) ||
	    bus_add(&b->port, ACPI_PM_PORT, ACPI_PM_PORTS, &acpi_pm_bus_device, &p->acpi_pm, &p->lock) ||
	    bus_add(&b->port, RST_CNT_PORT, RESET_CONTROL_PORTS, &reset_control_bus_device, &p->reset_control, &p->lock) ||
	    (env->testdev && testdev_add_to_bus(b, &p->testdev)) ||
	    bus_add(&b->mmio, APIC_DEFAULT_PHYS_BASE, LAPIC_MMIO_SIZE, &lapic_page_dark, 0, 0) ||
	    bus_add(&b->mmio, IOAPIC_DEFAULT_BASE, IOAPIC_MMIO_SIZE, &ioapic_bus_device, &p->ioapic, &p->irq_lock) ||
	    bus_add(&b->mmio, PLATFORM_RAM_HOLE_BASE, PLATFORM_RAM_HOLE_SIZE, &vga_window, 0, 0) ||
	    (env->viommu && bus_add(&b->mmio, VTD_DEFAULT_BASE, VTD_MMIO_SIZE, &vtd_bus_device, &p->pci->vtd, &p->irq_lock)) ||
	    (env->edu && pci_cfg_add_window(b, &p->pci_cfg, &p->lock)))
		return -1;
	return 0;
}

void platform_set_lapic(struct platform *p, unsigned vcpu, struct vlapic *l)
{
	p->lapic[vcpu] = l;
	l->eoi_hook = (struct vlapic_eoi_hook){ lapic_eoi, p };
}
