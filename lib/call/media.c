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

#include <sofia-sip/base64.h>

#include "call_int.h"
#include "ops/log.h"

static bool is_sdp(const struct call_msg *m)
{
	return m->body && m->body_len > 0 &&
	       (m->ctype == NULL || strncasecmp(m->ctype, "application/sdp", 15) == 0);
}

static int to_sockaddr(const char *addr, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	/* c=0.0.0.0 (RFC 2543 hold): nowhere to send */
	if (strcmp(addr, "0.0.0.0") == 0 || strcmp(addr, "::") == 0)
		return -EINVAL;
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

#define CRYPTO_LINES_MAX 1024

/* Does the leg's signalling run over TLS? Leg B's first offer is built
 * before the leg is placed: then its target says. */
static bool leg_on_tls(const struct call *c, enum leg_side side)
{
	const struct leg *l = c->leg[side];

	if (l)
		return l->tls;
	if (side == LEG_B && c->route->targets && c->target_idx < c->route->n_targets)
		return conf_target_is_tls(c->route->targets[c->target_idx]);
	return false;
}

static enum conf_sec sec_of(const struct call *c, enum leg_side side)
{
	enum conf_sec sec = side == LEG_A ? c->route->sec_caller : c->route->sec_callee;

	/* SDES keys travel in the SDP: not over UDP/TCP unless the route allows
	 * it (passthrough keys are the endpoints' own and cross as they are) */
	if (c->route->sdes_tls_only && (sec == CONF_SEC_SRTP || sec == CONF_SEC_OPTIONAL) &&
	    !leg_on_tls(c, side))
		return CONF_SEC_RTP;
	return sec;
}

static bool suite_allowed(const struct call *c, enum tsrtp_suite su)
{
	for (int i = 0; i < CONF_MAX_SUITES && c->route->suites[i]; i++)
		if (c->route->suites[i] == (int)su)
			return true;
	return false;
}

/* The key of an a=crypto line we can use, or a negative errno. */
static int crypto_key(const struct call *c, const struct tsdp_crypto *cr, struct tsrtp_key *ret)
{
	char buf[96];
	enum tsrtp_suite su;
	isize_t n;

	if (cr->mki || cr->multi || cr->params)
		return -EOPNOTSUPP;	/* RFC 4568 features we do not do */
	su = tsrtp_suite_from_name(cr->suite);
	if (su == TSRTP_NONE || !suite_allowed(c, su))
		return -EOPNOTSUPP;
	n = base64_d(buf, sizeof(buf), cr->key);
	/* phones pad or do not pad; a key of another length is no key */
	if (n < 0 || (size_t)n != tsrtp_key_len(su)) {
		explicit_bzero(buf, sizeof(buf));
		return -EINVAL;
	}
	ret->suite = su;
	ret->len = (uint8_t)n;
	memcpy(ret->key, buf, (size_t)n);
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

static int crypto_line(char *buf, size_t len, unsigned tag, const struct tsrtp_key *k)
{
	char b64[BASE64_SIZE(TSRTP_KEY_MAX) + 4];
	int n;

	base64_e(b64, sizeof(b64), (void *)k->key, k->len);
	n = snprintf(buf, len, "a=crypto:%u %s inline:%s\r\n", tag, tsrtp_suite_name(k->suite), b64);
	explicit_bzero(b64, sizeof(b64));
	return n > 0 && (size_t)n < len ? n : -ENOSPC;
}

/* The offering leg `from`: which of its a=crypto lines we take (first
 * acceptable, RFC 4568 6.1), its key, and a fresh key of ours for it. */
static int offer_from(struct call *c, struct call_stream *cs, enum leg_side from,
		      const struct tsdp_media *m)
{
	enum conf_sec sec = sec_of(c, from);
	struct tsrtp_key k;

	cs->savp_offer[from] = m->savp;
	if (sec != CONF_SEC_RTP) {
		for (unsigned i = 0; i < m->n_crypto; i++) {
			if (crypto_key(c, &m->crypto[i], &k) < 0)
				continue;
			if (!cs->srtp[from] || cs->tx[from].suite != k.suite) {
				tsrtp_key_wipe(&cs->tx[from]);
				if (tsrtp_key_random(k.suite, &cs->tx[from]) < 0) {
					tsrtp_key_wipe(&k);
					return -EIO;
				}
			}
			cs->srtp[from] = true;
			cs->tag[from] = m->crypto[i].tag;
			cs->rx[from] = k;
			tsrtp_key_wipe(&k);
			return 0;
		}
	}
	/* no SRTP with this leg */
	if (sec == CONF_SEC_SRTP || m->savp) {
		if (sec != (from == LEG_A ? c->route->sec_caller : c->route->sec_callee))
			call_log(c, LOG_LVL_NOTICE, "leg %c offers %s: SDES keys refused on a "
				 "non-TLS leg (security.sdes_tls_only)", from == LEG_A ? 'A' : 'B',
				 m->proto);
		else
			call_log(c, LOG_LVL_NOTICE, "leg %c offers %s without crypto we accept",
				 from == LEG_A ? 'A' : 'B', m->proto);
		return -EPROTONOSUPPORT;
	}
	cs->srtp[from] = false;
	tsrtp_key_wipe(&cs->rx[from]);
	tsrtp_key_wipe(&cs->tx[from]);
	return 0;
}

/* What we offer leg `to`: plain, or our keys, one a=crypto line per suite. */
static int offer_to(struct call *c, struct call_stream *cs, enum leg_side to,
		    struct tsdp_media_rw *mr, char *lines, size_t len)
{
	enum conf_sec sec = sec_of(c, to);
	size_t used = 0;

	mr->crypto_set = true;
	mr->crypto = lines;
	lines[0] = '\0';
	mr->proto = sec == CONF_SEC_SRTP ? "RTP/SAVP" : "RTP/AVP";
	if (sec == CONF_SEC_RTP)
		return 0;
	if (cs->n_offered[to] == 0)
		for (int i = 0; i < CONF_MAX_SUITES && c->route->suites[i]; i++) {
			if (tsrtp_key_random((enum tsrtp_suite)c->route->suites[i],
					     &cs->offered[to][i]) < 0)
				return -EIO;
			cs->n_offered[to]++;
		}
	for (unsigned i = 0; i < cs->n_offered[to]; i++) {
		int n = crypto_line(lines + used, len - used, i + 1, &cs->offered[to][i]);
		if (n < 0)
			return n;
		used += (size_t)n;
	}
	return 0;
}

/* The answering leg `from`: the a=crypto line it took from our offer. */
static int answer_from(struct call *c, struct call_stream *cs, enum leg_side from,
		       const struct tsdp_media *m)
{
	struct tsrtp_key k;

	for (unsigned i = 0; cs->n_offered[from] && i < m->n_crypto; i++) {
		const struct tsdp_crypto *cr = &m->crypto[i];
		if (cr->tag < 1 || cr->tag > cs->n_offered[from] ||
		    tsrtp_suite_from_name(cr->suite) != cs->offered[from][cr->tag - 1].suite ||
		    crypto_key(c, cr, &k) < 0)
			continue;
		cs->srtp[from] = true;
		cs->tag[from] = cr->tag;
		cs->rx[from] = k;
		cs->tx[from] = cs->offered[from][cr->tag - 1];
		tsrtp_key_wipe(&k);
		return 0;
	}
	if (sec_of(c, from) == CONF_SEC_SRTP) {
		call_log(c, LOG_LVL_NOTICE, "leg %c answers without the SRTP it must use",
			 from == LEG_A ? 'A' : 'B');
		return -EPROTONOSUPPORT;
	}
	cs->srtp[from] = false;
	tsrtp_key_wipe(&cs->rx[from]);
	tsrtp_key_wipe(&cs->tx[from]);
	return 0;
}

/* What we answer leg `to` (the offerer): our key for the tag it chose. */
static int answer_to(struct call_stream *cs, enum leg_side to, struct tsdp_media_rw *mr,
		     char *lines, size_t len)
{
	mr->crypto_set = true;
	mr->crypto = lines;
	mr->proto = cs->savp_offer[to] ? "RTP/SAVP" : "RTP/AVP";
	lines[0] = '\0';
	if (!cs->srtp[to])
		return 0;
	return crypto_line(lines, len, cs->tag[to], &cs->tx[to]) < 0 ? -ENOSPC : 0;
}

/* Tell the relay where leg `side` receives this stream. */
static int set_side(struct call *c, struct call_stream *cs, enum leg_side side,
		    const struct tsdp_media *m)
{
	struct relay_endpoint ep = { .mux = m->rtcp_mux, .clock_rate = m->clock_rate };
	int r;
	/* no media timeout while a call rings: no_answer_timeout rules then */
	unsigned timeout = c->state != CALL_ST_CONFIRMED ? 0 :
			   (unsigned)(on_hold(cs) ? c->conf->media_hold_timeout :
				      c->conf->media_timeout);

	cs->timed_out = false;
	if (to_sockaddr(m->addr, m->port, &ep.addr[0]) < 0)
		memset(&ep.addr[0], 0, sizeof(ep.addr[0]));
	if (m->rtcp_mux)
		ep.addr[1] = ep.addr[0];
	else if (to_sockaddr(m->rtcp_addr, m->rtcp_port, &ep.addr[1]) < 0)
		memset(&ep.addr[1], 0, sizeof(ep.addr[1]));
	if (cs->srtp[side]) {
		ep.rx = cs->rx[side];
		ep.tx = cs->tx[side];
	}
	ep.new_party = cs->fresh[side];
	cs->fresh[side] = false;
	dtmf_endpoint(c, cs, side, m, &ep);
	r = relay_pair_set(c->core->relay, cs->id, side, &ep, timeout);
	tsrtp_key_wipe(&ep.rx);
	tsrtp_key_wipe(&ep.tx);
	return r;
}

#define NO_HOLDER (-1)

static int cross(struct call *c, enum leg_side from, bool offer, bool update_from, int holder,
		 const struct call_msg *in, struct call_msg *out, char *buf, size_t len);
static json_t *streams_json(struct call *c, bool stats);

int media_cross(struct call *c, enum leg_side from, bool offer, const struct call_msg *in,
		struct call_msg *out, char *buf, size_t len)
{
	return cross(c, from, offer, true, NO_HOLDER, in, out, buf, len);
}

int media_toward(struct call *c, enum leg_side from, bool offer, const struct call_msg *in,
		 struct call_msg *out, char *buf, size_t len)
{
	return cross(c, from, offer, false, NO_HOLDER, in, out, buf, len);
}

int media_toward_unheld(struct call *c, enum leg_side from, enum leg_side holder, bool offer,
			const struct call_msg *in, struct call_msg *out, char *buf, size_t len)
{
	return cross(c, from, offer, false, (int)holder, in, out, buf, len);
}

/* The stream is in a hold of `holder`'s making: holder offered sendonly
 * and the other answered recvonly, or inactive both (the answer to an
 * inactive offer has no choice). An inactive answer to sendonly is the
 * other party's own hold as well, and stays. */
static bool stream_held_by(const struct call_stream *cs, enum leg_side holder)
{
	enum leg_side held = holder == LEG_A ? LEG_B : LEG_A;

	if (!cs->active || cs->dir_answer[holder] || !cs->dir_answer[held])
		return false;
	return (cs->dir[holder] == TSDP_SENDONLY && cs->dir[held] == TSDP_RECVONLY) ||
	       (cs->dir[holder] == TSDP_INACTIVE && cs->dir[held] == TSDP_INACTIVE);
}

bool media_held_by(const struct call *c, enum leg_side holder)
{
	if (!c->media_on)
		return false;
	for (unsigned i = 0; i < c->n_streams; i++)
		if (stream_held_by(&c->streams[i], holder))
			return true;
	return false;
}

int media_family_of_uri(const char *uri)
{
	const char *h = uri, *at, *end;
	char host[64];
	struct in_addr a4;

	if (uri == NULL)
		return 0;
	if (strncasecmp(h, "sips:", 5) == 0)
		h += 5;
	else if (strncasecmp(h, "sip:", 4) == 0)
		h += 4;
	else
		return 0;
	end = h + strcspn(h, ";?>");
	at = memchr(h, '@', (size_t)(end - h));
	if (at)
		h = at + 1;
	if (*h == '[')
		return AF_INET6;
	end = h + strcspn(h, ":;?>");
	if ((size_t)(end - h) >= sizeof(host))
		return 0;
	memcpy(host, h, (size_t)(end - h));
	host[end - h] = '\0';
	return inet_pton(AF_INET, host, &a4) == 1 ? AF_INET : 0;
}

static int family_of_addr(const char *addr)
{
	return addr && strchr(addr, ':') ? AF_INET6 : addr && *addr ? AF_INET : 0;
}

/* What the SDP toward a leg says: the advertised address of the family of
 * the relay's sockets facing it. */
static const char *advertise_for(const struct call *c, int family)
{
	if (family == AF_INET6 && c->conf->media_advertise6 &&
	    strchr(c->conf->media_advertise, ':') == NULL)
		return c->conf->media_advertise6;
	return c->conf->media_advertise;
}

int media_prepare_side(struct call *c, enum leg_side side)
{
	struct relay *relay = c->core->relay;

	if (!c->media_on)
		return 0;
	for (unsigned i = 0; i < c->n_streams; i++) {
		struct call_stream *cs = &c->streams[i];
		int want = relay_family_for(relay, c->fam_hint[side]);
		int r;

		if (!cs->active)
			continue;
		if (cs->has_spare && (cs->spare_side != side || cs->spare.family != want)) {
			relay_spare_close(relay, &cs->spare);
			cs->has_spare = false;
		}
		if (cs->fam[side] == want || cs->has_spare)
			continue;
		r = relay_spare_open(relay, want, &cs->spare);
		if (r < 0) {
			call_log(c, LOG_LVL_WARNING, "no relay ports for stream %u in the new "
				 "party's address family: %s", i, strerror(-r));
			return r;
		}
		cs->has_spare = true;
		cs->spare_side = side;
	}
	return 0;
}

void media_commit_side(struct call *c, enum leg_side side)
{
	for (unsigned i = 0; i < c->n_streams; i++) {
		struct call_stream *cs = &c->streams[i];
		if (!cs->has_spare || cs->spare_side != side)
			continue;
		cs->has_spare = false;
		cs->fam[side] = cs->spare.family;
		cs->port[side] = cs->spare.base;
		if (relay_pair_swap(c->core->relay, cs->id, side, &cs->spare) < 0)
			call_log(c, LOG_LVL_WARNING, "stream %u: cannot move leg %c to its new "
				 "sockets", i, side == LEG_A ? 'A' : 'B');
		call_log(c, LOG_LVL_INFO, "stream %u: leg %c now on relay port %u (%s)", i,
			 side == LEG_A ? 'A' : 'B', cs->port[side],
			 cs->fam[side] == AF_INET6 ? "IPv6" : "IPv4");
	}
}

void media_drop_spares(struct call *c)
{
	for (unsigned i = 0; i < c->n_streams; i++) {
		struct call_stream *cs = &c->streams[i];
		if (cs->has_spare) {
			relay_spare_close(c->core->relay, &cs->spare);
			cs->has_spare = false;
		}
	}
}

/* The relay port (and family) a leg is offered or answered: the spare side
 * when the SDP is for the party that waits for it (c->toward_spare). */
static uint16_t port_toward(const struct call *c, const struct call_stream *cs,
			    enum leg_side to, int *ret_family)
{
	if (c->toward_spare && cs->has_spare && cs->spare_side == to) {
		*ret_family = cs->spare.family;
		return cs->spare.base;
	}
	*ret_family = cs->fam[to];
	return cs->port[to];
}

/* An offer toward leg `to` through the route's codec policy for that leg
 * (conf_codecs.c): *in replaced by the filtered body; -EBADMSG (488) when
 * no codec is left. */
static int codec_policy(struct call *c, enum leg_side to, const struct call_msg **in,
			struct call_msg *filtered)
{
	static char buf[SDP_MAX];	/* sofia thread only */
	const struct conf_codecs *cc = &c->route->codecs[to == LEG_A ? CONF_CALLER : CONF_CALLEE];
	struct tsdp_codec_policy p = {
		.allow = (const char *const *)cc->allow, .n_allow = cc->n_allow,
		.deny = (const char *const *)cc->deny, .n_deny = cc->n_deny,
		.order = (const char *const *)cc->order, .n_order = cc->n_order,
		.ptime = (unsigned)cc->ptime,
	};
	char left[160];
	int r;

	if (!cc->set)
		return 0;
	r = tsdp_codec_filter((*in)->body, (*in)->body_len, &p, buf, sizeof(buf), left, sizeof(left));
	if (r == -ENOENT) {
		call_log(c, LOG_LVL_NOTICE, "no codec left for leg %c under route \"%s\"'s codec "
			 "policy (offered: %s): 488", to == LEG_A ? 'A' : 'B', c->route->name, left);
		return -EBADMSG;
	}
	if (r < 0) {
		call_log(c, LOG_LVL_NOTICE, "unusable SDP toward leg %c for the codec policy",
			 to == LEG_A ? 'A' : 'B');
		return -EBADMSG;
	}
	*filtered = **in;
	filtered->body = buf;
	filtered->body_len = (size_t)r;
	*in = filtered;
	return 0;
}

static int cross(struct call *c, enum leg_side from, bool offer, bool update_from, int holder,
		 const struct call_msg *in, struct call_msg *out, char *buf, size_t len)
{
	struct call_msg filtered;
	enum leg_side to = from == LEG_A ? LEG_B : LEG_A;
	struct tsdp_rewrite rw = { .addr = c->conf->media_advertise };
	int to_family = 0;
	static char lines[TSDP_MAX_MEDIA][CRYPTO_LINES_MAX];
	bool pass_crypto = c->route->sec_caller == CONF_SEC_PASSTHROUGH;
	struct tsdp s;
	int r;

	*out = *in;
	if (!is_sdp(in))
		return 0;
	/* remembered as the leg sent it: a transfer offers it to a new leg */
	if (!update_from)
		;
	else if (c->last_sdp_len[from] < in->body_len || c->last_sdp[from] == NULL) {
		char *grown = realloc(c->last_sdp[from], in->body_len + 1);
		if (grown == NULL)
			return -ENOMEM;
		c->last_sdp[from] = grown;
	}
	if (update_from) {
		memcpy(c->last_sdp[from], in->body, in->body_len);
		c->last_sdp[from][in->body_len] = '\0';
		c->last_sdp_len[from] = in->body_len;
	}
	if (!c->media_on)
		return 0;
	if (offer && (r = codec_policy(c, to, &in, &filtered)) < 0)
		return r;
	r = tsdp_parse(in->body, in->body_len, &s);
	if (r < 0) {
		call_log(c, LOG_LVL_NOTICE, "unusable SDP from leg %c", from == LEG_A ? 'A' : 'B');
		return -EBADMSG;
	}
	rw.n_media = s.n_media;
	for (unsigned i = 0; i < s.n_media; i++) {
		struct tsdp_media *m = &s.m[i];
		struct call_stream *cs = &c->streams[i];

		if (m->port == 0 || (!offer && !cs->active)) {
			rw.m[i].port = 0;	/* rejected, or never offered */
			/* a disabled stream's keys stay on their leg too */
			rw.m[i].crypto_set = !pass_crypto;
			rw.m[i].crypto = "";
			if (update_from) {
				cs->dir[from] = m->dir;
				cs->dir_answer[from] = !offer;
			}
			continue;
		}
		if (!cs->active) {
			uint64_t cookie = c->id << COOKIE_SHIFT | i;
			int fam[_LEG_SIDE_MAX];
			/* the offerer's family from its SDP, the other's from its target */
			fam[from] = family_of_addr(m->addr);
			if (fam[from] == 0)
				fam[from] = c->fam_hint[from];
			fam[to] = c->fam_hint[to];
			for (int k = 0; k < _LEG_SIDE_MAX; k++)
				fam[k] = cs->fam[k] = relay_family_for(c->core->relay, fam[k]);
			r = relay_pair_new(c->core->relay, cookie, fam, &cs->id, cs->port);
			if (r < 0) {
				call_log(c, LOG_LVL_WARNING, "no relay ports for stream %u: %s", i,
					 strerror(-r));
				return r;
			}
			cs->active = true;
			if (i >= c->n_streams)
				c->n_streams = i + 1;
		}
		if (holder != NO_HOLDER && stream_held_by(cs, (enum leg_side)holder)) {
			rw.m[i].dir_set = true;	/* the hold ends with the holder */
			rw.m[i].dir = TSDP_SENDRECV;
		}
		if (update_from) {
			cs->dir[from] = m->dir;
			cs->dir_answer[from] = !offer;
			if (offer)
				cs->mux[from] = m->rtcp_mux;	/* answered as offered */
			else
				cs->mux[from] = m->rtcp_mux && cs->mux[to];
		}
		if (!pass_crypto) {
			r = update_from ? (offer ? offer_from(c, cs, from, m) :
					   answer_from(c, cs, from, m)) : 0;
			if (r == 0)
				r = offer ? offer_to(c, cs, to, &rw.m[i], lines[i], sizeof(lines[i])) :
					    answer_to(cs, to, &rw.m[i], lines[i], sizeof(lines[i]));
			if (r < 0)
				return r == -EPROTONOSUPPORT ? -EBADMSG : r;
		}
		snprintf(cs->codec, sizeof(cs->codec), "%s", m->codec);
		snprintf(cs->type, sizeof(cs->type), "%s", m->type);
		if (update_from)
			set_side(c, cs, from, m);
		/* offer toward the peer what the offerer offered; answer the
		 * peer as it offered */
		rw.m[i].port = port_toward(c, cs, to, &to_family);
		rw.m[i].rtcp_port = (uint16_t)(rw.m[i].port + 1);
		rw.m[i].mux = offer ? m->rtcp_mux : cs->mux[to];
	}
	/* one c= line: the family of the sockets facing the leg */
	rw.addr = advertise_for(c, to_family);
	rw.family = strchr(rw.addr, ':') ? AF_INET6 : AF_INET;
	r = tsdp_rewrite(in->body, in->body_len, &rw, buf, len);
	for (unsigned i = 0; i < s.n_media; i++)
		explicit_bzero(lines[i], sizeof(lines[i]));
	if (r < 0)
		return r == -ENOSPC ? -EMSGSIZE : -EBADMSG;
	out->body = buf;
	out->body_len = (size_t)r;
	return 0;
}

void media_release(struct call *c)
{
	if (c->n_streams && c->answered_at && bus_active())
		call_publish(c, BUS_EV_MEDIA_STOPPED,
			     json_pack("{s:o}", "streams", streams_json(c, true)));
	for (unsigned i = 0; i < c->n_streams; i++) {
		struct call_stream *cs = &c->streams[i];
		if (cs->has_spare) {
			relay_spare_close(c->core->relay, &cs->spare);
			cs->has_spare = false;
		}
		if (cs->active) {
			relay_pair_free(c->core->relay, cs->id);
			cs->active = false;
		}
		for (int s = 0; s < _LEG_SIDE_MAX; s++) {
			tsrtp_key_wipe(&cs->rx[s]);
			tsrtp_key_wipe(&cs->tx[s]);
			for (unsigned k = 0; k < cs->n_offered[s]; k++)
				tsrtp_key_wipe(&cs->offered[s][k]);
		}
	}
}

/* The call is answered: arm the media timeouts the relay has held back. */
/* A new party is about to be told the relay port of side `side` (attended
 * transfer): whatever the side latched so far, the old party or nobody, is
 * gone, and the side latches to the new party's first packets, even those
 * that come before its answer. Else a new party that sends first latches,
 * and its answer then takes it for the old one. A side with SRTP keeps
 * what it has: it cannot take the new party's packets before its keys. */
void media_vacate_side(struct call *c, enum leg_side side)
{
	for (unsigned i = 0; c->media_on && i < c->n_streams; i++) {
		struct call_stream *cs = &c->streams[i];
		struct relay_endpoint ep = { .mux = cs->mux[side], .new_party = true };

		if (!cs->active || cs->srtp[side])
			continue;
		if (relay_pair_set(c->core->relay, cs->id, side, &ep,
				   (unsigned)(on_hold(cs) ? c->conf->media_hold_timeout :
					      c->conf->media_timeout)) < 0)
			call_log(c, LOG_LVL_WARNING, "stream %u: cannot free leg %c's side", i,
				 side == LEG_A ? 'A' : 'B');
	}
}

/* A new leg takes side `side`: nothing of the old leg's SRTP is reused. */
void media_new_leg(struct call *c, enum leg_side side)
{
	for (unsigned i = 0; i < c->n_streams; i++) {
		struct call_stream *cs = &c->streams[i];
		cs->fresh[side] = true;
		for (unsigned k = 0; k < cs->n_offered[side]; k++)
			tsrtp_key_wipe(&cs->offered[side][k]);
		cs->n_offered[side] = 0;
		cs->srtp[side] = false;
		tsrtp_key_wipe(&cs->rx[side]);
		tsrtp_key_wipe(&cs->tx[side]);
	}
	free(c->last_sdp[side]);
	c->last_sdp[side] = NULL;
	c->last_sdp_len[side] = 0;
}

/* The streams of the call for an event: per stream, what came from each leg. */
static json_t *streams_json(struct call *c, bool stats)
{
	json_t *arr = json_array();

	for (unsigned i = 0; arr && i < c->n_streams; i++) {
		struct call_stream *cs = &c->streams[i];
		struct relay_side_stats st[2];
		json_t *o;
		if (!cs->active)
			continue;
		o = json_pack("{s:i,s:s,s:s,s:s?,s:s?,s:i,s:i}", "index", i, "type", cs->type,
			      "codec", cs->codec,
			      "srtp_a", cs->srtp[LEG_A] ? tsrtp_suite_name(cs->tx[LEG_A].suite) : NULL,
			      "srtp_b", cs->srtp[LEG_B] ? tsrtp_suite_name(cs->tx[LEG_B].suite) : NULL,
			      "relay_port_a", cs->port[LEG_A], "relay_port_b", cs->port[LEG_B]);
		if (o && stats && relay_pair_stats(c->core->relay, cs->id, st) == 0)
			for (int s = 0; s < 2; s++)
				json_object_set_new(o, s == LEG_A ? "a" : "b",
					json_pack("{s:I,s:I,s:f,s:I}", "packets", (json_int_t)st[s].packets,
						  "lost", (json_int_t)st[s].lost, "jitter_ms", st[s].jitter_ms,
						  "dropped", (json_int_t)(st[s].dropped_source +
									 st[s].dropped_malformed +
									 st[s].dropped_auth +
									 st[s].dropped_replay)));
		if (o)
			json_array_append_new(arr, o);
	}
	return arr;
}

/* media.quality of every answered call with media: the relay's figures so
 * far (the core's quality timer calls it while anyone listens). */
void media_publish_quality(struct call_core *core)
{
	if (!bus_active())
		return;
	for (struct call *c = core->calls; c; c = c->next)
		if (c->state == CALL_ST_CONFIRMED && c->n_streams)
			call_publish(c, BUS_EV_MEDIA_QUALITY,
				     json_pack("{s:o}", "streams", streams_json(c, true)));
}

void media_confirmed(struct call *c)
{
	if (c->n_streams && bus_active())
		call_publish(c, BUS_EV_MEDIA_STARTED,
			     json_pack("{s:o}", "streams", streams_json(c, false)));
	for (unsigned i = 0; i < c->n_streams; i++) {
		struct call_stream *cs = &c->streams[i];
		if (cs->active)
			relay_pair_timeout(c->core->relay, cs->id,
					   (unsigned)(on_hold(cs) ? c->conf->media_hold_timeout :
						      c->conf->media_timeout));
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
	return json_pack("{s:i,s:b,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:f,s:I,s:I,s:I,s:I,s:I,s:s?}",
			 "relay_port", cs->port[side], "rtcp_mux", cs->mux[side],
			 "direction", tsdp_dir_name(cs->dir[side]), "latched", st->latched,
			 "packets", (json_int_t)st->packets, "bytes", (json_int_t)st->bytes,
			 "rtcp_packets", (json_int_t)st->rtcp_packets, "sent", (json_int_t)st->sent,
			 "lost", (json_int_t)st->lost, "out_of_order", (json_int_t)st->out_of_order,
			 "jitter_ms", st->jitter_ms,
			 "dropped_source", (json_int_t)st->dropped_source,
			 "dropped_malformed", (json_int_t)st->dropped_malformed,
			 "dropped_auth", (json_int_t)st->dropped_auth,
			 "dropped_replay", (json_int_t)st->dropped_replay,
			 "mix_late", (json_int_t)st->mix_late,
			 "srtp", cs->srtp[side] ? tsrtp_suite_name(cs->tx[side].suite) : NULL);
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
		call_free_if_done(c);	/* an entry point: call.c's release rule */
		return;
	}
}
