/* survey.c — the scan instrument: parsing, skip logic, validation,
 * scoring (see include/survey.h). */
#include "survey.h"
#include "db.h"
#include "html.h"
#include "layout.h"
#include "req.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- parsing -------------------------------------------------------------- */

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int jbool(const cJSON *o, const char *k)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static long jlong(const cJSON *o, const char *k, long dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(v) ? (long)v->valuedouble : dflt;
}

static int type_of(const char *t, enum qtype *out)
{
	static const struct { const char *name; enum qtype t; } types[] = {
		{ "single", Q_SINGLE }, { "multi", Q_MULTI }, { "scale", Q_SCALE },
		{ "number", Q_NUMBER }, { "text", Q_TEXT }, { "longtext", Q_LONGTEXT },
	};
	for (size_t i = 0; t && i < sizeof types / sizeof types[0]; i++)
		if (!strcmp(t, types[i].name)) {
			*out = types[i].t;
			return 1;
		}
	return 0;
}

/* Fill q from its JSON; 0 or -1 with err. */
static int parse_question(struct instrument *in, int idx, const cJSON *j, char *err, size_t errlen)
{
	struct question *q = &in->q[idx];
	q->id = jstr(j, "id");
	q->label = jstr(j, "label");
	if (!q->id || !*q->id || !q->label || !type_of(jstr(j, "type"), &q->type)) {
		snprintf(err, errlen, "question %d: needs an id, a label and a known type", idx + 1);
		return -1;
	}
	for (const char *c = q->id; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_')) {
			snprintf(err, errlen, "question %s: ids use a-z, 0-9 and _", q->id);
			return -1;
		}
	if (survey_question(in, q->id) != q) {
		snprintf(err, errlen, "question %s appears twice", q->id);
		return -1;
	}
	q->dimension = jstr(j, "dimension");
	q->required = jbool(j, "required");
	q->shared = jbool(j, "shared");
	q->other = jbool(j, "other");
	q->school_specific = jbool(j, "school_specific");
	const char *not_after = jstr(j, "not_after");
	if (not_after && strcmp(not_after, "cycle_year")) {
		snprintf(err, errlen, "question %s: not_after may only be \"cycle_year\"", q->id);
		return -1;
	}
	q->not_after_cycle = not_after != NULL;
	q->min = jlong(j, "min", 0);
	q->max = jlong(j, "max", q->type == Q_LONGTEXT ? 4000 : q->type == Q_TEXT ? 200 : 1000000);
	const cJSON *opts = cJSON_GetObjectItemCaseSensitive(j, "options");
	q->noptions = cJSON_GetArraySize(opts);
	if (q->noptions > SURVEY_MAX_OPTIONS) {
		snprintf(err, errlen, "question %s: at most %d options", q->id, SURVEY_MAX_OPTIONS);
		return -1;
	}
	if (q->noptions) {
		q->options = calloc((size_t)q->noptions, sizeof *q->options);
		int k = 0;
		const cJSON *o;
		cJSON_ArrayForEach(o, opts) {
			q->options[k].value = jstr(o, "value");
			q->options[k].label = jstr(o, "label");
			q->options[k].exclusive = jbool(o, "exclusive");
			if (!q->options[k].value || !q->options[k].label || strchr(q->options[k].value, '\n')) {
				snprintf(err, errlen, "question %s: option %d needs a value and a label", q->id, k + 1);
				return -1;
			}
			k++;
		}
	}
	q->options_from = jstr(j, "options_from");
	if (q->options_from) {
		const struct question *src = survey_question(in, q->options_from);
		if (!src || src >= q || src->type != Q_MULTI || q->type != Q_SINGLE) {
			snprintf(err, errlen, "question %s: options_from must name an earlier multiple choice", q->id);
			return -1;
		}
	}
	if ((q->type == Q_SINGLE || q->type == Q_MULTI) && !q->noptions && !q->options_from) {
		snprintf(err, errlen, "question %s: a choice needs options", q->id);
		return -1;
	}
	const cJSON *scale = cJSON_GetObjectItemCaseSensitive(j, "scale");
	q->nscale = cJSON_GetArraySize(scale);
	if (q->type == Q_SCALE && q->nscale < 2) {
		snprintf(err, errlen, "question %s: a scale needs at least two labels", q->id);
		return -1;
	}
	if (q->nscale) {
		q->scale = calloc((size_t)q->nscale, sizeof *q->scale);
		for (int k = 0; k < q->nscale; k++) {
			const cJSON *s = cJSON_GetArrayItem(scale, k);
			q->scale[k] = cJSON_IsString(s) ? s->valuestring : "";
		}
	}
	const cJSON *show = cJSON_GetObjectItemCaseSensitive(j, "show_if");
	if (show) {
		q->show_q = jstr(show, "question");
		const struct question *dep = q->show_q ? survey_question(in, q->show_q) : NULL;
		if (!dep || dep >= q) {
			snprintf(err, errlen, "question %s: show_if must name an earlier question", q->id);
			return -1;
		}
		const cJSON *vals = cJSON_GetObjectItemCaseSensitive(show, "in");
		q->nshow_in = cJSON_GetArraySize(vals);
		if (!q->nshow_in && !jbool(show, "answered")) {
			snprintf(err, errlen, "question %s: show_if needs \"in\" or \"answered\"", q->id);
			return -1;
		}
		if (q->nshow_in) {
			q->show_in = calloc((size_t)q->nshow_in, sizeof *q->show_in);
			for (int k = 0; k < q->nshow_in; k++) {
				const cJSON *s = cJSON_GetArrayItem(vals, k);
				q->show_in[k] = cJSON_IsString(s) ? s->valuestring : "";
			}
		}
	}
	return 0;
}

