/* lib/call: the session coordinator. Owns every call and its legs, decides
 * routing, failover, limits and teardown, and relays each signalling event of
 * one leg to the other. Runs only on the sofia thread, so call state needs no
 * lock. It never includes NUA headers: it drives legs through struct leg_ops,
 * which lib/sip fills in, and it hears from them through the call_on_*()
 * functions below. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "conf/conf.h"
#include "media/relay.h"

struct call;
struct leg;
struct referfwd;
struct call_core;

enum leg_side { LEG_A, LEG_B, _LEG_SIDE_MAX };

/* The requests a leg carries. */
enum leg_req {
	LEG_REQ_INVITE,		/* initial INVITE or re-INVITE */
	LEG_REQ_ACK,
	LEG_REQ_BYE,
	LEG_REQ_CANCEL,
	LEG_REQ_UPDATE,
	LEG_REQ_INFO,
	LEG_REQ_PRACK,
	LEG_REQ_REFER,
	_LEG_REQ_MAX,
};

/* A message as the coordinator sees it: a status line for responses, and
 * the body. Strings are borrowed for the duration of the call. */
struct call_msg {
	int status;
	const char *phrase;
	const char *ctype;	/* NULL when there is no body */
	const char *body;
	size_t body_len;
	int retry_after;	/* responses: Retry-After seconds, or -1 */
	const char *contacts;	/* 3xx: the Contact URIs, highest q first, one per line; or NULL */
};

/* A new call, as it arrived on leg A. */
struct call_invite {
	const char *call_id;
	const char *ruri_user, *ruri_host;
	const char *from_user, *from_display;
	const char *to_user, *to_display;
	const struct sockaddr *source;
	const char *auth_user;		/* who authenticated (digest), or NULL */
	int max_forwards;		/* -1 when absent */
	int session_expires;		/* the caller's Session-Expires, 0 when absent */
	const char *(*header)(void *arg, const char *name);
	void *header_arg;
	const char *const *ext_headers;	/* "Name: value" headers that may be copied */
	size_t n_ext_headers;
	struct call_msg msg;
};

/* What lib/sip needs to place an outbound leg. */
struct leg_target {
	const char *ruri;		/* sip:user@host[:port][;transport=x] */
	const char *from_user, *from_display;
	const char *from_host;		/* NULL: sip.advertise or the listen address */
	const char *to_user;
	int max_forwards;
	int session_expires;
	const char *const *headers;	/* "Name: value", NULL-terminated */
	const struct conf_trunk_auth *auth;	/* credentials if it challenges, or NULL */
	const char *proxy;		/* NULL, or where every request of the leg goes: a
					 * registered phone's received address and transport */
};

/* A phone registered through tandemd (lib/sip/tsip_reg.c) that a new call's
 * Request-URI user (the token of our Contact at the registrar) names. */
struct call_binding {
	const char *route;		/* the route its REGISTER matched, by name */
	const char *contact;		/* its Contact URI: the Request-URI toward it */
	const char *proxy;		/* its received address: "sip:ip:port;transport=x" */
	const char *aor_user;		/* the user of its address of record (To) */
};

/* Operations on a leg, carried out by lib/sip. Return 0 or -errno. */
struct leg_ops {
	/* Send the first INVITE of an outbound leg. */
	int (*place)(struct leg *l, const struct leg_target *t, const struct call_msg *m);
	/* Send a request in the leg's dialog (re-INVITE, ACK, BYE, CANCEL, UPDATE, INFO). */
	int (*send)(struct leg *l, enum leg_req req, const struct call_msg *m);
	/* Answer the pending request of that kind that came in on the leg. */
	int (*respond)(struct leg *l, enum leg_req req, const struct call_msg *m);
	/* Forget the leg's SIP handle (hangs up what is still live). No event
	 * arrives for the leg afterwards. */
	void (*release)(struct leg *l);
	/* NOTIFY the progress of a REFER that came in on the leg (implicit
	 * subscription, message/sipfrag such as "SIP/2.0 180 Ringing");
	 * final ends the subscription. */
	int (*notify)(struct leg *l, const char *sipfrag, bool final);
	/* Send a REFER of our own on the leg (policy passthrough). */
	int (*refer)(struct leg *l, const char *refer_to, const char *referred_by);
	/* Send a REFER outside a dialog on a new leg toward t (referfwd.c, forward);
	 * l->peer is the leg the sender's REFER came on. */
	int (*refer_out)(struct leg *l, const struct leg_target *t, const char *refer_to,
			 const char *referred_by);
};

