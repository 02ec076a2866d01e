/* lib/sip/tsip.c: NUA set-up for a B2BUA (see docs/hacking.md for why each
 * setting is there) and the event dispatcher: each NUA event becomes one
 * call_on_*() of the coordinator, or is answered here when it is not part
 * of a call (OPTIONS, methods tandemd does not serve). Sofia thread only. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sofia-sip/msg_addr.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/tport_tag.h>

#include "tsip_int.h"
#include "tsip_tls.h"
#include "ops/bus.h"
#include "ops/log.h"

#define TANDEM_SUPPORTED "timer, 100rel, replaces"
#define MAX_EXT_HEADERS 32

static void on_event(nua_event_t ev, int status, char const *phrase, nua_t *nua,
		     struct tsip *t, nua_handle_t *nh, struct leg *l, sip_t const *sip,
		     tagi_t tags[]);

/* "scheme:host:port;params" of a listener: with an advertised host, that host
 * is the URL's host (sofia writes it in Via sent-by and its Contact) and the
 * bind address goes in maddr (nta_agent_add_tport()). */
static char *one_url(const struct conf *c, const char *scheme, int li, int port, const char *tp)
{
	const char *addr = c->listen_address, *adv = c->listen_adv_host[li];
	bool v6 = strchr(addr, ':') != NULL;
	char *url;
	int n;

	if (adv)
		n = asprintf(&url, "%s:%s:%d%s;maddr=%s%s%s", scheme, adv, port, tp,
			     v6 ? "[" : "", addr, v6 ? "]" : "");
	else
		n = asprintf(&url, "%s:%s%s%s:%d%s", scheme, v6 ? "[" : "", addr, v6 ? "]" : "",
			     port, tp);
	return n < 0 ? NULL : url;
}

static char *listen_url(const struct conf *c)
{
	const char *tp = "";
	unsigned tps = c->listen_transports & (CONF_TP_UDP | CONF_TP_TCP);

	if (tps == CONF_TP_UDP)
		tp = ";transport=udp";
	else if (tps == CONF_TP_TCP)
		tp = ";transport=tcp";
	return one_url(c, "sip", tps & CONF_TP_UDP ? CONF_LI_UDP : CONF_LI_TCP, c->listen_port, tp);
}

/* The TLS listener (NUTAG_SIPS_URL), "" without one. */
static char *listen_sips_url(const struct conf *c)
{
	if (!(c->listen_transports & CONF_TP_TLS))
		return strdup("");
	return one_url(c, "sips", CONF_LI_TLS, c->listen_tls_port, "");
}

/* Every listener, for the log and to notice changes on reload. */
static char *listen_text(const struct conf *c)
{
	char *url = listen_url(c), *sips = listen_sips_url(c), *text = NULL;

	if (url && sips && asprintf(&text, "%s%s%s", url, *sips ? " and " : "", sips) < 0)
		text = NULL;
	free(url);
	free(sips);
	return text;
}

/* 2 (rport always) unless every listener and route says nat = "off" */
static int nat_rport(const struct conf *c)
{
	for (int i = 0; i < _CONF_LI_MAX; i++)
		if (c->listen_nat[i] != CONF_NAT_OFF)
			return 2;
	for (size_t i = 0; i < c->n_routes; i++)
		if (c->routes[i].nat != CONF_NAT_OFF && c->routes[i].nat != CONF_NAT_UNSET)
			return 2;
	return 1;
}

