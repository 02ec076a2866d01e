/* lib/sip/tsip_auth.c: who may call, at the SIP front end.
 *
 * Every new request outside a dialog passes the ACLs (auth.acl and the
 * listener's acl; for an INVITE or a REFER also the acl of the route it
 * matches): a source outside them gets 403, or nothing (acl_action =
 * "drop"). A new INVITE or REFER (a forwarded REFER makes the PBX place a
 * call) that the listener or its route marks auth = "required", from a
 * source not in auth.trusted, must carry Digest credentials (RFC 3261,
 * RFC 7616, RFC 8760) whose uri is its Request-URI (else 400): without
 * them, or with a nonce that is not ours, not made for this source
 * address, or expired, it gets a 401 (or 407) with one challenge per
 * algorithm and is done with: NUA has no server-side authentication, so
 * the challenged handle is destroyed and the re-sent request comes on a
 * new one. The nonce is checked before the user, so that an unknown user
 * looks like a wrong password. Wrong credentials or a replayed nonce get
 * 403, one log line in a fixed format (docs/operations.md, "Security")
 * and guard_auth_failed().
 *
 * Outbound: a 401/407 to leg B's INVITE is answered once with the target's
 * credentials from the route's trunk_auth (nua_authenticate); a second
 * challenge goes to the call as the target's failure. Sofia thread only. */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <sofia-sip/msg_addr.h>
#include <sofia-sip/msg_header.h>

#include "tsip_int.h"
#include "ops/bus.h"
#include "ops/log.h"
#include "sec/digest.h"
#include "sec/guard.h"

struct tsip_auth {
	struct digest_nonces *nonces;
};

/* counters for /metrics (sofia thread) */
static struct tsip_auth_stats stats;

static const char *const reason_names[_TSIP_AUTH_MAX] = {
	[TSIP_AUTH_NO_CREDENTIALS] = "no-credentials",
	[TSIP_AUTH_STALE_NONCE] = "stale-nonce",
	[TSIP_AUTH_UNKNOWN_NONCE] = "unknown-nonce",
	[TSIP_AUTH_NO_QOP] = "no-qop",
	[TSIP_AUTH_ALGORITHM] = "algorithm",
	[TSIP_AUTH_URI_MISMATCH] = "uri-mismatch",
	[TSIP_AUTH_BAD_HEADER] = "bad-header",
	[TSIP_AUTH_WRONG_PASSWORD] = "wrong-password",
	[TSIP_AUTH_UNKNOWN_USER] = "unknown-user",
	[TSIP_AUTH_REPLAYED_NONCE] = "replayed-nonce",
};

const char *tsip_auth_reason_name(enum tsip_auth_reason r)
{
	return (unsigned)r < _TSIP_AUTH_MAX ? reason_names[r] : "?";
}

void tsip_auth_get_stats(struct tsip_auth_stats *ret)
{
	*ret = stats;
}

static uint64_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec + 1;
}

int tsip_auth_start(struct tsip *t)
{
	t->auth = calloc(1, sizeof(*t->auth));
	if (t->auth == NULL)
		return -ENOMEM;
	return digest_nonces_new(0, &t->auth->nonces);
}

void tsip_auth_stop(struct tsip *t)
{
	if (t->auth == NULL)
		return;
	digest_nonces_free(t->auth->nonces);
	free(t->auth);
	t->auth = NULL;
}

/* ---- helpers ---- */

