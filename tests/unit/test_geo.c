/* test_geo.c — the projection against PROJ, counties found and counted,
 * the outline layer's SVG. */
#include "unit.h"
#include "buf.h"
#include "geo.h"
#include "map.h"
#include "db.h"

#include <sqlite3.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Where PROJ 9.1.1 (Debian's python3-pyproj 3.4.1) puts these places under
 * "+proj=aea +lat_1=43.5 +lat_2=48.5 +lat_0=45.5 +lon_0=-97.5
 * +R=6371008.8": the output of tests/geo_reference.py, pasted. */
static const struct { double lon, lat, x, y; } ref[] = {
	{   -93.265,  44.978,     332696.5989,     -49254.7457 },	/* Minneapolis */
	{  -100.780,  46.810,    -249335.4494,     150930.5616 },	/* Bismarck */
	{  -100.351,  44.368,    -226455.4460,    -121917.6838 },	/* Pierre */
	{   -96.790,  46.877,      53920.1150,     153497.4669 },	/* Fargo */
	{  -104.050,  49.000,    -477500.3137,     409028.2114 },	/* ND/MT/Canada corner */
	{  -104.050,  43.000,    -532277.8403,    -256221.2969 },	/* SD/NE/WY corner */
	{   -96.450,  42.490,      86166.9511,    -334204.9482 },	/* SD/NE/IA, Missouri */
	{   -89.490,  47.960,     595208.8726,     303684.5996 },	/* Grand Portage */
	{   -95.150,  49.380,     170240.4436,     434138.7868 },	/* Northwest Angle */
};

static void teardown(void)
{
	geo_free();
}

START_TEST(projection_matches_proj)
{
	for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) {
		double x, y, lon, lat;
		geo_project(ref[i].lon, ref[i].lat, &x, &y);
		ck_assert_msg(fabs(x - ref[i].x) < 0.001 && fabs(y - ref[i].y) < 0.001,
		              "%g,%g: %.4f,%.4f, PROJ says %.4f,%.4f", ref[i].lon, ref[i].lat,
		              x, y, ref[i].x, ref[i].y);
		geo_unproject(ref[i].x, ref[i].y, &lon, &lat);
		ck_assert_double_eq_tol(lon, ref[i].lon, 1e-8);
		ck_assert_double_eq_tol(lat, ref[i].lat, 1e-8);
	}
	double x, y, lon, lat;
	geo_project(-97.5, 45.5, &x, &y);           /* the origin */
	ck_assert_double_eq_tol(x, 0, 1e-6);
	ck_assert_double_eq_tol(y, 0, 1e-6);
	/* PROJ's inverse of an arbitrary plane point. */
	geo_unproject(123456.0, -234567.0, &lon, &lat);
	ck_assert_double_eq_tol(lon, -95.97244142760897, 1e-9);
	ck_assert_double_eq_tol(lat, 43.38094246661391, 1e-9);
}
END_TEST

START_TEST(projection_round_trip)
{
	for (double lat = 40; lat <= 52; lat += 0.37)
		for (double lon = -106; lon <= -88; lon += 0.53) {
			double x, y, lo, la;
			geo_project(lon, lat, &x, &y);
			geo_unproject(x, y, &lo, &la);
			ck_assert_msg(fabs(lo - lon) < 1e-6 && fabs(la - lat) < 1e-6,
			              "%g,%g came back as %.9f,%.9f", lon, lat, lo, la);
		}
}
END_TEST

static int county_count(const char *state)
{
	const struct geo_region *g = geo_region();
	int n = 0;
	for (int i = 0; i < g->ncounties; i++)
		n += strcmp(g->counties[i].state->code, state) == 0;
	return n;
}

