/*
 * The guest printf: one formatter driving a byte sink, with two sinks (COM1
 * and a bounded buffer). 64-bit decimal conversion uses shift-and-subtract
 * division so that 32-bit guests need no libgcc helpers.
 */
#include <stdbool.h>
#include <stdint.h>

#include "fmt.h"
#include "serial.h"

struct sink {
	void (*put)(struct sink *s, char c);
	char *buf;
	size_t size, len;   /* len counts every byte offered, kept or not */
};

static void sink_serial(struct sink *s, char c)
{
	serial_putc(c);
	s->len++;
}

static void sink_buffer(struct sink *s, char c)
{
	if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

/* n / 10 with the remainder in *rem, without a 64-bit divide instruction. */
static uint64_t divmod10(uint64_t n, unsigned *rem)
{
	uint64_t q = 0, r = 0;
	for (int bit = 63; bit >= 0; bit--) {
		r = (r << 1) | ((n >> bit) & 1);
		if (r >= 10) {
			r -= 10;
			q |= (uint64_t)1 << bit;
		}
	}
	*rem = (unsigned)r;
	return q;
}

struct conv {
	bool left, zero;
	unsigned width;
	int prec;           /* -1: none */
};

static void pad(struct sink *s, char c, unsigned n)
{
	while (n--)
		s->put(s, c);
}

static void put_str(struct sink *s, const struct conv *cv, const char *str)
{
	size_t n = 0;
	if (!str)
		str = "(null)";
	while ((cv->prec < 0 || n < (size_t)cv->prec) && str[n])
		n++;
	if (!cv->left && cv->width > n)
		pad(s, ' ', cv->width - (unsigned)n);
	for (size_t i = 0; i < n; i++)
		s->put(s, str[i]);
	if (cv->left && cv->width > n)
		pad(s, ' ', cv->width - (unsigned)n);
}

static void put_num(struct sink *s, const struct conv *cv, uint64_t v, unsigned base,
                    bool neg, bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	unsigned n = 0, plen = 0;

	do {
		if (base == 16) {
			tmp[n++] = digits[v & 0xf];
			v >>= 4;
		} else {
			unsigned r;
			v = divmod10(v, &r);
			tmp[n++] = digits[r];
		}
	} while (v);
	if (neg)
		prefix = "-";
	while (prefix && prefix[plen])
		plen++;

	unsigned total = n + plen;
	unsigned fill = cv->width > total ? cv->width - total : 0;
	if (!cv->left && !cv->zero)
		pad(s, ' ', fill);
	for (unsigned i = 0; i < plen; i++)
		s->put(s, prefix[i]);
	if (!cv->left && cv->zero)
		pad(s, '0', fill);
	while (n)
		s->put(s, tmp[--n]);
	if (cv->left)
		pad(s, ' ', fill);
}

static int format(struct sink *s, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			s->put(s, *fmt);
			continue;
		}
		struct conv cv = { .prec = -1 };
		for (;; fmt++) {
			if (fmt[1] == '-')
				cv.left = true;
			else if (fmt[1] == '0')
				cv.zero = true;
			else
				break;
		}
		while (fmt[1] >= '0' && fmt[1] <= '9')
			cv.width = cv.width * 10 + (unsigned)(*++fmt - '0');
		if (fmt[1] == '.') {
			fmt++;
			cv.prec = 0;
			if (fmt[1] == '*') {
				fmt++;
				cv.prec = va_arg(ap, int);
			} else {
				while (fmt[1] >= '0' && fmt[1] <= '9')
					cv.prec = cv.prec * 10 + (*++fmt - '0');
			}
		}
		int lng = 0;          /* 0: int, 1: long, 2: long long, 3: size_t */
		while (fmt[1] == 'l' && lng < 2) {
			fmt++;
			lng++;
		}
		if (fmt[1] == 'z') {
			fmt++;
			lng = 3;
		}
		fmt++;

		uint64_t u;
		int64_t i;
		switch (*fmt) {
		case 'd':
		case 'i':
			i = lng == 0 ? va_arg(ap, int) : lng == 1 ? va_arg(ap, long)
			  : lng == 2 ? va_arg(ap, long long) : (int64_t)va_arg(ap, size_t);
			put_num(s, &cv, i < 0 ? 0 - (uint64_t)i : (uint64_t)i, 10, i < 0, false, NULL);
			break;
		case 'u':
		case 'x':
		case 'X':
			u = lng == 0 ? va_arg(ap, unsigned) : lng == 1 ? va_arg(ap, unsigned long)
			  : lng == 2 ? va_arg(ap, unsigned long long) : va_arg(ap, size_t);
			put_num(s, &cv, u, *fmt == 'u' ? 10 : 16, false, *fmt == 'X', NULL);
			break;
		case 'p':
			put_num(s, &cv, (uintptr_t)va_arg(ap, void *), 16, false, false, "0x");
			break;
		case 'c':
			if (!cv.left && cv.width > 1)
				pad(s, ' ', cv.width - 1);
			s->put(s, (char)va_arg(ap, int));
			if (cv.left && cv.width > 1)
				pad(s, ' ', cv.width - 1);
			break;
		case 's':
			put_str(s, &cv, va_arg(ap, const char *));
			break;
		case '%':
			s->put(s, '%');
			break;
		case '\0':
			fmt--;      /* a lone '%' at the end: stop at the NUL */
			break;
		default:
			s->put(s, '%');
			s->put(s, *fmt);
			break;
		}
	}
	return (int)s->len;
}

int gvprintf(const char *fmt, va_list ap)
{
	struct sink s = { .put = sink_serial };
	return format(&s, fmt, ap);
}

int gprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = gvprintf(fmt, ap);
	va_end(ap);
	return n;
}

int gvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { .put = sink_buffer, .buf = buf, .size = size };
	int n = format(&s, fmt, ap);
	if (size)
		buf[s.len < size ? s.len : size - 1] = '\0';
	return n;
}

int gsnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = gvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
