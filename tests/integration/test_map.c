/* test_map.c — the network map through nginx: the page, /map.csv,
 * /map.geojson and /api/v1/map agree row for row under every filter; no
 * output, for any reader, carries a school's position finer than that
 * reader may have (its exact coordinates are looked for in every output);
 * a steward's "map" consent takes a school off the map or to its county's
 * centre at once; every export is in the nation's use log; a school's
 * profile draws it on its small map no finer than /map would.  On a stack
 * of its own. */
#include "harness.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static long long value_int(const char *sql)
{
	char *v = db_value(sql);
	ck_assert_msg(v != NULL, "no value for %s", sql);
	long long n = atoll(v);
	free(v);
	return n;
}

static int count_of(const char *text, const char *needle)
{
	int n = 0;
	for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* The "N schools shown" heading of the map page. */
static long long shown_on_page(const struct resp *r)
{
	const char *p = strstr(r->body, "<h2 id=\"schools\">");
	ck_assert(p != NULL);
	p += strlen("<h2 id=\"schools\">");
	long long n = 0;
	for (; *p && *p != ' '; p++)
		if (*p >= '0' && *p <= '9')
			n = n * 10 + (*p - '0');
	return n;
}

/* A count in a "(N)" after marker on the page. */
static long long listed_on_page(const struct resp *r, const char *marker)
{
	const char *p = strstr(r->body, marker);
	ck_assert_msg(p != NULL, "no %s", marker);
	return atoll(p + strlen(marker));
}

static char *ids_in(const char *body, const char *start, const char *end, const char *prefix);

/* The page, /map.csv, /map.geojson and /api/v1/map under query: as many
 * schools in each, and the same intermediaries and nations, one by one,
 * each export's intermediary at the same position. */
static void agree(struct client *c, const char *query)
{
	char path[256];
	snprintf(path, sizeof path, "/map%s", query);
	struct resp *page = http_get(c, path);
	ck_assert_int_eq(page->status, 200);
	long long n = shown_on_page(page);
	long long norgs = listed_on_page(page, "The intermediaries on the map (");
	long long nnations = listed_on_page(page, "The Native nations on the map (");
	char *page_orgs = ids_in(page->body, "<details class=\"orgs-list\">", "</details>", "org=");
	char *page_nations = ids_in(page->body, "<details class=\"nations-list\">", "</details>", "nation=");
	resp_free(page);
	snprintf(path, sizeof path, "/map.csv%s", query);
	struct resp *csv = http_get(c, path);
	ck_assert_int_eq(csv->status, 200);
	ck_assert(!strncmp(csv->body, "kind,id,name,", 13));
	ck_assert_int_eq(count_of(csv->body, "\r\n") - 1, n + norgs + nnations);
	ck_assert_int_eq(count_of(csv->body, "\r\nschool,"), n);
	char *csv_orgs = ids_in(csv->body, NULL, NULL, "\r\nintermediary,");
	char *csv_nations = ids_in(csv->body, NULL, NULL, "\r\nnation,");
	snprintf(path, sizeof path, "/map.geojson%s", query);
	struct resp *geo = http_get(c, path);
	ck_assert_int_eq(geo->status, 200);
	ck_assert_int_eq(count_of(geo->body, "\"type\":\"Feature\""), n + norgs + nnations);
	ck_assert_int_eq(count_of(geo->body, "\"kind\":\"school\""), n);
	char *geo_orgs = ids_in(geo->body, NULL, NULL, "\"kind\":\"intermediary\",\"id\":");
	char *geo_nations = ids_in(geo->body, NULL, NULL, "\"kind\":\"nation\",\"id\":");
	snprintf(path, sizeof path, "/api/v1/map%s", query);
	struct resp *api = http_get(c, path);
	ck_assert_int_eq(api->status, 200);
	char want[64];
	snprintf(want, sizeof want, "\"total\":%lld,", n);
	ck_assert_msg(strstr(api->body, want) != NULL, "%s: %s", path, want);
	char *api_orgs = ids_in(api->body, "\"intermediaries\":[", "],\"cohorts\"", "{\"id\":");
	char *api_nations = ids_in(api->body, "\"nations\":[", "],\"ties\"", "{\"id\":");
	ck_assert_int_eq(norgs, *page_orgs ? count_of(page_orgs, ",") + 1 : 0);
	ck_assert_int_eq(nnations, *page_nations ? count_of(page_nations, ",") + 1 : 0);
	ck_assert_msg(!strcmp(page_orgs, csv_orgs) && !strcmp(page_orgs, geo_orgs) && !strcmp(page_orgs, api_orgs),
	              "%s: intermediaries %s | %s | %s | %s", query, page_orgs, csv_orgs, geo_orgs, api_orgs);
	ck_assert_msg(!strcmp(page_nations, csv_nations) && !strcmp(page_nations, geo_nations) &&
	              !strcmp(page_nations, api_nations), "%s: nations %s | %s | %s | %s", query, page_nations,
	              csv_nations, geo_nations, api_nations);
	/* The first intermediary where every export places it. */
	const char *row = strstr(csv->body, "\r\nintermediary,");
	if (row) {
		long long id = atoll(row + strlen("\r\nintermediary,"));
		const char *q = row + 2;
		for (int k = 0; k < 6; k++)
			q = strchr(q, ',') + 1;
		char lon[32], lat[32];
		ck_assert_int_eq(sscanf(q, "%31[^,],%31[^,]", lon, lat), 2);
		char g[256];
		snprintf(g, sizeof g, "\"kind\":\"intermediary\",\"id\":%lld,", id);
		const char *gf = strstr(geo->body, g);
		ck_assert(gf != NULL);
		while (gf > geo->body && strncmp(gf, "\"coordinates\":[", 15))
			gf--;
		snprintf(g, sizeof g, "\"coordinates\":[%.15g,%.15g]", atof(lon), atof(lat));
		ck_assert_msg(!strncmp(gf, g, strlen(g)), "%s: %.60s, not %s", query, gf, g);
		snprintf(g, sizeof g, "{\"id\":%lld,", id);
		const char *af = strstr(strstr(api->body, "\"intermediaries\":["), g);
		ck_assert(af != NULL);
		snprintf(g, sizeof g, "\"longitude\":%.15g,\"latitude\":%.15g,", atof(lon), atof(lat));
		ck_assert_msg(strstr(af, g) != NULL, "%s: the API places %lld elsewhere than %s", query, id, g);
	}
	free(page_orgs);
	free(page_nations);
	free(csv_orgs);
	free(csv_nations);
	free(geo_orgs);
	free(geo_nations);
	free(api_orgs);
	free(api_nations);
	resp_free(csv);
	resp_free(geo);
	resp_free(api);
}

START_TEST(outputs_agree_under_filters)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	static const char *const queries[] = { "", "?state=MN", "?type=small_rural", "?state=ND&stage=schoolwide",
	                                       "?colour=career", "?zoom=SD", "?org=1", "?ties=1", "?nation=3",
	                                       "?cultural_min=50", "?colour=career&career_min=75&career_max=100",
	                                       "?state=MN&instructional_max=49", "?cultural_min=0&cultural_max=100" };
	for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++)
		agree(c, queries[i]);
	struct resp *r = http_get(c, "/map");
	ck_assert(resp_has(r, "<svg"));
	ck_assert(resp_has(r, "geo-state"));
	ck_assert(resp_has(r, "class=\"pin"));
	ck_assert(r->body_len < 150 * 1024);
	resp_free(r);
	client_free(c);
}
END_TEST