int tsip_new(void *root, struct conf *conf, struct relay *relay, struct tsip **ret)
{
	struct tsip *t;
	char *url, *sips;
	const char *certdir = NULL;
	int r;

	if (tsip_interpose_check() != NULL) {
		log_error("%s: tandemd's own definition is not the one sofia-sip calls, or the "
			  "original is missing (lib/sip/tsip_interpose.c)", tsip_interpose_check());
		return -ENOSYS;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	t->root = root;
	t->conf = conf_ref(conf);
	r = call_core_new(&tsip_leg_ops, root, relay, &t->core);
	if (r < 0)
		goto fail;
	call_core_set_conf(t->core, conf);
	r = tsip_guard_start(t, conf);	/* tsip_guard.c: before any request */
	if (r < 0)
		goto fail;
	r = tsip_auth_start(t);		/* tsip_auth.c: nonces of our challenges */
	if (r < 0)
		goto fail;
	r = tsip_contact_init(t, conf);	/* tsip_contact.c: Contact per leg */
	if (r == 0)
		r = tsip_dns_start(t);	/* tsip_dns.c: targets named by DNS */
	if (r == 0)
		r = tsip_reg_start(t);	/* tsip_reg.c: REGISTER relayed */
	if (r < 0)
		goto fail;
	tsip_log_init();
	tsip_log_trace(conf->sip_trace);

	url = listen_url(conf);
	sips = listen_sips_url(conf);
	if (url == NULL || sips == NULL) {
		free(url);
		free(sips);
		r = -ENOMEM;
		goto fail;
	}
	/* TLS: sofia's certificate directory, and outgoing verification on:
	 * tsip_tls.c decides per target (see there) */
	if (conf->tls_set && (certdir = tsip_tls_setup(conf)) == NULL) {
		free(url);
		free(sips);
		r = -EINVAL;
		goto fail;
	}
	t->nua = nua_create(t->root, on_event, t,
			    TAG_IF(*sips, NUTAG_SIPS_URL(sips)),
			    TAG_IF(certdir, NUTAG_CERTIFICATE_DIR(certdir)),
			    TAG_IF(certdir, TPTAG_TLS_VERIFY_POLICY(TPTLS_VERIFY_OUT)),
			    TAG_IF(certdir, TPTAG_TLS_VERIFY_DEPTH(9)),
			    /* a connection closed with a request pending (a refused
			     * certificate closes it) fails the request at once, 503 */
			    TAG_IF(certdir, TPTAG_SDWN_ERROR(1)),
			    NUTAG_URL(url),
			    NUTAG_MEDIA_ENABLE(0),
			    NUTAG_AUTOACK(0),
			    NUTAG_AUTOALERT(0),
			    NUTAG_AUTOANSWER(0),
			    NUTAG_APPL_METHOD("INVITE"),
			    NUTAG_APPL_METHOD("UPDATE"),
			    NUTAG_APPL_METHOD("INFO"),
			    NUTAG_APPL_METHOD("REFER"),
			    NUTAG_APPL_METHOD("OPTIONS"),
			    NUTAG_AUTO302(0),
			    NUTAG_AUTO305(0),
			    NUTAG_MAX_RETRY_AFTER(0),
			    NUTAG_SESSION_TIMER(0),
			    NUTAG_MIN_SE(conf->min_se),
			    NUTAG_ENABLEMESSAGE(0),
			    SIPTAG_ALLOW_STR(tsip_allow(conf)),
			    SIPTAG_SUPPORTED_STR(TANDEM_SUPPORTED),
			    SIPTAG_USER_AGENT_STR(conf->user_agent),
			    NTATAG_UDP_MTU(65535),
			    /* answer every request where it came from (rport even
			     * when not asked): a NATed party's Via names nowhere */
			    NTATAG_SERVER_RPORT(nat_rport(conf)),
			    NTATAG_MAXSIZE((usize_t)conf->max_message_size),
			    TPTAG_UDP_RMEM(4 * 1024 * 1024),
			    TPTAG_LOG(conf->sip_trace),
			    TAG_END());
	free(url);
	free(sips);
	url = listen_text(conf);
	if (t->nua == NULL) {
		log_error("cannot listen on %s (address in use, or not on this host?)",
			  url ? url : "?");
		free(url);
		r = -EADDRNOTAVAIL;
		goto fail;
	}
	log_notice("listening on %s", url ? url : "?");
	t->bound_url = url ? url : strdup("?");
	r = tsip_probe_start(t);	/* tsip_probe.c: target health */
	if (r < 0)
		goto fail;
	call_core_set_health(t->core, tsip_probe_down, t);
	*ret = t;
	return 0;
fail:
	tsip_free(t);
	return r;
}

struct call_core *tsip_core(struct tsip *t)
{
	return t->core;
}

static bool same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/* The relay's IPv6 sockets stay as started: a reload keeps media.address6 and
 * its advertise6 (the IPv6 address of the SDP must be one the relay has). */
static void keep_media6(const struct conf *old, struct conf *conf)
{
	char *a = NULL, *adv = NULL;

	if (same_str(old->media_address6, conf->media_address6))
		return;
	log_warning("media.address6 takes effect at restart; the relay stays on %s",
		    old->media_address6 ? old->media_address6 : "IPv4 only");
	if (old->media_address6 && ((a = strdup(old->media_address6)) == NULL ||
				    (adv = strdup(old->media_advertise6)) == NULL)) {
		free(a);
		return;	/* out of memory: the new snapshot's values stay */
	}
	free(conf->media_address6);
	free(conf->media_advertise6);
	conf->media_address6 = a;
	conf->media_advertise6 = adv;
}

void tsip_reconfigure(struct tsip *t, struct conf *conf)
{
	char *url;

	/* the relay stays as it was started: keep the new snapshot true to it */
	if (strcmp(conf->media_address, t->conf->media_address) != 0 ||
	    conf->media_port_min != t->conf->media_port_min ||
	    conf->media_port_max != t->conf->media_port_max ||
	    conf->media_workers != t->conf->media_workers || conf->media_latch != t->conf->media_latch ||
	    conf->media_io_uring != t->conf->media_io_uring) {
		log_warning("media address, ports, workers, latch and io_uring take effect at restart; "
			    "the relay stays on %s %d-%d", t->conf->media_address,
			    t->conf->media_port_min, t->conf->media_port_max);
		if (!conf->media_advertise_set) {
			char *adv = strdup(t->conf->media_advertise);
			if (adv) {
				free(conf->media_advertise);
				conf->media_advertise = adv;
			}
		}
		if (strcmp(conf->media_address, t->conf->media_address) != 0) {
			char *addr = strdup(t->conf->media_address);
			if (addr) {
				free(conf->media_address);
				conf->media_address = addr;
			}
		}
		conf->media_port_min = t->conf->media_port_min;
		conf->media_port_max = t->conf->media_port_max;
		conf->media_workers = t->conf->media_workers;
		conf->media_latch = t->conf->media_latch;
		conf->media_io_uring = t->conf->media_io_uring;
	}
	keep_media6(t->conf, conf);
	call_core_set_conf(t->core, conf);
	tsip_guard_reconfigure(t, conf);
	tsip_probe_reconfigure(t, conf);
	tsip_log_trace(conf->sip_trace);
	nua_set_params(t->nua, SIPTAG_USER_AGENT_STR(conf->user_agent),
		       SIPTAG_ALLOW_STR(tsip_allow(conf)),
		       TPTAG_LOG(conf->sip_trace), TAG_END());
	tsip_tls_reload(conf);	/* new TLS connections get the certificate as it is now */
	url = listen_text(conf);
	if (url && strcmp(url, t->bound_url) != 0)
		log_warning("listener changes take effect at restart; still on %s", t->bound_url);
	free(url);
	/* the listener stays as bound; the rest (advertise, user agent) is new */
	conf_ref(conf);
	conf_unref(t->conf);
	t->conf = conf;
}

void tsip_shutdown(struct tsip *t, void (*done)(void *arg), void *arg)
{
	t->shutdown_done = done;
	t->shutdown_arg = arg;
	tsip_guard_release(t);
	tsip_probe_stop(t);	/* its handles go before NUA does */
	tsip_reg_release(t);
	nua_shutdown(t->nua);
}

struct tsip *tsip_free(struct tsip *t)
{
	if (t == NULL)
		return NULL;
	t->core = call_core_free(t->core);
	tsip_probe_stop(t);
	tsip_reg_release(t);
	if (t->nua && !t->down) {
		/* a start that failed after SIP came up (e.g. no control socket):
		 * NUA must be shut down before it may be destroyed; bounded */
		nua_shutdown(t->nua);
		for (int i = 0; i < 50 && !t->down; i++)
			su_root_step(t->root, 100);
	}
	if (t->nua)
		nua_destroy(t->nua);
	tsip_guard_stop(t);
	tsip_auth_stop(t);
	tsip_dns_stop(t);
	tsip_reg_stop(t);
	tsip_tls_cleanup();
	conf_unref(t->conf);
	free(t->bound_url);
	tsip_contact_free(t);
	free(t);
	return NULL;
}

/* ---- helpers ---- */

/* A 3xx's Contact URIs, highest q first (equal q: as listed), one per line,
 * in a buffer of the sofia thread; NULL when none can be printed. */
static const char *contacts_by_q(const sip_contact_t *m)
{
	static char buf[2048];
	const sip_contact_t *v[8];
	double q[8];
	size_t n = 0, used = 0;

	for (; m && n < 8; m = m->m_next) {
		if (m->m_url->url_type == url_any)
			continue;
		q[n] = m->m_q ? strtod(m->m_q, NULL) : 1.0;
		v[n++] = m;
	}
	for (size_t i = 1; i < n; i++)	/* stable insertion sort, q descending */
		for (size_t k = i; k > 0 && q[k] > q[k - 1]; k--) {
			const sip_contact_t *tv = v[k];
			double tq = q[k];
			v[k] = v[k - 1], q[k] = q[k - 1];
			v[k - 1] = tv, q[k - 1] = tq;
		}
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char u[512];
		if (url_e(u, sizeof(u), v[i]->m_url) <= 0 || strlen(u) >= sizeof(u) - 1 ||
		    strpbrk(u, "\r\n") || used + strlen(u) + 2 > sizeof(buf))
			continue;
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", used ? "\n" : "", u);
	}
	return used ? buf : NULL;
}

