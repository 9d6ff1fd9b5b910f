/*
 * Host tests for the guest kernels' printf (guests/lib/fmt.c): its output is
 * what integration tests grep for, so each conversion is compared with the
 * host libc's, and the bounded-buffer rules are checked at their edges.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "../../guests/lib/fmt.c"

static char serial_out[256];
static size_t serial_len;

/* Stands in for guests/lib/serial.c: collect what gprintf sends to COM1. */
void serial_putc(char c)
{
	if (serial_len + 1 < sizeof serial_out)
		serial_out[serial_len++] = c;
}

/* No format attribute: lets the tests feed what -Wformat would reject. */
static int format_unchecked(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = gvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

#define SAME_AS_LIBC(...) do { \
	char want_[128], got_[128]; \
	int wn_ = snprintf(want_, sizeof want_, __VA_ARGS__); \
	int gn_ = gsnprintf(got_, sizeof got_, __VA_ARGS__); \
	if (strcmp(want_, got_) != 0) \
		fprintf(stderr, "  got '%s' want '%s'\n", got_, want_); \
	CHECK(strcmp(want_, got_) == 0); \
	CHECK_EQ(gn_, wn_); \
} while (0)

static void test_integers(void)
{
	SAME_AS_LIBC("%d %d %d", 0, -1, 42);
	SAME_AS_LIBC("%d %d", INT32_MIN, INT32_MAX);
	SAME_AS_LIBC("%u %u", 0u, UINT32_MAX);
	SAME_AS_LIBC("%x %X", 0xdeadbeefu, 0xabcu);
	SAME_AS_LIBC("%lx %ld %lu", 0xfffffffff000ul, -38l, 18446744073709551615ul);
	SAME_AS_LIBC("%llx %lld %llu", 0x494b4f4e494eull, (long long)INT64_MIN, 10000000000000000000ull);
	SAME_AS_LIBC("%zu", (size_t)12345);
	SAME_AS_LIBC("%i", -7);
}

static void test_width_and_flags(void)
{
	SAME_AS_LIBC("[%5d] [%-5d] [%05d]", 42, 42, 42);
	SAME_AS_LIBC("[%08x] [%02x]", 0xbeefu, 0xau);
	SAME_AS_LIBC("[%05d]", -42);
	SAME_AS_LIBC("[%3u]", 12345u);
}

static void test_strings_and_chars(void)
{
	SAME_AS_LIBC("'%s'", "HinokiHinoki");
	SAME_AS_LIBC("[%8s] [%-8s]", "ab", "ab");
	SAME_AS_LIBC("'%.3s' '%.*s'", "abcdef", 2, "xyz");
	SAME_AS_LIBC("%c%c%c", 'o', 'k', '!');
	SAME_AS_LIBC("100%%");
	/* A name field of exactly its size, without a NUL, stops at the precision. */
	char name[4] = { 'd', 'o', 'm', '0' };
	char got[16];
	gsnprintf(got, sizeof got, "%.*s|", (int)sizeof name, name);
	CHECK(strcmp(got, "dom0|") == 0);
	format_unchecked(got, sizeof got, "%s", (const char *)NULL);
	CHECK(strcmp(got, "(null)") == 0);
}

static void test_pointer(void)
{
	char got[32];
	gsnprintf(got, sizeof got, "%p", (void *)0x1000);
	CHECK(strcmp(got, "0x1000") == 0);
	gsnprintf(got, sizeof got, "%p", (void *)0);
	CHECK(strcmp(got, "0x0") == 0);
}

static void test_truncation(void)
{
	char buf[8];
	memset(buf, 'X', sizeof buf);
	CHECK_EQ(gsnprintf(buf, sizeof buf, "hello: %d", 12345), 12);
	CHECK(strcmp(buf, "hello: ") == 0);

	memset(buf, 'X', sizeof buf);
	CHECK_EQ(gsnprintf(buf, 1, "abc"), 3);
	CHECK_EQ(buf[0], 0);
	CHECK_EQ(buf[1], 'X');

	/* size 0 writes nothing at all but still reports the length. */
	CHECK_EQ(gsnprintf(buf, 0, "abc"), 3);
	CHECK_EQ(buf[1], 'X');
}

static void test_odd_formats(void)
{
	char got[16];
	format_unchecked(got, sizeof got, "a%qb");
	CHECK(strcmp(got, "a%qb") == 0);
	format_unchecked(got, sizeof got, "end%");
	CHECK(strcmp(got, "end") == 0);
}

static void test_serial_sink(void)
{
	serial_len = 0;
	int n = gprintf("hello: id %u\n", 3u);
	serial_out[serial_len] = '\0';
	CHECK(strcmp(serial_out, "hello: id 3\n") == 0);
	CHECK_EQ(n, 12);
}

int main(void)
{
	RUN(test_integers);
	RUN(test_width_and_flags);
	RUN(test_strings_and_chars);
	RUN(test_pointer);
	RUN(test_truncation);
	RUN(test_odd_formats);
	RUN(test_serial_sink);
	return CHECK_EXIT();
}
