/* tests/unit/check_tsip_check.c: lib/sip/tsip_check.c, the checks a new
 * request passes before tandemd acts on it. Requests are parsed by sofia's
 * own parser (msg_make), as they are when they come off the wire, so what
 * sofia accepts, keeps as an error entry or normalises is what the checks
 * see: the RFC 4475 cases invut (415), sdp01 (406), baddate and escruri
 * (400), and requests that must pass. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sofia-sip/msg.h>
#include <sofia-sip/sip_parser.h>

#include "sip/tsip_check.h"

#define SDP "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n" \
	    "m=audio 49170 RTP/AVP 0\r\n"

static msg_t *msg;

/* A request with the given extra headers and body, parsed by sofia. */
static const sip_t *parse(const char *method, const char *ruri, const char *extra,
			  const char *body)
{
	static char text[2048];
	int n;

	n = snprintf(text, sizeof(text),
		     "%s %s SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1\r\n"
		     "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\n"
		     "Call-ID: check-1@example.com\r\nCSeq: 1 %s\r\nMax-Forwards: 70\r\n"
		     "%sContent-Length: %zu\r\n\r\n%s",
		     method, ruri, method, extra, strlen(body), body);
	ck_assert_int_lt(n, (int)sizeof(text));
	msg_destroy(msg);
	msg = msg_make(sip_default_mclass(), 0, text, (size_t)n);
	ck_assert_ptr_nonnull(msg);
	ck_assert_ptr_nonnull(sip_object(msg));
	ck_assert_ptr_nonnull(sip_object(msg)->sip_request);
	return sip_object(msg);
}

static void teardown(void)
{
	msg_destroy(msg);
	msg = NULL;
}

START_TEST(sdp_types)
{
	ck_assert(tsip_check_is_sdp("application/sdp"));
	ck_assert(tsip_check_is_sdp("Application/SDP"));
	ck_assert(tsip_check_is_sdp("application/sdp;charset=utf-8"));
	ck_assert(tsip_check_is_sdp(" application / sdp "));
	ck_assert(!tsip_check_is_sdp("application/sdpx"));
	ck_assert(!tsip_check_is_sdp("application/unknownformat"));
	ck_assert(!tsip_check_is_sdp("multipart/mixed;boundary=x"));
	ck_assert(!tsip_check_is_sdp("application"));
	ck_assert(!tsip_check_is_sdp(""));
	ck_assert(!tsip_check_is_sdp(NULL));
}
END_TEST

START_TEST(accept_ranges)
{
	ck_assert(tsip_check_range_admits_sdp("application/sdp", NULL));
	ck_assert(tsip_check_range_admits_sdp("APPLICATION/SDP", "1"));
	ck_assert(tsip_check_range_admits_sdp("application/*", NULL));
	ck_assert(tsip_check_range_admits_sdp("*/*", "0.5"));
	ck_assert(tsip_check_range_admits_sdp("application/sdp", "0.001"));
	ck_assert(!tsip_check_range_admits_sdp("application/sdp", "0"));
	ck_assert(!tsip_check_range_admits_sdp("*/*", "0.000"));
	ck_assert(!tsip_check_range_admits_sdp("text/nobodyKnowsThis", NULL));
	ck_assert(!tsip_check_range_admits_sdp("*/sdp", NULL));
	ck_assert(!tsip_check_range_admits_sdp("text/*", NULL));
	ck_assert(!tsip_check_range_admits_sdp("garbage", NULL));
}
END_TEST

START_TEST(plain_requests_pass)
{
	struct tsip_verdict v;

	ck_assert_int_eq(tsip_check_request(parse("INVITE", "sip:b@example.com",
		"Content-Type: application/sdp\r\n", SDP), &v), 0);
	ck_assert_int_eq(tsip_check_request(parse("INVITE", "sip:b@example.com", "", ""), &v), 0);
	ck_assert_int_eq(tsip_check_request(parse("INVITE", "sip:b@example.com",
		"Accept: text/html, application/sdp;q=0.5\r\n"
		"Date: Sat, 13 Nov 2010 23:29:00 GMT\r\n"
		"Content-Encoding: identity\r\n"
		"Content-Type: application/sdp\r\n", SDP), &v), 0);
	ck_assert_int_eq(tsip_check_request(parse("INVITE", "sip:b@example.com",
		"Accept: application/*\r\n", ""), &v), 0);
	/* only an INVITE's body and Accept matter */
	ck_assert_int_eq(tsip_check_request(parse("OPTIONS", "sip:b@example.com",
		"Accept: text/plain\r\nContent-Type: text/plain\r\n", "hello"), &v), 0);
	ck_assert_int_eq(v.status, 0);
	ck_assert_int_eq(tsip_check_request(NULL, &v), 0);
}
END_TEST

/* RFC 4475 3.3.7 invut */
START_TEST(unknown_body_type_is_415)
{
	struct tsip_verdict v;

	ck_assert_int_eq(tsip_check_request(parse("INVITE", "sip:b@example.com",
		"Content-Type: application/unknownformat\r\n",
		"<audio>\r\n <pcmu port=\"443\"/>\r\n</audio>\r\n"), &v), 1);
	ck_assert_int_eq(v.status, 415);
	ck_assert_str_eq(v.accept, "application/sdp");
	ck_assert_ptr_null(v.accept_encoding);
	ck_assert_str_eq(v.why, "body of type application/unknownformat");
}
END_TEST

