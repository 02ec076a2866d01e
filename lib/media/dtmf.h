/* lib/media: RFC 4733 telephone-events as the relay reads and writes them.
 * The detector turns the packets of one side's stream into digits, each
 * once: an event is named by its RTP timestamp (RFC 4733 2.5.1.1), so its
 * updates and its end packet, sent three times, make one digit. Pure
 * functions over plain values: the worker thread calls them, the unit tests
 * too. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DTMF_STALE_MS 1000	/* an event without its end packet is over after this */

/* A finished event: its code (0-9, 10 '*', 11 '#', 12-15 'A'-'D', 16 flash)
 * and duration in RTP timestamp units. */
struct dtmf_ev {
	uint8_t event;
	uint16_t duration;
};

struct dtmf_det {
	bool cur;		/* an event has been seen (ts, ssrc valid) */
	bool reported;		/* ... and handed on */
	uint32_t ssrc, ts;
	uint8_t event;
	uint16_t duration;
	uint64_t last_ms;	/* its last packet */
};

/* The RTP payload of a packet: 0 and *ret_off, or -EINVAL. */
int dtmf_rtp_payload(const uint8_t *pkt, size_t len, size_t *ret_off);

/* A telephone-event payload of a packet with ssrc and timestamp ts: the
 * events it finishes go to ret (at most 2: one whose end was lost, and this
 * one when its first packet is already an end), their count returned;
 * -EINVAL for a payload shorter than 4 bytes. */
int dtmf_det_packet(struct dtmf_det *d, uint32_t ssrc, uint32_t ts, const uint8_t *pl,
		    size_t len, uint64_t now_ms, struct dtmf_ev ret[2]);

/* Once in a while: an event silent for DTMF_STALE_MS without an end packet
 * is finished with the duration it reached (1, filled in ret), else 0. */
int dtmf_det_tick(struct dtmf_det *d, uint64_t now_ms, struct dtmf_ev *ret);

/* The generator: digits spliced into a stream the relay forwards to a leg
 * (the relay as an RTP translator for it). While an event lasts, each RTP
 * packet forwarded to the leg is replaced by a telephone-event packet with
 * the same SSRC and sequence number, the timestamp of the event's first
 * packet and the duration reached at this packet's timestamp; the event's
 * end packet goes three times (RFC 4733 2.5.1.4), on the next three
 * packets. The audio is muted for that time, as phones do; sequence
 * numbers and timestamps of the stream stay those of the sender, so no
 * packet after the event needs rewriting. */
#define DTMF_GEN_QUEUE 16

struct dtmf_gen {
	uint8_t q_ev[DTMF_GEN_QUEUE];
	uint16_t q_ms[DTMF_GEN_QUEUE];
	unsigned qn;
	bool on;		/* an event is being sent */
	bool first;		/* ... and its first packet is next (marker) */
	uint8_t ev;
	uint32_t ts0, last_ts, target, frame;
	uint16_t dur;
	unsigned ends;		/* end packets sent */
	uint64_t last_ms;	/* last packet spliced or digit queued */
};

/* A digit to send (-ENOSPC when DTMF_GEN_QUEUE wait already). */
int dtmf_gen_queue(struct dtmf_gen *g, uint8_t event, unsigned duration_ms, uint64_t now_ms);
/* The RTP packet pkt (len >= 12) forwarded to the leg: rewritten in place
 * into an event packet of payload type pt (clock rate: rate) and 1
 * returned, or 0 (left alone: no event to send). */
int dtmf_gen_splice(struct dtmf_gen *g, uint8_t pt, unsigned rate, uint8_t *pkt, size_t *len,
		    uint64_t now_ms);
/* Digits that cannot go: no packet forwarded for stale_ms (nothing to
 * splice them into) drops what waits; returns how many. */
unsigned dtmf_gen_expire(struct dtmf_gen *g, uint64_t now_ms, uint64_t stale_ms);

/* '0'..'9', '*', '#', 'A'..'D', '!' for flash (16); 0 for others; and back
 * (-1 for a character that is no event). */
char dtmf_event_char(unsigned event);
int dtmf_char_event(char c);
