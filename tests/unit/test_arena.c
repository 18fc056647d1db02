/* test_arena.c — the per-request arena, and the buffer's writers. */
#include "unit.h"
#include "arena.h"
#include "buf.h"

#include <cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

START_TEST(alloc_aligned_and_distinct)
{
	struct arena a;
	arena_init(&a);
	char *p = arena_alloc(&a, 3), *q = arena_alloc(&a, 5);
	ck_assert_ptr_ne(p, q);
	ck_assert_int_eq((uintptr_t)p % 16, 0);
	ck_assert_int_eq((uintptr_t)q % 16, 0);
	memset(p, 1, 3);
	memset(q, 2, 5);
	ck_assert_int_eq(p[2], 1);
	arena_free(&a);
}
END_TEST

START_TEST(large_and_many)
{
	struct arena a;
	arena_init(&a);
	char *big = arena_alloc(&a, 1 << 20);
	memset(big, 7, 1 << 20);
	for (int i = 0; i < 10000; i++)
		memset(arena_alloc(&a, 100), i & 0xff, 100);
	ck_assert_int_eq(big[(1 << 20) - 1], 7);
	arena_reset(&a);
	ck_assert_uint_eq(a.total, 0);
	/* Still usable after the reset. */
	ck_assert_str_eq(arena_strdup(&a, "again"), "again");
	arena_free(&a);
	ck_assert_ptr_null(a.head);
}
END_TEST

START_TEST(strings)
{
	struct arena a;
	arena_init(&a);
	ck_assert_str_eq(arena_strdup(&a, "prairie"), "prairie");
	ck_assert_str_eq(arena_strndup(&a, "prairie", 4), "prai");
	ck_assert_ptr_null(arena_strdup(&a, NULL));
	ck_assert_str_eq(arena_printf(&a, "%d schools in %s", 303, "MN"), "303 schools in MN");
	char *z = arena_zalloc(&a, 64);
	for (int i = 0; i < 64; i++)
		ck_assert_int_eq(z[i], 0);
	arena_free(&a);
}
END_TEST

/* An array grown one element at a time keeps every element, doubling its
 * room only when full. */
START_TEST(grow_keeps_elements)
{
	struct arena a;
	arena_init(&a);
	long long *v = NULL;
	int n = 0, cap = 0;
	for (int i = 0; i < 1000; i++) {
		long long *before = v;
		int had = cap;
		v = arena_grow(&a, v, n, &cap, sizeof *v);
		ck_assert_int_gt(cap, n);
		if (n < had)
			ck_assert_ptr_eq(v, before);         /* room left: the same array */
		v[n++] = (long long)i * 7;
	}
	ck_assert_int_eq(cap, 1024);
	for (int i = 0; i < n; i++)
		ck_assert_int_eq(v[i], (long long)i * 7);
	arena_free(&a);
}
END_TEST

/* fmt_fixed() writes what printf's "%.*f" writes: random values, values
 * half way at every precision (ties to even, of the double's exact value),
 * just either side of them, zeros of both signs, and what it leaves to
 * printf. */
START_TEST(fixed_as_printf)
{
	char a[40], b[64];
	srand(7);
	double special[] = { 0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, 0.05, 0.15, 0.25, 0.35, 1.005, 2.675,
	                     -96.505, 47.30, 999999999.99995, 1e15, 9.999999e14, 1e-300, -1e-7, NAN, INFINITY, -INFINITY };
	for (int i = 0; i < 40000 + (int)(sizeof special / sizeof special[0]); i++) {
		double v;
		if (i >= 40000)
			v = special[i - 40000];
		else if (i % 4 == 0)
			v = ((double)rand() / RAND_MAX - 0.5) * 400;
		else if (i % 4 == 1)
			v = (double)(rand() % 2000000 - 1000000) / (1 << (rand() % 12));   /* halves, quarters, ... */
		else if (i % 4 == 2)
			v = nextafter((rand() % 2000000 - 1000000) / 1e5 + 5e-6, rand() % 2 ? 1e9 : -1e9);
		else
			v = (rand() % 20000 - 10000) / 1e3 + 5e-5;
		for (int d = 0; d <= 6; d++) {
			int n = fmt_fixed(a, v, d);
			snprintf(b, sizeof b, "%.*f", d, v);
			ck_assert_msg(!strcmp(a, b), "%.17g to %d places: %s, printf %s", v, d, a, b);
			ck_assert_int_eq(n, (int)strlen(b));
		}
	}
}
END_TEST

START_TEST(int_and_json_string)
{
	struct arena ar;
	arena_init(&ar);
	struct buf b = BUF_IN(&ar);
	long long ints[] = { 0, 7, -7, 10, 1234567890123LL, LLONG_MAX, LLONG_MIN };
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		char want[32];
		snprintf(want, sizeof want, "%lld", ints[i]);
		b.len = 0;
		buf_int(&b, ints[i]);
		ck_assert_str_eq(buf_str(&b), want);
	}
	/* Strings escaped as cJSON escapes them: quote, backslash, control
	 * characters; UTF-8 (U+2028 too) as it is. */
	const char *strs[] = { "", "plain", "say \"hi\"", "back\\slash", "tab\tnew\nline\r\b\f", "\x01\x1f\x7f",
	                       "Lac Courte Oreilles — Ojibwe", "line\xe2\x80\xa8sep\xe2\x80\xa9", "</script>" };
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
		cJSON *x = cJSON_CreateString(strs[i]);
		char *want = cJSON_PrintUnformatted(x);
		b.len = 0;
		buf_json_str(&b, strs[i]);
		ck_assert_str_eq(buf_str(&b), want);
		cJSON *back = cJSON_Parse(buf_str(&b));
		ck_assert(back && cJSON_IsString(back));
		ck_assert_str_eq(back->valuestring, strs[i]);
		cJSON_Delete(back);
		cJSON_free(want);
		cJSON_Delete(x);
	}
	arena_free(&ar);
}
END_TEST

Suite *arena_suite(void)
{
	Suite *s = suite_create("arena");
	TCase *t = tcase_create("arena");
	tcase_add_test(t, alloc_aligned_and_distinct);
	tcase_add_test(t, large_and_many);
	tcase_add_test(t, strings);
	tcase_add_test(t, grow_keeps_elements);
	tcase_add_test(t, fixed_as_printf);
	tcase_add_test(t, int_and_json_string);
	suite_add_tcase(s, t);
	return s;
}
