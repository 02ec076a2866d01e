/* tests/unit/check_tsrtp.c: the libsrtp2 wrapper (lib/media/tsrtp.c) against
 * known answers, every suite round-tripped, tampering and replays refused;
 * the AEAD suites against RFC 7714's test vectors (check_tsrtp_gcm.h); and
 * the a=crypto attributes of SDP (lib/sdp/tsdp.c): good and malformed. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "media/tsrtp.h"
#include "sdp/tsdp.h"

static size_t hex(const char *h, uint8_t *o);
#include "check_tsrtp_gcm.h"

static size_t hex(const char *h, uint8_t *o)
{
	size_t n = 0;

	while (h[0] && h[1]) {
		unsigned v;
		sscanf(h, "%2x", &v);
		o[n++] = (uint8_t)v;
		h += 2;
	}
	return n;
}

/* The AES_CM_128_HMAC_SHA1_80 vectors of libsrtp's own driver (master key
 * and salt of RFC 3711 B.3's style: 16 + 14 octets). */
#define KAT_KEY "e1f97a0d3e018be0d64fa32c06de41390ec675ad498afeebb6960b3aabe6"

static void kat_key(struct tsrtp_key *k)
{
	memset(k, 0, sizeof(*k));
	k->suite = TSRTP_AES_CM_128_HMAC_SHA1_80;
	k->len = (uint8_t)hex(KAT_KEY, k->key);
}

START_TEST(srtp_protect_known_answer)
{
	uint8_t pkt[64 + TSRTP_TRAILER_MAX], want[64];
	struct tsrtp_key k;
	struct tsrtp *s;
	size_t n = hex("800f1234decafbadcafebabeabababababababababababababababab", pkt);
	size_t wn = hex("800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc"
			"99ea179b8dbb", want);

	kat_key(&k);
	ck_assert_int_eq(tsrtp_init(), 0);
	/* the AES-CTR and HMAC these answers check are OpenSSL's, plugged
	 * into libsrtp2 (lib/media/tsrtp_ossl.c) */
	ck_assert_str_eq(tsrtp_crypto_name(), "openssl");
	ck_assert_int_eq(tsrtp_new(&k, false, &s), 0);
	ck_assert_int_eq(tsrtp_protect(s, pkt, &n, false), 0);
	ck_assert_uint_eq(n, wn);
	ck_assert_mem_eq(pkt, want, wn);
	tsrtp_free(s);
}
END_TEST

/* a second relay in one process (tests, tools): init after fini works and
 * protects as before */
START_TEST(init_again_after_fini)
{
	uint8_t pkt[64 + TSRTP_TRAILER_MAX], want[64];
	struct tsrtp_key k;
	struct tsrtp *s;
	size_t n = hex("800f1234decafbadcafebabeabababababababababababababababab", pkt);
	size_t wn = hex("800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc"
			"99ea179b8dbb", want);

	kat_key(&k);
	ck_assert_int_eq(tsrtp_init(), 0);
	tsrtp_fini();
	ck_assert_int_eq(tsrtp_init(), 0);
	ck_assert_int_eq(tsrtp_new(&k, false, &s), 0);
	ck_assert_int_eq(tsrtp_protect(s, pkt, &n, false), 0);
	ck_assert_uint_eq(n, wn);
	ck_assert_mem_eq(pkt, want, wn);
	tsrtp_free(s);
	tsrtp_fini();
}
END_TEST

START_TEST(srtp_unprotect_known_answer)
{
	uint8_t pkt[64 + TSRTP_TRAILER_MAX], want[64];
	struct tsrtp_key k;
	struct tsrtp *s;
	size_t n = hex("800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc"
		       "99ea179b8dbb", pkt);
	size_t wn = hex("800f1234decafbadcafebabeabababababababababababababababab", want);

	kat_key(&k);
	ck_assert_int_eq(tsrtp_init(), 0);
	ck_assert_int_eq(tsrtp_new(&k, true, &s), 0);
	ck_assert_int_eq(tsrtp_unprotect(s, pkt, &n, false), 0);
	ck_assert_uint_eq(n, wn);
	ck_assert_mem_eq(pkt, want, wn);
	tsrtp_free(s);
}
END_TEST

