/* orgs.c — /admin/orgs: intermediary organizations (list and add). */
#include "db.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "policy.h"
#include "region.h"
#include "req.h"

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
	    "       (SELECT count(*) FROM users u WHERE u.org_id = o.id AND u.active = 1)"
	    "  FROM organizations o WHERE o.active = 1 ORDER BY o.name", "");
	table_begin(r, NULL, "Intermediary organizations");
	html(r, "<thead><tr>"
	        "<th scope=\"col\">Organization</th><th scope=\"col\">Place</th>"
	        "<th scope=\"col\">Focus</th><th scope=\"col\">Schools in active grants</th>"
	        "<th scope=\"col\">People</th></tr></thead>\n<tbody>\n");
	int n = 0;
	while (db_step(r, st)) {
		n++;
		const char *city = db_col_text(r, st, 2), *state = db_col_text(r, st, 3);
		html(r, "<tr><td>%s</td><td>%s%s%s</td><td>%s</td><td class=\"num\">%d</td>"
		        "<td class=\"num\">%lld</td></tr>\n", db_col_text(r, st, 1), city,
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

void orgs_submit(struct req *r)
{
	const char *name = req_form(r, "name"), *city = req_form(r, "city");
	const char *state = req_form(r, "state"), *focus = req_form(r, "focus");
	struct form_errors e = {0};
	size_t n = utf8_chars(name);
	if (!n || n > LEN_TITLE)
		form_error(&e, "name", n ? "Use at most 200 characters." : "Enter the organization's name.");
	else if (db_int(r, 0, "SELECT id FROM organizations WHERE name = ?", "t", name))
		form_error(&e, "name", "An organization with this name is already listed.");
	if (utf8_chars(city) > LEN_CITY)
		form_error(&e, "city", "Use at most 100 characters.");
	if (!region_valid(region_states, state))
		form_error(&e, "state", "Choose the state the organization is based in.");
	if (!focus || !*focus || !region_valid(focus_options, focus))
		form_error(&e, "focus", "Choose the organization's main focus.");
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
