/* test_boundary.c — a nation's boundary read from GeoJSON: the shapes
 * taken, every way a file is refused and what the refusal says, the
 * stored MultiPolygon, and the drawing. */
#include "unit.h"
#include "arena.h"
#include "boundary.h"
#include "buf.h"
#include "geo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The region's box, as geo_region() gives it (degrees). */
static const struct geo_box box = { -104.06, 42.48, -89.48, 49.39 };

static struct arena a;

static void teardown(void)
{
	arena_free(&a);
}

static int parse(const char *text, struct boundary *b, const char **why)
{
	return boundary_parse(&a, text, strlen(text), &box, b, why);
}

/* The refusal of text, which must mention part. */
static void refused(const char *text, const char *part)
{
	struct boundary b;
	const char *why = NULL;
	ck_assert_msg(parse(text, &b, &why) == -1, "taken: %s", text);
	ck_assert(why != NULL);
	ck_assert_msg(strstr(why, part) != NULL, "“%s” does not say “%s”", why, part);
	ck_assert_int_eq(b.npt, 0);               /* nothing half-read */
}

#define SQUARE "[[-95.5,47.5],[-95.0,47.5],[-95.0,48.0],[-95.5,48.0],[-95.5,47.5]]"
#define HOLE "[[-95.4,47.6],[-95.4,47.9],[-95.1,47.9],[-95.1,47.6],[-95.4,47.6]]"

START_TEST(shapes_taken)
{
	struct boundary b;
	const char *why;
	ck_assert_int_eq(parse("{\"type\":\"Polygon\",\"coordinates\":[" SQUARE "," HOLE "]}", &b, &why), 0);
	ck_assert_int_eq(b.npolys, 1);
	ck_assert_int_eq(b.nrings, 2);
	ck_assert_int_eq(b.npt, 10);
	ck_assert_int_eq(b.rings[1].poly, 0);
	ck_assert(b.lon0 == -95.5 && b.lon1 == -95.0 && b.lat0 == 47.5 && b.lat1 == 48.0);
	ck_assert_int_eq(parse("{\"type\":\"MultiPolygon\",\"coordinates\":[[" SQUARE "],[" SQUARE "," HOLE "]]}", &b,
	                       &why), 0);
	ck_assert_int_eq(b.npolys, 2);
	ck_assert_int_eq(b.nrings, 3);
	ck_assert_int_eq(b.rings[2].poly, 1);
	/* As a Feature, in a FeatureCollection of one, with heights. */
	ck_assert_int_eq(parse("{\"type\":\"Feature\",\"properties\":{\"name\":\"x\"},\"geometry\":"
	                       "{\"type\":\"Polygon\",\"coordinates\":[" SQUARE "]}}", &b, &why), 0);
	ck_assert_int_eq(parse("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"geometry\":"
	                       "{\"type\":\"Polygon\",\"coordinates\":[[[-95.5,47.5,300],[-95,47.5,301],[-95,48,302],"
	                       "[-95.5,47.5,300]]]}}]}\n", &b, &why), 0);
	ck_assert_int_eq(b.heights, 4);
	ck_assert_int_eq(b.npt, 4);
}
END_TEST

START_TEST(refusals_say_what_and_where)
{
	refused("", "no boundary");
	refused("   \n", "no boundary");
	refused("{\"type\":\"Polygon\",", "cannot be read at character");
	refused("<kml></kml>", "not GeoJSON");
	refused("[1,2]", "no \"type\"");
	refused("{\"type\":\"Point\",\"coordinates\":[-95,47]}", "holds a Point");
	refused("{\"type\":\"LineString\",\"coordinates\":[[-95,47],[-94,47]]}", "Polygon or MultiPolygon");
	refused("{\"type\":\"FeatureCollection\",\"features\":[]}", "holds 0 features");
	refused("{\"type\":\"Feature\",\"geometry\":null}", "no geometry");
	refused("{\"type\":\"Polygon\",\"coordinates\":[]}", "no coordinates");
	refused("{\"type\":\"Polygon\",\"coordinates\":[[[-95.5,47.5],[-95,47.5],[-95.5,47.5]]]}",
	        "Ring 1 has 3 positions; a ring needs at least 4");
	refused("{\"type\":\"Polygon\",\"coordinates\":[[[-95.5,47.5],[-95,47.5],[-95,48],[-95.4,48]]]}",
	        "Ring 1 is not closed: its last position (-95.4, 48) is not its first (-95.5, 47.5)");
	refused("{\"type\":\"MultiPolygon\",\"coordinates\":[[" SQUARE "],[" SQUARE ",[[-95,47],[-94,47],[-94,48],[-95,47.5]]]]}",
	        "Polygon 2, ring 2 is not closed");
	refused("{\"type\":\"Polygon\",\"coordinates\":[[[-95.5,47.5],[-95,47.5],[\"x\",48],[-95.5,47.5]]]}",
	        "Ring 1, position 3 is not [longitude, latitude] in numbers");
	refused("{\"type\":\"Polygon\",\"coordinates\":[[[-95.5,47.5],[-95],[-95,48],[-95.5,47.5]]]}",
	        "position 2 is not");
	refused("{\"type\":\"Polygon\",\"coordinates\":[[[-95.5,47.5],[-95,47.5,1,2],[-95,48],[-95.5,47.5]]]}",
	        "position 2 is not");
	refused("{\"type\":\"Polygon\",\"coordinates\":[[[-95.5,47.5],[1e999,47.5],[-95,48],[-95.5,47.5]]]}",
	        "position 2 is not");
	/* Outside the region: said with the region's extent; swapped
	 * coordinates recognised. */
	refused("{\"type\":\"Polygon\",\"coordinates\":[[[-110,47.5],[-95,47.5],[-95,48],[-110,47.5]]]}",
	        "position 1 (-110, 47.5) lies outside the region (longitude -104.06 to -89.48");
	refused("{\"type\":\"Polygon\",\"coordinates\":[[[47.5,-95.5],[47.5,-95],[48,-95],[47.5,-95.5]]]}",
	        "GeoJSON gives longitude first");
	/* Too big: in bytes, and in positions. */
	size_t big = BOUNDARY_MAX_BYTES + 10;
	char *t = malloc(big + 1);
	memset(t, ' ', big);
	memcpy(t, "{\"type\":\"Polygon\"", 17);
	t[big - 1] = '}';
	t[big] = '\0';
	refused(t, "ilnet takes a boundary of up to 512 KB");
	free(t);
	struct buf many = {0};
	buf_puts(&many, "{\"type\":\"Polygon\",\"coordinates\":[[");
	for (int i = 0; i < BOUNDARY_MAX_POINTS + 5; i++)
		buf_printf(&many, "%s[-95,47.5]", i ? "," : "");
	buf_puts(&many, "]]}");
	refused(buf_str(&many), "more than 20000 positions");
	buf_free(&many);
	/* A NUL inside: not a text file. */
	struct boundary b;
	const char *why;
	ck_assert_int_eq(boundary_parse(&a, "{\"type\"\0:1}", 11, &box, &b, &why), -1);
	ck_assert(strstr(why, "not text") != NULL);
}
END_TEST

