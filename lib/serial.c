/*
 * Polled driver for the real COM1 at 115200 8N1. Polling keeps it usable from
 * any context (exception handlers, panic) with no interrupt set-up.
 */
#include "hw/uart.h"
#include "lib/serial.h"
#include "lib/x86.h"

#define COM1 UART_COM1_BASE
#define BAUD_DIVISOR_115200 1
#define SPIN_LIMIT 100000   /* a missing UART must not hang the hypervisor */

void serial_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, UART_LCR_DLAB);
	outb(COM1 + UART_DLL, BAUD_DIVISOR_115200);
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, UART_LCR_WLS_8);
	outb(COM1 + UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RCVR | UART_FCR_CLEAR_XMIT);
	outb(COM1 + UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
}

void serial_putc(char c)
{
	for (int i = 0; i < SPIN_LIMIT && !(inb(COM1 + UART_LSR) & UART_LSR_THRE); i++)
		cpu_relax();
	outb(COM1 + UART_THR, (uint8_t)c);
}

void serial_drain(void)
{
	for (int i = 0; i < SPIN_LIMIT && !(inb(COM1 + UART_LSR) & UART_LSR_TEMT); i++)
		cpu_relax();
}

int serial_getc_nonblock(void)
{
	if (!(inb(COM1 + UART_LSR) & UART_LSR_DR))
		return -1;
	return inb(COM1 + UART_RBR);
}
