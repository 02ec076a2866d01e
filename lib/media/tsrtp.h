/* lib/media/tsrtp: SRTP and SRTCP with libsrtp2, as the relay needs it: one
 * context per direction of a leg, packets protected and unprotected in
 * place, no allocation per packet. Keys are plain values (struct tsrtp_key)
 * so they can travel in relay commands; whoever holds one wipes it
 * (tsrtp_key_wipe) when done. A context belongs to one thread. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tsrtp_suite {
	TSRTP_NONE,
	TSRTP_AES_CM_128_HMAC_SHA1_80,
	TSRTP_AES_CM_128_HMAC_SHA1_32,
	TSRTP_AES_192_CM_HMAC_SHA1_80,
	TSRTP_AES_192_CM_HMAC_SHA1_32,
	TSRTP_AES_256_CM_HMAC_SHA1_80,
	TSRTP_AES_256_CM_HMAC_SHA1_32,
	TSRTP_AEAD_AES_128_GCM,
	TSRTP_AEAD_AES_256_GCM,
	_TSRTP_SUITE_MAX,
};

#define TSRTP_KEY_MAX 46	/* master key + salt, the longest suite */
#define TSRTP_TRAILER_MAX 32	/* what protect may add (tag, SRTCP index) */

struct tsrtp_key {
	enum tsrtp_suite suite;
	uint8_t len;
	uint8_t key[TSRTP_KEY_MAX];
};

struct tsrtp;

/* Where the AES-CTR and HMAC-SHA1 of the AES_CM suites come from: OpenSSL,
 * plugged into libsrtp2 (tsrtp_ossl.c; the default), or libsrtp2's own build
 * (Debian's: NSS, several times slower). libsrtp2 does SRTP either way. */
enum tsrtp_crypto {
	TSRTP_CRYPTO_OPENSSL,
	TSRTP_CRYPTO_LIBSRTP,
};

/* Once per process, before any context. 0 or -EIO. It keeps one context
 * alive (NSS stays up: see tsrtp.c) until tsrtp_fini(), after the last.
 * tsrtp_init() is tsrtp_init_crypto(TSRTP_CRYPTO_OPENSSL); when OpenSSL
 * cannot be plugged in, libsrtp2's own is used (tsrtp_crypto_name() says). The
 * first call chooses for the life of the process. */
int tsrtp_init(void);
int tsrtp_init_crypto(enum tsrtp_crypto c);
void tsrtp_fini(void);
const char *tsrtp_crypto_name(void);	/* "openssl" or "libsrtp2" */

const char *tsrtp_suite_name(enum tsrtp_suite s);	/* the SDP name */
enum tsrtp_suite tsrtp_suite_from_name(const char *name);	/* TSRTP_NONE if unknown */
size_t tsrtp_key_len(enum tsrtp_suite s);		/* master key + salt octets */

/* A fresh random key for the suite (getrandom). */
int tsrtp_key_random(enum tsrtp_suite s, struct tsrtp_key *ret);
void tsrtp_key_wipe(struct tsrtp_key *k);
bool tsrtp_key_equal(const struct tsrtp_key *a, const struct tsrtp_key *b);

/* inbound: for unprotecting what a leg sends; outbound: for protecting what
 * we send to it. */
int tsrtp_new(const struct tsrtp_key *k, bool inbound, struct tsrtp **ret);
struct tsrtp *tsrtp_free(struct tsrtp *s);	/* NULL-safe */

/* In place. pkt must have TSRTP_TRAILER_MAX octets of room after *len.
 * unprotect: -EBADMSG authentication failed, -EALREADY replayed,
 * -EPROTO anything else. */
int tsrtp_protect(struct tsrtp *s, uint8_t *pkt, size_t *len, bool rtcp);
int tsrtp_unprotect(struct tsrtp *s, uint8_t *pkt, size_t *len, bool rtcp);
