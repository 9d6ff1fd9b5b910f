/*
 * The screen console: log text drawn with the built-in font (lib/font.h) into
 * a linear 32-bit-per-pixel framebuffer, for machines where no UART answers.
 * The boot code describes the framebuffer (the UEFI GOP's, recorded before
 * ExitBootServices); the console scrolls when the last row is full. Callers
 * hold the console lock (lib/log.c), as for the serial line.
 */
#ifndef LIB_FBCON_H
#define LIB_FBCON_H

#include <stddef.h>
#include <stdint.h>

struct fb_info {
	uint64_t base;               /* physical = virtual: the host map is the identity */
	uint64_t size;               /* bytes */
	uint32_t width, height;      /* visible pixels */
	uint32_t stride;             /* pixels per scan line, >= width */
	uint32_t fg, bg;             /* pixel values of the text and the background, in the mode's format */
};

struct fbcon {
	struct fb_info fb;
	uint32_t cols, rows;         /* character cells */
	uint32_t col, row;           /* the cursor */
};

/* Take over `fb` (cleared to bg); -1 when it cannot hold one row of text or its size is short. */
int fbcon_init(struct fbcon *con, const struct fb_info *fb);
/* Draw bytes: '\n' starts a new line, '\r' returns to its start, others print (wrapping at the right edge). */
void fbcon_write(struct fbcon *con, const char *s, size_t len);

#endif
