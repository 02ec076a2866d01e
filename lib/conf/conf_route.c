/* lib/conf/conf_route.c: the `routes` list of the config file -> struct
 * conf_route[]. Regexes are compiled here (POSIX extended), CIDRs parsed,
 * targets checked for shape, so a snapshot that loads can route any call. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf_int.h"

#define ROUTE_UNSET (-1)

static int compile_regex(struct conf_load_ctx *ctx, const config_setting_t *s,
			 struct conf_regex *rx)
{
	char msg[160];
	int r;

	if (conf_strdup_to(ctx, s, &rx->src) < 0)
		return -EINVAL;
	if (rx->set) {
		regfree(&rx->re);
		rx->set = false;
	}
	r = regcomp(&rx->re, rx->src, REG_EXTENDED);
	if (r != 0) {
		regerror(r, &rx->re, msg, sizeof(msg));
		conf_set_error(ctx->err, s, ctx->path, "bad regex \"%s\" in '%s': %s", rx->src,
			       config_setting_name(s), msg);
		return -EINVAL;
	}
	rx->set = true;
	return 0;
}

static void regex_clear(struct conf_regex *rx)
{
	if (rx->set)
		regfree(&rx->re);
	free(rx->src);
	memset(rx, 0, sizeof(*rx));
}

/* A string or a list/array of strings -> char *[]. */
int conf_parse_strings(struct conf_load_ctx *ctx, const config_setting_t *s, char ***ret,
		       size_t *ret_n)
{
	int t = config_setting_type(s);
	int n = (t == CONFIG_TYPE_STRING) ? 1 : config_setting_length(s);
	char **v;

	if (t != CONFIG_TYPE_STRING && t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST) {
		conf_set_error(ctx->err, s, ctx->path, "'%s' must be a string or a list of strings",
			       config_setting_name(s));
		return -EINVAL;
	}
	v = calloc((size_t)n + 1, sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = t == CONFIG_TYPE_STRING ? s :
			config_setting_get_elem(s, (unsigned)i);
		const char *str = config_setting_get_string(e);

		if (str == NULL || *str == '\0') {
			conf_set_error(ctx->err, e, ctx->path, "'%s' must hold non-empty strings",
				       config_setting_name(s));
			for (int j = 0; j < i; j++)
				free(v[j]);
			free(v);
			return -EINVAL;
		}
		v[i] = strdup(str);
	}
	/* replace whatever was there (a key given twice keeps the last) */
	for (size_t i = 0; *ret && i < *ret_n; i++)
		free((*ret)[i]);
	free(*ret);
	*ret = v;
	*ret_n = (size_t)n;
	for (int i = 0; i < n; i++)
		if (v[i] == NULL)
			return -ENOMEM;
	return 0;
}

void conf_strings_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

/* ---- match ---- */

static int fn_source(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_match *m = obj;
	char **v = NULL;
	size_t n = 0;
	int r = conf_parse_strings(ctx, s, &v, &n);

	if (r < 0)
		goto out;
	if (n == 0) {
		conf_set_error(ctx->err, s, ctx->path,
			       "'source' is empty: leave it out to match any source");
		r = -EINVAL;
		goto out;
	}
	free(m->sources);
	m->n_sources = 0;
	m->sources = calloc(n, sizeof(*m->sources));
	if (m->sources == NULL) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (conf_parse_cidr(v[i], &m->sources[i]) < 0) {
			conf_set_error(ctx->err, s, ctx->path,
				       "bad CIDR \"%s\" in 'source' (want 10.0.0.0/8, ::1 or similar)",
				       v[i]);
			r = -EINVAL;
			goto out;
		}
		m->n_sources++;
	}
out:
	conf_strings_free(v, n);
	return r;
}

static int fn_rx_ruri_user(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return compile_regex(ctx, s, &((struct conf_match *)obj)->ruri_user);
}

static int fn_rx_from_user(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return compile_regex(ctx, s, &((struct conf_match *)obj)->from_user);
}

static int fn_rx_to_user(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return compile_regex(ctx, s, &((struct conf_match *)obj)->to_user);
}

