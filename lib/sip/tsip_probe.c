/* lib/sip/tsip_probe.c: target health. Every target of a route with a
 * `probe` setting (conf_codecs.c) gets an OPTIONS every `interval` seconds;
 * after `down_after` failures in a row it is down, after `up_after`
 * successes in a row up again. A target starts up. Any final answer below
 * 500 but 408 is a success (the target's SIP stack answers: 200, or 404/405
 * from a carrier that does not take OPTIONS); 408, no answer within the
 * interval, 5xx (503: a draining tandemd, an overloaded PBX) and 6xx are
 * failures, as Kamailio's dispatcher counts them with its reply codes set to
 * the same. A target in several routes is probed once, with the settings of
 * the first. Only targets with a literal address are probed: a name would
 * take sofia's own resolver, which blocks (tsip_dns.c); they are listed as
 * "not probed". The coordinator skips down targets (call_core_set_health()),
 * `tandemctl targets` shows the table, and each change is a notice and a
 * target.down / target.up event. Sofia thread only. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sofia-sip/hostdomain.h>
#include <sofia-sip/url.h>

#include "tsip_int.h"
#include "ops/bus.h"
#include "ops/log.h"

#define TICK_MS 500

struct probe {
	char *uri;			/* the target as configured */
	struct conf_probe cfg;
	bool named;			/* a host name: not probed */
	bool up;
	unsigned fails, oks;		/* in a row */
	int last_status;		/* 0: none yet; 408 for no answer */
	time_t changed;			/* when it last went down or up (0: never) */
	uint64_t next_ms, sent_ms;	/* monotonic */
	nua_handle_t *nh;		/* the OPTIONS in flight */
	uint64_t sent, failed;		/* counts */
};

struct tsip_probes {
	struct probe *v;
	size_t n;
	su_timer_t *timer;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static bool is_named(const char *uri)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	url_t *u = url_make(home, uri);
	bool named = u == NULL || u->url_host == NULL || !host_is_ip_address(u->url_host);

	su_home_deinit(home);
	return named;
}

static void probe_drop(struct probe *p)
{
	if (p->nh) {
		nua_handle_destroy(p->nh);
		p->nh = NULL;
	}
}

static void probes_free(struct probe *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		probe_drop(&v[i]);
		free(v[i].uri);
	}
	free(v);
}

static struct probe *find(struct probe *v, size_t n, const char *uri)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].uri, uri) == 0)
			return &v[i];
	return NULL;
}

