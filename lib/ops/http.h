/* lib/ops/http: the HTTP endpoint (libmicrohttpd): /events as Server-Sent
 * Events, and GETs answered by the sofia thread (/status, /calls, /calls/ID,
 * /metrics: the daemon's render callback). MHD runs its own threads (one per
 * connection, at most HTTP_MAX_CLIENTS); they never touch call state. A GET
 * becomes a job in a queue that the sofia thread serves from its loop (an
 * eventfd in su_root) and the HTTP thread waits for; the answers of the
 * fixed paths are kept HTTP_CACHE_MS, so a flood of requests costs the sofia
 * thread one rendering per path per period. Events reach SSE clients through
 * a bounded buffer per client; a client that falls behind is dropped.
 * http_new/http_free/http_publish: sofia thread. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct http;

#define HTTP_MAX_CLIENTS 64
#define HTTP_CACHE_MS 200
#define HTTP_SSE_BACKLOG (256 * 1024)	/* unsent event bytes per SSE client */
#define HTTP_WAIT_MS 3000		/* how long a GET waits for the sofia thread */

/* Sofia thread: the body for a GET of path (malloc'd), with its status code
 * and content type; NULL with *ret_status set for an error without body. */
typedef char *(*http_render_fn)(void *arg, const char *path, int *ret_status,
				const char **ret_ctype);

/* root: the su_root_t *. address: an IPv4 or IPv6 literal. */
int http_new(void *root, const char *address, int port, http_render_fn fn, void *arg,
	     struct http **ret);
/* Ends every SSE stream, fails waiting GETs (503), stops MHD, joins its threads. */
struct http *http_free(struct http *h);

/* An event line (JSON, no newline) to every SSE client. */
void http_publish(struct http *h, const char *line, size_t len);
unsigned http_sse_clients(const struct http *h);
uint64_t http_sse_dropped(const struct http *h);
