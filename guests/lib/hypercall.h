/*
 * Hypercall wrappers for 64-bit Hinoki guests (the ABI is in
 * include/hinoki/hypercall.h and docs/hypercalls.md). hc_call is in assembly
 * so the VMCALL sits behind an ordinary function call: whatever the
 * hypervisor does to the caller-saved registers, the compiler already assumes
 * they are lost.
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <stddef.h>
#include <stdint.h>

#include "hinoki/hypercall.h"

#if !defined(__x86_64__)
#error "hypercalls are only for 64-bit Hinoki guests"
#endif

/* RAX = nr, RDI = a0, RSI = a1, RDX = a2, R10 = a3; returns RAX. */
long hc_call(unsigned long nr, unsigned long a0, unsigned long a1,
             unsigned long a2, unsigned long a3);

static inline long hc_version(void)   { return hc_call(HC_VERSION, 0, 0, 0, 0); }
static inline long hc_domain_id(void) { return hc_call(HC_DOMAIN_ID, 0, 0, 0, 0); }
static inline long hc_yield(void)     { return hc_call(HC_YIELD, 0, 0, 0, 0); }
static inline long hc_null(void)      { return hc_call(HC_NULL, 0, 0, 0, 0); }

/* buf is a guest-physical address: Hinoki guests run identity-mapped. */
static inline long hc_console_put(const void *buf, size_t len)
{
	return hc_call(HC_CONSOLE_PUT, (uintptr_t)buf, len, 0, 0);
}

/* HC_EXIT; should it ever return, falls back to port 0xf4 and halts. */
__attribute__((noreturn)) void hc_exit(uint8_t code);

#endif
