/* lib/call/dialog.c: in-dialog requests crossing between the legs of a call:
 * re-INVITE (hold, resume, codec change), ACK, UPDATE, INFO, CANCEL of a
 * re-INVITE. A request from leg X is sent on its peer Y; Y's answer goes
 * back to X. Each leg remembers which requests wait for an answer in each
 * direction (in_req, out_req), so a crossing request (glare) is answered
 * 491, and a 491 we get on a relayed re-INVITE is retried after the RFC 3261
 * 14.1 delay before it is passed back. Sofia thread only. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "call_int.h"
#include "ops/log.h"

#define GLARE_MAX_TRIES 2

static char sdp_buf[SDP_MAX];	/* sofia thread only; copied by the leg ops */

int dialog_copy_body(const struct call_msg *m, char **ctype, char **body, size_t *len)
{
	free(*ctype);
	free(*body);
	*ctype = NULL;
	*body = NULL;
	*len = 0;
	if (m == NULL || m->body == NULL || m->body_len == 0)
		return 0;
	*ctype = strdup(m->ctype ? m->ctype : "application/sdp");
	*body = malloc(m->body_len + 1);
	if (*ctype == NULL || *body == NULL)
		return -ENOMEM;
	memcpy(*body, m->body, m->body_len);
	(*body)[m->body_len] = '\0';
	*len = m->body_len;
	return 0;
}

/* Answer every request still waiting on leg l (before it is hung up). */
void dialog_answer_pending(struct leg *l, int code, const char *phrase)
{
	static const enum leg_req kinds[] = { LEG_REQ_UPDATE, LEG_REQ_INFO };

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (l->in_req[kinds[i]])
			leg_respond(l, kinds[i], code, phrase);
	if (leg_is_answered(l) && l->in_req[LEG_REQ_INVITE])
		leg_respond(l, LEG_REQ_INVITE, code, phrase);
}

static bool dialog_ready(const struct leg *p, enum leg_req req)
{
	if (p == NULL || leg_is_ended(p))
		return false;
	/* re-INVITE only on a confirmed dialog; UPDATE and INFO also early */
	if (req == LEG_REQ_INVITE)
		return leg_is_answered(p);
	return true;
}

static void on_glare_timer(void *arg)
{
	struct leg *l = arg;
	struct call_msg m = {
		.ctype = l->glare_ctype, .body = l->glare_body, .body_len = l->glare_len,
		.retry_after = -1,
	};
	struct leg *p = l->peer;

	if (l->call->state == CALL_ST_CLOSING || p == NULL || !p->in_req[LEG_REQ_INVITE])
		return;
	call_log(l->call, LOG_LVL_INFO, "re-INVITE on leg %c again after 491 (try %d)",
		 l->side == LEG_A ? 'A' : 'B', l->glare_tries + 1);
	if (l->core->ops->send(l, LEG_REQ_INVITE, &m) < 0) {
		l->out_req[LEG_REQ_INVITE] = false;
		leg_respond(p, LEG_REQ_INVITE, 500, "Server Internal Error");
	}
}

/* RFC 3261 14.1: the owner of the Call-ID (we are, on leg B) waits 2.1 to
 * 4 s, the other side 0 to 2 s, in units of 10 ms. */
static unsigned glare_delay_ms(const struct leg *l)
{
	if (l->side == LEG_B)
		return 2100 + (unsigned)(random() % 191) * 10;
	return (unsigned)(random() % 201) * 10;
}

static bool glare_retry(struct leg *l)
{
	if (l->glare_tries >= GLARE_MAX_TRIES)
		return false;
	if (l->glare_timer == NULL)
		l->glare_timer = ttimer_new(l->core->root, on_glare_timer, l);
	if (l->glare_timer == NULL)
		return false;
	l->glare_tries++;
	ttimer_start(l->glare_timer, glare_delay_ms(l));
	return true;
}