/* A REFER as it arrived on a leg. */
struct call_refer {
	const char *refer_to;		/* the Refer-To URI as written (headers included) */
	const char *user, *host;	/* of the Refer-To URI */
	const char *referred_by;	/* "Referred-By" value, or NULL */
	bool replaces;			/* the Refer-To carries a Replaces header */
	const char *replaces_value;	/* its value, unescaped */
	struct leg *replaced;		/* our leg that Replaces names, or NULL */
};

enum call_state {
	CALL_ST_ROUTING,	/* leg A in, no outbound leg yet */
	CALL_ST_CALLING,	/* INVITE sent on B, nothing heard */
	CALL_ST_EARLY,		/* a provisional response relayed */
	CALL_ST_CONFIRMED,	/* answered */
	CALL_ST_CLOSING,	/* hanging up; waiting for the legs to end */
	_CALL_ST_MAX,
};

enum call_end {
	CALL_END_NONE,
	CALL_END_BYE_A,
	CALL_END_BYE_B,
	CALL_END_CANCEL,
	CALL_END_REJECTED,	/* the target answered with a failure */
	CALL_END_NO_ROUTE,
	CALL_END_ROUTE_REJECT,
	CALL_END_LIMIT,
	CALL_END_NO_ANSWER,
	CALL_END_DRAIN,
	CALL_END_HANGUP,	/* tandemctl hangup */
	CALL_END_ERROR,
	CALL_END_LEG_LOST,	/* a leg ended without BYE (session timer, transport) */
	CALL_END_MEDIA_TIMEOUT,	/* no RTP/RTCP from either leg */
	CALL_END_NO_PORTS,	/* the relay's port pool was empty */
	CALL_END_TRANSFER_FAILED,	/* the transferor left and the target failed */
	CALL_END_TRANSFERRED,	/* its far leg was joined to another call */
	CALL_END_REPLACED,	/* an INVITE with Replaces took a leg over */
	CALL_END_MAX_DURATION,	/* the route's max_duration ran out (call_limit.c) */
	CALL_END_BRIDGE_ENDED,	/* the last party of a conference bridge (bridge.c) */
	_CALL_END_MAX,
};

/* A leg's own state (the table of allowed changes is in call_fsm.c beside
 * the call's; leg_set_state() is the one function that changes it). */
enum leg_state {
	LEG_ST_INVITING,	/* its initial INVITE awaits a final answer (a new leg) */
	LEG_ST_CONFIRMED,	/* the initial INVITE has its 2xx: a dialog */
	LEG_ST_CANCELLING,	/* the initial INVITE ends unanswered: we sent CANCEL (a leg we
				 * placed) or a final failure (one that came in), or the caller
				 * CANCELled; waiting for the end */
	LEG_ST_ENDING,		/* BYE sent on its dialog; waiting for the end */
	LEG_ST_ENDED,		/* its SIP side is over and released (leg_end); final */
	_LEG_ST_MAX,
};

/* What a leg is to its call (lib/call/leg.c keeps the container). */
enum leg_role {
	LEG_ROLE_NONE,		/* in no call: lib/sip's new leg, a REFER outside a dialog's */
	LEG_ROLE_PARTY,		/* one of the call's two parties: c->leg[l->side] */
	LEG_ROLE_TARGET,	/* a transfer's new leg, until its target answers */
	LEG_ROLE_GONE,		/* let go by a transfer or a Replaces; ending */
	_LEG_ROLE_MAX,
};