START_TEST(srtcp_protect_known_answer)
{
	uint8_t pkt[64 + TSRTP_TRAILER_MAX], want[64];
	struct tsrtp_key k;
	struct tsrtp *s;
	size_t n = hex("81c8000bcafebabeabababababababababababababababab", pkt);
	size_t wn = hex("81c8000bcafebabe7128035be487b9bdbef89041f977a5a880000001993e08cd"
			"54d6c1230798", want);

	kat_key(&k);
	ck_assert_int_eq(tsrtp_init(), 0);
	ck_assert_int_eq(tsrtp_new(&k, false, &s), 0);
	ck_assert_int_eq(tsrtp_protect(s, pkt, &n, true), 0);
	ck_assert_uint_eq(n, wn);
	ck_assert_mem_eq(pkt, want, wn);
	tsrtp_free(s);
}
END_TEST

static size_t rtp_packet(uint8_t *p, uint16_t seq, uint32_t ssrc)
{
	memset(p, 0, 12 + 160);
	p[0] = 0x80;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	p[8] = (uint8_t)(ssrc >> 24);
	p[9] = (uint8_t)(ssrc >> 16);
	p[10] = (uint8_t)(ssrc >> 8);
	p[11] = (uint8_t)ssrc;
	for (int i = 0; i < 160; i++)
		p[12 + i] = (uint8_t)(i * 7 + seq);
	return 12 + 160;
}

/* Every suite: what one side protects the other unprotects to the same
 * bytes, RTP and RTCP. */
START_TEST(every_suite_round_trips)
{
	enum tsrtp_suite su = (enum tsrtp_suite)_i;
	uint8_t pkt[200 + TSRTP_TRAILER_MAX], orig[200];
	struct tsrtp_key k;
	struct tsrtp *tx, *rx;
	size_t n, on;

	ck_assert_int_eq(tsrtp_init(), 0);
	ck_assert_int_eq(tsrtp_key_random(su, &k), 0);
	ck_assert_uint_eq(k.len, tsrtp_key_len(su));
	ck_assert_int_eq(tsrtp_new(&k, false, &tx), 0);
	ck_assert_int_eq(tsrtp_new(&k, true, &rx), 0);
	for (uint16_t seq = 1; seq < 20; seq++) {
		on = n = rtp_packet(pkt, seq, 0x11223344);
		memcpy(orig, pkt, on);
		ck_assert_int_eq(tsrtp_protect(tx, pkt, &n, false), 0);
		ck_assert_uint_gt(n, on);
		ck_assert_int_ne(memcmp(pkt + 12, orig + 12, 160), 0);	/* encrypted */
		ck_assert_int_eq(tsrtp_unprotect(rx, pkt, &n, false), 0);
		ck_assert_uint_eq(n, on);
		ck_assert_mem_eq(pkt, orig, on);
	}
	/* an RTCP sender report */
	memset(pkt, 0, 28);
	pkt[0] = 0x80;
	pkt[1] = 200;
	pkt[3] = 6;
	pkt[4] = 0x11;
	on = n = 28;
	memcpy(orig, pkt, on);
	ck_assert_int_eq(tsrtp_protect(tx, pkt, &n, true), 0);
	ck_assert_int_eq(tsrtp_unprotect(rx, pkt, &n, true), 0);
	ck_assert_uint_eq(n, on);
	ck_assert_mem_eq(pkt, orig, on);
	tsrtp_free(tx);
	tsrtp_free(rx);
}
END_TEST

START_TEST(tampered_and_replayed_are_refused)
{
	uint8_t pkt[200 + TSRTP_TRAILER_MAX], copy[200 + TSRTP_TRAILER_MAX];
	struct tsrtp_key k;
	struct tsrtp *tx, *rx;
	size_t n, cn;

	ck_assert_int_eq(tsrtp_init(), 0);
	ck_assert_int_eq(tsrtp_key_random(TSRTP_AES_CM_128_HMAC_SHA1_80, &k), 0);
	ck_assert_int_eq(tsrtp_new(&k, false, &tx), 0);
	ck_assert_int_eq(tsrtp_new(&k, true, &rx), 0);
	n = rtp_packet(pkt, 100, 1);
	ck_assert_int_eq(tsrtp_protect(tx, pkt, &n, false), 0);
	memcpy(copy, pkt, n);
	cn = n;
	pkt[40] ^= 0x01;	/* one payload bit */
	ck_assert_int_eq(tsrtp_unprotect(rx, pkt, &n, false), -EBADMSG);
	/* the intact packet still passes, once */
	ck_assert_int_eq(tsrtp_unprotect(rx, copy, &cn, false), 0);
	n = rtp_packet(pkt, 100, 1);
	ck_assert_int_eq(tsrtp_protect(tx, pkt, &n, false), 0);	/* same seq again */
	ck_assert_int_eq(tsrtp_unprotect(rx, pkt, &n, false), -EALREADY);
	/* garbage too short to be SRTP: refused, no crash */
	n = 4;
	ck_assert_int_lt(tsrtp_unprotect(rx, pkt, &n, false), 0);
	tsrtp_free(tx);
	tsrtp_free(rx);
}
END_TEST

