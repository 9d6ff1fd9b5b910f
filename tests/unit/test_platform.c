/*
 * Host tests for the platform as a guest reaches it through the bus: every
 * device at its ports (UART output to the console function, the PM timer,
 * fw_cfg, the PIC), the exit port ending the domain through the function
 * the domain gave, unclaimed ports, each vCPU reaching its own local APIC
 * at the same address, the UART's interrupt line recorded as IRQ 4, and
 * ACPI S5 and the 0xCF9 reset reaching the domain's power function.
 */
#include <string.h>

#include "dev/platform.h"
#include "hinoki/hypercall.h"
#include "hw/fw_cfg.h"
#include "hw/msr.h"
#include "hw/reset_control.h"
#include "hw/uart.h"
#include "check.h"

static struct platform p;
static struct spinlock con_lock = SPINLOCK_INIT;
static struct vlapic apic[2];
static struct { char out[64]; unsigned len; int ended, code, locked, offs, resets, power_locked; } dom;

static void console_put(void *ctx, uint8_t byte)
{
	CHECK(ctx == &dom);
	dom.locked = con_lock.held != 0;
	if (dom.len < sizeof dom.out)
		dom.out[dom.len++] = (char)byte;
}

static void end(void *ctx, int code)
{
	CHECK(ctx == &dom);
	dom.ended++;
	dom.code = code;
}

static void power(void *ctx, enum platform_power what)
{
	CHECK(ctx == &dom);
	dom.power_locked = p.lock.held != 0;
	if (what == PLATFORM_POWER_OFF)
		dom.offs++;
	else if (what == PLATFORM_POWER_RESET)
		dom.resets++;
}

static void setup(void)
{
	memset(&dom, 0, sizeof dom);
	memset(&p, 0x5a, sizeof p);
	struct platform_env env = { .ram_bytes = 32ULL << 20, .ncpus = 2, .tsc_now = 0, .tsc_khz = 1000,
	                            .console_lock = &con_lock, .console_put = console_put, .end = end, .power = power,
	                            .ctx = &dom };
	CHECK_EQ(platform_init(&p, &env), 0);
	for (unsigned i = 0; i < 2; i++) {
		vlapic_init(&apic[i], i, i == 0);
		platform_set_lapic(&p, i, &apic[i]);
	}
}

static uint32_t in(uint16_t port, unsigned size) { return bus_port_in(&p.bus, 0, port, size); }
static enum bus_result out(uint16_t port, unsigned size, uint32_t v) { return bus_port_out(&p.bus, 0, port, size, v); }

static void test_ports(void)
{
	setup();
	out(UART_COM1_BASE + UART_THR, 1, 'h');
	out(UART_COM1_BASE + UART_THR, 1, 'i');
	CHECK_EQ(dom.len, 2);
	CHECK(memcmp(dom.out, "hi", 2) == 0);
	CHECK(dom.locked);                                   /* the UART runs under the console lock */
	CHECK_EQ(con_lock.held, 0);
	CHECK_EQ(in(UART_COM1_BASE + UART_LSR, 1), UART_LSR_THRE | UART_LSR_TEMT);
	/* The UART's registers are bytes: a 16-bit access reaches THR/RBR and IER. */
	out(UART_COM1_BASE + UART_SCR - 1, 2, 0x4200);
	CHECK_EQ(in(UART_COM1_BASE + UART_SCR, 1), 0x42);
	CHECK_EQ(in(UART_COM1_BASE + UART_LSR, 2), 0xb060);
	/* fw_cfg's signature, the PM timer's 24 bits, the PIC's mask. */
	out(FW_CFG_PORT_SEL, 2, FW_CFG_SIGNATURE);
	CHECK_EQ(in(FW_CFG_PORT_DATA, 1), 'Q');
	CHECK_EQ(in(PMTIMER_PORT, 4) >> 24, 0);
	CHECK_EQ(in(PIC_MASTER_DATA, 1), 0xff);
	out(PIC_MASTER_DATA, 1, 0xfb);
	CHECK_EQ(in(PIC_MASTER_DATA, 1), 0xfb);
	/* Nothing at 0x80. */
	CHECK_EQ(in(0x80, 1), 0xff);
	CHECK_EQ(in(0x80, 4), 0xffffffffu);
	CHECK_EQ(out(0x80, 1, 0), BUS_OK);
	CHECK_EQ(dom.ended, 0);
}

