/* decode.c — strict decoders for client input (see include/decode.h). */
#include "decode.h"
#include "arena.h"

#include <string.h>
#include <strings.h>

const struct decode_limits decode_default_limits = {
	.max_params = 1000,
	.max_name = 200,
	.max_value = 1024 * 1024,           /* a pasted roster may fill the body */
};

int utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		unsigned c = *p;
		if (c == 0)
			return 0;
		if (c < 0x80) {
			p++;
			continue;
		}
		size_t need;
		unsigned min, cp;
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1; min = 0x80; cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2; min = 0x800; cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3; min = 0x10000; cp = c & 0x07;
		} else {
			return 0;           /* continuation byte, C0/C1, F5..FF */
		}
		if ((size_t)(end - p) <= need)
			return 0;
		for (size_t i = 1; i <= need; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		p += need + 1;
	}
	return 1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

enum decode_err pct_decode(struct arena *a, const char *s, size_t n,
                           int plus_space, char **out, size_t *outlen)
{
	char *d = arena_alloc(a, n + 1);
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%') {
			int hi = i + 1 < n ? hexval(s[i + 1]) : -1;
			int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return DECODE_BAD_ESCAPE;
			d[j++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+' && plus_space) {
			d[j++] = ' ';
		} else {
			d[j++] = c;
		}
	}
	d[j] = '\0';
	if (!utf8_valid(d, j))
		return DECODE_BAD_UTF8;
	*out = d;
	*outlen = j;
	return DECODE_OK;
}

void params_add(struct arena *a, struct params *p, const char *name,
                const char *value, size_t len)
{
	if (p->n == p->cap) {
		int cap = p->cap ? p->cap * 2 : 16;
		struct param *v = arena_alloc(a, sizeof *v * (size_t)cap);
		if (p->n)
			memcpy(v, p->v, sizeof *v * (size_t)p->n);
		p->v = v;
		p->cap = cap;
	}
	struct param *e = &p->v[p->n++];
	e->name = arena_strdup(a, name);
	e->value = arena_strndup(a, value, len);
	e->len = len;
}

enum decode_err form_parse(struct arena *a, const char *s, size_t n,
                           const struct decode_limits *lim, struct params *out)
{
	size_t i = 0;
	while (i < n) {
		size_t end = i;
		while (end < n && s[end] != '&')
			end++;
		if (end > i) {
			size_t eq = i;
			while (eq < end && s[eq] != '=')
				eq++;
			char *name, *value;
			size_t nlen, vlen;
			enum decode_err e = pct_decode(a, s + i, eq - i, 1, &name, &nlen);
			if (e)
				return e;
			size_t vstart = eq < end ? eq + 1 : end;
			e = pct_decode(a, s + vstart, end - vstart, 1, &value, &vlen);
			if (e)
				return e;
			if (nlen > lim->max_name || vlen > lim->max_value)
				return DECODE_TOO_LONG;
			if (out->n >= lim->max_params)
				return DECODE_TOO_MANY;
			params_add(a, out, name, value, vlen);
		}
		i = end + 1;
	}
	return DECODE_OK;
}

void cookie_parse(struct arena *a, const char *s, struct params *out)
{
	if (!s)
		return;
	while (*s && out->n < 64) {
		while (*s == ' ' || *s == ';')
			s++;
		const char *start = s;
		while (*s && *s != ';')
			s++;
		const char *eq = memchr(start, '=', (size_t)(s - start));
		if (!eq || eq == start)
			continue;
		const char *vend = s;
		while (vend > eq + 1 && vend[-1] == ' ')
			vend--;
		if (!utf8_valid(start, (size_t)(vend - start)))
			continue;
		char *name = arena_strndup(a, start, (size_t)(eq - start));
		params_add(a, out, name, eq + 1, (size_t)(vend - eq - 1));
	}
}

const char *params_get(const struct params *p, const char *name)
{
	return params_nth(p, name, 0);
}

int params_count(const struct params *p, const char *name)
{
	int k = 0;
	for (int i = 0; i < p->n; i++)
		if (strcmp(p->v[i].name, name) == 0)
			k++;
	return k;
}

