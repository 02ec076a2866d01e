/* tests/fuzz/fuzz_rtp.c: the relay's per-packet path, handle() of
 * lib/media/relay_worker.c (included here, the chrony way, so nothing is
 * exported for the harness): header checks, rtcp-mux demultiplexing, SRTP
 * unprotect/protect, latching (first source or strict), RTP statistics
 * (rtpstat_update with fuzzed arrival times), queueing for the other side,
 * and flush_out() grouping (to fd -1: sendmmsg fails with EBADF).
 *
 * Input: 4 bytes of stream setup (mux per side, SRTP per direction, latch
 * mode, configured destinations, clock rates), 8 bytes of start time in
 * microseconds, then packets: [meta][len hi][len lo][len bytes], meta =
 * side | kind | source variant | "protect first with the leg's key" |
 * time step. Every handled packet must land in exactly one counter of its
 * side; nothing queued may be longer than the buffer. */
#include "media/relay_worker.c"

#define FUZZ_WITH_TSRTP
#include "fuzz.h"

static struct relay relay;
static struct worker worker;
static struct stream slot;
static struct wstate wst;

static void key_of(int side, struct tsrtp_key *k)
{
	k->suite = side ? TSRTP_AEAD_AES_128_GCM : TSRTP_AES_CM_128_HMAC_SHA1_80;
	k->len = (uint8_t)tsrtp_key_len(k->suite);
	for (unsigned i = 0; i < k->len; i++)
		k->key[i] = (uint8_t)(i * 13 + side + 1);
}

static void addr_of(struct sockaddr_storage *ss, unsigned variant)
{
	memset(ss, 0, sizeof(*ss));
	if (variant & 4) {
		struct sockaddr_in6 *s6 = (void *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_addr.s6_addr[15] = (uint8_t)(1 + (variant & 1));
		s6->sin6_port = htons((uint16_t)(30000 + (variant & 2)));
	} else {
		struct sockaddr_in *s4 = (void *)ss;
		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(0x7f000002u + (variant & 1));
		s4->sin_port = htons((uint16_t)(30000 + (variant & 2)));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned setup = fuzz_take(&data, &size, 4);
	uint64_t t_us = (uint64_t)fuzz_take(&data, &size, 4) << 32;
	struct tsrtp *ptx[2] = { NULL, NULL };
	uint64_t handled[2] = { 0, 0 };

	t_us |= fuzz_take(&data, &size, 4);
	fuzz_tsrtp_init();
	memset(&slot, 0, sizeof(slot));
	relay.o.latch = (setup & 1) ? RELAY_LATCH_STRICT : RELAY_LATCH_FIRST;
	worker.relay = &relay;
	worker.slots = &slot;
	worker.n_slots = 1;
	wst.w = &worker;
	wst.n_out = 0;
	slot.used = true;
	for (int side = 0; side < 2; side++) {
		struct stream_side *sd = &slot.side[side];
		unsigned b = setup >> (1 + side * 8);
		struct tsrtp_key k;

		sd->fd[0] = sd->fd[1] = -1;
		sd->mux = b & 1;
		sd->configured = b & 2;
		sd->clock_rate = (b & 4) ? 1000000 : (b & 8) ? 90000 : 8000;
		if (b & 16) {	/* where the SDP said */
			addr_of(&sd->sdp_addr, b >> 5);
			sd->dst[0] = sd->dst[1] = sd->sdp_addr;
			sd->have_dst[0] = sd->have_dst[1] = true;
		}
		key_of(side, &k);
		if (b & 32) {	/* this leg sends SRTP */
			FUZZ_ASSERT(tsrtp_new(&k, true, &sd->rx) == 0);
			FUZZ_ASSERT(tsrtp_new(&k, false, &ptx[side]) == 0);
		}
		if (b & 64)	/* we send it SRTP */
			FUZZ_ASSERT(tsrtp_new(&k, false, &sd->tx) == 0);
	}
	while (size >= 3 && wst.n_out < BATCH) {
		unsigned meta = fuzz_take(&data, &size, 1);
		size_t len = fuzz_take(&data, &size, 2) % (PKT_MAX + 1);
		struct pkt *p = &wst.pkts[handled[0] + handled[1]];
		struct stream_side *in;

		if (len > size)
			len = size;
		p->slot = 0;
		p->side = meta & 1;
		p->kind = (meta >> 1) & 1;
		addr_of(&p->src, meta >> 2);
		memcpy(p->buf, data, len);
		data += len;
		size -= len;
		p->len = (uint16_t)len;
		in = &slot.side[p->side];
		if ((meta & 0x10) && ptx[p->side] && len >= 12) {
			size_t n = len;
			bool rtcp = p->kind == RELAY_RTCP || (in->mux && looks_rtcp(p->buf));
			if (tsrtp_protect(ptx[p->side], p->buf, &n, rtcp) == 0 && n <= PKT_MAX)
				p->len = (uint16_t)n;
		}
		t_us += (uint64_t)(meta >> 5) * 20000;
		handle(&wst, p, t_us);
		handled[p->side]++;
		if (handled[0] + handled[1] == BATCH)
			break;
	}
	for (unsigned i = 0; i < wst.n_out; i++) {
		FUZZ_ASSERT(wst.out[i].p->len <= PKT_MAX + TSRTP_TRAILER_MAX);
		FUZZ_ASSERT(wst.out[i].dst_len <= sizeof(struct sockaddr_storage));
	}
	flush_out(&wst);
	for (int side = 0; side < 2; side++) {
		const struct side_counters *c = &slot.side[side].c;
		FUZZ_ASSERT(c->packets + c->rtcp_packets + c->dropped_malformed + c->dropped_auth +
				    c->dropped_replay + c->dropped_source ==
			    handled[side]);
		(void)rtpstat_lost(&slot.side[side].rs);
		slot.side[side].rx = tsrtp_free(slot.side[side].rx);
		slot.side[side].tx = tsrtp_free(slot.side[side].tx);
		tsrtp_free(ptx[side]);
	}
	return 0;
}
