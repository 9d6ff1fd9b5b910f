/*
 * Emulated 16550A UART as a small state machine over its 8 registers.
 * Transmit only has a consumer (the domain's console): each byte written to
 * THR goes to the sink at once, and the transmitter always reads empty, so a
 * guest that polls LSR never waits. Receive is empty (LSR.DR = 0) for now.
 * Pure code; unit-tested on the host.
 */
#ifndef DEV_UART_H
#define DEV_UART_H

#include <stdint.h>

#define UART_COM1_BASE 0x3f8
#define UART_NPORTS    8

typedef void (*uart_sink_fn)(void *ctx, uint8_t byte);

struct uart16550 {
	uint8_t ier, lcr, mcr, scr, fcr;
	uint8_t dll, dlm;          /* divisor latch, visible when LCR.DLAB */
	uart_sink_fn sink;
	void *sink_ctx;
};

void uart_init(struct uart16550 *u, uart_sink_fn sink, void *ctx);
/* offset is port - base, 0..7 */
uint8_t uart_read(struct uart16550 *u, unsigned offset);
void uart_write(struct uart16550 *u, unsigned offset, uint8_t val);

#endif
