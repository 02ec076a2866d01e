/* lib/sip/tsip_guard.c: flood protection at the SIP front end. Every new
 * request outside a dialog (INVITE, OPTIONS, REFER, REGISTER, SUBSCRIBE,
 * PUBLISH) passes lib/sec/guard before anything else looks at it; one over
 * its source's rate, or from a banned source, is answered (503 with
 * Retry-After, 403) or dropped here, and its handle destroyed. Requests
 * inside a dialog are never counted. Also: the ban log lines, the 1 s timer
 * that lifts bans when they run out, and the table's life across reloads.
 * Sofia thread only.
 *
 * A banned source's new request under ban_action = "drop" never reaches
 * sofia's transaction layer: tandemd's tport_deliver() (below; sofia's
 * transports hand every parsed message to it, through the PLT, before nta
 * sees it) throws it away, so it gets no answer at all, not even the 100
 * Trying that NUA sends to an INVITE before we would see it, and its
 * retransmissions go the same way.
 *
 * The other drops (over the rate with action = "drop", an ACL's drop) are
 * decided on NUA's event, where NUA has already sent 100 Trying to an
 * INVITE; destroying a handle whose request is not answered makes sofia
 * answer it (480 to an INVITE, 500 to the others), and so does leaving an
 * INVITE's handle unbound. So such a request's handle is bound to a marker
 * (its events are ignored) and parked, unanswered, for PARK_MS (the
 * client's own transaction timeout, 64 x T1: it has given up by then; its
 * retransmissions meanwhile are absorbed by the transaction layer), then
 * destroyed. At most PARK_MAX wait; a new one releases the oldest early.
 * (Rate-limited requests are not judged at the transport: a retransmission
 * would take a token there, and only nta knows it for one.) */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include <dlfcn.h>
#include <sofia-sip/msg_addr.h>

#include "tsip_int.h"

#include <sofia-sip/tport.h>
#include "ops/bus.h"
#include "ops/log.h"
#include "sec/guard.h"

#define SWEEP_MS 1000
#define PARK_MS 32000
#define PARK_MAX 1024

struct parked {
	nua_handle_t *nh;
	uint64_t until;
};

/* a ring, oldest first (sofia thread only) */
static struct parked park[PARK_MAX];
static unsigned park_head, park_n;

static void unpark_oldest(void)
{
	nua_handle_destroy(park[park_head].nh);
	park[park_head].nh = NULL;
	park_head = (park_head + 1) % PARK_MAX;
	park_n--;
}

/* the magic of a parked handle: its events are ignored (tsip.c) */
static char park_magic;

bool tsip_guard_parked(const struct leg *l)
{
	return (const void *)l == (const void *)&park_magic;
}

static void park_handle(nua_handle_t *nh, uint64_t now)
{
	nua_handle_bind(nh, (struct leg *)(void *)&park_magic);
	if (park_n == PARK_MAX)
		unpark_oldest();
	park[(park_head + park_n) % PARK_MAX] = (struct parked){ nh, now + PARK_MS };
	park_n++;
}

static void unpark(uint64_t now, bool all)
{
	while (park_n > 0 && (all || park[park_head].until <= now))
		unpark_oldest();
}

/* A request dropped by an ACL (tsip_auth.c, acl_action = "drop"): parked the same way. */
void tsip_guard_park(nua_handle_t *nh)
{
	park_handle(nh, guard_now());
}

/* ---- the drop at the door: before sofia's transaction layer ---- */

void tport_deliver(tport_t *tp, msg_t *msg, msg_t *next, tport_compressor_t *sc, su_time_t now);

/* A new request outside a dialog of a method the guard judges. */
static bool guarded_request(const sip_t *sip)
{
	if (sip == NULL || sip->sip_request == NULL || sip->sip_to == NULL || sip->sip_to->a_tag)
		return false;
	switch (sip->sip_request->rq_method) {
	case sip_method_invite:
	case sip_method_options:
	case sip_method_refer:
	case sip_method_register:
	case sip_method_subscribe:
	case sip_method_publish:
		return true;
	default:
		return false;
	}
}

static bool drop_at_door(msg_t *msg)
{
	struct guard *g = guard_get();
	su_addrinfo_t *ai;
	const sip_t *sip;

	if (g == NULL || msg_has_error(msg) || !msg_is_complete(msg))
		return false;
	sip = sip_object(msg);
	if (!guarded_request(sip))
		return false;
	ai = msg_addrinfo(msg);
	if (ai == NULL || !guard_drop_banned(g, ai->ai_addr, guard_now()))
		return false;
	if (log_max_level >= LOG_LVL_DEBUG) {
		char src[64] = "?";
		struct guard_addr a;
		if (guard_addr_of(ai->ai_addr, &a) == 0)
			guard_addr_text(&a, src, sizeof(src));
		log_debug("%s from %s banned: dropped before the transaction layer",
			  sip->sip_request->rq_method_name, src);
	}
	return true;
}

/* sofia's transports call this for every message they have parsed; ours
 * stands in front (tsip_interpose.c) and passes all but the dropped ones on. */
