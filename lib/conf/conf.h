/* lib/conf: the config file (libconfig) turned into an immutable, validated
 * snapshot, and the routing rules that match a call against it.
 *
 * A snapshot is built whole by conf_load() and never changes afterwards. It is
 * reference-counted: the sofia thread holds the current one, and every call
 * holds the one it started with until it ends, so a reload never changes the
 * rules under a call in progress. Only the sofia thread touches the counter. */
#pragma once

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

enum conf_transport {
	CONF_TP_UDP = 1 << 0,
	CONF_TP_TCP = 1 << 1,
	CONF_TP_TLS = 1 << 2,	/* its own port (listen_tls_port), same address */
};

/* NAT traversal of signalling (lib/sip/tsip_nat.c), per listener and route. */
enum conf_nat {
	CONF_NAT_UNSET,		/* route: the listener's; listener: auto */
	CONF_NAT_AUTO,		/* a Contact or Via other than the source: NATed */
	CONF_NAT_FORCE,		/* always send to the source */
	CONF_NAT_OFF,		/* always send to the Contact */
};

/* Listener indexes of per-listener settings (auth, advertise, nat). */
enum { CONF_LI_UDP, CONF_LI_TCP, CONF_LI_TLS, _CONF_LI_MAX };

enum log_level {
	LOG_LVL_ERR = 3,
	LOG_LVL_WARNING = 4,
	LOG_LVL_NOTICE = 5,
	LOG_LVL_INFO = 6,
	LOG_LVL_DEBUG = 7,
};

struct conf_error {
	char file[256];
	int line;		/* 0 when the error has no line (e.g. file missing) */
	char msg[256];
};

struct conf_cidr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];
	unsigned prefix;
};

/* A regex with the text it came from (for messages and `tandemctl route`). */
struct conf_regex {
	bool set;
	char *src;
	regex_t re;
};

struct conf_match {
	struct conf_regex ruri_user;
	char *ruri_domain;		/* exact, case-insensitive; NULL = any */
	struct conf_regex from_user;
	struct conf_regex to_user;
	struct conf_cidr *sources;	/* any of them; n_sources == 0: any source */
	size_t n_sources;
	char *header_name;		/* with header_value: that header matches */
	struct conf_regex header_value;
};

#define CONF_FAILOVER_MIN 300
#define CONF_FAILOVER_MAX 699

/* Media security of one leg (issue: SRTP). */
enum conf_sec {
	CONF_SEC_RTP,		/* plain RTP only */
	CONF_SEC_SRTP,		/* SDES SRTP required: no acceptable crypto, 488 */
	CONF_SEC_OPTIONAL,	/* SRTP when the peer offers or accepts it */
	CONF_SEC_PASSTHROUGH,	/* a=crypto crosses untouched, packets too */
};

/* How a leg signals DTMF digits (route dtmf). Between an rfc4733 leg and an
 * info leg tandemd converts; otherwise digits cross as they came. */
enum conf_dtmf {
	CONF_DTMF_PASSTHROUGH,	/* nothing read: RTP events and INFO cross as sent */
	CONF_DTMF_RFC4733,	/* telephone-event packets in the leg's RTP */
	CONF_DTMF_INFO,		/* SIP INFO, application/dtmf-relay or application/dtmf */
};

#define CONF_MAX_SUITES 8

enum conf_refer {
	CONF_REFER_LOCAL,	/* tandemd carries the transfer out */
	CONF_REFER_PASSTHROUGH,	/* the REFER crosses to the other leg */
	CONF_REFER_REJECT,	/* 403 */
};

/* A REFER outside a dialog that matches the route (lib/call/referfwd.c). */
enum conf_refer_outside {
	CONF_REFER_OUT_REJECT,	/* 403 (or the route's reject code) */
	CONF_REFER_OUT_FORWARD,	/* sent on to the route's targets as our own REFER */
};

/* Who may call (lib/conf/conf_auth.c, lib/sip/tsip_auth.c): digest
 * authentication of callers, ACLs of source networks, trunk credentials. */
enum conf_auth_mode { CONF_AUTH_UNSET, CONF_AUTH_OFF, CONF_AUTH_REQUIRED };
enum conf_acl_action { CONF_ACL_UNSET, CONF_ACL_REJECT, CONF_ACL_DROP };

