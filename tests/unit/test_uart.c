/*
 * Host tests for the emulated 16550A: every register's read and write
 * behaviour, divisor-latch switching, loopback, that output reaches the
 * sink in order while a polling guest never waits, and the receive FIFO:
 * order, wrap-around, overrun and its LSR.OE, clearing through FCR; the
 * interrupt line following IIR (received data, THR empty) and driven only
 * when its level changes.
 */
#include <string.h>

#include "dev/uart.h"
#include "hw/uart.h"
#include "check.h"

struct capture {
	uint8_t buf[4096];
	unsigned len;
};

static void capture_sink(void *ctx, uint8_t byte)
{
	struct capture *c = ctx;
	if (c->len < sizeof(c->buf))
		c->buf[c->len] = byte;
	c->len++;
}

static struct capture cap;
static struct uart16550 u;

static void setup(void)
{
	memset(&cap, 0, sizeof(cap));
	memset(&u, 0x5a, sizeof(u));
	uart_init(&u, capture_sink, &cap, (struct irq_line){ 0 });
}

static void test_reset_state(void)
{
	setup();
	CHECK_EQ(uart_read(&u, UART_RBR), 0);
	CHECK_EQ(uart_read(&u, UART_IER), 0);
	CHECK_EQ(uart_read(&u, UART_IIR), 0x01);
	CHECK_EQ(uart_read(&u, UART_LCR), 0);
	CHECK_EQ(uart_read(&u, UART_MCR), 0);
	CHECK_EQ(uart_read(&u, UART_LSR), 0x60);
	CHECK_EQ(uart_read(&u, UART_MSR), 0xb0);
	CHECK_EQ(uart_read(&u, UART_SCR), 0);
	/* 9600 baud divisor is latched. */
	uart_write(&u, UART_LCR, UART_LCR_DLAB);
	CHECK_EQ(uart_read(&u, UART_DLL), 12);
	CHECK_EQ(uart_read(&u, UART_DLM), 0);
	CHECK_EQ(cap.len, 0);
}

static void test_thr_to_sink_in_order(void)
{
	setup();
	const char *msg = "Hello, Hinoki!\r\n";
	for (const char *p = msg; *p; p++)
		uart_write(&u, UART_THR, (uint8_t)*p);
	for (unsigned v = 0; v < 256; v++)
		uart_write(&u, UART_THR, (uint8_t)v);
	size_t n = strlen(msg);
	CHECK_EQ(cap.len, n + 256);
	CHECK(memcmp(cap.buf, msg, n) == 0);
	unsigned bad = 0;
	for (unsigned v = 0; v < 256; v++)
		bad += cap.buf[n + v] != v;
	CHECK_EQ(bad, 0);
	/* Reading RBR never consumes or echoes anything. */
	CHECK_EQ(uart_read(&u, UART_RBR), 0);
	CHECK_EQ(cap.len, n + 256);
}

static void test_dlab_switching(void)
{
	setup();
	uart_write(&u, UART_IER, UART_IER_ERBFI | UART_IER_ETBEI);
	/* The usual init: DLAB on, 115200 baud, 8N1 with DLAB off. */
	uart_write(&u, UART_LCR, UART_LCR_DLAB);
	uart_write(&u, UART_DLL, 1);
	uart_write(&u, UART_DLM, 0x80);
	CHECK_EQ(cap.len, 0);                          /* DLL write is not output */
	CHECK_EQ(uart_read(&u, UART_DLL), 1);
	CHECK_EQ(uart_read(&u, UART_DLM), 0x80);
	CHECK_EQ(u.dll, 1);
	CHECK_EQ(u.dlm, 0x80);
	CHECK_EQ(u.ier, UART_IER_ERBFI | UART_IER_ETBEI);   /* IER untouched */
	uart_write(&u, UART_LCR, UART_LCR_WLS_8);
	CHECK_EQ(uart_read(&u, UART_LCR), UART_LCR_WLS_8);
	CHECK_EQ(uart_read(&u, UART_IER), UART_IER_ERBFI | UART_IER_ETBEI);
	CHECK_EQ(uart_read(&u, UART_RBR), 0);
	uart_write(&u, UART_THR, 'x');
	CHECK_EQ(cap.len, 1);
	CHECK_EQ(cap.buf[0], 'x');
	/* Back to DLAB: the latch kept its value. */
	uart_write(&u, UART_LCR, UART_LCR_DLAB | UART_LCR_WLS_8);
	CHECK_EQ(uart_read(&u, UART_DLL), 1);
	CHECK_EQ(uart_read(&u, UART_DLM), 0x80);
	/* Registers past offset 1 do not depend on DLAB. */
	CHECK_EQ(uart_read(&u, UART_LSR), 0x60);
	CHECK_EQ(uart_read(&u, UART_IIR), UART_IIR_ID_THRE);   /* THR emptied with ETBEI on */
	CHECK_EQ(uart_read(&u, UART_IIR), 0x01);               /* and reading IIR acknowledged it */
	uart_write(&u, UART_SCR, 0x42);
	CHECK_EQ(uart_read(&u, UART_SCR), 0x42);
}

