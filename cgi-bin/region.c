/* region.c — school types, grades, states, time zones (see region.h). */
#include "region.h"
#include "arena.h"
#include "buf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* s without the spaces around it, in buf (cut to its size). */
static const char *strip(const char *s, char *buf, size_t size)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n >= size)
		n = size - 1;
	memmove(buf, s, n);        /* s may lie inside buf */
	buf[n] = '\0';
	return buf;
}

const char *region_value(const char *const *pairs, const char *typed)
{
	char buf[128];
	if (!typed)
		return NULL;
	const char *t = strip(typed, buf, sizeof buf);
	for (int i = 0; pairs[i]; i += 2)
		if (!strcasecmp(pairs[i], t) || !strcasecmp(pairs[i + 1], t))
			return pairs[i];
	return NULL;
}

const char *region_tz_value(const char *typed)
{
	static const struct { const char *name, *tz; } names[] = {
		{ "Central", "America/Chicago" }, { "Central time", "America/Chicago" },
		{ "CT", "America/Chicago" }, { "CST", "America/Chicago" }, { "CDT", "America/Chicago" },
		{ "US/Central", "America/Chicago" },
		{ "Mountain", "America/Denver" }, { "Mountain time", "America/Denver" },
		{ "MT", "America/Denver" }, { "MST", "America/Denver" }, { "MDT", "America/Denver" },
		{ "US/Mountain", "America/Denver" },
	};
	const char *v = region_value(region_time_zones, typed);
	if (v || !typed)
		return v;
	char buf[64];
	const char *t = strip(typed, buf, sizeof buf);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcasecmp(names[i].name, t))
			return names[i].tz;
	return NULL;
}

/* One grade, any case ("k", "Pk", "pre-k", "kindergarten" too). */
static int grade_word(const char *s)
{
	if (!strcasecmp(s, "pk") || !strcasecmp(s, "pre-k") || !strcasecmp(s, "prek") ||
	    !strcasecmp(s, "pre-kindergarten"))
		return -1;
	if (!strcasecmp(s, "k") || !strcasecmp(s, "kindergarten"))
		return 0;
	return region_grade_parse(s);
}

int region_grades_parse(const char *s, int *low, int *high)
{
	char buf[64], a[32], b[32];
	if (!s)
		return -1;
	const char *t = strip(s, buf, sizeof buf);
	/* The separator: an en dash, a hyphen not part of "pre-k", or " to ". */
	const char *sep = strstr(t, "\xe2\x80\x93"), *after = NULL;
	if (sep)
		after = sep + 3;
	else if ((sep = strcasestr(t, " to ")))
		after = sep + 4;
	else {
		for (const char *p = strchr(t, '-'); p; p = strchr(p + 1, '-'))
			if (p > t && strncasecmp(p - (p - t >= 3 ? 3 : p - t), "pre", 3)) {
				sep = p;
				after = p + 1;
				break;
			}
	}
	if (!sep) {
		int g = grade_word(t);
		if (g < -1)
			return -1;
		*low = *high = g;
		return 0;
	}
	size_t n = (size_t)(sep - t);
	if (n >= sizeof a)
		return -1;
	memcpy(a, t, n);
	a[n] = '\0';
	int lo = grade_word(strip(a, a, sizeof a)), hi = grade_word(strip(after, b, sizeof b));
	if (lo < -1 || hi < -1 || hi < lo)
		return -1;
	*low = lo;
	*high = hi;
	return 0;
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
