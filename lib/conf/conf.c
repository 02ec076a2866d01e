/* lib/conf/conf.c: libconfig file -> validated, immutable struct conf.
 *
 * Every section is described by a table of keys (name, type, where it goes,
 * its range); apply_keys() walks a group, refuses unknown keys and wrong types
 * and reports each problem with the file and line libconfig gives for the
 * setting. Values that need more than a range check (regexes, CIDRs, lists of
 * targets) have a parse function of their own. Runs on the sofia thread (at
 * start and on reload) and in `tandemd -t`. */
#include "conf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "conf_int.h"
#include "media/tsrtp.h"
#include "util/tid.h"

static void conf_free(struct conf *c);

/* The file a setting came from, as a user can open it: the main file as it was
 * given, an @include'd one (libconfig names it as written in the @include, taken
 * relative to the main file's directory, see conf_load) joined to that directory. */
void conf_source_file(const config_setting_t *s, const char *main_path, char *buf, size_t len)
{
	const char *file = s ? config_setting_source_file(s) : NULL;
	const char *slash = strrchr(main_path, '/');

	if (file == NULL || strcmp(file, main_path) == 0 || file[0] == '/' || slash == NULL)
		snprintf(buf, len, "%s", file ? file : main_path);
	else
		snprintf(buf, len, "%.*s/%s", (int)(slash - main_path), main_path, file);
}

void conf_set_error(struct conf_error *err, const config_setting_t *s, const char *fallback_file,
		    const char *fmt, ...)
{
	va_list ap;

	conf_source_file(s, fallback_file, err->file, sizeof(err->file));
	err->line = s ? (int)config_setting_source_line(s) : 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

void conf_error_format(const struct conf_error *err, char *buf, size_t len)
{
	if (err->line > 0)
		snprintf(buf, len, "%s:%d: %s", err->file, err->line, err->msg);
	else
		snprintf(buf, len, "%s: %s", err->file, err->msg);
}

static const char *const level_names[] = {
	[LOG_LVL_ERR] = "error", [LOG_LVL_WARNING] = "warning", [LOG_LVL_NOTICE] = "notice",
	[LOG_LVL_INFO] = "info", [LOG_LVL_DEBUG] = "debug",
};

int conf_log_level_from_name(const char *name)
{
	for (int i = LOG_LVL_ERR; i <= LOG_LVL_DEBUG; i++)
		if (strcasecmp(name, level_names[i]) == 0)
			return i;
	return -EINVAL;
}

const char *conf_log_level_name(int level)
{
	if (level < LOG_LVL_ERR || level > LOG_LVL_DEBUG)
		return "unknown";
	return level_names[level];
}

int conf_parse_cidr(const char *s, struct conf_cidr *ret)
{
	char buf[64];
	char *slash, *end;
	struct conf_cidr c = { 0 };
	unsigned max;
	long prefix;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, buf, c.addr) == 1) {
		c.family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, c.addr) == 1) {
		c.family = AF_INET6;
		max = 128;
	} else {
		return -EINVAL;
	}
	c.prefix = max;
	if (slash) {
		if (slash[1] < '0' || slash[1] > '9')
			return -EINVAL;
		errno = 0;
		prefix = strtol(slash + 1, &end, 10);
		if (errno || *end || end == slash + 1 || prefix < 0 || prefix > (long)max)
			return -EINVAL;
		c.prefix = (unsigned)prefix;
	}
	*ret = c;
	return 0;
}

