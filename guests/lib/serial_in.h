/*
 * Console input on COM1: the receive side of the polled 16550 in serial.c.
 * Under Hinoki the emulated UART holds bytes only while the domain has the
 * console focus (Ctrl-A three times on the hypervisor's serial line moves it).
 */
#ifndef GUEST_SERIAL_IN_H
#define GUEST_SERIAL_IN_H

/* The next received byte (0-255), or -1 when none is waiting. */
int serial_getc_nonblock(void);

#endif
