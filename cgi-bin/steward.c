/* steward.c — what a nation's data steward has:
 *
 *   /steward            school by school, the sharing level, consent to
 *                       named uses (policy.h) and Local Contexts labels, with
 *                       the history of every change (who, when, from, to)
 *   /steward/usage      the log of every use of the nation's schools' data
 *                       (usage.h), filtered by role, dates and what, paged
 *   /steward/usage.csv  the same log, as filtered, for a spreadsheet
 *   /steward/leaders    who leads the nation's schools; only the steward
 *                       links a leader to them
 *
 * Everything is read at request time: a change applies at once. */
#include "boundary.h"
#include "csv.h"
#include "db.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "mail.h"
#include "money.h"
#include "policy.h"
#include "region.h"
#include "req.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define USAGE_PAGE 50

static const char *utc_text(struct req *r, long long at)
{
	time_t t = (time_t)at;
	struct tm tm;
	char when[32];
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
	return arena_strdup(&r->arena, when);
}

/* ---- /steward: sharing, consent, labels ------------------------------------- */

/* The value to show for a field: what was sent when the form comes back
 * with problems, else what is stored. */
static const char *shown(struct req *r, const struct form_errors *e, const char *name, const char *stored)
{
	const char *v = e && e->n ? req_form(r, name) : NULL;
	return v ? v : stored;
}

static void choice_cell(struct req *r, const struct form_errors *e, long long id, const char *field,
                        const char *head, const char *const *values, const char *value)
{
	const char *name = arena_printf(&r->arena, "%s_%lld", field, id);
	const char *err = form_error_for(e, name);
	html_raw(r, err ? "<td class=\"has-error\">" : "<td>");
	if (err)
		html(r, "<p class=\"error\" id=\"e-%s\">%s</p>", name, err);
	html(r, "<select id=\"f-%s\" name=\"%s\" aria-labelledby=\"s-%lld %s\"", name, name, id, head);
	if (err)
		html(r, " aria-describedby=\"e-%s\" aria-invalid=\"true\"", name);
	html(r, ">\n");
	for (int i = 0; values[i]; i += 2)
		html(r, "<option value=\"%s\"%s>%s</option>\n", values[i],
		     value && !strcmp(value, values[i]) ? " selected" : "", values[i + 1]);
	html(r, "</select></td>\n");
}

static const char *const level_values[] = { "private", "private", "foundation", "foundation",
                                            "network", "network", NULL };

static void steward_explain(struct req *r)
{
	html(r, "<dl class=\"levels\">\n");
	for (int i = 0; i < 3; i++)
		html(r, "<dt>%s</dt><dd>%s</dd>\n", policy_levels[i], policy_level_label(policy_levels[i]));
	html(r, "</dl>\n<h2>Uses you allow or refuse</h2>\n<dl class=\"levels\">\n"
	        "<dt>Counted in aggregate results</dt><dd>Whether the school is counted in totals and"
	        " breakdowns (small counts are never shown). Until you choose: allowed.</dd>\n"
	        "<dt>On the network map</dt><dd>Not at all, at community precision (about 10 km) or at its"
	        " exact location; never more than its sharing level lets each viewer see. Until you choose:"
	        " not on the map.</dd>\n"
	        "<dt>Suggested as a Connect host</dt><dd>Whether other schools are offered it as a school to"
	        " visit. Until you choose: refused.</dd>\n"
	        "<dt>Profile shown to intermediaries serving it</dt><dd>While the school is private, whether"
	        " the organizations coaching it see its profile (name, place and grades, no scan answers)."
	        " Until you choose: refused. At foundation and network level they see it anyway.</dd>\n</dl>\n");
	html(r, "<h2 id=\"label-codes\">Local Contexts Notices and Labels</h2>\n<p>Attach them by their codes,"
	        " separated by semicolons (for example <code>TK CO; TK NC</code>). They show on the school's"
	        " profile and travel with every export that includes the school.</p>\n"
	        "<details><summary>The codes ilnet knows</summary>\n<dl class=\"levels\">\n");
	for (int i = 0; policy_label_list[i].code; i++)
		html(r, "<dt><code>%s</code> %s</dt><dd>%s</dd>\n", policy_label_list[i].code,
		     policy_label_list[i].name, policy_label_list[i].meaning);
	html(r, "</dl>\n</details>\n");
}