/* The table for conf, keeping what old knew of each target still there. */
static int build(const struct conf *conf, struct tsip_probes *old, struct probe **ret, size_t *ret_n)
{
	size_t max = 0, n = 0;
	struct probe *v;
	uint64_t now = now_ms();

	for (size_t r = 0; r < conf->n_routes; r++)
		if (conf->routes[r].probe.on)
			max += conf->routes[r].n_targets;
	v = calloc(max ? max : 1, sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	for (size_t r = 0; r < conf->n_routes; r++) {
		const struct conf_route *rt = &conf->routes[r];
		for (size_t i = 0; rt->probe.on && i < rt->n_targets; i++) {
			struct probe *p, *o;
			if (find(v, n, rt->targets[i]))
				continue;
			p = &v[n];
			o = old ? find(old->v, old->n, rt->targets[i]) : NULL;
			if (o) {
				*p = *o;	/* state and counts; the in-flight OPTIONS stays with o */
				p->nh = NULL;
				p->next_ms = now;
			} else {
				p->up = true;
				p->next_ms = now + (uint64_t)(n % 10) * 100;	/* spread the first ones */
			}
			p->cfg = rt->probe;
			p->named = is_named(rt->targets[i]);
			p->uri = strdup(rt->targets[i]);
			if (p->uri == NULL) {
				probes_free(v, n);
				return -ENOMEM;
			}
			n++;
		}
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static void announce(struct probe *p)
{
	json_t *ev = bus_event_new(p->up ? BUS_EV_TARGET_UP : BUS_EV_TARGET_DOWN, 0);

	p->changed = time(NULL);
	if (p->up)
		log_notice("target %s is up (%u probes answered, last %d)", p->uri, p->oks,
			   p->last_status);
	else
		log_notice("target %s is down (%u probes failed, last %d): calls skip it", p->uri,
			   p->fails, p->last_status);
	if (ev) {
		json_object_set_new(ev, "target", json_string(p->uri));
		json_object_set_new(ev, "status", json_integer(p->last_status));
		bus_event(ev);
	}
}

static void result(struct probe *p, int status)
{
	bool ok = status < 500 && status != 408;

	p->last_status = status;
	probe_drop(p);
	if (ok) {
		p->fails = 0;
		p->oks++;
		if (!p->up && p->oks >= (unsigned)p->cfg.up_after) {
			p->up = true;
			announce(p);
		}
		return;
	}
	p->failed++;
	p->oks = 0;
	p->fails++;
	if (p->up && p->fails >= (unsigned)p->cfg.down_after) {
		p->up = false;
		announce(p);
	}
}

static void send_probe(struct tsip *t, struct probe *p, uint64_t now)
{
	const char *host = t->conf->advertise ? t->conf->advertise : t->conf->listen_address;
	su_home_t home[1] = { SU_HOME_INIT(home) };
	char *from = su_sprintf(home, "<sip:tandem@%s%s%s>", strchr(host, ':') ? "[" : "", host,
				strchr(host, ':') ? "]" : "");

	p->next_ms = now + (uint64_t)p->cfg.interval * 1000;
	p->sent_ms = now;
	p->nh = from ? nua_handle(t->nua, (struct leg *)(void *)p, NUTAG_URL(p->uri),
				  SIPTAG_TO_STR(p->uri), SIPTAG_FROM_STR(from), TAG_END()) : NULL;
	su_home_deinit(home);
	if (p->nh == NULL) {
		result(p, 500);
		return;
	}
	p->sent++;
	bus_sip(false, "OPTIONS", 0);
	nua_options(p->nh, TAG_END());
}

static void on_tick(struct tsip *magic, su_timer_t *tm, su_timer_arg_t *arg)
{
	struct tsip *t = (struct tsip *)arg;
	struct tsip_probes *ps = t->probes;
	uint64_t now = now_ms();

	(void)magic;
	(void)tm;
	for (size_t i = 0; ps && !t->down && i < ps->n; i++) {
		struct probe *p = &ps->v[i];
		if (p->named)
			continue;
		/* no final answer within the interval: a failure */
		if (p->nh && now - p->sent_ms >= (uint64_t)p->cfg.interval * 1000)
			result(p, 408);
		if (p->nh == NULL && now >= p->next_ms)
			send_probe(t, p, now);
	}
}

int tsip_probe_start(struct tsip *t)
{
	struct tsip_probes *ps = calloc(1, sizeof(*ps));

	if (ps == NULL)
		return -ENOMEM;
	t->probes = ps;
	if (build(t->conf, NULL, &ps->v, &ps->n) < 0)
		return -ENOMEM;
	ps->timer = su_timer_create(su_root_task(t->root), TICK_MS);
	if (ps->timer == NULL)
		return -ENOMEM;
	return su_timer_run(ps->timer, on_tick, (su_timer_arg_t *)t) < 0 ? -ENOMEM : 0;
}

void tsip_probe_reconfigure(struct tsip *t, const struct conf *conf)
{
	struct tsip_probes *ps = t->probes;
	struct probe *v;
	size_t n;

	if (ps == NULL || build(conf, ps, &v, &n) < 0)
		return;	/* out of memory: the old table stays */
	probes_free(ps->v, ps->n);
	ps->v = v;
	ps->n = n;
}

void tsip_probe_stop(struct tsip *t)
{
	struct tsip_probes *ps = t->probes;

	if (ps == NULL)
		return;
	if (ps->timer)
		su_timer_destroy(ps->timer);
	probes_free(ps->v, ps->n);
	free(ps);
	t->probes = NULL;
}

bool tsip_probe_event(struct tsip *t, const struct leg *magic, nua_event_t ev, int status,
		      nua_handle_t *nh)
{
	struct tsip_probes *ps = t->probes;
	const struct probe *p = (const void *)magic;

	if (ps == NULL || ps->n == 0 || p < ps->v || p >= ps->v + ps->n)
		return false;
	if (ev == nua_r_options && status >= 200 && ps->v[p - ps->v].nh == nh)
		result(&ps->v[p - ps->v], status);
	return true;
}

bool tsip_probe_down(void *arg, const char *target)
{
	struct tsip *t = arg;
	const struct probe *p = t->probes ? find(t->probes->v, t->probes->n, target) : NULL;

	return p && !p->up;
}

json_t *tsip_targets_json(struct tsip *t)
{
	json_t *arr = json_array();
	struct tsip_probes *ps = t->probes;

	for (size_t i = 0; arr && ps && i < ps->n; i++) {
		const struct probe *p = &ps->v[i];
		json_array_append_new(arr, json_pack("{s:s,s:s,s:i,s:i,s:i,s:I,s:I,s:I}", "target",
			p->uri, "state", p->named ? "not probed" : p->up ? "up" : "down",
			"last_status", p->last_status, "fails", (int)p->fails,
			"interval", p->cfg.interval, "changed", (json_int_t)p->changed,
			"probes", (json_int_t)p->sent, "failed", (json_int_t)p->failed));
	}
	return arr;
}
