/* lib/sip private: NUA types for tsip.c and tsip_leg.c. */
#pragma once

#define NUA_MAGIC_T struct tsip
#define NUA_HMAGIC_T struct leg
#define SU_ROOT_MAGIC_T struct tsip

#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_wait.h>

#include "tsip.h"

struct tsip {
	su_root_t *root;
	nua_t *nua;
	struct call_core *core;
	struct conf *conf;		/* for the advertised host and user agent */
	char *bound_url;		/* the listener NUA runs on (fixed until restart) */
	void (*shutdown_done)(void *arg);
	void *shutdown_arg;
	bool down;
	struct tsip_auth *auth;		/* nonces of our challenges (tsip_auth.c) */
	const char *auth_user;		/* who the request being handled authenticated as (in conf) */
	struct guard *guard;		/* flood protection (tsip_guard.c) */
	su_timer_t *guard_timer;	/* lifts bans that ran out */
	bool contact_own;		/* tsip_contact.c: ours per leg; false: NUA's */
	char *contact_host[_CONF_LI_MAX];	/* per listener; NULL: NUA's choice */
	int contact_port[_CONF_LI_MAX];	/* the listeners as bound or advertised */
	struct tsip_dns *dns;		/* targets named by DNS (tsip_dns.c) */
	struct tsip_probes *probes;	/* target health (tsip_probe.c) */
	struct tsip_reg *reg;		/* REGISTER relayed, the bindings (tsip_reg.c) */
};

#define TANDEM_ALLOW "INVITE, ACK, BYE, CANCEL, OPTIONS, PRACK, UPDATE, INFO, REFER, NOTIFY"
/* Allow: TANDEM_ALLOW, and REGISTER when a route relays it (NUA answers 405
 * by itself to a method its Allow lacks) */
const char *tsip_allow(const struct conf *c);

/* tsip_reg.c: REGISTER relayed to a registrar. tsip_reg_event(): true when
 * the handle is one of its (the event taken). */
int tsip_reg_start(struct tsip *t);
void tsip_reg_release(struct tsip *t);		/* before nua_shutdown() */
void tsip_reg_stop(struct tsip *t);
void tsip_reg_register(struct tsip *t, nua_handle_t *nh, const sip_t *sip,
		       const struct route_req *q);
bool tsip_reg_event(struct tsip *t, struct leg *magic, nua_event_t ev, int status,
		    nua_handle_t *nh, const sip_t *sip);
/* tsip_nat.c: a Via sent-by or Contact that names another address than a */
bool tsip_nat_differs(const sip_t *sip, const su_sockaddr_t *a, bool udp);
/* Where the current request came from: "sip:IP:PORT;transport=PROTO" in src, "IP:PORT" in
 * text (an IPv6 address in brackets), PROTO "udp" or, over a connection, tcp_proto ("tcp" or
 * "tls"); its address, NULL when unknown. */
const su_sockaddr_t *tsip_source(struct tsip *t, const char *tcp_proto, char *src, size_t src_len,
				 char *text, size_t text_len, const char **ret_proto);
/* tsip_contact.c: our URI with that user for requests to ruri (in home) */
const char *tsip_contact_user(struct tsip *t, su_home_t *home, const char *ruri,
			      const char *user);

/* What lib/sip keeps per leg: leg->sip points here. */
struct tsip_leg {
	struct tsip *t;
	nua_handle_t *nh;
	su_home_t home[1];		/* phrases handed to nua_respond() */
	nua_saved_event_t saved[_LEG_REQ_MAX];	/* UPDATE, INFO, REFER waiting for an answer */
	sip_event_t *refer_event;	/* the implicit subscription of a REFER we took */
	sip_event_t *refer_pending;	/* that of the REFER waiting for our answer */
	const struct conf_trunk_auth *trunk;	/* leg B: credentials for its target */
	int auth_tries;			/* nua_authenticate() calls made */
	const char *contact;		/* inbound: our Contact in answers (in home) */
	struct dns_job *dns;		/* its target's addresses, being found or in use */
	struct tsip_nat *nat;		/* tsip_nat.c: where its requests go behind NAT */
};

extern const struct leg_ops tsip_leg_ops;

int tsip_leg_attach(struct tsip *t, struct leg *l, nua_handle_t *nh);
/* Save the current event as the pending request of that kind on the leg. */
void tsip_leg_save(struct leg *l, enum leg_req req);
void tsip_leg_set_refer_event(struct leg *l, const sip_event_t *ev);
/* tsip_interpose.c: NULL when SSL_new, SSL_shutdown, nua_stack_notify and tport_deliver are
 * ours for the whole process with the originals behind them, else the name
 * of the one that is not. */
const char *tsip_interpose_check(void);

/* tsip_referfwd.c: REFER outside a dialog */
void tsip_referfwd_refer(struct tsip *t, nua_handle_t *nh, const sip_t *sip, tagi_t tags[]);
void tsip_referfwd_event(struct tsip *t, nua_event_t ev, int status, const char *phrase,
		     nua_handle_t *nh, struct leg *l, const sip_t *sip);