struct conf_acl {
	struct conf_cidr *nets;		/* allowed sources; none: any */
	size_t n;
	bool set;			/* given in the file (even empty) */
};

struct conf_auth_user {
	char *name;
	char ha1[2][65];		/* hex per enum digest_alg (MD5, SHA-256); "" = none */
};

/* Credentials for a target that challenges us (nua_authenticate). */
struct conf_trunk_auth {
	char *target;			/* one of the route's targets; NULL = any */
	char *user, *password;
	char *realm;			/* NULL: the realm of the challenge */
};

struct conf_route_access {
	enum conf_auth_mode auth;	/* UNSET: the listener's */
	struct conf_acl acl;
	enum conf_acl_action acl_action;	/* UNSET: auth.acl_action */
	struct conf_trunk_auth *trunk;
	size_t n_trunk;
	const struct conf_trunk_auth **target_auth;	/* per target, or NULL */
};

struct conf_auth {
	char *realm;
	int challenge;			/* 401 (WWW-Authenticate) or 407 (Proxy-) */
	int algs[2];			/* enum digest_alg offered, in order */
	size_t n_algs;
	int nonce_lifetime;		/* s */
	struct conf_auth_user *users;
	size_t n_users;
	char *credentials_file;
	struct conf_cidr *trusted;	/* skip authentication */
	size_t n_trusted;
	struct conf_acl acl;		/* every listener */
	enum conf_acl_action acl_action;
	enum conf_auth_mode listen_auth[3];	/* per listener: UDP, TCP, TLS */
	struct conf_acl listen_acl[3];
};

struct conf_route {
	char *name;
	int line;
	struct conf_match match;
	char **targets;			/* "sip:host[:port][;transport=x]" */
	size_t n_targets;
	uint8_t failover[(CONF_FAILOVER_MAX - CONF_FAILOVER_MIN + 8) / 8];
	struct conf_regex rewrite;	/* request-URI user rewrite */
	char *rewrite_to;		/* with \1..\9 captures */
	char **add_headers;		/* "Name: value" */
	size_t n_add_headers;
	char **remove_headers;		/* names */
	size_t n_remove_headers;
	int reject;			/* 0, or the code to answer */
	char *reject_reason;
	int max_calls;			/* 0 = no per-route limit */
	int max_cps;			/* new calls per second on the route; 0 = no limit */
	int no_answer_timeout;		/* seconds, ringing without an answer */
	int ring_timeout;		/* seconds a target may ring before the next is tried; 0 = off */
	int connect_timeout;		/* seconds without any response from a target */
	int session_expires;		/* RFC 4028, 0 = off */
	int se_line;			/* where the route set it, for errors */
	char *file;			/* the @include'd file it is in; NULL: the main file */
	bool media_passthrough;		/* SDP crosses untouched, no relay */
	enum conf_sec sec_caller, sec_callee;	/* leg A, leg B */
	enum conf_dtmf dtmf[2];		/* leg A (caller), leg B (callee) */
	int suites[CONF_MAX_SUITES];	/* tsrtp suites to offer, in order; 0 ends */
	bool suites_set;		/* else the media section's list */
	bool sdes_tls_only;		/* SDES keys only on TLS legs (security.sdes_tls_only) */
	bool tls_verify;		/* verify TLS targets' certificates (else tls.verify_peer) */
	int tls_verify_set;		/* the line that set tls_verify, 0 = not set */
	enum conf_refer refer;
	enum conf_refer_outside refer_outside;
	enum conf_redirect { CONF_REDIRECT_FOLLOW, CONF_REDIRECT_RELAY } redirect;
	int max_redirects;		/* hops a call follows (default 3) */
	struct conf_route_access access;	/* auth, acl, trunk_auth (conf_auth.c) */
	int max_duration;		/* s from the answer, then BYE both legs; 0 = none */
	/* caller identity toward the targets (conf_identity.c, lib/call/identity.c) */
	bool trusted;			/* targets in the RFC 3325 trust domain */
	char *from_user, *from_display, *from_host;	/* ${...} templates; NULL: as today */
	char *pai;			/* P-Asserted-Identity to assert, a template; NULL: none */
	/* what each leg is offered (conf_codecs.c): [CONF_CALLER], [CONF_CALLEE] */
	struct conf_codecs {
		bool set;
		char **allow, **deny, **order;	/* encoding names */
		size_t n_allow, n_deny, n_order;
		int ptime;			/* ms, 0: as offered */
	} codecs[2];
	/* target health (conf_probe.c, lib/sip/tsip_probe.c): OPTIONS to each target */
	struct conf_probe {
		bool on;
		int interval;			/* s between probes, and a probe's timeout */
		int down_after, up_after;	/* consecutive failures, successes */
	} probe;
	enum conf_nat nat;		/* both legs; UNSET: each leg's listener's */
	/* REGISTER that matches the route (lib/sip/tsip_reg.c, conf_edge.c) */
	enum conf_register {
		CONF_REG_OFF,		/* 405, as every route without it */
		CONF_REG_RELAY,		/* relayed to the targets with a binding of ours */
		CONF_REG_REJECT,	/* 403 */
	} register_mode;
	int register_nat_expires;	/* s given to NATed phones; 0 = the registrar's */
};