void tport_deliver(tport_t *tp, msg_t *msg, msg_t *next, tport_compressor_t *sc, su_time_t now)
{
	static void (*real)(tport_t *, msg_t *, msg_t *, tport_compressor_t *, su_time_t);

	if (msg && drop_at_door(msg)) {
		msg_destroy(msg);	/* ours now, as it would be nta's */
		return;
	}
	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "tport_deliver");
	real(tp, msg, next, sc, now);
}

static void on_guard_event(void *arg, const struct guard_event *ev)
{
	(void)arg;
	/* fixed formats: packaging/fail2ban/tandem.conf matches the first */
	if (ev->banned)
		log_notice("banned %s for %u s: %u %s", ev->addr, ev->seconds, ev->count,
			   ev->reason == GUARD_BAN_AUTH ? "failed authentications" :
							  "requests over rate");
	else
		log_notice("unbanned %s (%s)", ev->addr, ev->why);
}

static void on_sweep(su_root_magic_t *magic, su_timer_t *timer, su_timer_arg_t *arg)
{
	(void)magic;
	(void)timer;
	(void)arg;
	guard_expire(guard_get(), guard_now());
	unpark(guard_now(), false);
}

int tsip_guard_start(struct tsip *t, const struct conf *conf)
{
	int r = guard_new((unsigned)(conf->flood.on ? conf->flood.table_size : 16384), &t->guard);

	if (r < 0)
		return r;
	r = guard_set_conf(t->guard, &conf->flood);
	if (r < 0)
		return r;
	guard_set_notify(t->guard, on_guard_event, t);
	guard_install(t->guard);
	t->guard_timer = su_timer_create(su_root_task(t->root), SWEEP_MS);
	if (t->guard_timer == NULL || su_timer_set_for_ever(t->guard_timer, on_sweep, NULL) < 0)
		return -ENOMEM;
	return 0;
}

void tsip_guard_reconfigure(struct tsip *t, const struct conf *conf)
{
	if (t->guard == NULL)
		return;
	if (conf->flood.on && t->conf->flood.on && conf->flood.table_size != t->conf->flood.table_size)
		log_warning("flood.table_size takes effect at restart; still %d sources",
			    t->conf->flood.table_size);
	if (conf->max_message_size != t->conf->max_message_size)
		log_warning("limits.max_message_size takes effect at restart; still %d bytes",
			    t->conf->max_message_size);
	if (guard_set_conf(t->guard, &conf->flood) < 0)
		log_error("out of memory: the flood section keeps its old values");
}

/* Before nua_shutdown(): the parked handles go (answered by sofia). */
void tsip_guard_release(struct tsip *t)
{
	(void)t;
	unpark(0, true);
}

void tsip_guard_stop(struct tsip *t)
{
	park_head = park_n = 0;	/* nua_destroy() freed any handle left */
	if (t->guard_timer) {
		su_timer_destroy(t->guard_timer);
		t->guard_timer = NULL;
	}
	t->guard = guard_free(t->guard);
}

/* The request of this event is refused: answered or dropped, and its handle
 * destroyed. False: go on with it. */
bool tsip_guard_refused(struct tsip *t, nua_event_t ev, nua_handle_t *nh, const sip_t *sip)
{
	const struct conf_flood *f = &t->conf->flood;
	const char *method = sip && sip->sip_request ? sip->sip_request->rq_method_name : "?";
	enum conf_flood_action act;
	enum guard_verdict v;
	uint64_t now = guard_now();
	su_addrinfo_t *ai;
	msg_t *msg;
	char rab[16];

	if (!tsip_new_request(ev))
		return false;
	if (!f->on || nh == NULL)
		return false;
	msg = nua_current_request(t->nua);
	ai = msg ? msg_addrinfo(msg) : NULL;
	v = guard_check(t->guard, ai ? ai->ai_addr : NULL, now);
	if (v == GUARD_PASS)
		return false;
	act = v == GUARD_BANNED ? f->ban_action : f->action;
	if (log_max_level >= LOG_LVL_DEBUG) {
		char src[64] = "?";
		struct guard_addr a;
		if (ai && guard_addr_of(ai->ai_addr, &a) == 0)
			guard_addr_text(&a, src, sizeof(src));
		log_debug("%s from %s %s: %s", method, src,
			  v == GUARD_BANNED ? "banned" : "over rate",
			  act == CONF_FLOOD_DROP ? "dropped" : act == CONF_FLOOD_403 ? "403" : "503");
	}
	if (act == CONF_FLOOD_503) {
		/* limits.retry_after, as in every 503 of ours; 0 leaves it out */
		snprintf(rab, sizeof(rab), "%d", t->conf->retry_after);
		bus_sip(false, method, 503);
		nua_respond(nh, SIP_503_SERVICE_UNAVAILABLE,
			    TAG_IF(t->conf->retry_after > 0, SIPTAG_RETRY_AFTER_STR(rab)),
			    NUTAG_WITH_THIS(t->nua), TAG_END());
	} else if (act == CONF_FLOOD_403) {
		bus_sip(false, method, 403);
		nua_respond(nh, SIP_403_FORBIDDEN, NUTAG_WITH_THIS(t->nua), TAG_END());
	} else {
		park_handle(nh, now);
		return true;
	}
	nua_handle_destroy(nh);
	return true;
}
