/* lib/ops/metrics.c: see metrics.h. Labelled counters are small tables
 * (outcomes, SIP method/code pairs, routes, targets) searched in order;
 * their sizes are bounded, and what does not fit is counted under "other".
 * Routes and targets come from the config (a target without the user put
 * in), so they stay few; a reload that renames them adds entries up to
 * MAX_ROUTES and MAX_TARGETS. Sofia thread. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

#define MAX_REASONS 40
#define MAX_SIP 256
#define METHOD_LEN 16
#define MAX_ROUTES 64
#define MAX_TARGETS 256
#define N_CLASSES 7		/* by code / 100; [0] counts what is no failure code */

static const double setup_bounds[] = METRICS_SETUP_BUCKETS;
#define N_BUCKETS (sizeof(setup_bounds) / sizeof(setup_bounds[0]))

/* the relay's drop reasons (enum relay_drop order), as labels */
static const char *const drop_labels[] = { "source", "malformed", "no_dest", "srtp_auth",
					   "srtp_replay", "send_failed" };
#define N_DROPS (sizeof(drop_labels) / sizeof(drop_labels[0]))

struct reason_count {
	char name[32];
	uint64_t n;
};

struct sip_count {
	bool in;
	char method[METHOD_LEN];
	int status;		/* 0: a request */
	uint64_t n;
};

struct setup_hist {
	uint64_t buckets[N_BUCKETS];	/* not cumulative here */
	uint64_t count;
	double sum;
};

/* calls that matched a route, by the final code the caller got */
struct route_stat {
	char name[64];
	uint64_t calls, answered, failed[N_CLASSES];
	struct setup_hist setup;
};

/* attempts toward a target of a route, by the target's final status */
struct target_stat {
	unsigned route;			/* index in routes[] */
	char uri[128];
	uint64_t attempts, answered, failed[N_CLASSES];
};

struct metrics {
	uint64_t setup_buckets[N_BUCKETS];	/* not cumulative here */
	uint64_t setup_count;
	double setup_sum;
	struct route_stat routes[MAX_ROUTES];
	size_t n_routes;
	struct target_stat targets[MAX_TARGETS];
	size_t n_targets;
	struct reason_count reasons[MAX_REASONS];
	size_t n_reasons;
	struct sip_count sip[MAX_SIP];
	size_t n_sip;
	/* media of finished calls, from their records */
	uint64_t media_packets, media_bytes, media_lost;
};

int metrics_new(struct metrics **ret)
{
	*ret = calloc(1, sizeof(**ret));
	return *ret ? 0 : -ENOMEM;
}

struct metrics *metrics_free(struct metrics *m)
{
	free(m);
	return NULL;
}

void metrics_on_event(struct metrics *m, json_t *ev)
{
	const char *type = json_string_value(json_object_get(ev, "event"));
	json_t *ms = json_object_get(ev, "setup_ms");
	double s;

	if (type == NULL || strcmp(type, "call.answered") != 0 || !json_is_number(ms))
		return;
	s = json_number_value(ms) / 1000.0;
	for (size_t i = 0; i < N_BUCKETS; i++)
		if (s <= setup_bounds[i]) {
			m->setup_buckets[i]++;
			break;
		}
	m->setup_count++;
	m->setup_sum += s;
}

static void count_reason(struct metrics *m, const char *reason)
{
	size_t i;

	if (reason == NULL)
		reason = "unknown";
	for (i = 0; i < m->n_reasons; i++)
		if (strcmp(m->reasons[i].name, reason) == 0)
			break;
	if (i == MAX_REASONS) {
		i = MAX_REASONS - 1;	/* the last slot stands for the rest */
	} else if (i == m->n_reasons) {
		snprintf(m->reasons[i].name, sizeof(m->reasons[i].name), "%s",
			 i == MAX_REASONS - 1 ? "other" : reason);
		for (char *p = m->reasons[i].name; *p; p++)
			if (*p == '"' || *p == '\\' || *p == '\n')
				*p = '_';
		m->n_reasons++;
	}
	m->reasons[i].n++;
}

static uint64_t u64_of(json_t *o, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(o, key));

	return v > 0 ? (uint64_t)v : 0;
}

static void add_side(struct metrics *m, json_t *side)
{
	m->media_packets += u64_of(side, "packets");
	m->media_bytes += u64_of(side, "bytes");
	m->media_lost += u64_of(side, "lost");
}