bool conf_cidr_contains(const struct conf_cidr *c, const struct sockaddr *sa)
{
	const uint8_t *a;
	uint8_t mapped[16];
	unsigned full, rest;

	if (sa == NULL)
		return false;
	if (sa->sa_family == AF_INET && c->family == AF_INET) {
		a = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
	} else if (sa->sa_family == AF_INET6) {
		a = (const uint8_t *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
		if (c->family == AF_INET) {
			/* an IPv4 client seen through a dual-stack socket */
			static const uint8_t v4mapped[12] = { [10] = 0xff, [11] = 0xff };
			if (memcmp(a, v4mapped, 12) != 0)
				return false;
			memcpy(mapped, a + 12, 4);
			a = mapped;
		}
	} else {
		return false;
	}
	full = c->prefix / 8;
	rest = c->prefix % 8;
	if (memcmp(a, c->addr, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[full] ^ c->addr[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

/* A list of SRTP suite names -> suite numbers (0-terminated). */
int conf_parse_suites(struct conf_load_ctx *ctx, const config_setting_t *s, int *out)
{
	int t = config_setting_type(s), n = config_setting_length(s);

	if ((t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST) || n == 0 || n > CONF_MAX_SUITES) {
		conf_set_error(ctx->err, s, ctx->path,
			       "'%s' must be a list of 1 to %d SRTP suite names",
			       config_setting_name(s), CONF_MAX_SUITES);
		return -EINVAL;
	}
	memset(out, 0, sizeof(int) * CONF_MAX_SUITES);
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *name = config_setting_get_string(e);
		enum tsrtp_suite su = name ? tsrtp_suite_from_name(name) : TSRTP_NONE;
		if (su == TSRTP_NONE) {
			conf_set_error(ctx->err, e, ctx->path,
				       "unknown SRTP suite \"%s\" (AES_CM_128_HMAC_SHA1_80, "
				       "AES_CM_128_HMAC_SHA1_32, AES_256_CM_HMAC_SHA1_80, "
				       "AEAD_AES_128_GCM, ...)", name ? name : "?");
			return -EINVAL;
		}
		out[i] = (int)su;
	}
	return 0;
}

/* ---- generic table walker ---- */

static const char *type_name(int t)
{
	switch (t) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:	return "an integer";
	case CONFIG_TYPE_FLOAT:	return "a number";
	case CONFIG_TYPE_STRING: return "a string";
	case CONFIG_TYPE_BOOL:	return "true or false";
	case CONFIG_TYPE_ARRAY:	return "an array";
	case CONFIG_TYPE_LIST:	return "a list";
	case CONFIG_TYPE_GROUP:	return "a group";
	default:		return "something else";
	}
}

int conf_parse_name(struct conf_load_ctx *ctx, const config_setting_t *s,
		    const char *const *names, int n, const char *choices)
{
	const char *v;

	if (conf_want_type(ctx, s, CONFIG_TYPE_STRING) < 0)
		return -EINVAL;
	v = config_setting_get_string(s);
	for (int i = 0; i < n; i++)
		if (names[i] && strcmp(v, names[i]) == 0)
			return i;
	conf_set_error(ctx->err, s, ctx->path, "'%s' must be %s, not \"%s\"",
		       config_setting_name(s), choices, v);
	return -EINVAL;
}

int conf_want_type(struct conf_load_ctx *ctx, const config_setting_t *s, int type)
{
	int t = config_setting_type(s);

	if (t == type || (type == CONFIG_TYPE_INT && t == CONFIG_TYPE_INT64))
		return 0;
	if (config_setting_name(s))
		conf_set_error(ctx->err, s, ctx->path, "'%s' must be %s, not %s",
			       config_setting_name(s), type_name(type), type_name(t));
	else
		conf_set_error(ctx->err, s, ctx->path, "each element of '%s' must be %s, not %s",
			       config_setting_parent(s) && config_setting_name(config_setting_parent(s)) ?
			       config_setting_name(config_setting_parent(s)) : "the list",
			       type_name(type), type_name(t));
	return -EINVAL;
}

int conf_strdup_to(struct conf_load_ctx *ctx, const config_setting_t *s, char **dst)
{
	char *v;

	if (conf_want_type(ctx, s, CONFIG_TYPE_STRING) < 0)
		return -EINVAL;
	v = strdup(config_setting_get_string(s));
	if (v == NULL)
		return -ENOMEM;
	free(*dst);
	*dst = v;
	return 0;
}

static int apply_one(struct conf_load_ctx *ctx, const config_setting_t *s,
		     const struct conf_key *k, void *obj)
{
	char *field = (char *)obj + k->off;
	long long v;
	const char *str, *name = config_setting_name(s);
	char *end;
	int lvl;

	switch (k->type) {
	case CONF_INT:
		if (conf_want_type(ctx, s, CONFIG_TYPE_INT) < 0)
			return -EINVAL;
		v = config_setting_get_int64(s);
		if (v < k->min || v > k->max) {
			conf_set_error(ctx->err, s, ctx->path, "'%s' must be between %d and %d, not %lld",
				       name, k->min, k->max, v);
			return -EINVAL;
		}
		*(int *)field = (int)v;
		return 0;
	case CONF_BOOL:
		if (conf_want_type(ctx, s, CONFIG_TYPE_BOOL) < 0)
			return -EINVAL;
		*(bool *)field = config_setting_get_bool(s);
		return 0;
	case CONF_STR:
		if (conf_strdup_to(ctx, s, (char **)field) < 0)
			return -EINVAL;
		if (**(char **)field == '\0' && k->min > 0) {
			conf_set_error(ctx->err, s, ctx->path, "'%s' must not be empty", name);
			return -EINVAL;
		}
		return 0;
	case CONF_LEVEL:
		if (conf_want_type(ctx, s, CONFIG_TYPE_STRING) < 0)
			return -EINVAL;
		lvl = conf_log_level_from_name(config_setting_get_string(s));
		if (lvl < 0) {
			conf_set_error(ctx->err, s, ctx->path,
				       "'%s' must be error, warning, notice, info or debug", name);
			return -EINVAL;
		}
		*(int *)field = lvl;
		return 0;
	case CONF_MODE:
		if (conf_want_type(ctx, s, CONFIG_TYPE_STRING) < 0)
			return -EINVAL;
		str = config_setting_get_string(s);
		errno = 0;
		v = strtoll(str, &end, 8);
		if (errno || *end || end == str || v < 0 || v > 0777) {
			conf_set_error(ctx->err, s, ctx->path,
				       "'%s' must be an octal file mode such as \"0660\"", name);
			return -EINVAL;
		}
		*(unsigned *)field = (unsigned)v;
		return 0;
	case CONF_FUNC:
		return k->fn(ctx, s, obj);
	}
	return -EINVAL;
}

int conf_apply_keys(struct conf_load_ctx *ctx, const config_setting_t *group,
		    const struct conf_key *keys, void *obj, const char *where)
{
	int n = config_setting_length(group);

	if (conf_want_type(ctx, group, CONFIG_TYPE_GROUP) < 0)
		return -EINVAL;
	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
		const char *name = config_setting_name(s);
		const struct conf_key *k;
		int r;

		for (k = keys; k->name; k++)
			if (strcmp(k->name, name) == 0)
				break;
		if (k->name == NULL) {
			conf_set_error(ctx->err, s, ctx->path, "unknown key '%s' in %s", name, where);
			return -EINVAL;
		}
		r = apply_one(ctx, s, k, obj);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- sections ---- */

static int parse_listen(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf *c = obj;
	int n = config_setting_length(s);
	unsigned seen = 0;
	char *tls_address = NULL;
	const config_setting_t *tls_line = NULL;
	int r;

	if (config_setting_type(s) != CONFIG_TYPE_LIST || n == 0) {
		conf_set_error(ctx->err, s, ctx->path,
			       "'listen' must be a non-empty list of ( { transport, address, port } )");
		return -EINVAL;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *l = config_setting_get_elem(s, (unsigned)i);
		struct conf_listener one = { .port = 5060 };
		static const struct conf_key keys[] = {
			{ "transport", CONF_STR, offsetof(struct conf_listener, transport), 1, 0 },
			{ "address", CONF_STR, offsetof(struct conf_listener, address), 1, 0 },
			{ "port", CONF_INT, offsetof(struct conf_listener, port), 1, 65535 },
			{ "auth", CONF_FUNC, 0, 0, 0, conf_auth_fn_listener_auth },	/* conf_auth.c */
			{ "acl", CONF_FUNC, 0, 0, 0, conf_auth_fn_listener_acl },
			{ "advertise", CONF_FUNC, 0, 0, 0, conf_edge_fn_listener_advertise },
			{ "nat", CONF_FUNC, 0, 0, 0, conf_edge_fn_nat },
			{ NULL },
		};
		unsigned tp = 0;

		r = conf_apply_keys(ctx, l, keys, &one, "a listener");
		if (r == 0 && (one.transport == NULL || one.address == NULL)) {
			conf_set_error(ctx->err, l, ctx->path, "a listener needs transport and address");
			r = -EINVAL;
		}
		if (r == 0) {
			if (strcasecmp(one.transport, "udp") == 0)
				tp = CONF_TP_UDP;
			else if (strcasecmp(one.transport, "tcp") == 0)
				tp = CONF_TP_TCP;
			else if (strcasecmp(one.transport, "tls") == 0)
				tp = CONF_TP_TLS;
			else
				tp = 0;
			if (tp == 0) {
				conf_set_error(ctx->err, l, ctx->path,
					       "transport must be \"udp\", \"tcp\" or \"tls\", not \"%s\"",
					       one.transport);
				r = -EINVAL;
			} else if (seen & tp) {
				conf_set_error(ctx->err, l, ctx->path, "a second %s listener",
					       one.transport);
				r = -EINVAL;
			} else if (tp == CONF_TP_TLS) {
				/* its own port; the address is checked after the loop */
			} else if (c->listen_address &&
				   (strcmp(c->listen_address, one.address) != 0 ||
				    c->listen_port != one.port)) {
				conf_set_error(ctx->err, l, ctx->path,
					       "all listeners must share one address and port "
					       "(%s:%d here)", c->listen_address, c->listen_port);
				r = -EINVAL;
			}
		}
		if (r == 0) {
			struct conf_cidr tmp;
			if (conf_parse_cidr(one.address, &tmp) < 0 || strchr(one.address, '/')) {
				conf_set_error(ctx->err, l, ctx->path,
					       "listener address must be an IPv4 or IPv6 address, not \"%s\"",
					       one.address);
				r = -EINVAL;
			}
		}
		if (r == 0 && tp == CONF_TP_TLS) {
			/* the address of the UDP/TCP listeners, wherever they stand */
			seen |= tp;
			c->listen_tls_port = one.port;
			tls_line = l;
			free(tls_address);
			tls_address = one.address;
			one.address = NULL;
		} else if (r == 0) {
			seen |= tp;
			if (c->listen_address == NULL) {
				c->listen_address = one.address;
				one.address = NULL;
			}
			c->listen_port = one.port;
		}
		conf_auth_take_listener(r == 0 ? c : NULL, tp, &one);
		if (one.adv_line == NULL)
			one.adv_line = l;	/* errors name the listener without advertise */
		if (r == 0)
			r = conf_edge_take_listener(ctx, c, tp, seen, &one);
		else
			conf_edge_take_listener(ctx, NULL, tp, seen, &one);
		free(one.transport);
		free(one.address);
		if (r < 0) {
			free(tls_address);
			return r;
		}
	}
	c->listen_transports = seen;
	if (seen == CONF_TP_TLS) {
		conf_set_error(ctx->err, s, ctx->path,
			       "a TLS listener needs a UDP or TCP listener beside it (same address)");
		r = -EINVAL;
	} else if (tls_address && strcmp(tls_address, c->listen_address) != 0) {
		conf_set_error(ctx->err, tls_line, ctx->path,
			       "the TLS listener must use the address of the UDP/TCP listeners (%s), "
			       "not %s", c->listen_address, tls_address);
		r = -EINVAL;
	} else if (tls_address && c->listen_tls_port == c->listen_port) {
		conf_set_error(ctx->err, tls_line, ctx->path,
			       "the TLS listener needs a port of its own (%d is the UDP/TCP port)",
			       c->listen_port);
		r = -EINVAL;
	} else {
		r = 0;
	}
	free(tls_address);
	return r;
}

static const struct conf_key sip_keys[] = {
	{ "advertise", CONF_STR, offsetof(struct conf, advertise), 1, 0 },
	{ "user_agent", CONF_STR, offsetof(struct conf, user_agent), 1, 0 },
	{ "nat_keepalive", CONF_INT, offsetof(struct conf, nat_keepalive), 0, 3600 },
	{ NULL },
};

static const struct conf_key control_keys[] = {
	{ "socket", CONF_STR, offsetof(struct conf, ctl_socket), 1, 0 },
	{ "mode", CONF_MODE, offsetof(struct conf, ctl_mode), 0, 0 },
	{ NULL },
};

static const struct conf_key log_keys[] = {
	{ "level", CONF_LEVEL, offsetof(struct conf, log_level), 0, 0 },
	{ "sip_trace", CONF_BOOL, offsetof(struct conf, sip_trace), 0, 0 },
	{ NULL },
};

static const struct conf_key limits_keys[] = {
	{ "max_calls", CONF_INT, offsetof(struct conf, max_calls), 0, 1000000 },
	{ "retry_after", CONF_INT, offsetof(struct conf, retry_after), 0, 86400 },
	{ "max_message_size", CONF_INT, offsetof(struct conf, max_message_size), 1024, 16777216 },
	{ "max_calls_per_source", CONF_INT, offsetof(struct conf, max_calls_per_source), 0, 1000000 },
	{ "cps_per_source", CONF_INT, offsetof(struct conf, cps_per_source), 0, 1000000 },
	{ "cps_per_user", CONF_INT, offsetof(struct conf, cps_per_user), 0, 1000000 },
	{ NULL },
};

static const struct conf_key calls_keys[] = {
	{ "no_answer_timeout", CONF_INT, offsetof(struct conf, no_answer_timeout), 1, 3600 },
	{ "connect_timeout", CONF_INT, offsetof(struct conf, connect_timeout), 1, 64 },
	{ "session_expires", CONF_INT, offsetof(struct conf, session_expires), 0, 86400 },
	{ "min_se", CONF_INT, offsetof(struct conf, min_se), 90, 86400 },
	{ "drain_grace", CONF_INT, offsetof(struct conf, drain_grace), 0, 86400 },
	{ "no_route_code", CONF_INT, offsetof(struct conf, no_route_code), 400, 699 },
	{ "max_duration", CONF_INT, offsetof(struct conf, max_duration), 0, 604800 },
	{ NULL },
};

static int parse_section(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj,
			 const struct conf_key *keys, const char *where)
{
	return conf_apply_keys(ctx, s, keys, obj, where);
}

static int fn_sip(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return parse_section(ctx, s, obj, sip_keys, "'sip'");
}

static int fn_control(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return parse_section(ctx, s, obj, control_keys, "'control'");
}

static int fn_log(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return parse_section(ctx, s, obj, log_keys, "'log'");
}

static int fn_limits(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return parse_section(ctx, s, obj, limits_keys, "'limits'");
}

static int fn_calls(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return parse_section(ctx, s, obj, calls_keys, "'calls'");
}

static int fn_media(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return parse_section(ctx, s, obj, conf_media_keys, "'media'");
}

/* node = "sbc1": this tandemd's name in records, events, metrics and logs. */
static int parse_node(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf *c = obj;
	const char *why;

	if (conf_want_type(ctx, s, CONFIG_TYPE_STRING) < 0)
		return -EINVAL;
	why = tid_node_invalid(config_setting_get_string(s));
	if (why) {
		conf_set_error(ctx->err, s, ctx->path, "'node' %s (\"%.80s\")", why,
			       config_setting_get_string(s));
		return -EINVAL;
	}
	c->node_set = true;
	return conf_strdup_to(ctx, s, &c->node);
}

static const struct conf_key top_keys[] = {
	{ "node", CONF_FUNC, 0, 0, 0, parse_node },
	{ "media", CONF_FUNC, 0, 0, 0, fn_media },
	{ "listen", CONF_FUNC, 0, 0, 0, parse_listen },
	{ "sip", CONF_FUNC, 0, 0, 0, fn_sip },
	{ "control", CONF_FUNC, 0, 0, 0, fn_control },
	{ "log", CONF_FUNC, 0, 0, 0, fn_log },
	{ "limits", CONF_FUNC, 0, 0, 0, fn_limits },
	{ "calls", CONF_FUNC, 0, 0, 0, fn_calls },
	{ "routes", CONF_FUNC, 0, 0, 0, conf_parse_routes },
	{ "tls", CONF_FUNC, 0, 0, 0, conf_parse_tls },
	{ "records", CONF_FUNC, 0, 0, 0, conf_parse_records },	/* conf_ops.c */
	{ "conference", CONF_FUNC, 0, 0, 0, conf_parse_conference },
	{ "http", CONF_FUNC, 0, 0, 0, conf_parse_http },
	{ "webhooks", CONF_FUNC, 0, 0, 0, conf_parse_webhooks },
	{ "auth", CONF_FUNC, 0, 0, 0, conf_parse_auth },	/* conf_auth.c */
	{ "flood", CONF_FUNC, 0, 0, 0, conf_parse_flood },	/* conf_flood.c */
	{ "identity", CONF_FUNC, 0, 0, 0, conf_parse_identity },	/* conf_identity.c */
	{ NULL },
};

static void set_defaults(struct conf *c)
{
	c->refs = 1;
	c->ctl_mode = 0660;
	c->log_level = LOG_LVL_INFO;
	c->max_calls = 10000;
	c->retry_after = 5;
	c->max_message_size = 65536;
	c->no_answer_timeout = 60;
	c->connect_timeout = 8;
	c->session_expires = 0;
	c->min_se = 90;
	c->drain_grace = 30;
	c->no_route_code = 404;
	c->media_port_min = 20000;
	c->media_port_max = 29999;
	c->media_timeout = 60;
	c->media_io_uring = true;
	c->srtp_suites[0] = TSRTP_AES_CM_128_HMAC_SHA1_80;
	c->srtp_suites[1] = TSRTP_AES_CM_128_HMAC_SHA1_32;
	c->media_hold_timeout = 3600;
	c->tls_verify_peer = true;
	c->nat_keepalive = 30;
}

static const config_setting_t *calls_se_setting(const config_setting_t *root)
{
	config_setting_t *calls = config_setting_get_member(root, "calls");

	return calls ? config_setting_get_member(calls, "session_expires") : NULL;
}

/* Values that depend on other sections, and defaults that need allocation. */
static int finish(struct conf_load_ctx *ctx, struct conf *c, const config_setting_t *root)
{
	int r;

	if (c->listen_address == NULL) {
		c->listen_address = strdup("127.0.0.1");
		c->listen_port = 5060;
		c->listen_transports = CONF_TP_UDP | CONF_TP_TCP;
	}
	if (c->ctl_socket == NULL)
		c->ctl_socket = strdup("/run/tandem/tandemd.sock");
	if (c->user_agent == NULL)
		c->user_agent = strdup("tandem/" TANDEM_VERSION);
	if (c->node == NULL) {
		char host[256] = "", node[TID_NODE_MAX + 1];
		gethostname(host, sizeof(host) - 1);
		tid_node_default(host, getenv("TANDEM_INSTANCE"), node, sizeof(node));
		c->node = strdup(node);
	}
	if (c->listen_address == NULL || c->ctl_socket == NULL || c->user_agent == NULL ||
	    c->node == NULL)
		return -ENOMEM;
	if (c->media_port_max - c->media_port_min < 7) {
		conf_set_error(ctx->err, config_setting_lookup((config_setting_t *)root, "media"),
			       ctx->path, "media.port_max (%d) must be at least port_min (%d) + 7",
			       c->media_port_max, c->media_port_min);
		return -EINVAL;
	}
	{
		int mr = conf_media_finish(ctx, root, c);
		if (mr < 0)
			return mr;
	}
	if (c->session_expires > 0 && c->session_expires < c->min_se) {
		conf_set_error(ctx->err, calls_se_setting(root), ctx->path,
			       "calls.session_expires (%d) is below calls.min_se (%d)",
			       c->session_expires, c->min_se);
		return -EINVAL;
	}
	if (conf_tls_finish(ctx, c, root) < 0)
		return ctx->err->msg[0] ? -EINVAL : -ENOMEM;
	if (conf_edge_finish(c) < 0)
		return -ENOMEM;
	r = conf_finish_routes(ctx, c);
	return r < 0 ? r : conf_auth_finish(ctx, c, root);
}

/* The directory of the main file: @include paths are relative to it. */
static int include_dir_of(const char *path, char **ret)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		*ret = strdup(".");
	else if (slash == path)
		*ret = strdup("/");
	else
		*ret = strndup(path, (size_t)(slash - path));
	return *ret ? 0 : -ENOMEM;
}

int conf_load(const char *path, struct conf **ret, struct conf_error *err)
{
	struct conf_load_ctx ctx = { .path = path, .err = err };
	char *incdir = NULL;
	config_t cfg;
	struct conf *c;
	int r;

	memset(err, 0, sizeof(*err));
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -ENOMEM;
	set_defaults(c);
	c->loaded_at = time(NULL);
	c->path = strdup(path);
	if (c->path == NULL) {
		free(c);
		return -ENOMEM;
	}

	config_init(&cfg);
	/* `@include "routes.conf"` is read next to the main file, whatever the
	 * working directory (systemd starts tandemd in /). libconfig 1.5 puts this
	 * directory before every @include, so an absolute one cannot be opened. */
	r = include_dir_of(path, &incdir);
	if (r < 0)
		goto out;
	config_set_include_dir(&cfg, incdir);
	if (config_read_file(&cfg, path) != CONFIG_TRUE) {
		const char *f = config_error_file(&cfg);
		const char *text = config_error_text(&cfg);
		char *slash = strrchr(path, '/');

		/* an included file's name as written in the @include: add the directory */
		if (f && strcmp(f, path) != 0 && f[0] != '/' && slash)
			snprintf(err->file, sizeof(err->file), "%.*s/%s", (int)(slash - path), path, f);
		else
			snprintf(err->file, sizeof(err->file), "%s", f ? f : path);
		err->line = config_error_line(&cfg);
		if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO)
			snprintf(err->msg, sizeof(err->msg), "cannot read file: %s",
				 errno ? strerror(errno) : "I/O error");
		else if (text && strcmp(text, "cannot open include file") == 0)
			snprintf(err->msg, sizeof(err->msg), "cannot open the @include file (a "
				 "relative path, from %s)", incdir);
		else
			snprintf(err->msg, sizeof(err->msg), "%s", text);
		r = -EINVAL;
		goto out;
	}
	r = conf_apply_keys(&ctx, config_root_setting(&cfg), top_keys, c, "the top level");
	if (r == 0)
		r = finish(&ctx, c, config_root_setting(&cfg));
out:
	config_destroy(&cfg);
	free(incdir);
	if (r < 0) {
		if (r == -ENOMEM && err->msg[0] == '\0') {
			snprintf(err->file, sizeof(err->file), "%s", path);
			snprintf(err->msg, sizeof(err->msg), "out of memory");
		}
		conf_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

struct conf *conf_ref(struct conf *c)
{
	if (c)
		c->refs++;
	return c;
}

static void conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n_routes; i++)
		conf_route_clear(&c->routes[i]);
	free(c->routes);
	free(c->path);
	free(c->node);
	free(c->listen_address);
	free(c->advertise);
	free(c->ctl_socket);
	free(c->user_agent);
	free(c->media_address);
	free(c->media_advertise);
	free(c->media_address6);
	free(c->media_advertise6);
	free(c->tls_certificate);
	free(c->tls_key);
	free(c->tls_ca);
	free(c->tls_dir);
	conf_ops_clear(c);
	conf_auth_clear(c);
	conf_edge_clear(c);
	free(c->flood.trusted);
	conf_identity_clear(c);
	free(c);
}

struct conf *conf_unref(struct conf *c)
{
	if (c && --c->refs == 0)
		conf_free(c);
	return NULL;
}