START_TEST(region_as_shipped)
{
	const struct geo_region *g = geo_region();
	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(g->nstates, 3);
	ck_assert_str_eq(geo_state_find("MN")->name, "Minnesota");
	ck_assert_str_eq(geo_state_find("38")->name, "North Dakota");
	ck_assert_str_eq(geo_state_find("sd")->fips, "46");
	ck_assert_ptr_null(geo_state_find("IA"));
	/* The 2017 Census files: Oglala Lakota (46102) has replaced Shannon. */
	ck_assert_int_eq(county_count("MN"), 87);
	ck_assert_int_eq(county_count("ND"), 53);
	ck_assert_int_eq(county_count("SD"), 66);
	ck_assert_int_eq(g->ncounties, 206);
	ck_assert_str_eq(geo_county_find("46102")->name, "Oglala Lakota");
	ck_assert_ptr_null(geo_county_find("46113"));
	ck_assert_str_eq(geo_county_find("27077")->name, "Lake of the Woods");
	ck_assert_ptr_null(geo_county_find("19001"));
	ck_assert_ptr_null(geo_county_find(""));
	/* Equal area: the states come out within 1 % of their total areas as
	 * the Census Bureau publishes them (ND 183,108 km², SD 199,729; MN
	 * 225,163 less its 5,729 of Lake Superior, which the cartographic
	 * files leave out), simplified as the outlines are. */
	static const struct { const char *code; double km2; } areas[] = {
		{ "MN", 225163 - 5729 }, { "ND", 183108 }, { "SD", 199729 },
	};
	for (size_t s = 0; s < 3; s++) {
		double a = 0;
		for (int i = 0; i < g->ncounties; i++)
			if (strcmp(g->counties[i].state->code, areas[s].code) == 0)
				a += g->counties[i].area / 1e6;
		ck_assert_msg(fabs(a - areas[s].km2) / areas[s].km2 < 0.01, "%s: %.0f km²", areas[s].code, a);
	}
}
END_TEST

START_TEST(county_of_a_point)
{
	static const struct { double lon, lat; const char *fips; } at[] = {
		{ -93.265, 44.978, "27053" },     /* Minneapolis: Hennepin */
		{ -100.78, 46.81, "38015" },      /* Bismarck: Burleigh */
		{ -96.73, 43.54, "46099" },       /* Sioux Falls: Minnehaha */
		{ -100.351, 44.368, "46065" },    /* Pierre: Hughes */
		{ -96.79, 46.877, "38017" },      /* Fargo: Cass */
		{ -96.767, 46.874, "27027" },     /* Moorhead, across the Red River: Clay */
		{ -92.1, 46.78, "27137" },        /* Duluth: St. Louis */
		{ -102.55, 43.02, "46102" },      /* Pine Ridge: Oglala Lakota */
		{ -95.06, 49.35, "27077" },       /* the Northwest Angle: Lake of the Woods */
	};
	for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
		const struct geo_county *c = geo_county_of(at[i].lon, at[i].lat);
		ck_assert_msg(c && strcmp(c->fips, at[i].fips) == 0, "%g,%g: %s, not %s",
		              at[i].lon, at[i].lat, c ? c->fips : "none", at[i].fips);
	}
	ck_assert_ptr_null(geo_county_of(-87.63, 41.88));     /* Chicago */
	ck_assert_ptr_null(geo_county_of(-97.14, 49.9));      /* Winnipeg */
	ck_assert_ptr_null(geo_county_of(-93.6, 41.6));       /* Des Moines */
	ck_assert_ptr_null(geo_county_of(-108.5, 45.8));      /* Billings */
	ck_assert_ptr_null(geo_county_of(-88.5, 47.5));       /* Lake Superior */
	ck_assert_ptr_null(geo_county_of(NAN, 45));
}
END_TEST

START_TEST(centroids)
{
	const struct geo_region *g = geo_region();
	double lon, lat;
	/* Hennepin's centroid, near the Census Bureau's internal point
	 * (-93.4768, 45.0057). */
	ck_assert_int_eq(geo_county_centroid("27053", &lon, &lat), 0);
	ck_assert_double_eq_tol(lon, -93.477, 0.03);
	ck_assert_double_eq_tol(lat, 45.006, 0.03);
	ck_assert_int_eq(geo_county_centroid("99999", &lon, &lat), -1);
	/* A school coarsened to its county's centroid must still be placed in
	 * its county: every centroid of the shipped data lies in its own. */
	for (int i = 0; i < g->ncounties; i++) {
		const struct geo_county *c = &g->counties[i];
		ck_assert_msg(geo_county_of(c->lon, c->lat) == c, "%s %s: centroid %.4f,%.4f is in %s",
		              c->fips, c->name, c->lon, c->lat,
		              geo_county_of(c->lon, c->lat) ? geo_county_of(c->lon, c->lat)->fips : "none");
	}
}
END_TEST

