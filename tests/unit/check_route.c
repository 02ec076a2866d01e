/* tests/unit/check_route.c: lib/conf/route.c: which route a call takes
 * (first match wins, every key of a match must fit) and the request-URI
 * user rewrite. The routes come from a real config text via conf_load(). */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/conf.h"
#include "testutil.h"

/* No catch-all: a request that fits none gets NULL. */
static const char *const routes_text =
	"routes = (\n"
	"  { name = \"emergency\"; match = { ruri_user = \"^(112|911)$\"; }; targets = \"sip:psap\"; },\n"
	"  { name = \"domain\"; match = { ruri_domain = \"Example.COM\"; }; targets = \"sip:d\"; },\n"
	"  { name = \"from\"; match = { from_user = \"^alice$\"; }; targets = \"sip:f\"; },\n"
	"  { name = \"to\"; match = { to_user = \"^bob\"; }; targets = \"sip:t\"; },\n"
	"  { name = \"source\"; match = { source = ( \"10.0.0.0/8\", \"2001:db8::/32\" ); };\n"
	"    targets = \"sip:s\"; },\n"
	"  { name = \"header\"; match = { header = { name = \"X-Tenant\"; value = \"^gold$\"; }; };\n"
	"    targets = \"sip:h\"; },\n"
	"  { name = \"and\"; match = { ruri_user = \"^9\"; from_user = \"^carol$\";\n"
	"    source = \"192.168.1.0/24\"; }; targets = \"sip:a\"; }\n"
	");\n";

static struct conf *cf;

static void setup(void)
{
	cf = tu_load_ok(routes_text);
}

static void teardown(void)
{
	cf = conf_unref(cf);
}

static struct sockaddr_storage ss;

static const struct sockaddr *src(const char *ip)
{
	memset(&ss, 0, sizeof(ss));
	if (strchr(ip, ':')) {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;
		s->sin6_family = AF_INET6;
		ck_assert_int_eq(inet_pton(AF_INET6, ip, &s->sin6_addr), 1);
	} else {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;
		s->sin_family = AF_INET;
		ck_assert_int_eq(inet_pton(AF_INET, ip, &s->sin_addr), 1);
	}
	return (struct sockaddr *)&ss;
}

/* Headers of a fake request: NULL-terminated name/value pairs. */
struct fake_hdrs {
	const char *const *kv;
	char asked[64];
	int calls;
};

static const char *fake_header(void *arg, const char *name)
{
	struct fake_hdrs *h = arg;

	h->calls++;
	snprintf(h->asked, sizeof(h->asked), "%s", name);
	for (const char *const *p = h->kv; p && p[0]; p += 2)
		if (strcasecmp(p[0], name) == 0)
			return p[1];
	return NULL;
}

static const char *found(const struct route_req *q)
{
	const struct conf_route *r = route_find(cf, q);

	return r ? r->name : "(none)";
}

START_TEST(no_match_is_null)
{
	struct route_req q = { .ruri_user = "12345", .ruri_host = "example.org", .from_user = "dave",
			       .to_user = "erin", .source = src("172.16.0.1") };

	ck_assert_ptr_null(route_find(cf, &q));
	memset(&q, 0, sizeof(q));
	ck_assert_ptr_null(route_find(cf, &q));	/* every field NULL */
}
END_TEST

START_TEST(match_ruri_user)
{
	struct route_req q = { .ruri_user = "112" };

	ck_assert_str_eq(found(&q), "emergency");
	q.ruri_user = "911";
	ck_assert_str_eq(found(&q), "emergency");
	q.ruri_user = "1120";	/* anchored */
	ck_assert_str_eq(found(&q), "(none)");
	q.ruri_user = "0112";
	ck_assert_str_eq(found(&q), "(none)");
	q.ruri_user = NULL;
	ck_assert_str_eq(found(&q), "(none)");
}
END_TEST

START_TEST(match_ruri_domain_case_insensitive)
{
	struct route_req q = { .ruri_user = "100", .ruri_host = "example.com" };

	ck_assert_str_eq(found(&q), "domain");
	q.ruri_host = "EXAMPLE.com";
	ck_assert_str_eq(found(&q), "domain");
	q.ruri_host = "example.org";
	ck_assert_str_eq(found(&q), "(none)");
	q.ruri_host = "sub.example.com";	/* exact, not a suffix */
	ck_assert_str_eq(found(&q), "(none)");
	q.ruri_host = "example.com.evil";
	ck_assert_str_eq(found(&q), "(none)");
	q.ruri_host = NULL;
	ck_assert_str_eq(found(&q), "(none)");
}
END_TEST

