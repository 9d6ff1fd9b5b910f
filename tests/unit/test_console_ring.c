/*
 * Host tests for the console ring: reads from the start, from the middle and
 * in pieces; wrap-around of the buffer; a reader that fell behind gets the
 * oldest kept byte and the count of those it lost; positions past the end are
 * refused; and a long random run checked against the whole stream.
 */
#include <stdlib.h>
#include <string.h>

#include "dev/console_ring.h"
#include "tests/unit/check.h"

#define SIZE CONSOLE_RING_SIZE

static struct console_ring ring;
static uint8_t out[3 * SIZE];

/* Stream byte at position p: a pattern that does not repeat with the ring's period. */
static uint8_t at(uint64_t p) { return (uint8_t)(p * 131 + p / 251); }

static void put_n(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		console_ring_put(&ring, at(console_ring_end(&ring)));
}

static int same_as_stream(const uint8_t *b, uint64_t from, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (b[i] != at(from + i))
			return 0;
	return 1;
}

static void test_empty(void)
{
	uint64_t pos = 0;
	uint32_t lost = 7;

	console_ring_init(&ring);
	CHECK_EQ(console_ring_oldest(&ring), 0);
	CHECK_EQ(console_ring_end(&ring), 0);
	CHECK_EQ(console_ring_read(&ring, &pos, out, sizeof(out), &lost), 0);
	CHECK_EQ(pos, 0);
	CHECK_EQ(lost, 0);
	/* len 0 and a NULL buffer are fine. */
	CHECK_EQ(console_ring_read(&ring, &pos, NULL, 0, &lost), 0);
	/* A position in the future is refused and left alone. */
	pos = 1;
	lost = 7;
	CHECK_EQ(console_ring_read(&ring, &pos, out, sizeof(out), &lost), -1);
	CHECK_EQ(pos, 1);
	CHECK_EQ(lost, 7);
}

static void test_read_in_pieces(void)
{
	uint64_t pos = 0;
	uint32_t lost = 1;

	console_ring_init(&ring);
	const char *hello = "hello, world\n";
	for (const char *p = hello; *p; p++)
		console_ring_put(&ring, (uint8_t)*p);
	CHECK_EQ(console_ring_read(&ring, &pos, out, 5, &lost), 5);
	CHECK(memcmp(out, "hello", 5) == 0);
	CHECK_EQ(pos, 5);
	CHECK_EQ(lost, 0);
	CHECK_EQ(console_ring_read(&ring, &pos, out, 100, &lost), 8);
	CHECK(memcmp(out, ", world\n", 8) == 0);
	CHECK_EQ(pos, 13);
	/* Caught up: nothing more, position unchanged. */
	CHECK_EQ(console_ring_read(&ring, &pos, out, 100, &lost), 0);
	CHECK_EQ(pos, 13);
	/* Reading again from an older position repeats the bytes: the read does not consume. */
	pos = 7;
	CHECK_EQ(console_ring_read(&ring, &pos, out, 100, &lost), 6);
	CHECK(memcmp(out, "world\n", 6) == 0);
	/* Exactly at the end is allowed, one past is not. */
	pos = 13;
	CHECK_EQ(console_ring_read(&ring, &pos, out, 1, &lost), 0);
	pos = 14;
	CHECK_EQ(console_ring_read(&ring, &pos, out, 1, &lost), -1);
}

static void test_full_without_loss(void)
{
	uint64_t pos = 0;
	uint32_t lost = 1;

	console_ring_init(&ring);
	put_n(SIZE);                               /* exactly full: nothing dropped yet */
	CHECK_EQ(console_ring_oldest(&ring), 0);
	CHECK_EQ(console_ring_read(&ring, &pos, out, sizeof(out), &lost), SIZE);
	CHECK_EQ(lost, 0);
	CHECK_EQ(pos, SIZE);
	CHECK(same_as_stream(out, 0, SIZE));
	put_n(1);                                  /* the first byte leaves */
	CHECK_EQ(console_ring_oldest(&ring), 1);
	pos = 0;
	CHECK_EQ(console_ring_read(&ring, &pos, out, sizeof(out), &lost), SIZE);
	CHECK_EQ(lost, 1);
	CHECK_EQ(pos, SIZE + 1);
	CHECK(same_as_stream(out, 1, SIZE));
}

