/*
 * Host tests for the management domain's parsing (guests/mgmt/parse.c:
 * script and word splitting, options, CPU lists, finding a domain), the
 * shell's line editor (guests/lib/lineedit.c) and the guests' KEY=N
 * command-line reader (guests/lib/cmdline.c). The same files build into the
 * guests. The commands themselves are tested in test_mgmt_shell.c.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "../../guests/lib/cmdline.c"
#include "../../guests/lib/lineedit.c"
#include "../../guests/mgmt/parse.c"

/* Echo from the line editor. */
static char out[256];
static size_t out_len;

static void out_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n && out_len + 1 < sizeof out; i++)
		out[out_len++] = s[i];
	out[out_len] = '\0';
}

static void out_clear(void)
{
	out_len = 0;
	out[0] = '\0';
}

/* A domain list as HC_DOMCTL_LIST returns it. */
#define FAKE_MAX 16
static struct hinoki_dominfo fake[FAKE_MAX];
static size_t nfake;

static void fake_add(uint32_t id, const char *name, uint32_t state)
{
	if (nfake == FAKE_MAX) {
		CHECK(!"fake domain table full");
		return;
	}
	struct hinoki_dominfo *d = &fake[nfake++];
	memset(d, 0, sizeof *d);
	d->id = state == HINOKI_DOM_CONFIGURED ? 0xffffffffu : id;
	d->state = state;
	strncpy(d->name, name, sizeof d->name);
}

static void fake_reset(void)
{
	nfake = 0;
	fake_add(0, "mgmt", HINOKI_DOM_RUNNING);
	fake_add(1, "memcheck", HINOKI_DOM_RUNNING);
	fake_add(2, "hog", HINOKI_DOM_PAUSED);
	fake_add(0, "spare", HINOKI_DOM_CONFIGURED);
}

/* ---- parsing ---------------------------------------------------------------- */

static void test_script_split(void)
{
	const char *s = "  list; create hog memory=4 ;;\n wait;shutdown ; ";
	char cmd[64];
	CHECK_EQ(mgmt_script_next(&s, cmd, sizeof cmd), SCRIPT_CMD);
	CHECK(strcmp(cmd, "list") == 0);
	CHECK_EQ(mgmt_script_next(&s, cmd, sizeof cmd), SCRIPT_CMD);
	CHECK(strcmp(cmd, "create hog memory=4") == 0);
	CHECK_EQ(mgmt_script_next(&s, cmd, sizeof cmd), SCRIPT_CMD);
	CHECK(strcmp(cmd, "wait") == 0);
	CHECK_EQ(mgmt_script_next(&s, cmd, sizeof cmd), SCRIPT_CMD);
	CHECK(strcmp(cmd, "shutdown") == 0);
	CHECK_EQ(mgmt_script_next(&s, cmd, sizeof cmd), SCRIPT_END);
	CHECK_EQ(mgmt_script_next(&s, cmd, sizeof cmd), SCRIPT_END);

	/* A ';' inside quotes belongs to the command. */
	s = "create a extra=\"x; y\"; list";
	CHECK_EQ(mgmt_script_next(&s, cmd, sizeof cmd), SCRIPT_CMD);
	CHECK(strcmp(cmd, "create a extra=\"x; y\"") == 0);
	CHECK_EQ(mgmt_script_next(&s, cmd, sizeof cmd), SCRIPT_CMD);
	CHECK(strcmp(cmd, "list") == 0);

	/* A command too long for the buffer is skipped, the next one still comes. */
	s = "create abcdefghijklmnop; list";
	char small[8];
	CHECK_EQ(mgmt_script_next(&s, small, sizeof small), SCRIPT_TOO_LONG);
	CHECK_EQ(mgmt_script_next(&s, small, sizeof small), SCRIPT_CMD);
	CHECK(strcmp(small, "list") == 0);
	/* Exactly cap - 1 characters fit. */
	s = "1234567";
	CHECK_EQ(mgmt_script_next(&s, small, sizeof small), SCRIPT_CMD);
	CHECK(strcmp(small, "1234567") == 0);

	s = " ; ;\n ";
	CHECK_EQ(mgmt_script_next(&s, cmd, sizeof cmd), SCRIPT_END);
}

