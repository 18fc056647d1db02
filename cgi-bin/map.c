/* map.c — /map: the network on a map, drawn by the server as SVG with the
 * table of exactly the schools it shows beside it, and the same schools as
 * /map.csv, /map.geojson and /api/v1/map.
 *
 * Where a school is drawn is decided before anything is projected or
 * written: exactly only when its steward allows the exact position
 * (POLICY_MAP_PRECISION) and the viewer sees the school in full; at its
 * county's centroid when the viewer sees it coarsely or the steward allows
 * only community precision; not at all when the viewer may not see it or
 * its steward keeps it off the map.  Its stage and scores, which are scan
 * answers, only for a viewer who sees it in full.  Ties (site visits
 * between schools) are drawn only between two schools both shown.  A
 * school's cohorts, and its cohort-mates, only to a viewer who may read
 * that cohort's members (cohort_sees_members, the cohort page's rule),
 * and among them only the schools shown; the cohort filter likewise.
 */
#include "boundary.h"
#include "cache.h"
#include "cohorts.h"
#include "csv.h"
#include "db.h"
#include "geo.h"
#include "grant.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "map.h"
#include "policy.h"
#include "region.h"
#include "seats.h"
#include "req.h"
#include "survey.h"
#include "usage.h"

#include <cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ILNET_STATIC_VERSION
#define ILNET_STATIC_VERSION "0"
#endif
/* The versions of vendor/package.json, which the Makefile copies to
 * www/vendor/NAME-VERSION/ (a versioned address, cached for a year). */
#ifndef ILNET_LEAFLET
#define ILNET_LEAFLET "0"
#endif
#ifndef ILNET_MARKERCLUSTER
#define ILNET_MARKERCLUSTER "0"
#endif

#define MAP_W 960
#define MAP_H 640
#define MAP_MARGIN 12
#define CELL 22                 /* a cluster's cell, in SVG units */
#define GRANT_LINES 400         /* most grant-roster lines drawn in full */
#define TIE_LINES 5000          /* most site-visit lines drawn besides the chosen school's */

/* The scan's implementation stages, in the instrument's order (the bit of
 * response_summary.stage), with the colours of the map. */
static const char *const stages[] = {
	"not_yet", "Not yet", "exploring", "Exploring", "planning", "Planning",
	"some_classrooms", "In some classrooms", "schoolwide", "Schoolwide", NULL,
};
#define NSTAGES 5

static const char *const colourings[] = {
	"stage", "Implementation stage", "cultural", "Cultural relevance score",
	"instructional", "Instructional relevance score", "career", "Career relevance score", NULL,
};

/* Score bands for a dimension. */
static const char *const bands[] = { "0–24", "25–49", "50–74", "75–100" };

struct pin {
	long long id, nation;
	const char *name, *city, *state, *type;
	double lon, lat;            /* as shown: exact, or the county's centroid */
	double sx, sy;
	uint64_t pre[2];            /* name_prefix() */
	int name_len;
	int cluster;                /* index of its cell's first pin */
	enum vis v;
	/* Small: a national network's pins are 100,000 of them. */
	signed char exact;
	signed char stage;          /* 0..4, -1: unknown or not the viewer's to read */
	signed char score[3];       /* -1: unknown or not the viewer's (scores are 0..100) */
	signed char scan_read;      /* stage and scores read (pin_scan) */
};

struct filters {
	const char *state, *type, *colour, *zoom;
	long long nation, org, school;
	long long cohort;           /* only its member schools: a cohort whose members the viewer may read */
	int stage;                  /* -1 any */
	int ties;                   /* only schools with site-visit ties */
	int smin[3], smax[3];       /* a score range per dimension (0..100), -1: no bound */
	const char *raw[6];         /* the range as typed (RANGE_KEYS' order), shown again */
	const char *error;          /* a range that could not be read: why (that bound is not applied) */
	const char *only;           /* NULL, or only these schools: a JSON array of ids */
	int nonly;
	const char *base;           /* the filters' query, no school: for school_href() */
};

static int pairs_index(const char *const *pairs, const char *v)
{
	for (int i = 0; v && pairs[i]; i += 2)
		if (!strcmp(pairs[i], v))
			return i / 2;
	return -1;
}

static const char *filters_href(struct req *r, const struct filters *f, const char *key, const char *value);

/* The score range's keys: dimension d's bounds are 2d (min) and 2d+1 (max). */
static const char *const range_keys[] = {
	"cultural_min", "cultural_max", "instructional_min", "instructional_max", "career_min", "career_max", NULL,
};

static int ranged(const struct filters *f)
{
	for (int d = 0; d < 3; d++)
		if (f->smin[d] >= 0 || f->smax[d] >= 0)
			return 1;
	return 0;
}

/* Read the score ranges: whole numbers 0..100, from no more than to.  A
 * bound that is not one is left out and said so (f->error), the text
 * kept to be shown and corrected. */
static void ranges_read(struct req *r, struct filters *f)
{
	f->error = NULL;
	for (int d = 0; d < 3; d++) {
		for (int m = 0; m < 2; m++) {
			const char *v = req_query(r, range_keys[2 * d + m]);
			int *dst = m ? &f->smax[d] : &f->smin[d];
			*dst = -1;
			f->raw[2 * d + m] = v ? v : "";
			if (!v || !*v)
				continue;
			char *end;
			long x = strtol(v, &end, 10);
			if (*end || end == v || x < 0 || x > 100) {
				f->error = arena_printf(&r->arena, "%s%s%s, %s: “%s” is not a whole number from 0 to 100,"
				                        " so it was left out.", f->error ? f->error : "", f->error ? " " : "",
				                        region_label(colourings, colourings[2 * d + 2]), m ? "to" : "from", v);
				continue;
			}
			*dst = (int)x;
		}
		if (f->smin[d] >= 0 && f->smax[d] >= 0 && f->smin[d] > f->smax[d]) {
			f->error = arena_printf(&r->arena, "%s%s%s: from %d is more than to %d, so the range was left out.",
			                        f->error ? f->error : "", f->error ? " " : "",
			                        region_label(colourings, colourings[2 * d + 2]), f->smin[d], f->smax[d]);
			f->smin[d] = f->smax[d] = -1;
		}
	}
}

/* Whether a pin passes the stage and score filters (its scan read). */
static int pin_passes(const struct filters *f, const struct pin *p)
{
	if (f->stage >= 0 && p->stage != f->stage)
		return 0;
	for (int d = 0; d < 3; d++) {
		/* A score the viewer may not read, or none, is outside every range:
		 * nothing about a hidden score decides what is shown. */
		if (f->smin[d] >= 0 && (p->score[d] < 0 || p->score[d] < f->smin[d]))
			return 0;
		if (f->smax[d] >= 0 && (p->score[d] < 0 || p->score[d] > f->smax[d]))
			return 0;
	}
	return 1;
}

static void filters_read(struct req *r, struct filters *f)
{
	const char *v;
	f->state = (v = req_query(r, "state")) && region_valid(region_states, v) ? v : "";
	f->type = (v = req_query(r, "type")) && region_valid(region_school_types, v) ? v : "";
	f->colour = (v = req_query(r, "colour")) && region_valid(colourings, v) ? v : "stage";
	f->nation = (v = req_query(r, "nation")) ? atoll(v) : 0;
	f->org = (v = req_query(r, "org")) ? atoll(v) : 0;
	f->school = (v = req_query(r, "school")) ? atoll(v) : 0;
	f->stage = pairs_index(stages, req_query(r, "stage"));
	f->ties = (v = req_query(r, "ties")) && !strcmp(v, "1");
	f->only = NULL;
	f->nonly = 0;
	ranges_read(r, f);
	/* A cohort: only one whose members the viewer may read, else its
	 * membership would show through the schools filtered. */
	f->cohort = (v = req_query(r, "cohort")) && *v ? atoll(v) : 0;
	if ((v = req_query(r, "cohort")) && *v && (f->cohort <= 0 || !cohort_sees_members(r, f->cohort))) {
		f->error = arena_printf(&r->arena, "%s%sCohort: there is no cohort %s whose members you may see,"
		                        " so it was left out.", f->error ? f->error : "", f->error ? " " : "", v);
		f->cohort = 0;
	}
	/* A zoom is a state ("MN") or a county ("27053") the region knows. */
	v = req_query(r, "zoom");
	f->zoom = v && (geo_state_find(v) || geo_county_find(v)) ? v : "";
	f->base = NULL;
	f->base = filters_href(r, f, "school", "");
}

/* v in decimal, in the arena (without printf: a page writes dozens). */
static const char *lld(struct req *r, long long v)
{
	struct buf b = BUF_IN(&r->arena);
	buf_int(&b, v);
	return b.p;
}

/* The query string of the filters, with one key replaced (NULL value:
 * left out), for links that change one thing. */
static const char *filters_href2(struct req *r, const struct filters *f, const char *key, const char *value,
                                 const char *key2, const char *value2)
{
	struct buf b = BUF_IN(&r->arena);
	const char *keys[] = { "state", "type", "nation", "org", "cohort", "stage", "cultural_min", "cultural_max",
	                       "instructional_min", "instructional_max", "career_min", "career_max", "colour", "ties",
	                       "zoom", "school", NULL };
	const char *vals[16] = { f->state, f->type, f->nation ? lld(r, f->nation) : "", f->org ? lld(r, f->org) : "",
	                         f->cohort ? lld(r, f->cohort) : "", f->stage >= 0 ? stages[2 * f->stage] : "" };
	for (int d = 0; d < 3; d++) {
		vals[6 + 2 * d] = f->smin[d] >= 0 ? lld(r, f->smin[d]) : "";
		vals[7 + 2 * d] = f->smax[d] >= 0 ? lld(r, f->smax[d]) : "";
	}
	vals[12] = strcmp(f->colour, "stage") ? f->colour : "";
	vals[13] = f->ties ? "1" : "";
	vals[14] = f->zoom;
	vals[15] = f->school ? lld(r, f->school) : "";
	for (int i = 0; keys[i]; i++) {
		const char *val = key && !strcmp(key, keys[i]) ? value : key2 && !strcmp(key2, keys[i]) ? value2 : vals[i];
		if (val && *val) {
			buf_putc(&b, b.len ? '&' : '?');
			buf_puts(&b, keys[i]);
			buf_putc(&b, '=');
			buf_puts(&b, url_enc(r, val));
		}
	}
	const char *s = arena_strdup(&r->arena, b.len ? b.p : "");
	buf_free(&b);
	return s;
}

static const char *filters_href(struct req *r, const struct filters *f, const char *key, const char *value)
{
	return filters_href2(r, f, key, value, NULL, NULL);
}

/* The link to the map with school id chosen and the filters kept: the
 * filters' query (without a school) made once a page, then the school
 * added, as filters_href() would write it (school is its last key). */
static const char *school_href(struct req *r, const struct filters *f, long long id)
{
	if (!f->base)
		return filters_href(r, f, "school", lld(r, id));
	struct buf b = BUF_IN(&r->arena);
	buf_puts(&b, f->base);
	buf_puts(&b, *f->base ? "&school=" : "?school=");
	buf_int(&b, id);
	return b.p;
}