static void steward_history(struct req *r, long long nation)
{
	html(r, "<h2>History</h2>\n");
	sqlite3_stmt *st = db_q(r,
	    "SELECT at, school, what, who, f, t FROM ("
	    "  SELECT c.changed_at AS at, c.id AS k, 0 AS src, s.name AS school, 'sharing' AS what, u.name AS who,"
	    "         c.from_level AS f, c.to_level AS t"
	    "    FROM sharing_changes c JOIN schools s ON s.id = c.school_id JOIN users u ON u.id = c.changed_by"
	    "   WHERE s.nation_id = ?1"
	    "  UNION ALL"
	    "  SELECT c.changed_at, c.id, 1, s.name, c.use_name, u.name, c.from_value, c.to_value"
	    "    FROM consent_changes c JOIN schools s ON s.id = c.school_id JOIN users u ON u.id = c.changed_by"
	    "   WHERE s.nation_id = ?1)"
	    " ORDER BY at DESC, src DESC, k DESC LIMIT 201", "I", nation);
	table_begin(r, NULL, "Changes to sharing levels, uses and labels, newest first");
	html(r, "<thead><tr><th scope=\"col\">When (UTC)</th><th scope=\"col\">School</th><th scope=\"col\">What</th>"
	        "<th scope=\"col\">By</th><th scope=\"col\">From</th><th scope=\"col\">To</th></tr></thead>\n<tbody>\n");
	int h = 0, more = 0;
	while (db_step(r, st)) {
		if (h == 200) {
			more = 1;
			break;
		}
		h++;
		const char *f = db_col_text(r, st, 4), *t = db_col_text(r, st, 5);
		html(r, "<tr><td class=\"date\">%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
		     utc_text(r, db_col_int(st, 0)), db_col_text(r, st, 1), policy_use_label(db_col_text(r, st, 2)),
		     db_col_text(r, st, 3), *f ? f : "none", *t ? t : "none");
	}
	if (!h)
		html(r, "<tr><td colspan=\"6\">No changes yet.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
	if (more)
		html(r, "<p class=\"hint\">Only the 200 newest changes are listed.</p>\n");
}

/* The version of a nation's boundary the steward is shown: the change
 * that stored it (0: none), so that consent goes to the one seen. */
static long long boundary_version(struct req *r, long long nation)
{
	return db_int(r, 0, "SELECT max(c.id) FROM boundary_changes c JOIN nation_boundaries b ON b.nation_id = c.nation_id"
	                    " WHERE c.nation_id = ? AND c.what IN ('added', 'replaced')", "I", nation);
}

/* The nation's boundary, if an admin added one: what it is, and consent
 * to drawing it on the map, or its withdrawal. */
static void steward_boundary(struct req *r, long long nation)
{
	html(r, "<h2 id=\"boundary\">Your nation's boundary on the map</h2>\n");
	boundary_status(r, nation);
	long long version = boundary_version(r, nation);
	if (!version)
		return;
	int drawn = db_int(r, 0, "SELECT consent_by IS NOT NULL FROM nation_boundaries WHERE nation_id = ?", "I", nation) > 0;
	form_begin(r, "/steward/boundary");
	html(r, "<input type=\"hidden\" name=\"version\" value=\"%lld\">\n"
	        "<input type=\"hidden\" name=\"consent\" value=\"%s\">\n", version, drawn ? "no" : "yes");
	if (drawn)
		html(r, "<button type=\"submit\" class=\"secondary\">Withdraw consent: stop drawing it</button>\n");
	else
		html(r, "<button type=\"submit\">Consent: draw this boundary on the map</button>\n");
	form_end(r);
}

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
	else if (msg && !strcmp(msg, "consented"))
		page_notice(r, "Consent given: the map draws your nation's boundary.");
	else if (msg && !strcmp(msg, "withdrawn"))
		page_notice(r, "Consent withdrawn: the map no longer draws your nation's boundary.");
	else if (msg && !strcmp(msg, "changed"))
		page_notice(r, "The boundary was replaced or deleted since you looked at it, so nothing was changed."
		               " Look at it below and choose again.");
	html(r, "<p>The schools of <strong>%s</strong>. Each starts at the most restrictive"
	        " level until you choose otherwise.</p>\n"
	        "<p><a href=\"/steward/usage\">See every use of your schools' data</a> (who, when, what, how many"
	        " schools, at what precision). <a href=\"/steward/leaders\">Link leaders to your schools</a>.</p>\n",
	     name);
	form_error_summary(r, e);
	steward_explain(r);

	html(r, "<h2>Your schools</h2>\n");
	form_begin(r, "/steward");
	html(r, "<p class=\"hint\" id=\"h-labels\">Labels: codes separated by semicolons, from the list above.</p>\n");
	table_begin(r, "steward", "Sharing level, uses and labels of each school");
	html(r, "<thead><tr>"
	        "<th scope=\"col\">School</th><th scope=\"col\">Place</th>"
	        "<th scope=\"col\" id=\"c-level\">Sharing level</th>"
	        "<th scope=\"col\" id=\"c-aggregate\">Counted in aggregates</th>"
	        "<th scope=\"col\" id=\"c-map\">On the map</th>"
	        "<th scope=\"col\" id=\"c-connect_host\">Connect host</th>"
	        "<th scope=\"col\" id=\"c-intermediary_profile\">Profile to its intermediaries</th>"
	        "<th scope=\"col\" id=\"c-labels\">Labels</th></tr></thead>\n<tbody>\n");
	/* Read every school first: the cells below run queries of their own. */
	sqlite3_stmt *st = db_q(r, "SELECT id, name, city, state_code, sharing FROM schools"
	                           " WHERE nation_id = ? ORDER BY name", "I", nation);
	struct { long long id; const char *name, *city, *state, *level; } *s = NULL;
	int n = 0, cap = 0;
	while (db_step(r, st)) {
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			void *more = arena_alloc(&r->arena, sizeof *s * (size_t)cap);
			if (n)
				memcpy(more, s, sizeof *s * (size_t)n);
			s = more;
		}
		s[n].id = db_col_int(st, 0);
		s[n].name = db_col_text(r, st, 1);
		s[n].city = db_col_text(r, st, 2);
		s[n].state = db_col_text(r, st, 3);
		s[n].level = db_col_text(r, st, 4);
		n++;
	}
	for (int i = 0; i < n; i++) {
		long long id = s[i].id;
		html(r, "<tr><th scope=\"row\" id=\"s-%lld\"><a href=\"/schools/%lld\">%s</a></th><td>%s, %s</td>\n",
		     id, id, s[i].name, s[i].city, s[i].state);
		choice_cell(r, e, id, "level", "c-level", level_values,
		            shown(r, e, arena_printf(&r->arena, "level_%lld", id), s[i].level));
		for (int u = 0; u < POLICY_NUSES; u++) {
			const char *use = policy_uses[u];
			choice_cell(r, e, id, use, arena_printf(&r->arena, "c-%s", use), policy_use_values(use),
			            shown(r, e, arena_printf(&r->arena, "%s_%lld", use, id), policy_consent(r, id, use)));
		}
		const char *lname = arena_printf(&r->arena, "labels_%lld", id);
		const char *err = form_error_for(e, lname);
		html_raw(r, err ? "<td class=\"has-error\">" : "<td>");
		if (err)
			html(r, "<p class=\"error\" id=\"e-%s\">%s</p>", lname, err);
		html(r, "<input type=\"text\" id=\"f-%s\" name=\"%s\" value=\"%s\" autocomplete=\"off\" size=\"14\""
		        " aria-labelledby=\"s-%lld c-labels\"", lname, lname, shown(r, e, lname, policy_labels(r, id)), id);
		if (err)
			html(r, " aria-describedby=\"h-labels e-%s\" aria-invalid=\"true\"", lname);
		else
			html_raw(r, " aria-describedby=\"h-labels\"");
		html_raw(r, "></td></tr>\n");
	}
	if (!n)
		html(r, "<tr><td colspan=\"8\">No schools belong to this nation in ilnet.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
	if (n)
		html(r, "<button type=\"submit\">Save sharing levels, uses and labels</button>\n");
	form_end(r);
	steward_boundary(r, nation);
	steward_history(r, nation);
	page_end(r);
}

