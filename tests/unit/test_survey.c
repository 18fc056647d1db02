/* test_survey.c — the instrument: parsing, skip logic, validation, scoring. */
#include "unit.h"
#include "layout.h"
#include "survey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *small =
    "{\"version\":\"t1\",\"title\":\"T\",\"sections\":["
    "{\"id\":\"a\",\"title\":\"A\",\"questions\":["
    "  {\"id\":\"stage\",\"type\":\"single\",\"required\":true,\"label\":\"Stage\","
    "   \"options\":[{\"value\":\"no\",\"label\":\"No\"},{\"value\":\"yes\",\"label\":\"Yes\"}]},"
    "  {\"id\":\"since\",\"type\":\"number\",\"min\":1990,\"max\":2100,\"required\":true,\"label\":\"Since\","
    "   \"show_if\":{\"question\":\"stage\",\"in\":[\"yes\"]}},"
    "  {\"id\":\"why\",\"type\":\"text\",\"max\":5,\"label\":\"Why\","
    "   \"show_if\":{\"question\":\"since\",\"answered\":true}}]},"
    "{\"id\":\"b\",\"title\":\"B\",\"questions\":["
    "  {\"id\":\"prac\",\"type\":\"multi\",\"dimension\":\"cultural\",\"other\":true,\"label\":\"P\","
    "   \"options\":[{\"value\":\"p1\",\"label\":\"1\"},{\"value\":\"p2\",\"label\":\"2\"},"
    "                {\"value\":\"p3\",\"label\":\"3\"},{\"value\":\"p4\",\"label\":\"4\"}]},"
    "  {\"id\":\"top\",\"type\":\"single\",\"label\":\"Top\",\"options_from\":\"prac\","
    "   \"show_if\":{\"question\":\"prac\",\"answered\":true}},"
    "  {\"id\":\"agree\",\"type\":\"scale\",\"dimension\":\"cultural\",\"required\":true,\"label\":\"Ag\","
    "   \"scale\":[\"1\",\"2\",\"3\",\"4\",\"5\"]}]}]}";

START_TEST(parses_the_real_instrument)
{
	char path[1024], err[256];
	const char *dir = getenv("ILNET_INSTRUMENTS");
	snprintf(path, sizeof path, "%s/regional-scan-v1.json", dir ? dir : "db/instruments");
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	static char json[65536];
	size_t n = fread(json, 1, sizeof json - 1, f);
	json[n] = '\0';
	fclose(f);
	struct instrument *in = survey_parse(json, err, sizeof err);
	ck_assert_msg(in != NULL, "%s", err);
	ck_assert_int_ge(in->nsections, 6);
	/* The seed's six supports, and the three dimensions scored. */
	const struct question *sup = survey_question(in, "supports_needed");
	ck_assert_int_eq(sup->noptions, 6);
	const char *dims[] = { "cultural", "instructional", "career" };
	for (int d = 0; d < 3; d++) {
		int scales = 0;
		for (int i = 0; i < in->nq; i++)
			if (in->q[i].dimension && !strcmp(in->q[i].dimension, dims[d]) && in->q[i].type == Q_SCALE)
				scales++;
		ck_assert_int_eq(scales, 1);
	}
	const struct question *stage = survey_question(in, "stage");
	ck_assert_int_eq(stage->noptions, 5);
	survey_free(in);
}
END_TEST

START_TEST(refuses_malformed_instruments)
{
	char err[256];
	const char *bad[] = {
		"not json",
		"{\"version\":\"x\",\"title\":\"T\",\"sections\":[]}",
		"{\"version\":\"x\",\"title\":\"T\",\"sections\":[{\"id\":\"a\",\"title\":\"A\",\"questions\":["
		"{\"id\":\"q\",\"type\":\"dropdown\",\"label\":\"Q\"}]}]}",
		"{\"version\":\"x\",\"title\":\"T\",\"sections\":[{\"id\":\"a\",\"title\":\"A\",\"questions\":["
		"{\"id\":\"q\",\"type\":\"text\",\"label\":\"Q\"},{\"id\":\"q\",\"type\":\"text\",\"label\":\"Q\"}]}]}",
		"{\"version\":\"x\",\"title\":\"T\",\"sections\":[{\"id\":\"a\",\"title\":\"A\",\"questions\":["
		"{\"id\":\"q\",\"type\":\"text\",\"label\":\"Q\",\"show_if\":{\"question\":\"later\",\"answered\":true}},"
		"{\"id\":\"later\",\"type\":\"text\",\"label\":\"L\"}]}]}",
		"{\"version\":\"x\",\"title\":\"T\",\"sections\":[{\"id\":\"a\",\"title\":\"A\",\"questions\":["
		"{\"id\":\"q\",\"type\":\"single\",\"label\":\"Q\"}]}]}",
		"{\"version\":\"x\",\"title\":\"T\",\"sections\":[{\"id\":\"a\",\"title\":\"A\",\"questions\":["
		"{\"id\":\"Bad Id\",\"type\":\"text\",\"label\":\"Q\"}]}]}",
		NULL,
	};
	for (int i = 0; bad[i]; i++) {
		struct instrument *in = survey_parse(bad[i], err, sizeof err);
		ck_assert_msg(in == NULL, "case %d parsed", i);
		ck_assert(err[0]);
	}
}
END_TEST

