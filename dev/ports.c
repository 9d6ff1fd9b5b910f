/*
 * Port dispatch for emulated devices. A short linear table: the set of
 * devices is small and fixed, and the common case (the UART) is first.
 */
#include "dev/ports.h"
#include "dev/uart.h"
#include "dom/domain.h"
#include "hinoki/hypercall.h"

static int in_range(uint16_t port, uint16_t base, unsigned n)
{
	return port >= base && port < base + n;
}

uint32_t dev_port_in(struct domain *d, uint16_t port, unsigned size)
{
	if (in_range(port, UART_COM1_BASE, UART_NPORTS) && size == 1) {
		spin_lock(&d->uart_lock);
		uint8_t v = uart_read(&d->uart, port - UART_COM1_BASE);
		spin_unlock(&d->uart_lock);
		return v;
	}
	return size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
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
	return PORT_OK;
}
