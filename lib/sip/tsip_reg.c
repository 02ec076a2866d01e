/* lib/sip/tsip_reg.c: REGISTER relayed to a registrar (the access SBC:
 * phones -> tandemd -> PBX). A REGISTER that matches a route with
 * register = "relay" is sent on to the route's first target as tandemd's own
 * REGISTER: From and To the phone's AOR, a Call-ID and CSeq of the
 * binding's own, and a Contact of ours whose user is the binding's token
 * (sip:<token>@<our advertised address>). The registrar's challenges go back
 * to the phone and the phone's credentials (Authorization,
 * Proxy-Authorization) forward, untouched: the digest stays end to end and
 * tandemd never knows a password. A binding (AOR, the phone's Contact, its
 * received address, port and transport, the registrar's expiry and the one
 * given to the phone) lives here, in memory.
 *
 * Toward a NATed phone the expiry given is short (the route's
 * register_nat_expires, 60 s by default) so that its refreshes keep the NAT
 * open; a refresh from the same address while the registrar's binding still
 * outlives the expiry it would get is answered 200 here (throttling). An
 * INVITE whose Request-URI user is a token goes to that phone (the
 * coordinator's call_core_set_bindings(); its dialog to the received address,
 * NUTAG_PROXY, over the phone's own TCP/TLS connection when it registered
 * that way). Un-REGISTER (Expires 0, Contact *) goes to the registrar and
 * removes the binding at its 2xx; a binding whose phone stops refreshing is
 * removed when the expiry given to it runs out.
 *
 * Sofia: the phone's REGISTER is NUA's server side (REGISTER is in NUA's
 * default NUTAG_APPL_METHOD: nua_i_register, the event saved, nua_respond()
 * later with NUTAG_WITH_SAVED). Ours is nua_method(NUTAG_METHOD("REGISTER"))
 * on a handle of its own per transaction, not nua_register(): that one keeps
 * a registration usage that refreshes by itself and writes its own Contact.
 * A handle per transaction because a 401 parks NUA's client request waiting
 * for nua_authenticate() and every later request of that handle would queue
 * behind it; CSeq and Call-ID are the binding's (nta takes a given CSeq on a
 * handle without a dialog), so the registrar sees one growing sequence
 * (docs/architecture.md). Sofia thread only. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sofia-sip/msg_addr.h>

#include "tsip_reg_int.h"
#include "ops/bus.h"
#include "ops/log.h"

/* the magic of our handles: a value no pointer of a struct leg can hold
 * (not canonical on x86-64), read as the first word of what a handle's magic
 * points to (a struct leg begins with a pointer) */
/* ---- the phone's side ---- */

static bool is_reg_magic(const struct leg *l)
{
	return l && ((const struct reg_tx *)(const void *)l)->magic == REG_MAGIC;
}

void reg_tx_free(struct reg_tx *x)
{
	struct tsip_reg *g = x->reg;

	if (x->b && x->b->tx == x)
		x->b->tx = NULL;
	if (x->saved[0])
		nua_destroy_event(x->saved);
	if (x->in_nh) {
		nua_handle_bind(x->in_nh, NULL);
		nua_handle_destroy(x->in_nh);
	}
	if (x->out_nh) {
		nua_handle_bind(x->out_nh, NULL);
		nua_handle_destroy(x->out_nh);
	}
	if (x->prev)
		x->prev->next = x->next;
	else
		g->txs = x->next;
	if (x->next)
		x->next->prev = x->prev;
	free(x);
}

static void count(struct tsip_reg *g, int status, bool local)
{
	if (local)
		g->st.local++;
	else if (status >= 200 && status < 300)
		g->st.ok++;
	else if (status == 401 || status == 407)
		g->st.challenged++;
	else
		g->st.failed++;
}