static void addr_text(const struct sockaddr *sa, char *buf, size_t len)
{
	const void *a = NULL;

	if (sa && sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)sa)->sin_addr;
	else if (sa && sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	if (a == NULL || inet_ntop(sa->sa_family, a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
}

/* A user name as the caller wrote it, made safe for one log line: at most
 * 64 characters, nothing but letters, digits and ._@+-= (else '?'). */
static void safe_text(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; s && *s && o + 1 < len && o < 64; s++)
		buf[o++] = isalnum((unsigned char)*s) || strchr("._@+-=", *s) ? *s : '?';
	buf[o] = '\0';
}

static bool acl_allows(const struct conf_acl *acl, const struct sockaddr *src)
{
	if (!acl->set)
		return true;
	for (size_t i = 0; i < acl->n; i++)
		if (conf_cidr_contains(&acl->nets[i], src))
			return true;
	return false;
}

static bool trusted(const struct conf_auth *a, const struct sockaddr *src)
{
	for (size_t i = 0; i < a->n_trusted; i++)
		if (conf_cidr_contains(&a->trusted[i], src))
			return true;
	return false;
}

/* Which listener: 0 UDP, 1 TCP, 2 TLS (the Via names TLS; nta drops a
 * request whose Via names another transport than the one it came on). */
static int listener_of(const sip_t *sip, const su_addrinfo_t *ai)
{
	const char *proto = sip->sip_via ? sip->sip_via->v_protocol : NULL;

	if (proto && strcasecmp(proto, "SIP/2.0/TLS") == 0)
		return 2;
	return ai && ai->ai_protocol == IPPROTO_TCP ? 1 : 0;
}

static const char *const listener_names[] = { "udp", "tcp", "tls" };

struct hdr_ctx {
	const sip_t *sip;
	bool bad;		/* a header too long to read whole */
	char buf[512];
};

static const char *header_value(void *arg, const char *name)
{
	struct hdr_ctx *hc = arg;

	for (const msg_header_t *h = (const msg_header_t *)hc->sip->sip_request; h; h = h->sh_succ) {
		const char *hn = h->sh_class->hc_name;
		if (h->sh_class->hc_hash == sip_unknown_hash) {
			if (strcasecmp(h->sh_unknown->un_name, name) == 0)
				return h->sh_unknown->un_value;
		} else if (hn && strcasecmp(hn, name) == 0) {
			issize_t n = msg_header_field_e(hc->buf, sizeof(hc->buf), h, 0);
			if (n >= (issize_t)sizeof(hc->buf))
				hc->bad = true;	/* cut: not matched on, 400 */
			return n < 0 || n >= (issize_t)sizeof(hc->buf) ? NULL : hc->buf;
		}
	}
	return NULL;
}

/* The route a new INVITE or REFER will match (as call.c's route_call() and
 * referfwd.c do); *ret_bad when a header it looked at was too long to read. */
static const struct conf_route *route_of(const struct conf *c, const sip_t *sip,
					 const struct sockaddr *src, bool *ret_bad)
{
	struct hdr_ctx hc = { .sip = sip };
	const struct conf_route *rt;
	struct route_req q = {
		.ruri_user = sip->sip_request->rq_url->url_user,
		.ruri_host = sip->sip_request->rq_url->url_host,
		.from_user = sip->sip_from ? sip->sip_from->a_url->url_user : NULL,
		.to_user = sip->sip_to ? sip->sip_to->a_url->url_user : NULL,
		.source = src, .header = header_value, .header_arg = &hc,
	};

	rt = route_find(c, &q);
	*ret_bad = hc.bad;
	return rt;
}

/* ---- answers ---- */

static void refuse(struct tsip *t, nua_handle_t *nh, const sip_t *sip, enum conf_acl_action act,
		   const struct sockaddr *src, enum tsip_acl_by acl, const char *by)
{
	const char *method = sip->sip_request->rq_method_name;
	char a[INET6_ADDRSTRLEN];

	stats.acl[acl][act == CONF_ACL_DROP]++;
	addr_text(src, a, sizeof(a));
	log_info("acl: %s from %s not allowed by %s: %s", method, a, by,
		 act == CONF_ACL_DROP ? "dropped" : "403");
	if (act == CONF_ACL_DROP) {
		/* no answer: destroying the handle would make sofia answer
		 * (480/500), so it waits unanswered with the flood drops */
		tsip_guard_park(nh);
		return;
	}
	bus_sip(false, method, 403);
	nua_respond(nh, SIP_403_FORBIDDEN, NUTAG_WITH_THIS(t->nua), TAG_END());
	nua_handle_destroy(nh);
}

/* The bytes a nonce is bound to: the source address (IPv4 as v4-mapped
 * IPv6), without the port, which a phone may change between the challenge
 * and its answer (a new TCP connection). 0 bytes without a source. */
static size_t bind_of(const struct sockaddr *src, struct guard_addr *ret)
{
	return guard_addr_of(src, ret) == 0 ? sizeof(ret->a) : 0;
}

/* A refusal that is not a failure (400, or a 401 to credentials that
 * cannot be checked): counted, and one line at notice with the source, the
 * user as the caller wrote it and the reason; never the digest itself. The
 * fixed format differs from "auth failed" lines, so fail2ban's filter does
 * not count them (a forged source could send them). */
static void log_refused(const struct tsip *t, const struct sockaddr *src, const char *user,
			enum tsip_auth_reason why, int code)
{
	char a[INET6_ADDRSTRLEN], u[72];

	stats.refused[why]++;
	addr_text(src, a, sizeof(a));
	safe_text(user, u, sizeof(u));
	log_notice("auth refused from %s: user '%s' realm '%s' reason %s (%d)", a, u,
		   t->conf->auth.realm, reason_names[why], code);
}

static void bad_request(struct tsip *t, nua_handle_t *nh, const sip_t *sip, const char *phrase)
{
	bus_sip(false, sip->sip_request->rq_method_name, 400);
	nua_respond(nh, 400, phrase, NUTAG_WITH_THIS(t->nua), TAG_END());
	nua_handle_destroy(nh);
}

static void challenge(struct tsip *t, nua_handle_t *nh, const sip_t *sip,
		      const struct sockaddr *src, bool stale)
{
	const struct conf_auth *a = &t->conf->auth;
	const char *name = a->challenge == 407 ? "Proxy-Authenticate" : "WWW-Authenticate";
	struct guard_addr bind;
	size_t bind_len = bind_of(src, &bind);
	char nonce[80], hdrs[1024];
	size_t o = 0;

	if (digest_nonce_make(t->auth->nonces, now_s(), bind.a, bind_len, nonce,
			      sizeof(nonce)) < 0) {
		nua_respond(nh, SIP_500_INTERNAL_SERVER_ERROR, NUTAG_WITH_THIS(t->nua), TAG_END());
		nua_handle_destroy(nh);
		return;
	}
	/* one challenge per algorithm, the strongest first (RFC 8760) */
	for (size_t i = 0; i < a->n_algs && o < sizeof(hdrs); i++)
		o += (size_t)snprintf(hdrs + o, sizeof(hdrs) - o,
				      "%s%s: Digest realm=\"%s\", nonce=\"%s\", algorithm=%s, "
				      "qop=\"auth\"%s", i ? "\r\n" : "", name, a->realm, nonce,
				      digest_alg_name((enum digest_alg)a->algs[i]),
				      stale ? ", stale=true" : "");
	bus_sip(false, sip->sip_request->rq_method_name, a->challenge);
	if (a->challenge == 407)
		nua_respond(nh, SIP_407_PROXY_AUTH_REQUIRED, SIPTAG_HEADER_STR(hdrs),
			    NUTAG_WITH_THIS(t->nua), TAG_END());
	else
		nua_respond(nh, SIP_401_UNAUTHORIZED, SIPTAG_HEADER_STR(hdrs),
			    NUTAG_WITH_THIS(t->nua), TAG_END());
	nua_handle_destroy(nh);
}

static void failed(struct tsip *t, nua_handle_t *nh, const sip_t *sip,
		   const struct sockaddr *src, const char *user, enum tsip_auth_reason why)
{
	const char *reason = reason_names[why];
	char a[INET6_ADDRSTRLEN], u[72];

	stats.refused[why]++;
	addr_text(src, a, sizeof(a));
	safe_text(user, u, sizeof(u));
	/* a fixed format, for fail2ban (docs/operations.md, "Security") */
	log_notice("auth failed from %s: user '%s' realm '%s' reason %s", a, u,
		   t->conf->auth.realm, reason);
	guard_auth_failed(src);
	bus_sip(false, sip->sip_request->rq_method_name, 403);
	nua_respond(nh, SIP_403_FORBIDDEN, NUTAG_WITH_THIS(t->nua), TAG_END());
	nua_handle_destroy(nh);
}

/* The credentials of our realm in the request, parsed: 0, -ENOENT when
 * there are none, -EINVAL for a header too long to read whole, or
 * digest_parse()'s error. */
static int our_credentials(const struct conf_auth *a, const sip_t *sip, struct digest_cred *cred)
{
	const msg_auth_t *au = a->challenge == 407 ? sip->sip_proxy_authorization :
						     sip->sip_authorization;
	char buf[2048];
	int r = -ENOENT;

	for (; au; au = au->au_next) {
		issize_t n = msg_header_field_e(buf, sizeof(buf), (const msg_header_t *)au, 0);
		if (n >= (issize_t)sizeof(buf)) {
			r = -EINVAL;	/* cut: never parse what was not read whole */
			au = NULL;
			break;
		}
		if (n <= 0)
			continue;
		r = digest_parse(buf, cred);
		if (r == 0 && strcmp(cred->realm, a->realm) == 0)
			break;
		if (r == 0)
			r = -ENOENT;	/* another realm's */
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	return au ? 0 : r;
}

/* The digest uri names the Request-URI (RFC 3261 22.4), compared as URIs
 * with sofia's url_cmp(): the scheme, the user, the host (in any case) and
 * the port (an IP host's absent port is its default), so that credentials
 * for one destination do not open another; parameters may differ. "*" and
 * what is no URI never match. */
static bool uri_is_request_uri(const char *uri, const url_t *ruri)
{
	char tmp[sizeof(((struct digest_cred *)0)->uri)];
	url_t u;

	memset(&u, 0, sizeof(u));
	snprintf(tmp, sizeof(tmp), "%s", uri);
	if (ruri == NULL || ruri->url_type <= url_any || url_d(&u, tmp) < 0 ||
	    u.url_type <= url_any)
		return false;
	return url_cmp(&u, ruri) == 0;
}

/* Digest authentication of a new INVITE or REFER: true when it may go on;
 * otherwise it has been answered and its handle destroyed. */
static bool authenticate(struct tsip *t, nua_handle_t *nh, const sip_t *sip,
			 const struct sockaddr *src)
{
	const struct conf_auth *a = &t->conf->auth;
	const struct conf_auth_user *u = NULL;
	struct digest_cred cred;
	struct guard_addr bind;
	size_t bind_len = bind_of(src, &bind);
	enum digest_result res;
	bool offered = false;
	int r = our_credentials(a, sip, &cred);

	if (r == -EINVAL) {
		log_refused(t, src, NULL, TSIP_AUTH_BAD_HEADER, 400);
		bad_request(t, nh, sip, "Bad Authorization Header");
		return false;
	}
	if (r == -ENOENT) {
		/* none of ours (yet): the first challenge of every call, not logged */
		stats.refused[TSIP_AUTH_NO_CREDENTIALS]++;
		challenge(t, nh, sip, src, false);
		return false;
	}
	if (r < 0) {	/* an algorithm we do not know */
		log_refused(t, src, NULL, TSIP_AUTH_ALGORITHM, t->conf->auth.challenge);
		challenge(t, nh, sip, src, false);
		return false;
	}
	if (!uri_is_request_uri(cred.uri, sip->sip_request->rq_url)) {
		/* credentials for another request: a replay to another destination */
		log_refused(t, src, cred.username, TSIP_AUTH_URI_MISMATCH, 400);
		bad_request(t, nh, sip, "Authorization URI Mismatch");
		return false;
	}
	for (size_t i = 0; i < a->n_algs; i++)
		offered |= a->algs[i] == (int)cred.alg;
	if (!offered) {
		log_refused(t, src, cred.username, TSIP_AUTH_ALGORITHM, a->challenge);
		challenge(t, nh, sip, src, false);
		return false;
	}
	for (size_t i = 0; i < a->n_users && u == NULL; i++)
		if (strcmp(a->users[i].name, cred.username) == 0)
			u = &a->users[i];
	if (u != NULL && u->ha1[cred.alg][0] == '\0')
		u = NULL;
	/* the nonce (ours, for this source, fresh) is checked before the user */
	res = digest_verify(t->auth->nonces, &cred, u ? u->ha1[cred.alg] : NULL,
			    sip->sip_request->rq_method_name, bind.a, bind_len, now_s(),
			    (unsigned)a->nonce_lifetime);
	switch (res) {
	case DIGEST_OK:
		stats.ok++;
		log_debug("auth: user '%s' authenticated (%s)", u->name, digest_alg_name(cred.alg));
		t->auth_user = u->name;
		return true;
	case DIGEST_STALE:
		stats.refused[TSIP_AUTH_STALE_NONCE]++;	/* phones re-send by themselves */
		challenge(t, nh, sip, src, true);
		return false;
	case DIGEST_BAD_NONCE:
	case DIGEST_NO_QOP:
		log_refused(t, src, cred.username, res == DIGEST_NO_QOP ? TSIP_AUTH_NO_QOP :
					TSIP_AUTH_UNKNOWN_NONCE, a->challenge);
		challenge(t, nh, sip, src, false);
		return false;
	case DIGEST_WRONG:
	case DIGEST_REPLAY:
		break;
	}
	failed(t, nh, sip, src, cred.username, !u ? TSIP_AUTH_UNKNOWN_USER :
		res == DIGEST_REPLAY ? TSIP_AUTH_REPLAYED_NONCE : TSIP_AUTH_WRONG_PASSWORD);
	return false;
}

bool tsip_auth_refused(struct tsip *t, nua_event_t ev, nua_handle_t *nh, const sip_t *sip)
{
	const struct conf *c = t->conf;
	const struct conf_route *rt;
	enum conf_auth_mode mode;
	su_addrinfo_t *ai;
	const struct sockaddr *src;
	msg_t *msg;
	bool bad = false;
	int li;

	if (!tsip_new_request(ev))
		return false;
	if (nh == NULL || sip == NULL || sip->sip_request == NULL)
		return false;
	msg = nua_current_request(t->nua);
	ai = msg ? msg_addrinfo(msg) : NULL;
	src = ai ? ai->ai_addr : NULL;
	li = listener_of(sip, ai);
	if (!acl_allows(&c->auth.acl, src)) {
		refuse(t, nh, sip, c->auth.acl_action, src, TSIP_ACL_GLOBAL, "auth.acl");
		return true;
	}
	if (!acl_allows(&c->auth.listen_acl[li], src)) {
		char by[32];
		snprintf(by, sizeof(by), "the %s listener", listener_names[li]);
		refuse(t, nh, sip, c->auth.acl_action, src, TSIP_ACL_LISTENER, by);
		return true;
	}
	/* OPTIONS and the rest: never challenged. A REFER outside a dialog is
	 * routed (referfwd.c) and may make the PBX place a call: as an INVITE. */
	if (ev != nua_i_invite && ev != nua_i_refer)
		return false;
	rt = route_of(c, sip, src, &bad);
	if (bad) {
		bad_request(t, nh, sip, "Header Too Long");
		return true;
	}
	if (rt && !acl_allows(&rt->access.acl, src)) {
		char by[160];
		snprintf(by, sizeof(by), "route \"%s\"", rt->name);
		refuse(t, nh, sip, rt->access.acl_action != CONF_ACL_UNSET ? rt->access.acl_action :
		       c->auth.acl_action, src, TSIP_ACL_ROUTE, by);
		return true;
	}
	mode = rt && rt->access.auth != CONF_AUTH_UNSET ? rt->access.auth : c->auth.listen_auth[li];
	if (mode != CONF_AUTH_REQUIRED || trusted(&c->auth, src))
		return false;
	return !authenticate(t, nh, sip, src);
}

/* ---- trunk authentication (leg B) ---- */

/* A parameter of a challenge, unquoted, into buf ("" when absent). */
static void challenge_param(const msg_auth_t *ch, const char *name, char *buf, size_t len)
{
	const char *v = msg_header_find_param(ch->au_common, name);
	size_t n;

	buf[0] = '\0';
	if (v == NULL)
		return;
	if (*v == '"') {
		v++;
		n = strcspn(v, "\"");
	} else {
		n = strcspn(v, ", \t");
	}
	if (n >= len)
		n = len - 1;
	memcpy(buf, v, n);
	buf[n] = '\0';
}

bool tsip_auth_trunk(struct leg *l, int status, const sip_t *sip)
{
	struct tsip_leg *x = l->sip;
	const struct conf_trunk_auth *ta = x ? x->trunk : NULL;
	const msg_auth_t *ch;
	char realm[256], rlog[72], stale[16], cred[1024];

	if (ta == NULL || sip == NULL)
		return false;
	ch = status == 407 ? sip->sip_proxy_authenticate : sip->sip_www_authenticate;
	for (; ch; ch = ch->au_next)
		if (ch->au_scheme && strcasecmp(ch->au_scheme, "Digest") == 0)
			break;
	if (ch == NULL)
		return false;
	challenge_param(ch, "realm=", realm, sizeof(realm));
	challenge_param(ch, "stale=", stale, sizeof(stale));
	safe_text(realm, rlog, sizeof(rlog));	/* the target's words, for the log */
	if (x->auth_tries > 0) {
		/* NUA answers a stale=true challenge from its cache by itself; a
		 * second challenge reaching us means our credentials failed */
		log_warning("%s target challenged again (%d, realm \"%s\"): the credentials of user "
			    "'%s' were refused", leg_log_prefix(l), status, rlog, ta->user);
		return false;
	}
	if (ta->realm && strcmp(ta->realm, realm) != 0) {
		log_warning("%s target challenged for realm \"%s\", trunk_auth is for \"%s\"",
			    leg_log_prefix(l), rlog, ta->realm);
		return false;
	}
	if (realm[0] == '\0' || strchr(realm, '"'))
		return false;
	x->auth_tries++;
	log_info("%s target challenged (%d, realm \"%s\"): answering as '%s'", leg_log_prefix(l),
		 status, rlog, ta->user);
	snprintf(cred, sizeof(cred), "Digest:\"%s\":%s:%s", realm, ta->user, ta->password);
	nua_authenticate(x->nh, NUTAG_AUTH(cred), TAG_END());
	OPENSSL_cleanse(cred, sizeof(cred));
	return true;
}
