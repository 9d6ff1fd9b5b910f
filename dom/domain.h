/*
 * struct domain: one guest (or the management domain) and its resources:
 * guest RAM, EPT, I/O and MSR bitmaps, virtual devices, vCPUs. Creating a
 * domain takes every frame from the allocator; destroying returns them all.
 * What vmx/ and sched/ read of it is its struct vmx_guest (vmx/guest.h).
 */
#ifndef DOM_DOMAIN_H
#define DOM_DOMAIN_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "config/config.h"
#include "loader/loader.h"
#include "dev/console_ring.h"
#include "dev/platform.h"
#include "lib/spinlock.h"
#include "mm/account.h"
#include "mm/frame.h"
#include "ept/ept.h"
#include "hinoki/domctl.h"
#include "hinoki/limits.h"
#include "vmx/guest.h"
#include "vmx/vcpu.h"

#define DOMAIN_CONSOLE_LINE 256
/* Frames of the two structures (their pages come from the frame allocator). */
#define DOMAIN_PAGES ((sizeof(struct domain) + FRAME_SIZE - 1) / FRAME_SIZE)
#define VCPU_PAGES ((sizeof(struct vcpu) + FRAME_SIZE - 1) / FRAME_SIZE)
#define VCPU_APIC_PAGES 1   /* its local APIC's registers, the virtual-APIC page with APIC virtualization */

/* Overrides for a domain created at run time (zero fields keep the config's). */
struct domain_overrides {
	uint32_t memory_mib, vcpus, weight;
	uint64_t cpus_mask;
	const char *extra;             /* NULL: the config's */
};

struct domain {
	/* Identity, state, scheduling parameters, memory, EPT, bitmaps, vCPUs: what vmx/ and sched/ read. */
	struct vmx_guest guest;
	uint32_t refs;                 /* the table's and each finder's; the last domain_put frees (domain.c) */
	enum domain_type type;
	int exit_code;
	char stop_reason[VCPU_STOP_REASON_MAX];
	const struct domain_config *cfg;
	const char *end_how;           /* ended by a power event: how, for the summary; NULL: by its exit code */
	uint8_t restart;               /* set by what ended it (on_poweroff, on_reboot, on_crash): create it again once finished */
	uint32_t quick_restarts;       /* restarts in a row that each came soon after the domain's creation */
	uint64_t created_tsc;
	struct domain_overrides ov;    /* what it was created with, kept for a restart */
	char ov_extra[CONFIG_EXTRA_MAX];

	volatile uint32_t finished;    /* its resources are released and its statistics printed */

	struct ept_env ept_env;    /* EPT table pages come from the frame allocator, counted here */
	uint64_t frames_used;      /* every page taken from the allocator for this domain (its account's included) */

	struct spinlock con_lock;      /* the console line and ring, and the UART writing them: its vCPUs, CPU 0's input poll, its release, HC_DOMCTL_CONSOLE */
	char con_line[DOMAIN_CONSOLE_LINE];
	unsigned con_len;
	uint8_t con_open;              /* a partial line was written: its prefix is out */
	struct console_ring console_ring;   /* all its output, for HC_DOMCTL_CONSOLE */

	/* The PC platform of docs/platform.md: its device bus and devices; the ACPI tables live in its RAM. */
	struct platform platform;
};

/* The domain a vCPU's guest view belongs to: every struct vmx_guest is one embedded in a struct domain. */
static inline struct domain *domain_of(struct vmx_guest *g)
{
	return (struct domain *)((char *)g - offsetof(struct domain, guest));
}

/*
 * The domain table: every domain the config named, started or not, in config
 * order, then those created at run time. Finders take a reference that the
 * caller drops with domain_put; domain.c says why references and not a lock.
 */
/* By id among started entries, or by name among all; NULL if none. Referenced. */
struct domain *domain_by_id(uint32_t id);
struct domain *domain_by_name(const char *name);
/* Every entry, referenced, into out[HINOKI_MAX_DOMAINS]; returns how many. */
unsigned domain_snapshot(struct domain **out);
/* Another reference, for a caller that can show d stays whole meanwhile (it holds one, or runs d's vCPU). */
void domain_hold(struct domain *d);
/* Drop a reference; the last frees the domain with everything it still holds. */
void domain_put(struct domain *d);
void domain_put_all(struct domain **ds, unsigned n);
/* Take d out of the table and drop the table's reference (destroy, a failed create, power-off). */
void domain_discard(struct domain *d);
/* A table entry for a domain that could not be started, with the reason (for the summary). */
void domain_record_failure(uint32_t id, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Build a domain from its config and loaded files; NULL after reporting why (in *why if given). */
struct domain *domain_create(uint32_t id, const struct domain_config *cfg, const struct domain_overrides *ov,
                             const void *kernel, uint64_t kernel_len,
                             const void *ramdisk, uint64_t ramdisk_len, const char **why);
/* TSC rate given to guests in their boot information and CPUID leaf 0x40000001. */
void domain_set_tsc_khz(uint64_t khz);
/* The wall-clock time (UTC seconds since 1970) at TSC value tsc, which each new domain's RTC starts from. */
void domain_set_wall_clock(uint64_t secs, uint64_t tsc);
/* Start secondary vCPU `id` at rip/rsp with rdi = arg (HC_VCPU_UP). 0 or -HC_E*. */
int domain_vcpu_up(struct domain *d, uint32_t id, uint64_t rip, uint64_t rsp, uint64_t arg);
/* Move a running domain to `to` (ended, stopped, destroyed); false if it had already left running. */
int domain_leave_running(struct domain *d, enum domain_state to);
/* The domain ends by its own request. */
void domain_exit(struct domain *d, int code);
/* The guest powered its machine off (ACPI S5) or reset it (port 0xCF9): ended, and restarted if its config says so. */
void domain_power(struct domain *d, enum platform_power what);
/*
 * The guest put its machine to sleep (ACPI S3) until wake_tsc, its RTC
 * alarm, or (0: no alarm) until domain_wake(): its vCPUs stop, and the
 * first wakes at the FACS's waking vector. With no alarm and no management
 * domain to press its power button it could never wake: it is stopped,
 * saying so, and false returned.
 */
bool domain_sleep(struct domain *d, uint64_t wake_tsc);
/* Its power button: a sleeping d wakes now. platform_ops.wake's answer. */
uint64_t domain_wake(struct domain *d);
/* The hypervisor stops the domain: prints the reason and v's registers. */
void domain_stop(struct domain *d, struct vcpu *v, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Finish its last line: nothing of it may stay open once it no longer runs. */
void domain_console_end(struct domain *d);
/* The guest waits for input: show its partial line (a prompt) now. */
void domain_console_partial(struct domain *d);
/* HC_DOMCTL_CONSOLE on d's output ring: bytes copied into buf. */
int64_t domain_console_read(struct domain *d, struct hinoki_console_read *req, uint8_t *buf);
/* Whether exit statistics are also printed as CSV lines (config key exit_csv). */
void domain_report_csv(bool on);
/* Print the exit-statistics table of each vCPU. */
void domain_print_stats(const struct domain *d);
/* Guest RAM, EPT, bitmaps and VMCS pages back to the allocator; d must no longer run anywhere. Idempotent. */
void domain_release_resources(struct domain *d);
/* Bytes the guest wrote to its console (UART or hypercall), split into "[name] " lines; con_lock held. */
void domain_console_put(struct domain *d, uint8_t byte);
/* HC_CONSOLE_PUT: the same for a run of bytes, taking con_lock. */
void domain_console_write(struct domain *d, const uint8_t *p, uint64_t len);

#endif
