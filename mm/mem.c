/*
 * The single frame allocator instance, shared by every CPU under one lock.
 * All hypervisor and guest memory after ExitBootServices comes from here, so
 * freeing a domain returns exactly what it took.
 */
#include "lib/spinlock.h"
#include "mm/mem.h"

static struct frame_allocator frames;
static struct spinlock frames_lock = SPINLOCK_INIT;   /* frames, from any CPU; nothing is taken under it */

struct frame_allocator *mem_frames(void)
{
	return &frames;
}

uint64_t mem_alloc_pages(uint64_t pages, uint64_t align_pages)
{
	spin_lock(&frames_lock);
	uint64_t pa = frame_alloc(&frames, pages, align_pages);
	spin_unlock(&frames_lock);
	if (pa) {
		/* One string instruction: guest RAM is zeroed in bulk, and fast under emulation too. */
		void *p = phys_to_virt(pa);
		uint64_t qwords = pages * FRAME_SIZE / 8;
		__asm__ volatile("rep stosq" : "+D"(p), "+c"(qwords) : "a"(0ULL) : "memory");
	}
	return pa;
}

void mem_free_pages(uint64_t pa, uint64_t pages)
{
	spin_lock(&frames_lock);
	frame_free(&frames, pa, pages);
	spin_unlock(&frames_lock);
}
