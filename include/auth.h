/* auth.h — passwords, sessions, CSRF tokens, sign-in throttling and
 * one-time links.
 *
 * Passwords: argon2id (64 MiB, 3 passes).  At most ILNET_HASH_SLOTS hashes
 * run at once across all workers (lock files in ILNET_RUNDIR), so a flood
 * of sign-ins cannot exhaust memory.
 * Sessions: a 256-bit random token in the cookie; only its SHA-256 is
 * stored.  Idle and absolute expiry; a new token at every sign-in.
 * Known devices: the same kind of token in a long-lived cookie, hashed
 * at rest (see sign-in throttling below).
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

/* The 32-byte HMAC key kept in settings under name ("csrf_key",
 * "leader_key"), made at random on first use and the same ever after. */
void auth_setting_key(struct req *r, const char *name, unsigned char key[32]);

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

/* ---- sign-in throttling ----------------------------------------------
 * Guessing is slowed down, never turned into a lockout of the real user.
 * A password check is counted before it runs, inside one write
 * transaction, so parallel guesses cannot exceed a limit:
 * - from a stranger (no known-device cookie for the account): on the
 *   (account, address) pair and on the address;
 * - from a known device of the account: on the device alone, so nothing a
 *   stranger does delays the real user on a browser they signed in on.
 * Past a count's free failures each check waits SIGNIN_DELAY_BASE seconds,
 * doubled with each further failure, at most SIGNIN_DELAY_MAX.  A correct
 * password takes its check back, clears the pair (or the device) and makes
 * the browser a known device of the account. */
#define SIGNIN_FREE_PAIR 5
#define SIGNIN_FREE_ADDR 30
#define SIGNIN_FREE_DEVICE 5
#define SIGNIN_DELAY_BASE 60
#define SIGNIN_DELAY_MAX 900
#define SIGNIN_FORGET (24 * 3600)        /* a quiet day forgets a count */
#define DEVICE_COOKIE "ilnet_device"
#define DEVICE_TTL (365L * 24 * 3600)    /* unused this long: forgotten */
#define DEVICE_MAX 10                    /* known devices kept per account */

/* The wait a count imposes after `fails` failures (the last at last_at)
 * when `free` failures are allowed before any wait; 0 when none. */
long auth_signin_delay(long fails, long free_fails);
long auth_signin_wait(long fails, long long last_at, long long now, long free_fails);

/* The address as counted into out: an IPv6 address cut to its /64 (what
 * one host usually holds), an IPv4-mapped one as IPv4, others as given. */
void auth_addr_key(const char *addr, char *out, size_t outlen);

/* One password check, as counted. */
struct signin {
	long long device;            /* the account's known device it came from, or 0 */
	long long at;                /* when it was counted */
	long long prev_pair, prev_addr, prev_device;   /* last_at before it */
	const char *email, *addr;    /* the keys counted */
};

/* Before checking a password for email (as typed): in its own
 * transaction, 0 with the check counted in s, or the seconds to wait
 * (nothing counted). */
long auth_signin_begin(struct req *r, const char *email, struct signin *s);

/* Inside the caller's transaction: take the counted check back (the
 * password was right, or no check happened). */
void auth_signin_undo(struct req *r, const struct signin *s);

/* Inside the caller's transaction, after a correct password for user_id:
 * take the check back, clear the pair's or the device's failures, and
 * remember this browser as a known device of the account (cookie). */
void auth_signin_ok(struct req *r, const struct signin *s, long long user_id);

/* Inside the caller's transaction, whenever user_id's password is set or
 * changed: the account's outstanding links end (auth_links_end), its
 * failure counts are forgotten, its known devices other than this browser
 * are forgotten, and this browser becomes one. */
void auth_password_changed(struct req *r, long long user_id);

/* Password-reset requests are limited per address typed, on their own
 * count (asking for resets must not hold anyone up signing in). */
long auth_reset_wait(struct req *r, const char *email);
void auth_reset_requested(struct req *r, const char *email);

/* A new one-time token for user_id ('invite' or 'reset'), valid for
 * ttl seconds; returns the token for the link (only its hash is stored).
 * Earlier unused tokens of the same purpose for the user are revoked. */
const char *auth_token_issue(struct req *r, long long user_id, const char *purpose,
                             long ttl, long long created_by);

/* A person's private calendar feed (/calendar/{token}.ics): a new token
 * replaces (revokes) the one before; only its hash is stored.  Deleting
 * the calendar_feeds row revokes it. */
const char *auth_feed_issue(struct req *r, long long user_id);
/* The active user a feed token belongs to (in the arena), or NULL. */
struct user *auth_feed_user(struct req *r, const char *token);

/* The user id a live token grants, or 0.  Does not consume it.  An
 * invitation is live only while its account has no password. */
long long auth_token_user(struct req *r, const char *token, const char *purpose);

/* Inside the caller's transaction: the user id the live token grants, and
 * the token marked used; 0 when it is not live (any more). */
long long auth_token_take(struct req *r, const char *token, const char *purpose);

/* Inside the caller's transaction, whenever a password is set or changed:
 * every outstanding invitation and reset link of the account ends. */
void auth_links_end(struct req *r, long long user_id);

/* Reset requests: at most THROTTLE_RESETS per address typed per window. */
#define THROTTLE_WINDOW 900
#define THROTTLE_RESETS 3

#endif