static int cmp_id(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

/* The ids of the schools with a site visit made or hosted (confirmed,
 * happened), sorted: how many. */
static int tie_ids(struct req *r, long long **out)
{
	sqlite3_stmt *st = db_q(r, "SELECT o.school_id FROM bookings b JOIN opportunities o ON o.id = b.opportunity_id"
	                           " WHERE " SEATS_VISITED_SQL
	                           " UNION SELECT b.school_id FROM bookings b JOIN opportunities o ON o.id = b.opportunity_id"
	                           " WHERE " SEATS_VISITED_SQL
	                           " ORDER BY 1", "");
	int cap = 0, n = 0;
	long long *ids = NULL;
	while (db_step(r, st)) {
		ids = arena_grow(&r->arena, ids, n, &cap, sizeof *ids);
		ids[n++] = db_col_int(st, 0);
	}
	*out = ids;
	return n;
}

/* The pins of a request: p in name order, or in id order where only some
 * need the order (pins_read), and by_id in id order for finding one by
 * its school. */
struct pins {
	struct pin **p;
	int n;
	const struct pin **by_id;
};

static const struct pin *pin_find(const struct pins *ps, long long id)
{
	int lo = 0, hi = ps->n - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		if (ps->by_id[mid]->id == id)
			return ps->by_id[mid];
		if (ps->by_id[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

/* The name's first 16 bytes, lower-cased and packed big-endian, up to its
 * first digit, which becomes '0' and ends the prefix (zeros after): two
 * names whose prefixes differ compare as db_natural_cmp() compares them
 * (a digit against a letter or a space compares as any digit would, and
 * the shorter name comes first), so most comparisons of a national
 * network's names are two integer comparisons.  Equal prefixes say
 * nothing: the names are compared in full. */
static void name_prefix(const char *name, uint64_t pre[2])
{
	unsigned char b[16] = {0};
	for (int i = 0; i < 16 && name[i]; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c >= '0' && c <= '9') {
			b[i] = '0';
			break;
		}
		b[i] = c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
	}
	for (int w = 0; w < 2; w++) {
		pre[w] = 0;
		for (int i = 0; i < 8; i++)
			pre[w] = pre[w] << 8 | b[8 * w + i];
	}
}

/* Name order, as the lists' natural_sort collation has it, then id. */
static int cmp_pin_name(const struct pin *x, const struct pin *y)
{
	for (int w = 0; w < 2; w++)
		if (x->pre[w] != y->pre[w])
			return x->pre[w] < y->pre[w] ? -1 : 1;
	int c = db_natural_cmp(x->name, x->name_len, y->name, y->name_len);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

static int cmp_pin_ptr(const void *a, const void *b)
{
	return cmp_pin_name(*(struct pin *const *)a, *(struct pin *const *)b);
}

static void pin_swap(struct pin **p, int i, int j)
{
	struct pin *t = p[i];
	p[i] = p[j];
	p[j] = t;
}

/* Put the pin of rank k in name order at p[k], those before it in name
 * order before it and the others after (quickselect). */
static void pins_select(struct pin **p, int n, int k)
{
	int lo = 0, hi = n - 1;
	while (lo < hi) {
		/* The median of three as the pivot, moved to p[hi]. */
		int mid = lo + (hi - lo) / 2;
		if (cmp_pin_name(p[mid], p[lo]) < 0)
			pin_swap(p, mid, lo);
		if (cmp_pin_name(p[hi], p[lo]) < 0)
			pin_swap(p, hi, lo);
		if (cmp_pin_name(p[mid], p[hi]) < 0)
			pin_swap(p, mid, hi);
		int store = lo;
		for (int i = lo; i < hi; i++)
			if (cmp_pin_name(p[i], p[hi]) < 0)
				pin_swap(p, i, store++);
		pin_swap(p, hi, store);
		if (store == k)
			return;
		if (k < store)
			hi = store - 1;
		else
			lo = store + 1;
	}
}

/* Put the pins of ranks from .. from+len-1 in name order at p[from ..],
 * in that order, the others before and after them in no order: a page of
 * the table without sorting a national network's pins. */
static void pins_order_range(struct pin **p, int n, int from, int len)
{
	if (from >= n)
		return;
	if (from + len > n)
		len = n - from;
	pins_select(p, n, from);
	pins_select(p + from, n - from, len - 1);
	qsort(p + from, (size_t)len, sizeof *p, cmp_pin_ptr);
}

/* The region's own string for a code (a pairs list's), or a copy of it
 * when the list has no such code: fewer copies of 100,000 rows. */
static const char *region_code(struct req *r, const char *const *pairs, const char *code)
{
	int i = pairs_index(pairs, code);
	return i >= 0 ? pairs[2 * i] : arena_strdup(&r->arena, code);
}

/* The summary columns a pin's stage and scores are read from: the stage
 * bits, then each dimension's exact score as numerator and denominator
 * (rounded once here, as a school's own score is shown). */
#define SCAN_COLUMNS \
	"rs.stage, rs.cultural_num, rs.cultural_den, rs.instructional_num, rs.instructional_den," \
	" rs.career_num, rs.career_den"

/* A pin's stage and scores from one summary row (SCAN_COLUMNS from col).
 * Scan answers: only for a viewer who sees the school in full. */
static void pin_scan_row(struct pin *x, sqlite3_stmt *st, int col)
{
	x->scan_read = 1;
	x->stage = -1;
	x->score[0] = x->score[1] = x->score[2] = -1;
	if (x->v != VIS_FULL || !st)
		return;
	long long bits = db_col_null(st, col) ? 0 : db_col_int(st, col);
	for (int k = 0; k < NSTAGES; k++)
		if (bits & (1LL << k))
			x->stage = k;
	for (int d = 0; d < 3; d++) {
		int c = col + 1 + 2 * d;
		x->score[d] = (signed char)(db_col_null(st, c) || db_col_null(st, c + 1) ? -1
		              : score_rounded((struct score){ db_col_int(st, c), db_col_int(st, c + 1) }));
	}
}

/* The stage and scores of the school's latest submitted scan, read when
 * first wanted: the page needs them only for the pins it draws one by one
 * and the rows it lists, a few hundred of a national network's pins. */
static void pin_scan(struct req *r, struct pin *x)
{
	if (x->scan_read)
		return;
	if (x->v != VIS_FULL) {
		x->scan_read = 1;
		return;
	}
	sqlite3_stmt *st = db_q(r, "SELECT " SCAN_COLUMNS
	                           "  FROM (SELECT x.id FROM responses x JOIN scan_cycles c ON c.id = x.cycle_id"
	                           "   WHERE x.school_id = ? AND x.status = 'submitted' ORDER BY c.year DESC LIMIT 1) l"
	                           "  LEFT JOIN response_summary rs ON rs.response_id = l.id", "I", x->id);
	if (db_step(r, st)) {
		pin_scan_row(x, st, 0);
		sqlite3_reset(st);
	} else {
		pin_scan_row(x, NULL, 0);
	}
}

/* Every pin's stage and scores in one pass over the submitted responses,
 * cycles newest first (a year is one cycle's, and a school answers a
 * cycle once), so that each school's first row is its latest, the one
 * kept: for the stage filter and the exports, which need them all.  The
 * cycles lead (CROSS JOIN), in their year's index, so that no row is
 * sorted. */
static void pins_scan_all(struct req *r, struct pins *ps)
{
	sqlite3_stmt *st = db_q(r, "SELECT x.school_id, " SCAN_COLUMNS
	                           "  FROM scan_cycles c CROSS JOIN responses x ON x.cycle_id = c.id"
	                           "  LEFT JOIN response_summary rs ON rs.response_id = x.id"
	                           " WHERE x.status = 'submitted' ORDER BY c.year DESC", "");
	while (db_step(r, st)) {
		struct pin *x = (struct pin *)pin_find(ps, db_col_int(st, 0));
		if (x && !x->scan_read)
			pin_scan_row(x, st, 1);
	}
	for (int i = 0; i < ps->n; i++)
		if (!ps->by_id[i]->scan_read)
			pin_scan_row((struct pin *)ps->by_id[i], NULL, 0);
}

#define MAP_SCAN_ALL 2000

/* A position made coarse: its county's centroid, or outside the counties
 * the policy's grid cell. */
static void coarsen(double *lon, double *lat)
{
	const struct geo_county *c = geo_county_of(*lon, *lat);
	if (c) {
		*lon = c->lon;
		*lat = c->lat;
	} else {
		*lon = policy_coarse(*lon);
		*lat = policy_coarse(*lat);
	}
}

int map_centroid(const double *lon, const double *lat, const int *exact, int n, double *olon, double *olat)
{
	double sx = 0, sy = 0;
	int all_exact = 1;
	for (int i = 0; i < n; i++) {
		sx += lon[i];
		sy += lat[i];
		all_exact &= exact[i] != 0;
	}
	*olon = n ? sx / n : 0;
	*olat = n ? sy / n : 0;
	if (!all_exact)
		coarsen(olon, olat);
	return all_exact;
}

/* The schools of pins_read(), in id order, which is the index by id; name
 * order comes after (a sort in SQL would carry every column of 100,000
 * rows through the sorter).  ?1 .. ?9: the viewer and the filters; cols:
 * POLICY_COLUMNS, or for staff POLICY_STAFF_COLUMNS (no ties to look up
 * for each of a national network's schools). */
#define PINS_SQL(cols) PINS_SQL_WHERE(cols, POLICY_VISIBLE_SQL("?7", "?1", "?2", "?8"))
#define PINS_SQL_WHERE(cols, visible) \
	"SELECT s.id, s.name, s.city, s.state_code, s.type, coalesce(s.nation_id, 0), s.lon, s.lat, " \
	POLICY_MAP_PRECISION ", " cols \
	"  FROM schools s" \
	" WHERE s.lat IS NOT NULL AND s.lon IS NOT NULL" \
	"   AND (?3 = '' OR s.state_code = ?3) AND (?4 = '' OR s.type = ?4) AND (?5 = 0 OR s.nation_id = ?5)" \
	"   AND (?6 = 0 OR s.id IN (SELECT gs.school_id FROM grant_schools gs JOIN grants g ON g.id = gs.grant_id" \
	"     WHERE g.org_id = ?6 AND g.stage = 'active' AND gs.from_date <= date('now')" \
	"       AND (gs.to_date IS NULL OR gs.to_date >= date('now'))))" \
	"   AND (?9 = 0 OR s.id IN (SELECT cm.school_id FROM cohort_members cm WHERE cm.cohort_id = ?9" \
	"     AND cm.school_id IS NOT NULL))" \
	"   AND " visible

/* Every school the filters and the policy let this viewer see on the
 * map, at the precision allowed: in name order when sorted asks (the
 * exports), else in id order.  Their stage and scores are read with them
 * only when the exports or the stage filter need them all. */
static void pins_read(struct req *r, const struct filters *f, struct pins *out, struct usage_tally *used, int sorted)
{
	const char *role = role_name(r->user->role);
	int staff = policy_staff_view(r->user);
	sqlite3_stmt *st;
	int cap;
	/* Any other viewer's ties to the schools, read once (not looked up
	 * for each of a national network's schools by POLICY_COLUMNS' and
	 * POLICY_VISIBLE_SQL's subqueries): every school is then decided by
	 * policy_decide_tied(), the same decision from the same facts. */
	struct policy_ties ties;
	int tied = !staff && !f->only;
	if (tied)
		policy_ties_read(r, &ties);
	if (tied) {
		/* No pre-filter: every row goes to policy_decide_tied(); the
		 * viewer's parameters are bound as PINS_SQL binds them, in a
		 * constant that is always true. */
		st = db_q(r, PINS_SQL_WHERE(POLICY_STAFF_COLUMNS, "(?1 + ?2 + ?8 + length(?7)) IS NOT NULL") " ORDER BY s.id",
		          "IIttIItII", r->user->id, r->user->org_id, f->state, f->type,
		          f->nation, f->org, role, r->user->nation_id, f->cohort);
		cap = (int)db_int(r, 0, "SELECT count(*) FROM schools", "") + 1;
	} else if (f->only) {
		st = db_q(r, staff ? PINS_SQL(POLICY_STAFF_COLUMNS) " AND s.id IN (SELECT value FROM json_each(?10)) ORDER BY s.id"
		                   : PINS_SQL(POLICY_COLUMNS) " AND s.id IN (SELECT value FROM json_each(?10)) ORDER BY s.id",
		          "IIttIItIIt",
		          r->user->id, r->user->org_id, f->state, f->type, f->nation, f->org, role, r->user->nation_id,
		          f->cohort, f->only);
		cap = f->nonly + 1;
	} else {
		st = db_q(r, staff ? PINS_SQL(POLICY_STAFF_COLUMNS) " ORDER BY s.id" : PINS_SQL(POLICY_COLUMNS) " ORDER BY s.id",
		          "IIttIItII", r->user->id, r->user->org_id, f->state, f->type,
		          f->nation, f->org, role, r->user->nation_id, f->cohort);
		/* Room for every school at once: doubling would copy a
		 * national network's pins a dozen times. */
		cap = (int)db_int(r, 0, "SELECT count(*) FROM schools", "") + 1;
	}
	int n = 0;
	struct pin *p = arena_alloc(&r->arena, sizeof *p * (size_t)cap);
	while (db_step(r, st)) {
		enum vis v = tied ? policy_decide_tied(r->user, &ties, db_col_int(st, 0), db_col_int(st, 9), db_col_view(st, 10))
		                  : policy_row(r, st, 9);
		int placed = policy_map_placement(v, db_col_view(st, 8));
		if (!placed)
			continue;
		struct pin x = {0};
		x.id = db_col_int(st, 0);
		x.v = v;
		x.exact = placed == 2;
		double lon = sqlite3_column_double(st, 6), lat = sqlite3_column_double(st, 7);
		if (!x.exact)
			coarsen(&lon, &lat);    /* here, before it is projected or written anywhere */
		x.lon = lon;
		x.lat = lat;
		x.stage = -1;
		x.score[0] = x.score[1] = x.score[2] = -1;
		x.name = db_col_text(r, st, 1);
		x.name_len = (int)strlen(x.name);
		name_prefix(x.name, x.pre);
		x.city = db_col_text(r, st, 2);
		x.state = region_code(r, region_states, db_col_view(st, 3));
		x.type = region_code(r, region_school_types, db_col_view(st, 4));
		x.nation = db_col_int(st, 5);
		if (n < cap)            /* a school added since the count waits for the next request */
			p[n++] = x;
	}
	out->n = n;
	out->by_id = arena_alloc(&r->arena, sizeof *out->by_id * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++)
		out->by_id[i] = &p[i];
	/* A region's network (up to MAP_SCAN_ALL schools) has every pin's
	 * stage and scores read in one pass: cheaper than one query for each
	 * pin the page draws or lists, which is most of them there. */
	if (sorted || f->stage >= 0 || ranged(f) || (!f->only && cap <= MAP_SCAN_ALL + 1))
		pins_scan_all(r, out);
	int k = 0;
	if (f->ties) {
		long long *ids;
		int nt = tie_ids(r, &ids);
		for (int i = 0; i < n; i++)
			if (nt && bsearch(&p[i].id, ids, (size_t)nt, sizeof *ids, cmp_id) && pin_passes(f, &p[i]))
				out->by_id[k++] = &p[i];
	} else {
		for (int i = 0; i < n; i++)
			if (pin_passes(f, &p[i]))
				out->by_id[k++] = &p[i];
	}
	n = k;
	/* The pins kept: in name order (the SQL lists' order, sorted here:
	 * a sort in SQL carries every column of every row through the
	 * sorter) when sorted asks, else in id order, the page ordering only
	 * the rows it lists (pins_order_range). */
	struct pin **list = arena_alloc(&r->arena, sizeof *list * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++) {
		list[i] = (struct pin *)out->by_id[i];
		/* Each school is one pin: counted once without usage_count_school's
		 * search of those seen, which grows with the square of them. */
		usage_count(used, list[i]->nation, list[i]->exact ? VIS_FULL : VIS_COARSE);
	}
	if (sorted)
		qsort(list, (size_t)n, sizeof *list, cmp_pin_ptr);
	out->p = list;
	out->n = n;
}

/* ---- places that are not schools: the nations and the intermediaries ---------- */

struct place {
	long long id;
	const char *name, *seat;        /* seat: a nation's government's town */
	double lon, lat, sx, sy;
	int exact;
	const struct pin **schools;     /* an intermediary's schools shown */
	int n;
	struct boundary *outline;       /* a nation's boundary its steward consents to drawing, or NULL */
};

/* The nations with a public reference point (021_map.sql): where their
 * government is, a public place, never a point computed from their
 * schools. */
static struct place *nations_read(struct req *r, int *count)
{
	int cap = (int)db_int(r, 0, "SELECT count(*) FROM nations", "") + 1, n = 0;
	struct place *pl = arena_alloc(&r->arena, sizeof *pl * (size_t)cap);
	sqlite3_stmt *st = db_q(r, "SELECT n.id, n.name, n.seat, n.seat_lon, n.seat_lat, b.geometry FROM nations n"
	                           "  LEFT JOIN nation_boundaries b ON b.nation_id = n.id AND b.consent_by IS NOT NULL"
	                           " WHERE n.seat_lon IS NOT NULL AND n.seat_lat IS NOT NULL ORDER BY n.name", "");
	const struct geo_region *g = geo_region();
	while (db_step(r, st) && n < cap) {
		struct place x = { .id = db_col_int(st, 0), .name = db_col_text(r, st, 1), .seat = db_col_text(r, st, 2),
		                   .lon = sqlite3_column_double(st, 3), .lat = sqlite3_column_double(st, 4), .exact = 1 };
		/* Its boundary only as the nation provided it, and only while its
		 * steward consents (boundary.h); never one made up. */
		const char *text = db_col_null(st, 5) ? NULL : db_col_view(st, 5), *why;
		struct boundary *b = text && g ? arena_alloc(&r->arena, sizeof *b) : NULL;
		if (b && boundary_parse(&r->arena, text, strlen(text), &g->box, b, &why) == 0)
			x.outline = b;
		pl[n++] = x;
	}
	*count = n;
	return pl;
}

static int cmp_place_name(const void *a, const void *b)
{
	const struct place *x = a, *y = b;
	int c = db_natural_cmp(x->name, (int)strlen(x->name), y->name, (int)strlen(y->name));
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* The intermediaries serving (on an active grant's roster today) any of
 * the schools shown, each at the centre of those schools as shown
 * (map_centroid: no finer than the coarsest of them), with them. */
struct roster_row {
	long long org, school;
	const char *name;               /* the organization's */
	const struct pin *q;
};

static int cmp_roster_row(const void *a, const void *b)
{
	const struct roster_row *x = a, *y = b;
	if (x->org != y->org)
		return (x->org > y->org) - (x->org < y->org);
	return (x->school > y->school) - (x->school < y->school);
}

static struct place *orgs_read(struct req *r, const struct pins *ps, int *count)
{
	/* The rosters' rows of the schools shown, ordered by organization and
	 * school and made distinct here: in SQL, DISTINCT and ORDER BY cost
	 * two sorters, more than the rest of the query. */
	sqlite3_stmt *st = db_q(r, "SELECT g.org_id, o.name, gs.school_id FROM grant_schools gs"
	                           " JOIN grants g ON g.id = gs.grant_id JOIN organizations o ON o.id = g.org_id"
	                           " WHERE g.stage = 'active' AND gs.from_date <= date('now')"
	                           "   AND (gs.to_date IS NULL OR gs.to_date >= date('now'))", "");
	struct roster_row *rows = NULL;
	int nrows = 0, rcap = 0;
	while (db_step(r, st)) {
		const struct pin *q = pin_find(ps, db_col_int(st, 2));
		if (!q)
			continue;               /* not shown: neither counted nor placed by */
		rows = arena_grow(&r->arena, rows, nrows, &rcap, sizeof *rows);
		rows[nrows++] = (struct roster_row){ .org = db_col_int(st, 0), .school = q->id, .name = db_col_text(r, st, 1),
		                                     .q = q };
	}
	if (nrows)
		qsort(rows, (size_t)nrows, sizeof *rows, cmp_roster_row);
	int cap = 16, n = 0;
	struct place *pl = arena_alloc(&r->arena, sizeof *pl * (size_t)cap);
	int scap = 0;
	for (int i = 0; i < nrows; i++) {
		if (i && rows[i].org == rows[i - 1].org && rows[i].school == rows[i - 1].school)
			continue;               /* on two of its grants' rosters: once */
		const struct pin *q = rows[i].q;
		long long org = rows[i].org;
		if (!n || pl[n - 1].id != org) {
			if (n == cap) {
				struct place *more = arena_alloc(&r->arena, sizeof *more * (size_t)cap * 2);
				memcpy(more, pl, sizeof *pl * (size_t)n);
				pl = more;
				cap *= 2;
			}
			pl[n] = (struct place){ .id = org, .name = rows[i].name, .seat = "" };
			scap = 16;
			pl[n].schools = arena_alloc(&r->arena, sizeof *pl[n].schools * (size_t)scap);
			n++;
		}
		struct place *o = &pl[n - 1];
		if (o->n == scap) {
			const struct pin **more = arena_alloc(&r->arena, sizeof *more * (size_t)scap * 2);
			memcpy(more, o->schools, sizeof *more * (size_t)o->n);
			o->schools = more;
			scap *= 2;
		}
		o->schools[o->n++] = q;
	}
	for (int i = 0; i < n; i++) {
		struct place *o = &pl[i];
		double *lon = arena_alloc(&r->arena, sizeof *lon * (size_t)o->n);
		double *lat = arena_alloc(&r->arena, sizeof *lat * (size_t)o->n);
		int *ex = arena_alloc(&r->arena, sizeof *ex * (size_t)o->n);
		for (int k = 0; k < o->n; k++) {
			lon[k] = o->schools[k]->lon;
			lat[k] = o->schools[k]->lat;
			ex[k] = o->schools[k]->exact;
		}
		o->exact = map_centroid(lon, lat, ex, o->n, &o->lon, &o->lat);
	}
	/* By name, as the page lists them and the exports write them. */
	qsort(pl, (size_t)n, sizeof *pl, cmp_place_name);
	*count = n;
	return pl;
}

/* ---- cohorts: the ties of their members ------------------------------------------ */

/* A cohort of the chosen school, whose members the viewer may read, with
 * its other member schools shown (mates, in name order). */
struct cohort_tie {
	long long id;
	const char *name;
	const struct pin **mates;
	int n;
};

static int cmp_pin_cptr(const void *a, const void *b)
{
	return cmp_pin_name(*(const struct pin *const *)a, *(const struct pin *const *)b);
}

/* The cohorts of school (shown) that the viewer may read the members of,
 * newest first, each with its member schools among ps: how many.  Of a
 * cohort whose members the viewer may not read, nothing: not even that
 * the school is in it. */
static int cohort_ties(struct req *r, long long school, const struct pins *ps, struct cohort_tie **out)
{
	*out = NULL;
	if (!pin_find(ps, school))
		return 0;
	sqlite3_stmt *st = db_q(r, "SELECT DISTINCT c.id, c.name, m2.school_id, c.year FROM cohort_members m"
	                           " JOIN cohorts c ON c.id = m.cohort_id"
	                           " LEFT JOIN cohort_members m2 ON m2.cohort_id = m.cohort_id AND m2.school_id IS NOT NULL"
	                           "   AND m2.school_id <> m.school_id"
	                           " WHERE m.school_id = ? ORDER BY c.year DESC, c.name, c.id, m2.school_id", "I", school);
	int cap = 0, n = 0, ok = 0;
	struct cohort_tie *v = NULL;
	long long cur = 0;
	while (db_step(r, st)) {
		long long id = db_col_int(st, 0);
		if (id != cur) {
			cur = id;
			ok = cohort_sees_members(r, id);
			if (!ok)
				continue;
			v = arena_grow(&r->arena, v, n, &cap, sizeof *v);
			int max = (int)db_int(r, 0, "SELECT count(*) FROM cohort_members WHERE cohort_id = ?", "I", id) + 1;
			v[n] = (struct cohort_tie){ .id = id, .name = db_col_text(r, st, 1),
			                            .mates = arena_alloc(&r->arena, sizeof *v[n].mates * (size_t)max) };
			n++;
		}
		if (!ok || db_col_null(st, 2))
			continue;
		const struct pin *q = pin_find(ps, db_col_int(st, 2));
		if (q)                  /* a mate not shown: the viewer may not see it, or filtered out */
			v[n - 1].mates[v[n - 1].n++] = q;
	}
	for (int i = 0; i < n; i++)
		qsort(v[i].mates, (size_t)v[i].n, sizeof *v[i].mates, cmp_pin_cptr);
	*out = v;
	return n;
}

/* The colour class of a pin: its stage, or its score's band. */
static int colour_of(struct req *r, const struct filters *f, struct pin *p)
{
	pin_scan(r, p);
	int d = pairs_index(colourings, f->colour) - 1;
	if (d < 0)
		return p->stage;
	return p->score[d] < 0 ? -1 : p->score[d] >= 75 ? 3 : p->score[d] / 25;
}

static const char *colour_label(const struct filters *f, int c)
{
	if (c < 0)
		return "Not known or not shared";
	return strcmp(f->colour, "stage") ? bands[c] : stages[2 * c + 1];
}

/* ---- the page ------------------------------------------------------------------ */

static void view_of(const struct filters *f, struct geo_view *view)
{
	if (*f->zoom && geo_county_find(f->zoom))
		geo_view_fit_county(view, f->zoom, MAP_W, MAP_H, MAP_MARGIN);
	else if (*f->zoom)
		geo_view_fit_state(view, f->zoom, MAP_W, MAP_H, MAP_MARGIN);
	else
		geo_view_fit(view, MAP_W, MAP_H, MAP_MARGIN);
}

static int svg_in(double sx, double sy)
{
	return sx >= 0 && sy >= 0 && sx < MAP_W && sy < MAP_H;
}

/* A drawing's coordinate, as "%.1f" writes it (without printf: a map
 * has a few of them for each school). */
static const char *num1(struct req *r, double v)
{
	char s[40];
	int n = fmt_fixed(s, v, 1);
	return arena_strndup(&r->arena, s, (size_t)n);
}

static void map_svg(struct req *r, const struct filters *f, const struct pins *ps, struct place *orgs, int norgs,
                    struct place *nations, int nnations, const struct cohort_tie *ct, int nct)
{
	struct pin **p = ps->p;
	int n = ps->n;
	struct geo_view view;
	view_of(f, &view);
	/* Cells: pins that fall in one are drawn as one cluster, so the
	 * drawing stays small at any scale. */
	int cols = MAP_W / CELL + 1, rows = MAP_H / CELL + 1;
	int *first = arena_alloc(&r->arena, sizeof *first * (size_t)(cols * rows));
	int *count = arena_alloc(&r->arena, sizeof *count * (size_t)(cols * rows));
	for (int i = 0; i < cols * rows; i++) {
		first[i] = -1;
		count[i] = 0;
	}
	int shown = 0;
	for (int i = 0; i < n; i++) {
		geo_to_svg(&view, p[i]->lon, p[i]->lat, &p[i]->sx, &p[i]->sy);
		p[i]->cluster = -1;
		if (p[i]->sx < 0 || p[i]->sy < 0 || p[i]->sx >= MAP_W || p[i]->sy >= MAP_H)
			continue;            /* outside the zoomed view */
		int cell = (int)(p[i]->sy / CELL) * cols + (int)(p[i]->sx / CELL);
		/* A cluster is drawn where its first school by name is. */
		if (first[cell] < 0 || cmp_pin_name(p[i], p[first[cell]]) < 0)
			first[cell] = i;
		count[cell]++;
		p[i]->cluster = cell;
		shown++;
	}
	/* The view's box in projected kilometres: where the page's script
	 * starts (geography only). */
	html(r, "<figure class=\"map\" data-view=\"%s,%s,%s,%s\">\n", num1(r, -view.tx / view.k / 1000),
	     num1(r, (view.ty - MAP_H) / view.k / 1000), num1(r, (MAP_W - view.tx) / view.k / 1000),
	     num1(r, view.ty / view.k / 1000));
	html(r, "<svg viewBox=\"0 0 %d %d\" role=\"group\" aria-labelledby=\"map-title\">\n"
	        "<title id=\"map-title\">Map of %d school%s shown</title>\n", MAP_W, MAP_H, shown, shown == 1 ? "" : "s");
	struct buf outline = BUF_IN(&r->arena);
	geo_svg_outlines(&outline, &view);
	html_raw(r, buf_str(&outline));          /* built by geo.c from the region's own data */
	buf_free(&outline);
	/* A nation's boundary where the nation provided one and its steward
	 * consents to drawing it: under everything else, named by its title. */
	html(r, "<g class=\"boundaries\">\n");
	int outlines = 0;
	for (int i = 0; i < nnations; i++) {
		if (!nations[i].outline)
			continue;
		outlines++;
		struct buf d = BUF_IN(&r->arena);
		boundary_svg_d(&d, nations[i].outline, &view);
		html(r, "<path class=\"boundary\" fill-rule=\"evenodd\" d=\"%s\"><title>%s — its boundary, as the nation"
		        " provided it</title></path>\n", buf_str(&d), nations[i].name);
		buf_free(&d);
	}
	html(r, "</g>\n");
	/* The nations: labelled places at their governments' towns (public
	 * places); each a link to its schools. */
	html(r, "<g class=\"nations\">\n");
	for (int i = 0; i < nnations; i++) {
		struct place *x = &nations[i];
		geo_to_svg(&view, x->lon, x->lat, &x->sx, &x->sy);
		if (!svg_in(x->sx, x->sy))
			continue;
		/* Named by its title, not by text in the drawing: scaled to a
		 * phone, text would be too small to read (the list beside the
		 * map names them all). */
		html(r, "<a href=\"/map%s\" class=\"nation\"><path d=\"M%s %sl6 8h-12z\"><title>%s — its government at %s"
		        " (%s): show its schools</title></path></a>\n",
		     filters_href(r, f, "nation", lld(r, x->id)), num1(r, x->sx), num1(r, x->sy - 5),
		     x->name, x->seat, x->outline ? "its boundary drawn as the nation provided it" : "no boundary drawn");
	}
	html(r, "</g>\n");
	/* Ties: site visits between two schools both shown.  Past TIE_LINES
	 * of them only the chosen school's are drawn, and the caption says
	 * how many were left out. */
	sqlite3_stmt *st = db_q(r, "SELECT o.school_id, b.school_id FROM bookings b JOIN opportunities o"
	                           " ON o.id = b.opportunity_id WHERE " SEATS_VISITED_SQL, "");
	html(r, "<g class=\"ties\">\n");
	int tie_lines = 0, ties_left = 0;
	while (db_step(r, st)) {
		long long a = db_col_int(st, 0), b = db_col_int(st, 1);
		const struct pin *pa = pin_find(ps, a), *pb = pin_find(ps, b);
		if (!pa || !pb || pa->cluster < 0 || pb->cluster < 0)
			continue;
		int ego = f->school && (a == f->school || b == f->school);
		if (!ego && tie_lines >= TIE_LINES) {
			ties_left++;
			continue;
		}
		tie_lines++;
		html(r, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" class=\"tie%s\"/>\n",
		     num1(r, pa->sx), num1(r, pa->sy),
		     num1(r, pb->sx), num1(r, pb->sy), ego ? " ego" : "");
	}
	/* The chosen school's cohort-mates shown (only cohorts whose members
	 * the viewer may read: cohort_ties). */
	const struct pin *me = f->school ? pin_find(ps, f->school) : NULL;
	for (int i = 0; me && me->cluster >= 0 && i < nct; i++)
		for (int k = 0; k < ct[i].n; k++)
			if (ct[i].mates[k]->cluster >= 0)
				html(r, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" class=\"tie cohort ego\"/>\n",
				     num1(r, me->sx), num1(r, me->sy), num1(r, ct[i].mates[k]->sx), num1(r, ct[i].mates[k]->sy));
	/* Ties of the grant rosters: an intermediary to each school (or each
	 * cluster of them) it serves that is shown. */
	int *mark = arena_alloc(&r->arena, sizeof *mark * (size_t)(cols * rows));
	int grant_lines = 0;
	for (int pass = 0; pass < 2; pass++) {
		/* Counted first: past GRANT_LINES (a national network's rosters)
		 * only the chosen school's and the chosen intermediary's are drawn,
		 * so that the drawing stays small. */
		memset(mark, 0, sizeof *mark * (size_t)(cols * rows));
		for (int i = 0; i < norgs; i++) {
			struct place *o = &orgs[i];
			geo_to_svg(&view, o->lon, o->lat, &o->sx, &o->sy);
			for (int k = 0; k < o->n; k++) {
				int cell = o->schools[k]->cluster;
				if (cell < 0 || mark[cell] == i + 1)
					continue;
				mark[cell] = i + 1;
				int ego = (f->school && o->schools[k]->id == f->school) || (f->org == o->id);
				if (!pass) {
					grant_lines++;
					continue;
				}
				if (grant_lines > GRANT_LINES && !ego)
					continue;
				const struct pin *q = p[first[cell]];
				html(r, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" class=\"tie grant%s\"/>\n",
				     num1(r, o->sx), num1(r, o->sy), num1(r, q->sx), num1(r, q->sy), ego ? " ego" : "");
			}
		}
	}
	html(r, "</g>\n<g class=\"orgs\">\n");
	for (int i = 0; i < norgs; i++) {
		const struct place *o = &orgs[i];
		if (!svg_in(o->sx, o->sy))
			continue;
		html(r, "<a href=\"/map%s\"><rect x=\"%s\" y=\"%s\" width=\"11\" height=\"11\" class=\"org\">"
		        "<title>%s — intermediary serving %d school%s shown%s: show only those</title></rect></a>\n",
		     filters_href(r, f, "org", lld(r, o->id)), num1(r, o->sx - 5.5),
		     num1(r, o->sy - 5.5), o->name, o->n, o->n == 1 ? "" : "s",
		     o->exact ? ", at their centre" : ", near their centre (by county)");
	}
	html(r, "</g>\n<g class=\"pins\">\n");
	for (int cell = 0; cell < cols * rows; cell++) {
		if (first[cell] < 0)
			continue;
		const struct pin *q = p[first[cell]];
		if (count[cell] == 1) {
			int c = colour_of(r, f, p[first[cell]]);
			html(r, "<a href=\"/map%s#card\"><circle cx=\"%s\" cy=\"%s\" r=\"%d\" class=\"pin c%d%s\">"
			        "<title>%s, %s, %s — %s%s</title></circle></a>\n",
			     school_href(r, f, q->id),
			     num1(r, q->sx), num1(r, q->sy),
			     q->id == f->school ? 7 : 5, c < 0 ? 9 : c, q->id == f->school ? " chosen" : "", q->name, q->city,
			     q->state, colour_label(f, c), q->exact ? "" : " (shown at its county's centre)");
			continue;
		}
		/* A cluster: a count, and a link that zooms to its county. */
		const struct geo_county *cty = geo_county_of(q->lon, q->lat);
		int k = count[cell];
		double rad = 7 + 2.5 * log((double)k);
		const char *zoom_to = cty && (!*f->zoom || strcmp(f->zoom, cty->fips)) ? cty->fips : NULL;
		const char *where = cty ? arena_printf(&r->arena, "%s County, %s", cty->name, cty->state->code) : q->state;
		/* Its size says how many; its name says it in words (no text in
		 * the drawing: scaled to a phone it would be too small to read). */
		html(r, "<a href=\"%s\"><circle cx=\"%s\" cy=\"%s\" r=\"%s\" class=\"cluster\"><title>%d schools near %s%s"
		        "</title></circle></a>\n",
		     zoom_to ? arena_printf(&r->arena, "/map%s", filters_href(r, f, "zoom", zoom_to)) : "#schools",
		     num1(r, q->sx), num1(r, q->sy),
		     num1(r, rad), k, where, zoom_to ? ": zoom in" : ": listed in the table");
	}
	html(r, "</g>\n</svg>\n<figcaption>Schools as dots coloured by %s; a large blue dot is several schools close"
	        " together (follow it to zoom in); squares are intermediaries, joined by grey lines to the schools they"
	        " serve%s; purple lines are site visits between schools%s; triangles are Native nations' governments%s."
	        "</figcaption>\n</figure>\n", region_label(colourings, f->colour),
	     grant_lines > GRANT_LINES ? " (too many to draw here: choose an intermediary or a school to see its)" : "",
	     ties_left ? arena_printf(&r->arena, " (%d more left out, too many to draw here: choose a school to see its)",
	                              ties_left) : "",
	     outlines ? "; a dashed outline is a nation's boundary, as the nation provided it" : "");
}

/* boundaries: how many nations' boundaries the map draws (the entry for
 * them is shown only then). */
static void legend(struct req *r, const struct filters *f, int boundaries)
{
	html(r, "<h2 class=\"visually-hidden\">Legend</h2>\n<ul class=\"legend\">\n");
	int n = strcmp(f->colour, "stage") ? 4 : NSTAGES;
	int d = pairs_index(colourings, f->colour) - 1;
	for (int c = -1; c < n; c++) {
		/* An entry of the legend is a filter: follow it to show only that
		 * stage, or that band of the score (again: all of them). */
		const char *href = NULL;
		int on = 0;
		if (c >= 0 && d < 0) {
			on = f->stage == c;
			href = filters_href(r, f, "stage", on ? "" : stages[2 * c]);
		} else if (c >= 0) {
			int lo = 25 * c, hi = c == 3 ? 100 : 25 * c + 24;
			on = f->smin[d] == lo && f->smax[d] == hi;
			href = filters_href2(r, f, range_keys[2 * d], on ? "" : arena_printf(&r->arena, "%d", lo),
			                     range_keys[2 * d + 1], on ? "" : arena_printf(&r->arena, "%d", hi));
		}
		if (href)
			html(r, "<li><a href=\"/map%s\"><span class=\"swatch c%d\" aria-hidden=\"true\"></span>%s%s</a></li>\n",
			     href, c, colour_label(f, c), on ? " (shown alone: show all)" : "");
		else
			html(r, "<li><span class=\"swatch c%d\" aria-hidden=\"true\"></span>%s</li>\n", c < 0 ? 9 : c,
			     colour_label(f, c));
	}
	html(r, "</ul>\n<ul class=\"legend\">\n<li><span class=\"swatch org\" aria-hidden=\"true\"></span>"
	        "An intermediary, at the centre of the schools it serves shown</li>\n"
	        "<li><span class=\"swatch nation\" aria-hidden=\"true\"></span>A Native nation, at its government's town</li>\n");
	if (boundaries)
		html(r, "<li><span class=\"swatch boundary\" aria-hidden=\"true\"></span>A nation's boundary, drawn only as the"
		        " nation provided it and with its consent</li>\n");
	html(r, "</ul>\n");
}

static void card(struct req *r, const struct filters *f, const struct pins *ps, const struct cohort_tie *ct, int nct)
{
	struct pin *q = (struct pin *)pin_find(ps, f->school);
	if (!q)
		return;
	pin_scan(r, q);
	html(r, "<section id=\"card\" class=\"card\" aria-labelledby=\"card-title\">\n<h2 id=\"card-title\">%s</h2>\n"
	        "<dl class=\"facts\"><dt>Place</dt><dd>%s, %s</dd><dt>Type</dt><dd>%s</dd>\n", q->name, q->city,
	     region_label(region_states, q->state), region_label(region_school_types, q->type));
	if (q->v == VIS_FULL) {
		html(r, "<dt>Stage</dt><dd>%s</dd>\n", q->stage >= 0 ? stages[2 * q->stage + 1] : "No scan submitted");
		for (int d = 0; d < 3; d++)
			if (q->score[d] >= 0)
				html(r, "<dt>%s</dt><dd>%d of 100</dd>\n", colourings[2 * d + 3], q->score[d]);
	}
	html(r, "<dt>On the map</dt><dd>%s</dd></dl>\n", q->exact ? "Where it is" : "At its county's centre");
	/* Its ego network: who serves it, whom it visited or hosted. */
	sqlite3_stmt *st = db_q(r, "SELECT DISTINCT o.name, o.id FROM grant_schools gs JOIN grants g ON g.id = gs.grant_id"
	                           " JOIN organizations o ON o.id = g.org_id WHERE gs.school_id = ? AND g.stage = 'active'"
	                           " AND gs.from_date <= date('now') AND (gs.to_date IS NULL OR gs.to_date >= date('now'))"
	                           " ORDER BY o.name", "I", q->id);
	int k = 0;
	while (db_step(r, st)) {
		if (!k++)
			html(r, "<p>Coached by ");
		else
			html(r, ", ");
		html(r, "<a href=\"/map%s\">%s</a>", filters_href2(r, f, "org", lld(r, db_col_int(st, 1)),
		     "school", ""), db_col_text(r, st, 0));
	}
	if (k)
		html(r, ".</p>\n");
	st = db_q(r, "SELECT DISTINCT CASE WHEN o.school_id = ?1 THEN b.school_id ELSE o.school_id END"
	             "  FROM bookings b JOIN opportunities o ON o.id = b.opportunity_id"
	             " WHERE " SEATS_VISITED_SQL
	             "   AND (o.school_id = ?1 OR b.school_id = ?1)", "I", q->id);
	long long *partners = NULL;
	int np = 0, pcap = 0;
	while (db_step(r, st)) {
		partners = arena_grow(&r->arena, partners, np, &pcap, sizeof *partners);
		partners[np++] = db_col_int(st, 0);
	}
	k = 0;
	for (int i = 0; i < np; i++) {
		const struct pin *w = pin_find(ps, partners[i]);
		if (!w)
			continue;               /* a partner not shown: the viewer may not see it, or filtered out */
		if (!k++)
			html(r, "<p>Site visits with ");
		else
			html(r, ", ");
		html(r, "<a href=\"/map%s#card\">%s</a>", school_href(r, f, w->id),
		     w->name);
	}
	if (k)
		html(r, ".</p>\n");
	/* Its cohorts and their other member schools shown. */
	for (int i = 0; i < nct; i++) {
		html(r, "<p class=\"cohort-tie\">Cohort <a href=\"/map%s\">%s</a>", filters_href2(r, f, "cohort",
		     lld(r, ct[i].id), "school", ""), ct[i].name);
		for (int j = 0; j < ct[i].n; j++)
			html(r, "%s<a href=\"/map%s#card\">%s</a>", j ? ", " : " with ", school_href(r, f, ct[i].mates[j]->id),
			     ct[i].mates[j]->name);
		html(r, ".</p>\n");
	}
	html(r, "<p><a href=\"/schools/%lld\">The school's profile</a> · <a href=\"/map%s\">Close</a></p>\n</section>\n",
	     q->id, filters_href(r, f, "school", ""));
}

/* The cohorts whose members the viewer may read, newest first, as the
 * cohort filter's choices. */
static const char *const *cohort_options(struct req *r)
{
	int cap = (int)db_int(r, 0, "SELECT count(*) FROM cohorts", "") + 1, n = 0;
	const char **v = arena_alloc(&r->arena, sizeof *v * (size_t)(2 * cap + 1));
	sqlite3_stmt *st = db_q(r, "SELECT id, name || ' (' || year || ')' FROM cohorts ORDER BY year DESC, name, id", "");
	while (db_step(r, st) && n < cap - 1) {
		long long id = db_col_int(st, 0);
		if (!cohort_sees_members(r, id))
			continue;
		v[2 * n] = lld(r, id);
		v[2 * n + 1] = db_col_text(r, st, 1);
		n++;
	}
	v[2 * n] = NULL;
	return v;
}

/* What a part of the map shows, and the uses of nations' schools it
 * counts (a part that counts any is not kept: each view is logged). */
struct map_part {
	struct filters *f;
	struct usage_tally *used;
	const double *box;          /* the JSON's */
	double cell;
};

/* What the map page shows between its header and its scripts. */
static void map_body(struct req *r, void *arg)
{
	struct map_part *mp = arg;
	struct filters f = *mp->f;
	struct usage_tally *used = mp->used;
	struct pins ps;
	pins_read(r, &f, &ps, used, 0);
	struct pin **p = ps.p;
	int n = ps.n;
	/* The filters fold away on a phone (ilnet.js closes them there), so
	 * that the map comes first; open as served, they work without scripts. */
	int set = (*f.state != 0) + (*f.type != 0) + (f.nation != 0) + (f.org != 0) + (f.cohort != 0) + (f.stage >= 0) +
	          (strcmp(f.colour, "stage") != 0) + f.ties;
	for (int d = 0; d < 3; d++)
		set += (f.smin[d] >= 0) + (f.smax[d] >= 0);
	html(r, "<details class=\"map-filters\" open>\n<summary>Filters%s</summary>\n",
	     set ? arena_printf(&r->arena, " (%d set)", set) : "");
	filter_begin(r, "/map");
	filter_select(r, "state", "State", "Any state", region_states, f.state);
	filter_select(r, "type", "Type", "Any type", region_school_types, f.type);
	filter_select(r, "nation", "Nation", "Any nation",
	              form_options(r, db_q(r, "SELECT id, name FROM nations ORDER BY name", ""), NULL),
	              f.nation ? lld(r, f.nation) : "");
	filter_select(r, "org", "Coached by", "Any or none",
	              form_options(r, db_q(r, "SELECT id, name FROM organizations WHERE active = 1 ORDER BY name", ""), NULL),
	              f.org ? lld(r, f.org) : "");
	filter_select(r, "cohort", "Cohort", "Any or none", cohort_options(r), f.cohort ? lld(r, f.cohort) : "");
	filter_select(r, "stage", "Stage", "Any stage", stages, f.stage >= 0 ? stages[2 * f.stage] : "");
	for (int d = 0; d < 3; d++) {
		html(r, "<fieldset class=\"field range\"><legend>%s</legend>\n", region_label(colourings, colourings[2 * d + 2]));
		for (int m = 0; m < 2; m++) {
			const char *raw = f.raw[2 * d + m];
			int bad = *raw && (m ? f.smax[d] : f.smin[d]) < 0;
			/* Text, not a number field, so that what was typed is kept to correct. */
			html(r, "<label for=\"q-%s\">%s</label><input id=\"q-%s\" name=\"%s\" type=\"text\""
			        " inputmode=\"numeric\" value=\"%s\"",
			     range_keys[2 * d + m], m ? "to" : "from", range_keys[2 * d + m], range_keys[2 * d + m], raw);
			if (bad)
				html_raw(r, " aria-invalid=\"true\" aria-describedby=\"range-error\"");
			html_raw(r, ">\n");
		}
		html(r, "</fieldset>\n");
	}
	filter_select(r, "colour", "Colour by", "Implementation stage", colourings + 2, strcmp(f.colour, "stage") ? f.colour : "");
	static const char *const ties_opts[] = { "1", "With site-visit ties", NULL };
	filter_select(r, "ties", "Ties", "Any", ties_opts, f.ties ? "1" : "");
	if (*f.zoom)
		html(r, "<input type=\"hidden\" name=\"zoom\" value=\"%s\">\n", f.zoom);
	filter_end(r);
	html(r, "</details>\n");
	if (f.error)
		html(r, "<p class=\"error\" id=\"range-error\" role=\"alert\">%s</p>\n", f.error);
	html(r, "<p class=\"zoom\">Zoom: <a href=\"/map%s\">the region</a>", filters_href(r, &f, "zoom", ""));
	static const char *const st3[] = { "MN", "ND", "SD" };
	for (int i = 0; i < 3; i++)
		if (!strcmp(f.zoom, st3[i]))
			html(r, " · <a href=\"/map%s\" aria-current=\"page\">%s</a>", filters_href(r, &f, "zoom", st3[i]),
			     region_label(region_states, st3[i]));
		else
			html(r, " · <a href=\"/map%s\">%s</a>", filters_href(r, &f, "zoom", st3[i]),
			     region_label(region_states, st3[i]));
	const struct geo_county *cz = *f.zoom ? geo_county_find(f.zoom) : NULL;
	if (cz)
		html(r, " · %s County, %s", cz->name, cz->state->code);
	html(r, "</p>\n");
	if (!geo_region())
		html(r, "<p class=\"error\">The region's outlines could not be read, so the map is drawn without them.</p>\n");
	int norgs, nnations;
	struct place *orgs = orgs_read(r, &ps, &norgs), *nations = nations_read(r, &nnations);
	struct cohort_tie *ct = NULL;
	int nct = f.school ? cohort_ties(r, f.school, &ps, &ct) : 0;
	html(r, "<div class=\"map-wrap\">\n");
	map_svg(r, &f, &ps, orgs, norgs, nations, nnations, ct, nct);
	html(r, "<div class=\"map-side\">\n");
	int boundaries = 0;
	for (int i = 0; i < nnations; i++)
		boundaries += nations[i].outline != NULL;
	legend(r, &f, boundaries);
	card(r, &f, &ps, ct, nct);
	/* The nations by name, as the map marks them. */
	html(r, "<details class=\"nations-list\"><summary>The Native nations on the map (%d)</summary>\n<ul>\n", nnations);
	for (int i = 0; i < nnations; i++)
		html(r, "<li><a href=\"/map%s\">%s</a> — %s%s</li>\n",
		     filters_href(r, &f, "nation", lld(r, nations[i].id)), nations[i].name,
		     nations[i].seat, nations[i].outline ? "; its boundary drawn, as the nation provided it" : "");
	html(r, "</ul>\n</details>\n");
	if (r->user->role == ROLE_ADMIN)
		html(r, "<p><a href=\"/admin/nations\">Add a boundary a nation provides</a></p>\n");
	/* The intermediaries the drawing places, by name: the drawing's squares
	 * in words, and the rows the exports add for them. */
	html(r, "<details class=\"orgs-list\"><summary>The intermediaries on the map (%d)</summary>\n<ul>\n", norgs);
	for (int i = 0; i < norgs; i++)
		html(r, "<li><a href=\"/map%s\">%s</a> — serving %s school%s shown, %s</li>\n",
		     filters_href(r, &f, "org", lld(r, orgs[i].id)), orgs[i].name,
		     count_text(r, orgs[i].n), orgs[i].n == 1 ? "" : "s",
		     orgs[i].exact ? "at their centre" : "near their centre (by county)");
	if (!norgs)
		html(r, "<li>None serves a school shown.</li>\n");
	html(r, "</ul>\n</details>\n");
	html(r, "<p><a href=\"/map.csv%s\">Download what the map shows (CSV)</a> · <a href=\"/map.geojson%s\">GeoJSON</a></p>\n"
	        "<p class=\"hint\">A school is shown where it is only when its nation allows it and you see it in full;"
	        " otherwise at its county's centre, or not at all. Stages and scores show only for schools whose scan"
	        " answers you may read.</p>\n</div>\n</div>\n",
	     filters_href(r, &f, NULL, NULL), filters_href(r, &f, NULL, NULL));

	/* The same schools as a table: the map's accessible alternative. */
	struct pager pg;
	pager_init(r, &pg);
	pager_total(&pg, n);
	html(r, "<h2 id=\"schools\">%s school%s shown</h2>\n", count_text(r, n), n == 1 ? "" : "s");
	table_begin(r, NULL, "The schools on the map, by name");
	html(r, "<thead><tr><th scope=\"col\">School</th><th scope=\"col\">Place</th><th scope=\"col\">Type</th>"
	        "<th scope=\"col\">%s</th><th scope=\"col\">On the map</th></tr></thead>\n<tbody>\n",
	     strcmp(f.colour, "stage") ? region_label(colourings, f.colour) : "Stage");
	long long from = pager_offset(&pg);
	if (from < n)
		pins_order_range(p, n, (int)from, PAGE_ROWS);
	for (long long i = from; i < n && i < from + PAGE_ROWS; i++) {
		int c = colour_of(r, &f, p[i]);
		html(r, "<tr><td><a href=\"/map%s#card\">%s</a></td><td>%s, %s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
		     school_href(r, &f, p[i]->id), p[i]->name, p[i]->city,
		     p[i]->state, region_label(region_school_types, p[i]->type), c < 0 ? "—" : colour_label(&f, c),
		     p[i]->exact ? "Where it is" : "County centre");
	}
	if (!n)
		html(r, "<tr><td colspan=\"5\">No school matches these filters.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
	static const char *const keep[] = { "state", "type", "nation", "org", "cohort", "stage", "cultural_min", "cultural_max",
	                                    "instructional_min", "instructional_max", "career_min", "career_max",
	                                    "colour", "ties", "zoom", NULL };
	pager_nav(r, &pg, "/map", keep, "Pages of schools on the map", "schools");
	if (used->n)
		r->uncacheable = 1;
}

/* The map reads every school, tie and outline it may show: what it shows
 * a reader is kept while nothing changes (cache_part). */
void map_page(struct req *r)
{
	struct filters f;
	filters_read(r, &f);
	struct usage_tally used = {0};
	page_begin(r, "The network on a map");
	struct map_part mp = { &f, &used, NULL, 0 };
	cache_part(r, "map", map_body, &mp);
	usage_flush(r, &used, "map");
	/* Pan, zoom and clustering in the page (www/static/map.js, Leaflet):
	 * it takes the drawing's place only once it has loaded; without it,
	 * the drawing and the table above are the map. */
	html(r, "<link rel=\"stylesheet\" href=\"/vendor/leaflet-%s/leaflet.css\">\n"
	        "<link rel=\"stylesheet\" href=\"/vendor/leaflet.markercluster-%s/MarkerCluster.css\">\n"
	        "<script src=\"/vendor/leaflet-%s/leaflet.js\" defer nonce=\"%s\"></script>\n"
	        "<script src=\"/vendor/leaflet.markercluster-%s/leaflet.markercluster.js\" defer nonce=\"%s\"></script>\n"
	        "<script src=\"/static/map.js?v=%s\" defer nonce=\"%s\"></script>\n",
	     ILNET_LEAFLET, ILNET_MARKERCLUSTER, ILNET_LEAFLET, r->nonce, ILNET_MARKERCLUSTER, r->nonce,
	     ILNET_STATIC_VERSION, r->nonce);
	page_end(r);
}

/* ---- the small map of a school's profile ---------------------------------------------- */

#define MINI_W 320
#define MINI_H 220

void map_mini(struct req *r, long long school, struct usage_tally *used)
{
	/* The school and its site-visit partners, as the card's ego network;
	 * pins_read() decides which of them this viewer may see, and where. */
	sqlite3_stmt *st = db_q(r, "SELECT DISTINCT CASE WHEN o.school_id = ?1 THEN b.school_id ELSE o.school_id END"
	                           "  FROM bookings b JOIN opportunities o ON o.id = b.opportunity_id"
	                           " WHERE " SEATS_VISITED_SQL
	                           "   AND (o.school_id = ?1 OR b.school_id = ?1)", "I", school);
	struct buf ids = BUF_IN(&r->arena);
	buf_printf(&ids, "[%lld", school);
	int nids = 1;
	while (db_step(r, st)) {
		buf_printf(&ids, ",%lld", db_col_int(st, 0));
		nids++;
	}
	buf_putc(&ids, ']');
	struct filters f = { .state = "", .type = "", .colour = "stage", .zoom = "", .school = school, .stage = -1,
	                     .smin = { -1, -1, -1 }, .smax = { -1, -1, -1 },
	                     .only = buf_str(&ids), .nonly = nids };
	struct pins ps;
	struct usage_tally shown = {0};      /* counted only when the map is drawn */
	pins_read(r, &f, &ps, &shown, 0);
	struct pin *me = (struct pin *)pin_find(&ps, school);
	if (!me) {
		/* Not on the map for this viewer: nothing says where it is. */
		buf_free(&ids);
		return;
	}
	usage_tally_add(used, &shown);
	struct geo_view view;
	geo_view_fit_state(&view, me->state, MINI_W, MINI_H, 6);
	for (int i = 0; i < ps.n; i++)
		geo_to_svg(&view, ps.p[i]->lon, ps.p[i]->lat, &ps.p[i]->sx, &ps.p[i]->sy);
	html(r, "<h2 id=\"mini-map-title\">On the map</h2>\n<figure class=\"map mini-map\">\n"
	        "<svg viewBox=\"0 0 %d %d\" role=\"group\" aria-labelledby=\"mini-map-title\">\n", MINI_W, MINI_H);
	struct buf outline = BUF_IN(&r->arena);
	geo_svg_outlines(&outline, &view);
	html_raw(r, buf_str(&outline));          /* built by geo.c from the region's own data */
	buf_free(&outline);
	/* Its ties to partners shown, then the partners, then the school on top. */
	html(r, "<g class=\"ties\">\n");
	for (int i = 0; i < ps.n; i++)
		if (ps.p[i] != me)
			html(r, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" class=\"tie ego\"/>\n",
			     num1(r, me->sx), num1(r, me->sy),
			     num1(r, ps.p[i]->sx), num1(r, ps.p[i]->sy));
	html(r, "</g>\n<g class=\"pins\">\n");
	int partners = 0;
	for (int i = 0; i < ps.n; i++) {
		const struct pin *q = ps.p[i];
		if (q == me || q->sx < 0 || q->sy < 0 || q->sx >= MINI_W || q->sy >= MINI_H)
			continue;            /* a partner in another state: the line leaves the drawing */
		html(r, "<a href=\"/schools/%lld\"><circle cx=\"%s\" cy=\"%s\" r=\"5\" class=\"pin c9\">"
		        "<title>%s, %s, %s — site visits%s</title></circle></a>\n", q->id,
		     num1(r, q->sx), num1(r, q->sy), q->name, q->city,
		     q->state, q->exact ? "" : " (shown at its county's centre)");
		partners++;
	}
	int c = colour_of(r, &f, me);
	html(r, "<circle cx=\"%s\" cy=\"%s\" r=\"7\" class=\"pin c%d chosen\"><title>%s, %s, %s — %s%s</title></circle>\n",
	     num1(r, me->sx), num1(r, me->sy), c < 0 ? 9 : c, me->name,
	     me->city, me->state, colour_label(&f, c), me->exact ? "" : " (shown at its county's centre)");
	html(r, "</g>\n</svg>\n<figcaption>%s in %s; %s.</figcaption>\n</figure>\n"
	        "<p><a href=\"/map?school=%lld&amp;zoom=%s#card\">See it on the network map</a></p>\n",
	     me->exact ? "Where the school is" : "The school at its county's centre",
	     region_label(region_states, me->state),
	     partners ? "lines are its site visits with schools you may see" : "no site visits with schools you may see nearby",
	     school, url_enc(r, me->state));
	buf_free(&ids);
}

/* ---- exports ------------------------------------------------------------------------ */

/* Every school's labels as policy_labels() writes them, read in one pass
 * (not a query per row of a national export), sorted by school. */
struct labels {
	long long *id;
	const char **text;
	int n;
};

static void labels_read(struct req *r, struct labels *out)
{
	int cap = (int)db_int(r, 0, "SELECT count(DISTINCT school_id) FROM school_labels", "") + 1;
	out->id = arena_alloc(&r->arena, sizeof *out->id * (size_t)cap);
	out->text = arena_alloc(&r->arena, sizeof *out->text * (size_t)cap);
	out->n = 0;
	sqlite3_stmt *st = db_q(r, "SELECT school_id, code FROM school_labels ORDER BY school_id", "");
	long long cur = 0;
	int have[64] = {0}, any = 0, more = 1;
	while (more) {
		more = db_step(r, st);
		long long id = more ? db_col_int(st, 0) : 0;
		if (any && (!more || id != cur) && out->n < cap) {
			/* In the list's order, as policy_labels_of() gives them. */
			struct buf b = BUF_IN(&r->arena);
			for (int i = 0; policy_label_list[i].code && i < 64; i++)
				if (have[i])
					buf_printf(&b, "%s%s", b.len ? "; " : "", policy_label_list[i].code);
			out->id[out->n] = cur;
			out->text[out->n++] = arena_strdup(&r->arena, b.len ? b.p : "");
			buf_free(&b);
			memset(have, 0, sizeof have);
			any = 0;
		}
		if (!more)
			break;
		cur = id;
		const struct policy_label *l = policy_label_find(db_col_view(st, 1));
		if (l && l - policy_label_list < 64) {
			have[l - policy_label_list] = 1;
			any = 1;
		}
	}
}

static const char *labels_of(const struct labels *l, long long id)
{
	const long long *hit = bsearch(&id, l->id, (size_t)l->n, sizeof *l->id, cmp_id);
	return hit ? l->text[hit - l->id] : "";
}

static const char *coord(struct req *r, double v, int exact)
{
	/* Coarse positions are county centres: four decimals say no more. */
	char s[40];
	fmt_fixed(s, v, exact ? 5 : 4);
	return arena_strdup(&r->arena, s);
}

/* The schools an export holds: exactly what the page shows under the same
 * filters, every one of them (not a page), in name order. */
static int export_pins(struct req *r, struct filters *f, struct pins *ps, struct usage_tally *used)
{
	filters_read(r, f);
	if (f->error) {
		/* Not a guess at what was meant: the page says what to correct. */
		page_error(r, 400, f->error);
		return -1;
	}
	pins_read(r, f, ps, used, 1);
	return 0;
}

/* A nation's seat, "Cass Lake, MN", as its town and its state. */
static void seat_split(struct req *r, const char *seat, const char **town, const char **state)
{
	const char *comma = strrchr(seat, ',');
	*town = comma ? arena_strndup(&r->arena, seat, (size_t)(comma - seat)) : seat;
	*state = comma ? comma + 1 + (comma[1] == ' ') : "";
}

/* The rows of an export: the schools shown (in name order), then the
 * intermediaries the page places among them and the nations it marks,
 * each row saying its kind.  Intermediaries are where the page draws them
 * (never finer than the coarsest school they are placed by); the nations
 * at their governments' towns, as published (two decimals). */
void map_csv(struct req *r)
{
	struct filters f;
	struct usage_tally used = {0};
	struct pins ps;
	if (export_pins(r, &f, &ps, &used) < 0)
		return;
	struct pin **p = ps.p;
	int n = ps.n;
	struct labels labels;
	labels_read(r, &labels);
	static const char *const cols[] = { "kind", "id", "name", "city", "state", "type", "longitude", "latitude",
	                                    "precision", "stage", "cultural", "instructional", "career", "labels",
	                                    "schools", NULL };
	csv_start(r, "ilnet-map.csv", cols);
	for (int i = 0; i < n; i++) {
		const struct pin *q = p[i];
		const char *v[] = {
			"school", lld(r, q->id), q->name, q->city, q->state, q->type,
			coord(r, q->lon, q->exact), coord(r, q->lat, q->exact), q->exact ? "exact" : "county",
			q->stage >= 0 ? stages[2 * q->stage] : "",
			q->score[0] >= 0 ? arena_printf(&r->arena, "%d", q->score[0]) : "",
			q->score[1] >= 0 ? arena_printf(&r->arena, "%d", q->score[1]) : "",
			q->score[2] >= 0 ? arena_printf(&r->arena, "%d", q->score[2]) : "",
			labels_of(&labels, q->id), "",
		};
		for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
			csv_field(&r->body, v[k], k == 0);
		csv_end(&r->body);
	}
	int norgs, nnations;
	struct place *orgs = orgs_read(r, &ps, &norgs), *nations = nations_read(r, &nnations);
	for (int i = 0; i < norgs; i++) {
		const struct place *o = &orgs[i];
		const char *v[] = { "intermediary", lld(r, o->id), o->name, "", "", "",
		                    coord(r, o->lon, o->exact), coord(r, o->lat, o->exact), o->exact ? "exact" : "county",
		                    "", "", "", "", "", arena_printf(&r->arena, "%d", o->n) };
		for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
			csv_field(&r->body, v[k], k == 0);
		csv_end(&r->body);
	}
	for (int i = 0; i < nnations; i++) {
		const struct place *o = &nations[i];
		const char *town, *state;
		seat_split(r, o->seat, &town, &state);
		const char *v[] = { "nation", lld(r, o->id), o->name, town, state, "",
		                    arena_printf(&r->arena, "%.2f", o->lon), arena_printf(&r->arena, "%.2f", o->lat), "seat",
		                    "", "", "", "", "", "" };
		for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
			csv_field(&r->body, v[k], k == 0);
		csv_end(&r->body);
	}
	usage_flush(r, &used, "map.csv");
}

/* ---- JSON, written straight into the reply ---------------------------------------- */

/* The exports and the API write their JSON as they go, text for text as
 * cJSON printed it (a tree of every school cost more than the rest of the
 * request): strings escaped as cJSON escapes them, whole numbers as
 * integers, and a coordinate as cJSON prints the number its rounded text
 * reads as. */

/* The value of fmt_fixed()'s text s of n bytes with decimals places, as
 * strtod reads it: its digits over 10^decimals, one correctly rounded
 * division of two numbers a double holds exactly (up to 15 digits). */
static double fixed_value(const char *s, int n, int decimals)
{
	static const double scale[] = { 1, 10, 100, 1e3, 1e4, 1e5, 1e6 };
	unsigned long long m = 0;
	int digits = 0;
	for (int i = 0; i < n; i++)
		if (s[i] >= '0' && s[i] <= '9') {
			m = m * 10 + (unsigned long long)(s[i] - '0');
			digits++;
		}
	if (digits > 15)
		return atof(s);         /* past what a double holds exactly */
	double d = (double)m / scale[decimals];
	return s[0] == '-' ? -d : d;
}

/* Any other number, as cJSON prints it (a nation's published seat).  One
 * that some text of at most 6 decimals reads as exactly, between 10^-3 and
 * 10^9, cJSON prints as the shortest such text ("%.15g" then gives back
 * its digits; a whole number as "%d"): written so without it. */
static void jnum(struct buf *b, const char *key, double v)
{
	if (fabs(v) >= 1e-3 && fabs(v) < 1e9)
		for (int k = 0; k <= 6; k++) {
			char s[40];
			int n = fmt_fixed(s, v, k);
			if (fixed_value(s, n, k) == v) {
				buf_puts(b, key);
				buf_add(b, s, (size_t)n);
				return;
			}
		}
	cJSON *x = cJSON_CreateNumber(v);
	char *s = x ? cJSON_PrintUnformatted(x) : NULL;
	buf_puts(b, key);
	buf_puts(b, s ? s : "null");
	cJSON_free(s);
	cJSON_Delete(x);
}

/* A position as the CSV writes it (coord()), as a JSON number: the value
 * of that text, which is returned.  Up to 14 digits there, so cJSON's
 * "%.15g" gives back that text without its trailing zeros; one near 0 or
 * past 10^9 degrees (none on Earth) goes through cJSON itself. */
static double jcoord(struct buf *b, const char *key, double v, int exact)
{
	char s[40];
	int n = fmt_fixed(s, v, exact ? 5 : 4);
	if (!(fabs(v) >= 1e-3 && fabs(v) < 1e9)) {
		double d = atof(s);
		jnum(b, key, d);
		return d;
	}
	double d = fixed_value(s, n, exact ? 5 : 4);
	while (s[n - 1] == '0')
		n--;
	if (s[n - 1] == '.')
		n--;
	buf_puts(b, key);
	buf_add(b, s, (size_t)n);
	return d;
}

/* The position (degrees, as written out) in projected kilometres, for the
 * page's script: x, y to 10 m, from the position as it may be shown. */
static void jxy(struct buf *b, double lon, double lat)
{
	double x, y;
	geo_project(lon, lat, &x, &y);
	buf_puts(b, ",\"x\":");
	buf_fixed(b, x / 1000, 2);
	buf_puts(b, ",\"y\":");
	buf_fixed(b, y / 1000, 2);
}

/* A GeoJSON Point feature's start (RFC 7946), up to its properties'
 * first member: lon, lat rounded as coord() when exact >= 0, else as
 * they are (a published place). */
static void jpoint(struct buf *b, int *count, double lon, double lat, int exact)
{
	buf_puts(b, (*count)++ ? ",{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":["
	                       : "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[");
	if (exact >= 0) {
		jcoord(b, "", lon, exact);
		jcoord(b, ",", lat, exact);
	} else {
		jnum(b, "", lon);
		jnum(b, ",", lat);
	}
	buf_puts(b, "]},\"properties\":{");
}

/* The schools as GeoJSON features (RFC 7946), or as the API's list: the
 * elements of an array, after *count of them. */
static void features(struct req *r, struct buf *b, int *count, struct pin *const *p, int n, int geojson,
                     const struct filters *f)
{
	struct labels labels;
	labels_read(r, &labels);
	for (int i = 0; i < n; i++) {
		const struct pin *q = p[i];
		if (geojson) {
			jpoint(b, count, q->lon, q->lat, q->exact);
			buf_json_key_int(b, "\"kind\":\"school\",\"id\":", q->id);
		} else {
			buf_json_key_int(b, (*count)++ ? ",{\"id\":" : "{\"id\":", q->id);
		}
		buf_json_key_str(b, ",\"name\":", q->name);
		buf_json_key_str(b, ",\"city\":", q->city);
		buf_json_key_str(b, ",\"state\":", q->state);
		buf_json_key_str(b, ",\"type\":", q->type);
		buf_puts(b, q->exact ? ",\"precision\":\"exact\"" : ",\"precision\":\"county\"");
		if (q->stage >= 0)
			buf_json_key_str(b, ",\"stage\":", stages[2 * q->stage]);
		static const char *const score_keys[] = { ",\"cultural\":", ",\"instructional\":", ",\"career\":" };
		for (int d = 0; d < 3; d++)
			if (q->score[d] >= 0)
				buf_json_key_int(b, score_keys[d], q->score[d]);
		buf_json_key_str(b, ",\"labels\":", labels_of(&labels, q->id));
		if (!geojson) {
			/* Positions rounded as the CSV writes them. */
			double lon = jcoord(b, ",\"longitude\":", q->lon, q->exact);
			double lat = jcoord(b, ",\"latitude\":", q->lat, q->exact);
			jxy(b, lon, lat);
			/* Its colour class under the colouring asked for (as the
			 * page's legend: -1 not known or not shared). */
			buf_json_key_int(b, ",\"colour\":", colour_of(r, f, (struct pin *)q));
		}
		buf_puts(b, geojson ? "}}" : "}");
	}
}

void map_geojson(struct req *r)
{
	struct filters f;
	struct usage_tally used = {0};
	struct pins ps;
	if (export_pins(r, &f, &ps, &used) < 0)
		return;
	struct buf *b = &r->body;
	r->content_type = "application/geo+json";
	buf_puts(b, "{\"type\":\"FeatureCollection\",\"features\":[");
	int count = 0;
	features(r, b, &count, ps.p, ps.n, 1, &f);
	/* Then the intermediaries and the nations, as /map.csv has them. */
	int norgs, nnations;
	struct place *orgs = orgs_read(r, &ps, &norgs), *nations = nations_read(r, &nnations);
	for (int i = 0; i < norgs; i++) {
		const struct place *o = &orgs[i];
		jpoint(b, &count, o->lon, o->lat, o->exact);
		buf_json_key_int(b, "\"kind\":\"intermediary\",\"id\":", o->id);
		buf_json_key_str(b, ",\"name\":", o->name);
		buf_puts(b, o->exact ? ",\"precision\":\"exact\"" : ",\"precision\":\"county\"");
		buf_json_key_int(b, ",\"schools\":", o->n);
		buf_puts(b, "}}");
	}
	for (int i = 0; i < nnations; i++) {
		const struct place *o = &nations[i];
		jpoint(b, &count, o->lon, o->lat, -1);
		buf_json_key_int(b, "\"kind\":\"nation\",\"id\":", o->id);
		buf_json_key_str(b, ",\"name\":", o->name);
		buf_json_key_str(b, ",\"seat\":", o->seat);
		buf_puts(b, ",\"precision\":\"seat\"}}");
	}
	/* The boundaries drawn: as the nations provided them, with consent
	 * (a few: through cJSON, printed as it prints them). */
	for (int i = 0; i < nnations; i++) {
		const struct place *o = &nations[i];
		cJSON *geom = o->outline ? cJSON_Parse(boundary_geojson(&r->arena, o->outline)) : NULL;
		char *text = geom ? cJSON_PrintUnformatted(geom) : NULL;
		cJSON_Delete(geom);
		if (!text)
			continue;
		buf_puts(b, count++ ? ",{\"type\":\"Feature\",\"geometry\":" : "{\"type\":\"Feature\",\"geometry\":");
		buf_puts(b, text);
		cJSON_free(text);
		buf_json_key_int(b, ",\"properties\":{\"kind\":\"boundary\",\"id\":", o->id);
		buf_json_key_str(b, ",\"name\":", o->name);
		buf_puts(b, "}}");
	}
	buf_puts(b, "]}\n");
	req_header(r, "Content-Disposition", "attachment; filename=\"ilnet-map.geojson\"");
	usage_flush(r, &used, "map.geojson");
}

/* Most schools the map's JSON lists one by one; past that, in a box, they
 * come as clusters (a count where the first of them by name is). */
#define JSON_SCHOOLS 2000

static int cmp_pin_id(const void *a, const void *b)
{
	long long x = (*(struct pin *const *)a)->id, y = (*(struct pin *const *)b)->id;
	return (x > y) - (x < y);
}

/* "a,b,c,d" as four numbers: 0, or -1 when it is not that. */
static int four_numbers(const char *v, double out[4])
{
	char *end;
	for (int i = 0; i < 4; i++) {
		out[i] = strtod(v, &end);
		if (end == v || (i < 3 ? *end != ',' : *end != '\0') || !isfinite(out[i]))
			return -1;
		v = end + 1;
	}
	return 0;
}

static void map_json_body(struct req *r, void *arg);

void map_json(struct req *r)
{
	struct filters f;
	struct usage_tally used = {0};
	filters_read(r, &f);
	/* bbox: the box the script shows, in projected kilometres
	 * ("x0,y0,x1,y1"); cell: the size of a cluster there, kilometres. */
	double box[4] = { -HUGE_VAL, -HUGE_VAL, HUGE_VAL, HUGE_VAL }, cell = 0;
	const char *v;
	/* Spans and a cell a double holds (not NaN, not infinite): the grid
	 * below is counted in ints. */
	if ((v = req_query(r, "bbox")) && (four_numbers(v, box) < 0 || !isfinite(box[2] - box[0]) ||
	                                   !isfinite(box[3] - box[1])))
		f.error = "bbox: give four numbers, x0,y0,x1,y1 (kilometres).";
	if ((v = req_query(r, "cell")) && (!((cell = atof(v)) > 0) || !isfinite(cell)))
		f.error = "cell: give a size in kilometres, more than 0.";
	if (f.error) {
		page_error(r, 400, f.error);
		return;
	}
	r->content_type = "application/json";
	struct map_part mp = { &f, &used, box, cell };
	cache_part(r, "mapjson", map_json_body, &mp);       /* kept as the page is */
	usage_flush(r, &used, "/api/v1/map");
}

/* The JSON of /api/v1/map for the filters, the box and the cell. */
static void map_json_body(struct req *r, void *arg)
{
	const struct map_part *mp = arg;
	struct filters f = *mp->f;
	struct usage_tally *used = mp->used;
	const double *box = mp->box;
	double cell = mp->cell;
	struct pins ps;
	pins_read(r, &f, &ps, used, 0);
	/* The schools in the box, where they are in the plane. */
	struct pin **p = arena_alloc(&r->arena, sizeof *p * (size_t)(ps.n ? ps.n : 1));
	int n = 0;
	for (int i = 0; i < ps.n; i++) {
		struct pin *q = ps.p[i];
		geo_project(q->lon, q->lat, &q->sx, &q->sy);
		q->sx /= 1000;
		q->sy /= 1000;
		if (q->sx >= box[0] && q->sy >= box[1] && q->sx <= box[2] && q->sy <= box[3])
			p[n++] = q;
	}
	struct buf *b = &r->body;
	r->content_type = "application/json";
	buf_json_key_int(b, "{\"total\":", ps.n);
	buf_puts(b, ",\"clusters\":[");
	if (n > JSON_SCHOOLS) {
		/* Too many to list: a grid of cells over the box, each cell's
		 * schools one cluster, drawn where its first by name is (a
		 * position that may be shown), a lone school listed. */
		const struct geo_region *g = geo_region();
		double x0 = isfinite(box[0]) ? box[0] : g ? g->xy.x0 / 1000 : -1000;
		double y0 = isfinite(box[1]) ? box[1] : g ? g->xy.y0 / 1000 : -1000;
		double x1 = isfinite(box[2]) ? box[2] : g ? g->xy.x1 / 1000 : 1000;
		double y1 = isfinite(box[3]) ? box[3] : g ? g->xy.y1 / 1000 : 1000;
		if (cell <= 0)
			cell = (x1 - x0) / 48;
		if (((x1 - x0) / cell + 1) * ((y1 - y0) / cell + 1) > 40000)   /* no more cells than a screen can use */
			cell = sqrt((x1 - x0) * (y1 - y0) / 40000) + 1;
		if (!(cell > 0) || (x1 - x0) / cell > 40000 || (y1 - y0) / cell > 40000)   /* a long, thin box */
			cell = fmax(x1 - x0, y1 - y0) > 0 ? fmax(x1 - x0, y1 - y0) / 199 : 1;
		int cols = (int)((x1 - x0) / cell) + 1, rows = (int)((y1 - y0) / cell) + 1;
		int *first = arena_alloc(&r->arena, sizeof *first * (size_t)(cols * rows));
		int *count = arena_alloc(&r->arena, sizeof *count * (size_t)(cols * rows));
		for (int i = 0; i < cols * rows; i++) {
			first[i] = -1;
			count[i] = 0;
		}
		for (int i = 0; i < n; i++) {
			int cx = (int)((p[i]->sx - x0) / cell), cy = (int)((p[i]->sy - y0) / cell);
			int c = (cy < 0 ? 0 : cy >= rows ? rows - 1 : cy) * cols + (cx < 0 ? 0 : cx >= cols ? cols - 1 : cx);
			if (first[c] < 0 || cmp_pin_name(p[i], p[first[c]]) < 0)
				first[c] = i;
			count[c]++;
		}
		int k = 0, nc = 0;
		for (int c = 0; c < cols * rows; c++) {
			if (first[c] < 0)
				continue;
			const struct pin *q = p[first[c]];
			if (count[c] == 1) {
				p[k++] = (struct pin *)q;
				continue;
			}
			char lon[40], lat[40];
			int dp = q->exact ? 5 : 4, nlon = fmt_fixed(lon, q->lon, dp), nlat = fmt_fixed(lat, q->lat, dp);
			buf_json_key_int(b, nc++ ? ",{\"count\":" : "{\"count\":", count[c]);
			jxy(b, fixed_value(lon, nlon, dp), fixed_value(lat, nlat, dp));
			buf_putc(b, '}');
		}
		n = k;
	}
	for (int i = 0; i < n; i++)
		pin_scan(r, p[i]);
	buf_puts(b, "],\"schools\":[");
	int listed_n = 0;
	features(r, b, &listed_n, p, n, 0, &f);
	/* The schools listed, by id, for the ties below. */
	struct pins listed = { .p = p, .n = n, .by_id = arena_alloc(&r->arena, sizeof *listed.by_id * (size_t)(n ? n : 1)) };
	for (int i = 0; i < n; i++)
		listed.by_id[i] = p[i];
	qsort(listed.by_id, (size_t)n, sizeof *listed.by_id, cmp_pin_id);
	/* The intermediaries serving schools shown, each at their centre (never
	 * finer than the coarsest of them), with those schools: the grant
	 * rosters' ties. */
	int norgs, nnations;
	struct place *orgs = orgs_read(r, &ps, &norgs), *nations = nations_read(r, &nnations);
	buf_puts(b, "],\"intermediaries\":[");
	for (int i = 0; i < norgs; i++) {
		const struct place *o = &orgs[i];
		buf_json_key_int(b, i ? ",{\"id\":" : "{\"id\":", o->id);
		buf_json_key_str(b, ",\"name\":", o->name);
		buf_puts(b, o->exact ? ",\"precision\":\"exact\"" : ",\"precision\":\"county\"");
		double lon = jcoord(b, ",\"longitude\":", o->lon, o->exact);
		double lat = jcoord(b, ",\"latitude\":", o->lat, o->exact);
		jxy(b, lon, lat);
		/* Placed by all its schools shown; tied to those listed. */
		buf_json_key_int(b, ",\"shown\":", o->n);
		buf_puts(b, ",\"schools\":[");
		int k = 0;
		for (int j = 0; j < o->n; j++)
			if (pin_find(&listed, o->schools[j]->id))
				buf_json_key_int(b, k++ ? "," : "", o->schools[j]->id);
		buf_puts(b, "]}");
	}
	/* The cohorts whose members the viewer may read, each with its member
	 * schools listed (two at least: a tie), for a school's cohort-mates:
	 * each written aside, and kept only then. */
	buf_puts(b, "],\"cohorts\":[");
	sqlite3_stmt *cs = db_q(r, "SELECT DISTINCT c.id, c.name, m.school_id, c.year FROM cohorts c"
	                           " JOIN cohort_members m ON m.cohort_id = c.id WHERE m.school_id IS NOT NULL"
	                           " ORDER BY c.year DESC, c.name, c.id, m.school_id", "");
	long long cur = 0;
	int ok = 0, members = 0, cohorts = 0, more = 1;
	struct buf jx = BUF_IN(&r->arena);
	while (more) {
		more = db_step(r, cs);
		long long id = more ? db_col_int(cs, 0) : 0;
		if (!more || id != cur) {
			if (ok && members >= 2) {
				buf_puts(b, cohorts++ ? "," : "");
				buf_add(b, buf_str(&jx), jx.len);
				buf_puts(b, "]}");
			}
			if (!more)
				break;
			cur = id;
			ok = cohort_sees_members(r, id);
			members = 0;
			jx.len = 0;
			if (ok) {
				buf_json_key_int(&jx, "{\"id\":", id);
				buf_json_key_str(&jx, ",\"name\":", db_col_view(cs, 1));
				buf_puts(&jx, ",\"schools\":[");
			}
		}
		if (ok && pin_find(&listed, db_col_int(cs, 2)))
			buf_json_key_int(&jx, members++ ? "," : "", db_col_int(cs, 2));
	}
	/* The nations at their governments' towns: public places. */
	buf_puts(b, "],\"nations\":[");
	for (int i = 0; i < nnations; i++) {
		const struct place *o = &nations[i];
		buf_json_key_int(b, i ? ",{\"id\":" : "{\"id\":", o->id);
		buf_json_key_str(b, ",\"name\":", o->name);
		buf_json_key_str(b, ",\"seat\":", o->seat);
		jnum(b, ",\"longitude\":", o->lon);
		jnum(b, ",\"latitude\":", o->lat);
		jxy(b, o->lon, o->lat);
		if (o->outline) {
			buf_puts(b, ",\"boundary\":");
			boundary_json_km(b, o->outline);
		}
		buf_putc(b, '}');
	}
	/* Ties between two schools both listed: all of them (the schools
	 * listed are at most JSON_SCHOOLS; the rest come as clusters). */
	buf_puts(b, "],\"ties\":[");
	sqlite3_stmt *st = db_q(r, "SELECT o.school_id, b.school_id, o.local_date FROM bookings b JOIN opportunities o"
	                           " ON o.id = b.opportunity_id WHERE " SEATS_VISITED_SQL, "");
	int nties = 0;
	while (db_step(r, st)) {
		long long a = db_col_int(st, 0), h = db_col_int(st, 1);
		if (!pin_find(&listed, a) || !pin_find(&listed, h))
			continue;
		buf_json_key_int(b, nties++ ? ",{\"host\":" : "{\"host\":", a);
		buf_json_key_int(b, ",\"visitor\":", h);
		buf_json_key_str(b, ",\"date\":", db_col_view(st, 2));
		buf_putc(b, '}');
	}
	buf_puts(b, "]}\n");
	if (used->n)
		r->uncacheable = 1;
}

/* The region's outlines for the page's script: geography, the same for
 * every viewer (no school in it). */
void map_outlines_json(struct req *r)
{
	r->content_type = "application/json";
	geo_json_outlines(&r->body);
	buf_putc(&r->body, '\n');
}
