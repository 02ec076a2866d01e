/* tests/unit/check_tsdp_codec.c: a route's codec policy: its settings
 * (lib/conf/conf_codecs.c) and lib/sdp/tsdp_codec.c applying it to an
 * offer. tests/sip/177-codec-policy checks it end to end. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sdp/tsdp.h"
#include "testutil.h"

static const char offer[] =
	"v=0\r\no=a 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
	"m=audio 4000 RTP/AVP 9 0 8 18 101 13\r\n"
	"a=rtpmap:9 G722/8000\r\na=rtpmap:18 G729/8000\r\na=fmtp:18 annexb=no\r\n"
	"a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:30\r\na=sendrecv\r\n"
	"m=video 4002 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n";

static char out[4096], left[128];

static int run(const char *const *allow, size_t na, const char *const *deny, size_t nd,
	       const char *const *order, size_t no, unsigned ptime)
{
	struct tsdp_codec_policy p = { allow, na, deny, nd, order, no, ptime };

	return tsdp_codec_filter(offer, strlen(offer), &p, out, sizeof(out), left, sizeof(left));
}

START_TEST(no_policy_keeps_all)
{
	ck_assert_int_gt(run(NULL, 0, NULL, 0, NULL, 0, 0), 0);
	ck_assert_str_eq(out, offer);
}
END_TEST

START_TEST(allow_keeps_events)
{
	const char *allow[] = { "pcma", "PCMU" };

	ck_assert_int_gt(run(allow, 2, NULL, 0, NULL, 0, 0), 0);
	ck_assert_ptr_nonnull(strstr(out, "m=audio 4000 RTP/AVP 0 8 101 13\r\n"));
	ck_assert_ptr_null(strstr(out, "G722"));
	ck_assert_ptr_null(strstr(out, "G729"));
	ck_assert_ptr_null(strstr(out, "annexb"));
	ck_assert_ptr_nonnull(strstr(out, "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "a=ptime:30\r\n"));
	/* video untouched */
	ck_assert_ptr_nonnull(strstr(out, "m=video 4002 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"));
}
END_TEST

START_TEST(deny_and_order)
{
	const char *deny[] = { "G729", "telephone-event" };
	const char *order[] = { "PCMA", "G722" };

	ck_assert_int_gt(run(NULL, 0, deny, 2, order, 2, 20), 0);
	ck_assert_ptr_nonnull(strstr(out, "m=audio 4000 RTP/AVP 8 9 0 13\r\n"));
	ck_assert_ptr_null(strstr(out, "telephone-event"));
	ck_assert_ptr_null(strstr(out, "a=fmtp:101"));
	ck_assert_ptr_null(strstr(out, "a=ptime:30"));
	/* the ptime ends the audio section, before the video one */
	ck_assert_ptr_nonnull(strstr(out, "a=sendrecv\r\na=ptime:20\r\nm=video"));
}
END_TEST

START_TEST(nothing_left_is_enoent)
{
	const char *allow[] = { "OPUS" };

	ck_assert_int_eq(run(allow, 1, NULL, 0, NULL, 0, 0), -ENOENT);
	ck_assert_str_eq(left, "G722 PCMU PCMA G729 telephone-event CN");
}
END_TEST

START_TEST(disabled_lines_untouched)
{
	static const char o2[] = "v=0\r\nm=audio 0 RTP/AVP 18\r\nm=audio 5000 RTP/AVP 0\r\n";
	const char *allow[] = { "PCMU" };
	struct tsdp_codec_policy p = { allow, 1, NULL, 0, NULL, 0, 0 };

	ck_assert_int_gt(tsdp_codec_filter(o2, strlen(o2), &p, out, sizeof(out), left, sizeof(left)), 0);
	ck_assert_str_eq(out, o2);
}
END_TEST

START_TEST(bad_and_small)
{
	static const char o3[] = "v=0\r\nm=audio 5000 RTP/AVP x\r\n";
	struct tsdp_codec_policy p = { 0 };

	ck_assert_int_eq(tsdp_codec_filter(o3, strlen(o3), &p, out, sizeof(out), left, sizeof(left)),
			 -EINVAL);
	ck_assert_int_eq(tsdp_codec_filter(offer, strlen(offer), &p, out, 20, left, sizeof(left)),
			 -ENOSPC);
}
END_TEST

