/* lib/call/bridge.c: conference bridges as the coordinator sees them. A
 * bridge holds the parties (legs) of the calls joined to it, by
 * `tandemctl join` or by a REFER to the conference URI (xfer.c): every
 * live party of each call. Their audio streams are mixed in one relay
 * worker (lib/media/relay_mix.c): G.711 only; a call with another codec on
 * either leg is refused before anything changes. A party that sends BYE
 * leaves alone (its call's other party stays in the bridge); when one
 * party is left the bridge ends and that party is hung up (reason
 * bridge-ended): one party has no one to hear. Each call's record says
 * who was in the bridge and for how long; bridge.join and bridge.leave
 * are events. Sofia thread only. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call_int.h"
#include "media/mix.h"
#include "ops/log.h"

#define BRIDGE_NAME 128

struct bridge {
	struct bridge *next;
	uint64_t id;
	char name[BRIDGE_NAME];		/* the conference URI, or "join" */
	struct relay_bridge_id rid;
	double t_start;
	unsigned n, n_live;
	struct bridge_party {
		struct call *c;		/* NULL once it left */
		uint64_t call_id;
		char uuid[TID_UUID_LEN + 1];
		enum leg_side side;
		char user[64];
		double t_join, t_leave;
	} p[MIX_MAX_PARTIES];
};

/* What a call brings: its audio stream and each leg's codec. */
struct plan {
	struct call *c;
	unsigned stream;
	enum mix_codec codec[_LEG_SIDE_MAX];
	uint8_t pt[_LEG_SIDE_MAX];
	unsigned n_parties;
};

static const char *side_name(enum leg_side s)
{
	return s == LEG_A ? "a" : "b";
}

static bool party_live(const struct call *c, enum leg_side s)
{
	return c->leg[s] && !leg_is_ended(c->leg[s]);
}

static int fail(char *err, size_t len, int e, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t len, int e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return e;
}

/* Whether c can join, and with what; nothing changes. */
static int plan_call(struct call *c, struct plan *pl, char *err, size_t len)
{
	struct tsdp sdp;

	memset(pl, 0, sizeof(*pl));
	pl->c = c;
	if (c->state != CALL_ST_CONFIRMED)
		return fail(err, len, -EBUSY, "call %llu is not answered", (unsigned long long)c->id);
	if (!c->media_on)
		return fail(err, len, -EPROTONOSUPPORT,
			    "call %llu: its media does not cross tandemd's relay (media_passthrough)",
			    (unsigned long long)c->id);
	if (xfer_leg(c))
		return fail(err, len, -EBUSY, "call %llu: a transfer is under way",
			    (unsigned long long)c->id);
	for (pl->stream = 0; pl->stream < c->n_streams; pl->stream++)
		if (c->streams[pl->stream].active && !strcmp(c->streams[pl->stream].type, "audio"))
			break;
	if (pl->stream == c->n_streams)
		return fail(err, len, -EPROTONOSUPPORT, "call %llu has no relayed audio stream",
			    (unsigned long long)c->id);
	for (int s = 0; s < _LEG_SIDE_MAX; s++) {
		const struct tsdp_media *m;
		if (!party_live(c, s))
			continue;
		if (c->last_sdp[s] == NULL ||
		    tsdp_parse(c->last_sdp[s], c->last_sdp_len[s], &sdp) < 0 ||
		    pl->stream >= sdp.n_media)
			return fail(err, len, -EPROTONOSUPPORT, "call %llu leg %s: no usable SDP",
				    (unsigned long long)c->id, side_name(s));
		m = &sdp.m[pl->stream];
		if (mix_codec_of(m->codec, m->clock_rate, &pl->codec[s]) < 0)
			return fail(err, len, -EPROTONOSUPPORT,
				    "call %llu leg %s: codec %s cannot be mixed (PCMU and PCMA only)",
				    (unsigned long long)c->id, side_name(s),
				    m->codec[0] ? m->codec : "(unknown)");
		pl->pt[s] = m->first_pt >= 0 ? (uint8_t)m->first_pt : mix_codec_pt(pl->codec[s]);
		pl->n_parties++;
	}
	return 0;
}

static void publish(struct bridge *b, struct call *c, const char *type, enum leg_side s)
{
	call_publish(c, type, json_pack("{s:I,s:s,s:s,s:i}", "bridge", (json_int_t)b->id,
					"name", b->name, "leg", side_name(s), "parties",
					(int)b->n_live));
}

