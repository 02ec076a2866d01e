/* lib/sip: the sofia-sip NUA front end. Owns the nua_t, turns NUA events
 * into call_on_*() events of the coordinator, and carries out the
 * coordinator's leg operations with NUA calls. Sofia thread only. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "call/call.h"
#include "conf/conf.h"

struct tsip;

/* root is the su_root_t *; the NUA binds the listeners of conf. relay
 * anchors the media (NULL: SDP passes through). */
int tsip_new(void *root, struct conf *conf, struct relay *relay, struct tsip **ret);
struct call_core *tsip_core(struct tsip *t);
/* Apply what a reload may change on the fly (log trace, user agent). */
void tsip_reconfigure(struct tsip *t, struct conf *conf);
/* Start the NUA shutdown; done() is called once it has finished. */
void tsip_shutdown(struct tsip *t, void (*done)(void *arg), void *arg);
struct tsip *tsip_free(struct tsip *t);
/* The probed targets (tsip_probe.c), for `tandemctl targets`: a new JSON array. */
json_t *tsip_targets_json(struct tsip *t);

/* The TLS connections of sofia's whose SSL tandemd equipped with the current
 * certificate, and how many of those SSLs were freed when sofia closed the
 * connection (tsip_tls_reload.c). Any thread. */
struct tsip_tls_stats {
	uint64_t ssl_made, ssl_freed;
};
void tsip_tls_stats(struct tsip_tls_stats *ret);
