/* login.c — /login, /logout, /account, /invite, /password/forgot,
 * /password/reset: signing in and out, and setting passwords. */
#include "auth.h"
#include "db.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "mail.h"
#include "req.h"

#include <string.h>
#include <time.h>

#define INVITE_TTL (7 * 24 * 3600)
#define RESET_TTL (2 * 3600)

/* Where to go after signing in: a local path only.  Browsers drop tabs
 * and line breaks from URLs ("/\t/evil.example" becomes "//evil.example"),
 * so any control character, space or backslash refuses the path. */
static const char *safe_next(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || !strncmp(next, "/login", 6))
		return "/";
	for (const unsigned char *p = (const unsigned char *)next; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '\\')
			return "/";
	return next;
}

/* "3 minutes": a wait in whole minutes, rounded up. */
static const char *wait_text(struct req *r, long wait)
{
	long m = (wait + 59) / 60;
	return arena_printf(&r->arena, "%ld minute%s", m, m == 1 ? "" : "s");
}

/* No hashing slot came free: the counted check did not happen. */
static _Noreturn void check_not_made(struct req *r, const struct signin *s)
{
	db_begin(r);
	auth_signin_undo(r, s);
	db_commit(r);
	req_fail(r, 503, "no hashing slot");
}

static void login_form(struct req *r, const char *email, const char *next,
                       const struct form_errors *e)
{
	page_begin(r, "Sign in");
	form_error_summary(r, e);
	if (!e || !e->n) {
		const char *msg = req_query(r, "msg");
		if (msg && !strcmp(msg, "out"))
			page_notice(r, "You have signed out.");
		else if (msg && !strcmp(msg, "reset"))
			page_notice(r, "Your password is set. Sign in with it now.");
	}
	form_begin(r, "/login");
	html(r, "<input type=\"hidden\" name=\"next\" value=\"%s\">\n", safe_next(next));
	form_input(r, e, "email", "Email address", "email", email, "username", NULL, 1, LEN_EMAIL);
	form_input(r, e, "password", "Password", "password", NULL, "current-password", NULL, 1, AUTH_PW_MAX);
	html(r, "<button type=\"submit\">Sign in</button>\n");
	form_end(r);
	html(r, "<p><a href=\"/password/forgot\">Forgot your password?</a></p>\n"
	        "<p>ilnet is by invitation. If you lead a school in Minnesota, North Dakota,"
	        " South Dakota or one of the 23 Native nations that share the region and"
	        " would like to join, ask the foundation for an invitation.</p>\n");
	page_end(r);
}

void login_page(struct req *r)
{
	if (r->user) {
		req_redirect(r, "/");
		return;
	}
	login_form(r, NULL, req_query(r, "next"), NULL);
}

void login_submit(struct req *r)
{
	const char *email = req_form(r, "email");
	const char *pw = req_form(r, "password");
	const char *next = req_form(r, "next");
	struct form_errors e = {0};
	if (!email || !*email)
		form_error(&e, "email", "Enter your email address.");
	if (!pw || !*pw)
		form_error(&e, "password", "Enter your password.");
	if (e.n) {
		r->status = 422;
		login_form(r, email, next, &e);
		return;
	}
	struct signin s;
	long wait = auth_signin_begin(r, email, &s);
	if (wait > 0) {
		r->status = 429;
		req_header(r, "Retry-After", arena_printf(&r->arena, "%ld", wait));
		form_error(&e, NULL, arena_printf(&r->arena,
		           "Too many failed sign-ins for this account from this network. Wait %s"
		           " before trying again, or reset your password. A browser where you have"
		           " signed in before is not held up.", wait_text(r, wait)));
		login_form(r, email, next, &e);
		return;
	}
	sqlite3_stmt *st = db_q(r, "SELECT id, pw_hash FROM users WHERE email = ? AND active = 1"
	                           " AND pw_hash IS NOT NULL", "t", email);
	long long uid = 0;
	const char *hash = NULL;
	if (db_step(r, st)) {
		uid = db_col_int(st, 0);
		hash = db_col_text(r, st, 1);
		sqlite3_reset(st);
	}
	/* The check was counted as failed before the slow hash, so that
	 * parallel guesses cannot all pass; a right password takes it back. */
	int ok = auth_verify_password(hash, pw);
	if (ok < 0)
		check_not_made(r, &s);
	if (!ok) {
		r->status = 422;
		form_error(&e, NULL, "The email address or password is not right.");
		login_form(r, email, next, &e);
		return;
	}
	db_begin(r);
	auth_start_session(r, uid);
	auth_signin_ok(r, &s, uid);
	db_exec(r, "INSERT INTO audit (user_id, action) VALUES (?, 'sign-in')", "I", uid);
	db_commit(r);
	req_redirect(r, safe_next(next));
}