const char *params_nth(const struct params *p, const char *name, int nth)
{
	for (int i = 0; i < p->n; i++)
		if (strcmp(p->v[i].name, name) == 0 && nth-- == 0)
			return p->v[i].value;
	return NULL;
}

/* The boundary parameter of a multipart Content-Type, or NULL. */
static char *boundary_of(struct arena *a, const char *ct)
{
	const char *b = strstr(ct, "boundary=");
	if (!b)
		return NULL;
	b += 9;
	size_t n;
	if (*b == '"') {
		b++;
		n = strcspn(b, "\"");
	} else {
		n = strcspn(b, "; \t");
	}
	if (n == 0 || n > 70)
		return NULL;
	return arena_strndup(a, b, n);
}

/* The value of param (name= or filename=) in a Content-Disposition line
 * [p, end), quoted; NULL when absent. */
static char *disposition_param(struct arena *a, const char *p, const char *end,
                               const char *param)
{
	size_t pl = strlen(param);
	for (const char *q = p; q + pl + 2 <= end; q++) {
		if ((q == p || q[-1] == ' ' || q[-1] == ';') && !strncasecmp(q, param, pl) &&
		    q[pl] == '=' && q[pl + 1] == '"') {
			const char *v = q + pl + 2;
			const char *close = memchr(v, '"', (size_t)(end - v));
			if (!close)
				return NULL;
			return arena_strndup(a, v, (size_t)(close - v));
		}
	}
	return NULL;
}

enum decode_err multipart_parse(struct arena *a, const char *body, size_t len,
                                const char *content_type,
                                const struct decode_limits *lim,
                                struct params *form, struct uploads *files)
{
	char *boundary = boundary_of(a, content_type);
	if (!boundary)
		return DECODE_BAD_ESCAPE;
	char *delim = arena_printf(a, "--%s", boundary);
	size_t dl = strlen(delim);
	const char *end = body + len;
	const char *p = memmem(body, len, delim, dl);
	if (!p)
		return DECODE_BAD_ESCAPE;
	for (;;) {
		p += dl;
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return DECODE_OK;                   /* the closing delimiter */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return DECODE_BAD_ESCAPE;
		p += 2;
		const char *hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (!hend)
			return DECODE_BAD_ESCAPE;
		char *name = NULL, *filename = NULL;
		for (const char *line = p; line < hend;) {
			const char *eol = memmem(line, (size_t)(hend + 2 - line), "\r\n", 2);
			if (!eol)
				eol = hend;
			if (!strncasecmp(line, "Content-Disposition:", 20)) {
				name = disposition_param(a, line, eol, "name");
				filename = disposition_param(a, line, eol, "filename");
			}
			line = eol + 2;
		}
		const char *data = hend + 4;
		char *crlf_delim = arena_printf(a, "\r\n%s", delim);
		const char *next = memmem(data, (size_t)(end - data), crlf_delim, dl + 2);
		if (!next || !name)
			return DECODE_BAD_ESCAPE;
		size_t n = (size_t)(next - data);
		if (filename) {
			if (files->n == (int)(sizeof files->v / sizeof files->v[0]))
				return DECODE_TOO_MANY;
			struct upload *u = &files->v[files->n++];
			u->field = name;
			u->filename = filename;
			u->data = arena_strndup(a, data, n);
			u->len = n;
		} else {
			if (!utf8_valid(name, strlen(name)) || !utf8_valid(data, n))
				return DECODE_BAD_UTF8;
			if (strlen(name) > lim->max_name || n > lim->max_value)
				return DECODE_TOO_LONG;
			if (form->n >= lim->max_params)
				return DECODE_TOO_MANY;
			params_add(a, form, name, data, n);
		}
		p = next + 2;
	}
}

const char *decode_strerror(enum decode_err e)
{
	switch (e) {
	case DECODE_OK: return "no error";
	case DECODE_BAD_ESCAPE: return "a percent sign not followed by two hexadecimal digits";
	case DECODE_BAD_UTF8: return "text that is not valid UTF-8";
	case DECODE_TOO_MANY: return "too many fields";
	case DECODE_TOO_LONG: return "a field longer than allowed";
	}
	return "malformed input";
}

size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; s && *s; s++)
		if ((*s & 0xC0) != 0x80)
			n++;
	return n;
}
