/* tests/unit/check_identity.c: ${...} templates (lib/util/tvars.c), the
 * identity settings of the config (lib/conf/conf_identity.c) and the
 * privacy tokens lib/call/identity.c honours. What a target receives is
 * checked end to end by tests/sip/176-identity. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "util/tvars.h"
#include "testutil.h"

bool identity_privacy_asked(const char *privacy);	/* lib/call/identity.c */

static const char *get(void *arg, const char *name)
{
	(void)arg;
	if (strcmp(name, "from_user") == 0)
		return "alice";
	if (strcmp(name, "to_user") == 0)
		return "bob\r\nX-Evil: 1";	/* a value can never end the header line */
	return NULL;
}

START_TEST(expand)
{
	char *s = NULL;

	ck_assert_int_eq(tvars_expand("<sip:${from_user}@x> $$1 ${auth_user}.", get, NULL, &s), 0);
	ck_assert_str_eq(s, "<sip:alice@x> $1 .");
	free(s);
	ck_assert_int_eq(tvars_expand("To: ${to_user}", get, NULL, &s), 0);
	ck_assert_str_eq(s, "To: bobX-Evil: 1");
	free(s);
	ck_assert_int_eq(tvars_expand("plain", get, NULL, &s), 0);
	ck_assert_str_eq(s, "plain");
	free(s);
	s = NULL;
	ck_assert_int_eq(tvars_expand("${from_user", get, NULL, &s), -EINVAL);
	ck_assert_ptr_null(s);
}
END_TEST

START_TEST(check)
{
	const char *names[] = { "from_user", "route", NULL };
	char bad[32];

	ck_assert_int_eq(tvars_check("a ${from_user} ${route} $$", names, bad, sizeof(bad)), 0);
	ck_assert_int_eq(tvars_check("${fromuser}", names, bad, sizeof(bad)), -EINVAL);
	ck_assert_str_eq(bad, "fromuser");
	ck_assert_int_eq(tvars_check("cost $5", names, bad, sizeof(bad)), -EINVAL);
	ck_assert_str_eq(bad, "$5");
	ck_assert_int_eq(tvars_check("${Route}", names, bad, sizeof(bad)), -EINVAL);
	ck_assert_int_eq(tvars_check("${}", names, bad, sizeof(bad)), -EINVAL);
	ck_assert(tvars_has("a${route}"));
	ck_assert(!tvars_has("abc"));
}
END_TEST

START_TEST(privacy_tokens)
{
	ck_assert(identity_privacy_asked("id"));
	ck_assert(identity_privacy_asked("header;id"));
	ck_assert(identity_privacy_asked("user"));
	ck_assert(identity_privacy_asked(" session ; ID"));
	ck_assert(!identity_privacy_asked("none"));
	ck_assert(!identity_privacy_asked("session"));
	ck_assert(!identity_privacy_asked("idx"));
	ck_assert(!identity_privacy_asked(""));
}
END_TEST

#define RT "routes = (\n  { name = \"r\"; targets = \"sip:127.0.0.1\";\n"

static const struct {
	const char *text, *msg;
	int line;
} bad_conf[] = {
	{ RT "    add_headers = ( \"X-A: ${nope}\" ); }\n);\n", "unknown variable or bad ${...} at \"nope\"", 3 },
	{ RT "    pai = \"<sip:${from_user@x>\"; }\n);\n", "'pai': unknown variable", 3 },
	{ RT "    from_user = \"\"; }\n);\n", "'from_user' must not be empty", 3 },
	{ RT "    from_host = 7; }\n);\n", "from_host", 3 },
	{ RT "    trusted = \"yes\"; }\n);\n", "trusted", 3 },
	{ "identity = {\n  trusted = ( \"10.0.0.0/33\" ); };\n", "is not an address or network", 2 },
	{ "identity = {\n  trusted = \"10.0.0.0/8\"; };\n", "'trusted' must be a list", 2 },
	{ "identity = {\n  bogus = 1; };\n", "unknown key 'bogus'", 2 },
};

START_TEST(bad_settings)
{
	tu_load_bad(bad_conf[_i].text, bad_conf[_i].msg, bad_conf[_i].line);
}
END_TEST

START_TEST(good_settings)
{
	struct conf *c = NULL;
	struct conf_error err;
	const struct conf_route *r;

	ck_assert_int_eq(tu_load("identity = { trusted = ( \"192.0.2.0/24\", \"2001:db8::1\" ); };\n"
		RT "    trusted = true; pai = \"<sip:${from_user}@pbx>\"; from_user = \"+1${from_user}\";\n"
		"    from_display = \"\"; from_host = \"pbx.example.com\";\n"
		"    add_headers = ( \"X-R: ${route} $$\" ); }\n);\n", &c, &err), 0);
	ck_assert_uint_eq(c->identity.n_trusted, 2);
	r = &c->routes[0];
	ck_assert(r->trusted);
	ck_assert_str_eq(r->pai, "<sip:${from_user}@pbx>");
	ck_assert_str_eq(r->from_user, "+1${from_user}");
	ck_assert_str_eq(r->from_display, "");
	ck_assert_str_eq(r->from_host, "pbx.example.com");
	conf_unref(c);
}
END_TEST

static Suite *identity_suite(void)
{
	Suite *s = suite_create("identity");
	TCase *tc = tcase_create("tvars");

	tcase_add_test(tc, expand);
	tcase_add_test(tc, check);
	tcase_add_test(tc, privacy_tokens);
	suite_add_tcase(s, tc);
	tc = tcase_create("conf");
	tcase_add_loop_test(tc, bad_settings, 0, sizeof(bad_conf) / sizeof(bad_conf[0]));
	tcase_add_test(tc, good_settings);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(identity_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
