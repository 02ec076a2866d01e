/* lib/sip/tsip_check.c: the last checks of a new request outside a dialog
 * before tandemd acts on it, where sofia-sip's parser lets through what
 * RFC 3261 and RFC 4475 want refused:
 *  - a Request-URI with headers ("?Route=..."): 400;
 *  - an IPv6 reference ("[...]") in the Request-URI, From, To, Contact or
 *    the top Via that is no IPv6 address (RFC 5118 4.10: three colons):
 *    400;
 *  - a Date, Accept, Content-Type or Content-Encoding header that sofia
 *    could not parse (kept in sip_error, the request delivered anyway): 400;
 *  - an INVITE whose body is not application/sdp (tandemd relays media by
 *    rewriting SDP; anything else used to be forwarded verbatim) or is
 *    content-encoded: 415 with Accept / Accept-Encoding;
 *  - an INVITE whose Accept list admits no application/sdp, so that no
 *    answer of ours would be acceptable: 406 with Accept.
 * tsip_check_request() decides from the parsed message alone (unit-tested
 * in tests/unit/check_tsip_check.c); tsip_check_refused() answers, counts
 * and logs. Called once, from on_unbound() in tsip.c, after the flood guard
 * and the ACLs/authentication. docs/operations.md, "Malformed SIP", lists
 * what sofia drops or answers before any of this runs. Sofia thread only. */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sofia-sip/msg_addr.h>

#include "tsip_check.h"
#include "tsip_int.h"
#include "ops/bus.h"
#include "ops/log.h"

#define SDP_TYPE "application/sdp"

static const char *skip_lws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	return s;
}

/* The token at *s (RFC 3261 token characters) into buf; false when empty
 * or too long. *s moves past it and any LWS after it. */
static bool take_token(const char **s, char *buf, size_t len)
{
	const char *p = skip_lws(*s);
	size_t n = 0;

	while (*p && (isalnum((unsigned char)*p) || strchr("-.!%*_+`'~", *p))) {
		if (n + 1 >= len)
			return false;
		buf[n++] = *p++;
	}
	buf[n] = '\0';
	*s = skip_lws(p);
	return n > 0;
}

/* "type/subtype" then the end, LWS or ';' parameters: the two tokens. */
static bool split_media(const char *s, char *type, char *sub, size_t len)
{
	if (s == NULL || !take_token(&s, type, len) || *s != '/')
		return false;
	s++;
	if (!take_token(&s, sub, len))
		return false;
	return *s == '\0' || *s == ';';
}

bool tsip_check_is_sdp(const char *type)
{
	char t[64], sub[64];

	return split_media(type, t, sub, sizeof(t)) && strcasecmp(t, "application") == 0 &&
	       strcasecmp(sub, "sdp") == 0;
}

/* q = "0" [ "." 0*3DIGIT ] that is all zeros: "not acceptable" (RFC 3261 20.1) */
static bool q_is_zero(const char *q)
{
	q = skip_lws(q);
	if (*q++ != '0')
		return false;
	if (*q == '.')
		for (q++; *q == '0'; q++)
			;
	return *skip_lws(q) == '\0';
}

bool tsip_check_range_admits_sdp(const char *range, const char *q)
{
	char t[64], sub[64];

	if (!split_media(range, t, sub, sizeof(t)))
		return false;
	if (q && q_is_zero(q))
		return false;
	if (strcmp(t, "*") == 0)
		return strcmp(sub, "*") == 0;
	return strcasecmp(t, "application") == 0 &&
	       (strcmp(sub, "*") == 0 || strcasecmp(sub, "sdp") == 0);
}

/* Text from the wire, made safe for one log line: printable ASCII only,
 * at most len - 1 characters. */
