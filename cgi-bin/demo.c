/* demo.c — demo region and accounts (see include/demo.h). */
#include "demo.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "mail.h"
#include "money.h"
#include "req.h"
#include "seats.h"
#include "convening.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct {
	const char *email, *name, *role;
} demo_users[] = {
	{ "admin@example.org", "Morgan Lee", "admin" },
	{ "staff@example.org", "Jordan Rivera", "staff" },
	{ "coach@example.org", "Sam Whitehorse", "intermediary" },
	{ "leader@example.org", "Pat Olson", "leader" },
	{ "steward@example.org", "Dana Two Bulls", "steward" },
	{ "host@example.org", "Casey Lindqvist", "leader" },
};

/* A small deterministic generator, so the demo is the same everywhere. */
static unsigned rng_state = 2018;

static unsigned rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static int chance(double p)
{
	return (rnd() % 10000) < (unsigned)(p * 10000);
}

/* Choose each option of a multiple choice with its probability. */
static const char *pick_many(struct req *r, const char *const *opts, const double *p, int n, int at_least_one)
{
	struct buf b = {0};
	for (int i = 0; i < n; i++)
		if (chance(p[i])) {
			if (b.len)
				buf_putc(&b, '\n');
			buf_puts(&b, opts[i]);
		}
	if (!b.len && at_least_one)
		buf_puts(&b, opts[rnd() % (unsigned)n]);
	char *v = b.len ? arena_strdup(&r->arena, b.p) : NULL;
	buf_free(&b);
	return v;
}

static void answer(struct req *r, long long rid, const char *q, const char *v)
{
	if (v)
		db_exec(r, "INSERT INTO answers (response_id, question, value) VALUES (?, ?, ?)", "Itt", rid, q, v);
}

/* The 2018 baseline: about four in five schools answered, a leader often
 * for two or three schools; about two-thirds implementing; cultural
 * relevance the weakest dimension (as the 2018 scan found). */