/* The phone's answer. contact: "<uri>;expires=N" or NULL. */
static void answer(struct tsip *t, nua_handle_t *nh, nua_saved_event_t *saved, int status,
		   const char *phrase, const char *contact, tagi_t const *extra)
{
	bus_sip(false, "REGISTER", status);
	nua_respond(nh, status, phrase, TAG_IF(saved, NUTAG_WITH_SAVED(saved)),
		    TAG_IF(!saved, NUTAG_WITH_THIS(t->nua)),
		    TAG_IF(contact, SIPTAG_CONTACT_STR(contact)), TAG_NEXT(extra));
}

/* The expiry the phone asked for: its Contact's expires, else Expires, else 3600. */
static int asked_expires(const sip_t *sip)
{
	const sip_contact_t *m = sip->sip_contact;

	if (m && m->m_expires)
		return (int)strtoul(m->m_expires, NULL, 10);
	if (sip->sip_expires)
		return (int)sip->sip_expires->ex_delta;
	return 3600;
}

static int expiry_for_phone(const struct reg_binding *b, int granted, int asked)
{
	int e = granted;

	if (b->nat && b->nat_expires > 0 && e > b->nat_expires)
		e = b->nat_expires;
	if (asked > 0 && e > asked)
		e = asked;
	return e;
}

/* 200 with the phone's Contact and the expiry it gets */
static void answer_bound(struct tsip *t, nua_handle_t *nh, nua_saved_event_t *saved,
			 const struct reg_binding *b, int exp)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	const char *c = su_sprintf(home, "<%s>;expires=%d", b->contact, exp);

	answer(t, nh, saved, 200, "OK", c, NULL);
	su_home_deinit(home);
}

/* Where the phone is: "sip:ip:port;transport=x" of the current request. */
static bool source_of(struct tsip *t, const sip_t *sip, struct reg_binding *b, bool *ret_udp,
		      const su_sockaddr_t **ret_sa)
{
	bool tls = sip->sip_via && sip->sip_via->v_protocol &&
		   strcasecmp(sip->sip_via->v_protocol, "SIP/2.0/TLS") == 0;
	const su_sockaddr_t *a;
	const char *proto;

	a = tsip_source(t, tls ? "tls" : "tcp", b->src, sizeof(b->src), b->src_text,
			sizeof(b->src_text), &proto);
	if (a == NULL)
		return false;
	snprintf(b->transport, sizeof(b->transport), "%s", proto);
	*ret_udp = strcmp(proto, "udp") == 0;
	*ret_sa = a;
	return true;
}

static enum conf_nat nat_mode(struct tsip *t, const struct conf_route *rt, const char *proto)
{
	int li = strcmp(proto, "tls") == 0 ? CONF_LI_TLS : strcmp(proto, "tcp") == 0 ?
		 CONF_LI_TCP : CONF_LI_UDP;

	if (rt->nat != CONF_NAT_UNSET)
		return rt->nat;
	return t->conf->listen_nat[li] != CONF_NAT_UNSET ? t->conf->listen_nat[li] : CONF_NAT_AUTO;
}

static void where_get(const struct reg_binding *b, struct reg_where *w)
{
	memcpy(w->src, b->src, sizeof(w->src));
	memcpy(w->src_text, b->src_text, sizeof(w->src_text));
	memcpy(w->transport, b->transport, sizeof(w->transport));
	w->nat = b->nat;
}

static void where_set(struct reg_binding *b, const struct reg_where *w)
{
	memcpy(b->src, w->src, sizeof(b->src));
	memcpy(b->src_text, w->src_text, sizeof(b->src_text));
	memcpy(b->transport, w->transport, sizeof(b->transport));
	b->nat = w->nat;
}