void dialog_request(struct leg *l, enum leg_req req, const struct call_msg *m)
{
	struct call *c = l->call;
	struct leg *p = l->peer;
	const struct leg_ops *ops = c->core->ops;

	struct call_msg fwd;
	int r;

	if (req == LEG_REQ_ACK) {
		if (p && p->ack_owed && !leg_is_ended(p)) {
			p->ack_owed = false;
			/* the answer to the late offer of the 2xx we relayed */
			if (media_cross(c, l->side, false, m, &fwd, sdp_buf, sizeof(sdp_buf)) < 0)
				fwd = *m;
			ops->send(p, LEG_REQ_ACK, &fwd);
		}
		return;
	}
	if (req == LEG_REQ_PRACK)
		return;	/* hop by hop: NUA answered it */
	if (req == LEG_REQ_CANCEL) {
		/* CANCEL of a re-INVITE: NUA answered it; cancel ours */
		if (p && p->out_req[LEG_REQ_INVITE])
			ops->send(p, LEG_REQ_CANCEL, NULL);
		return;
	}
	l->in_req[req] = true;
	if (req == LEG_REQ_INFO && c->state != CALL_ST_CLOSING && dtmf_on_info(l, m))
		return;
	if (c->state == CALL_ST_CLOSING || !dialog_ready(p, req)) {
		leg_respond(l, req, req == LEG_REQ_INVITE && !leg_is_answered(l) ? 491 : 481,
			    NULL);
		return;
	}
	if (p->out_req[req] || p->in_req[req]) {
		/* a request of the same kind crosses this one */
		leg_respond(l, req, 491, "Request Pending");
		return;
	}
	r = media_cross(c, l->side, true, m, &fwd, sdp_buf, sizeof(sdp_buf));
	if (r < 0) {
		leg_respond(l, req, r == -EADDRINUSE ? 503 : 488, NULL);
		return;
	}
	if (req == LEG_REQ_INVITE) {
		if (dialog_copy_body(&fwd, &p->glare_ctype, &p->glare_body, &p->glare_len) < 0) {
			leg_respond(l, req, 500, "Server Internal Error");
			return;
		}
		p->glare_tries = 0;
	}
	p->out_req[req] = true;
	p->out_offer[req] = fwd.body_len > 0;
	if (ops->send(p, req, &fwd) < 0) {
		p->out_req[req] = false;
		leg_respond(l, req, 500, "Server Internal Error");
	}
}

/* A re-INVITE of tandemd's own (after a transfer): its 2xx is ACKed and its
 * answer goes to the relay; nobody waits for it on the other leg. */
int dialog_own_invite(struct leg *l, const struct call_msg *m)
{
	int r;

	if (leg_is_ended(l) || l->out_req[LEG_REQ_INVITE] || l->in_req[LEG_REQ_INVITE])
		return -EBUSY;
	r = dialog_copy_body(m, &l->glare_ctype, &l->glare_body, &l->glare_len);
	if (r < 0)
		return r;
	l->glare_tries = 0;
	l->out_req[LEG_REQ_INVITE] = true;
	l->out_offer[LEG_REQ_INVITE] = m->body_len > 0;
	r = l->core->ops->send(l, LEG_REQ_INVITE, m);
	if (r < 0)
		l->out_req[LEG_REQ_INVITE] = false;
	return r;
}

void dialog_response(struct leg *l, enum leg_req req, const struct call_msg *m)
{
	struct call *c = l->call;
	struct leg *p = l->peer;
	const struct leg_ops *ops = c->core->ops;
	struct call_msg fwd;

	if (!l->out_req[req])
		return;
	if (m->status < 200)
		return;	/* NUA sent 100 on the other side; nothing more to say */
	if (req == LEG_REQ_INFO && dtmf_on_info_answer(l, m))
		return;
	if (req == LEG_REQ_INVITE && m->status == 491 && c->state != CALL_ST_CLOSING &&
	    p && p->in_req[req] && glare_retry(l))
		return;
	l->out_req[req] = false;
	if (req == LEG_REQ_INFO && l->dtmf_qn)
		dtmf_send_queued(l);	/* digits that waited for this INFO's answer */
	if (req == LEG_REQ_INVITE && m->status < 300 && !leg_is_ended(l)) {
		/* our re-INVITE had an offer: ACK now; a late offer waits for
		 * the other side's ACK with the answer */
		if (l->glare_len > 0)
			ops->send(l, LEG_REQ_ACK, NULL);
		else
			l->ack_owed = true;
	}
	fwd = *m;
	/* the relay learns the answer even for a request of tandemd's own */
	if (m->status < 300 && media_cross(c, l->side, !l->out_offer[req], m, &fwd, sdp_buf,
					   sizeof(sdp_buf)) < 0) {
		fwd = (struct call_msg){ .status = 500, .phrase = "Server Internal Error",
					 .retry_after = -1 };
	}
	if (p == NULL || leg_is_ended(p) || !p->in_req[req])
		return;
	p->in_req[req] = false;
	if (fwd.status >= 700) {
		fwd.status = 500;
		fwd.phrase = "Server Internal Error";
	}
	ops->respond(p, req, &fwd);
}
