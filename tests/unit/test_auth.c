/* test_auth.c — passwords, sessions, CSRF, throttling, one-time tokens. */
#include "unit.h"
#include "auth.h"
#include "db.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

START_TEST(password_rules)
{
	ck_assert_ptr_nonnull(auth_password_problem(""));
	ck_assert_ptr_nonnull(auth_password_problem("short"));
	ck_assert_ptr_nonnull(auth_password_problem("            "));
	ck_assert_ptr_null(auth_password_problem("twelve chars"));
	/* Twelve characters, counted as characters, not bytes. */
	ck_assert_ptr_nonnull(auth_password_problem("ééééé"));              /* 10 bytes, 5 chars */
	ck_assert_ptr_null(auth_password_problem("éééééééééééé"));         /* 12 chars */
	char long_pw[200];
	memset(long_pw, 'x', 129);
	long_pw[129] = '\0';
	ck_assert_ptr_nonnull(auth_password_problem(long_pw));
	long_pw[128] = '\0';
	ck_assert_ptr_null(auth_password_problem(long_pw));
}
END_TEST

START_TEST(hash_and_verify)
{
	char h[AUTH_HASH_MAX];
	ck_assert_int_eq(auth_hash_password("correct horse battery", h), 0);
	ck_assert(strncmp(h, "$argon2id$", 10) == 0);
	ck_assert(strstr(h, "m=65536") && strstr(h, "t=3"));
	ck_assert_int_eq(auth_verify_password(h, "correct horse battery"), 1);
	ck_assert_int_eq(auth_verify_password(h, "correct horse batterY"), 0);
	/* No truncation: a 128-character password differs in its last character. */
	char a[129], b[129];
	memset(a, 'p', 128);
	a[128] = '\0';
	memcpy(b, a, sizeof a);
	b[127] = 'q';
	ck_assert_int_eq(auth_hash_password(a, h), 0);
	ck_assert_int_eq(auth_verify_password(h, b), 0);
	ck_assert_int_eq(auth_verify_password(NULL, "anything at all"), 0);
}
END_TEST

static long long seed_user(struct req *r)
{
	db_exec(r, "INSERT INTO users (email, name, role, pw_hash) VALUES ('pat@example.org', 'Pat',"
	           " 'leader', 'x')", "");
	return db_last_id(r);
}

/* Take the Set-Cookie value for name from r's headers into jar (a copy). */
static char *cookie_from(struct req *r, const char *name)
{
	size_t n = strlen(name);
	for (int i = 0; i < r->nheaders; i++)
		if (!strcmp(r->headers[i].name, "Set-Cookie") && !strncmp(r->headers[i].value, name, n) &&
		    r->headers[i].value[n] == '=') {
			const char *v = r->headers[i].value + n + 1;
			return strndup(v, strcspn(v, ";"));
		}
	return NULL;
}

static char *g_token;

static void start(struct req *r)
{
	long long uid = seed_user(r);
	auth_start_session(r, uid);
	g_token = cookie_from(r, SESSION_COOKIE);
	ck_assert_ptr_nonnull(g_token);
	ck_assert_int_eq(strlen(g_token), 43);               /* 256 bits, base64url */
	/* Stored hashed. */
	unsigned char h[32];
	crypto_hash_sha256(h, (const unsigned char *)g_token, strlen(g_token));
	ck_assert_int_eq(db_int(r, 0, "SELECT count(*) FROM sessions WHERE token_hash = ?", "b", h, 32), 1);
	ck_assert_int_eq(db_int(r, 0, "SELECT count(*) FROM sessions WHERE token_hash = ?", "t", g_token), 0);
}

static void load(struct req *r)
{
	r->user = NULL;
	r->session_id = 0;
	r->cookies.n = 0;
	params_add(&r->arena, &r->cookies, SESSION_COOKIE, g_token, strlen(g_token));
	auth_load_session(r);
}