START_TEST(match_from_user)
{
	struct route_req q = { .from_user = "alice" };

	ck_assert_str_eq(found(&q), "from");
	q.from_user = "alice2";
	ck_assert_str_eq(found(&q), "(none)");
	q.from_user = "Alice";	/* regexes are case-sensitive */
	ck_assert_str_eq(found(&q), "(none)");
	q.from_user = NULL;
	q.to_user = "alice";	/* the To user is not the From user */
	ck_assert_str_eq(found(&q), "(none)");
}
END_TEST

START_TEST(match_to_user)
{
	struct route_req q = { .to_user = "bobby" };

	ck_assert_str_eq(found(&q), "to");
	q.to_user = "xbob";
	ck_assert_str_eq(found(&q), "(none)");
	q.to_user = NULL;
	q.from_user = "bob";
	ck_assert_str_eq(found(&q), "(none)");
}
END_TEST

START_TEST(match_source_cidr_list)
{
	struct route_req q = { .ruri_user = "100" };

	q.source = src("10.20.30.40");
	ck_assert_str_eq(found(&q), "source");
	q.source = src("2001:db8:1::5");
	ck_assert_str_eq(found(&q), "source");
	q.source = src("::ffff:10.0.0.1");
	ck_assert_str_eq(found(&q), "source");
	q.source = src("11.0.0.1");
	ck_assert_str_eq(found(&q), "(none)");
	q.source = src("2001:db9::1");
	ck_assert_str_eq(found(&q), "(none)");
	q.source = NULL;
	ck_assert_str_eq(found(&q), "(none)");
}
END_TEST

START_TEST(match_header_via_callback)
{
	static const char *const gold[] = { "Via", "SIP/2.0/UDP x", "x-tenant", "gold", NULL };
	static const char *const silver[] = { "X-Tenant", "silver", NULL };
	static const char *const golden[] = { "X-Tenant", "golden", NULL };
	static const char *const none[] = { "Via", "SIP/2.0/UDP x", NULL };
	struct fake_hdrs h = { .kv = gold };
	struct route_req q = { .ruri_user = "100", .header = fake_header, .header_arg = &h };

	ck_assert_str_eq(found(&q), "header");
	ck_assert_str_eq(h.asked, "X-Tenant");
	ck_assert_int_ge(h.calls, 1);
	h.kv = silver;
	ck_assert_str_eq(found(&q), "(none)");
	h.kv = golden;
	ck_assert_str_eq(found(&q), "(none)");
	h.kv = none;
	ck_assert_str_eq(found(&q), "(none)");
	q.header = NULL;	/* no header callback: the header route cannot match */
	h.kv = gold;
	ck_assert_str_eq(found(&q), "(none)");
}
END_TEST

START_TEST(match_needs_every_key)
{
	struct route_req q = { .ruri_user = "9123", .from_user = "carol", .source = src("192.168.1.77") };

	ck_assert_str_eq(found(&q), "and");
	q.ruri_user = "8123";
	ck_assert_str_eq(found(&q), "(none)");
	q.ruri_user = "9123";
	q.from_user = "carola";
	ck_assert_str_eq(found(&q), "(none)");
	q.from_user = "carol";
	q.source = src("192.168.2.77");
	ck_assert_str_eq(found(&q), "(none)");
	q.source = NULL;
	ck_assert_str_eq(found(&q), "(none)");
}
END_TEST

START_TEST(first_match_wins)
{
	/* 911 from alice at 10.1.1.1 to bob fits emergency, from, to and source */
	struct route_req q = { .ruri_user = "911", .ruri_host = "example.com", .from_user = "alice",
			       .to_user = "bob", .source = src("10.1.1.1") };

	ck_assert_str_eq(found(&q), "emergency");
	q.ruri_user = "100";
	ck_assert_str_eq(found(&q), "domain");
	q.ruri_host = "other";
	ck_assert_str_eq(found(&q), "from");
	q.from_user = "x";
	ck_assert_str_eq(found(&q), "to");
	q.to_user = "x";
	ck_assert_str_eq(found(&q), "source");
	q.source = src("1.1.1.1");
	ck_assert_str_eq(found(&q), "(none)");
}
END_TEST

START_TEST(first_match_wins_with_catch_all)
{
	struct conf *c = tu_load_ok(
		"routes = (\n"
		"  { name = \"one\"; match = { ruri_user = \"^1\"; }; targets = \"sip:1\"; },\n"
		"  { name = \"twelve\"; match = { ruri_user = \"^12\"; }; targets = \"sip:12\"; },\n"
		"  { name = \"all\"; match = { }; targets = \"sip:all\"; },\n"
		"  { name = \"never\"; targets = \"sip:never\"; }\n"
		");\n");
	struct route_req q = { .ruri_user = "123" };

	ck_assert_ptr_eq(route_find(c, &q), &c->routes[0]);	/* "^12" fits too, but comes later */
	q.ruri_user = "2";
	ck_assert_ptr_eq(route_find(c, &q), &c->routes[2]);
	memset(&q, 0, sizeof(q));
	ck_assert_ptr_eq(route_find(c, &q), &c->routes[2]);
	conf_unref(c);
}
END_TEST

