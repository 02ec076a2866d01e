/* lib/call/core.c: the coordinator as a whole: the list of calls, the
 * current config snapshot, drain, counters and calls per second, per-route
 * call counts, and what the control socket asks of all calls. Sofia thread
 * only. */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "call_int.h"

#define QUALITY_MS 10000	/* media.quality events of every answered call */

static void on_quality(void *arg)
{
	struct call_core *core = arg;

	if (core->relay)
		media_publish_quality(core);
	ttimer_start(core->quality_timer, QUALITY_MS);
}

int call_core_new(const struct leg_ops *ops, void *root, struct relay *relay,
		  struct call_core **ret)
{
	struct call_core *core = calloc(1, sizeof(*core));

	if (core == NULL)
		return -ENOMEM;
	core->ops = ops;
	core->relay = relay;
	core->root = root;
	core->quality_timer = ttimer_new(root, on_quality, core);
	if (core->quality_timer)
		ttimer_start(core->quality_timer, QUALITY_MS);
	*ret = core;
	return 0;
}

struct relay *call_core_relay(struct call_core *core)
{
	return core->relay;
}

int call_core_streams(struct call_core *core, uint64_t id, struct call_stream_info *ret,
		      unsigned max)
{
	struct call *c;
	unsigned n = 0;

	for (c = core->calls; c; c = c->next)
		if (c->id == id)
			break;
	if (c == NULL)
		return -ENOENT;
	for (unsigned i = 0; i < c->n_streams && n < max; i++) {
		struct call_stream *cs = &c->streams[i];
		struct call_stream_info *si = &ret[n];
		if (!cs->active)
			continue;
		*si = (struct call_stream_info){ .index = i, .type = cs->type, .codec = cs->codec };
		for (int s = 0; s < _LEG_SIDE_MAX; s++) {
			si->port[s] = cs->port[s];
			si->mux[s] = cs->mux[s];
			si->dir[s] = tsdp_dir_name(cs->dir[s]);
			si->srtp[s] = cs->srtp[s] ? tsrtp_suite_name(cs->tx[s].suite) : NULL;
		}
		if (relay_pair_stats(core->relay, cs->id, si->st) < 0)
			continue;
		n++;
	}
	return (int)n;
}

struct call_core *call_core_free(struct call_core *core)
{
	if (core == NULL)
		return NULL;
	/* calls still here are gone with the SIP stack: free without
	 * signalling. Every leg a call holds is ended, the transfer leg and
	 * legs let go by a transfer too, so each call is freed at once. */
	while (core->calls) {
		struct call *c = core->calls;
		bool freed;

		if (c->state != CALL_ST_CLOSING)
			call_set_state(c, CALL_ST_CLOSING);
		call_end_legs(c);
		freed = call_free_if_done(c);
		assert(freed);	/* else this loop would never end */
		(void)freed;
	}
	bridge_core_free(core);
	referfwd_free_all(core);
	while (core->route_counts) {
		struct route_count *rc = core->route_counts;
		core->route_counts = rc->next;
		free(rc);
	}
	call_limit_core_free(core);
	ttimer_free(core->quality_timer);
	conf_unref(core->conf);
	free(core);
	return NULL;
}

void call_core_set_conf(struct call_core *core, struct conf *conf)
{
	conf_unref(core->conf);
	core->conf = conf_ref(conf);
}

void call_core_set_health(struct call_core *core, bool (*down)(void *arg, const char *target),
			  void *arg)
{
	core->target_down = down;
	core->health_arg = arg;
}

void call_core_set_bindings(struct call_core *core,
			    bool (*find)(void *arg, const char *user, struct call_binding *ret),
			    void *arg)
{
	core->binding_find = find;
	core->binding_arg = arg;
}

bool core_target_down(const struct call_core *core, const char *target)
{
	return core->target_down && core->target_down(core->health_arg, target);
}

struct conf *call_core_conf(struct call_core *core)
{
	return core->conf;
}

void call_core_drain(struct call_core *core, bool on)
{
	core->draining = on;
}

bool call_core_draining(const struct call_core *core)
{
	return core->draining;
}

void call_core_hangup_all(struct call_core *core, enum call_end why)
{
	struct call *c, *next;

	for (c = core->calls; c; c = next) {
		next = c->next;	/* call_free_if_done may free c */
		call_close(c, why, 503, "Service Unavailable");
		call_free_if_done(c);
	}
}

void core_count_call(struct call_core *core, time_t now)
{
	unsigned i = (unsigned)(now % CPS_SLOTS);

	if (core->cps_sec[i] != now) {
		core->cps_sec[i] = now;
		core->cps_n[i] = 0;
	}
	core->cps_n[i]++;
}

void call_core_stats(struct call_core *core, struct call_stats *ret)
{
	time_t now = time(NULL);
	unsigned sum = 0;

	/* the last CPS_SLOTS whole seconds, not the one in progress */
	for (unsigned i = 0; i < CPS_SLOTS; i++)
		if (core->cps_sec[i] < now && core->cps_sec[i] >= now - CPS_SLOTS)
			sum += core->cps_n[i];
	ret->active = core->active;
	ret->total = core->total;
	ret->answered = core->answered;
	ret->failed = core->failed;
	ret->refused = core->refused;
	ret->cps = (double)sum / CPS_SLOTS;
}

int call_core_foreach(struct call_core *core, int (*fn)(const struct call_info *ci, void *arg),
		      void *arg)
{
	for (struct call *c = core->calls; c; c = c->next) {
		struct call_info ci = {
			.id = c->id, .uuid = c->uuid,
			.a_call_id = c->leg[LEG_A] ? c->leg[LEG_A]->call_id : NULL,
			.b_call_id = c->leg[LEG_B] ? c->leg[LEG_B]->call_id : NULL,
			.from = c->from_user, .to = c->ruri_user,
			.route = c->route ? c->route->name : NULL,
			.target = c->target,
			.state = c->state, .started = c->started, .answered = c->answered_at,
			.codec = c->n_streams && c->streams[0].codec[0] ? c->streams[0].codec : NULL,
		};
		for (unsigned i = 0; i < c->n_streams; i++)
			if (c->streams[i].srtp[LEG_A] || c->streams[i].srtp[LEG_B])
				ci.srtp = true;
		int r = fn(&ci, arg);
		if (r < 0)
			return r;
	}
	return 0;
}

int call_core_hangup(struct call_core *core, uint64_t id)
{
	for (struct call *c = core->calls; c; c = c->next)
		if (c->id == id) {
			if (c->state == CALL_ST_CLOSING)
				return -EALREADY;
			call_close(c, CALL_END_HANGUP, 503, "Service Unavailable");
			call_free_if_done(c);
			return 0;
		}
	return -ENOENT;
}

struct route_count *core_route_count(struct call_core *core, const char *name)
{
	struct route_count *rc;
	size_t n = strlen(name);

	for (rc = core->route_counts; rc; rc = rc->next)
		if (strcmp(rc->name, name) == 0)
			return rc;
	rc = calloc(1, sizeof(*rc) + n + 1);
	if (rc == NULL)
		return NULL;
	memcpy(rc->name, name, n + 1);
	rc->next = core->route_counts;
	core->route_counts = rc;
	return rc;
}
