/* lib/call/referfwd.c: a REFER outside a dialog (RFC 3515), the click-to-dial
 * request of an application to the PBX behind tandemd. By default it is
 * refused (403). A route with refer_outside = "forward" sends it on to its
 * target as tandemd's own REFER (a new Call-ID, our From host, the Refer-To
 * and Referred-By as the sender wrote them), relays the target's final
 * answer back, then the NOTIFYs of the implicit subscription, until the
 * target ends it or the time runs out. A forwarded REFER (struct referfwd) owns
 * two legs with no call: `in`, where the sender's REFER came, and `out`,
 * our REFER to the target; referfwd_end() is the one place both are released
 * and the record is published. Sofia thread only. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call_int.h"
#include "ops/log.h"

/* after the final NOTIFY to the sender: how long its answer may take */
#define NOTIFY_WAIT_MS 40000
/* after a failure answer: until NUA has sent it (it holds our phrase) */
#define LINGER_MS 500

struct referfwd {
	struct referfwd *prev, *next;
	struct call_core *core;
	unsigned long long id;
	char uuid[TID_UUID_LEN + 1];	/* unique across nodes and restarts, as a call's */
	struct conf *conf;		/* the snapshot the REFER was routed with */
	const struct conf_route *route;	/* inside conf */
	size_t target_idx;
	struct leg *in, *out;
	struct ttimer *timer;		/* the whole exchange is bounded */
	char *refer_to, *referred_by, *user, *from_user, *from_display, *to_user, *target;
	char source[64];
	int max_forwards;
	int code;			/* the target's final answer to our REFER */
	char last[128];			/* the last NOTIFY status line relayed */
	bool answered;			/* a 2xx went back to the sender */
	bool done;			/* the final NOTIFY went to the sender */
	unsigned notifying;		/* NOTIFYs to the sender not answered yet (NUA sends
					 * them one after the other) */
	bool timed_out;			/* ... and it was ours, for want of the target's */
	const char *outcome;		/* set: over, the legs go when the timer fires */
	double t_start;
};

static unsigned long long next_id;

