/* tests/fuzz/fuzz_srtp.c: tsrtp_unprotect() with fixed keys on arbitrary
 * packets, RTP and RTCP, for every suite: it must never crash, never grow a
 * packet, and answer 0, -EBADMSG, -EALREADY or -EPROTO. With a selector bit
 * the input is first protected with the matching outbound context, so the
 * round trip must give back the same bytes. Fresh contexts per input keep a
 * crash reproducible from its input alone. */
#include <errno.h>

#define FUZZ_WITH_TSRTP
#include "fuzz.h"
#include "media/tsrtp.h"

#define PKT_MAX 2048

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[PKT_MAX + TSRTP_TRAILER_MAX], orig[PKT_MAX];
	unsigned sel = fuzz_take(&data, &size, 1);
	enum tsrtp_suite su = (enum tsrtp_suite)(1 + (sel & 7) % (_TSRTP_SUITE_MAX - 1));
	bool rtcp = sel & 8, round = sel & 16;
	struct tsrtp_key k = { .suite = su, .len = (uint8_t)tsrtp_key_len(su) };
	struct tsrtp *rx = NULL, *tx = NULL;
	size_t len;
	int r;

	fuzz_tsrtp_init();
	for (unsigned i = 0; i < k.len; i++)
		k.key[i] = (uint8_t)(i * 7 + 1);
	FUZZ_ASSERT(tsrtp_new(&k, true, &rx) == 0);
	if (size > PKT_MAX)
		size = PKT_MAX;
	memcpy(buf, data, size);
	len = size;
	if (round && len >= (rtcp ? 8 : 12)) {
		/* a well-formed header, so that protect accepts it */
		buf[0] = (uint8_t)((buf[0] & 0x3f) | 0x80);
		if (!rtcp)
			buf[0] &= 0xe0;	/* no padding, extension or CSRC */
		else
			buf[1] = 200;
		memcpy(orig, buf, len);
		FUZZ_ASSERT(tsrtp_new(&k, false, &tx) == 0);
		r = tsrtp_protect(tx, buf, &len, rtcp);
		if (r == 0) {
			size_t plain = size;
			FUZZ_ASSERT(len <= size + TSRTP_TRAILER_MAX);
			r = tsrtp_unprotect(rx, buf, &len, rtcp);
			FUZZ_ASSERT(r == 0);
			FUZZ_ASSERT(len == plain && memcmp(buf, orig, plain) == 0);
			/* the same packet again is a replay */
			r = tsrtp_protect(tx, buf, &len, rtcp);
			FUZZ_ASSERT(r == 0);
			r = tsrtp_unprotect(rx, buf, &len, rtcp);
			FUZZ_ASSERT(r == -EALREADY || r == 0);
		}
	} else {
		r = tsrtp_unprotect(rx, buf, &len, rtcp);
		FUZZ_ASSERT(r == 0 || r == -EBADMSG || r == -EALREADY || r == -EPROTO);
		FUZZ_ASSERT(len <= size);
	}
	tsrtp_free(tx);
	tsrtp_free(rx);
	tsrtp_key_wipe(&k);
	return 0;
}