static void test_split_args(void)
{
	struct mgmt_args a;
	char l1[] = "  create  hog memory=4 extra=\"a b  c\" ";
	CHECK_EQ(mgmt_split_args(l1, &a), 4);
	CHECK(strcmp(a.argv[0], "create") == 0);
	CHECK(strcmp(a.argv[1], "hog") == 0);
	CHECK(strcmp(a.argv[2], "memory=4") == 0);
	CHECK(strcmp(a.argv[3], "extra=a b  c") == 0);

	char l2[] = "x \"\" y";
	CHECK_EQ(mgmt_split_args(l2, &a), 3);
	CHECK(strcmp(a.argv[1], "") == 0);
	CHECK(strcmp(a.argv[2], "y") == 0);

	char l3[] = "create extra=\"open";
	CHECK_EQ(mgmt_split_args(l3, &a), ARGS_ERR_QUOTE);

	char l4[] = "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16";
	CHECK_EQ(mgmt_split_args(l4, &a), 16);
	char l5[] = "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17";
	CHECK_EQ(mgmt_split_args(l5, &a), ARGS_ERR_TOO_MANY);

	char l6[] = "   \t ";
	CHECK_EQ(mgmt_split_args(l6, &a), 0);
}

static void test_numbers(void)
{
	uint64_t v = 99;
	CHECK(mgmt_parse_u64("0", &v) && v == 0);
	CHECK(mgmt_parse_u64("123", &v) && v == 123);
	CHECK(mgmt_parse_u64("0x1F", &v) && v == 31);
	CHECK(mgmt_parse_u64("18446744073709551615", &v) && v == UINT64_MAX);
	v = 5;
	CHECK(!mgmt_parse_u64("18446744073709551616", &v));
	CHECK(!mgmt_parse_u64("", &v));
	CHECK(!mgmt_parse_u64("0x", &v));
	CHECK(!mgmt_parse_u64("12a", &v));
	CHECK(!mgmt_parse_u64("-1", &v));
	CHECK(!mgmt_parse_u64("0x10000000000000000", &v));
	CHECK_EQ(v, 5);
}

static void test_cpus(void)
{
	uint64_t m = 0;
	CHECK(mgmt_parse_cpus("0-3,5", &m) && m == 0x2f);
	CHECK(mgmt_parse_cpus("all", &m) && m == UINT64_MAX);
	CHECK(mgmt_parse_cpus("63", &m) && m == 1ULL << 63);
	CHECK(mgmt_parse_cpus("2,2,1-2", &m) && m == 0x6);
	m = 7;
	CHECK(!mgmt_parse_cpus("64", &m));
	CHECK(!mgmt_parse_cpus("3-1", &m));
	CHECK(!mgmt_parse_cpus("1,", &m));
	CHECK(!mgmt_parse_cpus(",1", &m));
	CHECK(!mgmt_parse_cpus("1-", &m));
	CHECK(!mgmt_parse_cpus("", &m));
	CHECK(!mgmt_parse_cpus("a", &m));
	CHECK(!mgmt_parse_cpus("alll", &m));
	CHECK_EQ(m, 7);

	char buf[200];
	CHECK(mgmt_format_cpus(0x2f, buf, sizeof buf) && strcmp(buf, "0-3,5") == 0);
	CHECK(mgmt_format_cpus(0x3, buf, sizeof buf) && strcmp(buf, "0,1") == 0);
	CHECK(mgmt_format_cpus(UINT64_MAX, buf, sizeof buf) && strcmp(buf, "all") == 0);
	CHECK(mgmt_format_cpus(0, buf, sizeof buf) && strcmp(buf, "-") == 0);
	CHECK(mgmt_format_cpus(1ULL << 63, buf, sizeof buf) && strcmp(buf, "63") == 0);
	CHECK(mgmt_format_cpus(0x7fffffffffffffffULL, buf, sizeof buf) && strcmp(buf, "0-62") == 0);
	/* Too small: cut at a whole item, still terminated. */
	CHECK(!mgmt_format_cpus(0x2f, buf, 5));
	CHECK(strcmp(buf, "0-3") == 0);
	CHECK(!mgmt_format_cpus(0x1, buf, 1));
	CHECK(strcmp(buf, "") == 0);

	/* Every mask survives format then parse. */
	const uint64_t masks[] = { 1, 0x5555555555555555ULL, 0xf0f0, 1ULL << 10 | 1ULL << 40, 0x8000000000000001ULL };
	for (size_t i = 0; i < sizeof masks / sizeof masks[0]; i++) {
		CHECK(mgmt_format_cpus(masks[i], buf, sizeof buf));
		CHECK(mgmt_parse_cpus(buf, &m));
		CHECK_EQ(m, masks[i]);
	}
}

