/*
 * Physical frame allocator: a sorted array of free extents, fed from the
 * firmware memory map. No metadata lives in the memory it hands out, so it is
 * pure code and unit-tested on the host. Contiguous, aligned allocations serve
 * guest RAM (so EPT can use large pages); frees coalesce with neighbours.
 */
#ifndef MM_FRAME_H
#define MM_FRAME_H

#include <stdint.h>

#define FRAME_SIZE 4096ULL
#define FRAME_MAX_EXTENTS 256

struct frame_extent { uint64_t base, pages; };

struct frame_allocator {
	unsigned n;
	struct frame_extent ext[FRAME_MAX_EXTENTS];
	uint64_t free_pages, total_pages;
};

void frame_init(struct frame_allocator *fa);
/*
 * Add [base, base+pages*4K) as free; overlapping/adjacent ranges merge and are
 * counted once. Page 0 and anything at or above 2^52 are left out. -1 when the
 * table is full or base is not 4 KiB aligned.
 */
int frame_add(struct frame_allocator *fa, uint64_t base, uint64_t pages);
/*
 * Remove a range from the free set (e.g. the hypervisor image); parts not free
 * are ignored; a misaligned range is rounded outward. If the hole would split
 * an extent while the table is full, the smaller side is dropped too and
 * leaves total_pages/free_pages as lost frames.
 */
void frame_reserve(struct frame_allocator *fa, uint64_t base, uint64_t pages);
/*
 * Lowest-address fit of `pages` frames aligned to align_pages (a power of two;
 * 0 or 1 mean none); 0 on failure, for pages == 0, or a bad alignment.
 */
uint64_t frame_alloc(struct frame_allocator *fa, uint64_t pages, uint64_t align_pages);
/*
 * Return frames; -1 if the table is full (the frames are then lost, and
 * counted as such) or base is misaligned. Frames already free count once.
 */
int frame_free(struct frame_allocator *fa, uint64_t base, uint64_t pages);

#endif
