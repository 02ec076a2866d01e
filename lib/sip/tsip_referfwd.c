/* lib/sip/tsip_referfwd.c: the SIP side of a REFER outside a dialog (the
 * decisions are lib/call/referfwd.c's): the new REFER is wrapped as a leg and
 * handed over, the events of its legs are passed on, our own REFER to the
 * target goes out on a handle of its own.
 *
 * sofia-sip 1.12.11 NOTIFYs "100 Trying" by itself for every REFER that
 * creates a handle, even one that REFER is in NUTAG_APPL_METHOD for and
 * that the application then refuses: nua_refer_server_report() posts the
 * NOTIFY to the stack before our callback runs, and nothing the callback
 * can do reaches the stack before it. A refused or not yet answered REFER
 * must get no NOTIFY, so tandemd provides its own nua_stack_notify() (the
 * stack calls it through the PLT, as it does SSL_new: see
 * tsip_tls_reload.c): it drops exactly that automatic NOTIFY, recognised
 * by what only it carries (no NUTAG_SUBSTATE, the fixed "SIP/2.0 100
 * Trying\r\n" body; every NOTIFY of tandemd sets NUTAG_SUBSTATE), and
 * passes every other one to sofia's own (dlsym(RTLD_NEXT)).
 * tests/sip/153-refer-outside-reject checks on the wire that none goes out.
 * Sofia thread only. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sofia-sip/msg_addr.h>

#include "tsip_int.h"
#include "ops/bus.h"
#include "ops/log.h"

#define AUTO_NOTIFY_BODY "SIP/2.0 100 Trying\r\n"

static bool auto_refer_notify(tagi_t const *tags)
{
	tagi_t const *pl = tl_find(tags, siptag_payload_str);

	if (tl_find(tags, nutag_substate) != NULL || pl == NULL || pl->t_value == 0)
		return false;
	return strcmp((const char *)pl->t_value, AUTO_NOTIFY_BODY) == 0;
}

int nua_stack_notify(nua_t *nua, nua_handle_t *nh, nua_event_t e, tagi_t const *tags);

int nua_stack_notify(nua_t *nua, nua_handle_t *nh, nua_event_t e, tagi_t const *tags)
{
	static int (*real)(nua_t *, nua_handle_t *, nua_event_t, tagi_t const *);

	if (auto_refer_notify(tags)) {
		log_debug("sofia's own NOTIFY 100 for a new REFER dropped");
		return 0;
	}
	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "nua_stack_notify");
	return real ? real(nua, nh, e, tags) : -1;
}

struct hdr_ctx {
	const sip_t *sip;
	char buf[512];
};

/* The first value of a header by name (route matching, match.header). */
static const char *header_value(void *arg, const char *name)
{
	struct hdr_ctx *hc = arg;
	const msg_header_t *h;

	for (h = (const msg_header_t *)hc->sip->sip_request; h; h = h->sh_succ) {
		const char *hn = h->sh_class->hc_name;
		if (h->sh_class->hc_hash == sip_unknown_hash) {
			if (strcasecmp(h->sh_unknown->un_name, name) == 0)
				return h->sh_unknown->un_value;
			continue;
		}
		if (hn && strcasecmp(hn, name) == 0)
			return msg_header_field_e(hc->buf, sizeof(hc->buf), h, 0) < 0 ? NULL : hc->buf;
	}
	return NULL;
}

/* A REFER that created a handle of its own (no dialog of ours). */
void tsip_referfwd_refer(struct tsip *t, nua_handle_t *nh, const sip_t *sip, tagi_t tags[])
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	struct hdr_ctx hc = { .sip = sip };
	sip_event_t const *ev = NULL;
	struct referfwd_req r;
	su_addrinfo_t *ai;
	msg_t *msg;
	struct leg *l;

	l = leg_new(t->core, LEG_A);
	if (l == NULL || tsip_leg_attach(t, l, nh) < 0) {
		nua_respond(nh, SIP_500_INTERNAL_SERVER_ERROR, NUTAG_WITH_THIS(t->nua), TAG_END());
		free(l);
		nua_handle_destroy(nh);
		return;
	}
	tsip_contact_inbound(t, l, sip);	/* sips: only toward sips: */
	leg_set_call_id(l, sip->sip_call_id ? sip->sip_call_id->i_id : NULL);
	memset(&r, 0, sizeof(r));
	/* before the event is saved: saving takes it from nua_current_request() */
	msg = nua_current_request(t->nua);
	ai = msg ? msg_addrinfo(msg) : NULL;
	r.q.source = ai ? ai->ai_addr : NULL;
	tl_gets(tags, NUTAG_REFER_EVENT_REF(ev), TAG_END());
	tsip_leg_save(l, LEG_REQ_REFER);
	tsip_leg_set_refer_event(l, ev);

	r.q.ruri_user = sip->sip_request->rq_url->url_user;
	r.q.ruri_host = sip->sip_request->rq_url->url_host;
	if (sip->sip_from) {
		r.q.from_user = sip->sip_from->a_url->url_user;
		r.from_display = sip->sip_from->a_display;
		if (r.from_display && *r.from_display == '"')
			r.from_display = msg_unquote_dup(home, r.from_display);
	}
	if (sip->sip_to)
		r.q.to_user = sip->sip_to->a_url->url_user;
	r.q.header = header_value;
	r.q.header_arg = &hc;
	r.max_forwards = sip->sip_max_forwards ? (int)sip->sip_max_forwards->mf_count : -1;
	if (sip->sip_refer_to) {
		r.refer_to = sip_header_as_string(home, (sip_header_t const *)sip->sip_refer_to);
		r.refer_host = sip->sip_refer_to->r_url->url_host;
	}
	if (sip->sip_referred_by)
		r.referred_by = sip_header_as_string(home, (sip_header_t const *)sip->sip_referred_by);
	referfwd_on_refer(t->core, l, &r);
	su_home_deinit(home);
}

