/*
 * The platform's set-up: each device reset and registered on the bus, one
 * line each. Ranges are added hottest first, because the bus scans them in
 * that order: the UART (every console byte and status poll), the PM timer
 * (timing loops), then the rest. Interrupt lines end in record_irq(), which
 * keeps their levels; routing them through a virtual PIC or I/O APIC to the
 * local APICs is the next step, and until then no device interrupt reaches
 * a guest.
 */
#include "dev/platform.h"
#include "hinoki/hypercall.h"
#include "hw/fw_cfg.h"
#include "hw/msr.h"
#include "hw/reset_control.h"
#include "hw/uart.h"
#include "lib/string.h"

#define EXIT_PORTS 1

static void record_irq(void *ctx, unsigned irq, bool level)
{
	struct platform *p = ctx;
	uint32_t bit = 1u << irq;
	if (level)
		__atomic_fetch_or(&p->irq_levels, bit, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&p->irq_levels, ~bit, __ATOMIC_RELAXED);
}

/* The power devices each know one event; the domain's function takes which. */
static void power_off(void *ctx)
{
	struct platform *p = ctx;
	p->power(p->power_ctx, PLATFORM_POWER_OFF);
}

static void power_reset(void *ctx)
{
	struct platform *p = ctx;
	p->power(p->power_ctx, PLATFORM_POWER_RESET);
}

static struct irq_line isa_irq(struct platform *p, unsigned irq)
{
	return (struct irq_line){ record_irq, p, irq };
}

int platform_init(struct platform *p, const struct platform_env *env)
{
	memset(p, 0, sizeof *p);
	p->lock = (struct spinlock)SPINLOCK_INIT;
	uart_init(&p->uart, env->console_put, env->ctx, isa_irq(p, UART_COM1_IRQ));
	pmtimer_init(&p->pmtimer, env->tsc_now, env->tsc_khz);
	p->exit_port = (struct exit_port){ env->end, env->ctx };
	fw_cfg_init(&p->fw_cfg, env->ram_bytes, env->ncpus);
	pic_init(&p->pic);
	p->power = env->power;
	p->power_ctx = env->ctx;
	p->acpi_sleep = (struct acpi_sleep){ power_off, p };
	p->reset_control = (struct reset_control){ 0, power_reset, p };

	struct bus *b = &p->bus;
	bus_init(b);
	if (bus_add(&b->port, UART_COM1_BASE, UART_NPORTS, &uart_bus_device, &p->uart, env->console_lock) ||
	    bus_add(&b->port, PMTIMER_PORT, PMTIMER_PORTS, &pmtimer_bus_device, &p->pmtimer, 0) ||
	    bus_add(&b->port, HINOKI_PORT_EXIT, EXIT_PORTS, &exit_port_bus_device, &p->exit_port, 0) ||
	    bus_add(&b->port, FW_CFG_PORT_SEL, FW_CFG_PORTS, &fw_cfg_bus_device, &p->fw_cfg, &p->lock) ||
	    pic_add_to_bus(b, &p->pic, &p->lock) ||
	    bus_add(&b->port, ACPI_SLEEP_CONTROL_PORT, ACPI_SLEEP_PORTS, &acpi_sleep_bus_device, &p->acpi_sleep, 0) ||
	    bus_add(&b->port, RST_CNT_PORT, RESET_CONTROL_PORTS, &reset_control_bus_device, &p->reset_control, &p->lock) ||
	    bus_add(&b->mmio, APIC_DEFAULT_PHYS_BASE, LAPIC_MMIO_SIZE, &lapic_bus_device, p->lapic, 0))
		return -1;
	return 0;
}

void platform_set_lapic(struct platform *p, unsigned vcpu, struct vlapic *l)
{
	p->lapic[vcpu] = l;
}
