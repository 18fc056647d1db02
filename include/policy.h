/* policy.h — the one visibility policy for school data.
 *
 * Tribal data sovereignty: a nation's schools start at the most restrictive
 * sharing level ('private') and only the nation's data steward raises it.
 * Every read of school data asks policy_decide() (directly, or through
 * policy_school() / policy_rows()) what the viewer may see:
 *
 *   VIS_HIDDEN  the school may be counted in aggregates (which suppress
 *               small cells) but not named
 *   VIS_COARSE  name, type, state, city, grades; location rounded to
 *               community precision (0.1 degree, about 10 km)
 *   VIS_FULL    everything, exact location and enrollment included
 *
 * level \ viewer  own leader  steward of  admin or  serving        other
 *                             its nation  staff     intermediary   members
 * private         FULL        FULL        HIDDEN    COARSE*        HIDDEN
 * foundation      FULL        FULL        FULL      FULL           HIDDEN
 * network         FULL        FULL        FULL      FULL           COARSE
 *
 * "Serving" means the school is on the current roster of an active grant
 * of the viewer's organization.
 * (*) only with the nation's consent to "intermediary_profile"; without it
 * (the default for a nation's school) HIDDEN.
 *
 * Administering accounts is no licence to read a nation's data: admins
 * see schools exactly as foundation staff do.
 *
 * Consent narrows, never widens: besides the level, a nation's steward
 * allows or refuses named uses of each school (policy_consent below) —
 * whether it is counted in aggregates, shown on the map and at what
 * precision, suggested as a Connect host, and shown to its intermediaries
 * while private.  Every decision reads the database at request time: a
 * change applies at once.
 */
#ifndef ILNET_POLICY_H
#define ILNET_POLICY_H

struct req;
struct user;

enum vis { VIS_HIDDEN = 0, VIS_COARSE = 1, VIS_FULL = 2 };

/* The facts about one school and the viewer's ties to it. */
struct school_facts {
	long long nation_id;        /* 0 when none */
	const char *sharing;        /* "private", "foundation" or "network" */
	int viewer_leads;           /* the viewer is one of its leaders */
	int viewer_serves;          /* the viewer's organization serves it */
	int intermediary_profile;   /* its nation consents to show it, coarsely,
	                               to the intermediaries serving it while private */
};

/* The decision itself: pure, no database. */
enum vis policy_decide(const struct user *viewer, const struct school_facts *s);

/* Load the facts for school_id as r->user sees them and decide.
 * VIS_HIDDEN for a school that does not exist. */
enum vis policy_school(struct req *r, long long school_id);

/* An SQL expression for the consent of a row of schools aliased "s" to
 * use (a literal): its steward's choice, else dflt_nation for a nation's
 * school and dflt_free for a school without a nation.  The defaults must be
 * policy_consent_default's (a unit test holds them together). */
#define POLICY_CONSENT_SQL(use, dflt_nation, dflt_free) \
	"coalesce((SELECT c.value FROM school_consent c WHERE c.school_id = s.id" \
	"   AND c.use_name = '" use "'), CASE WHEN s.nation_id IS NULL THEN '" dflt_free "'" \
	"   ELSE '" dflt_nation "' END)"

/* 1 when the consent of a row of schools aliased "s" to use (a literal
 * whose values are 'allowed' and 'refused') is 'allowed': the same as
 * POLICY_CONSENT_SQL(...) = 'allowed', written as two uncorrelated
 * subqueries, which SQLite reads once per statement rather than once per
 * school (a third of the time of the figures at 100,000 schools). */
#define POLICY_CONSENT_ALLOWED(use, dflt_nation, dflt_free) \
	"(CASE WHEN s.id IN (SELECT c.school_id FROM school_consent c WHERE c.use_name = '" use "')" \
	" THEN s.id IN (SELECT c.school_id FROM school_consent c WHERE c.use_name = '" use "'" \
	"   AND c.value = 'allowed')" \
	" WHEN s.nation_id IS NULL THEN '" dflt_free "' = 'allowed' ELSE '" dflt_nation "' = 'allowed' END)"

