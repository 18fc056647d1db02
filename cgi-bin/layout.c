/* layout.c — page shell, navigation by role, forms (see include/layout.h). */
#include "layout.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "html.h"
#include "req.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The hash of www/static at build time (Makefile): static addresses carry
 * it, so nginx lets browsers keep them for a year. */
#ifndef ILNET_STATIC_VERSION
#define ILNET_STATIC_VERSION "0"
#endif

static const struct {
	const char *href, *label;
	unsigned roles;
} nav[] = {
	{ "/", "Home", ROLE_SIGNED_IN },
	{ "/admin/people", "People", ROLE_ADMIN | ROLE_STAFF },
	{ "/admin/schools", "Schools", ROLE_ADMIN | ROLE_STAFF },
	{ "/admin/orgs", "Organizations", ROLE_ADMIN | ROLE_STAFF },
	{ "/scans", "Scans", ROLE_ADMIN | ROLE_STAFF },
	{ "/grants", "Grants", ROLE_ADMIN | ROLE_STAFF | ROLE_INTERMEDIARY },
	{ "/visits", "Visits", ROLE_ADMIN | ROLE_STAFF | ROLE_INTERMEDIARY },
	{ "/portfolio", "Portfolio", ROLE_ADMIN | ROLE_STAFF },
	{ "/my/schools", "My schools", ROLE_LEADER | ROLE_INTERMEDIARY },
	{ "/cohorts", "Cohorts", ROLE_ADMIN | ROLE_STAFF | ROLE_LEADER | ROLE_INTERMEDIARY },
	{ "/connect", "Connect", ROLE_SIGNED_IN },
	{ "/convening", "Convening", ROLE_ADMIN | ROLE_STAFF | ROLE_INTERMEDIARY | ROLE_LEADER },
	{ "/map", "Map", ROLE_SIGNED_IN },
	{ "/scan", "Regional scan", ROLE_LEADER },
	{ "/steward", "Data sharing", ROLE_STEWARD },
	{ "/admin/outbox", "Mail", ROLE_ADMIN },
	{ "/account", "Account", ROLE_SIGNED_IN },
};

static const struct { unsigned role; const char *name, *label; } roles[] = {
	{ ROLE_ADMIN, "admin", "Administrator" },
	{ ROLE_STAFF, "staff", "Foundation staff" },
	{ ROLE_INTERMEDIARY, "intermediary", "Intermediary staff" },
	{ ROLE_LEADER, "leader", "School leader" },
	{ ROLE_STEWARD, "steward", "Nation data steward" },
};

const char *role_label(unsigned role)
{
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (roles[i].role == role)
			return roles[i].label;
	return "Visitor";
}

const char *role_name(unsigned role)
{
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (roles[i].role == role)
			return roles[i].name;
	return "";
}

unsigned role_from_name(const char *name)
{
	for (size_t i = 0; name && i < sizeof roles / sizeof roles[0]; i++)
		if (!strcmp(roles[i].name, name))
			return roles[i].role;
	return 0;
}

static int nav_current(struct req *r, const char *href)
{
	if (!strcmp(href, "/"))
		return !strcmp(r->path, "/");
	size_t n = strlen(href);
	return !strncmp(r->path, href, n) && (r->path[n] == '\0' || r->path[n] == '/');
}

