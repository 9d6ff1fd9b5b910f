/*
 * The one way a device raises an interrupt: it drives a line of its domain
 * (an ISA IRQ number) high or low, and whoever the platform connected to
 * the line decides what that means. Today the platform only records each
 * line's level (dev/platform.c); routing the lines through a virtual
 * PIC and I/O APIC to the local APICs comes with those devices. A device
 * holds its line by value and never learns where it leads.
 */
#ifndef DEV_IRQ_LINE_H
#define DEV_IRQ_LINE_H

#include <stdbool.h>

struct irq_line {
	void (*set)(void *ctx, unsigned irq, bool level);   /* NULL: not connected */
	void *ctx;
	unsigned irq;
};

/* Drive the line; level-triggered, so devices call it whenever their condition may have changed. */
static inline void dev_irq_set(const struct irq_line *l, bool level)
{
	if (l->set)
		l->set(l->ctx, l->irq, level);
}

#endif
