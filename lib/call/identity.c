/* lib/call/identity.c: who the caller is toward the target, and the
 * headers the outbound INVITE carries.
 *
 * RFC 3325 trust domain: a P-Asserted-Identity from a caller outside
 * identity.trusted is not believed and removed (a P-Preferred-Identity
 * always is: the route's `pai` is the answer to it); a route may assert one
 * of its own (`pai`, in place of the caller's). PAI reaches a target only on
 * a route whose targets are trusted (`trusted = true`). RFC 3323 privacy:
 * toward an untrusted target a caller that asked for privacy (Privacy: id,
 * user or header) gets an anonymous From ("Anonymous"
 * <sip:anonymous@anonymous.invalid>); a trusted target sees who it is, and
 * the Privacy header, passed on everywhere, tells it to keep that to
 * itself. A route's from_user, from_display and from_host, its pai
 * and add_headers are templates with ${...} variables (identity_var()).
 *
 * The headers copied from the caller (those sofia does not parse and
 * Privacy) lose the route's remove_headers; then come the identity headers
 * and add_headers. Sofia thread only. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "call_int.h"
#include "util/tvars.h"

#define ANON_DISPLAY "Anonymous"
#define ANON_USER "anonymous"
#define ANON_HOST "anonymous.invalid"

struct ident_ctx {
	struct call *c;
	const struct call_invite *inv;
	char source_ip[INET6_ADDRSTRLEN];
};

static const char *identity_var(void *arg, const char *name)
{
	struct ident_ctx *x = arg;
	const struct call_invite *inv = x->inv;

	if (strcmp(name, "from_user") == 0)
		return inv->from_user;
	if (strcmp(name, "from_display") == 0)
		return inv->from_display;
	if (strcmp(name, "to_user") == 0)
		return inv->to_user;
	if (strcmp(name, "ruri_user") == 0)
		return inv->ruri_user;
	if (strcmp(name, "ruri_user_out") == 0)
		return x->c->ruri_user;
	if (strcmp(name, "source_ip") == 0)
		return x->source_ip;
	if (strcmp(name, "auth_user") == 0)
		return inv->auth_user;
	if (strcmp(name, "route") == 0)
		return x->c->route->name;
	if (strcmp(name, "call_id") == 0)
		return inv->call_id;
	if (strcmp(name, "node") == 0)
		return tid_node();
	return NULL;
}

static void ctx_init(struct ident_ctx *x, struct call *c, const struct call_invite *inv)
{
	const struct sockaddr *sa = inv->source;
	const void *a = NULL;

	memset(x, 0, sizeof(*x));
	x->c = c;
	x->inv = inv;
	if (sa && sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)sa)->sin_addr;
	else if (sa && sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	if (a == NULL || inet_ntop(sa->sa_family, a, x->source_ip, sizeof(x->source_ip)) == NULL)
		x->source_ip[0] = '\0';
}

/* Whether header line h ("Name: value") is named name. */
static bool header_is(const char *h, const char *name)
{
	size_t n = strcspn(h, ":");

	while (n > 0 && (h[n - 1] == ' ' || h[n - 1] == '\t'))
		n--;
	return strlen(name) == n && strncasecmp(h, name, n) == 0;
}

static const char *header_val(const char *h)
{
	const char *v = strchr(h, ':');

	for (v = v ? v + 1 : h + strlen(h); *v == ' ' || *v == '\t'; v++)
		;
	return v;
}

static bool removed(const struct conf_route *rt, const char *h)
{
	for (size_t i = 0; i < rt->n_remove_headers; i++)
		if (header_is(h, rt->remove_headers[i]))
			return true;
	return false;
}

bool identity_privacy_asked(const char *privacy)
{
	const char *p = privacy;

	while (p && *p) {
		size_t n;

		p += strspn(p, " \t;,");
		n = strcspn(p, " \t;,");
		if ((n == 2 && strncasecmp(p, "id", 2) == 0) ||
		    (n == 4 && strncasecmp(p, "user", 4) == 0) ||
		    (n == 6 && strncasecmp(p, "header", 6) == 0))
			return true;
		p += n;
	}
	return false;
}

