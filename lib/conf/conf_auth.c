/* lib/conf/conf_auth.c: who may call. The auth section (realm, users or a
 * credentials file of HA1 hashes, algorithms, nonce lifetime, trusted
 * networks, the global ACL), the `auth` and `acl` keys of listeners and
 * routes, and a route's `trunk_auth` (credentials for targets that
 * challenge). Clear passwords of users are hashed at load and never kept.
 * Runs where conf.c runs (sofia thread at start and reload, tandemd -t). */
#include <errno.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "conf_int.h"
#include "sec/digest.h"

/* ---- small parsers ---- */

static int parse_mode(struct conf_load_ctx *ctx, const config_setting_t *s,
		      enum conf_auth_mode *out)
{
	static const char *const names[] = {
		[CONF_AUTH_OFF] = "off", [CONF_AUTH_REQUIRED] = "required",
	};
	int i = conf_parse_name(ctx, s, names, CONF_AUTH_REQUIRED + 1, "\"required\" or \"off\"");

	if (i < 0)
		return i;
	*out = (enum conf_auth_mode)i;
	return 0;
}

static int parse_action(struct conf_load_ctx *ctx, const config_setting_t *s,
			enum conf_acl_action *out)
{
	static const char *const names[] = {
		[CONF_ACL_REJECT] = "reject", [CONF_ACL_DROP] = "drop",
	};
	int i = conf_parse_name(ctx, s, names, CONF_ACL_DROP + 1, "\"reject\" or \"drop\"");

	if (i < 0)
		return i;
	*out = (enum conf_acl_action)i;
	return 0;
}

/* A list (or array) of "addr/prefix" strings; a single string is a list of one. */
static int parse_nets(struct conf_load_ctx *ctx, const config_setting_t *s,
		      struct conf_cidr **ret, size_t *ret_n)
{
	int t = config_setting_type(s);
	int n = t == CONFIG_TYPE_STRING ? 1 : config_setting_length(s);
	struct conf_cidr *v;

	if (t != CONFIG_TYPE_STRING && t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST) {
		conf_set_error(ctx->err, s, ctx->path,
			       "'%s' must be a list of networks such as ( \"192.0.2.0/24\" )",
			       config_setting_name(s));
		return -EINVAL;
	}
	v = calloc(n > 0 ? (size_t)n : 1, sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = t == CONFIG_TYPE_STRING ? s :
					    config_setting_get_elem(s, (unsigned)i);
		const char *str = config_setting_get_string(e);
		if (str == NULL || conf_parse_cidr(str, &v[i]) < 0) {
			conf_set_error(ctx->err, e, ctx->path,
				       "'%s' holds \"%s\", not an IPv4 or IPv6 network (addr/prefix)",
				       config_setting_name(s) ? config_setting_name(s) : "acl",
				       str ? str : "?");
			free(v);
			return -EINVAL;
		}
	}
	free(*ret);
	*ret = v;
	*ret_n = (size_t)n;
	return 0;
}

static int parse_acl(struct conf_load_ctx *ctx, const config_setting_t *s, struct conf_acl *acl)
{
	int r = parse_nets(ctx, s, &acl->nets, &acl->n);

	if (r == 0)
		acl->set = true;
	return r;
}

/* ---- listeners and routes ---- */

int conf_auth_fn_listener_auth(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return parse_mode(ctx, s, &((struct conf_listener *)obj)->auth);
}

int conf_auth_fn_listener_acl(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return parse_acl(ctx, s, &((struct conf_listener *)obj)->acl);
}

static int tp_index(unsigned tp)
{
	return tp == CONF_TP_UDP ? 0 : tp == CONF_TP_TCP ? 1 : tp == CONF_TP_TLS ? 2 : -1;
}

void conf_auth_take_listener(struct conf *c, unsigned tp, struct conf_listener *l)
{
	int i = tp_index(tp);

	if (c && i >= 0) {
		c->auth.listen_auth[i] = l->auth;
		free(c->auth.listen_acl[i].nets);
		c->auth.listen_acl[i] = l->acl;
		l->acl = (struct conf_acl){ 0 };
	}
	free(l->acl.nets);
	l->acl = (struct conf_acl){ 0 };
}

