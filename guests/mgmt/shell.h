/*
 * The management domain's command interpreter: one command line in, result
 * lines out. It reaches the hypervisor and the console only through struct
 * mgmt_ops, so the guest plugs in the control hypercalls and COM1 while the
 * host unit test plugs in a fake hypervisor. docs/mgmt.md describes the
 * commands.
 */
#ifndef MGMT_SHELL_H
#define MGMT_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hinoki/domctl.h"

struct mgmt_ops {
	/* The control hypercalls, with the results HC_DOMCTL_* give. */
	long (*list)(struct hinoki_dominfo *buf, uint32_t cap);
	long (*create)(const struct hinoki_create *req);
	long (*destroy)(uint32_t id);
	long (*pause)(uint32_t id);
	long (*unpause)(uint32_t id);
	long (*sched)(uint32_t id, uint32_t weight, uint64_t cpus_mask);
	long (*console)(uint32_t id, struct hinoki_console_read *rd);
	long (*stats)(uint32_t id, uint32_t vcpu, struct hinoki_exit_stat *buf, uint32_t cap);
	long (*shutdown)(void);
	long (*trace)(uint32_t id, uint32_t on);
	long (*diag_nmi)(uint32_t cpu);
	long (*diag_hang)(uint32_t ms);
	long (*trigger)(uint32_t id, uint32_t what);
	/* Blocks about `ms` milliseconds; true if the user asked to stop waiting. */
	bool (*sleep)(uint32_t ms);
	/* Output: the guest formatter's conversions only (guests/lib/fmt.h). */
	int (*print)(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
	void (*write)(const char *s, size_t n);
};

struct mgmt_shell {
	const struct mgmt_ops *ops;
	uint32_t self_id;       /* the management domain's own id */
	uint32_t tsc_khz;       /* for CPU time in milliseconds */
	uint32_t wait_poll_ms;  /* how often `wait` looks at the domain list */
};

enum shell_result {
	SHELL_OK,
	SHELL_FAILED,           /* the command printed why */
	SHELL_SHUTDOWN,         /* `shutdown` succeeded: the domain should end */
};

/* Runs one command; `line` is split in place. */
enum shell_result mgmt_shell_exec(const struct mgmt_shell *sh, char *line);

#endif