static void msg_of(const sip_t *sip, int status, const char *phrase, struct call_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->status = status;
	m->phrase = phrase;
	m->retry_after = -1;
	if (sip == NULL)
		return;
	if (sip->sip_payload && sip->sip_payload->pl_len > 0) {
		m->body = sip->sip_payload->pl_data;
		m->body_len = sip->sip_payload->pl_len;
		m->ctype = sip->sip_content_type ? sip->sip_content_type->c_type : "application/sdp";
	}
	if (sip->sip_retry_after)
		m->retry_after = (int)sip->sip_retry_after->af_delta;
	if (status >= 300 && status < 400 && sip->sip_contact)
		m->contacts = contacts_by_q(sip->sip_contact);
}

struct invite_ctx {
	const sip_t *sip;
	char buf[512];
};

/* The first value of a header by name, as text (route matching). */
static const char *header_value(void *arg, const char *name)
{
	struct invite_ctx *ic = arg;
	const msg_header_t *h;

	for (h = (const msg_header_t *)ic->sip->sip_request; h; h = h->sh_succ) {
		const char *hn = h->sh_class->hc_name;
		if (h->sh_class->hc_hash == sip_unknown_hash) {
			if (strcasecmp(h->sh_unknown->un_name, name) == 0)
				return h->sh_unknown->un_value;
			continue;
		}
		if (hn && strcasecmp(hn, name) == 0) {
			if (msg_header_field_e(ic->buf, sizeof(ic->buf), h, 0) < 0)
				return NULL;
			return ic->buf;
		}
	}
	return NULL;
}

