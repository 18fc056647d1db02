/* app.c — the dispatcher (see include/app.h). */
#include "app.h"
#include "auth.h"
#include "db.h"
#include "html.h"
#include "layout.h"
#include "req.h"
#include "route.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* An error as the route wants it: a page, or JSON for API routes. */
static void render_error(struct req *r, int status, const char *msg)
{
	if (r->route && (r->route->flags & RF_JSON)) {
		req_body_reset(r);
		r->status = status;
		r->content_type = "application/json";
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "error", msg);
		cJSON_AddStringToObject(o, "request_id", r->id);
		char *s = cJSON_PrintUnformatted(o);
		buf_puts(&r->body, s);
		cJSON_free(s);
		cJSON_Delete(o);
		return;
	}
	page_error(r, status, msg);
}

static const char *public_message(int status, const char *detail)
{
	switch (status) {
	case 400: return "The address or the form sent contained something ilnet cannot read"
	                 " (for example text that is not UTF-8, or a broken % escape).";
	case 403:
		if (detail && !strcmp(detail, "CSRF check failed"))
			return "This form had expired or came from another site, so nothing was saved."
			       " Go back, reload the page and try again.";
		return "You do not have access to this page.";
	case 404: return "There is no page at this address.";
	case 405: return "This page does not accept that kind of request.";
	case 413: return "What you sent is larger than ilnet accepts (1 MiB).";
	case 503: return "ilnet cannot save anything just now (it is too busy, or out of room), so nothing"
	                 " was saved. Wait a moment and try again.";
	}
	return "ilnet could not finish this request. Nothing was saved.";
}

/* A POST carrying a one-time key (form_begin_create) that was already
 * used: answer as the first time did, where the record it made can be
 * seen, and make nothing.  Returns 1 when it answered. */
static int form_replayed(struct req *r)
{
	const char *key = strcmp(r->method, "POST") || !r->user ? NULL : req_form(r, "_key");
	if (!key)
		return 0;
	size_t n = strlen(key);
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdef", key[i]))
			n = 0;
	if (n != 32)
		req_fail(r, 400, "bad form key");
	const char *to = db_form_key_seen(r, key);
	if (!to) {
		r->form_key = key;
		return 0;
	}
	req_redirect(r, to);
	return 1;
}

static void dispatch(struct req *r)
{
	char allow[64];
	const struct route *rt = NULL;
	enum route_result res = route_find(app_routes, app_nroutes, r->method, r->path,
	                                   &rt, r->ids, &r->nids, allow, sizeof allow);
	if (res == ROUTE_BAD_METHOD) {
		req_header(r, "Allow", allow);
		req_fail(r, 405, "method not allowed");
	}
	if (res == ROUTE_NOT_FOUND)
		req_fail(r, 404, "no route");
	r->route = rt;
	if (!rt->roles)
		req_fail(r, 500, "route declares no roles");

	auth_load_session(r);

	if (!(rt->roles & ROLE_PUBLIC)) {
		if (!r->user) {
			if (rt->flags & RF_JSON)
				req_fail(r, 401, "sign in first");
			char *next = arena_printf(&r->arena, "/login?next=%s", url_enc(r, r->path));
			req_redirect(r, next);
			return;
		}
		if (!(rt->roles & r->user->role))
			req_fail(r, 403, "role not allowed");
	}

	if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD") && !auth_csrf_ok(r))
		req_fail(r, 403, "CSRF check failed");

	if (form_replayed(r))
		return;
	/* Whatever the method: a form's checks read before its transaction
	 * as a page does, in one snapshot (which ends itself at the first
	 * write, db_begin included). */
	db_reads_begin(r);
	rt->handler(r);
	db_reads_end(r);
	/* A copy sent at the same moment as the first may have been refused
	 * because the first's record now exists ("already in ilnet"): it
	 * answers as the first did instead. */
	if (r->form_key && !r->form_key_stored && r->status >= 400) {
		char *to = db_form_key_seen(r, r->form_key);
		if (to) {
			req_body_reset(r);
			r->nheaders = 0;
			req_redirect(r, to);
			return;
		}
	}
	/* Where the form's record can be seen, for a later replay: written in
	 * the transaction that made the record (db_commit held it open). */
	const char *location = NULL;
	for (int i = 0; r->status == 303 && i < r->nheaders; i++)
		if (!strcmp(r->headers[i].name, "Location"))
			location = r->headers[i].value;
	db_finish(r, location);
}

/* After req_fail(): undo, then say what happened. */
static void fail_path(struct req *r)
{
	db_request_done(r->db);
	r->commit_held = 0;             /* rolled back with the rest */
	db_sync(r->db);                 /* what it committed before it failed */
	if (r->status == 303)           /* unwound on purpose, with somewhere to go */
		return;
	volatile int status = r->status >= 400 ? r->status : 500;
	/* Keep Allow (405) but drop any other header set before the failure. */
	int keep = 0;
	for (int i = 0; i < r->nheaders; i++)
		if (!strcmp(r->headers[i].name, "Allow"))
			r->headers[keep++] = r->headers[i];
	r->nheaders = keep;
	if (status == 503)
		req_header(r, "Retry-After", "2");
	jmp_buf jb;
	r->fail_jmp = &jb;
	if (setjmp(jb)) {
		/* The error page itself failed: answer plainly. */
		req_body_reset(r);
		r->content_type = "text/plain; charset=utf-8";
		buf_puts(&r->body, "ilnet could not finish this request.\n");
		status = 500;
	} else {
		render_error(r, status, public_message(status, r->fail_msg));
	}
	r->status = status;
	r->fail_jmp = NULL;
	db_request_done(r->db);
}

void app_handle(struct req *r, int decode_status)
{
	jmp_buf jb;
	r->fail_jmp = &jb;
	if (setjmp(jb)) {
		fail_path(r);
		return;
	}
	if (decode_status)
		req_fail(r, decode_status, r->fail_msg);
	dispatch(r);
	/* A write made outside db_begin/db_commit is on disk before the
	 * reply says anything about it. */
	int rc = db_sync(r->db);
	if (rc != SQLITE_OK)
		req_fail(r, db_error_status(rc), arena_printf(&r->arena, "sync: %s", sqlite3_errstr(rc)));
	r->fail_jmp = NULL;
	db_request_done(r->db);
}

void app_log(struct req *r)
{
	char when[32];
	time_t t = (time_t)(r->t0_us / 1000000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	long long dur = now_us() - r->t0_us;
	/* The path is the client's text: keep the log line one line. */
	char path[256];
	size_t j = 0;
	for (const char *p = r->path ? r->path : "-"; *p && j < sizeof path - 4; p++)
		path[j++] = (*p < 0x20 || *p == '"' || *p == 0x7f) ? '?' : *p;
	path[j] = '\0';
	fprintf(stderr, "time=%s id=%s user=%lld method=%s path=\"%s\" route=\"%s\""
	        " status=%d dur_us=%lld%s%s\n",
	        when, r->id, r->user ? r->user->id : 0LL, r->method ? r->method : "-",
	        path, r->route ? r->route->pattern : "-", r->status, dur,
	        r->status >= 400 && r->fail_msg ? " error=" : "",
	        r->status >= 400 && r->fail_msg ? r->fail_msg : "");
}
