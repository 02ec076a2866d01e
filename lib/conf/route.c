/* lib/conf/route.c: which route a call takes (first match wins), and the
 * request-URI user rewrite. Pure functions over a snapshot; no SIP types, so
 * `tandemctl route` and the unit tests use exactly what a real call uses. */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "conf.h"

static bool rx_ok(const struct conf_regex *rx, const char *s)
{
	if (!rx->set)
		return true;
	return regexec(&rx->re, s ? s : "", 0, NULL, 0) == 0;
}

static bool match_ok(const struct conf_match *m, const struct route_req *q)
{
	if (!rx_ok(&m->ruri_user, q->ruri_user))
		return false;
	if (m->ruri_domain && (q->ruri_host == NULL || strcasecmp(m->ruri_domain, q->ruri_host) != 0))
		return false;
	if (!rx_ok(&m->from_user, q->from_user))
		return false;
	if (!rx_ok(&m->to_user, q->to_user))
		return false;
	if (m->n_sources > 0) {
		size_t i;
		for (i = 0; i < m->n_sources; i++)
			if (conf_cidr_contains(&m->sources[i], q->source))
				break;
		if (i == m->n_sources)
			return false;
	}
	if (m->header_name) {
		const char *v = q->header ? q->header(q->header_arg, m->header_name) : NULL;
		if (v == NULL || !rx_ok(&m->header_value, v))
			return false;
	}
	return true;
}

const struct conf_route *route_find(const struct conf *c, const struct route_req *req)
{
	for (size_t i = 0; i < c->n_routes; i++)
		if (match_ok(&c->routes[i].match, req))
			return &c->routes[i];
	return NULL;
}

static int put(char *buf, size_t len, size_t *pos, const char *s, size_t n)
{
	if (*pos + n >= len)
		return -ENOSPC;
	memcpy(buf + *pos, s, n);
	*pos += n;
	buf[*pos] = '\0';
	return 0;
}

int route_rewrite_user(const struct conf_route *r, const char *user, char *buf, size_t len)
{
	regmatch_t m[10];
	size_t pos = 0;
	const char *p;

	if (len == 0)
		return -ENOSPC;
	buf[0] = '\0';
	if (user == NULL)
		user = "";
	if (r == NULL || !r->rewrite.set || regexec(&r->rewrite.re, user, 10, m, 0) != 0)
		return put(buf, len, &pos, user, strlen(user));

	/* the part before the match, the replacement, the part after */
	if (put(buf, len, &pos, user, (size_t)m[0].rm_so) < 0)
		return -ENOSPC;
	for (p = r->rewrite_to; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '9') {
			int g = p[1] - '0';
			p++;
			if (m[g].rm_so < 0)
				continue;
			if (put(buf, len, &pos, user + m[g].rm_so, (size_t)(m[g].rm_eo - m[g].rm_so)) < 0)
				return -ENOSPC;
			continue;
		}
		if (p[0] == '\\' && p[1] == '\\')
			p++;
		if (put(buf, len, &pos, p, 1) < 0)
			return -ENOSPC;
	}
	return put(buf, len, &pos, user + m[0].rm_eo, strlen(user + m[0].rm_eo));
}

bool route_failover_on(const struct conf_route *r, int status)
{
	int bit;

	if (status < CONF_FAILOVER_MIN || status > CONF_FAILOVER_MAX)
		return false;
	bit = status - CONF_FAILOVER_MIN;
	return (r->failover[bit / 8] >> (bit % 8)) & 1;
}
