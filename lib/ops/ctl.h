/* lib/ops/ctl: the control socket. A Unix stream socket; a client sends one
 * request per line (a JSON object, or a bare command word for people typing),
 * and gets one JSON object per line back. This file does the socket work;
 * what a command does is the dispatch callback's business. Sofia thread. */
#pragma once

#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>

struct ctl;

/* dispatch gets the parsed request ({"cmd": "...", ...}) and returns the
 * answer, which ctl sends and frees. */
typedef json_t *(*ctl_dispatch_fn)(void *arg, json_t *req);

/* root is the su_root_t *. Creates the socket's directory when missing. */
int ctl_new(void *root, const char *path, unsigned mode, ctl_dispatch_fn fn, void *arg,
	    struct ctl **ret);
struct ctl *ctl_free(struct ctl *c);	/* closes clients, removes the socket */

/* Turn a request line into a request object: JSON as it is, or "word [arg]". */
json_t *ctl_parse_request(const char *line, char *err, size_t errlen);

/* Events: a client that sent {"cmd":"events"} (optionally with "events":
 * [types]) gets each event line whose type it wants. A subscriber whose
 * unsent lines would pass 1 MiB is dropped (counted), never waited for. */
void ctl_broadcast(struct ctl *c, const char *type, const char *line, size_t len);
unsigned ctl_subscribers(const struct ctl *c);
uint64_t ctl_dropped(const struct ctl *c);
