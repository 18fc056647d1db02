/* auth.c — passwords, sessions, CSRF, throttling (see include/auth.h). */
#include "auth.h"
#include "db.h"
#include "req.h"

#include <ctype.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#define PW_OPS 3
#define PW_MEM (64u * 1024 * 1024)
#define TOKEN_BYTES 32
#define TOKEN_B64 44                 /* 43 characters and a NUL */

static long env_long(const char *name, long dflt)
{
	const char *v = getenv(name);
	return v && *v ? atol(v) : dflt;
}

const char *auth_password_problem(const char *pw)
{
	if (!pw || !*pw)
		return "Enter a password.";
	size_t chars = 0;
	int visible = 0;
	for (const unsigned char *p = (const unsigned char *)pw; *p; p++) {
		if ((*p & 0xC0) != 0x80)
			chars++;
		if (!isspace(*p))
			visible = 1;
	}
	if (!visible)
		return "A password cannot be only spaces.";
	if (chars < AUTH_PW_MIN)
		return "Use at least 12 characters. A few words strung together work well.";
	if (chars > AUTH_PW_MAX)
		return "Use at most 128 characters.";
	return NULL;
}

/* Take one of ILNET_HASH_SLOTS lock files; returns the fd, -2 when no
 * limit is configured, -1 when none came free within 10 s. */
