/* daemon/tandemctl_print.c: how tandemctl shows tandemd's answers to people:
 * one printer per command (tables with a count line), JSON values with the
 * reals rounded, and events one per line. --json bypasses all of this. */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tandemctl.h"

/* A real for people: at most 3 decimals, without trailing zeros
 * (0.29999999999999999 -> 0.3, 61.0 -> 61); tiny values keep 2 digits. */
static void print_real(FILE *f, double v)
{
	char buf[64];
	char *e;

	if (v != 0 && v > -0.001 && v < 0.001) {
		fprintf(f, "%.2g", v);
		return;
	}
	snprintf(buf, sizeof(buf), "%.3f", v);
	e = buf + strlen(buf) - 1;
	while (*e == '0')
		*e-- = '\0';
	if (*e == '.')
		*e = '\0';
	fputs(strcmp(buf, "-0") ? buf : "0", f);
}

/* A JSON value for people: compact JSON with the reals rounded; a string at
 * the top is printed as it is, inside objects and arrays quoted. */
void print_value(FILE *f, json_t *v, bool top)
{
	const char *key;
	json_t *x;
	size_t i;
	char *s;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		fputc('{', f);
		i = 0;
		json_object_foreach(v, key, x) {
			json_t *k = json_string(key);
			s = json_dumps(k, JSON_ENCODE_ANY);
			fprintf(f, "%s%s:", i++ ? "," : "", s ? s : "\"?\"");
			free(s);
			json_decref(k);
			print_value(f, x, false);
		}
		fputc('}', f);
		break;
	case JSON_ARRAY:
		fputc('[', f);
		json_array_foreach(v, i, x) {
			if (i)
				fputc(',', f);
			print_value(f, x, false);
		}
		fputc(']', f);
		break;
	case JSON_REAL:
		print_real(f, json_real_value(v));
		break;
	case JSON_STRING:
		if (top) {
			fputs(json_string_value(v), f);
			break;
		}
		/* fall through */
	default:
		s = json_dumps(v, JSON_ENCODE_ANY);
		fputs(s ? s : "?", f);
		free(s);
		break;
	}
}

const char *s_or(json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : dflt;
}

long long i_of(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static void print_ops(json_t *o)
{
	json_t *rec = json_object_get(o, "records"), *wh = json_object_get(o, "webhooks");
	json_t *ev = json_object_get(o, "events");

	if (o == NULL)
		return;
	if (json_object_get(rec, "file") && !json_is_null(json_object_get(rec, "file")))
		printf("records   %s: %lld written, %lld failed, %lld dropped\n",
		       s_or(rec, "file", "?"), i_of(rec, "written"), i_of(rec, "failed"),
		       i_of(rec, "dropped"));
	if (i_of(wh, "attempts") || i_of(wh, "dropped"))
		printf("webhooks  %lld delivered, %lld failed, %lld dropped (queue full)\n",
		       i_of(wh, "delivered"), i_of(wh, "failed"), i_of(wh, "dropped"));
	if (json_is_string(json_object_get(o, "http")))
		printf("http      %s port %lld\n", s_or(o, "http", "?"), i_of(o, "http_port"));
	printf("events    %lld subscribers, %lld dropped for being slow\n", i_of(ev, "subscribers"),
	       i_of(ev, "dropped"));
}

static void print_status(json_t *a)
{
	json_t *c = json_object_get(a, "calls"), *r = json_object_get(a, "reloads");
	time_t loaded = (time_t)i_of(a, "config_loaded");
	char when[64];

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime(&loaded));
	printf("tandemd %s, node %s, up %llds%s\n", s_or(a, "version", "?"), s_or(a, "node", "?"),
	       i_of(a, "uptime"),
	       json_is_true(json_object_get(a, "draining")) ? ", DRAINING (new calls get 503)" : "");
	printf("config    %s (loaded %s; reloads ok %lld, failed %lld)\n", s_or(a, "config", "?"),
	       when, i_of(r, "ok"), i_of(r, "failed"));
	printf("calls     %lld active, %lld total, %lld answered, %lld failed, %.1f calls/s\n",
	       i_of(c, "active"), i_of(c, "total"), i_of(c, "answered"), i_of(c, "failed"),
	       json_real_value(json_object_get(c, "cps")));
	print_ops(json_object_get(a, "ops"));
}

static void print_call_row(json_t *c)
{
	printf("%-6lld %-36s %-10s %-16.16s %-16.16s %-12.12s %6lld %-6.6s %-4s %s / %s\n",
	       i_of(c, "id"), s_or(c, "uuid", "-"), s_or(c, "state", "-"), s_or(c, "from", "-"), s_or(c, "to", "-"),
	       s_or(c, "route", "-"), i_of(c, "age"), s_or(c, "codec", "-"),
	       json_is_true(json_object_get(c, "srtp")) ? "yes" : "no",
	       s_or(c, "a_call_id", "-"), s_or(c, "b_call_id", "-"));
}

static void print_calls(json_t *a)
{
	json_t *arr = json_object_get(a, "calls"), *c;
	size_t i;

	printf("%-6s %-36s %-10s %-16s %-16s %-12s %6s %-6s %-4s %s\n", "ID", "UUID", "STATE",
	       "FROM", "TO", "ROUTE", "AGE", "CODEC", "SRTP", "CALL-ID A / B");
	json_array_foreach(arr, i, c)
		print_call_row(c);
	printf("%zu calls\n", json_array_size(arr));
}

