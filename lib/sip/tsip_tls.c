/* lib/sip/tsip_tls.c: SIP over TLS around sofia-sip.
 *
 * sofia reads a directory: agent.pem (private key and certificate chain)
 * and cafile.pem (trusted CAs). tandemd builds a private one (mode 0700,
 * files 0600) from the configured PEM files: tls.dir, or "tls" beside the
 * control socket. Written again on reload, removed at exit.
 *
 * Verification of the targets' certificates: sofia verifies per transport
 * (TPTAG_TLS_VERIFY_POLICY), not per request, and reuses one connection for
 * every request to the same address. tandemd runs sofia with outgoing
 * verification on and gives every new SSL its own verify callback (through
 * tsip_tls_reload.c), which looks the connection's peer address up among
 * the routes' TLS targets: a target given by IP address is verified or not
 * as its route says (tls_verify), and its certificate must name that
 * address; any other peer (a host-name target, a caller's Contact) follows
 * tls.verify_peer, chain only. Sofia thread only. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sofia-sip/tport.h>

#include "tsip_tls.h"
#include "ops/log.h"

struct peer {
	struct sockaddr_storage sa;
	bool verify;
	char ip[INET6_ADDRSTRLEN];
};

static char *dir;			/* sofia's certificate directory */
static struct peer *peers;		/* TLS targets given by address */
static size_t n_peers;
static bool default_verify = true;

#if defined(__SANITIZE_ADDRESS__)
/* sofia-sip 1.12.11's tls_post_connection_check() (inlined in tls_connect)
 * never frees the subjectAltName it parses from a peer's certificate: a few
 * hundred bytes per TLS connection, not ours to fix. ASan's fast unwinder
 * stops at libcrypto's first frame (no frame pointers there), so sofia's
 * frame cannot be named: the suppression covers what libcrypto allocates.
 * tests/unit/check_tls.c (without it) covers the OpenSSL objects of
 * tsip_tls_reload.c. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:tls_connect\nleak:libcrypto.so\n";
}
#endif

/* ---- the private directory ---- */

