/* policy.c — the visibility policy (see include/policy.h). */
#include "policy.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "req.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const policy_levels[3] = { "private", "foundation", "network" };

enum vis policy_decide(const struct user *u, const struct school_facts *s)
{
	if (!u || !s || !s->sharing)
		return VIS_HIDDEN;
	int level = !strcmp(s->sharing, "network") ? 2 :
	            !strcmp(s->sharing, "foundation") ? 1 : 0;   /* unknown = private */
	if (u->role == ROLE_LEADER && s->viewer_leads)
		return VIS_FULL;
	if (u->role == ROLE_STEWARD && s->nation_id && s->nation_id == u->nation_id)
		return VIS_FULL;
	/* Administering accounts is no licence to read a nation's data: an
	 * admin sees schools as foundation staff do. */
	if (u->role == ROLE_STAFF || u->role == ROLE_ADMIN)
		return level >= 1 ? VIS_FULL : VIS_HIDDEN;
	if (u->role == ROLE_INTERMEDIARY && s->viewer_serves)
		return level >= 1 ? VIS_FULL : s->intermediary_profile ? VIS_COARSE : VIS_HIDDEN;
	return level >= 2 ? VIS_COARSE : VIS_HIDDEN;
}

int policy_staff_view(const struct user *u)
{
	return u && (u->role == ROLE_STAFF || u->role == ROLE_ADMIN);
}

enum vis policy_row(struct req *r, sqlite3_stmt *st, int col)
{
	struct school_facts f = {
		.nation_id = db_col_int(st, col),
		.sharing = db_col_view(st, col + 1),      /* read at once, not kept */
		.viewer_leads = (int)db_col_int(st, col + 2),
		.viewer_serves = (int)db_col_int(st, col + 3),
		.intermediary_profile = (int)db_col_int(st, col + 4),
	};
	return policy_decide(r->user, &f);
}

/* The ids of a statement's first column, in the order it gives them
 * (sorted, for bsearch), and with ok the second column's 0 or 1. */
static int ids_read(struct req *r, sqlite3_stmt *st, long long **ids, signed char **ok)
{
	int n = 0, cap = 16;
	long long *v = arena_alloc(&r->arena, sizeof *v * (size_t)cap);
	signed char *o = ok ? arena_alloc(&r->arena, (size_t)cap) : NULL;
	while (db_step(r, st)) {
		if (n == cap) {
			long long *more = arena_alloc(&r->arena, sizeof *more * (size_t)cap * 2);
			memcpy(more, v, sizeof *v * (size_t)n);
			v = more;
			if (ok) {
				signed char *omore = arena_alloc(&r->arena, (size_t)cap * 2);
				memcpy(omore, o, (size_t)n);
				o = omore;
			}
			cap *= 2;
		}
		v[n] = db_col_int(st, 0);
		if (ok)
			o[n] = (signed char)(db_col_int(st, 1) != 0);
		n++;
	}
	*ids = v;
	if (ok)
		*ok = o;
	return n;
}

