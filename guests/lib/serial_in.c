/*
 * Polled 16550 receive on COM1: LSR.DR says a byte waits in RBR, and reading
 * RBR takes it. Register names follow the 16550 datasheet.
 */
#include "serial_in.h"
#include "io.h"

#define COM1_BASE 0x3f8

enum uart_rx_reg {
	UART_RBR = 0,   /* receive buffer (read, DLAB = 0) */
	UART_LSR = 5,   /* line status */
};

#define UART_LSR_DR 0x01   /* data ready */

int serial_getc_nonblock(void)
{
	if (!(inb(COM1_BASE + UART_LSR) & UART_LSR_DR))
		return -1;
	return inb(COM1_BASE + UART_RBR);
}