static void seed_baseline(struct req *r, long long cycle)
{
	if (db_int(r, 0, "SELECT count(*) FROM responses WHERE cycle_id = ?", "I", cycle))
		return;
	static const char *const stages[] = { "not_yet", "exploring", "planning", "some_classrooms", "schoolwide" };
	static const double stage_p[] = { 0.06, 0.14, 0.14, 0.42, 0.24 };
	static const char *const reach[] = { "few", "some", "most", "all" };
	static const char *const cult[] = { "community_curriculum", "native_language", "elders_families",
	                                    "identity_celebrations", "culturally_responsive_training" };
	static const double cult_p[] = { 0.3, 0.12, 0.18, 0.35, 0.25 };
	static const char *const inst[] = { "learning_plans", "competency_based", "student_choice",
	                                    "flexible_pacing", "project_based", "realtime_data" };
	static const double inst_p[] = { 0.55, 0.35, 0.6, 0.5, 0.45, 0.5 };
	static const char *const car[] = { "internships", "career_exploration", "mentors",
	                                   "postsecondary_plans", "credentials" };
	static const double car_p[] = { 0.35, 0.6, 0.35, 0.55, 0.4 };
	static const char *const pl[] = { "plc", "district_pd", "outside_orgs", "conferences", "book_studies", "observing" };
	static const double pl_p[] = { 0.75, 0.6, 0.45, 0.5, 0.35, 0.3 };
	static const char *const sup[] = { "howto", "observe", "community", "assessments", "roles", "autonomy" };
	static const double sup_p[] = { 0.7, 0.6, 0.45, 0.5, 0.35, 0.42 };
	static const char *const chal[] = { "requirements", "time", "funding", "turnover", "understanding",
	                                    "assessment", "technology" };
	static const double chal_p[] = { 0.55, 0.7, 0.5, 0.3, 0.35, 0.4, 0.2 };
	static const char *const yn[] = { "yes", "maybe", "no" };
	static const char *const roles[] = { "principal", "principal", "principal", "assistant", "district", "teacher_leader" };

	sqlite3_stmt *st = db_q(r, "SELECT id FROM schools ORDER BY state_code, city, id", "");
	long long ids[1000];
	int n = 0;
	while (db_step(r, st) && n < 1000)
		ids[n++] = db_col_int(st, 0);
	long long leader = 0;
	int left = 0, leaders = 0;
	for (int i = 0; i < n; i++) {
		if (!chance(0.8))
			continue;
		if (left == 0) {
			leaders++;
			left = 1 + (int)(rnd() % 3);
			db_exec(r, "INSERT INTO users (email, name, role, active) VALUES (?, ?, 'leader', 0)", "tt",
			        arena_printf(&r->arena, "baseline-%03d@example.org", leaders),
			        arena_printf(&r->arena, "2018 respondent %d", leaders));
			leader = db_last_id(r);
		}
		left--;
		db_exec(r, "INSERT INTO user_schools (user_id, school_id) VALUES (?, ?)", "II", leader, ids[i]);
		long long at = 1522000000 + (long long)(rnd() % 5000000);
		db_exec(r, "INSERT INTO responses (cycle_id, school_id, status, section, started_by, started_at,"
		           " updated_at, submitted_at, submitted_by) VALUES (?, ?, 'submitted', 'network', ?, ?, ?, ?, ?)",
		        "IIIIIII", cycle, ids[i], leader, at - 86400, at, at, leader);
		long long rid = db_last_id(r);
		double u = (rnd() % 10000) / 10000.0, acc = 0;
		int sg = 0;
		for (; sg < 4; sg++) {
			acc += stage_p[sg];
			if (u < acc)
				break;
		}
		int implementing = sg >= 3;
		answer(r, rid, "role", roles[rnd() % 6]);
		answer(r, rid, "years", arena_printf(&r->arena, "%u", 1 + rnd() % 15));
		answer(r, rid, "fam_individualized", arena_printf(&r->arena, "%u", 3 + rnd() % 3));
		answer(r, rid, "fam_personalized", arena_printf(&r->arena, "%u", 3 + rnd() % 3));
		answer(r, rid, "fam_student_centered", arena_printf(&r->arena, "%u", 2 + rnd() % 4));
		answer(r, rid, "stage", stages[sg]);
		if (implementing) {
			answer(r, rid, "since", arena_printf(&r->arena, "%u", 2008 + rnd() % 11));
			answer(r, rid, "reach", reach[sg == 4 ? 2 + rnd() % 2 : rnd() % 3]);
		}
		double boost = implementing ? 1.0 : 0.6;
		double cp[5], ip[6], kp[5];
		for (int k = 0; k < 5; k++) cp[k] = cult_p[k] * boost;
		for (int k = 0; k < 6; k++) ip[k] = inst_p[k] * boost;
		for (int k = 0; k < 5; k++) kp[k] = car_p[k] * boost;
		answer(r, rid, "cultural_practices", pick_many(r, cult, cp, 5, 0));
		answer(r, rid, "cultural_agree", arena_printf(&r->arena, "%u", 2 + rnd() % 3));
		answer(r, rid, "instructional_practices", pick_many(r, inst, ip, 6, 0));
		answer(r, rid, "instructional_agree", arena_printf(&r->arena, "%u", 3 + rnd() % 3));
		answer(r, rid, "career_practices", pick_many(r, car, kp, 5, 0));
		answer(r, rid, "career_agree", arena_printf(&r->arena, "%u", 3 + rnd() % 2 + (chance(0.3) ? 1 : 0)));
		answer(r, rid, "pl_used", pick_many(r, pl, pl_p, 6, 1));
		const char *needs = pick_many(r, sup, sup_p, 6, 1);
		answer(r, rid, "supports_needed", needs);
		char *first = arena_strndup(&r->arena, needs, strcspn(needs, "\n"));
		answer(r, rid, "support_top", first);
		answer(r, rid, "challenges", pick_many(r, chal, chal_p, 7, 1));
		answer(r, rid, "want_cohort", yn[rnd() % 3]);
		answer(r, rid, "want_convening", yn[rnd() % 2]);
		answer(r, rid, "connect_host", yn[implementing ? rnd() % 2 : 1 + rnd() % 2]);
		answer(r, rid, "connect_visit", yn[rnd() % 2]);
		db_exec(r, "INSERT INTO response_events (response_id, at, user_id, action, detail) VALUES (?, ?, ?,"
		           " 'submitted', 'baseline')", "III", rid, at, leader);
	}
}

/* Equip: an active grant per organization serving the schools it is linked
 * to, a payment schedule and reports around today, one proposed and one
 * closed grant, and a term of visits logged by the first organization. */