static struct instrument *S;

static void post(struct req *r, const char *form)
{
	r->form.n = 0;
	ck_assert_int_eq(form_parse(&r->arena, form, strlen(form), &decode_default_limits, &r->form), 0);
}

START_TEST(skip_logic_chains)
{
	char err[256];
	S = survey_parse(small, err, sizeof err);
	ck_assert_msg(S != NULL, "%s", err);
	struct req *r = test_req_new();
	struct answers a = {0};
	const struct question *since = survey_question(S, "since"), *why = survey_question(S, "why");
	ck_assert(!survey_visible(S, since, &a));
	answers_set(r, &a, "stage", "yes");
	ck_assert(survey_visible(S, since, &a));
	ck_assert(!survey_visible(S, why, &a));
	answers_set(r, &a, "since", "2016");
	ck_assert(survey_visible(S, why, &a));
	/* Changing the first answer hides the whole chain. */
	answers_set(r, &a, "stage", "no");
	ck_assert(!survey_visible(S, since, &a));
	ck_assert(!survey_visible(S, why, &a));
	test_req_free(r);
	survey_free(S);
}
END_TEST

START_TEST(reading_a_section)
{
	char err[256];
	S = survey_parse(small, err, sizeof err);
	struct req *r = test_req_new();
	struct answers a = {0};
	struct form_errors e = {0};
	/* Hidden answers are dropped, even when posted. */
	post(r, "q_stage=no&q_since=2001&q_why=x");
	survey_read_section(r, S, 0, &a, &e, 1, 0);
	ck_assert_int_eq(e.n, 0);
	ck_assert_str_eq(answers_get(&a, "stage"), "no");
	ck_assert_ptr_null(answers_get(&a, "since"));
	ck_assert_ptr_null(answers_get(&a, "why"));
	/* Required when shown; range checked; text length in characters; input kept. */
	post(r, "q_stage=yes&q_since=1890");
	e.n = 0;
	survey_read_section(r, S, 0, &a, &e, 1, 0);
	ck_assert_int_eq(e.n, 1);
	ck_assert_str_eq(e.v[0].field, "q_since");
	ck_assert_str_eq(answers_get(&a, "since"), "1890");
	post(r, "q_stage=yes&q_since=twenty");
	e.n = 0;
	survey_read_section(r, S, 0, &a, &e, 1, 0);
	ck_assert_str_eq(e.v[0].msg, "Enter a whole number, in figures.");
	post(r, "q_stage=yes&q_since=2016&q_why=%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9");
	e.n = 0;
	survey_read_section(r, S, 0, &a, &e, 1, 0);
	ck_assert_int_eq(e.n, 0);                       /* 5 characters, 10 bytes: fits */
	post(r, "q_stage=yes&q_since=2016&q_why=abcdef");
	e.n = 0;
	survey_read_section(r, S, 0, &a, &e, 1, 0);
	ck_assert_int_eq(e.n, 1);
	ck_assert_str_eq(answers_get(&a, "why"), "abcdef");   /* kept, not clipped */
	/* A draft save does not insist on required answers. */
	post(r, "q_stage=");
	e.n = 0;
	survey_read_section(r, S, 0, &a, &e, 0, 0);
	ck_assert_int_eq(e.n, 0);
	e.n = 0;
	survey_read_section(r, S, 0, &a, &e, 1, 0);
	ck_assert_int_eq(e.n, 1);
	/* Choices must be offered ones; "other" needs its text. */
	post(r, "q_prac=p1&q_prac=p9&q_agree=4");
	e.n = 0;
	survey_read_section(r, S, 1, &a, &e, 1, 0);
	ck_assert_int_eq(e.n, 1);
	post(r, "q_prac=p1&q_prac=_other&q_agree=4");
	e.n = 0;
	survey_read_section(r, S, 1, &a, &e, 1, 0);
	ck_assert_int_eq(e.n, 1);
	ck_assert_str_eq(e.v[0].msg, "Say what the other answer is.");
	post(r, "q_prac=p1&q_prac=_other&q_prac_other=Seasonal+camps&q_agree=6");
	e.n = 0;
	survey_read_section(r, S, 1, &a, &e, 1, 0);
	ck_assert_int_eq(e.n, 1);                       /* the scale has 5 points */
	/* options_from: a choice not ticked above is refused (never dropped),
	 * naming the question it draws from; the choice is kept on the form. */
	post(r, "q_prac=p1&q_prac=p3&q_top=p2&q_agree=4");
	e.n = 0;
	survey_read_section(r, S, 1, &a, &e, 1, 0);
	ck_assert_int_eq(e.n, 1);
	ck_assert_str_eq(e.v[0].field, "q_top");
	ck_assert_str_eq(e.v[0].about, "Top");
	ck_assert_str_eq(e.v[0].msg, "Choose one of the answers you ticked for \u201cP\u201d.");
	ck_assert_str_eq(answers_get(&a, "top"), "p2");
	/* The same choice sent twice counts once. */
	post(r, "q_prac=p1&q_prac=p1&q_prac=p1&q_agree=4");
	e.n = 0;
	survey_read_section(r, S, 1, &a, &e, 1, 0);
	ck_assert_str_eq(answers_get(&a, "prac"), "p1");
	post(r, "q_prac=p1&q_prac=p3&q_top=p3&q_agree=4");
	e.n = 0;
	survey_read_section(r, S, 1, &a, &e, 1, 0);
	ck_assert_int_eq(e.n, 0);
	ck_assert_str_eq(answers_get(&a, "prac"), "p1\np3");
	ck_assert(answer_has(answers_get(&a, "prac"), "p3"));
	ck_assert(!answer_has(answers_get(&a, "prac"), "p"));
	test_req_free(r);
	survey_free(S);
}
END_TEST

