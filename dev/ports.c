/*
 * Port dispatch for emulated devices. A short chain of range checks: the set
 * of devices is small and fixed, and the common case (the UART) is first.
 * Then the platform of docs/platform.md: the PM timer, fw_cfg, and the PIC
 * and ELCR registers. The PIC and ELCR are byte registers reached byte by
 * byte, so a wider access touches each port it covers, as on the ISA bus.
 */
#include "dev/ports.h"
#include "dev/uart.h"
#include "dom/domain.h"
#include "hinoki/hypercall.h"
#include "hw/fw_cfg.h"
#include "lib/x86.h"

#define OPEN_BUS_BYTE 0xffu

static int in_range(uint16_t port, uint16_t base, unsigned n)
{
	return port >= base && port < base + n;
}

static uint32_t open_bus(unsigned size)
{
	return size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

/* Every byte of the access from the PIC/ELCR when it claims that port, else the empty bus. */
static uint32_t legacy_in(struct domain *d, uint16_t port, unsigned size)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < size; i++) {
		uint16_t p = (uint16_t)(port + i);
		uint32_t byte = OPEN_BUS_BYTE;
		if (pic_claims(p)) {
			spin_lock(&d->platform_lock);
			byte = pic_read(&d->pic, p);
			spin_unlock(&d->platform_lock);
		}
		v |= byte << (8 * i);
	}
	return v;
}

static void legacy_out(struct domain *d, uint16_t port, unsigned size, uint32_t val)
{
	for (unsigned i = 0; i < size; i++) {
		uint16_t p = (uint16_t)(port + i);
		if (pic_claims(p)) {
			spin_lock(&d->platform_lock);
			pic_write(&d->pic, p, (uint8_t)(val >> (8 * i)));
			spin_unlock(&d->platform_lock);
		}
	}
}

uint32_t dev_port_in(struct domain *d, uint16_t port, unsigned size)
{
	if (in_range(port, UART_COM1_BASE, UART_NPORTS) && size == 1) {
		spin_lock(&d->uart_lock);
		uint8_t v = uart_read(&d->uart, port - UART_COM1_BASE);
		spin_unlock(&d->uart_lock);
		return v;
	}
	if (in_range(port, PMTIMER_PORT, PMTIMER_PORTS))
		return pmtimer_port_in(&d->pmtimer, port, size, rdtsc());
	if (in_range(port, FW_CFG_PORT_SEL, FW_CFG_PORTS)) {
		spin_lock(&d->platform_lock);
		uint32_t v = fw_cfg_port_in(&d->fw_cfg, port, size);
		spin_unlock(&d->platform_lock);
		return v;
	}
	if (size == 1 && !pic_claims(port))
		return open_bus(size);
	return legacy_in(d, port, size);
}

enum port_result dev_port_out(struct domain *d, uint16_t port, unsigned size, uint32_t val)
{
	if (in_range(port, UART_COM1_BASE, UART_NPORTS) && size == 1) {
		spin_lock(&d->uart_lock);
		uart_write(&d->uart, port - UART_COM1_BASE, (uint8_t)val);
		spin_unlock(&d->uart_lock);
		return PORT_OK;
	}
	if (port == HINOKI_PORT_EXIT) {
		domain_exit(d, (int)(val & 0xff));
		return PORT_DOMAIN_ENDED;
	}
	if (in_range(port, FW_CFG_PORT_SEL, FW_CFG_PORTS)) {
		spin_lock(&d->platform_lock);
		fw_cfg_port_out(&d->fw_cfg, port, size, val);
		spin_unlock(&d->platform_lock);
		return PORT_OK;
	}
	/* The PM timer is read-only; anything else unclaimed drops the write. */
	legacy_out(d, port, size, val);
	return PORT_OK;
}
