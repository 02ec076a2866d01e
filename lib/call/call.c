/* lib/call/call.c: the life of a call. A new INVITE on leg A is admitted
 * (drain, Max-Forwards, limits), routed, and placed on leg B toward each of
 * the route's targets in turn until one answers or fails for good; the
 * answer or the failure goes back to A. Every end of a call, whatever its
 * cause, goes through call_close(). Sofia thread only.
 *
 * The release rule. call_close() ends a call: it hangs up every live leg
 * and records why; it never frees. A call is freed only by
 * call_free_if_done(), when it is closing and every leg it holds (c->legs:
 * its parties, a transfer's target, the legs a transfer let go) has ended. Every way into
 * the coordinator (the call_on_*() events, the timer callbacks, the core's
 * hangups) calls call_free_if_done(c) last, after its last use of c, and
 * touches c no more. So nothing below an entry point can lose the call
 * under its callers, however many legs end while it runs. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "call_int.h"
#include "ops/log.h"

#define END_WAIT_MS 40000	/* longest a hung-up leg may take to report its end */

static char sdp_buf[SDP_MAX];	/* sofia thread only; copied by the leg ops */

static const char *const state_names[_CALL_ST_MAX] = {
	[CALL_ST_ROUTING] = "routing", [CALL_ST_CALLING] = "calling", [CALL_ST_EARLY] = "early",
	[CALL_ST_CONFIRMED] = "confirmed", [CALL_ST_CLOSING] = "closing",
};

static const char *const end_names[_CALL_END_MAX] = {
	[CALL_END_NONE] = "none", [CALL_END_BYE_A] = "bye-caller", [CALL_END_BYE_B] = "bye-callee",
	[CALL_END_CANCEL] = "cancel", [CALL_END_REJECTED] = "rejected",
	[CALL_END_NO_ROUTE] = "no-route", [CALL_END_ROUTE_REJECT] = "route-reject",
	[CALL_END_LIMIT] = "limit", [CALL_END_NO_ANSWER] = "no-answer", [CALL_END_DRAIN] = "drain",
	[CALL_END_HANGUP] = "hangup", [CALL_END_ERROR] = "error", [CALL_END_LEG_LOST] = "leg-lost",
	[CALL_END_MEDIA_TIMEOUT] = "media-timeout", [CALL_END_NO_PORTS] = "no-ports",
	[CALL_END_TRANSFER_FAILED] = "transfer-failed",
	[CALL_END_TRANSFERRED] = "transferred", [CALL_END_REPLACED] = "replaced",
	[CALL_END_MAX_DURATION] = "max-duration",
	[CALL_END_BRIDGE_ENDED] = "bridge-ended",
};

const char *call_state_name(enum call_state st)
{
	return st < _CALL_ST_MAX ? state_names[st] : "?";
}

const char *call_end_name(enum call_end why)
{
	return why < _CALL_END_MAX ? end_names[why] : "?";
}

void call_update_log_prefix(struct call *c)
{
	const struct leg *a = c->leg[LEG_A], *b = c->leg[LEG_B];

	snprintf(c->log_prefix, sizeof(c->log_prefix), "call=%llu a=%s b=%s",
		 (unsigned long long)c->id, a && a->call_id ? a->call_id : "-",
		 b && b->call_id ? b->call_id : "-");
}