static void test_ier(void)
{
	setup();
	uart_write(&u, UART_IER, 0xff);
	CHECK_EQ(uart_read(&u, UART_IER), UART_IER_MASK);
	uart_write(&u, UART_IER, 0xa5);
	CHECK_EQ(uart_read(&u, UART_IER), 0x05);
	uart_write(&u, UART_IER, 0);
	CHECK_EQ(uart_read(&u, UART_IER), 0);
	/* Line-status and modem-status interrupts are never pending. */
	uart_write(&u, UART_IER, UART_IER_ELSI | UART_IER_EDSSI);
	CHECK_EQ(uart_read(&u, UART_IIR) & UART_IIR_NO_INT, UART_IIR_NO_INT);
}

static void test_fcr_and_iir(void)
{
	setup();
	CHECK_EQ(uart_read(&u, UART_IIR), 0x01);
	uart_write(&u, UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RCVR | UART_FCR_CLEAR_XMIT | 0xc0);
	CHECK_EQ(uart_read(&u, UART_IIR), 0xc1);
	CHECK_EQ(u.fcr, UART_FCR_ENABLE | UART_FCR_TRIGGER_MASK);   /* clear bits do not stick */
	uart_write(&u, UART_FCR, 0);
	CHECK_EQ(uart_read(&u, UART_IIR), 0x01);
	CHECK_EQ(u.fcr, 0);
	/* FCR shares offset 2 with IIR: writing it never changes what IIR's other bits say. */
	uart_write(&u, UART_FCR, 0xfe);
	CHECK_EQ(uart_read(&u, UART_IIR), 0x01);
	CHECK_EQ(cap.len, 0);
}