START_TEST(session_lifecycle)
{
	struct req *r = test_req_new();
	ck_assert_int_eq(test_run(r, start), 0);
	ck_assert_int_eq(test_run(r, load), 0);
	ck_assert_ptr_nonnull(r->user);
	ck_assert_str_eq(r->user->name, "Pat");
	ck_assert_int_eq(r->user->role, ROLE_LEADER);
	/* Idle too long: gone. */
	sqlite3_exec(r->db, "UPDATE sessions SET last_seen = last_seen - 3 * 3600", NULL, NULL, NULL);
	ck_assert_int_eq(test_run(r, load), 0);
	ck_assert_ptr_null(r->user);
	ck_assert_int_eq(db_int(r, 0, "SELECT count(*) FROM sessions", ""), 0);
	free(g_token);
	test_req_free(r);
}
END_TEST

START_TEST(session_absolute_expiry_and_deactivation)
{
	struct req *r = test_req_new();
	ck_assert_int_eq(test_run(r, start), 0);
	sqlite3_exec(r->db, "UPDATE sessions SET created_at = created_at - 13 * 3600", NULL, NULL, NULL);
	ck_assert_int_eq(test_run(r, load), 0);
	ck_assert_ptr_null(r->user);
	free(g_token);
	ck_assert_int_eq(test_run(r, start), 500);           /* user exists: unique email */
	test_req_free(r);

	r = test_req_new();
	ck_assert_int_eq(test_run(r, start), 0);
	sqlite3_exec(r->db, "UPDATE users SET active = 0", NULL, NULL, NULL);
	ck_assert_int_eq(test_run(r, load), 0);
	ck_assert_ptr_null(r->user);
	free(g_token);
	test_req_free(r);
}
END_TEST

static const char *g_csrf;

static void csrf_issue(struct req *r)
{
	g_csrf = auth_csrf_token(r);
}

START_TEST(csrf_tokens)
{
	struct req *r = test_req_new();
	/* A visitor: the token binds to a pre-session cookie. */
	ck_assert_int_eq(test_run(r, csrf_issue), 0);
	char *pre = cookie_from(r, PRE_COOKIE);
	ck_assert_ptr_nonnull(pre);
	char *tok = strdup(g_csrf);
	r->form.n = 0;
	params_add(&r->arena, &r->form, "_csrf", tok, strlen(tok));
	ck_assert_int_eq(auth_csrf_ok(r), 1);
	/* Another browser (another pre cookie) cannot use it. */
	r->cookies.n = 0;
	params_add(&r->arena, &r->cookies, PRE_COOKIE, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 43);
	ck_assert_int_eq(auth_csrf_ok(r), 0);
	r->cookies.n = 0;
	params_add(&r->arena, &r->cookies, PRE_COOKIE, pre, strlen(pre));
	ck_assert_int_eq(auth_csrf_ok(r), 1);
	/* Wrong origin, right token. */
	r->host = "ilnet.example.org";
	r->origin = "http://evil.example";
	ck_assert_int_eq(auth_csrf_ok(r), 0);
	r->origin = "http://ilnet.example.org:8080";
	ck_assert_int_eq(auth_csrf_ok(r), 1);
	r->server_port = "8080";
	ck_assert_int_eq(auth_csrf_ok(r), 1);
	r->origin = "http://ilnet.example.org:9999";
	ck_assert_int_eq(auth_csrf_ok(r), 0);               /* another port on the host */
	r->origin = "http://ilnet.example.org";
	ck_assert_int_eq(auth_csrf_ok(r), 0);               /* implies 80 */
	r->server_port = "80";
	ck_assert_int_eq(auth_csrf_ok(r), 1);
	r->server_port = NULL;
	r->origin = "https://ilnet.example.org";
	ck_assert_int_eq(auth_csrf_ok(r), 0);               /* scheme differs */
	r->origin = "http://ilnet.example.org.evil.example";
	ck_assert_int_eq(auth_csrf_ok(r), 0);
	r->origin = "null";
	ck_assert_int_eq(auth_csrf_ok(r), 0);
	r->origin = NULL;
	/* A truncated or altered token fails. */
	r->form.n = 0;
	params_add(&r->arena, &r->form, "_csrf", tok, strlen(tok) - 1);
	ck_assert_int_eq(auth_csrf_ok(r), 0);
	r->form.n = 0;
	ck_assert_int_eq(auth_csrf_ok(r), 0);
	free(pre);
	free(tok);
	test_req_free(r);
}
END_TEST

