/* lib/sip/tsip_dns.c: targets named by DNS. tandemd resolves them itself
 * with c-ares, as RFC 3263 says (NAPTR, then SRV, then A and AAAA), on the
 * sofia thread without ever blocking it: c-ares's sockets are registered in
 * su_root and its timeouts run on an su_timer. Sofia's own resolver (sres) is
 * never used for a target: with its DNS server unreachable, Debian's 1.12.11
 * retried thousands of times a second on the sofia thread and never gave up
 * (docs/operations.md, "DNS"). The leg's handle gets the address as its
 * outbound proxy (NUTAG_PROXY, a literal address: nothing left for sofia to
 * resolve) while the Request-URI and To keep the name.
 *
 * Owns: the c-ares channel, the cache of answers (tsip_dns_cache.c) and
 * one job per leg placed to a name (struct dns_job, hung on the leg's
 * struct tsip_leg). A job that fails makes the leg fail with 503, so the
 * coordinator fails over to the route's next target; an address that answers
 * 503 or cannot be reached (sofia's own 503) is replaced by the next address
 * of the same target on a new handle (RFC 3263 4.3). The coordinator's
 * connect_timeout bounds the whole target, resolution included.
 * Sofia thread only. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <ares.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sofia-sip/url.h>

#include "tsip_int.h"
#include "tsip_dns_int.h"
#include "ops/log.h"

#define DNS_MAX_SOCKS 16
#define DNS_MAX_SRV 8
#define DNS_MAX_ADDRS 8

enum dns_tp { TP_UDP, TP_TCP, TP_TLS };
static const char *const tp_names[] = { "udp", "tcp", "tls" };

enum dns_stage { ST_NAPTR, ST_SRV, ST_HOST };

struct dns_query;

struct dns_job {
	struct tsip_dns *d;
	struct leg *leg;
	struct dns_query *q;		/* the c-ares query in flight, or NULL */
	char *host;
	unsigned port;			/* 0: not in the URI */
	enum dns_tp tp;
	bool tp_given, sips;
	unsigned tps;			/* CONF_TP_* tandemd can send on */
	enum dns_stage stage;
	bool aaaa;			/* ST_HOST: the AAAA query of srv[srv_i] */
	bool sync, done;		/* inside tsip_dns_place(); finished */
	int fail;			/* the ares status that failed the job */
	char srv_name[300];
	struct { char target[256]; unsigned port, prio, weight; } srv[DNS_MAX_SRV];
	int n_srv, srv_i;
	struct { char host[INET6_ADDRSTRLEN + 2]; unsigned port; } addr[DNS_MAX_ADDRS];
	int n_addr, addr_i;		/* addresses found; the one in use */
	bool heard;			/* the current address sent a provisional response */
	/* the INVITE to send once the address is known (copies) */
	struct leg_target tg;
	struct call_msg m;
	su_home_t home[1];
};

struct dns_query {
	struct tsip_dns *d;
	struct dns_job *job;		/* NULL once the job let go */
	char *name;
	int type;
};

struct tsip_dns {
	su_root_t *root;
	ares_channel ch;
	bool ch_ok;
	su_timer_t *timer;
	struct { ares_socket_t fd; int reg; } sock[DNS_MAX_SOCKS];
	int n_sock;
	struct dns_cache cache;
};

/* ---- c-ares in su_root ---- */

static void reschedule(struct tsip_dns *d);

static int on_fd(struct tsip *t, su_wait_t *w, void *arg)
{
	struct tsip_dns *d = arg;
	ares_socket_t fd = w->fd;
	int ev = su_wait_events(w, fd);

	(void)t;
	ares_process_fd(d->ch, ev & (SU_WAIT_IN | SU_WAIT_ERR | SU_WAIT_HUP) ? fd : ARES_SOCKET_BAD,
			ev & SU_WAIT_OUT ? fd : ARES_SOCKET_BAD);
	reschedule(d);
	return 0;
}

