/* lib/call/leg.c: a leg's memory, the small helpers around it, and the one
 * container of a call's legs (c->legs, call_set_leg(): its invariants are
 * in call_int.h). A leg is owned by its call (or, for a moment, by lib/sip
 * before call_on_invite adopts it, or by a forwarded REFER). Sofia thread
 * only. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "call_int.h"
#include "ops/log.h"

static const char *const req_names[_LEG_REQ_MAX] = {
	[LEG_REQ_INVITE] = "INVITE", [LEG_REQ_ACK] = "ACK", [LEG_REQ_BYE] = "BYE",
	[LEG_REQ_CANCEL] = "CANCEL", [LEG_REQ_UPDATE] = "UPDATE", [LEG_REQ_INFO] = "INFO",
	[LEG_REQ_PRACK] = "PRACK", [LEG_REQ_REFER] = "REFER",
};

const char *leg_req_name(enum leg_req req)
{
	return req < _LEG_REQ_MAX ? req_names[req] : "?";
}

struct leg *leg_new(struct call_core *core, enum leg_side side)
{
	struct leg *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	l->core = core;
	l->side = side;
	return l;
}

struct leg *leg_free(struct leg *l)
{
	if (l == NULL)
		return NULL;
	if (l->sip)	/* release() clears it: lib/sip never outlives the leg */
		l->core->ops->release(l);
	ttimer_free(l->glare_timer);
	free(l->glare_ctype);
	free(l->glare_body);
	free(l->call_id);
	free(l);
	return NULL;
}

/* The leg's SIP dialog is over for us: lib/sip forgets its handle (hanging
 * up what is still live) and no event comes for the leg again. Idempotent;
 * the one way into LEG_ST_ENDED. The leg's memory stays with its owner. */
void leg_end(struct leg *l)
{
	if (l && !leg_is_ended(l)) {
		leg_set_state(l, LEG_ST_ENDED);
		l->core->ops->release(l);
	}
}

void leg_hangup(struct leg *l)
{
	enum leg_state next;
	enum leg_req req;

	if (l == NULL)
		return;
	if (leg_is_inviting(l) && l->outbound) {
		req = LEG_REQ_CANCEL;
		next = LEG_ST_CANCELLING;
	} else if (leg_is_confirmed(l)) {
		req = LEG_REQ_BYE;
		next = LEG_ST_ENDING;
	} else {
		return;
	}
	if (l->core->ops->send(l, req, NULL) < 0)
		leg_end(l);
	else
		leg_set_state(l, next);
}

/* ---- the container ---- */

void leg_pair(struct leg *a, struct leg *b)
{
	a->peer = b;
	b->peer = a;
}

void leg_unpair(struct leg *l)
{
	if (l->peer && l->peer->peer == l)
		l->peer->peer = NULL;
	l->peer = NULL;
}

/* l leaves its role in c: its party slot, and every peer link to it. */
static void leave_role(struct call *c, struct leg *l)
{
	if (l->role == LEG_ROLE_PARTY && c->leg[l->side] == l)
		c->leg[l->side] = NULL;
	for (struct leg *o = c->legs; o; o = o->call_next)
		if (o->peer == l)
			o->peer = NULL;
	l->peer = NULL;
}

void call_drop_leg(struct call *c, struct leg *l)
{
	leave_role(c, l);
	for (struct leg **p = &c->legs; *p; p = &(*p)->call_next)
		if (*p == l) {
			*p = l->call_next;
			break;
		}
	l->call_next = NULL;
	l->call = NULL;
	l->role = LEG_ROLE_NONE;
	call_update_log_prefix(c);
}

void call_set_leg(struct call *c, struct leg *l, enum leg_role role, enum leg_side side)
{
	enum leg_side other = side == LEG_A ? LEG_B : LEG_A;

	if (l->call && l->call != c)
		call_drop_leg(l->call, l);	/* from another call (attended transfer) */
	if (l->call == c) {
		leave_role(c, l);
	} else {
		l->call = c;
		l->call_next = c->legs;
		c->legs = l;
	}
	l->role = role;
	l->side = side;
	if (role == LEG_ROLE_PARTY) {
		if (c->leg[side])
			call_set_leg(c, c->leg[side], LEG_ROLE_GONE, side);	/* let go */
		c->leg[side] = l;
		if (c->leg[other])
			leg_pair(l, c->leg[other]);
	} else if (role == LEG_ROLE_TARGET) {
		l->peer = c->leg[other];	/* one way, until it answers */
	}
	call_update_log_prefix(c);
}

void call_free_leg(struct call *c, struct leg *l)
{
	leg_end(l);
	call_drop_leg(c, l);
	leg_free(l);
}

struct leg *call_leg_in(const struct call *c, enum leg_role role)
{
	for (struct leg *l = c->legs; l; l = l->call_next)
		if (l->role == role)
			return l;
	return NULL;
}

bool call_legs_ended(const struct call *c)
{
	for (const struct leg *l = c->legs; l; l = l->call_next)
		if (!leg_is_ended(l))
			return false;
	return true;
}

void call_end_legs(struct call *c)
{
	for (struct leg *l = c->legs; l; l = l->call_next)
		leg_end(l);
}

void call_free_legs(struct call *c)
{
	while (c->legs) {
		struct leg *l = c->legs;

		assert(leg_is_ended(l));	/* the release rule (call.c) */
		c->legs = l->call_next;
		leg_free(l);
	}
	c->leg[LEG_A] = c->leg[LEG_B] = NULL;
}

void leg_set_call_id(struct leg *l, const char *call_id)
{
	char *dup;

	if (call_id == NULL || (l->call_id && strcmp(l->call_id, call_id) == 0))
		return;
	dup = strdup(call_id);
	if (dup == NULL)
		return;
	free(l->call_id);
	l->call_id = dup;
	if (l->call)
		call_update_log_prefix(l->call);
}

const char *leg_log_prefix(const struct leg *l)
{
	return l->call ? l->call->log_prefix : "call=-";
}

const struct conf_route *leg_route(const struct leg *l)
{
	return l->call ? l->call->route : NULL;
}

/* Answer the leg's pending request of that kind with a status of our own. */
int leg_respond(struct leg *l, enum leg_req req, int status, const char *phrase)
{
	struct call_msg m = { .status = status, .phrase = phrase, .retry_after = -1 };

	if (status == 503 && l->call && l->call->conf->retry_after > 0)
		m.retry_after = l->call->conf->retry_after;
	l->in_req[req] = false;
	return l->core->ops->respond(l, req, &m);
}
