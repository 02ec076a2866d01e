/* lib/ops/bus: where the coordinator's live events and finished-call records
 * go. The coordinator (and lib/sip, lib/media through it) publish JSON
 * objects; the daemon installs the sinks (control-socket subscribers, SSE
 * clients, webhooks, the records file, metrics). With no sink installed,
 * publishing costs a pointer test. Sofia thread only: sinks that do slow
 * work (files, HTTP) hand it to threads of their own. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

/* Event types, the "event" field of every event object. */
#define BUS_EV_CALL_CREATED	"call.created"
#define BUS_EV_CALL_STATE	"call.state"
#define BUS_EV_CALL_ANSWERED	"call.answered"
#define BUS_EV_MEDIA_STARTED	"media.started"
#define BUS_EV_MEDIA_STOPPED	"media.stopped"
#define BUS_EV_MEDIA_QUALITY	"media.quality"
#define BUS_EV_TRANSFER		"transfer"
#define BUS_EV_CALL_DTMF	"call.dtmf"
#define BUS_EV_CALL_ENDED	"call.ended"
#define BUS_EV_BRIDGE_JOIN	"bridge.join"	/* lib/call/bridge.c */
#define BUS_EV_BRIDGE_LEAVE	"bridge.leave"
#define BUS_EV_TARGET_DOWN	"target.down"	/* lib/sip/tsip_probe.c */
#define BUS_EV_TARGET_UP	"target.up"
#define BUS_EV_REG_ADD		"registration.add"	/* lib/sip/tsip_reg.c */
#define BUS_EV_REG_REFRESH	"registration.refresh"
#define BUS_EV_REG_REMOVE	"registration.remove"

struct bus_sink {
	/* an event: {"event": TYPE, "time": epoch seconds (real), "call": id,
	 * "node": the node id, "uuid": the call's UUID, ...} */
	void (*event)(void *arg, json_t *ev);
	/* the record of a finished call (one JSON line of the records file) */
	void (*record)(void *arg, json_t *rec);
	/* a SIP message seen: dir "in"/"out", method, status (0 for requests) */
	void (*sip)(void *arg, bool in, const char *method, int status);
	void *arg;
};

/* Install (or with NULL remove) the one sink. */
void bus_set_sink(const struct bus_sink *sink);
bool bus_active(void);

/* Publish; both steal the reference (NULL-safe). */
void bus_event(json_t *ev);
void bus_record(json_t *rec);
void bus_sip(bool in, const char *method, int status);

/* {"event": type, "time": now, "call": id, "node": node id} to add fields to.
 * bus_event() and bus_record() add "node" where it is missing. */
json_t *bus_event_new(const char *type, unsigned long long call_id);