static void on_sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct tsip_dns *d = data;
	int events = (readable ? SU_WAIT_IN : 0) | (writable ? SU_WAIT_OUT : 0);
	int i;
	su_wait_t w;

	for (i = 0; i < d->n_sock && d->sock[i].fd != fd; i++)
		;
	if (i < d->n_sock) {
		if (events) {
			su_root_eventmask(d->root, d->sock[i].reg, fd, events);
			return;
		}
		su_root_deregister(d->root, d->sock[i].reg);
		d->sock[i] = d->sock[--d->n_sock];
		return;
	}
	if (events == 0 || d->n_sock == DNS_MAX_SOCKS ||
	    su_wait_create(&w, fd, events) < 0)
		return;	/* past the bound: that query times out (ares_timeout) */
	d->sock[d->n_sock].fd = fd;
	d->sock[d->n_sock].reg = su_root_register(d->root, &w, (su_wakeup_f)on_fd, d, 0);
	if (d->sock[d->n_sock].reg < 0)
		su_wait_destroy(&w);
	else
		d->n_sock++;
}

static void on_timer(struct tsip *t, su_timer_t *tm, su_timer_arg_t *arg)
{
	struct tsip_dns *d = (struct tsip_dns *)arg;

	(void)t;
	(void)tm;
	ares_process_fd(d->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	reschedule(d);
}

static void reschedule(struct tsip_dns *d)
{
	struct timeval tv, *tvp = ares_timeout(d->ch, NULL, &tv);
	su_duration_t ms;

	if (tvp == NULL) {
		su_timer_reset(d->timer);
		return;
	}
	ms = (su_duration_t)(tvp->tv_sec * 1000 + tvp->tv_usec / 1000);
	su_timer_set_interval(d->timer, on_timer, (su_timer_arg_t *)d, ms > 0 ? ms : 1);
}

int tsip_dns_start(struct tsip *t)
{
	struct tsip_dns *d = calloc(1, sizeof(*d));
	struct ares_options o = { 0 };
	int r;

	if (d == NULL)
		return -ENOMEM;
	d->root = t->root;
	t->dns = d;
	if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
		return -ENOMEM;
	d->timer = su_timer_create(su_root_task(t->root), 0);
	if (d->timer == NULL)
		return -ENOMEM;
	/* 1.5 s a query at most (0.5 s, then 1 s): well within connect_timeout */
	o.timeout = 500;
	o.tries = 2;
	o.sock_state_cb = on_sock_state;
	o.sock_state_cb_data = d;
	r = ares_init_options(&d->ch, &o, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB);
	if (r != ARES_SUCCESS) {
		log_error("dns: cannot start the resolver: %s", ares_strerror(r));
		return -EIO;
	}
	d->ch_ok = true;
	return 0;
}

void tsip_dns_stop(struct tsip *t)
{
	struct tsip_dns *d = t->dns;

	if (d == NULL)
		return;
	if (d->ch_ok)
		ares_destroy(d->ch);	/* every query's callback: ARES_EDESTRUCTION */
	for (int i = 0; i < d->n_sock; i++)
		su_root_deregister(d->root, d->sock[i].reg);
	su_timer_destroy(d->timer);
	tsip_dns_cache_clear(&d->cache);
	free(d);
	t->dns = NULL;
	ares_library_cleanup();
}

/* ---- one job: a target name to addresses ---- */

static void job_answer(struct dns_job *j, int status, const unsigned char *abuf, int alen);

static void on_query(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct dns_query *q = arg;
	struct dns_job *j = q->job;

	(void)timeouts;
	if (status != ARES_EDESTRUCTION && status != ARES_ECANCELLED)
		tsip_dns_cache_put(&q->d->cache, q->name, q->type, status, abuf, alen);
	free(q->name);
	free(q);
	if (j == NULL)
		return;		/* the leg let go meanwhile */
	j->q = NULL;
	if (status == ARES_EDESTRUCTION)
		return;		/* shutting down: the leg is released with its call */
	job_answer(j, status, abuf, alen);	/* last: it may end the job */
}

/* Look name up (type ns_t_*): from the cache, or a c-ares query. The answer
 * comes to job_answer(), at once or later: j must not be touched after. */
static void job_lookup(struct dns_job *j, const char *name, int type)
{
	struct tsip_dns *d = j->d;
	const struct dns_entry *e = tsip_dns_cache_find(&d->cache, name, type);
	struct dns_query *q;

	if (e) {
		job_answer(j, e->status, e->abuf, e->alen);
		return;
	}
	q = calloc(1, sizeof(*q));
	if (q == NULL || (q->name = strdup(name)) == NULL) {
		free(q);
		job_answer(j, ARES_ENOMEM, NULL, 0);
		return;
	}
	q->d = d;
	q->job = j;
	q->type = type;
	j->q = q;
	log_debug("dns: query %s %s", type == ns_t_naptr ? "NAPTR" : type == ns_t_srv ? "SRV" :
		  type == ns_t_a ? "A" : "AAAA", name);
	/* c-ares may answer at once (a server it cannot reach): j may be gone */
	ares_query(d->ch, name, ns_c_in, type, on_query, q);
	reschedule(d);
}

static void job_finish(struct dns_job *j);

static void job_fail(struct dns_job *j, int status)
{
	j->fail = status;
	j->done = true;
	job_finish(j);
}

static bool tp_ok(const struct dns_job *j, enum dns_tp tp)
{
	if (j->sips)
		return tp == TP_TLS;
	if (j->tp_given)
		return tp == j->tp;
	return (tp == TP_UDP && (j->tps & CONF_TP_UDP)) || (tp == TP_TCP && (j->tps & CONF_TP_TCP)) ||
	       (tp == TP_TLS && (j->tps & CONF_TP_TLS));
}

static void next_host(struct dns_job *j);

static void start_srv(struct dns_job *j)
{
	j->stage = ST_SRV;
	if (j->srv_name[0] == '\0')
		snprintf(j->srv_name, sizeof(j->srv_name), "%s.%s",
			 j->tp == TP_TLS ? "_sips._tcp" : j->tp == TP_TCP ? "_sip._tcp" : "_sip._udp",
			 j->host);
	job_lookup(j, j->srv_name, ns_t_srv);
}

/* NAPTR (RFC 3263 4.1): the preferred record whose service tandemd can use
 * names the SRV to look up next; without one, the SRV of the default
 * transport. */
static void on_naptr(struct dns_job *j, const unsigned char *abuf, int alen)
{
	struct ares_naptr_reply *list = NULL, *best = NULL;

	if (abuf && ares_parse_naptr_reply(abuf, alen, &list) == ARES_SUCCESS) {
		for (struct ares_naptr_reply *n = list; n; n = n->next) {
			const char *svc = (const char *)n->service;
			enum dns_tp tp;
			if (strcasecmp((const char *)n->flags, "s") != 0)
				continue;
			if (strcasecmp(svc, "SIP+D2U") == 0)
				tp = TP_UDP;
			else if (strcasecmp(svc, "SIP+D2T") == 0)
				tp = TP_TCP;
			else if (strcasecmp(svc, "SIPS+D2T") == 0)
				tp = TP_TLS;
			else
				continue;
			if (!tp_ok(j, tp))
				continue;
			if (best == NULL || n->order < best->order ||
			    (n->order == best->order && n->preference < best->preference)) {
				best = n;
				j->tp = tp;
			}
		}
		if (best)
			snprintf(j->srv_name, sizeof(j->srv_name), "%s", best->replacement);
	}
	if (list)
		ares_free_data(list);
	if (best == NULL)
		j->tp = j->sips ? TP_TLS : (j->tps & CONF_TP_UDP) || !(j->tps & CONF_TP_TCP) ?
			TP_UDP : TP_TCP;
	start_srv(j);
}

/* SRV (RFC 2782): by priority, and within one priority in a random order
 * weighted by weight. */
static void on_srv(struct dns_job *j, const unsigned char *abuf, int alen)
{
	struct ares_srv_reply *list = NULL, *n;
	struct ares_srv_reply *pick[DNS_MAX_SRV];
	int np = 0;

	if (abuf && ares_parse_srv_reply(abuf, alen, &list) == ARES_SUCCESS)
		for (n = list; n && np < DNS_MAX_SRV; n = n->next)
			if (strcmp(n->host, ".") != 0 && n->host[0])
				pick[np++] = n;
	while (np > 0 && j->n_srv < DNS_MAX_SRV) {
		unsigned prio = pick[0]->priority, sum = 0, r;
		int k = 0;
		for (int i = 1; i < np; i++)
			if (pick[i]->priority < prio)
				prio = pick[i]->priority;
		for (int i = 0; i < np; i++)
			if (pick[i]->priority == prio)
				sum += pick[i]->weight;
		r = sum ? (unsigned)random() % (sum + 1) : 0;
		for (int i = 0; i < np; i++) {
			if (pick[i]->priority != prio)
				continue;
			k = i;
			if (pick[i]->weight >= r)
				break;
			r -= pick[i]->weight;
		}
		snprintf(j->srv[j->n_srv].target, sizeof(j->srv[0].target), "%s", pick[k]->host);
		j->srv[j->n_srv].port = pick[k]->port;
		j->srv[j->n_srv].prio = pick[k]->priority;
		j->srv[j->n_srv].weight = pick[k]->weight;
		j->n_srv++;
		pick[k] = pick[--np];
	}
	if (list)
		ares_free_data(list);
	if (j->n_srv == 0) {	/* no SRV: the name itself, on the default port */
		snprintf(j->srv[0].target, sizeof(j->srv[0].target), "%s", j->host);
		j->srv[0].port = j->tp == TP_TLS ? 5061 : 5060;
		j->n_srv = 1;
	}
	j->stage = ST_HOST;
	j->srv_i = 0;
	j->aaaa = false;
	next_host(j);
}

static void add_addr(struct dns_job *j, int family, const void *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (j->n_addr >= DNS_MAX_ADDRS || inet_ntop(family, a, buf, sizeof(buf)) == NULL)
		return;
	snprintf(j->addr[j->n_addr].host, sizeof(j->addr[0].host), family == AF_INET6 ? "[%s]" : "%s",
		 buf);
	j->addr[j->n_addr].port = j->srv[j->srv_i].port;
	j->n_addr++;
}

static void on_host(struct dns_job *j, const unsigned char *abuf, int alen)
{
	struct ares_addrttl a4[DNS_MAX_ADDRS];
	struct ares_addr6ttl a6[DNS_MAX_ADDRS];
	int n = DNS_MAX_ADDRS, before = j->n_addr;

	if (abuf && !j->aaaa && ares_parse_a_reply(abuf, alen, NULL, a4, &n) == ARES_SUCCESS)
		for (int i = 0; i < n; i++)
			add_addr(j, AF_INET, &a4[i].ipaddr);
	else if (abuf && j->aaaa && ares_parse_aaaa_reply(abuf, alen, NULL, a6, &n) == ARES_SUCCESS)
		for (int i = 0; i < n; i++)
			add_addr(j, AF_INET6, &a6[i].ip6addr);
	if (!j->aaaa && j->n_addr == before) {
		j->aaaa = true;	/* no IPv4 address: IPv6 then */
	} else {
		j->aaaa = false;
		j->srv_i++;
	}
	next_host(j);
}

static void next_host(struct dns_job *j)
{
	if (j->srv_i < j->n_srv && j->n_addr < DNS_MAX_ADDRS) {
		job_lookup(j, j->srv[j->srv_i].target, j->aaaa ? ns_t_aaaa : ns_t_a);
		return;
	}
	if (j->n_addr == 0) {
		job_fail(j, ARES_ENOTFOUND);
		return;
	}
	j->done = true;
	job_finish(j);
}

static void job_answer(struct dns_job *j, int status, const unsigned char *abuf, int alen)
{
	bool none = status == ARES_ENOTFOUND || status == ARES_ENODATA;

	if (status != ARES_SUCCESS && !none) {
		/* the server failed us (timeout, refused, unreachable): a
		 * failure, unless an earlier SRV target already gave addresses */
		if (j->stage == ST_HOST && j->n_addr > 0) {
			j->srv_i = j->n_srv;
			next_host(j);
			return;
		}
		job_fail(j, status);
		return;
	}
	switch (j->stage) {
	case ST_NAPTR:
		if (status == ARES_ENOTFOUND) {
			job_fail(j, status);	/* NXDOMAIN: no SRV or A either */
			return;
		}
		on_naptr(j, none ? NULL : abuf, alen);
		return;
	case ST_SRV:
		on_srv(j, none ? NULL : abuf, alen);
		return;
	case ST_HOST:
		if (status == ARES_ENOTFOUND && !j->aaaa && j->n_srv == 1) {
			job_fail(j, status);	/* the name does not exist at all */
			return;
		}
		on_host(j, none ? NULL : abuf, alen);
		return;
	}
}

static void job_free(struct dns_job *j)
{
	if (j == NULL)
		return;
	if (j->q)
		j->q->job = NULL;	/* its answer still fills the cache */
	su_home_deinit(j->home);
	free(j->host);
	free(j);
}

/* ---- the leg ---- */

static int send_to(struct dns_job *j)
{
	char proxy[INET6_ADDRSTRLEN + 64];

	snprintf(proxy, sizeof(proxy), "%s:%s:%u;transport=%s", j->tp == TP_TLS ? "sips" : "sip",
		 j->addr[j->addr_i].host, j->addr[j->addr_i].port, tp_names[j->tp]);
	log_info("%s dns: %s -> %s (address %d of %d)", leg_log_prefix(j->leg), j->host, proxy,
		 j->addr_i + 1, j->n_addr);
	j->heard = false;
	return tsip_leg_invite(j->leg, &j->tg, &j->m, proxy);
}

/* The job is done (addresses, or j->fail). Inside tsip_dns_place() its
 * caller goes on; later, the INVITE goes out or the leg fails with 503. */
static void job_finish(struct dns_job *j)
{
	struct leg *l = j->leg;
	struct call_msg m = { .status = 503, .retry_after = -1 };

	if (j->sync)
		return;
	if (j->n_addr > 0 && j->fail == 0 && send_to(j) == 0)
		return;
	if (j->n_addr == 0)
		log_notice("%s dns: %s: %s; the target fails (503)", leg_log_prefix(l), j->host,
			   ares_strerror(j->fail));
	((struct tsip_leg *)l->sip)->dns = NULL;
	job_free(j);
	call_on_response(l, LEG_REQ_INVITE, &m);	/* last: the call may end */
}

/* A copy of the target and the offer, for an INVITE sent later. */
static int job_copy(struct dns_job *j, const struct leg_target *tg, const struct call_msg *m)
{
	su_home_t *h = j->home;
	size_t n = 0;
	char **hdr;

	j->tg = *tg;
	j->tg.ruri = su_strdup(h, tg->ruri);
	j->tg.from_user = tg->from_user ? su_strdup(h, tg->from_user) : NULL;
	j->tg.from_display = tg->from_display ? su_strdup(h, tg->from_display) : NULL;
	j->tg.to_user = tg->to_user ? su_strdup(h, tg->to_user) : NULL;
	for (const char *const *p = tg->headers; p && *p; p++)
		n++;
	hdr = su_zalloc(h, (n + 1) * sizeof(char *));
	if (hdr == NULL || j->tg.ruri == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if ((hdr[i] = su_strdup(h, tg->headers[i])) == NULL)
			return -ENOMEM;
	j->tg.headers = (const char *const *)hdr;
	j->m = m ? *m : (struct call_msg){ .retry_after = -1 };
	if (m && m->body && m->body_len) {
		char *b = su_alloc(h, m->body_len);
		if (b == NULL)
			return -ENOMEM;
		memcpy(b, m->body, m->body_len);
		j->m.body = b;
		j->m.ctype = m->ctype ? su_strdup(h, m->ctype) : NULL;
	}
	return 0;
}

static bool is_literal(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];
	char h[INET6_ADDRSTRLEN + 2];
	size_t n = strlen(host);

	if (inet_pton(AF_INET, host, buf) == 1)
		return true;
	if (n > 2 && host[0] == '[' && n - 2 < sizeof(h)) {
		memcpy(h, host + 1, n - 2);
		h[n - 2] = '\0';
		return inet_pton(AF_INET6, h, buf) == 1;
	}
	return inet_pton(AF_INET6, host, buf) == 1;
}

/* The job of a target named by DNS: 1 for a literal address (nothing to
 * resolve: the caller places it as it is). */
static int job_new(struct tsip *t, struct leg *l, const struct leg_target *tg,
		   const struct call_msg *m, struct dns_job **ret)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	url_t *u = url_make(home, tg->ruri);
	char tp[16] = "";
	struct dns_job *j;
	int r = 1;

	if (u == NULL || u->url_host == NULL || is_literal(u->url_host) || t->dns == NULL)
		goto out;	/* sofia answers a URI it cannot parse */
	r = -ENOMEM;
	j = calloc(1, sizeof(*j));
	if (j == NULL)
		goto out;
	su_home_init(j->home);
	j->d = t->dns;
	j->leg = l;
	j->host = strdup(u->url_host);
	j->port = u->url_port ? (unsigned)atoi(u->url_port) : 0;
	j->sips = u->url_type == url_sips;
	j->tps = t->conf->listen_transports;
	if (u->url_params && url_param(u->url_params, "transport", tp, sizeof(tp)) > 0) {
		j->tp_given = true;
		j->tp = strcasecmp(tp, "tcp") == 0 ? TP_TCP : strcasecmp(tp, "tls") == 0 ? TP_TLS :
			TP_UDP;
	} else {
		j->tp = j->sips ? TP_TLS : TP_UDP;
	}
	if (j->host == NULL || job_copy(j, tg, m) < 0) {
		job_free(j);
		goto out;
	}
	*ret = j;
	r = 0;
out:
	su_home_deinit(home);
	return r;
}

