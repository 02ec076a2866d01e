/* lib/sip/tsip_nat.c: NAT traversal of signalling (what Kamailio's nathelper
 * and Asterisk's rewrite_contact do). A party whose Contact or Via sent-by
 * names another address than the one its messages come from is behind a NAT:
 * every request tandemd sends in that leg's dialog then goes to that source
 * address and port (RFC 3581's idea, applied to requests too; over TCP/TLS to
 * the connection's address, which sofia reuses), through NUA's per-handle
 * outbound proxy (NUTAG_PROXY, which nta also uses for the ACK), and the
 * binding is kept open by an OPTIONS to the party every sip.nat_keepalive
 * seconds while the leg lives (outside the dialog, on a handle of its own, so
 * that no request of the dialog waits behind it; its answer is not needed). Responses follow rport: nta answers every
 * request to the address and port it came from (NTATAG_SERVER_RPORT(2),
 * tsip.c). Per listener and per route: nat = "auto" (the comparison above),
 * "force" (always the source), "off" (always the Contact).
 *
 * The caller's source is read from its INVITE; the callee's from the first
 * 1xx/2xx with a Contact. The decision is made when the route is known: the
 * caller's at tandemd's first answer to its INVITE, the callee's at once.
 * Sofia thread. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tsip_int.h"

#include <sofia-sip/msg_addr.h>
#include "ops/log.h"

/* The leg's NAT state: x->nat, in the leg's home. */
struct tsip_nat {
	char src[INET6_ADDRSTRLEN + 48];	/* "sip:ip:port;transport=x" */
	char src_text[INET6_ADDRSTRLEN + 8];	/* "ip:port", for the log */
	char *contact;			/* the party's Contact URI (the keepalive's target) */
	const char *says;		/* what the Contact or Via said instead */
	int li;				/* the listener it runs on (CONF_LI_*) */
	bool differs;			/* its Contact or Via names another address */
	bool decided;
	bool on;			/* requests go to src */
	su_timer_t *ka;			/* keepalive OPTIONS */
	nua_handle_t *ping;		/* the last one's handle (bound to ping_magic) */
};

/* the magic of a keepalive's handle: its events are ignored (tsip.c); the
 * leg destroys it at the next keepalive or when it goes, so an OPTIONS
 * nobody answers never holds up the NUA's shutdown */
static char ping_magic;

bool tsip_nat_ping(const struct leg *l)
{
	return (const void *)l == (const void *)&ping_magic;
}

static void ping_drop(struct tsip_nat *n)
{
	if (n->ping) {
		nua_handle_destroy(n->ping);
		n->ping = NULL;
	}
}

/* Is host (an IP literal, maybe in []) the address a? Names never are. */
static bool same_ip(const char *host, const su_sockaddr_t *a)
{
	char buf[INET6_ADDRSTRLEN + 2];
	unsigned char bin[16];
	size_t n;

	if (host == NULL)
		return false;
	n = strlen(host);
	if (n >= sizeof(buf))
		return false;
	if (host[0] == '[' && n > 2 && host[n - 1] == ']') {
		memcpy(buf, host + 1, n - 2);
		buf[n - 2] = '\0';
	} else {
		memcpy(buf, host, n + 1);
	}
	if (a->su_family == AF_INET)
		return inet_pton(AF_INET, buf, bin) == 1 && memcmp(bin, &a->su_sin.sin_addr, 4) == 0;
	if (a->su_family == AF_INET6)
		return inet_pton(AF_INET6, buf, bin) == 1 &&
		       memcmp(bin, &a->su_sin6.sin6_addr, 16) == 0;
	return false;
}

static bool same_addr(const char *host, const char *port, bool udp, const su_sockaddr_t *a)
{
	unsigned p = port && *port ? (unsigned)strtoul(port, NULL, 10) : 5060;

	/* over TCP/TLS the source port is the connection's: only the address counts */
	return same_ip(host, a) && (!udp || p == ntohs(a->su_port));
}

static int li_of(const char *proto)
{
	if (proto && strcasecmp(proto, "tls") == 0)
		return CONF_LI_TLS;
	if (proto && strcasecmp(proto, "tcp") == 0)
		return CONF_LI_TCP;
	return CONF_LI_UDP;
}