/* The SVG's tags balance: every <g> closed, every <path/> self-closed,
 * nothing between the tags but newlines, quotes even inside each tag. */
static void assert_balanced(const char *s)
{
	int depth = 0;
	while (*s) {
		if (*s == '\n') {
			s++;
			continue;
		}
		ck_assert_msg(*s == '<', "text outside tags: %.20s", s);
		const char *e = strchr(s, '>');
		ck_assert_ptr_nonnull(e);
		int quotes = 0;
		for (const char *q = s; q < e; q++) {
			ck_assert_msg(*q != '<' || q == s, "'<' inside a tag");
			quotes += *q == '"';
		}
		ck_assert_int_eq(quotes % 2, 0);
		if (strncmp(s, "</g>", 4) == 0)
			depth--;
		else if (strncmp(s, "<g ", 3) == 0)
			depth++;
		else
			ck_assert_msg(strncmp(s, "<path ", 6) == 0 && e[-1] == '/', "unexpected tag %.20s", s);
		ck_assert_int_ge(depth, 0);
		s = e + 1;
	}
	ck_assert_int_eq(depth, 0);
}

/* Every point of every path's d in [0,w] x [0,h]; returns how many. */
static int assert_inside(const char *svg, int w, int h)
{
	int n = 0;
	for (const char *d = strstr(svg, " d=\""); d; d = strstr(d, " d=\"")) {
		d += 4;
		double x = 0, y = 0;
		int rel = 0;
		while (*d != '"') {
			if (*d == 'M' || *d == 'l') {
				rel = *d++ == 'l';
				continue;
			}
			char *e;
			double a = strtod(d, &e);
			ck_assert_ptr_ne(e, d);
			double b = strtod(e, &e);
			x = rel ? x + a : a;
			y = rel ? y + b : b;
			ck_assert_msg(x >= 0 && x <= w && y >= 0 && y <= h, "%g,%g outside %dx%d", x, y, w, h);
			n++;
			d = e;
			d += strspn(d, " ");
		}
	}
	return n;
}

START_TEST(svg_outlines)
{
	struct geo_view v;
	struct buf b = {0};
	geo_view_fit(&v, 960, 640, 10);
	geo_svg_outlines(&b, &v);
	assert_balanced(buf_str(&b));
	ck_assert_msg(b.len < 60000, "outline layer is %zu bytes", b.len);
	ck_assert_ptr_nonnull(strstr(buf_str(&b), "<path class=\"geo-county\""));
	ck_assert_ptr_nonnull(strstr(buf_str(&b), "<path class=\"geo-state\""));
	int n = assert_inside(buf_str(&b), 960, 640);
	ck_assert_int_gt(n, 1000);
	/* Fitted: the region touches the margin on one axis at least. */
	const struct geo_region *g = geo_region();
	double x0, y0, x1, y1;
	x0 = v.tx + v.k * g->xy.x0, x1 = v.tx + v.k * g->xy.x1;
	y0 = v.ty - v.k * g->xy.y1, y1 = v.ty - v.k * g->xy.y0;
	ck_assert(fabs(x0 - 10) < 0.01 || fabs(y0 - 10) < 0.01);
	ck_assert(fabs(x1 - 950) < 0.01 || fabs(y1 - 630) < 0.01);
	/* A city lands where its county is drawn: Minneapolis inside
	 * Hennepin's box on the map. */
	double sx, sy, hx0, hy0, hx1, hy1;
	const struct geo_county *hen = geo_county_find("27053");
	geo_to_svg(&v, -93.265, 44.978, &sx, &sy);
	hx0 = v.tx + v.k * hen->xy.x0, hx1 = v.tx + v.k * hen->xy.x1;
	hy0 = v.ty - v.k * hen->xy.y1, hy1 = v.ty - v.k * hen->xy.y0;
	ck_assert(sx > hx0 && sx < hx1 && sy > hy0 && sy < hy1);

	/* Zoomed to a state: South Dakota's lines fill the view, the lines
	 * wholly elsewhere are left out; what is left may run past the edge. */
	struct buf z = {0};
	ck_assert_int_eq(geo_view_fit_state(&v, "SD", 960, 640, 10), 0);
	geo_svg_outlines(&z, &v);
	assert_balanced(buf_str(&z));
	ck_assert_int_lt(z.len, b.len);
	for (int i = 0; i < g->ncounties; i++) {
		const struct geo_county *c = &g->counties[i];
		geo_to_svg(&v, c->lon, c->lat, &sx, &sy);
		if (strcmp(c->state->code, "SD") == 0)
			ck_assert(sx >= 10 && sx <= 950 && sy >= 10 && sy <= 630);
	}
	ck_assert_int_eq(geo_view_fit_state(&v, "XX", 960, 640, 10), -1);
	ck_assert_int_eq(geo_view_fit_county(&v, "27053", 400, 400, 0), 0);
	geo_to_svg(&v, -93.265, 44.978, &sx, &sy);
	ck_assert(sx > 0 && sx < 400 && sy > 0 && sy < 400);
	buf_free(&z);
	buf_free(&b);
}
END_TEST