int conf_auth_fn_route_auth(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return parse_mode(ctx, s, &((struct conf_route *)obj)->access.auth);
}

int conf_auth_fn_route_acl(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return parse_acl(ctx, s, &((struct conf_route *)obj)->access.acl);
}

int conf_auth_fn_route_acl_action(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return parse_action(ctx, s, &((struct conf_route *)obj)->access.acl_action);
}

static int fn_ta_str(struct conf_load_ctx *ctx, const config_setting_t *s, char **dst)
{
	const char *name = config_setting_name(s);

	if (conf_strdup_to(ctx, s, dst) < 0)
		return -EINVAL;
	if (**dst == '\0') {
		conf_set_error(ctx->err, s, ctx->path, "'%s' must not be empty", name);
		return -EINVAL;
	}
	/* sofia's NUTAG_AUTH is "Digest:\"realm\":user:password" */
	if (strcmp(name, "target") != 0 && strcmp(name, "realm") != 0 && strchr(*dst, ':')) {
		conf_set_error(ctx->err, s, ctx->path, "'%s' of trunk_auth cannot hold ':'", name);
		return -EINVAL;
	}
	if (strcmp(name, "realm") == 0 && strchr(*dst, '"')) {
		conf_set_error(ctx->err, s, ctx->path, "'realm' of trunk_auth cannot hold '\"'");
		return -EINVAL;
	}
	return 0;
}

#define TA_FN(field) \
	static int fn_ta_##field(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj) \
	{ return fn_ta_str(ctx, s, &((struct conf_trunk_auth *)obj)->field); }
TA_FN(target)
TA_FN(user)
TA_FN(password)
TA_FN(realm)

static const struct conf_key trunk_keys[] = {
	{ "target", CONF_FUNC, 0, 0, 0, fn_ta_target },
	{ "user", CONF_FUNC, 0, 0, 0, fn_ta_user },
	{ "password", CONF_FUNC, 0, 0, 0, fn_ta_password },
	{ "realm", CONF_FUNC, 0, 0, 0, fn_ta_realm },
	{ NULL },
};

static void trunk_clear(struct conf_trunk_auth *t)
{
	free(t->target);
	free(t->user);
	if (t->password) {
		OPENSSL_cleanse(t->password, strlen(t->password));
		free(t->password);
	}
	free(t->realm);
}

int conf_auth_fn_trunk_auth(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_route_access *a = &((struct conf_route *)obj)->access;
	int t = config_setting_type(s), n = config_setting_length(s), r;

	if (t == CONFIG_TYPE_GROUP)
		n = 1;
	else if (t != CONFIG_TYPE_LIST || n == 0) {
		conf_set_error(ctx->err, s, ctx->path, "'trunk_auth' must be a list of "
			       "( { target; user; password; } )");
		return -EINVAL;
	}
	a->trunk = calloc((size_t)n, sizeof(*a->trunk));
	if (a->trunk == NULL)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = t == CONFIG_TYPE_GROUP ? s :
					    config_setting_get_elem(s, (unsigned)i);
		struct conf_trunk_auth *ta = &a->trunk[i];

		a->n_trunk = (size_t)i + 1;
		r = conf_apply_keys(ctx, e, trunk_keys, ta, "'trunk_auth'");
		if (r < 0)
			return r;
		if (ta->user == NULL || ta->password == NULL) {
			conf_set_error(ctx->err, e, ctx->path, "trunk_auth needs 'user' and 'password'");
			return -EINVAL;
		}
	}
	return 0;
}

void conf_auth_route_clear(struct conf_route *r)
{
	struct conf_route_access *a = &r->access;

	free(a->acl.nets);
	for (size_t i = 0; i < a->n_trunk; i++)
		trunk_clear(&a->trunk[i]);
	free(a->trunk);
	free(a->target_auth);
	memset(a, 0, sizeof(*a));
}

/* ---- the auth section ---- */

