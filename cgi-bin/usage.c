/* usage.c — the log of every use of a nation's schools' data (see
 * include/usage.h). */
#include "usage.h"
#include "db.h"
#include "html.h"
#include "layout.h"
#include "req.h"

#include <stdio.h>
#include <string.h>

static const char *const precisions[3] = { "aggregate", "coarse", "full" };

const char *usage_precision(enum vis shown)
{
	return precisions[shown == VIS_FULL ? 2 : shown == VIS_COARSE ? 1 : 0];
}

const char *usage_address(struct req *r)
{
	struct buf b = {0};
	buf_puts(&b, r->path ? r->path : "");
	for (int i = 0; i < r->query.n; i++)
		buf_printf(&b, "%c%s=%s", i ? '&' : '?', url_enc(r, r->query.v[i].name),
		           url_enc(r, r->query.v[i].value));
	char *s = arena_strdup(&r->arena, b.len ? b.p : "");
	buf_free(&b);
	return s;
}

void usage_record(struct req *r, long long nation_id, const char *what, int nschools,
                  const char *precision)
{
	if (!r->user || nation_id <= 0 || nschools <= 0 || !what)
		return;
	int known = 0;
	for (int i = 0; precision && i < 3; i++)
		known |= !strcmp(precision, precisions[i]);
	if (!known)
		return;
	db_relaxed(r, 1);           /* a read does not wait for the disk */
	int rc = db_exec_soft(r, "INSERT INTO usage_log (nation_id, user_id, role, what, address, nschools, precision)"
	                         " VALUES (?, ?, ?, ?, ?, ?, ?)", "IItttit",
	                      nation_id, r->user->id, role_name(r->user->role), what, usage_address(r),
	                      nschools, precision);
	db_relaxed(r, 0);
	if (rc != SQLITE_DONE)
		fprintf(stderr, "usage: request %s: could not record a use of nation %lld (%s): SQLite %d\n",
		        r->id, nation_id, what, rc);
}

void usage_count(struct usage_tally *t, long long nation_id, enum vis shown)
{
	usage_count_many(t, nation_id, shown, 1);
}

void usage_count_many(struct usage_tally *t, long long nation_id, enum vis shown, int n)
{
	if (nation_id <= 0 || n <= 0)
		return;
	int p = shown == VIS_FULL ? 2 : shown == VIS_COARSE ? 1 : 0;
	for (int i = 0; i < t->n; i++)
		if (t->v[i].nation == nation_id) {
			t->v[i].count[p] += n;
			return;
		}
	if (t->n == USAGE_MAX_NATIONS) {
		fprintf(stderr, "usage: more than %d nations in one read: not all counted\n", USAGE_MAX_NATIONS);
		return;
	}
	t->v[t->n].nation = nation_id;
	memset(t->v[t->n].count, 0, sizeof t->v[t->n].count);
	t->v[t->n].count[p] = n;
	t->n++;
}

void usage_tally_add(struct usage_tally *to, const struct usage_tally *from)
{
	static const enum vis shown[3] = { VIS_HIDDEN, VIS_COARSE, VIS_FULL };
	for (int i = 0; i < from->n; i++)
		for (int p = 0; p < 3; p++)
			usage_count_many(to, from->v[i].nation, shown[p], from->v[i].count[p]);
}

void usage_count_school(struct req *r, struct usage_tally *t, long long school_id, long long nation_id,
                        enum vis shown)
{
	if (nation_id <= 0)
		return;
	for (int i = 0; i < t->nseen; i++)
		if (t->seen[i] == school_id)
			return;
	if (t->nseen == t->capseen) {
		t->capseen = t->capseen ? t->capseen * 2 : 64;
		long long *more = arena_alloc(&r->arena, sizeof *more * (size_t)t->capseen);
		if (t->nseen)
			memcpy(more, t->seen, sizeof *more * (size_t)t->nseen);
		t->seen = more;
	}
	t->seen[t->nseen++] = school_id;
	usage_count(t, nation_id, shown);
}

const char *usage_tally_text(struct req *r, const struct usage_tally *t)
{
	struct buf b = BUF_IN(&r->arena);
	for (int i = 0; i < t->n; i++)
		buf_printf(&b, "%lld %d %d %d ", t->v[i].nation, t->v[i].count[0], t->v[i].count[1], t->v[i].count[2]);
	return buf_str(&b);
}

void usage_tally_parse(struct usage_tally *t, const char *text)
{
	long long nation;
	int c0, c1, c2, used;
	t->n = 0;
	for (const char *p = text; p && t->n < USAGE_MAX_NATIONS &&
	     sscanf(p, "%lld %d %d %d %n", &nation, &c0, &c1, &c2, &used) == 4; p += used) {
		t->v[t->n].nation = nation;
		t->v[t->n].count[0] = c0;
		t->v[t->n].count[1] = c1;
		t->v[t->n].count[2] = c2;
		t->n++;
	}
}

void usage_flush(struct req *r, struct usage_tally *t, const char *what)
{
	for (int i = 0; i < t->n; i++)
		for (int p = 2; p >= 0; p--)
			usage_record(r, t->v[i].nation, what, t->v[i].count[p], precisions[p]);
	t->n = 0;
	t->nseen = 0;
}