static void seed_equip(struct req *r)
{
	if (db_int(r, 0, "SELECT count(*) FROM grants", ""))
		return;
	char today[11], start[11], end[11], d[11], p0[11], p1[11];
	date_today(today);
	date_add(today, -200, start);
	date_add(today, 530, end);
	static const char *const acts[] = { "redesign\nleadership", "engagement\nstaff_pd", "leadership\nstaff_pd",
	                                    "redesign\nengagement", "staff_pd", "leadership\nengagement" };
	sqlite3_stmt *st = db_q(r, "SELECT id, name FROM organizations ORDER BY id", "");
	long long orgs[16];
	const char *names[16];
	int n = 0;
	while (db_step(r, st) && n < 16) {
		orgs[n] = db_col_int(st, 0);
		names[n] = db_col_text(r, st, 1);
		n++;
	}
	for (int i = 0; i < n; i++) {
		long long amount = (150000 + 25000 * i) * 100LL;
		db_exec(r, "INSERT INTO grants (org_id, title, purpose, activities, stage, amount_cents, start_date, end_date)"
		           " VALUES (?, ?, ?, ?, 'active', ?, ?, ?)", "ItttItt", orgs[i],
		        arena_printf(&r->arena, "%s: individualized learning coaching", names[i]),
		        "Build schools' capacity to individualize learning across the three dimensions of relevance.",
		        acts[i % 6], amount, start, end);
		long long g = db_last_id(r);
		db_exec(r, "INSERT INTO grant_schools (grant_id, school_id, from_date) SELECT ?, school_id, ?"
		           " FROM org_schools WHERE org_id = ?", "ItI", g, start, orgs[i]);
		/* Four payments: two paid, one due soon, one later; 10% left unscheduled. */
		long long part = amount * 9 / 10 / 4;
		date_add(today, -190, d);
		db_exec(r, "INSERT INTO grant_payments (grant_id, due_date, amount_cents, status, paid_on)"
		           " VALUES (?, ?, ?, 'paid', ?)", "ItIt", g, d, part, d);
		date_add(today, -10, d);
		db_exec(r, "INSERT INTO grant_payments (grant_id, due_date, amount_cents, status, paid_on)"
		           " VALUES (?, ?, ?, 'paid', ?)", "ItIt", g, d, part, d);
		date_add(today, 12 + i, d);
		db_exec(r, "INSERT INTO grant_payments (grant_id, due_date, amount_cents) VALUES (?, ?, ?)", "ItI", g, d, part);
		date_add(today, 190, d);
		db_exec(r, "INSERT INTO grant_payments (grant_id, due_date, amount_cents) VALUES (?, ?, ?)", "ItI", g, d, part);
		/* Reports: one approved, one due now (overdue for some), the final one. */
		date_add(today, -110, p0);
		date_add(today, -95, d);
		db_exec(r, "INSERT INTO grant_reports (grant_id, title, period_start, period_end, due_date, status, body,"
		           " submitted_at, decided_at) VALUES (?, 'First progress report', ?, ?, ?, 'approved',"
		           " 'Coaching began in every school on the roster.', unixepoch() - 90 * 86400,"
		           " unixepoch() - 80 * 86400)", "Ittt", g, start, p0, d);
		date_add(p0, 1, p1);
		date_add(today, -1, d);
		char due[11];
		date_add(today, i % 2 ? -5 : 9, due);
		db_exec(r, "INSERT INTO grant_reports (grant_id, title, period_start, period_end, due_date)"
		           " VALUES (?, 'Second progress report', ?, ?, ?)", "Ittt", g, p1, d, due);
		date_add(end, 30, d);
		db_exec(r, "INSERT INTO grant_reports (grant_id, title, period_start, period_end, due_date, is_final)"
		           " VALUES (?, 'Final report', ?, ?, ?, 1)", "Ittt", g, start, end, d);
		db_exec(r, "INSERT INTO grant_events (grant_id, action, detail) VALUES (?, 'created', 'demo data')", "I", g);
	}
	if (n >= 2) {
		db_exec(r, "INSERT INTO grants (org_id, title, purpose, activities, stage, amount_cents, start_date, end_date)"
		           " VALUES (?, 'Community engagement pilot', 'Family and tribal community partnerships.',"
		           " 'engagement', 'proposed', 8000000, ?, ?)", "Itt", orgs[1], today, end);
		date_add(today, -900, d);
		date_add(today, -300, p0);
		db_exec(r, "INSERT INTO grants (org_id, title, purpose, activities, stage, amount_cents, start_date, end_date)"
		           " VALUES (?, 'Planning grant', 'Redesign planning with two schools.', 'redesign', 'closed',"
		           " 4000000, ?, ?)", "Itt", orgs[0], d, p0);
	}
	/* A term of visits by the first organization's coach. */
	long long coach = db_int(r, 0, "SELECT id FROM users WHERE role = 'intermediary' ORDER BY id LIMIT 1", "");
	static const char *const kinds[] = { "leadership", "staff_pd", "redesign", "engagement" };
	static const char *const dimsets[] = { "instructional", "cultural\ninstructional", "career", "cultural" };
	st = db_q(r, "SELECT gs.school_id, s.tz FROM grant_schools gs JOIN schools s ON s.id = gs.school_id"
	             " JOIN grants g ON g.id = gs.grant_id WHERE g.org_id = ? AND g.stage = 'active'"
	             " ORDER BY gs.school_id", "I", n ? orgs[0] : 0);
	long long schools[32];
	const char *tzs[32];
	int ns = 0;
	while (db_step(r, st) && ns < 32) {
		schools[ns] = db_col_int(st, 0);
		tzs[ns] = db_col_text(r, st, 1);
		ns++;
	}
	for (int i = 0; i < ns - 2; i++)         /* the last two go unvisited */
		for (int k = 0; k < 3; k++) {
			date_add(today, -(long)(150 - 40 * k - i * 3), d);
			long long at;
			if (!local_to_utc(d, "09:30", tzs[i], &at))
				continue;
			db_exec(r, "INSERT INTO visits (org_id, school_id, starts_at, local_date, minutes, mode, activity,"
			           " dimensions, participants, notes, next_steps, logged_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
			           " 'teachers=6\nleaders=1', 'Observed advisory and planned the next cycle with the team.',"
			           " 'Co-plan one unit with students choosing their projects.', ?)",
			        "IIItittt" "I", orgs[0], schools[i], at, d, 60 + 30 * (k % 3), k == 1 ? "remote" : "onsite",
			        kinds[(i + k) % 4], dimsets[(i + k) % 4], coach);
		}
	/* Records corrected, with their history: the coach's latest visit
	 * was first logged as half as long; paid payments carry a reference. */
	long long last = db_int(r, 0, "SELECT max(id) FROM visits WHERE logged_by = ?", "I", coach);
	if (last) {
		db_exec(r, "INSERT INTO visit_changes (visit_id, org_id, school_id, user_id, action, field, old_value, new_value)"
		           " SELECT id, org_id, school_id, logged_by, 'edited', 'minutes', minutes / 2, minutes FROM visits"
		           " WHERE id = ?", "I", last);
	}
	db_exec(r, "UPDATE grant_payments SET paid_ref = 'ACH-' || (4100 + id) WHERE status = 'paid'", "");
}

