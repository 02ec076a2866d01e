/* lib/call/call_fsm.c: the call's state machine and the leg's, in one
 * place. Three tables; the call's two first:
 *
 * - what each event does in each state (state x event -> action): every
 *   event of a call's setup and end goes through call_fsm_event(), which
 *   runs the action the table names, does nothing for an event the table
 *   marks as expected and harmless there (a late 100, a timer that lost its
 *   race), and refuses, counts (call_stats.refused) and logs an event the
 *   table has no entry for: never silently ignored;
 * - which state may follow which: call_set_state() is the only function
 *   that changes a state, and it refuses, counts and logs a change the
 *   table does not allow.
 *
 *   ROUTING --place--> CALLING --18x--> EARLY --2xx--> CONFIRMED
 *                       |   ^  \--------2xx------------^    |
 *                       |   '-- failover (CALLING, EARLY)   |
 *     every state ------+--> CLOSING <-- call_close() ------'
 *
 * CLOSING is final: the call is freed once all its legs have ended (the
 * release rule, call.c). The actions are call.c's; in-dialog requests
 * (dialog.c) and transfers (xfer.c) keep their own logic and reach this
 * table through call_close().
 *
 * And each leg's, which state may follow which (leg_set_state()):
 *
 *   INVITING --2xx--> CONFIRMED --BYE sent--> ENDING
 *      |  ^--2xx crossed--.   |                  |
 *      '-CANCEL/failure-> CANCELLING --2xx, BYE--^
 *   every state --BYE, CANCEL answered, end reported, released--> ENDED
 *
 * A leg is INVITING from leg_new() until its initial INVITE has a final
 * answer: a 2xx makes it CONFIRMED; when it is given up unanswered (our
 * CANCEL on a leg we placed, our failure answer or the caller's CANCEL on
 * one that came in) it is CANCELLING until its end is reported; a 2xx
 * that crosses our CANCEL confirms it after all (kept by a transfer, or
 * ACKed and hung up: ENDING). BYE sent: ENDING. leg_end() makes any leg
 * ENDED, the final state. Sofia thread only. */
#include <errno.h>

#include "call_int.h"
#include "ops/log.h"

/* ---- which state may follow which ---- */

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

/* ---- the leg's: which state may follow which ---- */

static const bool leg_allowed[_LEG_ST_MAX][_LEG_ST_MAX] = {
	[LEG_ST_INVITING] = { [LEG_ST_CONFIRMED] = true, [LEG_ST_CANCELLING] = true,
			      [LEG_ST_ENDED] = true },
	[LEG_ST_CONFIRMED] = { [LEG_ST_ENDING] = true, [LEG_ST_ENDED] = true },
	[LEG_ST_CANCELLING] = { [LEG_ST_CONFIRMED] = true,	/* a 2xx crossed our CANCEL */
				[LEG_ST_ENDED] = true },
	[LEG_ST_ENDING] = { [LEG_ST_ENDED] = true },
	[LEG_ST_ENDED] = { 0 },
};

static const char *const leg_state_names[_LEG_ST_MAX] = {
	[LEG_ST_INVITING] = "inviting", [LEG_ST_CONFIRMED] = "confirmed",
	[LEG_ST_CANCELLING] = "cancelling", [LEG_ST_ENDING] = "ending", [LEG_ST_ENDED] = "ended",
};

const char *leg_state_name(enum leg_state st)
{
	return st < _LEG_ST_MAX ? leg_state_names[st] : "?";
}

bool leg_state_allowed(enum leg_state from, enum leg_state to)
{
	return from < _LEG_ST_MAX && to < _LEG_ST_MAX && leg_allowed[from][to];
}

static char leg_char(const struct leg *l)
{
	return l->side == LEG_A ? 'A' : 'B';
}

/* "state x -> y refused": the words tests/sip/run looks for in the log. */
int leg_set_state(struct leg *l, enum leg_state st)
{
	bool ok = leg_state_allowed(l->state, st);
	int level = ok ? LOG_LVL_DEBUG : LOG_LVL_WARNING;

	if (!ok)
		l->core->refused++;
	if (l->call)
		call_log(l->call, level, "leg %c state %s -> %s%s", leg_char(l),
			 leg_state_name(l->state), leg_state_name(st), ok ? "" : " refused");
	else if (level <= log_max_level)
		log_msg(level, "%s leg %c state %s -> %s%s", leg_log_prefix(l), leg_char(l),
			leg_state_name(l->state), leg_state_name(st), ok ? "" : " refused");
	if (!ok)
		return -EINVAL;
	l->state = st;
	return 0;
}

bool leg_is_inviting(const struct leg *l)
{
	return l->state == LEG_ST_INVITING;
}

bool leg_is_answered(const struct leg *l)
{
	return l->state == LEG_ST_CONFIRMED || l->state == LEG_ST_ENDING;
}

bool leg_is_confirmed(const struct leg *l)
{
	return l->state == LEG_ST_CONFIRMED;
}

