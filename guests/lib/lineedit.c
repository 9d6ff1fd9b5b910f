/*
 * The byte-at-a-time line editor behind lineedit.h. Pure code: it touches
 * only its buffer and calls its echo hook, so the same file is built into
 * guests and into a host unit test.
 */
#include "lineedit.h"

enum {
	KEY_CTRL_C = 0x03,
	KEY_BS     = 0x08,
	KEY_TAB    = 0x09,
	KEY_LF     = 0x0a,
	KEY_CR     = 0x0d,
	KEY_CTRL_U = 0x15,
	KEY_DEL    = 0x7f,
	KEY_SPACE  = 0x20,
};

static void echo(struct line_editor *le, const char *s, size_t n)
{
	if (le->echo)
		le->echo(s, n);
}

static void erase_one(struct line_editor *le)
{
	/* Back over the character, blank it, back again. */
	static const char rub[] = "\b \b";
	if (le->len == 0)
		return;
	le->len--;
	le->buf[le->len] = '\0';
	echo(le, rub, sizeof rub - 1);
}

void line_init(struct line_editor *le, char *buf, size_t cap,
               void (*echo_fn)(const char *s, size_t n))
{
	le->buf = buf;
	le->cap = cap;
	le->echo = echo_fn;
	le->after_cr = false;
	line_reset(le);
}

void line_reset(struct line_editor *le)
{
	le->len = 0;
	le->buf[0] = '\0';
}

enum line_status line_feed(struct line_editor *le, int c)
{
	bool after_cr = le->after_cr;
	le->after_cr = false;

	switch (c) {
	case KEY_LF:
		if (after_cr)
			return LINE_PENDING;
		/* fall through */
	case KEY_CR:
		le->after_cr = c == KEY_CR;
		le->buf[le->len] = '\0';
		echo(le, "\n", 1);
		return LINE_DONE;
	case KEY_BS:
	case KEY_DEL:
		erase_one(le);
		return LINE_PENDING;
	case KEY_CTRL_U:
		while (le->len)
			erase_one(le);
		return LINE_PENDING;
	case KEY_CTRL_C:
		echo(le, "^C\n", 3);
		line_reset(le);
		return LINE_CANCELLED;
	case KEY_TAB:
		c = KEY_SPACE;
		break;
	default:
		if (c < KEY_SPACE || c >= KEY_DEL)
			return LINE_PENDING;
		break;
	}

	if (le->len + 1 >= le->cap) {
		echo(le, "\a", 1);
		return LINE_PENDING;
	}
	char ch = (char)c;
	le->buf[le->len++] = ch;
	le->buf[le->len] = '\0';
	echo(le, &ch, 1);
	return LINE_PENDING;
}
