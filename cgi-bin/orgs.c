/* orgs.c — /admin/orgs and /admin/orgs/{id}: intermediary organizations.
 * Staff list, add and correct them, and deactivate one that no longer
 * works with the foundation (after a page that says what that does); a
 * deactivated organization gets no new grants or accounts, and keeps its
 * grants, visits and history. */
#include "db.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "policy.h"
#include "region.h"
#include "req.h"

#include <stdlib.h>
#include <string.h>

static const char *const focus_options[] = {
	"", "— choose —",
	"school redesign and planning", "School redesign and planning",
	"school community engagement", "School community engagement",
	"leadership coaching", "Leadership coaching",
	"staff professional development", "Staff professional development",
	NULL,
};

/* The schools on an organization's active rosters that the viewer may
 * see: the roster pages list the same ones. */
static int schools_served(struct req *r, long long org)
{
	sqlite3_stmt *st = db_q(r,
	    "SELECT DISTINCT " POLICY_COLUMNS " , s.id FROM grant_schools gs JOIN grants g ON g.id = gs.grant_id"
	    "  JOIN schools s ON s.id = gs.school_id WHERE g.org_id = ?3 AND g.stage = 'active'"
	    "   AND (gs.to_date IS NULL OR gs.to_date >= date('now'))", "III", r->user->id, r->user->org_id, org);
	int n = 0;
	while (db_step(r, st))
		n += policy_row(r, st, 0) != VIS_HIDDEN;
	return n;
}

