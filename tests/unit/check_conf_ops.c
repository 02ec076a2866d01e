/* tests/unit/check_conf_ops.c: lib/conf/conf_ops.c, the records, http and
 * webhooks sections (a suite of its own: check_conf.c is past its size).
 * Every mistake comes back as -EINVAL with the line of the setting. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "testutil.h"

struct bad_case {
	const char *name;
	const char *text;
	const char *marker;	/* the line the error must name */
	const char *msg;	/* a part of the message */
};

#define HOOK(body) "webhooks = (\n  { # hook\n" body "  }\n);\n"
#define URL "    url = \"http://127.0.0.1:9000/hook\";\n"

static const struct bad_case bad[] = {
	{ "records not a group", "records = \"/tmp/x\"; #!\n", "#!",
	  "'records' must be a group, not a string" },
	{ "records without file", "records = { #!\n};\n", "#!", "'records' needs a file" },
	{ "records empty file", "records = {\n  file = \"\"; #!\n};\n", "#!",
	  "'file' must not be empty" },
	{ "records file not a string", "records = {\n  file = 3; #!\n};\n", "#!",
	  "'file' must be a string, not an integer" },
	{ "unknown key in records", "records = {\n  file = \"/tmp/x\";\n  rotate = true; #!\n};\n",
	  "#!", "unknown key 'rotate' in 'records'" },

	{ "http not a group", "http = 8090; #!\n", "#!", "'http' must be a group, not an integer" },
	{ "http bad address", "http = {\n  address = \"localhost\"; #!\n};\n", "#!",
	  "'address' must be an IPv4 or IPv6 address, not \"localhost\"" },
	{ "http address not a string", "http = {\n  address = 127; #!\n};\n", "#!",
	  "'address' must be a string, not an integer" },
	{ "http port zero", "http = {\n  port = 0; #!\n};\n", "#!",
	  "'port' must be between 1 and 65535, not 0" },
	{ "http port too big", "http = {\n  port = 70000; #!\n};\n", "#!",
	  "'port' must be between 1 and 65535, not 70000" },
	{ "http port a string", "http = {\n  port = \"8090\"; #!\n};\n", "#!",
	  "'port' must be an integer, not a string" },
	{ "unknown key in http", "http = {\n  tls = true; #!\n};\n", "#!",
	  "unknown key 'tls' in 'http'" },

	{ "webhooks not a list", "webhooks = { url = \"http://x\"; }; #!\n", "#!",
	  "'webhooks' must be a list" },
	{ "webhook without url", HOOK("    retries = 1;\n"), "# hook", "a webhook needs a url" },
	{ "webhook bad url scheme", HOOK("    url = \"ftp://127.0.0.1/\"; #!\n"), "#!",
	  "'url' must be an http:// or https:// URL, not \"ftp://127.0.0.1/\"" },
	{ "webhook url scheme only", HOOK("    url = \"http://\"; #!\n"), "#!",
	  "'url' must be an http:// or https:// URL" },
	{ "webhook unknown event", HOOK(URL "    events = ( \"call.ended\",\n      \"call.gone\" ); #!\n"),
	  "#!", "unknown event \"call.gone\"" },
	{ "webhook events not a list", HOOK(URL "    events = \"call.ended\"; #!\n"), "#!",
	  "'events' must be a list of event names" },
	{ "webhook event not a string", HOOK(URL "    events = ( 5 ); #!\n"), "#!",
	  "each element of 'events' must be a string, not an integer" },
	{ "webhook timeout too small", HOOK(URL "    timeout_ms = 5; #!\n"), "#!",
	  "'timeout_ms' must be between 10 and 60000, not 5" },
	{ "webhook retries too many", HOOK(URL "    retries = 11; #!\n"), "#!",
	  "'retries' must be between 0 and 10, not 11" },
	{ "webhook retries negative", HOOK(URL "    retries = -1; #!\n"), "#!",
	  "'retries' must be between 0 and 10, not -1" },
	{ "unknown key in webhook", HOOK(URL "    method = \"PUT\"; #!\n"), "#!",
	  "unknown key 'method' in a webhook" },
	{ "webhook not a group", "log = { level = \"info\"; };\nwebhooks = ( \"http://x\" ); #!\n", "#!",
	  "must be a group, not a string" },
};

START_TEST(bad_ops_config_is_refused_with_line_and_message)
{
	const struct bad_case *t = &bad[_i];
	struct conf *c = (struct conf *)0x1;
	struct conf_error err;
	int want_line = tu_line_of(t->text, t->marker);
	int r;

	ck_assert_msg(want_line > 0, "[%s] marker missing from the test text", t->name);
	r = tu_load(t->text, &c, &err);
	if (r == 0)
		c = conf_unref(c);
	ck_assert_msg(r == -EINVAL, "[%s] conf_load returned %d, want -EINVAL", t->name, r);
	ck_assert_msg(c == (struct conf *)0x1, "[%s] *ret was written on failure", t->name);
	ck_assert_msg(strstr(err.msg, t->msg) != NULL, "[%s] message \"%s\" does not contain \"%s\"",
		      t->name, err.msg, t->msg);
	ck_assert_msg(err.line == want_line, "[%s] error at line %d, want %d (%s)", t->name, err.line,
		      want_line, err.msg);
}
END_TEST