static void test_options(void)
{
	struct mgmt_opts o;
	int bad;
	char *ok[] = { "memory=64", "vcpus=2", "weight=512", "cpus=0-1", "extra=a b" };
	CHECK_EQ(mgmt_parse_opts(5, ok, 0x1f, &o, &bad), OPT_OK);
	CHECK_EQ(bad, -1);
	CHECK_EQ(o.given, OPT_MEMORY | OPT_VCPUS | OPT_WEIGHT | OPT_CPUS | OPT_EXTRA);
	CHECK_EQ(o.memory_mib, 64);
	CHECK_EQ(o.vcpus, 2);
	CHECK_EQ(o.weight, 512);
	CHECK_EQ(o.cpus_mask, 3);
	CHECK(strcmp(o.extra, "a b") == 0);

	CHECK_EQ(mgmt_parse_opts(0, ok, 0, &o, &bad), OPT_OK);
	CHECK_EQ(o.given, 0);

	char *unknown[] = { "weight=2", "colour=red" };
	CHECK_EQ(mgmt_parse_opts(2, unknown, OPT_WEIGHT, &o, &bad), OPT_ERR_UNKNOWN);
	CHECK_EQ(bad, 1);
	char *bare[] = { "memory" };
	CHECK_EQ(mgmt_parse_opts(1, bare, OPT_MEMORY, &o, &bad), OPT_ERR_UNKNOWN);
	char *prefix[] = { "memoryx=4" };
	CHECK_EQ(mgmt_parse_opts(1, prefix, OPT_MEMORY, &o, &bad), OPT_ERR_UNKNOWN);
	char *mem[] = { "memory=4" };
	CHECK_EQ(mgmt_parse_opts(1, mem, OPT_WEIGHT | OPT_CPUS, &o, &bad), OPT_ERR_NOT_HERE);
	CHECK_EQ(bad, 0);
	char *twice[] = { "weight=2", "weight=3" };
	CHECK_EQ(mgmt_parse_opts(2, twice, OPT_WEIGHT, &o, &bad), OPT_ERR_REPEATED);
	CHECK_EQ(bad, 1);

	char *bad_values[] = { "weight=0", "weight=65536", "vcpus=0", "vcpus=65", "memory=0",
	                       "memory=65537", "memory=x", "cpus=", "cpus=64", "weight=" };
	for (size_t i = 0; i < sizeof bad_values / sizeof bad_values[0]; i++) {
		CHECK_EQ(mgmt_parse_opts(1, &bad_values[i], 0x1f, &o, &bad), OPT_ERR_VALUE);
		CHECK_EQ(bad, 0);
	}
	char *edge[] = { "weight=65535", "vcpus=8", "memory=65536", "cpus=all" };
	CHECK_EQ(mgmt_parse_opts(4, edge, 0x1f, &o, &bad), OPT_OK);
	char *over[] = { "vcpus=9" };   /* HINOKI_MAX_VCPUS + 1: the shell refuses what creation would */
	CHECK_EQ(mgmt_parse_opts(1, over, 0x1f, &o, &bad), OPT_ERR_VALUE);

	char longx[HINOKI_EXTRA_MAX + 8] = "extra=";
	memset(longx + 6, 'x', HINOKI_EXTRA_MAX);
	longx[6 + HINOKI_EXTRA_MAX] = '\0';
	char *lp[] = { longx };
	CHECK_EQ(mgmt_parse_opts(1, lp, OPT_EXTRA, &o, &bad), OPT_ERR_VALUE);
	longx[6 + HINOKI_EXTRA_MAX - 1] = '\0';
	CHECK_EQ(mgmt_parse_opts(1, lp, OPT_EXTRA, &o, &bad), OPT_OK);
	CHECK(strcmp(mgmt_opt_error_text(OPT_ERR_UNKNOWN), "unknown option") == 0);
}

