/*
 * /bin/tsc of the Linux test guest: prints the TSC as a decimal number and a
 * newline. /init runs it first, so that the boot benchmark (tools/bench/
 * linuxboot.py) has the end of a boot as one TSC reading, taken before the
 * shell does anything else. No libc: a static binary of a few hundred bytes
 * with its own _start and the write and exit system calls.
 */
#include <stdint.h>

#define SYS_WRITE 1
#define SYS_EXIT  60
#define STDOUT    1

static long syscall3(long nr, long a, long b, long c)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return ret;
}

void _start(void) __attribute__((noreturn));
void _start(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	uint64_t t = (uint64_t)hi << 32 | lo;
	char buf[24];
	char *p = buf + sizeof buf;
	*--p = '\n';
	do {
		*--p = (char)('0' + t % 10);
		t /= 10;
	} while (t);
	long n = buf + sizeof buf - p;
	long rc = syscall3(SYS_WRITE, STDOUT, (long)p, n) == n ? 0 : 1;
	for (;;)
		syscall3(SYS_EXIT, rc, 0, 0);
}
