/* lib/conf/conf_tls.c: the `tls` section (certificate, key, CA, verify_peer,
 * dir) and the checks that need the whole file: the PEM files are readable
 * and parse with OpenSSL, the key matches the certificate, a TLS listener
 * has a certificate, TLS targets have a TLS listener to leave from, and the
 * routes that would send SDES keys over UDP/TCP, or whose caller SRTP can
 * never apply (no TLS listener, sdes_tls_only), are named in a warning.
 * sofia-sip only logs when its certificate directory is unusable, so a
 * snapshot that loads here is one whose TLS works. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "conf_int.h"
#include "ops/log.h"

static const struct conf_key tls_keys[] = {
	{ "certificate", CONF_STR, offsetof(struct conf, tls_certificate), 1, 0 },
	{ "key", CONF_STR, offsetof(struct conf, tls_key), 1, 0 },
	{ "ca", CONF_STR, offsetof(struct conf, tls_ca), 1, 0 },
	{ "dir", CONF_STR, offsetof(struct conf, tls_dir), 1, 0 },
	{ "verify_peer", CONF_BOOL, offsetof(struct conf, tls_verify_peer), 0, 0 },
	{ NULL },
};

int conf_parse_tls(struct conf_load_ctx *ctx, const config_setting_t *s, void *obj)
{
	struct conf *c = obj;

	c->tls_set = true;
	return conf_apply_keys(ctx, s, tls_keys, obj, "'tls'");
}

static const config_setting_t *tls_member(const config_setting_t *root, const char *name)
{
	config_setting_t *tls = config_setting_get_member(root, "tls");

	if (tls == NULL || name == NULL)
		return tls;
	return config_setting_get_member(tls, name) ? config_setting_get_member(tls, name) : tls;
}

/* The last OpenSSL error as text (or what), for a message. */
static const char *ssl_why(const char *what)
{
	static char buf[160];
	unsigned long e = ERR_peek_last_error();

	if (e == 0)
		return what;
	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return buf;
}

static FILE *open_pem(struct conf_load_ctx *ctx, const config_setting_t *s, const char *path,
		      const char *what)
{
	FILE *f = fopen(path, "r");

	if (f == NULL)
		conf_set_error(ctx->err, s, ctx->path, "tls.%s: cannot read %s: %s", what, path,
			       strerror(errno));
	return f;
}

