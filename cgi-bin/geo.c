/* geo.c — the region's geography: outlines, projection, counties
 * (see include/geo.h; the data's format is described at the top of
 * db/geo/region.txt). */
#include "geo.h"
#include "buf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* geo_json_outlines(): written once a process. */
static char *json_memo;
static size_t json_memo_len;

#ifndef ILNET_ROOT
#define ILNET_ROOT "."
#endif

/* ---- the projection ----------------------------------------------------
 *
 * Albers equal-area conic on a sphere (Snyder, "Map Projections: A Working
 * Manual", USGS Professional Paper 1395, 1987, pp. 98-103, equations 14-1
 * to 14-4 and 14-8 to 14-11).  A sphere rather than the GRS80 ellipsoid:
 * the inverse is then closed-form, and the shapes differ by far less than a
 * pixel at the scales we draw.  The parallels 43.5 and 48.5 N lie a sixth of
 * the way in from the region's southern (42.5) and northern (49.4) edges,
 * where the scale error of a conic is smallest overall. */

#define R_EARTH 6371008.8               /* mean radius, metres (IUGG) */
#define PHI1 43.5
#define PHI2 48.5
#define PHI0 45.5
#define LAM0 (-97.5)
#define DEG (M_PI / 180)

struct albers {
	double n, c, rho0;
};

static const struct albers *albers(void)
{
	static struct albers a;
	if (a.n == 0) {
		double s1 = sin(PHI1 * DEG), s2 = sin(PHI2 * DEG);
		a.n = (s1 + s2) / 2;
		a.c = cos(PHI1 * DEG) * cos(PHI1 * DEG) + 2 * a.n * s1;
		a.rho0 = R_EARTH * sqrt(a.c - 2 * a.n * sin(PHI0 * DEG)) / a.n;
	}
	return &a;
}

void geo_project(double lon, double lat, double *x, double *y)
{
	const struct albers *a = albers();
	double rho = R_EARTH * sqrt(a->c - 2 * a->n * sin(lat * DEG)) / a->n;
	double theta = a->n * (lon - LAM0) * DEG;
	*x = rho * sin(theta);
	*y = a->rho0 - rho * cos(theta);
}

void geo_unproject(double x, double y, double *lon, double *lat)
{
	const struct albers *a = albers();
	double dy = a->rho0 - y;
	double rho = sqrt(x * x + dy * dy);         /* n > 0: no sign flips */
	double theta = atan2(x, dy);
	double s = (a->c - (rho * a->n / R_EARTH) * (rho * a->n / R_EARTH)) / (2 * a->n);
	if (s > 1)
		s = 1;
	if (s < -1)
		s = -1;
	*lat = asin(s) / DEG;
	*lon = LAM0 + theta / a->n / DEG;
}

/* ---- loading ------------------------------------------------------------ */

static struct geo_region *region;
static int region_tried;                /* a failed load is not retried every request */

/* Room for one more of n items in *p (capacity *cap); aborts when memory
 * runs out, as buf.c does. */
static void grow(void *pp, int *cap, int n, size_t size)
{
	void **p = pp;
	if (n < *cap)
		return;
	int c = *cap ? *cap * 2 : 64;
	void *q = realloc(*p, (size_t)c * size);
	if (!q)
		abort();
	*p = q;
	*cap = c;
}

static void region_free(struct geo_region *g)
{
	if (!g)
		return;
	free(g->states);
	free(g->counties);
	free(g->rings);
	free(g->lines);
	free(g->pt);
	free(g);
}

static void memo_free(void);

void geo_free(void)
{
	memo_free();
	free(json_memo);
	json_memo = NULL;
	region_free(region);
	region = NULL;
	region_tried = 0;
}

static void box_empty(struct geo_box *b)
{
	b->x0 = b->y0 = HUGE_VAL;
	b->x1 = b->y1 = -HUGE_VAL;
}

static void box_add(struct geo_box *b, double x, double y)
{
	if (x < b->x0) b->x0 = x;
	if (x > b->x1) b->x1 = x;
	if (y < b->y0) b->y0 = y;
	if (y > b->y1) b->y1 = y;
}