struct leg {
	struct call_core *core;
	struct call *call;
	enum leg_side side;
	enum leg_role role;
	struct leg *peer;
	struct leg *call_next;		/* the next leg of the call (c->legs) */
	void *sip;			/* lib/sip's handle for this leg */
	char *call_id;			/* this leg's SIP Call-ID */
	enum leg_state state;		/* read through the leg_is_*() helpers */
	bool outbound;			/* we sent its INVITE (leg B, a transfer's target) */
	bool in_req[_LEG_REQ_MAX];	/* a request from this leg awaits our answer */
	bool out_req[_LEG_REQ_MAX];	/* we relayed a request onto this leg */
	bool out_offer[_LEG_REQ_MAX];	/* ... and it carried an SDP offer */
	bool ack_owed;			/* a 2xx we got on this leg waits for the peer's ACK */
	int session_expires;		/* RFC 4028 interval this leg runs, 0 = off */
	bool tls;			/* signalling runs over TLS (set by lib/sip) */
	struct referfwd *referfwd;		/* a leg of a REFER outside a dialog (referfwd.c), no call */
	int glare_tries;
	char *glare_ctype, *glare_body;	/* the re-INVITE to send again after a 491 */
	size_t glare_len;
	void *glare_timer;
	/* digits waiting to go as SIP INFO on this leg, one INFO at a time
	 * (dtmf.c); dtmf_info_out: ours is waiting for its answer */
	char dtmf_q[16];
	uint16_t dtmf_qdur[16];
	unsigned dtmf_qn;
	bool dtmf_info_out;
};

struct call_stats {
	unsigned active;
	uint64_t total, answered, failed;
	uint64_t refused;		/* events, call and leg state changes refused (call_fsm.c) */
	double cps;			/* calls per second, last 10 s */
};

/* One media stream of a call, for the control socket. */
struct call_stream_info {
	unsigned index;
	const char *type, *codec;
	uint16_t port[_LEG_SIDE_MAX];		/* relay port facing each leg */
	bool mux[_LEG_SIDE_MAX];
	const char *dir[_LEG_SIDE_MAX];
	const char *srtp[_LEG_SIDE_MAX];		/* SRTP suite with the leg, or NULL */
	struct relay_side_stats st[_LEG_SIDE_MAX];	/* what came from each leg */
};

struct call_info {
	uint64_t id;
	const char *uuid;		/* the call's UUID (util/tid.h) */
	const char *a_call_id, *b_call_id;
	const char *from, *to, *route, *target;
	enum call_state state;
	time_t started, answered;
	const char *codec;		/* of the first stream, or NULL */
	bool srtp;			/* a leg of the call runs SRTP with the relay */
};

/* relay may be NULL: then every call's SDP passes through untouched. */
int call_core_new(const struct leg_ops *ops, void *root, struct relay *relay,
		  struct call_core **ret);
/* The timeout callback to give relay_new() (arg: the core). */
void media_on_timeout(void *arg, uint64_t cookie);
/* The DTMF callback to give relay_set_dtmf_handler() (arg: the core). */
void media_on_dtmf(void *arg, uint64_t cookie, int side, unsigned event, unsigned duration_ms);
struct call_core *call_core_free(struct call_core *core);

/* The current config snapshot; the core takes a reference. */
void call_core_set_conf(struct call_core *core, struct conf *conf);
/* How to ask whether a target is down (lib/sip/tsip_probe.c): calls skip
 * such targets; a call whose targets are all down gets 503. */
void call_core_set_health(struct call_core *core, bool (*down)(void *arg, const char *target),
			  void *arg);
struct conf *call_core_conf(struct call_core *core);
/* How to find the binding a Request-URI user names (lib/sip/tsip_reg.c):
 * such a call goes to that phone, by the route of its REGISTER. */
void call_core_set_bindings(struct call_core *core,
			    bool (*find)(void *arg, const char *user, struct call_binding *ret),
			    void *arg);

