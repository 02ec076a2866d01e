/* tests/unit/check_util.c: the small text helpers of lib/ops: redact_sip()
 * (log.c: no SRTP key or credential reaches a log line) and
 * ctl_parse_request() (ctl.c: a control-socket line -> request object); and
 * lib/util/tid.c: node ids and call UUIDs. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ops/ctl.h"
#include "ops/log.h"
#include "util/tid.h"

#define KEY1 "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"
#define KEY2 "NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj"

static const char *const sdp_in =
	"v=0\r\n"
	"o=- 1 1 IN IP4 192.0.2.1\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.1\r\n"
	"t=0 0\r\n"
	"m=audio 4000 RTP/SAVP 0 8\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY1 "|2^20|1:4\r\n"
	"a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:" KEY2 "\r\n"
	"a=rtpmap:0 PCMU/8000\r\n";

static const char *const sdp_out =
	"v=0\r\n"
	"o=- 1 1 IN IP4 192.0.2.1\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.1\r\n"
	"t=0 0\r\n"
	"m=audio 4000 RTP/SAVP 0 8\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 [redacted]\r\n"
	"a=crypto:2 AES_CM_128_HMAC_SHA1_32 [redacted]\r\n"
	"a=rtpmap:0 PCMU/8000\r\n";

static const char *const msg_in =
	"INVITE sip:bob@192.0.2.2 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1\r\n"
	"Authorization: Digest username=\"alice\", realm=\"x\", nonce=\"n\", response=\"6629fae49393a05397450978507c4ef1\"\r\n"
	"proxy-authorization: Digest username=\"alice\", response=\"deadbeefdeadbeef\"\r\n"
	"WWW-Authenticate: Digest realm=\"x\", nonce=\"n\"\r\n"
	"Subject: Authorization: not a header\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

static const char *const msg_out =
	"INVITE sip:bob@192.0.2.2 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1\r\n"
	"Authorization: [redacted]\r\n"
	"proxy-authorization: [redacted]\r\n"
	"WWW-Authenticate: Digest realm=\"x\", nonce=\"n\"\r\n"
	"Subject: Authorization: not a header\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

static char out[4096];

START_TEST(redact_crypto_keeps_tag_and_suite)
{
	redact_sip(sdp_in, out, sizeof(out));
	ck_assert_str_eq(out, sdp_out);
	ck_assert_ptr_null(strstr(out, KEY1));
	ck_assert_ptr_null(strstr(out, KEY2));
	ck_assert_ptr_null(strstr(out, "inline:"));
}
END_TEST

START_TEST(redact_crypto_lf_only_and_last_line)
{
	redact_sip("m=audio 1 RTP/SAVP 0\na=CRYPTO:7 AES_256_CM_HMAC_SHA1_80 inline:" KEY1 "|2^31\n"
		   "a=crypto:8 AES_CM_128_HMAC_SHA1_80 inline:" KEY2, out, sizeof(out));
	ck_assert_str_eq(out, "m=audio 1 RTP/SAVP 0\na=CRYPTO:7 AES_256_CM_HMAC_SHA1_80 [redacted]\n"
			 "a=crypto:8 AES_CM_128_HMAC_SHA1_80 [redacted]");
}
END_TEST

START_TEST(redact_crypto_inside_a_whole_message)
{
	char in[2048];

	snprintf(in, sizeof(in), "INVITE sip:b@h SIP/2.0\r\nContent-Type: application/sdp\r\n\r\n%s", sdp_in);
	redact_sip(in, out, sizeof(out));
	ck_assert_ptr_nonnull(strstr(out, "Content-Type: application/sdp\r\n\r\nv=0\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 [redacted]\r\n"));
	ck_assert_ptr_null(strstr(out, KEY1));
	ck_assert_ptr_null(strstr(out, KEY2));
}
END_TEST

START_TEST(redact_authorization_headers)
{
	redact_sip(msg_in, out, sizeof(out));
	ck_assert_str_eq(out, msg_out);
	ck_assert_ptr_null(strstr(out, "6629fae4"));
	ck_assert_ptr_null(strstr(out, "deadbeef"));
	ck_assert_ptr_null(strstr(out, "username"));
}
END_TEST

/* RFC 3261 HCOLON allows white space before the colon: "Authorization : ..."
 * is the same header, and its credentials must not reach the log either. */
START_TEST(redact_authorization_with_space_before_colon)
{
	redact_sip("Authorization : Digest username=\"alice\", response=\"6629fae49393a053\"\r\n"
		   "Proxy-Authorization\t: Digest response=\"deadbeefdeadbeef\"\r\n", out, sizeof(out));
	ck_assert_msg(strstr(out, "6629fae4") == NULL, "Authorization credentials leaked");
	ck_assert_msg(strstr(out, "deadbeef") == NULL, "Proxy-Authorization credentials leaked");
}
END_TEST