struct instrument *survey_parse(const char *json, char *err, size_t errlen)
{
	cJSON *root = cJSON_Parse(json);
	if (!root) {
		snprintf(err, errlen, "not valid JSON near: %.40s", cJSON_GetErrorPtr() ? cJSON_GetErrorPtr() : "");
		return NULL;
	}
	struct instrument *in = calloc(1, sizeof *in);
	in->mem = root;
	in->version = jstr(root, "version");
	in->title = jstr(root, "title");
	in->intro = jstr(root, "intro");
	const cJSON *secs = cJSON_GetObjectItemCaseSensitive(root, "sections");
	in->nsections = cJSON_GetArraySize(secs);
	if (!in->version || !in->title || !in->nsections) {
		snprintf(err, errlen, "an instrument needs a version, a title and sections");
		survey_free(in);
		return NULL;
	}
	const cJSON *s;
	cJSON_ArrayForEach(s, secs)
		in->nq += cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(s, "questions"));
	in->sections = calloc((size_t)in->nsections, sizeof *in->sections);
	in->q = calloc((size_t)(in->nq ? in->nq : 1), sizeof *in->q);
	int si = 0, qi = 0;
	in->nq = 0;
	cJSON_ArrayForEach(s, secs) {
		struct section *sec = &in->sections[si];
		sec->id = jstr(s, "id");
		sec->title = jstr(s, "title");
		sec->intro = jstr(s, "intro");
		sec->first = qi;
		if (!sec->id || !sec->title || survey_section_index(in, sec->id) != si) {
			snprintf(err, errlen, "section %d needs a unique id and a title", si + 1);
			survey_free(in);
			return NULL;
		}
		const cJSON *qj;
		cJSON_ArrayForEach(qj, cJSON_GetObjectItemCaseSensitive(s, "questions")) {
			in->nq = qi + 1;
			in->q[qi].section = si;
			if (parse_question(in, qi, qj, err, errlen)) {
				survey_free(in);
				return NULL;
			}
			qi++;
		}
		sec->count = qi - sec->first;
		si++;
	}
	return in;
}

void survey_free(struct instrument *in)
{
	if (!in)
		return;
	for (int i = 0; i < in->nq; i++) {
		free(in->q[i].options);
		free(in->q[i].scale);
		free(in->q[i].show_in);
	}
	free(in->q);
	free(in->sections);
	cJSON_Delete(in->mem);
	free(in);
}

const struct question *survey_question(const struct instrument *in, const char *id)
{
	for (int i = 0; id && i < in->nq; i++)
		if (in->q[i].id && !strcmp(in->q[i].id, id))
			return &in->q[i];
	return NULL;
}

int survey_section_index(const struct instrument *in, const char *id)
{
	for (int i = 0; id && i < in->nsections; i++)
		if (in->sections[i].id && !strcmp(in->sections[i].id, id))
			return i;
	return -1;
}

/* ---- the stored instruments ----------------------------------------------- */

/* Parsed instruments, per process: published ones never change, so an
 * entry is never freed while the worker lives (a request may hold it). */
static struct cached { long long id; char version[64]; struct instrument *in; } *cache;
static size_t ncache, capcache;