static const char *display_text(su_home_t *home, const char *d)
{
	if (d == NULL || *d == '\0')
		return NULL;
	return *d == '"' ? msg_unquote_dup(home, d) : d;
}

/* The leg a handle found by a Replaces belongs to: NULL for a handle that is
 * no leg of ours (a dropped request parked by tsip_guard.c: its magic is a
 * marker, not a leg). */
static struct leg *leg_of_handle(nua_handle_t *nh)
{
	struct leg *l = nua_handle_magic(nh);

	return tsip_guard_parked(l) ? NULL : l;
}

/* The headers sofia parses that are the caller's to send on (the route's
 * remove_headers may still drop them; Privacy is the coordinator's to
 * judge, identity.c), appended to ext as "Name: value". */
static size_t parsed_ext_headers(su_home_t *home, const sip_t *sip, const char **ext, size_t n)
{
	const msg_header_t *hs[] = {
		(const msg_header_t *)sip->sip_privacy, (const msg_header_t *)sip->sip_subject,
		(const msg_header_t *)sip->sip_priority, (const msg_header_t *)sip->sip_call_info,
		(const msg_header_t *)sip->sip_organization,
		(const msg_header_t *)sip->sip_in_reply_to,
	};

	for (size_t i = 0; i < sizeof(hs) / sizeof(hs[0]); i++)
		for (const msg_header_t *h = hs[i]; h && n < MAX_EXT_HEADERS; h = h->sh_next) {
			const char *v = sip_header_as_string(home, (const sip_header_t *)h);
			if (v)
				ext[n++] = su_sprintf(home, "%s: %s", h->sh_class->hc_name, v);
		}
	return n;
}

