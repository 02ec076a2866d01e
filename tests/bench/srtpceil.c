/* tests/bench/srtpceil.c: the crypto ceiling of bench-relay's SRTP runs.
 *
 * libsrtp2's own rate on one core, through lib/media/tsrtp (the calls tandemd's
 * relay makes: in place, one context per direction made once): the same
 * 172-byte RTP packets rtpload sends (12-byte header + 160-byte payload), each
 * protected with one context and unprotected with another, as fast as it goes,
 * for SECONDS. Batches of 64 packets: 64 protects, then their 64 unprotects,
 * each batch timed, so that the protect and unprotect shares are known as well.
 *
 * Output, one line of key=value pairs:
 *   suite=... pkt=172 seconds=... pairs=N pair_pps=... protect_pps=... unprotect_pps=...
 * pair_pps is protect+unprotect pairs per second over the whole wall time (the
 * loop and packet building included); protect_pps / unprotect_pps count only
 * the time inside each kind of call. Every unprotect must succeed and give back
 * the packet that was protected, or the program fails (exit 1).
 *
 * -n N: N pairs of contexts (each its own key and SSRC), the packets going
 * round them in turn, as a relay's calls do (default 1). libsrtp2 on NSS slows
 * down as contexts multiply: with N as the DUT's stream count, the ceiling is
 * what libsrtp2 alone does for that many streams.
 *
 * -B: whose AES-CTR and HMAC-SHA1 libsrtp2 uses: openssl (what tandemd
 * plugs in, the default) or libsrtp2 (its own build; Debian's is on NSS).
 * The crypto= field of the output says which was in use.
 *
 * Usage: srtpceil [-t SECONDS] [-S SUITE] [-n CONTEXTS] [-B openssl|libsrtp2]
 *        (default 3 s, AES_CM_128_HMAC_SHA1_80, 1, openssl)
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "media/tsrtp.h"

#define PKT 172
#define BATCH 64

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void build(uint8_t *p, uint32_t seq, uint32_t ssrc)
{
	p[0] = 0x80;
	p[1] = 0;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	p[4] = (uint8_t)(seq * 160 >> 24);
	p[5] = (uint8_t)(seq * 160 >> 16);
	p[6] = (uint8_t)(seq * 160 >> 8);
	p[7] = (uint8_t)(seq * 160);
	p[8] = (uint8_t)(ssrc >> 24);
	p[9] = (uint8_t)(ssrc >> 16);
	p[10] = (uint8_t)(ssrc >> 8);
	p[11] = (uint8_t)ssrc;
	memcpy(p + 12, &seq, 4);
	memset(p + 16, 0xd5, PKT - 16);
}

int main(int argc, char **argv)
{
	static uint8_t buf[BATCH][PKT + TSRTP_TRAILER_MAX];
	const char *suite_name = "AES_CM_128_HMAC_SHA1_80";
	double secs = 3, t_prot = 0, t_unprot = 0, t0, t_end;
	struct tsrtp **tx, **rx;
	struct tsrtp_key k;
	int nctx = 1, ci = 0;
	size_t len[BATCH];
	uint64_t pairs = 0;
	uint32_t seq = 1;
	enum tsrtp_crypto crypto = TSRTP_CRYPTO_OPENSSL;
	int opt;

	while ((opt = getopt(argc, argv, "t:S:n:B:")) != -1) {
		switch (opt) {
		case 't': secs = atof(optarg); break;
		case 'n': nctx = atoi(optarg); break;
		case 'S': suite_name = optarg; break;
		case 'B':
			if (strcmp(optarg, "libsrtp2") == 0) {
				crypto = TSRTP_CRYPTO_LIBSRTP;
				break;
			}
			if (strcmp(optarg, "openssl") == 0)
				break;
			/* fall through */
		default:
			fprintf(stderr, "usage: srtpceil [-t SECONDS] [-S SUITE] [-n CONTEXTS] "
				"[-B openssl|libsrtp2]\n");
			return 2;
		}
	}
	if (secs <= 0 || secs > 60) {
		fprintf(stderr, "srtpceil: -t must be in (0, 60] seconds\n");
		return 2;
	}
	if (nctx < 1 || nctx > 100000) {
		fprintf(stderr, "srtpceil: -n must be 1..100000\n");
		return 2;
	}
	tx = calloc((size_t)nctx, sizeof(*tx));
	rx = calloc((size_t)nctx, sizeof(*rx));
	if (tx == NULL || rx == NULL || tsrtp_init_crypto(crypto) < 0)
		return 1;
	for (int i = 0; i < nctx; i++)
		if (tsrtp_key_random(tsrtp_suite_from_name(suite_name), &k) < 0 ||
		    tsrtp_new(&k, false, &tx[i]) < 0 || tsrtp_new(&k, true, &rx[i]) < 0) {
			fprintf(stderr, "srtpceil: cannot set up %s\n", suite_name);
			return 1;
		}
	tsrtp_key_wipe(&k);
	t0 = now();
	t_end = t0 + secs;
	for (;;) {
		double a = now(), b, c;

		if (a >= t_end)
			break;
		/* 64 packets of one context pair in 64 sequence numbers: the sequence
		 * wraps, libsrtp's rollover counter follows on both sides, as in a long
		 * call; the next batch goes to the next pair */
		for (int i = 0; i < BATCH; i++) {
			build(buf[i], seq + (uint32_t)i, 0x10000000u + (uint32_t)ci);
			len[i] = PKT;
			if (tsrtp_protect(tx[ci], buf[i], &len[i], false) < 0) {
				fprintf(stderr, "srtpceil: protect failed\n");
				return 1;
			}
		}
		b = now();
		for (int i = 0; i < BATCH; i++) {
			uint32_t got;
			if (tsrtp_unprotect(rx[ci], buf[i], &len[i], false) < 0 || len[i] != PKT ||
			    (memcpy(&got, buf[i] + 12, 4), got != seq + (uint32_t)i) || buf[i][PKT - 1] != 0xd5) {
				fprintf(stderr, "srtpceil: unprotect failed or gave back other bytes\n");
				return 1;
			}
		}
		c = now();
		t_prot += b - a;
		t_unprot += c - b;
		if (++ci == nctx) {
			ci = 0;
			seq += BATCH;
		}
		pairs += BATCH;
	}
	t_end = now() - t0;
	printf("suite=%s crypto=%s pkt=%d contexts=%d seconds=%.2f pairs=%lu pair_pps=%.0f protect_pps=%.0f unprotect_pps=%.0f\n",
	       suite_name, tsrtp_crypto_name(), PKT, nctx, t_end, (unsigned long)pairs, (double)pairs / t_end,
	       t_prot > 0 ? (double)pairs / t_prot : 0, t_unprot > 0 ? (double)pairs / t_unprot : 0);
	for (int i = 0; i < nctx; i++) {
		tsrtp_free(tx[i]);
		tsrtp_free(rx[i]);
	}
	free(tx);
	free(rx);
	tsrtp_fini();
	return 0;
}
