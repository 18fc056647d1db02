/* money.c — cents, dates and local times (see include/money.h). */
#include "money.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int money_parse(const char *s, long long *cents)
{
	if (!s)
		return 0;
	while (*s == ' ')
		s++;
	if (*s == '$')
		s++;
	long long whole = 0;
	int digits = 0, since_comma = -1;
	for (; (*s >= '0' && *s <= '9') || *s == ','; s++) {
		if (*s == ',') {
			/* Thousands separators must sit every three digits. */
			if (!digits || (since_comma >= 0 && since_comma != 3))
				return 0;
			since_comma = 0;
			continue;
		}
		whole = whole * 10 + (*s - '0');
		if (whole > MONEY_MAX_CENTS / 100)
			return 0;
		digits++;
		if (since_comma >= 0)
			since_comma++;
	}
	if (!digits || (since_comma >= 0 && since_comma != 3))
		return 0;
	long long frac = 0;
	if (*s == '.') {
		s++;
		int n = 0;
		for (; *s >= '0' && *s <= '9'; s++, n++) {
			if (n == 2)
				return 0;       /* fractions of a cent are refused, not rounded */
			frac = frac * 10 + (*s - '0');
		}
		if (n == 0)
			return 0;
		if (n == 1)
			frac *= 10;
	}
	while (*s == ' ')
		s++;
	if (*s)
		return 0;
	long long v = whole * 100 + frac;
	if (v > MONEY_MAX_CENTS)
		return 0;
	*cents = v;
	return 1;
}

void money_format(long long cents, char *out, size_t len)
{
	int neg = cents < 0;
	unsigned long long v = neg ? (unsigned long long)(-(cents + 1)) + 1 : (unsigned long long)cents;
	char digits[32];
	snprintf(digits, sizeof digits, "%llu", v / 100);
	char grouped[48];
	size_t n = strlen(digits), j = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			grouped[j++] = ',';
		grouped[j++] = digits[i];
	}
	grouped[j] = '\0';
	snprintf(out, len, "%s$%s.%02llu", neg ? "-" : "", grouped, v % 100);
}

static int parse_date(const char *s, int *y, int *m, int *d)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	*y = atoi(s);
	*m = atoi(s + 5);
	*d = atoi(s + 8);
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (*y < 1990 || *y > 2100 || *m < 1 || *m > 12 || *d < 1)
		return 0;
	int leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
	return *d <= mdays[*m - 1] + (*m == 2 && leap);
}

int date_valid(const char *s)
{
	int y, m, d;
	return parse_date(s, &y, &m, &d);
}

/* Days since 1970-01-01 (civil calendar). */
static long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

long date_diff(const char *a, const char *b)
{
	int ya, ma, da, yb, mb, db;
	if (!parse_date(a, &ya, &ma, &da) || !parse_date(b, &yb, &mb, &db))
		return 0;
	return days_from_civil(yb, mb, db) - days_from_civil(ya, ma, da);
}

