/* lib/conf/conf_ops.c: the operations sections of the config: `records`
 * (the call records file), `http` (the HTTP endpoint: metrics, events, REST)
 * and `webhooks` (where events are POSTed); and `conference` (the URI a
 * REFER names to bring its call into the conference bridge). Each section
 * is off when it is absent. Tables as in conf.c; runs wherever conf_load() runs. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf_int.h"

/* The event types a webhook may ask for (lib/ops/bus.h), and "*" for all. */
static const char *const event_names[] = {
	"call.created", "call.state", "call.answered", "call.ended",
	"media.started", "media.stopped", "media.quality", "transfer", "call.dtmf",
	"bridge.join", "bridge.leave", "*", NULL,
};

static const struct conf_key records_keys[] = {
	{ "file", CONF_STR, offsetof(struct conf, records_file), 1, 0 },
	{ NULL },
};

int conf_parse_records(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf *c = obj;
	int r = conf_apply_keys(ctx, s, records_keys, obj, "'records'");

	if (r == 0 && c->records_file == NULL) {
		conf_set_error(ctx->err, s, ctx->path, "'records' needs a file");
		return -EINVAL;
	}
	return r;
}

/* conference = { uri = "sip:conf@pbx.example.com"; }: its user and host,
 * as a REFER's Refer-To must name them (case-insensitive, no port). */
int conf_parse_conference(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	static const struct conf_key keys[] = {
		{ "uri", CONF_STR, offsetof(struct conf, conference_uri), 1, 0 },
		{ NULL },
	};
	struct conf *c = obj;
	const char *u, *at;
	size_t hl;
	int r = conf_apply_keys(ctx, s, keys, obj, "'conference'");

	if (r < 0)
		return r;
	u = c->conference_uri;
	if (u && strncasecmp(u, "sip:", 4) == 0)
		u += 4;
	else if (u && strncasecmp(u, "sips:", 5) == 0)
		u += 5;
	else
		u = NULL;
	at = u ? strchr(u, '@') : NULL;
	hl = at ? strcspn(at + 1, ":;>?") : 0;
	if (at == NULL || at == u || hl == 0) {
		conf_set_error(ctx->err, s, ctx->path,
			       "'conference' needs a uri such as \"sip:conf@pbx.example.com\"");
		return -EINVAL;
	}
	c->conference_user = strndup(u, (size_t)(at - u));
	c->conference_host = strndup(at + 1, hl);
	if (c->conference_user == NULL || c->conference_host == NULL)
		return -ENOMEM;
	return 0;
}

static int fn_http_address(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf *c = obj;
	unsigned char buf[16];

	if (conf_strdup_to(ctx, s, &c->http_address) < 0)
		return -EINVAL;
	if (inet_pton(AF_INET, c->http_address, buf) != 1 &&
	    inet_pton(AF_INET6, c->http_address, buf) != 1) {
		conf_set_error(ctx->err, s, ctx->path,
			       "'address' must be an IPv4 or IPv6 address, not \"%s\"", c->http_address);
		return -EINVAL;
	}
	return 0;
}

static const struct conf_key http_keys[] = {
	{ "address", CONF_FUNC, 0, 0, 0, fn_http_address },
	{ "port", CONF_INT, offsetof(struct conf, http_port), 1, 65535 },
	{ NULL },
};

int conf_parse_http(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf *c = obj;

	c->http_port = 8090;
	if (conf_apply_keys(ctx, s, http_keys, obj, "'http'") < 0)
		return -EINVAL;
	if (c->http_address == NULL && (c->http_address = strdup("127.0.0.1")) == NULL)
		return -ENOMEM;
	return 0;
}

static int fn_hook_url(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_webhook *w = obj;

	if (conf_strdup_to(ctx, s, &w->url) < 0)
		return -EINVAL;
	if ((strncasecmp(w->url, "http://", 7) != 0 || w->url[7] == '\0') &&
	    (strncasecmp(w->url, "https://", 8) != 0 || w->url[8] == '\0')) {
		conf_set_error(ctx->err, s, ctx->path,
			       "'url' must be an http:// or https:// URL, not \"%s\"", w->url);
		return -EINVAL;
	}
	return 0;
}

static bool known_event(const char *name)
{
	for (size_t i = 0; event_names[i]; i++)
		if (strcmp(event_names[i], name) == 0)
			return true;
	return false;
}

static int fn_hook_events(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_webhook *w = obj;
	int t = config_setting_type(s), n = config_setting_length(s);

	if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST) {
		conf_set_error(ctx->err, s, ctx->path,
			       "'events' must be a list of event names such as ( \"call.ended\" )");
		return -EINVAL;
	}
	w->events = calloc((size_t)n + 1, sizeof(char *));
	if (w->events == NULL)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (conf_strdup_to(ctx, e, &w->events[i]) < 0)
			return -EINVAL;
		w->n_events++;
		if (!known_event(w->events[i])) {
			conf_set_error(ctx->err, e, ctx->path,
				       "unknown event \"%s\" (call.created, call.state, call.answered, "
				       "call.ended, media.started, media.stopped, media.quality, "
				       "transfer, call.dtmf, or \"*\")", w->events[i]);
			return -EINVAL;
		}
	}
	return 0;
}

static const struct conf_key hook_keys[] = {
	{ "url", CONF_FUNC, 0, 0, 0, fn_hook_url },
	{ "events", CONF_FUNC, 0, 0, 0, fn_hook_events },
	{ "timeout_ms", CONF_INT, offsetof(struct conf_webhook, timeout_ms), 10, 60000 },
	{ "retries", CONF_INT, offsetof(struct conf_webhook, retries), 0, 10 },
	{ NULL },
};

static void hook_clear(struct conf_webhook *w)
{
	for (size_t i = 0; i < w->n_events; i++)
		free(w->events[i]);
	free(w->events);
	free(w->url);
	memset(w, 0, sizeof(*w));
}

int conf_parse_webhooks(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf *c = obj;
	int n = config_setting_length(s);

	if (config_setting_type(s) != CONFIG_TYPE_LIST) {
		conf_set_error(ctx->err, s, ctx->path,
			       "'webhooks' must be a list of ( { url, events, timeout_ms, retries } )");
		return -EINVAL;
	}
	c->webhooks = calloc((size_t)n + 1, sizeof(*c->webhooks));
	if (c->webhooks == NULL)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		struct conf_webhook *w = &c->webhooks[c->n_webhooks++];
		int r;

		w->timeout_ms = 2000;
		w->retries = 2;
		r = conf_apply_keys(ctx, e, hook_keys, w, "a webhook");
		if (r < 0)
			return r;
		if (w->url == NULL) {
			conf_set_error(ctx->err, e, ctx->path, "a webhook needs a url");
			return -EINVAL;
		}
	}
	return 0;
}

void conf_ops_clear(struct conf *c)
{
	for (size_t i = 0; i < c->n_webhooks; i++)
		hook_clear(&c->webhooks[i]);
	free(c->webhooks);
	free(c->records_file);
	free(c->http_address);
	free(c->conference_uri);
	free(c->conference_user);
	free(c->conference_host);
	c->conference_uri = c->conference_user = c->conference_host = NULL;
	c->webhooks = NULL;
	c->n_webhooks = 0;
	c->records_file = c->http_address = NULL;
}
