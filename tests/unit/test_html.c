/* test_html.c — escaping by default, and the reply's headers. */
#include "unit.h"
#include "html.h"
#include "layout.h"

#include <stdio.h>

#include <string.h>

START_TEST(escapes_every_s)
{
	struct req *r = test_req_new();
	html(r, "<p title=\"%s\">%s</p>", "\"><script>", "<b>&'x'</b>");
	ck_assert_str_eq(buf_str(&r->body),
	    "<p title=\"&quot;&gt;&lt;script&gt;\">&lt;b&gt;&amp;&#39;x&#39;&lt;/b&gt;</p>");
	test_req_free(r);
}
END_TEST

/* Two forms with a field of the same name on one page: the ids differ, and
 * the error summary's link lands on the field of the form in error, even
 * when another form's field of that name comes first. */
START_TEST(form_ids_unique_on_a_page)
{
	struct req *r = test_req_new();
	static const char *const opts[] = { "a", "A", NULL };
	struct form_errors e = {0};
	form_error(&e, "role", "Choose a role.");
	form_error_summary(r, &e);
	filter_begin(r, "/x");
	filter_select(r, "role", "Role", "Any", opts, NULL);
	filter_end(r);
	form_select(r, NULL, "role", "Role", opts, NULL, NULL);
	form_select(r, &e, "role", "Role", opts, NULL, NULL);
	form_input(r, NULL, "role", "Role", "text", NULL, NULL, NULL, 0, 9);
	const char *b = buf_str(&r->body);
	ck_assert_ptr_nonnull(strstr(b, "<a href=\"#f-role\">Choose a role.</a>"));
	ck_assert_ptr_nonnull(strstr(b, "<select id=\"q-role\" name=\"role\">"));
	ck_assert_ptr_nonnull(strstr(b, "<select id=\"f-role-2\" name=\"role\">"));
	ck_assert_ptr_nonnull(strstr(b, "<label for=\"f-role\">Role</label>\n<p class=\"error\" id=\"e-role\">"));
	ck_assert_ptr_nonnull(strstr(b, "<select id=\"f-role\" name=\"role\" aria-describedby=\"e-role\""));
	ck_assert_ptr_nonnull(strstr(b, "<input id=\"f-role-3\" name=\"role\" type=\"text\" maxlength=\"9\">"));
	test_req_free(r);
}
END_TEST

START_TEST(numbers_and_raw)
{
	struct req *r = test_req_new();
	html(r, "%d|%ld|%lld|%zu|100%%|", -5, 70000L, 9007199254740993LL, (size_t)42);
	html_escape(&r->body, NULL);
	ck_assert_str_eq(buf_str(&r->body), "-5|70000|9007199254740993|42|100%|");
	buf_reset(&r->body);
	html_raw(r, "<em>kept</em>");
	ck_assert_str_eq(buf_str(&r->body), "<em>kept</em>");
	ck_assert_str_eq(html_fmt(r, "<a>%s</a>", "a<b"), "<a>a&lt;b</a>");
	test_req_free(r);
}
END_TEST

START_TEST(url_encoding)
{
	struct req *r = test_req_new();
	ck_assert_str_eq(url_enc(r, "a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
	ck_assert_str_eq(url_enc(r, "safe-_.~"), "safe-_.~");
	ck_assert_str_eq(url_enc(r, NULL), "");
	test_req_free(r);
}
END_TEST

START_TEST(reply_has_security_headers)
{
	struct req *r = test_req_new();
	char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", NULL };
	ck_assert_int_eq(req_begin(r, env, NULL, 0), 0);
	html(r, "hello");
	req_header(r, "X-Test", "1");
	struct buf out = {0};
	req_reply(r, &out);
	const char *s = buf_str(&out);
	ck_assert(strstr(s, "Status: 200 OK\r\n"));
	ck_assert(strstr(s, "Content-Length: 5\r\n"));
	ck_assert(strstr(s, "X-Test: 1\r\n"));
	ck_assert(strstr(s, "frame-ancestors 'none'"));
	ck_assert(strstr(s, "X-Content-Type-Options: nosniff\r\n"));
	ck_assert(strstr(s, "Cache-Control: no-store\r\n"));
	ck_assert(strstr(s, "Referrer-Policy: same-origin\r\n"));
	char nonce[64];
	snprintf(nonce, sizeof nonce, "'nonce-%s'", r->nonce);
	ck_assert(strstr(s, nonce));
	ck_assert(!strstr(s, "Strict-Transport-Security"));
	ck_assert(strstr(s, "\r\n\r\nhello"));
	buf_free(&out);
	test_req_free(r);
}
END_TEST

static void https_cookie(struct req *r)
{
	req_cookie(r, "ilnet_session", "tok", 60);
}

START_TEST(https_marks_cookies_secure)
{
	struct req *r = test_req_new();
	char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", "HTTPS=on", NULL };
	ck_assert_int_eq(req_begin(r, env, NULL, 0), 0);
	ck_assert_int_eq(test_run(r, https_cookie), 0);
	ck_assert_str_eq(r->headers[0].value, "ilnet_session=tok; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure");
	struct buf out = {0};
	req_reply(r, &out);
	ck_assert(strstr(buf_str(&out), "Strict-Transport-Security: max-age=31536000\r\n"));
	buf_free(&out);
	req_end(r);
	char *plain[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", NULL };
	ck_assert_int_eq(req_begin(r, plain, NULL, 0), 0);
	ck_assert_int_eq(test_run(r, https_cookie), 0);
	ck_assert(!strstr(r->headers[0].value, "Secure"));
	test_req_free(r);
}
END_TEST

static void unsupported_directive(struct req *r)
{
	html(r, "%+d", 5);          /* valid printf, not ours */
}

START_TEST(unsupported_directive_fails_the_request_only)
{
	struct req *r = test_req_new();
	ck_assert_int_eq(test_run(r, unsupported_directive), 500);
	test_req_free(r);
}
END_TEST

static void bad_header(struct req *r)
{
	req_header(r, "Location", "/x\r\nSet-Cookie: evil=1");
}

START_TEST(header_injection_refused)
{
	struct req *r = test_req_new();
	ck_assert_int_eq(test_run(r, bad_header), 500);
	ck_assert_int_eq(r->nheaders, 0);
	test_req_free(r);
}
END_TEST

static void redirect_offsite(struct req *r)
{
	req_redirect(r, "//evil.example/");
}

START_TEST(redirects_stay_local)
{
	struct req *r = test_req_new();
	ck_assert_int_eq(test_run(r, redirect_offsite), 0);
	ck_assert_int_eq(r->status, 303);
	ck_assert_str_eq(r->headers[0].value, "/");
	test_req_free(r);
}
END_TEST

Suite *html_suite(void)
{
	Suite *s = suite_create("html");
	TCase *t = tcase_create("html");
	tcase_add_test(t, escapes_every_s);
	tcase_add_test(t, numbers_and_raw);
	tcase_add_test(t, form_ids_unique_on_a_page);
	tcase_add_test(t, url_encoding);
	tcase_add_test(t, reply_has_security_headers);
	tcase_add_test(t, header_injection_refused);
	tcase_add_test(t, https_marks_cookies_secure);
	tcase_add_test(t, unsupported_directive_fails_the_request_only);
	tcase_add_test(t, redirects_stay_local);
	suite_add_tcase(s, t);
	return s;
}