START_TEST(signin_delays)
{
	/* Free failures first, then a wait that doubles, capped. */
	ck_assert_int_eq(auth_signin_delay(0, 5), 0);
	ck_assert_int_eq(auth_signin_delay(4, 5), 0);
	ck_assert_int_eq(auth_signin_delay(5, 5), SIGNIN_DELAY_BASE);
	ck_assert_int_eq(auth_signin_delay(6, 5), 2 * SIGNIN_DELAY_BASE);
	ck_assert_int_eq(auth_signin_delay(7, 5), 4 * SIGNIN_DELAY_BASE);
	ck_assert_int_eq(auth_signin_delay(8, 5), 8 * SIGNIN_DELAY_BASE);
	ck_assert_int_eq(auth_signin_delay(9, 5), SIGNIN_DELAY_MAX);
	ck_assert_int_eq(auth_signin_delay(1000000, 5), SIGNIN_DELAY_MAX);    /* no overflow */
	ck_assert_int_eq(auth_signin_delay(29, 30), 0);
	ck_assert_int_eq(auth_signin_delay(30, 30), SIGNIN_DELAY_BASE);
	/* What is left of the wait, and a count forgotten after a quiet day. */
	long long now = 2000000000;
	ck_assert_int_eq(auth_signin_wait(5, now - 10, now, 5), SIGNIN_DELAY_BASE - 10);
	ck_assert_int_eq(auth_signin_wait(5, now - SIGNIN_DELAY_BASE, now, 5), 0);
	ck_assert_int_eq(auth_signin_wait(4, now, now, 5), 0);
	ck_assert_int_eq(auth_signin_wait(50, now - 100, now, 5), SIGNIN_DELAY_MAX - 100);
	ck_assert_int_eq(auth_signin_wait(50, now - SIGNIN_FORGET, now, 5), 0);
	ck_assert_int_eq(auth_signin_wait(0, now, now, 0), 0);
}
END_TEST

START_TEST(signin_address_keys)
{
	char k[64], k2[64];
	auth_addr_key("192.0.2.7", k, sizeof k);
	ck_assert_str_eq(k, "192.0.2.7");
	auth_addr_key("2001:db8:1:2:3:4:5:6", k, sizeof k);
	ck_assert_str_eq(k, "2001:db8:1:2::/64");
	auth_addr_key("2001:DB8:1:2::9", k2, sizeof k2);
	ck_assert_str_eq(k, k2);                            /* one host's /64, one count */
	auth_addr_key("2001:db8:1:3::9", k2, sizeof k2);
	ck_assert_str_ne(k, k2);
	auth_addr_key("::ffff:192.0.2.7", k, sizeof k);
	ck_assert_str_eq(k, "192.0.2.7");
	auth_addr_key("", k, sizeof k);
	ck_assert_str_eq(k, "");
	auth_addr_key(NULL, k, sizeof k);
	ck_assert_str_eq(k, "");
	auth_addr_key("not-an-address", k, sizeof k);
	ck_assert_str_eq(k, "not-an-address");
}
END_TEST

static long long pair_fails(struct req *r, const char *email, const char *addr)
{
	return db_int(r, 0, "SELECT fails FROM signin_failures WHERE email = ? AND addr = ?",
	              "tt", email, addr);
}