/* The map's projection (Albers equal-area conic on a sphere, standard
 * parallels 43.5 and 48.5, origin 45.5 N 97.5 W: Snyder, USGS PP 1395,
 * 14-1 to 14-4), written again here as the test's own oracle: the
 * page's script gets positions in projected kilometres, so a school's
 * exact position is looked for in those too. */
static void albers_km(double lon, double lat, double *x, double *y)
{
	const double R = 6371008.8, d = M_PI / 180;
	double n = (sin(43.5 * d) + sin(48.5 * d)) / 2, C = cos(43.5 * d) * cos(43.5 * d) + 2 * n * sin(43.5 * d);
	double rho0 = R * sqrt(C - 2 * n * sin(45.5 * d)) / n, rho = R * sqrt(C - 2 * n * sin(lat * d)) / n;
	double th = n * (lon + 97.5) * d;
	*x = rho * sin(th) / 1000;
	*y = (rho0 - rho * cos(th)) / 1000;
}

/* No output of the reader's carries the exact position of a school that
 * reader may see only coarsely (or not at all): its coordinates, as any of
 * the outputs would write them (degrees, or projected for the script),
 * are looked for everywhere: the drawing, the table, the exports, the
 * script's JSON with its intermediaries and nations. */
static void no_exact_position(struct client *c, const char *reader_sql)
{
	static const char *const outputs[] = { "/map", "/map.csv", "/map.geojson", "/api/v1/map", "/map?state=MN",
	                                       "/map?zoom=ND", "/api/v1/map?colour=cultural", "/map?org=1",
	                                       "/api/v1/map?org=1", "/map?zoom=MN&cultural_min=0", "/api/v1/map/outlines",
	                                       "/map.csv?org=1", "/map.geojson?state=SD",
	                                       NULL };
	char *bodies[16];
	int nb = 0;
	for (int i = 0; outputs[i]; i++) {
		struct resp *r = http_get(c, outputs[i]);
		ck_assert_int_eq(r->status, 200);
		bodies[nb++] = strdup(r->body);
		resp_free(r);
	}
	for (int k = 0;; k++) {
		char q[1024];
		snprintf(q, sizeof q, "SELECT printf('%%.4f|%%.4f|%%.3f|%%.3f|%%.8f|%%.8f', lon, lat, lon, lat, lon, lat) FROM schools"
		         " WHERE lat IS NOT NULL AND id IN (%s) ORDER BY id LIMIT 1 OFFSET %d", reader_sql, k);
		char *v = db_value(q);
		if (!v)
			break;
		char *parts[6], *save = NULL;
		parts[0] = strtok_r(v, "|", &save);
		for (int j = 1; j < 6; j++)
			parts[j] = strtok_r(NULL, "|", &save);
		double x, y;
		albers_km(atof(parts[4]), atof(parts[5]), &x, &y);
		char px[32], py[32];
		snprintf(px, sizeof px, "\"x\":%.2f,", x);
		snprintf(py, sizeof py, "\"y\":%.2f", y);
		for (int i = 0; i < nb; i++) {
			ck_assert_msg(!(strstr(bodies[i], parts[0]) && strstr(bodies[i], parts[1])),
			              "%s carries %s, %s", outputs[i], parts[0], parts[1]);
			ck_assert_msg(!(strstr(bodies[i], px) && strstr(bodies[i], py)), "%s carries %s %s", outputs[i], px, py);
		}
		free(v);
	}
	for (int i = 0; i < nb; i++)
		free(bodies[i]);
}

START_TEST(never_finer_than_allowed)
{
	/* A leader sees other schools coarsely: never where they are. */
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "leader@example.org", DEMO_PW), 303);
	no_exact_position(c, "SELECT id FROM schools WHERE id NOT IN (SELECT school_id FROM user_schools us JOIN users u"
	                     " ON u.id = us.user_id WHERE u.email = 'leader@example.org')");
	client_free(c);
	/* Staff and admins: a nation's schools are private (not on the map), or
	 * at most where their steward allows. */
	static const char *const staffers[] = { "staff@example.org", "admin@example.org", "coach@example.org" };
	for (int i = 0; i < 3; i++) {
		c = client_new();
		ck_assert_int_eq(login(c, staffers[i], DEMO_PW), 303);
		no_exact_position(c, "SELECT id FROM schools WHERE nation_id IS NOT NULL");
		client_free(c);
	}
}
END_TEST

