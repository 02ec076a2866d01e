/* tests/unit/check_tls.c: lib/sip/tsip_tls_reload.c on its own, the SSL_new()
 * that tandemd puts in front of OpenSSL's so that sofia-sip's TLS connections
 * take the certificate loaded last: SSLs made before a swap keep theirs, new
 * ones get the new one, in a real handshake too, and the verify callback
 * comes along. Certificates are made in memory. */
#include <check.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "sip/tsip_int.h"
#include "sip/tsip_tls.h"

static EVP_PKEY *make_key(void)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");

	ck_assert_ptr_nonnull(k);
	return k;
}

static X509 *make_cert(EVP_PKEY *k, const char *cn)
{
	X509 *x = X509_new();
	X509_NAME *n;

	ck_assert_ptr_nonnull(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, k);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, n);
	ck_assert_int_gt(X509_sign(x, k, EVP_sha256()), 0);
	return x;
}

static bool has_cn(X509 *x, const char *cn)
{
	char buf[64] = "";

	if (x == NULL)
		return false;
	X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, buf, sizeof(buf));
	return strcmp(buf, cn) == 0;
}

/* An SSL_CTX that has certificate "ctx" of its own, as sofia's does. */
static SSL_CTX *make_ctx(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_method());
	EVP_PKEY *k = make_key();
	X509 *x = make_cert(k, "ctx");

	ck_assert_int_eq(SSL_CTX_use_certificate(ctx, x), 1);
	ck_assert_int_eq(SSL_CTX_use_PrivateKey(ctx, k), 1);
	X509_free(x);
	EVP_PKEY_free(k);
	return ctx;
}

static void install(const char *cn)
{
	EVP_PKEY *k = make_key();

	tsip_tls_reload_set(make_cert(k, cn), NULL, k, X509_STORE_new());
}

static int my_verify(int ok, X509_STORE_CTX *st)
{
	(void)st;
	return ok;
}

/* tsip_interpose.c: in a program linked as tandemd is, sofia-sip's calls of
 * SSL_new, SSL_shutdown and nua_stack_notify reach ours, with the originals
 * behind them; tandemd refuses to start otherwise. */
START_TEST(replacements_are_in_force)
{
	ck_assert_ptr_null(tsip_interpose_check());
}
END_TEST

START_TEST(other_callers_get_plain_ssl_new)
{
	SSL_CTX *ctx = make_ctx();
	SSL *ssl;

	tsip_tls_reload_only_for((const void *)SSL_CTX_new);	/* libssl, not us */
	install("one");
	tsip_tls_reload_set_verify(my_verify);
	ssl = SSL_new(ctx);
	ck_assert(has_cn(SSL_get_certificate(ssl), "ctx"));
	ck_assert_ptr_null((void *)SSL_get_verify_callback(ssl));
	SSL_free(ssl);
	tsip_tls_reload_set(NULL, NULL, NULL, NULL);
	tsip_tls_reload_set_verify(NULL);
	tsip_tls_reload_only_for((const void *)make_ctx);
	SSL_CTX_free(ctx);
}
END_TEST

START_TEST(nothing_installed_is_plain_ssl_new)
{
	SSL_CTX *ctx = make_ctx();
	SSL *ssl = SSL_new(ctx);

	ck_assert_ptr_nonnull(ssl);
	ck_assert(has_cn(SSL_get_certificate(ssl), "ctx"));
	ck_assert_ptr_null((void *)SSL_get_verify_callback(ssl));
	SSL_free(ssl);
	SSL_CTX_free(ctx);
}
END_TEST

START_TEST(swap_applies_to_new_ssls_only)
{
	SSL_CTX *ctx = make_ctx();
	SSL *a, *b, *c;

	install("one");
	tsip_tls_reload_set_verify(my_verify);
	a = SSL_new(ctx);
	ck_assert(has_cn(SSL_get_certificate(a), "one"));
	ck_assert_ptr_eq((void *)SSL_get_verify_callback(a), (void *)my_verify);
	install("two");
	b = SSL_new(ctx);
	ck_assert(has_cn(SSL_get_certificate(b), "two"));
	/* a keeps its own references: the swap freed only the module's */
	ck_assert(has_cn(SSL_get_certificate(a), "one"));
	ck_assert_int_eq(SSL_check_private_key(a), 1);
	ck_assert_int_eq(SSL_check_private_key(b), 1);
	tsip_tls_reload_set(NULL, NULL, NULL, NULL);
	tsip_tls_reload_set_verify(NULL);
	c = SSL_new(ctx);
	ck_assert(has_cn(SSL_get_certificate(c), "ctx"));
	SSL_free(a);
	SSL_free(b);
	SSL_free(c);
	SSL_CTX_free(ctx);
}
END_TEST