/* A label value made plain: no quote, backslash or newline. */
static void label_copy(char *dst, size_t len, const char *src)
{
	size_t o = 0;

	for (; *src && o + 1 < len; src++)
		dst[o++] = *src == '"' || *src == '\\' || *src == '\n' ? '_' : *src;
	dst[o] = '\0';
}

static unsigned code_class(json_int_t code)
{
	return code >= 300 && code <= 699 ? (unsigned)(code / 100) : 0;
}

static struct route_stat *route_stat(struct metrics *m, const char *name, size_t *ret_idx)
{
	char label[sizeof(m->routes[0].name)];
	size_t i;

	label_copy(label, sizeof(label), name);
	for (i = 0; i < m->n_routes; i++)
		if (strcmp(m->routes[i].name, label) == 0)
			break;
	if (i == MAX_ROUTES) {
		i = MAX_ROUTES - 1;	/* the last slot stands for the rest */
	} else if (i == m->n_routes) {
		snprintf(m->routes[i].name, sizeof(m->routes[i].name), "%s",
			 i == MAX_ROUTES - 1 ? "other" : label);
		m->n_routes++;
	}
	*ret_idx = i;
	return &m->routes[i];
}

/* A target as configured: the URI of the attempt without its user part
 * (sip:+4930123@carrier;transport=tcp -> sip:carrier;transport=tcp). */
static void target_label(const char *uri, char *buf, size_t len)
{
	const char *colon = strchr(uri, ':'), *at = colon ? strchr(colon, '@') : NULL;
	char t[256];

	if (colon && at)
		snprintf(t, sizeof(t), "%.*s%s", (int)(colon - uri + 1), uri, at + 1);
	else
		snprintf(t, sizeof(t), "%s", uri);
	label_copy(buf, len, t);
}

static struct target_stat *target_stat(struct metrics *m, size_t route, const char *uri)
{
	char label[sizeof(m->targets[0].uri)];
	size_t i;

	target_label(uri, label, sizeof(label));
	for (i = 0; i < m->n_targets; i++)
		if (m->targets[i].route == route && strcmp(m->targets[i].uri, label) == 0)
			break;
	if (i == MAX_TARGETS) {
		i = MAX_TARGETS - 1;
	} else if (i == m->n_targets) {
		m->targets[i].route = (unsigned)route;
		snprintf(m->targets[i].uri, sizeof(m->targets[i].uri), "%s",
			 i == MAX_TARGETS - 1 ? "other" : label);
		m->n_targets++;
	}
	return &m->targets[i];
}

static void setup_add(struct setup_hist *h, double s)
{
	for (size_t i = 0; i < N_BUCKETS; i++)
		if (s <= setup_bounds[i]) {
			h->buckets[i]++;
			break;
		}
	h->count++;
	h->sum += s;
}

/* The record of a call that matched a route: its outcome, and each target tried. */
static void count_route(struct metrics *m, json_t *rec, const char *route)
{
	json_t *setup = json_object_get(rec, "setup_ms"), *att;
	struct route_stat *r;
	size_t ri, i;

	r = route_stat(m, route, &ri);
	r->calls++;
	if (json_is_number(setup)) {
		r->answered++;
		setup_add(&r->setup, json_number_value(setup) / 1000.0);
	} else {
		r->failed[code_class(json_integer_value(json_object_get(rec, "code")))]++;
	}
	json_array_foreach(json_object_get(rec, "targets"), i, att) {
		const char *uri = json_string_value(json_object_get(att, "target"));
		json_int_t st = json_integer_value(json_object_get(att, "status"));
		struct target_stat *t;
		if (uri == NULL)
			continue;
		t = target_stat(m, ri, uri);
		t->attempts++;
		if (st >= 200 && st <= 299)
			t->answered++;
		else
			t->failed[code_class(st)]++;
	}
}

void metrics_on_record(struct metrics *m, json_t *rec)
{
	json_t *media = json_object_get(rec, "media"), *st;
	const char *route = json_string_value(json_object_get(rec, "route"));
	size_t i;

	count_reason(m, json_string_value(json_object_get(rec, "reason")));
	if (route && json_object_get(rec, "type") == NULL)
		count_route(m, rec, route);
	json_array_foreach(media, i, st) {
		add_side(m, json_object_get(st, "a"));
		add_side(m, json_object_get(st, "b"));
	}
}

