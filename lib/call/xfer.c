/* lib/call/xfer.c: call transfer (REFER) carried out by tandemd. A leg X of
 * a call X-Y sends REFER; by the route's policy tandemd refuses it (403),
 * passes it to Y as a REFER of its own and relays the NOTIFYs back, or
 * carries it out: 202 and NOTIFY progress to X, a new leg toward the target
 * routed by the ordinary rules and offered the media Y already uses, and,
 * when the target answers, the new leg takes X's place in the call and in
 * the relay (X's side of the stream pair now points at the target), X is
 * told 200 and let go. Y sees nothing unless the target needs another codec.
 * If the target fails, X hears why and X and Y stay connected.
 * Sofia thread only. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "call_int.h"
#include "ops/log.h"

static char sdp_buf[SDP_MAX];	/* sofia thread only; copied by the leg ops */

static char side_char(const struct leg *l)
{
	return l->side == LEG_A ? 'A' : 'B';
}

static void xfer_record(struct call *c, const char *by, const char *kind, const char *target,
			int code, const char *outcome)
{
	json_t *t = json_pack("{s:f,s:s,s:s,s:s?,s:i,s:s}", "time", call_now(), "by", by,
			      "kind", kind, "target", target, "code", code, "outcome", outcome);

	if (c->transfers == NULL)
		c->transfers = json_array();
	if (t && c->transfers)
		json_array_append(c->transfers, t);
	call_publish(c, BUS_EV_TRANSFER, t);
}

static const char *who(const struct leg *l)
{
	return l->side == LEG_A ? "caller" : "callee";
}

bool xfer_owns(struct call *c, struct leg *l)
{
	return l->call == c && (l->role == LEG_ROLE_TARGET || l->role == LEG_ROLE_GONE);
}

static void xfer_clear(struct call *c)
{
	media_drop_spares(c);	/* a target that never answered needs none */
	ttimer_stop(c->xfer.timer);
	free(c->xfer.user);
	free(c->xfer.target);
	free(c->xfer.referred_by);
	free(c->xfer.replaces);
	c->xfer.user = c->xfer.target = c->xfer.referred_by = c->xfer.replaces = NULL;
	c->xfer.transferor = NULL;
	c->xfer.route = NULL;
}

/* The transferor, if it is still there to be told. */
static void tell(struct call *c, const char *frag, bool final)
{
	struct leg *x = c->xfer.transferor;

	if (x && !leg_is_ended(x))
		c->core->ops->notify(x, frag, final);
}

static void failed(struct call *c, int code, const char *phrase);

/* The target rings too long: CANCEL; its 487 ends the transfer (or the next
 * target is tried). A CANCEL that cannot be sent ends it here. */
static void on_no_answer(void *arg)
{
	struct call *c = arg;
	struct leg *n = xfer_leg(c);

	if (n && leg_is_inviting(n)) {
		call_log(c, LOG_LVL_NOTICE, "transfer target %s did not answer", c->xfer.target);
		leg_hangup(n);
		if (leg_is_ended(n)) {
			call_free_leg(c, n);
			failed(c, 408, "Request Timeout");
		}
	}
	call_free_if_done(c);	/* an entry point: call.c's release rule */
}

static const char *identity_of(const struct call *c, const struct leg *l)
{
	/* the caller is known by its From user, the callee by its number */
	return l->side == LEG_A ? c->from_user : c->ruri_user;
}

