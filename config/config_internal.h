/*
 * What the two halves of the config parser share and nothing else uses: the
 * parser state, problem reporting, the key table and the character classes.
 * config.c splits the text into lines, sections and `key = value`;
 * config_keys.c turns each value into its field and checks what spans a
 * whole [domain] section.
 */
#ifndef CONFIG_CONFIG_INTERNAL_H
#define CONFIG_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "config/config.h"
#include "lib/string.h"

#define CONFIG_VALUE_MAX   CONFIG_EXTRA_MAX   /* longest value of a key without its own limit, with NUL */
#define CONFIG_BUFFER_MAX  CONFIG_SCRIPT_MAX  /* longest value of any key, with NUL */
#define CONFIG_NO_LINE     0u

enum key_id { K_ON_ERROR, K_SLICE_US, K_KERNEL, K_RAMDISK, K_EXTRA, K_MEMORY, K_VCPUS,
              K_CPUS, K_TYPE, K_AUTOSTART, K_WEIGHT, K_SCRIPT,
              K_EXIT_CSV, K_TRACE, K_FASTPATH, K_APICV, K_X2APIC, K_TESTDEV, K_EDU, K_VIOMMU, K_DOM_SLICE_US,
              K_ON_POWEROFF, K_ON_REBOOT, K_ON_CRASH, K_HALT_LIMIT_MS, K_WATCHDOG_MS, K_COUNT };

enum section { SEC_GLOBAL, SEC_HYPERVISOR, SEC_DOMAIN, SEC_DISCARD };

struct parser {
	const char *file;
	config_report_fn report;
	void *ctx;
	struct hv_config *out;
	int problems;
	unsigned line;
	enum section sec;
	struct domain_config *dom;          /* SEC_DOMAIN: in out; SEC_DISCARD: &scratch */
	struct domain_config scratch;       /* a section whose header was bad: checked, not kept */
	unsigned global_seen[K_COUNT];      /* line each key was set on, CONFIG_NO_LINE when not yet */
	unsigned domain_seen[K_COUNT];
	int mgmt;                           /* index of the mgmt domain, -1 when none yet */
	char value[CONFIG_BUFFER_MAX];      /* the value being parsed, NUL-terminated */
};

/* ---- reporting ------------------------------------------------------------ */

struct carg { uint64_t u; const char *s; size_t n; };  /* n: bytes of s */
#define CA_U(v)    ((struct carg){ (uint64_t)(v), "", 0 })
#define CA_S(v)    ((struct carg){ 0, (v), strlen(v) })
#define CA_N(v, l) ((struct carg){ 0, (v), (l) })      /* text from the file: not NUL-terminated */

/*
 * One problem on `line`. fmt: %s a string, %q a value from the file
 * (printable bytes only, cut short when long), %u a decimal number.
 */
void config_report(struct parser *ps, unsigned line, const char *fmt,
                   const struct carg *args, size_t nargs);

#define REPORT_AT(ps, line, fmt, ...) config_report((ps), (line), (fmt), \
	(const struct carg[]){ CA_U(0), ##__VA_ARGS__ } + 1, \
	sizeof((const struct carg[]){ CA_U(0), ##__VA_ARGS__ }) / sizeof(struct carg) - 1)

/* A problem on the current line; it spoils the domain being parsed. */
#define PROBLEM(ps, fmt, ...) do { \
	REPORT_AT((ps), (ps)->line, (fmt), ##__VA_ARGS__); \
	if ((ps)->dom) \
		(ps)->dom->valid = false; \
} while (0)

/* ---- characters ----------------------------------------------------------- */

static inline bool cfg_is_space(char ch) { return ch == ' ' || ch == '\t'; }
static inline bool cfg_is_digit(char ch) { return ch >= '0' && ch <= '9'; }
static inline bool cfg_is_alpha(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}
static inline bool cfg_is_key_char(char ch) { return cfg_is_alpha(ch) || cfg_is_digit(ch) || ch == '_'; }
static inline bool cfg_is_name_char(char ch) { return cfg_is_key_char(ch) || ch == '-'; }

/* ---- keys (config_keys.c) -------------------------------------------------- */

/* The key called name, or K_COUNT when there is none. */
enum key_id config_find_key(const char *name, bool in_domain);
bool config_key_in_domain(enum key_id k);
/* Longest value the key takes, with its NUL. */
size_t config_key_value_max(enum key_id k);

void config_global_defaults(struct hv_config *o);
void config_domain_defaults(struct domain_config *d, unsigned line);
/* Store value v of key k into the global settings or ps->dom, reporting a bad value. */
void config_apply_key(struct parser *ps, enum key_id k, const char *v);
/* Checks that need the whole section (kernel present, script only in mgmt); ps->dom is set. */
void config_check_domain(struct parser *ps);

#endif
