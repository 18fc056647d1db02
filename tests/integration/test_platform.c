/* test_platform.c — the platform through nginx: sign-in, sessions, CSRF,
 * routing, headers, limits, roles, invitations by mail, worker crashes. */
#include "harness.h"

#include <curl/curl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void check_security_headers(const struct resp *r, int dynamic)
{
	char *csp = resp_header(r, "Content-Security-Policy");
	ck_assert_msg(csp != NULL, "no CSP on a %ld reply", r->status);
	ck_assert(strstr(csp, "frame-ancestors 'none'") != NULL);
	ck_assert(strstr(csp, "'unsafe-inline'") == NULL);
	if (dynamic)
		ck_assert(strstr(csp, "'nonce-") != NULL);
	free(csp);
	char *v = resp_header(r, "X-Content-Type-Options");
	ck_assert_str_eq(v, "nosniff");
	free(v);
	v = resp_header(r, "Referrer-Policy");
	ck_assert(v != NULL);
	free(v);
	if (dynamic) {
		v = resp_header(r, "Cache-Control");
		ck_assert_str_eq(v, "no-store");
		free(v);
	}
}

START_TEST(sign_in_and_out)
{
	struct client *c = client_new();
	struct resp *r = http_get(c, "/");
	ck_assert_int_eq(r->status, 303);
	char *loc = resp_header(r, "Location");
	ck_assert_str_eq(loc, "/login?next=%2F");
	free(loc);
	resp_free(r);

	ck_assert_int_eq(login(c, "admin@example.org", "wrong password here"), 422);
	ck_assert_int_eq(login(c, "nobody@example.org", "wrong password here"), 422);
	r = post_form(c, "/login", "/login", "email=admin%40example.org&password=nope-nope-nope");
	ck_assert(resp_has(r, "The email address or password is not right."));
	ck_assert(resp_has(r, "value=\"admin@example.org\""));   /* input kept */
	resp_free(r);

	r = post_form(c, "/login", "/login", "email=admin%40example.org&password=" DEMO_PW
	              "&next=%2Fadmin%2Fpeople");
	ck_assert_int_eq(r->status, 303);
	loc = resp_header(r, "Location");
	ck_assert_str_eq(loc, "/admin/people");
	free(loc);
	char *cookie = resp_header(r, "Set-Cookie");
	ck_assert(strstr(cookie, "ilnet_session=") && strstr(cookie, "HttpOnly") &&
	          strstr(cookie, "SameSite=Lax"));
	free(cookie);
	resp_free(r);

	r = http_get(c, "/");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Welcome, Morgan Lee."));
	check_security_headers(r, 1);
	resp_free(r);

	r = post_form(c, "/", "/logout", "");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = http_get(c, "/");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	client_free(c);
}
END_TEST

START_TEST(sessions_stored_hashed)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	struct curl_slist *cookies = NULL;
	/* Find the session cookie's token in the jar. */
	struct resp *r = http_get(c, "/");
	resp_free(r);
	extern void client_cookies(struct client *, struct curl_slist **);
	client_cookies(c, &cookies);
	const char *tok = NULL;
	for (struct curl_slist *s = cookies; s; s = s->next) {
		const char *p = strstr(s->data, "ilnet_session\t");
		if (p)
			tok = p + strlen("ilnet_session\t");
	}
	ck_assert(tok != NULL);
	unsigned char h[32];
	char hex[65], sql[256];
	crypto_hash_sha256(h, (const unsigned char *)tok, strlen(tok));
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM sessions WHERE hex(token_hash) = upper('%s')", hex);
	char *n = db_value(sql);
	ck_assert_str_eq(n, "1");
	free(n);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM sessions WHERE token_hash = '%s'"
	         " OR CAST(token_hash AS TEXT) = '%s'", tok, tok);
	n = db_value(sql);
	ck_assert_str_eq(n, "0");
	free(n);
	curl_slist_free_all(cookies);
	client_free(c);
}
END_TEST

