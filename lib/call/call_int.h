/* lib/call private: struct call and struct call_core, shared by the files of
 * the coordinator (call.c: lifecycle and teardown; dialog.c: in-dialog
 * requests crossing between legs; leg.c). Sofia thread only. */
#pragma once

#include "call.h"
#include "util/ttimer.h"
#include "util/tid.h"
#include "util/trate.h"
#include "util/turi.h"
#include "sdp/tsdp.h"
#include "ops/bus.h"
#include "sec/guard.h"

struct route_count {
	struct route_count *next;
	unsigned n;
	struct trate_bucket cps;	/* the route's max_cps (call_limit.c) */
	char name[];
};

#define CPS_SLOTS 10

struct call_core {
	const struct leg_ops *ops;
	struct relay *relay;
	void *root;
	struct conf *conf;
	struct call *calls;		/* doubly linked, newest first */
	unsigned active;
	uint64_t next_id, total, answered, failed;
	uint64_t refused;		/* events and state changes the tables refused (call_fsm.c) */
	bool draining;
	struct route_count *route_counts;
	struct ttimer *quality_timer;	/* media.quality events, every QUALITY_MS */
	struct bridge *bridges;			/* conference bridges (bridge.c) */
	uint64_t next_bridge_id;
	struct referfwd *referfwds;		/* REFERs outside a dialog being forwarded (referfwd.c) */
	struct trate *cps_source, *cps_user;	/* calls per second by source, by user (call_limit.c) */
	bool (*target_down)(void *arg, const char *target);	/* target health, or NULL */
	void *health_arg;
	bool (*binding_find)(void *arg, const char *user, struct call_binding *ret);
	void *binding_arg;
	time_t cps_sec[CPS_SLOTS];
	unsigned cps_n[CPS_SLOTS];
};

/* One m= line of the call, anchored in the relay. */
struct call_stream {
	bool active;			/* has a relay pair */
	bool timed_out;
	struct relay_pair_id id;
	uint16_t port[_LEG_SIDE_MAX];	/* relay RTP port facing each leg */
	bool mux[_LEG_SIDE_MAX];	/* rtcp-mux on that leg */
	enum tsdp_dir dir[_LEG_SIDE_MAX];	/* what each leg said last */
	bool dir_answer[_LEG_SIDE_MAX];		/* ... in an answer (else an offer) */
	char type[16], codec[32];
	/* SDES SRTP per leg (wiped in media_release) */
	bool fresh[_LEG_SIDE_MAX];		/* a new party takes the side (transfer) */
	bool srtp[_LEG_SIDE_MAX];		/* the leg runs SRTP with the relay */
	bool savp_offer[_LEG_SIDE_MAX];		/* the leg offered RTP/SAVP */
	unsigned tag[_LEG_SIDE_MAX];		/* crypto tag in use with the leg */
	struct tsrtp_key rx[_LEG_SIDE_MAX];	/* the leg's key */
	struct tsrtp_key tx[_LEG_SIDE_MAX];	/* ours toward the leg */
	unsigned n_offered[_LEG_SIDE_MAX];	/* keys we offered to the leg, by tag 1..n */
	struct tsrtp_key offered[_LEG_SIDE_MAX][CONF_MAX_SUITES];
	/* address family of the relay's sockets facing each leg; a transfer
	 * target in another family gets a spare side until it answers */
	int fam[_LEG_SIDE_MAX];
	bool has_spare;
	enum leg_side spare_side;
	struct relay_spare spare;
	/* telephone-event (RFC 4733) in each leg's last SDP: payload type, rate */
	bool te_on[_LEG_SIDE_MAX];
	uint8_t te_pt[_LEG_SIDE_MAX];
	unsigned te_rate[_LEG_SIDE_MAX];
};

