/* lib/ops/bus.c: see bus.h. */
#include <sys/time.h>

#include "bus.h"
#include "util/tid.h"

/* Every event and record names the node it comes from (lib/util/tid.h). */
static void add_node(json_t *o)
{
	if (*tid_node() && json_object_get(o, "node") == NULL)
		json_object_set_new(o, "node", json_string(tid_node()));
}

static struct bus_sink sink;
static bool installed;

void bus_set_sink(const struct bus_sink *s)
{
	installed = s != NULL;
	if (s)
		sink = *s;
}

bool bus_active(void)
{
	return installed;
}

void bus_event(json_t *ev)
{
	if (ev && installed && sink.event) {
		add_node(ev);
		sink.event(sink.arg, ev);
	}
	json_decref(ev);
}

void bus_record(json_t *rec)
{
	if (rec && installed && sink.record) {
		add_node(rec);
		sink.record(sink.arg, rec);
	}
	json_decref(rec);
}

void bus_sip(bool in, const char *method, int status)
{
	if (installed && sink.sip)
		sink.sip(sink.arg, in, method, status);
}

json_t *bus_event_new(const char *type, unsigned long long call_id)
{
	struct timeval tv;
	json_t *ev;

	gettimeofday(&tv, NULL);
	ev = json_pack("{s:s,s:f,s:I}", "event", type,
		       "time", (double)tv.tv_sec + (double)tv.tv_usec / 1e6,
		       "call", (json_int_t)call_id);
	if (ev)
		add_node(ev);
	return ev;
}