static void safe_copy(char *buf, size_t len, const char *s)
{
	size_t n = 0;

	for (; s && *s && n + 1 < len; s++)
		buf[n++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	buf[n] = '\0';
}

/* what: a fixed text; arg: the offending text from the wire, or NULL */
static int refuse(struct tsip_verdict *v, int status, const char *phrase, const char *what,
		  const char *arg)
{
	char safe[48];

	safe_copy(safe, sizeof(safe), arg);
	v->status = status;
	v->phrase = phrase;
	snprintf(v->why, sizeof(v->why), "%s%s", what, safe);
	return 1;
}

/* Headers whose parse failure refuses the request: those the checks below
 * read, and Date (RFC 4475 3.1.2.11). Sofia keeps a header it could not
 * parse as an error entry named after it and delivers the request. */
static const struct {
	const char *name;
	const char *phrase;
} strict[] = {
	{ "Date", "Bad Date Header" },
	{ "Accept", "Bad Accept Header" },
	{ "Content-Type", "Bad Content-Type Header" },
	{ "Content-Encoding", "Bad Content-Encoding Header" },
};

static const char *bad_header_phrase(const sip_t *sip)
{
	for (const sip_error_t *e = sip->sip_error; e; e = e->er_next)
		for (size_t i = 0; e->er_name && i < sizeof(strict) / sizeof(strict[0]); i++)
			if (strcasecmp(e->er_name, strict[i].name) == 0)
				return strict[i].phrase;
	return NULL;
}

/* An INVITE's body: SDP, not encoded. */
static int check_body(const sip_t *sip, struct tsip_verdict *v)
{
	const sip_content_encoding_t *ce;

	if (sip->sip_payload == NULL || sip->sip_payload->pl_len == 0)
		return 0;
	/* no Content-Type: tandemd has always taken the body as SDP */
	if (sip->sip_content_type && !tsip_check_is_sdp(sip->sip_content_type->c_type)) {
		v->accept = SDP_TYPE;
		return refuse(v, 415, "Unsupported Media Type (application/sdp only)",
			      "body of type ", sip->sip_content_type->c_type);
	}
	for (ce = sip->sip_content_encoding; ce; ce = ce->k_next)
		for (msg_param_t const *it = ce->k_items; it && *it; it++)
			if (strcasecmp(*it, "identity") != 0) {
				v->accept_encoding = "identity";
				return refuse(v, 415, "Unsupported Media Type (no content coding)",
					      "body with Content-Encoding ", *it);
			}
	return 0;
}

/* An INVITE's Accept: our answers carry SDP, so some entry must admit it.
 * Entries without a type (an empty Accept) are not counted: an empty
 * header is taken as no preference, as phones send it. */
static int check_accept(const sip_t *sip, struct tsip_verdict *v)
{
	const sip_accept_t *ac;
	const char *first = NULL;

	for (ac = sip->sip_accept; ac; ac = ac->ac_next) {
		if (ac->ac_type == NULL || *ac->ac_type == '\0')
			continue;
		if (tsip_check_range_admits_sdp(ac->ac_type, ac->ac_q))
			return 0;
		if (first == NULL)
			first = ac->ac_type;
	}
	if (first == NULL)
		return 0;
	v->accept = SDP_TYPE;
	return refuse(v, 406, "Not Acceptable (answers are application/sdp)",
		      "Accept without application/sdp: ", first);
}

/* host is "[...]" holding no IPv6 address; a host without brackets is
 * sofia's to judge (a name or an IPv4 address) */
static bool bad_ipv6_ref(const char *host)
{
	struct in6_addr a;
	char buf[INET6_ADDRSTRLEN + 1];
	size_t n;

	if (host == NULL || host[0] != '[')
		return false;
	n = strlen(host);
	if (n < 3 || host[n - 1] != ']' || n - 2 >= sizeof(buf))
		return true;
	memcpy(buf, host + 1, n - 2);
	buf[n - 2] = '\0';
	return inet_pton(AF_INET6, buf, &a) != 1;
}

static const char *bad_ipv6_host(const sip_t *sip)
{
	const url_t *u[] = {
		sip->sip_request->rq_url,
		sip->sip_from ? sip->sip_from->a_url : NULL,
		sip->sip_to ? sip->sip_to->a_url : NULL,
		sip->sip_contact ? sip->sip_contact->m_url : NULL,
	};

	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		if (u[i] && bad_ipv6_ref(u[i]->url_host))
			return u[i]->url_host;
	if (sip->sip_via && bad_ipv6_ref(sip->sip_via->v_host))
		return sip->sip_via->v_host;
	return NULL;
}

int tsip_check_request(const sip_t *sip, struct tsip_verdict *ret)
{
	const char *host;
	const char *phrase;
	int r;

	memset(ret, 0, sizeof(*ret));
	if (sip == NULL || sip->sip_request == NULL)
		return 0;
	if (sip->sip_request->rq_url->url_headers)
		return refuse(ret, 400, "Bad Request-URI (headers not allowed)",
			      "Request-URI with headers ?", sip->sip_request->rq_url->url_headers);
	host = bad_ipv6_host(sip);
	if (host)
		return refuse(ret, 400, "Bad IPv6 Reference", "an IPv6 reference that is no address: ",
			      host);
	phrase = bad_header_phrase(sip);
	if (phrase)
		return refuse(ret, 400, phrase, phrase, NULL);
	if (sip->sip_request->rq_method != sip_method_invite)
		return 0;
	r = check_body(sip, ret);
	if (r != 0)
		return r;
	return check_accept(sip, ret);
}

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

/* The request of this event is refused: answered (counted as a response
 * sent), logged once, its handle destroyed. False: go on with it. */
bool tsip_check_refused(struct tsip *t, nua_event_t ev, nua_handle_t *nh, const sip_t *sip)
{
	struct tsip_verdict v;
	char src[INET6_ADDRSTRLEN];
	su_addrinfo_t *ai;
	msg_t *msg;

	if (!tsip_new_request(ev) || nh == NULL || tsip_check_request(sip, &v) == 0)
		return false;
	msg = nua_current_request(t->nua);
	ai = msg ? msg_addrinfo(msg) : NULL;
	addr_text(ai ? ai->ai_addr : NULL, src, sizeof(src));
	log_info("%s from %s refused with %d: %s", sip->sip_request->rq_method_name, src,
		 v.status, v.why);
	bus_sip(false, sip->sip_request->rq_method_name, v.status);
	nua_respond(nh, v.status, v.phrase, TAG_IF(v.accept, SIPTAG_ACCEPT_STR(v.accept)),
		    TAG_IF(v.accept_encoding, SIPTAG_ACCEPT_ENCODING_STR(v.accept_encoding)),
		    NUTAG_WITH_THIS(t->nua), TAG_END());
	nua_handle_destroy(nh);
	return true;
}
