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
	enum conf_auth_mode auth;	/* conf_auth.c */
	struct conf_acl acl;
	char *adv_host;			/* conf_edge.c: advertise = "host[:port]" */
	int adv_port;			/* 0: the listener's port */
	const config_setting_t *adv_line;
	enum conf_nat nat;
};

/* The file a route is in, for errors and warnings after the parse. */
#define CONF_ROUTE_FILE(ctx, r) ((r)->file ? (r)->file : (ctx)->path)
/* Into buf: the file of setting s (an @include'd one relative to main_path's directory). */
void conf_source_file(const config_setting_t *s, const char *main_path, char *buf, size_t len);
void conf_set_error(struct conf_error *err, const config_setting_t *s, const char *fallback_file,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int conf_want_type(struct conf_load_ctx *ctx, const config_setting_t *s, int type);
/* The index of s's string in names[0..n), or -EINVAL with "'key' must be
 * CHOICES, not \"value\"" set. */
int conf_parse_name(struct conf_load_ctx *ctx, const config_setting_t *s,
		    const char *const *names, int n, const char *choices);
int conf_strdup_to(struct conf_load_ctx *ctx, const config_setting_t *s, char **dst);
int conf_apply_keys(struct conf_load_ctx *ctx, const config_setting_t *group,
		    const struct conf_key *keys, void *obj, const char *where);

int conf_parse_suites(struct conf_load_ctx *ctx, const config_setting_t *s, int *out);
/* conf_media.c: the keys of the media section, and its checks after the file */
extern const struct conf_key conf_media_keys[];
int conf_media_finish(struct conf_load_ctx *ctx, const config_setting_t *root, struct conf *c);
int conf_parse_routes(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);
int conf_finish_routes(struct conf_load_ctx *ctx, struct conf *c);
void conf_route_clear(struct conf_route *r);

/* conf_tls.c: the tls section, and the checks that need every section
 * (files readable and matching, TLS targets with a TLS listener). */
int conf_parse_tls(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);
int conf_tls_finish(struct conf_load_ctx *ctx, struct conf *c, const config_setting_t *root);

/* conf_ops.c: the records, http and webhooks sections. */
int conf_parse_conference(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);
int conf_parse_records(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);
int conf_parse_http(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);
int conf_parse_webhooks(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);
void conf_ops_clear(struct conf *c);

/* conf_identity.c: the identity section, a route's identity keys, ${...}
 * templates, and lists of networks. */
int conf_parse_identity(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);
int conf_identity_fn_route(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);
int conf_check_template(struct conf_load_ctx *ctx, const config_setting_t *s, const char *text);
int conf_parse_cidrs(struct conf_load_ctx *ctx, const config_setting_t *s, struct conf_cidr **list,
		     size_t *n_list);
void conf_identity_route_clear(struct conf_route *r);
void conf_identity_clear(struct conf *c);

/* conf_route.c: a string or a list of non-empty strings into *ret (NULL-terminated, *ret_n
 * entries); conf_strings_free() frees it. */
int conf_parse_strings(struct conf_load_ctx *ctx, const config_setting_t *s, char ***ret,
		       size_t *ret_n);
void conf_strings_free(char **v, size_t n);

/* conf_codecs.c: a route's codecs key. */
int conf_codecs_fn_route(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);
void conf_codecs_route_clear(struct conf_route *r);
/* conf_codecs.c: a route's probe key (target health). */
int conf_probe_fn_route(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);

/* conf_flood.c: the flood section (rate limit, bans). */
int conf_parse_flood(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);

/* conf_auth.c: the auth section, the listeners' and routes' auth, acl and
 * trunk_auth keys, and the checks that need every section. */
int conf_parse_auth(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);
int conf_auth_fn_listener_auth(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);
int conf_auth_fn_listener_acl(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);
/* Move a listener's auth and acl into c (tp: CONF_TP_*), and free what is left. */
void conf_auth_take_listener(struct conf *c, unsigned tp, struct conf_listener *l);
/* conf_edge.c: a listener's advertise key, taken into the snapshot (and
 * checked against the other listeners'); the From host's default */
int conf_edge_fn_listener_advertise(struct conf_load_ctx *ctx, const config_setting_t *s,
				    void *obj);
int conf_edge_take_listener(struct conf_load_ctx *ctx, struct conf *c, unsigned tp,
			    unsigned seen, struct conf_listener *l);
int conf_edge_fn_nat(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);
int conf_edge_fn_route_nat(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);
int conf_edge_fn_route_register(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);
int conf_edge_finish(struct conf *c);
void conf_edge_clear(struct conf *c);
int conf_auth_fn_route_auth(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);
int conf_auth_fn_route_acl(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);
int conf_auth_fn_route_acl_action(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);
int conf_auth_fn_trunk_auth(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj);
int conf_auth_finish(struct conf_load_ctx *ctx, struct conf *c, const config_setting_t *root);
void conf_auth_route_clear(struct conf_route *r);
void conf_auth_clear(struct conf *c);