static void orgs_view(struct req *r, const struct form_errors *e)
{
	page_begin(r, "Organizations");
	const char *msg = req_query(r, "msg");
	if (msg && !strcmp(msg, "added") && (!e || !e->n))
		page_notice(r, "Organization added.");
	sqlite3_stmt *st = db_q(r,
	    "SELECT o.id, o.name, o.city, coalesce(o.state_code, ''), o.focus,"
	    "       (SELECT count(*) FROM users u WHERE u.org_id = o.id AND u.active = 1), o.active"
	    "  FROM organizations o ORDER BY o.active DESC, o.name", "");
	table_begin(r, NULL, "Intermediary organizations");
	html(r, "<thead><tr>"
	        "<th scope=\"col\">Organization</th><th scope=\"col\">Place</th>"
	        "<th scope=\"col\">Focus</th><th scope=\"col\">Schools in active grants</th>"
	        "<th scope=\"col\">People</th></tr></thead>\n<tbody>\n");
	int n = 0;
	while (db_step(r, st)) {
		n++;
		const char *city = db_col_text(r, st, 2), *state = db_col_text(r, st, 3);
		html(r, "<tr><td><a href=\"/admin/orgs/%lld\">%s</a>%s</td><td>%s%s%s</td><td>%s</td><td class=\"num\">%d</td>"
		        "<td class=\"num\">%lld</td></tr>\n", db_col_int(st, 0), db_col_text(r, st, 1),
		     db_col_int(st, 6) ? "" : " (deactivated)", city,
		     *city && *state ? ", " : "", state, db_col_text(r, st, 4),
		     schools_served(r, db_col_int(st, 0)), db_col_int(st, 5));
	}
	if (!n)
		html(r, "<tr><td colspan=\"5\">No organizations yet.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
	html(r, "<h2>Add an organization</h2>\n");
	form_error_summary(r, e);
	form_begin_create(r, "/admin/orgs");
	form_input(r, e, "name", "Name", "text", req_form(r, "name"), "organization", NULL, 1, LEN_TITLE);
	form_input(r, e, "city", "City or town", "text", req_form(r, "city"), "off", NULL, 0, LEN_CITY);
	const char *states[] = { "", "— choose —", "MN", "Minnesota", "ND", "North Dakota",
	                         "SD", "South Dakota", NULL };
	form_select(r, e, "state", "State", states, req_form(r, "state"), NULL);
	form_select(r, e, "focus", "Main focus", focus_options, req_form(r, "focus"), NULL);
	html(r, "<button type=\"submit\">Add organization</button>\n");
	form_end(r);
	page_end(r);
}

void orgs_page(struct req *r)
{
	orgs_view(r, NULL);
}

/* Check the organization's fields; self is its id when correcting it (0
 * when adding). */
static void org_check(struct req *r, struct form_errors *e, long long self)
{
	const char *name = req_form(r, "name"), *city = req_form(r, "city");
	const char *state = req_form(r, "state"), *focus = req_form(r, "focus");
	size_t n = utf8_chars(name);
	if (!n || n > LEN_TITLE)
		form_error(e, "name", n ? "Use at most 200 characters." : "Enter the organization's name.");
	else if (db_int(r, 0, "SELECT id FROM organizations WHERE name = ? AND id <> ?", "tI", name, self))
		form_error(e, "name", "An organization with this name is already listed.");
	if (utf8_chars(city) > LEN_CITY)
		form_error(e, "city", "Use at most 100 characters.");
	if (!region_valid(region_states, state))
		form_error(e, "state", "Choose the state the organization is based in.");
	if (!focus || !*focus || !region_valid(focus_options, focus))
		form_error(e, "focus", "Choose the organization's main focus.");
}

void orgs_submit(struct req *r)
{
	const char *name = req_form(r, "name"), *city = req_form(r, "city");
	const char *state = req_form(r, "state"), *focus = req_form(r, "focus");
	struct form_errors e = {0};
	org_check(r, &e, 0);
	if (e.n) {
		r->status = 422;
		orgs_view(r, &e);
		return;
	}
	db_begin(r);
	db_exec(r, "INSERT INTO organizations (name, city, state_code, focus) VALUES (?, ?, ?, ?)",
	        "tttt", name, city ? city : "", state, focus);
	db_exec(r, "INSERT INTO audit (user_id, action, detail) VALUES (?, 'org-add', ?)", "It",
	        r->user->id, name);
	db_commit(r);
	req_redirect(r, "/admin/orgs?msg=added");
}

/* ---- one organization -------------------------------------------------- */

struct org {
	long long id;
	const char *name, *city, *state, *focus;
	int active;
};

static struct org *org_load(struct req *r, long long id)
{
	sqlite3_stmt *st = db_q(r, "SELECT id, name, city, coalesce(state_code, ''), focus, active FROM organizations"
	                           " WHERE id = ?", "I", id);
	if (!db_step(r, st))
		req_fail(r, 404, "no such organization");
	struct org *o = arena_zalloc(&r->arena, sizeof *o);
	o->id = db_col_int(st, 0);
	o->name = db_col_text(r, st, 1);
	o->city = db_col_text(r, st, 2);
	o->state = db_col_text(r, st, 3);
	o->focus = db_col_text(r, st, 4);
	o->active = (int)db_col_int(st, 5);
	sqlite3_reset(st);
	return o;
}

static void org_view(struct req *r, struct org *o, const struct form_errors *e)
{
	page_begin(r, o->name);
	const char *msg = req_query(r, "msg");
	if (msg && (!e || !e->n))
		page_notice(r, !strcmp(msg, "deactivated") ? "Deactivated. It gets no new grants or accounts." :
		               !strcmp(msg, "activated") ? "Reactivated." : "Saved.");
	const char *self = arena_printf(&r->arena, "/admin/orgs/%lld", o->id);
	int posted = e && e->n;
	html(r, "<dl class=\"facts\"><dt>Status</dt><dd>%s</dd><dt>Schools in active grants</dt><dd>%d</dd></dl>\n",
	     o->active ? "Active" : "Deactivated", schools_served(r, o->id));
	html(r, "<h2>Details</h2>\n");
	form_error_summary(r, e);
	form_begin(r, self);
	html(r, "<input type=\"hidden\" name=\"action\" value=\"save\">\n");
	form_input(r, e, "name", "Name", "text", posted ? req_form(r, "name") : o->name, "organization", NULL, 1, LEN_TITLE);
	form_input(r, e, "city", "City or town", "text", posted ? req_form(r, "city") : o->city, "off", NULL, 0, LEN_CITY);
	const char *states[] = { "", "— choose —", "MN", "Minnesota", "ND", "North Dakota",
	                         "SD", "South Dakota", NULL };
	form_select(r, e, "state", "State", states, posted ? req_form(r, "state") : o->state, NULL);
	form_select(r, e, "focus", "Main focus", focus_options, posted ? req_form(r, "focus") : o->focus, NULL);
	html(r, "<button type=\"submit\">Save</button>\n");
	form_end(r);
	html(r, "<h2>Status</h2>\n");
	form_begin(r, self);
	html(r, "<input type=\"hidden\" name=\"action\" value=\"%s\">\n<button type=\"submit\" class=\"secondary\">%s"
	        "</button>\n", o->active ? "deactivate" : "activate",
	     o->active ? "Deactivate this organization…" : "Reactivate this organization");
	form_end(r);
	html(r, "<p><a href=\"/admin/orgs\">All organizations</a></p>\n");
	page_end(r);
}

void org_page(struct req *r)
{
	org_view(r, org_load(r, r->ids[0]), NULL);
}

void org_submit(struct req *r)
{
	db_begin(r);
	struct org *o = org_load(r, r->ids[0]);
	const char *action = req_form(r, "action") ? req_form(r, "action") : "";
	const char *self = arena_printf(&r->arena, "/admin/orgs/%lld", o->id);
	if (!strcmp(action, "save")) {
		struct form_errors e = {0};
		org_check(r, &e, o->id);
		if (e.n) {
			r->status = 422;
			org_view(r, o, &e);
			return;
		}
		const char *name = req_form(r, "name"), *city = req_form(r, "city") ? req_form(r, "city") : "";
		const char *state = req_form(r, "state"), *focus = req_form(r, "focus");
		struct buf d = BUF_IN(&r->arena);
		if (strcmp(name, o->name))
			buf_printf(&d, "name %s → %s", o->name, name);
		if (strcmp(city, o->city))
			buf_printf(&d, "%scity %s → %s", d.len ? "; " : "", *o->city ? o->city : "—", *city ? city : "—");
		if (strcmp(state, o->state))
			buf_printf(&d, "%sstate %s → %s", d.len ? "; " : "", *o->state ? o->state : "—", state);
		if (strcmp(focus, o->focus))
			buf_printf(&d, "%sfocus %s → %s", d.len ? "; " : "", *o->focus ? o->focus : "—", focus);
		if (d.len) {
			db_exec(r, "UPDATE organizations SET name = ?, city = ?, state_code = ?, focus = ? WHERE id = ?", "ttttI",
			        name, city, state, focus, o->id);
			db_exec(r, "INSERT INTO audit (user_id, action, detail) VALUES (?, 'org-edit', ?)", "It", r->user->id,
			        arena_printf(&r->arena, "organization %lld: %s", o->id, buf_str(&d)));
		}
		buf_free(&d);
		db_commit(r);
		req_redirect(r, arena_printf(&r->arena, "%s?msg=saved", self));
		return;
	}
	if (strcmp(action, "deactivate") && strcmp(action, "activate"))
		req_fail(r, 400, "unknown action");
	int on = !strcmp(action, "activate");
	if (on == o->active) {
		db_commit(r);
		req_redirect(r, self);  /* already so: a retried click */
		return;
	}
	if (!on && !req_form(r, "sure")) {
		long long grants = db_int(r, 0, "SELECT count(*) FROM grants WHERE org_id = ? AND stage IN"
		                                " ('proposed', 'awarded', 'active')", "I", o->id);
		long long people = db_int(r, 0, "SELECT count(*) FROM users WHERE org_id = ? AND active = 1", "I", o->id);
		static const char *const keep[] = { "action", NULL };
		page_confirm(r, arena_printf(&r->arena, "Deactivate %s?", o->name),
		             arena_printf(&r->arena, "%s leaves the list of organizations that can receive a grant or new"
		                          " accounts. Its %lld open grant%s and %lld active account%s stay as they are — close"
		                          " or withdraw the grants and deactivate the accounts separately if they should end."
		                          " Its visits and history are kept. You can reactivate it later.", o->name, grants,
		                          grants == 1 ? "" : "s", people, people == 1 ? "" : "s"),
		             self, keep, "Deactivate the organization", self);
		return;
	}
	db_exec(r, "UPDATE organizations SET active = ?, deactivated_at = CASE WHEN ? THEN NULL ELSE unixepoch() END"
	           " WHERE id = ?", "iiI", on, on, o->id);
	db_exec(r, "INSERT INTO audit (user_id, action, detail) VALUES (?, ?, ?)", "Itt", r->user->id,
	        on ? "org-activate" : "org-deactivate", arena_printf(&r->arena, "organization %lld", o->id));
	db_commit(r);
	req_redirect(r, arena_printf(&r->arena, "%s?msg=%s", self, on ? "activated" : "deactivated"));
}