START_TEST(redact_leaves_other_lines)
{
	static const char *const plain =
		"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\nX-Authorization-Hint: keep\r\n"
		"a=rtpmap:0 PCMU/8000\r\na=cryptox:1 keep\r\n b=crypto:1 keep\r\n\r\n";

	redact_sip(plain, out, sizeof(out));
	ck_assert_str_eq(out, plain);
	redact_sip("", out, sizeof(out));
	ck_assert_str_eq(out, "");
}
END_TEST

/* Every buffer size gives a NUL-terminated prefix of the full result, never
 * writes past len, and never lets key material through. */
START_TEST(redact_truncation)
{
	char full[4096], in[4096], buf[4096 + 16];
	size_t full_len;

	snprintf(in, sizeof(in), "%s%s", msg_in, sdp_in);
	redact_sip(in, full, sizeof(full));
	full_len = strlen(full);
	ck_assert_uint_lt(full_len, strlen(in));
	for (size_t len = 1; len <= full_len + 2; len++) {
		size_t want = len - 1 < full_len ? len - 1 : full_len;

		memset(buf, 'X', sizeof(buf));
		redact_sip(in, buf, len);
		ck_assert_msg(memchr(buf, '\0', len) != NULL, "len %zu: no NUL", len);
		ck_assert_msg(strlen(buf) == want, "len %zu: strlen %zu, want %zu", len, strlen(buf), want);
		ck_assert_msg(memcmp(buf, full, want) == 0, "len %zu: not a prefix of the full output", len);
		ck_assert_msg(buf[len] == 'X', "len %zu: wrote past the buffer", len);
		ck_assert_msg(strstr(buf, "6629fae4") == NULL && strstr(buf, KEY1) == NULL &&
			      strstr(buf, "inline:") == NULL, "len %zu: secret leaked", len);
	}
}
END_TEST

START_TEST(redact_small_buffers)
{
	char buf[8];

	memset(buf, 'X', sizeof(buf));
	redact_sip("Authorization: Digest x", buf, 0);	/* nothing written */
	ck_assert_int_eq(buf[0], 'X');
	redact_sip("Authorization: Digest x", buf, 1);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(buf[1], 'X');
	redact_sip("Authorization: Digest x", buf, 6);
	ck_assert_str_eq(buf, "Autho");
	ck_assert_int_eq(buf[6], 'X');
}
END_TEST

/* ---- ctl_parse_request ---- */

static char err[256];

START_TEST(ctl_json_object)
{
	json_t *r = ctl_parse_request("{\"cmd\": \"calls\", \"json\": true, \"limit\": 5}", err, sizeof(err));

	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(json_string_value(json_object_get(r, "cmd")), "calls");
	ck_assert(json_is_true(json_object_get(r, "json")));
	ck_assert_int_eq(json_integer_value(json_object_get(r, "limit")), 5);
	json_decref(r);

	r = ctl_parse_request("  \t{\"cmd\":\"status\"}  ", err, sizeof(err));
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(json_string_value(json_object_get(r, "cmd")), "status");
	json_decref(r);
}
END_TEST

START_TEST(ctl_bare_word)
{
	json_t *r = ctl_parse_request("status", err, sizeof(err));

	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(json_string_value(json_object_get(r, "cmd")), "status");
	ck_assert_ptr_null(json_object_get(r, "arg"));
	ck_assert_uint_eq(json_object_size(r), 1);
	json_decref(r);

	r = ctl_parse_request("  reload  ", err, sizeof(err));
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(json_string_value(json_object_get(r, "cmd")), "reload");
	ck_assert_ptr_null(json_object_get(r, "arg"));
	json_decref(r);
}
END_TEST

START_TEST(ctl_word_and_argument)
{
	json_t *r = ctl_parse_request("route 0049301234", err, sizeof(err));

	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(json_string_value(json_object_get(r, "cmd")), "route");
	ck_assert_str_eq(json_string_value(json_object_get(r, "arg")), "0049301234");
	json_decref(r);

	r = ctl_parse_request("hangup   abc def", err, sizeof(err));
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(json_string_value(json_object_get(r, "cmd")), "hangup");
	ck_assert_str_eq(json_string_value(json_object_get(r, "arg")), "abc def");
	json_decref(r);
}
END_TEST

