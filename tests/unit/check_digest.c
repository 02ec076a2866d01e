/* tests/unit/check_digest.c: lib/sec/digest.c. The hashes against the
 * worked example of RFC 7616 section 3.9.1 (MD5 and SHA-256), the parser
 * of Authorization headers, and the nonces: ours or not, bound to the
 * source address, expired (stale), checked before the user, each
 * nonce-count accepted once, a full table (or an expired nonce pushed out)
 * making old nonces stale. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sec/digest.h"

/* RFC 7616 3.9.1 */
#define RFC_USER "Mufasa"
#define RFC_PASS "Circle of Life"
#define RFC_REALM "http-auth@example.org"
#define RFC_NONCE "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
#define RFC_CNONCE "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
#define RFC_URI "/dir/index.html"
#define RFC_MD5 "8ca523f5e9506fed4657c9700eebdbec"
#define RFC_SHA256 "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"

/* the source addresses nonces are bound to (as tsip_auth.c: 16 bytes) */
static const unsigned char A[16] = { [10] = 0xff, [11] = 0xff, 192, 0, 2, 10 };
static const unsigned char B[16] = { [10] = 0xff, [11] = 0xff, 192, 0, 2, 66 };

static void rfc_response(enum digest_alg a, char out[DIGEST_HEX_MAX])
{
	char ha1[DIGEST_HEX_MAX];

	ck_assert_int_eq(digest_ha1(a, RFC_USER, RFC_REALM, RFC_PASS, ha1), 0);
	ck_assert_int_eq(digest_response(a, ha1, RFC_NONCE, "00000001", RFC_CNONCE, "auth", "GET",
					 RFC_URI, out), 0);
}

START_TEST(rfc7616_md5)
{
	char out[DIGEST_HEX_MAX];

	rfc_response(DIGEST_MD5, out);
	ck_assert_str_eq(out, RFC_MD5);
}
END_TEST

START_TEST(rfc7616_sha256)
{
	char out[DIGEST_HEX_MAX];

	rfc_response(DIGEST_SHA256, out);
	ck_assert_str_eq(out, RFC_SHA256);
}
END_TEST

START_TEST(alg_names)
{
	ck_assert_int_eq(digest_alg_from_name("MD5"), DIGEST_MD5);
	ck_assert_int_eq(digest_alg_from_name("sha-256"), DIGEST_SHA256);
	ck_assert_int_eq(digest_alg_from_name("SHA-512-256"), -EINVAL);
	ck_assert_int_eq(digest_alg_from_name("MD5-sess"), -EINVAL);
	ck_assert_str_eq(digest_alg_name(DIGEST_SHA256), "SHA-256");
	ck_assert(digest_is_hex(DIGEST_MD5, RFC_MD5));
	ck_assert(!digest_is_hex(DIGEST_SHA256, RFC_MD5));
	ck_assert(!digest_is_hex(DIGEST_MD5, "8ca523f5e9506fed4657c9700eebdbeZ"));
}
END_TEST

START_TEST(parse_rfc_header)
{
	struct digest_cred c;
	const char *h = "Digest username=\"Mufasa\",\r\n    realm=\"http-auth@example.org\",\r\n"
			"    uri=\"/dir/index.html\", algorithm=SHA-256,\r\n"
			"    nonce=\"" RFC_NONCE "\", nc=00000001,\r\n"
			"    cnonce=\"" RFC_CNONCE "\", qop=auth,\r\n"
			"    response=\"" RFC_SHA256 "\",\r\n    opaque=\"FQhe\"";

	ck_assert_int_eq(digest_parse(h, &c), 0);
	ck_assert_str_eq(c.username, "Mufasa");
	ck_assert_str_eq(c.realm, RFC_REALM);
	ck_assert_str_eq(c.uri, RFC_URI);
	ck_assert_str_eq(c.nonce, RFC_NONCE);
	ck_assert_str_eq(c.cnonce, RFC_CNONCE);
	ck_assert_str_eq(c.qop, "auth");
	ck_assert_str_eq(c.response, RFC_SHA256);
	ck_assert_str_eq(c.opaque, "FQhe");
	ck_assert_int_eq(c.alg, DIGEST_SHA256);
	ck_assert_uint_eq(c.nc_value, 1);
}
END_TEST

