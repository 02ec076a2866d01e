/* lib/media/relay_mix.c: the worker's part of a conference bridge. A side
 * of a pair that joins a bridge stops being relayed to its pair's other
 * side: its packets are decoded into its party's jitter buffer (mix.c),
 * and every 20 ms (the worker's timerfd, armed while it mixes any bridge)
 * each party gets the sum of the others' frames (mix-minus), encoded in
 * its own codec, under its own SSRC, sequence and timestamp (RFC 3550
 * section 7: the mixer's stream), encrypted when the leg runs SRTP and
 * sent from the side's RTP socket. Worker thread only. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "relay_int.h"

#define ST_SET(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define ST_ADD(x, n) ST_SET(x, (x) + (n))
#define MAX_CATCH_UP 5		/* frames mixed at once after a late wake-up */

int relay_mix_init(struct worker *w)
{
	w->bridges = calloc(RELAY_BRIDGES, sizeof(*w->bridges));
	if (w->bridges == NULL)
		return -ENOMEM;
	w->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	return w->tfd < 0 ? -errno : 0;
}

static void arm(struct worker *w, bool on)
{
	struct itimerspec it = { 0 };

	if (on)
		it.it_value.tv_nsec = it.it_interval.tv_nsec = 20 * 1000 * 1000;
	timerfd_settime(w->tfd, 0, &it, NULL);
}

void relay_mix_leave(struct worker *w, uint32_t slot, int side)
{
	struct stream_side *sd = &w->slots[slot].side[side];
	struct wbridge *b;
	unsigned k;

	if (sd->br == 0)
		return;
	b = &w->bridges[sd->br - 1];
	k = sd->br_party;
	sd->br = 0;
	if (k >= b->n)
		return;
	b->n--;
	if (k != b->n) {
		/* the last party takes the place */
		b->p[k] = b->p[b->n];
		w->slots[b->p[k].slot].side[b->p[k].side].br_party = (uint8_t)k;
	}
	if (b->n == 0 && --w->br_active == 0)
		arm(w, false);
}

void relay_mix_join(struct worker *w, const struct relay_cmd *c)
{
	struct stream *s = &w->slots[c->slot];
	struct stream_side *sd;
	struct wbridge *b;
	struct mix_party *p;

	if (!s->used || s->gen != c->gen || c->side < 0 || c->side > 1 ||
	    c->br >= RELAY_BRIDGES)
		return;
	sd = &s->side[c->side];
	relay_mix_leave(w, c->slot, c->side);
	b = &w->bridges[c->br];
	if (b->n == MIX_MAX_PARTIES)
		return;		/* the sofia thread never asks for more */
	p = &b->p[b->n];
	memset(p, 0, sizeof(*p));
	p->slot = c->slot;
	p->side = (uint8_t)c->side;
	p->codec = c->codec == MIX_PCMA ? MIX_PCMA : MIX_PCMU;
	p->pt = c->pt;
	mix_jb_init(&p->jb);
	mix_out_init(&p->out);
	if (sd->tx_any) {
		/* its own SSRC, but numbers that go on from what the leg got */
		p->out.seq = (uint16_t)(sd->tx_seq + 1);
		p->out.ts = sd->tx_ts + MIX_FRAME;
	}
	sd->br = (uint16_t)(c->br + 1);
	sd->br_party = (uint8_t)b->n;
	if (b->n++ == 0 && w->br_active++ == 0)
		arm(w, true);
}

/* An RTP packet (decrypted, checked, counted) from a side in a bridge. */
void relay_mix_put(struct worker *w, struct stream_side *sd, const uint8_t *pkt, size_t len)
{
	struct mix_party *p = &w->bridges[sd->br - 1].p[sd->br_party];
	int16_t pcm[2048];
	uint8_t pt = pkt[1] & 0x7f;
	enum mix_codec codec;
	size_t off, n;
	uint32_t ssrc, ts;

	/* by its payload type: the static G.711 ones, or the party's own */
	if (pt == 0)
		codec = MIX_PCMU;
	else if (pt == 8)
		codec = MIX_PCMA;
	else if (pt == p->pt)
		codec = p->codec;
	else
		return;		/* telephone-event, comfort noise: not mixed */
	if (dtmf_rtp_payload(pkt, len, &off) < 0)
		return;
	n = len - off;
	if (n > sizeof(pcm) / sizeof(pcm[0]))
		n = sizeof(pcm) / sizeof(pcm[0]);
	mix_decode(codec, pkt + off, n, pcm);
	ssrc = (uint32_t)pkt[8] << 24 | (uint32_t)pkt[9] << 16 | (uint32_t)pkt[10] << 8 | pkt[11];
	ts = (uint32_t)pkt[4] << 24 | (uint32_t)pkt[5] << 16 | (uint32_t)pkt[6] << 8 | pkt[7];
	if (mix_jb_put(&p->jb, ssrc, ts, pcm, n) == -ETIME)
		ST_ADD(sd->c.mix_late, 1);
}

static void send_party(struct worker *w, struct mix_party *p, const int16_t pcm[MIX_FRAME])
{
	struct stream_side *sd = &w->slots[p->slot].side[p->side];
	uint8_t buf[12 + MIX_FRAME + TSRTP_TRAILER_MAX];
	size_t n = mix_out_packet(&p->out, p->codec, p->pt, pcm, buf);

	if (!sd->configured || !sd->have_dst[RELAY_RTP])
		return;
	if (sd->tx_key.suite != TSRTP_NONE) {
		/* never plain RTP to a leg that expects SRTP */
		if (sd->tx == NULL || tsrtp_protect(sd->tx, buf, &n, false) < 0)
			return;
	}
	if (sendto(sd->fd[RELAY_RTP], buf, n, MSG_DONTWAIT, (struct sockaddr *)&sd->dst[RELAY_RTP],
		   sa_len(&sd->dst[RELAY_RTP])) < 0) {
		ST_ADD(w->dropped[RELAY_DROP_SEND], 1);
		return;
	}
	ST_ADD(sd->c.sent, 1);
	ST_ADD(w->packets, 1);
}

static void mix_bridge(struct worker *w, struct wbridge *b)
{
	int16_t in[MIX_MAX_PARTIES][MIX_FRAME], out[MIX_MAX_PARTIES][MIX_FRAME];
	const int16_t *pin[MIX_MAX_PARTIES];
	int16_t *pout[MIX_MAX_PARTIES];
	bool active[MIX_MAX_PARTIES];

	for (unsigned k = 0; k < b->n; k++) {
		active[k] = mix_jb_get(&b->p[k].jb, in[k]);
		pin[k] = in[k];
		pout[k] = out[k];
	}
	mix_minus(b->n, pin, active, pout);
	for (unsigned k = 0; k < b->n; k++)
		send_party(w, &b->p[k], out[k]);
}

void relay_mix_tick(struct worker *w)
{
	uint64_t due = 0;
	struct timespec t0, t1;

	if (read(w->tfd, &due, sizeof(due)) != sizeof(due) || due == 0)
		return;
	if (due > MAX_CATCH_UP)
		due = MAX_CATCH_UP;	/* a worker that stalled: the rest is lost */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint64_t f = 0; f < due; f++)
		for (unsigned i = 0; i < RELAY_BRIDGES; i++)
			if (w->bridges[i].n) {
				mix_bridge(w, &w->bridges[i]);
				ST_ADD(w->mix_frames, w->bridges[i].n);
			}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ST_ADD(w->mix_ns, (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000000000LL +
				     (t1.tv_nsec - t0.tv_nsec)));
}
