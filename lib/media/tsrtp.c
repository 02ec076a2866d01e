/* lib/media/tsrtp.c: see tsrtp.h. libsrtp2's status codes are turned into
 * negative errno here, once. */
#include <nss.h>
#include <errno.h>
#include <srtp2/srtp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "tsrtp.h"
#include "tsrtp_int.h"

struct tsrtp {
	srtp_t ctx;
};

static const struct {
	const char *name;
	size_t key_len;
	void (*rtp)(srtp_crypto_policy_t *p);
	void (*rtcp)(srtp_crypto_policy_t *p);
} suites[_TSRTP_SUITE_MAX] = {
	[TSRTP_AES_CM_128_HMAC_SHA1_80] = { "AES_CM_128_HMAC_SHA1_80", 30,
		srtp_crypto_policy_set_rtp_default, srtp_crypto_policy_set_rtcp_default },
	/* RFC 4568: the _32 suites keep the 80-bit tag on SRTCP */
	[TSRTP_AES_CM_128_HMAC_SHA1_32] = { "AES_CM_128_HMAC_SHA1_32", 30,
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32, srtp_crypto_policy_set_rtcp_default },
	[TSRTP_AES_192_CM_HMAC_SHA1_80] = { "AES_192_CM_HMAC_SHA1_80", 38,
		srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80, srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80 },
	[TSRTP_AES_192_CM_HMAC_SHA1_32] = { "AES_192_CM_HMAC_SHA1_32", 38,
		srtp_crypto_policy_set_aes_cm_192_hmac_sha1_32, srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80 },
	[TSRTP_AES_256_CM_HMAC_SHA1_80] = { "AES_256_CM_HMAC_SHA1_80", 46,
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80, srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80 },
	[TSRTP_AES_256_CM_HMAC_SHA1_32] = { "AES_256_CM_HMAC_SHA1_32", 46,
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32, srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80 },
	[TSRTP_AEAD_AES_128_GCM] = { "AEAD_AES_128_GCM", 28,
		srtp_crypto_policy_set_aes_gcm_128_16_auth, srtp_crypto_policy_set_aes_gcm_128_16_auth },
	[TSRTP_AEAD_AES_256_GCM] = { "AEAD_AES_256_GCM", 44,
		srtp_crypto_policy_set_aes_gcm_256_16_auth, srtp_crypto_policy_set_aes_gcm_256_16_auth },
};

/* Debian's libsrtp2 is built on NSS, which it sets up again whenever no
 * SRTP context exists: about 20 ms for the first srtp_create() after the
 * last srtp_dealloc(), in the media worker. One context kept for the life
 * of the process keeps NSS up and every later context cheap. */
static srtp_t keepalive;

/* libsrtp2 sets NSS up with NSS_INIT_OPTIMIZESPACE, whose softoken keeps its
 * sessions (several per SRTP context) in a 32-bucket hash: every protect and
 * unprotect walks a chain that grows with the number of contexts, so with a
 * thousand SRTP calls up the crypto ran 5 times slower, with four thousand 36
 * times (tests/bench/srtpceil -n). Set up first, without that flag, NSS keeps
 * its large tables, and libsrtp2's own set-up only takes a reference. */
static NSSInitContext *nss;

static bool crypto_chosen, crypto_ossl, srtp_ready;

const char *tsrtp_crypto_name(void)
{
	return crypto_ossl ? "openssl" : "libsrtp2";
}

int tsrtp_init(void)
{
	return tsrtp_init_crypto(TSRTP_CRYPTO_OPENSSL);
}

int tsrtp_init_crypto(enum tsrtp_crypto c)
{
	uint8_t key[30] = { 0 };
	srtp_policy_t p;

	if (nss == NULL) {
		nss = NSS_InitContext("", "", "", "", NULL,
				      NSS_INIT_READONLY | NSS_INIT_NOCERTDB | NSS_INIT_NOMODDB |
				      NSS_INIT_FORCEOPEN | NSS_INIT_NOROOTINIT);
		if (nss == NULL)
			return -EIO;
	}
	/* once per process: libsrtp2's crypto kernel outlives tsrtp_fini(), and a
	 * second srtp_init() of the running kernel fails (its self-tests) */
	if (!srtp_ready) {
		if (srtp_init() != srtp_err_status_ok)
			return -EIO;
		srtp_ready = true;
	}
	if (!crypto_chosen) {
		/* before the first context: libsrtp2 binds a context's cipher
		 * and auth types when it makes it */
		crypto_ossl = c == TSRTP_CRYPTO_OPENSSL && tsrtp_ossl_install() == 0;
		crypto_chosen = true;
	}
	if (keepalive)
		return 0;
	memset(&p, 0, sizeof(p));
	srtp_crypto_policy_set_rtp_default(&p.rtp);
	srtp_crypto_policy_set_rtcp_default(&p.rtcp);
	p.key = key;
	p.ssrc.type = ssrc_any_inbound;
	p.window_size = 128;
	return srtp_create(&keepalive, &p) == srtp_err_status_ok ? 0 : -EIO;
}