START_TEST(steward_consent_moves_a_school)
{
	/* A nation's school raised to foundation level: staff see it, at its
	 * county's centre until the steward allows the exact position. */
	long long id = value_int("SELECT min(id) FROM schools WHERE nation_id = (SELECT nation_id FROM users WHERE"
	                         " email = 'steward@example.org')");
	char sql[512], path[64];
	snprintf(sql, sizeof sql, "UPDATE schools SET sharing = 'foundation' WHERE id = %lld", id);
	ck_assert_int_eq(db_run(sql), 0);
	snprintf(sql, sizeof sql, "SELECT name FROM schools WHERE id = %lld", id);
	char *name = db_value(sql);
	snprintf(sql, sizeof sql, "SELECT printf('%%.4f', lon) FROM schools WHERE id = %lld", id);
	char *lon = db_value(sql);
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	/* The default for a nation's school: not on the map at all. */
	struct resp *r = http_get(c, "/map.csv");
	ck_assert(!resp_has(r, name));
	resp_free(r);
	snprintf(sql, sizeof sql, "INSERT INTO school_consent (school_id, use_name, value) VALUES (%lld, 'map', 'community')",
	         id);
	ck_assert_int_eq(db_run(sql), 0);
	r = http_get(c, "/map.csv");
	ck_assert(resp_has(r, name));
	ck_assert(resp_has(r, ",county,"));
	ck_assert_msg(!resp_has(r, lon), "the exact longitude %s is out", lon);
	resp_free(r);
	snprintf(sql, sizeof sql, "UPDATE school_consent SET value = 'exact' WHERE school_id = %lld AND use_name = 'map'", id);
	ck_assert_int_eq(db_run(sql), 0);
	r = http_get(c, "/map.csv");
	ck_assert(resp_has(r, lon));
	resp_free(r);
	/* The exports were logged for the nation, with their filters. */
	snprintf(sql, sizeof sql, "SELECT count(*) FROM usage_log WHERE what = 'map.csv' AND address = '/map.csv'"
	         " AND nation_id = (SELECT nation_id FROM schools WHERE id = %lld)", id);
	ck_assert_int_ge(value_int(sql), 2);
	snprintf(path, sizeof path, "/map?school=%lld", id);
	r = http_get(c, path);
	ck_assert(resp_has(r, "id=\"card\""));
	resp_free(r);
	free(name);
	free(lon);
	client_free(c);
}
END_TEST

/* The school's own pin on its profile's small map: "cx,cy", or "" when
 * the profile has no small map. */
static void chosen_pin(const char *body, char *out, size_t len)
{
	out[0] = '\0';
	const char *m = strstr(body, "class=\"map mini-map\"");
	if (!m)
		return;
	const char *p = strstr(m, " chosen\"");
	ck_assert(p != NULL);
	while (p > m && strncmp(p, "<circle", 7))
		p--;
	double cx, cy;
	ck_assert_int_eq(sscanf(p, "<circle cx=\"%lf\" cy=\"%lf\"", &cx, &cy), 2);
	snprintf(out, len, "%.1f,%.1f", cx, cy);
}

START_TEST(profile_map_never_finer_than_allowed)
{
	/* Another school's profile, for a leader: its small map shows it at
	 * its county's centre, never where staff (who see it in full) see it
	 * drawn, and no output of the page carries its coordinates. */
	struct client *leader = client_new(), *staff = client_new();
	ck_assert_int_eq(login(leader, "leader@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(staff, "staff@example.org", DEMO_PW), 303);
	int maps = 0;
	for (int k = 0; k < 12; k++) {
		char q[1024], path[64], a[64], b[64];
		snprintf(q, sizeof q, "SELECT printf('%%lld|%%.5f|%%.5f|%%.4f|%%.4f|%%.3f|%%.3f', id, lon, lat, lon, lat, lon, lat)"
		         " FROM schools WHERE lat IS NOT NULL AND sharing = 'network' AND id NOT IN (SELECT school_id FROM"
		         " user_schools us JOIN users u ON u.id = us.user_id WHERE u.email = 'leader@example.org')"
		         " ORDER BY id LIMIT 1 OFFSET %d", k * 7);
		char *v = db_value(q);
		ck_assert(v != NULL);
		char *part[7], *save = NULL;
		part[0] = strtok_r(v, "|", &save);
		for (int j = 1; j < 7; j++)
			part[j] = strtok_r(NULL, "|", &save);
		snprintf(path, sizeof path, "/schools/%s", part[0]);
		struct resp *r = http_get(leader, path);
		ck_assert_int_eq(r->status, 200);
		for (int j = 1; j < 7; j += 2)
			ck_assert_msg(!(resp_has(r, part[j]) && resp_has(r, part[j + 1])), "%s carries %s, %s", path, part[j],
			              part[j + 1]);
		chosen_pin(r->body, a, sizeof a);
		if (*a) {
			maps++;
			ck_assert(resp_has(r, "(shown at its county&#39;s centre)") || resp_has(r, "(shown at its county's centre)"));
			snprintf(q, sizeof q, "/map?school=%s&amp;zoom=", part[0]);
			ck_assert(resp_has(r, q));
			struct resp *s2 = http_get(staff, path);
			ck_assert_int_eq(s2->status, 200);
			chosen_pin(s2->body, b, sizeof b);
			if (*b)          /* staff see a nation's school only as its steward allows */
				ck_assert_msg(strcmp(a, b), "%s: the leader's pin is where staff see the school", path);
			resp_free(s2);
		}
		resp_free(r);
		free(v);
	}
	ck_assert_int_gt(maps, 0);
	client_free(leader);
	client_free(staff);
}
END_TEST

/* The projected positions the script gets are the degrees' own: a school
 * shown where it is has its exact position's projection (so the oracle
 * above looks for the right numbers). */
START_TEST(script_positions_are_projected)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	struct resp *r = http_get(c, "/api/v1/map");
	ck_assert_int_eq(r->status, 200);
	const char *p = strstr(r->body, "\"precision\":\"exact\"");
	ck_assert(p != NULL);
	double lon, lat, x, y, wx, wy;
	const char *q = strstr(p, "\"longitude\":");
	ck_assert(q && sscanf(q, "\"longitude\":%lf,\"latitude\":%lf,\"x\":%lf,\"y\":%lf", &lon, &lat, &x, &y) == 4);
	albers_km(lon, lat, &wx, &wy);
	ck_assert_double_eq_tol(x, wx, 0.006);
	ck_assert_double_eq_tol(y, wy, 0.006);
	resp_free(r);
	client_free(c);
}
END_TEST

/* The nations are labelled at their governments' towns, public places the
 * same for every reader, never at a point computed from their schools;
 * an intermediary is never placed finer than the coarsest school it is
 * placed by. */
START_TEST(nations_and_intermediaries)
{
	struct client *staff = client_new(), *leader = client_new();
	ck_assert_int_eq(login(staff, "staff@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(leader, "leader@example.org", DEMO_PW), 303);
	struct resp *a = http_get(staff, "/api/v1/map"), *b = http_get(leader, "/api/v1/map");
	const char *na = strstr(a->body, "\"nations\":["), *nb = strstr(b->body, "\"nations\":[");
	ck_assert(na && nb);
	ck_assert_int_eq(strcmp(na, nb), 0);    /* the same for both (the last member) */
	ck_assert_int_eq(count_of(na, "\"seat\":"), value_int("SELECT count(*) FROM nations WHERE seat_lon IS NOT NULL"));
	ck_assert(strstr(na, "\"seat\":\"Cass Lake, MN\",\"longitude\":-94.6,\"latitude\":47.38") != NULL);
	/* 023_seats.sql moved Agency Village to GNIS's point of the village. */
	ck_assert(strstr(na, "\"seat\":\"Agency Village, SD\",\"longitude\":-97.08,\"latitude\":45.58") != NULL);
	/* The leader sees the coach's other schools coarsely: its organization
	 * is placed by county. */
	char *org = db_value("SELECT o.name FROM organizations o JOIN users u ON u.org_id = o.id"
	                     " WHERE u.email = 'coach@example.org'");
	ck_assert(org != NULL);
	char want[300];
	snprintf(want, sizeof want, "\"name\":\"%s\",\"precision\":\"county\"", org);
	ck_assert_msg(strstr(b->body, want) != NULL, "%s is placed finer than its schools", org);
	resp_free(a);
	resp_free(b);
	/* The page draws them: nations as labelled links, the organization as
	 * a node whose link filters to its schools. */
	struct resp *r = http_get(staff, "/map");
	ck_assert(resp_has(r, "class=\"nation\""));
	ck_assert(resp_has(r, "<title>Red Lake Nation — its government at Red Lake, MN"));
	ck_assert(resp_has(r, "Red Lake Nation</a> — Red Lake, MN</li>"));
	ck_assert(!resp_has(r, "<text"));     /* no text in the drawing: too small on a phone */
	ck_assert(resp_has(r, "class=\"org\""));
	ck_assert(resp_has(r, "class=\"tie grant"));
	ck_assert(resp_has(r, "/vendor/leaflet-"));
	resp_free(r);
	free(org);
	client_free(staff);
	client_free(leader);
}
END_TEST

/* A score range that cannot be read is said so on the page, the input
 * kept, and not guessed at by the exports; the legend's bands filter. */
START_TEST(score_ranges)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	struct resp *r = http_get(c, "/map?cultural_min=abc&career_min=60&career_max=40");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "id=\"range-error\""));
	ck_assert(resp_has(r, "“abc” is not a whole number"));
	ck_assert(resp_has(r, "from 60 is more than to 40"));
	ck_assert(resp_has(r, "value=\"abc\" aria-invalid=\"true\""));
	resp_free(r);
	r = http_get(c, "/map.csv?cultural_min=101");
	ck_assert_int_eq(r->status, 400);
	resp_free(r);
	r = http_get(c, "/api/v1/map?career_max=x");
	ck_assert_int_eq(r->status, 400);
	resp_free(r);
	/* The script's box: the total is every school shown, those listed
	 * only the ones in the box (a box far from the region: none). */
	r = http_get(c, "/map");
	long long all = shown_on_page(r);
	resp_free(r);
	char want[64];
	snprintf(want, sizeof want, "\"total\":%lld,\"clusters\":[],\"schools\":[]", all);
	r = http_get(c, "/api/v1/map?bbox=5000,5000,5100,5100&cell=10");
	ck_assert_int_eq(r->status, 200);
	ck_assert_msg(resp_has(r, want), "%s", want);
	resp_free(r);
	r = http_get(c, "/api/v1/map?bbox=1,2,3");
	ck_assert_int_eq(r->status, 400);
	resp_free(r);
	/* Nothing a double cannot count a grid with: a cell that is not a
	 * number or infinite, a box wider than a double holds. */
	static const char *const bad[] = { "cell=nan", "cell=inf", "cell=-0", "bbox=-1e308,0,1e308,1",
	                                   "bbox=0,-1e308,1,1e308&cell=10" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char path[96];
		snprintf(path, sizeof path, "/api/v1/map?%s", bad[i]);
		r = http_get(c, path);
		ck_assert_msg(r->status == 400, "%s: %ld", bad[i], (long)r->status);
		resp_free(r);
	}
	r = http_get(c, "/map?colour=career");
	ck_assert(resp_has(r, "career_min=75&amp;career_max=100&amp;colour=career"));
	resp_free(r);
	r = http_get(c, "/map?colour=career&career_min=75&career_max=100");
	ck_assert(resp_has(r, "shown alone: show all"));
	resp_free(r);
	client_free(c);
}
END_TEST