/* Place (or place again, failing over) the leg toward the target. */
static int place(struct call *c)
{
	struct call_xfer *x = &c->xfer;
	struct leg *y = c->leg[x->transferor->side == LEG_A ? LEG_B : LEG_A];
	struct call_msg offer = { .retry_after = -1 }, fwd;
	char *headers[3] = { NULL, NULL, NULL };
	unsigned nh = 0;
	struct leg_target t;
	struct leg *n;
	int r;

	r = call_target_uri(x->route, x->target_idx, x->user, &x->target);
	if (r < 0)
		return r;
	n = leg_new(c->core, x->transferor->side);
	if (n == NULL)
		return -ENOMEM;
	n->outbound = true;
	call_set_leg(c, n, LEG_ROLE_TARGET, n->side);	/* its peer: y */
	n->session_expires = x->route->session_expires;
	/* offer the target what the transferee already uses, with keys of
	 * its own (the transferor's side keeps working until the answer) */
	for (unsigned i = 0; i < c->n_streams; i++) {
		struct call_stream *cs = &c->streams[i];
		for (unsigned k = 0; k < cs->n_offered[n->side]; k++)
			tsrtp_key_wipe(&cs->offered[n->side][k]);
		cs->n_offered[n->side] = 0;
		cs->fresh[n->side] = true;	/* the target's answer sets the side */
	}
	offer.ctype = "application/sdp";
	offer.body = c->last_sdp[y->side];
	offer.body_len = c->last_sdp_len[y->side];
	/* a target in another address family: sockets of its family wait
	 * beside the transferor's until it answers */
	c->fam_hint[n->side] = media_family_of_uri(x->target);
	r = media_prepare_side(c, n->side);
	if (r == 0) {
		/* the transferor's hold ends with it: the target is offered
		 * sendrecv where the transferee answered that hold */
		c->toward_spare = true;
		r = media_toward_unheld(c, y->side, n->side, true, &offer, &fwd, sdp_buf,
					sizeof(sdp_buf));
		c->toward_spare = false;
	}
	if (r < 0) {
		media_drop_spares(c);
		call_free_leg(c, n);
		return r;
	}
	if (x->referred_by && asprintf(&headers[nh], "Referred-By: %s", x->referred_by) >= 0)
		nh++;
	if (x->replaces && asprintf(&headers[nh], "Replaces: %s", x->replaces) >= 0)
		nh++;
	t = (struct leg_target){
		.ruri = x->target, .from_user = identity_of(c, y), .to_user = x->user,
		.from_display = y->side == LEG_A ? c->from_display : NULL,
		.max_forwards = 70, .session_expires = x->route->session_expires,
		.headers = (const char *const *)headers,
	};
	call_log(c, LOG_LVL_INFO, "transfer: placing the new leg to %s", x->target);
	r = c->core->ops->place(n, &t, &fwd);
	for (unsigned i = 0; i < nh; i++)
		free(headers[i]);
	if (r < 0) {
		call_free_leg(c, n);
		return r;
	}
	if (x->timer == NULL)
		x->timer = ttimer_new(c->core->root, on_no_answer, c);
	ttimer_start(x->timer, (unsigned)x->route->no_answer_timeout * 1000u);
	return 0;
}

static void failed(struct call *c, int code, const char *phrase)
{
	struct call_xfer *x = &c->xfer;
	char frag[128];

	snprintf(frag, sizeof(frag), "SIP/2.0 %d %s", code, phrase ? phrase : "Failed");
	/* the side stays the transferor's: its next SDP is no new party */
	for (unsigned i = 0; x->transferor && i < c->n_streams; i++)
		c->streams[i].fresh[x->transferor->side] = false;
	call_log(c, LOG_LVL_NOTICE, "transfer to %s failed: %d", x->target ? x->target : x->user,
		 code);
	tell(c, frag, true);
	xfer_record(c, x->transferor ? who(x->transferor) : "?", "blind", x->target, code, "failed");
	/* the transferor may have hung up meanwhile: then nobody is left */
	if (x->transferor == NULL || leg_is_ended(x->transferor) || x->transferor->peer == NULL) {
		xfer_clear(c);
		call_close(c, CALL_END_TRANSFER_FAILED, code, phrase);
		return;
	}
	xfer_clear(c);
}

/* Media passthrough: the transferee sends its media straight to the other
 * party, so when the target's SDP says anything else than the
 * transferor's did (address, family, port, codec), the transferee gets a
 * re-INVITE with the target's SDP, under the origin it knows. */