struct call {
	struct call *prev, *next;
	struct call_core *core;
	uint64_t id;
	char uuid[TID_UUID_LEN + 1];	/* unique across nodes and restarts (util/tid.h) */
	struct conf *conf;		/* the snapshot the call started with */
	const struct conf_route *route;	/* inside conf */
	struct route_count *route_count;
	struct leg *legs;		/* every leg it holds, by l->call_next (leg.c) */
	struct leg *leg[_LEG_SIDE_MAX];	/* its two parties; only call_set_leg() writes */
	enum call_state state;
	enum call_end end;
	int end_code;
	char *fail_phrase;		/* the last target's reason phrase */
	int fail_retry_after;
	size_t target_idx;
	bool ring_forward;		/* the answer timer is the route's ring_timeout: next target */
	char *redir_contacts;		/* a 3xx's Contacts not tried yet, one a line (redirect.c) */
	unsigned redirects;		/* 3xx followed */
	struct sockaddr_storage src_sa;	/* where the INVITE came from (routing a redirect) */
	time_t started, answered_at;
	double t_start, t_answer, t_end;	/* real time, for records */
	char source[64];			/* where the INVITE came from */
	/* for the record: the Request-URI user as the caller sent it (ruri_user
	 * is after the route's rewrite), the digest user (NULL: none) */
	char *caller_ruri_user, *auth_user;
	struct call_attempt {
		char *target;
		int status;			/* final answer, 408 for no response, 0 pending */
	} attempts[8];
	unsigned n_attempts;

	/* what the outbound leg is built from, kept for failover */
	char *ruri_user, *from_user, *from_display, *to_user, *target;
	char *bind_contact, *bind_proxy;	/* a call to a registered phone (tsip_reg.c) */
	char *from_host;		/* the route's from_host, or anonymous.invalid; NULL: ours */
	char *out_from_user, *out_from_display;	/* the From toward the target (identity.c); NULL: the caller's */
	char **headers;			/* NULL-terminated "Name: value" */
	int max_forwards;
	int session_expires;
	char *offer_ctype, *offer;	/* the caller's INVITE body */
	size_t offer_len;

	bool media_on;			/* relay the media (route says so, relay exists) */
	int fam_hint[_LEG_SIDE_MAX];	/* a leg's address family, from its target (0: unknown) */
	bool toward_spare;		/* the SDP being built is for the spare side's party */
	char *last_sdp[_LEG_SIDE_MAX];	/* the last SDP each leg sent, as it sent it */
	size_t last_sdp_len[_LEG_SIDE_MAX];

	/* a transfer in progress (xfer.c) */
	struct call_xfer {
		struct leg *transferor;		/* the leg whose REFER this is */
		const struct conf_route *route;	/* how the target was routed */
		size_t target_idx;
		char *user, *target, *referred_by, *replaces;
		struct ttimer *timer;		/* no answer from the target */
	} xfer;
	json_t *transfers;		/* for the record */
	struct bridge *bridge;		/* the conference bridge its parties are in */
	json_t *bridge_rec;		/* what that bridge was when it left (record) */
	unsigned dtmf_n[_LEG_SIDE_MAX];	/* digits read from each leg (dtmf.c) */
	struct call_stream streams[TSDP_MAX_MEDIA];
	unsigned n_streams;

	struct ttimer *connect_timer;	/* no response at all from the target */
	struct ttimer *answer_timer;	/* ringing without an answer */
	struct ttimer *end_timer;	/* legs that never report their end */
	struct ttimer *duration_timer;	/* the route's max_duration (call_limit.c) */
	bool src_counted;		/* counted in the guard's calls per source */
	struct guard_addr src_key;
	char log_prefix[160];
};

/* binding.c: calls to phones registered through tandemd. binding_lookup():
 * does user name a binding's token (its fields, or ret->contact NULL: gone);
 * binding_route(): its route in the call's snapshot, or NULL (480);
 * binding_take(): the call goes to that phone. */
bool binding_lookup(struct call_core *core, const char *user, struct call_binding *ret);
const struct conf_route *binding_route(struct call *c, const struct call_binding *cb);
int binding_take(struct call *c, const struct call_binding *cb);