const struct instrument *survey_get(struct req *r, long long id)
{
	char *version = db_text(r, "SELECT version FROM instruments WHERE id = ?", "I", id);
	if (!version)
		return NULL;
	for (size_t i = 0; i < ncache; i++)
		if (cache[i].id == id && !strcmp(cache[i].version, version))
			return cache[i].in;
	char *def = db_text(r, "SELECT definition FROM instruments WHERE id = ?", "I", id);
	char err[256];
	struct instrument *in = survey_parse(def, err, sizeof err);
	if (!in)
		req_fail(r, 500, arena_printf(&r->arena, "instrument %lld: %s", id, err));
	in->id = id;
	if (ncache == capcache) {
		size_t cap = capcache ? capcache * 2 : 8;
		struct cached *more = realloc(cache, sizeof *more * cap);
		if (!more)
			abort();
		cache = more;
		capcache = cap;
	}
	cache[ncache].id = id;
	snprintf(cache[ncache].version, sizeof cache[ncache].version, "%s", version);
	cache[ncache].in = in;
	ncache++;
	return in;
}

int survey_sync(sqlite3 *db, const char *dir, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;                   /* no instruments folder: nothing to add */
	struct dirent *e;
	int rc = 0;
	while (!rc && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n < 6 || strcmp(e->d_name + n - 5, ".json"))
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		char *json = buf_read_file(path);
		char perr[256];
		struct instrument *in = json ? survey_parse(json, perr, sizeof perr) : NULL;
		if (!in) {
			snprintf(err, errlen, "%s: %s", path, json ? perr : "cannot read");
			rc = -1;
		} else {
			sqlite3_stmt *st;
			if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO instruments (version, title, definition)"
			                       " VALUES (?, ?, ?)", -1, &st, NULL) == SQLITE_OK) {
				sqlite3_bind_text(st, 1, in->version, -1, SQLITE_TRANSIENT);
				sqlite3_bind_text(st, 2, in->title, -1, SQLITE_TRANSIENT);
				sqlite3_bind_text(st, 3, json, -1, SQLITE_TRANSIENT);
				if (sqlite3_step(st) != SQLITE_DONE) {
					snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
					rc = -1;
				}
				sqlite3_finalize(st);
			}
		}
		survey_free(in);
		free(json);
	}
	closedir(d);
	return rc;
}

/* ---- answers -------------------------------------------------------------- */

const char *answers_get(const struct answers *a, const char *q)
{
	for (int i = 0; a && i < a->n; i++)
		if (!strcmp(a->a[i].q, q))
			return a->a[i].v;
	return NULL;
}

void answers_set(struct req *r, struct answers *a, const char *q, const char *v)
{
	for (int i = 0; i < a->n; i++) {
		if (strcmp(a->a[i].q, q))
			continue;
		if (v) {
			a->a[i].v = arena_strdup(&r->arena, v);
		} else {
			a->a[i] = a->a[a->n - 1];
			a->n--;
		}
		return;
	}
	if (!v)
		return;
	if (a->n == a->cap) {
		int cap = a->cap ? a->cap * 2 : 32;
		void *more = arena_alloc(&r->arena, sizeof *a->a * (size_t)cap);
		if (a->n)
			memcpy(more, a->a, sizeof *a->a * (size_t)a->n);
		a->a = more;
		a->cap = cap;
	}
	a->a[a->n].q = arena_strdup(&r->arena, q);
	a->a[a->n].v = arena_strdup(&r->arena, v);
	a->n++;
}

void survey_load_answers(struct req *r, long long response_id, struct answers *a)
{
	sqlite3_stmt *st = db_q(r, "SELECT question, value FROM answers WHERE response_id = ?",
	                        "I", response_id);
	while (db_step(r, st))
		answers_set(r, a, db_col_text(r, st, 0), db_col_text(r, st, 1));
}

int answer_has(const char *v, const char *value)
{
	size_t n = strlen(value);
	for (const char *p = v; p && *p;) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && !strncmp(p, value, n))
			return 1;
		p = end ? end + 1 : NULL;
	}
	return 0;
}

int survey_visible(const struct instrument *in, const struct question *q, const struct answers *a)
{
	if (!q->show_q)
		return 1;
	const struct question *dep = survey_question(in, q->show_q);
	if (!dep || !survey_visible(in, dep, a))
		return 0;
	const char *v = answers_get(a, dep->id);
	if (!v || !*v)
		return 0;
	if (!q->nshow_in && q->options_from && q->show_q && !strcmp(q->show_q, q->options_from)) {
		/* "Which matters most?" of "none" alone, or of "other" alone,
		 * has nothing to offer. */
		const struct question *src = dep;
		for (int i = 0; i < src->noptions; i++)
			if (!src->options[i].exclusive && answer_has(v, src->options[i].value))
				return 1;
		return 0;
	}
	if (!q->nshow_in)
		return 1;
	for (int i = 0; i < q->nshow_in; i++)
		if (answer_has(v, q->show_in[i]))
			return 1;
	return 0;
}

