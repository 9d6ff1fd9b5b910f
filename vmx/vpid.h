/*
 * The VPID allocator: every guest vCPU gets its own VPID, so its combined
 * mappings are told apart from other vCPUs' and kept across VM exits. Pure
 * code over a bitmap of the 16-bit VPID space; callers serialise.
 */
#ifndef VMX_VPID_H
#define VMX_VPID_H

#include <stdint.h>
#include "hw/invalidate.h"

/* All zeroes is an empty pool. */
struct vpid_pool {
	uint64_t used[VPID_COUNT / 64];
	uint32_t next;            /* where the next search starts */
};

/*
 * A VPID not in use, never VPID_HOST; 0 when all are taken. Handed out in
 * turn, so a freed VPID is reused as late as possible; a reused one may
 * still tag translations on some CPUs (vmx/tlb.c flushes them).
 */
uint16_t vpid_alloc(struct vpid_pool *p);
/* Give back a VPID from vpid_alloc; VPID_HOST and a VPID not in use are ignored. */
void vpid_free(struct vpid_pool *p, uint16_t vpid);

#endif
