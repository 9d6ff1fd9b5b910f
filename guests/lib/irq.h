/*
 * Interrupts from the virtual local APIC in 64-bit Hinoki guests: two
 * interrupt gates, IRQ_VEC_A (0x40) and IRQ_VEC_B (0x41), added to the IDT
 * trap.c built. Each handler counts the interrupt, records the TSC at its
 * entry and signals EOI at the xAPIC page (unless irq_hold_eoi is set), then
 * returns; it touches no other register, so an interrupt may arrive in the
 * middle of anything.
 */
#ifndef GUEST_IRQ_H
#define GUEST_IRQ_H

#include <stdint.h>

#define IRQ_VEC_A 0x40
#define IRQ_VEC_B 0x41
#define IRQ_VECTORS 2

/* Interrupts taken per vector (index 0: IRQ_VEC_A) and the TSC at the last one's entry. */
extern volatile uint64_t irq_count[IRQ_VECTORS];
extern volatile uint64_t irq_entry_tsc[IRQ_VECTORS];
/* Non-zero: the handlers leave EOI to the caller (so it can look at ISR first). */
extern volatile uint8_t irq_hold_eoi;

/* Extends the IDT loaded by trap_init() with the two gates and loads it. Call after trap_init(). */
void irq_init(void);

static inline void irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }

#endif
