/* test_nginx.c — nginx's own replies (a malformed request line, a path
 * outside the site, oversized headers and bodies, a URI too long, an HTTP
 * version it does not speak) carry the same security headers as the
 * workers' replies, each header once; no HSTS over plain HTTP. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The headers every reply carries, exactly once each.  from_app: the
 * workers' per-reply nonce is in the CSP, else nginx's fixed policy. */
static void check_headers_once(const struct resp *r, int from_app, const char *what)
{
	static const char *const once[] = {
		"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
		"Referrer-Policy", "Cross-Origin-Opener-Policy", NULL,
	};
	for (int i = 0; once[i]; i++)
		ck_assert_msg(resp_header_count(r, once[i]) == 1, "%s: %s %d times on a %ld",
		              what, once[i], resp_header_count(r, once[i]), r->status);
	char *csp = resp_header(r, "Content-Security-Policy");
	ck_assert_msg(strstr(csp, "frame-ancestors 'none'") && strstr(csp, "default-src 'self'"),
	              "%s: CSP %s", what, csp);
	ck_assert_msg((strstr(csp, "'nonce-") != NULL) == from_app, "%s: CSP %s", what, csp);
	ck_assert(strstr(csp, "'unsafe-inline'") == NULL);
	free(csp);
	char *v = resp_header(r, "X-Content-Type-Options");
	ck_assert_str_eq(v, "nosniff");
	free(v);
	v = resp_header(r, "X-Frame-Options");
	ck_assert_str_eq(v, "DENY");
	free(v);
	v = resp_header(r, "Referrer-Policy");
	ck_assert_str_eq(v, "same-origin");
	free(v);
	v = resp_header(r, "Cross-Origin-Opener-Policy");
	ck_assert_str_eq(v, "same-origin");
	free(v);
	/* Plain HTTP: no HSTS, from nginx or the workers. */
	ck_assert_msg(resp_header_count(r, "Strict-Transport-Security") == 0, "%s: HSTS over HTTP", what);
}

static struct resp *raw(const char *request)
{
	return http_raw(request, strlen(request));
}

START_TEST(malformed_request_line_has_headers)
{
	const char *bad[] = {
		"G@T / HTTP/1.1\r\nHost: localhost\r\n\r\n",               /* bad method */
		"GET /a b c HTTP/1.1\r\nHost: localhost\r\n\r\n",          /* spaces in the target */
		"GET / HTTP/1.1\r\n\r\n",                                 /* no Host */
		"GET / HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n", /* no colon */
		NULL,
	};
	for (int i = 0; bad[i]; i++) {
		struct resp *r = raw(bad[i]);
		ck_assert_msg(r->status == 400, "request %d gave %ld", i, r->status);
		check_headers_once(r, 0, bad[i]);
		resp_free(r);
	}
	struct resp *r = raw("GET / HTTP/2.0\r\nHost: localhost\r\n\r\n");
	ck_assert_int_eq(r->status, 505);
	check_headers_once(r, 0, "HTTP/2.0 request line");
	resp_free(r);
}
END_TEST

START_TEST(bad_path_has_headers)
{
	const char *bad[] = {
		"GET /../../etc/passwd HTTP/1.1\r\nHost: localhost\r\n\r\n",
		"GET /static/../../../etc/passwd HTTP/1.1\r\nHost: localhost\r\n\r\n",
		"GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: localhost\r\n\r\n",
		NULL,
	};
	for (int i = 0; bad[i]; i++) {
		struct resp *r = raw(bad[i]);
		ck_assert_msg(r->status == 400, "path %d gave %ld", i, r->status);
		ck_assert(!resp_has(r, "root:"));
		check_headers_once(r, 0, bad[i]);
		resp_free(r);
	}
	/* A URI longer than nginx's buffers. */
	size_t n = 20000;
	char *req = malloc(n + 64);
	int k = sprintf(req, "GET /");
	memset(req + k, 'a', n);
	strcpy(req + k + n, " HTTP/1.1\r\nHost: localhost\r\n\r\n");
	struct resp *r = raw(req);
	ck_assert_int_eq(r->status, 414);
	check_headers_once(r, 0, "long URI");
	resp_free(r);
	free(req);
}
END_TEST

START_TEST(oversized_header_has_headers)
{
	size_t n = 20000;                  /* past large_client_header_buffers (16k) */
	char *req = malloc(n + 128);
	int k = sprintf(req, "GET /login HTTP/1.1\r\nHost: localhost\r\nX-Big: ");
	memset(req + k, 'a', n);
	strcpy(req + k + n, "\r\n\r\n");
	struct resp *r = raw(req);
	ck_assert_int_eq(r->status, 400);
	check_headers_once(r, 0, "oversized header");
	resp_free(r);
	/* The same through curl, as a cookie too large. */
	struct client *c = client_new();
	char *cookie = malloc(n + 32);
	k = sprintf(cookie, "Cookie: x=");
	memset(cookie + k, 'b', n);
	cookie[k + n] = '\0';
	const char *hdr[] = { cookie, NULL };
	r = http_req(c, "GET", "/login", NULL, 0, hdr);
	ck_assert_int_eq(r->status, 400);
	check_headers_once(r, 0, "oversized cookie");
	resp_free(r);
	free(cookie);
	free(req);
	client_free(c);
}
END_TEST

