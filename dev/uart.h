/*
 * Emulated 16550A UART as a small state machine over its 8 registers.
 * Each byte written to THR goes to the sink (the domain's console) at once,
 * and the transmitter always reads empty, so a guest that polls LSR never
 * waits. Received bytes come from the hypervisor's serial input through
 * uart_rx_push() into a 16-byte FIFO, as on the chip, which the guest drains
 * through RBR. Its interrupt line (dev/irq_line.h) is high while IIR
 * reports an interrupt: received data (IER.ERBFI) or an empty transmitter
 * (IER.ETBEI). Pure code; unit-tested on the host.
 */
#ifndef DEV_UART_H
#define DEV_UART_H

#include <stdbool.h>
#include <stdint.h>
#include "dev/bus.h"
#include "dev/irq_line.h"

#define UART_RX_FIFO   16   /* the 16550A's receive FIFO depth */

typedef void (*uart_sink_fn)(void *ctx, uint8_t byte);

struct uart16550 {
	uint8_t ier, lcr, mcr, scr, fcr;
	uint8_t dll, dlm;          /* divisor latch, visible when LCR.DLAB */
	uint8_t rx[UART_RX_FIFO];  /* receive FIFO, a ring: rx_count bytes from rx_head */
	uint8_t rx_head, rx_count;
	uint8_t lsr_errors;        /* LSR error bits (OE) latched until LSR is read */
	bool thr_ipending;         /* the THRE interrupt: set when THR empties, cleared by reading it in IIR */
	bool irq_level;            /* what the line was last driven to */
	struct irq_line irq;
	uart_sink_fn sink;
	void *sink_ctx;
};

/* The UART on a bus: byte registers at offsets 0-7 of its range; dev is its struct uart16550. */
extern const struct bus_device uart_bus_device;

void uart_init(struct uart16550 *u, uart_sink_fn sink, void *ctx, struct irq_line irq);
/* offset is port - base, 0..7 */
uint8_t uart_read(struct uart16550 *u, unsigned offset);
void uart_write(struct uart16550 *u, unsigned offset, uint8_t val);

/*
 * A byte arrives on the line: queued for the guest. Returns 0, or -1 when the
 * FIFO is full; then the byte is lost and LSR.OE is set, as the chip does.
 */
int uart_rx_push(struct uart16550 *u, uint8_t byte);
/* Bytes the receive FIFO can still take; a caller that must not lose input checks it first. */
int uart_rx_space(const struct uart16550 *u);

#endif