static struct conf_auth_user *user_get(struct conf_auth *a, const char *name, bool add)
{
	struct conf_auth_user *v;

	for (size_t i = 0; i < a->n_users; i++)
		if (strcmp(a->users[i].name, name) == 0)
			return &a->users[i];
	if (!add)
		return NULL;
	v = realloc(a->users, (a->n_users + 1) * sizeof(*v));
	if (v == NULL)
		return NULL;
	a->users = v;
	v = &a->users[a->n_users];
	memset(v, 0, sizeof(*v));
	if ((v->name = strdup(name)) == NULL)
		return NULL;
	a->n_users++;
	return v;
}

struct user_in {
	char *user, *password, *ha1, *ha1_sha256;
};

static const struct conf_key user_keys[] = {
	{ "user", CONF_STR, offsetof(struct user_in, user), 1, 0 },
	{ "password", CONF_STR, offsetof(struct user_in, password), 1, 0 },
	{ "ha1", CONF_STR, offsetof(struct user_in, ha1), 1, 0 },
	{ "ha1_sha256", CONF_STR, offsetof(struct user_in, ha1_sha256), 1, 0 },
	{ NULL },
};

static void user_in_clear(struct user_in *u)
{
	free(u->user);
	if (u->password) {
		OPENSSL_cleanse(u->password, strlen(u->password));
		free(u->password);
	}
	free(u->ha1);
	free(u->ha1_sha256);
}

static int set_ha1(struct conf_load_ctx *ctx, const config_setting_t *s, struct conf_auth_user *u,
		   enum digest_alg alg, const char *hex)
{
	if (!digest_is_hex(alg, hex)) {
		conf_set_error(ctx->err, s, ctx->path, "the %s HA1 of user '%s' must be %zu hex digits",
			       digest_alg_name(alg), u->name, digest_hex_len(alg));
		return -EINVAL;
	}
	for (size_t i = 0; hex[i]; i++)
		u->ha1[alg][i] = (char)(hex[i] | 0x20);	/* lower case */
	return 0;
}

static int one_user(struct conf_load_ctx *ctx, struct conf_auth *a, const config_setting_t *e)
{
	struct user_in in = { 0 };
	struct conf_auth_user *u;
	int r = conf_apply_keys(ctx, e, user_keys, &in, "a user");

	if (r == 0 && in.user == NULL) {
		conf_set_error(ctx->err, e, ctx->path, "a user needs 'user'");
		r = -EINVAL;
	} else if (r == 0 && !in.password && !in.ha1 && !in.ha1_sha256) {
		conf_set_error(ctx->err, e, ctx->path,
			       "user '%s' needs 'password', 'ha1' or 'ha1_sha256'", in.user);
		r = -EINVAL;
	} else if (r == 0 && (u = user_get(a, in.user, true)) == NULL) {
		r = -ENOMEM;
	} else if (r == 0) {
		for (int alg = 0; r == 0 && in.password && alg < _DIGEST_ALG_MAX; alg++)
			if (digest_ha1((enum digest_alg)alg, in.user, a->realm, in.password,
				       u->ha1[alg]) < 0)
				r = -ENOMEM;
		if (r == 0 && in.ha1)
			r = set_ha1(ctx, e, u, DIGEST_MD5, in.ha1);
		if (r == 0 && in.ha1_sha256)
			r = set_ha1(ctx, e, u, DIGEST_SHA256, in.ha1_sha256);
	}
	user_in_clear(&in);
	return r;
}

static int fn_users(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_auth *a = &((struct conf *)obj)->auth;
	int n = config_setting_length(s), r;

	if (config_setting_type(s) != CONFIG_TYPE_LIST) {
		conf_set_error(ctx->err, s, ctx->path,
			       "'users' must be a list of ( { user; password or ha1; } )");
		return -EINVAL;
	}
	for (int i = 0; i < n; i++)
		if ((r = one_user(ctx, a, config_setting_get_elem(s, (unsigned)i))) < 0)
			return r;
	return 0;
}