void steward_page(struct req *r)
{
	steward_view(r, NULL);
}

/* A field the steward's form sends: "<kind>_<school id>". */
struct steward_field {
	const char *kind;           /* "level", "labels" or a use */
	long long school;
	const char *value;
};

static int field_parse(const char *name, const char *value, struct steward_field *out)
{
	static const char *const kinds[] = { "level", "labels", "aggregate", "map", "connect_host",
	                                     "intermediary_profile", NULL };
	for (int i = 0; kinds[i]; i++) {
		size_t n = strlen(kinds[i]);
		if (!strncmp(name, kinds[i], n) && name[n] == '_' && name[n + 1] >= '1' && name[n + 1] <= '9') {
			char *end;
			long long id = strtoll(name + n + 1, &end, 10);
			if (*end)
				return 0;
			*out = (struct steward_field){ kinds[i], id, value };
			return 1;
		}
	}
	return 0;
}

/* The codes of a parsed list as stored and shown: "TK CO; TK NC". */
static const char *labels_text(struct req *r, const struct policy_label **l, int n)
{
	/* In the list's order, as policy_labels() gives them. */
	struct buf b = {0};
	for (int i = 0; policy_label_list[i].code; i++)
		for (int k = 0; k < n; k++)
			if (l[k] == &policy_label_list[i])
				buf_printf(&b, "%s%s", b.len ? "; " : "", l[k]->code);
	char *s = arena_strdup(&r->arena, b.len ? b.p : "");
	buf_free(&b);
	return s;
}

