/*
 * The interrupt gates of irq.h, added to trap.c's IDT beside its exception
 * gates. Vectors without a gate are not present: an interrupt there raises
 * #NP, which trap.c reports.
 */
#include "irq.h"
#include "trap.h"

extern char irq_stub_a[], irq_stub_b[];

void irq_init(void)
{
	trap_set_gate(IRQ_VEC_A, (uintptr_t)irq_stub_a);
	trap_set_gate(IRQ_VEC_B, (uintptr_t)irq_stub_b);
}