void page_begin(struct req *r, const char *title)
{
	html(r, "<!doctype html>\n<html lang=\"en\">\n<head>\n"
	        "<meta charset=\"utf-8\">\n"
	        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	        "<title>%s · ilnet</title>\n"
	        "<link rel=\"stylesheet\" href=\"/static/ilnet.css?v=%s\">\n"
	        "<link rel=\"icon\" href=\"/static/icon.svg?v=%s\" type=\"image/svg+xml\">\n"
	        "<script src=\"/static/ilnet.js?v=%s\" defer nonce=\"%s\"></script>\n"
	        "</head>\n<body>\n"
	        "<a class=\"skip\" href=\"#main\">Skip to main content</a>\n"
	        "<header class=\"banner\">\n"
	        "<a class=\"brand\" href=\"/\">ilnet<span> · individualized learning network</span></a>\n",
	     title, ILNET_STATIC_VERSION, ILNET_STATIC_VERSION, ILNET_STATIC_VERSION, r->nonce);
	if (r->user) {
		html(r, "<nav aria-label=\"Main\"><ul>\n");
		for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++) {
			if (!(nav[i].roles & r->user->role))
				continue;
			int cur = nav_current(r, nav[i].href);
			html(r, "<li><a href=\"%s\"", nav[i].href);
			if (cur)
				html_raw(r, " aria-current=\"page\"");
			html(r, ">%s</a></li>\n", nav[i].label);
		}
		html(r, "</ul></nav>\n<div class=\"who\">%s <span>(%s)</span>\n",
		     r->user->name, role_label(r->user->role));
		form_begin(r, "/logout");
		html(r, "<button type=\"submit\" class=\"link\">Sign out</button>\n");
		form_end(r);
		html(r, "</div>\n");
	}
	html(r, "</header>\n<main id=\"main\" tabindex=\"-1\">\n<h1>%s</h1>\n", title);
}

void page_end(struct req *r)
{
	html(r, "</main>\n<footer class=\"site\"><p>ilnet — Inspire · Equip · Connect."
	        " Request %s.</p></footer>\n</body>\n</html>\n", r->id);
}

/* What a form sent, shown read-only so the person can copy it when it
 * could not be stored (the form itself may be gone): every field but
 * tokens, passwords and bookkeeping. */
static void sent_input(struct req *r)
{
	int shown = 0;
	for (int i = 0; i < r->form.n; i++) {
		const char *name = r->form.v[i].name, *value = r->form.v[i].value;
		if (!*value || name[0] == '_' || strstr(name, "password") || strstr(name, "confirm") ||
		    !strcmp(name, "revision") || !strcmp(name, "action") || !strcmp(name, "go") ||
		    !strcmp(name, "section") || !strcmp(name, "key"))
			continue;
		if (!shown++)
			html(r, "<h2>What you sent</h2>\n<p>Copy what you need before you leave this page.</p>\n");
		html(r, "<div class=\"field\"><label for=\"sent-%d\">%s</label>\n"
		        "<textarea id=\"sent-%d\" readonly rows=\"%d\">%s</textarea></div>\n",
		     i, name, i, strlen(value) > 80 ? 4 : 1, value);
	}
}

void page_error(struct req *r, int status, const char *msg)
{
	req_body_reset(r);
	r->status = status;
	r->content_type = "text/html; charset=utf-8";
	const char *title;
	switch (status) {
	case 400: title = "The request could not be read"; break;
	case 403: title = "Not allowed"; break;
	case 404: title = "Page not found"; break;
	case 405: title = "Method not allowed"; break;
	case 413: title = "Too much data sent"; break;
	case 429: title = "Too many attempts"; break;
	case 503: title = "Busy — try again"; break;
	default: title = "Something went wrong"; break;
	}
	page_begin(r, title);
	html(r, "<p>%s</p>\n", msg);
	if (status == 503)
		sent_input(r);
	html(r, "<p>If you write to us about this, mention request <code>%s</code>.</p>\n"
	        "<p><a href=\"/\">Go to the home page</a></p>\n", r->id);
	page_end(r);
}

void form_begin(struct req *r, const char *action)
{
	html(r, "<form method=\"post\" action=\"%s\">\n"
	        "<input type=\"hidden\" name=\"_csrf\" value=\"%s\">\n",
	     action, auth_csrf_token(r));
}

void form_begin_create(struct req *r, const char *action)
{
	unsigned char k[16];
	char hex[33];
	randombytes_buf(k, sizeof k);
	sodium_bin2hex(hex, sizeof hex, k, sizeof k);
	r->uncacheable = 1;
	form_begin(r, action);
	html(r, "<input type=\"hidden\" name=\"_key\" value=\"%s\">\n", hex);
}

void form_begin_upload(struct req *r, const char *action)
{
	html(r, "<form method=\"post\" action=\"%s\" enctype=\"multipart/form-data\">\n"
	        "<input type=\"hidden\" name=\"_csrf\" value=\"%s\">\n",
	     action, auth_csrf_token(r));
}

