/*
 * Structures of the control hypercalls (HC_DOMCTL_*), shared by the
 * hypervisor and the management domain. Fixed-width fields only; every
 * pointer is a guest-physical address in the caller's RAM.
 */
#ifndef HINOKI_DOMCTL_H
#define HINOKI_DOMCTL_H

#include <stdint.h>

#define HINOKI_NAME_MAX  32
#define HINOKI_EXTRA_MAX 256

enum hinoki_dom_state {
	HINOKI_DOM_CONFIGURED = 0,  /* in the config with autostart = 0: waits for `create` */
	HINOKI_DOM_RUNNING    = 1,
	HINOKI_DOM_PAUSED     = 2,
	HINOKI_DOM_ENDED      = 3,  /* exited by itself; exit_code is valid */
	HINOKI_DOM_STOPPED    = 4,  /* stopped by the hypervisor after a fault */
	HINOKI_DOM_DESTROYED  = 5,  /* destroyed by the management domain */
	HINOKI_DOM_FAILED     = 6,  /* could not be started (bad config or image) */
	HINOKI_DOM_ASLEEP     = 7,  /* in ACPI S3: its processors stopped until a wake event */
};

/* HC_DOMCTL_TRIGGER: an event from outside the domain, as `xl trigger` and QEMU's monitor send. */
enum hinoki_trigger {
	HINOKI_TRIGGER_POWER = 0,   /* a press of its ACPI power button: an SCI, or a wake from S3 */
};

#define HINOKI_DOM_F_MGMT (1u << 0)

struct hinoki_dominfo {
	uint32_t id;            /* for CONFIGURED entries: 0xffffffff */
	uint32_t state;         /* enum hinoki_dom_state */
	char     name[HINOKI_NAME_MAX];
	uint32_t vcpus;
	uint32_t weight;
	uint64_t mem_bytes;
	uint64_t cpus_mask;
	uint64_t cpu_tsc;       /* TSC cycles its vCPUs spent in guest mode */
	uint64_t exits;         /* VM exits of all its vCPUs */
	int32_t  exit_code;
	uint32_t flags;         /* HINOKI_DOM_F_* */
};

/* HC_DOMCTL_CREATE: a domain from the config section `name`; zero fields keep the config's value. */
struct hinoki_create {
	char     name[HINOKI_NAME_MAX];
	uint32_t memory_mib;
	uint32_t vcpus;
	uint32_t weight;
	uint32_t flags;         /* HINOKI_CREATE_F_EXTRA: use `extra` as the command line */
	uint64_t cpus_mask;
	char     extra[HINOKI_EXTRA_MAX];
};
#define HINOKI_CREATE_F_EXTRA (1u << 0)

/*
 * HC_DOMCTL_CONSOLE: the domain's console output is a byte stream; the
 * hypervisor keeps its last HINOKI_CONSOLE_RING bytes. The caller asks from
 * stream position `pos`; the hypervisor copies from max(pos, oldest kept),
 * sets `pos` to just after the last byte copied and `lost` to the bytes
 * skipped because they had left the ring.
 */
#define HINOKI_CONSOLE_RING 8192
struct hinoki_console_read {
	uint64_t pos;
	uint64_t buf_gpa;
	uint32_t len;
	uint32_t lost;
};

/* HC_DOMCTL_STATS: one entry per exit reason that occurred. */
struct hinoki_exit_stat {
	uint32_t reason;
	uint32_t reserved;
	uint64_t count;
	uint64_t cycles;        /* TSC cycles in root mode */
};

#endif
