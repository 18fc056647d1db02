/* decode.h — decoding what a client sends: percent-encoding, urlencoded
 * forms and query strings, cookies, UTF-8.
 *
 * Every decoder is strict: malformed percent-escapes, invalid UTF-8
 * (overlong forms, surrogates, code points past U+10FFFF) and NUL bytes are
 * errors that the caller answers with 400.  Nothing is truncated: a name or
 * value over its limit is an error, never clipped.  All output lives in the
 * given arena.
 */
#ifndef ILNET_DECODE_H
#define ILNET_DECODE_H

#include <stddef.h>

struct arena;

struct param {
	const char *name;
	const char *value;          /* NUL-terminated, valid UTF-8 */
	size_t len;                 /* strlen(value) */
};

/* Parameters in the order they came; repeated names are all kept. */
struct params {
	struct param *v;
	int n, cap;
};

enum decode_err {
	DECODE_OK = 0,
	DECODE_BAD_ESCAPE,          /* '%' not followed by two hex digits */
	DECODE_BAD_UTF8,            /* invalid UTF-8, or a NUL byte */
	DECODE_TOO_MANY,            /* more parameters than allowed */
	DECODE_TOO_LONG             /* a name or value longer than allowed */
};

struct decode_limits {
	int max_params;
	size_t max_name;
	size_t max_value;
};

/* The limits requests are decoded with. */
extern const struct decode_limits decode_default_limits;

/* 1 when s[0..n) is valid UTF-8 without NUL bytes, else 0. */
int utf8_valid(const char *s, size_t n);
/* Characters (code points) in valid UTF-8 s; 0 for NULL.  Limits on what
 * people type count these, as SQLite's length() and maxlength do. */
size_t utf8_chars(const char *s);

/* Percent-decode s[0..n) into a new arena string; with plus_space, '+'
 * becomes a space (forms, query strings).  Checks UTF-8 of the result.
 * On success *out and *outlen are set. */
enum decode_err pct_decode(struct arena *a, const char *s, size_t n,
                           int plus_space, char **out, size_t *outlen);

/* Parse "a=1&b=2&a=3" (application/x-www-form-urlencoded or a query
 * string), appending to out.  Empty pieces ("&&") are skipped; a piece
 * without '=' has an empty value. */
enum decode_err form_parse(struct arena *a, const char *s, size_t n,
                           const struct decode_limits *lim, struct params *out);

/* Parse a Cookie header ("a=b; c=d").  Cookie values are taken as they
 * are (no percent-decoding); malformed pieces are skipped, since a browser
 * may carry cookies of other applications on the same host.  At most 64. */
void cookie_parse(struct arena *a, const char *s, struct params *out);

/* Append one parameter (name and value copied). */
void params_add(struct arena *a, struct params *p, const char *name,
                const char *value, size_t len);

/* First value of name, or NULL. */
const char *params_get(const struct params *p, const char *name);

/* How many times name occurs, and its i-th value (NULL past the end). */
int params_count(const struct params *p, const char *name);
const char *params_nth(const struct params *p, const char *name, int i);

/* A file sent with multipart/form-data. */
struct upload {
	const char *field;          /* the form field's name */
	const char *filename;       /* as the browser sent it; may be "" */
	const char *data;           /* the bytes, NUL-terminated for convenience */
	size_t len;
};

struct uploads {
	struct upload v[8];
	int n;
};

/* Parse a multipart/form-data body (RFC 7578).  content_type is the whole
 * header value (it carries the boundary).  Text fields are appended to
 * form (UTF-8 checked, limits applied); file parts (those with a filename)
 * go to files, at most 8, their bytes unchecked.  Malformed bodies are
 * DECODE_BAD_ESCAPE. */
enum decode_err multipart_parse(struct arena *a, const char *body, size_t len,
                                const char *content_type,
                                const struct decode_limits *lim,
                                struct params *form, struct uploads *files);

/* Message for an error, for the 400 page. */
const char *decode_strerror(enum decode_err e);

#endif
