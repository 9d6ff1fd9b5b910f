/*
 * Ticket spinlock: waiters are served in the order they came, so no CPU
 * waits forever behind others that release and take the lock again at once
 * (a guest writing console lines back to back takes the console lock per
 * line; a test-and-set lock could leave another CPU spinning in root mode
 * behind it). Hypervisor code runs with interrupts off except in the idle
 * loop, so a lock holder is never interrupted by code that takes the same
 * lock; an NMI can interrupt anything, so its handler takes none.
 * docs/architecture.md ("Locks") lists every lock and their order. All zero
 * is unlocked, so a zeroed structure's locks need no set-up.
 */
#ifndef LIB_SPINLOCK_H
#define LIB_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct spinlock {
	union {
		volatile uint32_t word;    /* both, for spin_trylock's compare-and-swap */
		struct {
			volatile uint16_t owner;   /* the ticket being served */
			volatile uint16_t next;    /* the ticket the next to come takes */
		};
	};
};

#define SPINLOCK_INIT { { 0 } }
#define SPIN_NEXT_ONE (1u << 16)   /* one ticket, in `word` */

static inline bool spin_is_locked(const struct spinlock *l)
{
	uint32_t w = __atomic_load_n(&l->word, __ATOMIC_RELAXED);
	return (uint16_t)w != (uint16_t)(w >> 16);
}

/* Taken only when no one holds it or waits for it. */
static inline bool spin_trylock(struct spinlock *l)
{
	uint32_t w = __atomic_load_n(&l->word, __ATOMIC_RELAXED);
	return (uint16_t)w == (uint16_t)(w >> 16) &&
	       __atomic_compare_exchange_n(&l->word, &w, w + SPIN_NEXT_ONE, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void spin_lock(struct spinlock *l)
{
	uint16_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		__asm__ volatile("pause");
}

/* Only the holder writes `owner`. */
static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

#endif
