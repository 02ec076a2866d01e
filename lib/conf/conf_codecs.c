/* lib/conf/conf_codecs.c: what a route does with its targets' media and
 * health. Its codec policy, what each leg is offered:
 *   codecs = {
 *     callee = { allow = ( "PCMA", "PCMU" ); deny = ( "G729" );
 *                order = ( "PCMA" ); ptime = 20; };
 *     caller = { ... };
 *   };
 * Names are RTP encoding names, in any case. telephone-event and CN stay
 * unless denied. lib/call/media.c applies it through tsdp_codec_filter().
 * Its probe, an OPTIONS to each target (lib/sip/tsip_probe.c):
 *   probe = { interval = 10; down_after = 3; up_after = 2; };   or probe = true; */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"

static int fn_list(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_codecs *cc = obj;
	const char *name = config_setting_name(s);
	char ***v = strcmp(name, "allow") == 0 ? &cc->allow :
		    strcmp(name, "deny") == 0 ? &cc->deny : &cc->order;
	size_t *n = v == &cc->allow ? &cc->n_allow : v == &cc->deny ? &cc->n_deny : &cc->n_order;

	conf_strings_free(*v, *n);
	*v = NULL;
	*n = 0;
	return conf_parse_strings(ctx, s, v, n);
}

static const struct conf_key leg_keys[] = {
	{ "allow", CONF_FUNC, 0, 0, 0, fn_list },
	{ "deny", CONF_FUNC, 0, 0, 0, fn_list },
	{ "order", CONF_FUNC, 0, 0, 0, fn_list },
	{ "ptime", CONF_INT, offsetof(struct conf_codecs, ptime), 10, 120 },
	{ NULL },
};

static int fn_leg(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_route *r = obj;
	bool caller = strcmp(config_setting_name(s), "caller") == 0;
	struct conf_codecs *cc = &r->codecs[caller ? CONF_CALLER : CONF_CALLEE];
	int ret;

	if (!config_setting_is_group(s)) {
		conf_set_error(ctx->err, s, ctx->path,
			       "'%s' must be a group { allow = ( ... ); deny = ...; order = ...; ptime = N; }",
			       config_setting_name(s));
		return -EINVAL;
	}
	ret = conf_apply_keys(ctx, s, leg_keys, cc, caller ? "'codecs.caller'" : "'codecs.callee'");
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < cc->n_allow; i++)
		for (size_t k = 0; k < cc->n_deny; k++)
			if (strcasecmp(cc->allow[i], cc->deny[k]) == 0) {
				conf_set_error(ctx->err, s, ctx->path,
					       "codec \"%s\" is both allowed and denied", cc->allow[i]);
				return -EINVAL;
			}
	cc->set = true;
	return 0;
}

static const struct conf_key codecs_keys[] = {
	{ "caller", CONF_FUNC, 0, 0, 0, fn_leg },
	{ "callee", CONF_FUNC, 0, 0, 0, fn_leg },
	{ NULL },
};

int conf_codecs_fn_route(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	if (!config_setting_is_group(s)) {
		conf_set_error(ctx->err, s, ctx->path,
			       "'codecs' must be a group { callee = { ... }; caller = { ... }; }");
		return -EINVAL;
	}
	return conf_apply_keys(ctx, s, codecs_keys, obj, "'codecs'");
}

void conf_codecs_route_clear(struct conf_route *r)
{
	for (int i = 0; i < 2; i++) {
		conf_strings_free(r->codecs[i].allow, r->codecs[i].n_allow);
		conf_strings_free(r->codecs[i].deny, r->codecs[i].n_deny);
		conf_strings_free(r->codecs[i].order, r->codecs[i].n_order);
	}
}

static const struct conf_key probe_keys[] = {
	{ "interval", CONF_INT, offsetof(struct conf_probe, interval), 1, 3600 },
	{ "down_after", CONF_INT, offsetof(struct conf_probe, down_after), 1, 100 },
	{ "up_after", CONF_INT, offsetof(struct conf_probe, up_after), 1, 100 },
	{ NULL },
};

int conf_probe_fn_route(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_probe *p = &((struct conf_route *)obj)->probe;

	*p = (struct conf_probe){ .interval = 10, .down_after = 3, .up_after = 2 };
	if (config_setting_type(s) == CONFIG_TYPE_BOOL) {
		p->on = config_setting_get_bool(s);
		return 0;
	}
	if (!config_setting_is_group(s)) {
		conf_set_error(ctx->err, s, ctx->path, "'probe' must be true, false or a group "
			       "{ interval = 10; down_after = 3; up_after = 2; }");
		return -EINVAL;
	}
	p->on = true;
	return conf_apply_keys(ctx, s, probe_keys, p, "'probe'");
}