static void test_exit_port(void)
{
	setup();
	CHECK_EQ(in(HINOKI_PORT_EXIT, 1), 0xff);
	CHECK_EQ(out(HINOKI_PORT_EXIT, 4, 0x1234), BUS_DOMAIN_ENDED);
	CHECK_EQ(dom.ended, 1);
	CHECK_EQ(dom.code, 0x34);                            /* the low byte, as isa-debug-exit */
}

static void test_lapic_per_vcpu(void)
{
	setup();
	const struct bus_range *r = bus_find(&p.bus.mmio, APIC_DEFAULT_PHYS_BASE + APIC_REG_ID);
	CHECK(r != 0);
	CHECK(bus_find(&p.bus.mmio, APIC_DEFAULT_PHYS_BASE + LAPIC_MMIO_SIZE) == 0);
	CHECK(bus_find(&p.bus.mmio, 0) == 0);
	CHECK_EQ(bus_mmio_read(r, 0, APIC_DEFAULT_PHYS_BASE + APIC_REG_ID, 4), 0u << APIC_ID_SHIFT);
	CHECK_EQ(bus_mmio_read(r, 1, APIC_DEFAULT_PHYS_BASE + APIC_REG_ID, 4), 1u << APIC_ID_SHIFT);
	CHECK_EQ(bus_mmio_write(r, 1, APIC_DEFAULT_PHYS_BASE + APIC_REG_TPR, 4, 0x20), BUS_OK);
	CHECK_EQ(apic[1].tpr, 0x20);
	CHECK_EQ(apic[0].tpr, 0);
	/* A vCPU whose APIC is disabled in IA32_APIC_BASE sees the empty bus there. */
	CHECK_EQ(vlapic_set_base(&apic[1], APIC_DEFAULT_PHYS_BASE), 0);
	CHECK_EQ(bus_mmio_read(r, 1, APIC_DEFAULT_PHYS_BASE + APIC_REG_ID, 4), 0xffffffffu);
}

static void test_uart_irq_line(void)
{
	setup();
	CHECK_EQ(p.irq_levels, 0);
	out(UART_COM1_BASE + UART_IER, 1, UART_IER_ETBEI);
	CHECK_EQ(p.irq_levels, 1u << UART_COM1_IRQ);
	in(UART_COM1_BASE + UART_IIR, 1);
	CHECK_EQ(p.irq_levels, 0);
	out(UART_COM1_BASE + UART_IER, 1, UART_IER_ERBFI);
	CHECK_EQ(uart_rx_push(&p.uart, 'k'), 0);
	CHECK_EQ(p.irq_levels, 1u << UART_COM1_IRQ);
	CHECK_EQ(in(UART_COM1_BASE + UART_RBR, 1), 'k');
	CHECK_EQ(p.irq_levels, 0);
}

static void test_power(void)
{
	setup();
	CHECK_EQ(out(0xb00c, 1, 0x34), BUS_DOMAIN_ENDED);      /* SLP_TYP 5 (S5) | SLP_EN */
	CHECK_EQ(dom.offs, 1);
	CHECK_EQ(dom.resets, 0);
	CHECK_EQ(out(RST_CNT_PORT, 1, RST_CNT_COLD_RESET), BUS_DOMAIN_ENDED);
	CHECK_EQ(dom.resets, 1);
	CHECK(dom.power_locked);                               /* RST_CNT is state under the platform lock */
	CHECK_EQ(p.lock.held, 0);
	CHECK_EQ(out(0xcf8, 4, 0x80000400u), BUS_OK);          /* CONFIG_ADDRESS, never a reset */
	CHECK_EQ(dom.offs + dom.resets + dom.ended, 2);
}

int main(void)
{
	RUN(test_ports);
	RUN(test_exit_port);
	RUN(test_lapic_per_vcpu);
	RUN(test_uart_irq_line);
	RUN(test_power);
	return CHECK_EXIT();
}
