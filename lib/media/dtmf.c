/* lib/media/dtmf.c: reading RFC 4733 telephone-events (see dtmf.h). */
#include <errno.h>
#include <string.h>

#include "dtmf.h"

int dtmf_rtp_payload(const uint8_t *pkt, size_t len, size_t *ret_off)
{
	size_t off;

	if (len < 12 || (pkt[0] >> 6) != 2)
		return -EINVAL;
	off = 12 + 4 * (size_t)(pkt[0] & 0x0f);
	if (pkt[0] & 0x10) {		/* header extension */
		if (len < off + 4)
			return -EINVAL;
		off += 4 + 4 * ((size_t)pkt[off + 2] << 8 | pkt[off + 3]);
	}
	if (off > len)
		return -EINVAL;
	*ret_off = off;
	return 0;
}

static int report(struct dtmf_det *d, struct dtmf_ev *ret)
{
	d->reported = true;
	*ret = (struct dtmf_ev){ .event = d->event, .duration = d->duration };
	return 1;
}

int dtmf_det_packet(struct dtmf_det *d, uint32_t ssrc, uint32_t ts, const uint8_t *pl,
		    size_t len, uint64_t now_ms, struct dtmf_ev ret[2])
{
	uint8_t event;
	bool end;
	uint16_t dur;
	int n = 0;

	if (len < 4)
		return -EINVAL;
	event = pl[0];
	end = pl[1] & 0x80;
	dur = (uint16_t)(pl[2] << 8 | pl[3]);
	if (d->cur && d->ssrc == ssrc) {
		int32_t diff = (int32_t)(ts - d->ts);
		if (diff < 0)
			return 0;	/* a late packet of an event before it */
		if (diff == 0) {
			if (d->reported)
				return 0;	/* the end repeated */
			d->last_ms = now_ms;
			if (dur > d->duration)
				d->duration = dur;
			return end ? report(d, &ret[0]) : 0;
		}
	}
	/* a new event (or a new source): the one before, if its end never came */
	if (d->cur && !d->reported)
		n += report(d, &ret[n]);
	*d = (struct dtmf_det){ .cur = true, .ssrc = ssrc, .ts = ts, .event = event,
				.duration = dur, .last_ms = now_ms };
	if (end)
		n += report(d, &ret[n]);
	return n;
}

int dtmf_det_tick(struct dtmf_det *d, uint64_t now_ms, struct dtmf_ev *ret)
{
	if (!d->cur || d->reported || now_ms < d->last_ms + DTMF_STALE_MS)
		return 0;
	return report(d, ret);
}

int dtmf_gen_queue(struct dtmf_gen *g, uint8_t event, unsigned duration_ms, uint64_t now_ms)
{
	if (g->qn == DTMF_GEN_QUEUE)
		return -ENOSPC;
	if (!g->on && g->qn == 0)
		g->last_ms = now_ms;
	g->q_ev[g->qn] = event;
	g->q_ms[g->qn] = (uint16_t)(duration_ms > 8000 ? 8000 : duration_ms < 40 ? 40 : duration_ms);
	g->qn++;
	return 0;
}

static uint32_t rd32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

int dtmf_gen_splice(struct dtmf_gen *g, uint8_t pt, unsigned rate, uint8_t *pkt, size_t *len,
		    uint64_t now_ms)
{
	uint32_t ts = rd32(pkt + 4);
	bool end;

	if (*len < 12 || (!g->on && g->qn == 0))
		return 0;
	if (rate == 0)
		rate = 8000;
	if (!g->on) {
		g->on = g->first = true;
		g->ev = g->q_ev[0];
		g->target = (uint32_t)g->q_ms[0] * rate / 1000;
		g->qn--;
		memmove(g->q_ev, g->q_ev + 1, g->qn);
		memmove(g->q_ms, g->q_ms + 1, g->qn * sizeof(g->q_ms[0]));
		g->ts0 = ts;
		g->frame = rate / 50;
		g->ends = 0;
	} else {
		uint32_t d = ts - g->last_ts;
		if (d > 0 && d <= rate / 5)
			g->frame = d;		/* the sender's packet time */
	}
	g->last_ts = ts;
	g->last_ms = now_ms;
	if (g->ends == 0) {
		uint32_t dur = ts - g->ts0 + g->frame;
		if ((int32_t)(ts - g->ts0) < 0 || dur > 0xffff)
			dur = 0xffff;	/* the sender's clock jumped: end it now */
		g->dur = (uint16_t)dur;
		end = dur >= g->target || dur == 0xffff;
	} else {
		end = true;
	}
	pkt[0] = 0x80;
	pkt[1] = (uint8_t)((g->first ? 0x80 : 0) | (pt & 0x7f));
	pkt[4] = (uint8_t)(g->ts0 >> 24);
	pkt[5] = (uint8_t)(g->ts0 >> 16);
	pkt[6] = (uint8_t)(g->ts0 >> 8);
	pkt[7] = (uint8_t)g->ts0;
	pkt[12] = g->ev;
	pkt[13] = (uint8_t)((end ? 0x80 : 0) | 10);	/* volume -10 dBm0 */
	pkt[14] = (uint8_t)(g->dur >> 8);
	pkt[15] = (uint8_t)g->dur;
	*len = 16;
	g->first = false;
	if (end && ++g->ends == 3)
		g->on = false;
	return 1;
}

unsigned dtmf_gen_expire(struct dtmf_gen *g, uint64_t now_ms, uint64_t stale_ms)
{
	unsigned n;

	if ((!g->on && g->qn == 0) || now_ms < g->last_ms + stale_ms)
		return 0;
	n = g->qn + (g->on && g->ends == 0 ? 1 : 0);
	g->qn = 0;
	g->on = false;
	return n;
}

static const char digits[] = "0123456789*#ABCD!";

char dtmf_event_char(unsigned event)
{
	return event < sizeof(digits) - 1 ? digits[event] : 0;
}

int dtmf_char_event(char c)
{
	if (c >= 'a' && c <= 'd')
		c = (char)(c - 'a' + 'A');
	for (int i = 0; digits[i]; i++)
		if (digits[i] == c)
			return i;
	return -1;
}