/* The phone's address, NAT and route, taken from this REGISTER. */
static int take_phone(struct tsip *t, struct reg_binding *b, const struct conf_route *rt,
		      const sip_t *sip)
{
	const su_sockaddr_t *sa = NULL;
	bool udp = true;
	enum conf_nat mode;

	if (!source_of(t, sip, b, &udp, &sa))
		return -EINVAL;
	mode = nat_mode(t, rt, b->transport);
	b->nat = mode == CONF_NAT_FORCE ||
		 (mode == CONF_NAT_AUTO && tsip_nat_differs(sip, sa, udp));
	if (mode == CONF_NAT_OFF)
		b->src[0] = '\0';	/* calls go to its Contact */
	b->nat_expires = rt->register_nat_expires;
	if (b->route == NULL || strcmp(b->route, rt->name) != 0 ||
	    strcmp(b->target, rt->targets[0]) != 0) {
		const char *r = reg_intern(t->reg, rt->name), *tg = reg_intern(t->reg, rt->targets[0]);

		if (r == NULL || tg == NULL) {
			reg_unintern(t->reg, r);
			reg_unintern(t->reg, tg);
			return -ENOMEM;
		}
		reg_unintern(t->reg, b->route);
		reg_unintern(t->reg, b->target);
		b->route = r;
		b->target = tg;
	}
	return 0;
}

/* Send our REGISTER for binding b (the phone's credentials, when it gave
 * any, go with it). */
static int forward(struct tsip *t, struct reg_tx *x, const sip_t *sip)
{
	struct reg_binding *b = x->b;
	su_home_t home[1] = { SU_HOME_INIT(home) };
	const char *contact, *ours, *to;
	sip_cseq_t *cseq;
	char mf[16], ex[16];
	nua_handle_t *nh;

	ours = tsip_contact_user(t, home, b->target, b->token);
	contact = x->wildcard ? "*" : ours ?
		  su_sprintf(home, "<%s>%s", ours, x->unreg ? ";expires=0" : "") : NULL;
	cseq = sip_cseq_create(home, ++b->cseq, sip_method_register, "REGISTER");
	if (contact == NULL || cseq == NULL) {
		su_home_deinit(home);
		return -ENOMEM;
	}
	/* From and To: the AOR (a display name or parameters of the phone's stay behind) */
	to = su_sprintf(home, "<%s>", b->aor);
	nh = to ? nua_handle(t->nua, (struct leg *)(void *)x, SIPTAG_TO_STR(to),
			     SIPTAG_FROM_STR(to), SIPTAG_CALL_ID_STR(b->call_id), TAG_END()) : NULL;
	if (nh == NULL) {
		su_home_deinit(home);
		return -ENOMEM;
	}
	x->out_nh = nh;
	snprintf(mf, sizeof(mf), "%d", sip->sip_max_forwards ?
		 (int)sip->sip_max_forwards->mf_count - 1 : 70);
	snprintf(ex, sizeof(ex), "%d", x->unreg ? 0 : x->asked);
	bus_sip(false, "REGISTER", 0);
	nua_method(nh, NUTAG_METHOD("REGISTER"), NUTAG_URL(b->target), SIPTAG_CSEQ(cseq),
		   SIPTAG_CONTACT_STR(contact), SIPTAG_EXPIRES_STR(ex), SIPTAG_MAX_FORWARDS_STR(mf),
		   TAG_IF(sip->sip_authorization, SIPTAG_AUTHORIZATION(sip->sip_authorization)),
		   TAG_IF(sip->sip_proxy_authorization,
			  SIPTAG_PROXY_AUTHORIZATION(sip->sip_proxy_authorization)),
		   TAG_END());
	log_debug("registration %s of %s: REGISTER to %s (expires %s)", b->token, b->aor,
		  b->target, ex);
	su_home_deinit(home);
	return 0;
}

/* A query (no Contact): the AOR's bindings, from the table. */
static void answer_query(struct tsip *t, nua_handle_t *nh, const char *aor)
{
	struct tsip_reg *g = t->reg;
	su_home_t home[1] = { SU_HOME_INIT(home) };
	char *c = NULL;
	time_t now = time(NULL);

	for (struct reg_binding *b = g->all; b; b = b->next)
		if (b->confirmed && strcmp(b->aor, aor) == 0)
			c = su_sprintf(home, "%s%s<%s>;expires=%ld", c ? c : "", c ? ", " : "",
				       b->contact, (long)(b->expires - now));
	answer(t, nh, NULL, 200, "OK", c, NULL);
	count(g, 200, true);
	su_home_deinit(home);
}