void metrics_on_sip(struct metrics *m, bool in, const char *method, int status)
{
	char name[METHOD_LEN];
	size_t i;

	snprintf(name, sizeof(name), "%s", method && *method ? method : "unknown");
	for (char *p = name; *p; p++)	/* a label value: keep it plain */
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '-' || *p == '_'))
			*p = '_';
	if (status < 0 || status > 999)
		status = 999;
	for (i = 0; i < m->n_sip; i++) {
		struct sip_count *e = &m->sip[i];
		if (e->in == in && e->status == status && strcmp(e->method, name) == 0) {
			e->n++;
			return;
		}
	}
	if (m->n_sip == MAX_SIP) {	/* full: count it under the last entry */
		m->sip[MAX_SIP - 1].n++;
		return;
	}
	m->sip[m->n_sip] = (struct sip_count){ .in = in, .status = status, .n = 1 };
	snprintf(m->sip[m->n_sip].method, METHOD_LEN, "%s", m->n_sip == MAX_SIP - 1 ? "other" : name);
	m->n_sip++;
}

/* ---- rendering ---- */

static void head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void one(FILE *f, const char *name, const char *type, const char *help, double v)
{
	head(f, name, type, help);
	fprintf(f, "%s %.17g\n", name, v);
}

static void render_calls(FILE *f, const struct metrics *m, const struct metrics_extra *x)
{
	uint64_t cum = 0;

	one(f, "tandem_calls_active", "gauge", "Calls in progress, including calls being torn down.",
	    x->calls_active);
	one(f, "tandem_calls_total", "counter", "Calls since start.", (double)x->calls_total);
	one(f, "tandem_calls_answered_total", "counter", "Calls answered by a target.",
	    (double)x->calls_answered);
	one(f, "tandem_calls_failed_total", "counter", "Calls that ended without an answer.",
	    (double)x->calls_failed);
	one(f, "tandem_call_transitions_refused_total", "counter",
	    "Events and call or leg state changes the coordinator's tables refused (each one is a "
	    "bug: see the log).",
	    (double)x->calls_refused_transitions);
	head(f, "tandem_calls_ended_total", "counter",
	     "Finished calls by how they ended (the reason of their record).");
	for (size_t i = 0; i < m->n_reasons; i++)
		fprintf(f, "tandem_calls_ended_total{reason=\"%s\"} %llu\n", m->reasons[i].name,
			(unsigned long long)m->reasons[i].n);
	head(f, "tandem_call_setup_seconds", "histogram",
	     "Time from the INVITE to the answer of answered calls.");
	for (size_t i = 0; i < N_BUCKETS; i++) {
		cum += m->setup_buckets[i];
		fprintf(f, "tandem_call_setup_seconds_bucket{le=\"%g\"} %llu\n", setup_bounds[i],
			(unsigned long long)cum);
	}
	fprintf(f, "tandem_call_setup_seconds_bucket{le=\"+Inf\"} %llu\n",
		(unsigned long long)m->setup_count);
	fprintf(f, "tandem_call_setup_seconds_sum %.17g\n", m->setup_sum);
	fprintf(f, "tandem_call_setup_seconds_count %llu\n", (unsigned long long)m->setup_count);
	one(f, "tandem_draining", "gauge", "1 while new calls are refused (drain).", x->draining);
}

static void render_sip(FILE *f, const struct metrics *m)
{
	head(f, "tandem_sip_requests_total", "counter", "SIP requests by direction and method.");
	for (size_t i = 0; i < m->n_sip; i++)
		if (m->sip[i].status == 0)
			fprintf(f, "tandem_sip_requests_total{direction=\"%s\",method=\"%s\"} %llu\n",
				m->sip[i].in ? "in" : "out", m->sip[i].method,
				(unsigned long long)m->sip[i].n);
	head(f, "tandem_sip_responses_total", "counter",
	     "SIP responses by direction, method (of the CSeq) and code.");
	for (size_t i = 0; i < m->n_sip; i++)
		if (m->sip[i].status != 0)
			fprintf(f, "tandem_sip_responses_total{direction=\"%s\",method=\"%s\","
				"code=\"%d\"} %llu\n", m->sip[i].in ? "in" : "out", m->sip[i].method,
				m->sip[i].status, (unsigned long long)m->sip[i].n);
}