static void new_invite(struct tsip *t, nua_handle_t *nh, const sip_t *sip)
{
	struct invite_ctx ic = { .sip = sip };
	su_home_t home[1] = { SU_HOME_INIT(home) };
	const char *ext[MAX_EXT_HEADERS];
	size_t n_ext = 0;
	struct call_invite inv;
	su_addrinfo_t *ai;
	msg_t *msg;
	struct leg *a;

	a = leg_new(t->core, LEG_A);
	if (a == NULL || tsip_leg_attach(t, a, nh) < 0) {
		nua_respond(nh, SIP_500_INTERNAL_SERVER_ERROR, TAG_END());
		free(a);
		nua_handle_destroy(nh);
		return;
	}
	leg_set_call_id(a, sip->sip_call_id ? sip->sip_call_id->i_id : NULL);
	/* nta drops requests whose top Via names another transport than the one
	 * they came on: the Via says whether this leg is TLS */
	a->tls = sip->sip_via && sip->sip_via->v_protocol &&
		 strcasecmp(sip->sip_via->v_protocol, "SIP/2.0/TLS") == 0;
	tsip_contact_inbound(t, a, sip);	/* sips: only toward sips: */
	tsip_nat_request(t, a, sip);		/* its source, Via and Contact */

	for (sip_unknown_t *u = sip->sip_unknown; u && n_ext < MAX_EXT_HEADERS; u = u->un_next)
		ext[n_ext++] = su_sprintf(home, "%s: %s", u->un_name, u->un_value ? u->un_value : "");
	n_ext = parsed_ext_headers(home, sip, ext, n_ext);

	memset(&inv, 0, sizeof(inv));
	inv.call_id = a->call_id;
	inv.ruri_user = sip->sip_request->rq_url->url_user;
	inv.ruri_host = sip->sip_request->rq_url->url_host;
	/* sofia keeps the quotes of a quoted display name: the coordinator
	 * gets the plain text, and the outbound leg quotes it again */
	if (sip->sip_from) {
		inv.from_user = sip->sip_from->a_url->url_user;
		inv.from_display = display_text(home, sip->sip_from->a_display);
	}
	if (sip->sip_to) {
		inv.to_user = sip->sip_to->a_url->url_user;
		inv.to_display = display_text(home, sip->sip_to->a_display);
	}
	msg = nua_current_request(t->nua);
	ai = msg ? msg_addrinfo(msg) : NULL;
	inv.source = ai ? ai->ai_addr : NULL;
	inv.auth_user = t->auth_user;
	inv.max_forwards = sip->sip_max_forwards ? (int)sip->sip_max_forwards->mf_count : -1;
	inv.session_expires = sip->sip_session_expires ? (int)sip->sip_session_expires->x_delta : 0;
	inv.header = header_value;
	inv.header_arg = &ic;
	inv.ext_headers = ext;
	inv.n_ext_headers = n_ext;
	msg_of(sip, 0, NULL, &inv.msg);
	if (sip->sip_replaces) {
		/* RFC 3891: take over one of our legs, or 481 */
		nua_handle_t *old_nh = nua_handle_by_replaces(t->nua, sip->sip_replaces);
		struct leg *old = old_nh ? leg_of_handle(old_nh) : NULL;
		if (old_nh)
			nua_handle_unref(old_nh);
		if (old == NULL || old->call == NULL) {
			nua_respond(nh, SIP_481_NO_TRANSACTION, TAG_END());
			leg_free(a);	/* releases it */
		} else {
			call_on_replaces(a, old, &inv);
		}
		su_home_deinit(home);
		return;
	}
	call_on_invite(t->core, a, &inv);
	su_home_deinit(home);
}

