/* map.h — the network map's pieces that other pages show (map.c). */
#ifndef ILNET_MAP_H
#define ILNET_MAP_H

struct req;

/* A small map of the school's state for its profile: the school placed
 * exactly as /map would place it for this viewer (where it is, at its
 * county's centre, or, when /map would not show it, no map at all), lines
 * to the site-visit partners the viewer may see, and a link to /map.
 * Its uses of nations' schools are counted in used, for the caller to log
 * ("profile map"). */
struct usage_tally;
void map_mini(struct req *r, long long school, struct usage_tally *used);

/* Where a node standing for several schools goes (an intermediary, at the
 * centre of the schools it serves): the mean of their positions as shown
 * (degrees), then, when any of them is shown only coarsely, that mean's
 * county centroid (or the policy's grid cell outside the counties) — never
 * finer than the coarsest of them.  1 when all were exact, else 0.  Pure. */
int map_centroid(const double *lon, const double *lat, const int *exact, int n, double *olon, double *olat);

#endif
