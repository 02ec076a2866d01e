/* lib/ops/metrics: the counters behind /metrics, fed from the bus (events,
 * records, SIP messages), and their Prometheus text. The counters live on
 * the sofia thread; metrics_render() runs there too and gives the HTTP
 * thread a finished text. Values kept elsewhere (calls active, the relay,
 * reloads, the other threads' counters) come in struct metrics_extra. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct metrics;

struct metrics_extra {
	const char *version;
	const char *node;		/* node id: tandem_node_info{node="..."} 1 */
	double start_time;		/* Unix time the daemon started */
	unsigned calls_active;
	uint64_t calls_total, calls_answered, calls_failed;
	uint64_t calls_refused_transitions;	/* call state changes refused (a bug) */
	bool draining;
	unsigned relay_streams, ports_used, ports_total;
	uint64_t relay_packets;		/* live, all workers */
	uint64_t relay_rx_packets, relay_rx_bytes, relay_rx_rtcp;	/* live, from the legs */
	uint64_t relay_dropped[6];	/* live, by enum relay_drop */
	unsigned relay_handoffs_queued;	/* commands/events waiting for ring room */
	uint64_t relay_handoffs_lost;	/* never handed off (relay_usage) */
	uint64_t relay_dtmf_events, relay_dtmf_lost;	/* DTMF read; dropped (relay_usage) */
	uint64_t relay_mix_frames, relay_mix_ns;	/* conference mixing (relay_usage) */
	uint64_t reloads_ok, reloads_failed;
	uint64_t hooks_delivered, hooks_failed, hooks_dropped;	/* failed: retries spent */
	uint64_t records_written, records_failed, records_dropped;
	uint64_t events_clients_dropped;	/* slow control/SSE subscribers dropped */
	unsigned events_subscribers;
	/* flood protection (lib/sec/guard.c) */
	uint64_t flood_rate_limited, flood_ban_dropped, flood_bans, flood_source_limited;
	uint64_t flood_dropped;		/* banned, dropped before any answer */
	unsigned flood_bans_active;
	/* authentication and ACLs (lib/sip/tsip_auth.c): the reasons as label
	 * values, each with its count */
	uint64_t auth_ok;
	const char *auth_reason[16];
	uint64_t auth_refused[16];
	size_t n_auth;
	uint64_t acl_refused[3][2];	/* [auth.acl, listener, route][403, drop] */
	/* REGISTER relayed (lib/sip/tsip_reg.c) */
	uint64_t reg_bindings, reg_pending;
	uint64_t reg_ok, reg_local, reg_challenged, reg_failed;	/* REGISTERs by outcome */
	uint64_t reg_added, reg_removed;
};

/* Setup-time histogram bounds, seconds (the +Inf bucket is implied). */
#define METRICS_SETUP_BUCKETS { 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60 }

int metrics_new(struct metrics **ret);
struct metrics *metrics_free(struct metrics *m);

void metrics_on_event(struct metrics *m, json_t *ev);	/* call.answered: setup time */
/* outcome, media totals; per route (the record's route) and per target (its
 * targets, each without the user part: the target as configured) */
void metrics_on_record(struct metrics *m, json_t *rec);
void metrics_on_sip(struct metrics *m, bool in, const char *method, int status);

/* The Prometheus text exposition (format 0.0.4); malloc'd, or NULL. */
char *metrics_render(const struct metrics *m, const struct metrics_extra *x);
