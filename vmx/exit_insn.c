/*
 * Instructions that exit and need no emulation of their own: the VMX
 * instructions (and GETSEC, MONITOR, MWAIT), which a guest may not use and
 * get #UD as on a CPU without them, INVD/WBINVD, stepped over, and hardware
 * task switches, refused.
 */
#include "hw/segment.h"
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

/*
 * A hardware task switch (a far CALL or JMP to a TSS or task gate, IRET
 * with NT set, a task gate in the IDT) always exits. It is not carried out:
 * the guest gets #GP with the new TSS's selector as the error code, as the
 * CPU raises it for a TSS it cannot switch to, with RIP on the instruction
 * (or, from the IDT, in place of the event being delivered). 64-bit
 * kernels never switch tasks; 32-bit ones that do learn it at once.
 */
enum exit_action exit_task_switch(struct vcpu *v)
{
	unsigned sel = task_qual_selector(exit_qual());
	vcpu_inject_exception(v, VEC_GP, 1, sel & SELECTOR_INDEX_TI_MASK);
	return EXIT_RESUME;
}
