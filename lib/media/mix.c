/* lib/media/mix.c: the conference mixer's sample work (mix.h): G.711 by
 * spandsp's inline coders, the jitter buffer, mix-minus, the RTP of what
 * the mixer sends. No sockets, no threads: unit-tested and benchmarked as
 * is; the worker drives it (relay_mix.c). */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "mix.h"

#include <spandsp/telephony.h>
#include <spandsp/bit_operations.h>
#include <spandsp/g711.h>

int mix_codec_of(const char *name, unsigned clock_rate, enum mix_codec *ret)
{
	if (name == NULL || (clock_rate && clock_rate != MIX_RATE))
		return -EPROTONOSUPPORT;
	if (strcasecmp(name, "PCMU") == 0)
		*ret = MIX_PCMU;
	else if (strcasecmp(name, "PCMA") == 0)
		*ret = MIX_PCMA;
	else
		return -EPROTONOSUPPORT;
	return 0;
}

uint8_t mix_codec_pt(enum mix_codec c)
{
	return c == MIX_PCMA ? 8 : 0;
}

void mix_decode(enum mix_codec c, const uint8_t *in, size_t n, int16_t *out)
{
	if (c == MIX_PCMA)
		for (size_t i = 0; i < n; i++)
			out[i] = alaw_to_linear(in[i]);
	else
		for (size_t i = 0; i < n; i++)
			out[i] = ulaw_to_linear(in[i]);
}

void mix_encode(enum mix_codec c, const int16_t *in, size_t n, uint8_t *out)
{
	if (c == MIX_PCMA)
		for (size_t i = 0; i < n; i++)
			out[i] = linear_to_alaw(in[i]);
	else
		for (size_t i = 0; i < n; i++)
			out[i] = linear_to_ulaw(in[i]);
}

/* ---- jitter buffer ---- */

#define IDX(ts) ((ts) & (MIX_JB_SIZE - 1))

void mix_jb_init(struct mix_jb *jb)
{
	memset(jb, 0, sizeof(*jb));
}

static void jb_start(struct mix_jb *jb, uint32_t ssrc, uint32_t ts)
{
	memset(jb->have, 0, sizeof(jb->have));
	jb->started = true;
	jb->ssrc = ssrc;
	jb->play_ts = ts - MIX_JB_DELAY;
	jb->high_ts = ts;
}

int mix_jb_put(struct mix_jb *jb, uint32_t ssrc, uint32_t ts, const int16_t *pcm, size_t n)
{
	int32_t d;
	size_t skip = 0;

	if (n > MIX_JB_SIZE - MIX_JB_DELAY)
		return -EMSGSIZE;
	if (!jb->started || ssrc != jb->ssrc)
		jb_start(jb, ssrc, ts);
	d = (int32_t)(ts - jb->play_ts);
	if (d + (int64_t)n <= 0) {
		/* wholly before the playout point; far before it is a
		 * sender that jumped back: start over from it */
		if (d > -(int32_t)MIX_JB_SIZE) {
			jb->late++;
			return -ETIME;
		}
		jb->resync++;
		jb_start(jb, ssrc, ts);
		d = MIX_JB_DELAY;
	} else if (d < 0) {
		skip = (size_t)-d;	/* its head is late, its tail in time */
	} else if (d + n > MIX_JB_SIZE) {
		jb->resync++;		/* a jump ahead (or a long silence) */
		jb_start(jb, ssrc, ts);
	}
	for (size_t i = skip; i < n; i++) {
		uint32_t k = IDX(ts + (uint32_t)i);
		jb->pcm[k] = pcm[i];
		jb->have[k] = 1;
	}
	if ((int32_t)(ts + (uint32_t)n - jb->high_ts) > 0)
		jb->high_ts = ts + (uint32_t)n;
	if ((int32_t)(jb->high_ts - jb->play_ts) > MIX_JB_MAX) {
		/* too much waits: keep the newest MIX_JB_DELAY of it */
		uint32_t to = jb->high_ts - MIX_JB_DELAY;
		for (uint32_t t = jb->play_ts; t != to; t++) {
			if (jb->have[IDX(t)])
				jb->skipped++;
			jb->have[IDX(t)] = 0;
		}
		jb->play_ts = to;
	}
	jb->put++;
	return 0;
}

bool mix_jb_get(struct mix_jb *jb, int16_t out[MIX_FRAME])
{
	bool any = false;

	if (!jb->started) {
		memset(out, 0, MIX_FRAME * sizeof(*out));
		return false;
	}
	for (unsigned i = 0; i < MIX_FRAME; i++) {
		uint32_t k = IDX(jb->play_ts + i);
		if (jb->have[k]) {
			out[i] = jb->pcm[k];
			jb->have[k] = 0;
			any = true;
		} else {
			out[i] = 0;
		}
	}
	jb->play_ts += MIX_FRAME;
	/* the newest sample already played (a silent sender): keep the
	 * high mark at the playout point, so the depth check stays true */
	if ((int32_t)(jb->play_ts - jb->high_ts) > 0)
		jb->high_ts = jb->play_ts;
	return any;
}

/* ---- mixing ---- */

static int16_t clip(int32_t v)
{
	return v > 32767 ? 32767 : v < -32768 ? -32768 : (int16_t)v;
}

void mix_minus(unsigned n, const int16_t *const in[], const bool active[], int16_t *const out[])
{
	int32_t sum[MIX_FRAME] = { 0 };

	for (unsigned k = 0; k < n; k++)
		if (active[k])
			for (unsigned i = 0; i < MIX_FRAME; i++)
				sum[i] += in[k][i];
	for (unsigned k = 0; k < n; k++) {
		if (active[k])
			for (unsigned i = 0; i < MIX_FRAME; i++)
				out[k][i] = clip(sum[i] - in[k][i]);
		else
			for (unsigned i = 0; i < MIX_FRAME; i++)
				out[k][i] = clip(sum[i]);
	}
}

void mix_out_init(struct mix_out *o)
{
	uint32_t r[3] = { 0 };

	if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
		/* no entropy yet: a value that still differs per stream */
		r[0] = (uint32_t)(uintptr_t)o ^ 0x5a17c0deu;
		r[1] = r[0] * 2654435761u;
		r[2] = r[1] * 2654435761u;
	}
	o->ssrc = r[0];
	o->seq = (uint16_t)r[1];
	o->ts = r[2];
}

size_t mix_out_packet(struct mix_out *o, enum mix_codec c, uint8_t pt, const int16_t pcm[MIX_FRAME],
		      uint8_t *buf)
{
	buf[0] = 0x80;
	buf[1] = pt & 0x7f;
	buf[2] = (uint8_t)(o->seq >> 8);
	buf[3] = (uint8_t)o->seq;
	buf[4] = (uint8_t)(o->ts >> 24);
	buf[5] = (uint8_t)(o->ts >> 16);
	buf[6] = (uint8_t)(o->ts >> 8);
	buf[7] = (uint8_t)o->ts;
	buf[8] = (uint8_t)(o->ssrc >> 24);
	buf[9] = (uint8_t)(o->ssrc >> 16);
	buf[10] = (uint8_t)(o->ssrc >> 8);
	buf[11] = (uint8_t)o->ssrc;
	mix_encode(c, pcm, MIX_FRAME, buf + 12);
	o->seq++;
	o->ts += MIX_FRAME;
	return 12 + MIX_FRAME;
}