static void test_lcr_mcr_scr(void)
{
	setup();
	for (unsigned v = 0; v < 256; v++) {
		uart_write(&u, UART_LCR, (uint8_t)v);
		CHECK_EQ(uart_read(&u, UART_LCR), v);
		uart_write(&u, UART_SCR, (uint8_t)v);
		CHECK_EQ(uart_read(&u, UART_SCR), v);
	}
	uart_write(&u, UART_LCR, 0);
	uart_write(&u, UART_MCR, 0xff);
	CHECK_EQ(uart_read(&u, UART_MCR), UART_MCR_MASK);
	uart_write(&u, UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	CHECK_EQ(uart_read(&u, UART_MCR), 0x0b);
	/* The scratch probe drivers use to tell an 8250 from nothing. */
	uart_write(&u, UART_SCR, 0x55);
	CHECK_EQ(uart_read(&u, UART_SCR), 0x55);
	uart_write(&u, UART_SCR, 0xaa);
	CHECK_EQ(uart_read(&u, UART_SCR), 0xaa);
	CHECK_EQ(cap.len, 0);
}

static void test_lsr_msr_read_only(void)
{
	setup();
	uart_write(&u, UART_LSR, 0);
	uart_write(&u, UART_MSR, 0);
	CHECK_EQ(uart_read(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	CHECK_EQ(uart_read(&u, UART_LSR) & UART_LSR_DR, 0);
	CHECK_EQ(uart_read(&u, UART_MSR), UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD);
	/* Transmitting never makes the transmitter look busy. */
	for (int i = 0; i < 100; i++) {
		uart_write(&u, UART_THR, 'a');
		CHECK_EQ(uart_read(&u, UART_LSR), 0x60);
	}
	CHECK_EQ(uart_read(&u, UART_MSR), 0xb0);   /* reading has no side effect */
}

static void test_loopback(void)
{
	setup();
	/* Linux's 8250 probe: loopback with OUT2|RTS expects DCD|CTS. */
	uart_write(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_RTS);
	CHECK_EQ(uart_read(&u, UART_MSR) & 0xf0, UART_MSR_DCD | UART_MSR_CTS);
	uart_write(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_DTR | UART_MCR_OUT1);
	CHECK_EQ(uart_read(&u, UART_MSR), UART_MSR_DSR | UART_MSR_RI);
	uart_write(&u, UART_MCR, UART_MCR_LOOP);
	CHECK_EQ(uart_read(&u, UART_MSR), 0);
	/* Output in loopback never reaches the console. */
	uart_write(&u, UART_THR, 'z');
	CHECK_EQ(cap.len, 0);
	uart_write(&u, UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
	CHECK_EQ(uart_read(&u, UART_MSR), 0xb0);
	uart_write(&u, UART_THR, 'y');
	CHECK_EQ(cap.len, 1);
	CHECK_EQ(cap.buf[0], 'y');
}

static void test_out_of_range_offsets(void)
{
	setup();
	for (unsigned off = UART_NPORTS; off < 64; off++) {
		uart_write(&u, off, 0x12);
		CHECK_EQ(uart_read(&u, off), 0xff);
	}
	CHECK_EQ(uart_read(&u, ~0u), 0xff);
	uart_write(&u, ~0u, 0);
	CHECK_EQ(cap.len, 0);
	/* Nothing changed underneath. */
	CHECK_EQ(uart_read(&u, UART_LCR), 0);
	CHECK_EQ(uart_read(&u, UART_SCR), 0);
	CHECK_EQ(uart_read(&u, UART_IER), 0);
}

/* A guest's putc: wait for THRE, then write. Must not spin. */
static void guest_putc(uint8_t c)
{
	unsigned spins = 0;
	while (!(uart_read(&u, UART_LSR) & UART_LSR_THRE))
		if (++spins > 1000)
			return;
	uart_write(&u, UART_THR, c);
}

static void test_guest_poll_loop(void)
{
	setup();
	/* Guest init as a typical early console does it. */
	uart_write(&u, UART_IER, 0);
	uart_write(&u, UART_LCR, UART_LCR_DLAB);
	uart_write(&u, UART_DLL, 1);
	uart_write(&u, UART_DLM, 0);
	uart_write(&u, UART_LCR, UART_LCR_WLS_8);
	uart_write(&u, UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RCVR | UART_FCR_CLEAR_XMIT);
	uart_write(&u, UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	const char *msg = "guest says hi\n";
	for (const char *p = msg; *p; p++)
		guest_putc((uint8_t)*p);
	CHECK_EQ(cap.len, strlen(msg));
	CHECK(memcmp(cap.buf, msg, strlen(msg)) == 0);
	/* And a getc poll sees nothing to read. */
	CHECK_EQ(uart_read(&u, UART_LSR) & UART_LSR_DR, 0);
	CHECK_EQ(uart_read(&u, UART_IIR), 0xc1);
}

static void test_no_sink(void)
{
	memset(&u, 0, sizeof(u));
	uart_init(&u, NULL, NULL, (struct irq_line){ 0 });
	uart_write(&u, UART_THR, 'q');           /* dropped, no crash */
	CHECK_EQ(uart_read(&u, UART_LSR), 0x60);
}

/* ---- receive FIFO ----------------------------------------------------------- */

static void test_rx_order_and_dr(void)
{
	setup();
	CHECK_EQ(uart_rx_space(&u), UART_RX_FIFO);
	CHECK_EQ(uart_read(&u, UART_LSR) & UART_LSR_DR, 0);
	CHECK_EQ(uart_rx_push(&u, 'a'), 0);
	CHECK_EQ(uart_rx_push(&u, 'b'), 0);
	CHECK_EQ(uart_rx_space(&u), UART_RX_FIFO - 2);
	CHECK_EQ(uart_read(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_DR);
	CHECK_EQ(uart_read(&u, UART_LSR) & UART_LSR_DR, UART_LSR_DR);    /* reading LSR does not pop */
	CHECK_EQ(uart_read(&u, UART_RBR), 'a');
	CHECK_EQ(uart_read(&u, UART_LSR) & UART_LSR_DR, UART_LSR_DR);
	CHECK_EQ(uart_read(&u, UART_RBR), 'b');
	CHECK_EQ(uart_read(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	CHECK_EQ(uart_read(&u, UART_RBR), 0);                              /* empty reads 0 */
	CHECK_EQ(uart_rx_space(&u), UART_RX_FIFO);
	/* With received-data interrupts enabled, a byte in the FIFO is one. */
	uart_write(&u, UART_IER, UART_IER_ERBFI);
	CHECK_EQ(uart_rx_push(&u, 'c'), 0);
	CHECK_EQ(uart_read(&u, UART_IIR), UART_IIR_ID_RDA);
	/* Receiving never echoes to the console. */
	CHECK_EQ(cap.len, 0);
}

static void test_rx_wraps_around(void)
{
	setup();
	unsigned next_in = 0, next_out = 0, bad = 0;
	/* Uneven bursts so that head and tail pass the end of the ring at every offset. */
	for (unsigned round = 0; round < 200; round++) {
		unsigned in = 1 + round % UART_RX_FIFO, out = 1 + (round * 7) % UART_RX_FIFO;
		for (unsigned i = 0; i < in && uart_rx_space(&u) > 0; i++)
			bad += uart_rx_push(&u, (uint8_t)next_in++) != 0;
		for (unsigned i = 0; i < out && (uart_read(&u, UART_LSR) & UART_LSR_DR); i++)
			bad += uart_read(&u, UART_RBR) != (uint8_t)next_out++;
		bad += uart_rx_space(&u) != UART_RX_FIFO - (int)(next_in - next_out);
	}
	while (uart_read(&u, UART_LSR) & UART_LSR_DR)
		bad += uart_read(&u, UART_RBR) != (uint8_t)next_out++;
	CHECK_EQ(bad, 0);
	CHECK_EQ(next_in, next_out);
	CHECK(next_in > 1000);
	CHECK_EQ(uart_read(&u, UART_LSR) & UART_LSR_OE, 0);   /* never overran */
}

static void test_rx_overrun(void)
{
	setup();
	for (unsigned i = 0; i < UART_RX_FIFO; i++)
		CHECK_EQ(uart_rx_push(&u, (uint8_t)('A' + i)), 0);
	CHECK_EQ(uart_rx_space(&u), 0);
	CHECK_EQ(uart_read(&u, UART_LSR) & UART_LSR_OE, 0);   /* full is not yet an overrun */
	CHECK_EQ(uart_rx_push(&u, 'x'), -1);
	CHECK_EQ(uart_rx_push(&u, 'y'), -1);
	CHECK_EQ(uart_rx_space(&u), 0);
	/* OE shows once, then clears on that read; the data stays. */
	CHECK_EQ(uart_read(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_DR | UART_LSR_OE);
	CHECK_EQ(uart_read(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_DR);
	/* The FIFO kept the first sixteen; the late bytes are lost. */
	for (unsigned i = 0; i < UART_RX_FIFO; i++)
		CHECK_EQ(uart_read(&u, UART_RBR), 'A' + i);
	CHECK_EQ(uart_read(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	/* Room again. */
	CHECK_EQ(uart_rx_push(&u, 'z'), 0);
	CHECK_EQ(uart_read(&u, UART_RBR), 'z');
	/* OE survives the FIFO draining: only an LSR read clears it. */
	for (unsigned i = 0; i <= UART_RX_FIFO; i++)
		(void)uart_rx_push(&u, 'q');
	for (unsigned i = 0; i < UART_RX_FIFO; i++)
		(void)uart_read(&u, UART_RBR);
	CHECK_EQ(uart_read(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_OE);
	CHECK_EQ(uart_read(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
}

static void test_rx_dlab_and_fcr(void)
{
	setup();
	uart_rx_push(&u, '1');
	uart_rx_push(&u, '2');
	/* With DLAB set, offset 0 is the divisor latch: nothing is popped. */
	uart_write(&u, UART_LCR, UART_LCR_DLAB);
	CHECK_EQ(uart_read(&u, UART_RBR), 12);
	CHECK_EQ(uart_rx_space(&u), UART_RX_FIFO - 2);
	CHECK_EQ(uart_read(&u, UART_LSR) & UART_LSR_DR, UART_LSR_DR);
	uart_write(&u, UART_LCR, UART_LCR_WLS_8);
	CHECK_EQ(uart_read(&u, UART_RBR), '1');
	/* Enabling the FIFOs empties them. */
	uart_write(&u, UART_FCR, UART_FCR_ENABLE);
	CHECK_EQ(uart_rx_space(&u), UART_RX_FIFO);
	CHECK_EQ(uart_read(&u, UART_LSR) & UART_LSR_DR, 0);
	/* Rewriting FCR without the clear bit keeps the data; with it, it goes. */
	uart_rx_push(&u, '3');
	uart_write(&u, UART_FCR, UART_FCR_ENABLE | UART_FCR_TRIGGER_MASK);
	CHECK_EQ(uart_rx_space(&u), UART_RX_FIFO - 1);
	uart_write(&u, UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_XMIT);
	CHECK_EQ(uart_rx_space(&u), UART_RX_FIFO - 1);
	uart_write(&u, UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RCVR);
	CHECK_EQ(uart_rx_space(&u), UART_RX_FIFO);
	CHECK_EQ(uart_read(&u, UART_RBR), 0);
	/* Disabling empties too. */
	uart_rx_push(&u, '4');
	uart_write(&u, UART_FCR, 0);
	CHECK_EQ(uart_rx_space(&u), UART_RX_FIFO);
	/* Re-initialising forgets data and errors. */
	for (unsigned i = 0; i <= UART_RX_FIFO; i++)
		uart_rx_push(&u, 'r');
	uart_init(&u, capture_sink, &cap, (struct irq_line){ 0 });
	CHECK_EQ(uart_rx_space(&u), UART_RX_FIFO);
	CHECK_EQ(uart_read(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
}

static void test_rx_loopback(void)
{
	setup();
	/* In loopback the transmitter feeds the receiver, not the console. */
	uart_write(&u, UART_MCR, UART_MCR_LOOP);
	uart_write(&u, UART_THR, 0x55);
	uart_write(&u, UART_THR, 0xaa);
	CHECK_EQ(cap.len, 0);
	CHECK_EQ(uart_read(&u, UART_LSR) & UART_LSR_DR, UART_LSR_DR);
	CHECK_EQ(uart_read(&u, UART_RBR), 0x55);
	CHECK_EQ(uart_read(&u, UART_RBR), 0xaa);
	CHECK_EQ(uart_read(&u, UART_LSR) & UART_LSR_DR, 0);
	/* Overrunning it through loopback behaves like the line. */
	for (unsigned i = 0; i <= UART_RX_FIFO; i++)
		uart_write(&u, UART_THR, (uint8_t)i);
	CHECK_EQ(uart_read(&u, UART_LSR) & UART_LSR_OE, UART_LSR_OE);
	CHECK_EQ(uart_read(&u, UART_RBR), 0);
	uart_write(&u, UART_FCR, UART_FCR_CLEAR_RCVR);
	uart_write(&u, UART_MCR, 0);
	uart_write(&u, UART_THR, 'o');
	CHECK_EQ(cap.len, 1);
	CHECK_EQ(uart_rx_space(&u), UART_RX_FIFO);
}

/* ---- interrupt line ------------------------------------------------------- */

static struct { unsigned irq, changes; bool level; } line;

static void line_set(void *ctx, unsigned irq, bool level)
{
	CHECK(ctx == &line);
	line.irq = irq;
	line.level = level;
	line.changes++;
}

static void setup_irq(void)
{
	setup();
	memset(&line, 0, sizeof line);
	uart_init(&u, capture_sink, &cap, (struct irq_line){ line_set, &line, 4 });
}

static void test_irq_thre(void)
{
	setup_irq();
	uart_write(&u, UART_THR, 'a');
	CHECK_EQ(line.changes, 0);                        /* not enabled: the line stays low */
	uart_write(&u, UART_IER, UART_IER_ETBEI);
	CHECK(line.level);                                /* THR is empty: pending at once */
	CHECK_EQ(line.irq, 4);
	CHECK_EQ(uart_read(&u, UART_LSR), 0x60);          /* status reads do not acknowledge */
	CHECK(line.level);
	CHECK_EQ(uart_read(&u, UART_IIR), UART_IIR_ID_THRE);
	CHECK(!line.level);                               /* reading IIR does */
	CHECK_EQ(uart_read(&u, UART_IIR), UART_IIR_NO_INT);
	uart_write(&u, UART_THR, 'b');                    /* the byte leaves at once: empty again */
	CHECK(line.level);
	CHECK_EQ(cap.len, 2);
	uart_write(&u, UART_IER, UART_IER_ETBEI);         /* already enabled: no new interrupt */
	CHECK_EQ(line.changes, 3);
	uart_write(&u, UART_IER, 0);
	CHECK(!line.level);
	CHECK_EQ(line.changes, 4);                        /* driven only when the level changes */
}

static void test_irq_rx(void)
{
	setup_irq();
	CHECK_EQ(uart_rx_push(&u, 'x'), 0);
	CHECK_EQ(line.changes, 0);
	uart_write(&u, UART_IER, UART_IER_ERBFI);
	CHECK(line.level);
	CHECK_EQ(uart_rx_push(&u, 'y'), 0);
	CHECK_EQ(line.changes, 1);
	CHECK_EQ(uart_read(&u, UART_IIR) & UART_IIR_ID_MASK, UART_IIR_ID_RDA);
	CHECK(line.level);                                /* IIR does not acknowledge received data */
	CHECK_EQ(uart_read(&u, UART_RBR), 'x');
	CHECK(line.level);
	CHECK_EQ(uart_read(&u, UART_RBR), 'y');
	CHECK(!line.level);                               /* the FIFO is empty */
	/* Received data comes before THR empty; clearing the FIFO leaves the latter. */
	uart_write(&u, UART_IER, UART_IER_ERBFI | UART_IER_ETBEI);
	CHECK_EQ(uart_rx_push(&u, 'z'), 0);
	CHECK_EQ(uart_read(&u, UART_IIR), UART_IIR_ID_RDA);
	uart_write(&u, UART_FCR, UART_FCR_CLEAR_RCVR);
	CHECK(line.level);
	CHECK_EQ(uart_read(&u, UART_IIR), UART_IIR_ID_THRE);
	CHECK(!line.level);
}

/* A guest's getc loop reading a line the hypervisor pushes in pieces. */
static void test_rx_guest_getc(void)
{
	setup();
	const char *line = "list\r";
	char got[16] = { 0 };
	unsigned n = 0;
	for (const char *p = line; *p; p++) {
		CHECK_EQ(uart_rx_push(&u, (uint8_t)*p), 0);
		while ((uart_read(&u, UART_LSR) & UART_LSR_DR) && n < sizeof(got) - 1)
			got[n++] = (char)uart_read(&u, UART_RBR);
	}
	CHECK(strcmp(got, line) == 0);
}

int main(void)
{
	RUN(test_reset_state);
	RUN(test_thr_to_sink_in_order);
	RUN(test_dlab_switching);
	RUN(test_ier);
	RUN(test_fcr_and_iir);
	RUN(test_lcr_mcr_scr);
	RUN(test_lsr_msr_read_only);
	RUN(test_loopback);
	RUN(test_out_of_range_offsets);
	RUN(test_guest_poll_loop);
	RUN(test_no_sink);
	RUN(test_rx_order_and_dr);
	RUN(test_rx_wraps_around);
	RUN(test_rx_overrun);
	RUN(test_rx_dlab_and_fcr);
	RUN(test_rx_loopback);
	RUN(test_rx_guest_getc);
	RUN(test_irq_thre);
	RUN(test_irq_rx);
	return CHECK_EXIT();
}
