/* daemon/ops.c: operations wiring. Installs the one bus sink and fans out
 * what the call core publishes: events to control-socket subscribers, SSE
 * clients and webhooks; records to the records file; everything to the
 * metrics. Starts, reconfigures (reload) and stops the records writer, the
 * HTTP endpoint and the webhook thread, and renders what HTTP GETs ask for
 * (the control socket's own answers, and /metrics). Sofia thread only; the
 * threads behind lib/ops/{cdr,http,hook} get finished strings, never calls. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tandemd.h"
#include "ops/bus.h"
#include "ops/cdr.h"
#include "ops/ctl.h"
#include "ops/hook.h"
#include "ops/http.h"
#include "ops/log.h"
#include "ops/metrics.h"
#include "sec/guard.h"
#include "util/tid.h"

struct ops {
	struct tandemd *d;
	ctl_dispatch_fn ask;		/* the control commands, for /status and /calls */
	struct metrics *metrics;
	struct cdr *cdr;
	struct http *http;
	char http_addr[64];
	int http_port;
	struct hook *hook;
};

/* ---- the sink ---- */

static bool hook_wants(const struct conf_webhook *w, const char *type)
{
	if (w->n_events == 0)
		return true;
	for (size_t i = 0; i < w->n_events; i++)
		if (strcmp(w->events[i], type) == 0 || strcmp(w->events[i], "*") == 0)
			return true;
	return false;
}

static bool any_hook_wants(const struct conf *c, const char *type)
{
	for (size_t i = 0; i < c->n_webhooks; i++)
		if (hook_wants(&c->webhooks[i], type))
			return true;
	return false;
}

