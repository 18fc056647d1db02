/* boundary.c — a nation's boundary as the nation provides it: read and
 * checked from GeoJSON (RFC 7946), kept as a MultiPolygon, drawn with
 * the map's one projection (geo.c).  See boundary.h. */
#include "boundary.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "geo.h"
#include "html.h"
#include "req.h"

#include <cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The polygons of a geometry: a Polygon is one, a MultiPolygon a list. */
struct parse {
	struct arena *a;
	const struct geo_box *box;
	struct boundary *b;
	int cap_rings, cap_pt;
	const char *why;
};

static int fail(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct parse *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	p->why = arena_strdup(p->a, msg);
	return -1;
}

/* "Polygon 2, ring 1" or, for a Polygon alone, "Ring 1". */
static const char *where(struct parse *p, int poly, int ring, int multi)
{
	return multi ? arena_printf(p->a, "Polygon %d, ring %d", poly + 1, ring + 1)
	             : arena_printf(p->a, "Ring %d", ring + 1);
}

static int ring_read(struct parse *p, const cJSON *ring, int poly, int k, int multi)
{
	struct boundary *b = p->b;
	if (!cJSON_IsArray(ring))
		return fail(p, "%s is not a list of positions.", where(p, poly, k, multi));
	int n = cJSON_GetArraySize(ring);
	if (n < 4)
		return fail(p, "%s has %d position%s; a ring needs at least 4, its first repeated as its last.",
		            where(p, poly, k, multi), n, n == 1 ? "" : "s");
	if (b->npt + n > BOUNDARY_MAX_POINTS)
		return fail(p, "The boundary has more than %d positions in all; simplify it (fewer positions) and send"
		            " it again.", BOUNDARY_MAX_POINTS);
	if (b->nrings == p->cap_rings)
		return fail(p, "The boundary has more than %d rings in all; simplify it and send it again.", p->cap_rings);
	int off = b->npt, i = 0;
	const cJSON *pos;
	cJSON_ArrayForEach(pos, ring) {
		int m = cJSON_IsArray(pos) ? cJSON_GetArraySize(pos) : 0;
		const cJSON *x = m ? cJSON_GetArrayItem(pos, 0) : NULL, *y = m > 1 ? cJSON_GetArrayItem(pos, 1) : NULL;
		if ((m != 2 && m != 3) || !cJSON_IsNumber(x) || !cJSON_IsNumber(y) ||
		    (m == 3 && !cJSON_IsNumber(cJSON_GetArrayItem(pos, 2))) || !isfinite(x->valuedouble) ||
		    !isfinite(y->valuedouble))
			return fail(p, "%s, position %d is not [longitude, latitude] in numbers.", where(p, poly, k, multi), i + 1);
		double lon = x->valuedouble, lat = y->valuedouble;
		if (lon < p->box->x0 || lon > p->box->x1 || lat < p->box->y0 || lat > p->box->y1) {
			int swapped = lat >= p->box->x0 && lat <= p->box->x1 && lon >= p->box->y0 && lon <= p->box->y1;
			return fail(p, "%s, position %d (%.6g, %.6g) lies outside the region (longitude %.2f to %.2f, latitude"
			            " %.2f to %.2f).%s", where(p, poly, k, multi), i + 1, lon, lat, p->box->x0, p->box->x1,
			            p->box->y0, p->box->y1,
			            swapped ? " It looks like latitude, longitude: GeoJSON gives longitude first."
			                    : " Positions are longitude, then latitude, in degrees (WGS 84).");
		}
		b->heights += m == 3;
		b->pt[2 * b->npt] = lon;
		b->pt[2 * b->npt + 1] = lat;
		b->npt++;
		i++;
	}
	const double *f = &b->pt[2 * off], *l = &b->pt[2 * (b->npt - 1)];
	if (f[0] != l[0] || f[1] != l[1])
		return fail(p, "%s is not closed: its last position (%.6g, %.6g) is not its first (%.6g, %.6g).",
		            where(p, poly, k, multi), l[0], l[1], f[0], f[1]);
	b->rings[b->nrings++] = (struct boundary_ring){ off, n, poly };
	return 0;
}

static int polygon_read(struct parse *p, const cJSON *rings, int poly, int multi)
{
	if (!cJSON_IsArray(rings) || !cJSON_GetArraySize(rings))
		return fail(p, multi ? "Polygon %d is not a list of rings (an outside, then any holes)."
		                     : "The Polygon's coordinates are not a list of rings (an outside, then any holes).",
		            poly + 1);
	int k = 0;
	const cJSON *ring;
	cJSON_ArrayForEach(ring, rings) {
		if (ring_read(p, ring, poly, k++, multi) < 0)
			return -1;
	}
	p->b->npolys++;
	return 0;
}

