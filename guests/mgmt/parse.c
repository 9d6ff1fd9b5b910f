/*
 * Parsing for the management shell (parse.h). No hardware access and only
 * memcpy/memcmp/memset/strlen from the C library, so it builds in the guest
 * (guests/lib/mem.c) and hosted for tests/unit/test_mgmt_parse.c.
 */
#include "parse.h"

#include "hinoki/hypercall.h"

#ifdef HOST_TEST
#include <string.h>
#else
#include "mem.h"
#endif

#define CPU_ALL_MASK UINT64_MAX

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_separator(char c)
{
	return c == ';' || c == '\n';
}

enum script_status mgmt_script_next(const char **cursor, char *cmd, size_t cap)
{
	const char *p = *cursor;
	while (*p && (is_space(*p) || is_separator(*p)))
		p++;
	if (!*p) {
		*cursor = p;
		return SCRIPT_END;
	}

	const char *start = p;
	bool quoted = false;
	while (*p && (quoted || !is_separator(*p))) {
		if (*p == '"')
			quoted = !quoted;
		p++;
	}
	*cursor = p;

	size_t n = (size_t)(p - start);
	while (n && is_space(start[n - 1]))
		n--;
	if (n >= cap) {
		if (cap)
			cmd[0] = '\0';
		return SCRIPT_TOO_LONG;
	}
	memcpy(cmd, start, n);
	cmd[n] = '\0';
	return SCRIPT_CMD;
}

int mgmt_split_args(char *line, struct mgmt_args *a)
{
	char *r = line, *w = line;
	a->argc = 0;
	for (;;) {
		while (is_space(*r))
			r++;
		if (!*r)
			return a->argc;
		if (a->argc == MGMT_MAX_ARGS)
			return ARGS_ERR_TOO_MANY;
		/* Words shrink as quotes go, so w never overtakes r. */
		a->argv[a->argc++] = w;
		bool quoted = false;
		while (*r && (quoted || !is_space(*r))) {
			if (*r == '"')
				quoted = !quoted;
			else
				*w++ = *r;
			r++;
		}
		if (quoted)
			return ARGS_ERR_QUOTE;
		bool more = *r != '\0';
		*w++ = '\0';
		if (!more)
			return a->argc;
		r++;
	}
}

static int digit_value(char c, unsigned base)
{
	int d;
	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	else
		return -1;
	return d < (int)base ? d : -1;
}

bool mgmt_parse_u64(const char *s, uint64_t *out)
{
	unsigned base = 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	uint64_t v = 0;
	for (; *s; s++) {
		int d = digit_value(*s, base);
		if (d < 0 || v > (UINT64_MAX - (unsigned)d) / base)
			return false;
		v = v * base + (unsigned)d;
	}
	*out = v;
	return true;
}

/* A decimal CPU number at *p, advancing past it. */
static bool parse_cpu(const char **p, unsigned *cpu)
{
	unsigned v = 0;
	const char *s = *p;
	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (unsigned)(*s - '0');
		if (v >= MGMT_MAX_CPUS)
			return false;
		s++;
	}
	*p = s;
	*cpu = v;
	return true;
}

bool mgmt_parse_cpus(const char *s, uint64_t *mask)
{
	if (strlen(s) == 3 && memcmp(s, "all", 3) == 0) {
		*mask = CPU_ALL_MASK;
		return true;
	}
	uint64_t m = 0;
	for (;;) {
		unsigned lo, hi;
		if (!parse_cpu(&s, &lo))
			return false;
		hi = lo;
		if (*s == '-') {
			s++;
			if (!parse_cpu(&s, &hi) || hi < lo)
				return false;
		}
		for (unsigned c = lo; c <= hi; c++)
			m |= 1ULL << c;
		if (!*s)
			break;
		if (*s++ != ',')
			return false;
	}
	*mask = m;
	return true;
}