static void render_relay(FILE *f, const struct metrics *m, const struct metrics_extra *x)
{
	one(f, "tandem_relay_streams", "gauge", "Media stream pairs in the relay.", x->relay_streams);
	one(f, "tandem_relay_ports_in_use", "gauge", "Relay ports in use.", x->ports_used);
	one(f, "tandem_relay_ports", "gauge", "Relay ports in the configured range.", x->ports_total);
	one(f, "tandem_relay_packets_total", "counter", "Packets relayed since start (live).",
	    (double)x->relay_packets);
	one(f, "tandem_relay_received_packets_total", "counter",
	    "RTP packets received from the legs and accepted (live).", (double)x->relay_rx_packets);
	one(f, "tandem_relay_received_bytes_total", "counter",
	    "Bytes of those RTP packets (live).", (double)x->relay_rx_bytes);
	one(f, "tandem_relay_received_rtcp_packets_total", "counter",
	    "RTCP packets received from the legs and accepted (live).", (double)x->relay_rx_rtcp);
	one(f, "tandem_relay_call_packets_total", "counter",
	    "Packets received from the legs of finished calls.", (double)m->media_packets);
	one(f, "tandem_relay_call_bytes_total", "counter",
	    "Bytes received from the legs of finished calls.", (double)m->media_bytes);
	one(f, "tandem_relay_call_lost_packets_total", "counter",
	    "RTP packets lost (sequence gaps) on the legs of finished calls.",
	    (double)m->media_lost);
	head(f, "tandem_relay_dropped_packets_total", "counter",
	     "Packets the relay dropped, by reason (live).");
	for (size_t d = 0; d < N_DROPS; d++)
		fprintf(f, "tandem_relay_dropped_packets_total{reason=\"%s\"} %llu\n",
			drop_labels[d], (unsigned long long)x->relay_dropped[d]);
	one(f, "tandem_srtp_auth_failures_total", "counter",
	    "SRTP/SRTCP packets that failed authentication (live).", (double)x->relay_dropped[3]);
	one(f, "tandem_relay_handoffs_queued", "gauge",
	    "Relay commands and events waiting for room between the SIP thread and the media "
	    "workers.", x->relay_handoffs_queued);
	one(f, "tandem_relay_handoffs_lost_total", "counter",
	    "Relay commands and events that could not be handed off (out of memory).",
	    (double)x->relay_handoffs_lost);
	one(f, "tandem_dtmf_events_total", "counter",
	    "DTMF events the relay read from rfc4733 legs.", (double)x->relay_dtmf_events);
	one(f, "tandem_dtmf_lost_total", "counter",
	    "DTMF digits dropped: the event ring full, or nothing forwarded to carry them.",
	    (double)x->relay_dtmf_lost);
	one(f, "tandem_mix_frames_total", "counter",
	    "Conference bridge frames mixed and sent, one per party per 20 ms.",
	    (double)x->relay_mix_frames);
	one(f, "tandem_mix_seconds_total", "counter",
	    "Time the media workers spent mixing conference bridges.",
	    (double)x->relay_mix_ns / 1e9);
}

static void render_ops(FILE *f, const struct metrics_extra *x)
{
	head(f, "tandem_reloads_total", "counter", "Config reloads by result.");
	fprintf(f, "tandem_reloads_total{result=\"ok\"} %llu\n", (unsigned long long)x->reloads_ok);
	fprintf(f, "tandem_reloads_total{result=\"failed\"} %llu\n",
		(unsigned long long)x->reloads_failed);
	one(f, "tandem_webhook_deliveries_total", "counter", "Events POSTed to a webhook.",
	    (double)x->hooks_delivered);
	head(f, "tandem_webhook_dropped_total", "counter",
	     "Webhook events not delivered, by reason.");
	fprintf(f, "tandem_webhook_dropped_total{reason=\"failed\"} %llu\n",
		(unsigned long long)x->hooks_failed);
	fprintf(f, "tandem_webhook_dropped_total{reason=\"queue_full\"} %llu\n",
		(unsigned long long)x->hooks_dropped);
	one(f, "tandem_records_written_total", "counter", "Call records written.",
	    (double)x->records_written);
	one(f, "tandem_records_failed_total", "counter",
	    "Call records lost to a failed open or write.", (double)x->records_failed);
	one(f, "tandem_records_dropped_total", "counter",
	    "Call records dropped because the writer was behind.", (double)x->records_dropped);
	one(f, "tandem_event_subscribers", "gauge", "Clients following the events.",
	    x->events_subscribers);
	one(f, "tandem_event_subscribers_dropped_total", "counter",
	    "Event subscribers dropped for reading too slowly.", (double)x->events_clients_dropped);
	head(f, "tandem_build_info", "gauge", "tandemd's version.");
	fprintf(f, "tandem_build_info{version=\"%s\"} 1\n", x->version ? x->version : "unknown");
	/* the node id is a name (lib/util/tid.h: no quote, backslash or newline) */
	head(f, "tandem_node_info", "gauge",
	     "The node id of this tandemd (config `node`), as in its records, events and logs.");
	fprintf(f, "tandem_node_info{node=\"%s\"} 1\n", x->node && *x->node ? x->node : "unknown");
	one(f, "tandem_start_time_seconds", "gauge", "When tandemd started (Unix time).",
	    x->start_time);
}