void policy_ties_read(struct req *r, struct policy_ties *t)
{
	/* The same sets as POLICY_COLUMNS' subqueries, read once. */
	t->nleads = ids_read(r, db_q(r, "SELECT DISTINCT school_id FROM user_schools WHERE user_id = ? ORDER BY 1", "I",
	                             r->user->id), &t->leads, NULL);
	t->nserves = ids_read(r, db_q(r, "SELECT DISTINCT gs.school_id FROM grant_schools gs JOIN grants g ON g.id = gs.grant_id"
	                                 " WHERE g.org_id = ? AND g.stage = 'active' AND gs.from_date <= date('now')"
	                                 "   AND (gs.to_date IS NULL OR gs.to_date >= date('now')) ORDER BY 1", "I",
	                              r->user->org_id), &t->serves, NULL);
	t->nprofile = ids_read(r, db_q(r, "SELECT school_id, value = 'allowed' FROM school_consent"
	                                  " WHERE use_name = 'intermediary_profile' ORDER BY school_id", ""),
	                       &t->profile, &t->profile_ok);
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

enum vis policy_decide_tied(const struct user *viewer, const struct policy_ties *t, long long school,
                            long long nation_id, const char *sharing)
{
	const long long *p = bsearch(&school, t->profile, (size_t)t->nprofile, sizeof *t->profile, cmp_ll);
	struct school_facts f = {
		.nation_id = nation_id,
		.sharing = sharing,
		.viewer_leads = bsearch(&school, t->leads, (size_t)t->nleads, sizeof *t->leads, cmp_ll) != NULL,
		.viewer_serves = bsearch(&school, t->serves, (size_t)t->nserves, sizeof *t->serves, cmp_ll) != NULL,
		.intermediary_profile = p ? t->profile_ok[p - t->profile]
		                          : !strcmp(policy_consent_default("intermediary_profile", nation_id), "allowed"),
	};
	return policy_decide(viewer, &f);
}

/* POLICY_COLUMNS for one school: the viewer's ties to that school looked
 * up (correlated), where POLICY_COLUMNS' sets would each be built in full
 * for a single row (most of the time of a leader's Connect page, which
 * names a school this way on every row).  The same five columns and the
 * same decision (a unit test holds policy_school to policy_row on
 * POLICY_COLUMNS for every role).  Bind the viewer's user id, then org id. */
#define ONE_SCHOOL_COLUMNS \
	"coalesce(s.nation_id, 0), s.sharing," \
	" EXISTS (SELECT 1 FROM user_schools us WHERE us.user_id = ? AND us.school_id = s.id)," \
	" EXISTS (SELECT 1 FROM grant_schools gs JOIN grants g ON g.id = gs.grant_id" \
	"   WHERE gs.school_id = s.id AND g.org_id = ? AND g.stage = 'active'" \
	"     AND gs.from_date <= date('now') AND (gs.to_date IS NULL OR gs.to_date >= date('now')))," \
	" " POLICY_CONSENT_SQL("intermediary_profile", "refused", "allowed") " = 'allowed'"

enum vis policy_school(struct req *r, long long school_id)
{
	if (!r->user)
		return VIS_HIDDEN;
	/* Staff need no ties looked up (a profile asks this on every view). */
	sqlite3_stmt *st = policy_staff_view(r->user)
	    ? db_q(r, "SELECT " POLICY_STAFF_COLUMNS " FROM schools s WHERE s.id = ?", "I", school_id)
	    : db_q(r, "SELECT " ONE_SCHOOL_COLUMNS " FROM schools s WHERE s.id = ?", "III", r->user->id, r->user->org_id,
	           school_id);
	if (!db_step(r, st))
		return VIS_HIDDEN;
	enum vis v = policy_row(r, st, 0);
	sqlite3_reset(st);
	return v;
}

const char *policy_level_label(const char *level)
{
	if (!level)
		return "";
	if (!strcmp(level, "private"))
		return "The school's leaders and the nation's steward only";
	if (!strcmp(level, "foundation"))
		return "Also foundation staff and the intermediaries serving it";
	if (!strcmp(level, "network"))
		return "Also other members of the network (community-level location)";
	return level;
}

int policy_level_valid(const char *level)
{
	for (int i = 0; level && i < 3; i++)
		if (!strcmp(level, policy_levels[i]))
			return 1;
	return 0;
}

int policy_cell_shown(long long n)
{
	return n >= POLICY_MIN_CELL;
}

int policy_member_read(struct req *r, sqlite3_stmt *st, int col, struct policy_member *m)
{
	if (!db_col_int(st, col + 1))
		return 0;
	m->hidden = policy_row(r, st, col + 2) != VIS_FULL;
	m->atom = m->hidden ? db_col_text(r, st, col) : NULL;   /* only hidden members are weighed by atom */
	m->keep = 0;
	return 1;
}

int policy_atom_counts(int total, const int per[POLICY_CLASSES])
{
	int ok = policy_cell_shown(total);
	for (int c = 0; c < POLICY_CLASSES; c++)
		if (per[c] && !policy_cell_shown(per[c]))
			ok = 0;
	return ok;
}

static int member_cmp(const void *a, const void *b)
{
	const struct policy_member *x = *(const struct policy_member *const *)a;
	const struct policy_member *y = *(const struct policy_member *const *)b;
	return strcmp(x->atom ? x->atom : "", y->atom ? y->atom : "");
}

void policy_aggregate(struct policy_member *m, int n)
{
	if (n <= 0)
		return;
	/* Schools the viewer may see always count: only the hidden ones are
	 * sorted into atoms and weighed. */
	int nh = 0;
	for (int i = 0; i < n; i++) {
		m[i].keep = !m[i].hidden;
		nh += m[i].hidden;
	}
	if (!nh)
		return;
	struct policy_member **by = malloc(sizeof *by * (size_t)nh);
	if (!by)                    /* no memory: count no hidden school at all */
		return;
	nh = 0;
	for (int i = 0; i < n; i++)
		if (m[i].hidden)
			by[nh++] = &m[i];
	qsort(by, (size_t)nh, sizeof *by, member_cmp);
	for (int i = 0; i < nh;) {
		int j = i, total = 0, per[POLICY_CLASSES] = {0};
		while (j < nh && !member_cmp(&by[i], &by[j])) {
			total++;
			per[by[j]->cls >= 0 && by[j]->cls < POLICY_CLASSES ? by[j]->cls : 0]++;
			j++;
		}
		int ok = policy_atom_counts(total, per);
		for (int k = i; k < j; k++)
			by[k]->keep = ok;
		i = j;
	}
	free(by);
}

double policy_coarse(double deg)
{
	return round(deg * 10.0) / 10.0;
}

/* ---- consent to named uses ------------------------------------------------ */

const char *const policy_uses[POLICY_NUSES] = { "aggregate", "map", "connect_host", "intermediary_profile" };

static const char *const yes_no[] = { "allowed", "Allowed", "refused", "Refused", NULL };
static const char *const map_values[] = { "none", "Not on the map", "community", "Community (about 10 km)",
                                          "exact", "Exact location", NULL };

const char *policy_use_label(const char *use)
{
	if (!use)
		return "";
	if (!strcmp(use, "aggregate"))
		return "Counted in aggregate results";
	if (!strcmp(use, "map"))
		return "On the network map";
	if (!strcmp(use, "connect_host"))
		return "Suggested as a Connect host";
	if (!strcmp(use, "intermediary_profile"))
		return "Profile shown to intermediaries serving it while private";
	if (!strcmp(use, "labels"))
		return "Local Contexts labels";
	if (!strcmp(use, "sharing"))
		return "Sharing level";
	return use;
}

int policy_use_valid(const char *use)
{
	for (int i = 0; use && i < POLICY_NUSES; i++)
		if (!strcmp(use, policy_uses[i]))
			return 1;
	return 0;
}

const char *const *policy_use_values(const char *use)
{
	if (!policy_use_valid(use))
		return NULL;
	return !strcmp(use, "map") ? map_values : yes_no;
}

int policy_consent_valid(const char *use, const char *value)
{
	const char *const *v = policy_use_values(use);
	for (int i = 0; v && value && v[i]; i += 2)
		if (!strcmp(v[i], value))
			return 1;
	return 0;
}

const char *policy_consent_default(const char *use, long long nation_id)
{
	if (!policy_use_valid(use))
		return "refused";
	if (!strcmp(use, "map"))
		return nation_id ? "none" : "exact";
	if (!strcmp(use, "aggregate") || !nation_id)
		return "allowed";
	return "refused";           /* connect_host, intermediary_profile */
}

const char *policy_consent(struct req *r, long long school_id, const char *use)
{
	if (!policy_use_valid(use))
		return "refused";
	sqlite3_stmt *st = db_q(r, "SELECT coalesce(s.nation_id, 0), (SELECT c.value FROM school_consent c"
	                           "  WHERE c.school_id = s.id AND c.use_name = ?) FROM schools s WHERE s.id = ?",
	                        "tI", use, school_id);
	if (!db_step(r, st))
		return !strcmp(use, "map") ? "none" : "refused";
	long long nation = db_col_int(st, 0);
	const char *v = db_col_null(st, 1) ? NULL : db_col_text(r, st, 1);
	sqlite3_reset(st);
	return v && policy_consent_valid(use, v) ? v : policy_consent_default(use, nation);
}

int policy_consents(struct req *r, long long school_id, const char *use)
{
	const char *v = policy_consent(r, school_id, use);
	return !strcmp(v, "allowed") || !strcmp(v, "community") || !strcmp(v, "exact");
}

/* ---- Local Contexts Notices and Labels ------------------------------------- */

const struct policy_label policy_label_list[] = {
	{ "TK Notice", "Traditional Knowledge Notice",
	  "Traditional knowledge may be part of this; the community has rights over how it is used." },
	{ "BC Notice", "Biocultural Notice",
	  "The community has rights over the future use of this information and what derives from it." },
	{ "Attribution Incomplete", "Attribution Incomplete Notice",
	  "The community's attribution is missing or incomplete and is being corrected." },
	{ "TK A", "TK Attribution", "Name the community as the source whenever this is used." },
	{ "TK CO", "TK Community Use Only", "For use within the community; not to be shared beyond it without permission." },
	{ "TK NC", "TK Non-Commercial", "Not to be used for commercial purposes." },
	{ "TK CV", "TK Community Voice", "The community asks to take part in how this is used and described." },
	{ "TK CS", "TK Culturally Sensitive", "Culturally sensitive: ask the community before using or sharing it." },
	{ "TK S", "TK Seasonal", "To be used or shared only at certain times of the year." },
	{ "TK MC", "TK Multiple Communities", "Several communities share responsibility for this." },
	{ "TK V", "TK Verified", "The community has verified that this use is appropriate." },
	{ "TK NV", "TK Non-Verified", "The community has not verified this use; take care." },
	{ "TK O", "TK Outreach", "The community allows this for educational outreach." },
	{ "BC P", "BC Provenance", "The community is the source and keeps rights and responsibilities over this." },
	{ "BC MC", "BC Multiple Communities", "Several communities share rights and responsibilities over this." },
	{ "BC CV", "BC Consent Verified", "The community's consent to this use has been verified." },
	{ "BC CNV", "BC Consent Non-Verified", "The community's consent to this use has not been verified." },
	{ "BC R", "BC Research Use", "The community allows this for research." },
	{ "BC CB", "BC Open to Collaboration", "The community is open to collaborating on uses of this." },
	{ "BC NC", "BC Non-Commercial", "Not to be used for commercial purposes." },
	{ NULL, NULL, NULL },
};

const struct policy_label *policy_label_find(const char *code)
{
	for (int i = 0; code && policy_label_list[i].code; i++)
		if (!strcmp(code, policy_label_list[i].code))
			return &policy_label_list[i];
	return NULL;
}

int policy_labels_parse(struct arena *a, const char *text, const struct policy_label **out,
                        int max, const char **bad)
{
	int n = 0;
	for (const char *p = text ? text : ""; *p;) {
		size_t len = strcspn(p, ";,");
		const char *b = p, *e = p + len;
		p = *e ? e + 1 : e;
		while (b < e && (*b == ' ' || *b == '\t'))
			b++;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (b == e)
			continue;
		char *code = arena_strndup(a, b, (size_t)(e - b));
		const struct policy_label *l = policy_label_find(code);
		if (!l) {
			*bad = code;
			return -1;
		}
		int seen = 0;
		for (int k = 0; k < n; k++)
			seen |= out[k] == l;
		if (!seen && n < max)
			out[n++] = l;
	}
	return n;
}

int policy_labels_of(struct req *r, long long school_id, const struct policy_label **out, int max)
{
	int have[64] = {0};
	sqlite3_stmt *st = db_q(r, "SELECT code FROM school_labels WHERE school_id = ?", "I", school_id);
	while (db_step(r, st)) {
		const struct policy_label *l = policy_label_find(db_col_text(r, st, 0));
		if (l && l - policy_label_list < 64)
			have[l - policy_label_list] = 1;
	}
	/* In the list's order, whatever order they were stored in. */
	int n = 0;
	for (int i = 0; policy_label_list[i].code && i < 64 && n < max; i++)
		if (have[i])
			out[n++] = &policy_label_list[i];
	return n;
}

const char *policy_labels(struct req *r, long long school_id)
{
	const struct policy_label *l[64];
	int n = policy_labels_of(r, school_id, l, 64);
	struct buf b = {0};
	for (int i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? "; " : "", l[i]->code);
	char *s = arena_strdup(&r->arena, b.len ? b.p : "");
	buf_free(&b);
	return s;
}

int policy_map_placement(enum vis v, const char *consent)
{
	if (v == VIS_HIDDEN || !consent || (strcmp(consent, "community") && strcmp(consent, "exact")))
		return 0;
	return v == VIS_FULL && !strcmp(consent, "exact") ? 2 : 1;
}
