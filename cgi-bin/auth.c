/* auth.c — passwords, sessions, CSRF, throttling (see include/auth.h). */
#include "auth.h"
#include "db.h"
#include "layout.h"
#include "req.h"

#include <arpa/inet.h>
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
	/* Touch at most once a minute: a read stays a read, and one that
	 * cannot be written (a full disk) is skipped, never failing the page. */
	if (now - seen >= 60) {
		db_relaxed(r, 1);
		db_exec_soft(r, "UPDATE sessions SET last_seen = ? WHERE id = ?", "II",
		        (long long)now, sid);
		db_relaxed(r, 0);
	}
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

void auth_setting_key(struct req *r, const char *name, unsigned char key[32])
{
	char *hex = db_setting(r, name);
	if (!hex || strlen(hex) != 64) {
		unsigned char k[32];
		char h[65];
		randombytes_buf(k, sizeof k);
		sodium_bin2hex(h, sizeof h, k, sizeof k);
		/* Two workers at once: the first key stored is everyone's. */
		db_exec(r, "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)", "tt", name, h);
		hex = db_setting(r, name);
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
	/* Every form of a page asks: made once per subject and request. */
	if (r->csrf_subject && !strcmp(r->csrf_subject, subject))
		return arena_strdup(&r->arena, r->csrf_token);
	unsigned char key[32], mac[crypto_auth_hmacsha256_BYTES];
	auth_setting_key(r, "csrf_key", key);
	crypto_auth_hmacsha256(mac, (const unsigned char *)subject, strlen(subject), key);
	char *out = arena_alloc(&r->arena, TOKEN_B64);
	sodium_bin2base64(out, TOKEN_B64, mac, sizeof mac,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	r->csrf_subject = subject;
	r->csrf_token = arena_strdup(&r->arena, out);
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

/* ---- sign-in throttling (see include/auth.h) ------------------------- */

long auth_signin_delay(long fails, long free_fails)
{
	if (fails < free_fails)
		return 0;
	long d = SIGNIN_DELAY_BASE;
	for (long i = free_fails; i < fails && d < SIGNIN_DELAY_MAX; i++)
		d *= 2;
	return d < SIGNIN_DELAY_MAX ? d : SIGNIN_DELAY_MAX;
}

long auth_signin_wait(long fails, long long last_at, long long now, long free_fails)
{
	if (fails <= 0 || now - last_at >= SIGNIN_FORGET)
		return 0;
	long long w = last_at + auth_signin_delay(fails, free_fails) - now;
	return w > 0 ? (long)w : 0;
}

void auth_addr_key(const char *addr, char *out, size_t outlen)
{
	struct in6_addr a6;
	if (addr && strchr(addr, ':') && inet_pton(AF_INET6, addr, &a6) == 1) {
		if (IN6_IS_ADDR_V4MAPPED(&a6)) {
			if (inet_ntop(AF_INET, &a6.s6_addr[12], out, (socklen_t)outlen))
				return;
		} else {
			memset(&a6.s6_addr[8], 0, 8);
			if (inet_ntop(AF_INET6, &a6, out, (socklen_t)outlen)) {
				size_t n = strlen(out);
				if (n + 4 < outlen)
					memcpy(out + n, "/64", 4);
				return;
			}
		}
	}
	snprintf(out, outlen, "%s", addr ? addr : "");
}

/* The email as counted: lower-cased (ASCII, like SQLite's lower()). */
static char *email_key(struct req *r, const char *email)
{
	char *k = arena_strdup(&r->arena, email ? email : "");
	for (char *p = k; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return k;
}

/* This browser's known device for the account with this email (0 when
 * none), with its failure count. */
static long long device_for(struct req *r, const char *email, long *fails, long long *last)
{
	const char *tok = params_get(&r->cookies, DEVICE_COOKIE);
	if (!token_wellformed(tok))
		return 0;
	unsigned char h[32];
	token_hash(tok, h);
	sqlite3_stmt *st = db_q(r,
	    "SELECT d.id, d.fails, d.last_fail_at FROM known_devices d JOIN users u ON u.id = d.user_id"
	    " WHERE d.token_hash = ? AND u.email = ? AND u.active = 1 AND d.last_used > ?",
	    "btI", h, 32, email, (long long)time(NULL) - DEVICE_TTL);
	long long id = 0;
	if (db_step(r, st)) {
		id = db_col_int(st, 0);
		*fails = (long)db_col_int(st, 1);
		*last = db_col_int(st, 2);
		sqlite3_reset(st);
	}
	return id;
}

/* A pair's or an address's count: the wait it imposes, and its last_at. */
static long count_wait(struct req *r, const char *email, const char *addr, long free_fails,
                       long long now, long long *last)
{
	sqlite3_stmt *st = db_q(r, "SELECT fails, last_at FROM signin_failures"
	                           " WHERE email = ? AND addr = ?", "tt", email, addr);
	long fails = 0;
	*last = 0;
	if (db_step(r, st)) {
		fails = (long)db_col_int(st, 0);
		*last = db_col_int(st, 1);
		sqlite3_reset(st);
	}
	return auth_signin_wait(fails, *last, now, free_fails);
}

static void count_add(struct req *r, const char *email, const char *addr, long long now)
{
	db_exec(r, "INSERT INTO signin_failures (email, addr, fails, last_at) VALUES (?, ?, 1, ?)"
	           " ON CONFLICT (email, addr) DO UPDATE SET"
	           "   fails = CASE WHEN excluded.last_at - last_at >= ? THEN 1 ELSE fails + 1 END,"
	           "   last_at = excluded.last_at",
	        "ttII", email, addr, now, (long long)SIGNIN_FORGET);
}

/* Take one counted check back; last_at goes back to what it was unless a
 * later failure has been counted since. */
static void count_take_back(struct req *r, const char *email, const char *addr,
                            long long at, long long prev)
{
	db_exec(r, "UPDATE signin_failures SET fails = max(fails - 1, 0),"
	           " last_at = CASE WHEN last_at = ? THEN ? ELSE last_at END"
	           " WHERE email = ? AND addr = ?", "IItt", at, prev, email, addr);
}

long auth_signin_begin(struct req *r, const char *email, struct signin *s)
{
	char addr[INET6_ADDRSTRLEN + 8];
	auth_addr_key(r->remote_addr, addr, sizeof addr);
	memset(s, 0, sizeof *s);
	s->email = email_key(r, email);
	s->addr = arena_strdup(&r->arena, addr);
	s->at = (long long)time(NULL);
	long wait;
	db_begin(r);
	long fails = 0;
	s->device = device_for(r, email, &fails, &s->prev_device);
	if (s->device) {
		wait = auth_signin_wait(fails, s->prev_device, s->at, SIGNIN_FREE_DEVICE);
		if (!wait)
			db_exec(r, "UPDATE known_devices SET"
			           " fails = CASE WHEN ? - last_fail_at >= ? THEN 1 ELSE fails + 1 END,"
			           " last_fail_at = ? WHERE id = ?", "IIII",
			        s->at, (long long)SIGNIN_FORGET, s->at, s->device);
	} else {
		long wp = count_wait(r, s->email, s->addr, SIGNIN_FREE_PAIR, s->at, &s->prev_pair);
		long wa = count_wait(r, "", s->addr, SIGNIN_FREE_ADDR, s->at, &s->prev_addr);
		wait = wp > wa ? wp : wa;
		if (!wait) {
			count_add(r, s->email, s->addr, s->at);
			count_add(r, "", s->addr, s->at);
			db_exec(r, "DELETE FROM signin_failures WHERE last_at < ?", "I",
			        s->at - SIGNIN_FORGET);
		}
	}
	db_commit(r);
	return wait;
}

void auth_signin_undo(struct req *r, const struct signin *s)
{
	if (s->device) {
		db_exec(r, "UPDATE known_devices SET fails = max(fails - 1, 0),"
		           " last_fail_at = CASE WHEN last_fail_at = ? THEN ? ELSE last_fail_at END"
		           " WHERE id = ?", "III", s->at, s->prev_device, s->device);
	} else if (s->email) {
		count_take_back(r, s->email, s->addr, s->at, s->prev_pair);
		count_take_back(r, "", s->addr, s->at, s->prev_addr);
	}
}

static int reply_sets_cookie(struct req *r, const char *name)
{
	size_t n = strlen(name);
	for (int i = 0; i < r->nheaders; i++)
		if (!strcmp(r->headers[i].name, "Set-Cookie") &&
		    !strncmp(r->headers[i].value, name, n) && r->headers[i].value[n] == '=')
			return 1;
	return 0;
}

/* Make this browser a known device of user_id (or keep it one): its
 * failures cleared, its cookie renewed.  Old and surplus devices go. */
static void device_remember(struct req *r, long long user_id)
{
	if (reply_sets_cookie(r, DEVICE_COOKIE))
		return;
	long long now = (long long)time(NULL);
	const char *tok = params_get(&r->cookies, DEVICE_COOKIE);
	unsigned char h[32];
	int known = 0;
	if (token_wellformed(tok)) {
		token_hash(tok, h);
		known = db_exec(r, "UPDATE known_devices SET last_used = ?, fails = 0, last_fail_at = 0"
		                   " WHERE token_hash = ? AND user_id = ? AND last_used > ?", "IbII",
		                now, h, 32, user_id, now - DEVICE_TTL) == 1;
	}
	if (!known) {
		tok = token_new(r);
		token_hash(tok, h);
		db_exec(r, "INSERT INTO known_devices (token_hash, user_id, created_at, last_used)"
		           " VALUES (?, ?, ?, ?)", "bIII", h, 32, user_id, now, now);
	}
	db_exec(r, "DELETE FROM known_devices WHERE user_id = ? AND (last_used <= ? OR id NOT IN"
	           " (SELECT id FROM known_devices WHERE user_id = ?"
	           "   ORDER BY last_used DESC, id DESC LIMIT ?))", "IIIi",
	        user_id, now - DEVICE_TTL, user_id, DEVICE_MAX);
	req_cookie(r, DEVICE_COOKIE, tok, DEVICE_TTL);
}

void auth_signin_ok(struct req *r, const struct signin *s, long long user_id)
{
	auth_signin_undo(r, s);
	if (!s->device)
		db_exec(r, "DELETE FROM signin_failures WHERE email = ? AND addr = ?", "tt",
		        s->email, s->addr);
	device_remember(r, user_id);
}

void auth_password_changed(struct req *r, long long user_id)
{
	auth_links_end(r, user_id);
	db_exec(r, "DELETE FROM signin_failures WHERE email ="
	           " (SELECT lower(email) FROM users WHERE id = ?)", "I", user_id);
	/* Keep this browser's device, if it is one of the account's. */
	const char *tok = params_get(&r->cookies, DEVICE_COOKIE);
	unsigned char h[32];
	memset(h, 0, sizeof h);
	if (token_wellformed(tok))
		token_hash(tok, h);
	db_exec(r, "DELETE FROM known_devices WHERE user_id = ? AND token_hash <> ?", "Ib",
	        user_id, h, 32);
	device_remember(r, user_id);
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
	long long now = (long long)time(NULL);
	db_exec(r, "INSERT INTO login_failures (key, at) VALUES (?, ?)", "tI",
	        key_for(r, "r", email), now);
	db_exec(r, "DELETE FROM login_failures WHERE at < ?", "I", now - 2 * THROTTLE_WINDOW);
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

const char *auth_feed_issue(struct req *r, long long user_id)
{
	char *tok = token_new(r);
	unsigned char h[32];
	token_hash(tok, h);
	db_exec(r, "INSERT INTO calendar_feeds (user_id, token_hash) VALUES (?, ?)"
	           " ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = unixepoch()",
	        "Ib", user_id, h, 32);
	return tok;
}

struct user *auth_feed_user(struct req *r, const char *token)
{
	if (!token_wellformed(token))
		return NULL;
	unsigned char h[32];
	token_hash(token, h);
	sqlite3_stmt *st = db_q(r, "SELECT u.id, u.email, u.name, u.role, coalesce(u.org_id, 0), coalesce(u.nation_id, 0)"
	                           "  FROM calendar_feeds f JOIN users u ON u.id = f.user_id"
	                           " WHERE f.token_hash = ? AND u.active = 1", "b", h, 32);
	if (!db_step(r, st))
		return NULL;
	struct user *u = arena_zalloc(&r->arena, sizeof *u);
	u->id = db_col_int(st, 0);
	u->email = db_col_text(r, st, 1);
	u->name = db_col_text(r, st, 2);
	u->role = (enum role)role_from_name(db_col_view(st, 3));
	u->org_id = db_col_int(st, 4);
	u->nation_id = db_col_int(st, 5);
	sqlite3_reset(st);
	return u->role ? u : NULL;
}