static void passthrough_reoffer(struct call *c, struct leg *y, const char *had,
				const struct call_msg *m)
{
	struct call_msg offer = { .ctype = "application/sdp", .retry_after = -1 };
	int n;

	if (m->body_len == 0 || tsdp_same_media(had, strlen(had), m->body, m->body_len))
		return;
	n = tsdp_keep_origin(had, strlen(had), m->body, m->body_len, sdp_buf, sizeof(sdp_buf));
	if (n < 0) {
		call_log(c, LOG_LVL_WARNING, "transfer: the target's SDP is too large to pass on");
		return;
	}
	offer.body = sdp_buf;
	offer.body_len = (size_t)n;
	call_log(c, LOG_LVL_INFO, "transfer: the target's media differs, re-INVITE to leg %c",
		 side_char(y));
	if (dialog_own_invite(y, &offer) < 0)
		call_log(c, LOG_LVL_WARNING, "transfer: cannot re-INVITE leg %c", side_char(y));
}

/* The transferee y is left in the hold the transferor made: re-INVITE it
 * with `body` (an SDP of the party on side `from`, sendrecv where the hold
 * was when force is set) toward the relay, under the origin y knows from
 * `prev` (the transferor's last SDP), its version raised. */
static void unhold(struct call *c, struct leg *y, enum leg_side from, const char *prev,
		   const char *body, size_t len, bool force)
{
	static char tmp[SDP_MAX];
	struct call_msg offer = { .ctype = "application/sdp", .retry_after = -1 }, fwd;
	int n = tsdp_keep_origin(prev, strlen(prev), body, len, tmp, sizeof(tmp));

	offer.body = tmp;
	offer.body_len = n > 0 ? (size_t)n : 0;
	call_log(c, LOG_LVL_INFO, "transfer: leg %c was on the transferor's hold: re-INVITE "
		 "sendrecv", side_char(y));
	if (n < 0 ||
	    (force ? media_toward_unheld(c, from, from, true, &offer, &fwd, sdp_buf,
					 sizeof(sdp_buf)) :
		     media_toward(c, from, true, &offer, &fwd, sdp_buf, sizeof(sdp_buf))) < 0 ||
	    dialog_own_invite(y, &fwd) < 0)
		call_log(c, LOG_LVL_WARNING, "transfer: cannot take leg %c off hold", side_char(y));
}

