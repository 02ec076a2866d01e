/* lib/sec/digest: HTTP/SIP Digest authentication (RFC 3261, RFC 7616,
 * RFC 8760), the pure parts: the hashes (OpenSSL EVP, MD5 and SHA-256),
 * reading a Digest Authorization header, and the server's nonces (issued
 * with an HMAC, expiring, and each nonce-count accepted once). No sofia and
 * no I/O here: lib/sip/tsip_auth.c does the SIP side. Sofia thread only (the
 * nonce table has no lock). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum digest_alg {
	DIGEST_MD5,
	DIGEST_SHA256,
	_DIGEST_ALG_MAX,
};

/* Room for the longest hash in hex (SHA-256: 64) and its NUL. */
#define DIGEST_HEX_MAX 65

const char *digest_alg_name(enum digest_alg a);		/* "MD5", "SHA-256" */
/* "MD5" or "SHA-256", any case; -EINVAL for anything else (also the -sess
 * variants, which tandemd does not offer). */
int digest_alg_from_name(const char *name);
size_t digest_hex_len(enum digest_alg a);		/* 32 or 64 */
/* true when s is exactly the hex of a hash of that algorithm */
bool digest_is_hex(enum digest_alg a, const char *s);

/* H(user:realm:password) in lower-case hex. 0 or -EIO. */
int digest_ha1(enum digest_alg a, const char *user, const char *realm, const char *password,
	       char out[DIGEST_HEX_MAX]);
/* The request-digest for qop=auth (RFC 7616 3.4.1):
 * H(ha1:nonce:nc:cnonce:qop:H(method:uri)). ha1 in hex. 0 or -EIO. */
int digest_response(enum digest_alg a, const char *ha1, const char *nonce, const char *nc,
		    const char *cnonce, const char *qop, const char *method, const char *uri,
		    char out[DIGEST_HEX_MAX]);

/* An Authorization (or Proxy-Authorization) header value, read. */
struct digest_cred {
	char username[128];
	char realm[128];
	char nonce[128];
	char uri[512];
	char response[DIGEST_HEX_MAX];
	char cnonce[128];
	char qop[16];
	char nc[16];
	char opaque[128];
	enum digest_alg alg;		/* MD5 when the header names none */
	uint32_t nc_value;
};

/* Parse "Digest username=..., realm=..., ...". Returns 0, -ENOTSUP for
 * another scheme or an unknown algorithm, -EINVAL for bad syntax, a
 * parameter too long or a missing username, realm, nonce, uri or response,
 * or an nc that is not 8 hex digits. */
int digest_parse(const char *value, struct digest_cred *ret);

/* ---- nonces ---- */

struct digest_nonces;

/* A table that remembers up to `slots` nonces in use (0: 4096). */
int digest_nonces_new(size_t slots, struct digest_nonces **ret);
struct digest_nonces *digest_nonces_free(struct digest_nonces *n);	/* NULL-safe */

/* The most bytes a nonce can be bound to (an address: 16). */
#define DIGEST_BIND_MAX 32

/* A fresh nonce for a challenge at time now (seconds, any monotonic clock):
 * 64 hex digits (issue time, random bytes, HMAC-SHA256 under a key made at
 * digest_nonces_new() over those and the bind bytes, e.g. the address the
 * challenge goes to, which are not in the nonce: only a request that gives
 * the same bytes to digest_verify() can use it). bind may be NULL with
 * bind_len 0. Returns 0, -EINVAL (bind_len over DIGEST_BIND_MAX), -ENOSPC
 * (len under 65) or -EIO. */
int digest_nonce_make(struct digest_nonces *n, uint64_t now, const void *bind, size_t bind_len,
		      char *out, size_t len);

enum digest_result {
	DIGEST_OK,		/* right credentials, fresh nonce, new nonce-count */
	DIGEST_STALE,		/* right credentials, but the nonce expired: stale=true */
	DIGEST_BAD_NONCE,	/* not a nonce of ours (or of before a restart, or made for
				 * other bind bytes), or expired with a wrong response:
				 * challenge again, not a failure */
	DIGEST_WRONG,		/* wrong response: wrong password, or altered request */
	DIGEST_REPLAY,		/* right response with a nonce-count already used */
	DIGEST_NO_QOP,		/* the client did not use qop=auth, which we ask for */
};

const char *digest_result_name(enum digest_result r);	/* "ok", "stale-nonce", ... */

/* Check credentials against the HA1 of the user (hex, of cred->alg) for a
 * request of this method, from a source that gives these bind bytes (as
 * to digest_nonce_make()). The nonce is checked first, whoever the user:
 * DIGEST_BAD_NONCE or DIGEST_NO_QOP say nothing about the user or the
 * password. ha1 NULL is an unknown user: a response is computed all the
 * same (with a dummy HA1, so that it takes as long) and the answer is
 * whatever a wrong password would get. The response is compared in
 * constant time. On DIGEST_OK the nonce-count is recorded so that it is
 * never accepted again. */
enum digest_result digest_verify(struct digest_nonces *n, const struct digest_cred *cred,
				 const char *ha1, const char *method, const void *bind,
				 size_t bind_len, uint64_t now, unsigned lifetime);
