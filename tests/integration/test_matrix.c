/* test_matrix.c — the visibility policy against every reader and every
 * output: for each role (the administrator included) and every GET route
 * in cgi-bin/routes.c — read from the file, so a new route is covered the
 * day it is added — with its {id}s filled from ids that lead to private
 * schools, no page, CSV or JSON names a private school the reader may not
 * see.  Which schools each reader may not see is stated here in SQL, apart
 * from policy.c, as the rule's second statement. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_ROUTES 256
#define MAX_NAMES 512

struct reader {
	const char *email;
	const char *hidden_sql;     /* names of private schools this reader may not see */
};

static const struct reader readers[] = {
	{ "admin@example.org", "SELECT name FROM schools WHERE sharing = 'private'" },
	{ "staff@example.org", "SELECT name FROM schools WHERE sharing = 'private'" },
	{ "coach@example.org",
	  "SELECT s.name FROM schools s WHERE s.sharing = 'private' AND NOT (EXISTS (SELECT 1 FROM grant_schools gs"
	  " JOIN grants g ON g.id = gs.grant_id WHERE gs.school_id = s.id AND g.stage = 'active'"
	  " AND g.org_id = (SELECT org_id FROM users WHERE email = 'coach@example.org')) AND EXISTS (SELECT 1"
	  " FROM school_consent c WHERE c.school_id = s.id AND c.use_name = 'intermediary_profile'"
	  " AND c.value = 'allowed'))" },
	{ "leader@example.org",
	  "SELECT s.name FROM schools s WHERE s.sharing = 'private' AND s.id NOT IN (SELECT school_id FROM"
	  " user_schools WHERE user_id = (SELECT id FROM users WHERE email = 'leader@example.org'))" },
	{ "host@example.org",
	  "SELECT s.name FROM schools s WHERE s.sharing = 'private' AND s.id NOT IN (SELECT school_id FROM"
	  " user_schools WHERE user_id = (SELECT id FROM users WHERE email = 'host@example.org'))" },
	{ "steward@example.org",
	  "SELECT s.name FROM schools s WHERE s.sharing = 'private' AND s.nation_id IS NOT"
	  " (SELECT nation_id FROM users WHERE email = 'steward@example.org')" },
};

/* Every GET route's pattern, from routes.c. */
static int read_routes(char out[][128])
{
	char path[512];
	snprintf(path, sizeof path, "%s/cgi-bin/routes.c", getenv("ILNET_ROOT"));
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	char line[512];
	int n = 0;
	while (fgets(line, sizeof line, f) && n < MAX_ROUTES) {
		const char *p = strstr(line, "{ \"GET\",");
		if (!p)
			continue;
		p = strchr(p + 8, '"');
		const char *q = p ? strchr(p + 1, '"') : NULL;
		if (!q || q - p - 1 >= 128)
			continue;
		snprintf(out[n++], 128, "%.*s", (int)(q - p - 1), p + 1);
	}
	fclose(f);
	return n;
}

/* All rows of a one-column query, up to max. */
static int rows_of(const char *sql, char **out, int max)
{
	int n = 0;
	for (; n < max; n++) {
		char q[1024];
		snprintf(q, sizeof q, "%s LIMIT 1 OFFSET %d", sql, n);
		out[n] = db_value(q);
		if (!out[n])
			break;
	}
	return n;
}

/* pattern with each {id} replaced by ids[k] for the k-th {id}. */
static void fill(const char *pattern, const char *const *ids, char *out, size_t len)
{
	size_t j = 0;
	int k = 0;
	for (const char *p = pattern; *p && j + 24 < len;) {
		if (!strncmp(p, "{id}", 4)) {
			j += (size_t)snprintf(out + j, len - j, "%s", ids[k++]);
			p += 4;
		} else {
			out[j++] = *p++;
		}
	}
	out[j] = '\0';
}

/* The name as a page, a CSV or JSON could carry it. */
static int names_school(const struct resp *r, const char *name)
{
	if (strstr(r->body, name))
		return 1;
	if (strchr(name, '\'')) {
		char esc[512];
		size_t j = 0;
		for (const char *p = name; *p && j + 6 < sizeof esc; p++)
			j += *p == '\'' ? (size_t)snprintf(esc + j, sizeof esc - j, "&#39;") : (esc[j] = *p, 1);
		esc[j] = '\0';
		return strstr(r->body, esc) != NULL;
	}
	return 0;
}

