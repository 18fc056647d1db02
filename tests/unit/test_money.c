/* test_money.c — cents, dates, and local times across the region's zones. */
#include "unit.h"
#include "money.h"

#include <string.h>

START_TEST(parses_money_exactly)
{
	long long c;
	ck_assert(money_parse("12345.67", &c) && c == 1234567);
	ck_assert(money_parse("$12,345.67", &c) && c == 1234567);
	ck_assert(money_parse("12,345", &c) && c == 1234500);
	ck_assert(money_parse("0.1", &c) && c == 10);
	ck_assert(money_parse(" 75000 ", &c) && c == 7500000);
	ck_assert(money_parse("1,000,000,000", &c) && c == MONEY_MAX_CENTS);
	/* Refused, never rounded. */
	const char *bad[] = { "", "$", "1.234", "12.3.4", "-5", "1,23", "1,2345", ",100", "12a", "1e3",
	                      "1,000,000,001", "99999999999999999999", ".5", "5.", NULL };
	for (int i = 0; bad[i]; i++)
		ck_assert_msg(!money_parse(bad[i], &c), "%s parsed", bad[i]);
	/* 0.1 + 0.2 in cents is exactly 30. */
	long long a, b;
	money_parse("0.10", &a);
	money_parse("0.20", &b);
	ck_assert_int_eq(a + b, 30);
}
END_TEST

START_TEST(formats_money)
{
	char s[32];
	money_format(1234567, s, sizeof s);
	ck_assert_str_eq(s, "$12,345.67");
	money_format(5, s, sizeof s);
	ck_assert_str_eq(s, "$0.05");
	money_format(100000000, s, sizeof s);
	ck_assert_str_eq(s, "$1,000,000.00");
	money_format(-250, s, sizeof s);
	ck_assert_str_eq(s, "-$2.50");
	money_format(0, s, sizeof s);
	ck_assert_str_eq(s, "$0.00");
}
END_TEST

START_TEST(dates)
{
	ck_assert(date_valid("2024-02-29"));
	ck_assert(!date_valid("2023-02-29"));
	ck_assert(!date_valid("2100-02-29"));
	ck_assert(!date_valid("2026-13-01"));
	ck_assert(!date_valid("2026-1-01"));
	ck_assert(!date_valid("26-01-01"));
	ck_assert(!date_valid(NULL));
	ck_assert_int_eq(date_diff("2026-01-01", "2026-03-01"), 59);
	ck_assert_int_eq(date_diff("2024-01-01", "2025-01-01"), 366);
	ck_assert_int_eq(date_diff("2026-03-01", "2026-01-01"), -59);
	char out[11];
	date_add("2026-12-20", 30, out);
	ck_assert_str_eq(out, "2027-01-19");
	date_add("2024-02-28", 1, out);
	ck_assert_str_eq(out, "2024-02-29");
}
END_TEST

START_TEST(local_times_in_the_regions_zones)
{
	long long t;
	/* 9:00 in Sioux Falls (Central) and in Rapid City (Mountain), in winter. */
	ck_assert(local_to_utc("2026-01-15", "09:00", "America/Chicago", &t));
	ck_assert_int_eq(t, 1768489200);                      /* 15:00 UTC */
	ck_assert(local_to_utc("2026-01-15", "09:00", "America/Denver", &t));
	ck_assert_int_eq(t, 1768492800);                      /* 16:00 UTC */
	/* Summer: daylight time. */
	ck_assert(local_to_utc("2026-07-15", "09:00", "America/Chicago", &t));
	ck_assert_int_eq(t, 1784124000);                      /* 14:00 UTC */
	char s[32];
	utc_to_local(t, "America/Denver", s, sizeof s);
	ck_assert_str_eq(s, "2026-07-15 08:00 MDT");
	utc_to_local(1768489200, "America/Chicago", s, sizeof s);
	ck_assert_str_eq(s, "2026-01-15 09:00 CST");
	/* 2:30 on the morning clocks go forward does not exist. */
	ck_assert(!local_to_utc("2026-03-08", "02:30", "America/Chicago", &t));
	ck_assert(!local_to_utc("2026-03-08", "02:30", "America/Denver", &t));   /* skipped in Mountain time too */
	ck_assert(!local_to_utc("2026-01-15", "24:00", "America/Chicago", &t));
	ck_assert(!local_to_utc("2026-01-15", "9:00", "America/Chicago", &t));
	/* The zone is restored afterwards. */
	ck_assert(local_to_utc("2026-01-15", "09:00", "America/Denver", &t));
	ck_assert_int_eq(t, 1768492800);
}
END_TEST

/* Conversions a worker remembers are the conversions: the same instants
 * in alternating zones (as a page of hosts in two zones asks), across the
 * changes of clocks, again and again, and a short buffer still cut. */
