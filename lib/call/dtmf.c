/* lib/call/dtmf.c: DTMF digits between the legs of a call, per the route's
 * dtmf modes. Digits the relay reads from an rfc4733 leg's RTP (one event
 * each, relay_dtmf.c) and digits in INFO requests from an info leg are
 * counted and published (call.dtmf). Between an rfc4733 leg and an info
 * leg they are converted: an RTP digit becomes an INFO on the info leg
 * (queued, one INFO in flight at a time, in order), an INFO digit is
 * answered 200 here and becomes RTP events toward the other leg. An
 * rfc4733 leg whose SDP has no telephone-event cannot take RTP events: its
 * digits then cross as the INFO they came in (docs: "DTMF"). Sofia thread
 * only. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "call_int.h"
#include "media/dtmf.h"
#include "ops/log.h"

#define INFO_DEFAULT_MS 250	/* an INFO digit without a Duration */

static enum leg_side other(enum leg_side s)
{
	return s == LEG_A ? LEG_B : LEG_A;
}

/* Digits from leg `from` change method on their way to the other leg. */
static bool converts(const struct call *c, enum leg_side from)
{
	enum conf_dtmf f = c->route->dtmf[from], t = c->route->dtmf[other(from)];

	return (f == CONF_DTMF_RFC4733 && t == CONF_DTMF_INFO) ||
	       (f == CONF_DTMF_INFO && t == CONF_DTMF_RFC4733);
}

void dtmf_endpoint(struct call *c, struct call_stream *cs, enum leg_side side,
		   const struct tsdp_media *m, struct relay_endpoint *ep)
{
	cs->te_on[side] = m->te_pt >= 0;
	cs->te_pt[side] = (uint8_t)(m->te_pt >= 0 ? m->te_pt : 0);
	cs->te_rate[side] = m->te_rate ? m->te_rate : 8000;
	ep->te_on = cs->te_on[side];
	ep->te_pt = cs->te_pt[side];
	ep->te_rate = cs->te_rate[side];
	ep->dtmf_read = c->route->dtmf[side] == CONF_DTMF_RFC4733;
	ep->dtmf_block = c->route->dtmf[side] == CONF_DTMF_INFO &&
			 c->route->dtmf[other(side)] == CONF_DTMF_RFC4733;
}

/* A digit read from leg `side`: counted and published. */
static void digit_read(struct call *c, enum leg_side side, char digit, unsigned ms,
		       const char *method)
{
	char d[2] = { digit, '\0' };

	c->dtmf_n[side]++;
	call_log(c, LOG_LVL_DEBUG, "dtmf from leg %c by %s, %u ms", side == LEG_A ? 'A' : 'B',
		 method, ms);
	call_publish(c, BUS_EV_CALL_DTMF, json_pack("{s:s,s:s,s:i,s:s}", "leg",
						    side == LEG_A ? "a" : "b", "digit", d,
						    "duration", (int)ms, "method", method));
}

/* ---- RTP digits to INFO ---- */

static void send_next(struct leg *l)
{
	char body[64];
	struct call_msg m = { .ctype = "application/dtmf-relay", .body = body, .retry_after = -1 };
	int n;

	if (l->dtmf_qn == 0 || l->dtmf_info_out || l->out_req[LEG_REQ_INFO] || leg_is_ended(l))
		return;
	n = snprintf(body, sizeof(body), "Signal=%c\r\nDuration=%u\r\n", l->dtmf_q[0],
		     (unsigned)l->dtmf_qdur[0]);
	m.body_len = (size_t)n;
	l->dtmf_qn--;
	memmove(l->dtmf_q, l->dtmf_q + 1, l->dtmf_qn);
	memmove(l->dtmf_qdur, l->dtmf_qdur + 1, l->dtmf_qn * sizeof(l->dtmf_qdur[0]));
	l->out_req[LEG_REQ_INFO] = true;
	l->dtmf_info_out = true;
	if (l->core->ops->send(l, LEG_REQ_INFO, &m) < 0) {
		l->out_req[LEG_REQ_INFO] = false;
		l->dtmf_info_out = false;
		call_log(l->call, LOG_LVL_NOTICE, "dtmf: cannot send INFO on leg %c",
			 l->side == LEG_A ? 'A' : 'B');
	}
}

static void queue_info(struct call *c, enum leg_side to, char digit, unsigned ms)
{
	struct leg *l = c->leg[to];

	if (l == NULL || leg_is_ended(l) || c->state != CALL_ST_CONFIRMED)
		return;
	if (l->dtmf_qn == sizeof(l->dtmf_q)) {
		call_log(c, LOG_LVL_NOTICE, "dtmf: %zu digits wait for INFO on leg %c: one dropped",
			 sizeof(l->dtmf_q), to == LEG_A ? 'A' : 'B');
		return;
	}
	l->dtmf_q[l->dtmf_qn] = digit;
	l->dtmf_qdur[l->dtmf_qn] = (uint16_t)(ms > 65535 ? 65535 : ms);
	l->dtmf_qn++;
	send_next(l);	/* now, or at the answer to the INFO in flight on l */
}

void dtmf_send_queued(struct leg *l)
{
	if (l->call->state != CALL_ST_CLOSING)
		send_next(l);
}

