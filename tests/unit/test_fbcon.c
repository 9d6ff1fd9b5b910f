/*
 * Host tests for the screen console: the font's glyphs are all different and
 * stay inside their cells (so a screenshot decodes back to text), text lands
 * in the right cells in the right colours, the stride's padding is never
 * written, lines wrap at the right edge and the screen scrolls when full, and
 * a framebuffer too small for its stated geometry is refused.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/fbcon.h"
#include "lib/font.h"
#include "tests/unit/check.h"

#define W 80           /* 10 columns */
#define H 50           /* 3 rows, 2 spare scan lines */
#define STRIDE 96
#define FG 0x00ffffffu
#define BG 0x00102030u
#define PAD 0xdeadbeefu

static uint32_t pixels[STRIDE * H];
static struct fbcon con;

static void setup(void)
{
	for (size_t i = 0; i < sizeof pixels / sizeof pixels[0]; i++)
		pixels[i] = PAD;
	struct fb_info fb = { .base = (uint64_t)(uintptr_t)pixels, .size = sizeof pixels, .width = W, .height = H,
	                      .stride = STRIDE, .fg = FG, .bg = BG };
	CHECK_EQ(fbcon_init(&con, &fb), 0);
	CHECK_EQ(con.cols, 10);
	CHECK_EQ(con.rows, 3);
}

/* Whether text cell (col, row) shows character c. */
static int cell_is(unsigned col, unsigned row, char c)
{
	for (unsigned y = 0; y < FONT_CELL_H; y++)
		for (unsigned x = 0; x < FONT_CELL_W; x++) {
			uint32_t want = font_cell_pixel(c, x, y) ? FG : BG;
			if (pixels[(row * FONT_CELL_H + y) * STRIDE + col * FONT_CELL_W + x] != want)
				return 0;
		}
	return 1;
}

/* Whether text row `row` reads `text`, blank cells after it. */
static int row_is(unsigned row, const char *text)
{
	size_t n = strlen(text);
	for (unsigned col = 0; col < con.cols; col++)
		if (!cell_is(col, row, col < n ? text[col] : ' '))
			return 0;
	return 1;
}

/* The three rows of the test screen. */
static int screen_is(const char *r0, const char *r1, const char *r2)
{
	return row_is(0, r0) && row_is(1, r1) && row_is(2, r2);
}

static int cells_equal(char a, char b)
{
	for (unsigned y = 0; y < FONT_CELL_H; y++)
		for (unsigned x = 0; x < FONT_CELL_W; x++)
			if (font_cell_pixel(a, x, y) != font_cell_pixel(b, x, y))
				return 0;
	return 1;
}

static void test_font_distinct_and_framed(void)
{
	for (int a = FONT_FIRST; a <= FONT_LAST; a++) {
		int lit = 0;
		for (unsigned y = 0; y < FONT_CELL_H; y++)
			for (unsigned x = 0; x < FONT_CELL_W; x++) {
				int on = font_cell_pixel((char)a, x, y);
				lit += on;
				if (on && (x == 0 || x >= FONT_CELL_W - 2 || y == 0 || y == FONT_CELL_H - 1))
					CHECK(!"glyph touches its cell's border");
			}
		CHECK(a == ' ' ? lit == 0 : lit > 0);
		for (int b = a + 1; b <= FONT_LAST; b++)
			if (cells_equal((char)a, (char)b)) {
				fprintf(stderr, "  glyphs '%c' and '%c' are the same\n", a, b);
				CHECK(0);
			}
	}
	CHECK(cells_equal('\x01', '?'));
	CHECK(cells_equal((char)0xe9, '?'));
}

static void test_text_in_cells(void)
{
	setup();
	fbcon_write(&con, "AB\nCD", 5);
	CHECK(screen_is("AB", "CD", ""));
	fbcon_write(&con, "\rx", 2);
	CHECK(screen_is("AB", "xD", ""));
	for (unsigned y = 0; y < H; y++)
		for (unsigned x = W; x < STRIDE; x++)
			if (pixels[y * STRIDE + x] != PAD) {
				CHECK(!"stride padding written");
				return;
			}
	CHECK_EQ(pixels[(H - 1) * STRIDE], BG);   /* spare scan lines cleared at init */
}

static void test_wrap_and_scroll(void)
{
	setup();
	fbcon_write(&con, "0123456789abc", 13);
	CHECK(screen_is("0123456789", "abc", ""));
	fbcon_write(&con, "\nrow3\nrow4", 10);
	/* Four lines of text on three rows: the first went off the top. */
	CHECK(screen_is("abc", "row3", "row4"));
	fbcon_write(&con, "\n", 1);
	CHECK(screen_is("row3", "row4", ""));
}

static void test_refused(void)
{
	struct fb_info fb = { .base = (uint64_t)(uintptr_t)pixels, .size = sizeof pixels - 4, .width = W, .height = H,
	                      .stride = STRIDE, .fg = FG, .bg = BG };
	struct fbcon c;
	CHECK_EQ(fbcon_init(&c, &fb), -1);          /* stated size short of stride * height */
	fb.size = sizeof pixels;
	fb.stride = W - 1;
	CHECK_EQ(fbcon_init(&c, &fb), -1);          /* stride narrower than a line */
	fb.stride = STRIDE;
	fb.height = FONT_CELL_H - 1;
	CHECK_EQ(fbcon_init(&c, &fb), -1);          /* not one text row */
	fb.height = H;
	fb.base = 0;
	CHECK_EQ(fbcon_init(&c, &fb), -1);
}

int main(void)
{
	RUN(test_font_distinct_and_framed);
	RUN(test_text_in_cells);
	RUN(test_wrap_and_scroll);
	RUN(test_refused);
	return CHECK_EXIT();
}
