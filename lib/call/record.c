/* lib/call/record.c: what the coordinator tells the outside about a call:
 * its events (state changes, answer, end) and, once, the record of the
 * finished call, both published on the ops bus. Sofia thread only. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "call_int.h"

double call_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void call_format_source(const struct sockaddr *sa, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "";

	buf[0] = '\0';
	if (sa && sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)sa;
		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(s4->sin_port));
	} else if (sa && sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;
		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(s6->sin6_port));
	}
}

/* An event of this call, with its fields (stolen) and the legs' Call-IDs. */
void call_publish(struct call *c, const char *type, json_t *fields)
{
	json_t *ev;

	if (!bus_active()) {
		json_decref(fields);
		return;
	}
	ev = bus_event_new(type, (unsigned long long)c->id);
	if (ev == NULL) {
		json_decref(fields);
		return;
	}
	json_object_set_new(ev, "uuid", json_string(c->uuid));
	if (c->route)
		json_object_set_new(ev, "route", json_string(c->route->name));
	if (c->leg[LEG_A] && c->leg[LEG_A]->call_id)
		json_object_set_new(ev, "a_call_id", json_string(c->leg[LEG_A]->call_id));
	if (c->leg[LEG_B] && c->leg[LEG_B]->call_id)
		json_object_set_new(ev, "b_call_id", json_string(c->leg[LEG_B]->call_id));
	if (fields)
		json_object_update(ev, fields);
	json_decref(fields);
	bus_event(ev);
}

static const char *ended_by(enum call_end why)
{
	switch (why) {
	case CALL_END_BYE_A:
	case CALL_END_CANCEL:
		return "caller";
	case CALL_END_BYE_B:
	case CALL_END_REJECTED:
		return "callee";
	case CALL_END_HANGUP:
		return "operator";
	default:
		return "tandem";
	}
}

/* The record of the call, published once, from call_free(). */
void call_publish_record(struct call *c)
{
	json_t *rec, *targets;

	if (!bus_active())
		return;
	targets = json_array();
	for (unsigned i = 0; targets && i < c->n_attempts; i++)
		json_array_append_new(targets, json_pack("{s:s,s:i}", "target", c->attempts[i].target,
							 "status", c->attempts[i].status));
	rec = json_pack("{s:I,s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s,s:o*,s:f,s:o,s:f,s:f,s:o,s:i,s:s,s:s,s:o*,s:o}",
			"call", (json_int_t)c->id, "uuid", c->uuid, "node", tid_node(),
			"a_call_id", c->leg[LEG_A] ? c->leg[LEG_A]->call_id : NULL,
			"b_call_id", c->leg[LEG_B] ? c->leg[LEG_B]->call_id : NULL,
			"from", c->from_user, "to", c->to_user, "ruri_user", c->caller_ruri_user,
			"route", c->route ? c->route->name : NULL,
			"source", c->source,
			"targets", targets,
			"start", c->t_start,
			"answer", c->t_answer > 0 ? json_real(c->t_answer) : json_null(),
			"end", c->t_end > 0 ? c->t_end : call_now(),
			"duration", c->t_answer > 0 ? c->t_end - c->t_answer : 0.0,
			"setup_ms", c->t_answer > 0 ? json_real((c->t_answer - c->t_start) * 1000.0) :
						      json_null(),
			"code", c->end_code,	/* as in call.ended (call_close) */
			"reason", call_end_name(c->end),
			"ended_by", ended_by(c->end),
			"media", media_record(c),
			"transfers", c->transfers ? json_incref(c->transfers) : json_array());
	if (rec)	/* who was in its conference bridge, for how long */
		json_object_set_new(rec, "bridge", bridge_record(c) ?: json_null());
	if (rec)
		json_object_set_new(rec, "dtmf", json_pack("{s:i,s:i}", "a", c->dtmf_n[LEG_A],
							   "b", c->dtmf_n[LEG_B]));
	if (rec) {	/* the user the targets got (after rewrite_user), who authenticated */
		json_object_set_new(rec, "ruri_user_out",
				    c->ruri_user ? json_string(c->ruri_user) : json_null());
		json_object_set_new(rec, "auth_user",
				    c->auth_user ? json_string(c->auth_user) : json_null());
	}
	bus_record(rec);
}