START_TEST(no_routes_is_null)
{
	struct conf *c = tu_load_ok("");
	struct route_req q = { .ruri_user = "1" };

	ck_assert_ptr_null(route_find(c, &q));
	conf_unref(c);
}
END_TEST

/* ---- rewrite ---- */

static const char *const rewrite_text =
	"routes = (\n"
	"  { name = \"intl\"; targets = \"sip:h\";\n"
	"    rewrite_user = { match = \"^00([0-9]+)$\"; replace = \"+\\\\1\"; }; },\n"
	"  { name = \"nine\"; targets = \"sip:h\";\n"
	"    rewrite_user = { match = \"^(.)(.)(.)(.)(.)(.)(.)(.)(.)$\";\n"
	"                     replace = \"\\\\9\\\\8\\\\7\\\\6\\\\5\\\\4\\\\3\\\\2\\\\1\"; }; },\n"
	"  { name = \"whole\"; targets = \"sip:h\";\n"
	"    rewrite_user = { match = \"[0-9]+\"; replace = \"<\\\\0>\"; }; },\n"
	"  { name = \"opt\"; targets = \"sip:h\";\n"
	"    rewrite_user = { match = \"^(a)?(b)\"; replace = \"[\\\\1|\\\\2]\"; }; },\n"
	"  { name = \"bs\"; targets = \"sip:h\";\n"
	"    rewrite_user = { match = \"^x\"; replace = \"a\\\\\\\\b\"; }; },\n"
	"  { name = \"drop\"; targets = \"sip:h\";\n"
	"    rewrite_user = { match = \"^\\\\*31\\\\*\"; replace = \"\"; }; },\n"
	"  { name = \"plain\"; targets = \"sip:h\"; }\n"
	");\n";

static void rw_setup(void)
{
	cf = tu_load_ok(rewrite_text);
}

static const char *rw(const char *route, const char *user)
{
	static char out[128];
	int r = route_rewrite_user(route ? tu_route(cf, route) : NULL, user, out, sizeof(out));

	ck_assert_msg(r == 0, "rewrite %s on %s: %d", route ? route : "NULL", user ? user : "NULL", r);
	return out;
}

START_TEST(rewrite_capture_1)
{
	ck_assert_str_eq(rw("intl", "0049301234"), "+49301234");
	ck_assert_str_eq(rw("intl", "00"), "00");		/* [0-9]+ needs one digit */
	ck_assert_str_eq(rw("intl", "0049x"), "0049x");	/* no match: unchanged */
	ck_assert_str_eq(rw("intl", "12345"), "12345");
}
END_TEST

START_TEST(rewrite_captures_1_to_9)
{
	ck_assert_str_eq(rw("nine", "123456789"), "987654321");
	ck_assert_str_eq(rw("nine", "12345678"), "12345678");	/* eight chars: no match */
}
END_TEST

START_TEST(rewrite_capture_0_keeps_prefix_and_suffix)
{
	ck_assert_str_eq(rw("whole", "ab123cd"), "ab<123>cd");
	ck_assert_str_eq(rw("whole", "42"), "<42>");
	ck_assert_str_eq(rw("whole", "abc"), "abc");
}
END_TEST

START_TEST(rewrite_unset_group_is_empty)
{
	ck_assert_str_eq(rw("opt", "abz"), "[a|b]z");
	ck_assert_str_eq(rw("opt", "bz"), "[|b]z");
}
END_TEST

START_TEST(rewrite_escaped_backslash)
{
	ck_assert_str_eq(tu_route(cf, "bs")->rewrite_to, "a\\\\b");
	ck_assert_str_eq(rw("bs", "xyz"), "a\\byz");
}
END_TEST

START_TEST(rewrite_to_empty)
{
	ck_assert_str_eq(rw("drop", "*31*0301234"), "0301234");
	ck_assert_str_eq(rw("drop", "*31"), "*31");
}
END_TEST

START_TEST(rewrite_without_rule_copies)
{
	ck_assert_str_eq(rw("plain", "0049301234"), "0049301234");
	ck_assert_str_eq(rw(NULL, "0049301234"), "0049301234");
	ck_assert_str_eq(rw("plain", NULL), "");
	ck_assert_str_eq(rw("plain", ""), "");
}
END_TEST