enum { CONF_CALLER, CONF_CALLEE };	/* conf_route.codecs[] */

/* The identity section (conf_identity.c): the sources whose
 * P-Asserted-Identity is believed (RFC 3325 trust domain). */
struct conf_identity {
	struct conf_cidr *trusted;
	size_t n_trusted;
};

/* The ${...} variables of add_headers and the identity settings, as
 * lib/call/identity.c fills them in; NULL-terminated. */
extern const char *const conf_call_vars[];

/* The flood section (lib/conf/conf_flood.c, lib/sec/guard.c): per-source
 * request rate limit and temporary bans. Off when the section is absent. */
enum conf_flood_action { CONF_FLOOD_503, CONF_FLOOD_DROP, CONF_FLOOD_403 };

struct conf_flood {
	bool on;			/* a flood section */
	int rate;			/* requests per second per source; 0 = no limit */
	int burst;			/* bucket size (requests at once) */
	enum conf_flood_action action;	/* over the rate: 503 or drop */
	int ban_after;			/* requests over rate in ban_window; 0 = never */
	int auth_failures;		/* failed authentications in ban_window; 0 = never */
	int ban_window;			/* s */
	int ban_time;			/* s */
	enum conf_flood_action ban_action;	/* banned: drop or 403 */
	int table_size;			/* sources tracked (read at start only) */
	struct conf_cidr *trusted;	/* exempt sources */
	size_t n_trusted;
};

/* A webhooks entry: POST the events named (all when n_events is 0) to url. */
struct conf_webhook {
	char *url;			/* http:// or https:// */
	char **events;			/* event types ("call.ended"), or "*" */
	size_t n_events;
	int timeout_ms;			/* per attempt */
	int retries;			/* attempts after the first */
};

struct conf {
	unsigned refs;
	char *path;
	time_t loaded_at;
	char *node;			/* node id (lib/util/tid.h); default: host[-instance] */
	bool node_set;			/* given in the file */

	/* listen */
	char *listen_address;
	int listen_port;
	unsigned listen_transports;	/* CONF_TP_* */
	int listen_tls_port;		/* with CONF_TP_TLS */
	char *advertise;		/* sip.advertise: the From host of leg B; NULL = listen_address
					 * (conf_edge_finish: the UDP/TCP listener's advertise) */
	/* per listener (CONF_LI_*), conf_edge.c: what Via sent-by and Contact name */
	char *listen_adv_host[3];	/* advertise host, NULL: the listen address */
	int listen_adv_port[3];		/* advertise port, 0: the listener's port */
	enum conf_nat listen_nat[3];	/* UNSET: auto */
	int nat_keepalive;		/* s between OPTIONS to a NATed party; 0 = none */