/* Replace the request's cookies with one device cookie (or none). */
static void with_device(struct req *r, const char *tok)
{
	r->cookies.n = 0;
	if (tok)
		params_add(&r->arena, &r->cookies, DEVICE_COOKIE, tok, strlen(tok));
}

static void throttle(struct req *r)
{
	long long uid = seed_user(r);
	struct signin s;
	/* A stranger: five free checks for the pair, then a wait. */
	r->remote_addr = "10.0.0.1";
	for (int i = 0; i < SIGNIN_FREE_PAIR; i++)
		ck_assert_int_eq(auth_signin_begin(r, i % 2 ? "Pat@Example.org" : "pat@example.org", &s), 0);
	long w = auth_signin_begin(r, "PAT@example.org", &s);
	ck_assert(w > 0 && w <= SIGNIN_DELAY_BASE);
	ck_assert_int_eq(pair_fails(r, "pat@example.org", "10.0.0.1"), SIGNIN_FREE_PAIR);  /* refused: not counted */
	ck_assert_int_eq(pair_fails(r, "", "10.0.0.1"), SIGNIN_FREE_PAIR);
	/* Counted per pair: the account from elsewhere, and another account
	 * from here, are not held up. */
	ck_assert_int_eq(auth_signin_begin(r, "lee@example.org", &s), 0);
	r->remote_addr = "10.0.0.2";
	ck_assert_int_eq(auth_signin_begin(r, "pat@example.org", &s), 0);
	/* A check taken back (no hashing slot) leaves nothing behind. */
	r->remote_addr = "10.0.0.3";
	ck_assert_int_eq(auth_signin_begin(r, "pat@example.org", &s), 0);
	auth_signin_undo(r, &s);
	ck_assert_int_eq(pair_fails(r, "pat@example.org", "10.0.0.3"), 0);
	ck_assert_int_eq(pair_fails(r, "", "10.0.0.3"), 0);
	/* A right password clears the pair, takes back the address's count
	 * of this check (not the earlier failures) and makes the browser a
	 * known device. */
	r->remote_addr = "10.0.0.4";
	for (int i = 0; i < SIGNIN_FREE_PAIR - 1; i++)
		ck_assert_int_eq(auth_signin_begin(r, "pat@example.org", &s), 0);
	ck_assert_int_eq(auth_signin_begin(r, "pat@example.org", &s), 0);
	ck_assert_int_eq(s.device, 0);
	r->nheaders = 0;
	auth_signin_ok(r, &s, uid);
	ck_assert_int_eq(pair_fails(r, "pat@example.org", "10.0.0.4"), 0);
	ck_assert_int_eq(pair_fails(r, "", "10.0.0.4"), SIGNIN_FREE_PAIR - 1);
	char *dev = cookie_from(r, DEVICE_COOKIE);
	ck_assert_ptr_nonnull(dev);
	ck_assert_int_eq(strlen(dev), 43);
	unsigned char h[32];
	crypto_hash_sha256(h, (const unsigned char *)dev, strlen(dev));
	ck_assert_int_eq(db_int(r, 0, "SELECT user_id FROM known_devices WHERE token_hash = ?", "b", h, 32), uid);
	ck_assert_int_eq(db_int(r, 0, "SELECT count(*) FROM known_devices WHERE token_hash = ?", "t", dev), 0);
	/* Per address, across accounts (unknown ones too). */
	r->remote_addr = "10.0.0.5";
	for (int i = 0; i < SIGNIN_FREE_ADDR; i++) {
		char e[32];
		snprintf(e, sizeof e, "guess%d@example.org", i / SIGNIN_FREE_PAIR);
		ck_assert_int_eq(auth_signin_begin(r, e, &s), 0);
	}
	ck_assert(auth_signin_begin(r, "pat@example.org", &s) > 0);
	/* The known device passes both the address's and the pair's waits... */
	with_device(r, dev);
	ck_assert_int_eq(auth_signin_begin(r, "pat@example.org", &s), 0);
	ck_assert_int_ne(s.device, 0);
	r->remote_addr = "10.0.0.1";
	ck_assert_int_eq(auth_signin_begin(r, "Pat@Example.org", &s), 0);
	/* ...only for its own account... */
	ck_assert(auth_signin_begin(r, "lee@example.org", &s) == 0 && s.device == 0);
	/* ...and with a small budget of its own. */
	for (int i = 2; i < SIGNIN_FREE_DEVICE; i++)
		ck_assert_int_eq(auth_signin_begin(r, "pat@example.org", &s), 0);
	w = auth_signin_begin(r, "pat@example.org", &s);
	ck_assert(w > 0 && w <= SIGNIN_DELAY_BASE);
	/* Strangers' counts did not move meanwhile. */
	ck_assert_int_eq(pair_fails(r, "pat@example.org", "10.0.0.1"), SIGNIN_FREE_PAIR);
	/* Nor is a forgotten or deactivated device known. */
	sqlite3_exec(r->db, "UPDATE users SET active = 0", NULL, NULL, NULL);
	r->remote_addr = "10.0.0.6";
	ck_assert(auth_signin_begin(r, "pat@example.org", &s) == 0 && s.device == 0);
	sqlite3_exec(r->db, "UPDATE users SET active = 1", NULL, NULL, NULL);
	/* A password set: failures forgotten, other devices forgotten, this
	 * browser kept. */
	with_device(r, NULL);
	r->remote_addr = "10.0.0.7";
	ck_assert_int_eq(auth_signin_begin(r, "pat@example.org", &s), 0);
	r->nheaders = 0;
	auth_signin_ok(r, &s, uid);
	char *dev2 = cookie_from(r, DEVICE_COOKIE);
	ck_assert_str_ne(dev, dev2);
	ck_assert_int_eq(db_int(r, 0, "SELECT count(*) FROM known_devices WHERE user_id = ?", "I", uid), 2);
	with_device(r, dev);
	r->nheaders = 0;
	auth_password_changed(r, uid);
	ck_assert_int_eq(db_int(r, 0, "SELECT count(*) FROM known_devices WHERE user_id = ?", "I", uid), 1);
	ck_assert_int_eq(db_int(r, 0, "SELECT user_id FROM known_devices WHERE token_hash = ?", "b", h, 32), uid);
	char *again = cookie_from(r, DEVICE_COOKIE);          /* renewed, same token */
	ck_assert_str_eq(again, dev);
	ck_assert_int_eq(db_int(r, 0, "SELECT count(*) FROM signin_failures WHERE email = 'pat@example.org'", ""), 0);
	ck_assert_int_eq(db_int(r, 0, "SELECT fails FROM known_devices WHERE user_id = ?", "I", uid), 0);
	/* Reset requests count on their own. */
	for (int i = 0; i < THROTTLE_RESETS; i++)
		auth_reset_requested(r, "d@example.org");
	ck_assert(auth_reset_wait(r, "d@example.org") > 0);
	with_device(r, NULL);
	ck_assert_int_eq(auth_signin_begin(r, "d@example.org", &s), 0);
	free(again);
	free(dev2);
	free(dev);
}

