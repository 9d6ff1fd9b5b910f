/*
 * struct domain: one guest (or the management domain) and its resources:
 * guest RAM, EPT, I/O and MSR bitmaps, virtual devices, vCPUs. Creating a
 * domain takes every frame from the allocator; destroying returns them all.
 */
#ifndef DOM_DOMAIN_H
#define DOM_DOMAIN_H

#include <stdarg.h>
#include <stdint.h>
#include "boot/config.h"
#include "dev/uart.h"
#include "ept/ept.h"
#include "vmx/vcpu.h"

#define MAX_DOMAINS        CONFIG_MAX_DOMAINS
#define MAX_VCPUS_PER_DOM  8
#define DOMAIN_CONSOLE_LINE 256

enum domain_state {
	DOMAIN_NOT_STARTED, /* its config or image was bad; stop_reason says why */
	DOMAIN_RUNNING,
	DOMAIN_ENDED,      /* exited by itself (port 0xf4 or HC_EXIT) */
	DOMAIN_STOPPED,    /* stopped by the hypervisor after a fault */
};

struct domain {
	uint32_t id;
	char name[CONFIG_NAME_MAX];
	enum domain_type type;
	enum domain_state state;
	int exit_code;
	char stop_reason[160];

	uint64_t ram_hpa, ram_bytes;
	struct ept ept;
	struct ept_env ept_env;    /* table pages come from the frame allocator, counted here */
	uint64_t io_bitmap_pa;     /* two pages: ports 0-0x7fff, 0x8000-0xffff */
	uint64_t msr_bitmap_pa;
	uint64_t frames_used;      /* every page taken from the allocator for this domain */

	struct uart16550 uart;
	char con_line[DOMAIN_CONSOLE_LINE];
	unsigned con_len;

	unsigned nvcpus;
	struct vcpu *vcpus[MAX_VCPUS_PER_DOM];
};

/* The domain table: every domain the config named, started or not, in config order. */
unsigned domain_count(void);
struct domain *domain_at(unsigned i);
/* A table entry for a domain that could not be started, with the reason (for the summary). */
void domain_record_failure(uint32_t id, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Build a domain from its config and loaded files; NULL after reporting why. */
struct domain *domain_create(uint32_t id, const struct domain_config *cfg,
                             const void *kernel, uint64_t kernel_len,
                             const void *ramdisk, uint64_t ramdisk_len);
/* The domain ends by its own request. */
void domain_exit(struct domain *d, int code);
/* The hypervisor stops the domain: prints the reason and v's registers. */
void domain_stop(struct domain *d, struct vcpu *v, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Print the exit-statistics table of each vCPU. */
void domain_print_stats(const struct domain *d);
/* Return every frame; d must no longer run anywhere. */
void domain_destroy(struct domain *d);
/* Bytes the guest wrote to its console (UART or hypercall), split into "[name] " lines. */
void domain_console_put(struct domain *d, uint8_t byte);

#endif
