/*
 * A domain's console output as a byte stream: the last HINOKI_CONSOLE_RING
 * bytes are kept, and every byte has a 64-bit stream position (the count of
 * bytes written before it), so a reader that remembers where it stopped gets
 * exactly what it has not seen, and learns how much it missed when it fell
 * behind. The read implements HC_DOMCTL_CONSOLE (include/hinoki/domctl.h).
 * Pure code; unit-tested on the host.
 */
#ifndef DEV_CONSOLE_RING_H
#define DEV_CONSOLE_RING_H

#include <stdint.h>
#include "hinoki/domctl.h"

#define CONSOLE_RING_SIZE HINOKI_CONSOLE_RING

struct console_ring {
	uint64_t written;                   /* bytes ever put: the stream position of the next one */
	uint8_t buf[CONSOLE_RING_SIZE];     /* byte at stream position p lives at buf[p % size] */
};

void console_ring_init(struct console_ring *r);
void console_ring_put(struct console_ring *r, uint8_t byte);
/* Stream position of the oldest byte still kept (0 until the ring has wrapped). */
uint64_t console_ring_oldest(const struct console_ring *r);
/* Stream position just after the newest byte. */
uint64_t console_ring_end(const struct console_ring *r);

/*
 * Copy up to len bytes starting at stream position max(*pos, oldest kept)
 * into dst; set *pos just after the last byte copied and *lost to the bytes
 * skipped because they had left the ring (saturated at UINT32_MAX). Returns
 * the number of bytes copied, or -1 when *pos is beyond the end of the stream
 * (then nothing changes). len 0 only moves *pos past the lost bytes.
 */
int console_ring_read(const struct console_ring *r, uint64_t *pos, uint8_t *dst, uint32_t len,
                      uint32_t *lost);

#endif
