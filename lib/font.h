/*
 * The screen console's built-in font: printable ASCII (32-126) as 5x7
 * glyphs, drawn doubled in height in an 8x16 cell. tests/integration/
 * screen_check.py reads the table from lib/font.c, so the screenshot test
 * renders with exactly these bits.
 */
#ifndef LIB_FONT_H
#define LIB_FONT_H

#include <stdint.h>

#define FONT_FIRST   32
#define FONT_LAST    126
#define FONT_COLS    5     /* glyph bits per row, bit 4 the leftmost */
#define FONT_ROWS    7
#define FONT_CELL_W  8     /* a character cell on screen, in pixels */
#define FONT_CELL_H  16

/* Whether pixel (x, y) of character c's 8x16 cell is lit; characters outside 32-126 draw as '?'. */
int font_cell_pixel(char c, unsigned x, unsigned y);

#endif