void form_end(struct req *r)
{
	html(r, "</form>\n");
}

void form_error(struct form_errors *e, const char *field, const char *msg)
{
	form_error_about(e, field, NULL, msg);
}

void form_error_about(struct form_errors *e, const char *field, const char *about, const char *msg)
{
	if (e->n < FORM_MAX_ERRORS) {
		e->v[e->n].field = field;
		e->v[e->n].msg = msg;
		e->v[e->n].about = about;
		e->n++;
	}
}

const char *form_error_for(const struct form_errors *e, const char *field)
{
	for (int i = 0; e && i < e->n; i++)
		if (e->v[i].field && !strcmp(e->v[i].field, field))
			return e->v[i].msg;
	return NULL;
}

/* ---- ids ------------------------------------------------------------------------
 * Two forms on one page may have fields of the same name (a filter and a
 * form that creates a record, or two forms for two records), so ids are
 * given out here and never twice on a page: the first "role" is f-role, the
 * next f-role-2.  A field's hint and error take the same key (h-role-2,
 * e-role-2).  The error summary, written above the forms, claims the keys of
 * the fields in error for its own form (its struct form_errors), so that its
 * links land on the fields of the form that was sent, wherever that form
 * stands on the page. */
struct page_id {
	const char *key;            /* "role", "role-2" */
	const char *name;           /* the field's name */
	const void *owner;          /* the form_errors that claimed it, or NULL */
	int placed;                 /* a field carries it */
	struct page_id *next;
};

static struct page_id *id_find(struct req *r, const char *key)
{
	for (struct page_id *p = r->page_ids; p; p = p->next)
		if (!strcmp(p->key, key))
			return p;
	return NULL;
}

/* A key not yet given out on this page, derived from name. */
static struct page_id *id_new(struct req *r, const char *prefix, const char *name, const void *owner)
{
	const char *key = arena_printf(&r->arena, "%s%s", prefix, name);
	for (int n = 2; id_find(r, key); n++)
		key = arena_printf(&r->arena, "%s%s-%d", prefix, name, n);
	struct page_id *p = arena_alloc(&r->arena, sizeof *p);
	p->key = key;
	p->name = name;
	p->owner = owner;
	p->placed = 0;
	p->next = r->page_ids;
	r->page_ids = p;
	return p;
}

/* The key of the field name in the form whose errors are e. */
static const char *field_key(struct req *r, const struct form_errors *e, const char *name)
{
	for (struct page_id *p = r->page_ids; e && p; p = p->next)
		if (p->owner == e && !p->placed && !strcmp(p->name, name)) {
			p->placed = 1;
			return p->key;
		}
	struct page_id *p = id_new(r, "", name, NULL);
	p->placed = 1;
	return p->key;
}

void form_error_summary(struct req *r, const struct form_errors *e)
{
	if (!e || !e->n)
		return;
	html(r, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" id=\"errors\">\n"
	        "<h2>There %s</h2>\n<ul>\n",
	     e->n == 1 ? "is a problem" : "are problems");
	for (int i = 0; i < e->n; i++) {
		if (e->v[i].field) {
			/* Fields this summary links to keep one key, claimed once. */
			struct page_id *p = NULL;
			for (struct page_id *q = r->page_ids; q && !p; q = q->next)
				if (q->owner == e && !strcmp(q->name, e->v[i].field))
					p = q;
			if (!p)
				p = id_new(r, "", e->v[i].field, e);
			if (e->v[i].about)
				html(r, "<li><a href=\"#f-%s\">%s: %s</a></li>\n", p->key, e->v[i].about, e->v[i].msg);
			else
				html(r, "<li><a href=\"#f-%s\">%s</a></li>\n", p->key, e->v[i].msg);
		} else {
			html(r, "<li>%s</li>\n", e->v[i].msg);
		}
	}
	html(r, "</ul>\n</div>\n");
}

/* Label, hint and error for a field; sets *key to the field's id key and
 * returns the aria-describedby value. */