bool leg_is_ended(const struct leg *l)
{
	return l->state == LEG_ST_ENDED;
}

/* A leg whose INVITE came in (leg A, an INVITE with Replaces): until it is
 * answered, given up or CANCELled, it waits for our final answer. */
bool leg_needs_answer(const struct leg *l)
{
	return !l->outbound && l->state == LEG_ST_INVITING;
}

/* ---- what each event does in each state ---- */

static const char *const ev_names[_CALL_EV_MAX] = {
	[CALL_EV_TRYING] = "100", [CALL_EV_PROVISIONAL] = "18x", [CALL_EV_ANSWER] = "2xx",
	[CALL_EV_FAILURE] = "failure", [CALL_EV_CANCEL] = "cancel", [CALL_EV_BYE] = "bye",
	[CALL_EV_LEG_LOST] = "leg-lost", [CALL_EV_CONNECT_TIMEOUT] = "connect-timeout",
	[CALL_EV_ANSWER_TIMEOUT] = "answer-timeout",
};

const char *call_ev_name(enum call_ev ev)
{
	return ev < _CALL_EV_MAX ? ev_names[ev] : "?";
}

/* Expected in that state, and nothing to do: a 100 or 18x after the call
 * is answered or closing, a timer that fired just as its reason went. */
static void ignore(struct call *c, struct leg *l, const struct call_msg *m)
{
	(void)c, (void)l, (void)m;
}

#define X ignore
static call_action_fn *const actions[_CALL_ST_MAX][_CALL_EV_MAX] = {
	/* no event reaches a call in ROUTING: routing is done in one go */
	[CALL_ST_ROUTING] = { 0 },
	[CALL_ST_CALLING] = {
		[CALL_EV_TRYING] = call_act_trying,
		[CALL_EV_PROVISIONAL] = call_act_early,
		[CALL_EV_ANSWER] = call_act_answer,
		[CALL_EV_FAILURE] = call_act_failover,
		[CALL_EV_CANCEL] = call_act_cancel,
		[CALL_EV_BYE] = call_act_bye,
		[CALL_EV_LEG_LOST] = call_act_leg_lost,
		[CALL_EV_CONNECT_TIMEOUT] = call_act_no_response,
		[CALL_EV_ANSWER_TIMEOUT] = call_act_no_answer,
	},
	[CALL_ST_EARLY] = {
		[CALL_EV_TRYING] = X,
		[CALL_EV_PROVISIONAL] = call_act_early,
		[CALL_EV_ANSWER] = call_act_answer,
		[CALL_EV_FAILURE] = call_act_failover,
		[CALL_EV_CANCEL] = call_act_cancel,
		[CALL_EV_BYE] = call_act_bye,
		[CALL_EV_LEG_LOST] = call_act_leg_lost,
		[CALL_EV_CONNECT_TIMEOUT] = X,
		[CALL_EV_ANSWER_TIMEOUT] = call_act_no_answer,
	},
	[CALL_ST_CONFIRMED] = {
		/* B's initial INVITE is answered: its responses are over */
		[CALL_EV_BYE] = call_act_bye,
		[CALL_EV_LEG_LOST] = call_act_leg_lost,
		[CALL_EV_CONNECT_TIMEOUT] = X,
		[CALL_EV_ANSWER_TIMEOUT] = X,
	},
	[CALL_ST_CLOSING] = {
		[CALL_EV_TRYING] = X,
		[CALL_EV_PROVISIONAL] = X,
		[CALL_EV_ANSWER] = call_act_ack_bye,	/* answered as we hung up */
		[CALL_EV_FAILURE] = X,		/* the answer to our CANCEL's INVITE */
		[CALL_EV_CANCEL] = call_act_cancel,	/* crossed our final answer */
		[CALL_EV_BYE] = call_act_leg_gone,
		[CALL_EV_LEG_LOST] = call_act_leg_gone,
		[CALL_EV_CONNECT_TIMEOUT] = X,
		[CALL_EV_ANSWER_TIMEOUT] = X,
	},
};
#undef X

call_action_fn *call_fsm_action(enum call_state st, enum call_ev ev)
{
	return st < _CALL_ST_MAX && ev < _CALL_EV_MAX ? actions[st][ev] : NULL;
}

int call_fsm_event(struct call *c, enum call_ev ev, struct leg *l, const struct call_msg *m)
{
	call_action_fn *act = call_fsm_action(c->state, ev);

	if (act == NULL) {
		c->core->refused++;
		call_log(c, LOG_LVL_WARNING, "event %s refused in state %s", call_ev_name(ev),
			 call_state_name(c->state));
		return -EINVAL;
	}
	call_log(c, LOG_LVL_DEBUG, "event %s in state %s%s", call_ev_name(ev),
		 call_state_name(c->state), act == ignore ? ": nothing to do" : "");
	act(c, l, m);
	return 0;
}
