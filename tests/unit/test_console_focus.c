/*
 * Host tests for the console input focus: the switching cycle through the
 * hypervisor and each domain, one or two Ctrl-A's delivered with the byte
 * that follows, runs of Ctrl-A's longer than three, flushing, and the list
 * of domains changing under the focus (set, add, drop, a restart's replace).
 */
#include <string.h>

#include "dev/console_focus.h"
#include "tests/unit/check.h"

#define CA CONSOLE_SWITCH_CHAR
#define HV CONSOLE_FOCUS_HV

static struct console_focus f;
static uint8_t out[CONSOLE_OUT_MAX];
static unsigned nout;

static enum console_action in(uint8_t b)
{
	memset(out, 0xee, sizeof(out));
	return console_input(&f, b, out, &nout);
}

/* Three Ctrl-A's: the first two are held, the third switches. */
static void triple(void)
{
	CHECK_EQ(in(CA), CONSOLE_HOLD);
	CHECK_EQ(nout, 0);
	CHECK_EQ(in(CA), CONSOLE_HOLD);
	CHECK_EQ(nout, 0);
	CHECK_EQ(in(CA), CONSOLE_SWITCHED);
	CHECK_EQ(nout, 0);
	CHECK_EQ(console_focus_held(&f), 0);
}

static void setup(void)
{
	static const uint32_t ids[] = { 0, 2, 5 };     /* mgmt first */
	memset(&f, 0x5a, sizeof(f));
	console_focus_init(&f);
	CHECK_EQ(console_focus_set(&f, ids, 3), 0);
}

static void test_initial_state(void)
{
	memset(&f, 0x5a, sizeof(f));
	console_focus_init(&f);
	CHECK_EQ(console_focus_current(&f), HV);
	CHECK_EQ(console_focus_held(&f), 0);
	/* Ordinary bytes go to the hypervisor. */
	CHECK_EQ(in('x'), CONSOLE_DELIVER);
	CHECK_EQ(nout, 1);
	CHECK_EQ(out[0], 'x');
	/* With no domains, a switch comes back to the hypervisor. */
	triple();
	CHECK_EQ(console_focus_current(&f), HV);
}

static void test_cycle(void)
{
	setup();
	CHECK_EQ(console_focus_current(&f), HV);
	triple();
	CHECK_EQ(console_focus_current(&f), 0);
	triple();
	CHECK_EQ(console_focus_current(&f), 2);
	triple();
	CHECK_EQ(console_focus_current(&f), 5);
	triple();
	CHECK_EQ(console_focus_current(&f), HV);
	triple();
	CHECK_EQ(console_focus_current(&f), 0);
	/* Input follows the focus. */
	CHECK_EQ(in('l'), CONSOLE_DELIVER);
	CHECK_EQ(nout, 1);
	CHECK_EQ(out[0], 'l');
	CHECK_EQ(console_focus_current(&f), 0);
}

static void test_short_runs_are_input(void)
{
	setup();
	/* One Ctrl-A then a byte: both delivered, in order. */
	CHECK_EQ(in(CA), CONSOLE_HOLD);
	CHECK_EQ(console_focus_held(&f), 1);
	CHECK_EQ(in('a'), CONSOLE_DELIVER);
	CHECK_EQ(nout, 2);
	CHECK_EQ(out[0], CA);
	CHECK_EQ(out[1], 'a');
	/* Two Ctrl-A's then a byte. */
	in(CA);
	CHECK_EQ(in(CA), CONSOLE_HOLD);
	CHECK_EQ(console_focus_held(&f), 2);
	CHECK_EQ(in('\r'), CONSOLE_DELIVER);
	CHECK_EQ(nout, 3);
	CHECK(memcmp(out, "\x01\x01\r", 3) == 0);
	CHECK_EQ(console_focus_current(&f), HV);           /* no switch happened */
	/* The count starts over after an ordinary byte: CA CA x CA is no switch. */
	in(CA);
	in(CA);
	in('x');
	CHECK_EQ(in(CA), CONSOLE_HOLD);
	CHECK_EQ(console_focus_held(&f), 1);
	CHECK_EQ(in(0), CONSOLE_DELIVER);                  /* NUL is an ordinary byte too */
	CHECK_EQ(nout, 2);
	CHECK_EQ(out[1], 0);
	CHECK_EQ(console_focus_current(&f), HV);
}