/* call.c: the first target from idx on that target health does not call
 * down (n_targets: none); give up leg B and place target next. */
size_t call_live_target(struct call *c, size_t idx);
size_t call_route_live_target(struct call *c, const struct conf_route *rt, size_t idx);
/* core.c: target health calls this target down (probed, failing) */
bool core_target_down(const struct call_core *core, const char *target);
void call_fail_over_to(struct call *c, size_t next);

/* redirect.c: a target's 3xx. redirect_on_3xx(): true when a Contact is
 * being followed (its Contacts are kept for a relayed 3xx otherwise);
 * redirect_next(): true when the next Contact of an earlier 3xx took over
 * from an exhausted failover. */
bool redirect_on_3xx(struct call *c, const struct call_msg *m);
bool redirect_next(struct call *c);

/* identity.c: c->headers (the caller's less remove_headers, the identity
 * headers, add_headers) and the From the target sees; 0 or -ENOMEM. */
int identity_build(struct call *c, const struct call_invite *inv);
/* Whether a Privacy header's value asks to hide the caller (id, user, header). */
bool identity_privacy_asked(const char *privacy);

/* call.c: *target (freed first) becomes target idx of rt with user put in
 * (util/turi.c: scheme, host, port and params kept); 0 or -errno. */
int call_target_uri(const struct conf_route *rt, size_t idx, const char *user, char **target);

/* call_fsm.c: the call's state machine. call_set_state() is the one
 * function that changes a state; a change the table does not allow is
 * refused (-EINVAL), counted and logged. call_fsm_event() runs what an
 * event does in the call's state; an event the table has no entry for in
 * that state is refused (-EINVAL), counted and logged. */
enum call_ev {
	CALL_EV_TRYING,			/* B: 100 to the initial INVITE */
	CALL_EV_PROVISIONAL,		/* B: 101-199 to it */
	CALL_EV_ANSWER,			/* B: 2xx to it */
	CALL_EV_FAILURE,		/* B: 300-999 to it */
	CALL_EV_CANCEL,			/* A: CANCEL of the initial INVITE (NUA answered 487) */
	CALL_EV_BYE,			/* either leg: BYE (NUA answered 200) */
	CALL_EV_LEG_LOST,		/* either leg ended without a BYE */
	CALL_EV_CONNECT_TIMEOUT,	/* no response at all from the target */
	CALL_EV_ANSWER_TIMEOUT,		/* no answer in no_answer_timeout */
	_CALL_EV_MAX,
};
typedef void call_action_fn(struct call *c, struct leg *l, const struct call_msg *m);
int call_set_state(struct call *c, enum call_state st);
bool call_state_allowed(enum call_state from, enum call_state to);
int call_fsm_event(struct call *c, enum call_ev ev, struct leg *l, const struct call_msg *m);
call_action_fn *call_fsm_action(enum call_state st, enum call_ev ev);	/* NULL: refused */
const char *call_ev_name(enum call_ev ev);
/* the actions (call.c); l is the leg of the event (NULL for timers) */
call_action_fn call_act_trying, call_act_early, call_act_answer, call_act_failover,
	call_act_ack_bye, call_act_cancel, call_act_bye, call_act_leg_lost, call_act_leg_gone,
	call_act_no_response, call_act_no_answer;
void call_format_source(const struct sockaddr *sa, char *buf, size_t len);
/* core.c */
void core_count_call(struct call_core *core, time_t now);
struct route_count *core_route_count(struct call_core *core, const char *name);
/* The leg's state machine (same file): leg_set_state() is the one function
 * that changes a leg's state; a change the table does not allow is refused
 * (-EINVAL), counted (core->refused) and logged. */
int leg_set_state(struct leg *l, enum leg_state st);
bool leg_state_allowed(enum leg_state from, enum leg_state to);
/* An INVITE that came in on the leg (not l->outbound) awaits our final
 * answer: call_close gives it. */
