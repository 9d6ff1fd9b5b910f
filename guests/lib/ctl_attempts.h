/*
 * Every control hypercall (HC_DOMCTL_*) made with sensible arguments aimed at
 * the management domain (id 0) where an id is taken: what a domain without
 * the privilege tries, each of which must return -HC_EPERM. Shared by the
 * hostile guests (evil, attack).
 */
#ifndef GUEST_CTL_ATTEMPTS_H
#define GUEST_CTL_ATTEMPTS_H

#include <stddef.h>

struct ctl_attempt {
	const char *name;
	long (*call)(void);
};

extern const struct ctl_attempt ctl_attempts[];
extern const size_t ctl_attempts_count;

#endif
