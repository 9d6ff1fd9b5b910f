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

/*
 * A 16550 keeps what is written to its scratch register; an absent one reads
 * back open bus (0xff) there and in the line status register. Two patterns,
 * so that a bus that echoes the last byte written does not pass. No wait in
 * here: a machine without COM1 answers at once.
 */
#define SCRATCH_A 0x5a
#define SCRATCH_B 0xa5
#define OPEN_BUS  0xff

/* Set by a probe that found nothing: open bus reads as "data ready" forever, so input must stop too. */
static int absent;

static int answers(void)
{
	outb(COM1 + UART_SCR, SCRATCH_A);
	if (inb(COM1 + UART_SCR) != SCRATCH_A)
		return 0;
	outb(COM1 + UART_SCR, SCRATCH_B);
	if (inb(COM1 + UART_SCR) != SCRATCH_B)
		return 0;
	return inb(COM1 + UART_LSR) != OPEN_BUS;
}

int serial_probe(void)
{
	absent = !answers();
	return !absent;
}

void serial_putc(char c)
{
	if (absent)
		return;
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
	if (absent)
		return -1;
	if (!(inb(COM1 + UART_LSR) & UART_LSR_DR))
		return -1;
	return inb(COM1 + UART_RBR);
}
