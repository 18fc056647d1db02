/* html.h — writing HTML into a reply, escaped by default.
 *
 * html() takes a printf-style format that the compiler checks, but every
 * %s argument is HTML-escaped (& < > " ' all become entities), so it is
 * safe in element content and in quoted attribute values alike.  Supported
 * directives: %s %d %ld %lld %zu %% (no flags or widths).  Anything else
 * fails the request with a 500 (the worker lives on).
 *
 * The one way to write markup that is not escaped is html_raw(), kept for
 * fragments the program itself built; grep for it when reviewing.
 */
#ifndef ILNET_HTML_H
#define ILNET_HTML_H

#include <stddef.h>

struct req;
struct buf;

void html(struct req *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Append trusted markup as it is. */
void html_raw(struct req *r, const char *markup);

/* Escape s for HTML text and attributes, appending to b. */
void html_escape(struct buf *b, const char *s);

/* s percent-encoded for a URL query component (an arena string), e.g. for
 * html(r, "<a href=\"/schools?q=%s\">", url_enc(r, q)). */
char *url_enc(struct req *r, const char *s);

/* Format into a new arena string, with %s escaped as in html(): for a
 * markup fragment handed to html_raw().  Text that will be escaped again
 * (messages, hints, labels) is built with arena_printf() instead. */
char *html_fmt(struct req *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