const su_sockaddr_t *tsip_source(struct tsip *t, const char *tcp_proto, char *src, size_t src_len,
				 char *text, size_t text_len, const char **ret_proto)
{
	msg_t *msg = nua_current_request(t->nua);
	su_addrinfo_t *ai = msg ? msg_addrinfo(msg) : NULL;
	const su_sockaddr_t *a;
	char ip[INET6_ADDRSTRLEN];
	const char *proto;
	bool v6;

	if (ai == NULL || ai->ai_addr == NULL)
		return NULL;
	a = (const su_sockaddr_t *)ai->ai_addr;
	v6 = a->su_family == AF_INET6;
	if (!inet_ntop(a->su_family, v6 ? (const void *)&a->su_sin6.sin6_addr :
					  (const void *)&a->su_sin.sin_addr, ip, sizeof(ip)))
		return NULL;
	proto = ai->ai_protocol == IPPROTO_TCP ? tcp_proto : "udp";
	snprintf(src, src_len, "sip:%s%s%s:%u;transport=%s", v6 ? "[" : "", ip, v6 ? "]" : "",
		 ntohs(a->su_port), proto);
	snprintf(text, text_len, "%s%s%s:%u", v6 ? "[" : "", ip, v6 ? "]" : "", ntohs(a->su_port));
	*ret_proto = proto;
	return a;
}

/* Where the current event's message came from; false when unknown. */
static bool source_of(struct tsip *t, struct tsip_nat *n, const char **ret_proto)
{
	return tsip_source(t, n->li == CONF_LI_TLS ? "tls" : "tcp", n->src, sizeof(n->src),
			   n->src_text, sizeof(n->src_text), ret_proto) != NULL;
}

static struct tsip_nat *nat_new(struct tsip_leg *x)
{
	if (x->nat == NULL)
		x->nat = su_zalloc(x->home, sizeof(*x->nat));
	return x->nat;
}

static void take_contact(struct tsip_leg *x, struct tsip_nat *n, const sip_t *sip)
{
	if (sip->sip_contact)
		n->contact = url_as_string(x->home, sip->sip_contact->m_url);
}

void tsip_nat_request(struct tsip *t, struct leg *l, const sip_t *sip)
{
	struct tsip_leg *x = l->sip;
	const sip_via_t *v = sip->sip_via;
	const url_t *c = sip->sip_contact ? sip->sip_contact->m_url : NULL;
	const su_sockaddr_t *a;
	struct tsip_nat *n;
	const char *proto;
	msg_t *msg;

	if (x == NULL || (n = nat_new(x)) == NULL)
		return;
	n->li = li_of(v && v->v_protocol && strlen(v->v_protocol) > 8 ? v->v_protocol + 8 : NULL);
	if (!source_of(t, n, &proto))
		return;
	msg = nua_current_request(t->nua);
	a = (const su_sockaddr_t *)msg_addrinfo(msg)->ai_addr;
	take_contact(x, n, sip);
	if (v && !same_addr(v->v_host, v->v_port, n->li == CONF_LI_UDP, a)) {
		n->differs = true;
		n->says = su_sprintf(x->home, "Via %s%s%s", v->v_host, v->v_port ? ":" : "",
				     v->v_port ? v->v_port : "");
	} else if (c && !same_addr(c->url_host, c->url_port, n->li == CONF_LI_UDP, a)) {
		n->differs = true;
		n->says = su_sprintf(x->home, "Contact %s%s%s", c->url_host, c->url_port ? ":" : "",
				     c->url_port ? c->url_port : "");
	}
}

/* nat = of the leg's route if it sets one, else of the listener it runs on */
static enum conf_nat mode_of(struct tsip *t, struct leg *l, const struct tsip_nat *n)
{
	const struct conf_route *r = leg_route(l);

	if (r && r->nat != CONF_NAT_UNSET)
		return r->nat;
	return t->conf->listen_nat[n->li] != CONF_NAT_UNSET ? t->conf->listen_nat[n->li] :
								CONF_NAT_AUTO;
}

static void on_keepalive(su_root_magic_t *magic, su_timer_t *tm, su_timer_arg_t *arg)
{
	struct leg *l = (struct leg *)arg;
	struct tsip_leg *x = l->sip;
	struct tsip_nat *n = x ? x->nat : NULL;
	nua_handle_t *nh;
	char *to;

	(void)magic;	/* the root's, not ours */
	(void)tm;
	if (n == NULL || n->contact == NULL || x->t->down)
		return;
	/* a handle of its own, so that no request of the dialog waits behind it;
	 * <>: a ;transport= of the Contact belongs to the URI, not to the To */
	ping_drop(n);
	to = su_sprintf(x->home, "<%s>", n->contact);
	nh = to ? nua_handle(x->t->nua, (struct leg *)&ping_magic, SIPTAG_TO_STR(to), TAG_END()) :
		  NULL;
	if (nh == NULL)
		return;
	/* as a tag of nua_handle() the proxy is not taken: set it as the legs' */
	nua_set_hparams(nh, NUTAG_PROXY(n->src), TAG_END());
	nua_options(nh, NUTAG_URL(n->contact), TAG_END());
	n->ping = nh;
	su_free(x->home, to);
	log_debug("%s keepalive OPTIONS to %s", leg_log_prefix(l), n->src_text);
}

