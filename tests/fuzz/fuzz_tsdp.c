/* tests/fuzz/fuzz_tsdp.c: tsdp_parse() on any body, then tsdp_rewrite() of the
 * same body with a fixed rewrite spec (relay address and ports, rtcp-mux on
 * every other m= line, SDES lines on the SAVP ones) into an output buffer of
 * a size taken from the input. The output must be NUL-terminated within its
 * buffer, and a successful rewrite's length must end at that NUL (NUL octets
 * inside a body's lines are copied: the length counts them). The body is
 * given as (ptr, len) without a NUL: reading past it is a bug. The codec
 * policy filter (tsdp_codec_filter) runs on every body too, with the same
 * output rules, -ENOENT allowed and its list of what was offered a string. */
#include <errno.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "sdp/tsdp.h"

static const char crypto_lines[] =
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:xjMuhujyJeQrjvoANKoyMe6QQ8UnDBbpEiAWie73\r\n";

static void spec(struct tsdp_rewrite *rw, const struct tsdp *s, unsigned n, bool v6)
{
	memset(rw, 0, sizeof(*rw));
	rw->addr = v6 ? "2001:db8::1" : "192.0.2.1";
	rw->family = v6 ? AF_INET6 : AF_INET;
	rw->n_media = n;
	for (unsigned i = 0; i < n; i++) {
		struct tsdp_media_rw *m = &rw->m[i];
		m->port = (uint16_t)(40000 + 2 * i);
		m->rtcp_port = (uint16_t)(i % 3 == 2 ? 50001 : 40001 + 2 * i);
		m->mux = i % 2 == 1;
		if (s && s->m[i].savp) {
			m->crypto_set = true;
			m->crypto = crypto_lines;
			m->proto = "RTP/AVP";
		} else if (i % 4 == 3) {
			m->crypto_set = true;
			m->crypto = crypto_lines;
			m->proto = "RTP/SAVP";
		}
		if (s && s->m[i].port == 0)
			m->port = 0;
	}
}

static void check_out(const char *out, size_t outlen, int r)
{
	FUZZ_ASSERT(memchr(out, '\0', outlen) != NULL);
	if (r >= 0) {
		/* the length counts NUL octets copied from the body's lines */
		FUZZ_ASSERT((size_t)r < outlen && out[r] == '\0');
		FUZZ_ASSERT(strlen(out) <= (size_t)r);
	} else {
		FUZZ_ASSERT(r == -ENOSPC || r == -EINVAL || r == -ENOENT);
	}
}

static void codec_filter(const char *body, size_t size, char *out, size_t outlen, unsigned sel)
{
	static const char *const allow[] = { "PCMA", "pcmu" }, *const deny[] = { "G729" },
				  *const order[] = { "PCMU", "telephone-event" };
	struct tsdp_codec_policy p = {
		.allow = allow, .n_allow = sel & 0x2000 ? 2 : 0, .deny = deny, .n_deny = 1,
		.order = order, .n_order = 2, .ptime = sel & 0x4000 ? 20 : 0,
	};
	char left[48];
	int r = tsdp_codec_filter(body, size, &p, out, outlen, left, sizeof(left));

	check_out(out, outlen, r);
	if (r == -ENOENT)
		FUZZ_ASSERT(memchr(left, '\0', sizeof(left)) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tsdp s;
	struct tsdp_rewrite rw;
	unsigned sel = fuzz_take(&data, &size, 2);
	size_t outlen = 1 + (sel & 0x1fff);	/* 1 .. 8192 */
	bool v6 = sel & 0x8000;
	char *body = fuzz_memdup(data, size), *out = malloc(outlen);
	int r;

	if (out == NULL)
		abort();
	r = tsdp_parse(body, size, &s);
	if (r == 0) {
		FUZZ_ASSERT(s.n_media >= 1 && s.n_media <= TSDP_MAX_MEDIA);
		for (unsigned i = 0; i < s.n_media; i++) {
			const struct tsdp_media *m = &s.m[i];
			FUZZ_ASSERT(memchr(m->addr, '\0', sizeof(m->addr)));
			FUZZ_ASSERT(memchr(m->rtcp_addr, '\0', sizeof(m->rtcp_addr)));
			FUZZ_ASSERT(memchr(m->type, '\0', sizeof(m->type)));
			FUZZ_ASSERT(memchr(m->proto, '\0', sizeof(m->proto)));
			FUZZ_ASSERT(memchr(m->codec, '\0', sizeof(m->codec)));
			FUZZ_ASSERT(m->n_crypto <= TSDP_MAX_CRYPTO);
			FUZZ_ASSERT(m->clock_rate > 0);
			FUZZ_ASSERT(m->first_pt >= -1 && m->first_pt <= 127);
			(void)tsdp_dir_name(m->dir);
		}
		spec(&rw, &s, s.n_media, v6);
		check_out(out, outlen, tsdp_rewrite(body, size, &rw, out, outlen));
	} else {
		FUZZ_ASSERT(r == -EINVAL);
	}
	/* and the rewriter on bodies the parser refused, with each count */
	spec(&rw, NULL, (sel >> 13) & 3 ? ((sel >> 13) & 3) * 2 : 1, v6);
	check_out(out, outlen, tsdp_rewrite(body, size, &rw, out, outlen));
	codec_filter(body, size, out, outlen, sel);
	free(out);
	free(body);
	return 0;
}