static const char *field_head(struct req *r, const struct form_errors *e,
                              const char *name, const char *label, const char *hint, const char **key)
{
	const char *err = form_error_for(e, name);
	const char *k = *key = field_key(r, e, name);
	html(r, "<div class=\"field%s\">\n<label for=\"f-%s\">%s</label>\n",
	     err ? " has-error" : "", k, label);
	if (hint)
		html(r, "<p class=\"hint\" id=\"h-%s\">%s</p>\n", k, hint);
	if (err)
		html(r, "<p class=\"error\" id=\"e-%s\"><span class=\"visually-hidden\">Error:</span> %s</p>\n",
		     k, err);
	const char *desc = "";
	if (hint && err)
		desc = html_fmt(r, " aria-describedby=\"h-%s e-%s\" aria-invalid=\"true\"", k, k);
	else if (hint)
		desc = html_fmt(r, " aria-describedby=\"h-%s\"", k);
	else if (err)
		desc = html_fmt(r, " aria-describedby=\"e-%s\" aria-invalid=\"true\"", k);
	return desc;
}

void form_input(struct req *r, const struct form_errors *e, const char *name,
                const char *label, const char *type, const char *value,
                const char *autocomplete, const char *hint, int required, int maxlength)
{
	const char *key;
	const char *desc = field_head(r, e, name, label, hint, &key);
	html(r, "<input id=\"f-%s\" name=\"%s\" type=\"%s\"", key, name, type);
	if (value && strcmp(type, "password"))
		html(r, " value=\"%s\"", value);
	if (autocomplete)
		html(r, " autocomplete=\"%s\"", autocomplete);
	if (required)
		html(r, " required");
	if (maxlength > 0)
		html(r, " maxlength=\"%d\"", maxlength);
	html_raw(r, desc);
	html(r, ">\n</div>\n");
}

void form_select(struct req *r, const struct form_errors *e, const char *name,
                 const char *label, const char *const *options,
                 const char *selected, const char *hint)
{
	const char *key;
	const char *desc = field_head(r, e, name, label, hint, &key);
	int n = 0;
	while (options[2 * n])
		n++;
	html(r, "<select id=\"f-%s\" name=\"%s\"", key, name);
	html_raw(r, desc);
	/* A long list gains a box that narrows it as one types (ilnet.js). */
	if (n > 20)
		html(r, " data-narrow");
	html(r, ">\n");
	for (int i = 0; options[i]; i += 2)
		html(r, "<option value=\"%s\"%s>%s</option>\n", options[i],
		     selected && !strcmp(selected, options[i]) ? " selected" : "",
		     options[i + 1]);
	html(r, "</select>\n</div>\n");
}

void filter_begin(struct req *r, const char *action)
{
	html(r, "<form method=\"get\" action=\"%s\" class=\"filters\" role=\"search\">\n", action);
}

void filter_search(struct req *r, const char *name, const char *label, const char *value)
{
	const char *key = id_new(r, "q-", name, NULL)->key;
	html(r, "<div class=\"field\"><label for=\"%s\">%s</label>"
	        "<input id=\"%s\" name=\"%s\" type=\"search\" value=\"%s\" maxlength=\"%d\"></div>\n",
	     key, label, key, name, value ? value : "", FILTER_SEARCH_MAX);
}

void filter_select(struct req *r, const char *name, const char *label, const char *any,
                   const char *const *options, const char *selected)
{
	const char *key = id_new(r, "q-", name, NULL)->key;
	html(r, "<div class=\"field\"><label for=\"%s\">%s</label>"
	        "<select id=\"%s\" name=\"%s\"><option value=\"\">%s</option>\n",
	     key, label, key, name, any);
	for (int i = 0; options[i]; i += 2)
		html(r, "<option value=\"%s\"%s>%s</option>\n", options[i],
		     selected && !strcmp(selected, options[i]) ? " selected" : "", options[i + 1]);
	html(r, "</select></div>\n");
}

void filter_end(struct req *r)
{
	html(r, "<button type=\"submit\">Filter</button>\n</form>\n");
}