START_TEST(csrf_refused)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "leader@example.org", DEMO_PW), 303);
	/* No token. */
	struct resp *r = http_post(c, "/logout", "");
	ck_assert_int_eq(r->status, 403);
	ck_assert(resp_has(r, "nothing was saved"));
	check_security_headers(r, 1);
	resp_free(r);
	/* A token from another session. */
	struct client *other = client_new();
	ck_assert_int_eq(login(other, "staff@example.org", DEMO_PW), 303);
	struct resp *g = http_get(other, "/account");
	char *foreign = csrf_of(g);
	resp_free(g);
	char form[256];
	snprintf(form, sizeof form, "_csrf=%s", foreign);
	r = http_post(c, "/logout", form);
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	/* The right token from a foreign Origin. */
	g = http_get(c, "/account");
	char *mine = csrf_of(g);
	resp_free(g);
	snprintf(form, sizeof form, "_csrf=%s", mine);
	const char *hdr[] = { "Origin: http://evil.example", "Content-Type: application/x-www-form-urlencoded", NULL };
	r = http_req(c, "POST", "/logout", form, strlen(form), hdr);
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	/* Still signed in: none of those took effect.  Then the real thing. */
	r = http_get(c, "/");
	ck_assert_int_eq(r->status, 200);
	resp_free(r);
	char origin[128];
	snprintf(origin, sizeof origin, "Origin: %s", S.base);
	const char *ok_hdr[] = { origin, "Content-Type: application/x-www-form-urlencoded", NULL };
	r = http_req(c, "POST", "/logout", form, strlen(form), ok_hdr);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	/* A sign-in form posted without the pre-session cookie is refused. */
	struct client *fresh = client_new();
	r = http_post(fresh, "/login", "email=admin%40example.org&password=" DEMO_PW);
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	char *refusals = db_value("SELECT 1");
	free(refusals);
	free(foreign);
	free(mine);
	client_free(fresh);
	client_free(other);
	client_free(c);
}
END_TEST

START_TEST(not_found_and_bad_method)
{
	struct client *c = client_new();
	struct resp *r = http_get(c, "/no/such/page");
	ck_assert_int_eq(r->status, 404);
	ck_assert(resp_has(r, "Page not found"));
	check_security_headers(r, 1);
	resp_free(r);
	r = http_req(c, "DELETE", "/login", NULL, 0, NULL);
	ck_assert_int_eq(r->status, 405);
	char *allow = resp_header(r, "Allow");
	ck_assert_str_eq(allow, "GET, HEAD, POST");
	free(allow);
	check_security_headers(r, 1);
	resp_free(r);
	r = http_post(c, "/account", "x=1");
	ck_assert_int_eq(r->status, 405);
	resp_free(r);
	/* An id segment takes only a positive integer. */
	ck_assert_int_eq(login(c, "admin@example.org", DEMO_PW), 303);
	r = http_get(c, "/admin/people/0");
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	r = http_get(c, "/admin/people/abc");
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	r = http_get(c, "/admin/people/99999");
	ck_assert_int_eq(r->status, 404);
	resp_free(r);
	client_free(c);
}
END_TEST

START_TEST(headers_on_static_and_nginx_errors)
{
	struct client *c = client_new();
	struct resp *r = http_get(c, "/static/ilnet.css");
	ck_assert_int_eq(r->status, 200);
	check_security_headers(r, 0);
	resp_free(r);
	r = http_get(c, "/login");
	ck_assert_int_eq(r->status, 200);
	check_security_headers(r, 1);
	char *len = resp_header(r, "Content-Length");
	ck_assert_int_eq(atol(len), (long)r->body_len);
	free(len);
	resp_free(r);
	client_free(c);
}
END_TEST

START_TEST(body_too_large)
{
	struct client *c = client_new();
	size_t n = 2 * 1024 * 1024;
	char *big = malloc(n + 1);
	memset(big, 'a', n);
	memcpy(big, "email=", 6);
	big[n] = '\0';
	const char *hdr[] = { "Content-Type: application/x-www-form-urlencoded", NULL };
	struct resp *r = http_req(c, "POST", "/login", big, n, hdr);
	ck_assert_int_eq(r->status, 413);
	ck_assert(resp_has(r, "larger than ilnet accepts"));
	check_security_headers(r, 0);
	resp_free(r);
	free(big);
	/* The service is fine afterwards. */
	r = http_get(c, "/login");
	ck_assert_int_eq(r->status, 200);
	resp_free(r);
	client_free(c);
}
END_TEST

START_TEST(bad_encoding_is_400)
{
	struct client *c = client_new();
	const char *paths[] = { "/login?x=%ZZ", "/login?x=%C3%28", "/login?x=%", "/log%FFin",
	                        "/login?x=%00", "/login?x=%ED%A0%80", NULL };
	for (int i = 0; paths[i]; i++) {
		struct resp *r = http_get(c, paths[i]);
		ck_assert_msg(r->status == 400, "%s gave %ld", paths[i], r->status);
		check_security_headers(r, 1);
		resp_free(r);
	}
	const char *hdr[] = { "Content-Type: application/x-www-form-urlencoded", NULL };
	struct resp *r = http_req(c, "POST", "/login", "email=%C0%80", 12, hdr);
	ck_assert_int_eq(r->status, 400);
	resp_free(r);
	client_free(c);
}
END_TEST

