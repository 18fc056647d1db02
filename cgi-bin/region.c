/* region.c — school types, grades, states, time zones (see region.h). */
#include "region.h"
#include "arena.h"
#include "buf.h"

#include <stdlib.h>
#include <string.h>

const char *const region_school_types[] = {
	"district_urban", "Public district, urban",
	"district_suburban", "Public district, suburban",
	"small_rural", "Small rural",
	"tribal", "Tribal",
	"independent", "Independent",
	"charter", "Charter",
	NULL,
};

const char *const region_states[] = {
	"MN", "Minnesota",
	"ND", "North Dakota",
	"SD", "South Dakota",
	NULL,
};

const char *const region_time_zones[] = {
	"America/Chicago", "Central (America/Chicago)",
	"America/Denver", "Mountain (America/Denver)",
	NULL,
};

const char *const region_grades[] = {
	"-1", "Pre-K", "0", "Kindergarten", "1", "1", "2", "2", "3", "3", "4", "4",
	"5", "5", "6", "6", "7", "7", "8", "8", "9", "9", "10", "10", "11", "11",
	"12", "12", NULL,
};

const char *region_label(const char *const *pairs, const char *value)
{
	for (int i = 0; value && pairs[i]; i += 2)
		if (!strcmp(pairs[i], value))
			return pairs[i + 1];
	return "";
}

int region_valid(const char *const *pairs, const char *value)
{
	return region_index(pairs, value) >= 0;
}

int region_index(const char *const *pairs, const char *value)
{
	for (int i = 0; value && pairs[i]; i += 2)
		if (!strcmp(pairs[i], value))
			return i / 2;
	return -1;
}

int region_grade_parse(const char *s)
{
	if (!s)
		return -2;
	if (!strcmp(s, "PK") || !strcmp(s, "pk") || !strcmp(s, "-1"))
		return -1;
	if (!strcmp(s, "K") || !strcmp(s, "k") || !strcmp(s, "0"))
		return 0;
	char *end;
	long g = strtol(s, &end, 10);
	if (*s < '1' || *s > '9' || *end || g < 1 || g > 12)
		return -2;
	return (int)g;
}

const char *region_grade_label(int g)
{
	static const char *const labels[] = {
		"PK", "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
	};
	return g >= -1 && g <= 12 ? labels[g + 1] : "?";
}

const char *region_labels(struct arena *a, const char *const *pairs, const char *values)
{
	struct buf b = BUF_IN(a);
	for (const char *p = values; p && *p;) {
		const char *e = strchr(p, '\n');
		char *one = arena_strndup(a, p, e ? (size_t)(e - p) : strlen(p));
		const char *l = region_label(pairs, one);
		buf_printf(&b, "%s%s", b.len ? "; " : "", *l ? l : one);
		p = e ? e + 1 : NULL;
	}
	char *s = arena_strdup(a, b.len ? b.p : "\u2014");
	buf_free(&b);
	return s;
}
