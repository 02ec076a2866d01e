/* tests/unit/check_turi.c: turi_with_user() (lib/util/turi.c), the one
 * builder of request URIs toward route and transfer targets: the user goes
 * in, everything else of the target stays, bad targets get -EINVAL. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/turi.h"

/* the URI built from target and user must be want */
static void expect(const char *target, const char *user, const char *want)
{
	char *uri = NULL;
	int r = turi_with_user(target, user, &uri);

	ck_assert_msg(r == 0, "turi_with_user(%s, %s) = %d", target, user ? user : "NULL", r);
	ck_assert_ptr_nonnull(uri);
	ck_assert_str_eq(uri, want);
	free(uri);
}

static void expect_einval(const char *target)
{
	char *uri = (char *)"untouched";

	ck_assert_int_eq(turi_with_user(target, "bob", &uri), -EINVAL);
	ck_assert_str_eq(uri, "untouched");
}

START_TEST(sip_host_gets_user)
{
	expect("sip:127.0.0.3", "carol", "sip:carol@127.0.0.3");
	expect("sip:127.0.0.3:5080", "carol", "sip:carol@127.0.0.3:5080");
	expect("sip:pbx.example.com", "100", "sip:100@pbx.example.com");
}
END_TEST

START_TEST(sips_keeps_its_scheme)
{
	/* the bug of issue 12: a transfer to sips: gave sip:carol@:127.0.0.5:5061 */
	expect("sips:127.0.0.5:5061", "carol", "sips:carol@127.0.0.5:5061");
	expect("sips:127.0.0.5", "carol", "sips:carol@127.0.0.5");
	expect("SIPS:127.0.0.5:5061", "carol", "SIPS:carol@127.0.0.5:5061");
}
END_TEST

START_TEST(target_with_user_unchanged)
{
	expect("sip:bob@127.0.0.3:5080", "carol", "sip:bob@127.0.0.3:5080");
	expect("sips:bob@127.0.0.5:5061", "carol", "sips:bob@127.0.0.5:5061");
}
END_TEST

START_TEST(no_user_leaves_target)
{
	expect("sip:127.0.0.3:5080", NULL, "sip:127.0.0.3:5080");
	expect("sip:127.0.0.3:5080", "", "sip:127.0.0.3:5080");
	expect("sips:[::1]:5061", NULL, "sips:[::1]:5061");
}
END_TEST

START_TEST(ipv6_literal_keeps_brackets)
{
	expect("sip:[::1]", "carol", "sip:carol@[::1]");
	expect("sip:[::1]:5080", "carol", "sip:carol@[::1]:5080");
	expect("sips:[2001:db8::5]:5061", "carol", "sips:carol@[2001:db8::5]:5061");
	expect("sip:[2001:db8::5]:5061;transport=tls", "carol",
	       "sip:carol@[2001:db8::5]:5061;transport=tls");
}
END_TEST

START_TEST(params_and_transport_kept)
{
	expect("sip:127.0.0.5:5061;transport=tls", "carol", "sip:carol@127.0.0.5:5061;transport=tls");
	expect("sip:127.0.0.3;transport=tcp", "carol", "sip:carol@127.0.0.3;transport=tcp");
	expect("sip:gw.example.com;transport=udp;lr", "+15551234", "sip:+15551234@gw.example.com;transport=udp;lr");
	expect("sips:127.0.0.5:5061;maddr=127.0.0.6", "carol", "sips:carol@127.0.0.5:5061;maddr=127.0.0.6");
}
END_TEST

START_TEST(user_escaped_where_needed)
{
	/* '@', ':', space and '>' cannot stand in a user part; an escape stays */
	expect("sip:127.0.0.3", "a@b", "sip:a%40b@127.0.0.3");
	expect("sip:127.0.0.3", "a b>", "sip:a%20b%3E@127.0.0.3");
	expect("sip:127.0.0.3", "a:b", "sip:a%3Ab@127.0.0.3");
	expect("sip:127.0.0.3", "a%40b", "sip:a%40b@127.0.0.3");
	expect("sip:127.0.0.3", "50%", "sip:50%25@127.0.0.3");
	/* user-unreserved characters (RFC 3261 25.1) stay */
	expect("sip:127.0.0.3", "1;phone-context=x?&=+$,/", "sip:1;phone-context=x?&=+$,/@127.0.0.3");
}
END_TEST

START_TEST(garbage_is_einval)
{
	expect_einval(NULL);
	expect_einval("");
	expect_einval("carol");
	expect_einval("sip:");
	expect_einval("sips:");
	expect_einval("http://127.0.0.3/");
	expect_einval("tel:+15551234");
	expect_einval("mailto:carol@example.com");
	expect_einval(":127.0.0.5:5061");
}
END_TEST

static Suite *turi_suite(void)
{
	Suite *s = suite_create("turi");
	TCase *tc = tcase_create("with_user");

	tcase_add_test(tc, sip_host_gets_user);
	tcase_add_test(tc, sips_keeps_its_scheme);
	tcase_add_test(tc, target_with_user_unchanged);
	tcase_add_test(tc, no_user_leaves_target);
	tcase_add_test(tc, ipv6_literal_keeps_brackets);
	tcase_add_test(tc, params_and_transport_kept);
	tcase_add_test(tc, user_escaped_where_needed);
	tcase_add_test(tc, garbage_is_einval);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(turi_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