static int fn_rx_header_value(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return compile_regex(ctx, s, &((struct conf_match *)obj)->header_value);
}

static int fn_header(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	static const struct conf_key keys[] = {
		{ "name", CONF_STR, offsetof(struct conf_match, header_name), 1, 0 },
		{ "value", CONF_FUNC, 0, 0, 0, fn_rx_header_value },
		{ NULL },
	};
	struct conf_match *m = obj;
	int r = conf_apply_keys(ctx, s, keys, m, "'match.header'");

	if (r == 0 && (m->header_name == NULL || !m->header_value.set)) {
		conf_set_error(ctx->err, s, ctx->path, "'header' needs both name and value");
		return -EINVAL;
	}
	if (r == 0 && strpbrk(m->header_name, ": \t\r\n")) {
		conf_set_error(ctx->err, s, ctx->path, "bad header name \"%s\"", m->header_name);
		return -EINVAL;
	}
	return r;
}

static int fn_match(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	static const struct conf_key keys[] = {
		{ "ruri_user", CONF_FUNC, 0, 0, 0, fn_rx_ruri_user },
		{ "ruri_domain", CONF_STR, offsetof(struct conf_match, ruri_domain), 1, 0 },
		{ "from_user", CONF_FUNC, 0, 0, 0, fn_rx_from_user },
		{ "to_user", CONF_FUNC, 0, 0, 0, fn_rx_to_user },
		{ "source", CONF_FUNC, 0, 0, 0, fn_source },
		{ "header", CONF_FUNC, 0, 0, 0, fn_header },
		{ NULL },
	};
	return conf_apply_keys(ctx, s, keys, &((struct conf_route *)obj)->match, "'match'");
}

/* ---- actions ---- */

/* host[:port] in [host, end): a port, when there is one, is 1-65535 */
static int check_port(const char *host, const char *end)
{
	const char *colon;
	long port = 0;

	if (*host == '[') {
		const char *rb = memchr(host, ']', (size_t)(end - host));
		if (rb == NULL)
			return -EINVAL;
		colon = rb + 1 < end && rb[1] == ':' ? rb + 1 : NULL;
		if (colon == NULL && rb + 1 != end)
			return -EINVAL;
	} else {
		colon = memchr(host, ':', (size_t)(end - host));
	}
	if (colon == NULL)
		return 0;
	if (colon + 1 == end || end - colon - 1 > 5)
		return -EINVAL;
	for (const char *p = colon + 1; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		port = port * 10 + (*p - '0');
	}
	return port >= 1 && port <= 65535 ? 0 : -EINVAL;
}

bool conf_target_is_tls(const char *t)
{
	const char *semi;

	if (t == NULL)
		return false;
	if (strncasecmp(t, "sips:", 5) == 0)
		return true;
	for (semi = strchr(t, ';'); semi; semi = strchr(semi + 1, ';'))
		if (strncasecmp(semi, ";transport=tls", 14) == 0 &&
		    (semi[14] == '\0' || semi[14] == ';' || semi[14] == '>'))
			return true;
	return false;
}

/* sip:[user@]host[:port][;transport=udp|tcp|tls], sips:[user@]host[:port] */
static int check_target(const char *t)
{
	const char *p, *host, *semi;
	bool sips = strncasecmp(t, "sips:", 5) == 0;

	if (strncasecmp(t, "sip:", 4) != 0 && !sips)
		return -EINVAL;
	p = t + (sips ? 5 : 4);
	host = strchr(p, '@');
	host = host ? host + 1 : p;
	if (*host == '\0' || *host == ':' || *host == ';')
		return -EINVAL;
	if (strpbrk(t, " \t\r\n<>\"") != NULL)
		return -EINVAL;
	semi = strchr(host, ';');
	if (semi && strcasecmp(semi, ";transport=tls") != 0 &&
	    (sips || (strcasecmp(semi, ";transport=udp") != 0 &&
		      strcasecmp(semi, ";transport=tcp") != 0)))
		return -EINVAL;
	return check_port(host, semi ? semi : host + strlen(host));
}