/* ---- reading a posted section --------------------------------------------- */

static int blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return 0;
	return 1;
}

int survey_option_exclusive(const struct instrument *in, const struct question *q, const char *value)
{
	const struct question *src = q->options_from ? survey_question(in, q->options_from) : q;
	for (int i = 0; src && value && i < src->noptions; i++)
		if (src->options[i].exclusive && !strcmp(src->options[i].value, value))
			return 1;
	return 0;
}

int survey_school_specific(const struct question *q)
{
	return q->school_specific ||
	       (!q->shared && (q->type == Q_NUMBER || q->type == Q_TEXT || q->type == Q_LONGTEXT));
}

/* Whether value is one of q's choices, given the answers so far. */
static int valid_choice(const struct instrument *in, const struct question *q,
                        const struct answers *a, const char *value)
{
	if (q->other && !strcmp(value, SURVEY_OTHER))
		return 1;
	if (q->options_from) {
		const char *src = answers_get(a, q->options_from);
		return strcmp(value, SURVEY_OTHER) && answer_has(src, value) &&
		       !survey_option_exclusive(in, q, value) && survey_question(in, q->options_from) != NULL;
	}
	for (int i = 0; i < q->noptions; i++)
		if (!strcmp(q->options[i].value, value))
			return 1;
	return 0;
}

/* The label of option value of q, for a message. */
static const char *option_label(const struct instrument *in, const struct question *q,
                                const char *value);

void survey_read_section(struct req *r, const struct instrument *in, int s,
                         struct answers *out, struct form_errors *e, int strict, int year)
{
	const struct section *sec = &in->sections[s];
	for (int i = sec->first; i < sec->first + sec->count; i++) {
		const struct question *q = &in->q[i];
		char *field = arena_printf(&r->arena, "q_%s", q->id);
		char *other_field = arena_printf(&r->arena, "q_%s_other", q->id);
		char *other_key = arena_printf(&r->arena, "%s.other", q->id);
		if (!survey_visible(in, q, out)) {
			answers_set(r, out, q->id, NULL);
			answers_set(r, out, other_key, NULL);
			continue;
		}
		const char *v = NULL;
		const char *problem = NULL;
		/* Text typed into "Other (say what)": kept, by ticking Other. */
		const char *other = q->other ? req_form(r, other_field) : NULL;
		if (other && blank(other))
			other = NULL;
		if (q->type == Q_MULTI) {
			struct buf b = BUF_IN(&r->arena);
			int n = params_count(&r->form, field), exclusive = 0, chosen = 0;
			for (int k = 0; k < n; k++) {
				const char *c = params_nth(&r->form, field, k);
				if (!valid_choice(in, q, out, c)) {
					problem = "Choose from the options given.";
					continue;
				}
				if (b.len && answer_has(b.p, c))
					continue;       /* the same choice sent twice counts once */
				if (b.len)
					buf_putc(&b, '\n');
				buf_puts(&b, c);
				chosen++;
				if (survey_option_exclusive(in, q, c))
					exclusive = k + 1;
			}
			if (other && !answer_has(b.p, SURVEY_OTHER)) {
				if (b.len)
					buf_putc(&b, '\n');
				buf_puts(&b, SURVEY_OTHER);
				chosen++;
			}
			if (exclusive && chosen > 1 && !problem)
				problem = arena_printf(&r->arena, "\u201c%s\u201d goes alone: untick it, or untick the"
				                       " other answers.", option_label(in, q,
				                       params_nth(&r->form, field, exclusive - 1)));
			v = b.len ? arena_strdup(&r->arena, b.p) : NULL;
			buf_free(&b);
		} else {
			v = req_form(r, field);
			if (v && blank(v))
				v = NULL;
			if (q->type == Q_SINGLE && other) {
				if (!v)
					v = SURVEY_OTHER;
				else if (strcmp(v, SURVEY_OTHER) && valid_choice(in, q, out, v))
					problem = arena_printf(&r->arena, "You chose \u201c%s\u201d and typed an other"
					                       " answer: choose Other, or clear the other answer.",
					                       option_label(in, q, v));
			}
		}
		if (v && !problem) {
			char *end;
			long n;
			switch (q->type) {
			case Q_SINGLE:
				if (!valid_choice(in, q, out, v))
					problem = q->options_from ? arena_printf(&r->arena, "Choose one of the answers you"
					                                         " ticked for \u201c%s\u201d.",
					                                         survey_question(in, q->options_from)->label)
					                          : "Choose one of the options given.";
				break;
			case Q_SCALE:
				errno = 0;
				n = strtol(v, &end, 10);
				if (errno || *end || n < 1 || n > q->nscale)
					problem = "Choose a point on the scale.";
				break;
			case Q_NUMBER:
				errno = 0;
				n = strtol(v, &end, 10);
				while (*end == ' ')
					end++;
				if (errno || *end || end == v)
					problem = "Enter a whole number, in figures.";
				else if (n < q->min || n > q->max)
					problem = arena_printf(&r->arena, "Enter a number from %ld to %ld.", q->min, q->max);
				else if (q->not_after_cycle && year > 0 && n > year)
					problem = arena_printf(&r->arena, "Enter a year no later than %d, the year of this"
					                       " scan.", year);
				break;
			case Q_TEXT:
			case Q_LONGTEXT:
				if ((long)utf8_chars(v) > q->max)
					problem = arena_printf(&r->arena, "Shorten this to %ld characters or fewer"
					                       " (it has %zu).", q->max, utf8_chars(v));
				break;
			case Q_MULTI:
				break;
			}
		}
		/* An "other" choice needs its text (its error is on the text box). */
		if (v && q->other && answer_has(v, SURVEY_OTHER)) {
			if (!other)
				form_error_about(e, other_field, q->label, "Say what the other answer is.");
			else if (utf8_chars(other) > 200)
				form_error_about(e, other_field, q->label,
				                 "Shorten the other answer to 200 characters or fewer.");
		}
		if (!v && strict && q->required)
			problem = q->type == Q_MULTI ? "Choose at least one." :
			          q->type == Q_SINGLE || q->type == Q_SCALE ? "Choose an answer." :
			          "Answer this question.";
		/* Keep what was typed even when it is wrong, so the form shows it. */
		answers_set(r, out, q->id, v);
		answers_set(r, out, other_key, other);
		if (problem)
			form_error_about(e, field, q->label, problem);
	}
}

