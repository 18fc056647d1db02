/* connect.c — /connect: site visits to observe practice.
 *
 * A school's leaders publish opportunities to visit (/connect/host); any
 * leader, or intermediary staff bringing a team from a school they serve,
 * asks for seats (/connect/opportunities/{id}); the host confirms or
 * declines, moves or cancels; each request has its page
 * (/connect/requests/{id}).  The ledger and its mail are seats.c.
 *
 * What a viewer sees of a host goes through the visibility policy: an
 * opportunity is shown only to a viewer who may see its school, and only
 * while the school's steward allows it to be suggested as a host
 * ("connect_host").  A visiting school is named to the host only as far as
 * the policy lets the host see it.
 */
#include "auth.h"
#include "chart.h"
#include "csv.h"
#include "db.h"
#include "grant.h"
#include "handlers.h"
#include "html.h"
#include "ical.h"
#include "layout.h"
#include "mail.h"
#include "money.h"
#include "policy.h"
#include "region.h"
#include "req.h"
#include "seats.h"
#include "survey.h"
#include "usage.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_WEEKS 52            /* a weekly pattern makes at most a year of dates */
#define TEXT_MAX 2000

/* The schools served today by the viewer's organization (bind org twice). */
#define SERVED_SQL \
	" SELECT gs.school_id FROM grant_schools gs JOIN grants g ON g.id = gs.grant_id" \
	" WHERE g.org_id = ? AND ? > 0 AND g.stage = 'active' AND gs.from_date <= date('now')" \
	"   AND (gs.to_date IS NULL OR gs.to_date >= date('now'))"


static const char *form_or(struct req *r, const char *name, const char *dflt)
{
	const char *v = req_form(r, name);
	return v ? v : dflt;
}

static int leads(struct req *r, long long school)
{
	return r->user->role == ROLE_LEADER &&
	       db_int(r, 0, "SELECT 1 FROM user_schools WHERE user_id = ? AND school_id = ?", "II", r->user->id, school);
}

/* The schools a user hosts for: those they lead, and those whose leaders
 * named them (school_hosts).  Bind the user's id to ?1. */
#define HOSTED_SQL \
	" SELECT school_id FROM user_schools WHERE user_id = ?1" \
	" UNION SELECT h.school_id FROM school_hosts h JOIN schools hs ON hs.id = h.school_id" \
	"   WHERE h.user_id = ?1 AND hs.sharing <> 'private'"

/* The viewer hosts for school: one of its leaders, or named by them. */
static int hosts(struct req *r, long long school)
{
	return r->user->role == ROLE_LEADER &&
	       db_int(r, 0, "SELECT 1 FROM (" HOSTED_SQL ") WHERE school_id = ?2", "II", r->user->id, school);
}

/* The viewer may see the host and its steward lets it host. */
static int host_shown(struct req *r, long long school)
{
	return policy_school(r, school) != VIS_HIDDEN && policy_consents(r, school, "connect_host");
}

/* A school's name as this viewer may read it. */
static const char *school_name_for(struct req *r, long long school)
{
	if (policy_school(r, school) == VIS_HIDDEN)
		return "A school whose nation keeps its name private";
	return db_text(r, "SELECT name || ' (' || city || ', ' || state_code || ')' FROM schools WHERE id = ?", "I", school);
}

/* Value/label pairs of the schools the viewer may book for: a leader's
 * own, or those an intermediary's organization serves (as the policy
 * lets it see them); never the host itself. */
static const char **visitor_schools(struct req *r, long long host)
{
	sqlite3_stmt *st = db_q(r,
	    "SELECT s.id, s.name || ' (' || s.city || ', ' || s.state_code || ')', " POLICY_COLUMNS
	    "  FROM schools s WHERE s.id <> ?3 AND (s.id IN (SELECT school_id FROM user_schools WHERE user_id = ?1)"
	    "    OR s.id IN (" SERVED_SQL "))"
	    " ORDER BY s.name COLLATE natural_sort", "IIIII", r->user->id, r->user->org_id, host, r->user->org_id,
	    r->user->org_id);
	struct pairs opts = {0};
	while (db_step(r, st))
		if (policy_row(r, st, 2) != VIS_HIDDEN)
			pairs_add(r, &opts, db_col_text(r, st, 0), db_col_text(r, st, 1));
	return pairs_end(r, &opts);
}

/* 1 when v is one of the '\n'-separated lines of list. */
static int has_line(const char *list, const char *v)
{
	size_t n = strlen(v);
	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && !memcmp(p, v, n))
			return 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

static int in_pairs(const char *const *pairs, const char *v)
{
	for (int i = 0; v && pairs[i]; i += 2)
		if (!strcmp(pairs[i], v))
			return 1;
	return 0;
}

/* The values of a repeated form field that are in pairs, '\n'-joined. */
static const char *chosen(struct req *r, const char *name, const char *const *pairs, int *n)
{
	struct buf b = BUF_IN(&r->arena);
	*n = 0;
	for (int k = 0; k < r->form.n; k++)
		if (!strcmp(r->form.v[k].name, name) && in_pairs(pairs, r->form.v[k].value) &&
		    !has_line(b.p, r->form.v[k].value)) {
			buf_printf(&b, "%s%s", b.len ? "\n" : "", r->form.v[k].value);
			++*n;
		}
	char *s = arena_strdup(&r->arena, b.len ? b.p : "");
	buf_free(&b);
	return s;
}

/* ---- the scan's practice lists -------------------------------------------- */

static const struct instrument *instrument_latest(struct req *r)
{
	long long id = db_int(r, 0, "SELECT coalesce((SELECT instrument_id FROM scan_cycles ORDER BY year DESC LIMIT 1),"
	                            " (SELECT max(id) FROM instruments))", "");
	return id ? survey_get(r, id) : NULL;
}

/* Value/label pairs of the practices of one dimension. */
static const char *const *practices_of(struct req *r, const struct instrument *in, const char *dim)
{
	const struct question *q = in ? survey_question(in, arena_printf(&r->arena, "%s_practices", dim)) : NULL;
	int n = q ? q->noptions : 0;
	const char **pairs = arena_alloc(&r->arena, sizeof *pairs * (size_t)(2 * n + 1));
	for (int i = 0; i < n; i++) {
		pairs[2 * i] = q->options[i].value;
		pairs[2 * i + 1] = q->options[i].label;
	}
	pairs[2 * n] = NULL;
	return pairs;
}

/* The practices of each of the three dimensions: read once for a list. */
struct practices {
	const char *const *pairs[3];
};

static void practices_all(struct req *r, const struct instrument *in, struct practices *p)
{
	for (int d = 0; d < 3; d++)
		p->pairs[d] = practices_of(r, in, grant_dimensions[2 * d]);
}

static const char *practice_labels(struct req *r, const struct practices *all, const char *values)
{
	const char *const *const *pairs = all->pairs;
	struct buf b = BUF_IN(&r->arena);
	for (const char *p = values; p && *p;) {
		const char *e = strchr(p, '\n');
		char *one = arena_strndup(&r->arena, p, e ? (size_t)(e - p) : strlen(p));
		const char *label = one;
		for (int d = 0; d < 3; d++)
			if (*region_label(pairs[d], one))
				label = region_label(pairs[d], one);
		buf_printf(&b, "%s%s", b.len ? "; " : "", label);
		p = e ? e + 1 : NULL;
	}
	char *s = arena_strdup(&r->arena, b.len ? b.p : "");
	buf_free(&b);
	return s;
}

/* ---- /connect --------------------------------------------------------------- */