static json_t *bridge_json(const struct bridge *b)
{
	json_t *parties = json_array();
	double now = call_now();

	for (unsigned k = 0; parties && k < b->n; k++) {
		const struct bridge_party *p = &b->p[k];
		double end = p->t_leave > 0 ? p->t_leave : now;
		json_array_append_new(parties,
				      json_pack("{s:I,s:s,s:s,s:s,s:f,s:o,s:f}", "call",
						(json_int_t)p->call_id, "uuid", p->uuid, "leg",
						side_name(p->side), "user", p->user, "joined",
						p->t_join, "left",
						p->t_leave > 0 ? json_real(p->t_leave) : json_null(),
						"seconds", end - p->t_join));
	}
	return json_pack("{s:I,s:s,s:f,s:o}", "id", (json_int_t)b->id, "name", b->name, "start",
			 b->t_start, "parties", parties);
}

static void bridge_free(struct call_core *core, struct bridge *b)
{
	for (struct bridge **pp = &core->bridges; *pp; pp = &(*pp)->next)
		if (*pp == b) {
			*pp = b->next;
			break;
		}
	if (core->relay)
		relay_bridge_free(core->relay, b->rid);
	log_info("bridge %llu (%s) ended", (unsigned long long)b->id, b->name);
	free(b);
}

/* Party k leaves: out of the mix, timed, announced. */
static void party_leave(struct bridge *b, unsigned k)
{
	struct bridge_party *p = &b->p[k];
	struct call *c = p->c;
	struct call_stream *cs;

	p->c = NULL;
	p->t_leave = call_now();
	b->n_live--;
	for (unsigned i = 0; i < c->n_streams; i++) {
		cs = &c->streams[i];
		if (cs->active && !strcmp(cs->type, "audio")) {
			relay_bridge_leave(c->core->relay, cs->id, p->side);
			break;
		}
	}
	publish(b, c, BUS_EV_BRIDGE_LEAVE, p->side);
	call_log(c, LOG_LVL_INFO, "leg %s left bridge %llu (%u parties left)", side_name(p->side),
		 (unsigned long long)b->id, b->n_live);
}

/* c has no party in b any more: its record keeps what the bridge was. */
static void call_detach(struct bridge *b, struct call *c)
{
	json_decref(c->bridge_rec);
	c->bridge_rec = bridge_json(b);
	c->bridge = NULL;
}

/* After parties left: one left is hung up, none left ends the bridge.
 * Touches b no more once it returns. */
static void settle(struct call_core *core, struct bridge *b, struct call *current)
{
	if (b->n_live == 1) {
		for (unsigned k = 0; k < b->n; k++)
			if (b->p[k].c) {
				struct call *last = b->p[k].c;
				call_log(last, LOG_LVL_INFO, "bridge %llu: last party, hung up",
					 (unsigned long long)b->id);
				/* its call_close() leaves the bridge and ends it; a
				 * call closing already leaves it here, and so no one
				 * is left: the bridge ends here too */
				if (last->state == CALL_ST_CLOSING) {
					party_leave(b, k);
					call_detach(b, last);
					bridge_free(core, b);
				} else {
					call_close(last, CALL_END_BRIDGE_ENDED, 200, NULL);
				}
				if (last != current)
					call_free_if_done(last);
				return;
			}
	}
	if (b->n_live == 0)
		bridge_free(core, b);
}

static void leave_call(struct call *c, bool and_settle)
{
	struct bridge *b = c->bridge;

	if (b == NULL)
		return;
	for (unsigned k = 0; k < b->n; k++)
		if (b->p[k].c == c)
			party_leave(b, k);
	call_detach(b, c);
	if (and_settle)
		settle(c->core, b, c);
	else if (b->n_live == 0)
		bridge_free(c->core, b);
}

void bridge_call_closing(struct call *c)
{
	leave_call(c, true);
}

void bridge_call_freeing(struct call *c)
{
	leave_call(c, false);
	json_decref(c->bridge_rec);
	c->bridge_rec = NULL;
}

bool bridge_leg_left(struct call *c, struct leg *l)
{
	struct bridge *b = c->bridge;
	bool more = false;

	if (b == NULL)
		return false;
	for (unsigned k = 0; k < b->n; k++) {
		if (b->p[k].c != c)
			continue;
		if (b->p[k].side == l->side)
			party_leave(b, k);
		else
			more = true;
	}
	if (!more)
		call_detach(b, c);
	settle(c->core, b, c);
	return true;
}

json_t *bridge_record(struct call *c)
{
	if (c->bridge)
		return bridge_json(c->bridge);
	return c->bridge_rec ? json_incref(c->bridge_rec) : NULL;
}

static struct bridge *find_named(struct call_core *core, const char *name)
{
	for (struct bridge *b = core->bridges; b; b = b->next)
		if (!strcmp(b->name, name))
			return b;
	return NULL;
}