/* ---- cohorts on the map ------------------------------------------------------ */

/* The ids after each prefix in body[from marker .. to marker), sorted, as
 * "a,b,c" (malloc'd). */
static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

static char *ids_in(const char *body, const char *start, const char *end, const char *prefix)
{
	const char *p = start ? strstr(body, start) : body;
	ck_assert_msg(p != NULL, "no %s", start);
	const char *stop = end ? strstr(p, end) : NULL;
	if (!stop)
		stop = p + strlen(p);
	long long ids[4096];
	int n = 0;
	for (const char *q = p; (q = strstr(q, prefix)) && q < stop && n < 4096; q += strlen(prefix))
		if (q[strlen(prefix)] >= '0' && q[strlen(prefix)] <= '9')
			ids[n++] = atoll(q + strlen(prefix));
	qsort(ids, (size_t)n, sizeof *ids, cmp_ll);
	char *out = calloc(1, (size_t)n * 21 + 1);
	for (int i = 0; i < n; i++)
		sprintf(out + strlen(out), "%s%lld", i ? "," : "", ids[i]);
	return out;
}

/* The schools of /map, /map.csv, /map.geojson and /api/v1/map under
 * query, one by one: the same ids in all four ("a,b,c", malloc'd). */
static char *same_schools(struct client *c, const char *query)
{
	char path[256];
	snprintf(path, sizeof path, "/map%s", query);
	struct resp *r = http_get(c, path);
	ck_assert_int_eq(r->status, 200);
	ck_assert_int_le(shown_on_page(r), 50);     /* one page of the table lists them all */
	char *page = ids_in(r->body, "<tbody>", "</tbody>", "school=");
	resp_free(r);
	snprintf(path, sizeof path, "/map.csv%s", query);
	r = http_get(c, path);
	ck_assert_int_eq(r->status, 200);
	char *csv = ids_in(r->body, "\r\n", NULL, "\r\nschool,");
	resp_free(r);
	snprintf(path, sizeof path, "/map.geojson%s", query);
	r = http_get(c, path);
	ck_assert_int_eq(r->status, 200);
	char *geo = ids_in(r->body, NULL, NULL, "\"properties\":{\"kind\":\"school\",\"id\":");
	resp_free(r);
	snprintf(path, sizeof path, "/api/v1/map%s", query);
	r = http_get(c, path);
	ck_assert_int_eq(r->status, 200);
	char *api = ids_in(r->body, "\"schools\":[", "],\"intermediaries\"", "{\"id\":");
	resp_free(r);
	ck_assert_str_eq(page, csv);
	ck_assert_str_eq(page, geo);
	ck_assert_str_eq(page, api);
	free(csv);
	free(geo);
	free(api);
	return page;
}