static int fn_targets(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_route *r = obj;
	int ret = conf_parse_strings(ctx, s, &r->targets, &r->n_targets);

	if (ret < 0)
		return ret;
	if (r->n_targets == 0) {
		conf_set_error(ctx->err, s, ctx->path, "'targets' is empty");
		return -EINVAL;
	}
	for (size_t i = 0; i < r->n_targets; i++)
		if (check_target(r->targets[i]) < 0) {
			conf_set_error(ctx->err, s, ctx->path,
				       "bad target \"%s\": want sip:[user@]host[:port][;transport=udp|tcp|tls] "
				       "or sips:[user@]host[:port]",
				       r->targets[i]);
			return -EINVAL;
		}
	return 0;
}

static void failover_set(struct conf_route *r, int code)
{
	int bit = code - CONF_FAILOVER_MIN;
	r->failover[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

static int fn_failover(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_route *r = obj;
	int t = config_setting_type(s);
	int n = config_setting_length(s);

	if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST) {
		conf_set_error(ctx->err, s, ctx->path,
			       "'failover_codes' must be a list such as ( \"5xx\", 408 )");
		return -EINVAL;
	}
	memset(r->failover, 0, sizeof(r->failover));
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		int et = config_setting_type(e);
		const char *str;
		int code;

		if (et == CONFIG_TYPE_INT || et == CONFIG_TYPE_INT64) {
			code = config_setting_get_int(e);
			if (code < CONF_FAILOVER_MIN || code > CONF_FAILOVER_MAX)
				goto bad;
			failover_set(r, code);
			continue;
		}
		if (et != CONFIG_TYPE_STRING)
			goto bad;
		str = config_setting_get_string(e);
		if (strlen(str) != 3 || str[0] < '3' || str[0] > '6' || strcasecmp(str + 1, "xx") != 0)
			goto bad;
		code = (str[0] - '0') * 100;
		for (int c = code; c < code + 100; c++)
			failover_set(r, c);
		continue;
bad:
		conf_set_error(ctx->err, e, ctx->path,
			       "'failover_codes' holds SIP codes 300-699 or classes \"3xx\"..\"6xx\"");
		return -EINVAL;
	}
	return 0;
}

static int fn_rewrite_match(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return compile_regex(ctx, s, &((struct conf_route *)obj)->rewrite);
}

static int fn_rewrite(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	static const struct conf_key keys[] = {
		{ "match", CONF_FUNC, 0, 0, 0, fn_rewrite_match },
		{ "replace", CONF_STR, offsetof(struct conf_route, rewrite_to), 0, 0 },
		{ NULL },
	};
	struct conf_route *r = obj;
	int ret = conf_apply_keys(ctx, s, keys, r, "'rewrite_user'");

	if (ret == 0 && (!r->rewrite.set || r->rewrite_to == NULL)) {
		conf_set_error(ctx->err, s, ctx->path, "'rewrite_user' needs match and replace");
		return -EINVAL;
	}
	if (ret == 0) {
		for (const char *p = r->rewrite_to; *p; p++) {
			if (p[0] == '\\' && p[1] == '\\') {
				p++;	/* an escaped backslash, not a group */
				continue;
			}
			if (p[0] == '\\' && p[1] >= '1' && p[1] <= '9' &&
			    (size_t)(p[1] - '0') > r->rewrite.re.re_nsub) {
				conf_set_error(ctx->err, s, ctx->path,
					       "'replace' uses \\%c but the regex has %zu group(s)",
					       p[1], r->rewrite.re.re_nsub);
				return -EINVAL;
			}
		}
	}
	return ret;
}

static int fn_add_headers(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_route *r = obj;
	int ret = conf_parse_strings(ctx, s, &r->add_headers, &r->n_add_headers);

	for (size_t i = 0; ret == 0 && i < r->n_add_headers; i++) {
		const char *h = r->add_headers[i], *colon = strchr(h, ':');
		if (colon == NULL || colon == h || strpbrk(h, "\r\n") ||
		    strcspn(h, " \t:") != (size_t)(colon - h)) {
			conf_set_error(ctx->err, s, ctx->path,
				       "bad header \"%s\" in 'add_headers': want \"Name: value\"", h);
			return -EINVAL;
		}
		if (conf_check_template(ctx, s, h) < 0)
			return -EINVAL;
	}
	return ret;
}