START_TEST(checking_and_scoring)
{
	char err[256];
	S = survey_parse(small, err, sizeof err);
	struct req *r = test_req_new();
	struct answers a = {0};
	ck_assert_int_eq(survey_check(S, &a), 0);
	answers_set(r, &a, "stage", "yes");
	ck_assert_int_eq(survey_check(S, &a), 0);       /* since is now required */
	answers_set(r, &a, "since", "2015");
	ck_assert_int_eq(survey_check(S, &a), 1);       /* agree, in section b */
	ck_assert_int_eq(survey_score(S, &a, "cultural"), -1);
	answers_set(r, &a, "agree", "5");
	ck_assert_int_eq(survey_check(S, &a), -1);
	/* No practices, full agreement: 50. */
	ck_assert_int_eq(survey_score(S, &a, "cultural"), 50);
	/* Two of four practices and "agree" (4 of 5): 0.5*0.5 + 0.5*0.75 = 62.5 -> 63. */
	answers_set(r, &a, "prac", "p1\np2");
	answers_set(r, &a, "agree", "4");
	ck_assert_int_eq(survey_score(S, &a, "cultural"), 63);
	/* Everything plus an "other": capped at all practices. */
	answers_set(r, &a, "prac", "p1\np2\np3\np4\n_other");
	answers_set(r, &a, "agree", "1");
	ck_assert_int_eq(survey_score(S, &a, "cultural"), 50);
	ck_assert_int_eq(survey_score(S, &a, "career"), -1);
	struct score x;
	ck_assert_int_eq(survey_score_exact(S, &a, "career", &x), -1);
	ck_assert_int_eq(x.den, 0);
	/* Exactly: (4 practices of 4, scale 1 of 5) = (4 * 4 + 4 * 0) / (2 * 4 * 4). */
	ck_assert_int_eq(survey_score_exact(S, &a, "cultural", &x), 0);
	ck_assert_int_eq(x.num, 16);
	ck_assert_int_eq(x.den, 32);
	test_req_free(r);
	survey_free(S);
}
END_TEST