START_TEST(roles_refused)
{
	struct client *anon = client_new();
	struct resp *r = http_get(anon, "/admin/people");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	client_free(anon);

	struct client *c = client_new();
	ck_assert_int_eq(login(c, "leader@example.org", DEMO_PW), 303);
	const char *forbidden[] = { "/admin/people", "/admin/schools", "/admin/orgs", "/steward",
	                            "/admin/schools/1", "/admin/schools/import", NULL };
	for (int i = 0; forbidden[i]; i++) {
		r = http_get(c, forbidden[i]);
		ck_assert_msg(r->status == 403, "leader got %ld at %s", r->status, forbidden[i]);
		resp_free(r);
	}
	/* A POST with a valid token is still refused by role, and stores nothing. */
	r = post_form(c, "/account", "/admin/people/invite",
	              "name=X&email=x%40example.org&role=admin");
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	char *n = db_value("SELECT count(*) FROM users WHERE email = 'x@example.org'");
	ck_assert_str_eq(n, "0");
	free(n);
	client_free(c);

	/* Staff cannot make an admin. */
	c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	r = post_form(c, "/admin/people", "/admin/people/invite",
	              "name=Eve&email=eve%40example.org&role=admin");
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "Only an administrator can invite an administrator."));
	resp_free(r);
	/* A steward cannot change another nation's school. */
	client_free(c);
	c = client_new();
	ck_assert_int_eq(login(c, "steward@example.org", DEMO_PW), 303);
	char *other = db_value("SELECT id FROM schools WHERE nation_id IS NOT NULL AND nation_id <>"
	                       " (SELECT nation_id FROM users WHERE email = 'steward@example.org') LIMIT 1");
	char form[128];
	snprintf(form, sizeof form, "level_%s=network", other);
	r = post_form(c, "/steward", "/steward", form);
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT sharing FROM schools WHERE id = %s", other);
	n = db_value(sql);
	ck_assert_str_eq(n, "private");
	free(n);
	free(other);
	client_free(c);
}
END_TEST

START_TEST(invitation_by_mail)
{
	struct client *admin = client_new();
	ck_assert_int_eq(login(admin, "admin@example.org", DEMO_PW), 303);
	char *school = db_value("SELECT id FROM schools WHERE sharing = 'network' ORDER BY id LIMIT 1");
	char form[512];
	/* First with a problem: the input comes back, nothing is stored. */
	snprintf(form, sizeof form, "name=Riley+Novak&email=riley%%40example.org&role=leader");
	struct resp *r = post_form(admin, "/admin/people", "/admin/people/invite", form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "Choose at least one school this person leads."));
	ck_assert(resp_has(r, "value=\"Riley Novak\""));
	ck_assert(resp_has(r, "href=\"#f-schools\""));
	resp_free(r);
	char *n = db_value("SELECT count(*) FROM users WHERE email = 'riley@example.org'");
	ck_assert_str_eq(n, "0");
	free(n);

	snprintf(form, sizeof form, "name=Riley+Novak&email=riley%%40example.org&role=leader&schools=%s", school);
	r = post_form(admin, "/admin/people", "/admin/people/invite", form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);

	char *mail = mail_wait("riley@example.org", 10000);
	ck_assert_msg(mail != NULL, "no invitation reached the SMTP sink");
	ck_assert(strstr(mail, "Subject: You are invited to ilnet") != NULL);
	char *link = url_in(mail, "/invite?t=");
	ck_assert(link != NULL);
	const char *path = strstr(link, "/invite?t=");

	struct client *c = client_new();
	r = http_get(c, path);
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Welcome to ilnet, Riley Novak."));
	char *tok = csrf_of(r);
	resp_free(r);
	const char *t = strstr(path, "t=") + 2;
	snprintf(form, sizeof form, "_csrf=%s&t=%s&password=short&confirm=short", tok, t);
	r = http_post(c, "/invite", form);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "Use at least 12 characters."));
	resp_free(r);
	snprintf(form, sizeof form, "_csrf=%s&t=%s&password=prairie+wind+rising&confirm=prairie+wind+rising",
	         tok, t);
	r = http_post(c, "/invite", form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	free(tok);
	r = http_get(c, "/");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Welcome, Riley Novak."));
	resp_free(r);
	/* The link works once. */
	struct client *again = client_new();
	r = http_get(again, path);
	ck_assert_int_eq(r->status, 404);
	ck_assert(resp_has(r, "expired or has already been used"));
	resp_free(r);
	/* And the new password signs in. */
	ck_assert_int_eq(login(again, "riley@example.org", "prairie wind rising"), 303);
	client_free(again);
	client_free(c);
	free(link);
	free(mail);
	free(school);
	client_free(admin);
}
END_TEST