/* 1 when the row's school may be counted in aggregate results. */
#define POLICY_AGGREGATE_OK POLICY_CONSENT_ALLOWED("aggregate", "allowed", "allowed")
/* 1 when the row's school may be suggested as a Connect host. */
#define POLICY_CONNECT_HOST_OK POLICY_CONSENT_ALLOWED("connect_host", "refused", "allowed")
/* The finest precision the row's school may have on the map: 'none',
 * 'community' or 'exact' (then never finer than policy_decide allows the
 * viewer: VIS_COARSE is community precision, VIS_HIDDEN not on it).  The
 * same as POLICY_CONSENT_SQL("map", "none", "exact") (a unit test holds
 * them together), written as uncorrelated subqueries, which SQLite reads
 * once per statement: the map reads it for every school of a national
 * network. */
#define POLICY_MAP_PRECISION \
	"(CASE WHEN s.id IN (SELECT c.school_id FROM school_consent c WHERE c.use_name = 'map' AND c.value = 'exact')" \
	" THEN 'exact' WHEN s.id IN (SELECT c.school_id FROM school_consent c WHERE c.use_name = 'map'" \
	"   AND c.value = 'community') THEN 'community'" \
	" WHEN s.id IN (SELECT c.school_id FROM school_consent c WHERE c.use_name = 'map') THEN 'none'" \
	" WHEN s.nation_id IS NULL THEN 'exact' ELSE 'none' END)"

/* How a school is placed on a map for a viewer who sees it at v, given its
 * steward's "map" consent (a POLICY_MAP_PRECISION value): 0 not at all,
 * 1 coarsely (its county's centre), 2 where it is.  Never finer than
 * either allows.  Pure. */
int policy_map_placement(enum vis v, const char *consent);

/* SQL columns that give the facts for a row of schools aliased "s", in
 * this order: nation_id, sharing, viewer_leads, viewer_serves,
 * intermediary_profile.  Bind the viewer's user id, then org id.  Keep
 * them last in the SELECT list (policy_row reads five columns).  The ties
 * are uncorrelated subqueries (s.id IN ...): SQLite builds each set once
 * per statement, where EXISTS looked it up again for every school. */
#define POLICY_COLUMNS \
	"coalesce(s.nation_id, 0), s.sharing," \
	" s.id IN (SELECT us.school_id FROM user_schools us WHERE us.user_id = ?)," \
	" s.id IN (SELECT gs.school_id FROM grant_schools gs JOIN grants g ON g.id = gs.grant_id" \
	"   WHERE g.org_id = ? AND g.stage = 'active'" \
	"     AND gs.from_date <= date('now') AND (gs.to_date IS NULL OR gs.to_date >= date('now')))," \
	" " POLICY_CONSENT_ALLOWED("intermediary_profile", "refused", "allowed")

/* Lists that grow with the network page in SQL (LIMIT/OFFSET) and count in
 * SQL, so they must not meet a row the viewer may not see: this predicate
 * over a row of schools aliased "s" holds exactly when policy_decide()
 * gives the viewer more than VIS_HIDDEN.  Its arguments are the SQL
 * parameters (say "?6") bound to the viewer's role name (role_name()),
 * user id, organization id and nation id (0 for none).  A unit test holds
 * it to policy_decide() for every role over the demo region.  Put it
 * after POLICY_COLUMNS in the SQL text (those take plain "?").  It is a
 * pre-filter, not the policy: every row shown still goes through
 * policy_row().  For admins and staff it is "s.sharing <> 'private'", and
 * every school they may see they see in full. */