static void print_call(json_t *a)
{
	json_t *c = json_object_get(a, "call");
	const char *key;
	json_t *v;

	json_object_foreach(c, key, v) {
		printf("%-12s ", key);
		print_value(stdout, v, true);
		putchar('\n');
	}
}

/* the answer's Unix times, as local time */
static const char *hhmmss(json_int_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL || strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
	return buf;
}

static void print_bans(json_t *a)
{
	json_t *arr = json_object_get(a, "bans"), *b;
	char since[32], expires[32];
	size_t i;

	printf("%-39s %-6s %6s %-19s %-19s %6s\n", "ADDRESS", "REASON", "COUNT", "SINCE", "EXPIRES",
	       "HITS");
	json_array_foreach(arr, i, b)
		printf("%-39s %-6s %6lld %-19s %-19s %6lld\n", s_or(b, "address", "?"),
		       s_or(b, "reason", "?"), i_of(b, "count"),
		       hhmmss(i_of(b, "since"), since, sizeof(since)),
		       hhmmss(i_of(b, "expires"), expires, sizeof(expires)), i_of(b, "hits"));
	printf("%zu bans\n", json_array_size(arr));
}

static void print_targets(json_t *a)
{
	json_t *arr = json_object_get(a, "targets"), *t;
	char since[32];
	size_t i;

	printf("%-40s %-10s %5s %5s %8s %8s %-19s\n", "TARGET", "STATE", "LAST", "FAILS", "PROBES",
	       "FAILED", "SINCE");
	json_array_foreach(arr, i, t)
		printf("%-40s %-10s %5lld %5lld %8lld %8lld %-19s\n", s_or(t, "target", "?"),
		       s_or(t, "state", "?"), i_of(t, "last_status"), i_of(t, "fails"),
		       i_of(t, "probes"), i_of(t, "failed"),
		       i_of(t, "changed") ? hhmmss(i_of(t, "changed"), since, sizeof(since)) : "-");
	printf("%zu targets\n", json_array_size(arr));
}

static void print_registrations(json_t *a)
{
	json_t *arr = json_object_get(a, "registrations"), *r;
	size_t i;

	printf("%-30s %-22s %-4s %-3s %6s %6s %-20s %s\n", "AOR", "SOURCE", "TP", "NAT", "EXP",
	       "REGEXP", "TOKEN", "CONTACT");
	json_array_foreach(arr, i, r)
		printf("%-30s %-22s %-4s %-3s %6lld %6lld %-20s %s\n", s_or(r, "aor", "?"),
		       s_or(r, "source", "?"), s_or(r, "transport", "?"),
		       json_is_true(json_object_get(r, "nat")) ? "yes" : "no", i_of(r, "expires"),
		       i_of(r, "registrar_expires"), s_or(r, "token", "?"), s_or(r, "contact", "?"));
	printf("%zu registrations\n", json_array_size(arr));
}

static void print_route(json_t *a)
{
	json_t *t = json_object_get(a, "targets"), *v;
	size_t i;

	if (json_object_get(a, "reject")) {
		printf("route %s: reject %lld\n", s_or(a, "route", "(none)"), i_of(a, "reject"));
		return;
	}
	printf("route %s: user %s\n", s_or(a, "route", "?"), s_or(a, "user", ""));
	json_array_foreach(t, i, v)
		printf("  target %zu: %s\n", i + 1, json_string_value(v));
}

/* One event for people: time, type, call id, then the other fields. */
void print_event(json_t *ev)
{
	double t = json_number_value(json_object_get(ev, "time"));
	time_t sec = (time_t)t;
	char when[32];
	const char *key;
	json_t *v;

	strftime(when, sizeof(when), "%H:%M:%S", localtime(&sec));
	printf("%s.%03d %-14s call %-6lld", when, (int)((t - (double)sec) * 1000),
	       s_or(ev, "event", "?"), i_of(ev, "call"));
	json_object_foreach(ev, key, v) {
		if (!strcmp(key, "event") || !strcmp(key, "time") || !strcmp(key, "call"))
			continue;
		printf(" %s=", key);
		print_value(stdout, v, true);
	}
	putchar('\n');
}

void print_answer(const char *cmd, json_t *ans)
{
	if (strcmp(cmd, "status") == 0)
		print_status(ans);
	else if (strcmp(cmd, "calls") == 0)
		print_calls(ans);
	else if (strcmp(cmd, "call") == 0)
		print_call(ans);
	else if (strcmp(cmd, "route") == 0)
		print_route(ans);
	else if (strcmp(cmd, "bans") == 0)
		print_bans(ans);
	else if (strcmp(cmd, "targets") == 0)
		print_targets(ans);
	else if (strcmp(cmd, "registrations") == 0)
		print_registrations(ans);
	else if (strcmp(cmd, "reload") == 0)
		printf("reloaded %s: %lld routes\n", s_or(ans, "config", "?"), i_of(ans, "routes"));
	else
		printf("ok\n");
}

