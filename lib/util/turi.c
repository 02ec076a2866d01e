/* lib/util/turi.c: request URIs parsed and printed by sofia's url_t (url_make,
 * url_e) rather than by string surgery: the one place where lib/call puts a
 * user into a route's target. No state; any thread. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sofia-sip/su_alloc.h>
#include <sofia-sip/url.h>

#include "turi.h"

static bool is_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/* RFC 3261 25.1: user = 1*( unreserved / escaped / user-unreserved ) */
static bool user_char(unsigned char ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))
		return true;
	return ch != '\0' && strchr("-_.!~*'()&=+$,;?/", ch) != NULL;
}

/* user as a SIP user part, %-escaped where needed, in home */
static char *user_escaped(su_home_t *home, const char *user)
{
	static const char hex[] = "0123456789ABCDEF";
	char *e = su_alloc(home, strlen(user) * 3 + 1), *d = e;

	if (e == NULL)
		return NULL;
	for (const char *s = user; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (user_char(ch) || (ch == '%' && is_hex(s[1]) && is_hex(s[2]))) {
			*d++ = (char)ch;
			continue;
		}
		*d++ = '%';
		*d++ = hex[ch >> 4];
		*d++ = hex[ch & 15];
	}
	*d = '\0';
	return e;
}

int turi_with_user(const char *target, const char *user, char **ret_uri)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	url_t *u;
	char *text, *out;
	int r = -EINVAL;

	if (target == NULL)
		return -EINVAL;
	u = url_make(home, target);
	if (u == NULL || (u->url_type != url_sip && u->url_type != url_sips) ||
	    u->url_host == NULL || *u->url_host == '\0' || u->url_fragment != NULL)
		goto out;
	if (u->url_user == NULL && user != NULL && *user != '\0') {
		u->url_user = user_escaped(home, user);
		if (u->url_user == NULL) {
			r = -ENOMEM;
			goto out;
		}
	}
	r = -ENOMEM;
	text = url_as_string(home, u);
	if (text == NULL)
		goto out;
	out = strdup(text);
	if (out == NULL)
		goto out;
	*ret_uri = out;
	r = 0;
out:
	su_home_deinit(home);
	return r;
}

int turi_user_host(const char *uri, char *user, size_t ulen, char *host, size_t hlen)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	url_t *u = uri ? url_make(home, uri) : NULL;
	int r = -EINVAL;

	if (u && (u->url_type == url_sip || u->url_type == url_sips) && u->url_host && *u->url_host) {
		snprintf(user, ulen, "%s", u->url_user ? u->url_user : "");
		snprintf(host, hlen, "%s", u->url_host);
		r = 0;
	}
	su_home_deinit(home);
	return r;
}
