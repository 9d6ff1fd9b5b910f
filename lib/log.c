/*
 * Hypervisor log lines to the serial console (and the firmware console while
 * it exists). Lines are formatted into a stack buffer first so a line is
 * written in one piece.
 */
#include <stdarg.h>
#include "boot/power.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/serial.h"

#define LOG_LINE_MAX 512

static void (*firmware_sink)(const char *s, size_t len);
static int serial_on = 1;

void console_set_serial(int on)
{
	serial_on = on;
}

void console_set_firmware_sink(void (*sink)(const char *s, size_t len))
{
	firmware_sink = sink;
}

void console_write(const char *s, size_t len)
{
	for (size_t i = 0; serial_on && i < len; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
	if (firmware_sink)
		firmware_sink(s, len);
}

static void vlog(const char *prefix, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	int n = fmt_snprintf(line, sizeof line, "%s", prefix);
	int m = fmt_vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	size_t len = (size_t)n + (size_t)m;
	if (len > sizeof line - 1)
		len = sizeof line - 1;
	console_write(line, len);
}

#define DEFINE_LOG(fn, prefix) \
	void fn(const char *fmt, ...) { va_list ap; va_start(ap, fmt); vlog(prefix, fmt, ap); va_end(ap); }
DEFINE_LOG(log_printf, "")
DEFINE_LOG(log_info, "hinoki: ")
DEFINE_LOG(log_warn, "hinoki: warning: ")
DEFINE_LOG(log_err, "hinoki: error: ")
#undef DEFINE_LOG

void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("hinoki: panic: ", fmt, ap);
	va_end(ap);
	power_off(POWER_FAILURE);
}