/* Responses to the INVITE of the transfer leg. */
void xfer_on_response(struct call *c, struct leg *n, const struct call_msg *m)
{
	struct call_xfer *x = &c->xfer;
	const struct leg_ops *ops = c->core->ops;
	struct leg *old, *y;
	struct call_msg fwd;
	char codec[32], *had, *held = NULL;
	bool reoffer = false;

	if (n != xfer_leg(c))
		return;
	if (c->state == CALL_ST_CLOSING) {
		/* the call ended meanwhile: end the new leg too, nothing more */
		if (m->status < 200)
			return;
		if (m->status < 300) {
			leg_set_state(n, LEG_ST_CONFIRMED);	/* it crossed our CANCEL */
			ops->send(n, LEG_REQ_ACK, NULL);
			leg_hangup(n);
			return;	/* it ends, and is freed, as a transfer leg */
		}
		call_free_leg(c, n);
		return;	/* call_on_response frees the call if that was its last leg */
	}
	if (m->status < 200) {
		if (m->status >= 180)
			tell(c, m->status == 183 ? "SIP/2.0 183 Session Progress" :
				"SIP/2.0 180 Ringing", false);
		return;
	}
	ttimer_stop(x->timer);
	if (m->status >= 300) {
		int code = m->status >= 700 ? 500 : m->status;
		size_t next;

		call_free_leg(c, n);
		if (route_failover_on(x->route, code) &&
		    (next = call_route_live_target(c, x->route, x->target_idx + 1)) <
		    x->route->n_targets) {
			x->target_idx = next;
			if (place(c) == 0)
				return;
		}
		failed(c, code, m->phrase);
		return;
	}
	/* answered (perhaps across the CANCEL of its timer): the new leg takes
	 * the transferor's place */
	leg_set_state(n, LEG_ST_CONFIRMED);
	ops->send(n, LEG_REQ_ACK, NULL);
	snprintf(codec, sizeof(codec), "%s", c->n_streams ? c->streams[0].codec : "");
	/* media passthrough: what the transferee has now, from the transferor */
	had = !c->media_on && c->last_sdp[n->side] ? strdup(c->last_sdp[n->side]) : NULL;
	/* the transferee on the transferor's hold: the transferor's SDP, for
	 * the origin of the re-INVITE that takes the hold off */
	if (media_held_by(c, n->side) && c->last_sdp[n->side])
		held = strdup(c->last_sdp[n->side]);
	media_commit_side(c, n->side);	/* the target's own sockets, if it needed any */
	if (media_cross(c, n->side, false, m, &fwd, sdp_buf, sizeof(sdp_buf)) < 0)
		call_log(c, LOG_LVL_WARNING, "transfer target's SDP is unusable");
	else if (c->n_streams && strcasecmp(codec, c->streams[0].codec) != 0)
		reoffer = true;	/* the transferee must hear about the new codec */
	old = c->leg[n->side];
	y = n->peer;
	call_set_leg(c, n, LEG_ROLE_PARTY, n->side);	/* old is let go */
	call_log(c, LOG_LVL_INFO, "transfer: %s answered, leg %c replaced", x->target, side_char(n));
	tell(c, "SIP/2.0 200 OK", true);
	xfer_record(c, who(n), "blind", x->target, m->status, "connected");
	xfer_clear(c);
	leg_hangup(old);
	if (reoffer && y && !leg_is_ended(y)) {
		/* the target answered another codec: offer the transferee the
		 * target's media (its answer updates its relay side) */
		call_log(c, LOG_LVL_INFO, "transfer: codec now %s, re-INVITE to leg %c",
			 c->streams[0].codec, side_char(y));
		if (media_toward(c, n->side, true, m, &fwd, sdp_buf, sizeof(sdp_buf)) < 0 ||
		    dialog_own_invite(y, &fwd) < 0)
			call_log(c, LOG_LVL_WARNING, "transfer: cannot re-INVITE leg %c", side_char(y));
	}
	else if (held && y && !leg_is_ended(y) && m->body_len)
		unhold(c, y, n->side, held, m->body, m->body_len, false);	/* the target's answer */
	if (had && y && !leg_is_ended(y))
		passthrough_reoffer(c, y, had, m);
	free(had);
	free(held);
}

/* A BYE from, or the end of, a leg the transfer owns or the transferor. */
void xfer_on_leg_event(struct call *c, struct leg *l, enum leg_req req)
{
	(void)req;
	if (l->role == LEG_ROLE_TARGET) {
		/* the new leg died before answering */
		ttimer_stop(c->xfer.timer);
		call_free_leg(c, l);
		failed(c, 503, "Service Unavailable");
		return;
	}
	call_free_leg(c, l);	/* a leg let go has ended */
}

static bool busy(const struct leg *l)
{
	return l->in_req[LEG_REQ_INVITE] || l->out_req[LEG_REQ_INVITE] ||
	       l->in_req[LEG_REQ_UPDATE] || l->out_req[LEG_REQ_UPDATE];
}

/* Attended transfer: X's REFER names (Replaces) our leg r2 in another call
 * c2, X's dialog with the target. The target's leg t of c2 joins this call
 * in X's place: it gets a re-INVITE toward this call's relay ports; X's
 * legs in both calls are let go and c2 ends. */
