/*
 * The machine config: one text file, global keys first (or in [hypervisor]),
 * then a [domain NAME] section per domain with xl.cfg key names.
 * Pure code: parses a buffer, knows nothing of UEFI; unit-tested on the host.
 */
#ifndef CONFIG_CONFIG_H
#define CONFIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hinoki/bootinfo.h"
#include "hinoki/limits.h"

#define CONFIG_NAME_MAX    32
#define CONFIG_PATH_MAX    128
#define CONFIG_EXTRA_MAX   512
#define CONFIG_SCRIPT_MAX  HINOKI_SCRIPT_MAX  /* the script page the loader gives the mgmt kernel */
#define CONFIG_WEIGHT_DEFAULT 256

enum domain_type { DOMAIN_TYPE_GUEST = 0, DOMAIN_TYPE_MGMT = 1 };
enum on_error { ON_ERROR_RETURN = 0, ON_ERROR_POWEROFF = 1 };
/* What a domain's end leads to (xl.cfg's on_poweroff, on_reboot, on_crash): these two of xl's actions. */
enum domain_action { DOMAIN_ACTION_DESTROY = 0, DOMAIN_ACTION_RESTART = 1 };

struct domain_config {
	char name[CONFIG_NAME_MAX];
	char kernel[CONFIG_PATH_MAX];   /* required */
	char ramdisk[CONFIG_PATH_MAX];  /* "" when none */
	char extra[CONFIG_EXTRA_MAX];   /* command line, "" when none */
	uint32_t memory_mib;            /* default 32 */
	uint32_t vcpus;                 /* default 1 */
	uint64_t cpus_mask;             /* bit per physical CPU; default all ones */
	enum domain_type type;
	uint32_t weight;                /* scheduler share, 1..65535, default CONFIG_WEIGHT_DEFAULT */
	bool autostart;                 /* default true; false: waits for the mgmt domain's `create` */
	bool trace;                     /* key trace: record every exit in a trace ring from the start */
	bool fastpath;                  /* key fastpath (default 1): resume at once after an exit that needs no scheduling (vmx/exit.c) */
	bool apicv;                     /* key apicv (default 1): the CPU's APIC virtualization where it has it (vmx/apicv.c) */
	bool x2apic;                    /* key x2apic (default 1): the local APICs offer x2APIC mode (CPUID.1:ECX.x2APIC) */
	uint32_t halt_limit_ms;         /* key halt_limit_ms (default 1000): how long a HLT nothing can end waits before the domain ends */
	bool testdev;                   /* key testdev (default 0): QEMU's pc-testdev on its bus (dev/testdev.c) */
	bool edu;                       /* key edu (default 0): QEMU's edu PCI device at 00:02.0 (dev/edu.c) */
	bool viommu;                    /* key viommu (default 0): a VT-d DMA and interrupt remapping unit (dev/vtd.c) */
	uint32_t slice_us;              /* key slice_us in a domain: its own time slice; 0 = the global one */
	enum domain_action on_poweroff; /* ACPI S5; default destroy */
	enum domain_action on_reboot;   /* reset through port 0xCF9; default restart */
	enum domain_action on_crash;    /* stopped by the hypervisor (triple fault, unhandled exit); default destroy */
	char script[CONFIG_SCRIPT_MAX]; /* mgmt domain only: ';'-separated boot commands, "" when none */
	bool valid;                     /* false: a line of this section was bad, do not start it */
	unsigned line;                  /* line of the [domain] header */
};

struct hv_config {
	enum on_error on_error;         /* key on_error = return|poweroff (default return) */
	uint32_t slice_us;              /* key slice_us: scheduler time slice, default 10000 */
	bool exit_csv;                  /* key exit_csv: exit statistics also as CSV lines */
	uint32_t watchdog_ms;           /* key watchdog_ms: a CPU this long in root mode is reported (default 5000, 0 off) */
	unsigned ndomains;
	struct domain_config domains[HINOKI_MAX_CONFIG_DOMAINS];
};

/* A file the config names, as the boot code read it from the boot volume. */
struct loaded_file {
	const void *data;      /* NULL when the file could not be read */
	uint64_t len;
	char error[96];        /* why it could not be read */
};

/* Called once per problem: file name, 1-based line, and a sentence. */
typedef void (*config_report_fn)(void *ctx, const char *file, unsigned line, const char *msg);

/*
 * Parse text[0..len) (need not be NUL-terminated). Always fills *out with
 * defaults plus whatever parsed; returns the number of problems reported.
 * A bad line inside a [domain] section marks that domain invalid; a bad global
 * line is reported and ignored. Duplicate domain names are an error on the
 * second one.
 */
int config_parse(const char *text, size_t len, const char *file,
                 struct hv_config *out, config_report_fn report, void *ctx);

/*
 * Why a parsed config would run nothing (no [domain] section, every section
 * spoiled, or every domain waiting for a `create` from a management domain
 * there is not), or NULL when some domain starts.
 */
const char *config_nothing_to_run(const struct hv_config *c);

/* Which file of a domain: its kernel or its ramdisk. */
enum domain_file { DOMAIN_FILE_KERNEL, DOMAIN_FILE_RAMDISK };

/*
 * The first valid domain before section i that names the same boot-volume
 * file as section i's `which` file, as its kernel or ramdisk: *dom and
 * *as_which say where; returns false when none does. Names are compared as
 * FAT compares them (ASCII case folded, '/' as '\'), so a file named by
 * several domains is read once and shared.
 */
bool config_file_named_before(const struct hv_config *c, unsigned i, enum domain_file which,
                              unsigned *dom, enum domain_file *as_which);

#endif
