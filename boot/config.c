/*
 * The machine config parser: turns the text of the config file into a
 * struct hv_config, reporting every problem with its line and a sentence
 * naming it. A bad line spoils only its own [domain] section, so one typo does
 * not stop the other domains. Pure code over a byte buffer.
 */
#include "boot/config.h"
#include "lib/string.h"

#define DEFAULT_SLICE_US   10000u
#define SLICE_US_MIN       100u
#define SLICE_US_MAX       1000000u
#define DEFAULT_MEMORY_MIB 32u
#define MEMORY_MIB_MAX     65536u
#define VCPUS_MAX          64u
#define CPUS_MAX           64u
#define VALUE_MAX          CONFIG_EXTRA_MAX        /* longest value any key takes, with its NUL */
#define MSG_MAX            256
#define QUOTE_MAX          40                      /* characters of a bad value echoed back */
#define NO_LINE            0u

enum key_id { K_ON_ERROR, K_SLICE_US, K_KERNEL, K_RAMDISK, K_EXTRA, K_MEMORY, K_VCPUS,
              K_CPUS, K_TYPE, K_COUNT };

static const struct { const char *name; bool in_domain; } keys[K_COUNT] = {
	[K_ON_ERROR] = { "on_error", false }, [K_SLICE_US] = { "slice_us", false },
	[K_KERNEL] = { "kernel", true },      [K_RAMDISK] = { "ramdisk", true },
	[K_EXTRA] = { "extra", true },        [K_MEMORY] = { "memory", true },
	[K_VCPUS] = { "vcpus", true },        [K_CPUS] = { "cpus", true },
	[K_TYPE] = { "type", true },
};

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
	unsigned global_seen[K_COUNT];      /* line each key was set on, NO_LINE when not yet */
	unsigned domain_seen[K_COUNT];
	int mgmt;                           /* index of the mgmt domain, -1 when none yet */
};

/* A line as a cursor over [p, end). */
struct cursor { const char *p, *end; };

/* ---- reporting ---------------------------------------------------------- */

struct carg { uint64_t u; const char *s; size_t n; };  /* n: bytes of s */
#define CA_U(v)    ((struct carg){ (uint64_t)(v), "", 0 })
#define CA_S(v)    ((struct carg){ 0, (v), strlen(v) })
#define CA_N(v, l) ((struct carg){ 0, (v), (l) })      /* text from the file: not NUL-terminated */

static void msg_putc(char *m, size_t *n, char ch)
{
	if (*n + 1 < MSG_MAX)
		m[(*n)++] = ch;
}

/*
 * fmt: %s a string, %q a value from the file (printable bytes only, cut at
 * QUOTE_MAX characters), %u a decimal number.
 */
static void report_fmt(struct parser *ps, unsigned line, const char *fmt,
                       const struct carg *args, size_t nargs)
{
	char m[MSG_MAX];
	size_t n = 0, ai = 0;

	for (; *fmt; fmt++) {
		if (*fmt != '%' || !fmt[1]) {
			msg_putc(m, &n, *fmt);
			continue;
		}
		char conv = *++fmt;
		struct carg a = ai < nargs ? args[ai++] : CA_U(0);
		size_t len = a.n;
		if (conv == 's') {
			for (size_t i = 0; i < len; i++)
				msg_putc(m, &n, a.s[i]);
		} else if (conv == 'q') {
			for (size_t i = 0; i < len && i < QUOTE_MAX; i++) {
				unsigned char ch = (unsigned char)a.s[i];
				msg_putc(m, &n, ch >= ' ' && ch < 0x7f ? (char)ch : '?');
			}
			if (len > QUOTE_MAX)
				for (int i = 0; i < 3; i++)
					msg_putc(m, &n, '.');
		} else if (conv == 'u') {
			char tmp[24];
			unsigned k = 0;
			uint64_t v = a.u;
			do {
				tmp[k++] = (char)('0' + v % 10);
				v /= 10;
			} while (v);
			while (k)
				msg_putc(m, &n, tmp[--k]);
		}
	}
	m[n] = '\0';
	ps->problems++;
	if (ps->report)
		ps->report(ps->ctx, ps->file, line, m);
}

