/* lib/call/leg.c: a leg's memory and the small helpers around it. A leg is
 * owned by its call (or, for a moment, by lib/sip before call_on_invite
 * adopts it). Sofia thread only. */
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
 * the one place that sets `ended`. The leg's memory stays with its owner. */
void leg_end(struct leg *l)
{
	if (l && !l->ended) {
		l->ended = true;
		l->core->ops->release(l);
	}
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
