/* test_outbox.c — /admin/outbox through nginx: an administrator sees each
 * message's recipient, subject and status, never its text (a reset link
 * would let its reader in); nobody else sees the page. */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

START_TEST(outbox_shows_status_never_links)
{
	struct client *c = client_new();
	struct resp *r = post_form(c, "/password/forgot", "/password/forgot", "email=staff%40example.org");
	ck_assert_int_eq(r->status, 200);
	resp_free(r);
	char *mail = mail_wait_for("staff@example.org", "/password/reset?t=", 10000);
	ck_assert(mail != NULL);
	char *link = url_in(mail, "/password/reset?t=");
	ck_assert(link != NULL);
	const char *token = strstr(link, "t=") + 2;
	struct client *admin = client_new(), *staff = client_new();
	ck_assert_int_eq(login(admin, "admin@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(staff, "staff@example.org", DEMO_PW), 303);
	r = http_get(admin, "/admin/outbox?status=sent");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "staff@example.org"));
	ck_assert(resp_has(r, "Sent"));
	ck_assert(!resp_has(r, token));
	ck_assert(!resp_has(r, "/password/reset"));
	resp_free(r);
	/* A message that cannot go: failing, with its error, then given up. */
	ck_assert_int_eq(db_run("INSERT INTO outbox (to_addr, subject, body, attempts, last_error, next_attempt_at)"
	                        " VALUES ('nowhere@example.org', 'Stuck message', 'secret link', 3, 'connection refused',"
	                        " unixepoch() + 3600)"), 0);
	r = http_get(admin, "/admin/outbox?status=failing");
	ck_assert(resp_has(r, "Stuck message"));
	ck_assert(resp_has(r, "connection refused"));
	ck_assert(!resp_has(r, "secret link"));
	resp_free(r);
	r = http_get(staff, "/admin/outbox");
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	free(link);
	free(mail);
	client_free(c);
	client_free(admin);
	client_free(staff);
}
END_TEST

void add_outbox_tests(TCase *t);
void add_outbox_tests(TCase *t)
{
	tcase_add_test(t, outbox_shows_status_never_links);
}