static void steward_apply(struct req *r, const struct steward_field *f)
{
	long long id = f->school;
	if (!strcmp(f->kind, "level")) {
		char *from = db_text(r, "SELECT sharing FROM schools WHERE id = ?", "I", id);
		if (!from || !strcmp(from, f->value))
			return;
		db_exec(r, "UPDATE schools SET sharing = ?, updated_at = unixepoch() WHERE id = ?", "tI", f->value, id);
		db_exec(r, "INSERT INTO sharing_changes (school_id, changed_by, from_level, to_level)"
		           " VALUES (?, ?, ?, ?)", "IItt", id, r->user->id, from, f->value);
	} else if (!strcmp(f->kind, "labels")) {
		const struct policy_label *l[64];
		const char *bad = NULL;
		int n = policy_labels_parse(&r->arena, f->value, l, 64, &bad);
		if (n < 0)
			req_fail(r, 500, "labels checked before");
		const char *from = policy_labels(r, id), *to = labels_text(r, l, n);
		if (!strcmp(from, to))
			return;
		db_exec(r, "DELETE FROM school_labels WHERE school_id = ?", "I", id);
		for (int i = 0; i < n; i++)
			db_exec(r, "INSERT INTO school_labels (school_id, code, added_by) VALUES (?, ?, ?)", "ItI",
			        id, l[i]->code, r->user->id);
		db_exec(r, "INSERT INTO consent_changes (school_id, changed_by, use_name, from_value, to_value)"
		           " VALUES (?, ?, 'labels', ?, ?)", "IItt", id, r->user->id, from, to);
	} else {
		const char *from = policy_consent(r, id, f->kind);
		if (!strcmp(from, f->value))
			return;
		db_exec(r, "INSERT INTO school_consent (school_id, use_name, value) VALUES (?, ?, ?)"
		           " ON CONFLICT (school_id, use_name) DO UPDATE SET value = excluded.value",
		        "Itt", id, f->kind, f->value);
		db_exec(r, "INSERT INTO consent_changes (school_id, changed_by, use_name, from_value, to_value)"
		           " VALUES (?, ?, ?, ?, ?)", "IIttt", id, r->user->id, f->kind, from, f->value);
	}
}

void steward_submit(struct req *r)
{
	long long nation = r->user->nation_id;
	struct form_errors e = {0};
	/* Check and write in one transaction: nothing changes in between.
	 * Every field must name a school of this nation and a value it may
	 * take, or nothing is stored (a form with problems is answered inside
	 * the transaction, which is then rolled back). */
	db_begin(r);
	for (int i = 0; i < r->form.n; i++) {
		struct steward_field f;
		if (!field_parse(r->form.v[i].name, r->form.v[i].value, &f))
			continue;
		char *school = db_text(r, "SELECT name FROM schools WHERE id = ? AND nation_id = ?", "II", f.school, nation);
		if (!school)
			req_fail(r, 403, "not a school of the steward's nation");
		const char *field = r->form.v[i].name;
		if (!strcmp(f.kind, "level")) {
			if (!policy_level_valid(f.value))
				form_error(&e, field, arena_printf(&r->arena, "Choose private, foundation or network for %s.", school));
		} else if (!strcmp(f.kind, "labels")) {
			const struct policy_label *l[64];
			const char *bad = NULL;
			if (policy_labels_parse(&r->arena, f.value, l, 64, &bad) < 0)
				form_error(&e, field, arena_printf(&r->arena, "“%s” (for %s) is not a Local Contexts code ilnet"
				                                  " knows. Use the codes listed on this page, separated by"
				                                  " semicolons, like TK CO; TK NC.", bad, school));
		} else if (!policy_consent_valid(f.kind, f.value)) {
			form_error(&e, field, arena_printf(&r->arena, "Choose one of the offered values for “%s” for %s.",
			                                  policy_use_label(f.kind), school));
		}
	}
	if (e.n) {
		r->status = 422;
		steward_view(r, &e);
		return;
	}
	for (int i = 0; i < r->form.n; i++) {
		struct steward_field f;
		if (field_parse(r->form.v[i].name, r->form.v[i].value, &f))
			steward_apply(r, &f);
	}
	db_commit(r);
	req_redirect(r, "/steward?msg=saved");
}

