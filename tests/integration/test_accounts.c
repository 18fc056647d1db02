/* test_accounts.c — accounts that cannot be turned against their owner:
 * one-time links die once a password is set any other way. */
#include "harness.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Invite a new school leader as the admin; returns the invitation's path
 * ("/invite?t=..."), malloc'd. */
static char *invite(const char *name, const char *email)
{
	struct client *admin = client_new();
	ck_assert_int_eq(login(admin, "admin@example.org", DEMO_PW), 303);
	char *school = db_value("SELECT id FROM schools WHERE sharing = 'network' ORDER BY id LIMIT 1");
	char *n = curl_easy_escape(NULL, name, 0), *e = curl_easy_escape(NULL, email, 0);
	char form[512];
	snprintf(form, sizeof form, "name=%s&email=%s&role=leader&schools=%s", n, e, school);
	struct resp *r = post_form(admin, "/admin/people", "/admin/people/invite", form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	char *mail = mail_wait(email, 10000);
	ck_assert_msg(mail != NULL, "no invitation for %s", email);
	char *link = url_in(mail, "/invite?t=");
	ck_assert(link != NULL);
	char *path = strdup(strstr(link, "/invite?t="));
	curl_free(n);
	curl_free(e);
	free(link);
	free(mail);
	free(school);
	client_free(admin);
	return path;
}

/* Ask for a reset link for email; returns its path, malloc'd. */
static char *reset_link(const char *email)
{
	struct client *c = client_new();
	char *e = curl_easy_escape(NULL, email, 0);
	char form[300];
	snprintf(form, sizeof form, "email=%s", e);
	struct resp *r = post_form(c, "/password/forgot", "/password/forgot", form);
	ck_assert_int_eq(r->status, 200);
	resp_free(r);
	char *mail = mail_wait(email, 10000);
	ck_assert_msg(mail != NULL, "no reset link for %s", email);
	char *link = url_in(mail, "/password/reset?t=");
	ck_assert(link != NULL);
	char *path = strdup(strstr(link, "/password/reset?t="));
	curl_free(e);
	free(link);
	free(mail);
	client_free(c);
	return path;
}

/* Follow a one-time link (path) in c and choose pw on its page; returns
 * the POST's reply.  The page must still be live when page_live. */
static struct resp *use_link(struct client *c, const char *path, const char *pw, int page_live)
{
	struct resp *g = http_get(c, path);
	ck_assert_msg(g->status == (page_live ? 200 : 404), "%s gave %ld", path, g->status);
	if (!page_live)
		ck_assert(resp_has(g, "This link has expired or has already been used."));
	char *tok = csrf_of(g);
	resp_free(g);
	if (!tok) {                /* a dead link's page has no form: post anyway */
		g = http_get(c, "/login");
		tok = csrf_of(g);
		resp_free(g);
	}
	char *p = curl_easy_escape(NULL, pw, 0);
	const char *action = strncmp(path, "/invite", 7) ? "/password/reset" : "/invite";
	char form[512];
	snprintf(form, sizeof form, "_csrf=%s&t=%s&password=%s&confirm=%s", tok,
	         strstr(path, "t=") + 2, p, p);
	struct resp *r = http_post(c, action, form);
	curl_free(p);
	free(tok);
	return r;
}

START_TEST(reset_ends_an_unaccepted_invitation)
{
	char *inv = invite("Sam Whitehorse", "sam@example.org");
	/* The invitee sets a password through a reset instead. */
	char *rst = reset_link("sam@example.org");
	struct client *c = client_new();
	struct resp *r = use_link(c, rst, "chosen by reset link", 1);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	/* The invitation no longer works: not its page, not its form. */
	struct client *other = client_new();
	r = use_link(other, inv, "chosen by invitation", 0);
	ck_assert_int_eq(r->status, 404);
	ck_assert(resp_has(r, "This link has expired or has already been used."));
	resp_free(r);
	r = http_get(other, "/");
	ck_assert_int_eq(r->status, 303);                 /* no session came of it */
	resp_free(r);
	ck_assert_int_eq(login(other, "sam@example.org", "chosen by invitation"), 422);
	ck_assert_int_eq(login(c, "sam@example.org", "chosen by reset link"), 303);
	free(inv);
	free(rst);
	client_free(other);
	client_free(c);
}
END_TEST

START_TEST(accepting_an_invitation_ends_a_reset_link)
{
	char *inv = invite("Kim Larsen", "kim@example.org");
	char *rst = reset_link("kim@example.org");
	struct client *c = client_new();
	struct resp *r = use_link(c, inv, "kim chose this one", 1);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	struct client *other = client_new();
	r = use_link(other, rst, "someone else's choice", 0);
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	ck_assert_int_eq(login(other, "kim@example.org", "someone else's choice"), 422);
	ck_assert_int_eq(login(other, "kim@example.org", "kim chose this one"), 303);
	free(inv);
	free(rst);
	client_free(other);
	client_free(c);
}
END_TEST

START_TEST(password_change_ends_a_reset_link)
{
	/* sam@ has a password (reset_ends_an_unaccepted_invitation). */
	char *rst = reset_link("sam@example.org");
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "sam@example.org", "chosen by reset link"), 303);
	struct resp *r = post_form(c, "/account", "/account/password",
	                           "current=chosen+by+reset+link&password=changed+on+the+account+page"
	                           "&confirm=changed+on+the+account+page");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	struct client *other = client_new();
	r = use_link(other, rst, "an older reset link", 0);
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	ck_assert_int_eq(login(other, "sam@example.org", "an older reset link"), 422);
	ck_assert_int_eq(login(other, "sam@example.org", "changed on the account page"), 303);
	char *open = db_value("SELECT count(*) FROM tokens WHERE used_at IS NULL AND user_id ="
	                      " (SELECT id FROM users WHERE email = 'sam@example.org')");
	ck_assert_str_eq(open, "0");
	free(open);
	free(rst);
	client_free(other);
	client_free(c);
}
END_TEST

void add_account_tests(TCase *t);
void add_account_tests(TCase *t)
{
	tcase_add_test(t, reset_ends_an_unaccepted_invitation);
	tcase_add_test(t, accepting_an_invitation_ends_a_reset_link);
	tcase_add_test(t, password_change_ends_a_reset_link);
}