/* One line of a credentials file: user:realm:hash (32 hex: MD5, 64: SHA-256). */
static int file_line(struct conf_load_ctx *ctx, struct conf_auth *a, const char *path, int lineno,
		     char *line)
{
	char *user = line, *realm, *hash;
	struct conf_auth_user *u;
	enum digest_alg alg;

	line[strcspn(line, "\r\n")] = '\0';
	while (*user == ' ' || *user == '\t')
		user++;
	if (*user == '\0' || *user == '#')
		return 0;
	realm = strchr(user, ':');
	hash = realm ? strrchr(realm + 1, ':') : NULL;
	if (realm == NULL || hash == NULL) {
		snprintf(ctx->err->file, sizeof(ctx->err->file), "%s", path);
		ctx->err->line = lineno;
		snprintf(ctx->err->msg, sizeof(ctx->err->msg),
			 "a credentials line must be user:realm:HA1 (hex)");
		return -EINVAL;
	}
	*realm++ = '\0';
	*hash++ = '\0';
	if (strcmp(realm, a->realm) != 0)
		return 0;	/* an entry of another realm */
	alg = strlen(hash) == 64 ? DIGEST_SHA256 : DIGEST_MD5;
	if (*user == '\0' || !digest_is_hex(alg, hash)) {
		snprintf(ctx->err->file, sizeof(ctx->err->file), "%s", path);
		ctx->err->line = lineno;
		snprintf(ctx->err->msg, sizeof(ctx->err->msg),
			 "user '%.64s': the HA1 must be 32 (MD5) or 64 (SHA-256) hex digits",
			 *user ? user : "?");
		return -EINVAL;
	}
	if ((u = user_get(a, user, true)) == NULL)
		return -ENOMEM;
	for (size_t i = 0; hash[i]; i++)
		u->ha1[alg][i] = (char)(hash[i] | 0x20);
	return 0;
}

static int fn_credentials_file(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_auth *a = &((struct conf *)obj)->auth;
	char line[1024];
	int lineno = 0, r = 0;
	FILE *f;

	if (conf_strdup_to(ctx, s, &a->credentials_file) < 0)
		return -EINVAL;
	f = fopen(a->credentials_file, "re");
	if (f == NULL) {
		conf_set_error(ctx->err, s, ctx->path, "cannot read credentials file \"%s\": %s",
			       a->credentials_file, strerror(errno));
		return -EINVAL;
	}
	while (r == 0 && fgets(line, sizeof(line), f))
		r = file_line(ctx, a, a->credentials_file, ++lineno, line);
	OPENSSL_cleanse(line, sizeof(line));
	if (r == 0 && ferror(f)) {
		conf_set_error(ctx->err, s, ctx->path, "cannot read credentials file \"%s\"",
			       a->credentials_file);
		r = -EINVAL;
	}
	fclose(f);
	return r;
}

static int fn_algorithms(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_auth *a = &((struct conf *)obj)->auth;
	int t = config_setting_type(s), n = t == CONFIG_TYPE_STRING ? 1 : config_setting_length(s);

	if ((t != CONFIG_TYPE_STRING && t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST) ||
	    n < 1 || n > 2) {
		conf_set_error(ctx->err, s, ctx->path,
			       "'algorithms' must be a list of 1 or 2 of \"SHA-256\", \"MD5\"");
		return -EINVAL;
	}
	a->n_algs = 0;
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = t == CONFIG_TYPE_STRING ? s :
					    config_setting_get_elem(s, (unsigned)i);
		const char *v = config_setting_get_string(e);
		int alg = v ? digest_alg_from_name(v) : -EINVAL;
		if (alg < 0 || (i == 1 && a->algs[0] == alg)) {
			conf_set_error(ctx->err, e, ctx->path, alg < 0 ?
				       "unknown digest algorithm \"%s\" (\"SHA-256\" or \"MD5\")" :
				       "digest algorithm \"%s\" named twice", v ? v : "?");
			return -EINVAL;
		}
		a->algs[a->n_algs++] = alg;
	}
	return 0;
}