static const char *aor_of(su_home_t *home, const sip_t *sip, const char **ret_user)
{
	url_t *u;

	if (sip->sip_to == NULL)
		return NULL;
	u = url_hdup(home, sip->sip_to->a_url);
	if (u == NULL)
		return NULL;
	u->url_params = u->url_headers = NULL;
	u->url_port = NULL;
	u->url_password = NULL;
	*ret_user = u->url_user;
	return url_as_string(home, u);
}

/* A new REGISTER with a relay route: refresh here, forward, or refuse. */
static void on_register(struct tsip *t, nua_handle_t *nh, const sip_t *sip,
			const struct conf_route *rt)
{
	struct tsip_reg *g = t->reg;
	su_home_t home[1] = { SU_HOME_INIT(home) };
	const sip_contact_t *m = sip->sip_contact;
	const char *aor, *aor_user = NULL, *contact, *why = NULL;
	struct reg_binding *b;
	struct reg_tx *x;
	struct reg_where old, here;
	time_t now = time(NULL);
	int asked = asked_expires(sip), give, r;
	bool wildcard = m && m->m_url->url_type == url_any;

	aor = aor_of(home, sip, &aor_user);
	if (aor == NULL) {
		answer(t, nh, NULL, 400, "Bad To", NULL, NULL);
		goto done;
	}
	if (sip->sip_max_forwards && sip->sip_max_forwards->mf_count == 0) {
		answer(t, nh, NULL, 483, "Too Many Hops", NULL, NULL);
		goto done;
	}
	if (m == NULL) {
		answer_query(t, nh, aor);
		goto done;
	}
	if (wildcard) {
		/* Contact: * removes every binding of the AOR: our REGISTER with
		 * the first one's Call-ID; the others go at its 2xx */
		for (b = g->all; b; b = b->next)
			if (strcmp(b->aor, aor) == 0)
				break;
		if (b == NULL || asked != 0) {
			answer(t, nh, NULL, b == NULL ? 200 : 400, b == NULL ? "OK" : "Bad Expires",
			       NULL, NULL);
			count(g, b == NULL ? 200 : 400, b == NULL);
			goto done;
		}
		contact = b->contact;
	} else {
		contact = url_as_string(home, m->m_url);
		b = contact ? reg_by_key(g, su_sprintf(home, "%s\n%s", aor, contact)) : NULL;
	}
	if (contact == NULL)
		goto oom;
	if (b && b->tx) {	/* one at a time per binding */
		tagi_t ra[] = { { SIPTAG_RETRY_AFTER_STR("1") }, { TAG_END() } };

		answer(t, nh, NULL, 500, "Request Pending", NULL, ra);
		count(g, 500, false);
		goto done;
	}
	if (b == NULL && asked == 0) {	/* nothing of it here: nothing to remove */
		answer(t, nh, NULL, 200, "OK", NULL, NULL);
		count(g, 200, true);
		goto done;
	}
	if (b == NULL && (b = reg_binding_new(g, aor, aor_user, contact)) == NULL)
		goto oom;
	/* where this REGISTER came from (here); a new place counts once the
	 * registrar confirms it: until then calls go where the binding was (a
	 * REGISTER from elsewhere is not trusted) */
	where_get(b, &old);
	r = take_phone(t, b, rt, sip);
	where_get(b, &here);
	if (b->confirmed)
		where_set(b, &old);
	if (r < 0)
		goto oom;
	give = expiry_for_phone(b, (int)(b->reg_expires - now), asked);
	/* throttling: a refresh from where it was, while the registrar's
	 * binding outlives what the phone gets now, is ours to answer */
	if (b->confirmed && asked > 0 && !wildcard && strcmp(old.src, here.src) == 0 &&
	    b->reg_expires - now >= (time_t)give + MARGIN_S && give > 0) {
		b->expires = now + give;
		b->refreshed = now;
		answer_bound(t, nh, NULL, b, give);
		count(g, 200, true);
		reg_publish(b, BUS_EV_REG_REFRESH, "local");
		log_debug("registration %s of %s refreshed here (%d s; registrar %ld s)", b->token,
			  b->aor, give, (long)(b->reg_expires - now));
		goto done;
	}
	if (b->confirmed && strcmp(old.src, here.src) != 0 && old.src[0])
		why = "moved";
	x = calloc(1, sizeof(*x));
	if (x == NULL)
		goto oom;
	x->w = here;
	x->magic = REG_MAGIC;
	x->reg = g;
	x->b = b;
	x->in_nh = nh;
	x->asked = asked;
	x->unreg = asked == 0;
	x->wildcard = wildcard;
	x->next = g->txs;
	if (g->txs)
		g->txs->prev = x;
	g->txs = x;
	b->tx = x;
	nua_handle_bind(nh, (struct leg *)(void *)x);
	nua_save_event(t->nua, x->saved);
	if (forward(t, x, sip) < 0) {
		answer(t, nh, x->saved, 500, "Server Internal Error", NULL, NULL);
		count(g, 500, false);
		x->in_nh = NULL;	/* destroyed below */
		reg_tx_free(x);
		goto done;
	}
	if (why)
		log_info("registration %s of %s: a REGISTER from %s (was %s)", b->token, b->aor,
			 x->w.src_text, old.src_text);
	su_home_deinit(home);
	return;
oom:
	answer(t, nh, NULL, 500, "Server Internal Error", NULL, NULL);
	count(g, 500, false);
done:
	nua_handle_destroy(nh);
	su_home_deinit(home);
}

