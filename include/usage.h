/* usage.h — the log of every use of a nation's schools' data.
 *
 * Each read or export that includes schools of a nation records, per
 * nation: who (user and role), when, what (a short name of the read, and
 * the path with its query string: the route and its filters), how many of
 * the nation's schools it included, and at what precision:
 *   "aggregate"  only counted (VIS_HIDDEN schools in a total)
 *   "coarse"     named, community-level detail (VIS_COARSE)
 *   "full"       everything the profile holds (VIS_FULL)
 * The nation's steward reads the log at /steward/usage.
 *
 * Recording is best effort: a failure to write (a busy or full database)
 * is logged to standard error and never fails the request.  Record after
 * the rows have been read, not while stepping through them.
 */
#ifndef ILNET_USAGE_H
#define ILNET_USAGE_H

#include "policy.h"

struct req;

/* One row: nation_id's schools, nschools of them, at precision (a value
 * above).  Nothing is recorded for nation 0, no schools, no signed-in
 * viewer or an unknown precision. */
void usage_record(struct req *r, long long nation_id, const char *what, int nschools,
                  const char *precision);

/* The precision name of what a viewer was shown. */
const char *usage_precision(enum vis shown);

/* Counting a read that spans nations: add each school included, then
 * flush, which records one row per nation and precision. */
#define USAGE_MAX_NATIONS 64
struct usage_tally {
	int n;
	struct { long long nation; int count[3]; } v[USAGE_MAX_NATIONS];
	long long *seen;            /* schools counted by usage_count_school (arena) */
	int nseen, capseen;
};

/* Count a school of nation_id (0: none, ignored) shown at `shown`
 * (VIS_HIDDEN: counted in an aggregate only). */
void usage_count(struct usage_tally *t, long long nation_id, enum vis shown);
/* The same for n schools of nation_id at once. */
void usage_count_many(struct usage_tally *t, long long nation_id, enum vis shown, int n);
/* The same for a read whose rows may name a school more than once (a
 * visit list): school_id is counted once. */
void usage_count_school(struct req *r, struct usage_tally *t, long long school_id, long long nation_id,
                        enum vis shown);
void usage_flush(struct req *r, struct usage_tally *t, const char *what);
/* Add the counts of one tally to another's. */
void usage_tally_add(struct usage_tally *to, const struct usage_tally *from);

/* A tally as text ("nation c0 c1 c2 ..."), to keep with cached output,
 * and back. */
const char *usage_tally_text(struct req *r, const struct usage_tally *t);
void usage_tally_parse(struct usage_tally *t, const char *text);

/* The request's path and query string as sent ("/visits.csv?org=2"). */
const char *usage_address(struct req *r);

#endif
