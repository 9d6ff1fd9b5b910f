/*
 * Self-checking guests report in one format that integration tests grep:
 * "NAME: CHECK FAILED: what" per broken expectation, then "NAME: all checks
 * passed" or "NAME: N checks failed". A guest defines TAG ("NAME: ") and
 * calls fail(); the macro expands where it is used, so include order does
 * not matter.
 */
#ifndef GUEST_CHECK_H
#define GUEST_CHECK_H

void check_fail(const char *tag, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
unsigned check_failures(void);
/* The closing line; returns the exit code: 0 when every check held, else 1. */
int check_summary(const char *tag);

#define fail(...) check_fail(TAG, __VA_ARGS__)

#endif
