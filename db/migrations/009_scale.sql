-- 009: indexes for a national network (make scale: 100,000 schools).
--
-- The school list pages in the order state, name, id over the schools its
-- reader may see; this index walks in that order and holds every column
-- the filters and the visibility predicate read, so counting the list and
-- skipping to a late page never touch the table.
CREATE INDEX schools_list ON schools(state_code, name, id, city, type, sharing, nation_id);

-- A cycle's responses are listed in school-name order: walked here, each
-- school's response found by (cycle, school).
CREATE INDEX schools_by_name ON schools(name, id, sharing, nation_id);
