/*
 * The emulated 16550A's register file. Output goes straight to the sink, so
 * the transmitter is always empty and a guest never waits on it; there is no
 * input yet, so the receiver is always empty. No interrupt is ever pending,
 * which keeps IIR honest for a guest that polls. Loopback mode routes the
 * modem-control outputs into MSR the way the chip does (drivers probe the
 * UART that way) and, as there is no receiver to loop into, swallows output
 * rather than print a probe's test bytes on the console.
 */
#include "dev/uart.h"
#include "hw/uart.h"

/* What firmware leaves behind on a PC: 9600 baud. */
#define UART_RESET_DIVISOR UART_DIVISOR(9600)
/* Nothing can be received, so there is never data to read. */
#define UART_RBR_EMPTY     0
/* Reads of a port with no register behind it float high. */
#define UART_OPEN_BUS      0xff

void uart_init(struct uart16550 *u, uart_sink_fn sink, void *ctx)
{
	u->ier = 0;
	u->lcr = 0;
	u->mcr = 0;
	u->scr = 0;
	u->fcr = 0;
	u->dll = (uint8_t)UART_RESET_DIVISOR;
	u->dlm = (uint8_t)(UART_RESET_DIVISOR >> 8);
	u->sink = sink;
	u->sink_ctx = ctx;
}

static int dlab(const struct uart16550 *u)
{
	return (u->lcr & UART_LCR_DLAB) != 0;
}

/* Loopback ties each modem-control output to a modem-status input. */
static uint8_t msr_value(const struct uart16550 *u)
{
	if (!(u->mcr & UART_MCR_LOOP))
		return UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD;

	uint8_t msr = 0;
	if (u->mcr & UART_MCR_RTS)
		msr |= UART_MSR_CTS;
	if (u->mcr & UART_MCR_DTR)
		msr |= UART_MSR_DSR;
	if (u->mcr & UART_MCR_OUT1)
		msr |= UART_MSR_RI;
	if (u->mcr & UART_MCR_OUT2)
		msr |= UART_MSR_DCD;
	return msr;
}

uint8_t uart_read(struct uart16550 *u, unsigned offset)
{
	switch (offset) {
	case UART_RBR:
		return dlab(u) ? u->dll : UART_RBR_EMPTY;
	case UART_IER:
		return dlab(u) ? u->dlm : u->ier;
	case UART_IIR:
		return UART_IIR_NO_INT | ((u->fcr & UART_FCR_ENABLE) ? UART_IIR_FIFO_ENABLED : 0);
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		return UART_LSR_THRE | UART_LSR_TEMT;
	case UART_MSR:
		return msr_value(u);
	case UART_SCR:
		return u->scr;
	default:
		return UART_OPEN_BUS;
	}
}

void uart_write(struct uart16550 *u, unsigned offset, uint8_t val)
{
	switch (offset) {
	case UART_THR:
		if (dlab(u))
			u->dll = val;
		else if (!(u->mcr & UART_MCR_LOOP) && u->sink)
			u->sink(u->sink_ctx, val);
		break;
	case UART_IER:
		if (dlab(u))
			u->dlm = val;
		else
			u->ier = val & UART_IER_MASK;
		break;
	case UART_FCR:
		/* The clear bits act once and never stick; the FIFOs are always empty. */
		u->fcr = val & ~(UART_FCR_CLEAR_RCVR | UART_FCR_CLEAR_XMIT);
		break;
	case UART_LCR:
		u->lcr = val;
		break;
	case UART_MCR:
		u->mcr = val & UART_MCR_MASK;
		break;
	case UART_SCR:
		u->scr = val;
		break;
	default:
		/* LSR and MSR are read-only; nothing lives past offset 7. */
		break;
	}
}
