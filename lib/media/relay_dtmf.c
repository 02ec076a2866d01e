/* lib/media/relay_dtmf.c: the worker's part of DTMF: telephone-event
 * packets of a leg whose events are read go through its detector
 * (dtmf.c), and each finished event goes to the sofia thread as a DTMF
 * event; digits the sofia thread sends to a leg are spliced into the
 * stream forwarded to it (dtmf_gen), and dropped (counted in dtmf_lost)
 * when nothing is forwarded to it for GEN_STALE_MS. A digit never makes the worker wait: it goes into the event ring
 * or, when the ring is full or events wait in the backlog before it, is
 * counted lost (dtmf_lost). Worker thread only. */
#include <string.h>

#include "relay_int.h"

#define ST_SET(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define ST_ADD(x, n) ST_SET(x, (x) + (n))
#define GEN_STALE_MS 2000

static void send_event(struct worker *w, uint32_t slot, int side, const struct dtmf_ev *ev)
{
	struct stream *s = &w->slots[slot];
	unsigned rate = s->side[side].te_rate ? s->side[side].te_rate : 8000;
	unsigned ms = (unsigned)((uint64_t)ev->duration * 1000 / rate);
	struct relay_evt e = { .type = RELAY_EVT_DTMF, .slot = slot, .gen = s->gen,
			       .cookie = s->cookie, .side = (uint8_t)side, .event = ev->event,
			       .duration_ms = (uint16_t)(ms > 65535 ? 65535 : ms) };

	if (w->bl_len == 0 && ring_push(w->evt, &e) == 0)
		ST_ADD(w->dtmf_events, 1);
	else
		ST_ADD(w->dtmf_lost, 1);
}

void relay_dtmf_read(struct worker *w, uint32_t slot, int side, const uint8_t *pkt, size_t len,
		     uint64_t now_ms)
{
	struct stream_side *sd = &w->slots[slot].side[side];
	struct dtmf_ev ev[2];
	size_t off;
	uint32_t ssrc, ts;
	int n;

	if (dtmf_rtp_payload(pkt, len, &off) < 0)
		return;
	ssrc = (uint32_t)pkt[8] << 24 | (uint32_t)pkt[9] << 16 | (uint32_t)pkt[10] << 8 | pkt[11];
	ts = (uint32_t)pkt[4] << 24 | (uint32_t)pkt[5] << 16 | (uint32_t)pkt[6] << 8 | pkt[7];
	n = dtmf_det_packet(&sd->det, ssrc, ts, pkt + off, len - off, now_ms, ev);
	for (int i = 0; i < n; i++)
		send_event(w, slot, side, &ev[i]);
}

void relay_dtmf_tick(struct worker *w, uint32_t slot, uint64_t now_ms)
{
	for (int side = 0; side < 2; side++) {
		struct stream_side *sd = &w->slots[slot].side[side];
		struct dtmf_ev ev;
		unsigned lost;
		if (sd->dtmf_read && dtmf_det_tick(&sd->det, now_ms, &ev) == 1)
			send_event(w, slot, side, &ev);
		lost = dtmf_gen_expire(&sd->gen, now_ms, GEN_STALE_MS);
		if (lost)
			ST_ADD(w->dtmf_lost, lost);
	}
}

void relay_dtmf_queue(struct worker *w, const struct relay_cmd *c, uint64_t now_ms)
{
	struct stream *s = &w->slots[c->slot];

	if (!s->used || s->gen != c->gen || c->side < 0 || c->side > 1)
		return;
	if (!s->side[c->side].te_on || dtmf_gen_queue(&s->side[c->side].gen, c->dtmf_event,
						      c->dtmf_ms, now_ms) < 0)
		ST_ADD(w->dtmf_lost, 1);
}

bool relay_dtmf_splice(struct worker *w, struct stream_side *out, uint8_t *pkt, size_t *len,
		       uint64_t now_ms)
{
	(void)w;
	if (!out->te_on)
		return false;
	return dtmf_gen_splice(&out->gen, out->te_pt, out->te_rate, pkt, len, now_ms) == 1;
}