#define POLICY_VISIBLE_SQL(role, uid, org, nation) \
	"(CASE WHEN " role " IN ('admin', 'staff') THEN s.sharing <> 'private'" \
	" WHEN " role " = 'leader' AND EXISTS (SELECT 1 FROM user_schools us WHERE us.school_id = s.id" \
	"   AND us.user_id = " uid ") THEN 1" \
	" WHEN " role " = 'steward' AND s.nation_id = " nation " THEN 1" \
	" WHEN " role " = 'intermediary' AND EXISTS (SELECT 1 FROM grant_schools gs JOIN grants g ON g.id = gs.grant_id" \
	"   WHERE gs.school_id = s.id AND g.org_id = " org " AND g.stage = 'active'" \
	"     AND gs.from_date <= date('now') AND (gs.to_date IS NULL OR gs.to_date >= date('now')))" \
	"   THEN s.sharing <> 'private' OR " POLICY_CONSENT_SQL("intermediary_profile", "refused", "allowed") " = 'allowed'" \
	" ELSE s.sharing = 'network' END)"

/* The viewer's ties to schools read once, for a walk over a national
 * network's schools where POLICY_COLUMNS would look each school up in
 * them (the map): the schools the viewer leads, those its organization
 * serves today, and the stewards' intermediary_profile consents, each
 * sorted by school id (arena). */
struct policy_ties {
	long long *leads, *serves, *profile;
	signed char *profile_ok;        /* profile[i]'s consent is 'allowed' */
	int nleads, nserves, nprofile;
};
void policy_ties_read(struct req *r, struct policy_ties *t);
/* policy_decide() for school, its nation (0: none) and sharing level, the
 * facts about the viewer's ties taken from t: the same decision as
 * policy_row() on POLICY_COLUMNS (a unit test holds them together). */
enum vis policy_decide_tied(const struct user *viewer, const struct policy_ties *t, long long school,
                            long long nation_id, const char *sharing);

/* Decide for a row whose POLICY_COLUMNS start at column col. */
struct sqlite3_stmt;
enum vis policy_row(struct req *r, struct sqlite3_stmt *st, int col);

/* Fewer hidden schools than this are never counted together: a small
 * number could single out a school of a small community. */
#define POLICY_MIN_CELL 5

/* 1 when a count of n schools may be shown. */
int policy_cell_shown(long long n);

/* Aggregates that cannot be subtracted.
 *
 * Every figure ilnet publishes about schools (results, rates, counts) is a
 * sum over whole "atoms": the schools that share a state, a school type and
 * a nation (POLICY_ATOM).  Filters and breakdowns select whole atoms, so
 * whatever a reader adds or subtracts across pages, filters, JSON and CSV,
 * the finest thing they can isolate is one atom.  A school the viewer may
 * not see therefore counts only when its atom holds at least
 * POLICY_MIN_CELL such schools, and in every class the figures tell apart
 * (responded or not, say) either none or at least POLICY_MIN_CELL of them;
 * otherwise the atom's hidden schools are left out of every figure.  Schools
 * the viewer may see always count (the viewer can list them anyway). */
#define POLICY_ATOM "(s.state_code || '|' || s.type || '|' || coalesce(s.nation_id, 0))"
#define POLICY_CLASSES 4

struct policy_member {
	const char *atom;       /* POLICY_ATOM of the school (policy_member_read:
	                           of a hidden one; only those are weighed) */
	int hidden;             /* the viewer may not see the school */
	int cls;                /* 0 .. POLICY_CLASSES-1 */
	int keep;               /* out: the school counts in the figures */
};

/* Decide keep for every member.  Members may come in any order. */
void policy_aggregate(struct policy_member *m, int n);

/* The rule policy_aggregate applies to one atom's hidden members: 1 when
 * they count, given how many there are and how many in each class. */
int policy_atom_counts(int total, const int per[POLICY_CLASSES]);

/* The columns a member is read from, for a row of schools aliased "s":
 * its atom, its consent to aggregates, then POLICY_COLUMNS (bind the
 * viewer's user id, then org id). */
#define POLICY_MEMBER_COLUMNS POLICY_ATOM ", " POLICY_AGGREGATE_OK ", " POLICY_COLUMNS

/* 1 when viewer is staff or an admin: policy_decide then reads only a
 * school's sharing level, never the viewer's ties to it. */