START_TEST(rewrite_enospc)
{
	const struct conf_route *r = tu_route(cf, "intl");
	char buf[16];

	/* "+49301234" is 9 chars: 10 bytes fit, 9 do not */
	memset(buf, 'X', sizeof(buf));
	ck_assert_int_eq(route_rewrite_user(r, "0049301234", buf, 10), 0);
	ck_assert_str_eq(buf, "+49301234");
	memset(buf, 'X', sizeof(buf));
	ck_assert_int_eq(route_rewrite_user(r, "0049301234", buf, 9), -ENOSPC);
	ck_assert_msg(memchr(buf, '\0', 9) != NULL, "not NUL-terminated within the buffer");
	ck_assert_int_eq(buf[9], 'X');
	ck_assert_int_eq(route_rewrite_user(r, "0049301234", buf, 1), -ENOSPC);
	ck_assert_int_eq(route_rewrite_user(r, "0049301234", buf, 0), -ENOSPC);

	/* with no match the copy also checks its room */
	ck_assert_int_eq(route_rewrite_user(r, "abcdef", buf, 7), 0);
	ck_assert_str_eq(buf, "abcdef");
	ck_assert_int_eq(route_rewrite_user(r, "abcdef", buf, 6), -ENOSPC);
	ck_assert_int_eq(route_rewrite_user(NULL, "abcdef", buf, 6), -ENOSPC);

	/* the suffix after the match must fit too */
	r = tu_route(cf, "whole");
	ck_assert_int_eq(route_rewrite_user(r, "ab1cd", buf, 8), 0);
	ck_assert_str_eq(buf, "ab<1>cd");
	ck_assert_int_eq(route_rewrite_user(r, "ab1cd", buf, 7), -ENOSPC);
	ck_assert_int_eq(route_rewrite_user(r, "ab1cd", buf, 3), -ENOSPC);	/* the prefix fills it */
}
END_TEST

/* ---- failover ---- */

START_TEST(failover_on)
{
	struct conf *c = tu_load_ok(
		"routes = (\n"
		"  { name = \"def\"; targets = \"sip:h\"; },\n"
		"  { name = \"own\"; targets = \"sip:h\"; failover_codes = ( \"3xx\", 486, \"6XX\" ); }\n"
		");\n");
	const struct conf_route *d = tu_route(c, "def"), *o = tu_route(c, "own");

	ck_assert(route_failover_on(d, 408));
	ck_assert(route_failover_on(d, 500));
	ck_assert(route_failover_on(d, 503));
	ck_assert(route_failover_on(d, 599));
	ck_assert(!route_failover_on(d, 404));
	ck_assert(!route_failover_on(d, 486));
	ck_assert(!route_failover_on(d, 600));
	ck_assert(!route_failover_on(d, 200));
	ck_assert(!route_failover_on(d, 0));
	ck_assert(!route_failover_on(d, -1));
	ck_assert(!route_failover_on(d, 299));
	ck_assert(!route_failover_on(d, 700));
	ck_assert(!route_failover_on(d, 100000));

	ck_assert(route_failover_on(o, 300));
	ck_assert(route_failover_on(o, 302));
	ck_assert(route_failover_on(o, 399));
	ck_assert(route_failover_on(o, 486));
	ck_assert(route_failover_on(o, 600));
	ck_assert(route_failover_on(o, 699));
	ck_assert(!route_failover_on(o, 408));
	ck_assert(!route_failover_on(o, 487));
	ck_assert(!route_failover_on(o, 503));
	ck_assert(!route_failover_on(o, 700));
	conf_unref(c);
}
END_TEST

static Suite *route_suite(void)
{
	Suite *s = suite_create("route");
	TCase *tc;

	tc = tcase_create("find");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, no_match_is_null);
	tcase_add_test(tc, match_ruri_user);
	tcase_add_test(tc, match_ruri_domain_case_insensitive);
	tcase_add_test(tc, match_from_user);
	tcase_add_test(tc, match_to_user);
	tcase_add_test(tc, match_source_cidr_list);
	tcase_add_test(tc, match_header_via_callback);
	tcase_add_test(tc, match_needs_every_key);
	tcase_add_test(tc, first_match_wins);
	tcase_add_test(tc, first_match_wins_with_catch_all);
	tcase_add_test(tc, no_routes_is_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("rewrite");
	tcase_add_checked_fixture(tc, rw_setup, teardown);
	tcase_add_test(tc, rewrite_capture_1);
	tcase_add_test(tc, rewrite_captures_1_to_9);
	tcase_add_test(tc, rewrite_capture_0_keeps_prefix_and_suffix);
	tcase_add_test(tc, rewrite_unset_group_is_empty);
	tcase_add_test(tc, rewrite_escaped_backslash);
	tcase_add_test(tc, rewrite_to_empty);
	tcase_add_test(tc, rewrite_without_rule_copies);
	tcase_add_test(tc, rewrite_enospc);
	suite_add_tcase(s, tc);

	tc = tcase_create("failover");
	tcase_add_test(tc, failover_on);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(route_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
