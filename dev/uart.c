/*
 * The emulated 16550A's register file. Output goes straight to the sink, so
 * the transmitter is always empty and a guest never waits on it. Input waits
 * in a 16-byte receive FIFO, as on the chip: RBR pops it, LSR.DR says it is
 * not empty, and a byte arriving when it is full is lost and latches LSR.OE
 * until LSR is read. The FIFO is there whether or not the guest enables it
 * through FCR: a guest that polls cannot tell, and it loses less input.
 * Two interrupt sources are modelled, as QEMU's 16550 has them for drivers
 * that wait for interrupts: received data available (IER.ERBFI while the
 * FIFO holds a byte) and THR empty (IER.ETBEI, pending when the guest
 * enables it or writes THR, which empties at once, and cleared when IIR
 * reports it). The line follows IIR and is driven only when its level
 * changes, so a polling guest's LSR reads cost nothing more. Line-status
 * and modem-status interrupts are not raised.
 * Loopback mode routes the modem-control outputs into MSR and the
 * transmitter into the receiver the way the chip does (drivers probe the
 * UART that way), so a probe's test bytes never reach the console.
 */
#include "dev/uart.h"
#include "hw/uart.h"

/* What firmware leaves behind on a PC: 9600 baud. */
#define UART_RESET_DIVISOR UART_DIVISOR(9600)
/* What RBR reads when the FIFO is empty. */
#define UART_RBR_EMPTY     0
/* Reads of a port with no register behind it float high. */
#define UART_OPEN_BUS      0xff

void uart_init(struct uart16550 *u, uart_sink_fn sink, void *ctx, struct irq_line irq)
{
	u->ier = 0;
	u->lcr = 0;
	u->mcr = 0;
	u->scr = 0;
	u->fcr = 0;
	u->dll = (uint8_t)UART_RESET_DIVISOR;
	u->dlm = (uint8_t)(UART_RESET_DIVISOR >> 8);
	u->rx_head = 0;
	u->rx_count = 0;
	u->lsr_errors = 0;
	u->thr_ipending = false;
	u->irq_level = false;
	u->irq = irq;
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

/* The highest-priority pending interrupt's IIR identification, or UART_IIR_NO_INT. */
static uint8_t pending_iir(const struct uart16550 *u)
{
	if ((u->ier & UART_IER_ERBFI) && u->rx_count)
		return UART_IIR_ID_RDA;
	if ((u->ier & UART_IER_ETBEI) && u->thr_ipending)
		return UART_IIR_ID_THRE;
	return UART_IIR_NO_INT;
}

static void update_irq(struct uart16550 *u)
{
	bool level = pending_iir(u) != UART_IIR_NO_INT;
	if (level != u->irq_level) {
		u->irq_level = level;
		dev_irq_set(&u->irq, level);
	}
}

int uart_rx_push(struct uart16550 *u, uint8_t byte)
{
	if (u->rx_count == UART_RX_FIFO) {
		u->lsr_errors |= UART_LSR_OE;
		return -1;
	}
	u->rx[(u->rx_head + u->rx_count) % UART_RX_FIFO] = byte;
	u->rx_count++;
	update_irq(u);
	return 0;
}

int uart_rx_space(const struct uart16550 *u)
{
	return UART_RX_FIFO - u->rx_count;
}

static uint8_t rx_pop(struct uart16550 *u)
{
	if (u->rx_count == 0)
		return UART_RBR_EMPTY;
	uint8_t byte = u->rx[u->rx_head];
	u->rx_head = (uint8_t)((u->rx_head + 1) % UART_RX_FIFO);
	u->rx_count--;
	update_irq(u);
	return byte;
}

static void rx_clear(struct uart16550 *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
	update_irq(u);
}

/* Reading IIR acknowledges a THR-empty interrupt it reports, as on the chip. */
static uint8_t iir_read(struct uart16550 *u)
{
	uint8_t id = pending_iir(u);
	if (id == UART_IIR_ID_THRE) {
		u->thr_ipending = false;
		update_irq(u);
	}
	return id | ((u->fcr & UART_FCR_ENABLE) ? UART_IIR_FIFO_ENABLED : 0);
}

/* Reading LSR reports the latched errors once, as the chip does. */
static uint8_t lsr_read(struct uart16550 *u)
{
	uint8_t lsr = UART_LSR_THRE | UART_LSR_TEMT | u->lsr_errors;

	if (u->rx_count)
		lsr |= UART_LSR_DR;
	u->lsr_errors = 0;
	return lsr;
}

/* Inlined into both entry points: the bus's is on the exit path of every console byte and status poll. */
__attribute__((always_inline))
static inline uint8_t reg_read(struct uart16550 *u, unsigned offset)
{
	switch (offset) {
	case UART_RBR:
		return dlab(u) ? u->dll : rx_pop(u);
	case UART_IER:
		return dlab(u) ? u->dlm : u->ier;
	case UART_IIR:
		return iir_read(u);
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		return lsr_read(u);
	case UART_MSR:
		return msr_value(u);
	case UART_SCR:
		return u->scr;
	default:
		return UART_OPEN_BUS;
	}
}

uint8_t uart_read(struct uart16550 *u, unsigned offset)
{
	return reg_read(u, offset);
}

__attribute__((always_inline))
static inline void reg_write(struct uart16550 *u, unsigned offset, uint8_t val)
{
	switch (offset) {
	case UART_THR:
		if (dlab(u)) {
			u->dll = val;
			break;
		}
		if (u->mcr & UART_MCR_LOOP)
			(void)uart_rx_push(u, val);
		else if (u->sink)
			u->sink(u->sink_ctx, val);
		/* The byte left at once: THR is empty again. */
		u->thr_ipending = true;
		update_irq(u);
		break;
	case UART_IER:
		if (dlab(u)) {
			u->dlm = val;
			break;
		}
		/* Enabling the THRE interrupt while THR is empty (always) makes it pending. */
		if ((val & ~u->ier) & UART_IER_ETBEI)
			u->thr_ipending = true;
		u->ier = val & UART_IER_MASK;
		update_irq(u);
		break;
	case UART_FCR:
		/* Turning the FIFOs on or off empties them, as does the clear bit; it never sticks. */
		if ((val & UART_FCR_CLEAR_RCVR) || ((val ^ u->fcr) & UART_FCR_ENABLE))
			rx_clear(u);
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

void uart_write(struct uart16550 *u, unsigned offset, uint8_t val)
{
	reg_write(u, offset, val);
}

static uint64_t uart_bus_read(void *dev, unsigned vcpu, uint64_t off, unsigned size)
{
	(void)vcpu, (void)size;   /* byte registers: the bus gives only byte accesses */
	return reg_read(dev, (unsigned)off);
}

static enum bus_result uart_bus_write(void *dev, unsigned vcpu, uint64_t off, unsigned size, uint64_t val)
{
	(void)vcpu, (void)size;
	reg_write(dev, (unsigned)off, (uint8_t)val);
	return BUS_OK;
}

const struct bus_device uart_bus_device = { "16550A UART", uart_bus_read, uart_bus_write, BUS_BYTE_REGS };