START_TEST(password_reset_by_mail)
{
	struct client *c = client_new();
	struct resp *r = post_form(c, "/password/forgot", "/password/forgot", "email=coach%40example.org");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "a link to choose a new password is on its way"));
	resp_free(r);
	/* Unknown addresses get the same answer and no mail. */
	r = post_form(c, "/password/forgot", "/password/forgot", "email=ghost%40example.org");
	ck_assert(resp_has(r, "a link to choose a new password is on its way"));
	resp_free(r);
	char *mail = mail_wait_for("coach@example.org", "/password/reset?t=", 10000);
	ck_assert(mail != NULL);
	char *link = url_in(mail, "/password/reset?t=");
	ck_assert(link != NULL);
	const char *t = strstr(link, "t=") + 2;
	r = http_get(c, strstr(link, "/password/reset"));
	char *tok = csrf_of(r);
	resp_free(r);
	char form[512];
	snprintf(form, sizeof form, "_csrf=%s&t=%s&password=new+coach+password&confirm=new+coach+password",
	         tok, t);
	r = http_post(c, "/password/reset", form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	ck_assert_int_eq(login(c, "coach@example.org", DEMO_PW), 422);
	ck_assert_int_eq(login(c, "coach@example.org", "new coach password"), 303);
	ck_assert(mail_wait("ghost@example.org", 300) == NULL);
	free(tok);
	free(link);
	free(mail);
	client_free(c);
}
END_TEST

/* A site visit's invitation as ical_message() writes it (Mountain time). */
static const char visit_ics[] =
	"BEGIN:VCALENDAR\r\n"
	"PRODID:-//ilnet//Connect site visits//EN\r\n"
	"VERSION:2.0\r\n"
	"CALSCALE:GREGORIAN\r\n"
	"METHOD:REQUEST\r\n"
	"BEGIN:VTIMEZONE\r\n"
	"TZID:America/Denver\r\n"
	"BEGIN:DAYLIGHT\r\n"
	"TZOFFSETFROM:-0700\r\n"
	"TZOFFSETTO:-0600\r\n"
	"TZNAME:MDT\r\n"
	"DTSTART:20070311T020000\r\n"
	"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\n"
	"END:DAYLIGHT\r\n"
	"BEGIN:STANDARD\r\n"
	"TZOFFSETFROM:-0600\r\n"
	"TZOFFSETTO:-0700\r\n"
	"TZNAME:MST\r\n"
	"DTSTART:20071104T020000\r\n"
	"RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\n"
	"END:STANDARD\r\n"
	"END:VTIMEZONE\r\n"
	"BEGIN:VEVENT\r\n"
	"UID:booking-42@ilnet\r\n"
	"DTSTAMP:20261201T080000Z\r\n"
	"SEQUENCE:1\r\n"
	"STATUS:CONFIRMED\r\n"
	"DTSTART;TZID=America/Denver:20261203T093000\r\n"
	"DTEND;TZID=America/Denver:20261203T110000\r\n"
	"SUMMARY:Site visit: \xC3\x89" "cole Prairie View\r\n"
	"ORGANIZER;CN=Pat Host:mailto:host@example.org\r\n"
	"ATTENDEE;CN=Riley Guest;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:m\r\n"
	" ailto:calendar@example.org\r\n"
	"END:VEVENT\r\n"
	"END:VCALENDAR\r\n";

/* A message with a calendar part goes through the sender and the SMTP
 * sink as a MIME message that Python's email and python3-icalendar read
 * back (tests/ical_check.py); its calendar is not kept once sent.  The
 * row is written here as it stands (Connect's notices are rendered by
 * the sender, and read back in test_connect.c). */
START_TEST(calendar_mail_through_the_sender)
{
	char sql[4096];
	snprintf(sql, sizeof sql, "INSERT INTO outbox (to_addr, subject, body, calendar, calendar_method)"
	         " VALUES ('calendar@example.org', 'Site visit confirmed',"
	         " 'Your visit is confirmed.\n.\nSee you there.', '%s', 'REQUEST')", visit_ics);
	ck_assert_int_eq(db_run(sql), 0);
	char *mail = mail_wait("calendar@example.org", 10000);
	ck_assert(mail != NULL);
	char path[] = "/tmp/ilnet-mail-XXXXXX";
	int fd = mkstemp(path);
	ck_assert(fd >= 0);
	ck_assert(write(fd, mail, strlen(mail)) == (ssize_t)strlen(mail));
	close(fd);
	char cmd[600], out[8192];
	snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/tests/ical_check.py %s 2>&1",
	         getenv("ILNET_ROOT"), path);
	FILE *f = popen(cmd, "r");
	ck_assert(f != NULL);
	size_t n = fread(out, 1, sizeof out - 1, f);
	out[n] = '\0';
	int rc = pclose(f);
	unlink(path);
	ck_assert_msg(rc == 0, "ical_check.py (python3-icalendar from make deps): %s", out);
	ck_assert(strstr(out, "\"calendar_method\": \"REQUEST\""));
	ck_assert(strstr(out, "\"content_type\": \"multipart/alternative\""));
	ck_assert(strstr(out, "\"dtstart\": \"2026-12-03T09:30:00-07:00\""));
	ck_assert(strstr(out, "\"text\": \"Your visit is confirmed.\\n.\\nSee you there.\""));
	ck_assert(strstr(out, "\"summary\": \"Site visit: \xC3\x89" "cole Prairie View\""));
	/* The sender marks the row sent just after the sink has it. */
	char *kept = NULL;
	for (int i = 0; i < 100; i++) {
		free(kept);
		kept = db_value("SELECT count(*) FROM outbox WHERE to_addr = 'calendar@example.org'"
		                " AND sent_at IS NOT NULL AND calendar IS NULL AND calendar_method = 'REQUEST'");
		if (kept && !strcmp(kept, "1"))
			break;
		usleep(50 * 1000);
	}
	ck_assert_str_eq(kept, "1");
	free(kept);
	free(mail);
}
END_TEST

