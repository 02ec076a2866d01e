/* tests/unit/check_trate.c: lib/util/trate.c, the token buckets of the calls
 * per second limits (lib/call/call_limit.c). Time is passed in, so the
 * tests need no clock. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/trate.h"

START_TEST(bucket_refills)
{
	struct trate_bucket b = { 0 };
	int ok = 0;

	for (int i = 0; i < 10; i++)
		ok += trate_bucket_take(&b, 4, 4, 100.0);
	ck_assert_int_eq(ok, 4);		/* full when new: the burst */
	ck_assert(!trate_bucket_take(&b, 4, 4, 100.1));
	ck_assert(trate_bucket_take(&b, 4, 4, 100.25));	/* a token every 0.25 s */
	ck_assert(!trate_bucket_take(&b, 4, 4, 100.26));
	ok = 0;
	for (int i = 0; i < 10; i++)
		ok += trate_bucket_take(&b, 4, 4, 200.0);
	ck_assert_int_eq(ok, 4);		/* never more than the burst */
	ck_assert(!trate_bucket_take(&b, 4, 4, 199.0));	/* time going back adds nothing */
}
END_TEST

START_TEST(keys_apart)
{
	struct trate *t = trate_new(64);
	int a = 0, b = 0;

	ck_assert_ptr_nonnull(t);
	for (int i = 0; i < 5; i++) {
		a += trate_take(t, "192.0.2.1", 2, 2, 10.0);
		b += trate_take(t, "192.0.2.2", 2, 2, 10.0);
	}
	ck_assert_int_eq(a, 2);
	ck_assert_int_eq(b, 2);
	trate_free(t);
}
END_TEST

/* a table far too small still answers, only more leniently (a key pushed
 * out comes back with a full bucket) */
START_TEST(small_table)
{
	struct trate *t = trate_new(1);
	char key[32];
	int ok = 0;

	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "k%d", i % 100);
		ok += trate_take(t, key, 1, 1, 5.0);
	}
	ck_assert_int_ge(ok, 100);
	ck_assert_int_le(ok, 1000);
	trate_free(t);
	trate_free(NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("trate");
	TCase *tc = tcase_create("buckets");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, bucket_refills);
	tcase_add_test(tc, keys_apart);
	tcase_add_test(tc, small_table);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