const char **form_options(struct req *r, sqlite3_stmt *st, const char *first)
{
	size_t cap = 32, n = 0;
	const char **v = arena_alloc(&r->arena, sizeof *v * cap);
	if (first) {
		v[n++] = "";
		v[n++] = first;
	}
	while (db_step(r, st)) {
		if (n + 3 > cap) {
			const char **more = arena_alloc(&r->arena, sizeof *more * cap * 2);
			memcpy(more, v, sizeof *v * n);
			v = more;
			cap *= 2;
		}
		v[n++] = db_col_text(r, st, 0);
		v[n++] = db_col_text(r, st, 1);
	}
	v[n] = NULL;
	return v;
}

void table_begin(struct req *r, const char *cls, const char *caption)
{
	int n = ++r->tables;
	html(r, "<div class=\"scroll\" role=\"region\" aria-labelledby=\"cap-%d\" tabindex=\"0\">\n", n);
	if (cls)
		html(r, "<table class=\"%s\">\n", cls);
	else
		html(r, "<table>\n");
	html(r, "<caption id=\"cap-%d\">%s</caption>\n", n, caption);
}

void table_end(struct req *r)
{
	html(r, "</table>\n</div>\n");
}

void page_notice(struct req *r, const char *msg)
{
	html(r, "<div class=\"notice\" role=\"status\">%s</div>\n", msg);
}

/* ---- paging ---------------------------------------------------------------- */

void pager_init(struct req *r, struct pager *p)
{
	const char *v = req_query(r, "page");
	char *end = NULL;
	errno = 0;
	long long n = v && *v ? strtoll(v, &end, 10) : 1;
	p->page = !v || !*v || errno || *end || n < 1 || n > 100000000 ? 1 : n;
	p->total = 0;
}

void pager_total(struct pager *p, long long total)
{
	p->total = total < 0 ? 0 : total;
	long long last = p->total ? (p->total + PAGE_ROWS - 1) / PAGE_ROWS : 1;
	if (p->page > last)
		p->page = last;
}

long long pager_offset(const struct pager *p)
{
	return (p->page - 1) * PAGE_ROWS;
}

const char *count_text(struct req *r, long long n)
{
	char digits[32], out[48];
	int len = snprintf(digits, sizeof digits, "%lld", n < 0 ? -n : n), j = 0;
	if (n < 0)
		out[j++] = '-';
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			out[j++] = ',';
		out[j++] = digits[i];
	}
	out[j] = '\0';
	return arena_strdup(&r->arena, out);
}

/* path?k=v&...&page=n with the kept filters, percent-encoded. */
static const char *pager_href(struct req *r, const char *path, const char *const *keep, long long page)
{
	struct buf b = BUF_IN(&r->arena);
	buf_puts(&b, path);
	char sep = '?';
	for (int i = 0; keep && keep[i]; i++) {
		const char *v = req_query(r, keep[i]);
		if (!v || !*v)
			continue;
		buf_printf(&b, "%c%s=%s", sep, keep[i], url_enc(r, v));
		sep = '&';
	}
	if (page > 1)
		buf_printf(&b, "%cpage=%lld", sep, page);
	char *s = arena_strdup(&r->arena, buf_str(&b));
	buf_free(&b);
	return s;
}

void pager_nav(struct req *r, const struct pager *p, const char *path, const char *const *keep,
               const char *label, const char *noun)
{
	long long from = pager_offset(p) + 1, to = pager_offset(p) + PAGE_ROWS;
	if (to > p->total)
		to = p->total;
	html(r, "<nav aria-label=\"%s\" class=\"pages\">\n<p>", label);
	if (!p->total)
		html(r, "No %s to show.", noun);
	else if (from > to)
		html(r, "Showing none of %s %s.", count_text(r, p->total), noun);
	else
		html(r, "Showing %s–%s of %s %s.", count_text(r, from), count_text(r, to),
		     count_text(r, p->total), noun);
	html(r, "</p>\n");
	if (p->page > 1 || to < p->total) {
		html(r, "<ul class=\"pager\">\n");
		if (p->page > 1)
			html(r, "<li><a href=\"%s\" rel=\"prev\">Previous<span class=\"visually-hidden\"> %d %s</span></a></li>\n",
			     pager_href(r, path, keep, p->page - 1), PAGE_ROWS, noun);
		if (to < p->total)
			html(r, "<li><a href=\"%s\" rel=\"next\">Next<span class=\"visually-hidden\"> %d %s</span></a></li>\n",
			     pager_href(r, path, keep, p->page + 1), PAGE_ROWS, noun);
		html(r, "</ul>\n");
	}
	html(r, "</nav>\n");
}

