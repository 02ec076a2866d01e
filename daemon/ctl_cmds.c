/* daemon/ctl_cmds.c: what each control-socket command does (the protocol is
 * in docs/control.md). Every answer is a JSON object with "ok"; failures
 * carry "error". Sofia thread only. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tandemd.h"
#include "ops/log.h"
#include "sec/guard.h"
#include "util/tid.h"

static json_t *fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A call named by a control request: tandemctl hangup 7, or by its UUID. */
struct call_ref {
	uint64_t id;
	char text[48];
};

static json_t *fail(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_pack("{s:b,s:s}", "ok", 0, "error", msg);
}

static json_t *ok(void)
{
	return json_pack("{s:b}", "ok", 1);
}

static const char *str_arg(json_t *req, const char *key)
{
	json_t *v = json_object_get(req, key);

	if (v == NULL)
		v = json_object_get(req, "arg");
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int uuid_to_id(const struct call_info *ci, void *arg)
{
	struct call_ref *ref = arg;

	if (ci->uuid == NULL || strcasecmp(ci->uuid, ref->text) != 0)
		return 0;
	ref->id = ci->id;
	return -1;	/* stop */
}

/* The call a request names: its counter id (a number) or its UUID. 0;
 * -EINVAL when "id" is neither; -ENOENT for a UUID of no call in progress
 * (a number is looked up by the command). ref->text says it for messages. */
static int call_arg(struct tandemd *d, json_t *req, struct call_ref *ref)
{
	json_t *v = json_object_get(req, "id");
	const char *s;
	char *end;

	if (json_is_integer(v) && json_integer_value(v) > 0) {
		ref->id = (uint64_t)json_integer_value(v);
		snprintf(ref->text, sizeof(ref->text), "%llu", (unsigned long long)ref->id);
		return 0;
	}
	s = json_is_string(v) ? json_string_value(v) : str_arg(req, "id");
	if (s == NULL || *s == '\0')
		return -EINVAL;
	snprintf(ref->text, sizeof(ref->text), "%.40s", s);
	if (tid_uuid_valid(s)) {
		ref->id = 0;
		call_core_foreach(tsip_core(d->sip), uuid_to_id, ref);
		return ref->id ? 0 : -ENOENT;
	}
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	ref->id = strtoull(s, &end, 10);
	return (errno || *end || ref->id == 0) ? -EINVAL : 0;
}

static json_t *call_json(const struct call_info *ci)
{
	time_t now = time(NULL);

	return json_pack("{s:I,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s,s:I,s:I,s:s?,s:b}",
			 "id", (json_int_t)ci->id, "uuid", ci->uuid, "a_call_id", ci->a_call_id,
			 "b_call_id", ci->b_call_id, "from", ci->from, "to", ci->to,
			 "route", ci->route, "target", ci->target,
			 "state", call_state_name(ci->state),
			 "age", (json_int_t)(now - ci->started),
			 "duration", (json_int_t)(ci->answered ? now - ci->answered : 0),
			 "codec", ci->codec, "srtp", ci->srtp);
}

static int add_call(const struct call_info *ci, void *arg)
{
	json_t *o = call_json(ci);

	if (o == NULL)
		return -ENOMEM;
	return json_array_append_new(arg, o) < 0 ? -ENOMEM : 0;
}

static json_t *media_json(struct tandemd *d)
{
	struct relay_usage u;
	time_t now = time(NULL);
	double pps = 0;

	relay_get_usage(d->relay, &u);
	if (d->pps_at && now > d->pps_at)
		pps = (double)(u.packets - d->pps_packets) / (double)(now - d->pps_at);
	if (now - d->pps_at >= 5) {
		/* a window of at least 5 s between status requests */
		d->pps_at = now;
		d->pps_packets = u.packets;
	}
	return json_pack("{s:I,s:I,s:I,s:I,s:f,s:I,s:s,s:{s:I,s:I,s:I,s:I,s:I,s:I},s:I,s:I,s:I,s:I,s:I,s:I}",
			 "streams", (json_int_t)u.pairs,
			 "ports_in_use", (json_int_t)u.ports_used,
			 "ports_total", (json_int_t)u.ports_total,
			 "packets", (json_int_t)u.packets, "pps", pps,
			 "bytes_in", (json_int_t)u.rx_bytes,
			 /* how the workers move packets: "io_uring", "recvmmsg" or,
			  * when they differ, "mixed" */
			 "io", u.workers_uring == 0 ? "recvmmsg" :
			       u.workers_uring == u.workers ? "io_uring" : "mixed",
			 "dropped", "source", (json_int_t)u.dropped[RELAY_DROP_SOURCE],
			 "malformed", (json_int_t)u.dropped[RELAY_DROP_MALFORMED],
			 "no_dest", (json_int_t)u.dropped[RELAY_DROP_NO_DEST],
			 "srtp_auth", (json_int_t)u.dropped[RELAY_DROP_AUTH],
			 "srtp_replay", (json_int_t)u.dropped[RELAY_DROP_REPLAY],
			 "send_failed", (json_int_t)u.dropped[RELAY_DROP_SEND],
			 "handoffs_queued", (json_int_t)u.handoffs_queued,
			 "handoffs_lost", (json_int_t)u.handoffs_lost,
			 "dtmf_events", (json_int_t)u.dtmf_events,
			 "dtmf_lost", (json_int_t)u.dtmf_lost,
			 "mix_frames", (json_int_t)u.mix_frames,
			 "mix_us", (json_int_t)(u.mix_ns / 1000));
}

static json_t *cmd_status(struct tandemd *d, json_t *req)
{
	struct call_stats st;
	struct tsip_tls_stats ts;
	(void)req;

	call_core_stats(tsip_core(d->sip), &st);
	tsip_tls_stats(&ts);
	return json_pack("{s:b,s:s,s:s,s:I,s:s,s:I,s:b,s:{s:I,s:I,s:I,s:I,s:f,s:I},s:{s:I,s:I},"
			 "s:{s:I,s:I},s:o,s:o}",
			 "ok", 1, "version", TANDEM_VERSION, "node", tid_node(),
			 "uptime", (json_int_t)(time(NULL) - d->started),
			 "config", d->conf_path, "config_loaded", (json_int_t)d->conf->loaded_at,
			 "draining", call_core_draining(tsip_core(d->sip)),
			 "calls", "active", (json_int_t)st.active, "total", (json_int_t)st.total,
			 "answered", (json_int_t)st.answered, "failed", (json_int_t)st.failed,
			 "cps", st.cps, "refused_transitions", (json_int_t)st.refused,
			 "reloads", "ok", (json_int_t)d->reloads_ok,
			 "failed", (json_int_t)d->reloads_failed,
			 "tls", "connections", (json_int_t)ts.ssl_made,
			 "closed", (json_int_t)ts.ssl_freed,
			 "media", media_json(d), "ops", ops_status_json(d));
}

static json_t *cmd_calls(struct tandemd *d, json_t *req)
{
	json_t *arr = json_array();
	(void)req;

	if (arr == NULL || call_core_foreach(tsip_core(d->sip), add_call, arr) < 0) {
		json_decref(arr);
		return fail("out of memory");
	}
	return json_pack("{s:b,s:o}", "ok", 1, "calls", arr);
}

struct find_one {
	uint64_t id;
	json_t *found;
};

static int find_call(const struct call_info *ci, void *arg)
{
	struct find_one *f = arg;

	if (ci->id != f->id)
		return 0;
	f->found = call_json(ci);
	return -1;	/* stop */
}

static json_t *side_json(const struct call_stream_info *si, int s)
{
	const struct relay_side_stats *st = &si->st[s];

	return json_pack("{s:i,s:b,s:s,s:s?,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:f,s:I,s:I,s:I,s:I,s:I,s:I}",
			 "relay_port", si->port[s], "rtcp_mux", si->mux[s], "direction", si->dir[s],
			 "srtp", si->srtp[s],
			 "latched", st->latched, "packets", (json_int_t)st->packets,
			 "bytes", (json_int_t)st->bytes, "rtcp_packets", (json_int_t)st->rtcp_packets,
			 "sent", (json_int_t)st->sent, "lost", (json_int_t)st->lost,
			 "out_of_order", (json_int_t)st->out_of_order, "jitter_ms", st->jitter_ms,
			 "dropped_source", (json_int_t)st->dropped_source,
			 "dropped_malformed", (json_int_t)st->dropped_malformed,
			 "dropped_no_dest", (json_int_t)st->dropped_no_dest,
			 "dropped_auth", (json_int_t)st->dropped_auth,
			 "dropped_replay", (json_int_t)st->dropped_replay,
			 "mix_late", (json_int_t)st->mix_late);
}

static json_t *cmd_call(struct tandemd *d, json_t *req)
{
	struct find_one f = { 0 };
	struct call_ref ref;
	struct call_stream_info si[8];
	json_t *streams;
	int n, r;

	r = call_arg(d, req, &ref);
	if (r == -EINVAL)
		return fail("usage: call ID (the number, or the call's UUID)");
	if (r < 0)
		return fail("no call %s", ref.text);
	f.id = ref.id;
	call_core_foreach(tsip_core(d->sip), find_call, &f);
	if (f.found == NULL)
		return fail("no call %s", ref.text);
	streams = json_array();
	n = call_core_streams(tsip_core(d->sip), f.id, si, 8);
	for (int i = 0; i < n; i++)
		json_array_append_new(streams,
				      json_pack("{s:i,s:s,s:s,s:o,s:o}", "index", si[i].index,
						"type", si[i].type, "codec", si[i].codec,
						"a", side_json(&si[i], LEG_A),
						"b", side_json(&si[i], LEG_B)));
	json_object_set_new(f.found, "streams", streams);
	return json_pack("{s:b,s:o}", "ok", 1, "call", f.found);
}

static json_t *cmd_hangup(struct tandemd *d, json_t *req)
{
	struct call_ref ref;
	int r;

	r = call_arg(d, req, &ref);
	if (r == -EINVAL)
		return fail("usage: hangup ID (the number, or the call's UUID)");
	if (r == 0)
		r = call_core_hangup(tsip_core(d->sip), ref.id);
	if (r == -ENOENT)
		return fail("no call %s", ref.text);
	if (r == -EALREADY)
		return fail("call %s is already ending", ref.text);
	return ok();
}

/* tandemctl join ID ID: both calls' parties in one conference bridge */
static json_t *cmd_join(struct tandemd *d, json_t *req)
{
	struct call_ref a, b;
	json_t *with = json_object_get(req, "with");
	char err[256] = "";
	int r;

	r = call_arg(d, req, &a);
	if (r == 0 && with) {
		json_t *q = json_pack("{s:O}", "id", with);
		r = q ? call_arg(d, q, &b) : -ENOMEM;
		json_decref(q);
	} else if (r == 0) {
		r = -EINVAL;
	}
	if (r == -EINVAL)
		return fail("usage: join ID ID (two calls: their numbers or UUIDs)");
	if (r == -ENOENT)
		return fail("no call %s", with && a.id ? b.text : a.text);
	if (r < 0)
		return fail("%s", strerror(-r));
	r = call_core_join(tsip_core(d->sip), a.id, b.id, err, sizeof(err));
	if (r < 0)
		return fail("%s", err[0] ? err : strerror(-r));
	return ok();
}

static json_t *cmd_reload(struct tandemd *d, json_t *req)
{
	char err[600];
	(void)req;

	if (svc_reload(d, err, sizeof(err)) < 0)
		return fail("%s", err);
	return json_pack("{s:b,s:s,s:I}", "ok", 1, "config", d->conf_path,
			 "routes", (json_int_t)d->conf->n_routes);
}

static json_t *cmd_log_level(struct tandemd *d, json_t *req)
{
	const char *name = str_arg(req, "level");
	int lvl = name ? conf_log_level_from_name(name) : -EINVAL;

	if (lvl < 0)
		return fail("usage: log-level error|warning|notice|info|debug");
	d->cli_level = lvl;
	log_open(lvl);
	log_notice("log level now %s", conf_log_level_name(lvl));
	return ok();
}

static json_t *cmd_drain(struct tandemd *d, json_t *req, bool on)
{
	(void)req;
	if (d->stopping)
		return fail("tandemd is stopping");
	svc_drain(d, on);
	return ok();
}

struct one_header {
	char name[128];
	const char *value;
};

static const char *one_header_value(void *arg, const char *name)
{
	struct one_header *h = arg;

	return strcasecmp(h->name, name) == 0 ? h->value : NULL;
}

static json_t *cmd_route(struct tandemd *d, json_t *req)
{
	struct route_req q = { 0 };
	struct one_header oh = { { 0 } };
	struct sockaddr_storage ss = { 0 };
	const char *src = str_arg(req, "source"), *hdr;
	const struct conf_route *rt;
	char user[256];
	json_t *targets;

	q.from_user = json_string_value(json_object_get(req, "from"));
	q.to_user = json_string_value(json_object_get(req, "to"));
	q.ruri_user = json_string_value(json_object_get(req, "ruri_user"));
	if (q.ruri_user == NULL)
		q.ruri_user = q.to_user;
	q.ruri_host = json_string_value(json_object_get(req, "domain"));
	if (q.to_user == NULL && q.ruri_user == NULL)
		return fail("usage: route --from USER --to USER [--source IP] [--header 'Name: value']");
	if (src && json_object_get(req, "source")) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		if (inet_pton(AF_INET, src, &s4->sin_addr) == 1)
			s4->sin_family = AF_INET;
		else if (inet_pton(AF_INET6, src, &s6->sin6_addr) == 1)
			s6->sin6_family = AF_INET6;
		else
			return fail("bad source address \"%s\"", src);
		q.source = (struct sockaddr *)&ss;
	}
	hdr = json_string_value(json_object_get(req, "header"));
	if (hdr) {
		const char *colon = strchr(hdr, ':');
		if (colon == NULL || (size_t)(colon - hdr) >= sizeof(oh.name))
			return fail("header must be 'Name: value'");
		memcpy(oh.name, hdr, (size_t)(colon - hdr));
		oh.value = colon + 1;
		while (*oh.value == ' ')
			oh.value++;
		q.header = one_header_value;
		q.header_arg = &oh;
	}
	rt = route_find(d->conf, &q);
	if (rt == NULL)
		return json_pack("{s:b,s:n,s:i}", "ok", 1, "route", "reject", d->conf->no_route_code);
	if (rt->reject)
		return json_pack("{s:b,s:s,s:i}", "ok", 1, "route", rt->name, "reject", rt->reject);
	if (route_rewrite_user(rt, q.ruri_user, user, sizeof(user)) < 0)
		return fail("rewritten user too long");
	targets = json_array();
	for (size_t i = 0; targets && i < rt->n_targets; i++)
		json_array_append_new(targets, json_string(rt->targets[i]));
	return json_pack("{s:b,s:s,s:s,s:o}", "ok", 1, "route", rt->name, "user", user,
			 "targets", targets);
}

