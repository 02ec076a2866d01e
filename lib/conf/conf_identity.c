/* lib/conf/conf_identity.c: caller identity settings (RFC 3325, RFC 3323).
 * The identity section names the trust domain's sources: a
 *   identity = { trusted = ( "192.0.2.0/24" ); };
 * caller from one of them may assert who it is (P-Asserted-Identity); from
 * anywhere else such a header is removed. A route says whether its targets
 * are in the trust domain (trusted = true: PAI and Privacy reach them) and
 * may set the From user, display name and host and a P-Asserted-Identity,
 * each a template with ${...} variables (lib/util/tvars.h), as add_headers
 * may. This file parses and checks; lib/call/identity.c applies them. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"
#include "util/tvars.h"

/* The variables a call fills in (lib/call/identity.c, identity_var()). */
const char *const conf_call_vars[] = {
	"from_user", "from_display", "to_user", "ruri_user", "ruri_user_out", "source_ip",
	"auth_user", "route", "call_id", "node", NULL,
};

int conf_parse_cidrs(struct conf_load_ctx *ctx, const config_setting_t *s, struct conf_cidr **list,
		     size_t *n_list)
{
	int t = config_setting_type(s), n = config_setting_length(s);

	if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST) {
		conf_set_error(ctx->err, s, ctx->path,
			       "'%s' must be a list of networks such as ( \"10.0.0.0/8\" )",
			       config_setting_name(s));
		return -EINVAL;
	}
	free(*list);
	*list = calloc(n > 0 ? (size_t)n : 1, sizeof(**list));
	*n_list = 0;
	if (*list == NULL)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (conf_want_type(ctx, e, CONFIG_TYPE_STRING) < 0)
			return -EINVAL;
		if (conf_parse_cidr(config_setting_get_string(e), &(*list)[i]) < 0) {
			conf_set_error(ctx->err, e, ctx->path,
				       "'%s' is not an address or network (\"192.0.2.0/24\", \"2001:db8::/32\")",
				       config_setting_get_string(e));
			return -EINVAL;
		}
		(*n_list)++;
	}
	return 0;
}

int conf_check_template(struct conf_load_ctx *ctx, const config_setting_t *s, const char *text)
{
	char bad[64];

	if (tvars_check(text, conf_call_vars, bad, sizeof(bad)) == 0)
		return 0;
	conf_set_error(ctx->err, s, ctx->path,
		       "'%s': unknown variable or bad ${...} at \"%s\" (known: ${from_user}, "
		       "${from_display}, ${to_user}, ${ruri_user}, ${ruri_user_out}, ${source_ip}, "
		       "${auth_user}, ${route}, ${call_id}, ${node}; $$ is a $)",
		       config_setting_name(s) ? config_setting_name(s) : "add_headers", bad);
	return -EINVAL;
}

static int fn_trusted(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_identity *id = obj;

	return conf_parse_cidrs(ctx, s, &id->trusted, &id->n_trusted);
}

static const struct conf_key identity_keys[] = {
	{ "trusted", CONF_FUNC, 0, 0, 0, fn_trusted },
	{ NULL },
};

int conf_parse_identity(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf *c = obj;

	if (!config_setting_is_group(s)) {
		conf_set_error(ctx->err, s, ctx->path, "'identity' must be a group { ... }");
		return -EINVAL;
	}
	return conf_apply_keys(ctx, s, identity_keys, &c->identity, "the identity section");
}

/* A route's from_user, from_display, from_host or pai. */
int conf_identity_fn_route(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_route *r = obj;
	const char *name = config_setting_name(s), *v;
	char **dst;

	if (strcmp(name, "from_user") == 0)
		dst = &r->from_user;
	else if (strcmp(name, "from_display") == 0)
		dst = &r->from_display;
	else if (strcmp(name, "from_host") == 0)
		dst = &r->from_host;
	else
		dst = &r->pai;
	if (conf_want_type(ctx, s, CONFIG_TYPE_STRING) < 0)
		return -EINVAL;
	v = config_setting_get_string(s);
	if (strpbrk(v, "\r\n")) {
		conf_set_error(ctx->err, s, ctx->path, "'%s' must be one line", name);
		return -EINVAL;
	}
	if (conf_check_template(ctx, s, v) < 0)
		return -EINVAL;
	if (dst != &r->from_display && *v == '\0') {
		conf_set_error(ctx->err, s, ctx->path, "'%s' must not be empty", name);
		return -EINVAL;
	}
	free(*dst);
	*dst = strdup(v);
	return *dst ? 0 : -ENOMEM;
}

void conf_identity_route_clear(struct conf_route *r)
{
	free(r->from_user);
	free(r->from_display);
	free(r->from_host);
	free(r->pai);
}

void conf_identity_clear(struct conf *c)
{
	free(c->identity.trusted);
}
