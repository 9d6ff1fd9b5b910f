/* The machine's real COM1, polled: the hypervisor's own console. */
#ifndef LIB_SERIAL_H
#define LIB_SERIAL_H

void serial_init(void);
/*
 * 1 when a UART answers at COM1 (scratch register and line status); 0 at once
 * when none does, and from then on output is dropped and no input is read.
 */
int serial_probe(void);
void serial_putc(char c);
/* A received byte, or -1 when none is waiting. */
int serial_getc_nonblock(void);
/* Wait until the transmitter is empty, so nothing is lost at power-off. */
void serial_drain(void);

#endif