static void test_find_domain(void)
{
	fake_reset();
	fake_add(3, "hog", HINOKI_DOM_DESTROYED);
	fake_add(5, "old", HINOKI_DOM_ENDED);
	fake_add(9, "old", HINOKI_DOM_STOPPED);
	fake_add(0, "old", HINOKI_DOM_CONFIGURED);
	CHECK_EQ(mgmt_find_domain(fake, nfake, "0"), 0);
	CHECK_EQ(mgmt_find_domain(fake, nfake, "2"), 2);
	CHECK_EQ(mgmt_find_domain(fake, nfake, "0x2"), 2);
	CHECK_EQ(mgmt_find_domain(fake, nfake, "4"), DOM_NOT_FOUND);
	/* A configured entry has no id: 4294967295 must not find it. */
	CHECK_EQ(mgmt_find_domain(fake, nfake, "4294967295"), DOM_NOT_FOUND);
	CHECK_EQ(mgmt_find_domain(fake, nfake, "memcheck"), 1);
	CHECK_EQ(mgmt_find_domain(fake, nfake, "hog"), 2);          /* the live one */
	CHECK_EQ(mgmt_find_domain(fake, nfake, "old"), 6);          /* the newest ended */
	CHECK_EQ(mgmt_find_domain(fake, nfake, "spare"), 3);        /* only configured */
	CHECK_EQ(mgmt_find_domain(fake, nfake, "nosuch"), DOM_NOT_FOUND);
	CHECK_EQ(mgmt_find_domain(fake, nfake, "me"), DOM_NOT_FOUND);
	fake_add(8, "hog", HINOKI_DOM_RUNNING);
	CHECK_EQ(mgmt_find_domain(fake, nfake, "hog"), DOM_AMBIGUOUS);

	char full[HINOKI_NAME_MAX];
	memset(full, 'n', sizeof full);     /* no NUL */
	char key[HINOKI_NAME_MAX + 2];
	memset(key, 'n', HINOKI_NAME_MAX);
	key[HINOKI_NAME_MAX] = '\0';
	CHECK(mgmt_name_eq(full, key));
	key[HINOKI_NAME_MAX] = 'n';
	key[HINOKI_NAME_MAX + 1] = '\0';
	CHECK(!mgmt_name_eq(full, key));
	char abc[HINOKI_NAME_MAX] = "abc";
	CHECK(!mgmt_name_eq(abc, "ab"));
	CHECK(mgmt_name_eq(abc, "abc"));

	CHECK(strcmp(mgmt_state_name(HINOKI_DOM_PAUSED), "paused") == 0);
	CHECK(strcmp(mgmt_state_name(77), "?") == 0);
	CHECK(strcmp(mgmt_error_name(-HC_EPERM), "-EPERM") == 0);
	CHECK(strcmp(mgmt_error_name(-HC_ENOENT), "-ENOENT") == 0);
	CHECK(mgmt_error_name(-99) == NULL);
	CHECK(mgmt_error_name(INT64_MIN) == NULL);
}

/* ---- line editor -------------------------------------------------------- */

static enum line_status feed(struct line_editor *le, const char *s)
{
	enum line_status st = LINE_PENDING;
	for (; *s; s++)
		st = line_feed(le, (unsigned char)*s);
	return st;
}

static void test_line_editor(void)
{
	char buf[8];
	struct line_editor le;
	out_clear();
	line_init(&le, buf, sizeof buf, out_write);

	CHECK_EQ(feed(&le, "ab\bc"), LINE_PENDING);
	CHECK(strcmp(out, "ab\b \bc") == 0);
	CHECK_EQ(line_feed(&le, '\r'), LINE_DONE);
	CHECK(strcmp(buf, "ac") == 0);
	CHECK_EQ(le.len, 2);
	line_reset(&le);
	/* The LF of a CR LF pair is not a second, empty line. */
	CHECK_EQ(line_feed(&le, '\n'), LINE_PENDING);
	CHECK_EQ(feed(&le, "x\n"), LINE_DONE);
	CHECK(strcmp(buf, "x") == 0);
	line_reset(&le);
	/* A lone LF ends a line; so does each of two CRs. */
	CHECK_EQ(line_feed(&le, '\n'), LINE_DONE);
	CHECK(strcmp(buf, "") == 0);
	CHECK_EQ(line_feed(&le, '\r'), LINE_DONE);
	CHECK_EQ(line_feed(&le, '\r'), LINE_DONE);
	line_reset(&le);

	/* DEL erases too; backspace on an empty line does nothing. */
	out_clear();
	CHECK_EQ(feed(&le, "\x7f" "q\x7f" "r"), LINE_PENDING);
	CHECK(strcmp(out, "q\b \br") == 0);
	/* Ctrl-U erases the line, tab is a space, other controls are ignored. */
	CHECK_EQ(feed(&le, "s\x15" "a\tb\x01\x1b\x80\xff"), LINE_PENDING);
	CHECK_EQ(line_feed(&le, '\r'), LINE_DONE);
	CHECK(strcmp(buf, "a b") == 0);
	line_reset(&le);

	/* Full: 7 characters fit in 8 bytes, the 8th rings the bell. */
	out_clear();
	CHECK_EQ(feed(&le, "12345678"), LINE_PENDING);
	CHECK(strcmp(out, "1234567\a") == 0);
	CHECK_EQ(line_feed(&le, '\n'), LINE_DONE);
	CHECK(strcmp(buf, "1234567") == 0);
	line_reset(&le);

	/* Ctrl-C abandons the line. */
	out_clear();
	CHECK_EQ(feed(&le, "abc\x03"), LINE_CANCELLED);
	CHECK_EQ(le.len, 0);
	CHECK(strcmp(out, "abc^C\n") == 0);

	/* No echo hook: still edits. */
	line_init(&le, buf, sizeof buf, NULL);
	CHECK_EQ(feed(&le, "hi\r"), LINE_DONE);
	CHECK(strcmp(buf, "hi") == 0);
}

