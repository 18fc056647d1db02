/* geo.h — the region's geography: states and counties, one projection,
 * and the outlines a map is drawn with.
 *
 * The outlines are data (db/geo/region.txt, cut from the Census Bureau's
 * cartographic boundaries by db/geo/make_region.py), read once per process
 * and never changed after: a worker is a single-threaded process, so the
 * lazily loaded region needs no lock.  Positions are longitude and latitude
 * in degrees (east and north positive) until geo_project() or geo_to_svg()
 * turns them into plane coordinates; anything that must be coarsened (a
 * school shown at its county's centroid) is coarsened in degrees, before
 * any projection.
 */
#ifndef ILNET_GEO_H
#define ILNET_GEO_H

struct buf;

/* A bounding box: degrees (lon, lat) or projected metres (x, y), as said. */
struct geo_box {
	double x0, y0, x1, y1;          /* west/south, east/north */
};

struct geo_state {
	char fips[3];                   /* "27" */
	char code[3];                   /* "MN", as schools.state_code */
	char name[32];                  /* "Minnesota" */
	struct geo_box box;             /* degrees */
	struct geo_box xy;              /* projected */
};

struct geo_county {
	char fips[6];                   /* "27053": the state's two digits first */
	char name[48];                  /* "Hennepin" (without "County") */
	const struct geo_state *state;
	int ring, nrings;               /* the county's rings: ring .. ring+nrings-1 */
	struct geo_box box;             /* degrees: the quick reject of geo_county_of() */
	struct geo_box xy;              /* projected */
	/* The area-weighted centroid, computed in the (equal-area) projected
	 * plane and kept in degrees like every position before projection.
	 * A concave county's centroid may lie outside it. */
	double lon, lat;
	double area;                    /* square metres, in the projection */
};

/* A ring (of a county) or an outline line: n points from pt[2*off]. */
struct geo_path {
	int off, n;
	int state_line;                 /* outlines: 1 for a state line, 0 a county line */
	struct geo_box xy;              /* projected */
};

struct geo_region {
	struct geo_state *states;
	int nstates;
	struct geo_county *counties;    /* sorted by FIPS */
	int ncounties;
	struct geo_path *rings;         /* outer rings counter-clockwise, holes clockwise */
	int nrings;
	struct geo_path *lines;         /* the outline mesh: each border once */
	int nlines;
	double *pt;                     /* lon, lat pairs (degrees) of rings and lines */
	int npt;
	struct geo_box box, xy;         /* the whole region */
};

/* Read the region from path, replacing any loaded before.  0 on success;
 * -1 when the file cannot be read or is malformed: the region loaded
 * before, if any, stays, and a message naming the line goes to stderr. */
int geo_load(const char *path);
/* The region, loaded on first use from $ILNET_GEO or db/geo/region.txt in
 * the checkout; NULL when it cannot be loaded.  Read-only, process-wide. */
const struct geo_region *geo_region(void);
/* Forget the region and free it (for tests and valgrind). */
void geo_free(void);

/* Albers equal-area conic on a sphere of the Earth's mean radius, standard
 * parallels 43.5 and 48.5 N, origin 45.5 N 97.5 W (the region's middle):
 * metres east and north of the origin.  Equal area, so densities and the
 * centroids computed in it are fair to the north and south alike. */
void geo_project(double lon, double lat, double *x, double *y);
/* The inverse of geo_project(). */
void geo_unproject(double x, double y, double *lon, double *lat);

/* How projected metres become SVG user units in a viewBox
 * "0 0 width height": sx = tx + k * x, sy = ty - k * y (SVG's y grows
 * downward). */
struct geo_view {
	double k, tx, ty;
	int width, height;
};

/* Fit the whole region into width x height, margin units clear on every
 * side, centred; the aspect ratio kept. */
void geo_view_fit(struct geo_view *v, int width, int height, int margin);
/* The same for one state ("MN" or "27") or one county ("27053"):
 * 0, or -1 when there is no such state or county (v then fits the region,
 * so a link with a stale code still shows a map). */
int geo_view_fit_state(struct geo_view *v, const char *state, int width, int height, int margin);
int geo_view_fit_county(struct geo_view *v, const char *fips, int width, int height, int margin);
/* The same for a box in projected metres (a nation's boundary). */
void geo_view_fit_box(struct geo_view *v, const struct geo_box *xy, int width, int height, int margin);
/* A position (degrees) in the view's SVG units. */
void geo_to_svg(const struct geo_view *v, double lon, double lat, double *sx, double *sy);

/* The county holding a position, or NULL (outside the three states, or no
 * region loaded).  A point on a border belongs to one of the two. */
const struct geo_county *geo_county_of(double lon, double lat);
/* The county with this FIPS code ("27053"), or NULL. */
const struct geo_county *geo_county_find(const char *fips);
/* The county's centroid in degrees: 0, or -1 when there is no such county. */
int geo_county_centroid(const char *fips, double *lon, double *lat);
/* The state with this postal code ("MN") or FIPS code ("27"), or NULL. */
const struct geo_state *geo_state_find(const char *code);

/* Append the outline layer for view v to out: a <g class="geo-outlines">
 * holding one <path class="geo-county"> (county lines, thin) and one
 * <path class="geo-state"> (state lines and the region's edge, thicker),
 * coordinates to 0.1 unit, lines wholly outside the viewBox left out.
 * Strokes are presentation attributes, so page CSS can restyle them.
 * Appends nothing when no region is loaded. */
void geo_svg_outlines(struct buf *out, const struct geo_view *v);

/* Append the region's outlines as JSON for the map's script, in projected
 * kilometres (geo_project() / 1000, to 0.1 km): {"county": [[x, y, x, y
 * ...], ...], "state": [...], "states": {"MN": [x0, y0, x1, y1], ...},
 * "box": [x0, y0, x1, y1]}.  Geography only, the same for every viewer;
 * made once a process. */
void geo_json_outlines(struct buf *out);

#endif
