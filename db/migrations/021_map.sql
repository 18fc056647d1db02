-- 021_map.sql — where the map labels each Native nation: the town of its
-- tribal government's headquarters, a public place, never a point computed
-- from its schools (which would tell where a private school is) and never
-- a boundary (a nation's boundary is drawn only when its steward provides
-- one).
--
-- Sources: the headquarters town is the one in the nation's own published
-- address, as the Bureau of Indian Affairs' Tribal Leaders Directory lists
-- it; the town's position is the Census Bureau's Gazetteer of places (the
-- place's internal point), rounded to two decimals (about a kilometre),
-- longitude and latitude in degrees (NAD83).  Public data.
ALTER TABLE nations ADD COLUMN seat TEXT NOT NULL DEFAULT '';
ALTER TABLE nations ADD COLUMN seat_lon REAL CHECK (seat_lon IS NULL OR seat_lon BETWEEN -105 AND -89);
ALTER TABLE nations ADD COLUMN seat_lat REAL CHECK (seat_lat IS NULL OR seat_lat BETWEEN 40 AND 50);

UPDATE nations SET seat = 'Nett Lake, MN',     seat_lon = -93.09,  seat_lat = 48.11 WHERE id = 1;
UPDATE nations SET seat = 'Cloquet, MN',       seat_lon = -92.46,  seat_lat = 46.72 WHERE id = 2;
UPDATE nations SET seat = 'Grand Portage, MN', seat_lon = -89.68,  seat_lat = 47.96 WHERE id = 3;
UPDATE nations SET seat = 'Cass Lake, MN',     seat_lon = -94.60,  seat_lat = 47.38 WHERE id = 4;
UPDATE nations SET seat = 'Onamia, MN',        seat_lon = -93.67,  seat_lat = 46.07 WHERE id = 5;
UPDATE nations SET seat = 'Red Lake, MN',      seat_lon = -95.02,  seat_lat = 47.88 WHERE id = 6;
UPDATE nations SET seat = 'White Earth, MN',   seat_lon = -95.85,  seat_lat = 47.10 WHERE id = 7;
UPDATE nations SET seat = 'Morton, MN',        seat_lon = -94.98,  seat_lat = 44.55 WHERE id = 8;
UPDATE nations SET seat = 'Welch, MN',         seat_lon = -92.74,  seat_lat = 44.56 WHERE id = 9;
UPDATE nations SET seat = 'Prior Lake, MN',    seat_lon = -93.42,  seat_lat = 44.71 WHERE id = 10;
UPDATE nations SET seat = 'Granite Falls, MN', seat_lon = -95.55,  seat_lat = 44.81 WHERE id = 11;
UPDATE nations SET seat = 'New Town, ND',      seat_lon = -102.49, seat_lat = 47.98 WHERE id = 12;
UPDATE nations SET seat = 'Fort Totten, ND',   seat_lon = -98.99,  seat_lat = 47.98 WHERE id = 13;
UPDATE nations SET seat = 'Belcourt, ND',      seat_lon = -99.75,  seat_lat = 48.84 WHERE id = 14;
UPDATE nations SET seat = 'Fort Yates, ND',    seat_lon = -100.63, seat_lat = 46.09 WHERE id = 15;
UPDATE nations SET seat = 'Agency Village, SD', seat_lon = -97.00, seat_lat = 45.57 WHERE id = 16;
UPDATE nations SET seat = 'Eagle Butte, SD',   seat_lon = -101.23, seat_lat = 45.00 WHERE id = 17;
UPDATE nations SET seat = 'Fort Thompson, SD', seat_lon = -99.44,  seat_lat = 44.07 WHERE id = 18;
UPDATE nations SET seat = 'Flandreau, SD',     seat_lon = -96.60,  seat_lat = 44.05 WHERE id = 19;
UPDATE nations SET seat = 'Lower Brule, SD',   seat_lon = -99.58,  seat_lat = 44.07 WHERE id = 20;
UPDATE nations SET seat = 'Pine Ridge, SD',    seat_lon = -102.56, seat_lat = 43.03 WHERE id = 21;
UPDATE nations SET seat = 'Rosebud, SD',       seat_lon = -100.85, seat_lat = 43.23 WHERE id = 22;
UPDATE nations SET seat = 'Wagner, SD',        seat_lon = -98.29,  seat_lat = 43.08 WHERE id = 23;
