/*
 * The management shell's parsing, kept free of hardware access so that it
 * builds both into the guest and into a host unit test
 * (tests/unit/test_mgmt_parse.c): splitting a boot script into commands,
 * a command into words, KEY=VALUE options, CPU lists, and finding a domain
 * by id or name in a HC_DOMCTL_LIST result.
 */
#ifndef MGMT_PARSE_H
#define MGMT_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hinoki/domctl.h"
#include "hinoki/limits.h"

#define MGMT_MAX_ARGS 16
#define MGMT_MAX_CPUS 64        /* a CPU mask is 64 bits */
#define MGMT_MAX_WEIGHT 65535   /* as the config's `weight` */
#define MGMT_MAX_MEMORY_MIB 65536

/* Boot scripts: commands separated by ';' (or newlines) outside double quotes. */
enum script_status {
	SCRIPT_END,         /* no command left */
	SCRIPT_CMD,         /* cmd holds the next command, trimmed */
	SCRIPT_TOO_LONG,    /* the next command did not fit in cmd and was skipped */
};

/* Takes the next non-empty command from *cursor (a NUL-terminated script). */
enum script_status mgmt_script_next(const char **cursor, char *cmd, size_t cap);

/* Command words: split at spaces; "..." quotes spaces and ';' and is removed. */
enum {
	ARGS_ERR_QUOTE    = -1,     /* a quote was not closed */
	ARGS_ERR_TOO_MANY = -2,     /* more than MGMT_MAX_ARGS words */
};

struct mgmt_args {
	int argc;
	char *argv[MGMT_MAX_ARGS];
};

/* Splits `line` in place; returns argc (0 for a blank line) or ARGS_ERR_*. */
int mgmt_split_args(char *line, struct mgmt_args *a);

/* Decimal, or hex with 0x; the whole string, no sign, no overflow. */
bool mgmt_parse_u64(const char *s, uint64_t *out);

/* "all", or N and N-M ranges separated by commas, each CPU below MGMT_MAX_CPUS. */
bool mgmt_parse_cpus(const char *s, uint64_t *mask);

/*
 * Writes a mask as the list syntax ("0-3,5"); "all" for every bit, "-" for
 * none. Always NUL-terminates when cap > 0; returns false if it was cut short.
 */
bool mgmt_format_cpus(uint64_t mask, char *buf, size_t cap);

/* Options of `create` and `sched`. */
enum mgmt_opt {
	OPT_MEMORY = 1u << 0,
	OPT_VCPUS  = 1u << 1,
	OPT_WEIGHT = 1u << 2,
	OPT_CPUS   = 1u << 3,
	OPT_EXTRA  = 1u << 4,
};

enum mgmt_opt_error {
	OPT_OK = 0,
	OPT_ERR_UNKNOWN,        /* not KEY=VALUE, or no such key */
	OPT_ERR_NOT_HERE,       /* a key this command does not take */
	OPT_ERR_VALUE,          /* the value is not valid for the key */
	OPT_ERR_REPEATED,       /* the same key twice */
};

struct mgmt_opts {
	unsigned given;         /* enum mgmt_opt bits */
	uint32_t memory_mib, vcpus, weight;
	uint64_t cpus_mask;
	const char *extra;      /* points into the argument words */
};

/*
 * Parses argv[0..argc) as options, accepting only the keys in `allowed`.
 * On error returns it with *bad set to the offending word's index.
 */
enum mgmt_opt_error mgmt_parse_opts(int argc, char *const argv[], unsigned allowed,
                                    struct mgmt_opts *o, int *bad);

/* What an option error means, for messages ("unknown option"). */
const char *mgmt_opt_error_text(enum mgmt_opt_error e);

/* Finding a domain: an all-digits key is an id, anything else a name. */
enum {
	DOM_NOT_FOUND = -1,
	DOM_AMBIGUOUS = -2,     /* several live domains carry that name */
};

/*
 * Index in d[0..n) of the domain `key` names. A name prefers the one live
 * (mgmt_state_live()) domain of that name, else the newest ended one, else
 * its configured entry.
 */
int mgmt_find_domain(const struct hinoki_dominfo *d, size_t n, const char *key);

/* Whether the (possibly unterminated) name field equals `s`. */
bool mgmt_name_eq(const char name[HINOKI_NAME_MAX], const char *s);

/* "running", "paused", ...; "?" for an unknown state. */
const char *mgmt_state_name(uint32_t state);
/* Running, paused or asleep (in ACPI S3, which it leaves by itself or by its power button): alive. */
bool mgmt_state_live(uint32_t state);

/* "-EPERM" and the like for a negative hypercall result, NULL if unknown. */
const char *mgmt_error_name(long result);

#endif