START_TEST(wrong_key_fails_authentication)
{
	uint8_t pkt[200 + TSRTP_TRAILER_MAX];
	struct tsrtp_key a, b;
	struct tsrtp *tx, *rx;
	size_t n;

	ck_assert_int_eq(tsrtp_init(), 0);
	ck_assert_int_eq(tsrtp_key_random(TSRTP_AES_CM_128_HMAC_SHA1_32, &a), 0);
	ck_assert_int_eq(tsrtp_key_random(TSRTP_AES_CM_128_HMAC_SHA1_32, &b), 0);
	ck_assert(!tsrtp_key_equal(&a, &b));	/* fresh keys differ */
	ck_assert_int_eq(tsrtp_new(&a, false, &tx), 0);
	ck_assert_int_eq(tsrtp_new(&b, true, &rx), 0);
	n = rtp_packet(pkt, 7, 9);
	ck_assert_int_eq(tsrtp_protect(tx, pkt, &n, false), 0);
	ck_assert_uint_eq(n, 12 + 160 + 4);	/* the _32 tag */
	ck_assert_int_eq(tsrtp_unprotect(rx, pkt, &n, false), -EBADMSG);
	tsrtp_free(tx);
	tsrtp_free(rx);
}
END_TEST

START_TEST(suite_names_and_lengths)
{
	ck_assert_int_eq(tsrtp_suite_from_name("AES_CM_128_HMAC_SHA1_80"), TSRTP_AES_CM_128_HMAC_SHA1_80);
	ck_assert_int_eq(tsrtp_suite_from_name("aead_aes_256_gcm"), TSRTP_AEAD_AES_256_GCM);
	ck_assert_int_eq(tsrtp_suite_from_name("F8_128_HMAC_SHA1_80"), TSRTP_NONE);
	ck_assert_uint_eq(tsrtp_key_len(TSRTP_AES_CM_128_HMAC_SHA1_80), 30);
	ck_assert_uint_eq(tsrtp_key_len(TSRTP_AES_256_CM_HMAC_SHA1_32), 46);
	ck_assert_uint_eq(tsrtp_key_len(TSRTP_AEAD_AES_128_GCM), 28);
	ck_assert_uint_eq(tsrtp_key_len(TSRTP_AEAD_AES_256_GCM), 44);
	ck_assert_str_eq(tsrtp_suite_name(TSRTP_AES_192_CM_HMAC_SHA1_32), "AES_192_CM_HMAC_SHA1_32");
}
END_TEST

START_TEST(bad_keys_are_refused)
{
	struct tsrtp_key k = { .suite = TSRTP_AES_CM_128_HMAC_SHA1_80, .len = 16 };
	struct tsrtp *s = NULL;

	ck_assert_int_eq(tsrtp_init(), 0);
	ck_assert_int_eq(tsrtp_new(&k, true, &s), -EINVAL);	/* too short for the suite */
	k.suite = TSRTP_NONE;
	ck_assert_int_eq(tsrtp_new(&k, true, &s), -EINVAL);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(tsrtp_key_random(TSRTP_NONE, &k), -EINVAL);
}
END_TEST

/* ---- a=crypto in SDP ---- */

static const char *sdp_with(const char *crypto_lines)
{
	static char buf[2048];

	snprintf(buf, sizeof(buf),
		 "v=0\r\no=a 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
		 "m=audio 4000 RTP/SAVP 0\r\n%s", crypto_lines);
	return buf;
}