START_TEST(sign_in_throttled)
{
	/* Riley signed in on this browser before (password set in
	 * invitation_by_mail): a known device. */
	struct client *own = client_from("127.0.0.31");
	ck_assert_int_eq(login(own, "riley@example.org", "prairie wind rising"), 303);
	struct resp *r = post_form(own, "/", "/logout", "");
	resp_free(r);
	/* A stranger on the same network guesses. */
	struct client *c = client_from("127.0.0.31");
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(login(c, "Riley@Example.org", "not the password"), 422);
	/* Now the stranger waits, even with the right password... */
	r = post_form(c, "/login", "/login", "email=riley%40example.org&password=prairie+wind+rising");
	ck_assert_int_eq(r->status, 429);
	ck_assert(resp_has(r, "Too many failed sign-ins for this account from this network."
	                      " Wait 1 minute before trying again"));
	ck_assert(resp_has(r, "value=\"riley@example.org\""));          /* email kept */
	char *after = resp_header(r, "Retry-After");
	ck_assert(after && atol(after) > 0 && atol(after) <= 60);
	free(after);
	resp_free(r);
	r = http_get(c, "/");
	ck_assert_int_eq(r->status, 303);                               /* not signed in */
	resp_free(r);
	/* ...but Riley, on the browser signed in on before, is not held up. */
	ck_assert_int_eq(login(own, "riley@example.org", "prairie wind rising"), 303);
	client_free(own);
	client_free(c);
}
END_TEST

