/* lib/util/turi: SIP request URIs built on sofia's url_t, behind a plain
 * interface for modules that must not include sofia headers (call/). No
 * state; any thread. */
#pragma once

/* The target URI (sip: or sips:) with user put in as its user part, in
 * *ret_uri (malloc'd, the caller frees it). The scheme, host (IPv6 brackets
 * too), port, parameters (;transport=tls...) and headers stay as they are;
 * a target that already names a user, or a NULL or empty user, gives the
 * target unchanged. Characters a SIP user part cannot carry are %-escaped
 * (an escape already there is kept). Returns 0, -EINVAL when target is not
 * a sip:/sips: URI with a host, or -ENOMEM; *ret_uri is untouched on failure. */
int turi_with_user(const char *target, const char *user, char **ret_uri);

/* The user (as written, escapes kept; "" when none) and host of a sip: or
 * sips: URI into user and host (NUL-terminated, cut to their sizes).
 * Returns 0, -EINVAL when uri is no sip:/sips: URI with a host. */
int turi_user_host(const char *uri, char *user, size_t ulen, char *host, size_t hlen);