/* A phone's REGISTER: matched like an INVITE, relayed or refused (tsip_reg.c) */
static void new_register(struct tsip *t, nua_handle_t *nh, const sip_t *sip)
{
	struct invite_ctx ic = { .sip = sip };
	msg_t *msg = nua_current_request(t->nua);
	su_addrinfo_t *ai = msg ? msg_addrinfo(msg) : NULL;
	struct route_req q = {
		.ruri_user = sip->sip_request->rq_url->url_user,
		.ruri_host = sip->sip_request->rq_url->url_host,
		.from_user = sip->sip_from ? sip->sip_from->a_url->url_user : NULL,
		.to_user = sip->sip_to ? sip->sip_to->a_url->url_user : NULL,
		.source = ai ? ai->ai_addr : NULL,
		.header = header_value, .header_arg = &ic,
	};

	tsip_reg_register(t, nh, sip, &q);
}

static void answer_options(struct tsip *t, nua_handle_t *nh, bool in_dialog)
{
	bus_sip(false, "OPTIONS", call_core_draining(t->core) && !in_dialog ? 503 : 200);
	if (call_core_draining(t->core) && !in_dialog)
		nua_respond(nh, SIP_503_SERVICE_UNAVAILABLE, NUTAG_WITH_THIS(t->nua), TAG_END());
	else
		nua_respond(nh, SIP_200_OK, NUTAG_WITH_THIS(t->nua),
			    SIPTAG_ALLOW_STR(tsip_allow(t->conf)),
			    SIPTAG_ACCEPT_STR("application/sdp"),
			    SIPTAG_SUPPORTED_STR(TANDEM_SUPPORTED), TAG_END());
}

static enum leg_req req_of_event(nua_event_t ev)
{
	switch (ev) {
	case nua_i_invite: case nua_r_invite: return LEG_REQ_INVITE;
	case nua_i_ack: return LEG_REQ_ACK;
	case nua_i_bye: case nua_r_bye: return LEG_REQ_BYE;
	case nua_i_cancel: case nua_r_cancel: return LEG_REQ_CANCEL;
	case nua_i_update: case nua_r_update: return LEG_REQ_UPDATE;
	case nua_i_info: case nua_r_info: return LEG_REQ_INFO;
	case nua_i_prack: case nua_r_prack: return LEG_REQ_PRACK;
	case nua_i_refer: case nua_r_refer: return LEG_REQ_REFER;
	default: return _LEG_REQ_MAX;
	}
}

