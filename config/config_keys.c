/*
 * The config's keys: which exist and where, their defaults, and how each
 * value becomes a field (numbers in range, keywords, CPU lists, strings within
 * their limit), with a sentence naming the key when it does not. Also the
 * checks that need a whole [domain] section, since keys may come in any order.
 * Pure code.
 */
#include "config/config_internal.h"
#include "hinoki/limits.h"

#define DEFAULT_SLICE_US   10000u
#define SLICE_US_MIN       100u
#define SLICE_US_MAX       1000000u
#define HALT_LIMIT_MS_MAX  3600000u   /* an hour */
#define HALT_LIMIT_MS_DEFAULT 1000u
/* Above the longest slice (SLICE_US_MAX), which a CPU may spend in one guest without its scheduler. */
#define WATCHDOG_MS_MIN    2000u
#define WATCHDOG_MS_MAX    3600000u
#define WATCHDOG_MS_DEFAULT 5000u
#define DEFAULT_MEMORY_MIB 32u
#define MEMORY_MIB_MAX     65536u
#define WEIGHT_MIN         1u
#define WEIGHT_MAX         65535u

static const struct {
	const char *name;
	bool in_domain;
	size_t value_max;          /* 0: CONFIG_VALUE_MAX */
} keys[K_COUNT] = {
	[K_ON_ERROR]  = { "on_error", false, 0 },
	[K_SLICE_US]  = { "slice_us", false, 0 },
	[K_KERNEL]    = { "kernel", true, CONFIG_PATH_MAX },
	[K_RAMDISK]   = { "ramdisk", true, CONFIG_PATH_MAX },
	[K_EXTRA]     = { "extra", true, CONFIG_EXTRA_MAX },
	[K_MEMORY]    = { "memory", true, 0 },
	[K_VCPUS]     = { "vcpus", true, 0 },
	[K_CPUS]      = { "cpus", true, 0 },
	[K_TYPE]      = { "type", true, 0 },
	[K_AUTOSTART] = { "autostart", true, 0 },
	[K_WEIGHT]    = { "weight", true, 0 },
	[K_SCRIPT]    = { "script", true, CONFIG_SCRIPT_MAX },
	[K_EXIT_CSV]  = { "exit_csv", false, 0 },
	[K_TRACE]     = { "trace", true, 0 },
	[K_FASTPATH]  = { "fastpath", true, 0 },
	[K_APICV]     = { "apicv", true, 0 },
	[K_X2APIC]    = { "x2apic", true, 0 },
	[K_TESTDEV]   = { "testdev", true, 0 },
	[K_EDU]       = { "edu", true, 0 },
	[K_VIOMMU]    = { "viommu", true, 0 },
	[K_DOM_SLICE_US] = { "slice_us", true, 0 },
	[K_ON_POWEROFF] = { "on_poweroff", true, 0 },
	[K_ON_REBOOT]   = { "on_reboot", true, 0 },
	[K_ON_CRASH]    = { "on_crash", true, 0 },
	[K_HALT_LIMIT_MS] = { "halt_limit_ms", true, 0 },
	[K_WATCHDOG_MS] = { "watchdog_ms", false, 0 },
};

enum key_id config_find_key(const char *name, bool in_domain)
{
	enum key_id first = K_COUNT;

	/* A name may exist in both places (slice_us): prefer the entry for where it stands. */
	for (enum key_id k = 0; k < K_COUNT; k++) {
		if (strcmp(keys[k].name, name) != 0)
			continue;
		if (keys[k].in_domain == in_domain)
			return k;
		if (first == K_COUNT)
			first = k;
	}
	return first;
}

bool config_key_in_domain(enum key_id k)
{
	return k < K_COUNT && keys[k].in_domain;
}

size_t config_key_value_max(enum key_id k)
{
	return k < K_COUNT && keys[k].value_max ? keys[k].value_max : CONFIG_VALUE_MAX;
}

