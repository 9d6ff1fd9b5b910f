/*
 * The machine config parser: splits the text of the config file into lines,
 * section headers and `key = value` assignments, and reports every problem
 * with its line and a sentence naming it. A bad line spoils only its own
 * [domain] section, so one typo does not stop the other domains. What each
 * key's value means is config_keys.c's business. Pure code over a byte buffer.
 */
#include "config/config_internal.h"

#define MSG_MAX            256
#define QUOTE_MAX          40                      /* characters of a bad value echoed back */

/* A line as a cursor over [p, end). */
struct cursor { const char *p, *end; };

/* ---- reporting ---------------------------------------------------------- */

static void msg_putc(char *m, size_t *n, char ch)
{
	if (*n + 1 < MSG_MAX)
		m[(*n)++] = ch;
}

void config_report(struct parser *ps, unsigned line, const char *fmt,
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

/* ---- small lexing helpers ----------------------------------------------- */

static void skip_space(struct cursor *c)
{
	while (c->p < c->end && cfg_is_space(*c->p))
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

/* ---- sections ----------------------------------------------------------- */

static void end_section(struct parser *ps)
{
	if (ps->dom)
		config_check_domain(ps);
	ps->dom = NULL;
}

/* A section whose lines are checked but not kept: a fresh scratch domain. */
static void begin_discard(struct parser *ps)
{
	ps->sec = SEC_DISCARD;
	ps->dom = &ps->scratch;
	memset(ps->domain_seen, 0, sizeof(ps->domain_seen));
	config_domain_defaults(&ps->scratch, ps->line);
	ps->scratch.valid = false;
}

/* [domain NAME]: a bad or surplus header still gets a scratch domain so its lines are checked. */
static void begin_domain(struct parser *ps, const char *name, size_t n)
{
	struct hv_config *o = ps->out;
	bool ok = true;

	begin_discard(ps);
	for (size_t i = 0; i < n; i++)
		ok = ok && cfg_is_name_char(name[i]);
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
	if (o->ndomains == HINOKI_MAX_CONFIG_DOMAINS) {
		REPORT_AT(ps, ps->line, "too many domains (max %u)", CA_U(HINOKI_MAX_CONFIG_DOMAINS));
		return;
	}
	ps->sec = SEC_DOMAIN;
	ps->dom = &o->domains[o->ndomains++];
	config_domain_defaults(ps->dom, ps->line);
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
		begin_discard(ps);
		REPORT_AT(ps, ps->line, "missing ']' in section header");
		return;
	}
	for (b = open; b < close && cfg_is_space(*b); b++) {}
	for (e = close; e > b && cfg_is_space(e[-1]); e--) {}

	const char *w = b;
	while (w < e && !cfg_is_space(*w))
		w++;
	if (word_is(b, (size_t)(e - b), "hypervisor")) {
		ps->sec = SEC_HYPERVISOR;
	} else if (word_is(b, (size_t)(w - b), "domain")) {
		while (w < e && cfg_is_space(*w))
			w++;
		begin_domain(ps, w, (size_t)(e - w));
	} else {
		begin_discard(ps);
		REPORT_AT(ps, ps->line, "unknown section '[%q]' (expected [hypervisor] or [domain NAME])",
		          CA_N(b, (size_t)(e - b)));
		return;
	}
	c->p = close + 1;
	if (!at_line_end(c))
		PROBLEM(ps, "unexpected text after the section header");
}

/* ---- key = value -------------------------------------------------------- */

/* Append ch to the value unless that would pass cap (which counts the NUL); false after reporting. */
static bool value_putc(struct parser *ps, const char *key, size_t cap, size_t *n, char ch)
{
	if (*n + 1 >= cap) {
		PROBLEM(ps, "value too long for '%s' (at most %u characters)", CA_S(key), CA_U(cap - 1));
		return false;
	}
	ps->value[(*n)++] = ch;
	return true;
}

/* A quoted string (\" and \\ escapes) or a bare word into ps->value; false after reporting. */
static bool parse_value(struct parser *ps, struct cursor *c, const char *key, size_t cap)
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
			if (!value_putc(ps, key, cap, &n, ch))
				return false;
		}
		c->p++;
	} else {
		while (c->p < c->end && !cfg_is_space(*c->p) && *c->p != '#' && *c->p != '"') {
			if (!value_putc(ps, key, cap, &n, *c->p++))
				return false;
		}
		if (n == 0) {
			PROBLEM(ps, "missing value for '%s'", CA_S(key));
			return false;
		}
	}
	ps->value[n] = '\0';
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
	char key[CONFIG_NAME_MAX];
	bool in_domain = ps->sec == SEC_DOMAIN || ps->sec == SEC_DISCARD;

	while (c->p < c->end && cfg_is_key_char(*c->p))
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
	enum key_id k = config_find_key(key, in_domain);
	bool known = k != K_COUNT && config_key_in_domain(k) == in_domain;
	unsigned *seen = in_domain ? ps->domain_seen : ps->global_seen;

	skip_space(c);
	bool ok = c->p < c->end && *c->p == '=';
	if (!ok) {
		PROBLEM(ps, "missing '=' after '%s'", CA_S(key));
	} else {
		c->p++;
		skip_space(c);
		ok = parse_value(ps, c, key, known ? config_key_value_max(k) : CONFIG_VALUE_MAX);
	}
	if (!ok) {
		/* The key was there, only badly written: later checks need not call it missing. */
		if (known && seen[k] == CONFIG_NO_LINE)
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
	if (seen[k] != CONFIG_NO_LINE) {
		PROBLEM(ps, "duplicate key '%s' (first set on line %u)", CA_S(key), CA_U(seen[k]));
		return;
	}
	seen[k] = ps->line;
	config_apply_key(ps, k, ps->value);
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

const char *config_nothing_to_run(const struct hv_config *c)
{
	bool valid = false, starts = false;
	if (!c->ndomains)
		return "the config has no [domain NAME] section: nothing to run";
	for (unsigned i = 0; i < c->ndomains; i++) {
		const struct domain_config *d = &c->domains[i];
		if (!d->valid)
			continue;
		valid = true;
		starts |= d->autostart;   /* always in a valid mgmt domain */
	}
	if (!valid)
		return "every [domain] section of the config has errors (reported above): nothing to run";
	if (!starts)
		return "every domain has autostart = 0 and there is no management domain to start them: nothing to run";
	return 0;
}

static const char *file_of(const struct domain_config *d, enum domain_file which)
{
	return which == DOMAIN_FILE_KERNEL ? d->kernel : d->ramdisk;
}

static char fat_fold(char ch)
{
	if (ch == '/')
		return '\\';
	return ch >= 'a' && ch <= 'z' ? (char)(ch - 'a' + 'A') : ch;
}

static bool same_fat_name(const char *a, const char *b)
{
	while (*a && fat_fold(*a) == fat_fold(*b))
		a++, b++;
	return fat_fold(*a) == fat_fold(*b);
}

bool config_file_named_before(const struct hv_config *c, unsigned i, enum domain_file which,
                              unsigned *dom, enum domain_file *as_which)
{
	const char *name = file_of(&c->domains[i], which);
	if (!name[0])
		return false;
	for (unsigned j = 0; j < i; j++) {
		if (!c->domains[j].valid)
			continue;
		for (enum domain_file w = DOMAIN_FILE_KERNEL; w <= DOMAIN_FILE_RAMDISK; w++) {
			const char *other = file_of(&c->domains[j], w);
			if (other[0] && same_fat_name(name, other)) {
				*dom = j;
				*as_which = w;
				return true;
			}
		}
	}
	return false;
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
	config_global_defaults(out);

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
