/*
 * Hypercall ABI (VMCALL), shared by the hypervisor and guest kernels.
 * RAX = number; arguments in RDI, RSI, RDX, R10 (as the Linux syscall ABI, so a
 * guest can reuse its register conventions); result in RAX, negative values are
 * -HC_E* errors. RIP advances past VMCALL. docs/hypercalls.md describes each call.
 */
#ifndef HINOKI_HYPERCALL_H
#define HINOKI_HYPERCALL_H

#define HC_VERSION      0  /* -> (major << 16) | minor                       */
#define HC_CONSOLE_PUT  1  /* rdi = gpa of bytes, rsi = length -> bytes written */
#define HC_DOMAIN_ID    2  /* -> this domain's id                              */
#define HC_EXIT         3  /* rdi = exit code; does not return                 */
#define HC_YIELD        4  /* -> 0                                             */
#define HC_NULL         5  /* does nothing, returns 0: the exit-cost baseline  */
#define HC_MAX          6

#define HINOKI_VERSION_MAJOR 0
#define HINOKI_VERSION_MINOR 1

/* Errors, returned negated in RAX (values as Linux errno for familiarity). */
#define HC_EPERM  1
#define HC_EFAULT 14
#define HC_EINVAL 22
#define HC_ENOSYS 38

/* CPUID leaf 0x40000000: EAX = highest hypervisor leaf, EBX:ECX:EDX = "HinokiHinoki". */
#define HINOKI_CPUID_BASE      0x40000000u
#define HINOKI_CPUID_MAX_LEAF  0x40000001u
#define HINOKI_CPUID_SIGNATURE "HinokiHinoki"
/* Leaf 0x40000001: EAX = (major << 16) | minor, EBX = domain id. */

/* Port a guest writes its exit code to (the isa-debug-exit convention). */
#define HINOKI_PORT_EXIT 0xf4

#endif