START_TEST(sections_are_off_when_absent)
{
	struct conf *c = tu_load_ok("log = { level = \"info\"; };\n");

	ck_assert_ptr_null(c->records_file);
	ck_assert_ptr_null(c->http_address);
	ck_assert_uint_eq(c->n_webhooks, 0);
	conf_unref(c);
}
END_TEST

/* conference.uri: its user and host as a Refer-To must name them */
START_TEST(conference_uri)
{
	struct conf *c = tu_load_ok("log = { level = \"info\"; };\n");

	ck_assert_ptr_null(c->conference_uri);
	conf_unref(c);
	c = tu_load_ok("conference = { uri = \"sip:Conf@pbx.example.com:5060;transport=tcp\"; };\n");
	ck_assert_str_eq(c->conference_uri, "sip:Conf@pbx.example.com:5060;transport=tcp");
	ck_assert_str_eq(c->conference_user, "Conf");
	ck_assert_str_eq(c->conference_host, "pbx.example.com");
	conf_unref(c);
	tu_load_bad("log = { level = \"info\"; };\nconference = { uri = \"conf@pbx\"; };\n",
		    "'conference' needs a uri", 2);
	tu_load_bad("conference = { uri = \"sip:pbx.example.com\"; };\n", "needs a uri", 1);
	tu_load_bad("conference = { };\n", "uri", 1);
	tu_load_bad("conference = { uri = \"sip:c@h\"; pin = 1; };\n", "pin", 1);
}
END_TEST

START_TEST(all_ops_settings_are_stored)
{
	struct conf *c = tu_load_ok(
		"records = { file = \"/var/log/tandem/calls.json\"; };\n"
		"http = { address = \"::1\"; port = 9100; };\n"
		"webhooks = (\n"
		"  { url = \"http://127.0.0.1:9000/hook\"; events = ( \"call.ended\", \"call.answered\" );\n"
		"    timeout_ms = 500; retries = 0; },\n"
		"  { url = \"https://example.org/x\"; }\n"
		");\n");

	ck_assert_str_eq(c->records_file, "/var/log/tandem/calls.json");
	ck_assert_str_eq(c->http_address, "::1");
	ck_assert_int_eq(c->http_port, 9100);
	ck_assert_uint_eq(c->n_webhooks, 2);
	ck_assert_str_eq(c->webhooks[0].url, "http://127.0.0.1:9000/hook");
	ck_assert_uint_eq(c->webhooks[0].n_events, 2);
	ck_assert_str_eq(c->webhooks[0].events[0], "call.ended");
	ck_assert_str_eq(c->webhooks[0].events[1], "call.answered");
	ck_assert_int_eq(c->webhooks[0].timeout_ms, 500);
	ck_assert_int_eq(c->webhooks[0].retries, 0);
	/* defaults: every event, 2 s, 2 retries */
	ck_assert_str_eq(c->webhooks[1].url, "https://example.org/x");
	ck_assert_uint_eq(c->webhooks[1].n_events, 0);
	ck_assert_int_eq(c->webhooks[1].timeout_ms, 2000);
	ck_assert_int_eq(c->webhooks[1].retries, 2);
	conf_unref(c);
}
END_TEST

START_TEST(http_defaults_to_loopback_8090)
{
	struct conf *c = tu_load_ok("http = { };\n");

	ck_assert_str_eq(c->http_address, "127.0.0.1");
	ck_assert_int_eq(c->http_port, 8090);
	conf_unref(c);
}
END_TEST

START_TEST(empty_webhooks_list_loads)
{
	struct conf *c = tu_load_ok("webhooks = ( );\n");

	ck_assert_uint_eq(c->n_webhooks, 0);
	conf_unref(c);
}
END_TEST

static Suite *conf_ops_suite(void)
{
	Suite *s = suite_create("conf_ops");
	TCase *tc = tcase_create("errors");

	tcase_add_loop_test(tc, bad_ops_config_is_refused_with_line_and_message, 0,
			    (int)(sizeof(bad) / sizeof(bad[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("load");
	tcase_add_test(tc, sections_are_off_when_absent);
	tcase_add_test(tc, conference_uri);
	tcase_add_test(tc, all_ops_settings_are_stored);
	tcase_add_test(tc, http_defaults_to_loopback_8090);
	tcase_add_test(tc, empty_webhooks_list_loads);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(conf_ops_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
