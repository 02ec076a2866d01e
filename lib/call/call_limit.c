/* lib/call/call_limit.c: the limits of one call beyond the call counts of
 * call.c: concurrent calls per source address (`limits.max_calls_per_source`,
 * counted in lib/sec/guard's table), new calls per second per source
 * address (`limits.cps_per_source`; an IPv6 source by its /64, as the guard
 * counts it), per authenticated user (`limits.cps_per_user`) and per route
 * (the route's `max_cps`), each a token bucket of one second's calls
 * (lib/util/trate.c): a new call over any of them ends with 503 and
 * Retry-After, reason "limit". Sources in flood.trusted are exempt from the
 * per-source limits. And the longest a call may last once answered
 * (the route's `max_duration`, else `calls.max_duration`: when it runs out
 * the call is closed with BYE on both legs, reason "max-duration").
 * Sofia thread only. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "call_int.h"
#include "ops/log.h"

#define CPS_TABLE 4096	/* sources or users tracked at once, per limit */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One call from key against rate calls per second in *table (made when
 * first needed): true when it may go on. */
static bool cps_take(struct trate **table, const char *key, int rate)
{
	if (*table == NULL && (*table = trate_new(CPS_TABLE)) == NULL)
		return true;	/* out of memory: not a reason to refuse calls */
	return trate_take(*table, key, rate, rate, now_s());
}

static int refuse(struct call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int refuse(struct call *c, const char *fmt, ...)
{
	char why[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	call_log(c, LOG_LVL_NOTICE, "%s", why);
	call_close(c, CALL_END_LIMIT, 503, "Service Unavailable");
	return -EBUSY;	/* closed; call_on_invite frees it */
}

static int cps_admit(struct call *c, const struct call_invite *inv, struct guard *g)
{
	const struct conf *conf = c->conf;
	struct guard_addr a;
	char key[64];

	if (conf->cps_per_source > 0 && inv->source && !(g && guard_trusted(g, inv->source)) &&
	    guard_addr_of(inv->source, &a) == 0) {
		guard_addr_text(&a, key, sizeof(key));
		if (!cps_take(&c->core->cps_source, key, conf->cps_per_source))
			return refuse(c, "limit of %d calls per second from %s reached",
				      conf->cps_per_source, key);
	}
	if (conf->cps_per_user > 0 && inv->auth_user &&
	    !cps_take(&c->core->cps_user, inv->auth_user, conf->cps_per_user))
		return refuse(c, "limit of %d calls per second of user '%s' reached",
			      conf->cps_per_user, inv->auth_user);
	return 0;
}

int call_limit_route(struct call *c)
{
	const struct conf_route *rt = c->route;

	if (rt->max_cps <= 0 || trate_bucket_take(&c->route_count->cps, rt->max_cps, rt->max_cps,
						   now_s()))
		return 0;
	return refuse(c, "route limit of %d calls per second reached (route %s)", rt->max_cps,
		      rt->name);
}

void call_limit_core_free(struct call_core *core)
{
	trate_free(core->cps_source);
	trate_free(core->cps_user);
	core->cps_source = core->cps_user = NULL;
}

int call_limit_admit(struct call *c, const struct call_invite *inv)
{
	struct guard *g = guard_get();
	const struct sockaddr *src = inv->source;
	unsigned max = c->conf->max_calls_per_source > 0 ? (unsigned)c->conf->max_calls_per_source : 0;
	int r;

	if (cps_admit(c, inv, g) < 0)
		return -EBUSY;
	if (g == NULL || src == NULL)
		return 0;
	r = guard_call_add(g, src, max, &c->src_key);
	if (r == -EBUSY) {
		call_log(c, LOG_LVL_NOTICE, "limit of %u calls from %s reached", max, c->source);
		call_close(c, CALL_END_LIMIT, 503, "Service Unavailable");
		return r;	/* closed; call_on_invite frees it */
	}
	c->src_counted = r == 0;
	return 0;
}

static void on_duration(void *arg)
{
	struct call *c = arg;

	if (c->state == CALL_ST_CLOSING)
		return;
	call_log(c, LOG_LVL_NOTICE, "max_duration of %d s reached: hanging up",
		 c->route ? c->route->max_duration : 0);
	call_close(c, CALL_END_MAX_DURATION, 200, NULL);
	call_free_if_done(c);	/* a timer: the entry point (call.c's release rule) */
}

void call_limit_answered(struct call *c)
{
	int secs = c->route ? c->route->max_duration : 0;

	if (secs <= 0 || c->duration_timer)
		return;
	c->duration_timer = ttimer_new(c->core->root, on_duration, c);
	if (c->duration_timer == NULL ||
	    ttimer_start(c->duration_timer, (unsigned)secs * 1000u) < 0)
		call_log(c, LOG_LVL_ERR, "cannot start the max_duration timer");
}

void call_limit_free(struct call *c)
{
	c->duration_timer = ttimer_free(c->duration_timer);
	if (c->src_counted)
		guard_call_del(guard_get(), &c->src_key);
	c->src_counted = false;
}
