/*
 * 16550A UART registers and bits, named as the National Semiconductor
 * PC16550D data sheet names them. Offsets are from the port base.
 */
#ifndef HW_UART_H
#define HW_UART_H

/* Same definition as hw/msr.h, so either header may come first. */
#ifndef BIT
#define BIT(n)   (1ULL << (n))
#endif

/* COM1 on a PC: its I/O ports and ISA interrupt line. */
#define UART_COM1_BASE 0x3f8
#define UART_NPORTS    8
#define UART_COM1_IRQ  4

/* Register offsets; several share an offset by direction or LCR.DLAB. */
enum uart_reg {
	UART_RBR = 0,   /* receiver buffer, read, DLAB=0 */
	UART_THR = 0,   /* transmitter holding, write, DLAB=0 */
	UART_DLL = 0,   /* divisor latch low, DLAB=1 */
	UART_IER = 1,   /* interrupt enable, DLAB=0 */
	UART_DLM = 1,   /* divisor latch high, DLAB=1 */
	UART_IIR = 2,   /* interrupt identification, read */
	UART_FCR = 2,   /* FIFO control, write */
	UART_LCR = 3,   /* line control */
	UART_MCR = 4,   /* modem control */
	UART_LSR = 5,   /* line status */
	UART_MSR = 6,   /* modem status */
	UART_SCR = 7,   /* scratch */
	UART_REGS = 8,
};

#define UART_IER_ERBFI  BIT(0)  /* received data available */
#define UART_IER_ETBEI  BIT(1)  /* transmitter holding register empty */
#define UART_IER_ELSI   BIT(2)  /* receiver line status */
#define UART_IER_EDSSI  BIT(3)  /* modem status */
#define UART_IER_MASK   0x0f    /* bits 7:4 always read 0 */

#define UART_IIR_NO_INT     BIT(0)  /* set: no interrupt pending */
#define UART_IIR_ID_MASK    0x0e
#define UART_IIR_ID_MSR     0x00
#define UART_IIR_ID_THRE    0x02
#define UART_IIR_ID_RDA     0x04
#define UART_IIR_ID_RLS     0x06
#define UART_IIR_ID_TIMEOUT 0x0c
#define UART_IIR_FIFO_ENABLED 0xc0  /* both bits set in FIFO mode */

#define UART_FCR_ENABLE     BIT(0)
#define UART_FCR_CLEAR_RCVR BIT(1)  /* self-clearing */
#define UART_FCR_CLEAR_XMIT BIT(2)  /* self-clearing */
#define UART_FCR_DMA_MODE   BIT(3)
#define UART_FCR_TRIGGER_MASK 0xc0

#define UART_LCR_WLS_MASK   0x03    /* word length 5..8 bits */
#define UART_LCR_WLS_8      0x03
#define UART_LCR_STB        BIT(2)  /* two stop bits */
#define UART_LCR_PEN        BIT(3)  /* parity enable */
#define UART_LCR_EPS        BIT(4)  /* even parity */
#define UART_LCR_STICK      BIT(5)
#define UART_LCR_BREAK      BIT(6)
#define UART_LCR_DLAB       BIT(7)  /* divisor latch access */

#define UART_MCR_DTR        BIT(0)
#define UART_MCR_RTS        BIT(1)
#define UART_MCR_OUT1       BIT(2)
#define UART_MCR_OUT2       BIT(3)
#define UART_MCR_LOOP       BIT(4)
#define UART_MCR_MASK       0x1f    /* bits 7:5 always read 0 */

#define UART_LSR_DR         BIT(0)  /* data ready */
#define UART_LSR_OE         BIT(1)
#define UART_LSR_PE         BIT(2)
#define UART_LSR_FE         BIT(3)
#define UART_LSR_BI         BIT(4)
#define UART_LSR_THRE       BIT(5)  /* transmitter holding register empty */
#define UART_LSR_TEMT       BIT(6)  /* transmitter empty */
#define UART_LSR_RXFE       BIT(7)  /* error in receiver FIFO */

#define UART_MSR_DCTS       BIT(0)
#define UART_MSR_DDSR       BIT(1)
#define UART_MSR_TERI       BIT(2)
#define UART_MSR_DDCD       BIT(3)
#define UART_MSR_CTS        BIT(4)
#define UART_MSR_DSR        BIT(5)
#define UART_MSR_RI         BIT(6)
#define UART_MSR_DCD        BIT(7)

/* The divisor latch counts a 1.8432 MHz clock divided by 16. */
#define UART_CLOCK_HZ       1843200
#define UART_DIVISOR(baud)  (UART_CLOCK_HZ / 16 / (baud))

#endif