/* Connect: the host's schools offer site visits over the coming weeks,
 * one confirming requests at once, the other by the host. */
static void seed_connect(struct req *r)
{
	long long host = db_int(r, 0, "SELECT id FROM users WHERE email = 'host@example.org'", "");
	if (!host || db_int(r, 0, "SELECT count(*) FROM opportunities", ""))
		return;
	sqlite3_stmt *st = db_q(r, "SELECT s.id, s.tz FROM user_schools us JOIN schools s ON s.id = us.school_id"
	                           " WHERE us.user_id = ? ORDER BY s.tz DESC", "I", host);
	long long schools[2];
	const char *tzs[2];
	int ns = 0;
	while (db_step(r, st))
		if (ns < 2) {
			schools[ns] = db_col_int(st, 0);
			tzs[ns] = db_col_text(r, st, 1);
			ns++;
		}
	static const char *const dims[] = { "instructional", "cultural\ncareer", "career", "instructional\ncultural" };
	static const char *const practices[] = { "learning_plans\nflexible_pacing", "elders_families\ninternships",
	                                         "internships\nmentors", "competency_based\ncommunity_curriculum" };
	char today[11], d[11];
	date_today_local(today);
	for (int i = 0; i < ns; i++)
		for (int k = 0; k < 4; k++) {
			date_add(today, 9 + 7 * k + 2 * i, d);
			long long at;
			if (!local_to_utc(d, "09:00", tzs[i], &at))
				continue;
			db_exec(r, "INSERT INTO opportunities (school_id, created_by, local_date, local_time, tz, starts_at,"
			           " minutes, seats, dimensions, practices, grades, expect, arrive, access, confirm)"
			           " VALUES (?, ?, ?, '09:00', ?, ?, 150, ?, ?, ?, 'K-8', ?, ?, ?, ?)",
			        "IIttIi" "tttttt", schools[i], host, d, tzs[i], at, 4 + 2 * k, dims[k], practices[k],
			        "Two classrooms in the morning block, then a conversation with teachers and students"
			        " over lunch.", "Park by the gym and sign in at the front office.",
			        "The building is on one level; a quiet room is available.", i ? "host" : "auto");
		}
	/* Two requests, made as people make them (seats.c): the demo leader's,
	 * confirmed at once, and the coach's for a school it serves, waiting
	 * for the host. */
	long long first = db_int(r, 0, "SELECT min(id) FROM opportunities", "");
	struct { const char *email, *opp_sql, *school_sql; } ask[] = {
		{ "leader@example.org", "SELECT min(id) FROM opportunities WHERE confirm = 'auto'",
		  "SELECT min(school_id) FROM user_schools WHERE user_id = ?" },
		{ "coach@example.org", "SELECT min(id) FROM opportunities WHERE confirm = 'host'",
		  "SELECT min(gs.school_id) FROM grant_schools gs JOIN grants g ON g.id = gs.grant_id JOIN schools s"
		  " ON s.id = gs.school_id WHERE g.org_id = (SELECT org_id FROM users WHERE id = ?) AND g.stage = 'active'"
		  " AND s.sharing = 'network'" },
	};
	for (size_t k = 0; first && k < sizeof ask / sizeof ask[0]; k++) {
		struct user u = { .role = k ? ROLE_INTERMEDIARY : ROLE_LEADER, .email = ask[k].email, .name = "" };
		u.id = db_int(r, 0, "SELECT id FROM users WHERE email = ?", "t", ask[k].email);
		u.org_id = db_int(r, 0, "SELECT coalesce(org_id, 0) FROM users WHERE id = ?", "I", u.id);
		long long school = u.id ? db_int(r, 0, ask[k].school_sql, "I", u.id) : 0;
		struct opp o;
		long long id;
		if (!school || !seats_opp(r, db_int(r, 0, ask[k].opp_sql, ""), &o))
			continue;
		r->user = &u;
		seats_request(r, &o, school, 2, k ? "Sam Whitehorse\nA teacher from the school" : "Pat Olson\nA teacher",
		              k ? "We coach this school on student choice." : "", 0, &id);
		r->user = NULL;
	}
}

