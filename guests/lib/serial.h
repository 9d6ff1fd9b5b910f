/*
 * Console output on COM1, a 16550 UART at port 0x3f8. Under Hinoki the UART
 * is emulated (every access traps), under QEMU it is QEMU's own; the driver
 * is the same polled one for both.
 */
#ifndef GUEST_SERIAL_H
#define GUEST_SERIAL_H

#include <stddef.h>

void serial_init(void);
void serial_putc(char c);
void serial_write(const char *s, size_t len);
void serial_puts(const char *s);

#endif
