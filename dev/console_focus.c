/*
 * The serial console's input focus. Three Ctrl-A's in a row switch, so a
 * single Ctrl-A (line start in a shell, screen's prefix) still reaches the
 * guest: held Ctrl-A's are released in front of the first other byte. The
 * switching order is the hypervisor, then the list the caller gives; a
 * domain that ends passes the focus to the one after it, one that restarts
 * hands its place and focus to its successor. Pure code.
 */
#include "dev/console_focus.h"

_Static_assert(CONSOLE_SWITCH_PRESSES <= CONSOLE_OUT_MAX,
               "the held Ctrl-A's (one fewer than a switch) plus the byte must fit in out[]");

void console_focus_init(struct console_focus *f)
{
	f->n = 0;
	f->focus = CONSOLE_FOCUS_HV;
	f->held = 0;
}

static int index_of(const struct console_focus *f, uint32_t id)
{
	for (unsigned i = 0; i < f->n; i++)
		if (f->ids[i] == id)
			return (int)i;
	return -1;
}

int console_focus_set(struct console_focus *f, const uint32_t *ids, unsigned n)
{
	if (n > CONSOLE_FOCUS_MAX)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		if (ids[i] == CONSOLE_FOCUS_HV)
			return -1;
		for (unsigned j = 0; j < i; j++)
			if (ids[j] == ids[i])
				return -1;
	}
	for (unsigned i = 0; i < n; i++)
		f->ids[i] = ids[i];
	f->n = n;
	if (f->focus != CONSOLE_FOCUS_HV && index_of(f, f->focus) < 0) {
		f->focus = CONSOLE_FOCUS_HV;
		return 1;
	}
	return 0;
}

int console_focus_add(struct console_focus *f, uint32_t id)
{
	if (f->n == CONSOLE_FOCUS_MAX || id == CONSOLE_FOCUS_HV || index_of(f, id) >= 0)
		return -1;
	f->ids[f->n++] = id;
	return 0;
}

bool console_focus_drop(struct console_focus *f, uint32_t id)
{
	int at = index_of(f, id);
	bool moved = false;

	if (at < 0)
		return false;
	if (f->focus == id) {
		f->focus = (unsigned)at + 1 < f->n ? f->ids[at + 1] : CONSOLE_FOCUS_HV;
		moved = true;
	}
	for (unsigned i = (unsigned)at; i + 1 < f->n; i++)
		f->ids[i] = f->ids[i + 1];
	f->n--;
	return moved;
}

int console_focus_replace(struct console_focus *f, uint32_t old, uint32_t id)
{
	int at = index_of(f, old);

	if (at < 0 || id == CONSOLE_FOCUS_HV || (id != old && index_of(f, id) >= 0))
		return -1;
	f->ids[at] = id;
	if (f->focus == old)
		f->focus = id;
	return 0;
}

int console_focus_to(struct console_focus *f, uint32_t id)
{
	if (index_of(f, id) < 0)
		return -1;
	f->focus = id;
	f->held = 0;
	return 0;
}

uint32_t console_focus_current(const struct console_focus *f)
{
	return f->focus;
}

unsigned console_focus_held(const struct console_focus *f)
{
	return f->held;
}

/* Hypervisor, ids[0], ids[1], ..., back to the hypervisor. */
static void switch_focus(struct console_focus *f)
{
	int at = f->focus == CONSOLE_FOCUS_HV ? -1 : index_of(f, f->focus);

	f->focus = (unsigned)(at + 1) < f->n ? f->ids[at + 1] : CONSOLE_FOCUS_HV;
}

static unsigned release_held(struct console_focus *f, uint8_t *out)
{
	unsigned n = 0;

	while (f->held) {
		out[n++] = CONSOLE_SWITCH_CHAR;
		f->held--;
	}
	return n;
}

enum console_action console_input(struct console_focus *f, uint8_t byte,
                                  uint8_t out[CONSOLE_OUT_MAX], unsigned *nout)
{
	*nout = 0;
	if (byte == CONSOLE_SWITCH_CHAR) {
		if (++f->held < CONSOLE_SWITCH_PRESSES)
			return CONSOLE_HOLD;
		f->held = 0;
		switch_focus(f);
		return CONSOLE_SWITCHED;
	}
	unsigned n = release_held(f, out);
	out[n++] = byte;
	*nout = n;
	return CONSOLE_DELIVER;
}

enum console_action console_flush(struct console_focus *f, uint8_t out[CONSOLE_OUT_MAX],
                                  unsigned *nout)
{
	*nout = release_held(f, out);
	return *nout ? CONSOLE_DELIVER : CONSOLE_HOLD;
}