static int fn_challenge(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_auth *a = &((struct conf *)obj)->auth;

	if (conf_want_type(ctx, s, CONFIG_TYPE_INT) < 0)
		return -EINVAL;
	a->challenge = config_setting_get_int(s);
	if (a->challenge != 401 && a->challenge != 407) {
		conf_set_error(ctx->err, s, ctx->path, "'challenge' must be 401 or 407, not %d",
			       a->challenge);
		return -EINVAL;
	}
	return 0;
}

static int fn_trusted(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf_auth *a = &((struct conf *)obj)->auth;

	return parse_nets(ctx, s, &a->trusted, &a->n_trusted);
}

static int fn_acl(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return parse_acl(ctx, s, &((struct conf *)obj)->auth.acl);
}

static int fn_acl_action(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return parse_action(ctx, s, &((struct conf *)obj)->auth.acl_action);
}

static int fn_realm(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	return 0;	/* read first, by conf_parse_auth() */
}

static const struct conf_key auth_keys[] = {
	{ "realm", CONF_FUNC, 0, 0, 0, fn_realm },
	{ "challenge", CONF_FUNC, 0, 0, 0, fn_challenge },
	{ "algorithms", CONF_FUNC, 0, 0, 0, fn_algorithms },
	{ "nonce_lifetime", CONF_INT, offsetof(struct conf, auth.nonce_lifetime), 1, 86400 },
	{ "users", CONF_FUNC, 0, 0, 0, fn_users },
	{ "credentials_file", CONF_FUNC, 0, 0, 0, fn_credentials_file },
	{ "trusted", CONF_FUNC, 0, 0, 0, fn_trusted },
	{ "acl", CONF_FUNC, 0, 0, 0, fn_acl },
	{ "acl_action", CONF_FUNC, 0, 0, 0, fn_acl_action },
	{ NULL },
};

int conf_parse_auth(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf *c = obj;
	const config_setting_t *realm;

	if (conf_want_type(ctx, s, CONFIG_TYPE_GROUP) < 0)
		return -EINVAL;
	/* the realm first: the users' HA1 depend on it, wherever it stands */
	realm = config_setting_get_member(s, "realm");
	if (realm) {
		if (conf_strdup_to(ctx, realm, &c->auth.realm) < 0)
			return -EINVAL;
		if (c->auth.realm[0] == '\0' || strchr(c->auth.realm, '"') ||
		    strchr(c->auth.realm, '\\')) {
			conf_set_error(ctx->err, realm, ctx->path,
				       "'realm' must not be empty nor hold '\"' or '\\'");
			return -EINVAL;
		}
	} else if (config_setting_get_member(s, "users") ||
		   config_setting_get_member(s, "credentials_file")) {
		conf_set_error(ctx->err, s, ctx->path, "the auth section needs a 'realm' for its users");
		return -EINVAL;
	}
	return conf_apply_keys(ctx, s, auth_keys, c, "'auth'");
}

/* ---- checks over every section ---- */

static const config_setting_t *route_setting(const config_setting_t *root, size_t i, const char *key)
{
	config_setting_t *routes = config_setting_get_member(root, "routes");
	config_setting_t *r = routes ? config_setting_get_elem(routes, (unsigned)i) : NULL;
	config_setting_t *k = r && key ? config_setting_get_member(r, key) : NULL;

	return k ? k : r;
}

static bool auth_anywhere(const struct conf *c)
{
	for (int i = 0; i < 3; i++)
		if (c->auth.listen_auth[i] == CONF_AUTH_REQUIRED)
			return true;
	for (size_t i = 0; i < c->n_routes; i++)
		if (c->routes[i].access.auth == CONF_AUTH_REQUIRED)
			return true;
	return false;
}