/* Events on a leg of a forwarded REFER (l->referfwd set). */
void tsip_referfwd_event(struct tsip *t, nua_event_t ev, int status, const char *phrase,
		     nua_handle_t *nh, struct leg *l, const sip_t *sip)
{
	struct call_msg m = { .status = status, .phrase = phrase, .retry_after = -1 };
	char frag[128] = "";
	bool final;

	switch (ev) {
	case nua_r_refer:
		referfwd_on_answer(l, &m);
		return;
	case nua_i_notify:
		if (sip == NULL)
			return;
		final = sip->sip_subscription_state &&
			strcasecmp(sip->sip_subscription_state->ss_substate, "terminated") == 0;
		if (sip->sip_payload && sip->sip_payload->pl_len > 0) {
			size_t n = sip->sip_payload->pl_len < sizeof(frag) - 1 ?
				   sip->sip_payload->pl_len : sizeof(frag) - 1;
			memcpy(frag, sip->sip_payload->pl_data, n);
			frag[n] = '\0';
			frag[strcspn(frag, "\r\n")] = '\0';	/* the status line */
		}
		referfwd_on_notify(l, frag, final);
		return;
	case nua_r_notify:
		referfwd_on_notified(l, status);
		return;
	case nua_i_invite:
	case nua_i_update:
	case nua_i_info:
	case nua_i_refer:
	case nua_i_options:
		/* in the dialog a REFER made: nothing tandemd serves */
		bus_sip(false, sip && sip->sip_request ? sip->sip_request->rq_method_name : "?", 403);
		nua_respond(nh, SIP_403_FORBIDDEN, NUTAG_WITH_THIS(t->nua), TAG_END());
		return;
	default:
		return;
	}
}

/* The leg op refer_out: our own REFER outside a dialog, on a new handle,
 * with a Call-ID of ours and our host in From (the sender's stays behind). */
int tsip_referfwd_place(struct leg *l, const struct leg_target *tg, const char *refer_to,
		    const char *referred_by)
{
	struct tsip *t = l->peer && l->peer->sip ? ((struct tsip_leg *)l->peer->sip)->t : NULL;
	su_home_t home[1] = { SU_HOME_INIT(home) };
	const char *host, *contact;
	char *from, *to, mf[16];
	sip_call_id_t *cid;
	nua_handle_t *nh;

	if (t == NULL)
		return -EINVAL;
	host = t->conf->advertise ? t->conf->advertise : t->conf->listen_address;
	from = su_sprintf(home, "%s<sip:%s@%s%s%s>", tsip_display_quoted(home, tg->from_display),
			  tg->from_user && *tg->from_user ? tg->from_user : "anonymous",
			  strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "");
	to = su_sprintf(home, "<%s>", tg->ruri);
	cid = sip_call_id_create(home, NULL);
	if (from == NULL || to == NULL || cid == NULL) {
		su_home_deinit(home);
		return -ENOMEM;
	}
	nh = nua_handle(t->nua, l, SIPTAG_TO_STR(to), SIPTAG_FROM_STR(from), SIPTAG_CALL_ID(cid),
			TAG_END());
	if (nh == NULL || tsip_leg_attach(t, l, nh) < 0) {
		if (nh)
			nua_handle_destroy(nh);
		su_home_deinit(home);
		return -ENOMEM;
	}
	leg_set_call_id(l, cid->i_id);
	snprintf(mf, sizeof(mf), "%d", tg->max_forwards);
	bus_sip(false, "REFER", 0);
	contact = tsip_contact_of_target(t, home, tg->ruri);	/* sips: only toward sips: */
	nua_refer(nh, NUTAG_URL(tg->ruri), SIPTAG_REFER_TO_STR(refer_to),
		  TAG_IF(contact != NULL, SIPTAG_CONTACT_STR(contact)),
		  TAG_IF(referred_by != NULL, SIPTAG_REFERRED_BY_STR(referred_by)),
		  SIPTAG_MAX_FORWARDS_STR(mf), TAG_END());
	su_home_deinit(home);
	return 0;
}