static long long cohort_id(int k)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT id FROM cohorts ORDER BY id LIMIT 1 OFFSET %d", k);
	return value_int(sql);
}

/* The cohort filter: the page's table, the CSV, the GeoJSON and the
 * script's JSON list the same schools, each a member of the cohort; the
 * filter is kept in the form, the links and the pager's. */
START_TEST(cohort_filter_agrees)
{
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	for (int k = 0; k < 2; k++) {
		long long id = cohort_id(k);
		static const char *const extra[] = { "", "&state=ND", "&state=MN", "&colour=career", "&ties=1" };
		for (size_t e = 0; e < sizeof extra / sizeof extra[0]; e++) {
			char q[128];
			snprintf(q, sizeof q, "?cohort=%lld%s", id, extra[e]);
			agree(c, q);
			char *ids = same_schools(c, q);
			if (!e) {
				ck_assert_msg(*ids, "cohort %lld: no school shown", id);
				/* Each a member; and every member staff may see on the map. */
				char sql[1024];
				snprintf(sql, sizeof sql, "SELECT count(*) FROM cohort_members WHERE cohort_id = %lld AND school_id IN (%s)",
				         id, ids);
				ck_assert_int_eq(value_int(sql), count_of(ids, ",") + 1);
				snprintf(sql, sizeof sql, "SELECT count(DISTINCT m.school_id) FROM cohort_members m JOIN schools s"
				         " ON s.id = m.school_id WHERE m.cohort_id = %lld AND s.sharing <> 'private'"
				         " AND s.nation_id IS NULL AND s.lat IS NOT NULL", id);
				ck_assert_int_le(value_int(sql), count_of(ids, ",") + 1);
			}
			free(ids);
		}
		char path[128], want[128];
		snprintf(path, sizeof path, "/map?cohort=%lld", id);
		struct resp *r = http_get(c, path);
		snprintf(want, sizeof want, "<option value=\"%lld\" selected", id);
		ck_assert_msg(resp_has(r, want), "%s", want);
		snprintf(want, sizeof want, "/map.csv?cohort=%lld\"", id);
		ck_assert_msg(resp_has(r, want), "%s", want);
		ck_assert(resp_has(r, "Filters (1 set)"));
		resp_free(r);
	}
	client_free(c);
}
END_TEST

/* The cohort's private school (its nation's): never named or placed for a
 * viewer the policy hides it from, and never finer than the policy allows
 * under the cohort filter, whatever its steward's map consent. */
START_TEST(cohort_private_school)
{
	long long cohort = value_int("SELECT m.cohort_id FROM cohort_members m JOIN users u ON u.id = m.user_id"
	                             " WHERE u.email = 'host@example.org'");
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT m.school_id FROM cohort_members m JOIN schools s ON s.id = m.school_id"
	         " WHERE m.cohort_id = %lld AND s.nation_id = (SELECT nation_id FROM users WHERE email = 'steward@example.org')"
	         " ORDER BY m.id DESC LIMIT 1", cohort);
	long long id = value_int(sql);
	snprintf(sql, sizeof sql, "UPDATE schools SET sharing = 'private' WHERE id = %lld", id);
	ck_assert_int_eq(db_run(sql), 0);
	snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO school_consent (school_id, use_name, value)"
	         " VALUES (%lld, 'map', 'exact')", id);
	ck_assert_int_eq(db_run(sql), 0);
	snprintf(sql, sizeof sql, "SELECT name || '|' || printf('%%.4f', lon) || '|' || printf('%%.4f', lat)"
	         " FROM schools WHERE id = %lld", id);
	char *v = db_value(sql), *save = NULL;
	char *name = strtok_r(v, "|", &save), *lon = strtok_r(NULL, "|", &save), *lat = strtok_r(NULL, "|", &save);
	/* The host takes part in the cohort, so sees its members: but not a
	 * private school of a nation not theirs; then, raised to network
	 * level, only at its county's centre. */
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "host@example.org", DEMO_PW), 303);
	long long host_school = value_int("SELECT m.school_id FROM cohort_members m JOIN users u ON u.id = m.user_id"
	                                  " WHERE u.email = 'host@example.org' ORDER BY m.id LIMIT 1");
	for (int round = 0; round < 2; round++) {
		static const char *const outputs[] = { "/map", "/map.csv", "/map.geojson", "/api/v1/map" };
		for (int i = 0; i < 7; i++) {
			char path[128];
			if (i < 4)
				snprintf(path, sizeof path, "%s?cohort=%lld", outputs[i], cohort);
			else if (i == 4)
				snprintf(path, sizeof path, "/map?cohort=%lld&school=%lld", cohort, host_school);
			else if (i == 5)
				snprintf(path, sizeof path, "/map?cohort=%lld&school=%lld", cohort, id);
			else
				snprintf(path, sizeof path, "/map?school=%lld", host_school);
			struct resp *r = http_get(c, path);
			ck_assert_int_eq(r->status, 200);
			ck_assert_msg(!(resp_has(r, lon) && resp_has(r, lat)), "%s places it exactly", path);
			if (!round)
				ck_assert_msg(!resp_has(r, name), "%s names a school hidden from its reader", path);
			resp_free(r);
		}
		if (!round) {
			snprintf(sql, sizeof sql, "UPDATE schools SET sharing = 'network' WHERE id = %lld", id);
			ck_assert_int_eq(db_run(sql), 0);
		}
	}
	/* Raised, it is shown, by county, among the cohort's schools and as a
	 * cohort-mate on the card of the host's school. */
	char path[128];
	snprintf(path, sizeof path, "/map.csv?cohort=%lld", cohort);
	struct resp *r = http_get(c, path);
	ck_assert(resp_has(r, name));
	ck_assert(resp_has(r, ",county,"));
	resp_free(r);
	snprintf(path, sizeof path, "/map?school=%lld", host_school);
	r = http_get(c, path);
	ck_assert(resp_has(r, "class=\"cohort-tie\""));
	ck_assert(resp_has(r, name));
	resp_free(r);
	snprintf(sql, sizeof sql, "UPDATE schools SET sharing = 'private' WHERE id = %lld", id);
	ck_assert_int_eq(db_run(sql), 0);
	snprintf(sql, sizeof sql, "DELETE FROM school_consent WHERE school_id = %lld AND use_name = 'map'", id);
	ck_assert_int_eq(db_run(sql), 0);
	free(v);
	client_free(c);
}
END_TEST