/* A handshake through a BIO pair: the client sees what was installed when
 * the server's SSL was made, not the SSL_CTX's certificate. */
static X509 *handshake_cert(SSL_CTX *server_ctx)
{
	SSL_CTX *cctx = SSL_CTX_new(TLS_method());
	SSL *srv = SSL_new(server_ctx), *cli;
	BIO *bs, *bc;
	X509 *got;
	int done = 0;

	tsip_tls_reload_set_verify(NULL);
	cli = SSL_new(cctx);
	ck_assert_int_eq(BIO_new_bio_pair(&bs, 0, &bc, 0), 1);
	SSL_set_bio(srv, bs, bs);
	SSL_set_bio(cli, bc, bc);
	SSL_set_accept_state(srv);
	SSL_set_connect_state(cli);
	for (int i = 0; i < 100 && done != 3; i++) {
		if (!(done & 1) && SSL_do_handshake(cli) == 1)
			done |= 1;
		if (!(done & 2) && SSL_do_handshake(srv) == 1)
			done |= 2;
	}
	ck_assert_int_eq(done, 3);
	got = SSL_get1_peer_certificate(cli);
	SSL_free(cli);
	SSL_free(srv);
	SSL_CTX_free(cctx);
	return got;
}

START_TEST(handshake_uses_the_installed_certificate)
{
	SSL_CTX *ctx = make_ctx();
	X509 *x;

	install("one");
	x = handshake_cert(ctx);
	ck_assert(has_cn(x, "one"));
	X509_free(x);
	install("two");
	x = handshake_cert(ctx);
	ck_assert(has_cn(x, "two"));
	X509_free(x);
	tsip_tls_reload_set(NULL, NULL, NULL, NULL);
	SSL_CTX_free(ctx);
}
END_TEST

/* sofia's tls_free() of a connection: SSL_shutdown(), SSL_CTX_free() of the
 * shared context, BIO_free() of the BIO it gave the SSL, and no SSL_free().
 * The wrapper frees the SSL and leaves a reference of the context and of
 * the BIO to those two (under ASan: neither a leak nor a double free). */
START_TEST(shutdown_frees_the_ssl_and_leaves_the_bio)
{
	SSL_CTX *ctx = make_ctx();
	SSL *ssl = SSL_new(ctx);
	BIO *bio = BIO_new(BIO_s_mem());

	SSL_set_bio(ssl, bio, bio);
	SSL_set_connect_state(ssl);
	SSL_shutdown(ssl);
	ck_assert_int_eq(BIO_write(bio, "x", 1), 1);	/* still alive */
	SSL_CTX_free(ctx);	/* sofia's, in tls_free() */
	BIO_free(bio);
	ck_assert_ptr_nonnull(SSL_CTX_get_cert_store(ctx));	/* still alive */
	SSL_CTX_free(ctx);	/* the owner's */
}
END_TEST

static Suite *tls_suite(void)
{
	Suite *s = suite_create("tls_reload");
	TCase *tc = tcase_create("ssl_new");

	/* the SSLs this program makes are the ones equipped (sofia's in tandemd) */
	tsip_tls_reload_only_for((const void *)make_ctx);

	tcase_add_test(tc, replacements_are_in_force);
	tcase_add_test(tc, nothing_installed_is_plain_ssl_new);
	tcase_add_test(tc, other_callers_get_plain_ssl_new);
	tcase_add_test(tc, swap_applies_to_new_ssls_only);
	tcase_add_test(tc, handshake_uses_the_installed_certificate);
	tcase_add_test(tc, shutdown_frees_the_ssl_and_leaves_the_bio);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tls_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
