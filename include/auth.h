/* auth.h — passwords, sessions, CSRF tokens, sign-in throttling and
 * one-time links.
 *
 * Passwords: argon2id (64 MiB, 3 passes).  At most ILNET_HASH_SLOTS hashes
 * run at once across all workers (lock files in ILNET_RUNDIR), so a flood
 * of sign-ins cannot exhaust memory.
 * Sessions: a 256-bit random token in the cookie; only its SHA-256 is
 * stored.  Idle and absolute expiry; a new token at every sign-in.
 * CSRF: a token derived (HMAC-SHA-256 under a key kept in settings) from the
 * session, or for a visitor not signed in from a random pre-session cookie;
 * compared in constant time, with the Origin header checked too.
 */
#ifndef ILNET_AUTH_H
#define ILNET_AUTH_H

#include <stddef.h>

struct req;

#define AUTH_HASH_MAX 128           /* crypto_pwhash_STRBYTES */
#define AUTH_PW_MIN 12
#define AUTH_PW_MAX 128
#define SESSION_COOKIE "ilnet_session"
#define PRE_COOKIE "ilnet_pre"

/* NULL when pw is acceptable, else a sentence saying what is wrong.
 * Length is counted in characters (code points), never truncated. */
const char *auth_password_problem(const char *pw);

/* Hash pw into out.  0 on success; -1 when no hashing slot came free in
 * time or memory ran out (the caller answers 503). */
int auth_hash_password(const char *pw, char out[AUTH_HASH_MAX]);

/* 1 when pw matches hash.  With hash NULL, spends the same time and
 * returns 0 (so an unknown account looks like a wrong password).
 * -1 when no hashing slot came free. */
int auth_verify_password(const char *hash, const char *pw);

/* Read the session cookie; set r->user and r->session_id when it names a
 * live session of an active user.  Expired sessions are deleted. */
void auth_load_session(struct req *r);

/* Start a session for user_id (any previous one of this browser ends) and
 * set the cookie.  Runs inside the caller's transaction. */
void auth_start_session(struct req *r, long long user_id);

/* End this browser's session and clear the cookie. */
void auth_end_session(struct req *r);

/* End every session of a user except keep_session (0 for none). */
void auth_end_user_sessions(struct req *r, long long user_id, long long keep_session);

/* The CSRF token for forms in this reply (sets the pre-session cookie for
 * a visitor not signed in who has none). */
const char *auth_csrf_token(struct req *r);

/* 1 when the POST carries a valid _csrf field and an acceptable Origin. */
int auth_csrf_ok(struct req *r);

/* Seconds to wait before another sign-in attempt for email from this
 * address, 0 when allowed. */
long auth_throttle_wait(struct req *r, const char *email);

/* Record a failed sign-in for email and the address. */
void auth_login_failed(struct req *r, const char *email);

/* Password-reset requests are limited per address typed, on their own
 * count (asking for resets must not lock anyone out of signing in). */
long auth_reset_wait(struct req *r, const char *email);
void auth_reset_requested(struct req *r, const char *email);

/* Forget failures for email after a successful sign-in. */
void auth_login_succeeded(struct req *r, const char *email);

/* A new one-time token for user_id ('invite' or 'reset'), valid for
 * ttl seconds; returns the token for the link (only its hash is stored).
 * Earlier unused tokens of the same purpose for the user are revoked. */
const char *auth_token_issue(struct req *r, long long user_id, const char *purpose,
                             long ttl, long long created_by);

/* The user id a live token grants, or 0.  Does not consume it.  An
 * invitation is live only while its account has no password. */
long long auth_token_user(struct req *r, const char *token, const char *purpose);

/* Inside the caller's transaction: the user id the live token grants, and
 * the token marked used; 0 when it is not live (any more). */
long long auth_token_take(struct req *r, const char *token, const char *purpose);

/* Inside the caller's transaction, whenever a password is set or changed:
 * every outstanding invitation and reset link of the account ends. */
void auth_links_end(struct req *r, long long user_id);

/* Sign-in window and limits, exposed for tests. */
#define THROTTLE_WINDOW 900
#define THROTTLE_PER_ACCOUNT 5
#define THROTTLE_PER_ADDRESS 30
#define THROTTLE_RESETS 3

#endif