#define REPORT_AT(ps, line, fmt, ...) report_fmt((ps), (line), (fmt), \
	(const struct carg[]){ CA_U(0), ##__VA_ARGS__ } + 1, \
	sizeof((const struct carg[]){ CA_U(0), ##__VA_ARGS__ }) / sizeof(struct carg) - 1)

/* A problem on the current line; it spoils the domain being parsed. */
#define PROBLEM(ps, fmt, ...) do { \
	REPORT_AT((ps), (ps)->line, (fmt), ##__VA_ARGS__); \
	if ((ps)->dom) \
		(ps)->dom->valid = false; \
} while (0)

/* ---- small lexing helpers ----------------------------------------------- */

static bool is_space(char ch) { return ch == ' ' || ch == '\t'; }
static bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }
static bool is_alpha(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); }
static bool is_key_char(char ch) { return is_alpha(ch) || is_digit(ch) || ch == '_'; }
static bool is_name_char(char ch) { return is_key_char(ch) || ch == '-'; }

static void skip_space(struct cursor *c)
{
	while (c->p < c->end && is_space(*c->p))
		c->p++;
}

/* Nothing left but blanks and perhaps a comment. */
static bool at_line_end(struct cursor *c)
{
	skip_space(c);
	return c->p == c->end || *c->p == '#';
}

static bool word_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(s, word, n) == 0;
}

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
		if (is_digit(*s))
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

/* ---- values ------------------------------------------------------------- */

/* One CPU number of a cpus list, advancing *s past it. */
static bool cpu_number(const char **s, uint64_t *cpu)
{
	char num[24];
	size_t n = 0;

	while (is_space(**s))
		(*s)++;
	while (is_key_char(**s) && n + 1 < sizeof(num))
		num[n++] = *(*s)++;
	num[n] = '\0';
	while (is_space(**s))
		(*s)++;
	return n > 0 && !is_key_char(**s) && parse_number(num, cpu);
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
		if (hi >= CPUS_MAX || lo >= CPUS_MAX) {
			PROBLEM(ps, "cpus names CPU %u, but CPUs are numbered 0 to %u",
			        CA_U(hi >= CPUS_MAX ? hi : lo), CA_U(CPUS_MAX - 1));
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

static void apply_key(struct parser *ps, enum key_id k, const char *v)
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
		if (!number_in(v, 1, VCPUS_MAX, &d->vcpus))
			PROBLEM(ps, "vcpus must be a number from 1 to %u, got '%q'", CA_U(VCPUS_MAX), CA_S(v));
		break;
	case K_CPUS:
		parse_cpus(ps, v);
		break;
	case K_TYPE:
		set_type(ps, v);
		break;
	case K_COUNT:
		break;
	}
}

/* ---- sections ----------------------------------------------------------- */

static void end_section(struct parser *ps)
{
	struct domain_config *d = ps->dom;

	/* A kernel line that was itself bad has been reported already. */
	if (ps->sec == SEC_DOMAIN && !d->kernel[0] && ps->domain_seen[K_KERNEL] == NO_LINE) {
		REPORT_AT(ps, d->line, "domain '%s' has no kernel", CA_S(d->name));
		d->valid = false;
	}
	ps->dom = NULL;
}

static void domain_defaults(struct domain_config *d, unsigned line)
{
	memset(d, 0, sizeof(*d));
	d->memory_mib = DEFAULT_MEMORY_MIB;
	d->vcpus = 1;
	d->cpus_mask = ~0ULL;
	d->type = DOMAIN_TYPE_GUEST;
	d->valid = true;
	d->line = line;
}

