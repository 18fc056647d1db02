/* test_accounts.c — accounts that cannot be turned against their owner:
 * one-time links die once a password is set any other way; strangers'
 * guesses slow strangers down, never the owner on a known device; parallel
 * guesses get no more password checks than the limit. */
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

#define PAIR_LIMIT 5            /* SIGNIN_FREE_PAIR: checks before a wait */
#define ADDRESS_LIMIT 30        /* SIGNIN_FREE_ADDR */

START_TEST(strangers_cannot_keep_the_leader_out)
{
	/* The leader signs in at school: that browser is now a known device. */
	struct client *lead = client_from("127.0.0.41");
	ck_assert_int_eq(login(lead, "leader@example.org", DEMO_PW), 303);
	struct resp *r = post_form(lead, "/", "/logout", "");
	resp_free(r);
	/* A stranger behind the same school address guesses the leader's
	 * password, then spreads guesses over other accounts until the
	 * address itself is slowed; another stranger guesses from elsewhere. */
	struct client *x = client_from("127.0.0.41"), *y = client_from("127.0.0.42");
	for (int i = 0; i < PAIR_LIMIT; i++) {
		ck_assert_int_eq(login(x, "leader@example.org", "guessing from school"), 422);
		ck_assert_int_eq(login(y, "leader@example.org", "guessing from afar"), 422);
	}
	ck_assert_int_eq(login(x, "leader@example.org", "guessing from school"), 429);
	ck_assert_int_eq(login(y, "leader@example.org", "guessing from afar"), 429);
	for (int i = PAIR_LIMIT; i < ADDRESS_LIMIT; i++) {
		char email[64];
		snprintf(email, sizeof email, "nobody%d@example.org", i / PAIR_LIMIT);
		ck_assert_int_eq(login(x, email, "spraying guesses"), 422);
	}
	/* A newcomer at that address now waits, told so with the email kept. */
	struct client *z = client_from("127.0.0.41");
	r = post_form(z, "/login", "/login", "email=staff%40example.org&password=" DEMO_PW);
	ck_assert_int_eq(r->status, 429);
	ck_assert(resp_has(r, "Too many failed sign-ins"));
	ck_assert(resp_has(r, "Wait 1 minute before trying again"));
	ck_assert(resp_has(r, "value=\"staff@example.org\""));
	resp_free(r);
	/* The leader's own browser is held up by none of it: a typo is just a
	 * typo, and the right password signs in. */
	ck_assert_int_eq(login(lead, "leader@example.org", "a typo in it"), 422);
	ck_assert_int_eq(login(lead, "leader@example.org", DEMO_PW), 303);
	r = http_get(lead, "/");
	ck_assert_int_eq(r->status, 200);
	resp_free(r);
	/* Only the hash of the device token is stored. */
	char *n = db_value("SELECT count(*) FROM known_devices WHERE user_id ="
	                   " (SELECT id FROM users WHERE email = 'leader@example.org')"
	                   " AND length(token_hash) = 32");
	ck_assert_int_ge(atoi(n), 1);
	free(n);
	client_free(z);
	client_free(x);
	client_free(y);
	client_free(lead);
}
END_TEST

START_TEST(parallel_guesses_checked_at_most_the_limit)
{
	enum { N = 16 };
	struct client *cs[N];
	char *forms[N];
	long status[N];
	for (int i = 0; i < N; i++) {
		cs[i] = client_from("127.0.0.51");
		struct resp *g = http_get(cs[i], "/login");
		char *tok = csrf_of(g);
		ck_assert(tok != NULL);
		resp_free(g);
		forms[i] = malloc(256);
		snprintf(forms[i], 256, "_csrf=%s&email=admin%%40example.org&password=parallel+guess+%d",
		         tok, i);
		free(tok);
	}
	http_post_parallel(cs, N, "/login", forms, status);
	int checked = 0, refused = 0;
	for (int i = 0; i < N; i++) {
		if (status[i] == 422)
			checked++;                  /* the password was checked: wrong */
		else if (status[i] == 429)
			refused++;                  /* refused before any check */
		else
			ck_abort_msg("guess %d answered %ld", i, status[i]);
	}
	ck_assert_msg(checked <= PAIR_LIMIT, "%d of %d parallel guesses were checked", checked, N);
	ck_assert_int_eq(checked, PAIR_LIMIT);
	ck_assert_int_eq(refused, N - PAIR_LIMIT);
	char *n = db_value("SELECT fails FROM signin_failures WHERE email = 'admin@example.org'"
	                   " AND addr = '127.0.0.51'");
	ck_assert_str_eq(n, "5");
	free(n);
	for (int i = 0; i < N; i++) {
		free(forms[i]);
		client_free(cs[i]);
	}
	/* The admin, from a known device elsewhere, still signs in. */
	struct client *a = client_new();
	ck_assert_int_eq(login(a, "admin@example.org", DEMO_PW), 303);
	client_free(a);
}
END_TEST

void add_account_tests(TCase *t);
void add_account_tests(TCase *t)
{
	tcase_add_test(t, reset_ends_an_unaccepted_invitation);
	tcase_add_test(t, accepting_an_invitation_ends_a_reset_link);
	tcase_add_test(t, password_change_ends_a_reset_link);
	tcase_add_test(t, strangers_cannot_keep_the_leader_out);
	tcase_add_test(t, parallel_guesses_checked_at_most_the_limit);
}