START_TEST(encoded_body_is_415)
{
	struct tsip_verdict v;

	ck_assert_int_eq(tsip_check_request(parse("INVITE", "sip:b@example.com",
		"Content-Type: application/sdp\r\nContent-Encoding: gzip\r\n", SDP), &v), 1);
	ck_assert_int_eq(v.status, 415);
	ck_assert_str_eq(v.accept_encoding, "identity");
}
END_TEST

/* RFC 4475 3.3.14 sdp01: our answer would carry SDP */
START_TEST(accept_without_sdp_is_406)
{
	struct tsip_verdict v;

	ck_assert_int_eq(tsip_check_request(parse("INVITE", "sip:b@example.com",
		"Accept: text/nobodyKnowsThis\r\nContent-Type: application/sdp\r\n", SDP), &v), 1);
	ck_assert_int_eq(v.status, 406);
	ck_assert_str_eq(v.accept, "application/sdp");
	ck_assert_str_eq(v.why, "Accept without application/sdp: text/nobodyKnowsThis");
	ck_assert_int_eq(tsip_check_request(parse("INVITE", "sip:b@example.com",
		"Accept: application/sdp;q=0, text/plain\r\n", ""), &v), 1);
	ck_assert_int_eq(v.status, 406);
}
END_TEST

/* RFC 4475 3.1.2.11 baddate: sofia keeps it as an error entry */
START_TEST(bad_date_is_400)
{
	struct tsip_verdict v;

	ck_assert_int_eq(tsip_check_request(parse("INVITE", "sip:b@example.com",
		"Date: Fri, 01 Jan 2010 16:00:00 EST\r\nContent-Type: application/sdp\r\n", SDP),
		&v), 1);
	ck_assert_int_eq(v.status, 400);
	ck_assert_str_eq(v.phrase, "Bad Date Header");
	/* on any request, not only INVITE */
	ck_assert_int_eq(tsip_check_request(parse("OPTIONS", "sip:b@example.com",
		"Date: yesterday\r\n", ""), &v), 1);
	ck_assert_int_eq(v.status, 400);
}
END_TEST

/* RFC 4475 3.1.2.10 escruri; the log text is made printable */
START_TEST(request_uri_headers_are_400)
{
	struct tsip_verdict v;

	ck_assert_int_eq(tsip_check_request(parse("INVITE",
		"sip:user@example.com?Route=%3Csip:example.com%3E",
		"Content-Type: application/sdp\r\n", SDP), &v), 1);
	ck_assert_int_eq(v.status, 400);
	ck_assert_str_eq(v.phrase, "Bad Request-URI (headers not allowed)");
	ck_assert_str_eq(v.why, "Request-URI with headers ?Route=%3Csip:example.com%3E");
	ck_assert_ptr_null(v.accept);
}
END_TEST

/* RFC 5118 4.10: an IPv6 reference with three colons is no address; the
 * valid forms (4.3, 4.4, 4.10's dotted tail) pass */
START_TEST(bad_ipv6_reference_is_400)
{
	struct tsip_verdict v;

	ck_assert_int_eq(tsip_check_request(parse("OPTIONS", "sip:[2001:db8:::192.0.2.1]", "", ""),
					    &v), 1);
	ck_assert_int_eq(v.status, 400);
	ck_assert_str_eq(v.phrase, "Bad IPv6 Reference");
	ck_assert_str_eq(v.why, "an IPv6 reference that is no address: [2001:db8:::192.0.2.1]");
	ck_assert_int_eq(tsip_check_request(parse("OPTIONS", "sip:b@example.com",
		"Contact: <sip:a@[2001:db8::zz]>\r\n", ""), &v), 1);
	ck_assert_int_eq(v.status, 400);
	ck_assert_int_eq(tsip_check_request(parse("OPTIONS", "sip:[2001:db8::192.0.2.1]", "", ""),
					    &v), 0);
	ck_assert_int_eq(tsip_check_request(parse("OPTIONS", "sip:[2001:db8::10:5070]", "", ""),
					    &v), 0);
	ck_assert_int_eq(tsip_check_request(parse("OPTIONS", "sip:b@[2001:db8::10]:5070",
		"Contact: <sip:a@[::ffff:192.0.2.4]>\r\n", ""), &v), 0);
}
END_TEST

static Suite *tsip_check_suite(void)
{
	Suite *s = suite_create("tsip_check");
	TCase *tc = tcase_create("pure");

	tcase_add_test(tc, sdp_types);
	tcase_add_test(tc, accept_ranges);
	suite_add_tcase(s, tc);

	tc = tcase_create("requests");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, plain_requests_pass);
	tcase_add_test(tc, unknown_body_type_is_415);
	tcase_add_test(tc, encoded_body_is_415);
	tcase_add_test(tc, accept_without_sdp_is_406);
	tcase_add_test(tc, bad_date_is_400);
	tcase_add_test(tc, request_uri_headers_are_400);
	tcase_add_test(tc, bad_ipv6_reference_is_400);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tsip_check_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