/* Appends a string; false once it no longer fits. */
static bool cpus_append(char *buf, size_t cap, size_t *len, const char *s)
{
	size_t n = strlen(s);
	if (*len + n >= cap)
		return false;
	memcpy(buf + *len, s, n + 1);
	*len += n;
	return true;
}

/* A CPU number, below MGMT_MAX_CPUS: at most two digits. */
static bool cpus_append_cpu(char *buf, size_t cap, size_t *len, unsigned cpu)
{
	char out[3] = { 0 };
	if (cpu >= 10) {
		out[0] = (char)('0' + cpu / 10);
		out[1] = (char)('0' + cpu % 10);
	} else {
		out[0] = (char)('0' + cpu);
	}
	return cpus_append(buf, cap, len, out);
}

bool mgmt_format_cpus(uint64_t mask, char *buf, size_t cap)
{
	size_t len = 0;
	if (cap == 0)
		return false;
	buf[0] = '\0';
	if (mask == CPU_ALL_MASK)
		return cpus_append(buf, cap, &len, "all");
	if (mask == 0)
		return cpus_append(buf, cap, &len, "-");
	bool first = true;
	for (unsigned c = 0; c < MGMT_MAX_CPUS; c++) {
		if (!(mask >> c & 1))
			continue;
		unsigned end = c;
		while (end + 1 < MGMT_MAX_CPUS && (mask >> (end + 1) & 1))
			end++;
		size_t before = len;
		bool ok = (first || cpus_append(buf, cap, &len, ",")) && cpus_append_cpu(buf, cap, &len, c);
		if (ok && end > c)
			ok = cpus_append(buf, cap, &len, end == c + 1 ? "," : "-") &&
			     cpus_append_cpu(buf, cap, &len, end);
		if (!ok) {
			buf[before] = '\0';
			return false;
		}
		first = false;
		c = end;
	}
	return true;
}

static const struct {
	const char *key;
	enum mgmt_opt bit;
} opt_keys[] = {
	{ "memory", OPT_MEMORY },
	{ "vcpus", OPT_VCPUS },
	{ "weight", OPT_WEIGHT },
	{ "cpus", OPT_CPUS },
	{ "extra", OPT_EXTRA },
};

/* strlen(key) if arg is "key=...", else 0. */
static size_t key_prefix(const char *arg, const char *key)
{
	size_t n = 0;
	while (key[n] && arg[n] == key[n])
		n++;
	return !key[n] && arg[n] == '=' ? n : 0;
}

static bool parse_ranged(const char *s, uint64_t min, uint64_t max, uint32_t *out)
{
	uint64_t v;
	if (!mgmt_parse_u64(s, &v) || v < min || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool parse_value(enum mgmt_opt bit, const char *v, struct mgmt_opts *o)
{
	switch (bit) {
	case OPT_MEMORY:
		return parse_ranged(v, 1, MGMT_MAX_MEMORY_MIB, &o->memory_mib);
	case OPT_VCPUS:
		return parse_ranged(v, 1, HINOKI_MAX_VCPUS, &o->vcpus);
	case OPT_WEIGHT:
		return parse_ranged(v, 1, MGMT_MAX_WEIGHT, &o->weight);
	case OPT_CPUS:
		return mgmt_parse_cpus(v, &o->cpus_mask) && o->cpus_mask != 0;
	case OPT_EXTRA:
		if (strlen(v) >= HINOKI_EXTRA_MAX)
			return false;
		o->extra = v;
		return true;
	}
	return false;
}

enum mgmt_opt_error mgmt_parse_opts(int argc, char *const argv[], unsigned allowed,
                                    struct mgmt_opts *o, int *bad)
{
	memset(o, 0, sizeof *o);
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];
		enum mgmt_opt_error err = OPT_ERR_UNKNOWN;
		*bad = i;
		for (size_t k = 0; k < sizeof opt_keys / sizeof opt_keys[0]; k++) {
			size_t n = key_prefix(arg, opt_keys[k].key);
			if (!n)
				continue;
			enum mgmt_opt bit = opt_keys[k].bit;
			if (!(allowed & bit))
				return OPT_ERR_NOT_HERE;
			if (o->given & bit)
				return OPT_ERR_REPEATED;
			if (!parse_value(bit, arg + n + 1, o))
				return OPT_ERR_VALUE;
			o->given |= bit;
			err = OPT_OK;
			break;
		}
		if (err != OPT_OK)
			return err;
	}
	*bad = -1;
	return OPT_OK;
}

