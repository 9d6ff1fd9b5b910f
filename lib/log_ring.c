/*
 * The kept log ring (lib/log_ring.h). The byte sum changes by the difference
 * of each overwritten byte, so a put costs the same however full the ring
 * is; only the next boot's check reads it all.
 */
#include "lib/log_ring.h"
#include "lib/string.h"

#define CHECK_MIX 0x9e3779b97f4a7c15ULL   /* any odd constant: spreads the fields over the word */

static uint64_t header_check(const struct log_ring *r)
{
	return (r->magic ^ ((uint64_t)r->size << 32 | r->sum) ^ r->written) * CHECK_MIX;
}

int log_ring_init(struct log_ring *r, size_t bytes)
{
	if (bytes <= sizeof *r || bytes - sizeof *r > UINT32_MAX)
		return -1;
	memset(r, 0, bytes);
	r->magic = LOG_RING_MAGIC;
	r->size = (uint32_t)(bytes - sizeof *r);
	r->check = header_check(r);
	return 0;
}

int log_ring_valid(const struct log_ring *r, size_t bytes)
{
	if (bytes <= sizeof *r || r->magic != LOG_RING_MAGIC || r->size != bytes - sizeof *r ||
	    r->check != header_check(r))
		return 0;
	uint32_t sum = 0;
	for (uint32_t i = 0; i < r->size; i++)
		sum += (uint8_t)r->data[i];
	return sum == r->sum;
}

void log_ring_put(struct log_ring *r, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char *slot = &r->data[r->written % r->size];
		r->sum += (uint32_t)(uint8_t)s[i] - (uint32_t)(uint8_t)*slot;
		*slot = s[i];
		r->written++;
	}
	r->check = header_check(r);
}

size_t log_ring_tail(const struct log_ring *r, unsigned lines, char *out, size_t out_size)
{
	if (!out_size)
		return 0;
	uint64_t kept = r->written < r->size ? r->written : r->size;
	uint64_t end = r->written, start = end - kept;
	/* A final newline ends the last line rather than starting an empty one. */
	uint64_t p = end && r->data[(end - 1) % r->size] == '\n' ? end - 1 : end;
	unsigned seen = 0;
	while (p > start && seen < lines) {
		p--;
		if (r->data[p % r->size] == '\n' && ++seen == lines) {
			p++;
			break;
		}
	}
	if (end - p > out_size - 1)
		p = end - (out_size - 1);
	size_t n = 0;
	for (; p < end; p++) {
		char c = r->data[p % r->size];
		out[n++] = c == '\n' || (c >= ' ' && c <= '~') ? c : '?';
	}
	out[n] = 0;
	return n;
}