/* The leg of ours that a Replaces header names (RFC 3891), or NULL. */
static struct leg *replaced_leg(struct tsip *t, su_home_t *home, const char *url_headers,
				const char **ret_value)
{
	const char *p = url_headers ? strcasestr(url_headers, "replaces=") : NULL;
	char *val, *amp;
	sip_replaces_t *rp;
	nua_handle_t *nh;
	struct leg *l;

	if (p == NULL)
		return NULL;
	val = su_strdup(home, p + 9);
	if (val == NULL)
		return NULL;
	amp = strchr(val, '&');
	if (amp)
		*amp = '\0';
	url_unescape(val, val);
	*ret_value = val;
	rp = sip_replaces_make(home, val);
	if (rp == NULL)
		return NULL;
	nh = nua_handle_by_replaces(t->nua, rp);
	if (nh == NULL)
		return NULL;
	l = leg_of_handle(nh);
	nua_handle_unref(nh);
	return l;
}

static void on_refer(struct tsip *t, struct leg *l, const sip_t *sip, tagi_t tags[])
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	sip_event_t const *ev = NULL;
	struct call_refer r = { 0 };

	tl_gets(tags, NUTAG_REFER_EVENT_REF(ev), TAG_END());
	tsip_leg_save(l, LEG_REQ_REFER);
	tsip_leg_set_refer_event(l, ev);
	if (sip->sip_refer_to) {
		const url_t *u = sip->sip_refer_to->r_url;
		r.refer_to = url_as_string(home, (url_t *)u);
		r.user = u->url_user;
		r.host = u->url_host;
		r.replaces = u->url_headers && strcasestr(u->url_headers, "replaces=") != NULL;
		r.replaced = r.replaces ? replaced_leg(t, home, u->url_headers, &r.replaces_value) :
					  NULL;
	}
	if (sip->sip_referred_by)
		r.referred_by = sip_header_as_string(home, (sip_header_t const *)sip->sip_referred_by);
	call_on_refer(l, &r);
	su_home_deinit(home);
}

static void on_notify(struct leg *l, const sip_t *sip)
{
	char frag[256] = "";
	bool final = sip->sip_subscription_state &&
		     strcasecmp(sip->sip_subscription_state->ss_substate, "terminated") == 0;

	if (sip->sip_payload && sip->sip_payload->pl_len > 0) {
		size_t n = sip->sip_payload->pl_len < sizeof(frag) - 1 ? sip->sip_payload->pl_len :
									 sizeof(frag) - 1;
		memcpy(frag, sip->sip_payload->pl_data, n);
		frag[n] = '\0';
		frag[strcspn(frag, "\r\n")] = '\0';	/* the status line is what matters */
	}
	call_on_notify(l, frag, final);
}

/* Events for a handle no call owns (new requests outside a dialog, or late
 * events of a released leg). */
static void on_unbound(struct tsip *t, nua_event_t ev, int status, nua_handle_t *nh,
		       const sip_t *sip, tagi_t tags[])
{
	t->auth_user = NULL;	/* set by tsip_auth_refused() for this request */
	if (tsip_guard_refused(t, ev, nh, sip))	/* flood.rate, bans: tsip_guard.c */
		return;
	if (tsip_auth_refused(t, ev, nh, sip))	/* ACLs, digest auth: tsip_auth.c */
		return;
	if (tsip_check_refused(t, ev, nh, sip))	/* body type, Accept, Date: tsip_check.c */
		return;
	switch (ev) {
	case nua_i_invite:
		new_invite(t, nh, sip);
		return;
	case nua_i_options:
		answer_options(t, nh, false);
		nua_handle_destroy(nh);
		return;
	case nua_i_refer:
		/* outside a dialog: refused or forwarded by the route (referfwd.c) */
		tsip_referfwd_refer(t, nh, sip, tags);
		return;
	case nua_i_register:
		new_register(t, nh, sip);
		return;
	case nua_i_subscribe:
	case nua_i_publish:
		nua_respond(nh, SIP_405_METHOD_NOT_ALLOWED, SIPTAG_ALLOW_STR(tsip_allow(t->conf)),
			    NUTAG_WITH_THIS(t->nua), TAG_END());
		nua_handle_destroy(nh);
		return;
	case nua_r_shutdown:
		if (status >= 200 && !t->down) {
			t->down = true;
			if (t->shutdown_done)
				t->shutdown_done(t->shutdown_arg);
		}
		return;
	default:
		if (nh && ev != nua_r_set_params && ev != nua_r_get_params)
			nua_handle_destroy(nh);
		return;
	}
}

