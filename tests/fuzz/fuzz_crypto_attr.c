/* tests/fuzz/fuzz_crypto_attr.c: SDES a=crypto attributes (RFC 4568). Each
 * line of the input becomes an "a=crypto:" line of an SRTP media section
 * parsed by tsdp_parse(); every crypto it keeps must have NUL-terminated
 * fields within bounds. Then each goes the way lib/call/media.c takes it:
 * suite by name, the key base64-decoded (sofia's base64_d) into 96 octets,
 * and when its length is the suite's, an SRTP context made from it. */
#include <errno.h>
#include <sofia-sip/base64.h>

#define FUZZ_WITH_TSRTP
#include "fuzz.h"
#include "media/tsrtp.h"
#include "sdp/tsdp.h"

static const char head[] = "v=0\r\no=- 1 1 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\n"
			   "t=0 0\r\nm=audio 4000 RTP/SAVP 0 8\r\n";

static void check_media(const struct tsdp_media *m)
{
	FUZZ_ASSERT(m->n_crypto <= TSDP_MAX_CRYPTO);
	for (unsigned i = 0; i < m->n_crypto; i++) {
		const struct tsdp_crypto *c = &m->crypto[i];
		char key[96];
		enum tsrtp_suite su;
		isize_t n;

		FUZZ_ASSERT(memchr(c->suite, '\0', sizeof(c->suite)));
		FUZZ_ASSERT(memchr(c->key, '\0', sizeof(c->key)));
		FUZZ_ASSERT(c->key[0] != '\0');
		su = tsrtp_suite_from_name(c->suite);
		(void)tsrtp_suite_name(su);
		n = base64_d(key, sizeof(key), c->key);
		if (su != TSRTP_NONE && n >= 0 && (size_t)n == tsrtp_key_len(su)) {
			struct tsrtp_key k = { .suite = su, .len = (uint8_t)n };
			struct tsrtp *ctx = NULL;
			memcpy(k.key, key, (size_t)n);
			FUZZ_ASSERT(tsrtp_new(&k, true, &ctx) == 0);
			tsrtp_free(ctx);
			tsrtp_key_wipe(&k);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap = sizeof(head) + 11 * (size + 1), o = 0;	/* an empty line grows by 11 */
	char *body = malloc(cap);
	const uint8_t *p = data, *end = data + size;
	struct tsdp s;

	fuzz_tsrtp_init();
	if (body == NULL)
		abort();
	memcpy(body, head, sizeof(head) - 1);
	o = sizeof(head) - 1;
	while (p < end) {	/* each input line after "a=crypto:" */
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		memcpy(body + o, "a=crypto:", 9);
		o += 9;
		memcpy(body + o, p, n);
		o += n;
		body[o++] = '\r';
		body[o++] = '\n';
		p += n + (nl ? 1 : 0);
	}
	/* a CR in the input starts a line of its own, even an m= line */
	if (tsdp_parse(body, o, &s) == 0) {
		FUZZ_ASSERT(s.n_media >= 1 && s.n_media <= TSDP_MAX_MEDIA && s.m[0].savp);
		for (unsigned j = 0; j < s.n_media; j++)
			check_media(&s.m[j]);
	}
	free(body);
	return 0;
}
