/* lib/conf private: the table walker shared by conf.c and conf_route.c. */
#pragma once

#include <libconfig.h>

#include "conf.h"

#ifndef TANDEM_VERSION
#define TANDEM_VERSION "0.0.0"
#endif

struct conf_load_ctx {
	const char *path;
	struct conf_error *err;
};

enum conf_key_type { CONF_INT, CONF_BOOL, CONF_STR, CONF_LEVEL, CONF_MODE, CONF_FUNC };

struct conf_key {
	const char *name;
	enum conf_key_type type;
	size_t off;
	int min, max;		/* CONF_INT: range; CONF_STR: min 1 = must not be empty */
	int (*fn)(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);
};

struct conf_listener {
	char *transport;
	char *address;
	int port;
};

void conf_set_error(struct conf_error *err, const config_setting_t *s, const char *fallback_file,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int conf_want_type(struct conf_load_ctx *ctx, const config_setting_t *s, int type);
int conf_strdup_to(struct conf_load_ctx *ctx, const config_setting_t *s, char **dst);
int conf_apply_keys(struct conf_load_ctx *ctx, const config_setting_t *group,
		    const struct conf_key *keys, void *obj, const char *where);

int conf_parse_suites(struct conf_load_ctx *ctx, const config_setting_t *s, int *out);
int conf_parse_routes(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);
int conf_finish_routes(struct conf_load_ctx *ctx, struct conf *c);
void conf_route_clear(struct conf_route *r);

/* conf_tls.c: the tls section, and the checks that need every section
 * (files readable and matching, TLS targets with a TLS listener). */
int conf_parse_tls(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);
int conf_tls_finish(struct conf_load_ctx *ctx, struct conf *c, const config_setting_t *root);

/* conf_ops.c: the records, http and webhooks sections. */
int conf_parse_records(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);
int conf_parse_http(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);
int conf_parse_webhooks(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);
void conf_ops_clear(struct conf *c);