void logout_submit(struct req *r)
{
	db_begin(r);
	auth_end_session(r);
	db_commit(r);
	req_redirect(r, "/login?msg=out");
}

/* ---- account: change password ---------------------------------------- */

static void account_form(struct req *r, const struct form_errors *e, int done)
{
	page_begin(r, "Your account");
	form_error_summary(r, e);
	if (done)
		page_notice(r, "Your password has been changed. Other devices have been signed out.");
	const char *msg = req_query(r, "msg");
	if (msg && !strcmp(msg, "feed-off"))
		page_notice(r, "Your calendar feed is off: its address no longer works.");
	html(r, "<dl class=\"facts\"><dt>Name</dt><dd>%s</dd><dt>Email</dt><dd>%s</dd>"
	        "<dt>Role</dt><dd>%s</dd></dl>\n",
	     r->user->name, r->user->email, role_label(r->user->role));
	html(r, "<h2>Change your password</h2>\n");
	form_begin(r, "/account/password");
	form_input(r, e, "current", "Current password", "password", NULL, "current-password", NULL, 1, AUTH_PW_MAX);
	form_input(r, e, "password", "New password", "password", NULL, "new-password",
	           "12 to 128 characters. A few words strung together work well.", 1, AUTH_PW_MAX);
	form_input(r, e, "confirm", "New password again", "password", NULL, "new-password", NULL, 1, AUTH_PW_MAX);
	html(r, "<button type=\"submit\">Change password</button>\n");
	form_end(r);
	calendar_account_section(r);
	page_end(r);
}

void account_page(struct req *r)
{
	const char *msg = req_query(r, "msg");
	account_form(r, NULL, msg && !strcmp(msg, "changed"));
}

/* Check a new password and its confirmation; errors go on "password" and
 * "confirm". */
static void check_new_password(struct form_errors *e, const char *pw, const char *confirm)
{
	const char *problem = auth_password_problem(pw);
	if (problem)
		form_error(e, "password", problem);
	else if (!confirm || strcmp(pw, confirm))
		form_error(e, "confirm", "The two passwords are not the same.");
}

/* Hash a new password (before the transaction: it takes a while); 503
 * when hashing is saturated. */
static void hash_new_password(struct req *r, const char *pw, char hash[AUTH_HASH_MAX])
{
	if (auth_hash_password(pw, hash) != 0)
		req_fail(r, 503, "no hashing slot");
}

/* Inside the caller's transaction: store the new password's hash for uid.
 * Every invitation and reset link still outstanding for the account ends
 * with it, whichever way the password was set; so do its sign-in failure
 * counts and its known devices other than this browser, which becomes
 * one (it has the password, or proved it holds the mailbox). */
static void store_password(struct req *r, long long uid, const char *hash)
{
	db_exec(r, "UPDATE users SET pw_hash = ?, pw_changed_at = unixepoch() WHERE id = ?",
	        "tI", hash, uid);
	auth_password_changed(r, uid);
}