static int fn_remove_headers(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_route *r = obj;
	int ret = conf_parse_strings(ctx, s, &r->remove_headers, &r->n_remove_headers);

	for (size_t i = 0; ret == 0 && i < r->n_remove_headers; i++)
		if (strpbrk(r->remove_headers[i], ": \t\r\n")) {
			conf_set_error(ctx->err, s, ctx->path,
				       "bad header name \"%s\" in 'remove_headers'", r->remove_headers[i]);
			return -EINVAL;
		}
	return ret;
}

static int fn_route_media(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	static const char *const names[] = { "relay", "passthrough" };
	int i = conf_parse_name(ctx, s, names, 2, "\"relay\" or \"passthrough\"");

	if (i < 0)
		return i;
	((struct conf_route *)obj)->media_passthrough = i == 1;
	return 0;
}

static int fn_route_se(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_route *r = obj;
	long long v;

	if (conf_want_type(ctx, s, CONFIG_TYPE_INT) < 0)
		return -EINVAL;
	v = config_setting_get_int64(s);
	if (v < 0 || v > 86400) {
		conf_set_error(ctx->err, s, ctx->path,
			       "'session_expires' must be between 0 and 86400, not %lld", v);
		return -EINVAL;
	}
	r->session_expires = (int)v;
	r->se_line = (int)config_setting_source_line(s);
	return 0;
}

static int parse_sec(struct conf_load_ctx *ctx, const config_setting_t *s, enum conf_sec *out)
{
	static const char *const names[] = {
		[CONF_SEC_RTP] = "rtp", [CONF_SEC_SRTP] = "srtp",
		[CONF_SEC_OPTIONAL] = "srtp-optional", [CONF_SEC_PASSTHROUGH] = "passthrough",
	};
	int i = conf_parse_name(ctx, s, names, 4,
				"\"rtp\", \"srtp\", \"srtp-optional\" or \"passthrough\"");

	if (i < 0)
		return i;
	*out = (enum conf_sec)i;
	return 0;
}

static int fn_sec_caller(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return parse_sec(ctx, s, &((struct conf_route *)obj)->sec_caller);
}

static int fn_sec_callee(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return parse_sec(ctx, s, &((struct conf_route *)obj)->sec_callee);
}

static int fn_sec_suites(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_route *r = obj;

	r->suites_set = true;
	return conf_parse_suites(ctx, s, r->suites);
}

static int fn_security(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	static const struct conf_key keys[] = {
		{ "caller", CONF_FUNC, 0, 0, 0, fn_sec_caller },
		{ "callee", CONF_FUNC, 0, 0, 0, fn_sec_callee },
		{ "suites", CONF_FUNC, 0, 0, 0, fn_sec_suites },
		{ "sdes_tls_only", CONF_BOOL, offsetof(struct conf_route, sdes_tls_only), 0, 0 },
		{ NULL },
	};
	struct conf_route *r = obj;
	int ret = conf_apply_keys(ctx, s, keys, r, "'security'");

	if (ret == 0 && (r->sec_caller == CONF_SEC_PASSTHROUGH) != (r->sec_callee == CONF_SEC_PASSTHROUGH)) {
		conf_set_error(ctx->err, s, ctx->path,
			       "'passthrough' keeps the endpoints' own keys: set it for both caller and callee");
		return -EINVAL;
	}
	return ret;
}

static int parse_dtmf(struct conf_load_ctx *ctx, const config_setting_t *s, enum conf_dtmf *out)
{
	static const char *const names[] = {
		[CONF_DTMF_PASSTHROUGH] = "passthrough", [CONF_DTMF_RFC4733] = "rfc4733",
		[CONF_DTMF_INFO] = "info",
	};
	int i = conf_parse_name(ctx, s, names, 3, "\"rfc4733\", \"info\" or \"passthrough\"");

	if (i < 0)
		return i;
	*out = (enum conf_dtmf)i;
	return 0;
}

