/* survey.h — the scan instrument and the answers to it.
 *
 * An instrument is data (a JSON file in db/instruments, copied into the database
 * under its version and never changed there): sections of questions of six
 * types — single choice, multiple choice (either may offer "other" with a
 * text), a 1..N agreement scale, a whole number, short text, long text.  A
 * question may be required, shared across a leader's schools, tagged with
 * a dimension of relevance, and shown only when an earlier answer makes it
 * relevant (show_if).
 *
 * Answers are strings keyed by question id: a choice's value; a multiple
 * choice's values joined by '\n'; "<id>.other" holds an "other" text.
 * A hidden question's answer is never kept.
 */
#ifndef ILNET_SURVEY_H
#define ILNET_SURVEY_H

#include <stddef.h>

struct req;
struct form_errors;

enum qtype { Q_SINGLE, Q_MULTI, Q_SCALE, Q_NUMBER, Q_TEXT, Q_LONGTEXT };

#define SURVEY_OTHER "_other"       /* the value of an "other" choice */

/* A choice offers at most this many options: a response's choices are
 * summarised as one bit per option in a 64-bit integer (summary.h). */
#define SURVEY_MAX_OPTIONS 63

struct option {
	const char *value, *label;
	int exclusive;              /* "none of these": chosen alone or not at all */
};

struct question {
	const char *id, *label, *dimension;     /* dimension may be NULL */
	enum qtype type;
	int required, shared, other, section;
	int school_specific;        /* about this school alone: never copied to
	                               another (survey_school_specific) */
	int not_after_cycle;        /* a year no later than the cycle's ("not_after":
	                               "cycle_year") */
	struct option *options;
	int noptions;
	const char *options_from;   /* a multi whose chosen options are offered */
	const char **scale;         /* labels of 1..nscale */
	int nscale;
	long min, max;              /* number range; text: max characters */
	const char *show_q;         /* show_if: the question it depends on */
	const char **show_in;       /* ... shown when its answer is one of these */
	int nshow_in;               /* 0 with show_q: shown when it is answered */
};

struct section {
	const char *id, *title, *intro;
	int first, count;           /* questions [first, first + count) */
};

struct instrument {
	long long id;               /* in the database; 0 until stored */
	const char *version, *title, *intro;
	struct section *sections;
	int nsections;
	struct question *q;
	int nq;
	void *mem;                  /* the parsed JSON the strings point into */
};

struct answers {
	int n, cap;
	struct { const char *q, *v; } *a;
};

/* Parse an instrument.  NULL with a message naming the problem when the
 * JSON or its shape is wrong (duplicate ids, show_if on a later question,
 * unknown types...).  Free with survey_free(). */
struct instrument *survey_parse(const char *json, char *err, size_t errlen);
void survey_free(struct instrument *in);

/* The instrument stored under id, parsed once per process and kept (a
 * published instrument never changes).  NULL when there is none. */
const struct instrument *survey_get(struct req *r, long long id);

/* Copy every JSON file in db/instruments whose version is not yet stored into
 * the database.  A stored version is never overwritten.  0 or -1 + err. */
struct sqlite3;
int survey_sync(struct sqlite3 *db, const char *dir, char *err, size_t errlen);

const struct question *survey_question(const struct instrument *in, const char *id);
int survey_section_index(const struct instrument *in, const char *id);

/* Answers (strings copied into r's arena). */
void survey_load_answers(struct req *r, long long response_id, struct answers *a);
const char *answers_get(const struct answers *a, const char *q);
void answers_set(struct req *r, struct answers *a, const char *q, const char *v);
/* 1 when the multiple-choice answer v contains value. */
int answer_has(const char *v, const char *value);

/* Whether q is shown given the answers (a question whose controlling
 * question is hidden is hidden too). */
int survey_visible(const struct instrument *in, const struct question *q,
                   const struct answers *a);

/* Read section s from the posted form into out (starting from the
 * response's other answers, so show_if across sections works), checking
 * each shown question; errors are keyed "q_<id>" (or "q_<id>_other") and
 * name their question (form_error_about).  Hidden questions get no answer.
 * With strict 0, required questions may be left empty (a draft save); with
 * 1 they must be answered.  year is the cycle's: a question marked
 * not_after_cycle refuses a later one (0: no such limit).
 *
 * Rules that keep an answer truthful, never silently changed:
 *  - an exclusive option ("None of these") chosen with another is refused;
 *  - text typed into "Other (say what)" ticks Other (a multiple choice
 *    gains it; a single choice with nothing chosen takes it); a single
 *    choice with another option chosen is refused, both kept on the form;
 *  - a choice drawn from another answer (options_from) that it does not
 *    offer is refused, not dropped. */
