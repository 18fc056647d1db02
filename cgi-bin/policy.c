/* policy.c — the visibility policy (see include/policy.h). */
#include "policy.h"
#include "db.h"
#include "req.h"

#include <math.h>
#include <string.h>

const char *const policy_levels[3] = { "private", "foundation", "network" };

enum vis policy_decide(const struct user *u, const struct school_facts *s)
{
	if (!u || !s || !s->sharing)
		return VIS_HIDDEN;
	int level = !strcmp(s->sharing, "network") ? 2 :
	            !strcmp(s->sharing, "foundation") ? 1 : 0;   /* unknown = private */
	if (u->role == ROLE_ADMIN || (u->role == ROLE_LEADER && s->viewer_leads))
		return VIS_FULL;
	if (u->role == ROLE_STEWARD && s->nation_id && s->nation_id == u->nation_id)
		return VIS_FULL;
	if (u->role == ROLE_STAFF)
		return level >= 1 ? VIS_FULL : VIS_HIDDEN;
	if (u->role == ROLE_INTERMEDIARY && s->viewer_serves)
		return level >= 1 ? VIS_FULL : VIS_COARSE;
	return level >= 2 ? VIS_COARSE : VIS_HIDDEN;
}

enum vis policy_row(struct req *r, sqlite3_stmt *st, int col)
{
	struct school_facts f = {
		.nation_id = db_col_int(st, col),
		.sharing = db_col_text(r, st, col + 1),
		.viewer_leads = (int)db_col_int(st, col + 2),
		.viewer_serves = (int)db_col_int(st, col + 3),
	};
	return policy_decide(r->user, &f);
}

enum vis policy_school(struct req *r, long long school_id)
{
	if (!r->user)
		return VIS_HIDDEN;
	sqlite3_stmt *st = db_q(r, "SELECT " POLICY_COLUMNS " FROM schools s WHERE s.id = ?",
	                        "III", r->user->id, r->user->org_id, school_id);
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

int policy_suppress(const long long *n, int k, int *hide)
{
	int hidden = 0;
	long long sum = 0;
	for (int i = 0; i < k; i++) {
		hide[i] = !policy_cell_shown(n[i]);
		if (hide[i]) {
			hidden++;
			sum += n[i];
		}
	}
	while (hidden && (hidden < 2 || sum < POLICY_MIN_CELL)) {
		int pick = -1;
		for (int i = 0; i < k; i++)
			if (!hide[i] && (pick < 0 || n[i] < n[pick]))
				pick = i;
		if (pick < 0)
			break;              /* everything is hidden already */
		hide[pick] = 1;
		hidden++;
		sum += n[pick];
	}
	return hidden;
}

double policy_coarse(double deg)
{
	return round(deg * 10.0) / 10.0;
}