START_TEST(parse_defaults_and_escapes)
{
	struct digest_cred c;

	ck_assert_int_eq(digest_parse("digest username=\"a\\\"b\", realm=\"r\", nonce=\"n\", "
				      "uri=sip:bob@example.net, response=\"00\"", &c), 0);
	ck_assert_str_eq(c.username, "a\"b");
	ck_assert_str_eq(c.uri, "sip:bob@example.net");
	ck_assert_int_eq(c.alg, DIGEST_MD5);	/* no algorithm: MD5 */
	ck_assert_str_eq(c.qop, "");
}
END_TEST

START_TEST(parse_rejects)
{
	struct digest_cred c;
	char big[1200];

	ck_assert_int_eq(digest_parse("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", &c), -ENOTSUP);
	ck_assert_int_eq(digest_parse("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", "
				      "response=\"x\", algorithm=SHA-512-256", &c), -ENOTSUP);
	/* missing response */
	ck_assert_int_eq(digest_parse("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\"", &c),
			 -EINVAL);
	/* unterminated quote, no '=', bad nc */
	ck_assert_int_eq(digest_parse("Digest username=\"a, realm=\"r\"", &c), -EINVAL);
	ck_assert_int_eq(digest_parse("Digest username", &c), -EINVAL);
	ck_assert_int_eq(digest_parse("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", "
				      "response=\"x\", nc=1", &c), -EINVAL);
	/* a field longer than we keep */
	snprintf(big, sizeof(big), "Digest username=\"%0600d\", realm=\"r\", nonce=\"n\", uri=\"u\", "
		 "response=\"x\"", 0);
	ck_assert_int_eq(digest_parse(big, &c), -EINVAL);
	ck_assert_int_eq(digest_parse("", &c), -ENOTSUP);
}
END_TEST

/* Credentials as a client would send them for nonce n. */
static void client(struct digest_cred *c, enum digest_alg a, const char *nonce, uint32_t nc,
		   const char *password)
{
	char ha1[DIGEST_HEX_MAX];

	memset(c, 0, sizeof(*c));
	snprintf(c->username, sizeof(c->username), "alice");
	snprintf(c->realm, sizeof(c->realm), "tandem");
	snprintf(c->nonce, sizeof(c->nonce), "%s", nonce);
	snprintf(c->uri, sizeof(c->uri), "sip:bob@127.0.0.1");
	snprintf(c->cnonce, sizeof(c->cnonce), "0a4f113b");
	snprintf(c->qop, sizeof(c->qop), "auth");
	snprintf(c->nc, sizeof(c->nc), "%08x", nc);
	c->nc_value = nc;
	c->alg = a;
	ck_assert_int_eq(digest_ha1(a, "alice", "tandem", password, ha1), 0);
	ck_assert_int_eq(digest_response(a, ha1, nonce, c->nc, c->cnonce, "auth", "INVITE", c->uri,
					 c->response), 0);
}

static void server_ha1(enum digest_alg a, char ha1[DIGEST_HEX_MAX])
{
	ck_assert_int_eq(digest_ha1(a, "alice", "tandem", "secret", ha1), 0);
}

START_TEST(verify_ok_then_replay)
{
	struct digest_nonces *n;
	struct digest_cred c;
	char nonce[80], ha1[DIGEST_HEX_MAX];

	ck_assert_int_eq(digest_nonces_new(0, &n), 0);
	ck_assert_int_eq(digest_nonce_make(n, 100, A, sizeof(A), nonce, sizeof(nonce)), 0);
	ck_assert_uint_eq(strlen(nonce), 64);
	for (int a = 0; a < _DIGEST_ALG_MAX; a++) {
		server_ha1(a, ha1);
		client(&c, a, nonce, (uint32_t)(2 * a + 1), "secret");
		ck_assert_int_eq(digest_verify(n, &c, ha1, "INVITE", A, sizeof(A), 110, 300), DIGEST_OK);
		/* the same nonce-count again: a replay */
		ck_assert_int_eq(digest_verify(n, &c, ha1, "INVITE", A, sizeof(A), 111, 300), DIGEST_REPLAY);
		/* the next nonce-count is fine */
		client(&c, a, nonce, (uint32_t)(2 * a + 2), "secret");
		ck_assert_int_eq(digest_verify(n, &c, ha1, "INVITE", A, sizeof(A), 112, 300), DIGEST_OK);
	}
	digest_nonces_free(n);
}
END_TEST