/* Inspire: the convening three weeks ahead (this year's, most of the
 * year), with sessions; the coach's and the demo leader's parties fill the
 * cultural-relevance breakout, so a third party (a baseline leader's)
 * waits on its waitlist.  The host has not registered: they can, as a
 * leader would. */
static void seed_convening(struct req *r)
{
	long long staff = db_int(r, 0, "SELECT id FROM users WHERE email = 'staff@example.org'", "");
	if (!staff || db_int(r, 0, "SELECT count(*) FROM convenings", ""))
		return;
	char today[11], first[11], last[11], opens[11], closes[11];
	date_today_local(today);
	date_add(today, 21, first);
	date_add(today, 22, last);
	date_add(today, -14, opens);
	date_add(today, 19, closes);
	db_exec(r, "INSERT INTO convenings (year, title, place, address, tz, first_day, last_day, day_start, day_end,"
	           " capacity, opens_on, closes_on, offer_hours, about, created_by)"
	           " VALUES (?, 'Regional Convening on Individualized Learning', 'Bemidji State University',"
	           " '1500 Birchmont Dr NE, Bemidji, MN', 'America/Chicago', ?, ?, '09:00', '16:30', 60, ?, ?, 48,"
	           " 'Two days of learning together across Minnesota, North Dakota, South Dakota and the Native nations"
	           " that share the region: school visits in story, breakouts by dimension of relevance, and time to"
	           " plan with your team.', ?)", "ittttI", atoi(first), first, last, opens, closes, staff);
	struct convening c;
	if (!convening_load(r, atoi(first), &c))
		return;
	static const struct { const char *title, *starts, *room; int day, minutes, capacity; } sessions[] = {
		{ "Opening: students at the center", "09:00", "Main hall", 0, 90, 60 },
		{ "Cultural relevance: learning with elders and families", "10:45", "Room 104", 0, 75, 4 },
		{ "Career relevance: internships and mentors", "10:45", "Room 210", 0, 75, 25 },
		{ "Instructional relevance: flexible pacing", "13:30", "Room 115", 0, 90, 25 },
		{ "Planning time with your team", "09:00", "Main hall", 1, 120, 60 },
	};
	for (size_t i = 0; i < sizeof sessions / sizeof sessions[0]; i++)
		db_exec(r, "INSERT INTO convening_sessions (convening_id, title, day, starts, minutes, room, capacity)"
		        " VALUES (?, ?, ?, ?, ?, ?, ?)", "Itttiti", c.id, sessions[i].title, sessions[i].day ? last : first,
		        sessions[i].starts, sessions[i].minutes, sessions[i].room, sessions[i].capacity);
	long long cultural = db_int(r, 0, "SELECT id FROM convening_sessions WHERE convening_id = ? AND room = 'Room 104'",
	                            "I", c.id);
	long long opening = db_int(r, 0, "SELECT min(id) FROM convening_sessions WHERE convening_id = ?", "I", c.id);
	struct { const char *who; const char *school_sql; struct party_person p[3]; int n; } parties[] = {
		{ "SELECT id FROM users WHERE email = 'coach@example.org'", NULL,
		  { { "Sam Whitehorse", "Leadership coach", "", "Vegetarian" }, { "Ada Benson", "Coach", "", "" } }, 2 },
		{ "SELECT id FROM users WHERE email = 'leader@example.org'",
		  "SELECT min(school_id) FROM user_schools WHERE user_id = ?",
		  { { "Pat Olson", "Principal", "Step-free access", "" }, { "Rae Dahl", "Teacher", "", "No nuts" } }, 2 },
		{ "SELECT min(u.id) FROM users u JOIN user_schools us ON us.user_id = u.id JOIN schools s ON s.id = us.school_id"
		  " WHERE u.role = 'leader' AND u.email LIKE 'baseline-%' AND s.sharing = 'network'",
		  "SELECT min(us.school_id) FROM user_schools us JOIN schools s ON s.id = us.school_id WHERE us.user_id = ?"
		  " AND s.sharing = 'network'",
		  { { "Lee Thunder", "Principal", "", "" }, { "Mo Olsen", "Teacher", "Large print", "" },
		    { "Kit Berg", "Counselor", "", "Gluten-free" } }, 3 },
	};
	for (size_t k = 0; k < sizeof parties / sizeof parties[0]; k++) {
		struct user u = { .role = ROLE_LEADER, .name = "" };
		u.id = db_int(r, 0, parties[k].who, "");
		if (!u.id)
			continue;
		u.org_id = db_int(r, 0, "SELECT coalesce(org_id, 0) FROM users WHERE id = ?", "I", u.id);
		long long school = parties[k].school_sql ? db_int(r, 0, parties[k].school_sql, "I", u.id) : 0;
		long long chosen[2] = { opening, cultural }, id;
		r->user = &u;
		convening_register(r, &c, school, parties[k].p, parties[k].n, chosen, 2, "", 1, &id);
		r->user = NULL;
	}
}

