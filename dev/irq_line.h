/*
 * The one way a device raises an interrupt: it drives a line of its domain
 * (an ISA IRQ number) high or low, and whoever the platform connected to
 * the line decides what that means: the I/O APIC input the line is wired
 * to, as on a PC (dev/platform.c). A device holds its line by value and
 * never learns where it leads.
 */
#ifndef DEV_IRQ_LINE_H
#define DEV_IRQ_LINE_H

#include <stdbool.h>

struct irq_line {
	void (*set)(void *ctx, unsigned irq, bool level);   /* NULL: not connected */
	void *ctx;
	unsigned irq;
};

/*
 * The I/O APIC input (global system interrupt) ISA IRQ `irq` is wired to:
 * the PIT's IRQ 0 to input 2, as on a PC, every other IRQ n to input n.
 * The MADT's interrupt source override says the same to the guest.
 */
#define ISA_IRQ_PIT      0
#define ISA_IRQ_PIT_GSI  2

static inline unsigned isa_irq_gsi(unsigned irq)
{
	return irq == ISA_IRQ_PIT ? ISA_IRQ_PIT_GSI : irq;
}

/* The line numbered n above l, to the same receiver: for a device with a row of lines (the test device). */
static inline struct irq_line irq_line_above(struct irq_line l, unsigned n)
{
	l.irq += n;
	return l;
}

/* Drive the line; level-triggered, so devices call it whenever their condition may have changed. */
static inline void dev_irq_set(const struct irq_line *l, bool level)
{
	if (l->set)
		l->set(l->ctx, l->irq, level);
}

#endif