/* A malformed file is refused, line named, and the region loaded before
 * stays; a good one replaces it. */
START_TEST(load_errors)
{
	ck_assert_ptr_nonnull(geo_region());
	char path[] = "/tmp/ilnet-geo-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *f = fdopen(fd, "w");
	fputs("# a test region\nS 27 MN Minnesota\nC 27001 Square\nR -94 46 -93 46 -93 47\nR -94 46 x\n", f);
	fclose(f);
	ck_assert_int_eq(geo_load(path), -1);
	ck_assert_int_eq(geo_region()->ncounties, 206);
	f = fopen(path, "w");
	fputs("S 27 MN Minnesota\nC 27001 Triangle\nR -94 46 -93 46 -93 47\nL s -94 46 -93 46 -93 47 -94 46\n", f);
	fclose(f);
	ck_assert_int_eq(geo_load(path), 0);
	ck_assert_int_eq(geo_region()->ncounties, 1);
	ck_assert_ptr_nonnull(geo_county_of(-93.2, 46.5));
	ck_assert_ptr_null(geo_county_of(-93.8, 46.9));
	f = fopen(path, "w");         /* wound clockwise: no area */
	fputs("S 27 MN Minnesota\nC 27001 Triangle\nR -94 46 -93 47 -93 46\n", f);
	fclose(f);
	ck_assert_int_eq(geo_load(path), -1);
	f = fopen(path, "w");         /* a county of a state not given */
	fputs("S 27 MN Minnesota\nC 38001 Adams\nR -94 46 -93 46 -93 47\n", f);
	fclose(f);
	ck_assert_int_eq(geo_load(path), -1);
	unlink(path);
	ck_assert_int_eq(geo_load("/nonexistent/region.txt"), -1);
	ck_assert_str_eq(geo_region()->counties[0].name, "Triangle");
	/* After geo_free() the shipped region loads again on first use. */
	geo_free();
	ck_assert_int_eq(geo_region()->ncounties, 206);
}
END_TEST

/* An intermediary's node: the mean of its schools' positions, and never
 * finer than the coarsest of them (a county's centroid when any is shown
 * only there). */
START_TEST(centroid_no_finer_than_coarsest)
{
	double lon[3] = { -93.265, -93.10, -94.0 }, lat[3] = { 44.978, 44.95, 45.5 }, olon, olat;
	int exact[3] = { 1, 1, 1 };
	ck_assert_int_eq(map_centroid(lon, lat, exact, 2, &olon, &olat), 1);
	ck_assert_double_eq_tol(olon, (-93.265 - 93.10) / 2, 1e-9);
	ck_assert_double_eq_tol(olat, (44.978 + 44.95) / 2, 1e-9);
	/* One of three only coarsely: the mean's county centre. */
	const struct geo_county *c = geo_county_of(-94.0, 45.5);
	ck_assert_ptr_nonnull(c);
	lon[2] = c->lon;
	lat[2] = c->lat;
	exact[2] = 0;
	ck_assert_int_eq(map_centroid(lon, lat, exact, 3, &olon, &olat), 0);
	const struct geo_county *at = geo_county_of(olon, olat);
	ck_assert_ptr_nonnull(at);
	ck_assert_double_eq_tol(olon, at->lon, 1e-9);
	ck_assert_double_eq_tol(olat, at->lat, 1e-9);
	/* Outside the counties: the policy's grid. */
	double wlon[1] = { -110.123456 }, wlat[1] = { 40.123456 };
	int wex[1] = { 0 };
	ck_assert_int_eq(map_centroid(wlon, wlat, wex, 1, &olon, &olat), 0);
	ck_assert(fabs(olon - -110.123456) > 1e-4 || fabs(olat - 40.123456) > 1e-4);
}
END_TEST

