/*
 * The interrupt gates of irq.h. trap.c's IDT covers the 32 exception
 * vectors; this one copies those gates and adds IRQ_VEC_A and IRQ_VEC_B.
 * Vectors in between are not present: an interrupt there raises #NP, which
 * trap.c reports.
 */
#include <stddef.h>

#include "irq.h"

struct gate { uint64_t lo, hi; };   /* a 16-byte IA-32e gate, copied as is */

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

#define IDT_ENTRIES         (IRQ_VEC_B + 1)
#define GATE_INTERRUPT_P    0x8eu   /* present, DPL 0, 64-bit interrupt gate: IF cleared on entry */

extern char irq_stub_a[], irq_stub_b[];

static struct gate idt[IDT_ENTRIES] __attribute__((aligned(16)));

static struct gate make_gate(uint64_t a, uint16_t cs)
{
	struct gate g;
	g.lo = (a & 0xffffu) | ((uint64_t)cs << 16) | ((uint64_t)GATE_INTERRUPT_P << 40) |
	       ((a >> 16 & 0xffffu) << 48);
	g.hi = a >> 32;
	return g;
}

void irq_init(void)
{
	struct desc_ptr old;
	uint16_t cs;
	__asm__ volatile("sidt %0" : "=m"(old));
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	const struct gate *was = (const struct gate *)(uintptr_t)old.base;
	size_t have = ((size_t)old.limit + 1) / sizeof(struct gate);
	for (size_t i = 0; i < have && i < IDT_ENTRIES; i++)
		idt[i] = was[i];
	idt[IRQ_VEC_A] = make_gate((uintptr_t)irq_stub_a, cs);
	idt[IRQ_VEC_B] = make_gate((uintptr_t)irq_stub_b, cs);
	struct desc_ptr p = { .limit = sizeof idt - 1, .base = (uintptr_t)idt };
	__asm__ volatile("lidt %0" : : "m"(p) : "memory");
}