void date_add(const char *d, long days, char out[11])
{
	int y, m, dd;
	if (!parse_date(d, &y, &m, &dd)) {
		snprintf(out, 11, "%s", "");
		return;
	}
	time_t t = (time_t)(days_from_civil(y, m, dd) + days) * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

void date_today(char out[11])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

void date_today_local(char out[11])
{
	char s[32];
	utc_to_local((long long)time(NULL), "America/Chicago", s, sizeof s);
	snprintf(out, 11, "%.10s", s);
}

void hours_text(long long minutes, char *out, size_t len)
{
	long long tenths = (minutes * 10 + 30) / 60;
	snprintf(out, len, "%lld.%lld", tenths / 10, tenths % 10);
}

/* Make tz the process's zone (workers are single-threaded).  It stays
 * set: glibc reads a zone's file again whenever TZ changes, and switching
 * there and back for every conversion took a quarter of the time of a page
 * showing today's date.  Nothing in ilnet reads local time but through
 * these functions, each of which names its zone. */
static void tz_use(const char *tz)
{
	const char *now = getenv("TZ");
	if (now && !strcmp(now, tz))
		return;
	setenv("TZ", tz, 1);
	tzset();
}

static int local_to_utc_now(const char *date, const char *time_s, const char *tz, long long *out);

/* Conversions back a worker remembers, as utc_to_local's below (a
 * convening's page converts its first and last day on every view, each
 * two calls of mktime): a pure function of the wall time and the zone. */
#define UTC_MEMO 256
static struct utc_memo {
	int used, found;
	long long t;
	char key[80];
} utc_memo[UTC_MEMO];

int local_to_utc(const char *date, const char *time_s, const char *tz, long long *out)
{
	char key[80];
	if (!date || !time_s || !tz || strlen(date) + strlen(time_s) + strlen(tz) + 3 > sizeof key)
		return local_to_utc_now(date, time_s, tz, out);
	snprintf(key, sizeof key, "%s|%s|%s", date, time_s, tz);
	unsigned long long h = 0xcbf29ce484222325ull;
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001B3ull;
	struct utc_memo *m = &utc_memo[(h >> 32) % UTC_MEMO];
	if (!m->used || strcmp(m->key, key)) {
		m->found = local_to_utc_now(date, time_s, tz, &m->t);
		memcpy(m->key, key, sizeof key);
		m->used = 1;
	}
	if (m->found)
		*out = m->t;
	return m->found;
}

static int local_to_utc_now(const char *date, const char *time_s, const char *tz, long long *out)
{
	int y, m, d;
	if (!parse_date(date, &y, &m, &d) || !time_s || strlen(time_s) != 5 || time_s[2] != ':')
		return 0;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (time_s[i] < '0' || time_s[i] > '9'))
			return 0;
	int hh = atoi(time_s), mm = atoi(time_s + 3);
	if (hh > 23 || mm > 59)
		return 0;
	/* Try the wall time as daylight and as standard time; keep the
	 * candidates that read back as the same wall time.  None: a time that
	 * spring-forward skips (refused).  Two: the hour that fall-back repeats;
	 * the rule, the same in every worker whatever it converted before, is
	 * the earlier instant (the first time the clock shows it, as RFC 5545
	 * does for DTSTART). */
	tz_use(tz);
	int found = 0;
	time_t best = 0;
	for (int isdst = 1; isdst >= 0; isdst--) {
		struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d,
		                 .tm_hour = hh, .tm_min = mm, .tm_isdst = isdst };
		time_t t = mktime(&tm);
		if (t == (time_t)-1)
			continue;
		struct tm back;
		localtime_r(&t, &back);
		if (back.tm_year != y - 1900 || back.tm_mon != m - 1 || back.tm_mday != d ||
		    back.tm_hour != hh || back.tm_min != mm)
			continue;
		if (!found || t < best)
			best = t;
		found = 1;
	}
	if (found)
		*out = (long long)best;
	return found;
}

/* Conversions a worker remembers.  A page lists its few instants in two or
 * three zones (the host's, the viewer's), and every switch of zone makes
 * glibc read that zone's file again: eight file opens for each Connect
 * page, most of its time.  A conversion is a pure function of the instant
 * and the zone, so an entry is exact for as long as the worker lives. */
#define LOCAL_MEMO 512
static struct local_memo {
	int used;
	long long t;
	char tz[48], out[48];
} local_memo[LOCAL_MEMO];

void utc_to_local(long long t, const char *tz, char *out, size_t len)
{
	unsigned long long h = (unsigned long long)t * 0x9E3779B97F4A7C15ull;
	for (const char *p = tz; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001B3ull;
	struct local_memo *m = &local_memo[(h >> 32) % LOCAL_MEMO];
	if (m->used && m->t == t && !strcmp(m->tz, tz)) {
		snprintf(out, len, "%s", m->out);
		return;
	}
	tz_use(tz);
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	char text[48];
	strftime(text, sizeof text, "%Y-%m-%d %H:%M %Z", &tm);
	snprintf(out, len, "%s", text);
	if (strlen(tz) < sizeof m->tz) {
		m->used = 1;
		m->t = t;
		snprintf(m->tz, sizeof m->tz, "%s", tz);
		snprintf(m->out, sizeof m->out, "%s", text);
	}
}
