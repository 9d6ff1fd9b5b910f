/*
 * A line editor for a serial shell: feed it one received byte at a time and
 * it echoes, edits and says when a line is complete. It does no I/O of its
 * own (echo goes through a callback), so it is tested on the host.
 *
 * Keys: printable ASCII is appended (a tab counts as a space); Backspace
 * (0x08) and DEL (0x7f) erase one character; Ctrl-U erases the line; Ctrl-C
 * abandons it; CR or LF ends it, and an LF right after a CR is ignored, so
 * CR, LF and CR LF terminals all give one line per Enter. Other control
 * bytes and bytes above 0x7f are ignored; a byte that would overflow the
 * buffer is refused with a bell.
 */
#ifndef GUEST_LINEEDIT_H
#define GUEST_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>

enum line_status {
	LINE_PENDING,   /* keep feeding */
	LINE_DONE,      /* buf holds the line, NUL-terminated, len bytes */
	LINE_CANCELLED, /* Ctrl-C: the line was abandoned */
};

struct line_editor {
	char *buf;
	size_t cap;         /* buffer size, including the NUL */
	size_t len;
	bool after_cr;      /* the last byte ended a line with CR */
	void (*echo)(const char *s, size_t n);
};

/* cap must be at least 1. echo may be NULL (no echo). */
void line_init(struct line_editor *le, char *buf, size_t cap,
               void (*echo)(const char *s, size_t n));

/* Empties the line; call after handling a LINE_DONE or LINE_CANCELLED. */
void line_reset(struct line_editor *le);

enum line_status line_feed(struct line_editor *le, int c);

#endif
