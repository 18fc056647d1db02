/* test_decode.c — percent-decoding, forms, cookies, UTF-8, request limits. */
#include "unit.h"
#include "decode.h"

#include <string.h>

START_TEST(utf8)
{
	ck_assert(utf8_valid("plain", 5));
	ck_assert(utf8_valid("Lakȟótiyapi", strlen("Lakȟótiyapi")));
	ck_assert(utf8_valid("\xF0\x9F\x8C\xBE", 4));           /* U+1F33E */
	ck_assert(!utf8_valid("\xC3\x28", 2));                  /* bad continuation */
	ck_assert(!utf8_valid("\xC0\x80", 2));                  /* overlong NUL */
	ck_assert(!utf8_valid("\xE0\x80\xAF", 3));              /* overlong '/' */
	ck_assert(!utf8_valid("\xED\xA0\x80", 3));              /* surrogate */
	ck_assert(!utf8_valid("\xF4\x90\x80\x80", 4));          /* past U+10FFFF */
	ck_assert(!utf8_valid("\xE2\x82", 2));                  /* truncated */
	ck_assert(!utf8_valid("a\0b", 3));                      /* NUL */
	ck_assert(!utf8_valid("\x80", 1));
	ck_assert(!utf8_valid("\xFF", 1));
}
END_TEST

START_TEST(percent)
{
	struct arena a;
	arena_init(&a);
	char *out;
	size_t n;
	ck_assert_int_eq(pct_decode(&a, "a%20b+c", 7, 1, &out, &n), DECODE_OK);
	ck_assert_str_eq(out, "a b c");
	ck_assert_int_eq(pct_decode(&a, "a+b", 3, 0, &out, &n), DECODE_OK);
	ck_assert_str_eq(out, "a+b");
	ck_assert_int_eq(pct_decode(&a, "%c3%A9", 6, 1, &out, &n), DECODE_OK);
	ck_assert_str_eq(out, "é");
	ck_assert_int_eq(pct_decode(&a, "%", 1, 1, &out, &n), DECODE_BAD_ESCAPE);
	ck_assert_int_eq(pct_decode(&a, "%4", 2, 1, &out, &n), DECODE_BAD_ESCAPE);
	ck_assert_int_eq(pct_decode(&a, "%zz", 3, 1, &out, &n), DECODE_BAD_ESCAPE);
	ck_assert_int_eq(pct_decode(&a, "%00", 3, 1, &out, &n), DECODE_BAD_UTF8);
	ck_assert_int_eq(pct_decode(&a, "%FF", 3, 1, &out, &n), DECODE_BAD_UTF8);
	arena_free(&a);
}
END_TEST

START_TEST(form_repeated_keys_in_order)
{
	struct arena a;
	arena_init(&a);
	struct params p = {0};
	const char *s = "schools=3&name=Pat+O%27Neil&schools=7&&flag&schools=12";
	ck_assert_int_eq(form_parse(&a, s, strlen(s), &decode_default_limits, &p), DECODE_OK);
	ck_assert_int_eq(p.n, 5);
	ck_assert_int_eq(params_count(&p, "schools"), 3);
	ck_assert_str_eq(params_nth(&p, "schools", 0), "3");
	ck_assert_str_eq(params_nth(&p, "schools", 1), "7");
	ck_assert_str_eq(params_nth(&p, "schools", 2), "12");
	ck_assert_ptr_null(params_nth(&p, "schools", 3));
	ck_assert_str_eq(params_get(&p, "name"), "Pat O'Neil");
	ck_assert_str_eq(params_get(&p, "flag"), "");
	ck_assert_ptr_null(params_get(&p, "missing"));
	arena_free(&a);
}
END_TEST

START_TEST(form_limits)
{
	struct arena a;
	arena_init(&a);
	struct decode_limits lim = { .max_params = 3, .max_name = 4, .max_value = 5 };
	struct params p = {0};
	ck_assert_int_eq(form_parse(&a, "a=1&b=2&c=3&d=4", 15, &lim, &p), DECODE_TOO_MANY);
	struct params q = {0};
	ck_assert_int_eq(form_parse(&a, "abcde=1", 7, &lim, &q), DECODE_TOO_LONG);
	struct params r = {0};
	ck_assert_int_eq(form_parse(&a, "a=123456", 8, &lim, &r), DECODE_TOO_LONG);
	struct params t = {0};
	ck_assert_int_eq(form_parse(&a, "a=12345", 7, &lim, &t), DECODE_OK);
	ck_assert_str_eq(params_get(&t, "a"), "12345");          /* at the limit, whole */
	arena_free(&a);
}
END_TEST

START_TEST(cookies)
{
	struct arena a;
	arena_init(&a);
	struct params p = {0};
	cookie_parse(&a, "ilnet_session=abc-_123; other=x=y;  broken; =nameless; last=z ", &p);
	ck_assert_str_eq(params_get(&p, "ilnet_session"), "abc-_123");
	ck_assert_str_eq(params_get(&p, "other"), "x=y");
	ck_assert_str_eq(params_get(&p, "last"), "z");
	ck_assert_ptr_null(params_get(&p, "broken"));
	ck_assert_int_eq(p.n, 3);
	struct params q = {0};
	cookie_parse(&a, NULL, &q);
	ck_assert_int_eq(q.n, 0);
	arena_free(&a);
}
END_TEST