static int make_dir(const char *d)
{
	struct stat st;

	if (mkdir(d, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (lstat(d, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		return -EPERM;
	if ((st.st_mode & 0777) != 0700 && chmod(d, 0700) < 0)
		return -errno;
	return 0;
}

static int copy_into(int out, const char *path)
{
	char buf[8192];
	ssize_t n;
	int in = open(path, O_RDONLY | O_CLOEXEC);

	if (in < 0)
		return -errno;
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, (size_t)n) != n) {
			close(in);
			return -EIO;
		}
		/* PEM blocks must not run into each other */
		if (n < (ssize_t)sizeof(buf) && buf[n - 1] != '\n' && write(out, "\n", 1) != 1) {
			close(in);
			return -EIO;
		}
	}
	close(in);
	explicit_bzero(buf, sizeof(buf));
	return n < 0 ? -EIO : 0;
}

/* dir/name = the files in order, replaced atomically, mode 0600. */
static int write_pem(const char *name, const char *a, const char *b)
{
	char *path = NULL, *tmp = NULL;
	int fd = -1, r;

	if (asprintf(&path, "%s/%s", dir, name) < 0 || asprintf(&tmp, "%s/.%s.new", dir, name) < 0) {
		r = -ENOMEM;
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	r = a ? copy_into(fd, a) : 0;
	if (r == 0 && b)
		r = copy_into(fd, b);
	if (close(fd) < 0 && r == 0)
		r = -EIO;
	fd = -1;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
out:
	free(path);
	free(tmp);
	return r;
}

static const char *system_ca(void)
{
	const char *f = getenv(X509_get_default_cert_file_env());

	if (f == NULL)
		f = X509_get_default_cert_file();
	return access(f, R_OK) == 0 ? f : NULL;
}

static int write_dir(const struct conf *c)
{
	const char *ca = c->tls_ca ? c->tls_ca : system_ca();
	int r;

	r = write_pem("agent.pem", c->tls_key, c->tls_certificate);
	if (r == 0)
		r = ca ? write_pem("cafile.pem", ca, NULL) : 0;
	if (r < 0)
		log_error("TLS: cannot write %s/agent.pem or cafile.pem: %s", dir, strerror(-r));
	return r;
}

/* ---- what new connections get ---- */

static int load_identity(const struct conf *c)
{
	X509 *cert = NULL, *x;
	STACK_OF(X509) *chain = sk_X509_new_null();
	EVP_PKEY *key = NULL;
	X509_STORE *store = X509_STORE_new();
	FILE *f;
	int r = -EINVAL;

	if (chain == NULL || store == NULL)
		goto out;
	if ((f = fopen(c->tls_certificate, "r")) == NULL) {
		log_error("TLS: cannot read %s: %s", c->tls_certificate, strerror(errno));
		goto out;
	}
	cert = PEM_read_X509(f, NULL, NULL, NULL);
	while (cert && (x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL)
		sk_X509_push(chain, x);
	fclose(f);
	if ((f = fopen(c->tls_key, "r")) == NULL) {
		log_error("TLS: cannot read %s: %s", c->tls_key, strerror(errno));
		goto out;
	}
	key = PEM_read_PrivateKey(f, NULL, NULL, (void *)"");
	fclose(f);
	if (cert == NULL || key == NULL || X509_check_private_key(cert, key) != 1) {
		log_error("TLS: %s and %s are not a certificate and its key", c->tls_certificate,
			  c->tls_key);
		goto out;
	}
	if (c->tls_ca ? X509_STORE_load_file(store, c->tls_ca) != 1 :
			X509_STORE_set_default_paths(store) != 1) {
		log_error("TLS: cannot load the CA certificates of %s",
			  c->tls_ca ? c->tls_ca : "the system");
		goto out;
	}
	tsip_tls_reload_set(cert, chain, key, store);
	cert = NULL, chain = NULL, key = NULL, store = NULL;
	r = 0;
out:
	ERR_clear_error();
	X509_free(cert);
	sk_X509_pop_free(chain, X509_free);
	EVP_PKEY_free(key);
	X509_STORE_free(store);
	return r;
}

/* The address of a TLS target given as an IP literal (port 5061 unless
 * written), or -EINVAL for a host name. */
static int target_addr(const char *t, struct peer *p)
{
	const char *h = strchr(t, ':') + 1, *at, *end, *q;
	char host[INET6_ADDRSTRLEN];
	long port = 5061;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&p->sa;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&p->sa;

	at = strchr(h, '@');
	if (at)
		h = at + 1;
	if (*h == '[') {
		end = strchr(++h, ']');
		q = end ? end + 1 : NULL;
	} else {
		end = h + strcspn(h, ":;");
		q = end;
	}
	if (end == NULL || end == h || (size_t)(end - h) >= sizeof(host))
		return -EINVAL;
	memcpy(host, h, (size_t)(end - h));
	host[end - h] = '\0';
	if (*q == ':')
		port = strtol(q + 1, NULL, 10);
	memset(&p->sa, 0, sizeof(p->sa));
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
	} else {
		return -EINVAL;
	}
	snprintf(p->ip, sizeof(p->ip), "%s", host);
	return 0;
}

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr *b)
{
	if (a->ss_family == AF_INET && b->sa_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6 && b->sa_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
		return x->sin6_port == y->sin6_port &&
		       memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
	}
	return false;
}

static void load_peers(const struct conf *c)
{
	struct peer *v = NULL, p;
	size_t n = 0;

	for (size_t i = 0; i < c->n_routes; i++) {
		const struct conf_route *r = &c->routes[i];
		for (size_t t = 0; t < r->n_targets; t++) {
			size_t k;
			struct peer *grown;

			if (!conf_target_is_tls(r->targets[t]) || target_addr(r->targets[t], &p) < 0)
				continue;
			p.verify = r->tls_verify;
			for (k = 0; k < n; k++)
				if (same_addr(&v[k].sa, (struct sockaddr *)&p.sa))
					break;
			if (k < n) {
				v[k].verify |= p.verify;	/* two routes disagree: verify */
				continue;
			}
			grown = realloc(v, (n + 1) * sizeof(*v));
			if (grown == NULL)
				continue;	/* that target falls back to verify_peer */
			v = grown;
			v[n++] = p;
		}
	}
	free(peers);
	peers = v;
	n_peers = n;
	default_verify = c->tls_verify_peer;
}

/* Per certificate of the chain the target sent (client connections only:
 * tandemd does not ask callers for certificates). */
static int verify_cb(int ok, X509_STORE_CTX *store)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	const struct peer *p = NULL;
	bool verify = default_verify;
	char ip[INET6_ADDRSTRLEN], where[INET6_ADDRSTRLEN + 8] = "?";
	int fd, err;

	if (ssl == NULL || SSL_is_server(ssl))
		return ok;
	fd = SSL_get_fd(ssl);
	if (fd >= 0 && getpeername(fd, (struct sockaddr *)&ss, &sl) == 0) {
		for (size_t i = 0; i < n_peers; i++)
			if (same_addr(&peers[i].sa, (struct sockaddr *)&ss)) {
				p = &peers[i];
				verify = p->verify;
				break;
			}
		if (ss.ss_family == AF_INET &&
		    inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, ip, sizeof(ip)))
			snprintf(where, sizeof(where), "%s:%u", ip,
				 ntohs(((struct sockaddr_in *)&ss)->sin_port));
		else if (ss.ss_family == AF_INET6 &&
			 inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, ip, sizeof(ip)))
			snprintf(where, sizeof(where), "[%s]:%u", ip,
				 ntohs(((struct sockaddr_in6 *)&ss)->sin6_port));
	}
	if (!verify) {
		X509_STORE_CTX_set_error(store, X509_V_OK);
		return 1;
	}
	if (ok && p && X509_STORE_CTX_get_error_depth(store) == 0 &&
	    X509_check_ip_asc(X509_STORE_CTX_get_current_cert(store), p->ip, 0) != 1) {
		X509_STORE_CTX_set_error(store, X509_V_ERR_IP_ADDRESS_MISMATCH);
		ok = 0;
	}
	if (!ok) {
		err = X509_STORE_CTX_get_error(store);
		log_warning("TLS: certificate of %s refused (depth %d): %s", where,
			    X509_STORE_CTX_get_error_depth(store), X509_verify_cert_error_string(err));
	}
	return ok;
}