	/* media: the RTP relay */
	char *media_address;		/* bind; NULL = listen_address */
	char *media_advertise;		/* put in SDP; NULL = media_address */
	bool media_advertise_set;	/* given in the file (else derived) */
	char *media_address6;		/* NULL, or the IPv6 bind of a dual-stack relay */
	char *media_advertise6;		/* put in SDP toward IPv6 peers; NULL = media_address6 */
	int media_port_min, media_port_max;
	int media_workers;		/* 0 = one per core */
	int media_timeout;		/* s without RTP/RTCP from both legs; 0 = off */
	int media_hold_timeout;		/* the same while a leg holds */
	int media_latch;		/* 0 first source, 1 strict (SDP address) */
	bool media_io_uring;		/* batch packet I/O in io_uring when the kernel allows */
	int srtp_suites[CONF_MAX_SUITES];	/* default suites to offer; 0 ends */

	/* tls: PEM files, checked at load (lib/conf/conf_tls.c) */
	bool tls_set;			/* a tls section */
	char *tls_certificate;		/* certificate (and chain) */
	char *tls_key;
	char *tls_ca;			/* NULL: the system's CA bundle */
	char *tls_dir;			/* sofia's private copy; NULL: beside the control socket */
	bool tls_verify_peer;		/* verify the certificates of TLS targets */

	/* control */
	char *ctl_socket;
	unsigned ctl_mode;

	/* log */
	int log_level;
	bool sip_trace;

	/* limits */
	int max_calls;
	int retry_after;
	int max_message_size;		/* bytes, sofia's NTATAG_MAXSIZE (read at start) */
	int max_calls_per_source;	/* concurrent calls from one address; 0 = any */
	int cps_per_source;		/* new calls per second from one address; 0 = any */
	int cps_per_user;		/* ... per authenticated user; 0 = any */

	/* calls: defaults for routes */
	int no_answer_timeout;
	int connect_timeout;
	int session_expires;
	int min_se;
	int drain_grace;
	int no_route_code;
	int max_duration;		/* default for routes; 0 = none */
	char *user_agent;

	struct conf_route *routes;
	size_t n_routes;

	struct conf_flood flood;
	struct conf_identity identity;	/* conf_identity.c */

	/* operations (lib/conf/conf_ops.c): records, HTTP endpoint, webhooks */
	char *records_file;		/* NULL: no call records */
	/* conference: a REFER whose Refer-To names this user@host brings its
	 * call into the bridge of that name (lib/call/bridge.c); NULL: none */
	char *conference_uri, *conference_user, *conference_host;
	char *http_address;		/* NULL: no HTTP endpoint */
	int http_port;
	struct conf_webhook *webhooks;
	size_t n_webhooks;

	struct conf_auth auth;		/* the auth section, listener auth/acl (conf_auth.c) */
};

/* Build a snapshot from a file. On failure returns -EINVAL (or -ENOMEM) and
 * fills *err with file, line and message; *ret is untouched. */
int conf_load(const char *path, struct conf **ret, struct conf_error *err);

struct conf *conf_ref(struct conf *c);
struct conf *conf_unref(struct conf *c);	/* NULL-safe; returns NULL */

/* "file:line: message" (or "file: message") into buf. */
void conf_error_format(const struct conf_error *err, char *buf, size_t len);

int conf_parse_cidr(const char *s, struct conf_cidr *ret);
bool conf_cidr_contains(const struct conf_cidr *c, const struct sockaddr *sa);
int conf_log_level_from_name(const char *name);
const char *conf_log_level_name(int level);

/* ---- routing (route.c) ---- */

/* What a route is matched against. Any field may be NULL/empty. */
struct route_req {
	const char *ruri_user;
	const char *ruri_host;
	const char *from_user;
	const char *to_user;
	const struct sockaddr *source;
	/* first value of a header by name, or NULL */
	const char *(*header)(void *arg, const char *name);
	void *header_arg;
};

/* First route that matches, or NULL. */
const struct conf_route *route_find(const struct conf *c, const struct route_req *req);

/* The request-URI user after the route's rewrite, into buf. Returns 0, or
 * -ENOSPC when it does not fit. With no rewrite (or no match) copies user. */
int route_rewrite_user(const struct conf_route *r, const char *user, char *buf, size_t len);

bool route_failover_on(const struct conf_route *r, int status);

/* The target (or request URI) goes over TLS: sips:, or ;transport=tls. */
bool conf_target_is_tls(const char *target);