static void xlog(struct referfwd *x, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void xlog(struct referfwd *x, int level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (level > log_max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_msg(level, "refer=%llu in=%s out=%s route=%s %s", x->id,
		x->in && x->in->call_id ? x->in->call_id : "-",
		x->out && x->out->call_id ? x->out->call_id : "-",
		x->route ? x->route->name : "-", msg);
}

/* The first of the route's targets from idx on that target health does not
 * call down (n_targets: none). */
static size_t live_target(struct referfwd *x, size_t idx)
{
	for (; idx < x->route->n_targets; idx++) {
		if (!core_target_down(x->core, x->route->targets[idx]))
			break;
		xlog(x, LOG_LVL_INFO, "target %s is down: skipped", x->route->targets[idx]);
	}
	return idx;
}

/* One event and one record line say what became of it. */
static void publish(const struct referfwd *x, const char *outcome)
{
	const char *route = x->route ? x->route->name : NULL;
	json_t *ev, *rec;

	if (!bus_active())
		return;
	ev = bus_event_new(BUS_EV_TRANSFER, 0);
	if (ev) {
		json_object_update_new(ev, json_pack("{s:s,s:I,s:s,s:s?,s:s?,s:s?,s:s?,s:s?,s:i,s:s}",
						     "kind", "outside", "refer", (json_int_t)x->id,
						     "uuid", x->uuid,
						     "from", x->from_user, "target", x->refer_to,
						     "via", x->target, "route", route, "source",
						     x->source, "code", x->code, "outcome", outcome));
		bus_event(ev);
	}
	rec = json_pack("{s:s,s:I,s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:f,s:f,s:i,s:s,s:s?}",
			"type", "refer", "refer", (json_int_t)x->id, "uuid", x->uuid,
			"node", tid_node(), "from", x->from_user,
			"refer_to", x->refer_to, "via", x->target, "route", route,
			"source", x->source, "in_call_id", x->in ? x->in->call_id : NULL,
			"start", x->t_start, "end", call_now(), "code", x->code,
			"outcome", outcome, "notify", x->last[0] ? x->last : NULL);
	bus_record(rec);
}

static void drop_leg(struct referfwd *x, struct leg **lp)
{
	struct leg *l = *lp;

	if (l == NULL)
		return;
	leg_end(l);
	leg_unpair(l);	/* the other leg keeps no peer that is gone */
	l->referfwd = NULL;
	leg_free(l);
	*lp = NULL;
}

static void referfwd_free(struct referfwd *x)
{
	drop_leg(x, &x->in);
	drop_leg(x, &x->out);
	if (x->prev)
		x->prev->next = x->next;
	else if (x->core->referfwds == x)
		x->core->referfwds = x->next;
	if (x->next)
		x->next->prev = x->prev;
	ttimer_free(x->timer);
	free(x->refer_to);
	free(x->referred_by);
	free(x->user);
	free(x->from_user);
	free(x->from_display);
	free(x->to_user);
	free(x->target);
	conf_unref(x->conf);
	free(x);
}

/* The one end of a forwarded REFER: record it, release both legs. */
static void referfwd_end(struct referfwd *x, const char *outcome)
{
	xlog(x, LOG_LVL_INFO, "REFER outside a dialog ends: %s (code %d%s%s)", outcome, x->code,
	     x->last[0] ? ", last NOTIFY " : "", x->last);
	publish(x, outcome);
	referfwd_free(x);
}

/* Answer the sender's REFER with a failure and end. nua_respond() keeps
 * the reason phrase's pointer until the answer is sent (it lives in the
 * leg), so the legs are released a moment later, by the timer. */
static void fail_with(struct referfwd *x, int code, const char *phrase, const char *outcome)
{
	x->code = code;
	x->outcome = outcome;
	x->done = true;
	drop_leg(x, &x->out);
	if (x->in && x->in->in_req[LEG_REQ_REFER])
		leg_respond(x->in, LEG_REQ_REFER, code, phrase);
	if (x->timer == NULL || ttimer_start(x->timer, LINGER_MS) < 0)
		referfwd_end(x, outcome);
}

void referfwd_free_all(struct call_core *core)
{
	while (core->referfwds)
		referfwd_free(core->referfwds);
}

/* Send our REFER to the route's current target. */
static int place(struct referfwd *x)
{
	struct leg_target t;
	struct leg *o;
	int r;

	r = call_target_uri(x->route, x->target_idx, x->user, &x->target);
	if (r < 0)
		return r;
	o = leg_new(x->core, LEG_B);
	if (o == NULL)
		return -ENOMEM;
	o->referfwd = x;
	o->outbound = true;
	leg_pair(o, x->in);	/* lib/sip places o through the sender's stack */
	x->out = o;
	t = (struct leg_target){
		.ruri = x->target, .from_user = x->from_user, .from_display = x->from_display,
		.to_user = x->user, .max_forwards = x->max_forwards,
	};
	r = x->core->ops->refer_out(o, &t, x->refer_to, x->referred_by);
	if (r < 0) {
		drop_leg(x, &x->out);
		return r;
	}
	xlog(x, LOG_LVL_INFO, "REFER outside a dialog from %s (Refer-To %s) forwarded to %s",
	     x->from_user, x->refer_to, x->target);
	return 0;
}

static void on_timer(void *arg)
{
	struct referfwd *x = arg;

	if (x->outcome) {
		referfwd_end(x, x->outcome);
		return;
	}
	if (!x->answered && !x->done) {
		/* the target never answered (NUA gives up after 32 s itself) */
		fail_with(x, 408, "Request Timeout", "timeout");
		return;
	}
	if (!x->done) {
		xlog(x, LOG_LVL_NOTICE, "no final NOTIFY from the target in time: ending it");
		x->done = x->timed_out = true;
		snprintf(x->last, sizeof(x->last), "SIP/2.0 408 Request Timeout");
		drop_leg(x, &x->out);
		if (x->core->ops->notify(x->in, x->last, true) == 0) {
			x->notifying++;
			ttimer_start(x->timer, NOTIFY_WAIT_MS);
			return;
		}
	}
	referfwd_end(x, "timeout");
}

static int copy(char **dst, const char *src)
{
	if (src == NULL)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

static struct referfwd *referfwd_new(struct call_core *core, struct leg *in, const struct referfwd_req *r,
			     const struct conf_route *rt)
{
	struct referfwd *x = calloc(1, sizeof(*x));

	if (x == NULL)
		return NULL;
	x->core = core;
	x->id = ++next_id;
	tid_uuid_new(x->uuid, sizeof(x->uuid));
	x->conf = conf_ref(core->conf);
	x->route = rt;
	x->in = in;
	in->referfwd = x;
	x->t_start = call_now();
	x->max_forwards = r->max_forwards < 0 ? 70 : r->max_forwards - 1;
	call_format_source(r->q.source, x->source, sizeof(x->source));
	x->next = core->referfwds;
	if (core->referfwds)
		core->referfwds->prev = x;
	core->referfwds = x;
	x->timer = ttimer_new(core->root, on_timer, x);
	if (x->timer == NULL || copy(&x->refer_to, r->refer_to) < 0 ||
	    copy(&x->referred_by, r->referred_by) < 0 ||
	    copy(&x->from_user, r->q.from_user ? r->q.from_user : "") < 0 ||
	    copy(&x->from_display, r->from_display) < 0 || copy(&x->to_user, r->q.to_user) < 0) {
		/* the caller keeps the incoming leg and answers it */
		x->in = NULL;
		in->referfwd = NULL;
		referfwd_free(x);
		return NULL;
	}
	return x;
}

/* REFERs being forwarded, this one included */
static unsigned n_referfwds(const struct call_core *core)
{
	unsigned n = 0;

	for (const struct referfwd *x = core->referfwds; x; x = x->next)
		n++;
	return n;
}

static void refuse(struct referfwd *x, int code, const char *phrase, const char *why)
{
	log_notice("REFER outside a dialog from %s (%s, Refer-To %s) refused %d: %s",
		   x->from_user, x->source[0] ? x->source : "?",
		   x->refer_to ? x->refer_to : "-", code, why);
	fail_with(x, code, phrase, "rejected");
}

void referfwd_on_refer(struct call_core *core, struct leg *in, const struct referfwd_req *r)
{
	const struct conf_route *rt = route_find(core->conf, &r->q);
	char user[256];
	struct referfwd *x;

	in->in_req[LEG_REQ_REFER] = true;
	x = referfwd_new(core, in, r, rt);
	if (x == NULL) {
		log_warning("REFER outside a dialog: out of memory");
		leg_respond(in, LEG_REQ_REFER, 500, NULL);
		in->referfwd = NULL;
		leg_end(in);
		leg_free(in);
		return;
	}
	if (rt == NULL || rt->refer_outside != CONF_REFER_OUT_FORWARD || rt->reject ||
	    rt->n_targets == 0) {
		refuse(x, rt && rt->reject ? rt->reject : 403,
		       rt && rt->reject ? rt->reject_reason : "Forbidden",
		       rt == NULL ? "no route" : rt->reject ? "the route rejects" :
		       "the route does not forward it");
	} else if (core->draining) {
		refuse(x, 503, "Service Unavailable", "draining");
	} else if (core->conf->max_calls > 0 &&
		   core->active + n_referfwds(core) > (unsigned)core->conf->max_calls) {
		/* a forwarded REFER holds two handles for up to hours: it
		 * counts against limits.max_calls like a call */
		refuse(x, 503, "Service Unavailable", "limits.max_calls reached");
	} else if (r->max_forwards == 0) {
		refuse(x, 483, "Too Many Hops", "Max-Forwards 0");
	} else if (r->refer_to == NULL || r->refer_host == NULL || *r->refer_host == '\0') {
		refuse(x, 400, "Bad Refer-To", "no Refer-To host");
	} else if ((x->target_idx = live_target(x, 0)) == rt->n_targets) {
		refuse(x, 503, "Service Unavailable", "every target is down");
	} else if (route_rewrite_user(rt, r->q.ruri_user ? r->q.ruri_user : "", user,
				      sizeof(user)) < 0) {
		refuse(x, 414, "Request-URI Too Long", "user too long");
	} else if (copy(&x->user, user) < 0 || place(x) < 0) {
		fail_with(x, 500, "Server Internal Error", "error");
	} else {
		/* the target may call the user, then the party referred to:
		 * twice the route's ringing time, plus the time to reach it */
		ttimer_start(x->timer,
			     (unsigned)(2 * rt->no_answer_timeout + rt->connect_timeout) * 1000u);
	}
}

/* The sender's REFER is answered with the target's 2xx (or, when a NOTIFY
 * comes first, which means the same, with 202). */
static void take(struct referfwd *x, int status, const char *phrase)
{
	if (x->answered)
		return;
	x->answered = true;
	x->code = status;
	leg_respond(x->in, LEG_REQ_REFER, status, phrase);
}

void referfwd_on_answer(struct leg *out, const struct call_msg *m)
{
	struct referfwd *x = out->referfwd;
	int code = m->status;
	const char *phrase = m->phrase;

	if (x == NULL || out != x->out || x->outcome || m->status < 200)
		return;
	if (m->status < 300) {
		xlog(x, LOG_LVL_INFO, "the target accepted the REFER (%d)", m->status);
		take(x, m->status, m->phrase);
		return;
	}
	if (x->answered)
		return;	/* a NOTIFY came first: the REFER was taken */
	if (code >= 700) {
		/* NUA's own failures (no transport, 9xx) */
		code = 503;
		phrase = "Service Unavailable";
	} else if (code == 401 || code == 407) {
		/* a challenge is for tandemd, which has no credentials there */
		code = 403;
		phrase = "Forbidden";
	}
	xlog(x, LOG_LVL_NOTICE, "the target answered the REFER %d", m->status);
	drop_leg(x, &x->out);
	if (route_failover_on(x->route, code) &&
	    (x->target_idx = live_target(x, x->target_idx + 1)) < x->route->n_targets) {
		if (place(x) == 0)
			return;
	}
	fail_with(x, code, phrase, "failed");
}

void referfwd_on_notify(struct leg *out, const char *sipfrag, bool final)
{
	struct referfwd *x = out->referfwd;

	if (x == NULL || out != x->out || x->done)
		return;
	take(x, 202, "Accepted");
	snprintf(x->last, sizeof(x->last), "%s", sipfrag && *sipfrag ? sipfrag :
						      "SIP/2.0 100 Trying");
	xlog(x, LOG_LVL_INFO, "NOTIFY \"%s\"%s relayed to the sender", x->last,
	     final ? " (final)" : "");
	if (final) {
		x->done = true;
		drop_leg(x, &x->out);	/* its subscription is over */
	}
	if (x->core->ops->notify(x->in, x->last, final) < 0) {
		referfwd_end(x, "error");
		return;
	}
	x->notifying++;
	if (final)
		ttimer_start(x->timer, NOTIFY_WAIT_MS);
}

void referfwd_on_notified(struct leg *in, int status)
{
	struct referfwd *x = in->referfwd;

	if (x == NULL || in != x->in || x->outcome || status < 200)
		return;
	if (x->notifying > 0)
		x->notifying--;
	/* the target's NOTIFYs may come faster than the sender answers ours:
	 * the end waits for the answer to the last one */
	if (x->done && x->notifying == 0 && status < 300) {
		referfwd_end(x, x->timed_out ? "timeout" : "done");
		return;
	}
	if (status >= 300) {
		/* the sender no longer wants to hear (481: it has forgotten) */
		xlog(x, LOG_LVL_NOTICE, "the sender refused a NOTIFY (%d): ending it", status);
		referfwd_end(x, "sender-gone");
	}
}
