/* lib/call/media.c: a call's media through the relay. Every SDP body that
 * crosses from one leg to the other passes media_cross(): an offer gets a
 * relay pair for each new active m= line and says where the offering leg
 * receives; an answer says where the answering leg receives; both are
 * rewritten toward the other leg with the relay's address and that leg's
 * ports. Pairs are freed in media_release(), from call_free(). Sofia
 * thread only. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "call_int.h"
#include "ops/log.h"

#define COOKIE_SHIFT 4	/* cookie = call id << 4 | m= line index */

static bool is_sdp(const struct call_msg *m)
{
	return m->body && m->body_len > 0 &&
	       (m->ctype == NULL || strncasecmp(m->ctype, "application/sdp", 15) == 0);
}

static int to_sockaddr(const char *addr, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		((struct sockaddr_in *)ss)->sin_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons(port);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
		return 0;
	}
	return -EINVAL;	/* a host name: nothing to send to until the leg's packets latch */
}

static bool on_hold(const struct call_stream *cs)
{
	return cs->dir[LEG_A] != TSDP_SENDRECV || cs->dir[LEG_B] != TSDP_SENDRECV;
}

/* Tell the relay where leg `side` receives this stream. */
static int set_side(struct call *c, struct call_stream *cs, enum leg_side side,
		    const struct tsdp_media *m)
{
	struct relay_endpoint ep = { .mux = m->rtcp_mux, .clock_rate = m->clock_rate };
	unsigned timeout = (unsigned)(on_hold(cs) ? c->conf->media_hold_timeout :
					   c->conf->media_timeout);

	cs->timed_out = false;
	if (to_sockaddr(m->addr, m->port, &ep.addr[0]) < 0)
		memset(&ep.addr[0], 0, sizeof(ep.addr[0]));
	if (m->rtcp_mux)
		ep.addr[1] = ep.addr[0];
	else if (to_sockaddr(m->rtcp_addr, m->rtcp_port, &ep.addr[1]) < 0)
		memset(&ep.addr[1], 0, sizeof(ep.addr[1]));
	return relay_pair_set(c->core->relay, cs->id, side, &ep, timeout);
}

int media_cross(struct call *c, enum leg_side from, bool offer, const struct call_msg *in,
		struct call_msg *out, char *buf, size_t len)
{
	enum leg_side to = from == LEG_A ? LEG_B : LEG_A;
	struct tsdp_rewrite rw = { .addr = c->conf->media_advertise };
	struct tsdp s;
	int r;

	*out = *in;
	if (!c->media_on || !is_sdp(in))
		return 0;
	r = tsdp_parse(in->body, in->body_len, &s);
	if (r < 0) {
		call_log(c, LOG_LVL_NOTICE, "unusable SDP from leg %c", from == LEG_A ? 'A' : 'B');
		return -EBADMSG;
	}
	rw.family = strchr(rw.addr, ':') ? AF_INET6 : AF_INET;
	rw.n_media = s.n_media;
	for (unsigned i = 0; i < s.n_media; i++) {
		struct tsdp_media *m = &s.m[i];
		struct call_stream *cs = &c->streams[i];

		if (m->port == 0 || (!offer && !cs->active)) {
			rw.m[i].port = 0;	/* rejected, or never offered */
			cs->dir[from] = m->dir;
			continue;
		}
		if (!cs->active) {
			uint64_t cookie = c->id << COOKIE_SHIFT | i;
			r = relay_pair_new(c->core->relay, cookie, &cs->id, cs->port);
			if (r < 0) {
				call_log(c, LOG_LVL_WARNING, "no relay ports for stream %u: %s", i,
					 strerror(-r));
				return r;
			}
			cs->active = true;
			if (i >= c->n_streams)
				c->n_streams = i + 1;
		}
		cs->dir[from] = m->dir;
		if (offer)
			cs->mux[from] = m->rtcp_mux;	/* answered as offered */
		else
			cs->mux[from] = m->rtcp_mux && cs->mux[to];
		snprintf(cs->codec, sizeof(cs->codec), "%s", m->codec);
		snprintf(cs->type, sizeof(cs->type), "%s", m->type);
		set_side(c, cs, from, m);
		rw.m[i] = (struct tsdp_media_rw){
			.port = cs->port[to],
			.rtcp_port = (uint16_t)(cs->port[to] + 1),
			/* offer toward the peer what the offerer offered; answer
			 * the peer as it offered */
			.mux = offer ? m->rtcp_mux : cs->mux[to],
		};
	}
	r = tsdp_rewrite(in->body, in->body_len, &rw, buf, len);
	if (r < 0)
		return r == -ENOSPC ? -EMSGSIZE : -EBADMSG;
	out->body = buf;
	out->body_len = (size_t)r;
	return 0;
}