static void attended(struct call *c, struct leg *x, struct leg *r2)
{
	struct call *c2 = r2->call;
	struct leg *y = x->peer, *t = r2->peer;
	const struct leg_ops *ops = c->core->ops;
	struct call_msg offer = { .retry_after = -1 }, fwd;
	char *held = NULL;

	if (c2 == NULL || c2 == c || t == NULL || !leg_is_confirmed(t) ||
	    c2->state != CALL_ST_CONFIRMED || xfer_leg(c2) || busy(t) || busy(r2)) {
		leg_respond(x, LEG_REQ_REFER, 481, "Call/Transaction Does Not Exist");
		return;
	}
	leg_respond(x, LEG_REQ_REFER, 202, "Accepted");
	ops->notify(x, "SIP/2.0 100 Trying", false);
	/* y on x's hold: x's hold offer, to take it off once t is joined */
	if (media_held_by(c, x->side) && c->last_sdp[x->side])
		held = strdup(c->last_sdp[x->side]);
	/* t leaves c2 and takes x's place here; x is let go */
	call_set_leg(c, t, LEG_ROLE_PARTY, x->side);
	media_vacate_side(c, t->side);	/* t may send before its answer is in */
	media_new_leg(c, t->side);
	offer.ctype = "application/sdp";
	offer.body = c->last_sdp[y->side];
	offer.body_len = c->last_sdp_len[y->side];
	/* sendrecv where y only answered x's hold (x's side keeps x's
	 * directions until t answers) */
	if (media_toward_unheld(c, y->side, t->side, true, &offer, &fwd, sdp_buf,
				sizeof(sdp_buf)) < 0 ||
	    dialog_own_invite(t, &fwd) < 0)
		call_log(c, LOG_LVL_WARNING, "attended transfer: cannot re-INVITE the target");
	call_log(c, LOG_LVL_INFO, "attended transfer: leg %c joined from call %llu", side_char(t),
		 (unsigned long long)c2->id);
	if (held)
		unhold(c, y, t->side, held, held, strlen(held), true);
	free(held);
	ops->notify(x, "SIP/2.0 200 OK", true);
	xfer_record(c, who(x), "attended", t->call_id, 200, "connected");
	leg_hangup(x);
	call_close(c2, CALL_END_TRANSFERRED, 200, NULL);
	call_free_if_done(c2);	/* its last use here (call.c's release rule) */
}

void call_on_replaces(struct leg *n, struct leg *old, const struct call_invite *inv)
{
	struct call *c = old->call;
	const struct leg_ops *ops = n->core->ops;
	struct call_msg fwd, ans, last = { .retry_after = -1, .ctype = "application/sdp" };
	struct leg *y = old->peer;

	n->in_req[LEG_REQ_INVITE] = true;
	if (c == NULL || c->state != CALL_ST_CONFIRMED || leg_is_ended(old) || xfer_owns(c, old) ||
	    xfer_leg(c) || y == NULL || busy(old) || busy(y) || inv->msg.body_len == 0 ||
	    c->last_sdp[y->side] == NULL) {
		leg_respond(n, LEG_REQ_INVITE, 481, "Call/Transaction Does Not Exist");
		ops->release(n);
		leg_free(n);
		return;
	}
	call_set_leg(c, n, LEG_ROLE_PARTY, old->side);	/* old is let go */
	media_new_leg(c, n->side);
	leg_set_call_id(n, inv->call_id);
	/* the newcomer's offer sets its side of the relay; the answer is what
	 * the other leg already uses, toward the newcomer's ports */
	last.body = c->last_sdp[y->side];
	last.body_len = c->last_sdp_len[y->side];
	if (media_cross(c, n->side, true, &inv->msg, &fwd, sdp_buf, sizeof(sdp_buf)) < 0 ||
	    media_toward(c, y->side, false, &last, &ans, sdp_buf, sizeof(sdp_buf)) < 0) {
		call_log(c, LOG_LVL_WARNING, "INVITE with Replaces: unusable SDP");
		ans = (struct call_msg){ .status = 488, .phrase = "Not Acceptable Here",
					 .retry_after = -1 };
		/* undo: the old leg stays */
		call_set_leg(c, old, LEG_ROLE_PARTY, old->side);
		call_drop_leg(c, n);
		leg_respond(n, LEG_REQ_INVITE, 488, "Not Acceptable Here");
		leg_end(n);
		leg_free(n);
		return;
	}
	ans.status = 200;
	ans.phrase = "OK";
	n->in_req[LEG_REQ_INVITE] = false;
	ops->respond(n, LEG_REQ_INVITE, &ans);
	leg_set_state(n, LEG_ST_CONFIRMED);
	call_log(c, LOG_LVL_INFO, "INVITE with Replaces: leg %c replaced", side_char(n));
	xfer_record(c, who(n), "replaces", inv->from_user, 200, "connected");
	leg_hangup(old);	/* let go */
}

