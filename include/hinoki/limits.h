/*
 * Hinoki's limits, in one place: the config parser, the management domain's
 * shell and domain creation check against these, so what one accepts the
 * others accept too.
 */
#ifndef HINOKI_LIMITS_H
#define HINOKI_LIMITS_H

#define HINOKI_MAX_DOMAINS        64   /* domain table entries: the config's and those created at run time */
#define HINOKI_MAX_CONFIG_DOMAINS 16   /* [domain] sections in one config file */
#define HINOKI_MAX_VCPUS          8    /* vCPUs of one domain */
#define HINOKI_MAX_CPUS           64   /* physical CPUs a `cpus` mask can name (one bit each in 64) */


/* A limit as a string literal, for messages built at compile time. */
#define HINOKI_STR_(x) #x
#define HINOKI_STR(x)  HINOKI_STR_(x)

#endif
