/* lib/sip/tsip_contact.c: the Contact tandemd gives each leg, in its INVITEs
 * (and out-of-dialog REFERs) and in its answers to them. RFC 5630: a sips:
 * Contact only toward a sips: request URI or target; a sip: URI over TLS
 * gets a sip: Contact with ;transport=tls (the TLS listener); UDP and TCP
 * legs get the UDP/TCP listener. NUA picks a Contact from its list of
 * listeners by scheme and address, and with a TLS listener on a loopback
 * address that list held only the sips: one, so every leg, UDP ones too, got
 * <sips:...>; libre-based phones (baresip) refuse a sips: next hop they did
 * not ask for and never ACK. Without a TLS listener, or on a wildcard
 * address (where only NUA knows the interface a peer reaches), the choice
 * stays NUA's. The Contact given in the first INVITE or answer becomes the
 * dialog's (NUA repeats it in later requests and answers). A listener's
 * advertise (host[:port]) is the host and port of the Contacts of the legs
 * that run on it, and makes the Contact ours whatever the listeners are.
 * Sofia thread. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sofia-sip/url.h>

#include "tsip_int.h"

static bool wildcard(const char *addr)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET, addr, &a4) == 1)
		return a4.s_addr == htonl(INADDR_ANY);
	if (inet_pton(AF_INET6, addr, &a6) == 1)
		return IN6_IS_ADDR_UNSPECIFIED(&a6);
	return false;
}

/* The host of a Contact: "[v6]" or as it is. */
static char *host_of(const char *h)
{
	char *r;

	if (strchr(h, ':') == NULL || h[0] == '[')
		return strdup(h);
	if (asprintf(&r, "[%s]", h) < 0)
		return NULL;
	return r;
}

int tsip_contact_init(struct tsip *t, const struct conf *c)
{
	bool adv = false;

	t->contact_own = false;
	for (int i = 0; i < _CONF_LI_MAX; i++)
		adv = adv || c->listen_adv_host[i] != NULL;
	/* without TLS and advertised addresses, NUA's Contact is right */
	if (!(c->listen_transports & CONF_TP_TLS) && !adv)
		return 0;
	t->contact_own = true;
	for (int i = 0; i < _CONF_LI_MAX; i++) {
		const char *h = c->listen_adv_host[i];
		if (h == NULL && wildcard(c->listen_address))
			continue;	/* only NUA knows the interface a peer reaches */
		t->contact_host[i] = host_of(h ? h : c->listen_address);
		if (t->contact_host[i] == NULL)
			return -ENOMEM;
		t->contact_port[i] = c->listen_adv_port[i] ? c->listen_adv_port[i] :
				     i == CONF_LI_TLS ? c->listen_tls_port : c->listen_port;
	}
	return 0;
}

void tsip_contact_free(struct tsip *t)
{
	for (int i = 0; i < _CONF_LI_MAX; i++) {
		free(t->contact_host[i]);
		t->contact_host[i] = NULL;
	}
}

/* transport: "tls", "tcp", "udp" or NULL (UDP); NULL: NUA's choice */
static const char *contact_for(struct tsip *t, su_home_t *home, bool sips, const char *transport)
{
	bool tls = sips || (transport && strcasecmp(transport, "tls") == 0);
	bool tcp = !tls && transport && strcasecmp(transport, "tcp") == 0;
	int li = tls ? CONF_LI_TLS : tcp ? CONF_LI_TCP : CONF_LI_UDP;
	const char *h = t->contact_host[li];

	if (!t->contact_own || h == NULL)
		return NULL;
	if (sips)
		return su_sprintf(home, "<sips:%s:%d>", h, t->contact_port[li]);
	return su_sprintf(home, "<sip:%s:%d%s>", h, t->contact_port[li],
			  tls ? ";transport=tls" : tcp ? ";transport=tcp" : "");
}

const char *tsip_contact_of_target(struct tsip *t, su_home_t *home, const char *ruri)
{
	char tp[16] = "";
	url_t *u;

	if (!t->contact_own || ruri == NULL)
		return NULL;
	u = url_make(home, ruri);
	if (u == NULL)
		return NULL;
	if (u->url_params && url_param(u->url_params, "transport", tp, sizeof(tp)) <= 0)
		tp[0] = '\0';
	return contact_for(t, home, u->url_type == url_sips, tp);
}

void tsip_contact_inbound(struct tsip *t, struct leg *l, const sip_t *sip)
{
	struct tsip_leg *x = l->sip;
	const char *proto = sip->sip_via ? sip->sip_via->v_protocol : NULL;
	const char *tp = NULL;

	if (x == NULL || !t->contact_own || sip->sip_request == NULL)
		return;
	if (proto && strncasecmp(proto, "SIP/2.0/", 8) == 0)
		tp = proto + 8;
	x->contact = contact_for(t, x->home, sip->sip_request->rq_url->url_type == url_sips, tp);
}

const char *tsip_contact_user(struct tsip *t, su_home_t *home, const char *ruri,
			      const char *user)
{
	const struct conf *c = t->conf;
	char tp[16] = "";
	const char *h;
	bool tls, tcp, v6;
	int li, port;
	url_t *u = url_make(home, ruri);

	if (u == NULL)
		return NULL;
	if (u->url_params && url_param(u->url_params, "transport", tp, sizeof(tp)) <= 0)
		tp[0] = '\0';
	tls = u->url_type == url_sips || strcasecmp(tp, "tls") == 0;
	tcp = !tls && strcasecmp(tp, "tcp") == 0;
	li = tls ? CONF_LI_TLS : tcp ? CONF_LI_TCP : CONF_LI_UDP;
	h = c->listen_adv_host[li] ? c->listen_adv_host[li] :
	    wildcard(c->listen_address) && c->advertise ? c->advertise : c->listen_address;
	port = c->listen_adv_port[li] ? c->listen_adv_port[li] :
	       li == CONF_LI_TLS ? c->listen_tls_port : c->listen_port;
	v6 = strchr(h, ':') != NULL && h[0] != '[';
	return su_sprintf(home, "%s:%s@%s%s%s:%d%s", u->url_type == url_sips ? "sips" : "sip", user,
			  v6 ? "[" : "", h, v6 ? "]" : "", port,
			  tls && u->url_type != url_sips ? ";transport=tls" :
			  tcp ? ";transport=tcp" : "");
}