static void test_long_runs(void)
{
	setup();
	/* Four Ctrl-A's and a byte: a switch, then one Ctrl-A delivered with the byte. */
	in(CA);
	in(CA);
	CHECK_EQ(in(CA), CONSOLE_SWITCHED);
	CHECK_EQ(in(CA), CONSOLE_HOLD);
	CHECK_EQ(in('q'), CONSOLE_DELIVER);
	CHECK_EQ(nout, 2);
	CHECK_EQ(out[0], CA);
	CHECK_EQ(out[1], 'q');
	CHECK_EQ(console_focus_current(&f), 0);            /* delivered to the new focus */
	/* Six in a row: two switches. */
	for (int i = 0; i < 6; i++)
		in(CA);
	CHECK_EQ(console_focus_current(&f), 5);
	CHECK_EQ(console_focus_held(&f), 0);
	/* Nine from domain 5: HV, 0, 2. */
	unsigned switches = 0;
	for (int i = 0; i < 9; i++)
		switches += in(CA) == CONSOLE_SWITCHED;
	CHECK_EQ(switches, 3);
	CHECK_EQ(console_focus_current(&f), 2);
}

static void test_flush(void)
{
	setup();
	CHECK_EQ(console_flush(&f, out, &nout), CONSOLE_HOLD);
	CHECK_EQ(nout, 0);
	in(CA);
	in(CA);
	CHECK_EQ(console_flush(&f, out, &nout), CONSOLE_DELIVER);
	CHECK_EQ(nout, 2);
	CHECK_EQ(out[0], CA);
	CHECK_EQ(out[1], CA);
	CHECK_EQ(console_focus_held(&f), 0);
	/* After a flush the count starts over. */
	CHECK_EQ(in(CA), CONSOLE_HOLD);
	CHECK_EQ(in(CA), CONSOLE_HOLD);
	CHECK_EQ(console_focus_current(&f), HV);
	CHECK_EQ(in(CA), CONSOLE_SWITCHED);
	CHECK_EQ(console_focus_current(&f), 0);
}

static void test_drop(void)
{
	setup();
	triple();
	triple();
	CHECK_EQ(console_focus_current(&f), 2);
	/* Dropping another domain leaves the focus alone. */
	CHECK(!console_focus_drop(&f, 0));
	CHECK_EQ(console_focus_current(&f), 2);
	CHECK(!console_focus_drop(&f, 77));                /* unknown: nothing */
	/* Dropping the focused one moves on to the next. */
	CHECK(console_focus_drop(&f, 2));
	CHECK_EQ(console_focus_current(&f), 5);
	/* The last one hands the focus to the hypervisor. */
	CHECK(console_focus_drop(&f, 5));
	CHECK_EQ(console_focus_current(&f), HV);
	CHECK_EQ(f.n, 0);
	triple();
	CHECK_EQ(console_focus_current(&f), HV);
	/* Held Ctrl-A's survive a drop: they are the user's keys, not the domain's. */
	setup();
	triple();
	in(CA);
	CHECK(console_focus_drop(&f, 0));
	CHECK_EQ(console_focus_current(&f), 2);
	CHECK_EQ(in('z'), CONSOLE_DELIVER);
	CHECK_EQ(nout, 2);
}

