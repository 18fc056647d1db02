/* people.c — /admin/people: the people of the network, invitations, roles.
 * Admins and foundation staff invite.  Nobody makes an account that would
 * see more than they do: only an admin makes or changes an admin, a
 * steward or intermediary staff (who read visit notes and the schools their
 * grants serve); a leader is linked only to schools the inviter may see in
 * full and that belong to no nation unless an admin links them (and no one
 * but the nation's steward decides who reads a private school).  Every
 * such change is in the audit log. */
#include "auth.h"
#include "buf.h"
#include "csv.h"
#include "db.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "mail.h"
#include "policy.h"
#include "req.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define INVITE_TTL (7 * 24 * 3600)

static const char *const role_options[] = {
	"leader", "School leader",
	"intermediary", "Intermediary staff",
	"staff", "Foundation staff",
	"steward", "Nation data steward",
	"admin", "Administrator",
	NULL,
};

/* Organization and nation choices as value/label pairs from the database. */
static const char **choices(struct req *r, const char *sql, const char *none)
{
	return form_options(r, db_q(r, sql, ""), none);
}

#define ORGS_SQL "SELECT id, name FROM organizations WHERE active = 1 ORDER BY name"
#define NATIONS_SQL "SELECT id, name FROM nations ORDER BY name"

/* Whether the viewer may link a leader to a school: one the viewer can
 * see, and for a school of a Native nation only an administrator (a leader
 * sees the school's data in full). */
static int may_link(struct req *r, enum vis v, long long nation_id)
{
	return v == VIS_FULL && (r->user->role == ROLE_ADMIN || !nation_id);
}

/* A national network has tens of thousands of schools a leader could be
 * linked to: the picker offers at most this many, found by name or town
 * (?find=), and always the schools already chosen. */
#define PICKER_MAX 1000

#define PICKER_WHERE \
	"(?3 IS NULL OR s.name LIKE ?3 ESCAPE '\\' OR s.city LIKE ?3 ESCAPE '\\')" \
	" AND (?4 = 'admin' OR s.nation_id IS NULL) AND " POLICY_VISIBLE_SQL("?4", "?1", "?2", "?5")

/* How many schools the viewer may link that match ?find=. */
static long long picker_count(struct req *r)
{
	return db_int(r, 0, "SELECT count(*) FROM schools s WHERE " PICKER_WHERE,
	              "IIttI", r->user->id, r->user->org_id, db_like(r, req_query(r, "find")),
	              role_name(r->user->role), r->user->nation_id);
}

/* Before a form with a picker: a search for the schools to offer (a GET
 * form of its own: it cannot sit in the POST), so that nobody scrolls
 * through hundreds of schools, with or without scripts. */
static void school_finder(struct req *r, const char *action)
{
	const char *find = req_query(r, "find");
	filter_begin(r, arena_printf(&r->arena, "%s#invite", action));
	filter_search(r, "find", "Schools to offer (name or town)", find);
	filter_end(r);
}

/* The schools a leader may be linked to, as a multiple select; only
 * schools the viewer may link are offered: at most PICKER_MAX of those
 * matching ?find=, and the chosen ones. */
static void school_picker(struct req *r, const struct form_errors *e,
                          const struct params *chosen)
{
	const char *err = form_error_for(e, "schools");
	long long total = picker_count(r);
	html(r, "<div class=\"field%s\">\n<label for=\"f-schools\">Schools they lead</label>\n"
	        "<p class=\"hint\" id=\"h-schools\">For school leaders. Hold Ctrl (or ⌘) to"
	        " choose several.", err ? " has-error" : "");
	const char *find = req_query(r, "find");
	if (total > PICKER_MAX)
		html(r, " Offered: the first %s of %s schools that match; find others with the search above.",
		     count_text(r, PICKER_MAX), count_text(r, total));
	else if (find && *find)
		html(r, " Offered: the %s %s matching “%s” (and any already chosen); search above for others.",
		     count_text(r, total), total == 1 ? "school" : "schools", find);
	html(r, "</p>\n");
	if (err)
		html(r, "<p class=\"error\" id=\"e-schools\">%s</p>\n", err);
	html(r, "<select id=\"f-schools\" name=\"schools\" multiple size=\"8\" data-narrow"
	        " aria-describedby=\"h-schools%s\">\n", err ? " e-schools" : "");
	struct buf ids = BUF_IN(&r->arena);
	buf_putc(&ids, '[');
	for (int i = 0, k = 0; chosen && i < chosen->n; i++)
		if (!strcmp(chosen->v[i].name, "schools"))
			buf_printf(&ids, "%s%lld", k++ ? "," : "", atoll(chosen->v[i].value));
	buf_putc(&ids, ']');
	/* The chosen first (a chosen school left out would be unlinked on
	 * save), then the others by state and name. */
	sqlite3_stmt *st = db_q(r, "SELECT s.id, s.name, s.city, s.state_code, " POLICY_COLUMNS ","
	                           "       s.id IN (SELECT value FROM json_each(?6)) AS chosen"
	                           " FROM schools s WHERE (" PICKER_WHERE ") OR chosen"
	                           " ORDER BY chosen DESC, s.state_code, s.name, s.id LIMIT ?7",
	                        "IIttItI", r->user->id, r->user->org_id, db_like(r, req_query(r, "find")),
	                        role_name(r->user->role), r->user->nation_id, buf_str(&ids),
	                        (long long)PICKER_MAX + (long long)(chosen ? chosen->n : 0));
	const char *group = "";
	while (db_step(r, st)) {
		if (!may_link(r, policy_row(r, st, 4), db_col_int(st, 4)))
			continue;
		const char *state = db_col_int(st, 9) ? "Chosen" : db_col_text(r, st, 3);
		if (strcmp(group, state)) {
			if (*group)
				html_raw(r, "</optgroup>\n");
			html(r, "<optgroup label=\"%s\">\n", state);
			group = state;
		}
		const char *id = db_col_text(r, st, 0);
		int sel = 0;
		for (int i = 0; chosen && i < chosen->n; i++)
			if (!strcmp(chosen->v[i].name, "schools") && !strcmp(chosen->v[i].value, id))
				sel = 1;
		html(r, "<option value=\"%s\"%s>%s (%s)</option>\n", id, sel ? " selected" : "",
		     db_col_text(r, st, 1), db_col_text(r, st, 2));
	}
	if (*group)
		html_raw(r, "</optgroup>\n");
	html(r, "</select>\n</div>\n");
}