/* Means of exact scores, rounded once: three schools of 12.5, 12.5 and 0
 * (13, 13 and 0 shown alone) average 8.33, shown 8, where their rounded
 * scores averaged 8.67, shown 9; a mean of exactly k + 1/2 goes up. */
START_TEST(means_round_once)
{
	struct score_mean m = {0}, e = {0};
	ck_assert_int_eq(score_mean_rounded(&m), -1);
	ck_assert_int_eq(score_rounded((struct score){ 5, 40 }), 13);           /* 12.5, alone */
	ck_assert_int_eq(score_rounded((struct score){ 0, 0 }), -1);
	ck_assert_int_eq(score_rounded((struct score){ 1, 3 }), 33);
	ck_assert_int_eq(score_mean_add(&m, (struct score){ 5, 40 }), 0);
	ck_assert_int_eq(score_mean_add(&m, (struct score){ 5, 40 }), 0);
	ck_assert_int_eq(score_mean_add(&m, (struct score){ 0, 40 }), 0);
	ck_assert_int_eq(score_mean_add(&m, (struct score){ 0, 0 }), 0);        /* unscored: nothing */
	ck_assert_int_eq(m.n, 3);
	ck_assert_int_eq(score_mean_rounded(&m), 8);
	/* 12.5 and 22.5: 17.5 exactly, half up to 18; 0 and 1/3: 16.67, 17. */
	struct score_mean h = {0}, t = {0};
	score_mean_add(&h, (struct score){ 5, 40 });
	score_mean_add(&h, (struct score){ 9, 40 });
	ck_assert_int_eq(score_mean_rounded(&h), 18);
	/* Different denominators add over their least common multiple. */
	score_mean_add(&t, (struct score){ 0, 40 });
	score_mean_add(&t, (struct score){ 1, 3 });
	ck_assert_int_eq(t.den, 120);
	ck_assert_int_eq(t.sum, 40);
	ck_assert_int_eq(score_mean_rounded(&t), 17);
	/* Compared exactly; an empty mean is never below. */
	ck_assert_int_lt(score_mean_cmp(&m, &h), 0);
	ck_assert_int_gt(score_mean_cmp(&h, &t), 0);
	ck_assert_int_eq(score_mean_cmp(&m, &m), 0);
	ck_assert_int_gt(score_mean_cmp(&e, &m), 0);
	/* A sum beyond 64 bits is refused, not wrapped. */
	struct score_mean big = { 0x7fffffffffffff00LL, 1000003, 1 };
	ck_assert_int_eq(score_mean_add(&big, (struct score){ 1, 1000033 }), -1);
}
END_TEST


/* The rules that keep answers truthful (include/survey.h). */
static const char *rules =
    "{\"version\":\"t2\",\"title\":\"T\",\"sections\":["
    "{\"id\":\"a\",\"title\":\"A\",\"questions\":["
    "  {\"id\":\"sup\",\"type\":\"multi\",\"other\":true,\"label\":\"Supports\","
    "   \"options\":[{\"value\":\"s1\",\"label\":\"One\"},{\"value\":\"s2\",\"label\":\"Two\"},"
    "                {\"value\":\"none\",\"label\":\"None\",\"exclusive\":true}]},"
    "  {\"id\":\"top\",\"type\":\"single\",\"label\":\"Top\",\"options_from\":\"sup\","
    "   \"show_if\":{\"question\":\"sup\",\"answered\":true}},"
    "  {\"id\":\"role\",\"type\":\"single\",\"other\":true,\"shared\":true,\"label\":\"Role\","
    "   \"options\":[{\"value\":\"p\",\"label\":\"Principal\"}]},"
    "  {\"id\":\"since\",\"type\":\"number\",\"min\":1990,\"max\":2100,\"not_after\":\"cycle_year\","
    "   \"label\":\"Since what year?\"},"
    "  {\"id\":\"host\",\"type\":\"single\",\"school_specific\":true,\"label\":\"Host\","
    "   \"options\":[{\"value\":\"yes\",\"label\":\"Yes\"}]},"
    "  {\"id\":\"words\",\"type\":\"text\",\"label\":\"Words\"},"
    "  {\"id\":\"shared_words\",\"type\":\"text\",\"shared\":true,\"label\":\"Shared\"}]}]}";

