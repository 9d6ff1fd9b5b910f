/*
 * The hypervisor's physical memory: one frame allocator fed from the firmware
 * memory map, and the identity mapping under which host code runs (host
 * virtual == physical, so a physical address is also a pointer).
 */
#ifndef MM_MEM_H
#define MM_MEM_H

#include <stdint.h>
#include "mm/frame.h"

struct frame_allocator *mem_frames(void);
/* Zeroed, aligned pages; 0 when memory is exhausted. */
uint64_t mem_alloc_pages(uint64_t pages, uint64_t align_pages);
void mem_free_pages(uint64_t pa, uint64_t pages);

static inline void *phys_to_virt(uint64_t pa) { return (void *)(uintptr_t)pa; }
static inline uint64_t virt_to_phys(const void *p) { return (uint64_t)(uintptr_t)p; }

/* Build and load 4-level identity tables covering [0, top) (at least 4 GiB). 0 or -1. */
int paging_init(uint64_t top);

#endif