static void decide(struct tsip *t, struct leg *l, struct tsip_nat *n)
{
	struct tsip_leg *x = l->sip;
	enum conf_nat mode = mode_of(t, l, n);
	int ka = t->conf->nat_keepalive;

	n->decided = true;
	n->on = mode == CONF_NAT_FORCE || (mode == CONF_NAT_AUTO && n->differs);
	if (!n->on || n->src[0] == '\0')
		return;
	nua_set_hparams(x->nh, NUTAG_PROXY(n->src), TAG_END());
	log_info("%s %s behind NAT: its requests go to %s (%s)", leg_log_prefix(l),
		 l->side == LEG_A ? "caller" : "callee", n->src_text,
		 mode == CONF_NAT_FORCE ? "nat = force" : n->says ? n->says : "");
	if (ka <= 0 || n->contact == NULL)
		return;
	n->ka = su_timer_create(su_root_task(t->root), (su_duration_t)ka * 1000);
	if (n->ka && su_timer_set_for_ever(n->ka, on_keepalive, (su_timer_arg_t *)l) < 0) {
		su_timer_destroy(n->ka);
		n->ka = NULL;
	}
}

void tsip_nat_answer(struct leg *l, int status)
{
	struct tsip_leg *x = l->sip;
	struct tsip_nat *n = x ? x->nat : NULL;

	if (n == NULL || n->decided || status <= 100 || status >= 300)
		return;
	decide(x->t, l, n);
}

void tsip_nat_response(struct tsip *t, struct leg *l, int status, const sip_t *sip)
{
	struct tsip_leg *x = l->sip;
	const url_t *c = sip && sip->sip_contact ? sip->sip_contact->m_url : NULL;
	struct tsip_nat *n;
	const char *proto;
	char tp[8] = "";

	if (x == NULL || x->nat || c == NULL || status <= 100 || status >= 300)
		return;	/* decided once, from the first 1xx/2xx with a Contact */
	if ((n = nat_new(x)) == NULL)
		return;
	if (c->url_type == url_sips)
		n->li = CONF_LI_TLS;
	else if (c->url_params && url_param(c->url_params, "transport", tp, sizeof(tp)) > 0)
		n->li = li_of(tp);
	else
		n->li = l->tls ? CONF_LI_TLS : CONF_LI_UDP;
	if (!source_of(t, n, &proto)) {
		n->decided = true;
		return;
	}
	if (strcmp(proto, "udp") != 0 && n->li == CONF_LI_UDP)
		n->li = CONF_LI_TCP;
	take_contact(x, n, sip);
	if (!same_addr(c->url_host, c->url_port, strcmp(proto, "udp") == 0,
		       (const su_sockaddr_t *)msg_addrinfo(nua_current_request(t->nua))->ai_addr)) {
		n->differs = true;
		n->says = su_sprintf(x->home, "Contact %s%s%s", c->url_host, c->url_port ? ":" : "",
				     c->url_port ? c->url_port : "");
	}
	decide(t, l, n);
}

void tsip_nat_leg_gone(struct tsip_leg *x)
{
	if (x->nat == NULL)
		return;
	if (x->nat->ka) {
		su_timer_destroy(x->nat->ka);
		x->nat->ka = NULL;
	}
	ping_drop(x->nat);
}

/* Does the request's Via sent-by or Contact name another address than a
 * (tsip_reg.c: a phone's REGISTER)? */
bool tsip_nat_differs(const sip_t *sip, const su_sockaddr_t *a, bool udp)
{
	const sip_via_t *v = sip->sip_via;
	const url_t *c = sip->sip_contact ? sip->sip_contact->m_url : NULL;

	if (v && !same_addr(v->v_host, v->v_port, udp, a))
		return true;
	return c && c->url_type != url_any && !same_addr(c->url_host, c->url_port, udp, a);
}