static int fn_redirect(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	static const char *const names[] = {
		[CONF_REDIRECT_FOLLOW] = "follow", [CONF_REDIRECT_RELAY] = "relay",
	};
	int i = conf_parse_name(ctx, s, names, 2, "\"follow\" or \"relay\"");

	if (i < 0)
		return i;
	((struct conf_route *)obj)->redirect = (enum conf_redirect)i;
	return 0;
}

static int fn_dtmf_caller(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return parse_dtmf(ctx, s, &((struct conf_route *)obj)->dtmf[0]);
}

static int fn_dtmf_callee(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return parse_dtmf(ctx, s, &((struct conf_route *)obj)->dtmf[1]);
}

/* dtmf = "mode" (both legs) or dtmf = { caller = "mode"; callee = "mode"; } */
static int fn_dtmf(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	static const struct conf_key keys[] = {
		{ "caller", CONF_FUNC, 0, 0, 0, fn_dtmf_caller },
		{ "callee", CONF_FUNC, 0, 0, 0, fn_dtmf_callee },
		{ NULL },
	};
	struct conf_route *r = obj;

	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		int ret = parse_dtmf(ctx, s, &r->dtmf[0]);
		r->dtmf[1] = r->dtmf[0];
		return ret;
	}
	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		conf_set_error(ctx->err, s, ctx->path, "'dtmf' must be a string (both legs) or "
			       "a group { caller = \"...\"; callee = \"...\"; }");
		return -EINVAL;
	}
	return conf_apply_keys(ctx, s, keys, r, "'dtmf'");
}

static int fn_refer(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	static const char *const names[] = {
		[CONF_REFER_LOCAL] = "local", [CONF_REFER_PASSTHROUGH] = "passthrough",
		[CONF_REFER_REJECT] = "reject",
	};
	int i = conf_parse_name(ctx, s, names, 3, "\"local\", \"passthrough\" or \"reject\"");

	if (i < 0)
		return i;
	((struct conf_route *)obj)->refer = (enum conf_refer)i;
	return 0;
}

static int fn_refer_outside(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	static const char *const names[] = {
		[CONF_REFER_OUT_REJECT] = "reject", [CONF_REFER_OUT_FORWARD] = "forward",
	};
	int i = conf_parse_name(ctx, s, names, CONF_REFER_OUT_FORWARD + 1,
				"\"reject\" or \"forward\"");

	if (i < 0)
		return i;
	((struct conf_route *)obj)->refer_outside = (enum conf_refer_outside)i;
	return 0;
}

static int fn_tls_verify(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_route *r = obj;

	if (conf_want_type(ctx, s, CONFIG_TYPE_BOOL) < 0)
		return -EINVAL;
	r->tls_verify = config_setting_get_bool(s);
	r->tls_verify_set = (int)config_setting_source_line(s);
	if (r->tls_verify_set == 0)
		r->tls_verify_set = r->line ? r->line : 1;
	return 0;
}