/* Stored as a MultiPolygon that reads back to the same positions. */
START_TEST(stored_reads_back)
{
	struct boundary b, c;
	const char *why;
	ck_assert_int_eq(parse("{\"type\":\"Polygon\",\"coordinates\":[" SQUARE "," HOLE "]}", &b, &why), 0);
	const char *text = boundary_geojson(&a, &b);
	ck_assert_msg(!strncmp(text, "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[-95.5,47.5],", 52), "%s", text);
	ck_assert_int_eq(parse(text, &c, &why), 0);
	ck_assert_int_eq(c.npolys, 1);
	ck_assert_int_eq(c.nrings, 2);
	ck_assert_int_eq(c.npt, b.npt);
	ck_assert_int_eq(memcmp(c.pt, b.pt, sizeof *b.pt * 2 * (size_t)b.npt), 0);
}
END_TEST

/* Drawn: each ring a closed subpath in the view's units, with the map's
 * projection; for the script, kilometres nested by polygon. */
START_TEST(drawn)
{
	struct boundary b;
	const char *why;
	ck_assert_int_eq(parse("{\"type\":\"MultiPolygon\",\"coordinates\":[[" SQUARE "],[" SQUARE "," HOLE "]]}", &b,
	                       &why), 0);
	struct geo_view v = { .k = 0.001, .tx = 480, .ty = 320, .width = 960, .height = 640 };
	struct buf d = {0};
	boundary_svg_d(&d, &b, &v);
	int m = 0, z = 0;
	for (const char *p = buf_str(&d); *p; p++)
		m += *p == 'M', z += *p == 'Z';
	ck_assert_int_eq(m, 3);
	ck_assert_int_eq(z, 3);
	double sx, sy;
	geo_to_svg(&v, -95.5, 47.5, &sx, &sy);
	char want[64];
	snprintf(want, sizeof want, "M%.1f %.1f ", sx, sy);
	ck_assert_msg(!strncmp(buf_str(&d), want, strlen(want)), "%s", buf_str(&d));
	buf_free(&d);
	struct buf j = {0};
	boundary_json_km(&j, &b);
	double x, y;
	geo_project(-95.5, 47.5, &x, &y);
	snprintf(want, sizeof want, "[[[%.1f,%.1f,", x / 1000, y / 1000);
	ck_assert_msg(!strncmp(buf_str(&j), want, strlen(want)), "%s", buf_str(&j));
	ck_assert(strstr(buf_str(&j), "]],[[") != NULL);      /* the second polygon */
	ck_assert(strstr(buf_str(&j), "],[") != NULL);
	ck_assert(!strcmp(buf_str(&j) + strlen(buf_str(&j)) - 3, "]]]"));
	buf_free(&j);
}
END_TEST

Suite *boundary_suite(void)
{
	Suite *s = suite_create("boundary");
	TCase *t = tcase_create("boundary");
	tcase_add_checked_fixture(t, NULL, teardown);
	tcase_add_test(t, shapes_taken);
	tcase_add_test(t, refusals_say_what_and_where);
	tcase_add_test(t, stored_reads_back);
	tcase_add_test(t, drawn);
	suite_add_tcase(s, t);
	return s;
}