START_TEST(crypto_lines_parsed)
{
	struct tsdp s;
	const char *b = sdp_with(
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4\r\n"
		"a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|2^20\r\n"
		"a=crypto:3 AES_256_CM_HMAC_SHA1_80 inline:KEY;inline:KEY2\r\n"
		"a=crypto:4 AES_CM_128_HMAC_SHA1_80 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj KDR=1\r\n"
		"a=crypto:5 AES_CM_128_HMAC_SHA1_80 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj\r\n");

	ck_assert_int_eq(tsdp_parse(b, strlen(b), &s), 0);
	ck_assert(s.m[0].savp);
	ck_assert_uint_eq(s.m[0].n_crypto, 5);
	ck_assert_uint_eq(s.m[0].crypto[0].tag, 1);
	ck_assert_str_eq(s.m[0].crypto[0].suite, "AES_CM_128_HMAC_SHA1_80");
	ck_assert_str_eq(s.m[0].crypto[0].key, "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz");
	ck_assert(s.m[0].crypto[0].mki);		/* |1:4 */
	ck_assert(!s.m[0].crypto[1].mki);		/* a lifetime alone */
	ck_assert_str_eq(s.m[0].crypto[1].key, "NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj");
	ck_assert(s.m[0].crypto[2].multi);		/* two key parameters */
	ck_assert(s.m[0].crypto[3].params);		/* a session parameter */
	ck_assert(!s.m[0].crypto[4].mki && !s.m[0].crypto[4].multi && !s.m[0].crypto[4].params);
}
END_TEST

START_TEST(malformed_crypto_lines_skipped)
{
	struct tsdp s;
	const char *b = sdp_with(
		"a=crypto:\r\n"
		"a=crypto:x\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 outline:abc\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:|2^31\r\n");

	ck_assert_int_eq(tsdp_parse(b, strlen(b), &s), 0);	/* the SDP itself is fine */
	ck_assert_uint_eq(s.m[0].n_crypto, 0);
}
END_TEST

START_TEST(crypto_replaced_by_rewrite)
{
	const char *b = sdp_with("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:THEIRKEY\r\na=sendrecv\r\n");
	struct tsdp_rewrite rw = {
		.addr = "192.0.2.1", .family = 2 /* AF_INET */, .n_media = 1,
		.m = { { .port = 5000, .rtcp_port = 5001, .crypto_set = true,
			 .crypto = "a=crypto:7 AES_CM_128_HMAC_SHA1_80 inline:OURKEY\r\n",
			 .proto = "RTP/SAVP" } },
	};
	char out[1024];
	int n = tsdp_rewrite(b, strlen(b), &rw, out, sizeof(out));

	ck_assert_int_gt(n, 0);
	ck_assert_ptr_null(strstr(out, "THEIRKEY"));
	ck_assert_ptr_nonnull(strstr(out, "m=audio 5000 RTP/SAVP 0\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "a=crypto:7 AES_CM_128_HMAC_SHA1_80 inline:OURKEY\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "a=sendrecv\r\n"));
	/* plain toward the other leg: no crypto at all, RTP/AVP */
	rw.m[0].crypto = "";
	rw.m[0].proto = "RTP/AVP";
	n = tsdp_rewrite(b, strlen(b), &rw, out, sizeof(out));
	ck_assert_int_gt(n, 0);
	ck_assert_ptr_null(strstr(out, "a=crypto"));
	ck_assert_ptr_nonnull(strstr(out, "m=audio 5000 RTP/AVP 0\r\n"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("tsrtp");
	TCase *t = tcase_create("srtp");

	tcase_add_test(t, srtp_protect_known_answer);
	tcase_add_test(t, init_again_after_fini);
	tcase_add_test(t, srtp_unprotect_known_answer);
	tcase_add_test(t, srtcp_protect_known_answer);
	tcase_add_loop_test(t, every_suite_round_trips, TSRTP_AES_CM_128_HMAC_SHA1_80,
			    _TSRTP_SUITE_MAX);
	tcase_add_test(t, tampered_and_replayed_are_refused);
	tcase_add_test(t, wrong_key_fails_authentication);
	tcase_add_test(t, suite_names_and_lengths);
	tcase_add_test(t, bad_keys_are_refused);
	suite_add_tcase(s, t);
	t = tcase_create("rfc7714");
	tcase_add_loop_test(t, rfc7714_srtp_vectors, 0, 2);
	tcase_add_loop_test(t, rfc7714_srtcp_vectors, 0, 4);
	tcase_add_loop_test(t, tsrtp_gcm_packets_follow_rfc7714, 0, 2);
	suite_add_tcase(s, t);
	t = tcase_create("sdp-crypto");
	tcase_add_test(t, crypto_lines_parsed);
	tcase_add_test(t, malformed_crypto_lines_skipped);
	tcase_add_test(t, crypto_replaced_by_rewrite);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
