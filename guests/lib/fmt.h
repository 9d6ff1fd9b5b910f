/*
 * A small printf for the guest kernels. Conversions: %d %i %u %x %X %c %s %p
 * %%, with the length modifiers l, ll and z, the flags '0' and '-', a field
 * width, and a precision for %s (".N" or ".*") to print fixed-size name
 * fields that may lack a NUL. gprintf writes to COM1; gsnprintf to a buffer.
 */
#ifndef GUEST_FMT_H
#define GUEST_FMT_H

#include <stdarg.h>
#include <stddef.h>

int gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int gvprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* Always NUL-terminates when size > 0; returns the length it would have had. */
int gsnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int gvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif
