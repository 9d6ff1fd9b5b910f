/*
 * Text on a framebuffer. Scrolling moves the pixels up one text row rather
 * than keeping a character copy of the screen: no memory beyond the
 * framebuffer is needed, and the console works before any allocator does.
 */
#include "lib/fbcon.h"
#include "lib/font.h"
#include "lib/string.h"

static uint32_t *scanline(const struct fbcon *con, uint32_t y)
{
	return (uint32_t *)(uintptr_t)con->fb.base + (uint64_t)y * con->fb.stride;
}

static void fill_rows(const struct fbcon *con, uint32_t y0, uint32_t y1)
{
	for (uint32_t y = y0; y < y1; y++) {
		uint32_t *p = scanline(con, y);
		for (uint32_t x = 0; x < con->fb.width; x++)
			p[x] = con->fb.bg;
	}
}

int fbcon_init(struct fbcon *con, const struct fb_info *fb)
{
	if (!fb->base || fb->stride < fb->width || fb->width < FONT_CELL_W || fb->height < FONT_CELL_H ||
	    (uint64_t)fb->stride * fb->height * sizeof(uint32_t) > fb->size)
		return -1;
	con->fb = *fb;
	con->cols = fb->width / FONT_CELL_W;
	con->rows = fb->height / FONT_CELL_H;
	con->col = con->row = 0;
	fill_rows(con, 0, fb->height);
	return 0;
}

static void draw(const struct fbcon *con, char c)
{
	uint32_t x0 = con->col * FONT_CELL_W, y0 = con->row * FONT_CELL_H;
	for (uint32_t y = 0; y < FONT_CELL_H; y++) {
		uint32_t *p = scanline(con, y0 + y) + x0;
		for (uint32_t x = 0; x < FONT_CELL_W; x++)
			p[x] = font_cell_pixel(c, x, y) ? con->fb.fg : con->fb.bg;
	}
}

static void new_line(struct fbcon *con)
{
	con->col = 0;
	if (con->row + 1 < con->rows) {
		con->row++;
		return;
	}
	uint32_t text_h = con->rows * FONT_CELL_H;
	for (uint32_t y = 0; y + FONT_CELL_H < text_h; y++)
		memmove(scanline(con, y), scanline(con, y + FONT_CELL_H), con->fb.width * sizeof(uint32_t));
	fill_rows(con, text_h - FONT_CELL_H, text_h);
}

void fbcon_write(struct fbcon *con, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n') {
			new_line(con);
		} else if (s[i] == '\r') {
			con->col = 0;
		} else {
			if (con->col == con->cols)
				new_line(con);
			draw(con, s[i]);
			con->col++;
		}
	}
}