/* New calls get 503 while draining; calls in progress go on. */
void call_core_drain(struct call_core *core, bool on);
bool call_core_draining(const struct call_core *core);
/* Hang up every call (end of the drain grace). */
void call_core_hangup_all(struct call_core *core, enum call_end why);
void call_core_stats(struct call_core *core, struct call_stats *ret);
/* Visit every call (for the control socket). Stop when fn returns < 0. */
int call_core_foreach(struct call_core *core, int (*fn)(const struct call_info *ci, void *arg),
		      void *arg);
int call_core_hangup(struct call_core *core, uint64_t id);
/* tandemctl join: the live parties of both calls in one conference bridge
 * (the one either is in already, else a new one); 0, or -errno with why
 * in err. */
int call_core_join(struct call_core *core, uint64_t a, uint64_t b, char *err, size_t len);
/* The media streams of call id; returns how many (<= max), or -ENOENT. */
int call_core_streams(struct call_core *core, uint64_t id, struct call_stream_info *ret,
		      unsigned max);
struct relay *call_core_relay(struct call_core *core);

/* Events from lib/sip. */
void call_on_invite(struct call_core *core, struct leg *a, const struct call_invite *inv);
/* A new INVITE whose Replaces header names our leg `old` (RFC 3891). */
void call_on_replaces(struct leg *n, struct leg *old, const struct call_invite *inv);
void call_on_request(struct leg *l, enum leg_req req, const struct call_msg *m);
void call_on_response(struct leg *l, enum leg_req req, const struct call_msg *m);
void call_on_ended(struct leg *l);
void call_on_refer(struct leg *l, const struct call_refer *r);
/* A NOTIFY of the REFER we sent on the leg (passthrough). */
void call_on_notify(struct leg *l, const char *sipfrag, bool final);

/* A REFER outside a dialog (lib/call/referfwd.c), as it arrived on leg `in`
 * (a new leg, with the request saved for the answer; the coordinator owns
 * it from here on). Strings are borrowed. */
struct referfwd_req {
	struct route_req q;		/* request URI, From, To, source, headers */
	const char *from_display;
	const char *refer_to;		/* as the sender wrote it, or NULL */
	const char *refer_host;		/* host of the Refer-To URI */
	const char *referred_by;	/* the Referred-By header value, or NULL */
	int max_forwards;		/* -1 when absent */
};
void referfwd_on_refer(struct call_core *core, struct leg *in, const struct referfwd_req *r);
/* Events on the legs of one (l->referfwd set): the target's answer to our
 * REFER, its NOTIFYs, and the sender's answer to a NOTIFY of ours. */
void referfwd_on_answer(struct leg *out, const struct call_msg *m);
void referfwd_on_notify(struct leg *out, const char *sipfrag, bool final);
void referfwd_on_notified(struct leg *in, int status);

/* Legs: lib/sip makes leg A on a new INVITE; the core makes leg B. */
struct leg *leg_new(struct call_core *core, enum leg_side side);
struct leg *leg_free(struct leg *l);
/* What a leg's state says (call_fsm.c). */
bool leg_is_inviting(const struct leg *l);	/* its initial INVITE awaits an answer */
bool leg_is_answered(const struct leg *l);	/* ... got a 2xx, and is not ended */
bool leg_is_confirmed(const struct leg *l);	/* a dialog not being hung up */
bool leg_is_ended(const struct leg *l);
void leg_set_call_id(struct leg *l, const char *call_id);
/* For lib/sip's logging: "call=N a=... b=..." prefix of the leg's call. */
const char *leg_log_prefix(const struct leg *l);
/* The route of the leg's call (inside its config snapshot), or NULL. */
const struct conf_route *leg_route(const struct leg *l);

const char *call_state_name(enum call_state st);
const char *call_end_name(enum call_end why);
const char *leg_req_name(enum leg_req req);
const char *leg_state_name(enum leg_state st);