static int join_one(struct call_core *core, struct bridge *b, const struct plan *pl)
{
	struct call *c = pl->c;
	struct call_stream *cs = &c->streams[pl->stream];
	struct relay_pair_id id;
	int e = relay_pair_move(core->relay, cs->id, b->rid.worker, &id);

	if (e < 0)
		return e;
	if (id.worker != cs->id.worker)
		call_log(c, LOG_LVL_INFO, "its audio moves to media worker %u, where bridge %llu mixes",
			 (unsigned)id.worker, (unsigned long long)b->id);
	cs->id = id;
	for (int s = 0; s < _LEG_SIDE_MAX; s++) {
		struct bridge_party *p;
		if (!party_live(c, s))
			continue;
		e = relay_bridge_join(core->relay, b->rid, cs->id, s, pl->codec[s], pl->pt[s]);
		if (e < 0)
			return e;
		p = &b->p[b->n++];
		memset(p, 0, sizeof(*p));
		p->c = c;
		p->call_id = c->id;
		memcpy(p->uuid, c->uuid, sizeof(p->uuid));
		p->side = s;
		snprintf(p->user, sizeof(p->user), "%s",
			 (s == LEG_A ? c->from_user : c->ruri_user) ? (s == LEG_A ? c->from_user :
									       c->ruri_user) : "");
		p->t_join = call_now();
		b->n_live++;
		c->bridge = b;
		publish(b, c, BUS_EV_BRIDGE_JOIN, s);
		call_log(c, LOG_LVL_INFO, "leg %s joined bridge %llu (%s, %s, %u parties)",
			 side_name(s), (unsigned long long)b->id, b->name,
			 pl->codec[s] == MIX_PCMA ? "PCMA" : "PCMU", b->n_live);
	}
	return 0;
}

int bridge_join(struct call_core *core, const char *name, struct call *const calls[], unsigned n,
		char *err, size_t len)
{
	struct plan pl[2];
	struct bridge *b = NULL;
	unsigned need = 0, k = 0;
	int e;

	if (core->relay == NULL)
		return fail(err, len, -EPROTONOSUPPORT, "no media relay");
	if (n > 2 || (n == 2 && calls[0] == calls[1]))
		return fail(err, len, -EINVAL, "two different calls to join");
	for (unsigned i = 0; i < n; i++)
		if (calls[i]->bridge) {
			if (b && b != calls[i]->bridge)
				return fail(err, len, -EBUSY, "the calls are in two bridges already");
			b = calls[i]->bridge;
		}
	if (b == NULL && name)
		b = find_named(core, name);
	for (unsigned i = 0; i < n; i++) {
		if (calls[i]->bridge)
			continue;	/* in it already */
		e = plan_call(calls[i], &pl[k], err, len);
		if (e < 0)
			return e;
		need += pl[k++].n_parties;
	}
	if (k == 0)
		return fail(err, len, -EALREADY, "already in bridge %llu",
			    (unsigned long long)b->id);
	if ((b ? b->n : 0) + need > MIX_MAX_PARTIES)
		return fail(err, len, -ENOSPC, "a bridge holds at most %d parties",
			    MIX_MAX_PARTIES);
	if (b == NULL) {
		b = calloc(1, sizeof(*b));
		if (b == NULL)
			return fail(err, len, -ENOMEM, "out of memory");
		e = relay_bridge_new(core->relay, pl[0].c->streams[pl[0].stream].id, &b->rid);
		if (e < 0) {
			free(b);
			return fail(err, len, e, "the media worker mixes as many bridges as it can");
		}
		b->id = ++core->next_bridge_id;
		snprintf(b->name, sizeof(b->name), "%s", name ? name : "join");
		b->t_start = call_now();
		b->next = core->bridges;
		core->bridges = b;
		log_info("bridge %llu (%s) started", (unsigned long long)b->id, b->name);
	}
	for (unsigned i = 0; i < k; i++) {
		e = join_one(core, b, &pl[i]);
		if (e < 0) {
			/* out of memory in the relay's queue: what joined stays */
			call_log(pl[i].c, LOG_LVL_ERR, "cannot join bridge %llu: %s",
				 (unsigned long long)b->id, strerror(-e));
			if (b->n_live == 0)
				bridge_free(core, b);
			return fail(err, len, e, e == -EAGAIN ?
				    "the media relay is moving another call; try again" :
				    "the relay refused the join: %s", strerror(-e));
		}
	}
	return 0;
}

int call_core_join(struct call_core *core, uint64_t a, uint64_t b, char *err, size_t len)
{
	struct call *calls[2] = { NULL, NULL };
	uint64_t ids[2] = { a, b };

	for (int i = 0; i < 2; i++) {
		for (struct call *c = core->calls; c; c = c->next)
			if (c->id == ids[i])
				calls[i] = c;
		if (calls[i] == NULL)
			return fail(err, len, -ENOENT, "no call %llu", (unsigned long long)ids[i]);
	}
	return bridge_join(core, NULL, calls, 2, err, len);
}

void bridge_core_free(struct call_core *core)
{
	while (core->bridges)
		bridge_free(core, core->bridges);
}
