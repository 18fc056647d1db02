/* survey.c — the scan instrument: parsing, skip logic, validation,
 * scoring (see include/survey.h). */
#include "survey.h"
#include "db.h"
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
	q->min = jlong(j, "min", 0);
	q->max = jlong(j, "max", q->type == Q_LONGTEXT ? 4000 : q->type == Q_TEXT ? 200 : 1000000);
	const cJSON *opts = cJSON_GetObjectItemCaseSensitive(j, "options");
	q->noptions = cJSON_GetArraySize(opts);
	if (q->noptions) {
		q->options = calloc((size_t)q->noptions, sizeof *q->options);
		int k = 0;
		const cJSON *o;
		cJSON_ArrayForEach(o, opts) {
			q->options[k].value = jstr(o, "value");
			q->options[k].label = jstr(o, "label");
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

/* Parsed instruments, per process: published ones never change. */
static struct { long long id; char version[64]; struct instrument *in; } cache[16];

const struct instrument *survey_get(struct req *r, long long id)
{
	char *version = db_text(r, "SELECT version FROM instruments WHERE id = ?", "I", id);
	if (!version)
		return NULL;
	size_t free_slot = sizeof cache / sizeof cache[0];
	for (size_t i = 0; i < sizeof cache / sizeof cache[0]; i++) {
		if (cache[i].in && cache[i].id == id && !strcmp(cache[i].version, version))
			return cache[i].in;
		if (!cache[i].in && free_slot == sizeof cache / sizeof cache[0])
			free_slot = i;
	}
	char *def = db_text(r, "SELECT definition FROM instruments WHERE id = ?", "I", id);
	char err[256];
	struct instrument *in = survey_parse(def, err, sizeof err);
	if (!in)
		req_fail(r, 500, arena_printf(&r->arena, "instrument %lld: %s", id, err));
	in->id = id;
	if (free_slot == sizeof cache / sizeof cache[0]) {
		free_slot = 0;              /* full: replace the first */
		survey_free(cache[0].in);
	}
	cache[free_slot].id = id;
	snprintf(cache[free_slot].version, sizeof cache[free_slot].version, "%s", version);
	cache[free_slot].in = in;
	return in;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = {0};
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	if (!b.p)
		buf_add(&b, "", 0);
	return b.p;
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
		char *json = read_file(path);
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
	if (!q->nshow_in)
		return 1;
	for (int i = 0; i < q->nshow_in; i++)
		if (answer_has(v, q->show_in[i]))
			return 1;
	return 0;
}

/* ---- reading a posted section --------------------------------------------- */

static size_t chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if ((*s & 0xC0) != 0x80)
			n++;
	return n;
}

static int blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return 0;
	return 1;
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
		       survey_question(in, q->options_from) != NULL;
	}
	for (int i = 0; i < q->noptions; i++)
		if (!strcmp(q->options[i].value, value))
			return 1;
	return 0;
}

void survey_read_section(struct req *r, const struct instrument *in, int s,
                         struct answers *out, struct form_errors *e, int strict)
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
		if (q->type == Q_MULTI) {
			struct buf b = {0};
			int n = params_count(&r->form, field);
			for (int k = 0; k < n; k++) {
				const char *c = params_nth(&r->form, field, k);
				if (!valid_choice(in, q, out, c)) {
					problem = "Choose from the options given.";
					continue;
				}
				if (b.len)
					buf_putc(&b, '\n');
				buf_puts(&b, c);
			}
			v = b.len ? arena_strdup(&r->arena, b.p) : NULL;
			buf_free(&b);
		} else {
			v = req_form(r, field);
			if (v && blank(v))
				v = NULL;
		}
		if (v && !problem) {
			char *end;
			long n;
			switch (q->type) {
			case Q_SINGLE:
				if (!valid_choice(in, q, out, v))
					problem = "Choose one of the options given.";
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
				break;
			case Q_TEXT:
			case Q_LONGTEXT:
				if ((long)chars(v) > q->max)
					problem = arena_printf(&r->arena, "Shorten this to %ld characters or fewer"
					                       " (it has %zu).", q->max, chars(v));
				break;
			case Q_MULTI:
				break;
			}
		}
		/* An "other" choice needs its text. */
		const char *other = NULL;
		if (v && q->other && answer_has(v, SURVEY_OTHER)) {
			other = req_form(r, other_field);
			if (!other || blank(other))
				problem = problem ? problem : "Say what the other answer is.";
			else if (chars(other) > 200)
				problem = problem ? problem : "Shorten the other answer to 200 characters or fewer.";
		}
		if (!v && strict && q->required)
			problem = q->type == Q_MULTI ? "Choose at least one." :
			          q->type == Q_SINGLE || q->type == Q_SCALE ? "Choose an answer." :
			          "Answer this question.";
		/* Keep what was typed even when it is wrong, so the form shows it. */
		answers_set(r, out, q->id, v);
		answers_set(r, out, other_key, other && !blank(other) ? other : NULL);
		if (problem)
			form_error(e, field, problem);
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

int survey_score(const struct instrument *in, const struct answers *a, const char *dim)
{
	double chosen = 0, offered = 0, agree = 0;
	int have_practice = 0, have_agree = 0;
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
			have_agree = 1;
			agree = (atof(v) - 1) / (q->nscale - 1);
		}
	}
	if (!have_practice && !have_agree)
		return -1;
	double share = offered > 0 ? chosen / offered : 0;
	if (share > 1)
		share = 1;
	return (int)(100 * (0.5 * share + 0.5 * agree) + 0.5);
}
