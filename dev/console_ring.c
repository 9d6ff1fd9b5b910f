/*
 * The console ring: output of one domain, kept as the tail of an endless
 * stream. Positions are absolute (64-bit: at a byte per nanosecond it wraps
 * after five centuries), so readers never confuse an old position with a new
 * one, and a reader that fell behind is told how many bytes it lost rather
 * than handed bytes from the wrong place. Pure code.
 */
#include "dev/console_ring.h"
#include "lib/string.h"

_Static_assert((CONSOLE_RING_SIZE & (CONSOLE_RING_SIZE - 1)) == 0,
               "the ring size must be a power of two so positions map to slots by masking");

#define RING_MASK ((uint64_t)CONSOLE_RING_SIZE - 1)

void console_ring_init(struct console_ring *r)
{
	r->written = 0;
}

void console_ring_put(struct console_ring *r, uint8_t byte)
{
	r->buf[r->written & RING_MASK] = byte;
	r->written++;
}

uint64_t console_ring_oldest(const struct console_ring *r)
{
	return r->written > CONSOLE_RING_SIZE ? r->written - CONSOLE_RING_SIZE : 0;
}

uint64_t console_ring_end(const struct console_ring *r)
{
	return r->written;
}

int console_ring_read(const struct console_ring *r, uint64_t *pos, uint8_t *dst, uint32_t len,
                      uint32_t *lost)
{
	uint64_t oldest = console_ring_oldest(r);
	uint64_t start = *pos;

	if (start > r->written)
		return -1;
	if (start < oldest)
		start = oldest;
	uint64_t skipped = start - *pos;
	uint64_t n = r->written - start;
	if (n > len)
		n = len;
	/* At most two pieces: up to the end of the buffer, then from its start. */
	uint64_t slot = start & RING_MASK;
	uint64_t first = CONSOLE_RING_SIZE - slot < n ? CONSOLE_RING_SIZE - slot : n;
	if (first)
		memcpy(dst, r->buf + slot, first);
	if (n > first)
		memcpy(dst + first, r->buf, n - first);
	*pos = start + n;
	*lost = skipped > UINT32_MAX ? UINT32_MAX : (uint32_t)skipped;
	return (int)n;
}