/* The geometry of a bare geometry, a Feature or a FeatureCollection of
 * one Feature; NULL and p->why otherwise. */
static const cJSON *geometry_of(struct parse *p, const cJSON *root)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "type");
	if (!cJSON_IsObject(root) || !cJSON_IsString(type)) {
		fail(p, "This is JSON but not GeoJSON: there is no \"type\" saying what it holds.");
		return NULL;
	}
	if (!strcmp(type->valuestring, "FeatureCollection")) {
		const cJSON *fs = cJSON_GetObjectItemCaseSensitive(root, "features");
		int n = cJSON_IsArray(fs) ? cJSON_GetArraySize(fs) : 0;
		if (n != 1) {
			fail(p, "The FeatureCollection holds %d features; send the nation's boundary as one Feature"
			     " (a MultiPolygon holds a boundary of several parts).", n);
			return NULL;
		}
		root = cJSON_GetArrayItem(fs, 0);
		type = cJSON_GetObjectItemCaseSensitive(root, "type");
		if (!cJSON_IsString(type) || strcmp(type->valuestring, "Feature")) {
			fail(p, "The FeatureCollection's one member is not a Feature.");
			return NULL;
		}
	}
	if (!strcmp(type->valuestring, "Feature")) {
		root = cJSON_GetObjectItemCaseSensitive(root, "geometry");
		type = cJSON_GetObjectItemCaseSensitive(root, "type");
		if (!cJSON_IsObject(root) || !cJSON_IsString(type)) {
			fail(p, "The Feature has no geometry.");
			return NULL;
		}
	}
	if (strcmp(type->valuestring, "Polygon") && strcmp(type->valuestring, "MultiPolygon")) {
		fail(p, "The file holds a %.40s; ilnet takes one Polygon or MultiPolygon (on its own, as a Feature, or as"
		     " a FeatureCollection of one Feature).", type->valuestring);
		return NULL;
	}
	return root;
}

int boundary_parse(struct arena *a, const char *text, size_t len, const struct geo_box *box,
                   struct boundary *out, const char **why)
{
	struct parse p = { .a = a, .box = box, .b = out };
	memset(out, 0, sizeof *out);
	*why = NULL;
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' '))
		len--;
	if (!text || !len) {
		*why = "There is no boundary to read: choose the GeoJSON file the nation provided, or paste its text.";
		return -1;
	}
	if (len > BOUNDARY_MAX_BYTES) {
		*why = arena_printf(a, "The file is %zu KB; ilnet takes a boundary of up to %d KB. Simplify it (fewer"
		                    " positions) and send it again.", (len + 1023) / 1024, BOUNDARY_MAX_BYTES / 1024);
		return -1;
	}
	if (memchr(text, '\0', len)) {
		*why = "The file is not text: choose the GeoJSON file (.geojson or .json) the nation provided.";
		return -1;
	}
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	/* One JSON value and nothing after it but spaces. */
	while (root && end && end < text + len && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r'))
		end++;
	if (root && end != text + len) {
		cJSON_Delete(root);
		root = NULL;
	}
	if (!root) {
		size_t at = end && end >= text ? (size_t)(end - text) : 0;
		*why = arena_printf(a, "This is not GeoJSON: the JSON cannot be read at character %zu%s.", at + 1,
		                    at < len ? arena_printf(a, " (“%.20s”)", arena_strndup(a, text + at, len - at < 20 ? len - at : 20))
		                             : ", where it ends too soon");
		return -1;
	}
	int rc = -1;
	const cJSON *g = geometry_of(&p, root);
	if (g) {
		const cJSON *coords = cJSON_GetObjectItemCaseSensitive(g, "coordinates");
		int multi = !strcmp(cJSON_GetObjectItemCaseSensitive(g, "type")->valuestring, "MultiPolygon");
		/* Room for every position the text can hold: each takes 5
		 * characters at the least ("[0,0]"). */
		p.cap_pt = (int)(len / 5 + 1) < BOUNDARY_MAX_POINTS ? (int)(len / 5 + 1) : BOUNDARY_MAX_POINTS;
		p.cap_rings = p.cap_pt / 4 + 1;
		out->pt = arena_alloc(a, sizeof *out->pt * 2 * (size_t)p.cap_pt);
		out->rings = arena_alloc(a, sizeof *out->rings * (size_t)p.cap_rings);
		if (!cJSON_IsArray(coords) || !cJSON_GetArraySize(coords)) {
			fail(&p, "The %s has no coordinates.", multi ? "MultiPolygon" : "Polygon");
		} else if (!multi) {
			rc = polygon_read(&p, coords, 0, 0);
		} else {
			rc = 0;
			int k = 0;
			const cJSON *poly;
			cJSON_ArrayForEach(poly, coords) {
				if ((rc = polygon_read(&p, poly, k++, 1)) < 0)
					break;
			}
		}
	}
	cJSON_Delete(root);
	if (rc < 0) {
		*why = p.why;
		memset(out, 0, sizeof *out);
		return -1;
	}
	out->lon0 = out->lat0 = HUGE_VAL;
	out->lon1 = out->lat1 = -HUGE_VAL;
	for (int i = 0; i < out->npt; i++) {
		out->lon0 = fmin(out->lon0, out->pt[2 * i]);
		out->lon1 = fmax(out->lon1, out->pt[2 * i]);
		out->lat0 = fmin(out->lat0, out->pt[2 * i + 1]);
		out->lat1 = fmax(out->lat1, out->pt[2 * i + 1]);
	}
	return 0;
}