int survey_check(const struct instrument *in, const struct answers *a)
{
	for (int i = 0; i < in->nq; i++) {
		const struct question *q = &in->q[i];
		if (!q->required || !survey_visible(in, q, a))
			continue;
		const char *v = answers_get(a, q->id);
		if (!v || !*v)
			return q->section;
	}
	return -1;
}

int survey_score_exact(const struct instrument *in, const struct answers *a, const char *dim,
                       struct score *out)
{
	long long chosen = 0, offered = 0, agree = 0, points = 1;
	int have_practice = 0, have_agree = 0;
	*out = (struct score){0, 0};
	for (int i = 0; i < in->nq; i++) {
		const struct question *q = &in->q[i];
		if (!q->dimension || strcmp(q->dimension, dim))
			continue;
		const char *v = answers_get(a, q->id);
		if (q->type == Q_MULTI) {
			offered += q->noptions;
			if (v && *v) {
				have_practice = 1;
				for (const char *p = v; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
					chosen++;
			}
		} else if (q->type == Q_SCALE && v && *v) {
			/* The last scale answered counts; its answer is checked
			 * to be 1..nscale on the way in, and kept there. */
			long n = atol(v);
			have_agree = 1;
			points = q->nscale - 1;
			agree = n < 1 ? 0 : n > q->nscale ? points : n - 1;
		}
	}
	if (!have_practice && !have_agree)
		return -1;
	if (chosen > offered)
		chosen = offered;
	long long o = offered > 0 ? offered : 1;
	out->num = chosen * points + o * agree;
	out->den = 2 * o * points;
	return 0;
}

int score_rounded(struct score s)
{
	if (s.den <= 0)
		return -1;
	return (int)((200 * s.num + s.den) / (2 * s.den));
}

int survey_score(const struct instrument *in, const struct answers *a, const char *dim)
{
	struct score s;
	survey_score_exact(in, a, dim, &s);
	return score_rounded(s);
}

static long long gcd_ll(long long a, long long b)
{
	while (b) {
		long long t = a % b;
		a = b;
		b = t;
	}
	return a;
}

int score_mean_add(struct score_mean *m, struct score s)
{
	if (s.den <= 0)
		return 0;
	struct score_mean one = { s.num, s.den, 1 };
	return score_mean_merge(m, &one);
}

int score_mean_merge(struct score_mean *m, const struct score_mean *x)
{
	if (x->n <= 0 || x->den <= 0)
		return 0;
	if (!m->n) {
		*m = *x;
		return 0;
	}
	long long l, sum, num;
	if (x->den == m->den) {
		l = m->den;
		sum = m->sum;
		num = x->sum;
	} else if (__builtin_mul_overflow(m->den / gcd_ll(m->den, x->den), x->den, &l) ||
	           __builtin_mul_overflow(m->sum, l / m->den, &sum) ||
	           __builtin_mul_overflow(x->sum, l / x->den, &num)) {
		return -1;
	}
	if (__builtin_add_overflow(sum, num, &sum))
		return -1;
	m->sum = sum;
	m->den = l;
	m->n += x->n;
	return 0;
}

int score_mean_rounded(const struct score_mean *m)
{
	if (!m->n)
		return -1;
	/* In 128 bits: 200 sum and den n may each exceed 64 bits, their
	 * quotient (at most 100) never does. */
	__int128 whole = (__int128)m->den * m->n;
	return (int)((200 * (__int128)m->sum + whole) / (2 * whole));
}

int score_mean_cmp(const struct score_mean *x, const struct score_mean *y)
{
	if (!x->n || !y->n)
		return !x->n - !y->n;
	/* x.sum / (x.den x.n) against y.sum / (y.den y.n): cross-multiplied
	 * in 128 bits, which no sum of a region's scores exceeds. */
	__int128 a = (__int128)x->sum * y->den * y->n, b = (__int128)y->sum * x->den * x->n;
	return (a > b) - (a < b);
}

/* ---- showing questions ---------------------------------------------------- */

static const char *option_label(const struct instrument *in, const struct question *q,
                                const char *value)
{
	const struct question *src = q->options_from ? survey_question(in, q->options_from) : q;
	for (int i = 0; src && i < src->noptions; i++)
		if (!strcmp(src->options[i].value, value))
			return src->options[i].label;
	return value;
}

const char *survey_answer_text(struct req *r, const struct instrument *in,
                               const struct question *q, const struct answers *a)
{
	if (!q)
		return "";              /* an instrument without that question */
	const char *v = answers_get(a, q->id);
	if (!v || !*v)
		return "";
	const char *other = answers_get(a, arena_printf(&r->arena, "%s.other", q->id));
	struct buf b = BUF_IN(&r->arena);
	long n;
	switch (q->type) {
	case Q_SINGLE:
	case Q_MULTI:
		for (const char *p = v; p;) {
			const char *end = strchr(p, '\n');
			char *one = arena_strndup(&r->arena, p, end ? (size_t)(end - p) : strlen(p));
			if (b.len)
				buf_puts(&b, "; ");
			if (!strcmp(one, SURVEY_OTHER))
				buf_printf(&b, "Other: %s", other ? other : "");
			else
				buf_puts(&b, option_label(in, q, one));
			p = end ? end + 1 : NULL;
		}
		break;
	case Q_SCALE:
		n = atol(v);
		buf_puts(&b, n >= 1 && n <= q->nscale ? q->scale[n - 1] : v);
		break;
	default:
		buf_puts(&b, v);
	}
	char *out = arena_strdup(&r->arena, buf_str(&b));
	buf_free(&b);
	return out;
}

/* The sentence saying when a conditional question applies. */
static const char *condition_text(struct req *r, const struct instrument *in,
                                  const struct question *q)
{
	const struct question *dep = survey_question(in, q->show_q);
	if (!q->nshow_in)
		return arena_printf(&r->arena, "Only if you answered \u201c%s\u201d.", dep->label);
	struct buf b = BUF_IN(&r->arena);
	for (int i = 0; i < q->nshow_in; i++) {
		if (i)
			buf_puts(&b, i == q->nshow_in - 1 ? " or " : ", ");
		buf_printf(&b, "\u201c%s\u201d", option_label(in, dep, q->show_in[i]));
	}
	char *s = arena_printf(&r->arena, "Only if you answered %s above.", buf_str(&b));
	buf_free(&b);
	return s;
}

/* One radio button or checkbox; the first of a question carries the
 * question's anchor id, so the error summary can link to it. */
static void choice(struct req *r, const char *type, const char *name, int k,
                   const char *value, const char *label, int checked)
{
	const char *id = k ? arena_printf(&r->arena, "f-%s-%d", name, k) : arena_printf(&r->arena, "f-%s", name);
	html(r, "<div class=\"choice\"><input type=\"%s\" id=\"%s\" name=\"%s\" value=\"%s\"%s>"
	        "<label for=\"%s\">%s</label></div>\n",
	     type, id, name, value, checked ? " checked" : "", id, label);
}

static void render_question(struct req *r, const struct instrument *in, const struct question *q,
                            const struct answers *a, const struct form_errors *e,
                            const char *prefilled_from)
{
	const char *name = arena_printf(&r->arena, "q_%s", q->id);
	const char *other_name = arena_printf(&r->arena, "q_%s_other", q->id);
	const char *err = form_error_for(e, name);
	const char *other_err = form_error_for(e, other_name);
	const char *v = answers_get(a, q->id);
	const char *other = answers_get(a, arena_printf(&r->arena, "%s.other", q->id));
	const char *cond = q->show_q ? condition_text(r, in, q) : NULL;
	int grouped = q->type == Q_SINGLE || q->type == Q_MULTI || q->type == Q_SCALE;

	/* What describes the question, known before it is written: condition,
	 * prefill note, error — referenced by the fieldset or the input. */
	struct buf desc = BUF_IN(&r->arena);
	if (cond)
		buf_printf(&desc, "c-%s", name);
	if (prefilled_from)
		buf_printf(&desc, "%sp-%s", desc.len ? " " : "", name);
	if (err)
		buf_printf(&desc, "%se-%s", desc.len ? " " : "", name);
	const char *described = desc.len ? html_fmt(r, " aria-describedby=\"%s\"", desc.p) : "";
	buf_free(&desc);

	html(r, "<div class=\"question%s\" id=\"q-%s\"", err || other_err ? " has-error" : "", q->id);
	if (q->show_q) {
		const struct question *dep = survey_question(in, q->show_q);
		html(r, " data-show-q=\"q_%s\" data-show-in=\"", dep->id);
		for (int i = 0; i < q->nshow_in; i++)
			html(r, "%s%s", i ? " " : "", q->show_in[i]);
		html(r, "\"");
		/* A condition on an earlier section: its saved answer, for the script. */
		if (dep->section != q->section) {
			const char *dv = answers_get(a, dep->id);
			char *spaced = arena_strdup(&r->arena, dv ? dv : "");
			for (char *p = spaced; *p; p++)
				if (*p == '\n')
					*p = ' ';
			html(r, " data-show-value=\"%s\"", spaced);
		}
	}
	if (q->options_from)
		html(r, " data-options-from=\"q_%s\"", q->options_from);
	html(r, ">\n");
	if (grouped) {
		html(r, "<fieldset");
		html_raw(r, described);
		html(r, ">\n<legend>%s%s</legend>\n", q->label, q->required ? " (required)" : "");
	} else {
		html(r, "<label for=\"f-%s\">%s%s</label>\n", name, q->label, q->required ? " (required)" : "");
	}
	if (cond)
		html(r, "<p class=\"hint\" id=\"c-%s\">%s</p>\n", name, cond);
	if (prefilled_from)
		html(r, "<p class=\"hint prefill\" id=\"p-%s\">Filled in from your answer for %s."
		        " Change it if it differs here.</p>\n", name, prefilled_from);
	if (q->type == Q_MULTI)
		html(r, "<p class=\"hint\">Choose all that apply.</p>\n");
	if (err)
		html(r, "<p class=\"error\" id=\"e-%s\"><span class=\"visually-hidden\">Error:</span> %s</p>\n",
		     name, err);
	char num[16];
	switch (q->type) {
	case Q_SINGLE:
	case Q_MULTI: {
		const char *type = q->type == Q_SINGLE ? "radio" : "checkbox";
		int k = 0;
		if (q->options_from) {
			/* Asked beside the answer it draws from, it offers every
			 * option (the first pass works without scripts; the server
			 * refuses one not ticked, a script hides those); after it,
			 * the options ticked there. */
			const struct question *src = survey_question(in, q->options_from);
			const char *chosen = answers_get(a, src->id);
			int beside = src->section == q->section;
			for (int i = 0; i < src->noptions; i++)
				if (!src->options[i].exclusive && (beside || answer_has(chosen, src->options[i].value)))
					choice(r, type, name, k++, src->options[i].value, src->options[i].label,
					       v && answer_has(v, src->options[i].value));
			if (!k)       /* carries the question's anchor, for the error summary */
				html(r, "<p class=\"hint\" id=\"f-%s\" tabindex=\"-1\">Answer the question above"
				        " and save; its choices then appear here.</p>\n", name);
		} else {
			for (int i = 0; i < q->noptions; i++, k++)
				choice(r, type, name, k, q->options[i].value, q->options[i].label,
				       v && answer_has(v, q->options[i].value));
		}
		if (q->other) {
			choice(r, type, name, k, SURVEY_OTHER, "Other", v && answer_has(v, SURVEY_OTHER));
			html(r, "<div class=\"other\"><label for=\"f-%s\">Other (say what)</label>\n"
			        "<p class=\"hint\" id=\"h-%s\">Typing here ticks Other.</p>\n", other_name, other_name);
			if (other_err)
				html(r, "<p class=\"error\" id=\"e-%s\"><span class=\"visually-hidden\">Error:</span> %s</p>\n",
				     other_name, other_err);
			html(r, "<input type=\"text\" id=\"f-%s\" name=\"%s\" value=\"%s\" maxlength=\"200\""
			        " data-ticks=\"%s\"", other_name, other_name, other ? other : "",
			     arena_printf(&r->arena, "f-%s-%d", name, k));
			if (other_err)
				html(r, " aria-describedby=\"h-%s e-%s\" aria-invalid=\"true\"", other_name, other_name);
			else
				html(r, " aria-describedby=\"h-%s\"", other_name);
			html(r, "></div>\n");
		}
		break;
	}
	case Q_SCALE:
		html(r, "<div class=\"scale\">\n");
		for (int i = 0; i < q->nscale; i++) {
			snprintf(num, sizeof num, "%d", i + 1);
			choice(r, "radio", name, i, num, q->scale[i], v && !strcmp(v, num));
		}
		html(r, "</div>\n");
		break;
	case Q_NUMBER:
		html(r, "<input type=\"text\" inputmode=\"numeric\" class=\"short\" id=\"f-%s\" name=\"%s\""
		        " value=\"%s\"", name, name, v ? v : "");
		html_raw(r, described);
		if (err)
			html_raw(r, " aria-invalid=\"true\"");
		html(r, ">\n");
		break;
	case Q_TEXT:
		html(r, "<input type=\"text\" id=\"f-%s\" name=\"%s\" value=\"%s\" maxlength=\"%ld\"", name, name,
		     v ? v : "", (long)q->max);
		html_raw(r, described);
		if (err)
			html_raw(r, " aria-invalid=\"true\"");
		html(r, ">\n");
		break;
	case Q_LONGTEXT:
		html(r, "<textarea id=\"f-%s\" name=\"%s\" rows=\"6\" maxlength=\"%ld\"", name, name, (long)q->max);
		html_raw(r, described);
		if (err)
			html_raw(r, " aria-invalid=\"true\"");
		html(r, ">%s</textarea>\n", v ? v : "");
		break;
	}
	if (grouped)
		html(r, "</fieldset>\n");
	html(r, "</div>\n");
}

void survey_render_section(struct req *r, const struct instrument *in, int s,
                           const struct answers *a, const struct form_errors *e,
                           const struct answers *prefill, const char *prefill_from)
{
	const struct section *sec = &in->sections[s];
	if (sec->intro)
		html(r, "<p class=\"lead\">%s</p>\n", sec->intro);
	struct answers shown = *a;
	for (int i = sec->first; i < sec->first + sec->count; i++) {
		const struct question *q = &in->q[i];
		const char *from = NULL;
		const char *pv = prefill ? answers_get(prefill, q->id) : NULL;
		if (q->shared && pv && !answers_get(a, q->id)) {
			/* Offer the leader's answer for another school; saved only if kept. */
			struct answers *copy = arena_alloc(&r->arena, sizeof *copy);
			*copy = (struct answers){0};
			for (int k = 0; k < shown.n; k++)
				answers_set(r, copy, shown.a[k].q, shown.a[k].v);
			answers_set(r, copy, q->id, pv);
			const char *po = answers_get(prefill, arena_printf(&r->arena, "%s.other", q->id));
			if (po)
				answers_set(r, copy, arena_printf(&r->arena, "%s.other", q->id), po);
			shown = *copy;
			from = prefill_from;
		}
		render_question(r, in, q, &shown, e, from);
	}
}

void survey_render_answers(struct req *r, const struct instrument *in, const struct answers *a,
                           const char *change_base)
{
	for (int s = 0; s < in->nsections; s++) {
		html(r, "<h2>%s</h2>\n", in->sections[s].title);
		if (change_base)
			html(r, "<p><a href=\"%s?section=%s\">Change<span class=\"visually-hidden\"> %s</span></a></p>\n",
			     change_base, in->sections[s].id, in->sections[s].title);
		html(r, "<dl class=\"answers\">\n");
		for (int i = in->sections[s].first; i < in->sections[s].first + in->sections[s].count; i++) {
			const struct question *q = &in->q[i];
			if (!survey_visible(in, q, a))
				continue;
			const char *t = survey_answer_text(r, in, q, a);
			html(r, "<dt>%s</dt><dd>%s</dd>\n", q->label, *t ? t : "Not answered");
		}
		html(r, "</dl>\n");
	}
}
