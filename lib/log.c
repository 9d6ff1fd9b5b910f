/*
 * Hypervisor log lines to the serial console, the screen console when the
 * machine has no UART, the kept log ring, and the firmware console while it
 * exists. Lines are formatted into a stack buffer first so a line is written
 * in one piece.
 */
#include <stdarg.h>
#include "lib/fbcon.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/log_ring.h"
#include "lib/serial.h"
#include "lib/spinlock.h"
#include "lib/x86.h"

#define LOG_LINE_MAX 512

static void (*firmware_sink)(const char *s, size_t len);
static int serial_on = 1;
static struct fbcon *screen;
static struct log_ring *kept;

void console_set_serial(int on)
{
	serial_on = on;
}

void console_set_screen(struct fbcon *con)
{
	screen = con;
}

void console_set_ring(struct log_ring *ring)
{
	kept = ring;
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
	if (screen)
		fbcon_write(screen, s, len);
	if (kept)
		log_ring_put(kept, s, len);
	if (firmware_sink)
		firmware_sink(s, len);
}

/*
 * One lock keeps lines from different CPUs whole. A panic takes it only if it
 * can get it within a bounded wait: the CPU holding it may be the one that
 * broke, and the report matters more than tidy output. It is innermost:
 * nothing is taken under it, and NMI context never takes it.
 */
static struct spinlock console_lock = SPINLOCK_INIT;
static volatile int panicking;
#define PANIC_LOCK_SPINS 10000000

void log_panic_begin(void)
{
	for (int i = 0; i < PANIC_LOCK_SPINS && !spin_trylock(&console_lock); i++)
		__asm__ volatile("pause");
	panicking = 1;
}

/*
 * A domain may leave a line unfinished (a prompt). Whoever writes next ends
 * it with a newline first, and clears the owner's flag so that its next
 * bytes start a fresh, prefixed line. Called with the console lock held.
 */
static uint8_t *partial_owner;

static void break_partial(uint8_t *self)
{
	if (partial_owner && partial_owner != self) {
		console_write("\n", 1);
		*partial_owner = 0;
		partial_owner = 0;
	}
}

void console_partial_line(uint8_t *owner, int open)
{
	if (open)
		partial_owner = owner;
	else if (partial_owner == owner)
		partial_owner = 0;
}

void console_lock_acquire_for(uint8_t *owner)
{
	spin_lock(&console_lock);
	break_partial(owner);
}

void console_lock_acquire(void) { console_lock_acquire_for(0); }
void console_lock_release(void) { spin_unlock(&console_lock); }

static void vlog(const char *prefix, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	int n = fmt_snprintf(line, sizeof line, "%s", prefix);
	int m = fmt_vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	size_t len = (size_t)n + (size_t)m;
	if (len > sizeof line - 1)
		len = sizeof line - 1;
	if (panicking) {
		console_write(line, len);
		return;
	}
	console_lock_acquire();
	console_write(line, len);
	console_lock_release();
}

#define DEFINE_LOG(fn, prefix) \
	void fn(const char *fmt, ...) { va_list ap; va_start(ap, fmt); vlog(prefix, fmt, ap); va_end(ap); }
DEFINE_LOG(log_printf, "")
DEFINE_LOG(log_info, "hinoki: ")
DEFINE_LOG(log_warn, "hinoki: warning: ")
DEFINE_LOG(log_err, "hinoki: error: ")
#undef DEFINE_LOG

static void (*panic_end)(void) __attribute__((noreturn));

void log_set_panic_end(void (*end)(void) __attribute__((noreturn)))
{
	panic_end = end;
}

void panic(const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	log_panic_begin();
	console_write("hinoki: panic: ", 15);
	console_write(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
	if (panic_end)
		panic_end();
	halt_forever();
}