void call_log(struct call *c, int level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (level > log_max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	{
		/* the journal's fields (lib/ops/log.h): journalctl CALL_ID=N */
		const struct log_call_fields f = {
			.call = (unsigned long long)c->id,
			.uuid = c->uuid,
			.a_call_id = c->leg[LEG_A] ? c->leg[LEG_A]->call_id : NULL,
			.b_call_id = c->leg[LEG_B] ? c->leg[LEG_B]->call_id : NULL,
			.route = c->route ? c->route->name : NULL,
		};
		log_call_msg(level, &f, "%s route=%s %s", c->log_prefix,
			     c->route ? c->route->name : "-", msg);
	}
}

/* ---- timers ---- */

static void on_connect_timeout(void *arg);
static void on_answer_timeout(void *arg);
static void on_end_timeout(void *arg);

static void stop_setup_timers(struct call *c)
{
	ttimer_stop(c->connect_timer);
	ttimer_stop(c->answer_timer);
}

/* ---- freeing ---- */

/* Only from call_free_if_done(). */
static void call_free(struct call *c)
{
	struct call_core *core = c->core;

	media_log_stats(c);
	call_publish_record(c);
	bridge_call_freeing(c);
	media_release(c);
	call_log(c, LOG_LVL_INFO, "freed end=%s code=%d", call_end_name(c->end), c->end_code);
	if (c->prev)
		c->prev->next = c->next;
	else
		core->calls = c->next;
	if (c->next)
		c->next->prev = c->prev;
	core->active--;
	if (c->route_count)
		c->route_count->n--;
	call_free_legs(c);	/* leg.c: each has ended */
	for (int s = 0; s < _LEG_SIDE_MAX; s++)
		free(c->last_sdp[s]);
	xfer_free(c);
	ttimer_free(c->connect_timer);
	ttimer_free(c->answer_timer);
	ttimer_free(c->end_timer);
	call_limit_free(c);	/* call_limit.c: duration timer, source count */
	if (c->headers)
		for (char **h = c->headers; *h; h++)
			free(*h);
	free(c->headers);
	free(c->ruri_user);
	free(c->caller_ruri_user);
	free(c->auth_user);
	free(c->from_user);
	free(c->from_display);
	free(c->from_host);
	free(c->out_from_user);
	free(c->redir_contacts);
	free(c->out_from_display);
	free(c->to_user);
	free(c->target);
	free(c->bind_contact);
	free(c->bind_proxy);
	free(c->offer_ctype);
	free(c->offer);
	free(c->fail_phrase);
	for (unsigned i = 0; i < c->n_attempts; i++)
		free(c->attempts[i].target);
	conf_unref(c->conf);
	free(c);
}

/* The release rule (top of this file): the one place a call is freed. */
bool call_free_if_done(struct call *c)
{
	if (c->state != CALL_ST_CLOSING || !call_legs_ended(c))
		return false;
	call_free(c);
	return true;
}

/* Leg l has ended: what that means for its call (closed, or a transfer goes
 * on). Never frees the call. */
static void leg_ended(struct call *c, struct leg *l)
{
	if (xfer_owns(c, l)) {
		xfer_on_leg_event(c, l, LEG_REQ_BYE);
		return;
	}
	call_fsm_event(c, CALL_EV_LEG_LOST, l, NULL);
}

/* A leg of a call still going ended without a BYE (session timer, transport). */
void call_act_leg_lost(struct call *c, struct leg *l, const struct call_msg *m)
{
	struct leg *a = c->leg[LEG_A];
	bool unanswered = l->side == LEG_B && !leg_is_answered(l) && a && !leg_is_answered(a);

	leg_end(l);
	if (l == c->xfer.transferor && xfer_leg(c))
		return;	/* the transferor left before the target answered: go on */
	if (unanswered) {
		/* the target ended before answering without a final response
		 * we saw: like a transport failure */
		call_close(c, CALL_END_REJECTED, 503, "Service Unavailable");
	} else {
		call_close(c, CALL_END_LEG_LOST, 500, "Server Internal Error");
	}
}

/* A leg of a closing call is over (its BYE, or its end). */
void call_act_leg_gone(struct call *c, struct leg *l, const struct call_msg *m)
{
	leg_end(l);
}

void call_on_ended(struct leg *l)
{
	struct call *c = l->call;

	leg_ended(c, l);
	call_free_if_done(c);
}

static void on_end_timeout(void *arg)
{
	struct call *c = arg;

	call_log(c, LOG_LVL_WARNING, "legs did not end in %d s: releasing them", END_WAIT_MS / 1000);
	call_end_legs(c);
	call_free_if_done(c);
}

/* The one way a call ends. Idempotent. Hangs up every leg still live. It
 * never frees the call, even when no leg is left: the entry point that
 * called it does, with call_free_if_done(), once it is done with c. The
 * end timer ends the legs that never report their end. */
void call_close(struct call *c, enum call_end why, int code, const char *phrase)
{

	if (c->state == CALL_ST_CLOSING)
		return;
	call_set_state(c, CALL_ST_CLOSING);
	c->end = why;
	/* the final code the caller got: 200 once answered, whatever ends the
	 * call then (a hangup's 503 is for a caller still waiting); the event,
	 * the log line and the record say the same */
	c->end_code = c->answered_at ? 200 : code;
	c->t_end = call_now();
	if (c->n_attempts && c->attempts[c->n_attempts - 1].status == 0)
		c->attempts[c->n_attempts - 1].status = why == CALL_END_NO_ANSWER ? 408 : 487;
	call_publish(c, BUS_EV_CALL_ENDED,
		     json_pack("{s:s,s:i,s:f}", "reason", call_end_name(why), "code", c->end_code,
			       "duration", c->t_answer > 0 ? c->t_end - c->t_answer : 0.0));
	if (c->answered_at == 0)
		c->core->failed++;
	stop_setup_timers(c);
	call_log(c, LOG_LVL_INFO, "ending reason=%s code=%d duration=%lds", call_end_name(why),
		 c->end_code,
		 c->answered_at ? (long)(time(NULL) - c->answered_at) : 0L);

	xfer_close(c);	/* first: the transferor hears the end before its BYE */
	bridge_call_closing(c);
	for (int s = 0; s < _LEG_SIDE_MAX; s++) {
		struct leg *l = c->leg[s];
		if (l == NULL || leg_is_ended(l))
			continue;
		dialog_answer_pending(l, 487, "Request Terminated");
		if (leg_needs_answer(l)) {
			struct call_msg m = { .status = code, .phrase = phrase,
					      .retry_after = why == CALL_END_REJECTED ?
							     c->fail_retry_after : -1,
					      .contacts = code >= 300 && code < 400 ?
							  c->redir_contacts : NULL };
			if (m.retry_after < 0 && code == 503 && c->conf->retry_after > 0)
				m.retry_after = c->conf->retry_after;
			l->in_req[LEG_REQ_INVITE] = false;
			c->core->ops->respond(l, LEG_REQ_INVITE, &m);
			leg_set_state(l, LEG_ST_CANCELLING);
		} else {
			leg_hangup(l);	/* CANCEL or BYE; nothing when on its way out */
		}
	}
	if (call_legs_ended(c))
		return;	/* the caller's call_free_if_done() frees it */
	c->end_timer = ttimer_new(c->core->root, on_end_timeout, c);
	if (c->end_timer)
		ttimer_start(c->end_timer, END_WAIT_MS);
}

/* ---- placing the outbound leg ---- */

int call_target_uri(const struct conf_route *rt, size_t idx, const char *user, char **target)
{
	free(*target);
	*target = NULL;
	return turi_with_user(rt->targets[idx], user, target);
}

static void try_next_target(struct call *c, int last_status);

/* The first of rt's targets from idx on that target health does not call
 * down, or n_targets when there is none. */
size_t call_route_live_target(struct call *c, const struct conf_route *rt, size_t idx)
{
	for (; idx < rt->n_targets; idx++) {
		if (!core_target_down(c->core, rt->targets[idx]))
			break;
		call_log(c, LOG_LVL_INFO, "target %s is down: skipped", rt->targets[idx]);
	}
	return idx;
}

size_t call_live_target(struct call *c, size_t idx)
{
	return call_route_live_target(c, c->route, idx);
}

static void place_target(struct call *c)
{
	struct call_core *core = c->core;
	const struct conf_route *rt = c->route;
	struct leg *b;
	struct leg_target t;
	struct call_msg offer = {
		.ctype = c->offer_ctype, .body = c->offer, .body_len = c->offer_len,
		.retry_after = -1,
	}, fwd;
	int r;

	/* the relay faces the target in its address family; a failover target
	 * of another family gets new sockets (nobody is on that side yet) */
	c->fam_hint[LEG_B] = media_family_of_uri(c->bind_contact ? c->bind_contact :
						 rt->targets[c->target_idx]);
	r = media_prepare_side(c, LEG_B);
	media_commit_side(c, LEG_B);
	if (r == 0)
		r = media_cross(c, LEG_A, true, &offer, &fwd, sdp_buf, sizeof(sdp_buf));
	if (r < 0) {
		if (r == -EADDRINUSE)
			call_close(c, CALL_END_NO_PORTS, 503, "Service Unavailable");
		else
			call_close(c, CALL_END_ERROR, 488, "Not Acceptable Here");
		return;
	}
	free(c->target);	/* a registered phone: its Contact */
	c->target = c->bind_contact ? strdup(c->bind_contact) : NULL;
	r = c->bind_contact ? (c->target ? 0 : -ENOMEM) :
	    call_target_uri(rt, c->target_idx, c->ruri_user, &c->target);
	b = leg_new(core, LEG_B);
	if (r < 0 || b == NULL) {
		leg_free(b);
		call_close(c, CALL_END_ERROR, 500, "Server Internal Error");
		return;
	}
	b->session_expires = c->session_expires;
	b->outbound = true;
	call_set_leg(c, b, LEG_ROLE_PARTY, LEG_B);

	t = (struct leg_target){
		.ruri = c->target,
		.from_user = c->out_from_user ? c->out_from_user : c->from_user,
		.from_display = c->out_from_user ? c->out_from_display : c->from_display,
		.from_host = c->from_host,
		.to_user = c->ruri_user,
		.max_forwards = c->max_forwards,
		.session_expires = c->session_expires,
		.headers = (const char *const *)c->headers,
		.auth = c->bind_contact == NULL && rt->access.target_auth ?
			rt->access.target_auth[c->target_idx] : NULL,
		.proxy = c->bind_proxy,
	};
	if (c->n_attempts < sizeof(c->attempts) / sizeof(c->attempts[0]) &&
	    (c->attempts[c->n_attempts].target = strdup(c->target)) != NULL)
		c->n_attempts++;
	call_set_state(c, CALL_ST_CALLING);
	call_log(c, LOG_LVL_INFO, "placing leg B to %s", c->target);
	r = core->ops->place(b, &t, &fwd);
	if (r < 0) {
		call_log(c, LOG_LVL_WARNING, "cannot place leg B to %s: %s", c->target, strerror(-r));
		try_next_target(c, 503);
		return;
	}
	ttimer_start(c->connect_timer, (unsigned)rt->connect_timeout * 1000u);
	/* no-answer forwarding: a target that is not the last rings ring_timeout s */
	c->ring_forward = !c->bind_contact && rt->ring_timeout > 0 &&
			  rt->ring_timeout < rt->no_answer_timeout &&
			  call_live_target(c, c->target_idx + 1) < rt->n_targets;
	ttimer_start(c->answer_timer,
		     (unsigned)(c->ring_forward ? rt->ring_timeout : rt->no_answer_timeout) * 1000u);
}

/* Give up the current leg B (CANCEL) and place target next. */
void call_fail_over_to(struct call *c, size_t next)
{
	struct leg *b = c->leg[LEG_B];

	stop_setup_timers(c);
	if (b)
		call_free_leg(c, b);
	c->target_idx = next;
	place_target(c);
}

/* Drop the current leg B and place the next target, or fail the call. */
static void try_next_target(struct call *c, int last_status)
{
	struct leg *b = c->leg[LEG_B];
	size_t next;

	if (!c->bind_contact && route_failover_on(c->route, last_status) && !c->core->draining &&
	    (next = call_live_target(c, c->target_idx + 1)) < c->route->n_targets) {
		call_log(c, LOG_LVL_INFO, "target answered %d: failing over", last_status);
		call_fail_over_to(c, next);
		return;
	}
	if (redirect_next(c))	/* the next Contact of a 3xx followed (redirect.c) */
		return;
	stop_setup_timers(c);
	if (b)
		call_free_leg(c, b);
	call_close(c, CALL_END_REJECTED, last_status, c->fail_phrase);
}

static void on_connect_timeout(void *arg)
{
	struct call *c = arg;

	call_fsm_event(c, CALL_EV_CONNECT_TIMEOUT, NULL, NULL);
	call_free_if_done(c);
}

static void on_answer_timeout(void *arg)
{
	struct call *c = arg;

	call_fsm_event(c, CALL_EV_ANSWER_TIMEOUT, NULL, NULL);
	call_free_if_done(c);
}

/* No response at all from the target: the next one. */
void call_act_no_response(struct call *c, struct leg *l, const struct call_msg *m)
{
	call_log(c, LOG_LVL_NOTICE, "no response from %s in %d s", c->target,
		 c->route->connect_timeout);
	free(c->fail_phrase);
	c->fail_phrase = NULL;
	c->fail_retry_after = -1;
	if (c->n_attempts)
		c->attempts[c->n_attempts - 1].status = 408;
	try_next_target(c, 408);
}

void call_act_no_answer(struct call *c, struct leg *l, const struct call_msg *m)
{
	size_t next;

	if (c->ring_forward && !c->core->draining &&
	    (next = call_live_target(c, c->target_idx + 1)) < c->route->n_targets) {
		call_log(c, LOG_LVL_NOTICE, "no answer from %s in %d s: trying the next target",
			 c->target, c->route->ring_timeout);
		if (c->n_attempts)
			c->attempts[c->n_attempts - 1].status = 408;
		call_fail_over_to(c, next);
		return;
	}
	call_log(c, LOG_LVL_NOTICE, "no answer in %d s", c->route->no_answer_timeout);
	call_close(c, CALL_END_NO_ANSWER, 408, "Request Timeout");
}

/* ---- responses to the initial INVITE on leg B ---- */

static enum call_ev response_event(int status)
{
	if (status == 100)
		return CALL_EV_TRYING;
	if (status < 200)
		return CALL_EV_PROVISIONAL;
	return status < 300 ? CALL_EV_ANSWER : CALL_EV_FAILURE;
}

/* The SDP of B's 18x or 2xx toward A: the answer to our offer, or with a
 * late offer the callee's offer. Closes the call when it cannot be used. */
static int cross_b_sdp(struct call *c, const struct call_msg *m, struct call_msg *fwd)
{
	int r = media_cross(c, LEG_B, c->offer_len == 0, m, fwd, sdp_buf, sizeof(sdp_buf));

	if (r == -EADDRINUSE)
		call_close(c, CALL_END_NO_PORTS, 503, "Service Unavailable");
	else if (r < 0)
		call_close(c, CALL_END_ERROR, 488, "Not Acceptable Here");
	return r;
}

void call_act_trying(struct call *c, struct leg *b, const struct call_msg *m)
{
	ttimer_stop(c->connect_timer);
}

void call_act_early(struct call *c, struct leg *b, const struct call_msg *m)
{
	struct call_msg fwd;

	ttimer_stop(c->connect_timer);
	if (cross_b_sdp(c, m, &fwd) < 0)
		return;
	if (c->state != CALL_ST_EARLY)
		call_set_state(c, CALL_ST_EARLY);
	c->core->ops->respond(c->leg[LEG_A], LEG_REQ_INVITE, &fwd);
}

void call_act_answer(struct call *c, struct leg *b, const struct call_msg *m)
{
	const struct leg_ops *ops = c->core->ops;
	struct leg *a = c->leg[LEG_A];
	struct call_msg fwd;

	ttimer_stop(c->connect_timer);
	if (cross_b_sdp(c, m, &fwd) < 0)
		return;
	ttimer_stop(c->answer_timer);
	leg_set_state(b, LEG_ST_CONFIRMED);
	c->answered_at = time(NULL);
	c->t_answer = call_now();
	if (c->n_attempts)
		c->attempts[c->n_attempts - 1].status = fwd.status;
	call_set_state(c, CALL_ST_CONFIRMED);
	call_publish(c, BUS_EV_CALL_ANSWERED,
		     json_pack("{s:s,s:i,s:f}", "target", c->target, "code", fwd.status,
			       "setup_ms", (c->t_answer - c->t_start) * 1000.0));
	media_confirmed(c);
	call_limit_answered(c);	/* call_limit.c: max_duration */
	c->core->answered++;
	a->in_req[LEG_REQ_INVITE] = false;
	ops->respond(a, LEG_REQ_INVITE, &fwd);
	leg_set_state(a, LEG_ST_CONFIRMED);
	/* with an offer in our INVITE the ACK carries nothing: send it
	 * now; with a late offer it carries the caller's answer */
	if (c->offer_len > 0)
		ops->send(b, LEG_REQ_ACK, NULL);
	else
		b->ack_owed = true;
	call_log(c, LOG_LVL_INFO, "answered %d by %s", fwd.status, c->target);
}

/* The target refused (or NUA failed it, 9xx): the next target, or the end. */
void call_act_failover(struct call *c, struct leg *b, const struct call_msg *m)
{
	int code = m->status >= 700 ? 500 : m->status;

	ttimer_stop(c->connect_timer);
	if (c->n_attempts)
		c->attempts[c->n_attempts - 1].status = code;
	free(c->fail_phrase);
	c->fail_phrase = m->status < 700 && m->phrase ? strdup(m->phrase) : NULL;
	c->fail_retry_after = m->retry_after;
	if (code >= 300 && code < 400 && redirect_on_3xx(c, m))	/* redirect.c */
		return;
	try_next_target(c, code);
}

/* Answered while we were hanging up (the 2xx crossed our CANCEL): confirm,
 * then end it. */
void call_act_ack_bye(struct call *c, struct leg *b, const struct call_msg *m)
{
	leg_set_state(b, LEG_ST_CONFIRMED);
	c->core->ops->send(b, LEG_REQ_ACK, NULL);
	leg_hangup(b);
}

void call_on_response(struct leg *l, enum leg_req req, const struct call_msg *m)
{
	struct call *c = l->call;

	if (l->role == LEG_ROLE_TARGET) {
		if (req == LEG_REQ_INVITE)
			xfer_on_response(c, l, m);
	} else if (l->side == LEG_B && req == LEG_REQ_INVITE && !leg_is_answered(l)) {
		call_fsm_event(c, response_event(m->status), l, m);
	} else if (req != LEG_REQ_BYE && req != LEG_REQ_CANCEL && req != LEG_REQ_ACK) {
		dialog_response(l, req, m);
	}
	call_free_if_done(c);
}

static void on_request(struct call *c, struct leg *l, enum leg_req req, const struct call_msg *m)
{
	if (xfer_owns(c, l)) {
		/* a leg let go by a transfer, hanging up: nothing to cross */
		if (req == LEG_REQ_BYE)
			leg_ended(c, l);
		else if (req != LEG_REQ_ACK && req != LEG_REQ_PRACK)
			leg_respond(l, req, 481, "Call/Transaction Does Not Exist");
		return;
	}
	if (req == LEG_REQ_BYE)
		call_fsm_event(c, CALL_EV_BYE, l, m);
	else if (c->bridge && (!l->peer || leg_is_ended(l->peer)) && req != LEG_REQ_ACK &&
		 req != LEG_REQ_PRACK)
		/* nobody to cross to: its call's other party left the bridge */
		leg_respond(l, req, req == LEG_REQ_INVITE || req == LEG_REQ_UPDATE ? 488 : 200,
			    req == LEG_REQ_INVITE || req == LEG_REQ_UPDATE ? "Not Acceptable Here" :
									     NULL);
	else if (req == LEG_REQ_CANCEL && !l->outbound && !leg_is_answered(l))
		call_fsm_event(c, CALL_EV_CANCEL, l, m);
	else
		dialog_request(l, req, m);
}

/* A BYE (NUA has answered it): this leg is over, and so is the call unless
 * it is the transferor leaving while the target rings. */
void call_act_bye(struct call *c, struct leg *l, const struct call_msg *m)
{
	leg_end(l);
	/* a party of a bridge leaves alone; its call ends with its last one */
	if (bridge_leg_left(c, l) &&
	    (c->state == CALL_ST_CLOSING || (c->leg[!l->side] && !leg_is_ended(c->leg[!l->side]))))
		return;
	if (l == c->xfer.transferor && xfer_leg(c)) {
		call_log(c, LOG_LVL_INFO, "transferor left; the transfer goes on");
		return;
	}
	call_close(c, l->side == LEG_A ? CALL_END_BYE_A : CALL_END_BYE_B, 200, NULL);
}

/* The caller's CANCEL (NUA has answered 487 to its INVITE). */
void call_act_cancel(struct call *c, struct leg *a, const struct call_msg *m)
{
	a->in_req[LEG_REQ_INVITE] = false;
	/* nothing more to answer (closing, it already is: the CANCEL crossed
	 * our final answer) */
	if (leg_is_inviting(a))
		leg_set_state(a, LEG_ST_CANCELLING);
	call_close(c, CALL_END_CANCEL, 487, "Request Terminated");
}

void call_on_request(struct leg *l, enum leg_req req, const struct call_msg *m)
{
	struct call *c = l->call;

	on_request(c, l, req, m);
	call_free_if_done(c);
}

/* ---- admission and routing of a new call ---- */

static int copy_str(char **dst, const char *src)
{
	*dst = strdup(src ? src : "");
	return *dst ? 0 : -ENOMEM;
}

static int route_call(struct call *c, const struct call_invite *inv,
		      const struct call_binding *cb)
{
	struct route_req q = {
		.ruri_user = inv->ruri_user, .ruri_host = inv->ruri_host,
		.from_user = inv->from_user, .to_user = inv->to_user,
		.source = inv->source, .header = inv->header, .header_arg = inv->header_arg,
	};
	char user[256];
	const struct conf_route *rt;
	struct route_count *rc;

	rt = cb ? binding_route(c, cb) : route_find(c->conf, &q);	/* binding.c */
	if (rt == NULL) {
		/* a token of a binding that is gone, or whose route went on reload */
		call_close(c, CALL_END_NO_ROUTE, cb ? 480 : c->conf->no_route_code,
			   cb ? "Temporarily Unavailable" : NULL);
		return -ENOENT;
	}
	c->route = rt;
	if (cb && binding_take(c, cb) < 0)
		return -ENOMEM;
	if (!cb && rt->reject) {
		call_close(c, CALL_END_ROUTE_REJECT, rt->reject, rt->reject_reason);
		return -EPERM;
	}
	rc = core_route_count(c->core, rt->name);
	if (rc == NULL)
		return -ENOMEM;
	if (rt->max_calls > 0 && rc->n >= (unsigned)rt->max_calls) {
		call_log(c, LOG_LVL_NOTICE, "route limit of %d calls reached", rt->max_calls);
		call_close(c, CALL_END_LIMIT, 503, "Service Unavailable");
		return -EBUSY;
	}
	rc->n++;
	c->route_count = rc;
	if (call_limit_route(c) < 0)	/* call_limit.c: the route's max_cps */
		return -EBUSY;
	if (cb) {
		snprintf(user, sizeof(user), "%s", cb->aor_user ? cb->aor_user : "");
	} else if (route_rewrite_user(rt, inv->ruri_user, user, sizeof(user)) < 0) {
		call_close(c, CALL_END_ERROR, 414, "Request-URI Too Long");
		return -ENOSPC;
	}
	if (copy_str(&c->ruri_user, user) < 0 || copy_str(&c->from_user, inv->from_user) < 0 ||
	    copy_str(&c->to_user, inv->to_user) < 0 ||
	    dialog_copy_body(&inv->msg, &c->offer_ctype, &c->offer, &c->offer_len) < 0)
		return -ENOMEM;
	if (inv->from_display && (c->from_display = strdup(inv->from_display)) == NULL)
		return -ENOMEM;
	if (identity_build(c, inv) < 0)	/* identity.c: headers, From, PAI */
		return -ENOMEM;
	c->max_forwards = inv->max_forwards < 0 ? 70 : inv->max_forwards - 1;
	c->media_on = c->core->relay != NULL && !rt->media_passthrough;
	c->session_expires = rt->session_expires;
	c->leg[LEG_A]->session_expires = rt->session_expires;
	return 0;
}

/* Admit, route and place the new call c, or close it. Never frees it. */
static void start_call(struct call *c, const struct call_invite *inv)
{
	struct call_core *core = c->core;
	struct conf *conf = c->conf;
	struct call_binding cb;
	int r;

	c->connect_timer = ttimer_new(core->root, on_connect_timeout, c);
	c->answer_timer = ttimer_new(core->root, on_answer_timeout, c);
	if (c->connect_timer == NULL || c->answer_timer == NULL) {
		call_close(c, CALL_END_ERROR, 500, "Server Internal Error");
		return;
	}
	if (core->draining) {
		call_close(c, CALL_END_DRAIN, 503, "Service Unavailable");
		return;
	}
	if (inv->max_forwards == 0) {
		call_close(c, CALL_END_ERROR, 483, "Too Many Hops");
		return;
	}
	if (conf->max_calls > 0 && core->active > (unsigned)conf->max_calls) {
		call_log(c, LOG_LVL_NOTICE, "limit of %d calls reached", conf->max_calls);
		call_close(c, CALL_END_LIMIT, 503, "Service Unavailable");
		return;
	}
	if (call_limit_admit(c, inv) < 0)	/* limits.max_calls_per_source, cps_per_* */
		return;
	/* a phone registered through us (binding.c), or the routing rules */
	r = route_call(c, inv, binding_lookup(core, inv->ruri_user, &cb) ? &cb : NULL);
	if (r == -ENOMEM)
		call_close(c, CALL_END_ERROR, 500, "Server Internal Error");
	if (r < 0)
		return;
	if (c->bind_contact) {
		place_target(c);
		return;
	}
	c->target_idx = call_live_target(c, 0);
	if (c->target_idx == c->route->n_targets) {
		call_log(c, LOG_LVL_NOTICE, "every target of route \"%s\" is down", c->route->name);
		call_close(c, CALL_END_REJECTED, 503, "Service Unavailable");
		return;
	}
	place_target(c);
}

void call_on_invite(struct call_core *core, struct leg *a, const struct call_invite *inv)
{
	struct conf *conf = core->conf;
	struct call *c;

	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		leg_respond(a, LEG_REQ_INVITE, 500, "Server Internal Error");
		core->ops->release(a);
		leg_free(a);
		return;
	}
	c->core = core;
	c->id = ++core->next_id;
	tid_uuid_new(c->uuid, sizeof(c->uuid));
	c->fail_retry_after = -1;
	c->conf = conf_ref(conf);
	c->started = time(NULL);
	c->t_start = call_now();
	call_format_source(inv->source, c->source, sizeof(c->source));
	if (inv->source)
		memcpy(&c->src_sa, inv->source, inv->source->sa_family == AF_INET6 ?
		       sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	/* NULL on a failed strdup: the record then shows null */
	c->caller_ruri_user = inv->ruri_user ? strdup(inv->ruri_user) : NULL;
	c->auth_user = inv->auth_user ? strdup(inv->auth_user) : NULL;
	c->fam_hint[LEG_A] = inv->source ? inv->source->sa_family : 0;
	call_set_leg(c, a, LEG_ROLE_PARTY, LEG_A);
	a->in_req[LEG_REQ_INVITE] = true;
	c->next = core->calls;
	if (core->calls)
		core->calls->prev = c;
	core->calls = c;
	core->active++;
	core->total++;
	core_count_call(core, c->started);
	call_update_log_prefix(c);
	call_log(c, LOG_LVL_INFO, "new call from=%s to=%s uuid=%s",
		 inv->from_user ? inv->from_user : "", inv->ruri_user ? inv->ruri_user : "", c->uuid);
	call_publish(c, BUS_EV_CALL_CREATED,
		     json_pack("{s:s?,s:s?,s:s?,s:s,s:s?}", "from", inv->from_user, "to", inv->ruri_user,
			       "a_call_id", a->call_id, "source", c->source,
			       "auth_user", inv->auth_user));

	start_call(c, inv);
	call_free_if_done(c);
}
