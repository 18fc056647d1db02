/* money.h — money in integer cents, and calendar dates and local times.
 *
 * Money is never a float: "$12,345.67", "12345.6" and "12,345" parse to
 * exact cents; anything else (three decimals, letters, a minus sign) is
 * refused rather than rounded.  Dates are "YYYY-MM-DD" and must exist.
 * Local times convert to UTC in a place's IANA time zone (the Dakotas span
 * Central and Mountain time), with daylight saving applied.
 */
#ifndef ILNET_MONEY_H
#define ILNET_MONEY_H

#include <stddef.h>

#define MONEY_MAX_CENTS 100000000000LL   /* a billion dollars */

/* Parse s into *cents.  1 on success, 0 when s is not an amount. */
int money_parse(const char *s, long long *cents);

/* "$1,234.50" into out (at least 32 bytes); negative amounts as "-$5.00". */
void money_format(long long cents, char *out, size_t len);

/* 1 when s is an existing date "YYYY-MM-DD" (years 1990-2100). */
int date_valid(const char *s);

/* Days from a to b (both valid dates). */
long date_diff(const char *a, const char *b);

/* Add days to a valid date; out gets "YYYY-MM-DD" (11 bytes). */
void date_add(const char *d, long days, char out[11]);

/* Today's date in UTC. */
void date_today(char out[11]);

/* Today's date where the region's business happens (Central time): what
 * "paid today", "overdue" and "the next 30 days" mean to the foundation. */
void date_today_local(char out[11]);

/* Minutes as hours to a tenth, rounded: "1.5", "2.0". */
void hours_text(long long minutes, char *out, size_t len);

/* Local date "YYYY-MM-DD" and time "HH:MM" in time zone tz to Unix time.
 * 1 on success; 0 for a malformed value or a time that does not exist
 * (the hour skipped when clocks go forward).  A time that happens twice
 * (the hour repeated when clocks go back) is the earlier instant, the
 * first time the clock shows it — in every worker, whatever it converted
 * before. */
int local_to_utc(const char *date, const char *time, const char *tz, long long *out);

/* Unix time to local "YYYY-MM-DD HH:MM" and a zone abbreviation (CST, MDT)
 * in tz; out needs 32 bytes. */
void utc_to_local(long long t, const char *tz, char *out, size_t len);

#endif