int policy_staff_view(const struct user *viewer);

/* POLICY_MEMBER_COLUMNS for a viewer policy_staff_view() holds for: the
 * same columns (policy_member_read reads them alike) and the same
 * decisions, without the ties' subqueries (0 in their place) or the atom
 * of a school the viewer sees in full (NULL).  Binds nothing. */
#define POLICY_STAFF_MEMBER_COLUMNS \
	"iif(s.sharing IN ('foundation', 'network'), NULL, " POLICY_ATOM "), " POLICY_AGGREGATE_OK "," \
	" " POLICY_STAFF_COLUMNS

/* POLICY_COLUMNS for a viewer policy_staff_view() holds for: the same
 * five columns and the same decision (policy_row reads them alike),
 * without the ties' subqueries (0 in their place).  Binds nothing. */
#define POLICY_STAFF_COLUMNS "coalesce(s.nation_id, 0), s.sharing, 0, 0, 0"

/* Fill m (all but cls) from a row whose POLICY_MEMBER_COLUMNS start at
 * column col.  0 when the school's steward keeps it out of aggregates:
 * then it is no member at all. */
int policy_member_read(struct req *r, struct sqlite3_stmt *st, int col, struct policy_member *m);

/* The sharing levels, most restrictive first, and their descriptions. */
extern const char *const policy_levels[3];
const char *policy_level_label(const char *level);
int policy_level_valid(const char *level);

/* Round a coordinate to community precision. */
double policy_coarse(double deg);

/* ---- consent to named uses --------------------------------------------- */

/* The uses a steward allows or refuses, and their descriptions. */
#define POLICY_NUSES 4
extern const char *const policy_uses[POLICY_NUSES];   /* "aggregate", "map", "connect_host", "intermediary_profile" */
const char *policy_use_label(const char *use);
int policy_use_valid(const char *use);
/* Value/label pairs (NULL-terminated) a use may take: "allowed"/"refused",
 * or for "map" "none"/"community"/"exact".  NULL for an unknown use. */
const char *const *policy_use_values(const char *use);
/* 1 when value is one of use's values. */
int policy_consent_valid(const char *use, const char *value);
/* The value until a steward chooses: pure. */
const char *policy_consent_default(const char *use, long long nation_id);

/* The consent in force for school_id and use (a value above; the most
 * restrictive value for a school that does not exist). */
const char *policy_consent(struct req *r, long long school_id, const char *use);
/* 1 when the use is allowed for school_id: "allowed", or for "map" any
 * precision but "none".  For results ("aggregate"), the map and Connect
 * ("connect_host"); in SQL, the POLICY_*_OK macros above. */
int policy_consents(struct req *r, long long school_id, const char *use);

/* ---- Local Contexts Notices and Labels ---------------------------------- */

struct policy_label {
	const char *code;           /* as published, e.g. "TK CO" */
	const char *name;           /* "TK Community Use Only" */
	const char *meaning;        /* one line */
};
/* The codes ilnet knows, Notices first; ends with a NULL code. */
extern const struct policy_label policy_label_list[];
/* The entry for code (exact, case-sensitive), or NULL. */
const struct policy_label *policy_label_find(const char *code);

/* Parse a steward's list of codes ("TK CO; TK NC", separated by ';' or
 * ',', spaces ignored, each at most once) into out[0..max): returns how
 * many, or -1 with the first unknown code in *bad (an arena string).
 * Pure apart from the arena. */
struct arena;
int policy_labels_parse(struct arena *a, const char *text, const struct policy_label **out,
                        int max, const char **bad);

/* The labels on school_id, in policy_label_list order, into out[0..max):
 * how many. */
int policy_labels_of(struct req *r, long long school_id, const struct policy_label **out, int max);

/* The labels on school_id as "TK CO; TK NC" (in policy_label_list order),
 * "" when none: for every export row that names the school. */
const char *policy_labels(struct req *r, long long school_id);

#endif