START_TEST(sign_in_throttling)
{
	struct req *r = test_req_new();
	ck_assert_int_eq(test_run(r, throttle), 0);
	test_req_free(r);
}
END_TEST

static void tokens(struct req *r)
{
	long long uid = seed_user(r);
	db_exec(r, "UPDATE users SET pw_hash = NULL WHERE id = ?", "I", uid);   /* invited */
	const char *t1 = auth_token_issue(r, uid, "invite", 3600, 0);
	ck_assert_int_eq(auth_token_user(r, t1, "invite"), uid);
	ck_assert_int_eq(auth_token_user(r, t1, "reset"), 0);          /* purpose bound */
	const char *t2 = auth_token_issue(r, uid, "invite", 3600, 0);
	ck_assert_int_eq(auth_token_user(r, t1, "invite"), 0);         /* superseded */
	ck_assert_int_eq(auth_token_user(r, t2, "invite"), uid);
	ck_assert_int_eq(auth_token_take(r, t2, "reset"), 0);          /* purpose bound */
	ck_assert_int_eq(auth_token_take(r, t2, "invite"), uid);
	ck_assert_int_eq(auth_token_user(r, t2, "invite"), 0);         /* one time */
	ck_assert_int_eq(auth_token_take(r, t2, "invite"), 0);
	const char *t3 = auth_token_issue(r, uid, "reset", -1, 0);
	ck_assert_int_eq(auth_token_user(r, t3, "reset"), 0);          /* expired */
	ck_assert_int_eq(auth_token_user(r, "not-a-token", "reset"), 0);
	ck_assert_int_eq(db_int(r, 0, "SELECT count(*) FROM tokens WHERE token_hash = ?", "t", t2), 0);
}