/* A name of /etc/hosts is taken from there, as the system's resolver does
 * (nsswitch's "files dns"): no NAPTR or SRV, the URI's port or the default. */
static bool from_hosts(struct dns_job *j)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	struct hostent *he;

	j->srv[0].port = j->port ? j->port : j->tp == TP_TLS ? 5061 : 5060;
	for (size_t k = 0; k < sizeof(fams) / sizeof(fams[0]) && j->n_addr == 0; k++) {
		he = NULL;
		if (ares_gethostbyname_file(j->d->ch, j->host, fams[k], &he) != ARES_SUCCESS ||
		    he == NULL)
			continue;
		for (char **a = he->h_addr_list; a && *a; a++)
			add_addr(j, he->h_addrtype, *a);
		ares_free_hostent(he);
	}
	return j->n_addr > 0;
}

/* The first step (RFC 3263 4.1, 4.2): with j->sync set, a job whose every
 * answer is in the cache is done on return. */
static void job_start(struct dns_job *j)
{
	j->sync = true;
	if (j->d->ch_ok && from_hosts(j)) {
		j->done = true;
		job_finish(j);
	} else if (j->port) {		/* a port: no SRV */
		j->srv[0].port = j->port;
		snprintf(j->srv[0].target, sizeof(j->srv[0].target), "%s", j->host);
		j->n_srv = 1;
		j->stage = ST_HOST;
		next_host(j);
	} else if (j->tp_given || j->sips) {
		start_srv(j);
	} else {
		j->stage = ST_NAPTR;
		job_lookup(j, j->host, ns_t_naptr);
	}
	j->sync = false;
}

