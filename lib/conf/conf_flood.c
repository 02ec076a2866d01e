/* lib/conf/conf_flood.c: the `flood` section of the config: the request
 * rate limit per source address (a token bucket: `rate` per second, `burst`
 * at once), what a source over the rate hears (`action`), when it is banned
 * (`ban_after` requests over the rate or `auth_failures` failed
 * authentications within `ban_window` seconds), for how long (`ban_time`),
 * what a banned source hears (`ban_action`), the size of the table of
 * sources, and the `trusted` networks that are never limited. The section is
 * off when absent. lib/sec/guard.c applies it. Runs wherever conf_load() runs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf_int.h"

#define BURST_UNSET (-1)

static int parse_action(struct conf_load_ctx *ctx, const config_setting_t *s,
			enum conf_flood_action *dst, enum conf_flood_action alt, const char *alt_name)
{
	const char *v;

	if (config_setting_type(s) == CONFIG_TYPE_INT &&
	    config_setting_get_int(s) == atoi(alt_name)) {
		*dst = alt;	/* action = 503; written as a number */
		return 0;
	}
	if (conf_want_type(ctx, s, CONFIG_TYPE_STRING) < 0)
		return -EINVAL;
	v = config_setting_get_string(s);
	if (strcmp(v, "drop") == 0) {
		*dst = CONF_FLOOD_DROP;
	} else if (strcmp(v, alt_name) == 0) {
		*dst = alt;
	} else {
		conf_set_error(ctx->err, s, ctx->path, "'%s' must be \"%s\" or \"drop\", not \"%s\"",
			       config_setting_name(s), alt_name, v);
		return -EINVAL;
	}
	return 0;
}

static int fn_action(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return parse_action(ctx, s, &((struct conf_flood *)obj)->action, CONF_FLOOD_503, "503");
}

static int fn_ban_action(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return parse_action(ctx, s, &((struct conf_flood *)obj)->ban_action, CONF_FLOOD_403, "403");
}

static int fn_trusted(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_flood *f = obj;

	return conf_parse_cidrs(ctx, s, &f->trusted, &f->n_trusted);
}

static const struct conf_key flood_keys[] = {
	{ "rate", CONF_INT, offsetof(struct conf_flood, rate), 0, 1000000 },
	{ "burst", CONF_INT, offsetof(struct conf_flood, burst), 1, 1000000 },
	{ "action", CONF_FUNC, 0, 0, 0, fn_action },
	{ "ban_after", CONF_INT, offsetof(struct conf_flood, ban_after), 0, 1000000 },
	{ "auth_failures", CONF_INT, offsetof(struct conf_flood, auth_failures), 0, 1000000 },
	{ "ban_window", CONF_INT, offsetof(struct conf_flood, ban_window), 1, 86400 },
	{ "ban_time", CONF_INT, offsetof(struct conf_flood, ban_time), 1, 2592000 },
	{ "ban_action", CONF_FUNC, 0, 0, 0, fn_ban_action },
	{ "table_size", CONF_INT, offsetof(struct conf_flood, table_size), 64, 4194304 },
	{ "trusted", CONF_FUNC, 0, 0, 0, fn_trusted },
	{ NULL },
};

int conf_parse_flood(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf *c = obj;
	struct conf_flood *f = &c->flood;
	int r;

	f->on = true;
	f->rate = 20;
	f->burst = BURST_UNSET;
	f->action = CONF_FLOOD_503;
	f->ban_after = 100;
	f->auth_failures = 5;
	f->ban_window = 60;
	f->ban_time = 300;
	f->ban_action = CONF_FLOOD_DROP;
	f->table_size = 16384;
	r = conf_apply_keys(ctx, s, flood_keys, f, "'flood'");
	if (r < 0)
		return r;
	if (f->burst == BURST_UNSET)
		f->burst = f->rate > 0 ? 2 * f->rate : 1;
	if (f->rate > 0 && f->burst < 1) {
		conf_set_error(ctx->err, s, ctx->path, "'flood': burst must be at least 1");
		return -EINVAL;
	}
	return 0;
}