void config_global_defaults(struct hv_config *o)
{
	memset(o, 0, sizeof(*o));
	o->on_error = ON_ERROR_RETURN;
	o->slice_us = DEFAULT_SLICE_US;
	o->watchdog_ms = WATCHDOG_MS_DEFAULT;
}

void config_domain_defaults(struct domain_config *d, unsigned line)
{
	memset(d, 0, sizeof(*d));
	d->memory_mib = DEFAULT_MEMORY_MIB;
	d->vcpus = 1;
	d->cpus_mask = ~0ULL;
	d->type = DOMAIN_TYPE_GUEST;
	d->weight = CONFIG_WEIGHT_DEFAULT;
	d->autostart = true;
	d->fastpath = true;
	d->apicv = true;
	d->x2apic = true;
	d->halt_limit_ms = HALT_LIMIT_MS_DEFAULT;
	/* xl's defaults. */
	d->on_poweroff = DOMAIN_ACTION_DESTROY;
	d->on_reboot = DOMAIN_ACTION_RESTART;
	d->on_crash = DOMAIN_ACTION_DESTROY;
	d->valid = true;
	d->line = line;
}

/* ---- numbers ---------------------------------------------------------------- */

/* Decimal or 0x hex, the whole string, no overflow. */
static bool parse_number(const char *s, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned d;
		if (cfg_is_digit(*s))
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return false;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

static bool number_in(const char *s, uint64_t lo, uint64_t hi, uint32_t *out)
{
	uint64_t v;
	if (!parse_number(s, &v) || v < lo || v > hi)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* ---- values ------------------------------------------------------------------ */

/* One CPU number of a cpus list, advancing *s past it. */
static bool cpu_number(const char **s, uint64_t *cpu)
{
	char num[24];
	size_t n = 0;

	while (cfg_is_space(**s))
		(*s)++;
	while (cfg_is_key_char(**s) && n + 1 < sizeof(num))
		num[n++] = *(*s)++;
	num[n] = '\0';
	while (cfg_is_space(**s))
		(*s)++;
	return n > 0 && !cfg_is_key_char(**s) && parse_number(num, cpu);
}

/* xl style: "all", "N", or comma-separated N and N-M. */
static void parse_cpus(struct parser *ps, const char *v)
{
	const char *s = v;
	uint64_t mask = 0;

	if (strcmp(v, "all") == 0) {
		ps->dom->cpus_mask = ~0ULL;
		return;
	}
	for (;;) {
		uint64_t lo, hi;
		if (!cpu_number(&s, &lo))
			goto syntax;
		hi = lo;
		if (*s == '-') {
			s++;
			if (!cpu_number(&s, &hi))
				goto syntax;
		}
		if (hi >= HINOKI_MAX_CPUS || lo >= HINOKI_MAX_CPUS) {
			PROBLEM(ps, "cpus names CPU %u, but CPUs are numbered 0 to %u",
			        CA_U(hi >= HINOKI_MAX_CPUS ? hi : lo), CA_U(HINOKI_MAX_CPUS - 1));
			return;
		}
		if (lo > hi) {
			PROBLEM(ps, "cpus range %u-%u runs backwards", CA_U(lo), CA_U(hi));
			return;
		}
		for (uint64_t c = lo; c <= hi; c++)
			mask |= 1ULL << c;
		if (*s == '\0')
			break;
		if (*s++ != ',')
			goto syntax;
	}
	ps->dom->cpus_mask = mask;
	return;
syntax:
	PROBLEM(ps, "cpus must be 'all', a CPU number or a list like '0-3,5', got '%q'", CA_S(v));
}

static void set_string(struct parser *ps, const char *key, char *dst, size_t cap, const char *v)
{
	size_t n = strlen(v);
	if (n >= cap) {
		PROBLEM(ps, "value too long for '%s' (at most %u characters)", CA_S(key), CA_U(cap - 1));
		return;
	}
	memcpy(dst, v, n + 1);
}

static void set_type(struct parser *ps, const char *v)
{
	struct domain_config *d = ps->dom;

	if (strcmp(v, "guest") == 0) {
		d->type = DOMAIN_TYPE_GUEST;
	} else if (strcmp(v, "mgmt") == 0) {
		d->type = DOMAIN_TYPE_MGMT;
		if (ps->sec != SEC_DOMAIN)
			return;
		int self = (int)(d - ps->out->domains);
		if (ps->mgmt >= 0 && ps->mgmt != self)
			PROBLEM(ps, "second mgmt domain '%s' (first was '%s')", CA_S(d->name),
			        CA_S(ps->out->domains[ps->mgmt].name));
		else
			ps->mgmt = self;
	} else {
		PROBLEM(ps, "type must be 'guest' or 'mgmt', got '%q'", CA_S(v));
	}
}

static void set_flag(struct parser *ps, const char *key, const char *v, bool *out)
{
	uint32_t on;

	if (number_in(v, 0, 1, &on))
		*out = on != 0;
	else
		PROBLEM(ps, "%s must be 0 or 1, got '%q'", CA_S(key), CA_S(v));
}

/* xl.cfg's other actions (rename-restart, preserve, coredump-*, soft-reset) have no meaning here. */
static void set_action(struct parser *ps, const char *key, const char *v, enum domain_action *out)
{
	if (strcmp(v, "destroy") == 0)
		*out = DOMAIN_ACTION_DESTROY;
	else if (strcmp(v, "restart") == 0)
		*out = DOMAIN_ACTION_RESTART;
	else
		PROBLEM(ps, "%s must be 'destroy' or 'restart', got '%q'", CA_S(key), CA_S(v));
}

void config_apply_key(struct parser *ps, enum key_id k, const char *v)
{
	struct hv_config *o = ps->out;
	struct domain_config *d = ps->dom;

	switch (k) {
	case K_ON_ERROR:
		if (strcmp(v, "return") == 0)
			o->on_error = ON_ERROR_RETURN;
		else if (strcmp(v, "poweroff") == 0)
			o->on_error = ON_ERROR_POWEROFF;
		else
			PROBLEM(ps, "on_error must be 'return' or 'poweroff', got '%q'", CA_S(v));
		break;
	case K_WATCHDOG_MS:
		if (strcmp(v, "0") != 0 && !number_in(v, WATCHDOG_MS_MIN, WATCHDOG_MS_MAX, &o->watchdog_ms))
			PROBLEM(ps, "watchdog_ms must be 0 (off) or a number of milliseconds from %u to %u, got '%q'",
			        CA_U(WATCHDOG_MS_MIN), CA_U(WATCHDOG_MS_MAX), CA_S(v));
		else if (strcmp(v, "0") == 0)
			o->watchdog_ms = 0;
		break;
	case K_SLICE_US:
		if (!number_in(v, SLICE_US_MIN, SLICE_US_MAX, &o->slice_us))
			PROBLEM(ps, "slice_us must be a number of microseconds from %u to %u, got '%q'",
			        CA_U(SLICE_US_MIN), CA_U(SLICE_US_MAX), CA_S(v));
		break;
	case K_KERNEL:
		if (!v[0])
			PROBLEM(ps, "kernel must name a file, got an empty string");
		else
			set_string(ps, "kernel", d->kernel, sizeof(d->kernel), v);
		break;
	case K_RAMDISK:
		set_string(ps, "ramdisk", d->ramdisk, sizeof(d->ramdisk), v);
		break;
	case K_EXTRA:
		set_string(ps, "extra", d->extra, sizeof(d->extra), v);
		break;
	case K_MEMORY:
		if (!number_in(v, 1, MEMORY_MIB_MAX, &d->memory_mib))
			PROBLEM(ps, "memory must be a number of MiB from 1 to %u, got '%q'",
			        CA_U(MEMORY_MIB_MAX), CA_S(v));
		break;
	case K_VCPUS:
		if (!number_in(v, 1, HINOKI_MAX_VCPUS, &d->vcpus))
			PROBLEM(ps, "vcpus must be a number from 1 to %u, got '%q'", CA_U(HINOKI_MAX_VCPUS), CA_S(v));
		break;
	case K_CPUS:
		parse_cpus(ps, v);
		break;
	case K_TYPE:
		set_type(ps, v);
		break;
	case K_AUTOSTART:
		set_flag(ps, "autostart", v, &d->autostart);
		break;
	case K_EXIT_CSV:
		set_flag(ps, "exit_csv", v, &o->exit_csv);
		break;
	case K_TRACE:
		set_flag(ps, "trace", v, &d->trace);
		break;
	case K_FASTPATH:
		set_flag(ps, "fastpath", v, &d->fastpath);
		break;
	case K_APICV:
		set_flag(ps, "apicv", v, &d->apicv);
		break;
	case K_X2APIC:
		set_flag(ps, "x2apic", v, &d->x2apic);
		break;
	case K_HALT_LIMIT_MS:
		if (!number_in(v, 0, HALT_LIMIT_MS_MAX, &d->halt_limit_ms))
			PROBLEM(ps, "halt_limit_ms must be a number of milliseconds from 0 to %u, got '%q'",
			        CA_U(HALT_LIMIT_MS_MAX), CA_S(v));
		break;
	case K_TESTDEV:
		set_flag(ps, "testdev", v, &d->testdev);
		break;
	case K_EDU:
		set_flag(ps, "edu", v, &d->edu);
		break;
	case K_VIOMMU:
		set_flag(ps, "viommu", v, &d->viommu);
		break;
	case K_DOM_SLICE_US:
		if (!number_in(v, SLICE_US_MIN, SLICE_US_MAX, &d->slice_us))
			PROBLEM(ps, "slice_us must be a number of microseconds from %u to %u, got '%q'",
			        CA_U(SLICE_US_MIN), CA_U(SLICE_US_MAX), CA_S(v));
		break;
	case K_WEIGHT:
		if (!number_in(v, WEIGHT_MIN, WEIGHT_MAX, &d->weight))
			PROBLEM(ps, "weight must be a number from %u to %u, got '%q'",
			        CA_U(WEIGHT_MIN), CA_U(WEIGHT_MAX), CA_S(v));
		break;
	case K_SCRIPT:
		/* Whether the domain may have one is known only at the end of its section. */
		set_string(ps, "script", d->script, sizeof(d->script), v);
		break;
	case K_ON_POWEROFF:
		set_action(ps, "on_poweroff", v, &d->on_poweroff);
		break;
	case K_ON_REBOOT:
		set_action(ps, "on_reboot", v, &d->on_reboot);
		break;
	case K_ON_CRASH:
		set_action(ps, "on_crash", v, &d->on_crash);
		break;
	case K_COUNT:
		break;
	}
}

void config_check_domain(struct parser *ps)
{
	struct domain_config *d = ps->dom;
	unsigned script_line = ps->domain_seen[K_SCRIPT];
	unsigned autostart_line = ps->domain_seen[K_AUTOSTART];

	/* A kernel line that was itself bad has been reported already. */
	if (ps->sec == SEC_DOMAIN && !d->kernel[0] && ps->domain_seen[K_KERNEL] == CONFIG_NO_LINE) {
		REPORT_AT(ps, d->line, "domain '%s' has no kernel", CA_S(d->name));
		d->valid = false;
	}
	if (script_line != CONFIG_NO_LINE && d->type != DOMAIN_TYPE_MGMT) {
		REPORT_AT(ps, script_line, "key 'script' is only allowed in the mgmt domain "
		          "(the one with type = mgmt)");
		d->valid = false;
	}
	/* Nothing else could start it: the mgmt domain is the one that creates the others. */
	if (autostart_line != CONFIG_NO_LINE && d->type == DOMAIN_TYPE_MGMT && !d->autostart) {
		REPORT_AT(ps, autostart_line, "autostart = 0 is not allowed in the mgmt domain");
		d->valid = false;
	}
}