/* Cohort ties only for a viewer who may read the cohort's members: its
 * own members (the leader of the first cohort) see a school's
 * cohort-mates, on the card, in the drawing and in the script's JSON; the
 * steward and the host (in the other cohort only) see nothing of it, and
 * its filter is refused to them with a message, not applied. */
START_TEST(cohort_ties_only_for_members)
{
	long long cohort = value_int("SELECT m.cohort_id FROM cohort_members m JOIN users u ON u.id = m.user_id"
	                             " WHERE u.email = 'leader@example.org'");
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT min(m.school_id) FROM cohort_members m JOIN schools s ON s.id = m.school_id"
	         " WHERE m.cohort_id = %lld AND m.user_id IS NULL AND s.nation_id IS NULL AND s.sharing = 'network'", cohort);
	long long school = value_int(sql);
	snprintf(sql, sizeof sql, "SELECT name FROM cohorts WHERE id = %lld", cohort);
	char *cname = db_value(sql);
	char path[128], name_json[300];
	snprintf(name_json, sizeof name_json, "\"id\":%lld,\"name\":\"%s\",\"schools\":[", cohort, cname);
	static const struct { const char *who; int sees; } viewers[] = {
		{ "leader@example.org", 1 }, { "staff@example.org", 1 }, { "coach@example.org", 1 },
		{ "steward@example.org", 0 }, { "host@example.org", 0 },
	};
	for (size_t i = 0; i < sizeof viewers / sizeof viewers[0]; i++) {
		struct client *c = client_new();
		ck_assert_int_eq(login(c, viewers[i].who, DEMO_PW), 303);
		snprintf(path, sizeof path, "/map?school=%lld", school);
		struct resp *r = http_get(c, path);
		ck_assert_int_eq(r->status, 200);
		ck_assert_msg(resp_has(r, "id=\"card\""), "%s: no card", viewers[i].who);
		ck_assert_msg(resp_has(r, "class=\"cohort-tie\"") == viewers[i].sees, "%s: cohort ties", viewers[i].who);
		ck_assert_msg(resp_has(r, "class=\"tie cohort ego\"") == viewers[i].sees, "%s: drawn", viewers[i].who);
		ck_assert_msg(resp_has(r, cname) == viewers[i].sees, "%s: the cohort named", viewers[i].who);
		resp_free(r);
		r = http_get(c, "/api/v1/map");
		ck_assert_msg(resp_has(r, name_json) == viewers[i].sees, "%s: JSON cohorts", viewers[i].who);
		resp_free(r);
		snprintf(path, sizeof path, "/map?cohort=%lld", cohort);
		r = http_get(c, path);
		ck_assert_int_eq(r->status, 200);
		ck_assert_msg(resp_has(r, "whose members you may see") == !viewers[i].sees, "%s: filter", viewers[i].who);
		resp_free(r);
		static const char *const exports[] = { "/map.csv", "/map.geojson", "/api/v1/map" };
		for (int k = 0; k < 3; k++) {
			snprintf(path, sizeof path, "%s?cohort=%lld", exports[k], cohort);
			r = http_get(c, path);
			ck_assert_int_eq(r->status, viewers[i].sees ? 200 : 400);
			resp_free(r);
		}
		client_free(c);
	}
	free(cname);
}
END_TEST

/* A school's site-visit partners are listed on its card, and drawn on its
 * profile's small map, every one of them: 150 confirmed visits to it
 * (the card and the small map stopped at 100 before, saying nothing). */
START_TEST(every_partner_listed)
{
	long long x = value_int("SELECT min(id) FROM schools WHERE sharing = 'network' AND nation_id IS NULL"
	                        " AND lat IS NOT NULL");
	long long uid = value_int("SELECT id FROM users WHERE email = 'staff@example.org'");
	char sql[1024];
	snprintf(sql, sizeof sql, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2)"
	         " INSERT INTO opportunities (school_id, created_by, local_date, local_time, tz, starts_at, minutes, seats,"
	         " dimensions, confirm, grades) SELECT %lld, %lld, date('now', printf('-%%d days', 10 + i)), '09:00',"
	         " 'America/Chicago', unixepoch() - 86400 * (10 + i), 60, 100, 'career', 'auto', 'partners test' FROM n",
	         x, uid);
	ck_assert_int_eq(db_run(sql), 0);
	/* 150 partners, 75 to each visit (seats: 100 a visit). */
	snprintf(sql, sizeof sql, "INSERT INTO bookings (opportunity_id, school_id, requested_by, party, names, status)"
	         " SELECT CASE WHEN k <= 75 THEN (SELECT min(id) FROM opportunities WHERE grades = 'partners test')"
	         " ELSE (SELECT max(id) FROM opportunities WHERE grades = 'partners test') END, id, %lld, 1, 'A teacher',"
	         " 'confirmed' FROM (SELECT id, row_number() OVER (ORDER BY id) AS k FROM schools"
	         " WHERE sharing = 'network' AND nation_id IS NULL AND lat IS NOT NULL AND id <> %lld) WHERE k <= 150",
	         uid, x);
	ck_assert_int_eq(db_run(sql), 0);
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	char path[64];
	snprintf(path, sizeof path, "/map?school=%lld", x);
	struct resp *r = http_get(c, path);
	ck_assert_int_eq(r->status, 200);
	const char *from = strstr(r->body, "<p>Site visits with ");
	ck_assert(from != NULL);
	const char *to = strstr(from, ".</p>");
	ck_assert(to != NULL);
	int links = 0;
	for (const char *p = from; (p = strstr(p, "#card\">")) && p < to; p++)
		links++;
	ck_assert_msg(links >= 150, "%d partners listed on the card", links);
	resp_free(r);
	snprintf(path, sizeof path, "/schools/%lld", x);
	r = http_get(c, path);
	ck_assert_int_eq(r->status, 200);
	ck_assert_msg(count_of(r->body, "class=\"tie ego\"") >= 150, "%d lines on the small map",
	              count_of(r->body, "class=\"tie ego\""));
	resp_free(r);
	client_free(c);
}
END_TEST

/* The map, its JSON and a school's profile are kept in each worker's
 * cache: a change to the data, made anywhere, shows in the very next
 * answer of every worker (a school turned private leaves the map at once). */
