/* test_arena.c — the per-request arena. */
#include "unit.h"
#include "arena.h"

#include <stdint.h>
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

Suite *arena_suite(void)
{
	Suite *s = suite_create("arena");
	TCase *t = tcase_create("arena");
	tcase_add_test(t, alloc_aligned_and_distinct);
	tcase_add_test(t, large_and_many);
	tcase_add_test(t, strings);
	tcase_add_test(t, grow_keeps_elements);
	suite_add_tcase(s, t);
	return s;
}
