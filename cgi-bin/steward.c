/* steward.c — /steward: a nation's data steward decides, school by school,
 * who may see its data.  Every change is recorded (who, when, from, to). */
#include "db.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "policy.h"
#include "region.h"
#include "req.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static void steward_view(struct req *r, const struct form_errors *e)
{
	long long nation = r->user->nation_id;
	char *name = db_text(r, "SELECT name FROM nations WHERE id = ?", "I", nation);
	page_begin(r, "Data sharing");
	if (!name) {
		html(r, "<p>Your account is not linked to a nation yet. Ask an administrator.</p>\n");
		page_end(r);
		return;
	}
	const char *msg = req_query(r, "msg");
	if (msg && !strcmp(msg, "saved") && (!e || !e->n))
		page_notice(r, "Saved. The change applies at once to every page and export.");
	html(r, "<p>The schools of <strong>%s</strong>. Each starts at the most restrictive"
	        " level until you choose otherwise.</p>\n<dl class=\"levels\">\n", name);
	for (int i = 0; i < 3; i++)
		html(r, "<dt>%s</dt><dd>%s</dd>\n", policy_levels[i], policy_level_label(policy_levels[i]));
	html(r, "</dl>\n");
	form_error_summary(r, e);
	form_begin(r, "/steward");
	html(r, "<table>\n<caption>Sharing level of each school</caption>\n<thead><tr>"
	        "<th scope=\"col\">School</th><th scope=\"col\">Place</th>"
	        "<th scope=\"col\">Sharing level</th></tr></thead>\n<tbody>\n");
	sqlite3_stmt *st = db_q(r, "SELECT id, name, city, state_code, sharing FROM schools"
	                           " WHERE nation_id = ? ORDER BY name", "I", nation);
	int n = 0;
	while (db_step(r, st)) {
		n++;
		long long id = db_col_int(st, 0);
		const char *level = db_col_text(r, st, 4);
		html(r, "<tr><td id=\"s-%lld\">%s</td><td>%s, %s</td><td>"
		        "<select name=\"level_%lld\" aria-labelledby=\"s-%lld\">\n", id,
		     db_col_text(r, st, 1), db_col_text(r, st, 2), db_col_text(r, st, 3), id, id);
		for (int i = 0; i < 3; i++)
			html(r, "<option value=\"%s\"%s>%s</option>\n", policy_levels[i],
			     !strcmp(level, policy_levels[i]) ? " selected" : "", policy_levels[i]);
		html(r, "</select></td></tr>\n");
	}
	if (!n)
		html(r, "<tr><td colspan=\"3\">No schools belong to this nation in ilnet.</td></tr>\n");
	html(r, "</tbody>\n</table>\n");
	if (n)
		html(r, "<button type=\"submit\">Save sharing levels</button>\n");
	form_end(r);

	html(r, "<h2>History</h2>\n");
	st = db_q(r, "SELECT c.changed_at, s.name, u.name, c.from_level, c.to_level"
	             "  FROM sharing_changes c JOIN schools s ON s.id = c.school_id"
	             "  JOIN users u ON u.id = c.changed_by"
	             " WHERE s.nation_id = ? ORDER BY c.id DESC LIMIT 200", "I", nation);
	html(r, "<table>\n<caption>Changes to sharing levels, newest first</caption>\n<thead><tr>"
	        "<th scope=\"col\">When (UTC)</th><th scope=\"col\">School</th><th scope=\"col\">By</th>"
	        "<th scope=\"col\">From</th><th scope=\"col\">To</th></tr></thead>\n<tbody>\n");
	int h = 0;
	while (db_step(r, st)) {
		h++;
		time_t t = (time_t)db_col_int(st, 0);
		struct tm tm;
		char when[32];
		gmtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
		html(r, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", when,
		     db_col_text(r, st, 1), db_col_text(r, st, 2), db_col_text(r, st, 3),
		     db_col_text(r, st, 4));
	}
	if (!h)
		html(r, "<tr><td colspan=\"5\">No changes yet.</td></tr>\n");
	html(r, "</tbody>\n</table>\n");
	page_end(r);
}

void steward_page(struct req *r)
{
	steward_view(r, NULL);
}

void steward_submit(struct req *r)
{
	long long nation = r->user->nation_id;
	struct form_errors e = {0};
	/* Every level_<id> field must name a school of this nation and a level. */
	for (int i = 0; i < r->form.n; i++) {
		const char *name = r->form.v[i].name;
		if (strncmp(name, "level_", 6))
			continue;
		long long id = atoll(name + 6);
		if (!policy_level_valid(r->form.v[i].value))
			form_error(&e, NULL, "Choose private, foundation or network for each school.");
		else if (!db_int(r, 0, "SELECT id FROM schools WHERE id = ? AND nation_id = ?",
		                 "II", id, nation))
			req_fail(r, 403, "not a school of the steward's nation");
	}
	if (e.n) {
		r->status = 422;
		steward_view(r, &e);
		return;
	}
	db_begin(r);
	for (int i = 0; i < r->form.n; i++) {
		const char *name = r->form.v[i].name, *to = r->form.v[i].value;
		if (strncmp(name, "level_", 6))
			continue;
		long long id = atoll(name + 6);
		char *from = db_text(r, "SELECT sharing FROM schools WHERE id = ?", "I", id);
		if (!from || !strcmp(from, to))
			continue;
		db_exec(r, "UPDATE schools SET sharing = ?, updated_at = unixepoch() WHERE id = ?",
		        "tI", to, id);
		db_exec(r, "INSERT INTO sharing_changes (school_id, changed_by, from_level, to_level)"
		           " VALUES (?, ?, ?, ?)", "IItt", id, r->user->id, from, to);
	}
	db_commit(r);
	req_redirect(r, "/steward?msg=saved");
}