START_TEST(remembered_conversions_are_exact)
{
	static const long long at[] = { 1768489200, 1784124000, 1793514600, 1793518200, 1793521800, 0 };
	static const char *const zone[] = { "America/Chicago", "America/Denver", "UTC" };
	static const char *const want[3][5] = {
		{ "2026-01-15 09:00 CST", "2026-07-15 09:00 CDT", "2026-11-01 01:30 CDT", "2026-11-01 01:30 CST",
		  "2026-11-01 02:30 CST" },
		{ "2026-01-15 08:00 MST", "2026-07-15 08:00 MDT", "2026-11-01 00:30 MDT", "2026-11-01 01:30 MDT",
		  "2026-11-01 01:30 MST" },
		{ "2026-01-15 15:00 UTC", "2026-07-15 14:00 UTC", "2026-11-01 06:30 UTC", "2026-11-01 07:30 UTC",
		  "2026-11-01 08:30 UTC" },
	};
	char s[32];
	for (int round = 0; round < 3; round++)
		for (int i = 0; at[i]; i++)
			for (int z = 0; z < 3; z++) {
				utc_to_local(at[i], zone[(z + round) % 3], s, sizeof s);
				ck_assert_str_eq(s, want[(z + round) % 3][i]);
			}
	char cut[11];
	utc_to_local(at[0], zone[0], cut, sizeof cut);
	ck_assert_str_eq(cut, "2026-01-15");
}
END_TEST

/* Conversions back are remembered too: the same answers (a time that
 * does not exist still refused, *out then untouched) in alternating
 * zones, again and again. */
START_TEST(remembered_conversions_back_are_exact)
{
	for (int round = 0; round < 3; round++) {
		long long t = 7;
		ck_assert(!local_to_utc("2026-03-08", "02:30", "America/Chicago", &t));
		ck_assert_int_eq(t, 7);
		ck_assert(local_to_utc("2026-01-15", "09:00", round % 2 ? "America/Denver" : "America/Chicago", &t));
		ck_assert_int_eq(t, round % 2 ? 1768492800 : 1768489200);
		ck_assert(local_to_utc("2026-01-15", "09:00", round % 2 ? "America/Chicago" : "America/Denver", &t));
		ck_assert_int_eq(t, round % 2 ? 1768489200 : 1768492800);
		ck_assert(local_to_utc("2026-11-01", "01:30", "America/Chicago", &t));
		ck_assert_int_eq(t, 1793514600);
		ck_assert(!local_to_utc("2026-01-15", "24:00", "America/Chicago", &t));
	}
}
END_TEST

/* 1:30 on the morning clocks go back happens twice: always the first
 * (daylight) instant, whatever the worker converted before. */
START_TEST(repeated_hour_has_one_rule)
{
	long long t, a, b;
	const char *before[][2] = { { "2026-07-15", "09:00" }, { "2026-12-15", "09:00" } };
	for (int order = 0; order < 2; order++) {
		ck_assert(local_to_utc(before[order][0], before[order][1], "America/Chicago", &t));
		ck_assert(local_to_utc(before[!order][0], before[!order][1], "America/Chicago", &t));
		ck_assert(local_to_utc("2026-11-01", "01:30", "America/Chicago", &a));
		ck_assert_int_eq(a, 1793514600);              /* 06:30 UTC, 1:30 CDT */
	}
	ck_assert(local_to_utc("2026-12-15", "09:00", "America/Denver", &t));
	ck_assert(local_to_utc("2026-11-01", "01:30", "America/Denver", &b));
	ck_assert_int_eq(b, 1793518200);                      /* 07:30 UTC, 1:30 MDT */
	/* Just outside the repeated hour, nothing to choose. */
	ck_assert(local_to_utc("2026-11-01", "02:30", "America/Chicago", &t));
	ck_assert_int_eq(t, 1793521800);                      /* 08:30 UTC, CST */
	ck_assert(local_to_utc("2026-11-01", "00:30", "America/Chicago", &t));
	ck_assert_int_eq(t, 1793511000);                      /* 05:30 UTC, CDT */
}
END_TEST

START_TEST(hours_rounded)
{
	char s[16];
	hours_text(119, s, sizeof s);
	ck_assert_str_eq(s, "2.0");          /* not 1.9: rounded, not cut */
	hours_text(90, s, sizeof s);
	ck_assert_str_eq(s, "1.5");
	hours_text(0, s, sizeof s);
	ck_assert_str_eq(s, "0.0");
	hours_text(45, s, sizeof s);
	ck_assert_str_eq(s, "0.8");
	char today[11];
	date_today_local(today);
	ck_assert(date_valid(today));
}
END_TEST

Suite *money_suite(void)
{
	Suite *s = suite_create("money");
	TCase *t = tcase_create("money");
	tcase_add_test(t, parses_money_exactly);
	tcase_add_test(t, formats_money);
	tcase_add_test(t, dates);
	tcase_add_test(t, local_times_in_the_regions_zones);
	tcase_add_test(t, repeated_hour_has_one_rule);
	tcase_add_test(t, remembered_conversions_are_exact);
	tcase_add_test(t, remembered_conversions_back_are_exact);
	tcase_add_test(t, hours_rounded);
	suite_add_tcase(s, t);
	return s;
}
