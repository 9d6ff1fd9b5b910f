/*
 * Host tests for the guest kernels' command-line reader (guests/lib/cmdline.c):
 * KEY=N settings in decimal and hex, the last one winning, values that do
 * not parse or overflow left alone, and KEY=A-B ranges (a single N is the
 * range N-N), which the attack guest's case selection uses.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "../../guests/lib/cmdline.c"

static struct hinoki_bootinfo bi;
static char line[HINOKI_CMDLINE_MAX + 64];

/* The boot information for a line, as if the line lay in 1 GiB of RAM. */
static const struct hinoki_bootinfo *boot(const char *s)
{
	memset(line, 0, sizeof line);
	strcpy(line, s);
	bi.cmdline_gpa = (uintptr_t)line;
	bi.mem_bytes = (uintptr_t)line + sizeof line;
	return &bi;
}

static void test_u64(void)
{
	uint64_t v = 7;
	CHECK(cmdline_u64(boot("a=1 units=500 b=2"), "units", &v) && v == 500);
	CHECK(cmdline_u64(boot("x=0x1F"), "x", &v) && v == 0x1f);
	CHECK(cmdline_u64(boot("x=1 x=2"), "x", &v) && v == 2);
	v = 7;
	CHECK(!cmdline_u64(boot("x=abc"), "x", &v) && v == 7);
	CHECK(!cmdline_u64(boot("x=18446744073709551616"), "x", &v) && v == 7);
	CHECK(!cmdline_u64(boot("xx=1"), "x", &v) && v == 7);
}

static void test_range(void)
{
	uint64_t lo = 9, hi = 9;
	CHECK(cmdline_range(boot("cases=3-17 seed=1"), "cases", &lo, &hi) && lo == 3 && hi == 17);
	CHECK(cmdline_range(boot("case=188"), "case", &lo, &hi) && lo == 188 && hi == 188);
	CHECK(cmdline_range(boot("cases=0x10-0x20"), "cases", &lo, &hi) && lo == 16 && hi == 32);
	lo = hi = 9;
	CHECK(!cmdline_range(boot("cases=3-"), "cases", &lo, &hi) && lo == 9 && hi == 9);
	CHECK(!cmdline_range(boot("cases=-3"), "cases", &lo, &hi) && lo == 9 && hi == 9);
	CHECK(!cmdline_range(boot("cases=1-2-3"), "cases", &lo, &hi) && lo == 9 && hi == 9);
	CHECK(!cmdline_range(boot("cases"), "cases", &lo, &hi));
	/* A plain number is not taken as a range by cmdline_u64's reader, nor a range as a number. */
	uint64_t v = 5;
	CHECK(!cmdline_u64(boot("cases=3-17"), "cases", &v) && v == 5);
}

int main(void)
{
	RUN(test_u64);
	RUN(test_range);
	return CHECK_EXIT();
}