START_TEST(oversized_body_has_headers)
{
	/* Announced too large: refused before the body is read. */
	struct resp *r = raw("POST /login HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2000000\r\n"
	                     "Content-Type: application/x-www-form-urlencoded\r\n\r\nemail=x");
	ck_assert_int_eq(r->status, 413);
	ck_assert(resp_has(r, "larger than ilnet accepts"));
	check_headers_once(r, 0, "413 announced");
	resp_free(r);
	/* Sent in chunks, with no length announced. */
	struct client *c = client_new();
	size_t n = 2 * 1024 * 1024;
	char *big = malloc(n + 1);
	memset(big, 'a', n);
	memcpy(big, "email=", 6);
	big[n] = '\0';
	const char *hdr[] = { "Content-Type: application/x-www-form-urlencoded",
	                      "Transfer-Encoding: chunked", NULL };
	r = http_req(c, "POST", "/login", big, n, hdr);
	ck_assert_int_eq(r->status, 413);
	check_headers_once(r, 0, "413 chunked");
	resp_free(r);
	/* A broken chunked body is nginx's 400. */
	r = raw("POST /login HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
	ck_assert_int_eq(r->status, 400);
	check_headers_once(r, 0, "bad chunk");
	resp_free(r);
	free(big);
	client_free(c);
}
END_TEST

START_TEST(app_and_static_replies_have_each_header_once)
{
	struct client *c = client_new();
	const char *app[] = { "/login", "/no/such/page", "/log%FFin", "/healthz", "/robots.txt", NULL };
	for (int i = 0; app[i]; i++) {
		struct resp *r = http_get(c, app[i]);
		check_headers_once(r, 1, app[i]);
		resp_free(r);
	}
	const char *fixed[] = { "/static/ilnet.css", "/static/no-such-file.css",
	                        "/favicon.ico", NULL };
	for (int i = 0; fixed[i]; i++) {
		struct resp *r = http_get(c, fixed[i]);
		check_headers_once(r, 0, fixed[i]);
		resp_free(r);
	}
	/* A missing static file is not cached as if it were one. */
	struct resp *r = http_get(c, "/static/no-such-file.css");
	ck_assert_int_eq(r->status, 404);
	char *cc = resp_header(r, "Cache-Control");
	ck_assert_msg(cc == NULL || strstr(cc, "public") == NULL, "404 cached: %s", cc);
	free(cc);
	resp_free(r);
	client_free(c);
}
END_TEST

/* Text goes compressed; a versioned static address is kept a year. */
START_TEST(compressed_and_cached)
{
	struct client *c = client_new();
	struct resp *p = http_get(c, "/login");
	const char *v = strstr(p->body, "/static/ilnet.css?v=");
	ck_assert_ptr_nonnull(v);
	char path[96];
	snprintf(path, sizeof path, "%.*s", (int)strcspn(v, "\""), v);
	resp_free(p);
	const char *gz[] = { "Accept-Encoding: gzip", NULL };
	struct resp *r = http_req(c, "GET", path, NULL, 0, gz);
	ck_assert_int_eq(r->status, 200);
	char *enc = resp_header(r, "Content-Encoding"), *cc = resp_header(r, "Cache-Control");
	ck_assert_ptr_nonnull(enc);
	ck_assert_str_eq(enc, "gzip");
	ck_assert(cc && strstr(cc, "max-age=31536000") && strstr(cc, "immutable"));
	free(enc);
	free(cc);
	resp_free(r);
	r = http_req(c, "GET", "/static/ilnet.css", NULL, 0, gz);
	cc = resp_header(r, "Cache-Control");
	ck_assert(cc && strstr(cc, "max-age=3600"));
	free(cc);
	resp_free(r);
	r = http_req(c, "GET", "/login", NULL, 0, gz);
	enc = resp_header(r, "Content-Encoding");
	ck_assert(enc && !strcmp(enc, "gzip"));
	free(enc);
	resp_free(r);
	/* The map's GeoJSON export is JSON too. */
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	r = http_req(c, "GET", "/map.geojson", NULL, 0, gz);
	ck_assert_int_eq(r->status, 200);
	enc = resp_header(r, "Content-Encoding");
	ck_assert_msg(enc && !strcmp(enc, "gzip"), "/map.geojson not compressed");
	free(enc);
	resp_free(r);
	client_free(c);
}
END_TEST

void add_nginx_tests(TCase *t);
void add_nginx_tests(TCase *t)
{
	tcase_add_test(t, malformed_request_line_has_headers);
	tcase_add_test(t, bad_path_has_headers);
	tcase_add_test(t, oversized_header_has_headers);
	tcase_add_test(t, oversized_body_has_headers);
	tcase_add_test(t, app_and_static_replies_have_each_header_once);
	tcase_add_test(t, compressed_and_cached);
}