/* ---- the registrar's side ---- */

/* The expiry the registrar granted our Contact: its Contact's expires
 * param, else Expires, else what we asked; 0 when our Contact is not in
 * the 2xx (the registrar did not keep it). */
static int granted_of(const sip_t *sip, const struct reg_binding *b, int asked)
{
	for (const sip_contact_t *m = sip->sip_contact; m; m = m->m_next) {
		if (m->m_url->url_user == NULL || strcmp(m->m_url->url_user, b->token) != 0)
			continue;
		if (m->m_expires)
			return (int)strtoul(m->m_expires, NULL, 10);
		return sip->sip_expires ? (int)sip->sip_expires->ex_delta : asked;
	}
	return 0;
}

static void remove_aor(struct tsip_reg *g, const char *aor, const char *why)
{
	struct reg_binding *b = g->all, *nx;

	for (; b; b = nx) {
		nx = b->next;
		if (strcmp(b->aor, aor) == 0 && b->tx == NULL)
			reg_binding_remove(g, b, why);
	}
}

static void on_ok(struct tsip *t, struct reg_tx *x, const sip_t *sip)
{
	struct tsip_reg *g = t->reg;
	struct reg_binding *b = x->b;
	time_t now = time(NULL);
	int granted = x->unreg ? 0 : granted_of(sip, b, x->asked), give;
	bool first = !b->confirmed;

	if (granted <= 0) {
		char *aor = x->wildcard ? strdup(b->aor) : NULL;

		answer(t, x->in_nh, x->saved, 200, "OK", NULL, NULL);
		b->tx = NULL;
		x->b = NULL;
		if (!x->unreg)
			log_notice("registration %s of %s: the registrar's 200 does not keep our "
				   "Contact", b->token, b->aor);
		reg_binding_remove(g, b, x->unreg ? "unregistered" : "refused");
		if (aor)
			remove_aor(g, aor, "unregistered");
		free(aor);
		return;
	}
	where_set(b, &x->w);	/* confirmed: calls go where this REGISTER came from */
	give = expiry_for_phone(b, granted, x->asked);
	b->reg_expires = now + granted;
	b->expires = now + give;
	b->refreshed = now;
	b->confirmed = true;
	answer_bound(t, x->in_nh, x->saved, b, give);
	if (first) {
		g->st.added++;
		g->n_confirmed++;
		log_info("registration %s of %s added: %s at %s (%s%s), %d s, registrar %s %d s",
			 b->token, b->aor, b->contact, b->src_text, b->transport,
			 b->nat ? ", NAT" : "", give, b->target, granted);
	}
	reg_publish(b, first ? BUS_EV_REG_ADD : BUS_EV_REG_REFRESH, first ? NULL : "registrar");
}