void media_release(struct call *c)
{
	for (unsigned i = 0; i < c->n_streams; i++)
		if (c->streams[i].active) {
			relay_pair_free(c->core->relay, c->streams[i].id);
			c->streams[i].active = false;
		}
}

void media_log_stats(struct call *c)
{
	for (unsigned i = 0; i < c->n_streams; i++) {
		struct relay_side_stats st[2];
		if (!c->streams[i].active ||
		    relay_pair_stats(c->core->relay, c->streams[i].id, st) < 0)
			continue;
		call_log(c, LOG_LVL_INFO,
			 "media %u %s %s: A->B %llu pkts lost %llu jitter %.1fms, "
			 "B->A %llu pkts lost %llu jitter %.1fms, dropped %llu/%llu",
			 i, c->streams[i].type, c->streams[i].codec,
			 (unsigned long long)st[0].packets, (unsigned long long)st[0].lost,
			 st[0].jitter_ms, (unsigned long long)st[1].packets,
			 (unsigned long long)st[1].lost, st[1].jitter_ms,
			 (unsigned long long)(st[0].dropped_source + st[0].dropped_malformed),
			 (unsigned long long)(st[1].dropped_source + st[1].dropped_malformed));
	}
}

static json_t *side_record(const struct relay_side_stats *st, const struct call_stream *cs,
			   enum leg_side side)
{
	return json_pack("{s:i,s:b,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:f,s:I,s:I,s:n}",
			 "relay_port", cs->port[side], "rtcp_mux", cs->mux[side],
			 "direction", tsdp_dir_name(cs->dir[side]), "latched", st->latched,
			 "packets", (json_int_t)st->packets, "bytes", (json_int_t)st->bytes,
			 "rtcp_packets", (json_int_t)st->rtcp_packets, "sent", (json_int_t)st->sent,
			 "lost", (json_int_t)st->lost, "out_of_order", (json_int_t)st->out_of_order,
			 "jitter_ms", st->jitter_ms,
			 "dropped_source", (json_int_t)st->dropped_source,
			 "dropped_malformed", (json_int_t)st->dropped_malformed,
			 "srtp");
}

/* The call's streams for its record: per leg, what the relay received from
 * it ("a": from the caller, "b": from the callee) and sent to it. */
json_t *media_record(struct call *c)
{
	json_t *arr = json_array();

	for (unsigned i = 0; arr && i < c->n_streams; i++) {
		struct call_stream *cs = &c->streams[i];
		struct relay_side_stats st[2];
		if (!cs->active || relay_pair_stats(c->core->relay, cs->id, st) < 0)
			continue;
		json_array_append_new(arr, json_pack("{s:i,s:s,s:s,s:o,s:o}", "index", i,
						     "type", cs->type, "codec", cs->codec,
						     "a", side_record(&st[0], cs, LEG_A),
						     "b", side_record(&st[1], cs, LEG_B)));
	}
	return arr;
}

/* The relay saw no packet on a stream for the timeout: end the call. */
void media_on_timeout(void *arg, uint64_t cookie)
{
	struct call_core *core = arg;
	uint64_t id = cookie >> COOKIE_SHIFT;

	unsigned idx = (unsigned)(cookie & ((1u << COOKIE_SHIFT) - 1));

	for (struct call *c = core->calls; c; c = c->next) {
		if (c->id != id)
			continue;
		if (c->state == CALL_ST_CLOSING || idx >= c->n_streams)
			return;
		c->streams[idx].timed_out = true;
		/* the call is dead when every stream it has is */
		for (unsigned i = 0; i < c->n_streams; i++)
			if (c->streams[i].active && !c->streams[i].timed_out)
				return;
		call_log(c, LOG_LVL_NOTICE, "no media for %d s: hanging up",
			 on_hold(&c->streams[idx]) ? c->conf->media_hold_timeout :
			 c->conf->media_timeout);
		call_close(c, CALL_END_MEDIA_TIMEOUT, 408, "Request Timeout");
		return;
	}
}