/* The outlines for the page's script: every line of the region, in
 * projected kilometres, the same on every call. */
START_TEST(json_outlines)
{
	struct buf a = {0}, b = {0};
	geo_json_outlines(&a);
	geo_json_outlines(&b);
	ck_assert_str_eq(buf_str(&a), buf_str(&b));
	ck_assert_ptr_nonnull(strstr(buf_str(&a), "{\"county\":[["));
	ck_assert_ptr_nonnull(strstr(buf_str(&a), "],\"state\":[["));
	ck_assert_ptr_nonnull(strstr(buf_str(&a), "\"MN\":["));
	/* Minneapolis lies inside Minnesota's box, in kilometres. */
	double x, y;
	geo_project(-93.265, 44.978, &x, &y);
	const struct geo_state *mn = geo_state_find("MN");
	ck_assert(x > mn->xy.x0 && x < mn->xy.x1 && y > mn->xy.y0 && y < mn->xy.y1);
	char want[64];
	snprintf(want, sizeof want, "\"MN\":[%.1f,", round(mn->xy.x0 / 100) / 10);
	ck_assert_ptr_nonnull(strstr(buf_str(&a), want));
	buf_free(&a);
	buf_free(&b);
}
END_TEST

/* Every nation's seat (021_map.sql, corrected by 023_seats.sql) lies in
 * the region's outline, in a state the nation is in: a guard against a
 * sign, a swapped pair or a town of the same name elsewhere. */
START_TEST(nation_seats_in_their_states)
{
	struct req *r = test_req_new();
	int n = 0;
	sqlite3_stmt *st = db_q(r, "SELECT id, seat, seat_lon, seat_lat FROM nations ORDER BY id", "");
	while (db_step(r, st)) {
		long long id = db_col_int(st, 0);
		const char *seat = db_col_text(r, st, 1);
		ck_assert_msg(!db_col_null(st, 2) && !db_col_null(st, 3), "nation %lld has no seat", id);
		double lon = sqlite3_column_double(st, 2), lat = sqlite3_column_double(st, 3);
		const struct geo_county *c = geo_county_of(lon, lat);
		ck_assert_msg(c != NULL, "%s (%g, %g) lies outside the region", seat, lon, lat);
		ck_assert_msg(db_int(r, 0, "SELECT count(*) FROM nation_states WHERE nation_id = ? AND state_code = ?",
		                     "It", id, c->state->code) == 1,
		              "%s (%g, %g) lies in %s County, %s, not in the nation's states",
		              seat, lon, lat, c->name, c->state->code);
		ck_assert_msg(strlen(seat) > 4 && strcmp(seat + strlen(seat) - 2, c->state->code) == 0,
		              "%s lies in %s", seat, c->state->code);
		n++;
	}
	ck_assert_int_eq(n, 23);
	/* 023_seats.sql: Agency Village at GNIS's point, not 6 km east of it. */
	ck_assert_int_eq(db_int(r, 0, "SELECT seat_lon = -97.08 AND seat_lat = 45.58 FROM nations"
	                        " WHERE seat = 'Agency Village, SD'", ""), 1);
	test_req_free(r);
}
END_TEST

Suite *geo_suite(void)
{
	Suite *s = suite_create("geo");
	TCase *t = tcase_create("geo");
	tcase_add_checked_fixture(t, NULL, teardown);
	tcase_add_test(t, projection_matches_proj);
	tcase_add_test(t, projection_round_trip);
	tcase_add_test(t, region_as_shipped);
	tcase_add_test(t, county_of_a_point);
	tcase_add_test(t, centroids);
	tcase_add_test(t, svg_outlines);
	tcase_add_test(t, load_errors);
	tcase_add_test(t, centroid_no_finer_than_coarsest);
	tcase_add_test(t, json_outlines);
	tcase_add_test(t, nation_seats_in_their_states);
	suite_add_tcase(s, t);
	return s;
}