/* [domain NAME]: a bad or surplus header still gets a scratch domain so its lines are checked. */
static void begin_domain(struct parser *ps, const char *name, size_t n)
{
	struct hv_config *o = ps->out;
	bool ok = true;

	ps->sec = SEC_DISCARD;
	ps->dom = &ps->scratch;
	memset(ps->domain_seen, 0, sizeof(ps->domain_seen));
	domain_defaults(&ps->scratch, ps->line);
	ps->scratch.valid = false;

	for (size_t i = 0; i < n; i++)
		ok = ok && is_name_char(name[i]);
	if (n == 0) {
		REPORT_AT(ps, ps->line, "missing domain name in '[domain NAME]'");
		return;
	}
	if (!ok) {
		REPORT_AT(ps, ps->line, "domain name '%q' may contain only letters, digits, '-' and '_'",
		          CA_N(name, n));
		return;
	}
	if (n >= CONFIG_NAME_MAX) {
		REPORT_AT(ps, ps->line, "domain name '%q' is longer than %u characters",
		          CA_N(name, n), CA_U(CONFIG_NAME_MAX - 1));
		return;
	}
	for (unsigned i = 0; i < o->ndomains; i++) {
		if (word_is(name, n, o->domains[i].name)) {
			REPORT_AT(ps, ps->line, "duplicate domain name '%q' (first on line %u)",
			          CA_N(name, n), CA_U(o->domains[i].line));
			return;
		}
	}
	if (o->ndomains == CONFIG_MAX_DOMAINS) {
		REPORT_AT(ps, ps->line, "too many domains (max %u)", CA_U(CONFIG_MAX_DOMAINS));
		return;
	}
	ps->sec = SEC_DOMAIN;
	ps->dom = &o->domains[o->ndomains++];
	domain_defaults(ps->dom, ps->line);
	memcpy(ps->dom->name, name, n);
	ps->dom->name[n] = '\0';
}

static void parse_section(struct parser *ps, struct cursor *c)
{
	const char *open = ++c->p, *close = open, *b, *e;

	while (close < c->end && *close != ']')
		close++;
	end_section(ps);
	if (close == c->end) {
		/* Its lines cannot be placed: check them, keep nothing. */
		ps->sec = SEC_DISCARD;
		ps->dom = &ps->scratch;
		ps->scratch.valid = false;
		REPORT_AT(ps, ps->line, "missing ']' in section header");
		return;
	}
	for (b = open; b < close && is_space(*b); b++) {}
	for (e = close; e > b && is_space(e[-1]); e--) {}

	const char *w = b;
	while (w < e && !is_space(*w))
		w++;
	if (word_is(b, (size_t)(e - b), "hypervisor")) {
		ps->sec = SEC_HYPERVISOR;
	} else if (word_is(b, (size_t)(w - b), "domain")) {
		while (w < e && is_space(*w))
			w++;
		begin_domain(ps, w, (size_t)(e - w));
	} else {
		ps->sec = SEC_DISCARD;
		ps->dom = &ps->scratch;
		ps->scratch.valid = false;
		REPORT_AT(ps, ps->line, "unknown section '[%q]' (expected [hypervisor] or [domain NAME])",
		          CA_N(b, (size_t)(e - b)));
		return;
	}
	c->p = close + 1;
	if (!at_line_end(c))
		PROBLEM(ps, "unexpected text after the section header");
}

/* ---- key = value -------------------------------------------------------- */

/* A quoted string (\" and \\ escapes) or a bare word; false after reporting. */
static bool parse_value(struct parser *ps, struct cursor *c, const char *key, char *val)
{
	size_t n = 0;

	if (c->p < c->end && *c->p == '"') {
		for (c->p++;; c->p++) {
			if (c->p == c->end) {
				PROBLEM(ps, "unterminated string in the value of '%s'", CA_S(key));
				return false;
			}
			char ch = *c->p;
			if (ch == '"')
				break;
			if (ch == '\\') {
				if (c->p + 1 == c->end || (c->p[1] != '"' && c->p[1] != '\\')) {
					PROBLEM(ps, "unknown escape in the value of '%s' (only \\\" and \\\\ are "
					        "allowed)", CA_S(key));
					return false;
				}
				ch = *++c->p;
			}
			if (n + 1 >= VALUE_MAX) {
				PROBLEM(ps, "value too long for '%s' (at most %u characters)",
				        CA_S(key), CA_U(VALUE_MAX - 1));
				return false;
			}
			val[n++] = ch;
		}
		c->p++;
	} else {
		while (c->p < c->end && !is_space(*c->p) && *c->p != '#' && *c->p != '"') {
			if (n + 1 >= VALUE_MAX) {
				PROBLEM(ps, "value too long for '%s' (at most %u characters)",
				        CA_S(key), CA_U(VALUE_MAX - 1));
				return false;
			}
			val[n++] = *c->p++;
		}
		if (n == 0) {
			PROBLEM(ps, "missing value for '%s'", CA_S(key));
			return false;
		}
	}
	val[n] = '\0';
	if (!at_line_end(c)) {
		PROBLEM(ps, "unexpected text after the value of '%s' (quote values that contain "
		        "spaces)", CA_S(key));
		return false;
	}
	return true;
}

