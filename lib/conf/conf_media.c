/* lib/conf: the media section (the relay's addresses, ports, workers,
 * latching, SRTP suites) and its checks once the file is read. */
#include <arpa/inet.h>
#include <errno.h>
#include <libconfig.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "conf_int.h"

static int parse_latch(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	static const char *const names[] = { "first", "strict" };
	int i = conf_parse_name(ctx, s, names, 2, "\"first\" or \"strict\"");

	if (i < 0)
		return i;
	((struct conf *)obj)->media_latch = i;
	return 0;
}

static int parse_ip(struct conf_load_ctx *ctx, const config_setting_t *s, char **dst)
{
	struct conf_cidr tmp;

	if (conf_strdup_to(ctx, s, dst) < 0)
		return -EINVAL;
	if (conf_parse_cidr(*dst, &tmp) < 0 || strchr(*dst, '/')) {
		conf_set_error(ctx->err, s, ctx->path, "'%s' must be an IPv4 or IPv6 address, not \"%s\"",
			       config_setting_name(s), *dst);
		return -EINVAL;
	}
	return 0;
}

static int fn_media_address(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return parse_ip(ctx, s, &((struct conf *)obj)->media_address);
}

static int fn_media_advertise(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return parse_ip(ctx, s, &((struct conf *)obj)->media_advertise);
}

static int parse_ip6(struct conf_load_ctx *ctx, const config_setting_t *s, char **dst)
{
	if (parse_ip(ctx, s, dst) < 0)
		return -EINVAL;
	if (strchr(*dst, ':') == NULL) {
		conf_set_error(ctx->err, s, ctx->path, "'%s' must be an IPv6 address, not \"%s\"",
			       config_setting_name(s), *dst);
		return -EINVAL;
	}
	return 0;
}

static int fn_media_address6(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return parse_ip6(ctx, s, &((struct conf *)obj)->media_address6);
}

static int fn_media_advertise6(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return parse_ip6(ctx, s, &((struct conf *)obj)->media_advertise6);
}

static int fn_media_suites(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return conf_parse_suites(ctx, s, ((struct conf *)obj)->srtp_suites);
}

const struct conf_key conf_media_keys[] = {
	{ "srtp_suites", CONF_FUNC, 0, 0, 0, fn_media_suites },
	{ "address", CONF_FUNC, 0, 0, 0, fn_media_address },
	{ "advertise", CONF_FUNC, 0, 0, 0, fn_media_advertise },
	{ "address6", CONF_FUNC, 0, 0, 0, fn_media_address6 },
	{ "advertise6", CONF_FUNC, 0, 0, 0, fn_media_advertise6 },
	{ "port_min", CONF_INT, offsetof(struct conf, media_port_min), 1024, 65534 },
	{ "port_max", CONF_INT, offsetof(struct conf, media_port_max), 1025, 65535 },
	{ "workers", CONF_INT, offsetof(struct conf, media_workers), 0, 64 },
	{ "timeout", CONF_INT, offsetof(struct conf, media_timeout), 0, 86400 },
	{ "hold_timeout", CONF_INT, offsetof(struct conf, media_hold_timeout), 0, 86400 },
	{ "latch", CONF_FUNC, 0, 0, 0, parse_latch },
	{ "io_uring", CONF_BOOL, offsetof(struct conf, media_io_uring), 0, 0 },
	{ NULL },
};

/* media.address6: the IPv6 sides of a relay whose media.address is IPv4 */
static int media_dual_stack(struct conf_load_ctx *ctx, const config_setting_t *root, struct conf *c)
{
	config_setting_t *m = config_setting_lookup((config_setting_t *)root, "media");
	config_setting_t *a6 = m ? config_setting_lookup(m, "address6") : NULL;

	if (c->media_address6 == NULL) {
		if (c->media_advertise6 == NULL)
			return 0;
		conf_set_error(ctx->err, config_setting_lookup(m, "advertise6"), ctx->path,
			       "media.advertise6 needs media.address6 (the IPv6 address to bind)");
		return -EINVAL;
	}
	if (strchr(c->media_address, ':')) {
		conf_set_error(ctx->err, a6, ctx->path,
			       "media.address6 is for a relay whose media.address is IPv4; "
			       "media.address is already IPv6 (%s)", c->media_address);
		return -EINVAL;
	}
	if (c->media_advertise6 == NULL) {
		if (strcmp(c->media_address6, "::") == 0) {
			conf_set_error(ctx->err, a6, ctx->path, "the relay binds :: for IPv6: set "
				       "media.advertise6 to the address peers must send media to");
			return -EINVAL;
		}
		if ((c->media_advertise6 = strdup(c->media_address6)) == NULL)
			return -ENOMEM;
	}
	return 0;
}

/* After the file: the relay's addresses, derived where the file is silent. */
int conf_media_finish(struct conf_load_ctx *ctx, const config_setting_t *root, struct conf *c)
{
	if (c->media_address == NULL && (c->media_address = strdup(c->listen_address)) == NULL)
		return -ENOMEM;
	if (c->media_advertise == NULL) {
		if (strcmp(c->media_address, "0.0.0.0") == 0 || strcmp(c->media_address, "::") == 0) {
			conf_set_error(ctx->err, config_setting_lookup((config_setting_t *)root, "media"),
				       ctx->path, "the relay binds %s: set media.advertise to the "
				       "address peers must send media to", c->media_address);
			return -EINVAL;
		}
		if ((c->media_advertise = strdup(c->media_address)) == NULL)
			return -ENOMEM;
	} else {
		c->media_advertise_set = true;
	}
	return media_dual_stack(ctx, root, c);
}