START_TEST(ctl_bad_json)
{
	static const char *const bad[] = { "{\"cmd\": ", "{cmd: \"status\"}", "{\"cmd\": \"a\"} x", "{" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert_msg(ctl_parse_request(bad[i], err, sizeof(err)) == NULL, "%s parsed", bad[i]);
		ck_assert_msg(strncmp(err, "bad JSON", 8) == 0, "%s: message \"%s\"", bad[i], err);
	}
}
END_TEST

START_TEST(ctl_json_without_cmd)
{
	static const char *const bad[] = { "{}", "{\"command\": \"status\"}", "{\"cmd\": 5}", "{\"cmd\": null}",
					   "{\"cmd\": [\"status\"]}" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert_msg(ctl_parse_request(bad[i], err, sizeof(err)) == NULL, "%s parsed", bad[i]);
		ck_assert_msg(strstr(err, "\"cmd\"") != NULL, "%s: message \"%s\"", bad[i], err);
	}
}
END_TEST

START_TEST(ctl_empty_line)
{
	err[0] = '\0';
	ck_assert_ptr_null(ctl_parse_request("", err, sizeof(err)));
	ck_assert_str_eq(err, "empty request");
	err[0] = '\0';
	ck_assert_ptr_null(ctl_parse_request(" \t ", err, sizeof(err)));
	ck_assert_str_eq(err, "empty request");
}
END_TEST

START_TEST(ctl_small_error_buffer)
{
	char small[9];

	memset(small, 'X', sizeof(small));
	ck_assert_ptr_null(ctl_parse_request("{}", small, 8));
	ck_assert_uint_eq(strlen(small), 7);
	ck_assert_int_eq(small[8], 'X');
}
END_TEST

/* ---- tid: node ids and call UUIDs ---- */

START_TEST(node_id_charset_and_length)
{
	char n64[66];

	ck_assert_ptr_null(tid_node_invalid("sbc1"));
	ck_assert_ptr_null(tid_node_invalid("fra-2.edge_3"));
	ck_assert_ptr_null(tid_node_invalid("7"));
	ck_assert_ptr_nonnull(tid_node_invalid(NULL));
	ck_assert_ptr_nonnull(tid_node_invalid(""));
	ck_assert_ptr_nonnull(tid_node_invalid("-x"));
	ck_assert_ptr_nonnull(tid_node_invalid(".x"));
	ck_assert_ptr_nonnull(tid_node_invalid("a b"));
	ck_assert_ptr_nonnull(tid_node_invalid("a\"b"));
	ck_assert_ptr_nonnull(tid_node_invalid("a\\b"));
	ck_assert_ptr_nonnull(tid_node_invalid("a\nb"));
	ck_assert_ptr_nonnull(tid_node_invalid("a=b"));
	ck_assert_ptr_nonnull(tid_node_invalid("caf\xc3\xa9"));
	memset(n64, 'n', 64);
	n64[64] = '\0';
	ck_assert_ptr_null(tid_node_invalid(n64));
	n64[64] = 'n';
	n64[65] = '\0';
	ck_assert_str_eq(tid_node_invalid(n64), "is longer than 64 characters");
}
END_TEST

