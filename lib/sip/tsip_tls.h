/* lib/sip: SIP over TLS. tsip_tls.c prepares sofia-sip's certificate
 * directory and decides, per outgoing connection, whether the target's
 * certificate is verified; tsip_tls_reload.c hands every new TLS connection
 * the certificate loaded last (sofia reads its own only once). */
#pragma once

#include <stdbool.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "conf/conf.h"

/* At start, when conf has a tls section: write the private directory sofia
 * reads (agent.pem, cafile.pem), load the certificate for new connections
 * and the per-target verification. Returns the directory (owned here), or
 * NULL with a message logged. */
const char *tsip_tls_setup(const struct conf *c);
/* On reload: read the files again and use them for new connections; calls
 * in progress keep their connections. Returns 0, or < 0 (old ones kept). */
int tsip_tls_reload(const struct conf *c);
/* At exit: remove the private copies of the key. */
void tsip_tls_cleanup(void);

/* tsip_tls_reload.c: what each new SSL gets. set() takes ownership of its
 * arguments (any may be NULL) and frees what it replaces. */
void tsip_tls_reload_set(X509 *cert, STACK_OF(X509) *chain, EVP_PKEY *key, X509_STORE *store);
void tsip_tls_reload_set_verify(int (*cb)(int ok, X509_STORE_CTX *store));
/* Only SSLs made by code of the shared object (or program) that holds
 * `code` are touched (NULL: none, the default); tandemd names sofia-sip. */
void tsip_tls_reload_only_for(const void *code);