static json_t *cmd_unban(json_t *req)
{
	const char *addr = str_arg(req, "address");
	int r;

	if (addr == NULL)
		return fail("unban needs an address");
	r = guard_unban(guard_get(), addr, guard_now());
	if (r == -EINVAL)
		return fail("bad address \"%s\"", addr);
	if (r < 0)
		return fail("%s is not banned", addr);
	return ok();
}

json_t *ctl_cmds_dispatch(void *arg, json_t *req)
{
	struct tandemd *d = arg;
	const char *cmd = json_string_value(json_object_get(req, "cmd"));

	if (strcmp(cmd, "status") == 0)
		return cmd_status(d, req);
	if (strcmp(cmd, "calls") == 0)
		return cmd_calls(d, req);
	if (strcmp(cmd, "call") == 0)
		return cmd_call(d, req);
	if (strcmp(cmd, "hangup") == 0)
		return cmd_hangup(d, req);
	if (strcmp(cmd, "join") == 0)
		return cmd_join(d, req);
	if (strcmp(cmd, "reload") == 0)
		return cmd_reload(d, req);
	if (strcmp(cmd, "route") == 0)
		return cmd_route(d, req);
	if (strcmp(cmd, "log-level") == 0)
		return cmd_log_level(d, req);
	if (strcmp(cmd, "drain") == 0)
		return cmd_drain(d, req, true);
	if (strcmp(cmd, "undrain") == 0)
		return cmd_drain(d, req, false);
	if (strcmp(cmd, "bans") == 0)	/* flood protection: lib/sec/guard.c */
		return json_pack("{s:b,s:o}", "ok", 1, "bans",
				 guard_bans_json(guard_get(), guard_now(), time(NULL)));
	if (strcmp(cmd, "unban") == 0)
		return cmd_unban(req);
	if (strcmp(cmd, "targets") == 0)	/* target health: lib/sip/tsip_probe.c */
		return json_pack("{s:b,s:o}", "ok", 1, "targets", tsip_targets_json(d->sip));
	if (strcmp(cmd, "registrations") == 0)	/* REGISTER relayed: lib/sip/tsip_reg.c */
		return json_pack("{s:b,s:o}", "ok", 1, "registrations", tsip_reg_json(d->sip));
	return fail("unknown command \"%s\" (status, calls, call, hangup, join, reload, route, "
		    "log-level, drain, undrain, bans, unban, targets, registrations, events)", cmd);
}
