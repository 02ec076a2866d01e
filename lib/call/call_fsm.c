/* lib/call/call_fsm.c: the states of a call and the only function that
 * changes one. Every change is checked against the table below: a change
 * the table does not allow is refused, counted (call_stats.refused) and
 * logged, never silently done. Each change is logged at debug and published
 * as a call.state event. Sofia thread only.
 *
 *   ROUTING --place--> CALLING --18x--> EARLY --2xx--> CONFIRMED
 *      |                 ^  |  \          |  \            |
 *      |                 |__|   \--2xx---|---\-----------'
 *      |            failover (CALLING or EARLY -> CALLING)    
 *      '---------------------> CLOSING <-- every state: call_close()
 *
 * CLOSING is final: the call is freed once all its legs have ended. */
#include <errno.h>

#include "call_int.h"
#include "ops/log.h"

static const bool allowed[_CALL_ST_MAX][_CALL_ST_MAX] = {
	[CALL_ST_ROUTING] = { [CALL_ST_CALLING] = true, [CALL_ST_CLOSING] = true },
	[CALL_ST_CALLING] = { [CALL_ST_CALLING] = true,	/* the next target */
			      [CALL_ST_EARLY] = true, [CALL_ST_CONFIRMED] = true,
			      [CALL_ST_CLOSING] = true },
	[CALL_ST_EARLY] = { [CALL_ST_CALLING] = true, [CALL_ST_CONFIRMED] = true,
			    [CALL_ST_CLOSING] = true },
	[CALL_ST_CONFIRMED] = { [CALL_ST_CLOSING] = true },
	[CALL_ST_CLOSING] = { 0 },
};

bool call_state_allowed(enum call_state from, enum call_state to)
{
	return from < _CALL_ST_MAX && to < _CALL_ST_MAX && allowed[from][to];
}

int call_set_state(struct call *c, enum call_state st)
{
	if (!call_state_allowed(c->state, st)) {
		c->core->refused++;
		call_log(c, LOG_LVL_WARNING, "state %s -> %s refused", call_state_name(c->state),
			 call_state_name(st));
		return -EINVAL;
	}
	call_log(c, LOG_LVL_DEBUG, "state %s -> %s", call_state_name(c->state), call_state_name(st));
	c->state = st;
	call_publish(c, BUS_EV_CALL_STATE, json_pack("{s:s}", "state", call_state_name(st)));
	return 0;
}
