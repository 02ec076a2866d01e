/* lib/call/call_limit.c: the limits of one call beyond the call counts of
 * call.c: concurrent calls per source address (`limits.max_calls_per_source`,
 * counted in lib/sec/guard's table: a new call over it ends with 503 and
 * Retry-After, reason "limit"), and the longest a call may last once answered
 * (the route's `max_duration`, else `calls.max_duration`: when it runs out
 * the call is closed with BYE on both legs, reason "max-duration").
 * Sofia thread only. */
#include <errno.h>

#include "call_int.h"
#include "ops/log.h"

int call_limit_admit(struct call *c, const struct sockaddr *src)
{
	struct guard *g = guard_get();
	unsigned max = c->conf->max_calls_per_source > 0 ? (unsigned)c->conf->max_calls_per_source : 0;
	int r;

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
