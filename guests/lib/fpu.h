/*
 * XMM state checks for 64-bit Hinoki guests: fill XMM0-XMM15 with a pattern,
 * give the CPU away, and see that the pattern came back. Guest C code is
 * built general-registers-only, so between xmm_load_all and xmm_store_all
 * nothing but the hypervisor (or another domain) can change the registers.
 */
#ifndef GUEST_FPU_H
#define GUEST_FPU_H

#include <stdint.h>

#define XMM_REGS        16
#define XMM_STATE_BYTES (XMM_REGS * 16)

/* fpu.asm: XMM0 first, 16 bytes each, any alignment. Need sse_enable(). */
void xmm_load_all(const void *src);
void xmm_store_all(void *dst);

/* The pattern for a seed: different seeds differ in every byte. */
void xmm_pattern(uint8_t seed, uint8_t out[XMM_STATE_BYTES]);

/*
 * Enables SSE, loads the pattern for seed, makes `yields` HC_YIELD calls and
 * reads the registers back. Returns a mask of the registers (bit N: XMMN)
 * that no longer hold the pattern.
 */
uint32_t xmm_check_yields(uint8_t seed, unsigned yields);

#endif