static const struct conf_key route_keys[] = {
	{ "tls_verify", CONF_FUNC, 0, 0, 0, fn_tls_verify },
	{ "refer", CONF_FUNC, 0, 0, 0, fn_refer },
	{ "refer_outside", CONF_FUNC, 0, 0, 0, fn_refer_outside },
	{ "security", CONF_FUNC, 0, 0, 0, fn_security },
	{ "media", CONF_FUNC, 0, 0, 0, fn_route_media },
	{ "dtmf", CONF_FUNC, 0, 0, 0, fn_dtmf },
	{ "name", CONF_STR, offsetof(struct conf_route, name), 1, 0 },
	{ "match", CONF_FUNC, 0, 0, 0, fn_match },
	{ "targets", CONF_FUNC, 0, 0, 0, fn_targets },
	{ "failover_codes", CONF_FUNC, 0, 0, 0, fn_failover },
	{ "rewrite_user", CONF_FUNC, 0, 0, 0, fn_rewrite },
	{ "add_headers", CONF_FUNC, 0, 0, 0, fn_add_headers },
	{ "remove_headers", CONF_FUNC, 0, 0, 0, fn_remove_headers },
	{ "reject", CONF_INT, offsetof(struct conf_route, reject), 400, 699 },
	{ "reject_reason", CONF_STR, offsetof(struct conf_route, reject_reason), 1, 0 },
	{ "max_calls", CONF_INT, offsetof(struct conf_route, max_calls), 0, 1000000 },
	{ "max_cps", CONF_INT, offsetof(struct conf_route, max_cps), 0, 1000000 },
	{ "no_answer_timeout", CONF_INT, offsetof(struct conf_route, no_answer_timeout), 1, 3600 },
	{ "ring_timeout", CONF_INT, offsetof(struct conf_route, ring_timeout), 1, 3600 },
	{ "redirect", CONF_FUNC, 0, 0, 0, fn_redirect },
	{ "max_redirects", CONF_INT, offsetof(struct conf_route, max_redirects), 0, 10 },
	{ "connect_timeout", CONF_INT, offsetof(struct conf_route, connect_timeout), 1, 64 },
	{ "max_duration", CONF_INT, offsetof(struct conf_route, max_duration), 0, 604800 },
	{ "session_expires", CONF_FUNC, 0, 0, 0, fn_route_se },
	{ "auth", CONF_FUNC, 0, 0, 0, conf_auth_fn_route_auth },	/* conf_auth.c */
	{ "acl", CONF_FUNC, 0, 0, 0, conf_auth_fn_route_acl },
	{ "acl_action", CONF_FUNC, 0, 0, 0, conf_auth_fn_route_acl_action },
	{ "trunk_auth", CONF_FUNC, 0, 0, 0, conf_auth_fn_trunk_auth },
	{ "codecs", CONF_FUNC, 0, 0, 0, conf_codecs_fn_route },	/* conf_codecs.c */
	{ "probe", CONF_FUNC, 0, 0, 0, conf_probe_fn_route },
	{ "trusted", CONF_BOOL, offsetof(struct conf_route, trusted), 0, 0 },
	{ "from_user", CONF_FUNC, 0, 0, 0, conf_identity_fn_route },	/* conf_identity.c */
	{ "from_display", CONF_FUNC, 0, 0, 0, conf_identity_fn_route },
	{ "from_host", CONF_FUNC, 0, 0, 0, conf_identity_fn_route },
	{ "pai", CONF_FUNC, 0, 0, 0, conf_identity_fn_route },
	{ "nat", CONF_FUNC, 0, 0, 0, conf_edge_fn_route_nat },	/* conf_edge.c */
	{ "register", CONF_FUNC, 0, 0, 0, conf_edge_fn_route_register },
	{ "register_nat_expires", CONF_INT, offsetof(struct conf_route, register_nat_expires), 0, 86400 },
	{ NULL },
};

static int parse_route(struct conf_load_ctx *ctx, const config_setting_t *s, struct conf_route *r)
{
	int ret;

	r->line = (int)config_setting_source_line(s);
	if (config_setting_source_file(s) && strcmp(config_setting_source_file(s), ctx->path) != 0) {
		char f[256];

		conf_source_file(s, ctx->path, f, sizeof(f));
		if ((r->file = strdup(f)) == NULL)
			return -ENOMEM;
	}
	/* a caller's SRTP is terminated; targets get plain RTP unless asked */
	r->sec_caller = CONF_SEC_OPTIONAL;
	r->sec_callee = CONF_SEC_RTP;
	r->sdes_tls_only = true;	/* SDES keys never cross UDP/TCP unless allowed */
	r->no_answer_timeout = ROUTE_UNSET;
	r->connect_timeout = ROUTE_UNSET;
	r->max_duration = ROUTE_UNSET;
	r->max_redirects = 3;
	r->register_nat_expires = 60;
	r->session_expires = ROUTE_UNSET;
	/* default failover: 408 and every 5xx */
	failover_set(r, 408);
	for (int c = 500; c < 600; c++)
		failover_set(r, c);

	ret = conf_apply_keys(ctx, s, route_keys, r, "a route");
	if (ret < 0)
		return ret;
	if (r->name == NULL) {
		conf_set_error(ctx->err, s, ctx->path, "a route needs a 'name'");
		return -EINVAL;
	}
	if (r->n_targets == 0 && r->reject == 0) {
		conf_set_error(ctx->err, s, ctx->path, "route \"%s\" needs 'targets' or 'reject'",
			       r->name);
		return -EINVAL;
	}
	if (r->media_passthrough &&
	    (r->dtmf[0] != CONF_DTMF_PASSTHROUGH || r->dtmf[1] != CONF_DTMF_PASSTHROUGH)) {
		const config_setting_t *d = config_setting_get_member(s, "dtmf");
		conf_set_error(ctx->err, d ? d : s, ctx->path,
			       "route \"%s\": 'dtmf' needs the relay to read the RTP: not with "
			       "media = \"passthrough\"", r->name);
		return -EINVAL;
	}
	if (r->n_targets > 0 && r->reject != 0) {
		conf_set_error(ctx->err, s, ctx->path,
			       "route \"%s\" has both 'targets' and 'reject': choose one", r->name);
		return -EINVAL;
	}
	return 0;
}