static void render_flood(FILE *f, const struct metrics_extra *x)
{
	one(f, "tandem_flood_rate_limited_total", "counter",
	    "New requests refused for their source's rate (503 or dropped).",
	    (double)x->flood_rate_limited);
	one(f, "tandem_flood_banned_requests_total", "counter",
	    "New requests from banned sources (dropped or 403).", (double)x->flood_ban_dropped);
	one(f, "tandem_flood_dropped_total", "counter",
	    "Of those, the ones dropped at the transport, before any answer (ban_action "
	    "\"drop\"; retransmissions included).", (double)x->flood_dropped);
	one(f, "tandem_flood_bans_total", "counter", "Sources banned since start.",
	    (double)x->flood_bans);
	one(f, "tandem_flood_bans_active", "gauge", "Sources banned now.", x->flood_bans_active);
	one(f, "tandem_calls_source_limited_total", "counter",
	    "Calls refused by limits.max_calls_per_source.", (double)x->flood_source_limited);
}

static const char *const class_labels[N_CLASSES] = { "other", "", "", "3xx", "4xx", "5xx", "6xx" };

static void render_failed(FILE *f, const char *name, const char *labels, const uint64_t *failed)
{
	for (unsigned c = 3; c < N_CLASSES; c++)
		fprintf(f, "%s{%s,class=\"%s\"} %llu\n", name, labels, class_labels[c],
			(unsigned long long)failed[c]);
	if (failed[0])
		fprintf(f, "%s{%s,class=\"other\"} %llu\n", name, labels,
			(unsigned long long)failed[0]);
}

static void render_routes(FILE *f, const struct metrics *m)
{
	char l[512];

	head(f, "tandem_route_calls_total", "counter",
	     "Finished calls that matched the route (counted when they end).");
	for (size_t i = 0; i < m->n_routes; i++)
		fprintf(f, "tandem_route_calls_total{route=\"%s\"} %llu\n", m->routes[i].name,
			(unsigned long long)m->routes[i].calls);
	head(f, "tandem_route_calls_answered_total", "counter", "Of those, the calls answered.");
	for (size_t i = 0; i < m->n_routes; i++)
		fprintf(f, "tandem_route_calls_answered_total{route=\"%s\"} %llu\n",
			m->routes[i].name, (unsigned long long)m->routes[i].answered);
	head(f, "tandem_route_calls_failed_total", "counter",
	     "Of those, the calls not answered, by the class of the final code the caller got.");
	for (size_t i = 0; i < m->n_routes; i++) {
		snprintf(l, sizeof(l), "route=\"%s\"", m->routes[i].name);
		render_failed(f, "tandem_route_calls_failed_total", l, m->routes[i].failed);
	}
	head(f, "tandem_route_setup_seconds", "histogram",
	     "Time from the INVITE to the answer of the route's answered calls.");
	for (size_t i = 0; i < m->n_routes; i++) {
		const struct setup_hist *h = &m->routes[i].setup;
		uint64_t cum = 0;
		for (size_t b = 0; b < N_BUCKETS; b++) {
			cum += h->buckets[b];
			fprintf(f, "tandem_route_setup_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
				m->routes[i].name, setup_bounds[b], (unsigned long long)cum);
		}
		fprintf(f, "tandem_route_setup_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n",
			m->routes[i].name, (unsigned long long)h->count);
		fprintf(f, "tandem_route_setup_seconds_sum{route=\"%s\"} %.17g\n",
			m->routes[i].name, h->sum);
		fprintf(f, "tandem_route_setup_seconds_count{route=\"%s\"} %llu\n",
			m->routes[i].name, (unsigned long long)h->count);
	}
}