START_TEST(no_route_names_a_school_its_reader_may_not_see)
{
	static char routes[MAX_ROUTES][128];
	int nroutes = read_routes(routes);
	ck_assert_int_gt(nroutes, 20);
	/* Ids that lead to private schools, and a few plain ones. */
	char *cand[32];
	int ncand = 0;
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	char year[16];
	snprintf(year, sizeof year, "%d", tm.tm_year + 1900);
	cand[ncand++] = strdup("2018");
	cand[ncand++] = strdup(year);
	ncand += rows_of("SELECT id FROM schools WHERE sharing = 'private' ORDER BY id", cand + ncand, 4);
	ncand += rows_of("SELECT x.id FROM responses x JOIN schools s ON s.id = x.school_id"
	                 " WHERE s.sharing = 'private' ORDER BY x.id", cand + ncand, 3);
	ncand += rows_of("SELECT DISTINCT gs.grant_id FROM grant_schools gs JOIN schools s ON s.id = gs.school_id"
	                 " WHERE s.sharing = 'private' ORDER BY 1", cand + ncand, 3);
	ncand += rows_of("SELECT id FROM grant_reports ORDER BY id", cand + ncand, 2);
	ncand += rows_of("SELECT id FROM users ORDER BY id", cand + ncand, 2);
	/* Connect: a private school whose steward lets it host publishes a
	 * visit; another private school asks for seats at a public one. */
	ck_assert_int_eq(db_run("INSERT INTO school_consent (school_id, use_name, value) SELECT min(id), 'connect_host',"
	                        " 'allowed' FROM schools WHERE sharing = 'private'"), 0);
	ck_assert_int_eq(db_run("INSERT INTO opportunities (school_id, created_by, local_date, local_time, tz, starts_at,"
	                        " minutes, seats, dimensions, confirm) SELECT min(s.id), u.id, date('now', '+20 days'),"
	                        " '09:00', 'America/Chicago', unixepoch() + 20 * 86400, 60, 5, 'cultural', 'host'"
	                        " FROM schools s, users u WHERE s.sharing = 'private' AND u.email = 'steward@example.org'"), 0);
	ck_assert_int_eq(db_run("INSERT INTO bookings (opportunity_id, school_id, requested_by, party, names, status,"
	                        " hold_until) SELECT min(o.id), (SELECT max(id) FROM schools WHERE sharing = 'private'),"
	                        " (SELECT id FROM users WHERE email = 'steward@example.org'), 1, 'A visitor', 'pending',"
	                        " unixepoch() + 86400 FROM opportunities o"), 0);
	/* ... and one made a visit that has happened: a tie on the host's profile. */
	ck_assert_int_eq(db_run("INSERT INTO opportunities (school_id, created_by, local_date, local_time, tz, starts_at,"
	                        " minutes, seats, dimensions, confirm) SELECT min(us.school_id), u.id, date('now', '-2 days'),"
	                        " '09:00', 'America/Chicago', unixepoch() - 2 * 86400, 60, 5, 'career', 'auto'"
	                        " FROM user_schools us JOIN users u ON u.id = us.user_id WHERE u.email = 'host@example.org'"), 0);
	ck_assert_int_eq(db_run("INSERT INTO bookings (opportunity_id, school_id, requested_by, party, names, status)"
	                        " SELECT max(id), (SELECT max(id) FROM schools WHERE sharing = 'private'),"
	                        " (SELECT id FROM users WHERE email = 'steward@example.org'), 1, 'A visitor', 'confirmed'"
	                        " FROM opportunities"), 0);
	ncand += rows_of("SELECT min(us.school_id) FROM user_schools us JOIN users u ON u.id = us.user_id"
	                 " WHERE u.email = 'host@example.org'", cand + ncand, 1);
	ncand += rows_of("SELECT o.id FROM opportunities o JOIN schools s ON s.id = o.school_id"
	                 " WHERE s.sharing = 'private' ORDER BY o.id", cand + ncand, 1);
	ncand += rows_of("SELECT b.id FROM bookings b JOIN schools s ON s.id = b.school_id WHERE s.sharing = 'private'"
	                 " ORDER BY b.id", cand + ncand, 2);
	ncand += rows_of("SELECT min(id) FROM opportunities", cand + ncand, 1);
	/* Inspire: a private school's party at the demo convening, checked in. */
	ck_assert_int_eq(db_run("INSERT INTO parties (convening_id, registered_by, school_id, size, status)"
	                        " SELECT min(c.id), (SELECT id FROM users WHERE email = 'steward@example.org'),"
	                        " (SELECT max(id) FROM schools WHERE sharing = 'private'), 1, 'attended' FROM convenings c"), 0);
	ck_assert_int_eq(db_run("INSERT INTO party_people (party_id, position, name, checked_in_at) SELECT max(id), 1,"
	                        " 'A guest', unixepoch() FROM parties"), 0);
	ncand += rows_of("SELECT min(year) FROM convenings", cand + ncand, 1);
	ncand += rows_of("SELECT max(id) FROM parties", cand + ncand, 1);
	int requests = 0;
	for (size_t w = 0; w < sizeof readers / sizeof readers[0]; w++) {
		struct client *c = client_new();
		ck_assert_int_eq(login(c, readers[w].email, DEMO_PW), 303);
		char *names[MAX_NAMES];
		int nnames = rows_of(readers[w].hidden_sql, names, MAX_NAMES);
		ck_assert_int_gt(nnames, 0);
		for (int i = 0; i < nroutes; i++) {
			int slots = 0;
			for (const char *p = routes[i]; (p = strstr(p, "{id}")); p += 4)
				slots++;
			if (strstr(routes[i], "logout"))
				continue;
			int n1 = slots >= 1 ? ncand : 1, n2 = slots >= 2 ? ncand : 1;
			for (int a = 0; a < n1; a++)
				for (int b = 0; b < n2; b++) {
					const char *ids[2] = { cand[a], cand[b] };
					char path[256];
					fill(routes[i], ids, path, sizeof path);
					struct resp *r = http_get(c, path);
					requests++;
					ck_assert_msg(r->status < 500, "%s as %s: %ld", path, readers[w].email, r->status);
					for (int k = 0; k < nnames; k++)
						ck_assert_msg(!names_school(r, names[k]), "%s as %s names %s", path,
						              readers[w].email, names[k]);
					resp_free(r);
				}
		}
		for (int k = 0; k < nnames; k++)
			free(names[k]);
		client_free(c);
	}
	ck_assert_int_gt(requests, 100);
	for (int i = 0; i < ncand; i++)
		free(cand[i]);
}
END_TEST

void add_matrix_cases(Suite *s);
void add_matrix_cases(Suite *s)
{
	TCase *t = tcase_create("policy matrix");
	tcase_add_unchecked_fixture(t, stack_up, stack_down);
	tcase_set_timeout(t, 300);
	tcase_add_test(t, no_route_names_a_school_its_reader_may_not_see);
	suite_add_tcase(s, t);
}