void account_password_submit(struct req *r)
{
	const char *cur = req_form(r, "current");
	const char *pw = req_form(r, "password");
	const char *confirm = req_form(r, "confirm");
	struct form_errors e = {0};
	/* Guessing the current password is throttled like signing in. */
	struct signin s = {0};
	int ok = 0;
	if (!cur || !*cur) {
		form_error(&e, "current", "Enter your current password.");
	} else {
		long wait = auth_signin_begin(r, r->user->email, &s);
		if (wait > 0) {
			r->status = 429;
			req_header(r, "Retry-After", arena_printf(&r->arena, "%ld", wait));
			form_error(&e, "current", arena_printf(&r->arena,
			           "Too many wrong passwords. Wait %s before trying again.",
			           wait_text(r, wait)));
			account_form(r, &e, 0);
			return;
		}
		char *old_hash = db_text(r, "SELECT pw_hash FROM users WHERE id = ?", "I", r->user->id);
		ok = auth_verify_password(old_hash, cur);
		if (ok < 0)
			check_not_made(r, &s);
		if (!ok)
			form_error(&e, "current", "Your current password is not right.");
	}
	check_new_password(&e, pw, confirm);
	if (e.n) {
		if (ok) {               /* the current password was right */
			db_begin(r);
			auth_signin_undo(r, &s);
			db_commit(r);
		}
		r->status = 422;
		account_form(r, &e, 0);
		return;
	}
	char hash[AUTH_HASH_MAX];
	hash_new_password(r, pw, hash);
	db_begin(r);
	auth_signin_undo(r, &s);
	store_password(r, r->user->id, hash);
	auth_end_user_sessions(r, r->user->id, 0);
	r->session_id = 0;
	auth_start_session(r, r->user->id);
	db_exec(r, "INSERT INTO audit (user_id, action) VALUES (?, 'password-changed')",
	        "I", r->user->id);
	db_commit(r);
	req_redirect(r, "/account?msg=changed");
}

/* ---- invitations and resets: a one-time link sets a password ---------- */

static void token_form(struct req *r, const char *purpose, const char *token,
                       const struct form_errors *e)
{
	int invite = !strcmp(purpose, "invite");
	long long uid = auth_token_user(r, token, purpose);
	page_begin(r, invite ? "Accept your invitation" : "Choose a new password");
	if (!uid) {
		r->status = 404;
		html(r, "<p>This link has expired or has already been used.</p>\n"
		        "<p><a href=\"/password/forgot\">Ask for a new link</a>"
		        " or write to the person who invited you.</p>\n");
		page_end(r);
		return;
	}
	sqlite3_stmt *st = db_q(r, "SELECT name, email FROM users WHERE id = ?", "I", uid);
	const char *name = "", *email = "";
	if (db_step(r, st)) {
		name = db_col_text(r, st, 0);
		email = db_col_text(r, st, 1);
		sqlite3_reset(st);
	}
	form_error_summary(r, e);
	if (invite)
		html(r, "<p>Welcome to ilnet, %s. Choose a password to finish setting up"
		        " your account (%s).</p>\n", name, email);
	else
		html(r, "<p>Choose a new password for %s.</p>\n", email);
	form_begin(r, invite ? "/invite" : "/password/reset");
	html(r, "<input type=\"hidden\" name=\"t\" value=\"%s\">\n", token);
	html(r, "<input type=\"hidden\" name=\"username\" autocomplete=\"username\" value=\"%s\">\n",
	     email);
	form_input(r, e, "password", "New password", "password", NULL, "new-password",
	           "12 to 128 characters. A few words strung together work well.", 1, AUTH_PW_MAX);
	form_input(r, e, "confirm", "New password again", "password", NULL, "new-password", NULL, 1, AUTH_PW_MAX);
	html(r, "<button type=\"submit\">%s</button>\n", invite ? "Set password and continue"
	                                                       : "Set new password");
	form_end(r);
	page_end(r);
}