static void render_targets(FILE *f, const struct metrics *m)
{
	char l[512];

	head(f, "tandem_target_attempts_total", "counter",
	     "INVITEs placed toward the target of the route (counted when the call ends).");
	for (size_t i = 0; i < m->n_targets; i++)
		fprintf(f, "tandem_target_attempts_total{route=\"%s\",target=\"%s\"} %llu\n",
			m->routes[m->targets[i].route].name, m->targets[i].uri,
			(unsigned long long)m->targets[i].attempts);
	head(f, "tandem_target_answered_total", "counter", "Of those, the ones answered 2xx.");
	for (size_t i = 0; i < m->n_targets; i++)
		fprintf(f, "tandem_target_answered_total{route=\"%s\",target=\"%s\"} %llu\n",
			m->routes[m->targets[i].route].name, m->targets[i].uri,
			(unsigned long long)m->targets[i].answered);
	head(f, "tandem_target_failed_total", "counter",
	     "Of those, the ones that failed, by the class of the target's final status (408: "
	     "no answer in time, 487: cancelled).");
	for (size_t i = 0; i < m->n_targets; i++) {
		snprintf(l, sizeof(l), "route=\"%s\",target=\"%s\"",
			 m->routes[m->targets[i].route].name, m->targets[i].uri);
		render_failed(f, "tandem_target_failed_total", l, m->targets[i].failed);
	}
}

static void render_auth(FILE *f, const struct metrics_extra *x)
{
	static const char *const acl_by[3] = { "auth", "listener", "route" };

	one(f, "tandem_auth_ok_total", "counter", "New requests that passed digest authentication.",
	    (double)x->auth_ok);
	head(f, "tandem_auth_refused_total", "counter",
	     "New requests not let through by digest authentication, by reason (no-credentials "
	     "and stale-nonce are the normal challenges).");
	for (size_t i = 0; i < x->n_auth; i++)
		fprintf(f, "tandem_auth_refused_total{reason=\"%s\"} %llu\n", x->auth_reason[i],
			(unsigned long long)x->auth_refused[i]);
	head(f, "tandem_acl_refused_total", "counter",
	     "New requests refused by an ACL, by the list (auth.acl, a listener's, a route's) "
	     "and what they got.");
	for (size_t b = 0; b < 3; b++)
		for (size_t a = 0; a < 2; a++)
			fprintf(f, "tandem_acl_refused_total{acl=\"%s\",action=\"%s\"} %llu\n",
				acl_by[b], a ? "drop" : "403",
				(unsigned long long)x->acl_refused[b][a]);
}

static void render_reg(FILE *f, const struct metrics_extra *x)
{
	one(f, "tandem_registrations", "gauge",
	    "Phones registered through tandemd (register = \"relay\"), confirmed by the registrar.",
	    (double)x->reg_bindings);
	one(f, "tandem_registrations_pending", "gauge",
	    "Bindings waiting for the registrar (challenged, not yet confirmed).",
	    (double)x->reg_pending);
	head(f, "tandem_register_total", "counter",
	     "REGISTERs of phones answered, by outcome: ok (the registrar's 2xx), local (a refresh "
	     "or query answered from the table), challenged (401/407 relayed), failed.");
	fprintf(f, "tandem_register_total{outcome=\"ok\"} %llu\n"
		"tandem_register_total{outcome=\"local\"} %llu\n"
		"tandem_register_total{outcome=\"challenged\"} %llu\n"
		"tandem_register_total{outcome=\"failed\"} %llu\n",
		(unsigned long long)x->reg_ok, (unsigned long long)x->reg_local,
		(unsigned long long)x->reg_challenged, (unsigned long long)x->reg_failed);
	one(f, "tandem_registrations_added_total", "counter", "Bindings the registrar confirmed.",
	    (double)x->reg_added);
	one(f, "tandem_registrations_removed_total", "counter",
	    "Bindings removed (un-REGISTER, expiry, refused).", (double)x->reg_removed);
}

char *metrics_render(const struct metrics *m, const struct metrics_extra *x)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	render_calls(f, m, x);
	render_routes(f, m);
	render_targets(f, m);
	render_sip(f, m);
	render_relay(f, m, x);
	render_ops(f, x);
	render_flood(f, x);
	render_auth(f, x);
	render_reg(f, x);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