void tsrtp_fini(void)
{
	/* the last context takes NSS down with it: nothing left at exit */
	if (keepalive) {
		srtp_dealloc(keepalive);
		keepalive = NULL;
	}
	if (nss) {
		NSS_ShutdownContext(nss);
		nss = NULL;
	}
}

const char *tsrtp_suite_name(enum tsrtp_suite s)
{
	return s > TSRTP_NONE && s < _TSRTP_SUITE_MAX ? suites[s].name : "none";
}

enum tsrtp_suite tsrtp_suite_from_name(const char *name)
{
	for (int s = TSRTP_NONE + 1; s < _TSRTP_SUITE_MAX; s++)
		if (strcasecmp(name, suites[s].name) == 0)
			return (enum tsrtp_suite)s;
	return TSRTP_NONE;
}

size_t tsrtp_key_len(enum tsrtp_suite s)
{
	return s > TSRTP_NONE && s < _TSRTP_SUITE_MAX ? suites[s].key_len : 0;
}

int tsrtp_key_random(enum tsrtp_suite s, struct tsrtp_key *ret)
{
	size_t n = tsrtp_key_len(s), got = 0;

	if (n == 0)
		return -EINVAL;
	while (got < n) {
		ssize_t r = getrandom(ret->key + got, n - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += (size_t)r;
	}
	ret->suite = s;
	ret->len = (uint8_t)n;
	return 0;
}

void tsrtp_key_wipe(struct tsrtp_key *k)
{
	explicit_bzero(k, sizeof(*k));
}

bool tsrtp_key_equal(const struct tsrtp_key *a, const struct tsrtp_key *b)
{
	return a->suite == b->suite && a->len == b->len && memcmp(a->key, b->key, a->len) == 0;
}

int tsrtp_new(const struct tsrtp_key *k, bool inbound, struct tsrtp **ret)
{
	srtp_policy_t p;
	struct tsrtp *s;
	uint8_t key[TSRTP_KEY_MAX];
	srtp_err_status_t st;

	if (k->suite <= TSRTP_NONE || k->suite >= _TSRTP_SUITE_MAX || k->len != suites[k->suite].key_len)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	memset(&p, 0, sizeof(p));
	suites[k->suite].rtp(&p.rtp);
	suites[k->suite].rtcp(&p.rtcp);
	memcpy(key, k->key, k->len);
	p.key = key;
	p.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
	p.window_size = 1024;
	p.allow_repeat_tx = 1;	/* a relay forwards what a leg retransmits */
	st = srtp_create(&s->ctx, &p);
	explicit_bzero(key, sizeof(key));
	if (st != srtp_err_status_ok) {
		free(s);
		return st == srtp_err_status_alloc_fail ? -ENOMEM : -EINVAL;
	}
	*ret = s;
	return 0;
}

struct tsrtp *tsrtp_free(struct tsrtp *s)
{
	if (s) {
		srtp_dealloc(s->ctx);
		free(s);
	}
	return NULL;
}

int tsrtp_protect(struct tsrtp *s, uint8_t *pkt, size_t *len, bool rtcp)
{
	int n = (int)*len;
	srtp_err_status_t st = rtcp ? srtp_protect_rtcp(s->ctx, pkt, &n) :
				      srtp_protect(s->ctx, pkt, &n);

	if (st != srtp_err_status_ok)
		return -EPROTO;
	*len = (size_t)n;
	return 0;
}

int tsrtp_unprotect(struct tsrtp *s, uint8_t *pkt, size_t *len, bool rtcp)
{
	int n = (int)*len;
	srtp_err_status_t st = rtcp ? srtp_unprotect_rtcp(s->ctx, pkt, &n) :
				      srtp_unprotect(s->ctx, pkt, &n);

	switch (st) {
	case srtp_err_status_ok:
		*len = (size_t)n;
		return 0;
	case srtp_err_status_auth_fail:
		return -EBADMSG;
	case srtp_err_status_replay_fail:
	case srtp_err_status_replay_old:
		return -EALREADY;
	default:
		return -EPROTO;
	}
}
