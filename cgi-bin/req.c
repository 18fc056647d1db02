/* req.c — decoding a request and building its reply (see include/req.h). */
#include "req.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

long long now_us(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

void req_init(struct req *r, sqlite3 *db)
{
	memset(r, 0, sizeof *r);
	r->db = db;
	arena_init(&r->arena);
}

/* A FastCGI parameter, copied into the arena: libfcgi frees its own copy
 * when the reply is finished, before the request is logged. */
static const char *env_copy(struct req *r, char **envp, const char *name)
{
	size_t n = strlen(name);
	for (; envp && *envp; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return arena_strdup(&r->arena, *envp + n + 1);
	return NULL;
}
#define env_get(envp, name) env_copy(r, (envp), (name))

static void fresh_ids(struct req *r)
{
	unsigned char raw[16];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(r->id, sizeof r->id, raw, 8);
	sodium_bin2base64(r->nonce, sizeof r->nonce, raw + 8, 8,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static int bad(struct req *r, int status, const char *msg)
{
	r->fail_msg = msg;
	return status;
}

int req_begin(struct req *r, char **envp, const char *body, size_t body_len)
{
	r->t0_us = now_us();
	r->status = 200;
	r->content_type = "text/html; charset=utf-8";
	fresh_ids(r);

	const char *m = env_get(envp, "REQUEST_METHOD");
	r->method = m ? m : "GET";
	r->is_head = strcmp(r->method, "HEAD") == 0;
	r->remote_addr = env_get(envp, "REMOTE_ADDR");
	if (!r->remote_addr)
		r->remote_addr = "";
	r->host = env_get(envp, "HTTP_HOST");
	r->server_port = env_get(envp, "SERVER_PORT");
	r->origin = env_get(envp, "HTTP_ORIGIN");
	r->user_agent = env_get(envp, "HTTP_USER_AGENT");
	const char *proto = env_get(envp, "SERVER_PROTOCOL");
	r->gzip_ok = zip_accepted(env_get(envp, "HTTP_ACCEPT_ENCODING")) && !(proto && !strcmp(proto, "HTTP/1.0"));
	const char *https = env_get(envp, "HTTPS");
	r->https = https && strcasecmp(https, "on") == 0;
	r->content_type_in = env_get(envp, "CONTENT_TYPE");

	cookie_parse(&r->arena, env_get(envp, "HTTP_COOKIE"), &r->cookies);

	/* The path comes raw from REQUEST_URI and is decoded here, strictly. */
	const char *uri = env_get(envp, "REQUEST_URI");
	if (!uri || uri[0] != '/')
		uri = "/";
	const char *q = strchr(uri, '?');
	size_t plen = q ? (size_t)(q - uri) : strlen(uri);
	char *path;
	size_t len;
	enum decode_err e = pct_decode(&r->arena, uri, plen, 0, &path, &len);
	if (e)
		return bad(r, 400, decode_strerror(e));
	r->path = path;

	if (q) {
		e = form_parse(&r->arena, q + 1, strlen(q + 1),
		               &decode_default_limits, &r->query);
		if (e)
			return bad(r, 400, decode_strerror(e));
	}

	if (body_len > REQ_MAX_BODY)
		return bad(r, 413, "the request body is larger than allowed");
	r->raw_body = arena_strndup(&r->arena, body ? body : "", body_len);
	r->raw_len = body_len;
	const char *ct = r->content_type_in;
	if (body_len && ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0) {
		e = form_parse(&r->arena, r->raw_body, body_len,
		               &decode_default_limits, &r->form);
		if (e)
			return bad(r, 400, decode_strerror(e));
	} else if (body_len && ct && strncasecmp(ct, "multipart/form-data", 19) == 0) {
		e = multipart_parse(&r->arena, r->raw_body, body_len, ct,
		                    &decode_default_limits, &r->form, &r->files);
		if (e)
			return bad(r, 400, decode_strerror(e));
	}
	return 0;
}

void req_end(struct req *r)
{
	sqlite3 *db = r->db;
	struct arena a = r->arena;
	struct buf b = r->body;
	arena_reset(&a);
	buf_reset(&b);
	memset(r, 0, sizeof *r);
	r->db = db;
	r->arena = a;
	r->body = b;
}

const char *req_query(struct req *r, const char *name)
{
	return params_get(&r->query, name);
}

const char *req_form(struct req *r, const char *name)
{
	return params_get(&r->form, name);
}

const char *req_param(struct req *r, const char *name)
{
	const char *v = req_form(r, name);
	return v ? v : req_query(r, name);
}

void req_header(struct req *r, const char *name, const char *value)
{
	if (r->nheaders == REQ_MAX_HEADERS)
		req_fail(r, 500, "too many reply headers");
	/* A header value never carries a line break: that would split it. */
	if (strpbrk(value, "\r\n") || strpbrk(name, "\r\n:"))
		req_fail(r, 500, "line break in a reply header");
	r->headers[r->nheaders].name = arena_strdup(&r->arena, name);
	r->headers[r->nheaders].value = arena_strdup(&r->arena, value);
	r->nheaders++;
}

void req_redirect(struct req *r, const char *path)
{
	/* Only local paths: "//host" would leave the site, and browsers drop
	 * tabs and line breaks before reading a URL. */
	if (!path || path[0] != '/' || path[1] == '/' || path[1] == '\\')
		path = "/";
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if (*p < ' ' || *p == 0x7f)
			path = "/";
	r->status = 303;
	req_header(r, "Location", path);
}

void req_cookie(struct req *r, const char *name, const char *value, long max_age)
{
	char *v;
	if (max_age < 0)
		v = arena_printf(&r->arena, "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax%s",
		                 name, r->https ? "; Secure" : "");
	else if (max_age == 0)
		v = arena_printf(&r->arena, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s",
		                 name, value, r->https ? "; Secure" : "");
	else
		v = arena_printf(&r->arena, "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Lax%s",
		                 name, value, max_age, r->https ? "; Secure" : "");
	req_header(r, "Set-Cookie", v);
}

_Noreturn void req_fail(struct req *r, int status, const char *msg)
{
	r->status = status;
	r->fail_msg = msg;
	if (!r->fail_jmp)
		abort();                /* no dispatcher: a programming error */
	longjmp(*r->fail_jmp, 1);
}

static const char *status_text(int s)
{
	switch (s) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	}
	return "Unknown";
}

void req_body_reset(struct req *r)
{
	buf_reset(&r->body);
	r->nspans = 0;
}

void req_reply(struct req *r, struct buf *out)
{
	/* A reply with kept parts goes gzipped from here when the client takes
	 * it (nginx leaves a reply with a Content-Encoding as it is). */
	struct buf zipped = BUF_IN(&r->arena);
	int zip = r->nspans && r->status == 200 && r->gzip_ok &&
	          zip_reply(buf_str(&r->body), r->body.len, r->spans, r->nspans, &zipped) == 0;
	const struct buf *body = zip ? &zipped : &r->body;
	buf_printf(out, "Status: %d %s\r\n", r->status, status_text(r->status));
	if (r->body.len || r->status != 303)
		buf_printf(out, "Content-Type: %s\r\n", r->content_type);
	buf_printf(out, "Content-Length: %zu\r\n", body->len);
	if (zip)
		buf_puts(out, "Content-Encoding: gzip\r\nVary: Accept-Encoding\r\n");
	for (int i = 0; i < r->nheaders; i++)
		buf_printf(out, "%s: %s\r\n", r->headers[i].name, r->headers[i].value);
	buf_printf(out,
	    "Content-Security-Policy: default-src 'self'; script-src 'self' 'nonce-%s'; "
	    "style-src 'self'; img-src 'self' data:; form-action 'self'; "
	    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "X-Frame-Options: DENY\r\n"
	    "Referrer-Policy: same-origin\r\n"
	    "Cross-Origin-Opener-Policy: same-origin\r\n"
	    "Cache-Control: no-store\r\n"
	    "X-Request-Id: %s\r\n", r->nonce, r->id);
	if (r->https)
		buf_puts(out, "Strict-Transport-Security: max-age=31536000\r\n");
	buf_puts(out, "\r\n");
	if (!r->is_head)
		buf_add(out, buf_str(body), body->len);
}