START_TEST(node_id_default)
{
	char buf[TID_NODE_MAX + 1], host[100];

	tid_node_default("sbc1", NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "sbc1");
	tid_node_default("sbc1", "", buf, sizeof(buf));
	ck_assert_str_eq(buf, "sbc1");
	tid_node_default("sbc1", "node2", buf, sizeof(buf));
	ck_assert_str_eq(buf, "sbc1-node2");
	/* whatever the host and instance hold, the result is a good node id */
	tid_node_default("sbc1.example.net", "a b/c@d", buf, sizeof(buf));
	ck_assert_str_eq(buf, "sbc1.example.net-a-b-c-d");
	tid_node_default(NULL, "x", buf, sizeof(buf));
	ck_assert_str_eq(buf, "tandem-x");
	tid_node_default("-odd", NULL, buf, sizeof(buf));
	ck_assert_ptr_null(tid_node_invalid(buf));
	memset(host, 'h', sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	tid_node_default(host, "node2", buf, sizeof(buf));
	ck_assert_uint_eq(strlen(buf), TID_NODE_MAX);
	ck_assert_ptr_null(tid_node_invalid(buf));
	tid_node_default("sbc1", "node2", buf, 5);	/* a small buffer is cut */
	ck_assert_str_eq(buf, "sbc1");
}
END_TEST

START_TEST(node_id_is_process_wide)
{
	ck_assert_str_eq(tid_node(), "");
	tid_set_node("edge-1");
	ck_assert_str_eq(tid_node(), "edge-1");
	tid_set_node(NULL);
	ck_assert_str_eq(tid_node(), "");
}
END_TEST

START_TEST(uuid_is_version_7)
{
	char u[TID_UUID_LEN + 1], small[TID_UUID_LEN];
	struct timespec ts;
	unsigned long long ms, got;

	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (unsigned long long)ts.tv_sec * 1000 + (unsigned long long)ts.tv_nsec / 1000000;
	tid_uuid_new(u, sizeof(u));
	ck_assert_uint_eq(strlen(u), TID_UUID_LEN);
	ck_assert(tid_uuid_valid(u));
	ck_assert_int_eq(u[14], '7');				/* version */
	ck_assert_ptr_nonnull(strchr("89ab", u[19]));		/* variant 10 */
	for (const char *p = u; *p; p++)
		ck_assert_msg(*p == '-' || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'),
			      "%s: not lower-case hex", u);
	/* a buffer too small gets nothing rather than a cut UUID */
	memset(small, 'x', sizeof(small));
	tid_uuid_new(small, sizeof(small));
	ck_assert_str_eq(small, "");
	/* the first 48 bits are the time in milliseconds */
	ck_assert_int_eq(sscanf(u, "%8llx", &got), 1);
	got = got << 16 | strtoull((char[5]){ u[9], u[10], u[11], u[12], 0 }, NULL, 16);
	ck_assert_msg(got >= ms && got <= ms + 5000, "time %llu, now %llu", got, ms);
}
END_TEST

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

START_TEST(uuids_do_not_repeat_and_sort_by_time)
{
	enum { N = 20000 };
	static char u[N][TID_UUID_LEN + 1];
	char later[TID_UUID_LEN + 1];

	for (int i = 0; i < N; i++)
		tid_uuid_new(u[i], sizeof(u[i]));
	usleep(2000);	/* the next millisecond at least */
	tid_uuid_new(later, sizeof(later));
	qsort(u, N, sizeof(u[0]), cmp_str);
	for (int i = 1; i < N; i++)
		ck_assert_msg(strcmp(u[i - 1], u[i]) != 0, "UUID %s twice", u[i]);
	ck_assert_msg(strcmp(u[N - 1], later) < 0, "%s made later sorts before %s", later,
		      u[N - 1]);
}
END_TEST

START_TEST(uuid_shape_check)
{
	ck_assert(tid_uuid_valid("0190a3c4-5e6f-7a8b-9c0d-e1f203040506"));
	ck_assert(tid_uuid_valid("0190A3C4-5E6F-7A8B-9C0D-E1F203040506"));
	ck_assert(!tid_uuid_valid(NULL));
	ck_assert(!tid_uuid_valid(""));
	ck_assert(!tid_uuid_valid("7"));
	ck_assert(!tid_uuid_valid("0190a3c4-5e6f-7a8b-9c0d-e1f20304050"));
	ck_assert(!tid_uuid_valid("0190a3c4-5e6f-7a8b-9c0d-e1f2030405067"));
	ck_assert(!tid_uuid_valid("0190a3c4x5e6f-7a8b-9c0d-e1f203040506"));
	ck_assert(!tid_uuid_valid("0190a3c4-5e6f-7a8b-9c0d-e1f20304050g"));
}
END_TEST

static Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc;

	tc = tcase_create("redact");
	tcase_add_test(tc, redact_crypto_keeps_tag_and_suite);
	tcase_add_test(tc, redact_crypto_lf_only_and_last_line);
	tcase_add_test(tc, redact_crypto_inside_a_whole_message);
	tcase_add_test(tc, redact_authorization_headers);
	tcase_add_test(tc, redact_authorization_with_space_before_colon);
	tcase_add_test(tc, redact_leaves_other_lines);
	tcase_add_test(tc, redact_truncation);
	tcase_add_test(tc, redact_small_buffers);
	suite_add_tcase(s, tc);

	tc = tcase_create("ctl");
	tcase_add_test(tc, ctl_json_object);
	tcase_add_test(tc, ctl_bare_word);
	tcase_add_test(tc, ctl_word_and_argument);
	tcase_add_test(tc, ctl_bad_json);
	tcase_add_test(tc, ctl_json_without_cmd);
	tcase_add_test(tc, ctl_empty_line);
	tcase_add_test(tc, ctl_small_error_buffer);
	suite_add_tcase(s, tc);

	tc = tcase_create("tid");
	tcase_add_test(tc, node_id_charset_and_length);
	tcase_add_test(tc, node_id_default);
	tcase_add_test(tc, node_id_is_process_wide);
	tcase_add_test(tc, uuid_is_version_7);
	tcase_add_test(tc, uuids_do_not_repeat_and_sort_by_time);
	tcase_add_test(tc, uuid_shape_check);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(util_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
