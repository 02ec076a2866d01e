/* lib/conf/conf_edge.c: the settings of tandemd at the edge of a network:
 * the per-listener `advertise = "host[:port]"` (the address Via sent-by and
 * Contact name toward the outside, behind a 1:1 NAT or a cloud address).
 * The UDP and TCP listeners share one socket address in sofia-sip, so their
 * advertised addresses must match; the TLS listener has its own. sip.advertise
 * (the From host of outbound legs) defaults to the UDP/TCP advertised host.
 * And `nat = "auto" | "force" | "off"` of listeners and routes (NAT traversal
 * of signalling, lib/sip/tsip_nat.c), and a route's `register = "relay" |
 * "reject" | "off"` and `register_nat_expires` (REGISTER relayed to a
 * registrar, lib/sip/tsip_reg.c). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"

static int li_index(unsigned tp)
{
	return tp == CONF_TP_UDP ? CONF_LI_UDP : tp == CONF_TP_TCP ? CONF_LI_TCP :
	       tp == CONF_TP_TLS ? CONF_LI_TLS : -1;
}

/* A host name (RFC 1123 labels), an IPv4 address, or an IPv6 one in []. */
static bool host_ok(const char *h, size_t n)
{
	char buf[64];
	struct in6_addr a6;

	if (n == 0 || n > 253)
		return false;
	if (h[0] == '[') {
		if (n < 3 || h[n - 1] != ']' || n - 2 >= sizeof(buf))
			return false;
		memcpy(buf, h + 1, n - 2);
		buf[n - 2] = '\0';
		return inet_pton(AF_INET6, buf, &a6) == 1;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)h[i];
		if (!isalnum(ch) && ch != '-' && ch != '.')
			return false;
	}
	return h[0] != '.' && h[0] != '-' && h[n - 1] != '-';
}

/* "host[:port]", "[v6]:port" or a bare IPv6 address. */
int conf_edge_fn_listener_advertise(struct conf_load_ctx *ctx, const config_setting_t *s,
				    void *obj)
{
	struct conf_listener *l = obj;
	const char *v = config_setting_get_string(s), *colon;
	size_t hn;
	long port = 0;
	struct in6_addr a6;

	if (v == NULL) {
		conf_set_error(ctx->err, s, ctx->path, "advertise must be a string \"host[:port]\"");
		return -EINVAL;
	}
	colon = strrchr(v, ':');
	if (colon && v[0] != '[' && strchr(v, ':') != colon) {
		/* more than one colon: a bare IPv6 address, no port */
		if (inet_pton(AF_INET6, v, &a6) != 1)
			goto bad;
		free(l->adv_host);
		if ((l->adv_host = malloc(strlen(v) + 3)) == NULL)
			return -ENOMEM;
		strcpy(l->adv_host, "[");
		strcat(l->adv_host, v);
		strcat(l->adv_host, "]");
		l->adv_port = 0;
		l->adv_line = s;
		return 0;
	}
	if (colon && v[0] == '[' && colon[-1] != ']')
		colon = NULL;	/* "[v6]" without a port */
	hn = colon ? (size_t)(colon - v) : strlen(v);
	if (!host_ok(v, hn))
		goto bad;
	if (colon) {
		char *end;
		port = strtol(colon + 1, &end, 10);
		if (colon[1] == '\0' || *end != '\0' || port < 1 || port > 65535)
			goto bad;
	}
	free(l->adv_host);
	l->adv_host = strndup(v, hn);
	if (l->adv_host == NULL)
		return -ENOMEM;
	l->adv_port = (int)port;
	l->adv_line = s;
	return 0;
bad:
	conf_set_error(ctx->err, s, ctx->path,
		       "advertise must be \"host[:port]\" (a host name or an IP address, "
		       "IPv6 in [] with a port; port 1-65535), not \"%s\"", v);
	return -EINVAL;
}

static int parse_nat(struct conf_load_ctx *ctx, const config_setting_t *s, enum conf_nat *ret)
{
	static const char *const names[] = {
		[CONF_NAT_AUTO] = "auto", [CONF_NAT_FORCE] = "force", [CONF_NAT_OFF] = "off",
	};
	int i = conf_parse_name(ctx, s, names, CONF_NAT_OFF + 1, "\"auto\", \"force\" or \"off\"");

	if (i < 0)
		return i;
	*ret = i;
	return 0;
}

int conf_edge_fn_nat(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return parse_nat(ctx, s, &((struct conf_listener *)obj)->nat);
}

int conf_edge_fn_route_nat(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return parse_nat(ctx, s, &((struct conf_route *)obj)->nat);
}

int conf_edge_fn_route_register(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	static const char *const names[] = {
		[CONF_REG_OFF] = "off", [CONF_REG_RELAY] = "relay", [CONF_REG_REJECT] = "reject",
	};
	int i = conf_parse_name(ctx, s, names, 3, "\"relay\", \"reject\" or \"off\"");

	if (i < 0)
		return i;
	((struct conf_route *)obj)->register_mode = i;
	return 0;
}

static bool same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcasecmp(a, b) == 0);
}

int conf_edge_take_listener(struct conf_load_ctx *ctx, struct conf *c, unsigned tp,
			    unsigned seen, struct conf_listener *l)
{
	int i = li_index(tp), other = i == CONF_LI_UDP ? CONF_LI_TCP : CONF_LI_UDP;
	unsigned other_tp = i == CONF_LI_UDP ? CONF_TP_TCP : CONF_TP_UDP;
	int r = 0;

	if (c == NULL || i < 0)
		goto out;
	/* UDP and TCP are one sofia listener (one URL): one advertised address */
	if (i != CONF_LI_TLS && (seen & other_tp) &&
	    (!same(c->listen_adv_host[other], l->adv_host) ||
	     c->listen_adv_port[other] != l->adv_port)) {
		conf_set_error(ctx->err, l->adv_line, ctx->path,
			       "the UDP and TCP listeners share one address: give them the same "
			       "advertise (or none)");
		r = -EINVAL;
		goto out;
	}
	c->listen_nat[i] = l->nat;
	free(c->listen_adv_host[i]);
	c->listen_adv_host[i] = l->adv_host;
	c->listen_adv_port[i] = l->adv_port;
	l->adv_host = NULL;
out:
	free(l->adv_host);
	l->adv_host = NULL;
	return r;
}

int conf_edge_finish(struct conf *c)
{
	const char *h = c->listen_adv_host[CONF_LI_UDP] ? c->listen_adv_host[CONF_LI_UDP] :
			c->listen_adv_host[CONF_LI_TCP];

	if (c->advertise || h == NULL)
		return 0;
	c->advertise = strdup(h);
	return c->advertise ? 0 : -ENOMEM;
}

void conf_edge_clear(struct conf *c)
{
	for (int i = 0; i < _CONF_LI_MAX; i++) {
		free(c->listen_adv_host[i]);
		c->listen_adv_host[i] = NULL;
	}
}