bool dtmf_on_info_answer(struct leg *l, const struct call_msg *m)
{
	if (!l->dtmf_info_out)
		return false;
	l->dtmf_info_out = false;
	l->out_req[LEG_REQ_INFO] = false;
	if (m->status >= 300)
		call_log(l->call, LOG_LVL_NOTICE, "dtmf: leg %c answered our INFO %d",
			 l->side == LEG_A ? 'A' : 'B', m->status);
	if (l->call->state != CALL_ST_CLOSING)
		send_next(l);
	return true;
}

void media_on_dtmf(void *arg, uint64_t cookie, int side, unsigned event, unsigned duration_ms)
{
	struct call_core *core = arg;
	uint64_t id = cookie >> COOKIE_SHIFT;
	char digit = dtmf_event_char(event);

	if (side < 0 || side >= _LEG_SIDE_MAX || digit == 0)
		return;
	for (struct call *c = core->calls; c; c = c->next) {
		if (c->id != id)
			continue;
		if (c->state == CALL_ST_CLOSING)
			return;
		digit_read(c, (enum leg_side)side, digit, duration_ms, "rfc4733");
		if (c->route->dtmf[side] == CONF_DTMF_RFC4733 && converts(c, (enum leg_side)side))
			queue_info(c, other((enum leg_side)side), digit, duration_ms);
		return;
	}
}

/* ---- INFO digits ---- */

/* The digit of an INFO body: 0, -ENOENT (not a DTMF body), -EINVAL. */
static int parse_info(const struct call_msg *m, char *ret_digit, unsigned *ret_ms)
{
	char buf[256], *p, *sig = NULL;
	unsigned ms = INFO_DEFAULT_MS;
	bool relay;
	int ev;

	if (m->ctype == NULL)
		return -ENOENT;
	if (strncasecmp(m->ctype, "application/dtmf-relay", 22) == 0)
		relay = true;
	else if (strncasecmp(m->ctype, "application/dtmf", 16) == 0 &&
		 (m->ctype[16] == '\0' || m->ctype[16] == ';' || m->ctype[16] == ' '))
		relay = false;
	else
		return -ENOENT;
	if (m->body == NULL || m->body_len == 0 || m->body_len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, m->body, m->body_len);
	buf[m->body_len] = '\0';
	if (!relay) {
		sig = buf;
	} else {
		for (char *line = strtok_r(buf, "\r\n", &p); line; line = strtok_r(NULL, "\r\n", &p)) {
			char *eq = strchr(line, '='), *v;
			size_t k;
			if (eq == NULL)
				continue;
			for (k = (size_t)(eq - line); k > 0 && isspace((unsigned char)line[k - 1]); k--)
				;
			for (v = eq + 1; isspace((unsigned char)*v); v++)
				;
			if (k == 6 && strncasecmp(line, "Signal", 6) == 0)
				sig = v;
			else if (k == 8 && strncasecmp(line, "Duration", 8) == 0 &&
				 atoi(v) > 0 && atoi(v) <= 60000)
				ms = (unsigned)atoi(v);
		}
	}
	if (sig == NULL)
		return -EINVAL;
	while (isspace((unsigned char)*sig))
		sig++;
	for (p = sig + strlen(sig); p > sig && isspace((unsigned char)p[-1]); p--)
		*--p = '\0';
	if (strlen(sig) == 1)
		ev = dtmf_char_event(sig[0]);
	else if (strlen(sig) == 2 && isdigit((unsigned char)sig[0]) && isdigit((unsigned char)sig[1]))
		ev = atoi(sig) <= 16 ? atoi(sig) : -1;	/* Signal=10 for '*' */
	else
		ev = -1;
	if (ev < 0)
		return -EINVAL;
	*ret_digit = dtmf_event_char((unsigned)ev);
	*ret_ms = ms;
	return 0;
}

/* Has leg `side` telephone-event on an active audio stream? */
static int te_stream(const struct call *c, enum leg_side side)
{
	for (unsigned i = 0; i < c->n_streams; i++)
		if (c->streams[i].active && c->streams[i].te_on[side] &&
		    strcmp(c->streams[i].type, "audio") == 0)
			return (int)i;
	return -1;
}

bool dtmf_on_info(struct leg *l, const struct call_msg *m)
{
	struct call *c = l->call;
	enum leg_side to = other(l->side);
	unsigned ms;
	char digit;
	int r;

	if (!c->media_on || c->route->dtmf[l->side] != CONF_DTMF_INFO)
		return false;
	r = parse_info(m, &digit, &ms);
	if (r == -ENOENT)
		return false;
	if (r < 0) {
		if (!converts(c, l->side))
			return false;
		leg_respond(l, LEG_REQ_INFO, 400, "Bad DTMF Body");
		return true;
	}
	digit_read(c, l->side, digit, ms, "info");
	if (!converts(c, l->side) || c->state != CALL_ST_CONFIRMED)
		return false;
	r = te_stream(c, to);
	if (r < 0) {
		call_log(c, LOG_LVL_INFO, "dtmf: leg %c has no telephone-event in its SDP: the "
			 "digit crosses as INFO", to == LEG_A ? 'A' : 'B');
		return false;
	}
	if (relay_pair_dtmf(c->core->relay, c->streams[r].id, to,
			    (uint8_t)dtmf_char_event(digit), ms) < 0) {
		call_log(c, LOG_LVL_NOTICE, "dtmf: cannot hand the digit to the relay: it "
			 "crosses as INFO");
		return false;
	}
	leg_respond(l, LEG_REQ_INFO, 200, NULL);
	return true;
}
