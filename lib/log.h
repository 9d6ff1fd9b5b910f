/*
 * Console output for the hypervisor: the serial line when a UART answers, the
 * screen (lib/fbcon.h) when none does, the UEFI text console too while boot
 * services last. Every line the hypervisor prints
 * starts with "hinoki: " so logs separate it from guests' "[name] " lines.
 */
#ifndef LIB_LOG_H
#define LIB_LOG_H

#include <stddef.h>
#include <stdint.h>

/* Raw bytes to every console, no prefix; callers hold the console lock around a whole line. */
void console_write(const char *s, size_t len);
void console_lock_acquire(void);
void console_lock_release(void);
/* The same, for a writer that may leave its line open: `owner` is its "line is open" flag. */
void console_lock_acquire_for(uint8_t *owner);
/* Under the lock: owner's line is now open (a partial line was written) or closed. */
void console_partial_line(uint8_t *owner, int open);
/* Extra sink used before ExitBootServices (the firmware's text console); NULL to drop it. */
void console_set_firmware_sink(void (*sink)(const char *s, size_t len));
struct fbcon;
struct log_ring;
/* Lines are also kept in this ring for the next boot (lib/log_ring.h); set once at boot. */
void console_set_ring(struct log_ring *ring);
/* Lines also go to this screen console (NULL: none); set once at boot, before other CPUs log. */
void console_set_screen(struct fbcon *con);
/* Whether lines also go to the real COM1 directly (off while the firmware console already does). */
void console_set_serial(int on);

void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));  /* no prefix */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));    /* "hinoki: " */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));    /* "hinoki: warning: " */
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));     /* "hinoki: error: " */

/* From here on this CPU prints without waiting for the console lock (fatal paths only). */
void log_panic_begin(void);

/*
 * A broken hypervisor invariant: print why, then call the end set by
 * log_set_panic_end() (the boot code's power-off with a failure status), or
 * halt when none is set.
 */
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* lib/ sits below the code that can end the machine, so that code hands panic() its way out. */
void log_set_panic_end(void (*end)(void) __attribute__((noreturn)));

#endif