static struct form_errors read_rules(struct req *r, struct answers *a, const char *form, int year)
{
	struct form_errors e = {0};
	post(r, form);
	*a = (struct answers){0};
	survey_read_section(r, S, 0, a, &e, 1, year);
	return e;
}

START_TEST(none_goes_alone)
{
	char err[256];
	S = survey_parse(rules, err, sizeof err);
	ck_assert_msg(S != NULL, "%s", err);
	struct req *r = test_req_new();
	struct answers a;
	struct form_errors e = read_rules(r, &a, "q_sup=none", 0);
	ck_assert_int_eq(e.n, 0);
	ck_assert_str_eq(answers_get(&a, "sup"), "none");
	/* "Which matters most?" of "none" alone has nothing to offer: hidden, no answer. */
	ck_assert(!survey_visible(S, survey_question(S, "top"), &a));
	e = read_rules(r, &a, "q_sup=s1&q_sup=none", 0);
	ck_assert_int_eq(e.n, 1);
	ck_assert_str_eq(e.v[0].field, "q_sup");
	ck_assert_str_eq(e.v[0].about, "Supports");
	ck_assert_str_eq(e.v[0].msg, "\u201cNone\u201d goes alone: untick it, or untick the other answers.");
	ck_assert_str_eq(answers_get(&a, "sup"), "s1\nnone");      /* kept for the form */
	/* "None" with an other text typed is refused too. */
	e = read_rules(r, &a, "q_sup=none&q_sup_other=Time", 0);
	ck_assert_int_eq(e.n, 1);
	/* "none" is never offered as the most important. */
	e = read_rules(r, &a, "q_sup=s1&q_top=none", 0);
	ck_assert_int_eq(e.n, 1);
	ck_assert_str_eq(e.v[0].field, "q_top");
	ck_assert(survey_option_exclusive(S, survey_question(S, "top"), "none"));
	ck_assert(!survey_option_exclusive(S, survey_question(S, "sup"), "s1"));
	/* The most important on the first pass, beside the answers it draws from. */
	e = read_rules(r, &a, "q_sup=s1&q_sup=s2&q_top=s2", 0);
	ck_assert_int_eq(e.n, 0);
	ck_assert_str_eq(answers_get(&a, "top"), "s2");
	test_req_free(r);
	survey_free(S);
}
END_TEST

START_TEST(start_year_not_after_the_cycle)
{
	char err[256];
	S = survey_parse(rules, err, sizeof err);
	struct req *r = test_req_new();
	struct answers a;
	struct form_errors e = read_rules(r, &a, "q_since=2026", 2025);
	ck_assert_int_eq(e.n, 1);
	ck_assert_str_eq(e.v[0].field, "q_since");
	ck_assert_str_eq(e.v[0].about, "Since what year?");
	ck_assert_str_eq(e.v[0].msg, "Enter a year no later than 2025, the year of this scan.");
	ck_assert_str_eq(answers_get(&a, "since"), "2026");           /* kept */
	e = read_rules(r, &a, "q_since=2025", 2025);
	ck_assert_int_eq(e.n, 0);
	e = read_rules(r, &a, "q_since=2026", 0);                     /* no cycle: the range only */
	ck_assert_int_eq(e.n, 0);
	/* The instrument refuses a limit it does not know. */
	const char *bad = "{\"version\":\"x\",\"title\":\"T\",\"sections\":[{\"id\":\"a\",\"title\":\"A\","
	                  "\"questions\":[{\"id\":\"q\",\"type\":\"number\",\"label\":\"Q\",\"not_after\":\"today\"}]}]}";
	ck_assert_ptr_null(survey_parse(bad, err, sizeof err));
	test_req_free(r);
	survey_free(S);
}
END_TEST

