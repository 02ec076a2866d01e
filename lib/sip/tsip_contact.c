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
 * dialog's (NUA repeats it in later requests and answers). Sofia thread. */
#include <arpa/inet.h>
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

int tsip_contact_init(struct tsip *t, const struct conf *c)
{
	t->contact_host = NULL;
	if (!(c->listen_transports & CONF_TP_TLS) || wildcard(c->listen_address))
		return 0;
	t->contact_host = strdup(c->listen_address);
	if (t->contact_host == NULL)
		return -ENOMEM;
	t->contact_port = c->listen_port;
	t->contact_tls_port = c->listen_tls_port;
	return 0;
}

void tsip_contact_free(struct tsip *t)
{
	free(t->contact_host);
	t->contact_host = NULL;
}

/* transport: "tls", "tcp", "udp" or NULL (UDP) */
static const char *contact_for(struct tsip *t, su_home_t *home, bool sips, const char *transport)
{
	const char *h = t->contact_host;
	const char *lb = strchr(h, ':') ? "[" : "", *rb = *lb ? "]" : "";

	if (sips)
		return su_sprintf(home, "<sips:%s%s%s:%d>", lb, h, rb, t->contact_tls_port);
	if (transport && strcasecmp(transport, "tls") == 0)
		return su_sprintf(home, "<sip:%s%s%s:%d;transport=tls>", lb, h, rb,
				  t->contact_tls_port);
	if (transport && strcasecmp(transport, "tcp") == 0)
		return su_sprintf(home, "<sip:%s%s%s:%d;transport=tcp>", lb, h, rb, t->contact_port);
	return su_sprintf(home, "<sip:%s%s%s:%d>", lb, h, rb, t->contact_port);
}

const char *tsip_contact_of_target(struct tsip *t, su_home_t *home, const char *ruri)
{
	char tp[16] = "";
	url_t *u;

	if (t->contact_host == NULL || ruri == NULL)
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

	if (x == NULL || t->contact_host == NULL || sip->sip_request == NULL)
		return;
	if (proto && strncasecmp(proto, "SIP/2.0/", 8) == 0)
		tp = proto + 8;
	x->contact = contact_for(t, x->home, sip->sip_request->rq_url->url_type == url_sips, tp);
}
