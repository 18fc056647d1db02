/* html.c — escaped HTML output (see include/html.h). */
#include "html.h"
#include "req.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void html_escape(struct buf *b, const char *s)
{
	if (!s)
		return;
	for (;;) {
		size_t run = strcspn(s, "&<>\"'");
		buf_add(b, s, run);
		s += run;
		const char *ent;
		switch (*s) {
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '"': ent = "&quot;"; break;
		case '\'': ent = "&#39;"; break;
		default: return;        /* the end */
		}
		buf_puts(b, ent);
		s++;
	}
}

/* The formatter behind html() and html_fmt().  A directive it does not
 * know is a programming error, but it fails the request, not the worker. */
static void vformat(struct req *r, struct buf *b, const char *fmt, va_list ap)
{
	const char *run = fmt;
	for (const char *p = strchr(fmt, '%'); p; p = strchr(p + 1, '%')) {
		buf_add(b, run, (size_t)(p - run));
		p++;
		switch (*p) {
		case 's':
			html_escape(b, va_arg(ap, const char *));
			break;
		case 'd':
			buf_int(b, va_arg(ap, int));
			break;
		case 'z':
			if (p[1] != 'u')
				req_fail(r, 500, "html: unsupported format directive");
			p++;
			buf_printf(b, "%zu", va_arg(ap, size_t));
			break;
		case 'l':
			if (p[1] == 'd') {
				p++;
				buf_int(b, va_arg(ap, long));
			} else if (p[1] == 'l' && p[2] == 'd') {
				p += 2;
				buf_int(b, va_arg(ap, long long));
			} else {
				req_fail(r, 500, "html: unsupported format directive");
			}
			break;
		case '%':
			buf_putc(b, '%');
			break;
		default:
			req_fail(r, 500, "html: unsupported format directive");
		}
		run = p + 1;
	}
	buf_puts(b, run);
}

void html(struct req *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vformat(r, &r->body, fmt, ap);
	va_end(ap);
}

char *html_fmt(struct req *r, const char *fmt, ...)
{
	/* Formatted into the arena directly, so a failure leaks nothing. */
	struct buf saved = r->body;
	r->body = (struct buf){0};
	va_list ap;
	va_start(ap, fmt);
	vformat(r, &r->body, fmt, ap);
	va_end(ap);
	char *s = arena_strdup(&r->arena, buf_str(&r->body));
	buf_free(&r->body);
	r->body = saved;
	return s;
}

void html_raw(struct req *r, const char *markup)
{
	buf_puts(&r->body, markup);
}

char *url_enc(struct req *r, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!s)
		s = "";
	size_t n = strlen(s);
	char *out = arena_alloc(&r->arena, n * 3 + 1), *d = out;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
			*d++ = (char)c;
		} else {
			*d++ = '%';
			*d++ = hex[c >> 4];
			*d++ = hex[c & 15];
		}
	}
	*d = '\0';
	return out;
}