const char *boundary_geojson(struct arena *a, const struct boundary *b)
{
	cJSON *g = cJSON_CreateObject();
	cJSON_AddStringToObject(g, "type", "MultiPolygon");
	cJSON *polys = cJSON_AddArrayToObject(g, "coordinates"), *poly = NULL;
	for (int i = 0; i < b->nrings; i++) {
		const struct boundary_ring *w = &b->rings[i];
		if (!i || w->poly != b->rings[i - 1].poly) {
			poly = cJSON_CreateArray();
			cJSON_AddItemToArray(polys, poly);
		}
		cJSON *ring = cJSON_CreateArray();
		for (int k = 0; k < w->n; k++) {
			const double *q = &b->pt[2 * (w->off + k)];
			cJSON *pos = cJSON_CreateArray();
			cJSON_AddItemToArray(pos, cJSON_CreateNumber(q[0]));
			cJSON_AddItemToArray(pos, cJSON_CreateNumber(q[1]));
			cJSON_AddItemToArray(ring, pos);
		}
		cJSON_AddItemToArray(poly, ring);
	}
	char *text = cJSON_PrintUnformatted(g);
	const char *s = arena_strdup(a, text ? text : "");
	cJSON_free(text);
	cJSON_Delete(g);
	return s;
}

void boundary_svg_d(struct buf *out, const struct boundary *b, const struct geo_view *v)
{
	for (int i = 0; i < b->nrings; i++) {
		const struct boundary_ring *w = &b->rings[i];
		double lx = 0, ly = 0;
		int drawn = 0;
		for (int k = 0; k < w->n - 1; k++) {     /* the last is the first: Z closes it */
			double sx, sy;
			geo_to_svg(v, b->pt[2 * (w->off + k)], b->pt[2 * (w->off + k) + 1], &sx, &sy);
			if (drawn && fabs(sx - lx) < 0.5 && fabs(sy - ly) < 0.5)
				continue;
			buf_printf(out, "%s%.1f %.1f", drawn ? " " : "M", sx, sy);
			lx = sx;
			ly = sy;
			drawn++;
		}
		if (drawn)
			buf_puts(out, "Z");
	}
}

void boundary_json_km(struct buf *out, const struct boundary *b)
{
	buf_putc(out, '[');
	for (int i = 0; i < b->nrings; i++) {
		const struct boundary_ring *w = &b->rings[i];
		int first_of_poly = !i || w->poly != b->rings[i - 1].poly;
		if (first_of_poly)
			buf_puts(out, i ? "]],[[" : "[[");
		else
			buf_puts(out, "],[");
		double lx = 0, ly = 0;
		int drawn = 0;
		for (int k = 0; k < w->n; k++) {
			double x, y;
			geo_project(b->pt[2 * (w->off + k)], b->pt[2 * (w->off + k) + 1], &x, &y);
			x = round(x / 100) / 10;
			y = round(y / 100) / 10;
			if (drawn && x == lx && y == ly)
				continue;
			buf_printf(out, "%s%.1f,%.1f", drawn ? "," : "", x, y);
			lx = x;
			ly = y;
			drawn++;
		}
	}
	buf_puts(out, b->nrings ? "]]]" : "]");
}

int boundary_load(struct req *r, long long nation, int drawn_only, struct boundary *out)
{
	memset(out, 0, sizeof *out);
	char *text = db_text(r, "SELECT geometry FROM nation_boundaries WHERE nation_id = ?"
	                        " AND (? = 0 OR consent_by IS NOT NULL)", "Ii", nation, drawn_only);
	const struct geo_region *g = geo_region();
	if (!text || !g)
		return 0;
	const char *why;
	/* Checked again as it is read: a boundary that no longer fits the
	 * region's outlines is not drawn. */
	return boundary_parse(&r->arena, text, strlen(text), &g->box, out, &why) == 0;
}

#define PREVIEW_W 320
#define PREVIEW_H 220

/* Who added, replaced, deleted, consented to or withdrew consent from the
 * nation's boundary, and when, newest first. */
