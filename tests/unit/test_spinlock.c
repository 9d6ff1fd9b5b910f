/*
 * The ticket spinlock: all zero is unlocked, spin_trylock takes only a lock
 * no one holds or waits for, tickets wrap past 16 bits, waiters are served
 * in the order they came, and two threads incrementing under it lose no
 * update.
 */
#include <pthread.h>
#include "lib/spinlock.h"
#include "tests/unit/check.h"

static void test_zero_is_unlocked(void)
{
	struct spinlock l = SPINLOCK_INIT, z;
	__builtin_memset(&z, 0, sizeof z);
	CHECK(!spin_is_locked(&l));
	CHECK(!spin_is_locked(&z));
	CHECK(spin_trylock(&z));
	CHECK(spin_is_locked(&z));
}

static void test_trylock(void)
{
	struct spinlock l = SPINLOCK_INIT;
	CHECK(spin_trylock(&l));
	CHECK(!spin_trylock(&l));
	spin_unlock(&l);
	CHECK(!spin_is_locked(&l));
	spin_lock(&l);
	CHECK(!spin_trylock(&l));
	spin_unlock(&l);
	CHECK(spin_trylock(&l));
	spin_unlock(&l);
}

/* 70,000 turns: both 16-bit counters wrap, and the lock still works. */
static void test_wrap(void)
{
	struct spinlock l = SPINLOCK_INIT;
	for (unsigned i = 0; i < 70000; i++) {
		spin_lock(&l);
		CHECK(spin_is_locked(&l));
		spin_unlock(&l);
	}
	CHECK(!spin_is_locked(&l));
	CHECK_EQ(l.owner, 70000 & 0xffff);
	CHECK_EQ(l.next, 70000 & 0xffff);
	CHECK(spin_trylock(&l));
	spin_unlock(&l);
}

/*
 * First come, first served: while the lock is held, waiters arrive one
 * after another (each has its ticket before the next starts); each release
 * lets in the earliest.
 */
#define WAITERS 4
static struct spinlock order_lock = SPINLOCK_INIT;
static volatile unsigned served[WAITERS], served_n;

static void *waiter(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;
	spin_lock(&order_lock);
	served[served_n++] = id;
	spin_unlock(&order_lock);
	return 0;
}

static void test_fifo(void)
{
	pthread_t t[WAITERS];
	spin_lock(&order_lock);
	for (unsigned i = 0; i < WAITERS; i++) {
		uint16_t before = order_lock.next;
		CHECK_EQ(pthread_create(&t[i], 0, waiter, (void *)(uintptr_t)i), 0);
		while (order_lock.next == before)   /* it has its ticket */
			;
	}
	spin_unlock(&order_lock);
	for (unsigned i = 0; i < WAITERS; i++)
		pthread_join(t[i], 0);
	CHECK_EQ(served_n, WAITERS);
	for (unsigned i = 0; i < WAITERS; i++)
		CHECK_EQ(served[i], i);
}

#define TURNS 200000
static struct spinlock count_lock = SPINLOCK_INIT;
static volatile uint64_t count;

static void *counter(void *arg)
{
	(void)arg;
	for (unsigned i = 0; i < TURNS; i++) {
		spin_lock(&count_lock);
		count = count + 1;
		spin_unlock(&count_lock);
	}
	return 0;
}

static void test_exclusion(void)
{
	pthread_t a, b;
	CHECK_EQ(pthread_create(&a, 0, counter, 0), 0);
	CHECK_EQ(pthread_create(&b, 0, counter, 0), 0);
	pthread_join(a, 0);
	pthread_join(b, 0);
	CHECK_EQ(count, 2 * TURNS);
	CHECK(!spin_is_locked(&count_lock));
}

int main(void)
{
	RUN(test_zero_is_unlocked);
	RUN(test_trylock);
	RUN(test_wrap);
	RUN(test_fifo);
	RUN(test_exclusion);
	return CHECK_EXIT();
}