/* Inspire: two cohorts of this year, each with sessions before and after
 * today, members and the attendance of the sessions held.  The demo
 * leader takes part in the first (facilitated by the coach), the host in
 * the second (facilitated by foundation staff, one session in Mountain
 * time), which also counts a nation's private school among its members:
 * staff never see it named. */
static void seed_cohorts(struct req *r)
{
	if (db_int(r, 0, "SELECT count(*) FROM cohorts", ""))
		return;
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	char today[11], d[11];
	date_today_local(today);
	static const struct {
		const char *name, *theme, *dims, *facilitator, *leader;
		int days[3];
		const char *time, *tz[3], *place;
	} cohorts[] = {
		{ "Student voice in learning plans",
		  "How students set their own goals and show what they learned, in small rural schools.",
		  "instructional\ncultural", "coach@example.org", "leader@example.org", { -42, -14, 21 }, "15:30",
		  { "America/Chicago", "America/Chicago", "America/Chicago" }, "Bemidji State University, Hobson Union" },
		{ "Careers close to home",
		  "Internships, mentors and credentials with employers in the community.",
		  "career", "staff@example.org", "host@example.org", { -28, 14, 42 }, "09:00",
		  { "America/Chicago", "America/Denver", "America/Chicago" }, "Bismarck State College" },
	};
	for (size_t c = 0; c < sizeof cohorts / sizeof cohorts[0]; c++) {
		db_exec(r, "INSERT INTO cohorts (name, year, theme, dimensions, facilitator_id, created_by) VALUES (?, ?, ?, ?,"
		           " (SELECT id FROM users WHERE email = ?), (SELECT id FROM users WHERE email = 'staff@example.org'))",
		        "titt" "t", cohorts[c].name, tm.tm_year + 1900, cohorts[c].theme, cohorts[c].dims, cohorts[c].facilitator);
		long long id = db_last_id(r);
		for (int k = 0; k < 3; k++) {
			date_add(today, cohorts[c].days[k], d);
			long long at;
			if (!local_to_utc(d, cohorts[c].time, cohorts[c].tz[k], &at))
				continue;
			db_exec(r, "INSERT INTO cohort_sessions (cohort_id, local_date, local_time, tz, starts_at, minutes, place,"
			           " online_url, agenda) VALUES (?, ?, ?, ?, ?, 150, ?, ?, ?)", "ItttItt" "t", id, d, cohorts[c].time,
			        cohorts[c].tz[k], at, k == 1 ? "" : cohorts[c].place, k == 1 ? "https://meet.example.org/inspire" : "",
			        k == 0 ? "Welcome and introductions.\nEach school shares one practice it wants to grow."
			               : k == 1 ? "Bring one piece of student work; protocol for looking at it together."
			                        : "School teams plan their next step and name a partner school to visit.");
		}
		/* The leader for their first school, then schools of the network
		 * whose leaders (the 2018 respondents) take part for them. */
		db_exec(r, "INSERT INTO cohort_members (cohort_id, school_id, user_id, added_by) SELECT ?, min(us.school_id),"
		           " u.id, u.id FROM users u JOIN user_schools us ON us.user_id = u.id WHERE u.email = ? GROUP BY u.id",
		        "It", id, cohorts[c].leader);
		db_exec(r, "INSERT INTO cohort_members (cohort_id, school_id) SELECT ?, id FROM schools WHERE sharing = 'network'"
		           " AND id NOT IN (SELECT school_id FROM cohort_members WHERE school_id IS NOT NULL)"
		           " AND id NOT IN (SELECT us.school_id FROM user_schools us JOIN users u ON u.id = us.user_id"
		           "   WHERE u.active = 1)"
		           " AND state_code = ? ORDER BY id LIMIT 5", "It", id, c ? "ND" : "MN");
		if (c)
			db_exec(r, "INSERT INTO cohort_members (cohort_id, school_id) SELECT ?, min(id) FROM schools"
			           " WHERE sharing = 'private' AND nation_id = (SELECT nation_id FROM users"
			           "   WHERE email = 'steward@example.org')", "I", id);
		/* Attendance of the sessions held: most members at each. */
		db_exec(r, "INSERT INTO cohort_attendance (session_id, member_id, marked_by)"
		           " SELECT x.id, m.id, (SELECT facilitator_id FROM cohorts WHERE id = x.cohort_id)"
		           "  FROM cohort_sessions x JOIN cohort_members m ON m.cohort_id = x.cohort_id"
		           " WHERE x.cohort_id = ? AND x.starts_at < unixepoch() AND (m.id + x.id) % 4 <> 0", "I", id);
	}
}