START_TEST(other_text_ticks_other)
{
	char err[256];
	S = survey_parse(rules, err, sizeof err);
	struct req *r = test_req_new();
	struct answers a;
	/* A multiple choice gains Other. */
	struct form_errors e = read_rules(r, &a, "q_sup=s1&q_sup_other=Coaching", 0);
	ck_assert_int_eq(e.n, 0);
	ck_assert_str_eq(answers_get(&a, "sup"), "s1\n_other");
	ck_assert_str_eq(answers_get(&a, "sup.other"), "Coaching");
	e = read_rules(r, &a, "q_sup_other=Coaching", 0);
	ck_assert_int_eq(e.n, 0);
	ck_assert_str_eq(answers_get(&a, "sup"), "_other");
	/* A single choice with nothing chosen takes it. */
	e = read_rules(r, &a, "q_role_other=Dean", 0);
	ck_assert_int_eq(e.n, 0);
	ck_assert_str_eq(answers_get(&a, "role"), "_other");
	ck_assert_str_eq(answers_get(&a, "role.other"), "Dean");
	/* A single choice with another option chosen is refused, both kept. */
	e = read_rules(r, &a, "q_role=p&q_role_other=Dean", 0);
	ck_assert_int_eq(e.n, 1);
	ck_assert_str_eq(e.v[0].field, "q_role");
	ck_assert_str_eq(e.v[0].about, "Role");
	ck_assert_str_eq(answers_get(&a, "role"), "p");
	ck_assert_str_eq(answers_get(&a, "role.other"), "Dean");
	/* Blank other text changes nothing. */
	e = read_rules(r, &a, "q_role=p&q_role_other=+++", 0);
	ck_assert_int_eq(e.n, 0);
	ck_assert_ptr_null(answers_get(&a, "role.other"));
	/* Other ticked and no text: said, on the text box, naming the question. */
	e = read_rules(r, &a, "q_sup=_other", 0);
	ck_assert_int_eq(e.n, 1);
	ck_assert_str_eq(e.v[0].field, "q_sup_other");
	ck_assert_str_eq(e.v[0].about, "Supports");
	test_req_free(r);
	survey_free(S);
}
END_TEST

START_TEST(school_specific_questions)
{
	char err[256];
	S = survey_parse(rules, err, sizeof err);
	ck_assert(survey_school_specific(survey_question(S, "host")));       /* marked */
	ck_assert(survey_school_specific(survey_question(S, "since")));      /* a number */
	ck_assert(survey_school_specific(survey_question(S, "words")));      /* a text */
	ck_assert(!survey_school_specific(survey_question(S, "shared_words")));
	ck_assert(!survey_school_specific(survey_question(S, "sup")));
	ck_assert(!survey_school_specific(survey_question(S, "role")));
	survey_free(S);
}
END_TEST

START_TEST(parses_the_current_instrument)
{
	char path[1024], err[256];
	const char *dir = getenv("ILNET_INSTRUMENTS");
	snprintf(path, sizeof path, "%s/regional-scan-v2.json", dir ? dir : "db/instruments");
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	static char json[65536];
	size_t n = fread(json, 1, sizeof json - 1, f);
	json[n] = '\0';
	fclose(f);
	struct instrument *in = survey_parse(json, err, sizeof err);
	ck_assert_msg(in != NULL, "%s", err);
	const struct question *sup = survey_question(in, "supports_needed");
	ck_assert_int_eq(sup->noptions, 7);
	ck_assert_str_eq(sup->options[6].value, "none");         /* last: v1's bits unchanged */
	ck_assert(sup->options[6].exclusive);
	ck_assert(survey_question(in, "since")->not_after_cycle);
	const char *specific[] = { "years", "community", "since", "story", "connect_host", "challenges_story" };
	for (int i = 0; i < 6; i++)
		ck_assert_msg(survey_school_specific(survey_question(in, specific[i])), "%s", specific[i]);
	const char *copied[] = { "role", "stage", "cultural_practices", "supports_needed", "want_cohort" };
	for (int i = 0; i < 5; i++)
		ck_assert_msg(!survey_school_specific(survey_question(in, copied[i])), "%s", copied[i]);
	survey_free(in);
}
END_TEST

Suite *survey_suite(void)
{
	Suite *s = suite_create("survey");
	TCase *t = tcase_create("survey");
	tcase_add_test(t, parses_the_real_instrument);
	tcase_add_test(t, means_round_once);
	tcase_add_test(t, refuses_malformed_instruments);
	tcase_add_test(t, skip_logic_chains);
	tcase_add_test(t, reading_a_section);
	tcase_add_test(t, checking_and_scoring);
	tcase_add_test(t, none_goes_alone);
	tcase_add_test(t, start_year_not_after_the_cycle);
	tcase_add_test(t, other_text_ticks_other);
	tcase_add_test(t, school_specific_questions);
	tcase_add_test(t, parses_the_current_instrument);
	suite_add_tcase(s, t);
	return s;
}
