/* summary.c — a submitted response's figures, kept on write (see
 * include/summary.h). */
#include "summary.h"
#include "db.h"
#include "req.h"
#include "survey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const summary_choice_questions[SUMMARY_NCHOICES] = {
	"stage", "supports_needed", "pl_used", "challenges"
};
const char *const summary_dimensions[3] = { "cultural", "instructional", "career" };

void summary_compute(const struct instrument *in, const struct answers *a, struct summary_figures *out)
{
	memset(out, 0, sizeof *out);
	const char *stage = answers_get(a, "stage");
	out->implementing = stage && (!strcmp(stage, "some_classrooms") || !strcmp(stage, "schoolwide"));
	for (int c = 0; c < SUMMARY_NCHOICES; c++) {
		const struct question *q = survey_question(in, summary_choice_questions[c]);
		const char *v = answers_get(a, summary_choice_questions[c]);
		for (int k = 0; q && v && k < q->noptions && k < SURVEY_MAX_OPTIONS; k++)
			if (answer_has(v, q->options[k].value))
				out->chosen[c] |= 1LL << k;
	}
	for (int d = 0; d < 3; d++)
		survey_score_exact(in, a, summary_dimensions[d], &out->score[d]);
}

void summary_store(struct req *r, long long response_id, const struct instrument *in, const struct answers *a)
{
	struct summary_figures f;
	summary_compute(in, a, &f);
	/* An unscored dimension is NULL over NULL. */
	db_exec(r, "INSERT OR REPLACE INTO response_summary (response_id, cycle_id, school_id, implementing, stage,"
	           " supports, learning, challenges, cultural_num, cultural_den, instructional_num, instructional_den,"
	           " career_num, career_den, submitted_by)"
	           " SELECT ?1, x.cycle_id, x.school_id, ?2, ?3, ?4, ?5, ?6, iif(?8, ?7, NULL), nullif(?8, 0),"
	           "        iif(?10, ?9, NULL), nullif(?10, 0), iif(?12, ?11, NULL), nullif(?12, 0),"
	           "        coalesce(x.submitted_by, 0)"
	           "   FROM responses x WHERE x.id = ?1", "IiIIIIIIIIII",
	        response_id, f.implementing, f.chosen[0], f.chosen[1], f.chosen[2], f.chosen[3],
	        f.score[0].num, f.score[0].den, f.score[1].num, f.score[1].den, f.score[2].num, f.score[2].den);
}

void summary_decode(struct req *r, long long response_id, const struct instrument *in,
                    struct summary_figures *out)
{
	struct answers a = {0};
	survey_load_answers(r, response_id, &a);
	summary_compute(in, &a, out);
}

/* One batch of the fill: up to 1000 responses after *last, in one
 * transaction.  Returns how many were stored. */
#define FILL_BATCH 1000
static long long fill_batch(struct req *r, long long *last)
{
	long long ids[FILL_BATCH], instr[FILL_BATCH];
	int n = 0;
	db_begin(r);
	sqlite3_stmt *st = db_q(r,
	    "SELECT x.id, c.instrument_id FROM responses x JOIN scan_cycles c ON c.id = x.cycle_id"
	    " WHERE x.id > ? AND x.status = 'submitted'"
	    "   AND NOT EXISTS (SELECT 1 FROM response_summary rs WHERE rs.response_id = x.id)"
	    " ORDER BY x.id LIMIT 1000", "I", *last);
	while (db_step(r, st)) {
		ids[n] = db_col_int(st, 0);
		instr[n] = db_col_int(st, 1);
		n++;
	}
	for (int i = 0; i < n; i++) {
		const struct instrument *in = survey_get(r, instr[i]);
		if (!in)
			continue;           /* no instrument, no figures: as the results */
		struct answers a = {0};
		survey_load_answers(r, ids[i], &a);
		summary_store(r, ids[i], in, &a);
	}
	db_commit(r);
	if (n)
		*last = ids[n - 1];
	return n;
}

static long long fill_all(struct req *r)
{
	long long total = 0, last = 0, n;
	do {
		n = fill_batch(r, &last);
		total += n;
		arena_reset(&r->arena);
	} while (n == FILL_BATCH);
	return total;
}

long long summary_fill(sqlite3 *db, char *err, size_t errlen)
{
	struct req r;
	req_init(&r, db);
	jmp_buf jb;
	r.fail_jmp = &jb;
	long long total;
	if (setjmp(jb)) {
		snprintf(err, errlen, "%s", r.fail_msg ? r.fail_msg : "failed");
		total = -1;
	} else {
		total = fill_all(&r);
	}
	db_request_done(db);
	arena_free(&r.arena);
	buf_free(&r.body);
	return total;
}