int tsip_referfwd_place(struct leg *l, const struct leg_target *tg, const char *refer_to,
		    const char *referred_by);
void tsip_log_init(void);

/* tsip_contact.c: the Contact of each leg (RFC 5630: sips: only toward sips:) */
int tsip_contact_init(struct tsip *t, const struct conf *c);
void tsip_contact_free(struct tsip *t);
/* outbound: the Contact for a request to ruri, in home; NULL: NUA's choice */
const char *tsip_contact_of_target(struct tsip *t, su_home_t *home, const char *ruri);
/* inbound: the Contact of our answers to this request, kept on the leg */
void tsip_contact_inbound(struct tsip *t, struct leg *l, const sip_t *sip);

/* tsip_nat.c: NAT traversal of signalling. The caller's INVITE (its source,
 * Via and Contact); tandemd's answer to it (the decision, once the route is
 * known); a response on an outbound leg (its source and Contact, decided at
 * once); the leg's end (its keepalive stops). */
void tsip_nat_request(struct tsip *t, struct leg *l, const sip_t *sip);
void tsip_nat_answer(struct leg *l, int status);
void tsip_nat_response(struct tsip *t, struct leg *l, int status, const sip_t *sip);
void tsip_nat_leg_gone(struct tsip_leg *x);
bool tsip_nat_ping(const struct leg *l);	/* a keepalive's handle: ignore its events */

/* tsip_guard.c: rate limit and bans of new requests outside a dialog */
int tsip_guard_start(struct tsip *t, const struct conf *conf);
void tsip_guard_reconfigure(struct tsip *t, const struct conf *conf);
/* "name" (a quoted-string, RFC 3261 25.1) and a space, or "" (tsip_leg.c) */
const char *tsip_display_quoted(su_home_t *home, const char *d);
/* A request that opens something new outside a dialog: what the ACLs, the
 * authentication and the flood table look at */
static inline bool tsip_new_request(nua_event_t ev)
{
	return ev == nua_i_invite || ev == nua_i_options || ev == nua_i_refer ||
	       ev == nua_i_register || ev == nua_i_subscribe || ev == nua_i_publish;
}
bool tsip_guard_parked(const struct leg *l);	/* a dropped request's handle */
void tsip_guard_park(nua_handle_t *nh);		/* drop a request: no answer (ACLs too) */
void tsip_guard_release(struct tsip *t);	/* before nua_shutdown() */
void tsip_guard_stop(struct tsip *t);
bool tsip_guard_refused(struct tsip *t, nua_event_t ev, nua_handle_t *nh, const sip_t *sip);
void tsip_log_trace(bool on);

/* tsip_auth.c: ACLs and digest authentication of new requests outside a
 * dialog (true: refused, answered or dropped, handle destroyed), and the
 * answer to a target's 401/407 on leg B (true: nua_authenticate sent). */
int tsip_auth_start(struct tsip *t);
void tsip_auth_stop(struct tsip *t);
bool tsip_auth_refused(struct tsip *t, nua_event_t ev, nua_handle_t *nh, const sip_t *sip);
bool tsip_auth_trunk(struct leg *l, int status, const sip_t *sip);

/* tsip_check.c: what sofia's parser lets through but tandemd refuses (a bad
 * Date, a body other than SDP, an Accept without SDP, headers in the
 * Request-URI); true: answered 400/406/415 and the handle destroyed. */
bool tsip_check_refused(struct tsip *t, nua_event_t ev, nua_handle_t *nh, const sip_t *sip);

/* tsip_leg.c: the INVITE of an outbound leg, to proxy (a literal address)
 * when not NULL */
int tsip_leg_invite(struct leg *l, const struct leg_target *tg, const struct call_msg *m,
		    const char *proxy);

/* tsip_dns.c: targets named by DNS, resolved with c-ares (RFC 3263) without
 * blocking the sofia thread. tsip_dns_place(): 1 for a literal address (place
 * it as it is), 0 when the INVITE is sent or will be, or -errno (the target
 * fails). tsip_dns_retry(): true when a 503 of leg l was taken over by its
 * target's next address. */
/* tsip_probe.c: target health by OPTIONS. tsip_probe_event(): true when
 * the handle is a probe's (its event taken). tsip_probe_down(): the
 * coordinator's question (call_core_set_health()). */
int tsip_probe_start(struct tsip *t);
void tsip_probe_reconfigure(struct tsip *t, const struct conf *conf);
void tsip_probe_stop(struct tsip *t);
bool tsip_probe_event(struct tsip *t, const struct leg *magic, nua_event_t ev, int status,
		      nua_handle_t *nh);
bool tsip_probe_down(void *arg, const char *target);

int tsip_dns_start(struct tsip *t);
void tsip_dns_stop(struct tsip *t);
int tsip_dns_place(struct tsip *t, struct leg *l, const struct leg_target *tg,
		   const struct call_msg *m);
bool tsip_dns_retry(struct leg *l, int status);
void tsip_dns_leg_gone(struct tsip_leg *x);