static int seed(struct req *r, const char *password)
{
	const char *problem = auth_password_problem(password);
	if (problem) {
		fprintf(stderr, "ilnet demo: ILNET_DEMO_PASSWORD: %s\n", problem);
		return 1;
	}
	char hash[AUTH_HASH_MAX];
	int hashed = 0;
	db_begin(r);
	for (size_t i = 0; i < sizeof demo_users / sizeof demo_users[0]; i++) {
		if (db_int(r, 0, "SELECT id FROM users WHERE email = ?", "t", demo_users[i].email))
			continue;
		if (!hashed) {
			if (auth_hash_password(password, hash) != 0) {
				fprintf(stderr, "ilnet demo: could not hash the password\n");
				return 1;
			}
			hashed = 1;
		}
		const char *role = demo_users[i].role;
		/* The coach works for the first organization; the steward for the
		 * nation with the most schools in the demo region. */
		long long org = !strcmp(role, "intermediary") ?
		    db_int(r, 0, "SELECT min(id) FROM organizations", "") : 0;
		long long nation = !strcmp(role, "steward") ?
		    db_int(r, 0, "SELECT nation_id FROM schools WHERE nation_id IS NOT NULL"
		                 " GROUP BY nation_id ORDER BY count(*) DESC, nation_id LIMIT 1", "") : 0;
		db_exec(r, "INSERT INTO users (email, name, role, pw_hash, org_id, nation_id,"
		           " pw_changed_at) VALUES (?, ?, ?, ?, nullif(?, 0), nullif(?, 0), unixepoch())",
		        "ttttII", demo_users[i].email, demo_users[i].name, role, hash, org, nation);
		long long uid = db_last_id(r);
		if (!strcmp(demo_users[i].email, "leader@example.org"))
			/* Three small rural schools in one Minnesota town or nearby. */
			db_exec(r, "INSERT INTO user_schools (user_id, school_id)"
			           " SELECT ?, id FROM schools WHERE state_code = 'MN'"
			           " AND type = 'small_rural' AND nation_id IS NULL"
			           " ORDER BY city, id LIMIT 3", "I", uid);
		else if (!strcmp(role, "leader"))
			/* Two schools that host site visits: one in Mountain time,
			 * one in Central, so times show in two zones. */
			db_exec(r, "INSERT INTO user_schools (user_id, school_id)"
			           " SELECT ?, id FROM (SELECT min(id) AS id FROM schools WHERE nation_id IS NULL"
			           "   AND sharing = 'network' AND id NOT IN (SELECT school_id FROM user_schools) GROUP BY tz)"
			           " ORDER BY id", "I", uid);
	}
	/* The 2018 baseline (closed) and this year's scan (open). */
	long long inst = db_int(r, 0, "SELECT id FROM instruments WHERE version = 'regional-scan-v1'", "");
	if (inst) {
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		db_exec(r, "INSERT OR IGNORE INTO scan_cycles (year, instrument_id, status, opened_at, closed_at)"
		           " VALUES (2018, ?, 'closed', 1520000000, 1530000000)", "I", inst);
		/* This year's asks the current version ("none" among the
		 * supports, a start year no later than the scan's). */
		long long cur = db_int(r, inst, "SELECT id FROM instruments WHERE version = 'regional-scan-v2'", "");
		db_exec(r, "INSERT OR IGNORE INTO scan_cycles (year, instrument_id, status, opened_at)"
		           " VALUES (?, ?, 'open', unixepoch())", "iI", tm.tm_year + 1900, cur);
		/* Its season: opened a week ago, due in three weeks, reminded 14
		 * and 3 days before. */
		db_exec(r, "UPDATE scan_cycles SET opens_on = date(opened_at, 'unixepoch', '-7 days'),"
		           " deadline = date(opened_at, 'unixepoch', '+21 days'), reminder_days = '14,3'"
		           " WHERE year = ? AND deadline IS NULL AND status = 'open'", "i", tm.tm_year + 1900);
		seed_baseline(r, db_int(r, 0, "SELECT id FROM scan_cycles WHERE year = 2018", ""));
	}
	seed_equip(r);
	seed_connect(r);
	seed_convening(r);
	seed_cohorts(r);
	db_commit(r);
	return 0;
}

