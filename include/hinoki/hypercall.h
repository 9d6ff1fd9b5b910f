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
#define HC_SET_TIMER    6  /* rdi = TSC deadline (0 cancels): HLT wakes at it -> 0 */
#define HC_VCPU_UP      7  /* rdi = vcpu id, rsi = entry RIP, rdx = RSP, r10 = value for RDI -> 0 */
#define HC_NULL_STUB    8  /* returns 0 from the exit stub itself, no C: the bare transition cost */

/*
 * Control hypercalls: the management domain (type = mgmt) only; any other
 * domain gets -HC_EPERM and the attempt is logged. Structures in
 * include/hinoki/domctl.h.
 */
#define HC_DOMCTL_LIST     32 /* rdi = gpa of struct hinoki_dominfo[], rsi = capacity -> count of domains */
#define HC_DOMCTL_CREATE   33 /* rdi = gpa of struct hinoki_create -> new domain id */
#define HC_DOMCTL_DESTROY  34 /* rdi = domain id -> 0 */
#define HC_DOMCTL_PAUSE    35 /* rdi = domain id -> 0 */
#define HC_DOMCTL_UNPAUSE  36 /* rdi = domain id -> 0 */
#define HC_DOMCTL_SCHED    37 /* rdi = domain id, rsi = weight (0: keep), rdx = CPU mask (0: keep) -> 0 */
#define HC_DOMCTL_CONSOLE  38 /* rdi = domain id, rsi = gpa of struct hinoki_console_read -> bytes copied */
#define HC_DOMCTL_STATS    39 /* rdi = domain id, rsi = vcpu, rdx = gpa of struct hinoki_exit_stat[], r10 = capacity -> entries */
#define HC_DOMCTL_SHUTDOWN 40 /* end every other domain, then power off when this one ends -> 0 */
#define HC_DOMCTL_TRACE    41 /* rdi = domain id, rsi = 1 (record every exit) or 0 (stop) -> 0 */
#define HC_DOMCTL_DIAG_NMI 42 /* diagnostic: rdi = CPU index; the caller's CPU sends that CPU an NMI -> 0 */
#define HC_DOMCTL_DIAG_HANG 43 /* diagnostic: rdi = ms (1 to 60000); the caller's CPU stays that long in root mode -> 0 */
#define HC_DOMCTL_TRIGGER  44 /* rdi = domain id, rsi = HINOKI_TRIGGER_* -> 0 */
#define HC_MAX             45

#define HC_CONSOLE_MAX     4096   /* HC_CONSOLE_PUT's longest write; a longer one is -HC_EINVAL */

#define HC_DIAG_HANG_MS_MAX 60000   /* HC_DOMCTL_DIAG_HANG's longest stay */

#define HINOKI_VERSION_MAJOR 0
#define HINOKI_VERSION_MINOR 1
#define HINOKI_VERSION       ((HINOKI_VERSION_MAJOR << 16) | HINOKI_VERSION_MINOR)   /* as HC_VERSION returns it */

/* Errors, returned negated in RAX (values as Linux errno for familiarity). */
#define HC_EPERM  1
#define HC_EFAULT 14
#define HC_ENOENT 2   /* no such domain */
#define HC_ENOMEM 12
#define HC_EBUSY  16  /* e.g. vCPU already running */
#define HC_EEXIST 17
#define HC_EINVAL 22
#define HC_ENOSYS 38

/* CPUID leaf 0x40000000: EAX = highest hypervisor leaf, EBX:ECX:EDX = "HinokiHinoki". */
#define HINOKI_CPUID_BASE      0x40000000u
#define HINOKI_CPUID_MAX_LEAF  0x40000001u
#define HINOKI_CPUID_SIGNATURE "HinokiHinoki"
/* Leaf 0x40000001: EAX = (major << 16) | minor, EBX = domain id, ECX = TSC kHz. */

/* Port a guest writes its exit code to (the isa-debug-exit convention). */
#define HINOKI_PORT_EXIT 0xf4

#endif
