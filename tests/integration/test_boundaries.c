/* test_boundaries.c — a nation's boundary through nginx: only an admin
 * adds one (a file or pasted text), checked, with the problem said on the
 * same page and nothing stored; it is drawn nowhere (page, script's JSON,
 * GeoJSON) until the nation's steward consents to the version shown, and
 * not after the steward withdraws consent or an admin replaces it;
 * deleting it asks first.  On a stack of its own. */
#include "harness.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long long nation;
static char square[512];

static long long value_int(const char *sql)
{
	char *v = db_value(sql);
	ck_assert_msg(v != NULL, "no value for %s", sql);
	long long n = atoll(v);
	free(v);
	return n;
}

/* A square of 0.4 degrees around the steward's nation's government. */
static void setup_square(void)
{
	nation = value_int("SELECT nation_id FROM users WHERE email = 'steward@example.org'");
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT printf('%%.2f|%%.2f', seat_lon, seat_lat) FROM nations WHERE id = %lld", nation);
	char *v = db_value(sql);
	double lon = atof(v), lat = atof(strchr(v, '|') + 1);
	free(v);
	snprintf(square, sizeof square, "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\","
	         "\"coordinates\":[[[%.2f,%.2f],[%.2f,%.2f],[%.2f,%.2f],[%.2f,%.2f],[%.2f,%.2f]]]}}",
	         lon - 0.2, lat - 0.2, lon + 0.2, lat - 0.2, lon + 0.2, lat + 0.2, lon - 0.2, lat + 0.2,
	         lon - 0.2, lat - 0.2);
}

/* The boundary drawn for c: in the page's drawing, the script's JSON and
 * the GeoJSON export all three, or in none. */
static int drawn_for(struct client *c)
{
	struct resp *page = http_get(c, "/map"), *api = http_get(c, "/api/v1/map"), *geo = http_get(c, "/map.geojson");
	ck_assert_int_eq(page->status, 200);
	int a = resp_has(page, "<path class=\"boundary\""), b = resp_has(api, "\"boundary\":[[["),
	    g = resp_has(geo, "\"kind\":\"boundary\"");
	ck_assert_msg(a == b && b == g, "drawn in the page %d, the JSON %d, the GeoJSON %d", a, b, g);
	/* The legend names a boundary only when one is drawn. */
	ck_assert_int_eq(resp_has(page, "swatch boundary"), a);
	if (a) {
		char *name;
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT name FROM nations WHERE id = %lld", nation);
		name = db_value(sql);
		char want[256];
		snprintf(want, sizeof want, "<title>%s — its boundary, as the nation provided it</title>", name);
		ck_assert_msg(resp_has(page, want), "not labelled: %s", want);
		ck_assert(resp_has(geo, "\"geometry\":{\"type\":\"MultiPolygon\""));
		free(name);
	}
	resp_free(page);
	resp_free(api);
	resp_free(geo);
	return a;
}

static long long changes(const char *what)
{
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM boundary_changes WHERE nation_id = %lld AND what = '%s'", nation, what);
	return value_int(sql);
}

/* POST the admin's form as multipart, the file's text as given. */
static struct resp *upload(struct client *c, const char *file_text, const char *source)
{
	char path[64];
	snprintf(path, sizeof path, "/admin/nations/%lld", nation);
	struct resp *g = http_get(c, path);
	ck_assert_int_eq(g->status, 200);
	ck_assert(resp_has(g, "enctype=\"multipart/form-data\""));
	char *tok = csrf_of(g);
	resp_free(g);
	size_t cap = strlen(file_text) + 2048;
	char *body = malloc(cap);
	int n = snprintf(body, cap,
	    "--zz\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n%s\r\n"
	    "--zz\r\nContent-Disposition: form-data; name=\"action\"\r\n\r\nadd\r\n"
	    "--zz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"boundary.geojson\"\r\n"
	    "Content-Type: application/geo+json\r\n\r\n%s\r\n"
	    "--zz\r\nContent-Disposition: form-data; name=\"geojson\"\r\n\r\n\r\n"
	    "--zz\r\nContent-Disposition: form-data; name=\"source\"\r\n\r\n%s\r\n--zz--\r\n", tok, file_text, source);
	const char *hdr[] = { "Content-Type: multipart/form-data; boundary=zz", NULL };
	struct resp *r = http_req(c, "POST", path, body, (size_t)n, hdr);
	free(body);
	free(tok);
	return r;
}

static struct resp *steward_says(struct client *c, const char *consent, int stale)
{
	struct resp *g = http_get(c, "/steward");
	char *version = field_of(g, "version");
	ck_assert_msg(version != NULL, "no consent form on /steward");
	resp_free(g);
	char form[128];
	snprintf(form, sizeof form, "consent=%s&version=%lld", consent, atoll(version) - stale);
	free(version);
	return post_form(c, "/steward", "/steward/boundary", form);
}