static void box_union(struct geo_box *b, const struct geo_box *o)
{
	box_add(b, o->x0, o->y0);
	box_add(b, o->x1, o->y1);
}

/* Copy the word at *s (up to a space) into dst, advancing *s past it and
 * the spaces after; -1 when empty or longer than size - 1. */
static int word(char **s, char *dst, size_t size)
{
	size_t n = strcspn(*s, " ");
	if (n == 0 || n >= size)
		return -1;
	memcpy(dst, *s, n);
	dst[n] = '\0';
	*s += n + strspn(*s + n, " ");
	return 0;
}

/* The lon/lat pairs of s as path p (at least min points). */
static int points(struct geo_region *g, int *cap, char *s, struct geo_path *p, int min)
{
	p->off = g->npt;
	p->n = 0;
	box_empty(&p->xy);
	for (;;) {
		char *e;
		double lon = strtod(s, &e);
		if (e == s)
			break;
		double lat = strtod(e, &s);
		if (s == e || !(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90))
			return -1;
		grow(&g->pt, cap, g->npt, 2 * sizeof *g->pt);
		g->pt[2 * g->npt] = lon;
		g->pt[2 * g->npt + 1] = lat;
		g->npt++;
		p->n++;
		double x, y;
		geo_project(lon, lat, &x, &y);
		box_add(&p->xy, x, y);
	}
	s += strspn(s, " ");
	return *s || p->n < min ? -1 : 0;
}

static struct geo_state *state_of_fips(struct geo_region *g, const char *fips)
{
	for (int i = 0; i < g->nstates; i++)
		if (strncmp(g->states[i].fips, fips, 2) == 0)
			return &g->states[i];
	return NULL;
}

/* One line of the file; -1 when malformed. */
static int parse_line(struct geo_region *g, char *s, int caps[5])
{
	char kind = s[0];
	if (kind == '#' || kind == '\0')
		return 0;
	if (s[1] != ' ')
		return -1;
	s += 2;
	if (kind == 'S') {
		grow(&g->states, &caps[0], g->nstates, sizeof *g->states);
		struct geo_state *st = &g->states[g->nstates];
		memset(st, 0, sizeof *st);
		if (word(&s, st->fips, sizeof st->fips) || word(&s, st->code, sizeof st->code) ||
		    !*s || strlen(s) >= sizeof st->name)
			return -1;
		strcpy(st->name, s);
		box_empty(&st->box);
		box_empty(&st->xy);
		g->nstates++;
		return 0;
	}
	if (kind == 'C') {
		grow(&g->counties, &caps[1], g->ncounties, sizeof *g->counties);
		struct geo_county *c = &g->counties[g->ncounties];
		memset(c, 0, sizeof *c);
		if (word(&s, c->fips, sizeof c->fips) || strlen(c->fips) != 5 ||
		    !*s || strlen(s) >= sizeof c->name)
			return -1;
		if (g->ncounties && strcmp(c->fips, g->counties[g->ncounties - 1].fips) <= 0)
			return -1;                  /* geo_county_find() searches by halves */
		strcpy(c->name, s);
		if (!state_of_fips(g, c->fips))
			return -1;
		c->ring = g->nrings;
		g->ncounties++;
		return 0;
	}
	if (kind == 'R') {
		if (!g->ncounties)
			return -1;
		grow(&g->rings, &caps[2], g->nrings, sizeof *g->rings);
		struct geo_path *p = &g->rings[g->nrings];
		memset(p, 0, sizeof *p);
		if (points(g, &caps[3], s, p, 3))
			return -1;
		g->nrings++;
		g->counties[g->ncounties - 1].nrings++;
		return 0;
	}
	if (kind == 'L') {
		if ((s[0] != 'c' && s[0] != 's') || s[1] != ' ')
			return -1;
		grow(&g->lines, &caps[4], g->nlines, sizeof *g->lines);
		struct geo_path *p = &g->lines[g->nlines];
		memset(p, 0, sizeof *p);
		p->state_line = s[0] == 's';
		if (points(g, &caps[3], s + 2, p, 2))
			return -1;
		g->nlines++;
		return 0;
	}
	return -1;
}