/* The registrar's final answer to our REGISTER, relayed to the phone. */
static void on_answer(struct tsip *t, struct reg_tx *x, int status, const sip_t *sip)
{
	struct tsip_reg *g = t->reg;
	struct reg_binding *b = x->b;
	const char *phrase;

	if (status < 200)
		return;
	if (status >= 900)	/* NUA's own failures (no transport, timeout) */
		status = status == 904 ? 403 : 503;
	phrase = sip_status_phrase(status) ? sip_status_phrase(status) : "Failed";
	count(g, status, false);
	if (b == NULL) {	/* removed meanwhile (Contact * of another) */
		answer(t, x->in_nh, x->saved, status >= 300 ? status : 500,
		       status >= 300 ? phrase : "Server Internal Error", NULL, NULL);
	} else if (status < 300 && sip) {
		on_ok(t, x, sip);
	} else if ((status == 401 || status == 407) && sip) {
		tagi_t ch[] = {
			{ TAG_IF(sip->sip_www_authenticate,
				 SIPTAG_WWW_AUTHENTICATE(sip->sip_www_authenticate)) },
			{ TAG_IF(sip->sip_proxy_authenticate,
				 SIPTAG_PROXY_AUTHENTICATE(sip->sip_proxy_authenticate)) },
			{ TAG_END() } };

		answer(t, x->in_nh, x->saved, status, phrase, NULL, ch);
		log_debug("registration %s of %s: %d relayed", b->token, b->aor, status);
		if (!b->confirmed)
			b->expires = time(NULL) + PENDING_S;
	} else {
		tagi_t more[] = {
			{ TAG_IF(sip && sip->sip_min_expires,
				 SIPTAG_MIN_EXPIRES(sip ? sip->sip_min_expires : NULL)) },
			{ TAG_IF(sip && sip->sip_retry_after,
				 SIPTAG_RETRY_AFTER(sip ? sip->sip_retry_after : NULL)) },
			{ TAG_END() } };

		answer(t, x->in_nh, x->saved, status, phrase, NULL, more);
		log_info("registration of %s: the registrar answered %d", b->aor, status);
		if (!b->confirmed) {
			b->tx = NULL;
			x->b = NULL;
			reg_binding_remove(g, b, "refused");
		}
	}
	reg_tx_free(x);
}

bool tsip_reg_event(struct tsip *t, struct leg *magic, nua_event_t ev, int status,
		    nua_handle_t *nh, const sip_t *sip)
{
	struct reg_tx *x = (struct reg_tx *)(void *)magic;

	if (!is_reg_magic(magic))
		return false;
	if (ev == nua_r_method && nh == x->out_nh)
		on_answer(t, x, status, sip);
	return true;
}

const char *tsip_allow(const struct conf *c)
{
	for (size_t i = 0; i < c->n_routes; i++)
		if (c->routes[i].register_mode == CONF_REG_RELAY)
			return TANDEM_ALLOW ", REGISTER";
	return TANDEM_ALLOW;
}

/* The REGISTER of a phone (nua_i_register, a new handle). */
void tsip_reg_register(struct tsip *t, nua_handle_t *nh, const sip_t *sip,
		       const struct route_req *q)
{
	const struct conf_route *rt = route_find(t->conf, q);

	if (rt == NULL || rt->register_mode != CONF_REG_RELAY || t->reg == NULL) {
		bool reject = rt && rt->register_mode == CONF_REG_REJECT;

		tagi_t allow[] = { { TAG_IF(!reject, SIPTAG_ALLOW_STR(tsip_allow(t->conf))) },
				   { TAG_END() } };

		answer(t, nh, NULL, reject ? 403 : 405,
		       reject ? "Forbidden" : "Method Not Allowed", NULL, allow);
		nua_handle_destroy(nh);
		return;
	}
	on_register(t, nh, sip, rt);
}
