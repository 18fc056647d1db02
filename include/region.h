/* region.h — the vocabulary of the region model: school types, grades,
 * states and time zones, with their labels and parsers. */
#ifndef ILNET_REGION_H
#define ILNET_REGION_H

/* Value/label pairs ending with NULL, for form_select(). */
extern const char *const region_school_types[];
extern const char *const region_states[];
extern const char *const region_time_zones[];
extern const char *const region_grades[];

/* Label for a stored value from one of the lists above ("" if unknown). */
const char *region_label(const char *const *pairs, const char *value);
/* 1 when value is one of the list's values. */
int region_valid(const char *const *pairs, const char *value);
/* The position of value in the list (0 for the first pair), -1 if absent. */
int region_index(const char *const *pairs, const char *value);

/* Labels of a '\n'-separated list of values, as "Label; Label" ("—" for
 * none; an unknown value as it is), in the arena. */
struct arena;
const char *region_labels(struct arena *a, const char *const *pairs, const char *values);

/* What a person typed, as a stored value: the value itself or its label,
 * in any case, spaces around ignored ("Small rural", "small_rural", "SD",
 * "South Dakota").  NULL when it names nothing on the list. */
const char *region_value(const char *const *pairs, const char *typed);
/* A time zone as people write it: the IANA name, the region's name for it
 * ("Central", "Mountain time"), its abbreviations ("CST", "MDT") or the
 * old "US/Central"; the IANA name of one of region_time_zones, or NULL. */
const char *region_tz_value(const char *typed);
/* A range of grades as people write it: "K-12", "PK–5", "9 to 12", "K"
 * (one grade).  0 with *low and *high set, or -1. */
int region_grades_parse(const char *s, int *low, int *high);

/* "PK" -> -1, "K" -> 0, "1".."12" -> 1..12; -2 when not a grade. */
int region_grade_parse(const char *s);
/* -1 -> "PK", 0 -> "K", n -> "n". */
const char *region_grade_label(int g);

#endif
