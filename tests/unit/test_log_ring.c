/*
 * Host tests for the kept log ring: a fresh ring is valid and empty; text
 * comes back as its last lines, also after the ring wrapped; one changed data
 * byte, a changed header field or another size makes it invalid; memory that
 * was never a ring is not taken for one; the tail is cut to the buffer given
 * and shows bytes other than text as '?'.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/log_ring.h"
#include "tests/unit/check.h"

#define BYTES (sizeof(struct log_ring) + 64)

static uint64_t mem[(BYTES + 7) / 8];
static struct log_ring *const ring = (struct log_ring *)mem;
static char out[256];

static void put(const char *s) { log_ring_put(ring, s, strlen(s)); }

static void test_fresh(void)
{
	memset(mem, 0xa5, sizeof mem);
	CHECK(!log_ring_valid(ring, BYTES));
	CHECK_EQ(log_ring_init(ring, BYTES), 0);
	CHECK(log_ring_valid(ring, BYTES));
	CHECK(!log_ring_valid(ring, BYTES + 8));
	CHECK_EQ(log_ring_tail(ring, 5, out, sizeof out), 0);
	CHECK_EQ(log_ring_init(ring, sizeof(struct log_ring)), -1);
}

static void test_tail(void)
{
	log_ring_init(ring, BYTES);
	put("one\ntwo\nthree\n");
	CHECK(log_ring_valid(ring, BYTES));
	log_ring_tail(ring, 2, out, sizeof out);
	CHECK(!strcmp(out, "two\nthree\n"));
	log_ring_tail(ring, 9, out, sizeof out);
	CHECK(!strcmp(out, "one\ntwo\nthree\n"));
	put("open");   /* an unfinished line counts as the last */
	log_ring_tail(ring, 2, out, sizeof out);
	CHECK(!strcmp(out, "three\nopen"));
}

static void test_wrapped(void)
{
	log_ring_init(ring, BYTES);
	for (int i = 0; i < 40; i++) {
		char line[24];
		snprintf(line, sizeof line, "line %02d\n", i);
		put(line);
	}
	CHECK(log_ring_valid(ring, BYTES));
	log_ring_tail(ring, 3, out, sizeof out);
	CHECK(!strcmp(out, "line 37\nline 38\nline 39\n"));
	/* More lines asked for than the 64 bytes hold: what is kept, from a cut line. */
	size_t n = log_ring_tail(ring, 100, out, sizeof out);
	CHECK_EQ(n, 64);
	CHECK(!strcmp(out + n - 8, "line 39\n"));
	/* A buffer of 12 holds the last 11 bytes. */
	CHECK_EQ(log_ring_tail(ring, 100, out, 12), 11);
	CHECK(!strcmp(out, "38\nline 39\n"));
}

static void test_corruption(void)
{
	log_ring_init(ring, BYTES);
	put("kept\n");
	ring->data[1] ^= 0x20;
	CHECK(!log_ring_valid(ring, BYTES));
	ring->data[1] ^= 0x20;
	CHECK(log_ring_valid(ring, BYTES));
	ring->written++;
	CHECK(!log_ring_valid(ring, BYTES));
	ring->written--;
	ring->magic ^= 1;
	CHECK(!log_ring_valid(ring, BYTES));
	ring->magic ^= 1;
	CHECK(log_ring_valid(ring, BYTES));
}

static void test_unprintable(void)
{
	log_ring_init(ring, BYTES);
	put("a\x01\xff\tb\n");
	log_ring_tail(ring, 1, out, sizeof out);
	CHECK(!strcmp(out, "a???b\n"));
}

int main(void)
{
	RUN(test_fresh);
	RUN(test_tail);
	RUN(test_wrapped);
	RUN(test_corruption);
	RUN(test_unprintable);
	return CHECK_EXIT();
}