START_TEST(request_from_fastcgi_params)
{
	struct req *r = test_req_new();
	char *env[] = {
		"REQUEST_METHOD=POST", "REQUEST_URI=/admin/people/12?q=a%26b&q=c",
		"CONTENT_TYPE=application/x-www-form-urlencoded", "HTTP_COOKIE=ilnet_session=x",
		"REMOTE_ADDR=10.1.2.3", "HTTP_HOST=ilnet.example.org", NULL,
	};
	const char *body = "name=Ada&role=leader";
	ck_assert_int_eq(req_begin(r, env, body, strlen(body)), 0);
	ck_assert_str_eq(r->method, "POST");
	ck_assert_str_eq(r->path, "/admin/people/12");
	ck_assert_str_eq(req_query(r, "q"), "a&b");
	ck_assert_int_eq(params_count(&r->query, "q"), 2);
	ck_assert_str_eq(req_form(r, "name"), "Ada");
	ck_assert_str_eq(req_param(r, "role"), "leader");
	ck_assert_str_eq(params_get(&r->cookies, "ilnet_session"), "x");
	ck_assert_str_eq(r->remote_addr, "10.1.2.3");
	ck_assert_int_eq(strlen(r->id), 16);
	req_end(r);

	char *bad[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/x?y=%E2%82", NULL };
	ck_assert_int_eq(req_begin(r, bad, NULL, 0), 400);
	req_end(r);
	char *badpath[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/a%2", NULL };
	ck_assert_int_eq(req_begin(r, badpath, NULL, 0), 400);
	req_end(r);
	ck_assert_int_eq(req_begin(r, env, "x", REQ_MAX_BODY + 1), 413);
	req_end(r);
	test_req_free(r);
}
END_TEST

START_TEST(multipart)
{
	struct arena a;
	arena_init(&a);
	struct params form = {0};
	struct uploads files = {0};
	const char *ct = "multipart/form-data; boundary=----XyZ";
	const char *body =
	    "------XyZ\r\n"
	    "Content-Disposition: form-data; name=\"_csrf\"\r\n\r\n"
	    "tok\r\n"
	    "------XyZ\r\n"
	    "Content-Disposition: form-data; name=\"file\"; filename=\"roster.csv\"\r\n"
	    "Content-Type: text/csv\r\n\r\n"
	    "name,state\r\nA,MN\r\n\r\n"
	    "------XyZ\r\n"
	    "Content-Disposition: form-data; name=\"csv\"\r\n\r\n"
	    "\r\n"
	    "------XyZ--\r\n";
	ck_assert_int_eq(multipart_parse(&a, body, strlen(body), ct, &decode_default_limits,
	                                 &form, &files), DECODE_OK);
	ck_assert_str_eq(params_get(&form, "_csrf"), "tok");
	ck_assert_str_eq(params_get(&form, "csv"), "");
	ck_assert_int_eq(files.n, 1);
	ck_assert_str_eq(files.v[0].field, "file");
	ck_assert_str_eq(files.v[0].filename, "roster.csv");
	ck_assert_str_eq(files.v[0].data, "name,state\r\nA,MN\r\n");     /* whole, CRLFs kept */

	/* A quoted boundary, too. */
	struct params f2 = {0};
	struct uploads u2 = {0};
	const char *b2 = "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--b--";
	ck_assert_int_eq(multipart_parse(&a, b2, strlen(b2), "multipart/form-data; boundary=\"b\"",
	                                 &decode_default_limits, &f2, &u2), DECODE_OK);
	ck_assert_str_eq(params_get(&f2, "x"), "1");

	const char *broken[] = {
		"--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1",           /* no end */
		"--b\r\nContent-Disposition: form-data\r\n\r\n1\r\n--b--",               /* no name */
		"--b\r\nContent-Disposition: form-data; name=\"x\"\r\n1\r\n--b--",         /* no blank line */
		"nothing here",
		NULL,
	};
	for (int i = 0; broken[i]; i++) {
		struct params f = {0};
		struct uploads u = {0};
		ck_assert_msg(multipart_parse(&a, broken[i], strlen(broken[i]), "multipart/form-data; boundary=b",
		                              &decode_default_limits, &f, &u) != DECODE_OK, "case %d", i);
	}
	struct params f3 = {0};
	struct uploads u3 = {0};
	ck_assert_int_eq(multipart_parse(&a, b2, strlen(b2), "multipart/form-data", &decode_default_limits,
	                                 &f3, &u3), DECODE_BAD_ESCAPE);                /* no boundary */
	const char *bad8 = "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n\xC3\x28\r\n--b--";
	ck_assert_int_eq(multipart_parse(&a, bad8, strlen(bad8), "multipart/form-data; boundary=b",
	                                 &decode_default_limits, &f3, &u3), DECODE_BAD_UTF8);
	arena_free(&a);
}
END_TEST

/* Limits on what people type count characters, as the schema's length()
 * and a browser's maxlength do, not bytes. */
START_TEST(utf8_characters_counted)
{
	ck_assert_uint_eq(utf8_chars(NULL), 0);
	ck_assert_uint_eq(utf8_chars(""), 0);
	ck_assert_uint_eq(utf8_chars("Ely"), 3);
	ck_assert_uint_eq(utf8_chars("Lac qui Parle \xc3\xa9\xe2\x80\x93\xf0\x9f\x8c\xbe"), 17);
}
END_TEST

Suite *decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *t = tcase_create("decode");
	tcase_add_test(t, utf8);
	tcase_add_test(t, utf8_characters_counted);
	tcase_add_test(t, percent);
	tcase_add_test(t, form_repeated_keys_in_order);
	tcase_add_test(t, form_limits);
	tcase_add_test(t, cookies);
	tcase_add_test(t, request_from_fastcgi_params);
	tcase_add_test(t, multipart);
	suite_add_tcase(s, t);
	return s;
}