static int shown_on(struct client *c, const char *path, const char *before)
{
	struct resp *r = http_get(c, path);
	ck_assert_int_eq(r->status, 200);
	const char *p = strstr(r->body, before);
	ck_assert_msg(p != NULL, "no \"%s\" in %s", before, path);
	int n = atoi(p + strlen(before));
	resp_free(r);
	return n;
}

START_TEST(the_kept_map_follows_every_change)
{
	long long x = value_int("SELECT min(id) FROM schools WHERE sharing = 'network' AND nation_id IS NULL"
	                        " AND lat IS NOT NULL");
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "admin@example.org", DEMO_PW), 303);
	int page = shown_on(c, "/map", "Map of "), json = shown_on(c, "/api/v1/map", "{\"total\":");
	ck_assert_int_gt(page, 1);
	ck_assert_int_eq(json, page);
	/* The admin's map of the demo records no use of a nation's schools
	 * (none is shown), so nothing else changes the data between answers
	 * and they are kept. */
	long long uses = value_int("SELECT count(*) FROM usage_log");
	char sql[256];
	static const char *const to[] = { "private", "network" };
	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < 8; i++) {          /* every worker has both kept */
			ck_assert_int_eq(shown_on(c, "/map", "Map of "), page - k);
			ck_assert_int_eq(shown_on(c, "/api/v1/map", "{\"total\":"), page - k);
		}
		snprintf(sql, sizeof sql, "UPDATE schools SET sharing = '%s' WHERE id = %lld", to[k], x);
		ck_assert_int_eq(db_run(sql), 0);
		for (int i = 0; i < 8; i++) {
			ck_assert_int_eq(shown_on(c, "/map", "Map of "), page - 1 + k);
			ck_assert_int_eq(shown_on(c, "/api/v1/map", "{\"total\":"), page - 1 + k);
		}
	}
	/* A school's profile is kept too: its place, changed, shows at once. */
	char path[64];
	snprintf(path, sizeof path, "/schools/%lld", x);
	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < 8; i++) {
			struct resp *r = http_get(c, path);
			ck_assert_int_eq(r->status, 200);
			ck_assert_int_eq(resp_has(r, "Keptville"), k);
			resp_free(r);
		}
		if (!k) {
			snprintf(sql, sizeof sql, "UPDATE schools SET city = 'Keptville ' || city WHERE id = %lld", x);
			ck_assert_int_eq(db_run(sql), 0);
		}
	}
	ck_assert_int_eq(value_int("SELECT count(*) FROM usage_log"), uses);
	snprintf(sql, sizeof sql, "UPDATE schools SET city = substr(city, 11) WHERE id = %lld", x);
	ck_assert_int_eq(db_run(sql), 0);
	client_free(c);
}
END_TEST

/* A reply's text with what differs on every reply (the request id and the
 * script nonce) blanked; malloc'd. */
static char *steady(const char *text, size_t n)
{
	char *t = malloc(n + 1);
	memcpy(t, text, n);
	t[n] = '\0';
	static const char *const marks[] = { "Request ", "nonce=\"", "'nonce-" };
	for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++)
		for (char *p = t; (p = strstr(p, marks[m])); ) {
			p += strlen(marks[m]);
			for (; *p && strchr("0123456789abcdefABCDEFGHIJKLMNOPQRSTUVWXYZghijklmnopqrstuvwxyz-_", *p); p++)
				*p = 'x';
		}
	return t;
}

/* A gzipped reply's text (the whole member, checked by zlib), malloc'd. */
static char *gunzipped(const struct resp *r)
{
	z_stream z = {0};
	ck_assert_int_eq(inflateInit2(&z, 16 + MAX_WBITS), Z_OK);
	size_t cap = 8 * r->body_len + 1024, got = 0;
	char *out = malloc(cap);
	z.next_in = (Bytef *)(uintptr_t)r->body;
	z.avail_in = (uInt)r->body_len;
	int rc;
	do {
		if (got == cap)
			out = realloc(out, cap *= 2);
		z.next_out = (Bytef *)out + got;
		z.avail_out = (uInt)(cap - got);
		rc = inflate(&z, Z_NO_FLUSH);
		got = cap - z.avail_out;
	} while (rc == Z_OK);
	ck_assert_msg(rc == Z_STREAM_END && z.avail_in == 0, "not one whole gzip member (%d)", rc);
	inflateEnd(&z);
	char *t = steady(out, got);
	free(out);
	return t;
}

/* path gzipped by the worker (nginx's own gzip has no Content-Length),
 * saying so (Vary), inflating to want. */
static void gzipped_as_plain(struct client *c, const char *path, const char *want)
{
	const char *gz[] = { "Accept-Encoding: gzip", NULL };
	struct resp *r = http_req(c, "GET", path, NULL, 0, gz);
	ck_assert_int_eq(r->status, 200);
	char *enc = resp_header(r, "Content-Encoding"), *len = resp_header(r, "Content-Length");
	char *vary = resp_header(r, "Vary");
	ck_assert_msg(enc && !strcmp(enc, "gzip"), "%s not gzipped", path);
	ck_assert_msg(len && (size_t)atoll(len) == r->body_len, "%s not gzipped by ilnet (Content-Length %s)", path,
	              len ? len : "none");
	ck_assert_msg(vary && strstr(vary, "Accept-Encoding"), "%s: no Vary", path);
	char *got = gunzipped(r);
	ck_assert_msg(!strcmp(got, want), "%s: the gzipped reply is not the plain one", path);
	free(got);
	free(enc);
	free(len);
	free(vary);
	resp_free(r);
}

/* The map, its JSON and a profile are kept parts, sent to a browser
 * deflated once: for each reader, every gzipped reply (made, then served
 * from the kept part, by every worker) inflates to what that reader's
 * plain reply says, and a change shows in both at once. */
