/* lib/media/mix.h: the conference mixer's parts, free of sockets and
 * threads (the worker's use of them is relay_mix.c): G.711 decode and
 * encode (spandsp), a jitter buffer per party, the mix-minus of one 20 ms
 * frame, and the RTP header of what the mixer sends. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MIX_RATE 8000
#define MIX_FRAME 160			/* samples in 20 ms at 8000 Hz */
#define MIX_JB_SIZE 2048		/* samples held (256 ms); a power of two */
#define MIX_JB_DELAY 320		/* playout 40 ms behind the first packet */
#define MIX_JB_MAX 1280			/* more buffered than 160 ms: skip ahead */
#define MIX_MAX_PARTIES 16

enum mix_codec { MIX_PCMU, MIX_PCMA };

/* The codec a static or named payload type carries; -EPROTONOSUPPORT for
 * anything the mixer cannot decode (no transcoding beyond G.711). */
int mix_codec_of(const char *name, unsigned clock_rate, enum mix_codec *ret);
uint8_t mix_codec_pt(enum mix_codec c);

void mix_decode(enum mix_codec c, const uint8_t *in, size_t n, int16_t *out);
void mix_encode(enum mix_codec c, const int16_t *in, size_t n, uint8_t *out);

/* Samples by RTP timestamp: a packet's samples go where its timestamp
 * says (reordered packets fall into place), one frame at a time comes out
 * at the playout point. A packet wholly before it is late (dropped,
 * counted); one beyond the buffer, or a new SSRC, starts over (resync);
 * more than MIX_JB_MAX buffered skips ahead to the newest MIX_JB_DELAY
 * (a sender whose clock runs fast). */
struct mix_jb {
	bool started;
	uint32_t ssrc;
	uint32_t play_ts;		/* the timestamp of the next sample out */
	uint32_t high_ts;		/* just past the newest sample in */
	uint64_t put, late, resync, skipped;	/* packets; skipped: samples */
	int16_t pcm[MIX_JB_SIZE];
	uint8_t have[MIX_JB_SIZE];
};

void mix_jb_init(struct mix_jb *jb);
/* 0, or -ETIME for a late packet, -EMSGSIZE for more than the buffer */
int mix_jb_put(struct mix_jb *jb, uint32_t ssrc, uint32_t ts, const int16_t *pcm, size_t n);
/* The next frame (silence where nothing came); whether any sample came. */
bool mix_jb_get(struct mix_jb *jb, int16_t out[MIX_FRAME]);

/* Mix-minus of one frame: out[k] = the sum of every active input but k's
 * own, clipped to 16 bits. An inactive party gets the sum of all. */
void mix_minus(unsigned n, const int16_t *const in[], const bool active[], int16_t *const out[]);

/* What the mixer sends to one party (RFC 3550 section 7: tandemd is the
 * mixer, each outgoing stream its own SSRC, sequence and timestamp). */
struct mix_out {
	uint32_t ssrc, ts;
	uint16_t seq;
};
void mix_out_init(struct mix_out *o);
/* A 12-byte RTP header and the frame encoded after it: its length. */
size_t mix_out_packet(struct mix_out *o, enum mix_codec c, uint8_t pt, const int16_t pcm[MIX_FRAME],
		      uint8_t *buf);