int demo_seed(sqlite3 *db, const char *region_sql, const char *password)
{
	char err[512];
	sqlite3_stmt *st;
	int have = 0;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM schools", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			have = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	if (!have && db_exec_file(db, region_sql, err, sizeof err) != 0) {
		fprintf(stderr, "ilnet demo: %s\n", err);
		return 1;
	}
	struct req r;
	req_init(&r, db);
	jmp_buf jb;
	r.fail_jmp = &jb;
	int rc;
	if (setjmp(jb)) {
		fprintf(stderr, "ilnet demo: %s\n", r.fail_msg);
		rc = 1;
	} else {
		rc = seed(&r, password);
	}
	db_request_done(db);
	arena_free(&r.arena);
	buf_free(&r.body);
	return rc;
}

/* Create an administrator who sets a password through a one-time link,
 * printed on standard output (and mailed when ILNET_SMTP_URL is set and
 * the sender runs).  For a new deployment's first account. */
static const char *g_email, *g_name;
static const char *g_link;

static void add_admin(struct req *r)
{
	db_begin(r);
	if (db_int(r, 0, "SELECT id FROM users WHERE email = ?", "t", g_email))
		req_fail(r, 409, "someone with this email address is already in ilnet");
	db_exec(r, "INSERT INTO users (email, name, role) VALUES (?, ?, 'admin')", "tt",
	        g_email, g_name);
	long long uid = db_last_id(r);
	const char *tok = auth_token_issue(r, uid, "invite", 7 * 24 * 3600, 0);
	g_link = arena_printf(&r->arena, "%s/invite?t=%s", mail_base_url(), tok);
	mail_queue(r, g_email, "You are invited to ilnet",
	           arena_printf(&r->arena, "Hello %s,\n\nChoose your ilnet password here (the link"
	                        " works for seven days):\n%s\n", g_name, g_link));
	db_exec(r, "INSERT INTO audit (action, detail) VALUES ('admin-created', ?)", "t", g_email);
	db_commit(r);
}

int demo_add_admin(sqlite3 *db, const char *email, const char *name)
{
	if (!mail_address_ok(email) || !name || !*name || strlen(name) > 120) {
		fprintf(stderr, "ilnet: usage: ilnet add-admin EMAIL \"FULL NAME\"\n");
		return 2;
	}
	struct req r;
	req_init(&r, db);
	jmp_buf jb;
	r.fail_jmp = &jb;
	g_email = email;
	g_name = name;
	int rc = 0;
	if (setjmp(jb)) {
		fprintf(stderr, "ilnet add-admin: %s\n", r.fail_msg);
		rc = 1;
	} else {
		add_admin(&r);
		printf("Administrator %s added. They choose a password here:\n%s\n", email, g_link);
	}
	db_request_done(db);
	arena_free(&r.arena);
	buf_free(&r.body);
	return rc;
}
