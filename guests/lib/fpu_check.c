/*
 * The XMM survival check behind fpu.h, shared by the guests that run it side
 * by side with different seeds, so that a domain switch which does not
 * restore FPU state shows up as the other domain's pattern.
 */
#include "cpu.h"
#include "fpu.h"
#include "hypercall.h"
#include "mem.h"

void xmm_pattern(uint8_t seed, uint8_t out[XMM_STATE_BYTES])
{
	for (unsigned i = 0; i < XMM_STATE_BYTES; i++)
		out[i] = (uint8_t)((seed + i) ^ 0xa5);
}

uint32_t xmm_check_yields(uint8_t seed, unsigned yields)
{
	static uint8_t want[XMM_STATE_BYTES], got[XMM_STATE_BYTES];
	uint32_t bad = 0;

	sse_enable();
	xmm_pattern(seed, want);
	memset(got, 0, sizeof got);
	xmm_load_all(want);
	for (unsigned i = 0; i < yields; i++)
		hc_yield();
	xmm_store_all(got);
	for (unsigned r = 0; r < XMM_REGS; r++)
		if (memcmp(want + r * 16, got + r * 16, 16) != 0)
			bad |= 1u << r;
	return bad;
}