static void on_event(nua_event_t ev, int status, char const *phrase, nua_t *nua,
		     struct tsip *t, nua_handle_t *nh, struct leg *l, sip_t const *sip,
		     tagi_t tags[])
{
	struct call_msg m;
	enum leg_req req;
	int cs = -1;

	(void)nua;
	if (sip && sip->sip_request && ev != nua_i_state && ev != nua_i_active)
		bus_sip(true, sip->sip_request->rq_method_name, 0);
	else if (sip && sip->sip_status && sip->sip_cseq)
		bus_sip(true, sip->sip_cseq->cs_method_name, sip->sip_status->st_status);
	/* what NUA answered by itself (SOFIA-NOTES.md): 200 to a BYE; 200 to a
	 * CANCEL and 487 to the INVITE it cancels */
	if (ev == nua_i_bye && l != NULL) {
		bus_sip(false, "BYE", 200);
	} else if (ev == nua_i_cancel && l != NULL) {
		bus_sip(false, "CANCEL", 200);
		bus_sip(false, "INVITE", 487);
	}
	if (l == NULL) {
		on_unbound(t, ev, status, nh, sip, tags);
		return;
	}
	if (tsip_guard_parked(l))	/* a dropped request waiting (tsip_guard.c) */
		return;
	if (tsip_probe_event(t, l, ev, status, nh))	/* an OPTIONS of ours (tsip_probe.c) */
		return;
	if (tsip_nat_ping(l))		/* a keepalive's answer (tsip_nat.c) */
		return;
	if (tsip_reg_event(t, l, ev, status, nh, sip))	/* REGISTER relayed (tsip_reg.c) */
		return;
	if (l->referfwd) {
		tsip_referfwd_event(t, ev, status, phrase, nh, l, sip);
		return;
	}
	log_debug("%s event %s %d %s", leg_log_prefix(l), nua_event_name(ev), status,
		  phrase ? phrase : "");
	/* a target's challenge: answered once with trunk_auth (tsip_auth.c) */
	if (ev == nua_r_invite && (status == 401 || status == 407) && tsip_auth_trunk(l, status, sip))
		return;
	/* a target named by DNS: 503 moves to its next address (tsip_dns.c) */
	if (ev == nua_r_invite && tsip_dns_retry(l, status))
		return;
	if (ev == nua_r_invite)		/* a callee behind NAT (tsip_nat.c) */
		tsip_nat_response(t, l, status, sip);
	msg_of(sip, status, phrase, &m);
	switch (ev) {
	case nua_i_state:
		tl_gets(tags, NUTAG_CALLSTATE_REF(cs), TAG_END());
		if (cs == nua_callstate_terminated)
			call_on_ended(l);
		return;
	case nua_r_invite:
	case nua_r_update:
	case nua_r_info:
	case nua_r_bye:
	case nua_r_cancel:
	case nua_r_refer:
		call_on_response(l, req_of_event(ev), &m);
		return;
	case nua_i_notify:
		if (sip)
			on_notify(l, sip);
		return;
	case nua_i_update:
	case nua_i_info:
		tsip_leg_save(l, req_of_event(ev));
		/* fall through */
	case nua_i_invite:
	case nua_i_ack:
	case nua_i_bye:
	case nua_i_cancel:
	case nua_i_prack:
		req = req_of_event(ev);
		call_on_request(l, req, &m);
		return;
	case nua_i_options:
		answer_options(t, nh, true);
		return;
	case nua_i_refer:
		if (sip)
			on_refer(t, l, sip, tags);
		return;
	default:
		return;
	}
}