/* A REFER to the conference URI (conference.uri): the call's parties go
 * into that bridge (bridge.c), the REFER is answered 202 and its NOTIFY
 * says 200 at once; a call that cannot join (a codec that cannot be
 * mixed, a full bridge) gets an error answer with the reason. */
static bool to_conference(const struct call *c, const struct call_refer *r)
{
	return c->conf->conference_user && r->user && r->host &&
	       strcasecmp(r->user, c->conf->conference_user) == 0 &&
	       strcasecmp(r->host, c->conf->conference_host) == 0;
}

static void conference(struct call *c, struct leg *l, const struct call_refer *r)
{
	struct call *calls[1] = { c };
	char err[200] = "";
	int e = bridge_join(c->core, c->conf->conference_uri, calls, 1, err, sizeof(err));
	int code = e == -EPROTONOSUPPORT ? 488 : e == -ENOSPC || e == -EBUSY ? 486 :
		   e == -EAGAIN ? 503 : e == -EALREADY ? 200 : 500;

	if (e < 0 && e != -EALREADY) {
		call_log(c, LOG_LVL_NOTICE, "REFER from leg %c to the conference refused: %s",
			 side_char(l), err);
		leg_respond(l, LEG_REQ_REFER, code, err);
		xfer_record(c, who(l), "conference", r->refer_to, code, "refused");
		return;
	}
	call_log(c, LOG_LVL_INFO, "REFER from leg %c: the call joins the conference %s",
		 side_char(l), c->conf->conference_uri);
	leg_respond(l, LEG_REQ_REFER, 202, "Accepted");
	c->core->ops->notify(l, "SIP/2.0 200 OK", true);
	xfer_record(c, who(l), "conference", r->refer_to, 200, "joined");
}

