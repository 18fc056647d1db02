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
 * private         FULL        FULL        HIDDEN    COARSE         HIDDEN
 * foundation      FULL        FULL        FULL      FULL           HIDDEN
 * network         FULL        FULL        FULL      FULL           COARSE
 *
 * "Serving" means the school is on the current roster of an active grant
 * of the viewer's organization.
 *
 * Administering accounts is no licence to read a nation's data: admins
 * see schools exactly as foundation staff do.
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
};

/* The decision itself: pure, no database. */
enum vis policy_decide(const struct user *viewer, const struct school_facts *s);

/* Load the facts for school_id as r->user sees them and decide.
 * VIS_HIDDEN for a school that does not exist. */
enum vis policy_school(struct req *r, long long school_id);

/* SQL columns that give the facts for a row of schools aliased "s", in
 * this order: nation_id, sharing, viewer_leads, viewer_serves.  Bind the
 * viewer's user id, then org id (see policy_bind_hint). */
#define POLICY_COLUMNS \
	"coalesce(s.nation_id, 0), s.sharing," \
	" EXISTS (SELECT 1 FROM user_schools us WHERE us.school_id = s.id AND us.user_id = ?)," \
	" EXISTS (SELECT 1 FROM grant_schools gs JOIN grants g ON g.id = gs.grant_id" \
	"   WHERE gs.school_id = s.id AND g.org_id = ? AND g.stage = 'active'" \
	"     AND gs.from_date <= date('now') AND (gs.to_date IS NULL OR gs.to_date >= date('now')))"

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
	const char *atom;       /* POLICY_ATOM of the school */
	int hidden;             /* the viewer may not see the school */
	int cls;                /* 0 .. POLICY_CLASSES-1 */
	int keep;               /* out: the school counts in the figures */
};

/* Decide keep for every member.  Members may come in any order. */
void policy_aggregate(struct policy_member *m, int n);

/* The sharing levels, most restrictive first, and their descriptions. */
extern const char *const policy_levels[3];
const char *policy_level_label(const char *level);
int policy_level_valid(const char *level);

/* Round a coordinate to community precision. */
double policy_coarse(double deg);

#endif