static bool caller_trusted(const struct conf *conf, const struct sockaddr *src)
{
	for (size_t i = 0; src && i < conf->identity.n_trusted; i++)
		if (conf_cidr_contains(&conf->identity.trusted[i], src))
			return true;
	return false;
}

struct hdr_list {
	char **v;
	size_t n, max;
};

/* Append the line name: value (value expanded when expand). */
static int add_line(struct hdr_list *l, struct ident_ctx *x, const char *line, bool expand)
{
	char *s;

	if (l->n + 1 >= l->max)
		return -ENOSPC;
	if (expand) {
		if (tvars_expand(line, identity_var, x, &s) < 0)
			return -ENOMEM;
	} else if ((s = strdup(line)) == NULL) {
		return -ENOMEM;
	}
	l->v[l->n++] = s;
	return 0;
}

/* Append "name: value". */
static int add_pair(struct hdr_list *l, const char *name, const char *value)
{
	char *s;

	if (l->n + 1 >= l->max)
		return -ENOSPC;
	if (asprintf(&s, "%s: %s", name, value) < 0)
		return -ENOMEM;
	l->v[l->n++] = s;
	return 0;
}

static int set_str(char **dst, const char *v)
{
	char *s = strdup(v ? v : "");

	if (s == NULL)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

static int expand_to(char **dst, const char *tmpl, struct ident_ctx *x)
{
	char *s;

	if (tmpl == NULL)
		return 0;
	if (tvars_expand(tmpl, identity_var, x, &s) < 0)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

int identity_build(struct call *c, const struct call_invite *inv)
{
	const struct conf_route *rt = c->route;
	const char *privacy = NULL, *pai = NULL;
	struct ident_ctx x;
	struct hdr_list l;
	char *route_pai = NULL;
	bool trusted_src, hide;
	int r = 0;

	ctx_init(&x, c, inv);
	trusted_src = caller_trusted(c->conf, inv->source);
	l.max = inv->n_ext_headers + rt->n_add_headers + 4;
	l.n = 0;
	l.v = calloc(l.max, sizeof(char *));
	c->headers = l.v;
	if (l.v == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < inv->n_ext_headers && r == 0; i++) {
		const char *h = inv->ext_headers[i];

		if (removed(rt, h))
			continue;
		if (header_is(h, "P-Asserted-Identity")) {
			if (trusted_src && pai == NULL)
				pai = h;	/* believed; placed below */
			continue;
		}
		if (header_is(h, "P-Preferred-Identity"))
			continue;	/* a request to the trust domain, answered by pai */
		if (header_is(h, "Privacy"))
			privacy = header_val(h);	/* passed on, as the caller's wish */
		r = add_line(&l, &x, h, false);
	}
	if (r == 0 && rt->pai) {
		r = expand_to(&route_pai, rt->pai, &x);
		pai = NULL;
	}
	hide = privacy && identity_privacy_asked(privacy);
	if (r == 0 && rt->trusted && route_pai)
		r = add_pair(&l, "P-Asserted-Identity", route_pai);
	else if (r == 0 && rt->trusted && pai)
		r = add_line(&l, &x, pai, false);
	free(route_pai);
	for (size_t i = 0; i < rt->n_add_headers && r == 0; i++)
		r = add_line(&l, &x, rt->add_headers[i], true);
	/* the From toward the target; the caller's stays in c->from_* (records) */
	if (r == 0 && (rt->from_user || rt->from_display))
		r = set_str(&c->out_from_user, c->from_user) ?:
		    (c->from_display ? set_str(&c->out_from_display, c->from_display) : 0);
	if (r == 0)
		r = expand_to(&c->out_from_user, rt->from_user, &x) ?:
		    expand_to(&c->out_from_display, rt->from_display, &x) ?:
		    expand_to(&c->from_host, rt->from_host, &x);
	if (r == 0 && hide && !rt->trusted) {
		r = set_str(&c->out_from_user, ANON_USER) ?:
		    set_str(&c->out_from_display, ANON_DISPLAY) ?: set_str(&c->from_host, ANON_HOST);
		if (r == 0)
			call_log(c, LOG_LVL_INFO, "caller asked for privacy (%s): anonymous From, "
				 "no P-Asserted-Identity toward an untrusted target", privacy);
	}
	return r < 0 ? -ENOMEM : 0;
}