int conf_parse_routes(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf *c = obj;
	int n = config_setting_length(s);

	if (config_setting_type(s) != CONFIG_TYPE_LIST) {
		conf_set_error(ctx->err, s, ctx->path, "'routes' must be a list: ( { ... }, { ... } )");
		return -EINVAL;
	}
	c->routes = calloc((size_t)n, sizeof(*c->routes));
	if (n > 0 && c->routes == NULL)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		int r;

		c->n_routes++;
		r = parse_route(ctx, e, &c->routes[i]);
		if (r < 0)
			return r;
		for (int j = 0; j < i; j++)
			if (strcmp(c->routes[j].name, c->routes[i].name) == 0) {
				conf_set_error(ctx->err, e, ctx->path,
					       "duplicate route name \"%s\" (first at line %d)",
					       c->routes[i].name, c->routes[j].line);
				return -EINVAL;
			}
	}
	return 0;
}

/* Per-route values left unset take the `calls` section's value, which may
 * stand after `routes` in the file: hence a second pass. */
int conf_finish_routes(struct conf_load_ctx *ctx, struct conf *c)
{
	for (size_t i = 0; i < c->n_routes; i++) {
		struct conf_route *r = &c->routes[i];
		if (r->session_expires != ROUTE_UNSET && r->session_expires > 0 &&
		    r->session_expires < c->min_se) {
			snprintf(ctx->err->file, sizeof(ctx->err->file), "%s", CONF_ROUTE_FILE(ctx, r));
			ctx->err->line = r->se_line ? r->se_line : r->line;
			snprintf(ctx->err->msg, sizeof(ctx->err->msg),
				 "route \"%s\": session_expires (%d) is below calls.min_se (%d)",
				 r->name, r->session_expires, c->min_se);
			return -EINVAL;
		}
		if (r->no_answer_timeout == ROUTE_UNSET)
			r->no_answer_timeout = c->no_answer_timeout;
		if (r->connect_timeout == ROUTE_UNSET)
			r->connect_timeout = c->connect_timeout;
		if (r->max_duration == ROUTE_UNSET)
			r->max_duration = c->max_duration;
		if (r->session_expires == ROUTE_UNSET)
			r->session_expires = c->session_expires;
		if (!r->suites_set)
			memcpy(r->suites, c->srtp_suites, sizeof(r->suites));
	}
	return 0;
}

void conf_route_clear(struct conf_route *r)
{
	free(r->name);
	free(r->file);
	regex_clear(&r->match.ruri_user);
	free(r->match.ruri_domain);
	regex_clear(&r->match.from_user);
	regex_clear(&r->match.to_user);
	free(r->match.sources);
	free(r->match.header_name);
	regex_clear(&r->match.header_value);
	conf_strings_free(r->targets, r->n_targets);
	regex_clear(&r->rewrite);
	free(r->rewrite_to);
	conf_strings_free(r->add_headers, r->n_add_headers);
	conf_strings_free(r->remove_headers, r->n_remove_headers);
	free(r->reject_reason);
	conf_identity_route_clear(r);
	conf_codecs_route_clear(r);
	conf_auth_route_clear(r);
}
