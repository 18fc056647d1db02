/* buf.c — growable byte buffer (see include/buf.h). */
#include "buf.h"
#include "arena.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need < b->len)
		abort();
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : b->arena ? 256 : 4096;
	while (cap < need)
		cap *= 2;
	char *p;
	if (b->arena) {
		p = arena_alloc(b->arena, cap);
		if (b->len)
			memcpy(p, b->p, b->len + 1);
	} else {
		p = realloc(b->p, cap);
	}
	if (!p)
		abort();
	b->p = p;
	b->cap = cap;
}

void buf_add(struct buf *b, const char *s, size_t n)
{
	grow(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
	grow(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

int fmt_fixed(char out[40], double v, int decimals)
{
	static const double scale[] = { 1, 10, 100, 1e3, 1e4, 1e5, 1e6 };
	if (decimals < 0 || decimals > 6)
		return snprintf(out, 40, "%.*f", decimals < 0 ? 0 : decimals, v);
	double a = fabs(v), t = a * scale[decimals];
	if (!(t < 1e15))                /* NaN, infinite or large: printf's own digits */
		return snprintf(out, 40, "%.*f", decimals, v);
	/* a * 10^d is t + e exactly (e: fma's residual, exact); t's fraction
	 * f is exact too (t < 2^53), so f and e decide the rounding as
	 * printf rounds the exact value: f above or below a half cannot be
	 * turned by e, which is at most half of t's last unit. */
	double e = fma(a, scale[decimals], -t), fl = floor(t), f = t - fl;
	unsigned long long n = (unsigned long long)fl;
	if (f > 0.5 || (f == 0.5 && (e > 0 || (e == 0 && (n & 1)))))
		n++;
	char digits[24];
	int k = 0;
	do {
		digits[k++] = (char)('0' + n % 10);
		n /= 10;
	} while (n || k <= decimals);
	int len = 0;
	if (signbit(v))
		out[len++] = '-';
	while (k > decimals)
		out[len++] = digits[--k];
	if (decimals) {
		out[len++] = '.';
		while (k > 0)
			out[len++] = digits[--k];
	}
	out[len] = '\0';
	return len;
}

void buf_fixed(struct buf *b, double v, int decimals)
{
	char s[40];
	buf_add(b, s, (size_t)fmt_fixed(s, v, decimals));
}

void buf_int(struct buf *b, long long v)
{
	char s[24];
	int k = (int)sizeof s;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do {
		s[--k] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		s[--k] = '-';
	buf_add(b, s + k, sizeof s - (size_t)k);
}

void buf_json_str(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	buf_putc(b, '"');
	const char *run = s;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 32 && c != '"' && c != '\\')
			continue;
		buf_add(b, run, (size_t)(s - run));
		char e[6] = { '\\', (char)c };
		int n = 2;
		switch (c) {
		case '\b': e[1] = 'b'; break;
		case '\f': e[1] = 'f'; break;
		case '\n': e[1] = 'n'; break;
		case '\r': e[1] = 'r'; break;
		case '\t': e[1] = 't'; break;
		case '"': case '\\': break;
		default:
			e[1] = 'u';
			e[2] = e[3] = '0';
			e[4] = hex[c >> 4];
			e[5] = hex[c & 15];
			n = 6;
		}
		buf_add(b, e, (size_t)n);
		run = s + 1;
	}
	buf_add(b, run, (size_t)(s - run));
	buf_putc(b, '"');
}

void buf_reset(struct buf *b)
{
	if (b->cap > (1u << 20)) {
		buf_free(b);
		return;
	}
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

void buf_free(struct buf *b)
{
	if (!b->arena)
		free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

const char *buf_str(const struct buf *b)
{
	return b->p ? b->p : "";
}

char *buf_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = {0};
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	if (!b.p)
		buf_add(&b, "", 0);
	return b.p;
}

void buf_json_key_str(struct buf *b, const char *key, const char *s)
{
	buf_puts(b, key);
	buf_json_str(b, s);
}

void buf_json_key_int(struct buf *b, const char *key, long long n)
{
	buf_puts(b, key);
	buf_int(b, n);
}