#define RT "routes = (\n  { name = \"r\"; targets = \"sip:127.0.0.1\";\n"

static const struct {
	const char *text, *msg;
} bad_conf[] = {
	{ RT "    codecs = \"PCMA\"; }\n);\n", "'codecs' must be a group" },
	{ RT "    codecs = { callee = ( \"PCMA\" ); }; }\n);\n", "'callee' must be a group" },
	{ RT "    codecs = { both = { }; }; }\n);\n", "unknown key 'both' in 'codecs'" },
	{ RT "    codecs = { caller = { prefer = \"PCMA\"; }; }; }\n);\n",
	  "unknown key 'prefer' in 'codecs.caller'" },
	{ RT "    codecs = { callee = { allow = \"PCMA\"; deny = ( \"pcma\" ); }; }; }\n);\n",
	  "codec \"PCMA\" is both allowed and denied" },
	{ RT "    codecs = { callee = { ptime = 5; }; }; }\n);\n", "'ptime' must be between 10 and 120" },
	{ RT "    codecs = { callee = { allow = ( \"\" ); }; }; }\n);\n", "non-empty" },
	/* the route's probe (target health), in the same file */
	{ RT "    probe = 5; }\n);\n", "'probe' must be true, false or a group" },
	{ RT "    probe = { interval = 0; }; }\n);\n", "'interval' must be between 1 and 3600" },
	{ RT "    probe = { every = 2; }; }\n);\n", "unknown key 'every' in 'probe'" },
};

START_TEST(bad_settings)
{
	tu_load_bad(bad_conf[_i].text, bad_conf[_i].msg, 3);
}
END_TEST

START_TEST(good_settings)
{
	struct conf *c = NULL;
	struct conf_error err;
	const struct conf_codecs *cc;

	ck_assert_int_eq(tu_load(RT "    codecs = { callee = { allow = ( \"PCMA\", \"PCMU\" );\n"
		"      order = \"PCMU\"; ptime = 30; }; }; }\n);\n", &c, &err), 0);
	cc = &c->routes[0].codecs[CONF_CALLEE];
	ck_assert(cc->set);
	ck_assert_uint_eq(cc->n_allow, 2);
	ck_assert_str_eq(cc->allow[1], "PCMU");
	ck_assert_uint_eq(cc->n_order, 1);
	ck_assert_int_eq(cc->ptime, 30);
	ck_assert(!c->routes[0].codecs[CONF_CALLER].set);
	ck_assert(!c->routes[0].probe.on);
	conf_unref(c);
	ck_assert_int_eq(tu_load(RT "    probe = true; }\n);\n", &c, &err), 0);
	ck_assert(c->routes[0].probe.on);
	ck_assert_int_eq(c->routes[0].probe.interval, 10);
	ck_assert_int_eq(c->routes[0].probe.down_after, 3);
	ck_assert_int_eq(c->routes[0].probe.up_after, 2);
	conf_unref(c);
	ck_assert_int_eq(tu_load(RT "    probe = { interval = 5; up_after = 1; }; }\n);\n", &c, &err), 0);
	ck_assert_int_eq(c->routes[0].probe.interval, 5);
	ck_assert_int_eq(c->routes[0].probe.down_after, 3);
	ck_assert_int_eq(c->routes[0].probe.up_after, 1);
	conf_unref(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tsdp_codec");
	TCase *tc = tcase_create("filter");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, no_policy_keeps_all);
	tcase_add_test(tc, allow_keeps_events);
	tcase_add_test(tc, deny_and_order);
	tcase_add_test(tc, nothing_left_is_enoent);
	tcase_add_test(tc, disabled_lines_untouched);
	tcase_add_test(tc, bad_and_small);
	suite_add_tcase(s, tc);
	tc = tcase_create("conf");
	tcase_add_loop_test(tc, bad_settings, 0, sizeof(bad_conf) / sizeof(bad_conf[0]));
	tcase_add_test(tc, good_settings);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