static void test_add_and_set(void)
{
	setup();
	CHECK_EQ(console_focus_add(&f, 9), 0);
	CHECK_EQ(console_focus_add(&f, 9), -1);            /* repeated */
	CHECK_EQ(console_focus_add(&f, HV), -1);
	for (int i = 0; i < 4; i++)
		triple();
	CHECK_EQ(console_focus_current(&f), 9);            /* appended at the end of the cycle */
	triple();
	CHECK_EQ(console_focus_current(&f), HV);
	triple();
	CHECK_EQ(console_focus_current(&f), 0);

	/* A new list that keeps the focused domain keeps the focus; the order is the new one. */
	static const uint32_t keep[] = { 7, 0, 9 };
	CHECK_EQ(console_focus_set(&f, keep, 3), 0);
	CHECK_EQ(console_focus_current(&f), 0);
	triple();
	CHECK_EQ(console_focus_current(&f), 9);
	/* One without it sends the focus to the hypervisor. */
	static const uint32_t without[] = { 7 };
	CHECK_EQ(console_focus_set(&f, without, 1), 1);
	CHECK_EQ(console_focus_current(&f), HV);
	/* Bad lists change nothing. */
	static const uint32_t dup[] = { 1, 1 }, hv[] = { 1, HV };
	CHECK_EQ(console_focus_set(&f, dup, 2), -1);
	CHECK_EQ(console_focus_set(&f, hv, 2), -1);
	CHECK_EQ(console_focus_set(&f, without, CONSOLE_FOCUS_MAX + 1), -1);
	CHECK_EQ(f.n, 1);
	CHECK_EQ(f.ids[0], 7);
	/* Empty list. */
	CHECK_EQ(console_focus_set(&f, NULL, 0), 0);
	CHECK_EQ(f.n, 0);

	/* Full. */
	uint32_t many[CONSOLE_FOCUS_MAX];
	for (unsigned i = 0; i < CONSOLE_FOCUS_MAX; i++)
		many[i] = i * 3;
	CHECK_EQ(console_focus_set(&f, many, CONSOLE_FOCUS_MAX), 0);
	CHECK_EQ(console_focus_add(&f, 1), -1);
	CHECK(!console_focus_drop(&f, 3));
	CHECK_EQ(console_focus_add(&f, 1), 0);
	CHECK_EQ(f.ids[CONSOLE_FOCUS_MAX - 1], 1);
	CHECK_EQ(f.ids[1], 6);
}

/* A restarted domain takes its predecessor's place, and its focus only if it had it. */
static void test_replace(void)
{
	setup();
	triple();
	triple();
	CHECK_EQ(console_focus_current(&f), 2);
	CHECK_EQ(console_focus_replace(&f, 2, 8), 0);
	CHECK_EQ(console_focus_current(&f), 8);            /* the focus followed */
	CHECK_EQ(f.n, 3);
	CHECK_EQ(f.ids[1], 8);                             /* in the same place of the cycle */
	triple();
	CHECK_EQ(console_focus_current(&f), 5);
	/* An unfocused one moves nothing. */
	CHECK_EQ(console_focus_replace(&f, 0, 3), 0);
	CHECK_EQ(console_focus_current(&f), 5);
	CHECK_EQ(f.ids[0], 3);
	/* Refused, changing nothing: an unknown old id, the hypervisor, an id listed already. */
	CHECK_EQ(console_focus_replace(&f, 2, 9), -1);
	CHECK_EQ(console_focus_replace(&f, 5, HV), -1);
	CHECK_EQ(console_focus_replace(&f, 5, 8), -1);
	CHECK_EQ(console_focus_current(&f), 5);
	CHECK_EQ(f.ids[0], 3);
	CHECK_EQ(f.ids[1], 8);
	CHECK_EQ(f.ids[2], 5);
	/* Replaced once, the old id is gone: dropping it does nothing. */
	CHECK(!console_focus_drop(&f, 2));
	CHECK_EQ(f.n, 3);
}

/* Every byte but Ctrl-A passes through unchanged, one for one. */
static void test_all_bytes_pass(void)
{
	setup();
	triple();
	int bad = 0;
	for (unsigned b = 0; b < 256; b++) {
		if (b == CA)
			continue;
		bad += in((uint8_t)b) != CONSOLE_DELIVER || nout != 1 || out[0] != b;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(console_focus_current(&f), 0);
}

int main(void)
{
	RUN(test_initial_state);
	RUN(test_cycle);
	RUN(test_short_runs_are_input);
	RUN(test_long_runs);
	RUN(test_flush);
	RUN(test_drop);
	RUN(test_add_and_set);
	RUN(test_replace);
	RUN(test_all_bytes_pass);
	return CHECK_EXIT();
}