static void test_wrap_around(void)
{
	uint64_t pos;
	uint32_t lost;

	console_ring_init(&ring);
	put_n(SIZE + SIZE / 2 + 3);                /* the newest bytes straddle the end of buf */
	uint64_t oldest = console_ring_oldest(&ring);
	CHECK_EQ(oldest, SIZE / 2 + 3);
	/* A read across the end of the buffer comes back in order. */
	pos = SIZE - 10;
	CHECK_EQ(console_ring_read(&ring, &pos, out, 20, &lost), 20);
	CHECK_EQ(lost, 0);
	CHECK_EQ(pos, SIZE + 10);
	CHECK(same_as_stream(out, SIZE - 10, 20));
	/* Everything kept, from the oldest. */
	pos = oldest;
	CHECK_EQ(console_ring_read(&ring, &pos, out, sizeof(out), &lost), SIZE);
	CHECK(same_as_stream(out, oldest, SIZE));
	CHECK_EQ(lost, 0);
	CHECK_EQ(pos, console_ring_end(&ring));
}

static void test_lost_bytes(void)
{
	uint64_t pos = 0;
	uint32_t lost;

	console_ring_init(&ring);
	put_n(5 * SIZE + 123);
	/* A reader still at 100 lost everything up to the oldest kept byte. */
	pos = 100;
	CHECK_EQ(console_ring_read(&ring, &pos, out, 10, &lost), 10);
	CHECK_EQ(lost, 4 * SIZE + 123 - 100);
	CHECK_EQ(pos, 4 * SIZE + 123 + 10);
	CHECK(same_as_stream(out, 4 * SIZE + 123, 10));
	/* Caught up now: the next read loses nothing. */
	CHECK_EQ(console_ring_read(&ring, &pos, out, 10, &lost), 10);
	CHECK_EQ(lost, 0);
	CHECK(same_as_stream(out, 4 * SIZE + 133, 10));
	/* len 0 skips the lost bytes and reports them without copying. */
	pos = 0;
	CHECK_EQ(console_ring_read(&ring, &pos, NULL, 0, &lost), 0);
	CHECK_EQ(lost, 4 * SIZE + 123);
	CHECK_EQ(pos, 4 * SIZE + 123);
}

/* Losses beyond 32 bits saturate instead of wrapping to a small number. */
static void test_lost_saturates(void)
{
	uint64_t pos = 0;
	uint32_t lost;

	console_ring_init(&ring);
	ring.written = (1ULL << 40) + 5;           /* as if 1 TiB had been written */
	CHECK_EQ(console_ring_read(&ring, &pos, out, 4, &lost), 4);
	CHECK_EQ(lost, UINT32_MAX);
	CHECK_EQ(pos, (1ULL << 40) + 5 - SIZE + 4);
	pos = (1ULL << 40);
	CHECK_EQ(console_ring_read(&ring, &pos, out, 4, &lost), 4);
	CHECK_EQ(lost, 0);
	CHECK_EQ(pos, (1ULL << 40) + 4);
}

/* Random writers and readers against the whole stream. */
static void test_random_against_stream(void)
{
	uint64_t pos = 0, seen = 0, lost_total = 0;
	uint32_t lost;
	int bad = 0;

	console_ring_init(&ring);
	srand(4242);
	for (int i = 0; i < 3000; i++) {
		put_n((uint64_t)(rand() % SIZE));
		uint32_t len = (uint32_t)(rand() % (SIZE / 2));   /* slower than the writer on average */
		uint64_t before = pos;
		int n = console_ring_read(&ring, &pos, out, len, &lost);
		if (n < 0 || (uint32_t)n > len) {
			bad++;
			continue;
		}
		bad += pos != before + lost + (uint64_t)n;
		bad += !same_as_stream(out, before + lost, (uint64_t)n);
		bad += pos > console_ring_end(&ring);
		bad += before + lost < console_ring_oldest(&ring);        /* never from a dropped slot */
		bad += lost && before + lost != console_ring_oldest(&ring); /* a late reader resumes at the oldest */
		seen += (uint64_t)n;
		lost_total += lost;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(seen + lost_total, pos);
	CHECK(lost_total > 0);                     /* the reader did fall behind sometimes */
}

int main(void)
{
	RUN(test_empty);
	RUN(test_read_in_pieces);
	RUN(test_full_without_loss);
	RUN(test_wrap_around);
	RUN(test_lost_bytes);
	RUN(test_lost_saturates);
	RUN(test_random_against_stream);
	return CHECK_EXIT();
}