/* A county's boxes, area and centroid.  The centroid is the area-weighted
 * mean of its rings' centroids in the projected plane (equal-area, so the
 * weights are true areas; holes run clockwise and weigh negatively), taken
 * about the county's first point to keep the products small, then turned
 * back into degrees.  -1 when the rings enclose no area (wound wrongly). */
static int county_finish(struct geo_region *g, struct geo_county *c)
{
	box_empty(&c->box);
	box_empty(&c->xy);
	double a2 = 0, cx = 0, cy = 0, ox = 0, oy = 0;
	for (int r = c->ring; r < c->ring + c->nrings; r++) {
		const struct geo_path *p = &g->rings[r];
		const double *pt = g->pt + 2 * p->off;
		if (r == c->ring)
			geo_project(pt[0], pt[1], &ox, &oy);
		box_union(&c->xy, &p->xy);
		for (int i = 0; i < p->n; i++) {
			const double *q = pt + 2 * ((i + 1) % p->n);
			double x0, y0, x1, y1;
			box_add(&c->box, pt[2 * i], pt[2 * i + 1]);
			geo_project(pt[2 * i], pt[2 * i + 1], &x0, &y0);
			geo_project(q[0], q[1], &x1, &y1);
			x0 -= ox, y0 -= oy, x1 -= ox, y1 -= oy;
			double cross = x0 * y1 - x1 * y0;
			a2 += cross;
			cx += (x0 + x1) * cross;
			cy += (y0 + y1) * cross;
		}
	}
	if (!(a2 > 0))
		return -1;
	c->area = a2 / 2;
	geo_unproject(ox + cx / (3 * a2), oy + cy / (3 * a2), &c->lon, &c->lat);
	return 0;
}

static int region_finish(struct geo_region *g)
{
	if (!g->nstates || !g->ncounties)
		return -1;
	box_empty(&g->box);
	box_empty(&g->xy);
	for (int i = 0; i < g->ncounties; i++) {
		struct geo_county *c = &g->counties[i];
		if (!c->nrings || county_finish(g, c)) {
			fprintf(stderr, "ilnet: geo: county %s has no area\n", c->fips);
			return -1;
		}
		struct geo_state *st = state_of_fips(g, c->fips);
		c->state = st;          /* now that states no longer move */
		box_union(&st->box, &c->box);
		box_union(&st->xy, &c->xy);
		box_union(&g->box, &c->box);
		box_union(&g->xy, &c->xy);
	}
	return 0;
}

int geo_load(const char *path)
{
	char *text = buf_read_file(path);
	if (!text) {
		fprintf(stderr, "ilnet: geo: cannot read %s\n", path);
		return -1;
	}
	struct geo_region *g = calloc(1, sizeof *g);
	if (!g)
		abort();
	int caps[5] = { 0 }, lineno = 0, rc = 0;
	for (char *s = text, *e; s && *s; s = e) {
		e = strchr(s, '\n');
		if (e)
			*e++ = '\0';
		lineno++;
		if (parse_line(g, s, caps)) {
			fprintf(stderr, "ilnet: geo: %s:%d: malformed\n", path, lineno);
			rc = -1;
			break;
		}
	}
	free(text);
	if (rc == 0 && region_finish(g))
		rc = -1;
	if (rc) {
		region_free(g);
		return -1;
	}
	geo_free();
	region = g;
	region_tried = 1;
	return 0;
}

const struct geo_region *geo_region(void)
{
	if (!region && !region_tried) {
		region_tried = 1;
		const char *path = getenv("ILNET_GEO");
		geo_load(path && *path ? path : ILNET_ROOT "/db/geo/region.txt");
	}
	return region;
}

/* ---- lookups ------------------------------------------------------------ */

