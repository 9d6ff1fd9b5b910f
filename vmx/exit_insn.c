/*
 * Instructions that exit and need no emulation of their own: the VMX
 * instructions (and GETSEC, MONITOR, MWAIT), which a guest may not use and
 * get #UD as on a CPU without them, and INVD/WBINVD, stepped over.
 */
#include "hw/vmx_exit.h"
#include "vmx/exit.h"

enum exit_action exit_inject_ud(struct vcpu *v)
{
	vcpu_inject_exception(v, VEC_UD, 0, 0);
	return EXIT_RESUME;
}

/* INVD/WBINVD: caches are coherent under EPT's write-back mapping; nothing to do. */
enum exit_action exit_skip(struct vcpu *v)
{
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}
