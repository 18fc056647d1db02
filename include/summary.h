/* summary.h — what a submitted response adds to a scan's figures, kept on
 * write in the table response_summary (migrations 012, 015 and 022).
 *
 * The results (results.c) used to decode every answer of every response on
 * each request: two seconds of server time at 100,000 schools.  Instead, a
 * response's figures are decoded once, when it is submitted, in the same
 * transaction (scan_submit), and the results only add rows up.  Nothing can
 * go stale: triggers delete a response's summary the moment it is reopened
 * or moved, or one of its answers or its cycle's instrument changes; a
 * submitted response without a summary (reopened and changed behind ilnet's
 * back, loaded by a script, or written before migration 012) is decoded
 * from its answers at read time, exactly as before, until summary_fill()
 * stores it (at every start: ilnet serve, migrate, demo).
 *
 * Which schools a response counts for is not decided here: the visibility
 * policy (policy_aggregate) decides that at read time, for each viewer.
 */
#ifndef ILNET_SUMMARY_H
#define ILNET_SUMMARY_H

#include <stddef.h>

#include "survey.h"

struct req;
struct answers;
struct instrument;

/* The choice questions the figures count, in this order: how far a school
 * implements, the supports it needs, the professional learning it used,
 * what gets in its way. */
enum { SUMMARY_STAGE, SUMMARY_SUPPORTS, SUMMARY_LEARNING, SUMMARY_CHALLENGES, SUMMARY_NCHOICES };
extern const char *const summary_choice_questions[SUMMARY_NCHOICES];

/* The three dimensions of relevance scored (survey_score_exact: kept as
 * the exact fraction, so that figures over many schools are rounded once,
 * when shown, never before they are averaged). */
extern const char *const summary_dimensions[3];

struct summary_figures {
	int implementing;           /* stage is "some_classrooms" or "schoolwide" */
	long long chosen[SUMMARY_NCHOICES];     /* bit k: option k of the question chosen */
	struct score score[3];      /* survey_score_exact per dimension, den 0 when unscored */
};

/* The figures of one response's answers a to instrument in.  Pure.
 * (Options are at most SURVEY_MAX_OPTIONS, so a bit each fits.) */
void summary_compute(const struct instrument *in, const struct answers *a, struct summary_figures *out);

/* Store the summary of response_id, submitted with answers a: inside the
 * transaction that submits it. */
void summary_store(struct req *r, long long response_id, const struct instrument *in, const struct answers *a);

/* The figures of submitted response_id decoded from its stored answers
 * (for a response without a stored summary). */
void summary_decode(struct req *r, long long response_id, const struct instrument *in,
                    struct summary_figures *out);

/* Store the summary of every submitted response that has none, in
 * transactions of at most a thousand (so a long fill never holds the write
 * lock long).  Returns how many were stored, or -1 with the reason in
 * err. */
struct sqlite3;
long long summary_fill(struct sqlite3 *db, char *err, size_t errlen);

#endif