/* An address inside libsofia-sip-ua itself (dlsym on its handle: never a
 * PLT slot of the program). */
static const void *sofia_code(void)
{
	void *h = dlopen("libsofia-sip-ua.so.0", RTLD_LAZY | RTLD_NOLOAD);
	const void *fn = h ? dlsym(h, "tport_tbind") : NULL;

	if (h)
		dlclose(h);
	return fn ? fn : (const void *)tport_tbind;
}

/* ---- the API ---- */

static char *dir_of(const struct conf *c)
{
	char *sock, *d = NULL;

	if (c->tls_dir)
		return strdup(c->tls_dir);
	sock = strdup(c->ctl_socket);
	if (sock == NULL || asprintf(&d, "%s/tls", dirname(sock)) < 0)
		d = NULL;
	free(sock);
	return d;
}

const char *tsip_tls_setup(const struct conf *c)
{
	int r;

	free(dir);
	dir = dir_of(c);
	if (dir == NULL)
		return NULL;
	r = make_dir(dir);
	if (r < 0) {
		log_error("TLS: cannot use %s as the private certificate directory: %s", dir,
			  r == -EPERM ? "not a directory of ours" : strerror(-r));
		return NULL;
	}
	if (write_dir(c) < 0 || load_identity(c) < 0)
		return NULL;
	load_peers(c);
	tsip_tls_reload_set_verify(verify_cb);
	/* sofia's SSLs only: libcurl (webhooks) keeps its own certificates and checks */
	tsip_tls_reload_only_for(sofia_code());
	log_notice("TLS: certificate %s, CA %s, private copy in %s", c->tls_certificate,
		   c->tls_ca ? c->tls_ca : "(system)", dir);
	return dir;
}

int tsip_tls_reload(const struct conf *c)
{
	char *want;

	if (dir == NULL)
		return 0;	/* no TLS at start: nothing to reload */
	if (!c->tls_set) {
		log_warning("TLS: the tls section is gone; TLS keeps the old certificate until restart");
		return 0;
	}
	want = dir_of(c);
	if (want && strcmp(want, dir) != 0)
		log_warning("TLS: tls.dir changes take effect at restart; still %s", dir);
	free(want);
	load_peers(c);
	if (load_identity(c) < 0) {
		log_error("TLS: keeping the old certificate for new connections");
		return -EINVAL;
	}
	write_dir(c);
	log_notice("TLS: certificate %s re-read: new connections use it", c->tls_certificate);
	return 0;
}

void tsip_tls_cleanup(void)
{
	char *p;

	if (dir == NULL)
		return;
	if (asprintf(&p, "%s/agent.pem", dir) >= 0) {
		unlink(p);
		free(p);
	}
	if (asprintf(&p, "%s/cafile.pem", dir) >= 0) {
		unlink(p);
		free(p);
	}
	rmdir(dir);
	tsip_tls_reload_only_for(NULL);
	tsip_tls_reload_set_verify(NULL);
	tsip_tls_reload_set(NULL, NULL, NULL, NULL);
	free(peers);
	peers = NULL;
	n_peers = 0;
	free(dir);
	dir = NULL;
}