bool leg_needs_answer(const struct leg *l);
/* The release rule (call.c): call_close() ends a call and never frees it;
 * call_free_if_done() is the one place a call is freed, when it is closing
 * and every leg it holds has ended. Each entry point (call_on_*(), timer
 * callbacks, the core's hangups, anything else lib/sip, the relay or the
 * control socket calls) calls it last, after its last use of c, and
 * touches c no more; a function that closes another call (an attended
 * transfer ends the call it took a leg from) calls it on that call after
 * its last use. Returns whether c was freed. */
bool call_free_if_done(struct call *c);
double call_now(void);
void call_publish_record(struct call *c);
void call_publish(struct call *c, const char *type, json_t *fields);
void call_log(struct call *c, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void call_close(struct call *c, enum call_end why, int code, const char *phrase);
void call_update_log_prefix(struct call *c);

/* dialog.c */
void dialog_request(struct leg *l, enum leg_req req, const struct call_msg *m);
void dialog_response(struct leg *l, enum leg_req req, const struct call_msg *m);
void dialog_answer_pending(struct leg *l, int code, const char *phrase);
int dialog_own_invite(struct leg *l, const struct call_msg *m);
int dialog_copy_body(const struct call_msg *m, char **ctype, char **body, size_t *len);

/* dtmf.c: DTMF between an rfc4733 leg and an info leg (route dtmf).
 * dtmf_on_info: an INFO from l that tandemd takes itself (answered here):
 * true; false: it crosses as any INFO. dtmf_on_info_answer: the answer to
 * an INFO of tandemd's own on l: true (taken). dtmf_endpoint: the DTMF part
 * of what the relay is told about leg `side` of a stream. */
bool dtmf_on_info(struct leg *l, const struct call_msg *m);
bool dtmf_on_info_answer(struct leg *l, const struct call_msg *m);
void dtmf_send_queued(struct leg *l);
void dtmf_endpoint(struct call *c, struct call_stream *cs, enum leg_side side,
		   const struct tsdp_media *m, struct relay_endpoint *ep);

/* media.c */
#define SDP_MAX 16384
#define COOKIE_SHIFT 4	/* a relay pair's cookie = call id << 4 | m= line index */
int media_cross(struct call *c, enum leg_side from, bool offer, const struct call_msg *in,
		struct call_msg *out, char *buf, size_t len);
/* The same rewrite toward the other side only: the relay and the keys of
 * side `from` stay as they are (a body sent again to a new leg). */
int media_toward(struct call *c, enum leg_side from, bool offer, const struct call_msg *in,
		 struct call_msg *out, char *buf, size_t len);
/* Is the other party in a hold that leg `holder` put it in: on some stream
 * holder offered sendonly (inactive) and the other side answered recvonly
 * (inactive)? A transfer must not leave that hold on the parties that stay. */
bool media_held_by(const struct call *c, enum leg_side holder);
/* media_toward, but every stream in the hold that leg `holder` made (as
 * media_held_by) is written a=sendrecv: an offer that takes it off. */
int media_toward_unheld(struct call *c, enum leg_side from, enum leg_side holder, bool offer,
			const struct call_msg *in, struct call_msg *out, char *buf, size_t len);
void media_release(struct call *c);
void media_log_stats(struct call *c);
void media_confirmed(struct call *c);
void media_publish_quality(struct call_core *core);
void media_new_leg(struct call *c, enum leg_side side);
void media_vacate_side(struct call *c, enum leg_side side);	/* before media_new_leg */
/* The address family of a SIP URI's host when it is a literal (AF_INET,
 * AF_INET6), else 0. */
int media_family_of_uri(const char *uri);
/* A new party of family c->fam_hint[side] is about to be offered side
 * `side` (a transfer): streams whose sockets are of the other family get a
 * spare side of the right one, swapped in by media_commit_side at its
 * answer, closed by media_drop_spares otherwise. */
int media_prepare_side(struct call *c, enum leg_side side);
void media_commit_side(struct call *c, enum leg_side side);
void media_drop_spares(struct call *c);
json_t *media_record(struct call *c);

/* call_limit.c: limits.max_calls_per_source and the route's max_duration */
int call_limit_admit(struct call *c, const struct call_invite *inv);	/* -EBUSY: closed */
int call_limit_route(struct call *c);	/* the route's max_cps; -EBUSY: closed */
void call_limit_core_free(struct call_core *core);
void call_limit_answered(struct call *c);
void call_limit_free(struct call *c);

/* xfer.c */
bool xfer_owns(struct call *c, struct leg *l);	/* the transfer's target or a gone leg */
void xfer_on_response(struct call *c, struct leg *l, const struct call_msg *m);
void xfer_on_leg_event(struct call *c, struct leg *l, enum leg_req req);
void xfer_close(struct call *c);			/* from call_close */
void xfer_free(struct call *c);				/* from call_free */

/* bridge.c: conference bridges. bridge_join(): the live parties of calls
 * (1 or 2) into the bridge one of them is in, else the one named `name`
 * (NULL: a new one); 0, or -errno with why in err (nothing changed).
 * bridge_leg_left(): a BYE from l of a bridged call: true when it was one
 * (the call goes on while its other party is still in the bridge). */
int bridge_join(struct call_core *core, const char *name, struct call *const calls[], unsigned n,
		char *err, size_t len);
bool bridge_leg_left(struct call *c, struct leg *l);
void bridge_call_closing(struct call *c);	/* from call_close */
void bridge_call_freeing(struct call *c);	/* from call_free */
json_t *bridge_record(struct call *c);		/* NULL: never in one */
void bridge_core_free(struct call_core *core);
/* referfwd.c */
void referfwd_free_all(struct call_core *core);	/* from call_core_free */

/* leg.c: the container of a call's legs. Every leg a call holds is on
 * c->legs, with l->call == c and one role (enum leg_role); c->leg[s] is its
 * party on side s. Only these functions change l->call, l->role, l->side,
 * c->leg[] and the peer links of a call's legs, and they keep:
 * - the two parties are each other's peer (both ways);
 * - a transfer's target has the party it will join as peer, one way (lib/sip
 *   places it through that party's stack; the party's peer stays the
 *   transferor until the target answers);
 * - any other leg has none, and no leg keeps a peer that left its role;
 * - the call is freed (call_free_if_done) only when every leg on c->legs
 *   has ended, and then frees them all.
 * call_set_leg() puts l (from no call, or from another call: an attended
 * transfer) in c in that role and side; a new party lets the old one of its
 * side go (LEG_ROLE_GONE). */
void call_set_leg(struct call *c, struct leg *l, enum leg_role role, enum leg_side side);
void call_drop_leg(struct call *c, struct leg *l);	/* out of c, role none; caller frees */
void call_free_leg(struct call *c, struct leg *l);	/* ended, dropped and freed */
struct leg *call_leg_in(const struct call *c, enum leg_role role);	/* the first, or NULL */
bool call_legs_ended(const struct call *c);
/* End (release) every leg the call holds, without signalling. Then
 * call_free_if_done() frees a closing call. */
void call_end_legs(struct call *c);
void call_free_legs(struct call *c);	/* call_free: every leg, ended */
/* Legs outside a call (referfwd.c) pair up by hand: both ways, or not. */
void leg_pair(struct leg *a, struct leg *b);
void leg_unpair(struct leg *l);	/* l and its peer, if it points back */
static inline struct leg *xfer_leg(const struct call *c)	/* the transfer's target */
{
	return call_leg_in(c, LEG_ROLE_TARGET);
}
void leg_end(struct leg *l);	/* ended, released; idempotent */
/* Hang up a leg we placed or answered: CANCEL while its INVITE is
 * unanswered, BYE on its dialog; nothing for a leg already on its way out.
 * A request that cannot be sent ends the leg at once. A leg whose INVITE
 * came in unanswered (leg_needs_answer) is answered by its caller instead. */
void leg_hangup(struct leg *l);
int leg_respond(struct leg *l, enum leg_req req, int status, const char *phrase);
