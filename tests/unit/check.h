/*
 * Minimal host unit-test harness. Each tests/unit/test_*.c has a main() that
 * calls RUN(fn) per test; a test uses CHECK()/CHECK_EQ(). RUN prints one line
 * "PASS name" or "FAIL name", which tests/run-tests.sh counts.
 */
#ifndef TESTS_UNIT_CHECK_H
#define TESTS_UNIT_CHECK_H

#include <stdio.h>
#include <inttypes.h>

static int check_failed_;
static int check_total_failed_;

#define CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
	check_failed_ = 1; } } while (0)

#define CHECK_EQ(a, b) do { unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b); \
	if (a_ != b_) { fprintf(stderr, "  %s:%d: %s == 0x%llx, expected %s == 0x%llx\n", \
		__FILE__, __LINE__, #a, a_, #b, b_); check_failed_ = 1; } } while (0)

#define RUN(fn) do { check_failed_ = 0; fn(); \
	printf("%s %s\n", check_failed_ ? "FAIL" : "PASS", #fn); \
	check_total_failed_ |= check_failed_; } while (0)

#define CHECK_EXIT() (check_total_failed_ ? 1 : 0)

/* MAXPHYADDR of the CPU the tests model, for code that takes the guest's. */
#define TEST_PHYS_BITS 39

#endif