void survey_read_section(struct req *r, const struct instrument *in, int s,
                         struct answers *out, struct form_errors *e, int strict, int year);

/* 1 when q is about one school alone and so never copied to another of the
 * leader's schools: marked "school_specific" in the instrument, or a
 * number or text that is not marked "shared" (years at the school, who it
 * serves, since when it implements, its story). */
int survey_school_specific(const struct question *q);

/* 1 when value is an exclusive option of q (or of the question its
 * options come from). */
int survey_option_exclusive(const struct instrument *in, const struct question *q, const char *value);

/* Check a whole response for submission; returns the index of the first
 * section with a problem, or -1 when it may be submitted. */
int survey_check(const struct instrument *in, const struct answers *a);

/* Write section s's questions as form fields holding the answers a, with
 * the errors e beside them.  Where a shared question is unanswered and
 * prefill has an answer, it is offered, with a note naming prefill_from
 * (the leader's other school). */
void survey_render_section(struct req *r, const struct instrument *in, int s,
                           const struct answers *a, const struct form_errors *e,
                           const struct answers *prefill, const char *prefill_from);

/* Every shown question with its answer, section by section; with
 * change_base, each section links to change_base?section=<id>. */
void survey_render_answers(struct req *r, const struct instrument *in, const struct answers *a,
                           const char *change_base);

/* An answer as a reader sees it: labels for choices ("Other: ..." for an
 * other text), the scale's label, the text itself.  "" when unanswered. */
const char *survey_answer_text(struct req *r, const struct instrument *in,
                               const struct question *q, const struct answers *a);

/* A dimension's score, exactly: num / den of the way from 0 to 100
 * (0 <= num <= den), or den 0 when nothing was answered for it.  Half
 * from the share of the dimension's practices chosen, c / o (an "other"
 * practice counts as one, the share capped at 1), half from its agreement
 * scale, (a - 1) / (p - 1); so num / den = (c (p - 1) + o (a - 1)) /
 * (2 o (p - 1)), with o or p - 1 taken as 1 where the dimension has no
 * practices or no scale.  The fraction is kept unreduced: every response
 * to one instrument has the same den, so a group's scores add up by their
 * numerators alone, and nothing is rounded until a figure is shown. */
struct score {
	long long num, den;
};

/* The score of answers a for a dimension ("cultural", "instructional",
 * "career").  0, or -1 (and den 0) when nothing was answered for it. */
int survey_score_exact(const struct instrument *in, const struct answers *a, const char *dimension,
                       struct score *out);

/* The same score rounded once, half up, to 0..100; -1 when unscored. */
int survey_score(const struct instrument *in, const struct answers *a, const char *dimension);

/* A score (a school's alone) rounded once, half up, to 0..100: floor(100
 * num / den + 1/2) in integers; -1 when unscored (den 0). */
int score_rounded(struct score s);

/* A mean of scores, exact: the sum of the scores added, as sum / den,
 * over n of them.  Start from {0}. */
struct score_mean {
	long long sum, den;
	int n;
};

/* Add s (unscored: nothing).  Scores over different denominators (a
 * dimension with two scales of different lengths, or rows of different
 * instruments) add over their least common multiple.  0, or -1 when the
 * sum would overflow 64 bits (for the regional instrument, den is 40 or
 * 48: millions of schools are far from it); callers refuse the figure
 * rather than show it wrong. */
int score_mean_add(struct score_mean *m, struct score s);

/* Add every score of mean x to m, as adding them one by one would: the
 * same mean, exactly (for figures kept as sums per denominator). */
int score_mean_merge(struct score_mean *m, const struct score_mean *x);

/* The mean on 0..100 rounded once, half up: floor(100 sum / (den n) + 1/2),
 * in integers, so a mean of exactly k + 1/2 is k + 1 and nothing is lost
 * before.  -1 when nothing was added. */
int score_mean_rounded(const struct score_mean *m);

/* -1, 0 or 1 as mean x is below, equal to or above mean y (exactly);
 * an empty mean is above every other (it is never the weakest). */
int score_mean_cmp(const struct score_mean *x, const struct score_mean *y);

#endif
