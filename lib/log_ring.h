/*
 * The kept log: every console byte also goes to a ring at a fixed physical
 * place, so that after a warm reboot (RAM kept) the next boot can show how
 * the last one ended. A magic, the header's own check word and the sum of the
 * data's bytes tell a ring this code wrote from whatever else the memory
 * holds. Written under the console lock, like the other sinks.
 */
#ifndef LIB_LOG_RING_H
#define LIB_LOG_RING_H

#include <stddef.h>
#include <stdint.h>

#define LOG_RING_MAGIC 0x676f6c6b696e6968ULL   /* "hinoklog" read as bytes */

struct log_ring {
	uint64_t magic;
	uint32_t size;       /* bytes in data[] */
	uint32_t sum;        /* of data[]'s bytes, kept up to date byte by byte */
	uint64_t written;    /* bytes ever put; the next goes to data[written % size] */
	uint64_t check;      /* of the fields above, rewritten after each put */
	char data[];
};

/* A cleared ring over `bytes` of memory at r (header included); -1 when too small. */
int log_ring_init(struct log_ring *r, size_t bytes);
/* Whether the memory at r holds a ring this code wrote over exactly `bytes`, whole. */
int log_ring_valid(const struct log_ring *r, size_t bytes);
void log_ring_put(struct log_ring *r, const char *s, size_t len);
/*
 * The last `lines` lines of a valid ring into out (NUL-terminated, bytes
 * other than printable ASCII and newlines shown as '?'); returns the length.
 */
size_t log_ring_tail(const struct log_ring *r, unsigned lines, char *out, size_t out_size);

#endif
