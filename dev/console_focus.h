/*
 * Which domain the serial console's input goes to, as in Xen: pressing
 * Ctrl-A three times in a row moves the input focus from the hypervisor to
 * each domain that takes input in turn (the management domain first) and
 * back to the hypervisor. Fewer Ctrl-A's followed by another byte are
 * ordinary input and are delivered with it. A pure state machine: the caller
 * feeds it the bytes read from the serial port, delivers what it returns to
 * the focused domain, and says which domains exist.
 */
#ifndef DEV_CONSOLE_FOCUS_H
#define DEV_CONSOLE_FOCUS_H

#include <stdbool.h>
#include <stdint.h>

#define CONSOLE_FOCUS_HV       UINT32_MAX  /* the focus is the hypervisor itself */
#define CONSOLE_FOCUS_MAX      64          /* domains that may take input at once */
#define CONSOLE_SWITCH_CHAR    0x01        /* Ctrl-A */
#define CONSOLE_SWITCH_PRESSES 3
#define CONSOLE_OUT_MAX        4           /* bytes one input byte can release, rounded up */

enum console_action {
	CONSOLE_HOLD,      /* nothing to deliver: a Ctrl-A that may start a switch is held back */
	CONSOLE_DELIVER,   /* out[0..nout) are input for console_focus_current() */
	CONSOLE_SWITCHED,  /* the focus moved: tell the user where input goes now */
};

struct console_focus {
	uint32_t ids[CONSOLE_FOCUS_MAX];   /* domains that take input, in switching order */
	unsigned n;
	uint32_t focus;                    /* CONSOLE_FOCUS_HV or one of ids */
	unsigned held;                     /* Ctrl-A's held back, 0 to CONSOLE_SWITCH_PRESSES - 1 */
};

/* No domains; input goes to the hypervisor. */
void console_focus_init(struct console_focus *f);

/*
 * Replace the list of domains that take input (switching order: the
 * management domain first). A focused domain missing from the new list hands
 * the focus to the hypervisor. Returns 1 when the focus moved, 0 when not, -1
 * when n is above CONSOLE_FOCUS_MAX or an id is CONSOLE_FOCUS_HV or repeated
 * (nothing changes).
 */
int console_focus_set(struct console_focus *f, const uint32_t *ids, unsigned n);
/* Append one domain (created later); 0, or -1 when full, repeated or CONSOLE_FOCUS_HV. */
int console_focus_add(struct console_focus *f, uint32_t id);
/*
 * A domain ended: drop it from the list. When it had the focus, the focus
 * moves on to the next domain in order, or to the hypervisor after the last;
 * returns true then, so the caller can say where input goes now.
 */
bool console_focus_drop(struct console_focus *f, uint32_t id);

/*
 * A domain restarted under a new id: the new one takes the old one's place
 * in the switching order, and the focus if the old one had it, as a user at
 * the console expects of a machine that reboots. 0, or -1 (nothing changes)
 * when old is not listed or id is CONSOLE_FOCUS_HV or listed already.
 */
int console_focus_replace(struct console_focus *f, uint32_t old, uint32_t id);
/* Give the focus to a listed domain (the management domain at boot, as Xen does); 0 or -1. */
int console_focus_to(struct console_focus *f, uint32_t id);
uint32_t console_focus_current(const struct console_focus *f);
/* Ctrl-A's held back: one input byte may release this many plus itself. */
unsigned console_focus_held(const struct console_focus *f);

/* One byte from the serial port. *nout is always set (0 unless CONSOLE_DELIVER). */
enum console_action console_input(struct console_focus *f, uint8_t byte,
                                  uint8_t out[CONSOLE_OUT_MAX], unsigned *nout);
/*
 * Give up waiting for the rest of a switch: the held Ctrl-A's are ordinary
 * input (CONSOLE_DELIVER), or CONSOLE_HOLD when none are held. Optional; a
 * caller that never calls it keeps them until the next byte, as Xen does.
 */
enum console_action console_flush(struct console_focus *f, uint8_t out[CONSOLE_OUT_MAX],
                                  unsigned *nout);

#endif