static int check_files(struct conf_load_ctx *ctx, struct conf *c, const config_setting_t *root)
{
	const config_setting_t *sc = tls_member(root, "certificate"), *sk = tls_member(root, "key");
	const config_setting_t *sca = tls_member(root, "ca");
	X509 *cert = NULL;
	EVP_PKEY *key = NULL;
	FILE *f;
	int r = -EINVAL, n = 0;

	ERR_clear_error();
	if (c->tls_certificate == NULL || c->tls_key == NULL) {
		conf_set_error(ctx->err, tls_member(root, NULL), ctx->path,
			       "'tls' needs certificate and key (PEM files)");
		return -EINVAL;
	}
	if ((f = open_pem(ctx, sc, c->tls_certificate, "certificate")) == NULL)
		return -EINVAL;
	cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (cert == NULL) {
		conf_set_error(ctx->err, sc, ctx->path, "tls.certificate: no PEM certificate in %s (%s)",
			       c->tls_certificate, ssl_why("unreadable"));
		goto out;
	}
	if ((f = open_pem(ctx, sk, c->tls_key, "key")) == NULL)
		goto out;
	/* no passphrase callback: an encrypted key fails here, as it would at start */
	key = PEM_read_PrivateKey(f, NULL, NULL, (void *)"");
	fclose(f);
	if (key == NULL) {
		conf_set_error(ctx->err, sk, ctx->path,
			       "tls.key: no unencrypted PEM private key in %s (%s)", c->tls_key,
			       ssl_why("unreadable"));
		goto out;
	}
	if (X509_check_private_key(cert, key) != 1) {
		ERR_clear_error();
		conf_set_error(ctx->err, sk, ctx->path,
			       "tls.key: %s does not match the certificate in %s", c->tls_key,
			       c->tls_certificate);
		goto out;
	}
	if (X509_cmp_current_time(X509_get0_notAfter(cert)) < 0)
		log_warning("%s:%d: tls.certificate %s has expired", ctx->path,
			    sc ? (int)config_setting_source_line(sc) : 0, c->tls_certificate);
	if (c->tls_ca) {
		X509 *ca;
		if ((f = open_pem(ctx, sca, c->tls_ca, "ca")) == NULL)
			goto out;
		while ((ca = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
			X509_free(ca);
			n++;
		}
		fclose(f);
		ERR_clear_error();	/* the end of the file */
		if (n == 0) {
			conf_set_error(ctx->err, sca, ctx->path, "tls.ca: no PEM certificate in %s",
				       c->tls_ca);
			goto out;
		}
	}
	r = 0;
out:
	X509_free(cert);
	EVP_PKEY_free(key);
	ERR_clear_error();
	return r;
}

static bool host_is_ip(const char *target)
{
	const char *p = strchr(target, ':') + 1, *at = strchr(p, '@'), *end;
	char buf[64];
	uint8_t a[16];

	if (at)
		p = at + 1;
	if (*p == '[') {
		p++;
		end = strchr(p, ']');
	} else {
		end = p + strcspn(p, ":;");
	}
	if (end == NULL || end == p || (size_t)(end - p) >= sizeof(buf))
		return false;
	memcpy(buf, p, (size_t)(end - p));
	buf[end - p] = '\0';
	return inet_pton(AF_INET, buf, a) == 1 || inet_pton(AF_INET6, buf, a) == 1;
}

static const char *sec_name(enum conf_sec s)
{
	return s == CONF_SEC_SRTP ? "srtp" : "srtp-optional";
}

/* The `caller` key of route i's security group, or NULL when the file
 * leaves it at its default. */
static const config_setting_t *caller_setting(const config_setting_t *root, size_t i)
{
	config_setting_t *routes = config_setting_get_member(root, "routes");
	config_setting_t *r = routes ? config_setting_get_elem(routes, (unsigned)i) : NULL;
	config_setting_t *sec = r ? config_setting_get_member(r, "security") : NULL;

	return sec ? config_setting_get_member(sec, "caller") : NULL;
}

static int check_routes(struct conf_load_ctx *ctx, struct conf *c, const config_setting_t *root)
{
	bool plain_listener = c->listen_transports & (CONF_TP_UDP | CONF_TP_TCP);

	for (size_t i = 0; i < c->n_routes; i++) {
		struct conf_route *r = &c->routes[i];
		const char *plain_target = NULL;

		if (!r->tls_verify_set)
			r->tls_verify = c->tls_verify_peer;
		for (size_t t = 0; t < r->n_targets; t++) {
			if (!conf_target_is_tls(r->targets[t])) {
				if (plain_target == NULL)
					plain_target = r->targets[t];
				continue;
			}
			if (!(c->listen_transports & CONF_TP_TLS)) {
				snprintf(ctx->err->file, sizeof(ctx->err->file), "%s", CONF_ROUTE_FILE(ctx, r));
				ctx->err->line = r->line;
				snprintf(ctx->err->msg, sizeof(ctx->err->msg),
					 "route \"%s\": TLS target %s needs a TLS listener "
					 "(listen: transport = \"tls\")", r->name, r->targets[t]);
				return -EINVAL;
			}
			/* sofia verifies per connection, not per request: tandemd tells
			 * connections apart by the address they go to (lib/sip/tsip_tls.c) */
			if (r->tls_verify != c->tls_verify_peer && !host_is_ip(r->targets[t])) {
				snprintf(ctx->err->file, sizeof(ctx->err->file), "%s", CONF_ROUTE_FILE(ctx, r));
				ctx->err->line = r->tls_verify_set;
				snprintf(ctx->err->msg, sizeof(ctx->err->msg),
					 "route \"%s\": tls_verify differs from tls.verify_peer, which "
					 "only works for targets with an IP address, not %s",
					 r->name, r->targets[t]);
				return -EINVAL;
			}
		}
		if (r->sdes_tls_only) {
			const config_setting_t *cs = caller_setting(root, i);

			if (cs && !r->media_passthrough && !(c->listen_transports & CONF_TP_TLS) &&
			    (r->sec_caller == CONF_SEC_SRTP || r->sec_caller == CONF_SEC_OPTIONAL))
				log_warning("%s:%d: route \"%s\": caller = \"%s\" can never apply: every "
					    "listener is UDP/TCP and security.sdes_tls_only refuses SDES "
					    "keys there (callers get plain RTP; RTP/SAVP offers get 488)",
					    CONF_ROUTE_FILE(ctx, r), (int)config_setting_source_line(cs), r->name,
					    sec_name(r->sec_caller));
			if (r->sec_callee == CONF_SEC_SRTP && plain_target)
				log_warning("%s:%d: route \"%s\": callee = \"srtp\" but target %s is not "
					    "TLS: with security.sdes_tls_only that leg gets plain RTP",
					    CONF_ROUTE_FILE(ctx, r), r->line, r->name, plain_target);
			continue;
		}
		if ((r->sec_caller == CONF_SEC_SRTP || r->sec_caller == CONF_SEC_OPTIONAL) &&
		    plain_listener)
			log_warning("%s:%d: route \"%s\": caller = \"%s\" offers SDES keys over UDP/TCP "
				    "(security.sdes_tls_only = false): they cross in clear text",
				    CONF_ROUTE_FILE(ctx, r), r->line, r->name, sec_name(r->sec_caller));
		if ((r->sec_callee == CONF_SEC_SRTP || r->sec_callee == CONF_SEC_OPTIONAL) &&
		    plain_target)
			log_warning("%s:%d: route \"%s\": callee = \"%s\" sends SDES keys to %s over "
				    "UDP/TCP (security.sdes_tls_only = false): they cross in clear text",
				    CONF_ROUTE_FILE(ctx, r), r->line, r->name, sec_name(r->sec_callee), plain_target);
	}
	return 0;
}

int conf_tls_finish(struct conf_load_ctx *ctx, struct conf *c, const config_setting_t *root)
{
	if ((c->listen_transports & CONF_TP_TLS) && !c->tls_set) {
		conf_set_error(ctx->err, config_setting_get_member(root, "listen"), ctx->path,
			       "a TLS listener needs the 'tls' section (certificate, key)");
		return -EINVAL;
	}
	if (c->tls_set && check_files(ctx, c, root) < 0)
		return -EINVAL;
	return check_routes(ctx, c, root);
}