int tsip_dns_place(struct tsip *t, struct leg *l, const struct leg_target *tg,
		   const struct call_msg *m)
{
	struct dns_job *j = NULL;
	struct tsip_leg *x;
	int r = job_new(t, l, tg, m, &j);

	if (r != 0)
		return r;
	/* the leg waits without a handle: CANCEL or BYE meanwhile just release it */
	x = calloc(1, sizeof(*x));
	if (x == NULL) {
		job_free(j);
		return -ENOMEM;
	}
	x->t = t;
	su_home_init(x->home);
	x->dns = j;
	l->sip = x;
	job_start(j);
	if (!j->done)
		return 0;	/* job_finish() goes on */
	if (j->n_addr > 0 && j->fail == 0)
		return send_to(j);
	log_notice("%s dns: %s: %s; the target fails", leg_log_prefix(l), j->host,
		   ares_strerror(j->fail));
	x->dns = NULL;
	job_free(j);
	return -EHOSTUNREACH;	/* the coordinator: 503, next target */
}

bool tsip_dns_retry(struct leg *l, int status)
{
	struct tsip_leg *x = l->sip;
	struct dns_job *j = x ? x->dns : NULL;
	struct tsip *t;

	if (j == NULL)
		return false;
	if (!leg_is_inviting(l) || (status >= 200 && status < 300)) {
		/* the target is reached (re-INVITEs are no retries), or the
		 * leg is being given up (a 503 across our CANCEL) */
		job_free(j);
		x->dns = NULL;
		return false;
	}
	if (status > 100 && status < 200) {
		j->heard = true;	/* ringing there: no other address now */
		return false;
	}
	if (status != 503 || j->heard || j->addr_i + 1 >= j->n_addr)
		return false;
	/* RFC 3263 4.3: the next address of the same target, on a new handle */
	log_info("%s dns: %s answered 503 or could not be reached: next address",
		 leg_log_prefix(l), j->addr[j->addr_i].host);
	t = x->t;
	x->dns = NULL;
	tsip_leg_ops.release(l);
	x = calloc(1, sizeof(*x));
	if (x == NULL) {
		job_free(j);
		return false;
	}
	x->t = t;
	su_home_init(x->home);
	x->dns = j;
	l->sip = x;
	j->addr_i++;
	if (send_to(j) < 0)
		return false;
	return true;
}

void tsip_dns_leg_gone(struct tsip_leg *x)
{
	job_free(x->dns);
	x->dns = NULL;
}