static void on_event(void *arg, json_t *ev)
{
	struct ops *o = arg;
	struct tandemd *d = o->d;
	const char *type = json_string_value(json_object_get(ev, "event"));
	char *line;
	size_t len;

	metrics_on_event(o->metrics, ev);
	if (type == NULL)
		return;
	if (ctl_subscribers(d->ctl) == 0 && http_sse_clients(o->http) == 0 &&
	    (o->hook == NULL || !any_hook_wants(d->conf, type)))
		return;		/* nobody listens: not even a serialisation */
	line = json_dumps(ev, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (line == NULL)
		return;
	len = strlen(line);
	ctl_broadcast(d->ctl, type, line, len);
	http_publish(o->http, line, len);
	for (size_t i = 0; o->hook && i < d->conf->n_webhooks; i++) {
		const struct conf_webhook *w = &d->conf->webhooks[i];
		if (hook_wants(w, type))
			hook_push(o->hook, w->url, w->timeout_ms, w->retries, line, len);
	}
	free(line);
}

static void on_record(void *arg, json_t *rec)
{
	struct ops *o = arg;

	metrics_on_record(o->metrics, rec);
	if (o->cdr && o->d->conf->records_file)
		cdr_push(o->cdr, rec);
}

static void on_sip(void *arg, bool in, const char *method, int status)
{
	struct ops *o = arg;

	metrics_on_sip(o->metrics, in, method, status);
}

/* ---- HTTP GETs (sofia thread, from lib/ops/http's queue) ---- */

static char *dump_answer(json_t *ans, int *ret_status)
{
	char *s;

	if (ans == NULL) {
		*ret_status = 500;
		return NULL;
	}
	json_object_del(ans, "ok");
	s = json_dumps(ans, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(ans);
	if (s == NULL)
		*ret_status = 500;
	return s;
}

static char *ask_ctl(struct ops *o, json_t *req, int *ret_status)
{
	json_t *ans = req ? o->ask(o->d, req) : NULL;

	json_decref(req);
	if (ans && !json_is_true(json_object_get(ans, "ok"))) {
		*ret_status = 404;
		return dump_answer(ans, ret_status);
	}
	return dump_answer(ans, ret_status);
}

static void fill_extra(struct ops *o, struct metrics_extra *x)
{
	struct tandemd *d = o->d;
	struct call_stats st;
	struct relay_usage u = { 0 };
	struct cdr_stats cs;
	struct hook_stats hs;
	struct guard_stats gs;
	struct tsip_auth_stats as;
	struct tsip_reg_stats rs;

	call_core_stats(tsip_core(d->sip), &st);
	relay_get_usage(d->relay, &u);
	cdr_get_stats(o->cdr, &cs);
	hook_get_stats(o->hook, &hs);
	_Static_assert(RELAY_DROP_N == sizeof(x->relay_dropped) / sizeof(x->relay_dropped[0]),
		       "one metrics slot per drop reason");
	*x = (struct metrics_extra){
		.version = TANDEM_VERSION, .node = tid_node(), .start_time = (double)d->started,
		.calls_active = st.active, .calls_total = st.total,
		.calls_answered = st.answered, .calls_failed = st.failed,
		.calls_refused_transitions = st.refused,
		.draining = call_core_draining(tsip_core(d->sip)),
		.relay_streams = u.pairs, .ports_used = u.ports_used, .ports_total = u.ports_total,
		.relay_packets = u.packets,
		.relay_rx_packets = u.rx_packets, .relay_rx_bytes = u.rx_bytes,
		.relay_rx_rtcp = u.rx_rtcp,
		.relay_handoffs_queued = u.handoffs_queued, .relay_handoffs_lost = u.handoffs_lost,
		.relay_dtmf_events = u.dtmf_events, .relay_dtmf_lost = u.dtmf_lost,
		.relay_mix_frames = u.mix_frames, .relay_mix_ns = u.mix_ns,
		.reloads_ok = d->reloads_ok, .reloads_failed = d->reloads_failed,
		.hooks_delivered = hs.delivered, .hooks_failed = hs.failed,
		.hooks_dropped = hs.dropped,
		.records_written = cs.written, .records_failed = cs.failed,
		.records_dropped = cs.dropped,
		.events_clients_dropped = ctl_dropped(d->ctl) + http_sse_dropped(o->http),
		.events_subscribers = ctl_subscribers(d->ctl) + http_sse_clients(o->http),
	};
	memcpy(x->relay_dropped, u.dropped, sizeof(x->relay_dropped));
	guard_get_stats(guard_get(), &gs);
	x->flood_rate_limited = gs.rate_limited;
	x->flood_ban_dropped = gs.ban_dropped;
	x->flood_dropped = gs.dropped;
	x->flood_bans = gs.bans_total;
	x->flood_bans_active = gs.bans_active;
	x->flood_source_limited = gs.source_limited;
	tsip_reg_stats(d->sip, &rs);
	x->reg_bindings = rs.bindings;
	x->reg_pending = rs.pending;
	x->reg_ok = rs.ok;
	x->reg_local = rs.local;
	x->reg_challenged = rs.challenged;
	x->reg_failed = rs.failed;
	x->reg_added = rs.added;
	x->reg_removed = rs.removed;
	tsip_auth_get_stats(&as);
	x->auth_ok = as.ok;
	for (size_t i = 0; i < _TSIP_AUTH_MAX && i < sizeof(x->auth_reason) / sizeof(x->auth_reason[0]);
	     i++) {
		x->auth_reason[i] = tsip_auth_reason_name((enum tsip_auth_reason)i);
		x->auth_refused[i] = as.refused[i];
		x->n_auth++;
	}
	_Static_assert(sizeof(x->acl_refused) == sizeof(as.acl), "one metrics slot per ACL kind");
	memcpy(x->acl_refused, as.acl, sizeof(x->acl_refused));
}

static char *render(void *arg, const char *path, int *ret_status, const char **ret_ctype)
{
	struct ops *o = arg;
	char *end;

	*ret_status = 200;
	*ret_ctype = "application/json";
	if (strcmp(path, "/metrics") == 0) {
		struct metrics_extra x;
		char *s;
		fill_extra(o, &x);
		s = metrics_render(o->metrics, &x);
		*ret_ctype = "text/plain; version=0.0.4; charset=utf-8";
		if (s == NULL)
			*ret_status = 500;
		return s;
	}
	if (strcmp(path, "/status") == 0)
		return ask_ctl(o, json_pack("{s:s}", "cmd", "status"), ret_status);
	if (strcmp(path, "/calls") == 0 || strcmp(path, "/calls/") == 0)
		return ask_ctl(o, json_pack("{s:s}", "cmd", "calls"), ret_status);
	if (strncmp(path, "/calls/", 7) == 0 && path[7] >= '1' && path[7] <= '9') {
		unsigned long long id = strtoull(path + 7, &end, 10);
		if (*end == '\0')
			return ask_ctl(o, json_pack("{s:s,s:I}", "cmd", "call", "id", (json_int_t)id),
				       ret_status);
	}
	if (strncmp(path, "/calls/", 7) == 0 && tid_uuid_valid(path + 7))
		return ask_ctl(o, json_pack("{s:s,s:s}", "cmd", "call", "id", path + 7), ret_status);
	if (strcmp(path, "/") == 0)
		return strdup("{\"endpoints\":[\"/status\",\"/calls\",\"/calls/ID\",\"/events\","
			      "\"/metrics\"]}");
	*ret_status = 404;
	return NULL;
}

/* ---- start, reload, stop ---- */

static void apply_records(struct ops *o, const struct conf *c)
{
	int r;

	if (c->records_file == NULL) {
		if (o->cdr && cdr_path(o->cdr))
			log_notice("records: off (no records section)");
		return;		/* the writer idles; the sink queues nothing */
	}
	if (o->cdr == NULL) {
		r = cdr_new(c->records_file, CDR_QUEUE_MAX, &o->cdr);
		if (r < 0)
			log_error("records: cannot start the writer: %s", strerror(-r));
		else
			log_notice("records: writing to %s", c->records_file);
	} else if (strcmp(cdr_path(o->cdr), c->records_file) != 0) {
		if (cdr_set_path(o->cdr, c->records_file) == 0)
			log_notice("records: now writing to %s", c->records_file);
	} else {
		cdr_reopen(o->cdr);	/* a reload reopens, as SIGUSR1 does */
	}
}

static void apply_http(struct ops *o, const struct conf *c)
{
	int r;

	if (o->http && c->http_address && strcmp(o->http_addr, c->http_address) == 0 &&
	    o->http_port == c->http_port)
		return;
	if (o->http) {
		log_notice("http: closing %s port %d", o->http_addr, o->http_port);
		o->http = http_free(o->http);
	}
	if (c->http_address == NULL)
		return;
	r = http_new(o->d->root, c->http_address, c->http_port, render, o, &o->http);
	if (r < 0) {
		log_error("http: cannot listen on %s port %d (in use, or not an address of this "
			  "host)", c->http_address, c->http_port);
		return;
	}
	snprintf(o->http_addr, sizeof(o->http_addr), "%s", c->http_address);
	o->http_port = c->http_port;
	log_notice("http: /metrics, /events, /calls, /status on %s port %d", c->http_address,
		   c->http_port);
}

static void apply_hooks(struct ops *o, const struct conf *c)
{
	int r;

	if (c->n_webhooks == 0 || o->hook)
		return;
	r = hook_new(HOOK_QUEUE_MAX, &o->hook);
	if (r < 0)
		log_error("webhooks: cannot start: %s", strerror(-r));
}

void ops_apply(struct tandemd *d)
{
	struct ops *o = d->ops;

	if (o == NULL)
		return;
	apply_records(o, d->conf);
	apply_http(o, d->conf);
	apply_hooks(o, d->conf);
}

int ops_start(struct tandemd *d, ctl_dispatch_fn ask)
{
	struct ops *o = calloc(1, sizeof(*o));
	struct bus_sink sink = { .event = on_event, .record = on_record, .sip = on_sip };

	if (o == NULL || metrics_new(&o->metrics) < 0) {
		free(o);
		return -ENOMEM;
	}
	o->d = d;
	o->ask = ask;
	d->ops = o;
	sink.arg = o;
	bus_set_sink(&sink);
	ops_apply(d);
	return 0;
}

void ops_reopen(struct tandemd *d)
{
	if (d->ops && d->ops->cdr && d->conf->records_file) {
		log_notice("SIGUSR1: reopening %s", d->conf->records_file);
		cdr_reopen(d->ops->cdr);
	}
}

void ops_stop(struct tandemd *d)
{
	struct ops *o = d->ops;

	if (o == NULL)
		return;
	bus_set_sink(NULL);
	o->http = http_free(o->http);
	o->hook = hook_free(o->hook);
	o->cdr = cdr_free(o->cdr);
	o->metrics = metrics_free(o->metrics);
	free(o);
	d->ops = NULL;
}

/* For `tandemctl status`: the operations counters. */
json_t *ops_status_json(struct tandemd *d)
{
	struct ops *o = d->ops;
	struct cdr_stats cs;
	struct hook_stats hs;

	if (o == NULL)
		return json_object();
	cdr_get_stats(o->cdr, &cs);
	hook_get_stats(o->hook, &hs);
	return json_pack("{s:{s:s?,s:I,s:I,s:I},s:{s:I,s:I,s:I,s:I},s:{s:I,s:I},s:s?,s:i}",
			 "records", "file", d->conf->records_file,
			 "written", (json_int_t)cs.written, "failed", (json_int_t)cs.failed,
			 "dropped", (json_int_t)cs.dropped,
			 "webhooks", "delivered", (json_int_t)hs.delivered,
			 "failed", (json_int_t)hs.failed, "dropped", (json_int_t)hs.dropped,
			 "attempts", (json_int_t)hs.attempts,
			 "events", "subscribers",
			 (json_int_t)(ctl_subscribers(d->ctl) + http_sse_clients(o->http)),
			 "dropped", (json_int_t)(ctl_dropped(d->ctl) + http_sse_dropped(o->http)),
			 "http", o->http ? o->http_addr : NULL, "http_port", o->http ? o->http_port : 0);
}