static void on_refer(struct call *c, struct leg *l, const struct call_refer *r)
{
	enum conf_refer policy = c->route ? c->route->refer : CONF_REFER_LOCAL;
	struct leg *y = l->peer;
	const struct leg_ops *ops = c->core->ops;
	struct route_req q;
	const struct conf_route *rt;
	char user[256];

	l->in_req[LEG_REQ_REFER] = true;
	if (xfer_owns(c, l) || c->state == CALL_ST_CLOSING) {
		leg_respond(l, LEG_REQ_REFER, 481, "Call/Transaction Does Not Exist");
		return;
	}
	if (policy == CONF_REFER_REJECT) {
		call_log(c, LOG_LVL_NOTICE, "REFER from leg %c refused by the route", side_char(l));
		leg_respond(l, LEG_REQ_REFER, 403, "Forbidden");
		xfer_record(c, who(l), "refused", r->refer_to, 403, "rejected");
		return;
	}
	if (c->state != CALL_ST_CONFIRMED || y == NULL || leg_is_ended(y) || xfer_leg(c) ||
	    l->in_req[LEG_REQ_INVITE] || l->out_req[LEG_REQ_INVITE] ||
	    y->in_req[LEG_REQ_INVITE] || y->out_req[LEG_REQ_INVITE] || y->out_req[LEG_REQ_REFER]) {
		/* a re-INVITE, or another transfer, is under way */
		leg_respond(l, LEG_REQ_REFER, 491, "Request Pending");
		return;
	}
	if (r->user == NULL || r->host == NULL || *r->host == '\0') {
		leg_respond(l, LEG_REQ_REFER, 400, "Bad Refer-To");
		return;
	}
	if (to_conference(c, r)) {
		conference(c, l, r);
		return;
	}
	if (c->bridge) {
		/* its media is the bridge's: a transfer would need a party to
		 * put back in a plain call */
		leg_respond(l, LEG_REQ_REFER, 403, "Forbidden (In A Conference)");
		xfer_record(c, who(l), "refused", r->refer_to, 403, "in-conference");
		return;
	}
	if (policy == CONF_REFER_PASSTHROUGH) {
		call_log(c, LOG_LVL_INFO, "REFER from leg %c passed to leg %c", side_char(l),
			 side_char(y));
		y->out_req[LEG_REQ_REFER] = true;
		if (ops->refer(y, r->refer_to, r->referred_by) < 0) {
			y->out_req[LEG_REQ_REFER] = false;
			leg_respond(l, LEG_REQ_REFER, 500, "Server Internal Error");
		}
		xfer_record(c, who(l), "passthrough", r->refer_to, 0, "passed");
		return;
	}
	if (r->replaces && r->replaced) {
		attended(c, l, r->replaced);
		return;
	}
	if (r->replaces) {
		/* a dialog we do not hold: call the target with the Replaces
		 * header, as a UA would (it goes with the Refer-To's headers) */
		call_log(c, LOG_LVL_INFO, "REFER with a Replaces of a dialog not ours: passing it on");
	}
	/* carried out here: route the target like any call */
	q = (struct route_req){ .ruri_user = r->user, .ruri_host = r->host,
				.from_user = identity_of(c, y), .to_user = r->user };
	rt = route_find(c->conf, &q);
	leg_respond(l, LEG_REQ_REFER, 202, "Accepted");
	ops->notify(l, "SIP/2.0 100 Trying", false);
	c->xfer.transferor = l;
	if (rt == NULL || rt->reject || rt->n_targets == 0 ||
	    route_rewrite_user(rt, r->user, user, sizeof(user)) < 0) {
		int code = rt == NULL ? c->conf->no_route_code : rt->reject ? rt->reject : 500;
		failed(c, code, rt && rt->reject_reason ? rt->reject_reason :
			       code == 404 ? "Not Found" : "Rejected");
		return;
	}
	c->xfer.route = rt;
	c->xfer.target_idx = call_route_live_target(c, rt, 0);
	if (c->xfer.target_idx == rt->n_targets) {
		call_log(c, LOG_LVL_NOTICE, "transfer: every target of route \"%s\" is down",
			 rt->name);
		failed(c, 503, "Service Unavailable");
		return;
	}
	c->xfer.user = strdup(user);
	if (r->referred_by)
		c->xfer.referred_by = strdup(r->referred_by);
	else if (asprintf(&c->xfer.referred_by, "<sip:%s@%s>", identity_of(c, l),
			  c->conf->advertise ? c->conf->advertise : c->conf->listen_address) < 0)
		c->xfer.referred_by = NULL;	/* RFC 3892: say who referred, ours if need be */
	c->xfer.replaces = r->replaces_value ? strdup(r->replaces_value) : NULL;
	call_log(c, LOG_LVL_INFO, "REFER from leg %c to %s (route %s)", side_char(l), r->refer_to,
		 rt->name);
	if (c->xfer.user == NULL || place(c) < 0)
		failed(c, 500, "Server Internal Error");
}

void call_on_refer(struct leg *l, const struct call_refer *r)
{
	struct call *c = l->call;

	on_refer(c, l, r);
	call_free_if_done(c);	/* an entry point: call.c's release rule */
}

/* A NOTIFY of the REFER we passed on: back to the leg that sent the REFER. */
void call_on_notify(struct leg *l, const char *sipfrag, bool final)
{
	struct leg *x = l->peer;

	if (x == NULL || leg_is_ended(x))
		return;
	l->core->ops->notify(x, sipfrag, final);
	if (final)
		l->out_req[LEG_REQ_REFER] = false;
}

void xfer_close(struct call *c)
{
	if (xfer_leg(c))
		tell(c, "SIP/2.0 487 Request Terminated", true);
	leg_hangup(xfer_leg(c));	/* CANCEL while it rings */
	ttimer_stop(c->xfer.timer);
}

/* The call's legs, this transfer's included, are freed by call_free_legs. */
void xfer_free(struct call *c)
{
	c->xfer.timer = ttimer_free(c->xfer.timer);
	xfer_clear(c);
	json_decref(c->transfers);
	c->transfers = NULL;
}
