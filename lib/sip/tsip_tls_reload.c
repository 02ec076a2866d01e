/* lib/sip/tsip_tls_reload.c: certificates re-read without a restart.
 *
 * sofia-sip 1.12.11 reads its certificate once, into the SSL_CTX of the TLS
 * transport, and has no call to read it again. tandemd therefore provides
 * its own SSL_new(): it calls the real one (dlsym(RTLD_NEXT)) and then puts
 * the current certificate, chain, key and CA store into the new SSL, and
 * the verify callback that decides per connection (tsip_tls.c). Connections
 * made before a reload keep what they were made with; every new one gets
 * what tsip_tls_reload_set() installed last.
 *
 * This replaces SSL_new for the whole process, and other libraries in it
 * use OpenSSL too (libcurl for webhooks): only the SSLs that code in one
 * shared object makes (sofia-sip, tsip_tls_reload_only_for()) are touched,
 * found by the caller's return address; every other caller gets the plain
 * SSL_new. tests/unit/check_tls.c tests it on its own.
 *
 * SSL_shutdown() is wrapped for the same SSLs: sofia's tls_free() calls it,
 * then SSL_CTX_free() of the shared context (a connection's tls_t carries
 * the master's type, so it frees the master's context too: the SSL's own
 * reference used to balance that) and BIO_free(), and never SSL_free(), so
 * every TLS connection would leak its SSL (about 8 KiB, with the peer's
 * certificates). After the real SSL_shutdown() the wrapper frees the SSL,
 * keeping for sofia the context reference and the BIO reference that it
 * drops next. sofia calls SSL_shutdown nowhere else.
 *
 * Both rest on what sofia-sip 1.12.11 does, so both are watched: every SSL
 * equipped and every one freed is counted (tsip_tls_stats(), `tandemctl
 * status`), and tests/sip/170-tls-caller requires the two to meet once the
 * caller has gone. A sofia that stopped calling SSL_shutdown would leak and
 * fail there; one that began to SSL_free its SSLs itself would free twice,
 * which the ASan run of the same test (and glibc) reports as a crash. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tsip.h"
#include "tsip_tls.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static X509 *cur_cert;
static STACK_OF(X509) *cur_chain;
static EVP_PKEY *cur_key;
static X509_STORE *cur_store;
static int (*cur_verify)(int ok, X509_STORE_CTX *store);
static void *owner_base;		/* the object whose SSLs we equip */
static uint64_t n_made, n_freed;	/* its SSLs, atomics: any thread may make one */

void tsip_tls_reload_only_for(const void *code)
{
	Dl_info info;

	pthread_mutex_lock(&lock);
	owner_base = code && dladdr(code, &info) ? info.dli_fbase : NULL;
	pthread_mutex_unlock(&lock);
}

static bool called_by_owner(const void *ret)
{
	Dl_info info;

	return owner_base && ret && dladdr(ret, &info) && info.dli_fbase == owner_base;
}

void tsip_tls_reload_set(X509 *cert, STACK_OF(X509) *chain, EVP_PKEY *key, X509_STORE *store)
{
	X509 *oc;
	STACK_OF(X509) *och;
	EVP_PKEY *ok;
	X509_STORE *os;

	pthread_mutex_lock(&lock);
	oc = cur_cert, och = cur_chain, ok = cur_key, os = cur_store;
	cur_cert = cert, cur_chain = chain, cur_key = key, cur_store = store;
	pthread_mutex_unlock(&lock);
	/* SSLs made with the old ones hold references of their own */
	X509_free(oc);
	sk_X509_pop_free(och, X509_free);
	EVP_PKEY_free(ok);
	X509_STORE_free(os);
}

void tsip_tls_reload_set_verify(int (*cb)(int ok, X509_STORE_CTX *store))
{
	pthread_mutex_lock(&lock);
	cur_verify = cb;
	pthread_mutex_unlock(&lock);
}

SSL *SSL_new(SSL_CTX *ctx)
{
	static SSL *(*real)(SSL_CTX *);
	SSL *ssl;

	if (real == NULL) {
		real = (SSL *(*)(SSL_CTX *))dlsym(RTLD_NEXT, "SSL_new");
		if (real == NULL)
			abort();	/* not linked with libssl: cannot happen */
	}
	ssl = real(ctx);
	if (ssl == NULL)
		return NULL;
	pthread_mutex_lock(&lock);
	if (!called_by_owner(__builtin_extract_return_addr(__builtin_return_address(0)))) {
		pthread_mutex_unlock(&lock);
		return ssl;
	}
	if (cur_cert && cur_key &&
	    (SSL_use_certificate(ssl, cur_cert) != 1 || SSL_use_PrivateKey(ssl, cur_key) != 1 ||
	     (cur_chain && SSL_set1_chain(ssl, cur_chain) != 1))) {
		pthread_mutex_unlock(&lock);
		SSL_free(ssl);
		return NULL;
	}
	if (cur_store)
		SSL_set1_verify_cert_store(ssl, cur_store);
	if (cur_verify)
		SSL_set_verify(ssl, SSL_get_verify_mode(ssl), cur_verify);
	pthread_mutex_unlock(&lock);
	__atomic_add_fetch(&n_made, 1, __ATOMIC_RELAXED);
	return ssl;
}

int SSL_shutdown(SSL *ssl)
{
	static int (*real)(SSL *);
	BIO *bio;
	int r;
	bool ours;

	if (real == NULL) {
		real = (int (*)(SSL *))dlsym(RTLD_NEXT, "SSL_shutdown");
		if (real == NULL)
			abort();
	}
	r = real(ssl);
	pthread_mutex_lock(&lock);
	ours = called_by_owner(__builtin_extract_return_addr(__builtin_return_address(0)));
	pthread_mutex_unlock(&lock);
	if (!ours || ssl == NULL)
		return r;
	/* sofia's next steps are SSL_CTX_free(the context) and BIO_free(its
	 * BIO): keep one reference of each for them */
	SSL_CTX_up_ref(SSL_get_SSL_CTX(ssl));
	bio = SSL_get_rbio(ssl);
	if (bio)
		BIO_up_ref(bio);
	SSL_free(ssl);
	__atomic_add_fetch(&n_freed, 1, __ATOMIC_RELAXED);
	return r;
}

void tsip_tls_stats(struct tsip_tls_stats *ret)
{
	ret->ssl_made = __atomic_load_n(&n_made, __ATOMIC_RELAXED);
	ret->ssl_freed = __atomic_load_n(&n_freed, __ATOMIC_RELAXED);
}