START_TEST(consent_gates_the_drawing)
{
	setup_square();
	struct client *admin = client_new(), *staff = client_new(), *steward = client_new(), *leader = client_new();
	ck_assert_int_eq(login(admin, "admin@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(staff, "staff@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(steward, "steward@example.org", DEMO_PW), 303);
	ck_assert_int_eq(login(leader, "leader@example.org", DEMO_PW), 303);
	char path[64], form[1200];
	snprintf(path, sizeof path, "/admin/nations/%lld", nation);

	/* Wrong roles: staff may not see or add a boundary; a leader may not consent. */
	struct resp *r = http_get(staff, "/admin/nations");
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	char *esc = curl_easy_escape(NULL, square, 0);
	snprintf(form, sizeof form, "action=add&source=x&geojson=%s", esc);
	r = post_form(staff, "/account", path, form);
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	r = post_form(leader, "/account", "/steward/boundary", "consent=yes&version=1");
	ck_assert_int_eq(r->status, 403);
	resp_free(r);
	/* Without the CSRF token: refused. */
	r = http_post(admin, path, form);
	ck_assert_int_ge(r->status, 400);
	resp_free(r);
	ck_assert_int_eq(value_int("SELECT count(*) FROM nation_boundaries"), 0);

	/* A ring not closed, pasted: said on the same page, the text kept,
	 * nothing stored. */
	r = post_form(admin, path, path, "action=add&source=Tribal+GIS+office&geojson=%7B%22type%22%3A%22Polygon%22%2C"
	              "%22coordinates%22%3A%5B%5B%5B-95%2C47%5D%2C%5B-94%2C47%5D%2C%5B-94%2C48%5D%2C%5B-95%2C47.5%5D%5D%5D%7D");
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "Ring 1 is not closed"));
	ck_assert(resp_has(r, "role=\"alert\""));
	ck_assert(resp_has(r, "[-95,47.5]]]}</textarea>"));
	ck_assert(resp_has(r, "value=\"Tribal GIS office\""));
	resp_free(r);
	/* Outside the region, as a file. */
	r = upload(admin, "{\"type\":\"Polygon\",\"coordinates\":[[[-120,47],[-94,47],[-94,48],[-120,47]]]}", "GIS");
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "The file: Ring 1, position 1 (-120, 47) lies outside the region"));
	resp_free(r);
	/* No source: refused, the boundary with it. */
	r = upload(admin, square, "");
	ck_assert_int_eq(r->status, 422);
	ck_assert(resp_has(r, "Say who in the nation provided the boundary."));
	resp_free(r);
	ck_assert_int_eq(value_int("SELECT count(*) FROM nation_boundaries"), 0);

	/* Stored, as a file: not drawn for anyone until the steward consents. */
	r = upload(admin, square, "Tribal GIS office, 2026");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	ck_assert_int_eq(value_int("SELECT count(*) FROM nation_boundaries WHERE consent_by IS NULL"), 1);
	ck_assert_int_eq(changes("added"), 1);
	ck_assert(!drawn_for(staff));
	ck_assert(!drawn_for(admin));
	r = http_get(steward, "/steward");
	ck_assert(resp_has(r, "It is not drawn"));
	ck_assert(resp_has(r, "Consent: draw this boundary on the map"));
	ck_assert(resp_has(r, "<path class=\"boundary\""));          /* shown to the steward to judge */
	resp_free(r);

	/* Consent to a version not the one stored: nothing changes. */
	r = steward_says(steward, "yes", 1);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	ck_assert(!drawn_for(staff));
	/* Consent: drawn, for every viewer; sent twice, recorded once. */
	r = steward_says(steward, "yes", 0);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	ck_assert(drawn_for(staff));
	ck_assert(drawn_for(leader));
	r = steward_says(steward, "yes", 0);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	ck_assert_int_eq(changes("consented"), 1);

	/* Replaced by the admin: waits for consent again. */
	r = upload(admin, square, "Tribal GIS office, revised");
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	ck_assert_int_eq(changes("replaced"), 1);
	ck_assert(!drawn_for(staff));
	r = steward_says(steward, "yes", 0);
	resp_free(r);
	ck_assert(drawn_for(staff));
	/* Withdrawn: not drawn, at once. */
	r = steward_says(steward, "no", 0);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	ck_assert(!drawn_for(staff));
	ck_assert_int_eq(changes("withdrawn"), 1);

	/* Deleting asks on a page of its own first. */
	r = post_form(admin, path, path, "action=delete");
	ck_assert_int_eq(r->status, 200);
	ck_assert(resp_has(r, "Delete the boundary of"));
	ck_assert_int_eq(value_int("SELECT count(*) FROM nation_boundaries"), 1);
	char *key = field_of(r, "_key");
	ck_assert(key != NULL);
	resp_free(r);
	snprintf(form, sizeof form, "action=delete&sure=1&_key=%s", key);
	free(key);
	r = post_form(admin, path, path, form);
	ck_assert_int_eq(r->status, 303);
	resp_free(r);
	ck_assert_int_eq(value_int("SELECT count(*) FROM nation_boundaries"), 0);
	ck_assert_int_eq(changes("deleted"), 1);
	r = http_get(steward, "/steward");
	ck_assert(resp_has(r, "No boundary has been added"));
	ck_assert(!resp_has(r, "name=\"version\""));
	resp_free(r);
	curl_free(esc);
	client_free(admin);
	client_free(staff);
	client_free(steward);
	client_free(leader);
}
END_TEST

void add_boundary_cases(Suite *s);
void add_boundary_cases(Suite *s)
{
	TCase *t = tcase_create("nation boundaries");
	tcase_add_unchecked_fixture(t, stack_up, stack_down);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, consent_gates_the_drawing);
	suite_add_tcase(s, t);
}