/* Consent to drawing the nation's boundary (consent=yes), or its
 * withdrawal (no): only to the version the steward was shown. */
void steward_boundary_submit(struct req *r)
{
	long long nation = r->user->nation_id;
	const char *consent = req_form(r, "consent"), *v = req_form(r, "version");
	if (!consent || (strcmp(consent, "yes") && strcmp(consent, "no")))
		req_fail(r, 400, "consent is yes or no");
	int yes = !strcmp(consent, "yes");
	db_begin(r);
	if (!v || atoll(v) != boundary_version(r, nation) || !atoll(v)) {
		db_commit(r);
		req_redirect(r, "/steward?msg=changed#boundary");
		return;
	}
	int drawn = db_int(r, 0, "SELECT consent_by IS NOT NULL FROM nation_boundaries WHERE nation_id = ?", "I", nation) > 0;
	if (drawn != yes) {         /* else already so: a retried click */
		db_exec(r, "UPDATE nation_boundaries SET consent_by = CASE WHEN ?1 THEN ?2 END,"
		           " consent_at = CASE WHEN ?1 THEN unixepoch() END WHERE nation_id = ?3", "iII", yes, r->user->id, nation);
		db_exec(r, "INSERT INTO boundary_changes (nation_id, changed_by, what) VALUES (?, ?, ?)", "IIt", nation,
		        r->user->id, yes ? "consented" : "withdrawn");
	}
	db_commit(r);
	req_redirect(r, yes ? "/steward?msg=consented#boundary" : "/steward?msg=withdrawn#boundary");
}

/* ---- /steward/usage ------------------------------------------------------------ */

static const char *const role_values[] = {
	"admin", "Administrator", "staff", "Foundation staff", "intermediary", "Intermediary staff",
	"leader", "School leader", "steward", "Nation data steward", NULL,
};

struct usage_filter {
	const char *role, *what, *from, *to;    /* NULL: any */
	long page;                              /* from 1 */
};

/* The filters from the query; problems (kept as typed) go to e. */
static struct usage_filter usage_filters(struct req *r, struct form_errors *e)
{
	struct usage_filter f = { req_query(r, "role"), req_query(r, "what"), req_query(r, "from"),
	                          req_query(r, "to"), 1 };
	if (f.role && !*f.role)
		f.role = NULL;
	if (f.role && !region_valid(role_values, f.role))
		form_error(e, "role", "Choose a role from the list.");
	if (f.what && !*f.what)
		f.what = NULL;
	if (f.from && !*f.from)
		f.from = NULL;
	if (f.to && !*f.to)
		f.to = NULL;
	if (f.from && !date_valid(f.from))
		form_error(e, "from", "Enter the first day as YYYY-MM-DD, like 2026-01-31.");
	if (f.to && !date_valid(f.to))
		form_error(e, "to", "Enter the last day as YYYY-MM-DD, like 2026-01-31.");
	else if (f.from && f.to && date_valid(f.from) && strcmp(f.from, f.to) > 0)
		form_error(e, "to", "The last day cannot be before the first.");
	const char *p = req_query(r, "page");
	if (p && *p) {
		char *end;
		f.page = strtol(p, &end, 10);
		if (*end || f.page < 1 || f.page > 1000000)
			f.page = 1;
	}
	return f;
}

#define USAGE_WHERE \
	" WHERE u.nation_id = ?1 AND (?2 IS NULL OR u.role = ?2) AND (?3 IS NULL OR u.what = ?3)" \
	"   AND (?4 IS NULL OR u.at >= unixepoch(?4)) AND (?5 IS NULL OR u.at < unixepoch(?5, '+1 day'))"

/* The query string of f (for links), with page p. */
static const char *usage_query(struct req *r, const struct usage_filter *f, long p)
{
	struct buf b = {0};
	const char *names[] = { "role", "what", "from", "to" };
	const char *vals[] = { f->role, f->what, f->from, f->to };
	for (int i = 0; i < 4; i++)
		if (vals[i])
			buf_printf(&b, "%s%s=%s", b.len ? "&" : "?", names[i], url_enc(r, vals[i]));
	if (p > 1)
		buf_printf(&b, "%spage=%ld", b.len ? "&" : "?", p);
	char *s = arena_strdup(&r->arena, b.len ? b.p : "");
	buf_free(&b);
	return s;
}

