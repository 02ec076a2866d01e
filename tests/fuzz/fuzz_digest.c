/* tests/fuzz/fuzz_digest.c: the Digest Authorization parser and the nonce
 * check (lib/sec/digest.c) on what a caller may send. The input is the
 * header value; when it parses, every field must be NUL-terminated within
 * its buffer, and digest_verify() of it against a fixed HA1 must return one
 * of its results (a nonce the fuzzer makes up is never ours). */
#include "fuzz.h"
#include "sec/digest.h"

static struct digest_nonces *nonces;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strdup(data, size);
	struct digest_cred c;
	enum digest_result r;

	if (nonces == NULL && digest_nonces_new(64, &nonces) < 0)
		abort();
	if (digest_parse(s, &c) == 0) {
		FUZZ_ASSERT(memchr(c.username, 0, sizeof(c.username)) != NULL);
		FUZZ_ASSERT(memchr(c.uri, 0, sizeof(c.uri)) != NULL);
		FUZZ_ASSERT(memchr(c.response, 0, sizeof(c.response)) != NULL);
		FUZZ_ASSERT(memchr(c.nc, 0, sizeof(c.nc)) != NULL);
		FUZZ_ASSERT(c.alg < _DIGEST_ALG_MAX);
		r = digest_verify(nonces, &c, "0123456789abcdef0123456789abcdef0123456789abcdef"
				  "0123456789abcdef", "INVITE", "127.0.0.1", 9, 100, 300);
		FUZZ_ASSERT(r == DIGEST_BAD_NONCE);
	}
	free(s);
	return 0;
}
