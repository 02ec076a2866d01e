/* lib/sip/tsip_leg.c: the coordinator's leg operations (struct leg_ops)
 * carried out with NUA calls on the leg's handle. Sofia thread only. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsip_int.h"
#include "ops/bus.h"
#include "ops/log.h"

static struct tsip_leg *ctx(struct leg *l)
{
	return l->sip;
}

int tsip_leg_attach(struct tsip *t, struct leg *l, nua_handle_t *nh)
{
	struct tsip_leg *x = l->sip;

	if (x != NULL) {	/* a leg that waited for DNS (tsip_dns.c) gets its handle */
		x->nh = nh;
		nua_handle_bind(nh, l);
		return 0;
	}
	x = calloc(1, sizeof(*x));
	if (x == NULL)
		return -ENOMEM;
	x->t = t;
	x->nh = nh;
	su_home_init(x->home);
	l->sip = x;
	nua_handle_bind(nh, l);
	return 0;
}

void tsip_leg_save(struct leg *l, enum leg_req req)
{
	struct tsip_leg *x = ctx(l);

	if (x == NULL)
		return;
	if (x->saved[req])
		nua_destroy_event(&x->saved[req]);
	nua_save_event(x->t->nua, &x->saved[req]);
}

static void leg_release(struct leg *l)
{
	struct tsip_leg *x = ctx(l);

	if (x == NULL)
		return;
	tsip_dns_leg_gone(x);	/* a DNS lookup for it is forgotten */
	tsip_nat_leg_gone(x);	/* its keepalive stops */
	for (int i = 0; i < _LEG_REQ_MAX; i++)
		if (x->saved[i])
			nua_destroy_event(&x->saved[i]);
	if (x->nh) {
		nua_handle_bind(x->nh, NULL);
		nua_handle_destroy(x->nh);
	}
	su_home_deinit(x->home);
	free(x);
	l->sip = NULL;
}

/* A NUL-terminated copy of a body (event bodies are not terminated). */
static char *body_dup(const struct call_msg *m)
{
	char *b;

	if (m == NULL || m->body == NULL || m->body_len == 0)
		return NULL;
	b = malloc(m->body_len + 1);
	if (b) {
		memcpy(b, m->body, m->body_len);
		b[m->body_len] = '\0';
	}
	return b;
}

static const char *ctype_of(const struct call_msg *m)
{
	return m && m->ctype ? m->ctype : "application/sdp";
}

/* TAG_IF evaluates its tag even when the condition is false: keep both safe */
#define BODY_TAGS(m, b) \
	TAG_IF((b) != NULL, SIPTAG_CONTENT_TYPE_STR(ctype_of(m))), \
	TAG_IF((b) != NULL, SIPTAG_PAYLOAD_STR(b))

/* "name" (a quoted-string, RFC 3261 25.1) and a space, or "" */
const char *tsip_display_quoted(su_home_t *home, const char *d)
{
	size_t n = 0;
	char *q;

	if (d == NULL || *d == '\0')
		return "";
	q = su_alloc(home, strlen(d) * 2 + 4);
	if (q == NULL)
		return "";
	q[n++] = '"';
	for (; *d; d++) {
		if ((unsigned char)*d < 0x20 && *d != '\t')
			continue;	/* no control characters in a header */
		if (*d == '"' || *d == '\\')
			q[n++] = '\\';
		q[n++] = *d;
	}
	q[n++] = '"';
	q[n++] = ' ';
	q[n] = '\0';
	return q;
}

/* The INVITE of leg l to tg; proxy: the address to send it to (tsip_dns.c),
 * or NULL for sofia to take it from the Request-URI. */