static void boundary_history(struct req *r, long long nation)
{
	sqlite3_stmt *st = db_q(r, "SELECT strftime('%Y-%m-%d %H:%M', c.changed_at, 'unixepoch'), c.what, u.name"
	                           "  FROM boundary_changes c JOIN users u ON u.id = c.changed_by"
	                           " WHERE c.nation_id = ? ORDER BY c.id DESC LIMIT 50", "I", nation);
	static const char *const words[] = { "added", "Added", "replaced", "Replaced", "deleted", "Deleted",
	                                     "consented", "Consent given", "withdrawn", "Consent withdrawn", NULL };
	int n = 0;
	while (db_step(r, st)) {
		if (!n++)
			html(r, "<details class=\"boundary-history\"><summary>Its history</summary>\n<ul>\n");
		const char *what = db_col_text(r, st, 1), *label = what;
		for (int i = 0; words[i]; i += 2)
			if (!strcmp(words[i], what))
				label = words[i + 1];
		html(r, "<li>%s (UTC): %s by %s</li>\n", db_col_text(r, st, 0), label, db_col_text(r, st, 2));
	}
	if (n)
		html(r, "</ul>\n</details>\n");
}

void boundary_status(struct req *r, long long nation)
{
	sqlite3_stmt *st = db_q(r, "SELECT b.source, b.points, a.name, strftime('%Y-%m-%d', b.added_at, 'unixepoch'),"
	                           " c.name, strftime('%Y-%m-%d', b.consent_at, 'unixepoch'), n.name, n.seat"
	                           "  FROM nation_boundaries b JOIN nations n ON n.id = b.nation_id"
	                           "  JOIN users a ON a.id = b.added_by LEFT JOIN users c ON c.id = b.consent_by"
	                           " WHERE b.nation_id = ?", "I", nation);
	if (!db_step(r, st)) {
		char *seat = db_text(r, "SELECT seat FROM nations WHERE id = ?", "I", nation);
		html(r, "<p>No boundary has been added. The map marks the nation only at its government's town%s%s, never"
		        " with a boundary it has not provided.</p>\n", seat && *seat ? ", " : "", seat ? seat : "");
		boundary_history(r, nation);
		return;
	}
	const char *source = db_col_text(r, st, 0), *by = db_col_text(r, st, 2), *on = db_col_text(r, st, 3);
	long long points = db_col_int(st, 1);
	int drawn = !db_col_null(st, 4);
	const char *cby = db_col_text(r, st, 4), *con = db_col_text(r, st, 5), *name = db_col_text(r, st, 6);
	sqlite3_reset(st);
	html(r, "<p>A boundary was added by %s on %s (%s; %s positions). ", by, on, source, arena_printf(&r->arena, "%lld", points));
	if (drawn)
		html(r, "<strong>It is drawn on the network map</strong>, with the consent %s gave on %s.</p>\n", cby, con);
	else
		html(r, "<strong>It is not drawn</strong>: it waits for the nation's data steward to consent.</p>\n");
	struct boundary b;
	const struct geo_region *g = geo_region();
	if (!boundary_load(r, nation, 0, &b) || !g) {
		boundary_history(r, nation);
		return;
	}
	/* A small map of it, among the state and county lines. */
	struct geo_box xy = { HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL };
	for (int i = 0; i < b.npt; i++) {
		double x, y;
		geo_project(b.pt[2 * i], b.pt[2 * i + 1], &x, &y);
		xy.x0 = fmin(xy.x0, x);
		xy.y0 = fmin(xy.y0, y);
		xy.x1 = fmax(xy.x1, x);
		xy.y1 = fmax(xy.y1, y);
	}
	/* Some country around it, so that the lines around say where it is. */
	double pad = fmax(fmax(xy.x1 - xy.x0, xy.y1 - xy.y0) * 0.3, 20000);
	xy.x0 -= pad;
	xy.y0 -= pad;
	xy.x1 += pad;
	xy.y1 += pad;
	struct geo_view v;
	geo_view_fit_box(&v, &xy, PREVIEW_W, PREVIEW_H, 4);
	html(r, "<figure class=\"map mini-map\">\n<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"boundary-title\">\n"
	        "<title id=\"boundary-title\">The boundary of %s as added</title>\n", PREVIEW_W, PREVIEW_H, name);
	struct buf outline = BUF_IN(&r->arena);
	geo_svg_outlines(&outline, &v);
	html_raw(r, buf_str(&outline));          /* built by geo.c from the region's own data */
	buf_free(&outline);
	struct buf d = BUF_IN(&r->arena);
	boundary_svg_d(&d, &b, &v);
	html(r, "<path class=\"boundary\" fill-rule=\"evenodd\" d=\"%s\"/>\n</svg>\n"
	        "<figcaption>The boundary as added, among the state and county lines.</figcaption>\n</figure>\n",
	     buf_str(&d));
	buf_free(&d);
	boundary_history(r, nation);
}
