/* lib/sip/tsip_interpose.c: the functions of other libraries that tandemd
 * replaces for the whole process, and the check, at start, that each
 * replacement is in force and has the original behind it.
 *
 *   SSL_new, SSL_shutdown  tsip_tls_reload.c: certificates re-read on
 *                          SIGHUP; the SSL sofia-sip never frees, freed.
 *   nua_stack_notify       tsip_referfwd.c: sofia's automatic NOTIFY 100 to a
 *                          REFER that tandemd has not accepted, dropped.
 *   tport_deliver          tsip_guard.c: a banned source's new request
 *                          dropped before the transaction layer (no 100).
 *
 * sofia-sip reaches them through the PLT, so the definition found first in
 * the process's global scope is the one it calls: ours, when the check
 * passes. What each relies on in sofia's behaviour is watched by a test
 * that fails loudly when it changes (170-tls-caller: every TLS connection's
 * SSL freed once; 153-refer-outside-reject: no NOTIFY on the wire;
 * 191-flood-ban: a banned source's INVITE gets no 100 Trying). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

#include "tsip_int.h"

#include <openssl/ssl.h>
#include <sofia-sip/tport.h>

int nua_stack_notify(nua_t *nua, nua_handle_t *nh, nua_event_t e, tagi_t const *tags);
void tport_deliver(tport_t *tp, msg_t *msg, msg_t *next, tport_compressor_t *sc, su_time_t now);

static const struct {
	const char *name;
	void *ours;
} replaced[] = {
	{ "SSL_new", (void *)SSL_new },
	{ "SSL_shutdown", (void *)SSL_shutdown },
	{ "nua_stack_notify", (void *)nua_stack_notify },
	{ "tport_deliver", (void *)tport_deliver },
};

const char *tsip_interpose_check(void)
{
	for (size_t i = 0; i < sizeof(replaced) / sizeof(replaced[0]); i++) {
		if (dlsym(RTLD_DEFAULT, replaced[i].name) != replaced[i].ours)
			return replaced[i].name;	/* another definition comes first */
		if (dlsym(RTLD_NEXT, replaced[i].name) == NULL)
			return replaced[i].name;	/* no original behind ours */
	}
	return NULL;
}