START_TEST(verify_wrong_password_method_and_case)
{
	struct digest_nonces *n;
	struct digest_cred c;
	char nonce[80], ha1[DIGEST_HEX_MAX];

	ck_assert_int_eq(digest_nonces_new(0, &n), 0);
	ck_assert_int_eq(digest_nonce_make(n, 100, A, sizeof(A), nonce, sizeof(nonce)), 0);
	server_ha1(DIGEST_SHA256, ha1);
	client(&c, DIGEST_SHA256, nonce, 1, "guess");
	ck_assert_int_eq(digest_verify(n, &c, ha1, "INVITE", A, sizeof(A), 100, 300), DIGEST_WRONG);
	client(&c, DIGEST_SHA256, nonce, 1, "secret");
	ck_assert_int_eq(digest_verify(n, &c, ha1, "BYE", A, sizeof(A), 100, 300), DIGEST_WRONG);
	/* a response in upper-case hex is the same response */
	for (char *p = c.response; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'f' ? *p - 32 : *p);
	ck_assert_int_eq(digest_verify(n, &c, ha1, "INVITE", A, sizeof(A), 100, 300), DIGEST_OK);
	/* a response of the wrong length */
	client(&c, DIGEST_SHA256, nonce, 2, "secret");
	c.response[10] = '\0';
	ck_assert_int_eq(digest_verify(n, &c, ha1, "INVITE", A, sizeof(A), 100, 300), DIGEST_WRONG);
	digest_nonces_free(n);
}
END_TEST

START_TEST(verify_stale_and_foreign_nonces)
{
	struct digest_nonces *n, *other;
	struct digest_cred c;
	char nonce[80], theirs[80], ha1[DIGEST_HEX_MAX];

	ck_assert_int_eq(digest_nonces_new(0, &n), 0);
	ck_assert_int_eq(digest_nonces_new(0, &other), 0);
	server_ha1(DIGEST_MD5, ha1);
	ck_assert_int_eq(digest_nonce_make(n, 100, A, sizeof(A), nonce, sizeof(nonce)), 0);
	/* right credentials, nonce older than its lifetime: stale */
	client(&c, DIGEST_MD5, nonce, 1, "secret");
	ck_assert_int_eq(digest_verify(n, &c, ha1, "INVITE", A, sizeof(A), 401, 300), DIGEST_STALE);
	/* wrong credentials with an old nonce: a new challenge, without
	 * stale=true (RFC 7616 3.3), and no failure */
	client(&c, DIGEST_MD5, nonce, 1, "guess");
	ck_assert_int_eq(digest_verify(n, &c, ha1, "INVITE", A, sizeof(A), 401, 300),
			 DIGEST_BAD_NONCE);
	/* a nonce of another key (before a restart), or altered */
	ck_assert_int_eq(digest_nonce_make(other, 100, A, sizeof(A), theirs, sizeof(theirs)), 0);
	client(&c, DIGEST_MD5, theirs, 1, "secret");
	ck_assert_int_eq(digest_verify(n, &c, ha1, "INVITE", A, sizeof(A), 101, 300),
			 DIGEST_BAD_NONCE);
	nonce[0] = nonce[0] == '0' ? '1' : '0';		/* the issue time moved */
	client(&c, DIGEST_MD5, nonce, 1, "secret");
	ck_assert_int_eq(digest_verify(n, &c, ha1, "INVITE", A, sizeof(A), 101, 300),
			 DIGEST_BAD_NONCE);
	client(&c, DIGEST_MD5, RFC_NONCE, 1, "secret");
	ck_assert_int_eq(digest_verify(n, &c, ha1, "INVITE", A, sizeof(A), 101, 300),
			 DIGEST_BAD_NONCE);
	/* no qop: RFC 2069 style is refused */
	ck_assert_int_eq(digest_nonce_make(n, 100, A, sizeof(A), nonce, sizeof(nonce)), 0);
	client(&c, DIGEST_MD5, nonce, 1, "secret");
	c.qop[0] = '\0';
	ck_assert_int_eq(digest_verify(n, &c, ha1, "INVITE", A, sizeof(A), 101, 300), DIGEST_NO_QOP);
	digest_nonces_free(n);
	digest_nonces_free(other);
}
END_TEST

