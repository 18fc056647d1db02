#!/usr/bin/python3
"""geo_reference.py — the projection's reference values for test_geo.c.

Prints where PROJ (Debian's python3-pyproj, an implementation independent
of cgi-bin/geo.c) puts a few known places under the same Albers equal-area
conic as geo_project(): a sphere of radius 6371008.8 m, standard parallels
43.5 and 48.5 N, origin 45.5 N 97.5 W.  The unit test hard-codes its output;
run this again only if the projection's parameters change.
"""
from pyproj import Transformer

ALBERS = ('+proj=aea +lat_1=43.5 +lat_2=48.5 +lat_0=45.5 +lon_0=-97.5'
          ' +R=6371008.8 +units=m +no_defs')
PLACES = [
    ('Minneapolis', -93.265, 44.978),
    ('Bismarck', -100.78, 46.81),
    ('Pierre', -100.351, 44.368),
    ('Fargo', -96.79, 46.877),
    ('ND/MT/Canada corner', -104.05, 49.0),
    ('SD/NE/WY corner', -104.05, 43.0),
    ('SD/NE/IA, Missouri', -96.45, 42.49),
    ('Grand Portage', -89.49, 47.96),
    ('Northwest Angle', -95.15, 49.38),
]

t = Transformer.from_crs('+proj=longlat +R=6371008.8 +no_defs', ALBERS, always_xy=True)
for name, lon, lat in PLACES:
    x, y = t.transform(lon, lat)
    print('\t{ %9.3f, %7.3f, %15.4f, %15.4f },\t/* %s */' % (lon, lat, x, y, name))