/* A password set any way ends every outstanding link of the account, and
 * only of that account. */
static void links_end(struct req *r)
{
	long long uid = seed_user(r);
	db_exec(r, "UPDATE users SET pw_hash = NULL WHERE id = ?", "I", uid);
	db_exec(r, "INSERT INTO users (email, name, role) VALUES ('lee@example.org', 'Lee', 'leader')", "");
	long long other = db_last_id(r);
	const char *inv = auth_token_issue(r, uid, "invite", 3600, 0);
	const char *rst = auth_token_issue(r, uid, "reset", 3600, 0);
	const char *theirs = auth_token_issue(r, other, "invite", 3600, 0);
	ck_assert_int_eq(auth_token_user(r, inv, "invite"), uid);
	ck_assert_int_eq(auth_token_user(r, rst, "reset"), uid);
	/* An invitation is live only while the account has no password. */
	db_exec(r, "UPDATE users SET pw_hash = 'x' WHERE id = ?", "I", uid);
	ck_assert_int_eq(auth_token_user(r, inv, "invite"), 0);
	ck_assert_int_eq(auth_token_take(r, inv, "invite"), 0);
	db_exec(r, "UPDATE users SET pw_hash = NULL WHERE id = ?", "I", uid);
	ck_assert_int_eq(auth_token_user(r, inv, "invite"), uid);
	auth_links_end(r, uid);
	ck_assert_int_eq(auth_token_user(r, inv, "invite"), 0);
	ck_assert_int_eq(auth_token_user(r, rst, "reset"), 0);
	ck_assert_int_eq(auth_token_take(r, rst, "reset"), 0);
	ck_assert_int_eq(auth_token_user(r, theirs, "invite"), other);
	ck_assert_int_eq(db_int(r, -1, "SELECT count(*) FROM tokens WHERE user_id = ? AND used_at IS NULL",
	                        "I", uid), 0);
}

START_TEST(password_set_ends_links)
{
	struct req *r = test_req_new();
	ck_assert_int_eq(test_run(r, links_end), 0);
	test_req_free(r);
}
END_TEST

START_TEST(one_time_tokens)
{
	struct req *r = test_req_new();
	ck_assert_int_eq(test_run(r, tokens), 0);
	test_req_free(r);
}
END_TEST

Suite *auth_suite(void)
{
	Suite *s = suite_create("auth");
	TCase *t = tcase_create("auth");
	tcase_set_timeout(t, 30);
	tcase_add_test(t, password_rules);
	tcase_add_test(t, hash_and_verify);
	tcase_add_test(t, session_lifecycle);
	tcase_add_test(t, session_absolute_expiry_and_deactivation);
	tcase_add_test(t, csrf_tokens);
	tcase_add_test(t, signin_delays);
	tcase_add_test(t, signin_address_keys);
	tcase_add_test(t, sign_in_throttling);
	tcase_add_test(t, one_time_tokens);
	tcase_add_test(t, password_set_ends_links);
	suite_add_tcase(s, t);
	return s;
}