static void date_field(struct req *r, const struct form_errors *e, const char *name, const char *label,
                       const char *value)
{
	const char *err = form_error_for(e, name);
	html(r, "<div class=\"field%s\"><label for=\"f-%s\">%s</label>", err ? " has-error" : "", name, label);
	if (err)
		html(r, "<p class=\"error\" id=\"e-%s\">%s</p>", name, err);
	html(r, "<input id=\"f-%s\" name=\"%s\" type=\"date\" value=\"%s\"", name, name, value ? value : "");
	if (err)
		html(r, " aria-describedby=\"e-%s\" aria-invalid=\"true\"", name);
	html(r, "></div>\n");
}

void steward_usage_page(struct req *r)
{
	long long nation = r->user->nation_id;
	char *name = db_text(r, "SELECT name FROM nations WHERE id = ?", "I", nation);
	struct form_errors e = {0};
	struct usage_filter f = usage_filters(r, &e);
	page_begin(r, "Uses of your schools' data");
	if (!name) {
		html(r, "<p>Your account is not linked to a nation yet. Ask an administrator.</p>\n");
		page_end(r);
		return;
	}
	html(r, "<p>Every page and export that included schools of <strong>%s</strong>: who, when, what (the"
	        " address, with its filters), how many of your schools, and at what precision"
	        " (<em>aggregate</em>: only counted; <em>coarse</em>: named, with community-level detail;"
	        " <em>full</em>: everything ilnet holds about them). <a href=\"/steward\">Back to data sharing</a>.</p>\n",
	     name);
	if (e.n)
		r->status = 422;
	form_error_summary(r, &e);
	filter_begin(r, "/steward/usage");
	filter_select(r, "role", "Role", "All roles", role_values, f.role);
	const char **whats = form_options(r, db_q(r, "SELECT DISTINCT what, what FROM usage_log WHERE nation_id = ?"
	                                              " ORDER BY what", "I", nation), NULL);
	filter_select(r, "what", "What", "Everything", whats, f.what);
	date_field(r, &e, "from", "From (UTC date)", f.from);
	date_field(r, &e, "to", "To (UTC date)", f.to);
	filter_end(r);
	if (e.n) {
		html(r, "<p>Correct the filters above to see the log.</p>\n");
		page_end(r);
		return;
	}
	long long total = db_int(r, 0, "SELECT count(*) FROM usage_log u" USAGE_WHERE, "Itttt",
	                         nation, f.role, f.what, f.from, f.to);
	long pages = total ? (long)((total + USAGE_PAGE - 1) / USAGE_PAGE) : 1;
	if (f.page > pages)
		f.page = pages;
	html(r, "<p class=\"exports\">%lld use%s match. <a href=\"/steward/usage.csv%s\">Download them (CSV)</a>.</p>\n",
	     total, total == 1 ? "" : "s", usage_query(r, &f, 1));
	sqlite3_stmt *st = db_q(r,
	    "SELECT u.at, coalesce(us.name, ''), u.role, u.what, u.address, u.nschools, u.precision"
	    "  FROM usage_log u LEFT JOIN users us ON us.id = u.user_id" USAGE_WHERE
	    " ORDER BY u.id DESC LIMIT ?6 OFFSET ?7", "IttttiI", nation, f.role, f.what, f.from, f.to,
	    USAGE_PAGE, (long long)(f.page - 1) * USAGE_PAGE);
	table_begin(r, NULL, arena_printf(&r->arena, "Uses, newest first (page %ld of %ld)", f.page, pages));
	html(r, "<thead><tr>"
	        "<th scope=\"col\">When (UTC)</th><th scope=\"col\">Who</th><th scope=\"col\">Role</th>"
	        "<th scope=\"col\">What</th><th scope=\"col\">Address</th><th scope=\"col\">Schools</th>"
	        "<th scope=\"col\">Precision</th></tr></thead>\n<tbody>\n");
	int n = 0;
	while (db_step(r, st)) {
		n++;
		html(r, "<tr><td class=\"date\">%s</td><td>%s</td><td>%s</td><td>%s</td><td class=\"address\"><code>%s</code></td>"
		        "<td class=\"num\">%lld</td><td>%s</td></tr>\n", utc_text(r, db_col_int(st, 0)),
		     db_col_text(r, st, 1), region_label(role_values, db_col_text(r, st, 2)), db_col_text(r, st, 3),
		     db_col_text(r, st, 4), db_col_int(st, 5), db_col_text(r, st, 6));
	}
	if (!n)
		html(r, "<tr><td colspan=\"7\">No use matches.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
	if (pages > 1) {
		html(r, "<nav aria-label=\"Pages of the log\"><ul class=\"pager\">\n");
		if (f.page > 1)
			html(r, "<li><a href=\"/steward/usage%s\" rel=\"prev\">Newer uses</a></li>\n",
			     usage_query(r, &f, f.page - 1));
		if (f.page < pages)
			html(r, "<li><a href=\"/steward/usage%s\" rel=\"next\">Older uses</a></li>\n",
			     usage_query(r, &f, f.page + 1));
		html(r, "</ul></nav>\n");
	}
	page_end(r);
}

void steward_usage_csv(struct req *r)
{
	struct form_errors e = {0};
	struct usage_filter f = usage_filters(r, &e);
	if (e.n)
		req_fail(r, 400, e.v[0].msg);
	r->content_type = "text/csv; charset=utf-8";
	req_header(r, "Content-Disposition", "attachment; filename=\"ilnet-usage.csv\"");
	static const char *const cols[] = { "at_utc", "user_id", "user", "role", "what", "address", "schools",
	                                    "precision", NULL };
	for (int i = 0; cols[i]; i++)
		csv_field(&r->body, cols[i], i == 0);
	csv_end(&r->body);
	sqlite3_stmt *st = db_q(r,
	    "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', u.at, 'unixepoch'), coalesce(u.user_id, ''), coalesce(us.name, ''),"
	    "       u.role, u.what, u.address, u.nschools, u.precision"
	    "  FROM usage_log u LEFT JOIN users us ON us.id = u.user_id" USAGE_WHERE " ORDER BY u.id DESC",
	    "Itttt", r->user->nation_id, f.role, f.what, f.from, f.to);
	while (db_step(r, st)) {
		for (int i = 0; i < 8; i++)
			csv_field(&r->body, db_col_text(r, st, i), i == 0);
		csv_end(&r->body);
	}
}

/* ---- leaders ------------------------------------------------------------- */

/* /steward/leaders: who leads the nation's schools.  A school leader reads
 * the school in full, so nobody but the nation's steward links one to a
 * private school (admins and staff cannot: people.c): linking here is the
 * steward's consent, recorded in the audit log. */
static void leaders_view(struct req *r, const struct form_errors *e)
{
	long long nation = r->user->nation_id;
	page_begin(r, "Leaders of your schools");
	const char *msg = req_query(r, "msg");
	if (msg && (!e || !e->n)) {
		if (!strcmp(msg, "linked")) page_notice(r, "Linked. They can answer the scan for the school now.");
		else if (!strcmp(msg, "invited")) page_notice(r, "Invited: the invitation is in the outbox.");
		else if (!strcmp(msg, "unlinked")) page_notice(r, "Unlinked. They no longer see the school.");
	}
	html(r, "<p>A school's leaders read everything about it and answer the scan for it. Only you link"
	        " leaders to your nation's schools.</p>\n<p><a href=\"/steward\">Back to data sharing</a></p>\n");
	table_begin(r, NULL, "Leaders, school by school");
	html(r, "<thead><tr>"
	        "<th scope=\"col\">School</th><th scope=\"col\">Leader</th><th scope=\"col\">Email</th>"
	        "<th scope=\"col\"><span class=\"visually-hidden\">Action</span></th></tr></thead>\n<tbody>\n");
	sqlite3_stmt *st = db_q(r, "SELECT s.id, s.name, u.id, u.name, u.email FROM schools s"
	                           " JOIN user_schools us ON us.school_id = s.id JOIN users u ON u.id = us.user_id"
	                           " WHERE s.nation_id = ? AND u.role = 'leader' ORDER BY s.name, u.name", "I", nation);
	int n = 0;
	while (db_step(r, st)) {
		n++;
		html(r, "<tr><td>%s</td><td>%s</td><td>%s</td><td>", db_col_text(r, st, 1), db_col_text(r, st, 3),
		     db_col_text(r, st, 4));
		form_begin(r, "/steward/leaders");
		html(r, "<input type=\"hidden\" name=\"action\" value=\"unlink\"><input type=\"hidden\" name=\"user\""
		        " value=\"%lld\"><input type=\"hidden\" name=\"school\" value=\"%lld\"><button type=\"submit\""
		        " class=\"secondary\">Unlink<span class=\"visually-hidden\"> %s from %s</span></button>\n",
		     db_col_int(st, 2), db_col_int(st, 0), db_col_text(r, st, 3), db_col_text(r, st, 1));
		form_end(r);
		html(r, "</td></tr>\n");
	}
	if (!n)
		html(r, "<tr><td colspan=\"4\">No leaders are linked to your nation's schools yet.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
	html(r, "<h2>Link a leader</h2>\n");
	form_error_summary(r, e);
	form_begin_create(r, "/steward/leaders");
	html(r, "<input type=\"hidden\" name=\"action\" value=\"link\">\n");
	form_select(r, e, "school", "School", form_options(r, db_q(r, "SELECT id, name || ' (' || city || ')'"
	            " FROM schools WHERE nation_id = ? ORDER BY name", "I", nation), "— choose —"),
	            req_form(r, "school"), NULL);
	form_input(r, e, "name", "Their name", "text", req_form(r, "name"), "off", NULL, 1, LEN_PERSON_NAME);
	form_input(r, e, "email", "Their email address", "email", req_form(r, "email"), "off",
	           "Someone new gets an invitation to choose a password; a leader already in ilnet is linked"
	           " at once.", 1, LEN_EMAIL);
	html(r, "<button type=\"submit\">Link this leader</button>\n");
	form_end(r);
	page_end(r);
}

void steward_leaders_page(struct req *r)
{
	leaders_view(r, NULL);
}

void steward_leaders_submit(struct req *r)
{
	long long nation = r->user->nation_id;
	const char *action = req_form(r, "action");
	long long school = atoll(req_form(r, "school") ? req_form(r, "school") : "0");
	int ours = school && db_int(r, 0, "SELECT 1 FROM schools WHERE id = ? AND nation_id = ?", "II", school, nation);
	if (action && !strcmp(action, "unlink")) {
		long long uid = atoll(req_form(r, "user") ? req_form(r, "user") : "0");
		if (!ours)
			req_fail(r, 404, "not a school of the nation");
		db_begin(r);
		if (!db_exec(r, "DELETE FROM user_schools WHERE user_id = ? AND school_id = ?", "II", uid, school))
			req_fail(r, 409, "not linked");
		db_exec(r, "INSERT INTO audit (user_id, action, detail) VALUES (?, 'steward-unlink', ?)", "It",
		        r->user->id, arena_printf(&r->arena, "user %lld from school %lld", uid, school));
		db_commit(r);
		req_redirect(r, "/steward/leaders?msg=unlinked");
		return;
	}
	if (!action || strcmp(action, "link"))
		req_fail(r, 400, "unknown action");
	const char *name = req_form(r, "name"), *email = req_form(r, "email");
	struct form_errors e = {0};
	if (!ours)
		form_error(&e, "school", "Choose one of your nation's schools.");
	size_t nlen = utf8_chars(name);
	if (!nlen || nlen > LEN_PERSON_NAME)
		form_error(&e, "name", nlen ? "Use at most 120 characters for the name." : "Enter the person's name.");
	if (!mail_address_ok(email))
		form_error(&e, "email", "Enter an email address, like name@example.org.");
	const char *role = email ? db_text(r, "SELECT role FROM users WHERE email = ?", "t", email) : NULL;
	if (role && strcmp(role, "leader"))
		form_error(&e, "email", "This address belongs to an account that is not a school leader's; an"
		                        " administrator can change its role first.");
	if (e.n) {
		r->status = 422;
		leaders_view(r, &e);
		return;
	}
	db_begin(r);
	long long uid = db_int(r, 0, "SELECT id FROM users WHERE email = ?", "t", email);
	int invite = !uid;
	if (invite) {
		db_exec(r, "INSERT INTO users (email, name, role) VALUES (?, ?, 'leader')", "tt", email, name);
		uid = db_last_id(r);
		people_invite_mail(r, uid, email, name);
	}
	db_exec(r, "INSERT OR IGNORE INTO user_schools (user_id, school_id) VALUES (?, ?)", "II", uid, school);
	db_exec(r, "INSERT INTO audit (user_id, action, detail) VALUES (?, 'steward-link', ?)", "It",
	        r->user->id, arena_printf(&r->arena, "user %lld to school %lld%s", uid, school,
	                                  invite ? " (invited)" : ""));
	db_commit(r);
	req_redirect(r, invite ? "/steward/leaders?msg=invited" : "/steward/leaders?msg=linked");
}
