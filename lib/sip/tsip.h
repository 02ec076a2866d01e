/* lib/sip: the sofia-sip NUA front end. Owns the nua_t, turns NUA events
 * into call_on_*() events of the coordinator, and carries out the
 * coordinator's leg operations with NUA calls. Sofia thread only. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "call/call.h"
#include "conf/conf.h"

struct tsip;

/* root is the su_root_t *; the NUA binds the listeners of conf. relay
 * anchors the media (NULL: SDP passes through). */
int tsip_new(void *root, struct conf *conf, struct relay *relay, struct tsip **ret);
struct call_core *tsip_core(struct tsip *t);
/* Apply what a reload may change on the fly (log trace, user agent). */
void tsip_reconfigure(struct tsip *t, struct conf *conf);
/* Start the NUA shutdown; done() is called once it has finished. */
void tsip_shutdown(struct tsip *t, void (*done)(void *arg), void *arg);
struct tsip *tsip_free(struct tsip *t);
/* The probed targets (tsip_probe.c), for `tandemctl targets`: a new JSON array. */
json_t *tsip_targets_json(struct tsip *t);

/* The TLS connections of sofia's whose SSL tandemd equipped with the current
 * certificate, and how many of those SSLs were freed when sofia closed the
 * connection (tsip_tls_reload.c). Any thread. */
struct tsip_tls_stats {
	uint64_t ssl_made, ssl_freed;
};
void tsip_tls_stats(struct tsip_tls_stats *ret);

/* Why a new request's authentication did not let it through (tsip_auth.c);
 * the first two are the normal challenges, the rest refusals. */
enum tsip_auth_reason {
	TSIP_AUTH_NO_CREDENTIALS,	/* 401: challenged */
	TSIP_AUTH_STALE_NONCE,		/* 401 stale=true */
	TSIP_AUTH_UNKNOWN_NONCE,	/* 401: not ours, expired, or for another address */
	TSIP_AUTH_NO_QOP,		/* 401: no qop=auth */
	TSIP_AUTH_ALGORITHM,		/* 401: an algorithm not offered */
	TSIP_AUTH_URI_MISMATCH,		/* 400 Authorization URI Mismatch */
	TSIP_AUTH_BAD_HEADER,		/* 400 Bad Authorization Header */
	TSIP_AUTH_WRONG_PASSWORD,	/* 403 */
	TSIP_AUTH_UNKNOWN_USER,		/* 403 */
	TSIP_AUTH_REPLAYED_NONCE,	/* 403 */
	_TSIP_AUTH_MAX,
};
const char *tsip_auth_reason_name(enum tsip_auth_reason r);

/* ACL refusals by the list that refused (auth.acl, a listener's acl, a
 * route's acl) and what was done (403, drop). */
enum tsip_acl_by { TSIP_ACL_GLOBAL, TSIP_ACL_LISTENER, TSIP_ACL_ROUTE, _TSIP_ACL_MAX };

/* Counters since start (sofia thread). */
struct tsip_auth_stats {
	uint64_t ok;				/* requests authenticated */
	uint64_t refused[_TSIP_AUTH_MAX];
	uint64_t acl[_TSIP_ACL_MAX][2];		/* [by][0: 403, 1: dropped] */
};
void tsip_auth_get_stats(struct tsip_auth_stats *ret);

/* REGISTER relayed to a registrar (tsip_reg.c): counters since start and
 * the table of bindings (sofia thread). */
struct tsip_reg_stats {
	uint64_t bindings;		/* confirmed by the registrar, now */
	uint64_t pending;		/* waiting for the registrar (challenged), now */
	uint64_t ok, local, challenged, failed;	/* REGISTERs answered, by outcome */
	uint64_t added, removed;	/* bindings */
};
void tsip_reg_stats(struct tsip *t, struct tsip_reg_stats *ret);
/* [{aor, contact, token, source, transport, nat, route, registrar, expires,
 * registrar_expires, registered, refreshed}], a new array */
json_t *tsip_reg_json(struct tsip *t);
