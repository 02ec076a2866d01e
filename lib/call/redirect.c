/* lib/call/redirect.c: a target's 3xx (RFC 3261 8.1.3.4, 16.5). A route's
 * `redirect` says what happens to it:
 *  - "relay": the 3xx goes back to the caller with its Contacts, as it came;
 *  - "follow" (the default): its Contacts are tried in q order, each routed
 *    by the routing rules as a new call's Request-URI would be (its user and
 *    host; the caller's From, To and source), at most the route's
 *    `max_redirects` times per call, with a Diversion header (RFC 5806)
 *    naming the target that redirected. A Contact that no route takes, or
 *    only a rejecting one, is passed over; when none is left the caller gets
 *    the 3xx with the Contacts not tried. The call keeps its headers and
 *    identity; the new route gives the targets, rewrite_user and timers.
 * Sofia thread only. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call_int.h"
#include "ops/log.h"

#define USER_MAX 256

/* Take the first line of c->redir_contacts into buf; false when none. */
static bool pop_contact(struct call *c, char *buf, size_t len)
{
	char *s = c->redir_contacts, *nl;

	if (s == NULL || *s == '\0')
		return false;
	nl = strchr(s, '\n');
	snprintf(buf, len, "%.*s", nl ? (int)(nl - s) : (int)strlen(s), s);
	memmove(s, nl ? nl + 1 : s + strlen(s), strlen(nl ? nl + 1 : s + strlen(s)) + 1);
	return true;
}

/* c->headers gains the Diversion of the target that redirected. */
static int add_diversion(struct call *c, int code)
{
	size_t n = 0;
	char **grown, *d;

	while (c->headers && c->headers[n])
		n++;
	if (asprintf(&d, "Diversion: <%s>;reason=%s;counter=%u", c->target ? c->target : "sip:unknown",
		     code == 301 || code == 302 ? "unconditional" : "unknown", c->redirects) < 0)
		return -ENOMEM;
	grown = realloc(c->headers, (n + 2) * sizeof(char *));
	if (grown == NULL) {
		free(d);
		return -ENOMEM;
	}
	grown[n] = d;
	grown[n + 1] = NULL;
	c->headers = grown;
	return 0;
}

/* The route a Contact takes, or NULL (logged). */
static const struct conf_route *route_of(struct call *c, const char *uri, char *user, char *host,
					 size_t hlen)
{
	struct route_req q = {
		.ruri_user = user, .ruri_host = host, .from_user = c->from_user,
		.to_user = c->to_user,
		.source = c->src_sa.ss_family ? (const struct sockaddr *)&c->src_sa : NULL,
	};
	const struct conf_route *rt;

	if (turi_user_host(uri, user, USER_MAX, host, hlen) < 0) {
		call_log(c, LOG_LVL_NOTICE, "redirect: Contact %s is no sip: URI: passed over", uri);
		return NULL;
	}
	rt = route_find(c->conf, &q);
	if (rt == NULL || rt->reject || rt->n_targets == 0) {
		call_log(c, LOG_LVL_NOTICE, "redirect: no route takes %s: passed over", uri);
		return NULL;
	}
	return rt;
}

/* Follow the next Contact that a route takes; false when none is left. */
static bool follow(struct call *c, int code)
{
	char uri[600], user[USER_MAX], host[256], out[USER_MAX];
	const struct conf_route *rt;
	struct route_count *rc;
	size_t idx;

	while (pop_contact(c, uri, sizeof(uri))) {
		if ((rt = route_of(c, uri, user, host, sizeof(host))) == NULL)
			continue;
		if (route_rewrite_user(rt, user, out, sizeof(out)) < 0 ||
		    (rc = core_route_count(c->core, rt->name)) == NULL)
			continue;
		c->redirects++;
		if (add_diversion(c, code) < 0)
			return false;
		free(c->ruri_user);
		if ((c->ruri_user = strdup(out)) == NULL)
			return false;
		if (c->route_count)
			c->route_count->n--;
		rc->n++;
		c->route_count = rc;
		c->route = rt;
		idx = call_live_target(c, 0);
		if (idx == rt->n_targets) {
			call_log(c, LOG_LVL_NOTICE, "redirect: every target of route \"%s\" is down", rt->name);
			continue;
		}
		call_log(c, LOG_LVL_INFO, "redirect %d to %s: route %s, hop %u", code, uri, rt->name,
			 c->redirects);
		call_update_log_prefix(c);
		call_fail_over_to(c, idx);
		return true;
	}
	return false;
}

bool redirect_on_3xx(struct call *c, const struct call_msg *m)
{
	free(c->redir_contacts);
	c->redir_contacts = m->contacts ? strdup(m->contacts) : NULL;
	if (c->route->redirect == CONF_REDIRECT_RELAY || c->redir_contacts == NULL)
		return false;
	if (c->redirects >= (unsigned)c->route->max_redirects) {
		call_log(c, LOG_LVL_NOTICE, "redirect %d not followed: %u hops already (max_redirects)",
			 m->status, c->redirects);
		return false;
	}
	return follow(c, m->status);
}

bool redirect_next(struct call *c)
{
	if (c->redir_contacts == NULL || *c->redir_contacts == '\0' ||
	    c->route->redirect == CONF_REDIRECT_RELAY || c->core->draining ||
	    c->redirects >= (unsigned)c->route->max_redirects)
		return false;
	return follow(c, 302);
}
