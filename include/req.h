/* req.h — one request: what came in, who sent it, and the reply being built.
 *
 * A worker keeps one struct req and reuses it: req_begin() fills it from the
 * FastCGI parameters, the handler writes into it, req_reply() sends it, and
 * req_end() resets it (arena, body, headers) for the next request.  Nothing
 * about a request lives in a global.
 *
 * The reply is buffered, so a handler may set the status or add headers at
 * any point before it returns.  req_reply() is the one place that adds
 * Content-Length and the security headers, error pages included.
 */
#ifndef ILNET_REQ_H
#define ILNET_REQ_H

#include <setjmp.h>
#include <stddef.h>
#include <sqlite3.h>

#include "arena.h"
#include "buf.h"
#include "decode.h"
#include "zip.h"

#define REQ_MAX_BODY   (1024 * 1024)   /* matches client_max_body_size */
#define REQ_MAX_HEADERS 16
#define REQ_MAX_IDS     4
#define REQ_MAX_SPANS   4

/* Roles, as bits so that a route can name several. */
enum role {
	ROLE_PUBLIC       = 1 << 0,   /* anyone, signed in or not */
	ROLE_ADMIN        = 1 << 1,
	ROLE_STAFF        = 1 << 2,   /* foundation staff */
	ROLE_INTERMEDIARY = 1 << 3,
	ROLE_LEADER       = 1 << 4,   /* school leader */
	ROLE_STEWARD      = 1 << 5,   /* nation data steward */
};
#define ROLE_SIGNED_IN (ROLE_ADMIN | ROLE_STAFF | ROLE_INTERMEDIARY | \
                        ROLE_LEADER | ROLE_STEWARD)

struct user {
	long long id;
	const char *email;
	const char *name;
	enum role role;
	long long org_id;           /* intermediary staff; 0 otherwise */
	long long nation_id;        /* data stewards; 0 otherwise */
};

struct header {
	const char *name;
	const char *value;
};

struct route;

struct req {
	/* Set once per worker. */
	sqlite3 *db;
	struct arena arena;
	struct buf body;

	/* The request. */
	const char *method;         /* "GET", "POST", ... */
	const char *path;           /* decoded, valid UTF-8 */
	struct params query;
	struct params form;         /* urlencoded POST body */
	struct params cookies;
	struct uploads files;       /* files from a multipart form */
	const char *raw_body;       /* the body as sent (NUL-terminated) */
	size_t raw_len;
	const char *content_type_in;
	const char *remote_addr;
	const char *host;           /* Host header, without the port */
	const char *server_port;    /* the port nginx received the request on */
	const char *origin;         /* Origin header or NULL */
	const char *user_agent;
	int https;
	char id[17];                /* request id, hex, for logs and error pages */
	char nonce[23];             /* CSP nonce for this reply */
	long long t0_us;            /* start, for the duration logged */

	/* Who is asking (NULL when not signed in). */
	struct user *user;
	long long session_id;
	char session_hash_hex[65];  /* hex SHA-256 of the session token */
	const char *csrf_subject;   /* what csrf_token was made for, once a form asked */
	const char *csrf_token;

	/* The matched route and the integer ids in its path. */
	const struct route *route;
	long long ids[REQ_MAX_IDS];
	int nids;

	/* The reply. */
	int status;
	const char *content_type;
	struct header headers[REQ_MAX_HEADERS];
	int nheaders;
	int is_head;
	/* The client accepts gzip (over HTTP/1.1, as nginx would), and the
	 * runs of the body that kept parts brought already deflated
	 * (cache_part, zip.h): the reply is then gzipped here, not by nginx
	 * (which says Vary on the plain replies it could have compressed).
	 * req_body_reset() forgets them. */
	int gzip_ok;
	struct zip_span spans[REQ_MAX_SPANS];
	int nspans;

	/* The one-time key of a form that creates a record (form_begin_create),
	 * recorded by db_commit() with what the form made. */
	const char *form_key;
	int form_key_stored;
	/* db_commit left the transaction that claimed form_key open, for
	 * db_finish() to record where its record can be seen and commit. */
	int commit_held;
	/* Set by what must never be served twice (a form's one-time key, a
	 * use of a nation's schools): cache_part() keeps no output made while
	 * it is set. */
	int uncacheable;

	/* Tables written so far (table_begin numbers their captions), and the
	 * ids the form helpers gave out on this page (layout.c keeps them
	 * unique). */
	int tables;
	struct page_id *page_ids;

	/* The fatal path: req_fail() jumps here. */
	jmp_buf *fail_jmp;
	const char *fail_msg;
};

/* Prepare a struct req for its first use. */
void req_init(struct req *r, sqlite3 *db);

/* Fill r from FastCGI parameters (envp, NULL-terminated "NAME=value") and
 * the body.  Returns 0, or the HTTP status to answer with (400, 413) after
 * setting r->fail_msg. */
int req_begin(struct req *r, char **envp, const char *body, size_t body_len);

/* Reset r for the next request. */
void req_end(struct req *r);

/* A parameter from the form (POST) or, failing that, the query. */
const char *req_param(struct req *r, const char *name);
/* Only the query / only the form. */
const char *req_query(struct req *r, const char *name);
const char *req_form(struct req *r, const char *name);

/* Add a reply header (name and value copied). */
void req_header(struct req *r, const char *name, const char *value);

/* Empty the reply's body (an error page replaces what was written). */
void req_body_reset(struct req *r);

/* Answer with a redirect (303 See Other) to a local path. */
void req_redirect(struct req *r, const char *path);

/* Set a cookie: HttpOnly, SameSite=Lax, Path=/, Secure over HTTPS.
 * max_age < 0 deletes it; 0 makes a browser-session cookie. */
void req_cookie(struct req *r, const char *name, const char *value, long max_age);

/* Abandon the request: jump back to the dispatcher, which rolls back any
 * open transaction and renders an error page with the given status.  The
 * message is for the log, never shown to the user for a 500. */
_Noreturn void req_fail(struct req *r, int status, const char *msg);

/* Serialize the reply (status line, headers, security headers,
 * Content-Length, body) into out, which the caller writes to the client. */
void req_reply(struct req *r, struct buf *out);

/* Microseconds since the epoch. */
long long now_us(void);

#endif