void form_choices(struct req *r, const struct form_errors *e, const char *name, const char *legend,
                  const char *const *pairs, const char *type, const char *hint)
{
	const char *err = form_error_for(e, name);
	const char *k = field_key(r, e, name);
	html(r, "<fieldset class=\"field%s\"", err ? " has-error" : "");
	if (err && hint)
		html(r, " aria-describedby=\"h-%s e-%s\"", k, k);
	else if (err || hint)
		html(r, " aria-describedby=\"%s-%s\"", err ? "e" : "h", k);
	html(r, "><legend>%s</legend>\n", legend);
	if (hint)
		html(r, "<p class=\"hint\" id=\"h-%s\">%s</p>\n", k, hint);
	if (err)
		html(r, "<p class=\"error\" id=\"e-%s\"><span class=\"visually-hidden\">Error:</span> %s</p>\n", k, err);
	for (int i = 0; pairs[i]; i += 2) {
		int on = 0;
		for (int j = 0; j < r->form.n; j++)
			on |= !strcmp(r->form.v[j].name, name) && !strcmp(r->form.v[j].value, pairs[i]);
		/* The first choice carries the field's id: the error summary links to it. */
		const char *id = i ? arena_printf(&r->arena, "f-%s-c%d", k, i / 2) : arena_printf(&r->arena, "f-%s", k);
		html(r, "<div class=\"choice\"><input type=\"%s\" id=\"%s\" name=\"%s\" value=\"%s\"%s>"
		        "<label for=\"%s\">%s</label></div>\n", type, id, name, pairs[i], on ? " checked" : "", id, pairs[i + 1]);
	}
	html(r, "</fieldset>\n");
}

void form_textarea(struct req *r, const struct form_errors *e, const char *name, const char *label,
                   const char *value, int rows, int maxlength, const char *hint)
{
	const char *key;
	const char *desc = field_head(r, e, name, label, hint, &key);
	html(r, "<textarea id=\"f-%s\" name=\"%s\" rows=\"%d\" maxlength=\"%d\"", key, name, rows, maxlength);
	html_raw(r, desc);
	html(r, ">%s</textarea>\n</div>\n", value ? value : "");
}

void pairs_add(struct req *r, struct pairs *p, const char *value, const char *label)
{
	if (p->n + 3 > p->cap) {
		int cap = p->cap ? 2 * p->cap : 16;
		const char **more = arena_alloc(&r->arena, sizeof *more * (size_t)cap);
		if (p->n)
			memcpy(more, p->v, sizeof *more * (size_t)p->n);
		p->v = more;
		p->cap = cap;
	}
	p->v[p->n++] = value;
	p->v[p->n++] = label;
}

const char **pairs_end(struct req *r, struct pairs *p)
{
	if (p->n + 1 > p->cap) {           /* room for the end */
		pairs_add(r, p, NULL, NULL);
		p->n -= 2;
	}
	p->v[p->n] = NULL;
	return p->v;
}

void page_confirm(struct req *r, const char *title, const char *what, const char *action,
                  const char *const *keep, const char *verb, const char *back)
{
	page_begin(r, title);
	html(r, "<p>%s</p>\n", what);
	/* A one-time key: the confirmation sent twice (a retry, a double
	 * click) answers as the first did, and acts once. */
	form_begin_create(r, action);
	for (int i = 0; keep && keep[i]; i++)
		for (int k = 0; k < params_count(&r->form, keep[i]); k++)
			html(r, "<input type=\"hidden\" name=\"%s\" value=\"%s\">\n", keep[i],
			     params_nth(&r->form, keep[i], k));
	html(r, "<input type=\"hidden\" name=\"sure\" value=\"1\">\n"
	        "<div class=\"actions\"><button type=\"submit\">%s</button> <a href=\"%s\">Change nothing and go back</a>"
	        "</div>\n", verb, back);
	form_end(r);
	page_end(r);
}