static int slot_take(void)
{
	const char *dir = getenv("ILNET_RUNDIR");
	if (!dir || !*dir)
		return -2;
	long slots = env_long("ILNET_HASH_SLOTS", 2);
	if (slots < 1)
		slots = 1;
	for (int tries = 0; tries < 1000; tries++) {
		for (long i = 0; i < slots; i++) {
			char path[4096];
			snprintf(path, sizeof path, "%s/hash-%ld.lock", dir, i);
			int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
			if (fd < 0)
				return -2;
			if (flock(fd, LOCK_EX | LOCK_NB) == 0)
				return fd;
			close(fd);
		}
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return -1;
}

static void slot_give(int fd)
{
	if (fd >= 0)
		close(fd);              /* closing releases the lock */
}

int auth_hash_password(const char *pw, char out[AUTH_HASH_MAX])
{
	int fd = slot_take();
	if (fd == -1)
		return -1;
	int rc = crypto_pwhash_str_alg(out, pw, strlen(pw), PW_OPS, PW_MEM,
	                               crypto_pwhash_ALG_ARGON2ID13);
	slot_give(fd);
	return rc == 0 ? 0 : -1;
}

int auth_verify_password(const char *hash, const char *pw)
{
	/* A fixed hash of a random password, made once per process, so that
	 * an unknown account costs the same as a known one. */
	static char dummy[AUTH_HASH_MAX];
	if (!hash) {
		if (!dummy[0]) {
			unsigned char rnd[16];
			char pwd[33];
			randombytes_buf(rnd, sizeof rnd);
			sodium_bin2hex(pwd, sizeof pwd, rnd, sizeof rnd);
			if (auth_hash_password(pwd, dummy) != 0)
				return -1;
			return 0;
		}
	}
	int fd = slot_take();
	if (fd == -1)
		return -1;
	int ok = crypto_pwhash_str_verify(hash ? hash : dummy, pw, strlen(pw)) == 0;
	slot_give(fd);
	return hash ? ok : 0;
}

/* SHA-256 of a token, as raw bytes. */
static void token_hash(const char *token, unsigned char out[32])
{
	crypto_hash_sha256(out, (const unsigned char *)token, strlen(token));
}

/* A fresh random token, base64url without padding, in the arena. */
static char *token_new(struct req *r)
{
	unsigned char raw[TOKEN_BYTES];
	randombytes_buf(raw, sizeof raw);
	char *t = arena_alloc(&r->arena, TOKEN_B64);
	sodium_bin2base64(t, TOKEN_B64, raw, sizeof raw,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return t;
}

static int token_wellformed(const char *t)
{
	if (!t || strlen(t) != TOKEN_B64 - 1)
		return 0;
	for (; *t; t++)
		if (!isalnum((unsigned char)*t) && *t != '-' && *t != '_')
			return 0;
	return 1;
}

void auth_load_session(struct req *r)
{
	const char *tok = params_get(&r->cookies, SESSION_COOKIE);
	if (!token_wellformed(tok))
		return;
	unsigned char h[32];
	token_hash(tok, h);
	long now = (long)time(NULL);
	long idle = env_long("ILNET_SESSION_IDLE", 2 * 3600);
	long max = env_long("ILNET_SESSION_MAX", 12 * 3600);
	sqlite3_stmt *st = db_q(r,
	    "SELECT s.id, s.created_at, s.last_seen, u.id, u.email, u.name, u.role,"
	    "       coalesce(u.org_id, 0), coalesce(u.nation_id, 0)"
	    "  FROM sessions s JOIN users u ON u.id = s.user_id"
	    " WHERE s.token_hash = ? AND u.active = 1", "b", h, 32);
	if (!db_step(r, st))
		return;
	long long sid = db_col_int(st, 0);
	long created = (long)db_col_int(st, 1), seen = (long)db_col_int(st, 2);
	if (now - seen > idle || now - created > max) {
		sqlite3_reset(st);
		db_exec(r, "DELETE FROM sessions WHERE id = ?", "I", sid);
		req_cookie(r, SESSION_COOKIE, "", -1);
		return;
	}
	struct user *u = arena_zalloc(&r->arena, sizeof *u);
	u->id = db_col_int(st, 3);
	u->email = db_col_text(r, st, 4);
	u->name = db_col_text(r, st, 5);
	const char *role = db_col_text(r, st, 6);
	u->org_id = db_col_int(st, 7);
	u->nation_id = db_col_int(st, 8);
	sqlite3_reset(st);
	if (!strcmp(role, "admin")) u->role = ROLE_ADMIN;
	else if (!strcmp(role, "staff")) u->role = ROLE_STAFF;
	else if (!strcmp(role, "intermediary")) u->role = ROLE_INTERMEDIARY;
	else if (!strcmp(role, "leader")) u->role = ROLE_LEADER;
	else if (!strcmp(role, "steward")) u->role = ROLE_STEWARD;
	else return;
	r->user = u;
	r->session_id = sid;
	sodium_bin2hex(r->session_hash_hex, sizeof r->session_hash_hex, h, 32);
	/* Touch at most once a minute: a read stays a read. */
	if (now - seen >= 60)
		db_exec(r, "UPDATE sessions SET last_seen = ? WHERE id = ?", "II",
		        (long long)now, sid);
}

void auth_start_session(struct req *r, long long user_id)
{
	if (r->session_id)
		db_exec(r, "DELETE FROM sessions WHERE id = ?", "I", r->session_id);
	char *tok = token_new(r);
	unsigned char h[32];
	token_hash(tok, h);
	long long now = (long long)time(NULL);
	db_exec(r, "INSERT INTO sessions (token_hash, user_id, created_at, last_seen, addr)"
	           " VALUES (?, ?, ?, ?, ?)", "bIIIt", h, 32, user_id, now, now,
	        r->remote_addr);
	r->session_id = db_last_id(r);
	sodium_bin2hex(r->session_hash_hex, sizeof r->session_hash_hex, h, 32);
	req_cookie(r, SESSION_COOKIE, tok, env_long("ILNET_SESSION_MAX", 12 * 3600));
	req_cookie(r, PRE_COOKIE, "", -1);
}

void auth_end_session(struct req *r)
{
	if (r->session_id)
		db_exec(r, "DELETE FROM sessions WHERE id = ?", "I", r->session_id);
	r->session_id = 0;
	r->user = NULL;
	r->session_hash_hex[0] = '\0';
	req_cookie(r, SESSION_COOKIE, "", -1);
}

void auth_end_user_sessions(struct req *r, long long user_id, long long keep)
{
	db_exec(r, "DELETE FROM sessions WHERE user_id = ? AND id <> ?", "II",
	        user_id, keep);
}

/* HMAC key for CSRF tokens, created on first use. */
static void csrf_key(struct req *r, unsigned char key[32])
{
	char *hex = db_setting(r, "csrf_key");
	if (!hex || strlen(hex) != 64) {
		unsigned char k[32];
		char h[65];
		randombytes_buf(k, sizeof k);
		sodium_bin2hex(h, sizeof h, k, sizeof k);
		db_exec(r, "INSERT OR IGNORE INTO settings (key, value) VALUES ('csrf_key', ?)",
		        "t", h);
		hex = db_setting(r, "csrf_key");
	}
	sodium_hex2bin(key, 32, hex, 64, NULL, NULL, NULL);
}

/* The token expected for this request, or NULL when there is nothing to
 * bind it to (no session and no pre-session cookie). */
static char *csrf_expected(struct req *r)
{
	const char *subject;
	if (r->user && r->session_hash_hex[0]) {
		subject = arena_printf(&r->arena, "s:%s", r->session_hash_hex);
	} else {
		const char *pre = params_get(&r->cookies, PRE_COOKIE);
		if (!token_wellformed(pre))
			return NULL;
		subject = arena_printf(&r->arena, "p:%s", pre);
	}
	unsigned char key[32], mac[crypto_auth_hmacsha256_BYTES];
	csrf_key(r, key);
	crypto_auth_hmacsha256(mac, (const unsigned char *)subject, strlen(subject), key);
	char *out = arena_alloc(&r->arena, TOKEN_B64);
	sodium_bin2base64(out, TOKEN_B64, mac, sizeof mac,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

const char *auth_csrf_token(struct req *r)
{
	char *t = csrf_expected(r);
	if (t)
		return t;
	/* A visitor not signed in: give the browser a pre-session cookie. */
	char *pre = token_new(r);
	req_cookie(r, PRE_COOKIE, pre, 0);
	params_add(&r->arena, &r->cookies, PRE_COOKIE, pre, strlen(pre));
	return csrf_expected(r);
}

/* The Origin header, when sent, must name this site: the same scheme, host
 * (nginx passes it without the port, as $host) and port (SERVER_PORT). */
static int origin_ok(struct req *r)
{
	if (!r->origin)
		return 1;               /* older clients; the token still decides */
	const char *scheme = r->https ? "https://" : "http://";
	size_t sl = strlen(scheme);
	if (!r->host || strncmp(r->origin, scheme, sl))
		return 0;
	const char *h = r->origin + sl;
	size_t hl = strcspn(h, ":/");
	if (h[hl] == '/' || (h[hl] == ':' && strspn(h + hl + 1, "0123456789") != strlen(h + hl + 1)))
		return 0;
	if (hl != strlen(r->host) || strncasecmp(h, r->host, hl))
		return 0;
	/* The port, written or implied by the scheme, is the one nginx serves. */
	const char *port = h[hl] == ':' ? h + hl + 1 : (r->https ? "443" : "80");
	return !r->server_port || !strcmp(port, r->server_port);
}

int auth_csrf_ok(struct req *r)
{
	const char *got = req_form(r, "_csrf");
	char *want = csrf_expected(r);
	if (!got || !want || !origin_ok(r))
		return 0;
	size_t n = strlen(want);
	if (strlen(got) != n)
		return 0;
	return sodium_memcmp(got, want, n) == 0;
}

static char *key_for(struct req *r, const char *kind, const char *v)
{
	char *k = arena_printf(&r->arena, "%s:%s", kind, v ? v : "");
	for (char *p = k; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return k;
}

long auth_throttle_wait(struct req *r, const char *email)
{
	long long now = (long long)time(NULL), since = now - THROTTLE_WINDOW;
	const char *ku = key_for(r, "u", email), *ka = key_for(r, "a", r->remote_addr);
	long long wait = 0;
	struct { const char *key; int limit; } checks[] = {
		{ ku, THROTTLE_PER_ACCOUNT }, { ka, THROTTLE_PER_ADDRESS },
	};
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
		long long n = db_int(r, 0,
		    "SELECT count(*) FROM login_failures WHERE key = ? AND at > ?",
		    "tI", checks[i].key, since);
		if (n < checks[i].limit)
			continue;
		/* Allowed again once the oldest counted failure leaves the window. */
		long long oldest = db_int(r, now,
		    "SELECT at FROM login_failures WHERE key = ? AND at > ?"
		    " ORDER BY at DESC LIMIT 1 OFFSET ?", "tIi", checks[i].key, since,
		    checks[i].limit - 1);
		long long w = oldest + THROTTLE_WINDOW - now;
		if (w > wait)
			wait = w;
	}
	return (long)(wait > 0 ? wait : 0);
}

void auth_login_failed(struct req *r, const char *email)
{
	long long now = (long long)time(NULL);
	db_exec(r, "INSERT INTO login_failures (key, at) VALUES (?, ?), (?, ?)", "tItI",
	        key_for(r, "u", email), now, key_for(r, "a", r->remote_addr), now);
	db_exec(r, "DELETE FROM login_failures WHERE at < ?", "I",
	        now - 2 * THROTTLE_WINDOW);
}

long auth_reset_wait(struct req *r, const char *email)
{
	long long now = (long long)time(NULL);
	long long n = db_int(r, 0, "SELECT count(*) FROM login_failures WHERE key = ? AND at > ?",
	                     "tI", key_for(r, "r", email), now - THROTTLE_WINDOW);
	return n >= THROTTLE_RESETS ? THROTTLE_WINDOW : 0;
}

void auth_reset_requested(struct req *r, const char *email)
{
	db_exec(r, "INSERT INTO login_failures (key, at) VALUES (?, ?)", "tI",
	        key_for(r, "r", email), (long long)time(NULL));
}

void auth_login_succeeded(struct req *r, const char *email)
{
	db_exec(r, "DELETE FROM login_failures WHERE key = ?", "t", key_for(r, "u", email));
	/* Take back the attempt counted for this address before the check, so
	 * that a school's many users behind one address do not lock it. */
	db_exec(r, "DELETE FROM login_failures WHERE rowid ="
	           " (SELECT max(rowid) FROM login_failures WHERE key = ?)", "t",
	        key_for(r, "a", r->remote_addr));
}

const char *auth_token_issue(struct req *r, long long user_id, const char *purpose,
                             long ttl, long long created_by)
{
	char *tok = token_new(r);
	unsigned char h[32];
	token_hash(tok, h);
	long long now = (long long)time(NULL);
	db_exec(r, "UPDATE tokens SET used_at = ? WHERE user_id = ? AND purpose = ?"
	           " AND used_at IS NULL", "IIt", now, user_id, purpose);
	db_exec(r, "INSERT INTO tokens (token_hash, user_id, purpose, created_by, expires_at)"
	           " VALUES (?, ?, ?, nullif(?, 0), ?)", "bItII", h, 32, user_id, purpose,
	        created_by, now + ttl);
	return tok;
}

long long auth_token_user(struct req *r, const char *token, const char *purpose)
{
	if (!token_wellformed(token))
		return 0;
	unsigned char h[32];
	token_hash(token, h);
	return db_int(r, 0,
	    "SELECT t.user_id FROM tokens t JOIN users u ON u.id = t.user_id"
	    " WHERE t.token_hash = ? AND t.purpose = ? AND t.used_at IS NULL"
	    "   AND t.expires_at > ? AND u.active = 1"
	    "   AND (t.purpose <> 'invite' OR u.pw_hash IS NULL)",
	    "btI", h, 32, purpose, (long long)time(NULL));
}

long long auth_token_take(struct req *r, const char *token, const char *purpose)
{
	long long uid = auth_token_user(r, token, purpose);
	if (!uid)
		return 0;
	unsigned char h[32];
	token_hash(token, h);
	if (db_exec(r, "UPDATE tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
	            "Ib", (long long)time(NULL), h, 32) != 1)
		return 0;
	return uid;
}

void auth_links_end(struct req *r, long long user_id)
{
	db_exec(r, "UPDATE tokens SET used_at = ? WHERE user_id = ? AND used_at IS NULL"
	           " AND purpose IN ('invite', 'reset')", "II", (long long)time(NULL), user_id);
}