int tsip_leg_invite(struct leg *l, const struct leg_target *tg, const struct call_msg *m,
		    const char *proxy)
{
	struct tsip *t = l->sip ? ctx(l)->t : l->peer && l->peer->sip ? ctx(l->peer)->t : NULL;
	nua_handle_t *nh;
	su_home_t home[1] = { SU_HOME_INIT(home) };
	char *from, *to, *hdrs = NULL, *body, mf[16];
	const char *host, *contact;
	sip_call_id_t *cid;
	size_t hlen = 0;
	int r = 0;

	if (t == NULL)
		return -EINVAL;
	host = tg->from_host ? tg->from_host :
	       t->conf->advertise ? t->conf->advertise : t->conf->listen_address;
	from = su_sprintf(home, "%s<sip:%s@%s%s%s>", tsip_display_quoted(home, tg->from_display),
			  tg->from_user && *tg->from_user ? tg->from_user : "anonymous",
			  strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "");
	to = su_sprintf(home, "<%s>", tg->ruri);
	cid = sip_call_id_create(home, NULL);
	for (const char *const *h = tg->headers; h && *h; h++)
		hlen += strlen(*h) + 2;
	if (hlen) {
		hdrs = su_alloc(home, hlen + 1);
		if (hdrs) {
			hdrs[0] = '\0';
			for (const char *const *h = tg->headers; *h; h++) {
				strcat(hdrs, *h);
				if (h[1])
					strcat(hdrs, "\r\n");
			}
		}
	}
	if (from == NULL || to == NULL || cid == NULL || (hlen && hdrs == NULL)) {
		su_home_deinit(home);
		return -ENOMEM;
	}
	snprintf(mf, sizeof(mf), "%d", tg->max_forwards);
	nh = nua_handle(t->nua, l, SIPTAG_TO_STR(to), SIPTAG_FROM_STR(from), SIPTAG_CALL_ID(cid),
			TAG_IF(tg->session_expires > 0, NUTAG_SESSION_TIMER(tg->session_expires)),
			TAG_IF(tg->session_expires > 0, NUTAG_UPDATE_REFRESH(1)),
			TAG_IF(tg->session_expires > 0, NUTAG_SESSION_REFRESHER(nua_local_refresher)),
			TAG_END());
	if (nh == NULL) {
		su_home_deinit(home);
		return -ENOMEM;
	}
	if (tsip_leg_attach(t, l, nh) < 0) {
		nua_handle_destroy(nh);
		su_home_deinit(home);
		return -ENOMEM;
	}
	if (tg->proxy)	/* a registered phone: its whole dialog goes there (tsip_reg.c) */
		nua_set_hparams(nh, NUTAG_PROXY(tg->proxy), TAG_END());
	leg_set_call_id(l, cid->i_id);
	ctx(l)->trunk = tg->auth;	/* trunk_auth: tsip_auth_trunk() */
	/* sips: or ;transport=tls: sofia uses TLS */
	l->tls = conf_target_is_tls(tg->ruri) || (tg->proxy && conf_target_is_tls(tg->proxy));
	bus_sip(false, "INVITE", 0);
	body = body_dup(m);
	contact = tsip_contact_of_target(t, home, tg->ruri);	/* sips: only toward sips: */
	nua_invite(nh, NUTAG_URL(tg->ruri), SIPTAG_MAX_FORWARDS_STR(mf),
		   TAG_IF(contact != NULL, SIPTAG_CONTACT_STR(contact)),
		   /* the INVITE's transaction only: nta takes no other path */
		   TAG_IF(proxy != NULL, NUTAG_PROXY(proxy)),
		   TAG_IF(hdrs != NULL, SIPTAG_HEADER_STR(hdrs)), BODY_TAGS(m, body), TAG_END());
	free(body);
	su_home_deinit(home);
	return r;
}

static int leg_place(struct leg *l, const struct leg_target *tg, const struct call_msg *m)
{
	struct tsip *t = l->peer && l->peer->sip ? ctx(l->peer)->t : NULL;
	int r;

	if (t == NULL)
		return -EINVAL;
	if (tg->proxy)		/* a registered phone, at its received address */
		return tsip_leg_invite(l, tg, m, tg->proxy);
	r = tsip_dns_place(t, l, tg, m);	/* a target named by DNS: tsip_dns.c */
	if (r <= 0)
		return r;
	return tsip_leg_invite(l, tg, m, NULL);
}

static int leg_send(struct leg *l, enum leg_req req, const struct call_msg *m)
{
	struct tsip_leg *x = ctx(l);
	char *body;

	if (x == NULL || x->nh == NULL)
		return -ENOTCONN;
	bus_sip(false, leg_req_name(req), 0);
	body = body_dup(m);
	switch (req) {
	case LEG_REQ_INVITE:
		nua_invite(x->nh, BODY_TAGS(m, body), TAG_END());
		break;
	case LEG_REQ_ACK:
		nua_ack(x->nh, BODY_TAGS(m, body), TAG_END());
		break;
	case LEG_REQ_BYE:
		nua_bye(x->nh, TAG_END());
		break;
	case LEG_REQ_CANCEL:
		nua_cancel(x->nh, TAG_END());
		break;
	case LEG_REQ_UPDATE:
		nua_update(x->nh, BODY_TAGS(m, body), TAG_END());
		break;
	case LEG_REQ_INFO:
		nua_info(x->nh, BODY_TAGS(m, body), TAG_END());
		break;
	default:
		free(body);
		return -EOPNOTSUPP;
	}
	free(body);
	return 0;
}