static void token_submit(struct req *r, const char *purpose)
{
	const char *token = req_form(r, "t");
	const char *pw = req_form(r, "password");
	struct form_errors e = {0};
	long long uid = auth_token_user(r, token, purpose);
	if (!uid) {
		token_form(r, purpose, token, NULL);
		return;
	}
	check_new_password(&e, pw, req_form(r, "confirm"));
	if (e.n) {
		r->status = 422;
		token_form(r, purpose, token, &e);
		return;
	}
	char hash[AUTH_HASH_MAX];
	hash_new_password(r, pw, hash);
	db_begin(r);
	/* Taken inside the transaction: the link may have been used, or ended
	 * by a password set another way, since it was checked above. */
	uid = auth_token_take(r, token, purpose);
	if (!uid) {
		db_commit(r);
		token_form(r, purpose, token, NULL);
		return;
	}
	store_password(r, uid, hash);
	auth_end_user_sessions(r, uid, 0);
	db_exec(r, "INSERT INTO audit (user_id, action) VALUES (?, ?)", "It", uid,
	        !strcmp(purpose, "invite") ? "invitation-accepted" : "password-reset");
	if (!strcmp(purpose, "invite")) {
		r->session_id = 0;
		auth_start_session(r, uid);
		db_commit(r);
		req_redirect(r, "/");
		return;
	}
	db_commit(r);
	req_redirect(r, "/login?msg=reset");
}

void invite_page(struct req *r) { token_form(r, "invite", req_query(r, "t"), NULL); }
void invite_submit(struct req *r) { token_submit(r, "invite"); }
void reset_page(struct req *r) { token_form(r, "reset", req_query(r, "t"), NULL); }
void reset_submit(struct req *r) { token_submit(r, "reset"); }

static void forgot_form(struct req *r, const char *email, const struct form_errors *e, int sent)
{
	page_begin(r, "Reset your password");
	form_error_summary(r, e);
	if (sent) {
		page_notice(r, "If that address belongs to an ilnet account, a link to choose a"
		               " new password is on its way. It works for two hours.");
	}
	form_begin(r, "/password/forgot");
	form_input(r, e, "email", "Email address", "email", email, "username", NULL, 1, LEN_EMAIL);
	html(r, "<button type=\"submit\">Send me a link</button>\n");
	form_end(r);
	html(r, "<p><a href=\"/login\">Back to sign in</a></p>\n");
	page_end(r);
}

void forgot_page(struct req *r) { forgot_form(r, NULL, NULL, 0); }

void forgot_submit(struct req *r)
{
	const char *email = req_form(r, "email");
	struct form_errors e = {0};
	if (!mail_address_ok(email)) {
		form_error(&e, "email", "Enter an email address, like name@example.org.");
		r->status = 422;
		forgot_form(r, email, &e, 0);
		return;
	}
	/* The same answer whether or not the account exists; throttled like
	 * sign-ins so the form cannot be used to flood someone's inbox. */
	if (auth_reset_wait(r, email) > 0) {
		forgot_form(r, email, NULL, 1);
		return;
	}
	db_begin(r);
	auth_reset_requested(r, email);
	long long uid = db_int(r, 0, "SELECT id FROM users WHERE email = ? AND active = 1",
	                       "t", email);
	if (uid) {
		const char *tok = auth_token_issue(r, uid, "reset", RESET_TTL, 0);
		char *body = arena_printf(&r->arena,
		    "Someone (we hope you) asked to reset the password of your ilnet account.\n\n"
		    "Choose a new password here within two hours:\n%s/password/reset?t=%s\n\n"
		    "If you did not ask, ignore this message: your password stays as it is.\n",
		    mail_base_url(), tok);
		mail_queue(r, email, "Reset your ilnet password", body);
	}
	db_commit(r);
	forgot_form(r, email, NULL, 1);
}