/* ---- guest command lines ------------------------------------------------- */

static void test_cmdline(void)
{
	char line[] = "  report=250 write=1 units=0x10 units=7 bad=12x flag empty= big=18446744073709551616";
	struct hinoki_bootinfo bi = { .cmdline_gpa = (uintptr_t)line, .mem_bytes = UINT64_MAX / 2 };
	uint64_t v = 0;
	CHECK(cmdline_u64(&bi, "report", &v) && v == 250);
	CHECK(cmdline_u64(&bi, "units", &v) && v == 7);     /* the last one wins */
	CHECK(cmdline_u64(&bi, "write", &v) && v == 1);
	v = 42;
	CHECK(!cmdline_u64(&bi, "bad", &v));
	CHECK(!cmdline_u64(&bi, "empty", &v));
	CHECK(!cmdline_u64(&bi, "big", &v));
	CHECK(!cmdline_u64(&bi, "flag", &v));
	CHECK(!cmdline_u64(&bi, "rep", &v));
	CHECK_EQ(v, 42);
	CHECK(cmdline_has(&bi, "flag"));
	CHECK(!cmdline_has(&bi, "fla"));
	CHECK(!cmdline_has(&bi, "report"));

	/* A command line that would run past the end of RAM is not read. */
	bi.mem_bytes = bi.cmdline_gpa + HINOKI_CMDLINE_MAX - 1;
	CHECK(strcmp(cmdline_get(&bi), "") == 0);
	CHECK(!cmdline_u64(&bi, "report", &v));
	bi.cmdline_gpa = 0;
	CHECK(strcmp(cmdline_get(&bi), "") == 0);
	CHECK(strcmp(cmdline_get(NULL), "") == 0);
}

/* A line read directly, as a Multiboot kernel's: its image name first, limits of 64 bits in both bases. */
static void test_cmdline_line(void)
{
	const char *line = "drcheck.elf base=0xa5a50010 max=18446744073709551615 hexmax=0xffffffffffffffff "
	                   "over=18446744073709551616 hexover=0x10000000000000000 x=0x";
	uint64_t v = 0;
	CHECK(cmdline_line_u64(line, "base", &v) && v == 0xa5a50010u);
	CHECK(cmdline_line_u64(line, "max", &v) && v == UINT64_MAX);
	CHECK(cmdline_line_u64(line, "hexmax", &v) && v == UINT64_MAX);
	v = 7;
	CHECK(!cmdline_line_u64(line, "over", &v));
	CHECK(!cmdline_line_u64(line, "hexover", &v));
	CHECK(!cmdline_line_u64(line, "x", &v));
	CHECK(!cmdline_line_u64(line, "drcheck.elf", &v));
	CHECK(!cmdline_line_u64("", "base", &v));
	CHECK_EQ(v, 7);
}

int main(void)
{
	RUN(test_script_split);
	RUN(test_split_args);
	RUN(test_numbers);
	RUN(test_cpus);
	RUN(test_options);
	RUN(test_find_domain);
	RUN(test_line_editor);
	RUN(test_cmdline);
	RUN(test_cmdline_line);
	return CHECK_EXIT();
}