static void parse_assignment(struct parser *ps, struct cursor *c)
{
	const char *kb = c->p;
	char key[CONFIG_NAME_MAX], val[VALUE_MAX];
	bool in_domain = ps->sec == SEC_DOMAIN || ps->sec == SEC_DISCARD;
	enum key_id k;

	while (c->p < c->end && is_key_char(*c->p))
		c->p++;
	size_t kn = (size_t)(c->p - kb);
	if (kn == 0) {
		PROBLEM(ps, "expected 'key = value', a [section] header or a comment");
		return;
	}
	if (kn >= sizeof(key)) {
		PROBLEM(ps, "unknown key '%q'", CA_N(kb, kn));
		return;
	}
	memcpy(key, kb, kn);
	key[kn] = '\0';
	for (k = 0; k < K_COUNT && strcmp(keys[k].name, key) != 0; k++) {}
	bool known = k != K_COUNT && keys[k].in_domain == in_domain;
	unsigned *seen = in_domain ? ps->domain_seen : ps->global_seen;

	skip_space(c);
	bool ok = c->p < c->end && *c->p == '=';
	if (!ok) {
		PROBLEM(ps, "missing '=' after '%s'", CA_S(key));
	} else {
		c->p++;
		skip_space(c);
		ok = parse_value(ps, c, key, val);
	}
	if (!ok) {
		/* The key was there, only badly written: later checks need not call it missing. */
		if (known && seen[k] == NO_LINE)
			seen[k] = ps->line;
		return;
	}
	if (!known) {
		if (ps->sec == SEC_DOMAIN)
			PROBLEM(ps, "unknown key '%s' in [domain %s]", CA_S(key), CA_S(ps->dom->name));
		else if (in_domain)
			PROBLEM(ps, "unknown key '%s' in a domain section", CA_S(key));
		else if (k != K_COUNT)
			PROBLEM(ps, "key '%s' belongs in a [domain NAME] section", CA_S(key));
		else
			PROBLEM(ps, "unknown global key '%s'", CA_S(key));
		return;
	}
	if (seen[k] != NO_LINE) {
		PROBLEM(ps, "duplicate key '%s' (first set on line %u)", CA_S(key), CA_U(seen[k]));
		return;
	}
	seen[k] = ps->line;
	apply_key(ps, k, val);
}

static void parse_line(struct parser *ps, const char *b, const char *e)
{
	struct cursor c = { b, e };

	for (const char *s = b; s < e; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch < ' ' && ch != '\t') || ch == 0x7f) {
			PROBLEM(ps, "control character (byte %u) in line", CA_U(ch));
			return;
		}
	}
	if (at_line_end(&c))
		return;
	if (*c.p == '[')
		parse_section(ps, &c);
	else
		parse_assignment(ps, &c);
}

int config_parse(const char *text, size_t len, const char *file,
                 struct hv_config *out, config_report_fn report, void *ctx)
{
	static struct parser zero;
	struct parser ps = zero;
	size_t pos = 0;

	ps.file = file ? file : "config";
	ps.report = report;
	ps.ctx = ctx;
	ps.out = out;
	ps.mgmt = -1;
	ps.sec = SEC_GLOBAL;
	memset(out, 0, sizeof(*out));
	out->on_error = ON_ERROR_RETURN;
	out->slice_us = DEFAULT_SLICE_US;

	while (text && pos < len) {
		size_t eol = pos;
		while (eol < len && text[eol] != '\n')
			eol++;
		size_t end = eol;
		if (end > pos && text[end - 1] == '\r')
			end--;
		ps.line++;
		parse_line(&ps, text + pos, text + end);
		pos = eol + 1;
	}
	end_section(&ps);
	return ps.problems;
}
