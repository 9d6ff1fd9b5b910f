/*
 * Reading words and KEY=N settings from a guest's command line (cmdline.h).
 * The line lives in guest RAM below 1 MiB; it is read in place, never past
 * HINOKI_CMDLINE_MAX bytes. Built for 64-bit and 32-bit guests alike, so no
 * 64-bit division (a 32-bit guest has no libgcc to do it).
 */
#include "cmdline.h"
#include "mem.h"

const char *cmdline_get(const struct hinoki_bootinfo *bi)
{
	if (!bi || !bi->cmdline_gpa || bi->cmdline_gpa + HINOKI_CMDLINE_MAX > bi->mem_bytes)
		return "";
	return (const char *)(uintptr_t)bi->cmdline_gpa;
}

/* Calls back for each word; stops early when fn returns true. */
static bool each_word(const char *p, bool (*fn)(const char *w, size_t n, void *ctx),
                      void *ctx)
{
	size_t left = HINOKI_CMDLINE_MAX;
	while (left && *p) {
		while (left && *p == ' ') {
			p++;
			left--;
		}
		size_t n = 0;
		while (n < left && p[n] && p[n] != ' ')
			n++;
		if (n && fn(p, n, ctx))
			return true;
		p += n;
		left -= n;
	}
	return false;
}

static bool word_is(const char *w, size_t n, void *ctx)
{
	const char *want = *(const char **)ctx;
	return strlen(want) == n && memcmp(w, want, n) == 0;
}

bool cmdline_has(const struct hinoki_bootinfo *bi, const char *word)
{
	return each_word(cmdline_get(bi), word_is, &word);
}

static bool parse_u64(const char *s, size_t n, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0, limit = UINT64_MAX / 10;
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		limit = UINT64_MAX / 16;
		s += 2;
		n -= 2;
	}
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned d;
		if (s[i] >= '0' && s[i] <= '9')
			d = (unsigned)(s[i] - '0');
		else if (base == 16 && s[i] >= 'a' && s[i] <= 'f')
			d = (unsigned)(s[i] - 'a' + 10);
		else if (base == 16 && s[i] >= 'A' && s[i] <= 'F')
			d = (unsigned)(s[i] - 'A' + 10);
		else
			return false;
		if (v > limit || v * base > UINT64_MAX - d)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

/* "N" (lo = hi = N) or "A-B". */
static bool parse_range(const char *s, size_t n, uint64_t *lo, uint64_t *hi)
{
	size_t dash = 0;
	while (dash < n && s[dash] != '-')
		dash++;
	if (dash == n)
		return parse_u64(s, n, lo) && (*hi = *lo, true);
	return parse_u64(s, dash, lo) && parse_u64(s + dash + 1, n - dash - 1, hi);
}

struct kv_search {
	const char *key;
	size_t key_len;
	bool range;
	uint64_t value, value_hi;
	bool found;
};

static bool word_kv(const char *w, size_t n, void *ctx)
{
	struct kv_search *s = ctx;
	if (n > s->key_len && memcmp(w, s->key, s->key_len) == 0 && w[s->key_len] == '=') {
		uint64_t v, hi = 0;
		const char *val = w + s->key_len + 1;
		size_t len = n - s->key_len - 1;
		if (s->range ? parse_range(val, len, &v, &hi) : parse_u64(val, len, &v)) {
			s->value = v;
			s->value_hi = hi;
			s->found = true;
		}
	}
	return false;   /* keep going: the last setting wins */
}

bool cmdline_line_u64(const char *line, const char *key, uint64_t *out)
{
	struct kv_search s = { .key = key, .key_len = strlen(key) };
	each_word(line, word_kv, &s);
	if (s.found)
		*out = s.value;
	return s.found;
}

bool cmdline_range(const struct hinoki_bootinfo *bi, const char *key, uint64_t *lo, uint64_t *hi)
{
	struct kv_search s = { .key = key, .key_len = strlen(key), .range = true };
	each_word(cmdline_get(bi), word_kv, &s);
	if (s.found) {
		*lo = s.value;
		*hi = s.value_hi;
	}
	return s.found;
}

bool cmdline_u64(const struct hinoki_bootinfo *bi, const char *key, uint64_t *out)
{
	return cmdline_line_u64(cmdline_get(bi), key, out);
}