const struct geo_state *geo_state_find(const char *code)
{
	const struct geo_region *g = geo_region();
	if (!g || !code)
		return NULL;
	for (int i = 0; i < g->nstates; i++)
		if (strcasecmp(g->states[i].code, code) == 0 || strcmp(g->states[i].fips, code) == 0)
			return &g->states[i];
	return NULL;
}

const struct geo_county *geo_county_find(const char *fips)
{
	const struct geo_region *g = geo_region();
	if (!g || !fips)
		return NULL;
	int lo = 0, hi = g->ncounties - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		int cmp = strcmp(fips, g->counties[mid].fips);
		if (cmp == 0)
			return &g->counties[mid];
		if (cmp < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return NULL;
}

int geo_county_centroid(const char *fips, double *lon, double *lat)
{
	const struct geo_county *c = geo_county_find(fips);
	if (!c)
		return -1;
	*lon = c->lon;
	*lat = c->lat;
	return 0;
}

/* Even-odd over all the county's rings, so holes (and islands in them)
 * come out right without telling them apart.  Edges are straight in
 * degrees, as GeoJSON and the Census files draw them. */
static int county_holds(const struct geo_region *g, const struct geo_county *c, double lon, double lat)
{
	int in = 0;
	for (int r = c->ring; r < c->ring + c->nrings; r++) {
		const struct geo_path *p = &g->rings[r];
		const double *pt = g->pt + 2 * p->off;
		for (int i = 0, j = p->n - 1; i < p->n; j = i++) {
			double xi = pt[2 * i], yi = pt[2 * i + 1], xj = pt[2 * j], yj = pt[2 * j + 1];
			if ((yi > lat) != (yj > lat) && lon < xi + (lat - yi) * (xj - xi) / (yj - yi))
				in = !in;
		}
	}
	return in;
}

const struct geo_county *geo_county_of(double lon, double lat)
{
	const struct geo_region *g = geo_region();
	/* Written so that NaN, which fails every comparison, is refused too. */
	if (!g || !(lon >= g->box.x0 && lon <= g->box.x1 && lat >= g->box.y0 && lat <= g->box.y1))
		return NULL;
	for (int i = 0; i < g->ncounties; i++) {
		const struct geo_county *c = &g->counties[i];
		if (lon < c->box.x0 || lon > c->box.x1 || lat < c->box.y0 || lat > c->box.y1)
			continue;
		if (county_holds(g, c, lon, lat))
			return c;
	}
	return NULL;
}

/* ---- views and SVG ------------------------------------------------------ */

static void fit(struct geo_view *v, const struct geo_box *b, int width, int height, int margin)
{
	double aw = width - 2.0 * margin, ah = height - 2.0 * margin;
	double bw = b->x1 - b->x0, bh = b->y1 - b->y0;
	if (aw < 1)
		aw = 1;
	if (ah < 1)
		ah = 1;
	if (!(bw > 0))
		bw = 1;
	if (!(bh > 0))
		bh = 1;
	v->k = fmin(aw / bw, ah / bh);
	v->tx = width / 2.0 - v->k * (b->x0 + b->x1) / 2;
	v->ty = height / 2.0 + v->k * (b->y0 + b->y1) / 2;
	v->width = width;
	v->height = height;
}

void geo_view_fit(struct geo_view *v, int width, int height, int margin)
{
	const struct geo_region *g = geo_region();
	struct geo_box b;
	if (g) {
		b = g->xy;
	} else {
		/* No outlines: the three states' extent, so points still land
		 * where they would on the map.  Parallels are curves here, so
		 * the edges are sampled, not only the corners. */
		box_empty(&b);
		for (int i = 0; i <= 8; i++) {
			double x, y, lon = -104.1 + i * (14.6 / 8);
			geo_project(lon, 42.5, &x, &y);
			box_add(&b, x, y);
			geo_project(lon, 49.4, &x, &y);
			box_add(&b, x, y);
		}
	}
	fit(v, &b, width, height, margin);
}

void geo_view_fit_box(struct geo_view *v, const struct geo_box *xy, int width, int height, int margin)
{
	fit(v, xy, width, height, margin);
}

int geo_view_fit_state(struct geo_view *v, const char *state, int width, int height, int margin)
{
	const struct geo_state *st = geo_state_find(state);
	if (!st) {
		geo_view_fit(v, width, height, margin);
		return -1;
	}
	fit(v, &st->xy, width, height, margin);
	return 0;
}

int geo_view_fit_county(struct geo_view *v, const char *fips, int width, int height, int margin)
{
	const struct geo_county *c = geo_county_find(fips);
	if (!c) {
		geo_view_fit(v, width, height, margin);
		return -1;
	}
	fit(v, &c->xy, width, height, margin);
	return 0;
}

void geo_to_svg(const struct geo_view *v, double lon, double lat, double *sx, double *sy)
{
	double x, y;
	geo_project(lon, lat, &x, &y);
	*sx = v->tx + v->k * x;
	*sy = v->ty - v->k * y;
}

/* n tenths of a unit as an SVG number ("12.3", "-4"), with a space before
 * it only where the path grammar needs one (after a digit, before a
 * number that has no minus sign to separate it). */
static void put_tenths(struct buf *b, long n)
{
	char s[32];
	long a = labs(n);
	int len = a % 10 ? snprintf(s, sizeof s, "%s%ld.%ld", n < 0 ? "-" : "", a / 10, a % 10)
	                 : snprintf(s, sizeof s, "%s%ld", n < 0 ? "-" : "", a / 10);
	char last = b->len ? b->p[b->len - 1] : ' ';
	if (n >= 0 && ((last >= '0' && last <= '9') || last == '.'))
		buf_putc(b, ' ');
	buf_add(b, s, (size_t)len);
}

/* One subpath: absolute to its first point, relative after it.  The
 * differences are taken between rounded positions, so rounding never
 * accumulates along a line. */
static void put_line(struct buf *out, const struct geo_view *v, const struct geo_region *g,
                     const struct geo_path *p)
{
	const double *pt = g->pt + 2 * p->off;
	long px = 0, py = 0;
	for (int i = 0; i < p->n; i++) {
		double sx, sy;
		geo_to_svg(v, pt[2 * i], pt[2 * i + 1], &sx, &sy);
		long x = lround(sx * 10), y = lround(sy * 10);
		if (i == 0) {
			buf_putc(out, 'M');
			put_tenths(out, x);
			put_tenths(out, y);
			buf_putc(out, 'l');
		} else if (x != px || y != py) {
			put_tenths(out, x - px);
			put_tenths(out, y - py);
		}
		px = x;
		py = y;
	}
	if (out->p[out->len - 1] == 'l') {          /* every point on the first */
		out->len--;
		out->p[out->len] = '\0';
	}
}

/* Whether any of a projected box can show in the view. */
static int in_view(const struct geo_view *v, const struct geo_box *xy)
{
	double sx0 = v->tx + v->k * xy->x0, sx1 = v->tx + v->k * xy->x1;
	double sy0 = v->ty - v->k * xy->y1, sy1 = v->ty - v->k * xy->y0;
	return sx1 >= 0 && sx0 <= v->width && sy1 >= 0 && sy0 <= v->height;
}

/* The outline layers drawn lately, by view: a layer is a pure function of
 * the view and the region, which never changes in a process, and drawing
 * one projects and prints thousands of points (most of a profile's time). */
#define OUTLINE_MEMO 8
static struct {
	struct geo_view v;
	char *svg;
	size_t len;
} memo[OUTLINE_MEMO];
static int memo_next;

static void memo_free(void)
{
	for (int i = 0; i < OUTLINE_MEMO; i++) {
		free(memo[i].svg);
		memo[i].svg = NULL;
	}
}

static void outlines_draw(struct buf *out, const struct geo_view *v, const struct geo_region *g)
{
	buf_puts(out, "<g class=\"geo-outlines\" fill=\"none\" stroke=\"currentColor\""
	              " stroke-linejoin=\"round\" stroke-linecap=\"round\">\n");
	/* County lines first, so the state lines are drawn over their ends. */
	for (int state = 0; state <= 1; state++) {
		buf_puts(out, state ? "<path class=\"geo-state\" stroke-width=\"1.5\" d=\""
		                    : "<path class=\"geo-county\" stroke-width=\"0.5\" stroke-opacity=\"0.6\" d=\"");
		for (int i = 0; i < g->nlines; i++)
			if (g->lines[i].state_line == state && in_view(v, &g->lines[i].xy))
				put_line(out, v, g, &g->lines[i]);
		buf_puts(out, "\"/>\n");
	}
	buf_puts(out, "</g>\n");
}

void geo_svg_outlines(struct buf *out, const struct geo_view *v)
{
	const struct geo_region *g = geo_region();
	if (!g)
		return;
	for (int i = 0; i < OUTLINE_MEMO; i++)
		if (memo[i].svg && !memcmp(&memo[i].v, v, sizeof *v)) {
			buf_add(out, memo[i].svg, memo[i].len);
			return;
		}
	size_t from = out->len;
	outlines_draw(out, v, g);
	char *copy = malloc(out->len - from);
	if (!copy)
		return;                     /* drawn, just not remembered */
	memcpy(copy, out->p + from, out->len - from);
	free(memo[memo_next].svg);
	memo[memo_next].v = *v;
	memo[memo_next].svg = copy;
	memo[memo_next].len = out->len - from;
	memo_next = (memo_next + 1) % OUTLINE_MEMO;
}

/* ---- the outlines as JSON, for the map's script ---------------------------- */


static void put_km(struct buf *out, double m)
{
	/* Kilometres to a tenth: 100 m, finer than a line is drawn. */
	buf_printf(out, "%.1f", round(m / 100) / 10);
}

void geo_json_outlines(struct buf *out)
{
	const struct geo_region *g = geo_region();
	if (!g) {
		buf_puts(out, "{\"county\":[],\"state\":[],\"states\":{},\"box\":[0,0,0,0]}");
		return;
	}
	if (json_memo) {
		buf_add(out, json_memo, json_memo_len);
		return;
	}
	size_t from = out->len;
	for (int state = 0; state <= 1; state++) {
		buf_puts(out, state ? "],\"state\":[" : "{\"county\":[");
		int first = 1;
		for (int i = 0; i < g->nlines; i++) {
			const struct geo_path *p = &g->lines[i];
			if (p->state_line != state)
				continue;
			buf_puts(out, first ? "[" : ",[");
			first = 0;
			for (int k = 0; k < p->n; k++) {
				double x, y;
				geo_project(g->pt[2 * (p->off + k)], g->pt[2 * (p->off + k) + 1], &x, &y);
				if (k)
					buf_putc(out, ',');
				put_km(out, x);
				buf_putc(out, ',');
				put_km(out, y);
			}
			buf_putc(out, ']');
		}
	}
	buf_puts(out, "],\"states\":{");
	for (int i = 0; i < g->nstates; i++) {
		const struct geo_box *b = &g->states[i].xy;
		buf_printf(out, "%s\"%s\":[", i ? "," : "", g->states[i].code);
		put_km(out, b->x0);
		buf_putc(out, ',');
		put_km(out, b->y0);
		buf_putc(out, ',');
		put_km(out, b->x1);
		buf_putc(out, ',');
		put_km(out, b->y1);
		buf_putc(out, ']');
	}
	buf_puts(out, "},\"box\":[");
	put_km(out, g->xy.x0);
	buf_putc(out, ',');
	put_km(out, g->xy.y0);
	buf_putc(out, ',');
	put_km(out, g->xy.x1);
	buf_putc(out, ',');
	put_km(out, g->xy.y1);
	buf_puts(out, "]}");
	json_memo = malloc(out->len - from);
	if (json_memo) {
		memcpy(json_memo, out->p + from, out->len - from);
		json_memo_len = out->len - from;
	}
}