START_TEST(kept_parts_go_gzipped_as_made)
{
	long long x = value_int("SELECT min(id) FROM schools WHERE sharing = 'network' AND nation_id IS NULL"
	                        " AND lat IS NOT NULL");
	char profile[64], sql[256];
	snprintf(profile, sizeof profile, "/schools/%lld", x);
	static const char *const readers[] = { "admin@example.org", "leader@example.org", "steward@example.org" };
	const char *paths[] = { "/map", "/api/v1/map", profile };
	char *seen[3][3] = {{0}};
	for (int k = 0; k < 2; k++) {
		for (int u = 0; u < 3; u++) {
			struct client *c = client_new();
			ck_assert_int_eq(login(c, readers[u], DEMO_PW), 303);
			for (int p = 0; p < 3; p++) {
				struct resp *plain = http_get(c, paths[p]);
				ck_assert_int_eq(plain->status, 200);
				char *want = steady(plain->body, plain->body_len);
				for (int i = 0; i < 6; i++)
					gzipped_as_plain(c, paths[p], want);
				ck_assert_int_eq(strstr(want, "Keptzip") != NULL, k);
				/* The change shows (k = 1), and never an unchanged copy. */
				if (k)
					ck_assert_str_ne(want, seen[u][p]);
				free(seen[u][p]);
				seen[u][p] = want;
				resp_free(plain);
			}
			client_free(c);
		}
		if (!k) {
			snprintf(sql, sizeof sql, "UPDATE schools SET city = 'Keptzip ' || city WHERE id = %lld", x);
			ck_assert_int_eq(db_run(sql), 0);
		}
	}
	/* Readers of different reach were told different things. */
	ck_assert_str_ne(seen[0][0], seen[1][0]);
	/* Staff's kept figures: the results, their JSON, the response rates
	 * and the portfolio. */
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	static const char *const staff[] = { "/scans/2018/results", "/api/v1/scans/2018/summary", "/scans/2018",
	                                     "/portfolio" };
	for (size_t p = 0; p < sizeof staff / sizeof staff[0]; p++) {
		struct resp *plain = http_get(c, staff[p]);
		ck_assert_int_eq(plain->status, 200);
		char *want = steady(plain->body, plain->body_len);
		for (int i = 0; i < 6; i++)
			gzipped_as_plain(c, staff[p], want);
		free(want);
		resp_free(plain);
	}
	client_free(c);
	for (int u = 0; u < 3; u++)
		for (int p = 0; p < 3; p++)
			free(seen[u][p]);
	snprintf(sql, sizeof sql, "UPDATE schools SET city = substr(city, 9) WHERE id = %lld", x);
	ck_assert_int_eq(db_run(sql), 0);
}
END_TEST

/* A profile's small map logs the uses of the partner schools it draws,
 * and none when the school itself is not on the viewer's map (no small
 * map is drawn, so no partner is shown). */
START_TEST(small_map_logs_only_what_it_draws)
{
	long long n = value_int("SELECT nation_id FROM users WHERE email = 'steward@example.org'");
	char sql[1024];
	snprintf(sql, sizeof sql, "SELECT max(id) FROM schools WHERE nation_id = %lld AND lat IS NOT NULL", n);
	long long x = value_int(sql);
	snprintf(sql, sizeof sql, "SELECT min(id) FROM schools WHERE nation_id <> %lld AND lat IS NOT NULL", n);
	long long y = value_int(sql);
	snprintf(sql, sizeof sql, "SELECT nation_id FROM schools WHERE id = %lld", y);
	long long m = value_int(sql);
	long long uid = value_int("SELECT id FROM users WHERE email = 'staff@example.org'");
	snprintf(sql, sizeof sql, "UPDATE schools SET sharing = 'foundation' WHERE id IN (%lld, %lld)", x, y);
	ck_assert_int_eq(db_run(sql), 0);
	snprintf(sql, sizeof sql, "INSERT INTO school_consent (school_id, use_name, value) VALUES (%lld, 'map', 'community')"
	         " ON CONFLICT DO UPDATE SET value = 'community'", y);
	ck_assert_int_eq(db_run(sql), 0);
	snprintf(sql, sizeof sql, "DELETE FROM school_consent WHERE school_id = %lld AND use_name = 'map'", x);
	ck_assert_int_eq(db_run(sql), 0);
	snprintf(sql, sizeof sql, "INSERT INTO opportunities (school_id, created_by, local_date, local_time, tz, starts_at,"
	         " minutes, seats, dimensions, confirm) VALUES (%lld, %lld, date('now', '-3 days'), '09:00',"
	         " 'America/Chicago', unixepoch() - 3 * 86400, 60, 10, 'career', 'auto')", x, uid);
	ck_assert_int_eq(db_run(sql), 0);
	snprintf(sql, sizeof sql, "INSERT INTO bookings (opportunity_id, school_id, requested_by, party, names, status)"
	         " VALUES ((SELECT max(id) FROM opportunities), %lld, %lld, 1, 'A teacher', 'confirmed')", y, uid);
	ck_assert_int_eq(db_run(sql), 0);
	struct client *c = client_new();
	ck_assert_int_eq(login(c, "staff@example.org", DEMO_PW), 303);
	char path[64], count[256];
	snprintf(path, sizeof path, "/schools/%lld", x);
	snprintf(count, sizeof count, "SELECT count(*) FROM usage_log WHERE what = 'profile map' AND nation_id = %lld", m);
	for (int k = 0; k < 2; k++) {
		long long before = value_int(count);
		struct resp *r = http_get(c, path);
		ck_assert_int_eq(r->status, 200);
		ck_assert_int_eq(resp_has(r, "mini-map") != 0, k);
		resp_free(r);
		ck_assert_int_eq(value_int(count) - before, k);     /* the partner, once it is drawn */
		/* The nation lets the school be shown: the small map is drawn. */
		snprintf(sql, sizeof sql, "INSERT INTO school_consent (school_id, use_name, value) VALUES (%lld, 'map',"
		         " 'community')", x);
		if (!k)
			ck_assert_int_eq(db_run(sql), 0);
	}
	client_free(c);
}
END_TEST

void add_map_cases(Suite *s);
void add_map_cases(Suite *s)
{
	TCase *t = tcase_create("map");
	tcase_add_unchecked_fixture(t, stack_up, stack_down);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, the_kept_map_follows_every_change);   /* first: no nation's school shown yet */
	tcase_add_test(t, kept_parts_go_gzipped_as_made);
	tcase_add_test(t, outputs_agree_under_filters);
	tcase_add_test(t, never_finer_than_allowed);
	tcase_add_test(t, steward_consent_moves_a_school);
	tcase_add_test(t, profile_map_never_finer_than_allowed);
	tcase_add_test(t, script_positions_are_projected);
	tcase_add_test(t, nations_and_intermediaries);
	tcase_add_test(t, score_ranges);
	tcase_add_test(t, cohort_filter_agrees);
	tcase_add_test(t, cohort_private_school);
	tcase_add_test(t, cohort_ties_only_for_members);
	tcase_add_test(t, small_map_logs_only_what_it_draws);
	tcase_add_test(t, every_partner_listed);     /* last: it adds 150 visits */
	suite_add_tcase(s, t);
}