static int finish_trunk(struct conf_load_ctx *ctx, struct conf_route *r,
			const config_setting_t *root, size_t ri)
{
	struct conf_route_access *a = &r->access;

	if (a->n_trunk == 0)
		return 0;
	for (size_t k = 0; k < a->n_trunk; k++) {
		bool found = a->trunk[k].target == NULL;
		for (size_t t = 0; !found && t < r->n_targets; t++)
			found = strcmp(r->targets[t], a->trunk[k].target) == 0;
		if (!found) {
			conf_set_error(ctx->err, route_setting(root, ri, "trunk_auth"), ctx->path,
				       "trunk_auth target \"%s\" is not a target of route \"%s\"",
				       a->trunk[k].target, r->name);
			return -EINVAL;
		}
	}
	a->target_auth = calloc(r->n_targets ? r->n_targets : 1, sizeof(*a->target_auth));
	if (a->target_auth == NULL)
		return -ENOMEM;
	for (size_t t = 0; t < r->n_targets; t++) {
		/* the entry naming the target, else the first without one */
		for (size_t k = 0; k < a->n_trunk && a->target_auth[t] == NULL; k++)
			if (a->trunk[k].target && strcmp(a->trunk[k].target, r->targets[t]) == 0)
				a->target_auth[t] = &a->trunk[k];
		for (size_t k = 0; k < a->n_trunk && a->target_auth[t] == NULL; k++)
			if (a->trunk[k].target == NULL)
				a->target_auth[t] = &a->trunk[k];
	}
	return 0;
}

int conf_auth_finish(struct conf_load_ctx *ctx, struct conf *c, const config_setting_t *root)
{
	struct conf_auth *a = &c->auth;
	const config_setting_t *sec = config_setting_get_member(root, "auth");
	int r;

	if (a->challenge == 0)
		a->challenge = 401;
	if (a->n_algs == 0) {
		a->algs[0] = DIGEST_SHA256;	/* RFC 8760: the strongest first */
		a->algs[1] = DIGEST_MD5;
		a->n_algs = 2;
	}
	if (a->nonce_lifetime == 0)
		a->nonce_lifetime = 300;
	if (a->acl_action == CONF_ACL_UNSET)
		a->acl_action = CONF_ACL_REJECT;
	for (size_t i = 0; i < c->n_routes; i++)
		if ((r = finish_trunk(ctx, &c->routes[i], root, i)) < 0)
			return r;
	if (!auth_anywhere(c))
		return 0;
	if (a->realm == NULL || a->n_users == 0) {
		const config_setting_t *where = sec;
		for (size_t i = 0; where == NULL && i < c->n_routes; i++)
			if (c->routes[i].access.auth == CONF_AUTH_REQUIRED)
				where = route_setting(root, i, "auth");
		if (where == NULL) {
			/* the auth key of a listener */
			config_setting_t *ls = config_setting_get_member(root, "listen");
			int n = ls ? config_setting_length(ls) : 0;
			for (int i = 0; where == NULL && i < n; i++)
				where = config_setting_get_member(
					config_setting_get_elem(ls, (unsigned)i), "auth");
		}
		conf_set_error(ctx->err, where, ctx->path, a->realm == NULL ?
			       "auth = \"required\" needs an auth section with a 'realm' and users" :
			       "auth = \"required\" needs users (auth.users or auth.credentials_file)");
		return -EINVAL;
	}
	/* a user must have the HA1 of every algorithm we offer: the caller
	 * answers with the first one it knows */
	for (size_t i = 0; i < a->n_users; i++)
		for (size_t k = 0; k < a->n_algs; k++)
			if (a->users[i].ha1[a->algs[k]][0] == '\0') {
				conf_set_error(ctx->err, sec, ctx->path,
					       "user '%s' has no %s HA1, but auth.algorithms offers %s: "
					       "give it one, a password, or set algorithms",
					       a->users[i].name, digest_alg_name(a->algs[k]),
					       digest_alg_name(a->algs[k]));
				return -EINVAL;
			}
	return 0;
}

void conf_auth_clear(struct conf *c)
{
	struct conf_auth *a = &c->auth;

	free(a->realm);
	for (size_t i = 0; i < a->n_users; i++) {
		free(a->users[i].name);
		OPENSSL_cleanse(a->users[i].ha1, sizeof(a->users[i].ha1));
	}
	free(a->users);
	free(a->credentials_file);
	free(a->trusted);
	free(a->acl.nets);
	for (int i = 0; i < 3; i++)
		free(a->listen_acl[i].nets);
	memset(a, 0, sizeof(*a));
}
