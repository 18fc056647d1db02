/* boundary.h — a Native nation's boundary, as the nation provides it
 * (boundary.c).
 *
 * The map never invents a nation's boundary: it marks a nation at its
 * government's town.  An admin may add a boundary the nation provides (a
 * GeoJSON Polygon or MultiPolygon); it is drawn only while the nation's
 * data steward consents to it (nation_boundaries, migration 025), and a
 * new boundary needs the steward's consent again.  Positions are
 * longitude and latitude in degrees, as in geo.h, until drawn.
 */
#ifndef ILNET_BOUNDARY_H
#define ILNET_BOUNDARY_H

#include <stddef.h>

struct arena;
struct buf;
struct req;
struct geo_box;
struct geo_view;

/* The most a boundary may be: its text, and its positions in all. */
#define BOUNDARY_MAX_BYTES (512 * 1024)
#define BOUNDARY_MAX_POINTS 20000

/* A ring: n positions from pt[2*off] (closed: the last is the first);
 * poly: the polygon it belongs to, whose first ring is its outside. */
struct boundary_ring {
	int off, n, poly;
};

struct boundary {
	struct boundary_ring *rings;
	int nrings, npolys;
	double *pt;                     /* lon, lat pairs, degrees */
	int npt;
	int heights;                    /* positions that carried a third number (not used) */
	double lon0, lat0, lon1, lat1;  /* its box, degrees */
};

/* Read len bytes of text as one Polygon or MultiPolygon: on its own, as a
 * Feature, or as a FeatureCollection of one Feature.  Every ring closed
 * and of four positions or more, every position [longitude, latitude]
 * (a third number, a height, is allowed and left out) within box
 * (degrees), no more than BOUNDARY_MAX_BYTES and BOUNDARY_MAX_POINTS.
 * 0 and *out filled from a; or -1 and *why a sentence for the person who
 * sent it, saying what is wrong and where.  Pure. */
int boundary_parse(struct arena *a, const char *text, size_t len, const struct geo_box *box,
                   struct boundary *out, const char **why);

/* The boundary as a GeoJSON MultiPolygon (its text as stored), from a. */
const char *boundary_geojson(struct arena *a, const struct boundary *b);

/* Append an SVG path's d for view v: each ring a closed subpath,
 * positions that fall within half a unit of the one drawn before left
 * out (the drawing shows no finer), to 0.1 unit.  Draw with
 * fill-rule="evenodd" so that holes stay holes. */
void boundary_svg_d(struct buf *out, const struct boundary *b, const struct geo_view *v);

/* Append the boundary for the map's script: polygons of rings of x, y
 * in projected kilometres to 0.1 (geo_json_outlines' unit),
 * [[[x, y, x, y ...], [hole ...]], ...], positions within 100 m of the
 * one before left out. */
void boundary_json_km(struct buf *out, const struct boundary *b);

/* The boundary of nation as stored and checked again, into *out: 1 when
 * there is one (and, with drawn_only, its steward consents to it being
 * drawn), else 0. */
int boundary_load(struct req *r, long long nation, int drawn_only, struct boundary *out);

/* The status of nation's boundary for its steward or an admin: a
 * paragraph, a small map of it beside the region's outlines when there
 * is one, and its history. */
void boundary_status(struct req *r, long long nation);

#endif