static void people_list(struct req *r, const struct form_errors *e)
{
	const char *q = req_query(r, "q");
	const char *role = req_query(r, "role");
	page_begin(r, "People");
	const char *msg = req_query(r, "msg");
	if (msg && !strcmp(msg, "invited") && (!e || !e->n))
		page_notice(r, "Invitation sent.");
	if (msg && !strcmp(msg, "imported") && (!e || !e->n)) {
		long long n = atoll(req_query(r, "invited") ? req_query(r, "invited") : "0");
		page_notice(r, arena_printf(&r->arena, "Imported: %s invitation%s sent.", count_text(r, n), n == 1 ? "" : "s"));
	}
	if (r->user->role == ROLE_ADMIN)
		html(r, "<p><a href=\"/admin/people/import\">Import people (CSV)</a></p>\n");

	filter_begin(r, "/admin/people");
	filter_search(r, "q", "Name or email", q);
	filter_select(r, "role", "Role", "Any role", role_options, role);
	filter_end(r);

	/* People sort as people read them ("respondent 2" before "respondent
	 * 10"): the natural_sort collation (db.c), the id breaking ties. */
	const char *like = db_like(r, q);
	struct pager pg;
	pager_init(r, &pg);
	pager_total(&pg, db_int(r, 0,
	    "SELECT count(*) FROM users u"
	    " WHERE (?1 IS NULL OR u.name LIKE ?1 ESCAPE '\\' OR u.email LIKE ?1 ESCAPE '\\')"
	    "   AND (?2 IS NULL OR ?2 = '' OR u.role = ?2)", "tt", like, role));
	sqlite3_stmt *st = db_q(r,
	    "SELECT u.id, u.name, u.email, u.role, u.active, u.pw_hash IS NULL,"
	    "       coalesce(o.name, n.name, '')"
	    "  FROM users u LEFT JOIN organizations o ON o.id = u.org_id"
	    "  LEFT JOIN nations n ON n.id = u.nation_id"
	    " WHERE (?1 IS NULL OR u.name LIKE ?1 ESCAPE '\\' OR u.email LIKE ?1 ESCAPE '\\')"
	    "   AND (?2 IS NULL OR ?2 = '' OR u.role = ?2)"
	    " ORDER BY u.active DESC, u.name COLLATE natural_sort, u.id LIMIT ?3 OFFSET ?4", "ttII",
	    like, role, pager_limit(&pg), pager_offset(&pg));
	table_begin(r, NULL, "People in the network");
	html(r, "<thead><tr><th scope=\"col\">Name</th>"
	        "<th scope=\"col\">Email</th><th scope=\"col\">Role</th><th scope=\"col\">Organization or nation</th>"
	        "<th scope=\"col\">Status</th></tr></thead>\n<tbody>\n");
	int n = 0;
	while (db_step(r, st)) {
		n++;
		int active = (int)db_col_int(st, 4), pending = (int)db_col_int(st, 5);
		html(r, "<tr><td><a href=\"/admin/people/%lld\">%s</a></td><td>%s</td><td>%s</td>"
		        "<td>%s</td><td>%s</td></tr>\n",
		     db_col_int(st, 0), db_col_text(r, st, 1), db_col_text(r, st, 2),
		     role_label(role_from_name(db_col_text(r, st, 3))), db_col_text(r, st, 6),
		     !active ? "Deactivated" : pending ? "Invited" : "Active");
	}
	if (!n)
		html(r, "<tr><td colspan=\"5\">Nobody matches.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
	static const char *const keep[] = { "q", "role", NULL };
	pager_nav(r, &pg, "/admin/people", keep, "Pages of people", "people");

	html(r, "<h2 id=\"invite\">Invite someone</h2>\n");
	school_finder(r, "/admin/people");
	form_error_summary(r, e);
	form_begin_create(r, "/admin/people/invite");
	form_input(r, e, "name", "Name", "text", req_form(r, "name"), "off", NULL, 1, LEN_PERSON_NAME);
	form_input(r, e, "email", "Email address", "email", req_form(r, "email"), "off",
	           "The invitation goes to this address. The link works for seven days.", 1, LEN_EMAIL);
	form_select(r, e, "role", "Role", role_options, req_form(r, "role"), NULL);
	school_picker(r, e, &r->form);
	form_select(r, e, "org", "Organization", choices(r, ORGS_SQL, "— none —"),
	            req_form(r, "org"), "For intermediary staff.");
	form_select(r, e, "nation", "Nation", choices(r, NATIONS_SQL, "— none —"),
	            req_form(r, "nation"), "For nation data stewards.");
	html(r, "<button type=\"submit\">Send invitation</button>\n");
	form_end(r);
	page_end(r);
}

void people_page(struct req *r)
{
	people_list(r, NULL);
}

/* Check role-dependent links from the form; returns the org and nation. */
static void check_links(struct req *r, struct form_errors *e, const char *role,
                        long long *org, long long *nation)
{
	*org = atoll(req_form(r, "org") ? req_form(r, "org") : "0");
	*nation = atoll(req_form(r, "nation") ? req_form(r, "nation") : "0");
	if (!strcmp(role, "intermediary")) {
		if (r->user->role != ROLE_ADMIN)
			form_error(e, "role", "Only an administrator can give someone intermediary access: it shows"
			                      " visit notes and schools that foundation staff do not see.");
		else if (!db_int(r, 0, "SELECT id FROM organizations WHERE id = ? AND active = 1", "I", *org))
			form_error(e, "org", "Choose the organization this person works for.");
	} else {
		*org = 0;
	}
	if (!strcmp(role, "steward")) {
		/* A steward decides for a nation: only an administrator names one. */
		if (r->user->role != ROLE_ADMIN)
			form_error(e, "role", "Only an administrator can make someone a nation's data steward.");
		else if (!db_int(r, 0, "SELECT id FROM nations WHERE id = ?", "I", *nation))
			form_error(e, "nation", "Choose the nation this person stewards data for.");
	} else {
		*nation = 0;
	}
	if (!strcmp(role, "leader")) {
		int n = params_count(&r->form, "schools");
		if (!n)
			form_error(e, "schools", "Choose at least one school this person leads.");
		for (int i = 0; i < n; i++) {
			long long sid = atoll(params_nth(&r->form, "schools", i));
			long long nid = db_int(r, 0, "SELECT coalesce(nation_id, 0) FROM schools WHERE id = ?",
			                       "I", sid);
			if (!may_link(r, policy_school(r, sid), nid)) {
				form_error(e, "schools", "One of the chosen schools is not available.");
				break;
			}
		}
	}
}

/* Replace the person's links to the schools the viewer may link; links the
 * viewer could not have made (hidden or nation schools) stay as they are. */
static void link_schools(struct req *r, long long uid, const char *role)
{
	sqlite3_stmt *st = db_q(r, "SELECT us.school_id, " POLICY_COLUMNS
	                           " FROM user_schools us JOIN schools s ON s.id = us.school_id"
	                           " WHERE us.user_id = ?", "III", r->user->id, r->user->org_id, uid);
	int cap = 16, n = 0;
	long long *drop = arena_alloc(&r->arena, sizeof *drop * (size_t)cap);
	while (db_step(r, st)) {
		if (!may_link(r, policy_row(r, st, 1), db_col_int(st, 1)))
			continue;
		if (n == cap) {
			long long *more = arena_alloc(&r->arena, sizeof *more * (size_t)cap * 2);
			memcpy(more, drop, sizeof *drop * (size_t)n);
			drop = more;
			cap *= 2;
		}
		drop[n++] = db_col_int(st, 0);
	}
	for (int i = 0; i < n; i++)
		db_exec(r, "DELETE FROM user_schools WHERE user_id = ? AND school_id = ?", "II", uid, drop[i]);
	if (strcmp(role, "leader"))
		return;
	int k = params_count(&r->form, "schools");
	for (int i = 0; i < k; i++)
		db_exec(r, "INSERT OR IGNORE INTO user_schools (user_id, school_id) VALUES (?, ?)",
		        "II", uid, atoll(params_nth(&r->form, "schools", i)));
}

void people_invite_mail(struct req *r, long long uid, const char *email, const char *name)
{
	const char *tok = auth_token_issue(r, uid, "invite", INVITE_TTL, r->user->id);
	char *body = arena_printf(&r->arena,
	    "Hello %s,\n\n%s has invited you to ilnet, the foundation's individualized-"
	    "learning network for Minnesota, North Dakota, South Dakota and the 23 Native"
	    " nations that share the region.\n\n"
	    "Choose your password here (the link works for seven days):\n%s/invite?t=%s\n\n"
	    "If you were not expecting this, you can ignore this message.\n",
	    name, r->user->name, mail_base_url(), tok);
	mail_queue(r, email, "You are invited to ilnet", body);
}

void people_invite_submit(struct req *r)
{
	const char *name = req_form(r, "name");
	const char *email = req_form(r, "email");
	const char *role = req_form(r, "role");
	struct form_errors e = {0};
	size_t nlen = utf8_chars(name);
	if (!nlen || nlen > LEN_PERSON_NAME)
		form_error(&e, "name", nlen ? "Use at most 120 characters for the name."
		                           : "Enter the person's name.");
	if (!mail_address_ok(email))
		form_error(&e, "email", "Enter an email address, like name@example.org.");
	else if (db_int(r, 0, "SELECT id FROM users WHERE email = ?", "t", email))
		form_error(&e, "email", "Someone with this email address is already in ilnet.");
	if (!role_from_name(role))
		form_error(&e, "role", "Choose a role.");
	else if (!strcmp(role, "admin") && r->user->role != ROLE_ADMIN)
		form_error(&e, "role", "Only an administrator can invite an administrator.");
	long long org = 0, nation = 0;
	if (role_from_name(role))
		check_links(r, &e, role, &org, &nation);
	if (e.n) {
		r->status = 422;
		people_list(r, &e);
		return;
	}
	db_begin(r);
	db_exec(r, "INSERT INTO users (email, name, role, org_id, nation_id)"
	           " VALUES (?, ?, ?, nullif(?, 0), nullif(?, 0))", "tttII",
	        email, name, role, org, nation);
	long long uid = db_last_id(r);
	link_schools(r, uid, role);
	people_invite_mail(r, uid, email, name);
	db_exec(r, "INSERT INTO audit (user_id, action, detail) VALUES (?, 'invite', ?)", "It",
	        r->user->id, arena_printf(&r->arena, "user %lld as %s", uid, role));
	db_commit(r);
	req_redirect(r, "/admin/people?msg=invited");
}

static void person_form(struct req *r, const struct form_errors *e)
{
	long long id = r->ids[0];
	sqlite3_stmt *st = db_q(r,
	    "SELECT name, email, role, active, pw_hash IS NULL, coalesce(org_id, 0),"
	    "       coalesce(nation_id, 0), created_at FROM users WHERE id = ?", "I", id);
	if (!db_step(r, st))
		req_fail(r, 404, "no such person");
	const char *name = db_col_text(r, st, 0), *email = db_col_text(r, st, 1);
	const char *role = db_col_text(r, st, 2);
	int active = (int)db_col_int(st, 3), pending = (int)db_col_int(st, 4);
	const char *org = db_col_text(r, st, 5), *nation = db_col_text(r, st, 6);
	sqlite3_reset(st);

	page_begin(r, name);
	const char *msg = req_query(r, "msg");
	if (msg && (!e || !e->n)) {
		if (!strcmp(msg, "saved")) page_notice(r, "Saved.");
		else if (!strcmp(msg, "resent")) page_notice(r, "A new invitation has been sent.");
		else if (!strcmp(msg, "deactivated")) page_notice(r, "Deactivated. Their sessions have ended.");
		else if (!strcmp(msg, "activated")) page_notice(r, "Reactivated.");
	}
	html(r, "<dl class=\"facts\"><dt>Email</dt><dd>%s</dd><dt>Status</dt><dd>%s</dd></dl>\n",
	     email, !active ? "Deactivated" : pending ? "Invited, not yet signed in" : "Active");
	form_error_summary(r, e);

	struct params chosen = {0};
	st = db_q(r, "SELECT school_id FROM user_schools WHERE user_id = ?", "I", id);
	while (db_step(r, st)) {
		const char *sid = db_col_text(r, st, 0);
		params_add(&r->arena, &chosen, "schools", sid, strlen(sid));
	}
	int posted = e && e->n;
	html(r, "<h2 id=\"invite\">Role and links</h2>\n");
	school_finder(r, arena_printf(&r->arena, "/admin/people/%lld", id));
	form_begin(r, arena_printf(&r->arena, "/admin/people/%lld", id));
	html(r, "<input type=\"hidden\" name=\"action\" value=\"role\">\n");
	form_select(r, e, "role", "Role", role_options, posted ? req_form(r, "role") : role, NULL);
	school_picker(r, e, posted ? &r->form : &chosen);
	form_select(r, e, "org", "Organization", choices(r, ORGS_SQL, "— none —"),
	            posted ? req_form(r, "org") : org, "For intermediary staff.");
	form_select(r, e, "nation", "Nation", choices(r, NATIONS_SQL, "— none —"),
	            posted ? req_form(r, "nation") : nation, "For nation data stewards.");
	html(r, "<button type=\"submit\">Save</button>\n");
	form_end(r);

	html(r, "<h2>Access</h2>\n");
	if (pending && active) {
		form_begin(r, arena_printf(&r->arena, "/admin/people/%lld", id));
		html(r, "<input type=\"hidden\" name=\"action\" value=\"resend\">\n"
		        "<button type=\"submit\">Send the invitation again</button>\n");
		form_end(r);
	}
	if (id != r->user->id) {
		form_begin(r, arena_printf(&r->arena, "/admin/people/%lld", id));
		html(r, "<input type=\"hidden\" name=\"action\" value=\"%s\">\n"
		        "<button type=\"submit\">%s</button>\n", active ? "deactivate" : "activate",
		     active ? "Deactivate this account…" : "Reactivate this account");
		form_end(r);
	}
	html(r, "<p><a href=\"/admin/people\">Back to people</a></p>\n");
	page_end(r);
}

void person_page(struct req *r)
{
	person_form(r, NULL);
}

void person_submit(struct req *r)
{
	long long id = r->ids[0];
	const char *action = req_form(r, "action");
	char *cur_role = db_text(r, "SELECT role FROM users WHERE id = ?", "I", id);
	if (!cur_role)
		req_fail(r, 404, "no such person");
	if ((!strcmp(cur_role, "admin") || !strcmp(cur_role, "steward") || !strcmp(cur_role, "intermediary"))
	    && r->user->role != ROLE_ADMIN)
		req_fail(r, 403, "only an admin changes an admin, a steward or intermediary staff");
	const char *back = arena_printf(&r->arena, "/admin/people/%lld", id);
	if (action && !strcmp(action, "role")) {
		const char *role = req_form(r, "role");
		struct form_errors e = {0};
		long long org = 0, nation = 0;
		if (!role_from_name(role))
			form_error(&e, "role", "Choose a role.");
		else if (!strcmp(role, "admin") && r->user->role != ROLE_ADMIN)
			form_error(&e, "role", "Only an administrator can make someone an administrator.");
		else if (id == r->user->id && strcmp(role, cur_role))
			form_error(&e, "role", "You cannot change your own role.");
		else
			check_links(r, &e, role, &org, &nation);
		if (e.n) {
			r->status = 422;
			person_form(r, &e);
			return;
		}
		db_begin(r);
		db_exec(r, "UPDATE users SET role = ?, org_id = nullif(?, 0), nation_id = nullif(?, 0)"
		           " WHERE id = ?", "tIII", role, org, nation, id);
		link_schools(r, id, role);
		if (strcmp(role, cur_role))
			auth_end_user_sessions(r, id, 0);   /* powers changed: sign in again */
		db_exec(r, "INSERT INTO audit (user_id, action, detail) VALUES (?, 'role', ?)", "It",
		        r->user->id, arena_printf(&r->arena, "user %lld: %s -> %s", id, cur_role, role));
		db_commit(r);
		req_redirect(r, arena_printf(&r->arena, "%s?msg=saved", back));
	} else if (action && (!strcmp(action, "deactivate") || !strcmp(action, "activate"))) {
		int on = !strcmp(action, "activate");
		if (id == r->user->id)
			req_fail(r, 403, "cannot deactivate oneself");
		if (!on && !req_form(r, "sure")) {
			sqlite3_stmt *st = db_q(r, "SELECT name, email FROM users WHERE id = ?", "I", id);
			db_step(r, st);
			const char *who = db_col_text(r, st, 0), *mail = db_col_text(r, st, 1);
			sqlite3_reset(st);
			static const char *const keep[] = { "action", NULL };
			page_confirm(r, arena_printf(&r->arena, "Deactivate %s's account?", who),
			             arena_printf(&r->arena, "%s (%s) is signed out everywhere at once and can no longer sign in or"
			                          " reset their password. What they entered — scan answers, visits, reports — stays."
			                          " You can reactivate the account later.", who, mail),
			             back, keep, "Deactivate the account", back);
			return;
		}
		db_begin(r);
		db_exec(r, "UPDATE users SET active = ? WHERE id = ?", "iI", on, id);
		if (!on)
			auth_end_user_sessions(r, id, 0);
		db_exec(r, "INSERT INTO audit (user_id, action, detail) VALUES (?, ?, ?)", "Itt",
		        r->user->id, action, arena_printf(&r->arena, "user %lld", id));
		db_commit(r);
		req_redirect(r, arena_printf(&r->arena, "%s?msg=%s", back, on ? "activated" : "deactivated"));
	} else if (action && !strcmp(action, "resend")) {
		sqlite3_stmt *st = db_q(r, "SELECT email, name FROM users WHERE id = ? AND active = 1"
		                           " AND pw_hash IS NULL", "I", id);
		if (!db_step(r, st))
			req_fail(r, 409, "not a pending invitation");
		const char *email = db_col_text(r, st, 0), *name = db_col_text(r, st, 1);
		sqlite3_reset(st);
		db_begin(r);
		people_invite_mail(r, id, email, name);
		db_commit(r);
		req_redirect(r, arena_printf(&r->arena, "%s?msg=resent", back));
	} else {
		req_fail(r, 400, "Unknown action.");
	}
}

/* ---- import: /admin/people/import ---------------------------------------------
 * A CSV of name, email, role, schools and organization.  Each new person
 * gets one invitation; a person already in ilnet (by email) is left as is,
 * so importing the same file again sends nothing.  Only an administrator
 * imports (the roles it may give are an administrator's). */

#define PEOPLE_MAX_ROWS 2000
#define PEOPLE_MAX_ERRORS 500

enum { P_NAME, P_EMAIL, P_ROLE, P_SCHOOLS, P_ORG, P_NCOLS };
static const char *const people_columns[P_NCOLS] = { "name", "email", "role", "schools", "organization" };

struct person_row {
	int line;
	const char *name, *email, *role;
	long long org, nation, *schools;
	int nschools, known;        /* known: already in ilnet, left as is */
};

struct people_import {
	const char *text, *problem;
	struct { int line; const char *column, *msg; } *errs;
	int nerrs, bad_rows, nrows, invite, known;
	struct person_row *rows;
};

static void people_error(struct people_import *im, int line, const char *column, const char *msg)
{
	if (im->nerrs < PEOPLE_MAX_ERRORS) {
		im->errs[im->nerrs].line = line;
		im->errs[im->nerrs].column = column;
		im->errs[im->nerrs].msg = msg;
		im->nerrs++;
	}
}

/* A role by its name or the label ilnet shows ("School leader"). */
static const char *role_value(const char *typed)
{
	for (int i = 0; role_options[i]; i += 2)
		if (!strcasecmp(role_options[i], typed) || !strcasecmp(role_options[i + 1], typed))
			return role_options[i];
	return NULL;
}

/* The school a key (or, failing that, an exact name) names, among those
 * the importer may link; 0 when none, whether or not one is hidden. */
static long long linkable_school(struct req *r, const char *key)
{
	sqlite3_stmt *st = db_q(r, "SELECT s.id, " POLICY_COLUMNS " FROM schools s"
	                           " WHERE s.school_key = ?3 OR s.name = ?3 ORDER BY s.school_key = ?3 DESC, s.id",
	                        "IIt", r->user->id, r->user->org_id, key);
	long long found = 0;
	while (db_step(r, st))
		if (!found && may_link(r, policy_row(r, st, 1), db_col_int(st, 1)))
			found = db_col_int(st, 0);
	sqlite3_reset(st);
	return found;
}

static void people_check_row(struct req *r, struct people_import *im, struct person_row *w,
                             const char *const *v, int i)
{
	int before = im->nerrs;
	size_t n = utf8_chars(v[P_NAME]);
	w->name = v[P_NAME];
	w->email = v[P_EMAIL];
	if (!n || n > LEN_PERSON_NAME)
		people_error(im, w->line, "name", n ? "Use at most 120 characters for the name." : "Give the person's name.");
	if (!mail_address_ok(w->email))
		people_error(im, w->line, "email", "Give an email address, like name@example.org.");
	for (int k = 0; k < i; k++)
		if (!strcasecmp(im->rows[k].email, w->email)) {
			people_error(im, w->line, "email", arena_printf(&r->arena, "Line %d has the same email address.",
			                                                im->rows[k].line));
			break;
		}
	w->known = mail_address_ok(w->email) &&
	           db_int(r, 0, "SELECT id FROM users WHERE email = ? COLLATE NOCASE", "t", w->email) != 0;
	w->role = role_value(v[P_ROLE]);
	if (!w->role)
		people_error(im, w->line, "role", "Give a role: School leader, Intermediary staff, Foundation staff,"
		                                  " Nation data steward or Administrator.");
	const char *org = v[P_ORG];
	if (w->role && !strcmp(w->role, "intermediary")) {
		w->org = db_int(r, 0, "SELECT id FROM organizations WHERE name = ? COLLATE NOCASE AND active = 1", "t", org);
		if (!w->org)
			people_error(im, w->line, "organization", "Give the organization they work for, by its name in ilnet.");
	}
	if (w->role && !strcmp(w->role, "steward")) {
		w->nation = db_int(r, 0, "SELECT id FROM nations WHERE name = ? COLLATE NOCASE", "t", org);
		if (!w->nation)
			people_error(im, w->line, "organization", "Give the nation they steward data for, by its name in ilnet.");
	}
	/* Schools: keys (or names) separated by semicolons. */
	char *list = arena_strdup(&r->arena, v[P_SCHOOLS]);
	int cap = 1;
	for (const char *p = list; *p; p++)
		cap += *p == ';';
	w->schools = arena_alloc(&r->arena, sizeof *w->schools * (size_t)cap);
	for (char *save = NULL, *t = strtok_r(list, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
		while (*t == ' ')
			t++;
		size_t len = strlen(t);
		while (len && t[len - 1] == ' ')
			t[--len] = '\0';
		if (!len)
			continue;
		long long sid = linkable_school(r, t);
		if (!sid)
			people_error(im, w->line, "schools", arena_printf(&r->arena, "No school you may link has the key"
			                                                  " or name \"%s\".", t));
		else
			w->schools[w->nschools++] = sid;
	}
	if (w->role && !strcmp(w->role, "leader") && !w->nschools && im->nerrs == before)
		people_error(im, w->line, "schools", "Give the schools this leader leads, by key, separated by semicolons.");
	if (im->nerrs > before)
		im->bad_rows++;
}

static void people_import_check(struct req *r, struct people_import *im)
{
	struct csv csv;
	char err[256];
	if (csv_parse(&r->arena, im->text, strlen(im->text), PEOPLE_MAX_ROWS + 1, &csv, err, sizeof err)) {
		im->problem = arena_strdup(&r->arena, err);
		return;
	}
	int col[P_NCOLS];
	for (int c = 0; c < P_NCOLS; c++)
		col[c] = -1;
	for (int i = 0; csv.n && i < csv.rows[0].n; i++) {
		const char *h = csv.rows[0].f[i];
		while (*h == ' ')
			h++;
		for (int c = 0; c < P_NCOLS; c++)
			if (!strncasecmp(h, people_columns[c], strlen(people_columns[c])) && col[c] < 0)
				col[c] = i;
	}
	struct buf missing = BUF_IN(&r->arena);
	for (int c = 0; c < P_NCOLS; c++)
		if (col[c] < 0 && c != P_SCHOOLS && c != P_ORG)
			buf_printf(&missing, "%s%s", missing.len ? ", " : "", people_columns[c]);
	if (missing.len) {
		im->problem = arena_printf(&r->arena, "The first line must name the columns; missing: %s.", buf_str(&missing));
		return;
	}
	im->nrows = csv.n - 1;
	if (im->nrows < 1) {
		im->problem = "The file has a header line but no people.";
		return;
	}
	if (im->nrows > PEOPLE_MAX_ROWS) {
		im->problem = arena_printf(&r->arena, "At most %d people at a time: split the file.", PEOPLE_MAX_ROWS);
		return;
	}
	im->errs = arena_alloc(&r->arena, sizeof *im->errs * PEOPLE_MAX_ERRORS);
	im->rows = arena_alloc(&r->arena, sizeof *im->rows * (size_t)im->nrows);
	for (int i = 0; i < im->nrows; i++) {
		struct csv_row *row = &csv.rows[i + 1];
		const char *v[P_NCOLS];
		for (int c = 0; c < P_NCOLS; c++) {
			const char *s = col[c] >= 0 && col[c] < row->n ? row->f[col[c]] : "";
			while (*s == ' ' || *s == '\t')
				s++;
			size_t len = strlen(s);
			while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
				len--;
			v[c] = arena_strndup(&r->arena, s, len);
		}
		struct person_row *w = &im->rows[i];
		memset(w, 0, sizeof *w);
		w->line = row->line;
		people_check_row(r, im, w, v, i);
		if (w->known)
			im->known++;
		else
			im->invite++;
	}
}

static void people_import_form(struct req *r, const struct people_import *im, int preview)
{
	page_begin(r, "Import people");
	if (im && (im->problem || im->nerrs)) {
		html(r, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" id=\"errors\">\n"
		        "<h2>Nobody was invited</h2>\n");
		if (im->problem)
			html(r, "<p>%s</p>\n", im->problem);
		else
			html(r, "<p>%s of %s %s need%s fixing; every problem is listed below.</p>\n",
			     count_text(r, im->bad_rows), count_text(r, im->nrows), im->nrows == 1 ? "row" : "rows",
			     im->bad_rows == 1 ? "s" : "");
		html(r, "</div>\n");
	}
	if (im && im->nerrs) {
		table_begin(r, NULL, "Problems, row by row");
		html(r, "<thead><tr><th scope=\"col\">Line</th><th scope=\"col\">Column</th>"
		        "<th scope=\"col\">Problem</th></tr></thead>\n<tbody>\n");
		for (int i = 0; i < im->nerrs; i++)
			html(r, "<tr><td class=\"num\">%d</td><td>%s</td><td>%s</td></tr>\n",
			     im->errs[i].line, im->errs[i].column, im->errs[i].msg);
		html(r, "</tbody>\n");
		table_end(r);
	}
	if (preview && im && !im->nerrs && !im->problem) {
		html(r, "<div class=\"notice\" role=\"status\"><p>Nothing is sent yet. Importing this file invites"
		        " %s and leaves %s already in ilnet as they are.</p></div>\n",
		     count_text(r, im->invite), count_text(r, im->known));
		table_begin(r, NULL, "What importing does, row by row");
		html(r, "<thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Email</th><th scope=\"col\">Role</th>"
		        "<th scope=\"col\">Schools</th><th scope=\"col\">Does</th></tr></thead>\n<tbody>\n");
		for (int i = 0; i < im->nrows; i++) {
			const struct person_row *w = &im->rows[i];
			html(r, "<tr><th scope=\"row\">%s</th><td>%s</td><td>%s</td><td class=\"num\">%d</td><td>%s</td></tr>\n",
			     w->name, w->email, role_label(role_from_name(w->role)), w->nschools,
			     w->known ? "Already in ilnet: left as is" : "Invitation sent");
		}
		html(r, "</tbody>\n");
		table_end(r);
	}
	html(r, "<p>One line a person, the first line naming the columns: <code>name</code>, <code>email</code>,"
	        " <code>role</code> (School leader, Intermediary staff, Foundation staff, Nation data steward"
	        " or Administrator), <code>schools</code> (for leaders: the schools' keys from the school roster,"
	        " or their names, separated by semicolons) and <code>organization</code> (for intermediary"
	        " staff: their organization; for a steward: the nation). Each new person gets one invitation;"
	        " someone already in ilnet is left as is.</p>\n");
	form_begin(r, "/admin/people/import");
	html(r, "<div class=\"field\"><label for=\"f-csv\">People (CSV)</label>\n"
	        "<textarea id=\"f-csv\" name=\"csv\" rows=\"12\">%s</textarea></div>\n<div class=\"actions\">",
	     im && im->text ? im->text : "");
	if (preview && im && !im->nerrs && !im->problem && im->invite)
		html(r, "<button type=\"submit\" name=\"go\" value=\"import\">Invite %s</button>\n"
		        "<button type=\"submit\" name=\"go\" value=\"preview\" class=\"secondary\">Check again</button>\n",
		     count_text(r, im->invite));
	else
		html(r, "<button type=\"submit\" name=\"go\" value=\"preview\">Check the list</button>\n");
	html(r, "</div>\n");
	form_end(r);
	page_end(r);
}

void people_import_page(struct req *r)
{
	people_import_form(r, NULL, 0);
}

void people_import_submit(struct req *r)
{
	struct people_import im = { .text = req_form(r, "csv") };
	if (!im.text || !*im.text) {
		r->status = 422;
		im.problem = "Paste the list of people.";
		people_import_form(r, &im, 0);
		return;
	}
	people_import_check(r, &im);
	if (im.problem || im.nerrs) {
		r->status = 422;
		people_import_form(r, &im, 0);
		return;
	}
	const char *go = req_form(r, "go");
	if (!go || strcmp(go, "import")) {
		people_import_form(r, &im, 1);
		return;
	}
	db_begin(r);
	int sent = 0;
	for (int i = 0; i < im.nrows; i++) {
		struct person_row *w = &im.rows[i];
		/* Checked again inside the transaction: a second click sends nothing twice. */
		if (db_int(r, 0, "SELECT id FROM users WHERE email = ? COLLATE NOCASE", "t", w->email))
			continue;
		db_exec(r, "INSERT INTO users (email, name, role, org_id, nation_id)"
		           " VALUES (?, ?, ?, nullif(?, 0), nullif(?, 0))", "tttII",
		        w->email, w->name, w->role, w->org, w->nation);
		long long uid = db_last_id(r);
		for (int k = 0; !strcmp(w->role, "leader") && k < w->nschools; k++)
			db_exec(r, "INSERT OR IGNORE INTO user_schools (user_id, school_id) VALUES (?, ?)",
			        "II", uid, w->schools[k]);
		people_invite_mail(r, uid, w->email, w->name);
		sent++;
	}
	db_exec(r, "INSERT INTO audit (user_id, action, detail) VALUES (?, 'people-import', ?)", "It",
	        r->user->id, arena_printf(&r->arena, "%d invited", sent));
	db_commit(r);
	req_redirect(r, arena_printf(&r->arena, "/admin/people?msg=imported&invited=%d", sent));
}
