/* policy.c — the visibility policy (see include/policy.h). */
#include "policy.h"
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
	struct policy_member **by = malloc(sizeof *by * (size_t)n);
	if (!by) {                  /* no memory: count no hidden school at all */
		for (int i = 0; i < n; i++)
			m[i].keep = !m[i].hidden;
		return;
	}
	for (int i = 0; i < n; i++)
		by[i] = &m[i];
	qsort(by, (size_t)n, sizeof *by, member_cmp);
	for (int i = 0; i < n;) {
		int j = i, total = 0, per[POLICY_CLASSES] = {0};
		while (j < n && !member_cmp(&by[i], &by[j])) {
			if (by[j]->hidden) {
				total++;
				per[by[j]->cls >= 0 && by[j]->cls < POLICY_CLASSES ? by[j]->cls : 0]++;
			}
			j++;
		}
		int ok = policy_cell_shown(total);
		for (int c = 0; c < POLICY_CLASSES; c++)
			if (per[c] && !policy_cell_shown(per[c]))
				ok = 0;
		for (int k = i; k < j; k++)
			by[k]->keep = !by[k]->hidden || ok;
		i = j;
	}
	free(by);
}

double policy_coarse(double deg)
{
	return round(deg * 10.0) / 10.0;
}
