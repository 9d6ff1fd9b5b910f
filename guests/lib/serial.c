/*
 * Polled 16550 transmit on COM1: program 115200 8N1 once, then for each byte
 * wait for LSR.THRE before writing THR. Register names follow the 16550
 * datasheet.
 */
#include "serial.h"
#include "io.h"

#define COM1_BASE 0x3f8

enum uart_reg {
	UART_THR = 0,   /* transmit holding register (write, DLAB = 0) */
	UART_DLL = 0,   /* divisor latch low (DLAB = 1) */
	UART_IER = 1,   /* interrupt enable (DLAB = 0) */
	UART_DLM = 1,   /* divisor latch high (DLAB = 1) */
	UART_FCR = 2,   /* FIFO control (write) */
	UART_LCR = 3,   /* line control */
	UART_MCR = 4,   /* modem control */
	UART_LSR = 5,   /* line status */
};

#define UART_LCR_8N1     0x03
#define UART_LCR_DLAB    0x80
#define UART_FCR_ENABLE  0x01
#define UART_FCR_CLEAR   0x06   /* clear receive and transmit FIFOs */
#define UART_MCR_DTR     0x01
#define UART_MCR_RTS     0x02
#define UART_LSR_THRE    0x20
#define UART_DIVISOR_115200 1

/*
 * A missing or broken UART must not hang a test guest before it reaches its
 * exit port, so the wait for THRE gives up after this many polls and writes
 * anyway.
 */
#define THRE_POLL_LIMIT 100000

void serial_init(void)
{
	outb(0, COM1_BASE + UART_IER);
	outb(UART_LCR_DLAB, COM1_BASE + UART_LCR);
	outb(UART_DIVISOR_115200 & 0xff, COM1_BASE + UART_DLL);
	outb(UART_DIVISOR_115200 >> 8, COM1_BASE + UART_DLM);
	outb(UART_LCR_8N1, COM1_BASE + UART_LCR);
	outb(UART_FCR_ENABLE | UART_FCR_CLEAR, COM1_BASE + UART_FCR);
	outb(UART_MCR_DTR | UART_MCR_RTS, COM1_BASE + UART_MCR);
}

void serial_putc(char c)
{
	for (unsigned i = 0; i < THRE_POLL_LIMIT; i++) {
		if (inb(COM1_BASE + UART_LSR) & UART_LSR_THRE)
			break;
		cpu_pause();
	}
	outb((unsigned char)c, COM1_BASE + UART_THR);
}

void serial_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		serial_putc(s[i]);
}

void serial_puts(const char *s)
{
	while (*s)
		serial_putc(*s++);
}