static void my_requests(struct req *r, const char *vtz)
{
	sqlite3_stmt *st = db_q(r,
	    "SELECT b.id, o.starts_at, o.tz, o.school_id, b.school_id, b.party, b.status"
	    "  FROM bookings b JOIN opportunities o ON o.id = b.opportunity_id"
	    " WHERE (b.requested_by = ?1 OR b.school_id IN (SELECT school_id FROM user_schools WHERE user_id = ?1))"
	    "   AND o.starts_at > unixepoch() - 30 * 86400"
	    " ORDER BY o.starts_at, b.id LIMIT 201", "I", r->user->id);
	struct { long long id, at, host, school; const char *tz, *status; int party; } row[200];
	int n = 0, more = 0;
	while (db_step(r, st))
		if (n == 200) {
			more = 1;               /* said below the table, not dropped unsaid */
		} else {
			row[n].id = db_col_int(st, 0);
			row[n].at = db_col_int(st, 1);
			row[n].tz = db_col_text(r, st, 2);
			row[n].host = db_col_int(st, 3);
			row[n].school = db_col_int(st, 4);
			row[n].party = (int)db_col_int(st, 5);
			row[n].status = db_col_text(r, st, 6);
			n++;
		}
	if (!n)
		return;
	html(r, "<h2>Your requests</h2>\n");
	table_begin(r, NULL, "Site visits you asked for, soonest first");
	html(r, "<thead><tr><th scope=\"col\">When</th><th scope=\"col\">Host</th><th scope=\"col\">For</th>"
	        "<th scope=\"col\">Party</th><th scope=\"col\">Status</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++)
		html(r, "<tr><td class=\"when\">%s</td><td>%s</td><td>%s</td><td class=\"num\">%d</td>"
		        "<td><a href=\"/connect/requests/%lld\">%s</a></td></tr>\n",
		     seats_when(r, row[i].at, row[i].tz, vtz), school_name_for(r, row[i].host), school_name_for(r, row[i].school),
		     row[i].party, row[i].id, seats_status_label(row[i].status));
	html(r, "</tbody>\n");
	table_end(r);
	if (more)
		html(r, "<p class=\"hint\">Only your 200 soonest requests are listed; later ones appear as these pass.</p>\n");
}

/* ---- suggestions ------------------------------------------------------------- */

#define SUGGEST_WEEKS 10
#define SUGGEST_SHOWN 5

struct need {
	int year;                   /* of the scan read; 0: none */
	int weakest;                /* index into grant_dimensions pairs (0, 2, 4), -1 unknown */
	int score;                  /* the school's score there */
	const char *practices;      /* what it marked in that dimension ('\n'-joined) */
	int wants_observing;        /* it asked for opportunities to observe practice */
	int scores[3];              /* by dimension, -1 unknown */
	double lat, lon;
	int located;
};

/* What the visiting school's latest submitted scan says it needs. */
static void need_of(struct req *r, long long school, struct need *n)
{
	memset(n, 0, sizeof *n);
	n->weakest = -1;
	n->scores[0] = n->scores[1] = n->scores[2] = -1;
	sqlite3_stmt *st = db_q(r, "SELECT lat, lon, lat IS NOT NULL AND lon IS NOT NULL FROM schools WHERE id = ?",
	                        "I", school);
	if (db_step(r, st)) {
		n->lat = sqlite3_column_double(st, 0);
		n->lon = sqlite3_column_double(st, 1);
		n->located = (int)db_col_int(st, 2);
		sqlite3_reset(st);
	}
	st = db_q(r, "SELECT x.id, c.year, c.instrument_id FROM responses x JOIN scan_cycles c ON c.id = x.cycle_id"
	             " WHERE x.school_id = ? AND x.status = 'submitted' ORDER BY c.year DESC LIMIT 1", "I", school);
	if (!db_step(r, st))
		return;
	long long rid = db_col_int(st, 0);
	n->year = (int)db_col_int(st, 1);
	long long inst = db_col_int(st, 2);
	sqlite3_reset(st);
	const struct instrument *in = survey_get(r, inst);
	struct answers a = {0};
	survey_load_answers(r, rid, &a);
	n->score = 101;
	for (int d = 0; in && grant_dimensions[d]; d += 2) {
		int sc = survey_score(in, &a, grant_dimensions[d]);
		n->scores[d / 2] = sc;
		if (sc >= 0 && sc < n->score) {
			n->score = sc;
			n->weakest = d;
		}
	}
	if (n->weakest >= 0) {
		const char *v = answers_get(&a, arena_printf(&r->arena, "%s_practices", grant_dimensions[n->weakest]));
		n->practices = v ? v : "";
	}
	const char *sup = answers_get(&a, "supports_needed");
	n->wants_observing = sup && answer_has(sup, "observe");
}

static double km_between(double lat1, double lon1, double lat2, double lon2)
{
	const double rad = 3.14159265358979323846 / 180;
	double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
	double h = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
	return 2 * 6371 * asin(sqrt(h));
}

struct pick {
	long long opp, at;
	const char *tz, *school, *practices;
	double score, km;
	int left, match;
};

static int by_score(const void *a, const void *b)
{
	const struct pick *x = a, *y = b;
	return x->score < y->score ? 1 : x->score > y->score ? -1 : (x->at > y->at) - (x->at < y->at);
}

/* The practices on show in pairs that the visitor has not marked: how
 * many, and their labels into lack (may be NULL). */
static int lacking(const char *const *pairs, const char *shown, const char *marked, struct buf *lack)
{
	int n = 0;
	for (int i = 0; pairs[i]; i += 2)
		if (has_line(shown, pairs[i]) && !has_line(marked, pairs[i])) {
			if (lack)
				buf_printf(lack, "%s%s", n ? "; " : "", pairs[i + 1]);
			n++;
		}
	return n;
}

/* Why a pick is suggested, in plain words. */
static const char *why_of(struct req *r, const struct need *n, const char *const *pairs, const struct pick *k)
{
	struct buf why = BUF_IN(&r->arena), lack = BUF_IN(&r->arena);
	if (k->match)
		buf_printf(&why, "Shows %s, your school's lowest-scoring dimension in the %d scan.",
		           grant_dimensions[n->weakest + 1], n->year);
	if (k->match && lacking(pairs, k->practices, n->practices, &lack))
		buf_printf(&why, " Practices you have not marked there: %s.", buf_str(&lack));
	if (k->km >= 0) {
		int minutes = (int)(k->km * 1.2 / 90 * 60 + 0.5);      /* roads wind: a fifth more, at 90 km/h */
		buf_printf(&why, "%s%.0f km away (about %s by road).", why.len ? " " : "", k->km,
		           minutes < 60 ? arena_printf(&r->arena, "%d min", minutes < 5 ? 5 : minutes)
		                        : arena_printf(&r->arena, "%d h %02d min", minutes / 60, minutes % 60));
	}
	buf_printf(&why, "%s%d seat%s left.", why.len ? " " : "", k->left, k->left == 1 ? "" : "s");
	const char *out = arena_strdup(&r->arena, buf_str(&why));
	buf_free(&why);
	buf_free(&lack);
	return out;
}

/* Open visits in the coming weeks, ranked for school `school` by how well
 * what they show meets its need, their nearness and their open seats, each
 * with its reason.  What ranks a host is only what the viewer may see of
 * it: the visit as published, its location at the precision the policy
 * gives, and its scan score only when the viewer sees the school in full
 * (never a private school's, whose scores the viewer may not read). */
static void suggestions(struct req *r, long long school, const char *vtz)
{
	struct need n;
	need_of(r, school, &n);
	const struct instrument *in = instrument_latest(r);
	const char *const *pairs = n.weakest >= 0 ? practices_of(r, in, grant_dimensions[n.weakest]) : NULL;
	const char *role = role_name(r->user->role);
	long long now = (long long)time(NULL);
	sqlite3_stmt *st = db_q(r,
	    "SELECT o.id, o.starts_at, o.tz, o.seats - o.held, o.dimensions, o.practices, s.id, s.name, s.city,"
	    "       s.state_code, s.lat, s.lon, s.lat IS NOT NULL AND s.lon IS NOT NULL, " POLICY_COLUMNS
	    "  FROM opportunities o JOIN schools s ON s.id = o.school_id"
	    " WHERE o.status = 'open' AND o.starts_at > ?3 AND o.starts_at < ?3 + ?4 * 7 * 86400"
	    "   AND o.seats > o.held AND o.school_id <> ?5 AND " POLICY_CONNECT_HOST_OK
	    "   AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.opportunity_id = o.id AND b.school_id = ?5"
	    "     AND b.status IN ('pending', 'confirmed', 'waitlisted', 'offered'))"
	    "   AND " POLICY_VISIBLE_SQL("?6", "?1", "?2", "?7")
	    " ORDER BY o.starts_at",
	    "IIIiItI", r->user->id, r->user->org_id, now, SUGGEST_WEEKS, school, role, r->user->nation_id);
	/* Every visit is ranked: a better match later in the weeks must not
	 * be cut for a nearer one. */
	struct pick *p = NULL;
	int np = 0, cap = 0;
	struct usage_tally used = {0};
	long long last_host = 0;
	int host_score = -1;
	while (db_step(r, st)) {
		enum vis v = policy_row(r, st, 13);
		if (v == VIS_HIDDEN)
			continue;
		long long host = db_col_int(st, 6);
		usage_count_school(r, &used, host, db_col_int(st, 13), v);
		p = arena_grow(&r->arena, p, np, &cap, sizeof *p);
		struct pick *k = &p[np++];
		k->match = n.weakest >= 0 && has_line(db_col_view(st, 4), grant_dimensions[n.weakest]);
		k->practices = db_col_text(r, st, 5);
		if (host != last_host) {            /* a host's score, read once for its run of visits */
			host_score = -1;
			if (n.weakest >= 0 && v == VIS_FULL) {
				struct need h;
				need_of(r, host, &h);
				host_score = h.scores[n.weakest / 2];
			}
			last_host = host;
		}
		k->km = -1;
		if (n.located && db_col_int(st, 12)) {
			double lat = sqlite3_column_double(st, 10), lon = sqlite3_column_double(st, 11);
			if (v != VIS_FULL) {
				lat = policy_coarse(lat);
				lon = policy_coarse(lon);
			}
			k->km = km_between(n.lat, n.lon, lat, lon);
		}
		k->opp = db_col_int(st, 0);
		k->at = db_col_int(st, 1);
		k->tz = db_col_text(r, st, 2);
		k->left = (int)db_col_int(st, 3);
		k->school = arena_printf(&r->arena, "%s, %s, %s", db_col_view(st, 7), db_col_view(st, 8), db_col_view(st, 9));
		k->score = seats_match_score(k->match, k->match ? host_score : -1,
		                             k->match ? lacking(pairs, k->practices, n.practices, NULL) : 0, k->km, k->left);
	}
	usage_flush(r, &used, "connect suggestions");
	if (np)
		qsort(p, (size_t)np, sizeof *p, by_score);
	html(r, "<h2 id=\"suggested\">Suggested for %s</h2>\n", school_name_for(r, school));
	if (n.weakest >= 0)
		html(r, "<p>From your %d scan: %s is where your school scored lowest (%d of 100)%s. These visits in the next"
		        " %d weeks show it best, nearest first among equals.</p>\n", n.year, grant_dimensions[n.weakest + 1],
		     n.score, n.wants_observing ? ", and you asked for opportunities to observe practice" : "", SUGGEST_WEEKS);
	else
		html(r, "<p>Once this school's scan is submitted, suggestions follow what it needs most. Meanwhile, these are"
		        " the nearest visits with seats in the next %d weeks.</p>\n", SUGGEST_WEEKS);
	if (!np) {
		html(r, "<p>No visit with open seats in the next %d weeks. Browse all visits below, or ask again later.</p>\n",
		     SUGGEST_WEEKS);
		return;
	}
	html(r, "<ol class=\"suggestions\">\n");
	for (int i = 0; i < np && i < SUGGEST_SHOWN; i++)
		html(r, "<li><a href=\"/connect/opportunities/%lld?school=%lld\">%s</a> at %s<br><span class=\"muted\">%s</span>"
		        "</li>\n", p[i].opp, school, seats_when(r, p[i].at, p[i].tz, vtz), p[i].school, why_of(r, &n, pairs, &p[i]));
	html(r, "</ol>\n");
}

/* The open visits /connect lists for the viewer (a pre-filter over the
 * hosts it may see, as the list's own). */
static long long connect_count(struct req *r, long long now, const char *dim, const char *state)
{
	/* Counted per host first: each host's school and consent are read
	 * once, not once per visit it offers. */
	return db_int(r, 0,
	    "SELECT coalesce(sum(o.n), 0) FROM (SELECT school_id, count(*) AS n FROM opportunities"
	    "   WHERE status = 'open' AND starts_at > ?1"
	    "     AND (?2 = '' OR instr(char(10) || dimensions || char(10), char(10) || ?2 || char(10)) > 0)"
	    "   GROUP BY school_id) o JOIN schools s ON s.id = o.school_id"
	    " WHERE " POLICY_CONNECT_HOST_OK " AND (?3 = '' OR s.state_code = ?3) AND "
	    POLICY_VISIBLE_SQL("?4", "?5", "?6", "?7"),
	    "ItttIII", now, dim, state, role_name(r->user->role), r->user->id, r->user->org_id,
	    r->user->nation_id);
}

void connect_page(struct req *r)
{
	const char *vtz = seats_viewer_tz(r);
	page_begin(r, "Connect: site visits");
	html(r, "<p class=\"lead\">Observing individualized learning in action is one of the supports leaders say helps"
	        " most. Find a school that shows what you want to see, and ask for seats for your team.</p>\n");
	if (r->user->role == ROLE_LEADER)
		html(r, "<p><a class=\"button secondary\" href=\"/connect/host\">Host a site visit at your school</a></p>\n");
	if (r->user->role == ROLE_ADMIN || r->user->role == ROLE_STAFF)
		html(r, "<p><a href=\"/connect/report\">How the network visits: months, hosts, ties across lines</a></p>\n");
	if (r->user->role == ROLE_LEADER || r->user->role == ROLE_INTERMEDIARY) {
		const char **mine = visitor_schools(r, 0);
		const char *for_school = req_query(r, "school");
		if (!in_pairs(mine, for_school))
			for_school = mine[0];
		if (for_school) {
			if (mine[2]) {
				/* Suggestions for another school: a GET form, no script needed. */
				html(r, "<form method=\"get\" action=\"/connect#suggested\" class=\"filters\">\n<div class=\"field\">"
				        "<label for=\"f-for\">Suggest visits for</label><select id=\"f-for\" name=\"school\">\n");
				for (int i = 0; mine[i]; i += 2)
					html(r, "<option value=\"%s\"%s>%s</option>\n", mine[i], !strcmp(mine[i], for_school) ? " selected" : "",
					     mine[i + 1]);
				html(r, "</select></div>\n<button type=\"submit\" class=\"secondary\">Suggest</button>\n</form>\n");
			}
			suggestions(r, atoll(for_school), vtz);
		}
		my_requests(r, vtz);
	}

	const char *dim = req_query(r, "dimension"), *state = req_query(r, "state");
	if (!in_pairs(grant_dimensions, dim))
		dim = "";
	if (!in_pairs(region_states, state))
		state = "";
	html(r, "<h2>Coming site visits</h2>\n");
	filter_begin(r, "/connect");
	filter_select(r, "dimension", "Dimension", "Any dimension", grant_dimensions, dim);
	filter_select(r, "state", "State", "Any state", region_states, state);
	filter_end(r);

	/* Counted and paged in SQL over hosts the viewer may see (a pre-filter);
	 * policy_row() still decides every row shown. */
	const char *role = role_name(r->user->role);
	long long now = (long long)time(NULL);
	struct pager pg;
	pager_init(r, &pg);
	/* The first page, when the list does not fill it, is its own count
	 * (the count reads the rows the list reads); else it is counted first. */
	int counted = pg.page > 1;
	if (counted)
		pager_total(&pg, connect_count(r, now, dim, state));
	/* Staff and admins: the same decisions without the ties' subqueries. */
#define CONNECT_LIST_SQL(columns) \
	    "SELECT o.id, o.starts_at, o.tz, o.minutes, o.seats - o.held, o.dimensions, o.practices, s.id, s.name," \
	    "       s.city, s.state_code, o.confirm, " columns \
	    "  FROM opportunities o JOIN schools s ON s.id = o.school_id" \
	    " WHERE o.status = 'open' AND o.starts_at > ?3 AND " POLICY_CONNECT_HOST_OK \
	    "   AND (?4 = '' OR instr(char(10) || o.dimensions || char(10), char(10) || ?4 || char(10)) > 0)" \
	    "   AND (?5 = '' OR s.state_code = ?5) AND " POLICY_VISIBLE_SQL("?6", "?1", "?2", "?7") \
	    " ORDER BY o.starts_at, o.id LIMIT ?8 OFFSET ?9"
	sqlite3_stmt *st = db_q(r,
	    policy_staff_view(r->user) ? CONNECT_LIST_SQL(POLICY_STAFF_COLUMNS) : CONNECT_LIST_SQL(POLICY_COLUMNS),
	    "IIItttIII", r->user->id, r->user->org_id, now, dim, state, role, r->user->nation_id,
	    pager_limit(&pg), pager_offset(&pg));
	table_begin(r, NULL, "Open site visits, soonest first (times at the host)");
	html(r, "<thead><tr><th scope=\"col\">When</th><th scope=\"col\">Host</th><th scope=\"col\">Dimensions</th>"
	        "<th scope=\"col\">Practices on show</th><th scope=\"col\">Seats left</th></tr></thead>\n<tbody>\n");
	struct practices all;
	practices_all(r, instrument_latest(r), &all);
	int n = 0, read = 0;
	struct usage_tally used = {0};
	while (db_step(r, st)) {
		read++;
		enum vis v = policy_row(r, st, 12);
		if (v == VIS_HIDDEN)
			continue;
		usage_count_school(r, &used, db_col_int(st, 7), db_col_int(st, 12), v);
		n++;
		long long left = db_col_int(st, 4);
		html(r, "<tr><td class=\"when\"><a href=\"/connect/opportunities/%lld\">%s</a></td><td>%s<br><span class=\"muted\">"
		        "%s, %s</span></td><td>%s</td><td>%s</td><td class=\"num\">%s</td></tr>\n",
		     db_col_int(st, 0), seats_when(r, db_col_int(st, 1), db_col_text(r, st, 2), vtz), db_col_text(r, st, 8),
		     db_col_text(r, st, 9), db_col_text(r, st, 10), region_labels(&r->arena, grant_dimensions, db_col_text(r, st, 5)),
		     practice_labels(r, &all, db_col_text(r, st, 6)), left > 0 ? arena_printf(&r->arena, "%lld", left) : "Full (waitlist)");
	}
	if (!n)
		html(r, "<tr><td colspan=\"5\">No open site visits match. Try another dimension or state.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
	usage_flush(r, &used, "connect");
	if (!counted)
		pager_total(&pg, read < pager_limit(&pg) ? read : connect_count(r, now, dim, state));
	static const char *const keep[] = { "dimension", "state", NULL };
	pager_nav(r, &pg, "/connect", keep, "Pages of site visits", "site visits");
	page_end(r);
}

/* ---- /connect/opportunities/{id} -------------------------------------------- */

static void opp_facts(struct req *r, const struct opp *o, const char *vtz)
{
	int left = o->seats - o->held;
	html(r, "<dl class=\"facts\">\n<dt>When</dt><dd>%s</dd>\n<dt>Length</dt><dd>%d minutes</dd>\n"
	        "<dt>Host</dt><dd>%s%s%s%s%s</dd>\n<dt>Dimensions</dt><dd>%s</dd>\n",
	     seats_when(r, o->starts_at, o->tz, vtz), o->minutes, o->school, *o->city ? ", " : "", o->city,
	     *o->state ? ", " : "", o->state,
	     region_labels(&r->arena, grant_dimensions, o->dimensions));
	if (*o->practices) {
		struct practices all;
		practices_all(r, instrument_latest(r), &all);
		html(r, "<dt>Practices on show</dt><dd>%s</dd>\n", practice_labels(r, &all, o->practices));
	}
	if (*o->grades)
		html(r, "<dt>Grades</dt><dd>%s</dd>\n", o->grades);
	html(r, "<dt>Seats</dt><dd>%s</dd>\n<dt>Requests</dt><dd>%s</dd>\n",
	     !strcmp(o->status, "cancelled") ? "Cancelled by the host"
	     : left > 0 ? arena_printf(&r->arena, "%d of %d left", left, o->seats)
	                : arena_printf(&r->arena, "All %d taken: requests join the waitlist", o->seats),
	     !strcmp(o->confirm, "auto") ? "Confirmed at once"
	     : arena_printf(&r->arena, "Confirmed by the host, who answers within %d hours (or the request lapses)",
	                    o->answer_hours));
	if (*o->expect)
		html(r, "<dt>What to expect</dt><dd class=\"pre\">%s</dd>\n", o->expect);
	if (*o->arrive)
		html(r, "<dt>How to arrive</dt><dd class=\"pre\">%s</dd>\n", o->arrive);
	if (*o->access)
		html(r, "<dt>Accessibility</dt><dd class=\"pre\">%s</dd>\n", o->access);
	html(r, "</dl>\n");
}

static void request_form(struct req *r, const struct opp *o, const struct form_errors *e)
{
	if (r->user->role != ROLE_LEADER && r->user->role != ROLE_INTERMEDIARY)
		return;
	html(r, "<h2 id=\"ask\">Ask for seats</h2>\n");
	if (strcmp(o->status, "open") || o->starts_at <= (long long)time(NULL)) {
		html(r, "<p>This site visit no longer takes requests.</p>\n");
		return;
	}
	const char **schools = visitor_schools(r, o->school_id);
	if (!schools[0]) {
		html(r, "<p>You can ask for seats for a school you lead%s; you have none to ask for here.</p>\n",
		     r->user->role == ROLE_INTERMEDIARY ? " or your organization serves" : "");
		return;
	}
	int full = o->seats - o->held <= 0 ||
	           db_int(r, 0, "SELECT count(*) FROM bookings WHERE opportunity_id = ? AND status IN ('waitlisted', 'offered')",
	                  "I", o->id) > 0;
	form_error_summary(r, e);
	form_begin_create(r, arena_printf(&r->arena, "/connect/opportunities/%lld/request", o->id));
	form_select(r, e, "school", "Visiting school", schools, req_param(r, "school"), NULL);
	form_input(r, e, "party", "How many people", "number", form_or(r, "party", "1"), "off", "From 1 to 20.", 1, 0);
	form_textarea(r, e, "names", "Who is coming", req_form(r, "names"), 4, TEXT_MAX,
	              "One name a line, as many names as people. The host sees them.");
	form_textarea(r, e, "note", "A note to the host (optional)", req_form(r, "note"), 3, TEXT_MAX,
	              "What you hope to see, or anything the host should know.");
	if (full || (e && form_error_for(e, "waitlist"))) {
		html(r, "<div class=\"field%s\"><div class=\"choice\"><input type=\"checkbox\" id=\"f-waitlist\" name=\"waitlist\""
		        " value=\"1\"%s><label for=\"f-waitlist\">Put us on the waitlist if there is no room</label></div>",
		     form_error_for(e, "waitlist") ? " has-error" : "", req_form(r, "waitlist") || full ? " checked" : "");
		if (form_error_for(e, "waitlist"))
			html(r, "<p class=\"error\" id=\"e-waitlist\">%s</p>", form_error_for(e, "waitlist"));
		html(r, "</div>\n<p class=\"hint\">The visit is full. If seats free up, they are offered to the first on the"
		        " waitlist whose party fits, for %d hours.</p>\n", SEATS_OFFER_HOURS);
	}
	html(r, "<button type=\"submit\">%s</button>\n", full ? "Join the waitlist" : "Ask for seats");
	form_end(r);
}

static void host_panel(struct req *r, const struct opp *o, const struct form_errors *e)
{
	sqlite3_stmt *st = db_q(r, "SELECT id, school_id, party, names, note, status, created_at FROM bookings"
	                           " WHERE opportunity_id = ? ORDER BY status NOT IN ('pending', 'offered', 'confirmed',"
	                           " 'waitlisted'), id", "I", o->id);
	struct { long long id, school, at; int party; const char *names, *note, *status; } row[256];
	int n = 0;
	while (db_step(r, st))
		if (n < 256) {
			row[n].id = db_col_int(st, 0);
			row[n].school = db_col_int(st, 1);
			row[n].party = (int)db_col_int(st, 2);
			row[n].names = db_col_text(r, st, 3);
			row[n].note = db_col_text(r, st, 4);
			row[n].status = db_col_text(r, st, 5);
			row[n].at = db_col_int(st, 6);
			n++;
		}
	html(r, "<h2>Requests</h2>\n");
	table_begin(r, NULL, "Requests for this visit, live ones first");
	html(r, "<thead><tr><th scope=\"col\">Visiting school</th><th scope=\"col\">Party</th>"
	        "<th scope=\"col\">Who</th><th scope=\"col\">Note</th><th scope=\"col\">Status</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++)
		html(r, "<tr><td>%s</td><td class=\"num\">%d</td><td class=\"pre\">%s</td><td class=\"pre\">%s</td>"
		        "<td><a href=\"/connect/requests/%lld\">%s</a></td></tr>\n",
		     school_name_for(r, row[i].school), row[i].party, row[i].names, row[i].note, row[i].id,
		     !strcmp(row[i].status, "pending") ? "Waiting for your answer" : seats_status_label(row[i].status));
	if (!n)
		html(r, "<tr><td colspan=\"5\">No requests yet.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
	if (strcmp(o->status, "open"))
		return;
	html(r, "<h2 id=\"move\">Move this visit</h2>\n<p>Every visitor's request moves with it, and each is told by mail"
	        " with an updated invitation.</p>\n");
	form_error_summary(r, e);
	form_begin(r, arena_printf(&r->arena, "/connect/opportunities/%lld", o->id));
	html(r, "<input type=\"hidden\" name=\"action\" value=\"move\">\n");
	form_input(r, e, "date", "New date", "date", form_or(r, "date", o->date), "off",
	           arena_printf(&r->arena, "In the school's time zone: %s.", region_label(region_time_zones, o->tz)), 1, 0);
	form_input(r, e, "time", "New start time", "time", form_or(r, "time", o->time), "off", "24-hour, like 09:30.", 1, 0);
	html(r, "<button type=\"submit\" class=\"secondary\">Move the visit</button>\n");
	form_end(r);
	html(r, "<h2>Cancel this visit</h2>\n");
	form_begin(r, arena_printf(&r->arena, "/connect/opportunities/%lld", o->id));
	html(r, "<input type=\"hidden\" name=\"action\" value=\"cancel\">\n"
	        "<button type=\"submit\" class=\"secondary\">Cancel the visit…</button>\n");
	form_end(r);
}

static int opp_shown(struct req *r, long long id, struct opp *o)
{
	return seats_opp(r, id, o) && (hosts(r, o->school_id) || host_shown(r, o->school_id));
}

static void opp_view(struct req *r, const struct opp *o, const struct form_errors *ask, const struct form_errors *move)
{
	const char *vtz = seats_viewer_tz(r);
	page_begin(r, arena_printf(&r->arena, "Site visit at %s", o->school));
	const char *msg = req_query(r, "msg");
	if (msg && !strcmp(msg, "published"))
		page_notice(r, "Published. Leaders across the network can now ask for seats.");
	else if (msg && !strcmp(msg, "moved"))
		page_notice(r, "Moved. Every visitor has been told.");
	else if (msg && !strcmp(msg, "cancelled"))
		page_notice(r, "Cancelled. Every visitor has been told.");
	opp_facts(r, o, vtz);
	struct usage_tally used = {0};
	usage_count_school(r, &used, o->school_id,
	                   db_int(r, 0, "SELECT coalesce(nation_id, 0) FROM schools WHERE id = ?", "I", o->school_id),
	                   policy_school(r, o->school_id));
	usage_flush(r, &used, "connect");
	if (hosts(r, o->school_id))
		host_panel(r, o, move);
	else
		request_form(r, o, ask);
	html(r, "<p><a href=\"/connect\">All site visits</a></p>\n");
	page_end(r);
}

void connect_opportunity_page(struct req *r)
{
	struct opp o;
	if (!opp_shown(r, r->ids[0], &o))
		req_fail(r, 404, "no such opportunity");
	opp_view(r, &o, NULL, NULL);
}

/* Lines of text that are not blank. */
static int name_lines(const char *s, size_t *longest)
{
	int n = 0;
	*longest = 0;
	for (const char *p = s; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p), c = 0, blank = 1;
		for (size_t i = 0; i < len; i++) {
			if ((p[i] & 0xC0) != 0x80)
				c++;
			if (p[i] != ' ' && p[i] != '\r' && p[i] != '\t')
				blank = 0;
		}
		if (!blank)
			n++;
		if (c > *longest)
			*longest = c;
		p = e ? e + 1 : NULL;
	}
	return n;
}

void connect_request_submit(struct req *r)
{
	struct opp o;
	if (!opp_shown(r, r->ids[0], &o) || hosts(r, o.school_id))
		req_fail(r, 404, "no such opportunity");
	struct form_errors e = {0};
	const char *school = req_form(r, "school");
	if (!in_pairs(visitor_schools(r, o.school_id), school))
		form_error(&e, "school", "Choose a school you lead or serve.");
	const char *party_s = req_form(r, "party");
	char *end = NULL;
	long party = party_s ? strtol(party_s, &end, 10) : 0;
	if (!party_s || !*party_s || *end || party < 1 || party > 20)
		form_error(&e, "party", "Enter how many people are coming, a whole number from 1 to 20.");
	const char *names = form_or(r, "names", ""), *note = form_or(r, "note", "");
	size_t longest;
	int lines = name_lines(names, &longest);
	if (utf8_chars(names) > TEXT_MAX)
		form_error(&e, "names", arena_printf(&r->arena, "Shorten the names to %d characters (they have %zu).",
		                                     TEXT_MAX, utf8_chars(names)));
	else if (longest > 120)
		form_error(&e, "names", "Write one name a line, each at most 120 characters.");
	else if (!e.n && lines != party)
		form_error(&e, "names", arena_printf(&r->arena, "Write %ld name%s, one a line: %d %s given.", party,
		                                     party == 1 ? "" : "s", lines, lines == 1 ? "is" : "are"));
	if (utf8_chars(note) > TEXT_MAX)
		form_error(&e, "note", arena_printf(&r->arena, "Shorten the note to %d characters (it has %zu).", TEXT_MAX,
		                                    utf8_chars(note)));
	if (e.n) {
		r->status = 422;
		opp_view(r, &o, &e, NULL);
		return;
	}
	db_begin(r);
	long long id = 0;
	enum seats_outcome out = seats_request(r, &o, atoll(school), (int)party, names, note,
	                                       req_form(r, "waitlist") != NULL, &id);
	if (out == SEATS_BOOKED || out == SEATS_WAITLISTED) {
		db_commit(r);
		req_redirect(r, arena_printf(&r->arena, "/connect/requests/%lld?msg=%s", id,
		                             out == SEATS_BOOKED ? "asked" : "waitlisted"));
		return;
	}
	db_request_done(r->db);        /* nothing was stored */
	if (out == SEATS_FULL)
		form_error(&e, "waitlist", "There is no longer room for your party. Tick the box to join the waitlist.");
	else if (out == SEATS_TWICE)
		form_error(&e, "school", "This school already has a request for this visit: see it under Your requests on"
		                         " the Connect page.");
	else
		form_error(&e, "school", "This site visit no longer takes requests.");
	seats_opp(r, o.id, &o);
	r->status = 409;
	opp_view(r, &o, &e, NULL);
}

/* A page that asks before something that cannot be undone. */
static void confirm_page(struct req *r, const char *title, const char *what, const char *action,
                         const char *verb, const char *back, int with_message)
{
	page_begin(r, title);
	html(r, "<p>%s</p>\n", what);
	form_begin(r, action);
	html(r, "<input type=\"hidden\" name=\"action\" value=\"%s\"><input type=\"hidden\" name=\"sure\" value=\"1\">\n",
	     req_form(r, "action"));
	if (with_message)
		form_textarea(r, NULL, "reply", "A message to the visitors (optional)", req_form(r, "reply"), 3, TEXT_MAX,
		              "Sent with the notice.");
	html(r, "<div class=\"actions\"><button type=\"submit\">%s</button> <a href=\"%s\">Keep it and go back</a></div>\n",
	     verb, back);
	form_end(r);
	page_end(r);
}

void connect_opportunity_submit(struct req *r)
{
	struct opp o;
	if (!seats_opp(r, r->ids[0], &o) || !hosts(r, o.school_id))
		req_fail(r, 404, "no such opportunity");
	const char *action = form_or(r, "action", "");
	const char *back = arena_printf(&r->arena, "/connect/opportunities/%lld", o.id);
	if (strcmp(o.status, "open"))
		req_fail(r, 409, "this visit is cancelled");
	if (!strcmp(action, "cancel")) {
		if (!req_form(r, "sure")) {
			long long live = db_int(r, 0, "SELECT count(*) FROM bookings WHERE opportunity_id = ? AND status IN"
			                              " ('pending', 'confirmed', 'waitlisted', 'offered')", "I", o.id);
			confirm_page(r, "Cancel this site visit?",
			             arena_printf(&r->arena, "Cancelling the visit on %s also cancels its %lld live request%s;"
			                          " each visitor is told by mail. This cannot be undone.",
			                          seats_when(r, o.starts_at, o.tz, NULL), live, live == 1 ? "" : "s"),
			             back, "Cancel the visit", back, 1);
			return;
		}
		const char *reply = form_or(r, "reply", "");
		if (utf8_chars(reply) > TEXT_MAX)
			req_fail(r, 422, "message too long");
		db_begin(r);
		seats_cancel_opportunity(r, &o, reply);
		db_commit(r);
		req_redirect(r, arena_printf(&r->arena, "%s?msg=cancelled", back));
		return;
	}
	if (strcmp(action, "move"))
		req_fail(r, 400, "unknown action");
	struct form_errors e = {0};
	const char *date = req_form(r, "date"), *time_s = req_form(r, "time");
	long long at = 0;
	if (!date_valid(date))
		form_error(&e, "date", "Enter the date as YYYY-MM-DD.");
	else if (!time_s || !*time_s)
		form_error(&e, "time", "Enter the start time, like 09:30.");
	else if (!local_to_utc(date, time_s, o.tz, &at))
		form_error(&e, "time", "That time does not exist there: clocks skip from 2:00 to 3:00 that night. Choose"
		                       " another time.");
	else if (at <= (long long)time(NULL))
		form_error(&e, "date", "Choose a time still to come.");
	if (e.n) {
		r->status = 422;
		opp_view(r, &o, NULL, &e);
		return;
	}
	db_begin(r);
	seats_move(r, &o, date, time_s, at);
	db_commit(r);
	req_redirect(r, arena_printf(&r->arena, "%s?msg=moved", back));
}

/* ---- /connect/requests/{id} ------------------------------------------------- */

struct seen {
	struct booking b;
	struct opp o;
	int visitor, host;
};

/* The booking, for its requester, its school's leaders and its host's. */
static void booking_for(struct req *r, long long id, struct seen *s)
{
	if (!seats_booking(r, id, &s->b) || !seats_opp(r, s->b.opp_id, &s->o))
		req_fail(r, 404, "no such request");
	s->visitor = s->b.requested_by == r->user->id || leads(r, s->b.school_id);
	s->host = hosts(r, s->o.school_id);
	if (!s->visitor && !s->host)
		req_fail(r, 404, "no such request");
	/* A host its visitor may no longer see (its steward narrowed its
	 * sharing since): the request stays theirs, the host unnamed. */
	if (!s->host && policy_school(r, s->o.school_id) == VIS_HIDDEN) {
		s->o.school = "A school whose nation keeps its name private";
		s->o.city = s->o.state = "";
	}
}

/* After a confirmed visit has begun: what the visitors saw and will try,
 * by dimension, and the host's notes; each side writes its own part. */
static void reflection_view(struct req *r, struct seen *s)
{
	if (strcmp(s->b.status, "confirmed") || s->o.starts_at > (long long)time(NULL))
		return;
	const char *dims = "", *saw = "", *will = "", *notes = "";
	sqlite3_stmt *st = db_q(r, "SELECT dimensions, saw, will_try, host_notes FROM visit_reflections WHERE booking_id = ?",
	                        "I", s->b.id);
	if (db_step(r, st)) {
		dims = db_col_text(r, st, 0);
		saw = db_col_text(r, st, 1);
		will = db_col_text(r, st, 2);
		notes = db_col_text(r, st, 3);
		sqlite3_reset(st);
	}
	html(r, "<h2 id=\"after\">After the visit</h2>\n");
	const char *action = arena_printf(&r->arena, "/connect/requests/%lld", s->b.id);
	if (s->visitor) {
		/* Checked as stored, unless the form came back with a problem. */
		if (!req_form(r, "action"))
			for (const char *p = dims; *p;) {
				const char *e = strchr(p, '\n');
				params_add(&r->arena, &r->form, "dimensions", p, e ? (size_t)(e - p) : strlen(p));
				p = e ? e + 1 : p + strlen(p);
			}
		form_begin(r, action);
		html(r, "<input type=\"hidden\" name=\"action\" value=\"reflect\">\n");
		form_choices(r, NULL, "dimensions", "What you observed", grant_dimensions, "checkbox", NULL);
		form_textarea(r, NULL, "saw", "What you saw", req_form(r, "saw") ? req_form(r, "saw") : saw, 4, 4000, NULL);
		form_textarea(r, NULL, "will_try", "What you will try", req_form(r, "will_try") ? req_form(r, "will_try") : will,
		              4, 4000, "Shared with the host, and with the foundation as a tie between your schools.");
		html(r, "<button type=\"submit\">Save</button>\n");
		form_end(r);
		if (*notes)
			html(r, "<h3>The host's notes</h3>\n<p class=\"pre\">%s</p>\n", notes);
	} else {
		html(r, "<dl class=\"facts\"><dt>Observed</dt><dd>%s</dd><dt>What they saw</dt><dd class=\"pre\">%s</dd>"
		        "<dt>What they will try</dt><dd class=\"pre\">%s</dd></dl>\n", region_labels(&r->arena, grant_dimensions, dims),
		     *saw ? saw : "Not written yet.", *will ? will : "Not written yet.");
		form_begin(r, action);
		html(r, "<input type=\"hidden\" name=\"action\" value=\"notes\">\n");
		form_textarea(r, NULL, "host_notes", "Your notes", req_form(r, "host_notes") ? req_form(r, "host_notes") : notes,
		              4, 4000, "What went well, what you would change; the visitors read them.");
		html(r, "<button type=\"submit\">Save</button>\n");
		form_end(r);
	}
}

static void booking_view(struct req *r, struct seen *s)
{
	const char *vtz = seats_viewer_tz(r);
	page_begin(r, "Your request for a site visit");
	const char *msg = req_query(r, "msg");
	static const char *const notices[] = {
		"asked", "Your request is in. You will hear by mail, with an invitation for your calendar.",
		"waitlisted", "The visit is full, so you are on the waitlist. You will hear by mail if seats free up.",
		"changed", "Done. Everyone concerned has been told by mail.",
		"saved", "Saved.", NULL,
	};
	for (int i = 0; msg && notices[i]; i += 2)
		if (!strcmp(msg, notices[i]))
			page_notice(r, notices[i + 1]);
	const struct booking *b = &s->b;
	html(r, "<p class=\"status\">%s%s</p>\n", s->host && !strcmp(b->status, "pending") ? "Waiting for your answer"
	                                         : seats_status_label(b->status),
	     !strcmp(b->status, "pending") || !strcmp(b->status, "offered")
	         ? arena_printf(&r->arena, " (held until %s)", seats_when(r, b->hold_until, s->o.tz, vtz)) : "");
	html(r, "<dl class=\"facts\">\n<dt>Visiting school</dt><dd>%s</dd>\n<dt>Party</dt><dd>%d</dd>\n"
	        "<dt>Who is coming</dt><dd class=\"pre\">%s</dd>\n",
	     school_name_for(r, b->school_id), b->party, b->names);
	if (*b->note)
		html(r, "<dt>Note to the host</dt><dd class=\"pre\">%s</dd>\n", b->note);
	if (*b->reply)
		html(r, "<dt>The host says</dt><dd class=\"pre\">%s</dd>\n", b->reply);
	html(r, "</dl>\n<h2>The visit</h2>\n");
	opp_facts(r, &s->o, vtz);
	html(r, "<p><a href=\"/connect/opportunities/%lld\">The visit's page</a></p>\n", s->o.id);

	const char *action = arena_printf(&r->arena, "/connect/requests/%lld", b->id);
	int open = !strcmp(s->o.status, "open") && s->o.starts_at > (long long)time(NULL);
	if (s->host && open && (!strcmp(b->status, "pending") || !strcmp(b->status, "waitlisted"))) {
		html(r, "<h2>Your answer</h2>\n");
		form_begin(r, action);
		form_textarea(r, NULL, "reply", "A message to the visitor (optional)", req_form(r, "reply"), 3, TEXT_MAX,
		              "Sent with your answer: directions, a contact, a reason.");
		html(r, "<div class=\"actions\">");
		if (!strcmp(b->status, "pending"))
			html(r, "<button type=\"submit\" name=\"action\" value=\"confirm\">Confirm</button> ");
		html(r, "<button type=\"submit\" name=\"action\" value=\"decline\" class=\"secondary\">Decline…</button></div>\n");
		form_end(r);
	}
	if (s->visitor && open && !strcmp(b->status, "offered")) {
		form_begin(r, action);
		html(r, "<input type=\"hidden\" name=\"action\" value=\"accept\"><button type=\"submit\">Take the seats"
		        "</button>\n");
		form_end(r);
	}
	if (s->visitor && seats_live(b->status)) {
		form_begin(r, action);
		html(r, "<input type=\"hidden\" name=\"action\" value=\"cancel\"><button type=\"submit\" class=\"secondary\">"
		        "Cancel our request…</button>\n");
		form_end(r);
	}

	reflection_view(r, s);
	html(r, "<h2>History</h2>\n<ul>\n");
	sqlite3_stmt *st = db_q(r, "SELECT at, action, detail FROM booking_events WHERE booking_id = ? ORDER BY id",
	                        "I", b->id);
	while (db_step(r, st)) {
		char when[40];
		utc_to_local(db_col_int(st, 0), vtz, when, sizeof when);
		const char *detail = db_col_text(r, st, 2);
		html(r, "<li><span class=\"when\">%s</span>: %s%s%s</li>\n", when, db_col_text(r, st, 1), *detail ? " — " : "",
		     detail);
	}
	html(r, "</ul>\n");
	page_end(r);
}

void connect_booking_page(struct req *r)
{
	struct seen s;
	booking_for(r, r->ids[0], &s);
	booking_view(r, &s);
}

static void reflect_submit(struct req *r, struct seen *s)
{
	int host = !strcmp(req_form(r, "action"), "notes");
	if ((host ? !s->host : !s->visitor) || strcmp(s->b.status, "confirmed") ||
	    s->o.starts_at > (long long)time(NULL))
		req_fail(r, 409, "not yet a visit to write about");
	static const char *const fields[] = { "saw", "will_try", "host_notes", NULL };
	for (int i = 0; fields[i]; i++)
		if (utf8_chars(req_form(r, fields[i])) > 4000)
			req_fail(r, 422, "text too long");      /* the browser keeps to maxlength */
	int n;
	const char *dims = chosen(r, "dimensions", grant_dimensions, &n);
	db_begin(r);
	if (host)
		db_exec(r, "INSERT INTO visit_reflections (booking_id, host_notes, host_by, host_at) VALUES (?, ?, ?, unixepoch())"
		           " ON CONFLICT (booking_id) DO UPDATE SET host_notes = excluded.host_notes,"
		           " host_by = excluded.host_by, host_at = excluded.host_at",
		        "ItI", s->b.id, form_or(r, "host_notes", ""), r->user->id);
	else
		db_exec(r, "INSERT INTO visit_reflections (booking_id, dimensions, saw, will_try, visitor_by, visitor_at)"
		           " VALUES (?, ?, ?, ?, ?, unixepoch()) ON CONFLICT (booking_id) DO UPDATE SET"
		           " dimensions = excluded.dimensions, saw = excluded.saw, will_try = excluded.will_try,"
		           " visitor_by = excluded.visitor_by, visitor_at = excluded.visitor_at",
		        "ItttI", s->b.id, dims, form_or(r, "saw", ""), form_or(r, "will_try", ""),
		        r->user->id);
	db_commit(r);
	req_redirect(r, arena_printf(&r->arena, "/connect/requests/%lld?msg=saved#after", s->b.id));
}

void connect_booking_submit(struct req *r)
{
	struct seen s;
	booking_for(r, r->ids[0], &s);
	const char *action = form_or(r, "action", ""), *reply = form_or(r, "reply", "");
	const char *back = arena_printf(&r->arena, "/connect/requests/%lld", s.b.id);
	const char *to = NULL;
	if (utf8_chars(reply) > TEXT_MAX)
		req_fail(r, 422, "message too long");
	if (!strcmp(action, "reflect") || !strcmp(action, "notes")) {
		reflect_submit(r, &s);
		return;
	}
	if (s.host && !strcmp(action, "confirm"))
		to = "confirmed";
	else if (s.host && !strcmp(action, "decline"))
		to = "declined";
	else if (s.visitor && !strcmp(action, "accept"))
		to = !strcmp(s.o.confirm, "auto") ? "confirmed" : "pending";
	else if (s.visitor && !strcmp(action, "cancel"))
		to = "cancelled";
	else
		req_fail(r, 403, "not an action for you");
	if (!strcmp(to, "declined") && !req_form(r, "sure")) {
		confirm_page(r, "Decline this request?", "The visitor is told by mail, with your message, and their seats are"
		             " freed for the waitlist. This cannot be undone.", back, "Decline the request", back, 1);
		return;
	}
	if (!strcmp(to, "cancelled") && !req_form(r, "sure")) {
		confirm_page(r, "Cancel your request?", arena_printf(&r->arena, "Your %d seat%s at the visit on %s are freed"
		             " for others; only your own request is cancelled. This cannot be undone.", s.b.party,
		             s.b.party == 1 ? "" : "s", seats_when(r, s.o.starts_at, s.o.tz, NULL)),
		             back, "Cancel our request", back, 0);
		return;
	}
	db_begin(r);
	if (!seats_change(r, s.b.id, to, s.host && *reply ? reply : NULL)) {
		db_request_done(r->db);
		req_fail(r, 409, "this request can no longer be changed that way");
	}
	db_commit(r);
	req_redirect(r, arena_printf(&r->arena, "%s?msg=changed", back));
}

/* ---- /connect/host ------------------------------------------------------------ */

static const char *const confirm_modes[] = {
	"auto", "Confirm requests at once, while seats last",
	"host", "I confirm each request myself", NULL,
};

/* The schools the viewer leads that their stewards let host. */
static const char **host_schools(struct req *r, int *refused)
{
	sqlite3_stmt *st = db_q(r, "SELECT s.id, s.name || ' (' || s.city || ', ' || s.state_code || ')', "
	                           POLICY_CONNECT_HOST_OK " FROM schools s WHERE s.id IN (" HOSTED_SQL ")"
	                           " ORDER BY s.name COLLATE natural_sort", "I", r->user->id);
	struct pairs opts = {0};
	*refused = 0;
	while (db_step(r, st)) {
		if (db_col_int(st, 2))
			pairs_add(r, &opts, db_col_text(r, st, 0), db_col_text(r, st, 1));
		else
			++*refused;
	}
	return pairs_end(r, &opts);
}

/* Who hosts with the viewer: for each school they lead (not private), the
 * colleagues its leaders named, and a form to name one more. */
static void host_people(struct req *r, const struct form_errors *e)
{
	sqlite3_stmt *st = db_q(r, "SELECT s.id, s.name FROM schools s JOIN user_schools us ON us.school_id = s.id"
	                           " WHERE us.user_id = ? AND s.sharing <> 'private' ORDER BY s.name COLLATE natural_sort",
	                        "I", r->user->id);
	struct { long long id; const char *name; } sc[32];
	int n = 0;
	while (db_step(r, st))
		if (n < 32) {
			sc[n].id = db_col_int(st, 0);
			sc[n].name = db_col_text(r, st, 1);
			n++;
		}
	if (!n)
		return;
	html(r, "<h2 id=\"people\">Who hosts with you</h2>\n<p>A colleague with an ilnet account can publish visits for"
	        " your school and answer its requests. Name them here.</p>\n");
	for (int i = 0; i < n; i++) {
		st = db_q(r, "SELECT u.id, u.name, u.email FROM school_hosts h JOIN users u ON u.id = h.user_id"
		             " WHERE h.school_id = ? ORDER BY u.name COLLATE natural_sort", "I", sc[i].id);
		html(r, "<h3>%s</h3>\n<ul>\n", sc[i].name);
		int k = 0;
		while (db_step(r, st)) {
			k++;
			html(r, "<li>%s (%s) ", db_col_text(r, st, 1), db_col_text(r, st, 2));
			form_begin(r, "/connect/host/people");
			html(r, "<input type=\"hidden\" name=\"school\" value=\"%lld\"><input type=\"hidden\" name=\"user\""
			        " value=\"%lld\"><button type=\"submit\" name=\"action\" value=\"remove\" class=\"link\">Remove"
			        "<span class=\"visually-hidden\"> %s</span></button>\n", sc[i].id, db_col_int(st, 0),
			     db_col_text(r, st, 1));
			form_end(r);
			html(r, "</li>\n");
		}
		if (!k)
			html(r, "<li>Only its leaders.</li>\n");
		html(r, "</ul>\n");
	}
	form_error_summary(r, e);
	form_begin(r, "/connect/host/people");
	const char **opts = arena_alloc(&r->arena, sizeof *opts * (size_t)(2 * n + 1));
	for (int i = 0; i < n; i++) {
		opts[2 * i] = arena_printf(&r->arena, "%lld", sc[i].id);
		opts[2 * i + 1] = sc[i].name;
	}
	opts[2 * n] = NULL;
	form_select(r, NULL, "school", "For", opts, req_form(r, "school"), NULL);
	form_input(r, e, "email", "Their email address", "email", req_form(r, "email"), "off",
	           "They need an ilnet account as a school leader.", 1, LEN_EMAIL);
	html(r, "<button type=\"submit\" name=\"action\" value=\"add\" class=\"secondary\">Name them</button>\n");
	form_end(r);
}

static void host_view(struct req *r, const struct form_errors *e, const struct form_errors *people)
{
	page_begin(r, "Host a site visit");
	const char *msg = req_query(r, "msg");
	if (msg && !strcmp(msg, "published") && (!e || !e->n))
		page_notice(r, "Published. Leaders across the network can now ask for seats.");
	else if (msg && !strcmp(msg, "hosts") && (!e || !e->n))
		page_notice(r, "Saved: who hosts with you.");
	int refused;
	const char **schools = host_schools(r, &refused);
	html(r, "<h2>Your site visits</h2>\n");
	sqlite3_stmt *st = db_q(r,
	    "SELECT o.id, o.starts_at, o.tz, s.name, o.held, o.seats, o.status,"
	    "       (SELECT count(*) FROM bookings b WHERE b.opportunity_id = o.id AND b.status = 'pending')"
	    "  FROM opportunities o JOIN schools s ON s.id = o.school_id"
	    " WHERE o.school_id IN (" HOSTED_SQL ")"
	    "   AND o.starts_at > unixepoch() - 7 * 86400 ORDER BY o.starts_at, o.id LIMIT 201", "I", r->user->id);
	table_begin(r, NULL, "Published visits, soonest first");
	html(r, "<thead><tr>"
	        "<th scope=\"col\">When</th><th scope=\"col\">School</th><th scope=\"col\">Seats taken</th>"
	        "<th scope=\"col\">Waiting for your answer</th><th scope=\"col\">Status</th></tr></thead>\n<tbody>\n");
	int n = 0, more = 0;
	while (db_step(r, st)) {
		if (n == 200) {
			more = 1;
			break;
		}
		n++;
		html(r, "<tr><td class=\"when\"><a href=\"/connect/opportunities/%lld\">%s</a></td><td>%s</td>"
		        "<td class=\"num\">%lld of %lld</td><td class=\"num\">%lld</td><td>%s</td></tr>\n",
		     db_col_int(st, 0), seats_when(r, db_col_int(st, 1), db_col_text(r, st, 2), NULL), db_col_text(r, st, 3),
		     db_col_int(st, 4), db_col_int(st, 5), db_col_int(st, 7),
		     !strcmp(db_col_view(st, 6), "open") ? "Open" : "Cancelled");
	}
	if (!n)
		html(r, "<tr><td colspan=\"5\">None yet.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
	if (more)
		html(r, "<p class=\"hint\">Only the 200 soonest are listed; later ones appear as these pass.</p>\n");

	host_people(r, people);
	html(r, "<h2 id=\"publish\">Publish a visit</h2>\n");
	if (refused)
		html(r, "<p>%d of your schools cannot host through ilnet: the data steward of the school's nation has not"
		        " allowed it to be suggested as a host. Ask them on their Data sharing page.</p>\n", refused);
	if (!schools[0]) {
		page_end(r);
		return;
	}
	const struct instrument *in = instrument_latest(r);
	form_error_summary(r, e);
	form_begin_create(r, "/connect/host");
	form_select(r, e, "school", "School", schools, req_form(r, "school"), NULL);
	form_input(r, e, "date", "Date", "date", req_form(r, "date"), "off", "In the school's own time zone.", 1, 0);
	form_input(r, e, "time", "Start time", "time", req_form(r, "time"), "off", "24-hour, like 09:30.", 1, 0);
	form_input(r, e, "minutes", "Length in minutes", "number", form_or(r, "minutes", "120"), "off",
	           "From 15 to 600.", 1, 0);
	form_input(r, e, "seats", "Seats", "number", form_or(r, "seats", "6"), "off",
	           "How many visitors you can welcome, from 1 to 100.", 1, 0);
	form_choices(r, e, "dimensions", "Dimensions visitors will see", grant_dimensions, "checkbox",
	             "Choose at least one.");
	for (int d = 0; grant_dimensions[d]; d += 2)
		form_choices(r, e, "practices", arena_printf(&r->arena, "Practices on show: %s",
		                                                grant_dimensions[d + 1]),
		             practices_of(r, in, grant_dimensions[d]), "checkbox", NULL);
	form_input(r, e, "grades", "Grades visitors will see", "text", req_form(r, "grades"), "off",
	           "For example K-5, or 9-12. Optional.", 0, 100);
	form_textarea(r, e, "expect", "What to expect", req_form(r, "expect"), 4, TEXT_MAX,
	              "The classrooms, the schedule, who visitors will talk with.");
	form_textarea(r, e, "arrive", "How to arrive", req_form(r, "arrive"), 3, TEXT_MAX,
	              "Address, parking, where to sign in.");
	form_textarea(r, e, "access", "Accessibility", req_form(r, "access"), 3, TEXT_MAX,
	              "Steps, elevators, quiet rooms, anything a visitor may need to know.");
	form_choices(r, e, "confirm", "Requests", confirm_modes, "radio", NULL);
	form_input(r, e, "answer_hours", "Hours you take to answer a request", "number", form_or(r, "answer_hours", "72"),
	           "off", "When you confirm requests yourself: an unanswered request lapses after this long and frees its"
	           " seats. From 1 to 336.", 0, 0);
	html(r, "<fieldset class=\"field\"><legend>Repeat weekly (optional)</legend>\n");
	form_input(r, e, "until", "Repeat every week until", "date", req_form(r, "until"), "off",
	           "The same weekday and time, up to a year.", 0, 0);
	form_textarea(r, e, "skip", "Skip these dates", req_form(r, "skip"), 2, 1000,
	              "Holidays and testing weeks: dates as YYYY-MM-DD, separated by spaces, commas or lines.");
	html(r, "</fieldset>\n<button type=\"submit\">Publish</button>\n");
	form_end(r);
	page_end(r);
}

void connect_host_page(struct req *r)
{
	host_view(r, NULL, NULL);
}

static long number_in(const char *s, long lo, long hi)
{
	char *end = NULL;
	long v = s && *s ? strtol(s, &end, 10) : lo - 1;
	return !end || *end || v < lo || v > hi ? lo - 1 : v;
}

void connect_host_submit(struct req *r)
{
	struct form_errors e = {0};
	int refused;
	const char *school = req_form(r, "school");
	if (!in_pairs(host_schools(r, &refused), school))
		form_error(&e, "school", "Choose a school you lead that may host.");
	long long sid = school ? atoll(school) : 0;
	const char *tz = sid ? db_text(r, "SELECT tz FROM schools WHERE id = ?", "I", sid) : NULL;
	const char *date = req_form(r, "date"), *time_s = req_form(r, "time");
	long long now = (long long)time(NULL), at = 0;
	if (!date_valid(date))
		form_error(&e, "date", "Enter the date as YYYY-MM-DD.");
	else if (!time_s || !*time_s)
		form_error(&e, "time", "Enter the start time, like 09:30.");
	else if (tz && !local_to_utc(date, time_s, tz, &at))
		form_error(&e, "time", "That time does not exist at the school: clocks skip from 2:00 to 3:00 that night."
		                       " Choose another time.");
	else if (tz && at <= now)
		form_error(&e, "date", "Choose a time still to come.");
	long minutes = number_in(req_form(r, "minutes"), 15, 600), seats = number_in(req_form(r, "seats"), 1, 100);
	if (minutes < 15)
		form_error(&e, "minutes", "Enter the length in whole minutes, from 15 to 600.");
	if (seats < 1)
		form_error(&e, "seats", "Enter the seats, a whole number from 1 to 100.");
	int ndims, nprac = 0;
	const char *dims = chosen(r, "dimensions", grant_dimensions, &ndims);
	if (!ndims)
		form_error(&e, "dimensions", "Choose at least one dimension visitors will see.");
	struct buf prac = BUF_IN(&r->arena);
	const struct instrument *in = instrument_latest(r);
	for (int d = 0; grant_dimensions[d]; d += 2) {
		int k;
		const char *some = chosen(r, "practices", practices_of(r, in, grant_dimensions[d]), &k);
		if (k)
			buf_printf(&prac, "%s%s", prac.len ? "\n" : "", some);
		nprac += k;
	}
	const char *grades = form_or(r, "grades", ""), *expect = form_or(r, "expect", ""),
	           *arrive = form_or(r, "arrive", ""), *access = form_or(r, "access", "");
	if (utf8_chars(grades) > 100)
		form_error(&e, "grades", "Shorten the grades to 100 characters.");
	static const char *const texts[] = { "expect", "arrive", "access", NULL };
	for (int i = 0; texts[i]; i++)
		if (utf8_chars(req_form(r, texts[i])) > TEXT_MAX)
			form_error(&e, texts[i], arena_printf(&r->arena, "Shorten this to %d characters (it has %zu).", TEXT_MAX,
			                                      utf8_chars(req_form(r, texts[i]))));
	const char *confirm = req_form(r, "confirm");
	if (!in_pairs(confirm_modes, confirm))
		form_error(&e, "confirm", "Choose how requests are confirmed.");
	long hours = number_in(form_or(r, "answer_hours", "72"), 1, 336);
	if (hours < 1)
		form_error(&e, "answer_hours", "Enter the hours, a whole number from 1 to 336.");

	/* The dates: one, or every week until `until`, less the skipped ones. */
	const char *until = req_form(r, "until"), *skip = form_or(r, "skip", "");
	char dates[MAX_WEEKS + 1][11];
	long long starts[MAX_WEEKS + 1];
	int ndates = 0;
	if (until && *until && !date_valid(until))
		form_error(&e, "until", "Enter the last date as YYYY-MM-DD, or leave it empty.");
	else if (!e.n && until && *until && date_diff(date, until) < 0)
		form_error(&e, "until", "The last date is before the first.");
	else if (!e.n && until && *until && date_diff(date, until) > 7 * MAX_WEEKS)
		form_error(&e, "until", "Repeat for a year at most.");
	char bad[64] = "";
	for (const char *p = skip; *p;) {
		while (*p == ' ' || *p == ',' || *p == '\n' || *p == '\r' || *p == '\t' || *p == ';')
			p++;
		size_t len = strcspn(p, " ,\n\r\t;");
		if (!len)
			break;
		char one[16];
		if (len > 10 || (snprintf(one, sizeof one, "%.*s", (int)len, p), !date_valid(one))) {
			snprintf(bad, sizeof bad, "%.*s", len > 20 ? 20 : (int)len, p);
			break;
		}
		p += len;
	}
	if (*bad)
		form_error(&e, "skip", arena_printf(&r->arena, "Write each date to skip as YYYY-MM-DD (\u201c%s\u201d is not).", bad));
	if (!e.n) {
		long weeks = until && *until ? date_diff(date, until) / 7 : 0;
		for (long w = 0; w <= weeks && !e.n; w++) {
			char d[11];
			date_add(date, 7 * w, d);
			if (strstr(skip, d))
				continue;
			long long t;
			if (!local_to_utc(d, time_s, tz, &t)) {
				form_error(&e, "time", arena_printf(&r->arena, "On %s that time does not exist at the school (clocks"
				                                    " skip an hour). Skip that date or choose another time.", d));
				break;
			}
			memcpy(dates[ndates], d, 11);
			starts[ndates++] = t;
		}
		if (!e.n && !ndates)
			form_error(&e, "skip", "Every date is skipped: nothing would be published.");
	}
	if (e.n) {
		buf_free(&prac);
		r->status = 422;
		host_view(r, &e, NULL);
		return;
	}
	db_begin(r);
	long long first = 0;
	for (int i = 0; i < ndates; i++) {
		db_exec(r, "INSERT INTO opportunities (school_id, created_by, local_date, local_time, tz, starts_at, minutes,"
		           " seats, dimensions, practices, grades, expect, arrive, access, confirm, answer_hours)"
		           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		        "IItttIiitttttttI", sid, r->user->id, dates[i], time_s, tz, starts[i], (int)minutes, (int)seats, dims,
		        buf_str(&prac), grades, expect, arrive, access, confirm, (long long)hours);
		if (!first)
			first = db_last_id(r);
	}
	db_commit(r);
	buf_free(&prac);
	(void)nprac;
	req_redirect(r, ndates == 1 ? arena_printf(&r->arena, "/connect/opportunities/%lld?msg=published", first)
	                            : "/connect/host?msg=published");
}

/* ---- /api/v1/opportunities ------------------------------------------------------ */

void opportunities_json(struct req *r)
{
	const char *role = role_name(r->user->role);
	long long now = (long long)time(NULL);
	struct pager pg;
	pager_init(r, &pg);
	/* Counted as /connect counts (no filter): first, unless the first
	 * page does not fill, when it is its own count. */
	int counted = pg.page > 1;
	if (counted)
		pager_total(&pg, connect_count(r, now, "", ""));
#define OPPORTUNITIES_SQL(columns) \
	    "SELECT o.id, o.starts_at, o.local_date, o.local_time, o.tz, o.minutes, o.seats, o.seats - o.held," \
	    "       o.dimensions, o.practices, o.grades, o.confirm, s.id, s.name, s.city, s.state_code, " columns \
	    "  FROM opportunities o JOIN schools s ON s.id = o.school_id" \
	    " WHERE o.status = 'open' AND o.starts_at > ?3 AND " POLICY_CONNECT_HOST_OK \
	    "   AND " POLICY_VISIBLE_SQL("?4", "?1", "?2", "?5") \
	    " ORDER BY o.starts_at, o.id LIMIT ?6 OFFSET ?7"
	sqlite3_stmt *st = db_q(r,
	    policy_staff_view(r->user) ? OPPORTUNITIES_SQL(POLICY_STAFF_COLUMNS) : OPPORTUNITIES_SQL(POLICY_COLUMNS),
	    "IIItIII", r->user->id, r->user->org_id, now, role, r->user->nation_id, pager_limit(&pg), pager_offset(&pg));
	/* Written as it goes, byte for byte what cJSON_PrintUnformatted gave for
	 * the same tree, without building the tree (a third of the time). */
	struct buf rows = BUF_IN(&r->arena), *j = &rows;
	struct usage_tally used = {0};
	int n = 0, read = 0;
	while (db_step(r, st)) {
		read++;
		enum vis v = policy_row(r, st, 16);
		if (v == VIS_HIDDEN)
			continue;
		usage_count_school(r, &used, db_col_int(st, 12), db_col_int(st, 16), v);
		char utc[32];
		time_t t = (time_t)db_col_int(st, 1);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(utc, sizeof utc, "%Y-%m-%dT%H:%M:%SZ", &tm);
		buf_json_key_int(j, n++ ? ",{\"id\":" : "{\"id\":", db_col_int(st, 0));
		buf_json_key_str(j, ",\"starts_at\":", utc);
		buf_json_key_str(j, ",\"local_date\":", db_col_view(st, 2));
		buf_json_key_str(j, ",\"local_time\":", db_col_view(st, 3));
		buf_json_key_str(j, ",\"time_zone\":", db_col_view(st, 4));
		buf_json_key_int(j, ",\"minutes\":", db_col_int(st, 5));
		buf_json_key_int(j, ",\"seats\":", db_col_int(st, 6));
		buf_json_key_int(j, ",\"seats_left\":", db_col_int(st, 7));
		static const int lists[] = { 8, 9 };
		static const char *const names[] = { ",\"dimensions\":[", ",\"practices\":[" };
		for (int k = 0; k < 2; k++) {
			buf_puts(j, names[k]);
			const char *text = db_col_text(r, st, lists[k]);
			for (const char *p = text; *p;) {
				const char *e = strchr(p, '\n');
				if (p != text)
					buf_putc(j, ',');
				buf_json_str(j, arena_strndup(&r->arena, p, e ? (size_t)(e - p) : strlen(p)));
				p = e ? e + 1 : p + strlen(p);
			}
			buf_putc(j, ']');
		}
		buf_json_key_str(j, ",\"grades\":", db_col_view(st, 10));
		buf_json_key_str(j, ",\"confirmation\":", db_col_view(st, 11));
		buf_json_key_int(j, ",\"host\":{\"id\":", db_col_int(st, 12));
		buf_json_key_str(j, ",\"name\":", db_col_view(st, 13));
		buf_json_key_str(j, ",\"city\":", db_col_view(st, 14));
		buf_json_key_str(j, ",\"state\":", db_col_view(st, 15));
		buf_json_key_int(j, "},\"url\":\"/connect/opportunities/", db_col_int(st, 0));
		buf_puts(j, "\"}");
	}
	usage_flush(r, &used, "/api/v1/opportunities");
	if (!counted)
		pager_total(&pg, read < pager_limit(&pg) ? read : connect_count(r, now, "", ""));
	buf_printf(&r->body, "{\"total\":%lld,\"page\":%lld,\"per_page\":%d,\"opportunities\":[", pg.total, pg.page,
	           PAGE_ROWS);
	buf_add(&r->body, rows.p ? rows.p : "", rows.len);
	buf_free(&rows);
	buf_puts(&r->body, "]}\n");
	r->content_type = "application/json";
}

/* ---- /calendar/{token}.ics and the account's feed ------------------------------ */

/* The confirmed visits a person makes and hosts, from a month ago on, as a
 * subscription feed.  The token is the only credential: the reader is the
 * feed's owner, and the policy decides for them as on any page. */
void calendar_feed(struct req *r)
{
	const char *p = r->path + strlen("/calendar/");
	const char *dot = strstr(p, ".ics");
	struct user *u = dot ? auth_feed_user(r, arena_strndup(&r->arena, p, (size_t)(dot - p))) : NULL;
	if (!u)
		req_fail(r, 404, "no such calendar");
	r->user = u;
	struct { long long booking, opp; } *ev = NULL;
	int n = 0, cap = 0;
	sqlite3_stmt *st = db_q(r,
	    "SELECT b.id, o.id FROM bookings b JOIN opportunities o ON o.id = b.opportunity_id"
	    " WHERE b.requested_by = ?1 AND b.status = 'confirmed' AND o.status = 'open'"
	    "   AND o.starts_at > unixepoch() - 30 * 86400"
	    " UNION ALL SELECT 0, o.id FROM opportunities o"
	    " WHERE o.school_id IN (" HOSTED_SQL ") AND o.status = 'open'"
	    "   AND o.starts_at > unixepoch() - 30 * 86400"
	    "   AND EXISTS (SELECT 1 FROM bookings b WHERE b.opportunity_id = o.id AND b.status = 'confirmed')"
	    " ORDER BY 2", "I", u->id);
	while (db_step(r, st)) {               /* every one: a calendar never misses a visit unsaid */
		ev = arena_grow(&r->arena, ev, n, &cap, sizeof *ev);
		ev[n].booking = db_col_int(st, 0);
		ev[n].opp = db_col_int(st, 1);
		n++;
	}
	struct ical_event *e = arena_alloc(&r->arena, sizeof *e * (size_t)(n ? n : 1));
	int k = 0;
	for (int i = 0; i < n; i++) {
		struct opp o;
		if (!seats_opp(r, ev[i].opp, &o))
			continue;
		if (!ev[i].booking) {
			seats_host_event(r, &o, u->name, u->email, &e[k++]);
			continue;
		}
		struct booking b;
		if (!seats_booking(r, ev[i].booking, &b) || !host_shown(r, o.school_id))
			continue;               /* a host the reader may no longer see */
		seats_booking_event(r, &o, &b, &e[k++]);
	}
	r->content_type = "text/calendar; charset=utf-8";
	req_header(r, "Cache-Control", "private, no-store");
	ical_feed(&r->body, "ilnet site visits", e, k);
}

void calendar_account_section(struct req *r)
{
	long long since = db_int(r, 0, "SELECT created_at FROM calendar_feeds WHERE user_id = ?", "I", r->user->id);
	html(r, "<h2 id=\"calendar\">Your calendar feed</h2>\n<p>Your confirmed site visits, made and hosted, at a private"
	        " address your calendar can subscribe to.</p>\n");
	if (since) {
		char when[40];
		utc_to_local(since, seats_viewer_tz(r), when, sizeof when);
		html(r, "<p>Your feed is on (its address was made %s). ilnet shows the address only when it is made: make a new"
		        " one to see it again; the old address then stops working.</p>\n", when);
	}
	form_begin(r, "/account/calendar");
	html(r, "<div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"new\">%s</button>",
	     since ? "Make a new address" : "Turn the feed on");
	if (since)
		html(r, " <button type=\"submit\" name=\"action\" value=\"off\" class=\"secondary\">Turn the feed off</button>");
	html(r, "</div>\n");
	form_end(r);
}

void calendar_account_submit(struct req *r)
{
	const char *action = form_or(r, "action", "");
	if (!strcmp(action, "off")) {
		db_begin(r);
		db_exec(r, "DELETE FROM calendar_feeds WHERE user_id = ?", "I", r->user->id);
		db_commit(r);
		req_redirect(r, "/account?msg=feed-off#calendar");
		return;
	}
	if (strcmp(action, "new"))
		req_fail(r, 400, "unknown action");
	db_begin(r);
	const char *tok = auth_feed_issue(r, r->user->id);
	db_commit(r);
	/* Shown once, now: only its hash is kept. */
	req_header(r, "Cache-Control", "no-store");
	page_begin(r, "Your calendar feed");
	const char *url = arena_printf(&r->arena, "%s/calendar/%s.ics", mail_base_url(), tok);
	html(r, "<p>Subscribe to this address in your calendar (\u201cAdd calendar from URL\u201d). Keep it to yourself:"
	        " anyone with it can read your visits. Any earlier address has stopped working.</p>\n"
	        "<p class=\"address\"><code>%s</code></p>\n<p><a href=\"/account#calendar\">Back to your account</a></p>\n",
	     url);
	page_end(r);
}

/* ---- /connect/report and /connect/visits.csv: for the foundation --------------- */

/* A booking both of whose schools the viewer may see: the figures below
 * count only those, so no figure is about a school the reader may not see
 * (a nation's private schools are left out of them altogether). */
struct row {
	long long id, opp, host, visitor, at;
	int party, seats, cross_state, cross_nation;
	const char *status, *month, *host_name, *visitor_name, *date, *dims;
};

#define REPORT_MAX 20000

static int report_rows(struct req *r, struct row **out, struct usage_tally *used)
{
	sqlite3_stmt *st = db_q(r,
	    "SELECT b.id, o.id, o.school_id, b.school_id, o.starts_at, b.party, o.seats, b.status, substr(o.local_date, 1, 7),"
	    "       hs.name || ' (' || hs.state_code || ')', vs.name || ' (' || vs.state_code || ')', o.local_date,"
	    "       hs.state_code <> vs.state_code, coalesce(hs.nation_id, 0) <> coalesce(vs.nation_id, 0),"
	    "       coalesce(hs.nation_id, 0), coalesce(vs.nation_id, 0), o.dimensions, hs.sharing, vs.sharing"
	    "  FROM bookings b JOIN opportunities o ON o.id = b.opportunity_id"
	    "  JOIN schools hs ON hs.id = o.school_id JOIN schools vs ON vs.id = b.school_id"
	    " ORDER BY o.starts_at, b.id", "");
	/* Every booking, none cut: the viewer's ties read once, and each
	 * school decided from them (policy_decide, as policy_school does). */
	struct policy_ties ties;
	policy_ties_read(r, &ties);
	struct row *rows = NULL;
	int n = 0, cap = 0;
	while (db_step(r, st)) {
		long long host = db_col_int(st, 2), visitor = db_col_int(st, 3);
		enum vis hv = policy_decide_tied(r->user, &ties, host, db_col_int(st, 14), db_col_view(st, 17));
		enum vis vv = policy_decide_tied(r->user, &ties, visitor, db_col_int(st, 15), db_col_view(st, 18));
		if (hv == VIS_HIDDEN || vv == VIS_HIDDEN)
			continue;
		usage_count_school(r, used, host, db_col_int(st, 14), hv);
		usage_count_school(r, used, visitor, db_col_int(st, 15), vv);
		rows = arena_grow(&r->arena, rows, n, &cap, sizeof *rows);
		struct row *x = &rows[n++];
		x->id = db_col_int(st, 0);
		x->opp = db_col_int(st, 1);
		x->host = host;
		x->visitor = visitor;
		x->at = db_col_int(st, 4);
		x->party = (int)db_col_int(st, 5);
		x->seats = (int)db_col_int(st, 6);
		x->status = db_col_text(r, st, 7);
		x->month = db_col_text(r, st, 8);
		x->host_name = db_col_text(r, st, 9);
		x->visitor_name = db_col_text(r, st, 10);
		x->date = db_col_text(r, st, 11);
		x->cross_state = (int)db_col_int(st, 12);
		x->cross_nation = (int)db_col_int(st, 13);
		x->dims = db_col_text(r, st, 16);
	}
	*out = rows;
	return n;
}

void connect_report_page(struct req *r)
{
	struct usage_tally used = {0};
	struct row *rows;
	int n = report_rows(r, &rows, &used);
	page_begin(r, "Connect: how the network visits");
	html(r, "<p class=\"lead\">Site visits between schools, by the month of the visit. Visits that involve a school"
	        " whose nation keeps its data private are not counted here.</p>\n"
	        "<p><a href=\"/connect/visits.csv\">Download every visit (CSV)</a> · <a href=\"/api/v1/opportunities\">Open"
	        " visits (JSON)</a></p>\n");
	/* Months: seats offered (open visits of hosts the reader may see),
	 * visits made (confirmed), seats taken, requests that found no seat. */
	struct month { const char *m; long long offered; int visits, taken, unmet; } mo[120];
	int nm = 0, cross_state = 0, cross_nation = 0, visits = 0;
	sqlite3_stmt *st = db_q(r, "SELECT school_id, seats, substr(local_date, 1, 7) FROM opportunities"
	                           " WHERE status = 'open' ORDER BY local_date", "");
	struct { long long host; int seats; const char *m; } *offers = arena_alloc(&r->arena, sizeof *offers * 4096);
	int no = 0;
	while (db_step(r, st))
		if (no < 4096) {
			offers[no].host = db_col_int(st, 0);
			offers[no].seats = (int)db_col_int(st, 1);
			offers[no].m = db_col_text(r, st, 2);
			no++;
		}
	for (int i = 0; i < no + n; i++) {
		const char *m = i < no ? offers[i].m : rows[i - no].month;
		if (i < no && policy_school(r, offers[i].host) == VIS_HIDDEN)
			continue;
		int k = 0;
		while (k < nm && strcmp(mo[k].m, m))
			k++;
		if (k == nm) {
			if (nm == 120)
				continue;
			mo[nm++] = (struct month){ m, 0, 0, 0, 0 };
		}
		if (i < no) {
			mo[k].offered += offers[i].seats;
			continue;
		}
		const struct row *x = &rows[i - no];
		if (!strcmp(x->status, "confirmed")) {
			mo[k].visits++;
			mo[k].taken += x->party;
			visits++;
			cross_state += x->cross_state;
			cross_nation += x->cross_nation;
		} else if (!strcmp(x->status, "declined") || !strcmp(x->status, "lapsed") || !strcmp(x->status, "expired")) {
			mo[k].unmet++;
		}
	}
	for (int i = 1; i < nm; i++)          /* "YYYY-MM" sorts as text */
		for (int k = i; k > 0 && strcmp(mo[k].m, mo[k - 1].m) < 0; k--) {
			struct month t = mo[k];
			mo[k] = mo[k - 1];
			mo[k - 1] = t;
		}
	struct bar *bars = arena_alloc(&r->arena, sizeof *bars * (size_t)(nm ? nm : 1));
	double max = 1;
	for (int k = 0; k < nm; k++) {
		bars[k] = (struct bar){ mo[k].m, mo[k].visits, NULL, 0 };
		if (mo[k].visits > max)
			max = mo[k].visits;
	}
	if (nm)
		chart_bars(r, "visits-by-month", "Site visits by month", "Month", "Visits", bars, nm, max, "");
	table_begin(r, NULL, "By month");
	html(r, "<thead><tr><th scope=\"col\">Month</th>"
	        "<th scope=\"col\">Seats offered</th><th scope=\"col\">Seats taken</th><th scope=\"col\">Visits</th>"
	        "<th scope=\"col\">Requests that found no seat</th></tr></thead>\n<tbody>\n");
	for (int k = 0; k < nm; k++)
		html(r, "<tr><th scope=\"row\">%s</th><td class=\"num\">%lld</td><td class=\"num\">%d</td>"
		        "<td class=\"num\">%d</td><td class=\"num\">%d</td></tr>\n", mo[k].m, mo[k].offered, mo[k].taken,
		     mo[k].visits, mo[k].unmet);
	if (!nm)
		html(r, "<tr><td colspan=\"5\">No visits yet.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
	html(r, "<h2>Across lines</h2>\n<ul class=\"figures\"><li><strong>%d</strong> of %d visits crossed a state line"
	        "</li><li><strong>%d</strong> joined schools of different nations, or a nation's school and another"
	        "</li></ul>\n", cross_state, visits, cross_nation);
	/* Busiest hosts: visitors welcomed. */
	struct host { long long id; const char *name; int visitors, visits; } h[400];
	int nh = 0;
	for (int i = 0; i < n; i++) {
		if (strcmp(rows[i].status, "confirmed"))
			continue;
		int k = 0;
		while (k < nh && h[k].id != rows[i].host)
			k++;
		if (k == nh) {
			if (nh == 400)
				continue;
			h[nh++] = (struct host){ rows[i].host, rows[i].host_name, 0, 0 };
		}
		h[k].visitors += rows[i].party;
		h[k].visits++;
	}
	for (int i = 1; i < nh; i++)          /* most visitors first; few hosts, insertion sort */
		for (int k = i; k > 0 && h[k].visitors > h[k - 1].visitors; k--) {
			struct host t = h[k];
			h[k] = h[k - 1];
			h[k - 1] = t;
		}
	html(r, "<h2>Busiest hosts</h2>\n");
	table_begin(r, NULL, "Hosts by visitors welcomed");
	html(r, "<thead><tr><th scope=\"col\">Host</th><th scope=\"col\">Visits</th><th scope=\"col\">Visitors</th></tr>"
	        "</thead>\n<tbody>\n");
	for (int k = 0; k < nh && k < 10; k++)
		html(r, "<tr><td><a href=\"/schools/%lld\">%s</a></td><td class=\"num\">%d</td><td class=\"num\">%d</td></tr>\n",
		     h[k].id, h[k].name, h[k].visits, h[k].visitors);
	if (!nh)
		html(r, "<tr><td colspan=\"3\">No visits yet.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
	usage_flush(r, &used, "connect report");
	page_end(r);
}

void connect_visits_csv(struct req *r)
{
	struct usage_tally used = {0};
	struct row *rows;
	int n = report_rows(r, &rows, &used);
	static const char *const cols[] = { "booking_id", "opportunity_id", "date", "host_school_id", "host",
	                                    "visiting_school_id", "visitor", "party", "status", "dimensions",
	                                    "across_states", "across_nations", "host_labels", "visitor_labels", NULL };
	csv_start(r, "ilnet-site-visits.csv", cols);
	for (int i = 0; i < n; i++) {
		const struct row *x = &rows[i];
		const char *v[] = {
			arena_printf(&r->arena, "%lld", x->id), arena_printf(&r->arena, "%lld", x->opp), x->date,
			arena_printf(&r->arena, "%lld", x->host), x->host_name, arena_printf(&r->arena, "%lld", x->visitor),
			x->visitor_name, arena_printf(&r->arena, "%d", x->party), x->status,
			region_labels(&r->arena, grant_dimensions, x->dims), x->cross_state ? "yes" : "no",
			x->cross_nation ? "yes" : "no", policy_labels(r, x->host), policy_labels(r, x->visitor),
		};
		for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
			csv_field(&r->body, v[k], k == 0);
		csv_end(&r->body);
	}
	usage_flush(r, &used, "site-visits.csv");
}

void connect_host_people_submit(struct req *r)
{
	long long school = atoll(form_or(r, "school", "0"));
	/* Only a leader of the school names, and never for a private school. */
	if (!db_int(r, 0, "SELECT 1 FROM user_schools us JOIN schools s ON s.id = us.school_id WHERE us.user_id = ?"
	                  " AND us.school_id = ? AND s.sharing <> 'private'", "II", r->user->id, school))
		req_fail(r, 403, "not a school you lead");
	const char *action = form_or(r, "action", "");
	if (!strcmp(action, "remove")) {
		db_begin(r);
		db_exec(r, "DELETE FROM school_hosts WHERE school_id = ? AND user_id = ?", "II", school,
		        atoll(form_or(r, "user", "0")));
		db_commit(r);
		req_redirect(r, "/connect/host?msg=hosts#people");
		return;
	}
	if (strcmp(action, "add"))
		req_fail(r, 400, "unknown action");
	struct form_errors e = {0};
	const char *email = form_or(r, "email", "");
	long long uid = db_int(r, 0, "SELECT id FROM users WHERE email = ? AND role = 'leader' AND active = 1", "t", email);
	if (!uid)
		form_error(&e, "email", "No school leader in ilnet has that address. Ask the foundation to invite them first.");
	else if (uid == r->user->id || db_int(r, 0, "SELECT 1 FROM user_schools WHERE user_id = ? AND school_id = ?", "II",
	                                      uid, school))
		form_error(&e, "email", "They lead this school already, so they host for it.");
	if (e.n) {
		r->status = 422;
		host_view(r, NULL, &e);
		return;
	}
	db_begin(r);
	db_exec(r, "INSERT INTO school_hosts (school_id, user_id, named_by) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", "III",
	        school, uid, r->user->id);
	db_commit(r);
	req_redirect(r, "/connect/host?msg=hosts#people");
}