START_TEST(password_change_ends_other_sessions)
{
	struct client *a = client_new(), *b = client_new();
	ck_assert_int_eq(login(a, "leader@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(b, "leader@example.org", DEMO_PW), 303);
	struct resp *r = post_form(a, "/account", "/account/password",
	                           "current=" DEMO_PW "&password=a+brand+new+secret&confirm=a+brand+new+secret");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = http_get(a, "/");
	ck_assert_int_eq(r->status, 200);
	resp_free(r);
	r = http_get(b, "/");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	/* Put it back for the other tests. */
	r = post_form(a, "/account", "/account/password",
	              "current=a+brand+new+secret&password=" DEMO_PW "&confirm=" DEMO_PW);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	client_free(a);
	client_free(b);
}
END_TEST

START_TEST(deactivation_ends_access)
{
	struct client *admin = client_new(), *lead = client_new();
	ck_assert_int_eq(login(admin, "admin@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(lead, "leader@example.org", DEMO_PW), 303);
	char *id = db_value("SELECT id FROM users WHERE email = 'leader@example.org'");
	char page[64];
	snprintf(page, sizeof page, "/admin/people/%s", id);
	/* First a page of its own that says what will happen; nothing yet. */
	struct resp *r = post_form(admin, page, page, "action=deactivate");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "signed out everywhere"));
	ck_assert(resp_has(r, "name=\"sure\""));
	resp_free(r);
	r = http_get(lead, "/");
	ck_assert_int_eq(r->status, 200);                 /* still signed in */
	resp_free(r);
	r = post_form(admin, page, page, "action=deactivate&sure=1");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = http_get(lead, "/");
	ck_assert_int_eq(r->status, 303);                 /* the open session ended */
	resp_free(r);
	r = post_form(lead, "/login", "/login", "email=leader%40example.org&password=" DEMO_PW);
	ck_assert_int_eq(r->status, 422);                 /* and looks like any wrong password */
	ck_assert(resp_has(r, "The email address or password is not right."));
	resp_free(r);
	/* An admin cannot deactivate themself. */
	char *self = db_value("SELECT id FROM users WHERE email = 'admin@example.org'");
	char mine[64];
	snprintf(mine, sizeof mine, "/admin/people/%s", self);
	r = post_form(admin, mine, mine, "action=deactivate&sure=1");
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	r = post_form(admin, page, page, "action=activate");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	ck_assert_int_eq(login(lead, "leader@example.org", DEMO_PW), 303);
	free(self);
	free(id);
	client_free(admin);
	client_free(lead);
}
END_TEST

START_TEST(output_is_escaped)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	struct resp *r = post_form(c, "/admin/orgs", "/admin/orgs",
	    "name=%3Cscript%3Ealert(1)%3C%2Fscript%3E+%26+Co&city=Fargo&state=ND&focus=leadership+coaching");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = http_get(c, "/admin/orgs");
	ck_assert(resp_has(r, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"));
	ck_assert(!resp_has(r, "<script>alert(1)"));
	resp_free(r);
	client_free(c);
}
END_TEST

START_TEST(roster_import_all_or_nothing)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "admin@example.org", DEMO_PW), 303);
	char *before = db_value("SELECT count(*) FROM schools");
	const char *bad =
	    "csv=name%2Cstate%2Ccity%2Ctype%2Cgrade_low%2Cgrade_high%2Cenrollment%2Ctime_zone%0D%0A"
	    "Willow+Creek+School%2CMN%2CAitkin%2Csmall_rural%2CK%2C12%2C210%2CAmerica%2FChicago%0D%0A"
	    "Bad+Row%2CMN%2CAitkin%2Crural%2CK%2C12%2Cmany%2CAmerica%2FChicago%0D%0A";
	struct resp *r = post_form(c, "/admin/schools/import", "/admin/schools/import", bad);
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "Nothing was imported"));
	ck_assert(resp_has(r, "<td class=\"num\">3</td><td>type</td>"));
	ck_assert(resp_has(r, "<td class=\"num\">3</td><td>enrollment</td>"));
	ck_assert(resp_has(r, "Willow Creek School,MN,Aitkin"));      /* input kept */
	resp_free(r);
	char *after = db_value("SELECT count(*) FROM schools");
	ck_assert_str_eq(before, after);
	free(after);
	const char *good =
	    "csv=name%2Cstate%2Ccity%2Ctype%2Cgrade_low%2Cgrade_high%2Cenrollment%2Ctime_zone%0D%0A"
	    "Willow+Creek+School%2CMN%2CAitkin%2Csmall_rural%2CK%2C12%2C210%2CAmerica%2FChicago%0D%0A&go=import";
	r = post_form(c, "/admin/schools/import", "/admin/schools/import", good);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	char *n = db_value("SELECT enrollment FROM schools WHERE name = 'Willow Creek School'");
	ck_assert_str_eq(n, "210");
	free(n);
	free(before);
	client_free(c);
}
END_TEST

START_TEST(roster_import_file_upload)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "admin@example.org", DEMO_PW), 303);
	struct resp *g = http_get(c, "/admin/schools/import");
	ck_assert(resp_has(g, "enctype=\"multipart/form-data\""));
	char *tok = csrf_of(g);
	resp_free(g);
	char body[2048];
	int n = snprintf(body, sizeof body,
	    "--zz\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n%s\r\n"
	    "--zz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"roster.csv\"\r\n"
	    "Content-Type: text/csv\r\n\r\n"
	    "\xEF\xBB\xBFname,state,city,type,grade_low,grade_high,enrollment,time_zone,latitude,longitude,nation\r\n"
	    "\"Bear Butte School, Upper\",South Dakota,Sturgis,charter,6,8,140,America/Denver,44.41,-103.51,\r\n"
	    "Eagle Feather School,SD,Kyle,tribal,K,12,300,America/Denver,,,Oglala Sioux Tribe\r\n"
	    "\r\n--zz\r\nContent-Disposition: form-data; name=\"csv\"\r\n\r\n"
	    "\r\n--zz\r\nContent-Disposition: form-data; name=\"go\"\r\n\r\nimport\r\n--zz--\r\n", tok);
	const char *hdr[] = { "Content-Type: multipart/form-data; boundary=zz", NULL };
	struct resp *r = http_req(c, "POST", "/admin/schools/import", body, (size_t)n, hdr);
	ck_assert_int_eq(r->status, 303);
	char *loc = resp_header(r, "Location");
	/* The tribal school is counted as its nation's, not as added. */
	ck_assert(strstr(loc, "added=1&updated=0&same=0&nation=1") != NULL);
	free(loc);
	resp_free(r);
	char *v = db_value("SELECT tz || ' ' || grade_low || '-' || grade_high FROM schools"
	                   " WHERE name = 'Bear Butte School, Upper'");
	ck_assert_str_eq(v, "America/Denver 6-8");
	free(v);
	/* A nation's school arrives private, whatever the import says. */
	v = db_value("SELECT sharing || ' ' || nation_id FROM schools WHERE name = 'Eagle Feather School'");
	ck_assert_str_eq(v, "private 21");
	free(v);
	free(tok);
	client_free(c);
}
END_TEST

