/*
 * VPIDs handed out in turn from a bitmap, skipping VPID 0 (the host's, and
 * what "enable VPID" 0 means) and those in use: a wrap of the counter can
 * neither give a guest the host's VPID nor give one vCPU's to another.
 */
#include "vmx/vpid.h"

#define WORD_BITS 64

static int in_use(const struct vpid_pool *p, uint32_t vpid)
{
	return (p->used[vpid / WORD_BITS] >> (vpid % WORD_BITS)) & 1;
}

uint16_t vpid_alloc(struct vpid_pool *p)
{
	for (uint32_t n = 0; n < VPID_COUNT; n++) {
		uint32_t vpid = (p->next + n) % VPID_COUNT;
		if (vpid == VPID_HOST || in_use(p, vpid))
			continue;
		p->used[vpid / WORD_BITS] |= 1ULL << (vpid % WORD_BITS);
		p->next = (vpid + 1) % VPID_COUNT;
		return (uint16_t)vpid;
	}
	return VPID_HOST;
}

void vpid_free(struct vpid_pool *p, uint16_t vpid)
{
	if (vpid != VPID_HOST)
		p->used[vpid / WORD_BITS] &= ~(1ULL << (vpid % WORD_BITS));
}