START_TEST(full_table_makes_old_nonces_stale)
{
	struct digest_nonces *n;
	struct digest_cred c;
	char first[80], nonce[80], ha1[DIGEST_HEX_MAX];

	/* 16 slots: every probe sequence covers the whole table */
	ck_assert_int_eq(digest_nonces_new(16, &n), 0);
	server_ha1(DIGEST_MD5, ha1);
	ck_assert_int_eq(digest_nonce_make(n, 10, A, sizeof(A), first, sizeof(first)), 0);
	client(&c, DIGEST_MD5, first, 1, "secret");
	ck_assert_int_eq(digest_verify(n, &c, ha1, "INVITE", A, sizeof(A), 20, 300), DIGEST_OK);
	for (int i = 0; i < 16; i++) {
		ck_assert_int_eq(digest_nonce_make(n, (uint64_t)(20 + i), A, sizeof(A), nonce,
						   sizeof(nonce)), 0);
		client(&c, DIGEST_MD5, nonce, 1, "secret");
		ck_assert_int_eq(digest_verify(n, &c, ha1, "INVITE", A, sizeof(A), 40, 300), DIGEST_OK);
	}
	/* the first nonce was pushed out: it cannot be checked for replays
	 * any more, so it is stale rather than accepted */
	client(&c, DIGEST_MD5, first, 1, "secret");
	ck_assert_int_eq(digest_verify(n, &c, ha1, "INVITE", A, sizeof(A), 41, 300), DIGEST_STALE);
	client(&c, DIGEST_MD5, first, 2, "secret");
	ck_assert_int_eq(digest_verify(n, &c, ha1, "INVITE", A, sizeof(A), 41, 300), DIGEST_STALE);
	digest_nonces_free(n);
}
END_TEST

START_TEST(nonce_bound_to_source)
{
	struct digest_nonces *n;
	struct digest_cred c;
	char nonce[80], ha1[DIGEST_HEX_MAX];

	ck_assert_int_eq(digest_nonces_new(0, &n), 0);
	server_ha1(DIGEST_SHA256, ha1);
	ck_assert_int_eq(digest_nonce_make(n, 100, A, sizeof(A), nonce, sizeof(nonce)), 0);
	/* from another address (spoofed, or fetched elsewhere): not ours, so a
	 * new challenge, not a failure, whatever the password */
	client(&c, DIGEST_SHA256, nonce, 1, "secret");
	ck_assert_int_eq(digest_verify(n, &c, ha1, "INVITE", B, sizeof(B), 101, 300),
			 DIGEST_BAD_NONCE);
	client(&c, DIGEST_SHA256, nonce, 1, "guess");
	ck_assert_int_eq(digest_verify(n, &c, ha1, "INVITE", B, sizeof(B), 101, 300),
			 DIGEST_BAD_NONCE);
	ck_assert_int_eq(digest_verify(n, &c, ha1, "INVITE", NULL, 0, 101, 300), DIGEST_BAD_NONCE);
	/* from the address it was made for */
	ck_assert_int_eq(digest_verify(n, &c, ha1, "INVITE", A, sizeof(A), 101, 300), DIGEST_WRONG);
	client(&c, DIGEST_SHA256, nonce, 1, "secret");
	ck_assert_int_eq(digest_verify(n, &c, ha1, "INVITE", A, sizeof(A), 101, 300), DIGEST_OK);
	/* too many bind bytes */
	ck_assert_int_eq(digest_nonce_make(n, 100, nonce, DIGEST_BIND_MAX + 1, nonce,
					   sizeof(nonce)), -EINVAL);
	digest_nonces_free(n);
}
END_TEST