START_TEST(steward_raises_sharing)
{
	struct client *staff = client_new(), *st = client_new();
	ck_assert_int_eq(login(staff, "staff@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(st, "steward@example.org", DEMO_PW), 303);
	char *id = db_value("SELECT id FROM schools WHERE nation_id = (SELECT nation_id FROM users"
	                    " WHERE email = 'steward@example.org') ORDER BY id LIMIT 1");
	char *name = db_value("SELECT name FROM schools WHERE nation_id = (SELECT nation_id FROM users"
	                      " WHERE email = 'steward@example.org') ORDER BY id LIMIT 1");
	char path[64];
	snprintf(path, sizeof path, "/admin/schools/%s", id);
	struct resp *r = http_get(staff, path);
	ck_assert_int_eq(r->status, 404);                 /* private: staff cannot see it */
	resp_free(r);
	char form[128];
	snprintf(form, sizeof form, "level_%s=foundation", id);
	r = post_form(st, "/steward", "/steward", form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	r = http_get(staff, path);
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, name));
	resp_free(r);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT from_level || '>' || to_level FROM sharing_changes"
	         " WHERE school_id = %s ORDER BY id DESC", id);
	char *change = db_value(sql);
	ck_assert_str_eq(change, "private>foundation");
	free(change);
	free(id);
	free(name);
	client_free(staff);
	client_free(st);
}
END_TEST


START_TEST(killed_worker_is_replaced)
{
	int before[16], after[16];
	int n = stack_children(before, 16);
	ck_assert_int_ge(n, 2);
	struct client *c = client_new();
	struct resp *r = http_get(c, "/login");
	ck_assert_int_eq(r->status, 200);
	resp_free(r);
	ck_assert_int_eq(kill(before[0], SIGKILL), 0);
	/* The supervisor replaces it within a moment or two. */
	int m = 0;
	for (int i = 0; i < 60; i++) {
		usleep(100 * 1000);
		m = stack_children(after, 16);
		int gone = 1;
		for (int k = 0; k < m; k++)
			if (after[k] == before[0])
				gone = 0;
		if (m == n && gone)
			break;
	}
	ck_assert_int_eq(m, n);
	/* And no request fails after it. */
	for (int i = 0; i < 60; i++) {
		r = http_get(c, "/login");
		ck_assert_int_eq(r->status, 200);
		resp_free(r);
	}
	client_free(c);
}
END_TEST

void client_cookies(struct client *c, struct curl_slist **out);
void add_guard_tests(TCase *t);
void add_scan_tests(TCase *t);
void add_results_tests(TCase *t);
void add_equip_tests(TCase *t);
void add_fault_cases(Suite *s);
void add_disk_cases(Suite *s);
void add_matrix_cases(Suite *s);
void add_retry_tests(TCase *t);
void add_nginx_tests(TCase *t);
void add_account_tests(TCase *t);
void add_steward_tests(TCase *t);
void add_load_tests(Suite *s);

START_TEST(mail_retried_until_delivered)
{
	struct client *c = client_new();
	struct resp *r = post_form(c, "/password/forgot", "/password/forgot", "email=leader%40example.org");
	ck_assert_int_eq(r->status, 200);
	resp_free(r);
	/* The relay is down: the sender records the failure and backs off. */
	char *err = NULL;
	for (int i = 0; i < 100 && !err; i++) {
		usleep(50 * 1000);
		err = db_value("SELECT last_error FROM outbox WHERE to_addr = 'leader@example.org'"
		               " AND subject = 'Reset your ilnet password' AND attempts > 0 AND sent_at IS NULL");
	}
	ck_assert_msg(err != NULL, "no failed attempt was recorded");
	free(err);
	/* (The demo's own mail to the leader, a site-visit request, waits too.) */
	char *next = db_value("SELECT next_attempt_at > created_at FROM outbox"
	                      " WHERE to_addr = 'leader@example.org' AND subject = 'Reset your ilnet password'");
	ck_assert_str_eq(next, "1");
	free(next);
	/* The relay comes back: the message goes out on a later attempt. */
	sink_up();
	char *mail = mail_wait_for("leader@example.org", "/password/reset?t=", 15000);
	ck_assert_msg(mail != NULL, "the message was not retried");
	ck_assert(strstr(mail, "/password/reset?t=") != NULL);
	char *sent = db_value("SELECT attempts > 1 AND sent_at IS NOT NULL FROM outbox"
	                      " WHERE to_addr = 'leader@example.org' AND subject = 'Reset your ilnet password'");
	ck_assert_str_eq(sent, "1");
	free(sent);
	free(mail);
	client_free(c);
}
END_TEST

