/* tests/unit/check_regress.c: regressions found by the robustness work of the
 * fuzz harnesses (tests/fuzz/) and the malformed-input SIP tests
 * (tests/sip/005..008): each test pins down what an input found, so the
 * behaviour stays once it is right. A test that fails names the bug and the
 * fix it waits for. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "media/tsrtp.h"
#include "ops/log.h"
#include "sdp/tsdp.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* fuzz_tsdp: NUL octets inside a body's lines cross into the rewritten body;
 * the returned length counts them and the output still ends with a NUL. */
START_TEST(tsdp_rewrite_keeps_length_with_nul_octets)
{
	static const char body[] = "v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 4000 RTP/AVP 0\r\n"
				   "a=x-\0junk\r\n";
	struct tsdp s;
	struct tsdp_rewrite rw = { .addr = "127.0.0.1", .family = AF_INET, .n_media = 1 };
	char out[256];
	int r;

	ck_assert_int_eq(tsdp_parse(body, sizeof(body) - 1, &s), 0);
	rw.m[0].port = 40000;
	rw.m[0].rtcp_port = 40001;
	r = tsdp_rewrite(body, sizeof(body) - 1, &rw, out, sizeof(out));
	ck_assert_int_gt(r, 0);
	ck_assert_int_eq(out[r], '\0');
	ck_assert_uint_lt(strlen(out), (size_t)r);	/* the NUL in a=x- crossed */
}
END_TEST

/* 006-bad-sdp: 8 m= lines are anchored, a 9th makes the offer unusable (488). */
START_TEST(tsdp_parse_media_limit)
{
	char body[1024];
	struct tsdp s;
	size_t n = (size_t)snprintf(body, sizeof(body), "v=0\r\nc=IN IP4 192.0.2.1\r\n");

	for (int i = 0; i < 9; i++) {
		n += (size_t)snprintf(body + n, sizeof(body) - n, "m=audio %d RTP/AVP 0\r\n", 4000 + 2 * i);
		ck_assert_int_eq(tsdp_parse(body, n, &s), i < TSDP_MAX_MEDIA ? 0 : -EINVAL);
	}
}
END_TEST

/* fuzz_srtp: junk of any length is refused, never crashes, never grows. */
START_TEST(tsrtp_unprotect_junk)
{
	struct tsrtp_key k = { .suite = TSRTP_AES_CM_128_HMAC_SHA1_80, .len = 30 };
	uint8_t buf[64 + TSRTP_TRAILER_MAX];
	struct tsrtp *rx;

	ck_assert_int_eq(tsrtp_init(), 0);
	ck_assert_int_eq(tsrtp_new(&k, true, &rx), 0);
	for (size_t len = 0; len <= 64; len++) {
		for (int rtcp = 0; rtcp < 2; rtcp++) {
			size_t n = len;
			memset(buf, 0x80 + (int)len, sizeof(buf));
			buf[0] = 0x80;
			ck_assert_int_lt(tsrtp_unprotect(rx, buf, &n, rtcp), 0);
			ck_assert_uint_le(n, len);
		}
	}
	tsrtp_free(rx);
}
END_TEST

/* Debian 12's libsrtp2 is built on NSS: while no SRTP context exists, every
 * srtp_create() initialises NSS again (NSS_InitContext, module loading):
 * ~20 ms per context, in the media worker that runs do_set(), where it
 * stalls every stream of that worker. With one context kept alive it takes
 * ~0.02 ms. Fix (lib/media/tsrtp.c, tsrtp_init): create one context with a
 * dummy key at init and keep it until exit, so NSS stays initialised. */
START_TEST(tsrtp_new_is_cheap)
{
	struct tsrtp_key k = { .suite = TSRTP_AES_CM_128_HMAC_SHA1_80, .len = 30 };
	struct tsrtp *s;
	double t0, per;

	ck_assert_int_eq(tsrtp_init(), 0);
	t0 = now_ms();
	for (int i = 0; i < 10; i++) {
		ck_assert_int_eq(tsrtp_new(&k, true, &s), 0);
		tsrtp_free(s);
	}
	per = (now_ms() - t0) / 10;
	ck_assert_msg(per < 2.0, "tsrtp_new+free takes %.1f ms each (NSS initialised per context)", per);
}
END_TEST

/* fuzz_redact: every buffer size, the output ends within it. */
START_TEST(redact_every_size)
{
	static const char msg[] = "INVITE sip:b@x SIP/2.0\r\nAuthorization: Digest response=\"x\"\r\n"
				  "\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:QUFBQUFB|2^20\r\n";
	for (size_t len = 1; len < sizeof(msg) + 8; len++) {
		char *dst = malloc(len);
		ck_assert_ptr_nonnull(dst);
		redact_sip(msg, dst, len);
		ck_assert_ptr_nonnull(memchr(dst, '\0', len));
		ck_assert(strstr(dst, "QUFBQUFB") == NULL);
		free(dst);
	}
}
END_TEST

static Suite *regress_suite(void)
{
	Suite *s = suite_create("regress");
	TCase *tc = tcase_create("regress");

	tcase_add_test(tc, tsdp_rewrite_keeps_length_with_nul_octets);
	tcase_add_test(tc, tsdp_parse_media_limit);
	tcase_add_test(tc, tsrtp_unprotect_junk);
	tcase_add_test(tc, tsrtp_new_is_cheap);
	tcase_add_test(tc, redact_every_size);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(regress_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