START_TEST(unknown_user_is_a_wrong_password)
{
	struct digest_nonces *n, *other;
	struct digest_cred c;
	char nonce[80], theirs[80];
	char zeros[DIGEST_HEX_MAX];

	ck_assert_int_eq(digest_nonces_new(0, &n), 0);
	ck_assert_int_eq(digest_nonces_new(0, &other), 0);
	for (int a = 0; a < _DIGEST_ALG_MAX; a++) {
		ck_assert_int_eq(digest_nonce_make(n, 100, A, sizeof(A), nonce, sizeof(nonce)), 0);
		client(&c, a, nonce, 1, "secret");
		/* fresh nonce: what a wrong password gets */
		ck_assert_int_eq(digest_verify(n, &c, NULL, "INVITE", A, sizeof(A), 101, 300),
				 DIGEST_WRONG);
		/* even a response made with the dummy HA1 itself */
		memset(zeros, '0', digest_hex_len(a));
		zeros[digest_hex_len(a)] = '\0';
		ck_assert_int_eq(digest_response(a, zeros, nonce, c.nc, c.cnonce, "auth", "INVITE",
						 c.uri, c.response), 0);
		ck_assert_int_eq(digest_verify(n, &c, NULL, "INVITE", A, sizeof(A), 101, 300),
				 DIGEST_WRONG);
		/* the nonce first: expired, another source's, not ours: a challenge,
		 * as for a known user with a wrong password */
		ck_assert_int_eq(digest_verify(n, &c, NULL, "INVITE", A, sizeof(A), 500, 300),
				 DIGEST_BAD_NONCE);
		ck_assert_int_eq(digest_verify(n, &c, NULL, "INVITE", B, sizeof(B), 101, 300),
				 DIGEST_BAD_NONCE);
		ck_assert_int_eq(digest_nonce_make(other, 100, A, sizeof(A), theirs,
						   sizeof(theirs)), 0);
		client(&c, a, theirs, 1, "secret");
		ck_assert_int_eq(digest_verify(n, &c, NULL, "INVITE", A, sizeof(A), 101, 300),
				 DIGEST_BAD_NONCE);
	}
	digest_nonces_free(n);
	digest_nonces_free(other);
}
END_TEST

START_TEST(expired_nonce_pushed_out_stays_stale)
{
	struct digest_nonces *n;
	struct digest_cred c;
	char first[80], nonce[80], ha1[DIGEST_HEX_MAX];

	/* 16 slots: every probe sequence covers the whole table */
	ck_assert_int_eq(digest_nonces_new(16, &n), 0);
	server_ha1(DIGEST_MD5, ha1);
	ck_assert_int_eq(digest_nonce_make(n, 10, A, sizeof(A), first, sizeof(first)), 0);
	client(&c, DIGEST_MD5, first, 1, "secret");
	ck_assert_int_eq(digest_verify(n, &c, ha1, "INVITE", A, sizeof(A), 12, 10), DIGEST_OK);
	/* 16 more at 100: the 16th takes the first one's slot, which has
	 * expired (lifetime 10) */
	for (int i = 0; i < 16; i++) {
		ck_assert_int_eq(digest_nonce_make(n, 100, A, sizeof(A), nonce, sizeof(nonce)), 0);
		client(&c, DIGEST_MD5, nonce, 1, "secret");
		ck_assert_int_eq(digest_verify(n, &c, ha1, "INVITE", A, sizeof(A), 100, 10),
				 DIGEST_OK);
	}
	/* a reload raised the lifetime to 1000: the first nonce would be
	 * fresh again, but its nonce-count is forgotten: stale, never a replay */
	client(&c, DIGEST_MD5, first, 1, "secret");
	ck_assert_int_eq(digest_verify(n, &c, ha1, "INVITE", A, sizeof(A), 101, 1000), DIGEST_STALE);
	/* the newer nonces are unharmed */
	client(&c, DIGEST_MD5, nonce, 2, "secret");
	ck_assert_int_eq(digest_verify(n, &c, ha1, "INVITE", A, sizeof(A), 101, 1000), DIGEST_OK);
	digest_nonces_free(n);
}
END_TEST

static Suite *digest_suite(void)
{
	Suite *s = suite_create("digest");
	TCase *tc = tcase_create("hash");

	tcase_add_test(tc, rfc7616_md5);
	tcase_add_test(tc, rfc7616_sha256);
	tcase_add_test(tc, alg_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("parse");
	tcase_add_test(tc, parse_rfc_header);
	tcase_add_test(tc, parse_defaults_and_escapes);
	tcase_add_test(tc, parse_rejects);
	suite_add_tcase(s, tc);
	tc = tcase_create("verify");
	tcase_add_test(tc, verify_ok_then_replay);
	tcase_add_test(tc, verify_wrong_password_method_and_case);
	tcase_add_test(tc, verify_stale_and_foreign_nonces);
	tcase_add_test(tc, full_table_makes_old_nonces_stale);
	tcase_add_test(tc, nonce_bound_to_source);
	tcase_add_test(tc, unknown_user_is_a_wrong_password);
	tcase_add_test(tc, expired_nonce_pushed_out_stays_stale);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(digest_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