/* "<uri>, <uri>" of a 3xx passed on (call_msg.contacts: one URI a line) */
static const char *contacts_header(su_home_t *home, const char *lines)
{
	char *out = su_strdup(home, ""), *dup = su_strdup(home, lines), *save = NULL;

	for (char *u = strtok_r(dup, "\n", &save); u && out; u = strtok_r(NULL, "\n", &save))
		out = su_sprintf(home, "%s%s<%s>", out, *out ? ", " : "", u);
	return out && *out ? out : NULL;
}

static int leg_respond_op(struct leg *l, enum leg_req req, const struct call_msg *m)
{
	struct tsip_leg *x = ctx(l);
	const char *phrase = m->phrase, *redirect;
	char ra[16], *body;
	int se = 0;
	bool contact;

	if (x == NULL || x->nh == NULL)
		return -ENOTCONN;
	/* nua_respond() keeps the phrase pointer: it must outlive the call */
	if (phrase == NULL || *phrase == '\0' || strcmp(phrase, sip_status_phrase(m->status) ?
							    sip_status_phrase(m->status) : "") == 0)
		phrase = sip_status_phrase(m->status) ? sip_status_phrase(m->status) : "Unknown";
	else
		phrase = su_strdup(x->home, phrase);
	snprintf(ra, sizeof(ra), "%d", m->retry_after);
	bus_sip(false, leg_req_name(req), m->status);
	if (req == LEG_REQ_REFER && m->status >= 200 && m->status < 300 && x->refer_pending) {
		x->refer_event = x->refer_pending;
		x->refer_pending = NULL;
	}
	if (req == LEG_REQ_INVITE && m->status >= 200 && m->status < 300)
		se = l->session_expires;
	if (req == LEG_REQ_INVITE)
		tsip_nat_answer(l, m->status);	/* a caller behind NAT (tsip_nat.c) */
	/* the Contact of the dialog (tsip_contact.c), or NUA's when NULL */
	contact = x->contact && m->status > 100 && m->status < 300 &&
		  (req == LEG_REQ_INVITE || req == LEG_REQ_REFER);
	body = body_dup(m);
	redirect = m->contacts && m->status >= 300 && m->status < 400 ?
		   contacts_header(x->home, m->contacts) : NULL;
	nua_respond(x->nh, m->status, phrase,
		    TAG_IF(contact, SIPTAG_CONTACT_STR(x->contact)),
		    TAG_IF(redirect, SIPTAG_CONTACT_STR(redirect)),
		    TAG_IF(m->retry_after > 0, SIPTAG_RETRY_AFTER_STR(ra)),
		    TAG_IF(se > 0, NUTAG_SESSION_TIMER(se)),
		    TAG_IF(se > 0, NUTAG_UPDATE_REFRESH(1)),
		    TAG_IF(x->saved[req] != NULL, NUTAG_WITH_SAVED(&x->saved[req])),
		    BODY_TAGS(m, body), TAG_END());
	free(body);
	if (x->saved[req])
		nua_destroy_event(&x->saved[req]);
	return 0;
}

static int leg_notify(struct leg *l, const char *frag, bool final)
{
	struct tsip_leg *x = ctx(l);

	if (x == NULL || x->nh == NULL)
		return -ENOTCONN;
	bus_sip(false, "NOTIFY", 0);
	nua_notify(x->nh, NUTAG_SUBSTATE(final ? nua_substate_terminated : nua_substate_active),
		   TAG_IF(x->refer_event != NULL, SIPTAG_EVENT(x->refer_event)),
		   SIPTAG_CONTENT_TYPE_STR("message/sipfrag"), SIPTAG_PAYLOAD_STR(frag), TAG_END());
	return 0;
}

static int leg_refer(struct leg *l, const char *refer_to, const char *referred_by)
{
	struct tsip_leg *x = ctx(l);

	if (x == NULL || x->nh == NULL)
		return -ENOTCONN;
	bus_sip(false, "REFER", 0);
	nua_refer(x->nh, SIPTAG_REFER_TO_STR(refer_to),
		  TAG_IF(referred_by != NULL, SIPTAG_REFERRED_BY_STR(referred_by)), TAG_END());
	return 0;
}

void tsip_leg_set_refer_event(struct leg *l, const sip_event_t *ev)
{
	struct tsip_leg *x = ctx(l);

	if (x == NULL)
		return;
	/* it becomes the subscription to NOTIFY only if we accept the REFER:
	 * a refused second REFER must not take the first one's place */
	x->refer_pending = ev ? sip_event_dup(x->home, ev) : sip_event_make(x->home, "refer");
}

const struct leg_ops tsip_leg_ops = {
	.place = leg_place,
	.send = leg_send,
	.respond = leg_respond_op,
	.release = leg_release,
	.notify = leg_notify,
	.refer = leg_refer,
	.refer_out = tsip_referfwd_place,
};