START_TEST(sigterm_drains_and_stops)
{
	/* A sign-in takes a while (argon2id); SIGTERM arrives while it runs,
	 * yet the reply is complete and the supervisor exits cleanly. */
	struct client *c = client_new();
	struct resp *g = http_get(c, "/login");
	char *tok = csrf_of(g);
	resp_free(g);
	char form[256];
	snprintf(form, sizeof form, "_csrf=%s&email=admin%%40example.org&password=" DEMO_PW, tok);
	pid_t pid = fork();
	if (pid == 0) {
		usleep(30 * 1000);
		_exit(stack_sh("kill -TERM $(cat $1/ilnet.pid)") == 0 ? 0 : 1);
	}
	struct resp *r = http_post(c, "/login", form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	int st;
	waitpid(pid, &st, 0);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* The supervisor is gone, and took its socket and workers with it. */
	ck_assert_int_eq(stack_sh("for i in $(seq 100); do kill -0 $(cat $1/ilnet.pid) 2>/dev/null || break;"
	                          " sleep 0.05; done; ! kill -0 $(cat $1/ilnet.pid) 2>/dev/null"
	                          " && [ ! -S $1/ilnet.sock ] && grep -q \"ilnet: stopped\" $1/ilnet.log"), 0);
	/* nginx now answers with its own page, headers included. */
	r = http_get(c, "/login");
	ck_assert_int_eq(r->status, 502);
	ck_assert(resp_has(r, "ilnet is not answering"));
	check_security_headers(r, 0);
	ck_assert_int_eq(resp_header_count(r, "X-Frame-Options"), 1);
	ck_assert_int_eq(resp_header_count(r, "Content-Security-Policy"), 1);
	resp_free(r);
	free(tok);
	client_free(c);
}
END_TEST

Suite *platform_suite(void);
Suite *platform_suite(void)
{
	Suite *s = suite_create("platform (through nginx)");
	TCase *t = tcase_create("stack");
	tcase_add_unchecked_fixture(t, stack_up, stack_down);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, sign_in_and_out);
	tcase_add_test(t, sessions_stored_hashed);
	tcase_add_test(t, csrf_refused);
	tcase_add_test(t, not_found_and_bad_method);
	tcase_add_test(t, headers_on_static_and_nginx_errors);
	tcase_add_test(t, body_too_large);
	tcase_add_test(t, bad_encoding_is_400);
	tcase_add_test(t, roles_refused);
	tcase_add_test(t, invitation_by_mail);
	tcase_add_test(t, password_reset_by_mail);
	tcase_add_test(t, calendar_mail_through_the_sender);
	tcase_add_test(t, sign_in_throttled);
	tcase_add_test(t, password_change_ends_other_sessions);
	tcase_add_test(t, deactivation_ends_access);
	tcase_add_test(t, output_is_escaped);
	tcase_add_test(t, roster_import_all_or_nothing);
	tcase_add_test(t, roster_import_file_upload);
	tcase_add_test(t, steward_raises_sharing);
	add_guard_tests(t);
	add_scan_tests(t);
	add_results_tests(t);
	add_equip_tests(t);
	add_retry_tests(t);
	add_nginx_tests(t);
	add_account_tests(t);
	add_steward_tests(t);
	{ void add_outbox_tests(TCase *); add_outbox_tests(t); }
	tcase_add_test(t, killed_worker_is_replaced);
	suite_add_tcase(s, t);
	/* Many writers at once, on a stack of their own. */
	add_load_tests(s);
	/* Mail and shutdown, on a stack of their own (it is stopped). */
	TCase *life = tcase_create("lifecycle");
	tcase_add_unchecked_fixture(life, stack_up_without_sink, stack_down);
	tcase_set_timeout(life, 60);
	tcase_add_test(life, mail_retried_until_delivered);
	tcase_add_test(life, sigterm_drains_and_stops);
	suite_add_tcase(s, life);
	add_fault_cases(s);
	add_disk_cases(s);
	add_matrix_cases(s);
	{ void add_paging_cases(Suite *); add_paging_cases(s); }
	{ void add_connect_cases(Suite *); add_connect_cases(s); }
	{ void add_map_cases(Suite *); add_map_cases(s); }
	{ void add_boundary_cases(Suite *); add_boundary_cases(s); }
	{ void add_onboarding_cases(Suite *); add_onboarding_cases(s); }
	{ void add_records_cases(Suite *); add_records_cases(s); }
	{ void add_season_cases(Suite *); add_season_cases(s); }
	{ void add_convening_cases(Suite *); add_convening_cases(s); }
	{ void add_answers_cases(Suite *); add_answers_cases(s); }
	{ void add_cohorts_cases(Suite *); add_cohorts_cases(s); }
	return s;
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (sodium_init() < 0)
		return 1;
	SRunner *sr = srunner_create(platform_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