const char *mgmt_opt_error_text(enum mgmt_opt_error e)
{
	switch (e) {
	case OPT_OK:           return "ok";
	case OPT_ERR_UNKNOWN:  return "unknown option";
	case OPT_ERR_NOT_HERE: return "option not taken here";
	case OPT_ERR_VALUE:    return "bad value";
	case OPT_ERR_REPEATED: return "option given twice";
	}
	return "?";
}

bool mgmt_name_eq(const char name[HINOKI_NAME_MAX], const char *s)
{
	size_t n = strlen(s);
	if (n > HINOKI_NAME_MAX || memcmp(name, s, n) != 0)
		return false;
	return n == HINOKI_NAME_MAX || name[n] == '\0';
}

bool mgmt_state_live(uint32_t state)
{
	return state == HINOKI_DOM_RUNNING || state == HINOKI_DOM_PAUSED || state == HINOKI_DOM_ASLEEP;
}

int mgmt_find_domain(const struct hinoki_dominfo *d, size_t n, const char *key)
{
	uint64_t id;
	bool numeric = key[0] >= '0' && key[0] <= '9' && mgmt_parse_u64(key, &id);

	if (numeric) {
		for (size_t i = 0; i < n; i++)
			if (d[i].state != HINOKI_DOM_CONFIGURED && d[i].id == id)
				return (int)i;
		return DOM_NOT_FOUND;
	}

	int live = DOM_NOT_FOUND, ended = DOM_NOT_FOUND, configured = DOM_NOT_FOUND;
	for (size_t i = 0; i < n; i++) {
		if (!mgmt_name_eq(d[i].name, key))
			continue;
		if (mgmt_state_live(d[i].state)) {
			if (live != DOM_NOT_FOUND)
				return DOM_AMBIGUOUS;
			live = (int)i;
		} else if (d[i].state == HINOKI_DOM_CONFIGURED) {
			configured = (int)i;
		} else if (ended == DOM_NOT_FOUND || d[i].id > d[ended].id) {
			ended = (int)i;
		}
	}
	if (live != DOM_NOT_FOUND)
		return live;
	return ended != DOM_NOT_FOUND ? ended : configured;
}

const char *mgmt_state_name(uint32_t state)
{
	switch (state) {
	case HINOKI_DOM_CONFIGURED: return "configured";
	case HINOKI_DOM_RUNNING:    return "running";
	case HINOKI_DOM_PAUSED:     return "paused";
	case HINOKI_DOM_ENDED:      return "ended";
	case HINOKI_DOM_STOPPED:    return "stopped";
	case HINOKI_DOM_DESTROYED:  return "destroyed";
	case HINOKI_DOM_FAILED:     return "failed";
	case HINOKI_DOM_ASLEEP:     return "asleep";
	}
	return "?";
}

const char *mgmt_error_name(long result)
{
	switch (result) {
	case -HC_EPERM:  return "-EPERM";
	case -HC_ENOENT: return "-ENOENT";
	case -HC_ENOMEM: return "-ENOMEM";
	case -HC_EFAULT: return "-EFAULT";
	case -HC_EBUSY:  return "-EBUSY";
	case -HC_EEXIST: return "-EEXIST";
	case -HC_EINVAL: return "-EINVAL";
	case -HC_ENOSYS: return "-ENOSYS";
	}
	return NULL;
}
