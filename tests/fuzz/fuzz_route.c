/* tests/fuzz/fuzz_route.c: route matching and the request-URI rewrite over a
 * fixed config (regexes on every field, source networks, a header match,
 * rewrites with captures and escapes). The input gives the request's fields
 * (NUL-separated), its source address and the rewrite buffer's size; the
 * rewritten user must be NUL-terminated within the buffer. The tail of the
 * input also goes through conf_parse_cidr(). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <unistd.h>

#include "conf/conf.h"
#include "fuzz.h"

static const char config[] =
	"listen = ( { transport = \"udp\"; address = \"127.0.0.1\"; port = 5060; } );\n"
	"control = { socket = \"/tmp/tandem-fuzz-route.sock\"; };\n"
	"routes = (\n"
	"  { name = \"hdr\"; match = { header = { name = \"X-Tenant\"; value = \"^(a|b)[0-9]+$\"; }; };\n"
	"    targets = ( \"sip:192.0.2.1\" ); },\n"
	"  { name = \"intl\"; match = { ruri_user = \"^(00|\\\\+)([1-9][0-9]{6,14})$\";\n"
	"      source = [ \"10.0.0.0/8\", \"2001:db8::/32\", \"192.0.2.7\" ]; };\n"
	"    targets = ( \"sip:192.0.2.2:5080\" );\n"
	"    rewrite_user = { match = \"^(00|\\\\+)(.*)$\"; replace = \"+\\\\2\"; }; },\n"
	"  { name = \"ext\"; match = { ruri_user = \"^([0-9]{3})([0-9]*)$\"; ruri_domain = \"example.com\"; };\n"
	"    targets = ( \"sip:192.0.2.3\" );\n"
	"    rewrite_user = { match = \"^([0-9]{3})([0-9]*)$\"; replace = \"\\\\2-\\\\1-\\\\\\\\-\\\\0\"; }; },\n"
	"  { name = \"from\"; match = { from_user = \"^alice\"; to_user = \"bob$\"; };\n"
	"    targets = ( \"sip:192.0.2.4\" );\n"
	"    rewrite_user = { match = \"\"; replace = \"pre\\\\0\"; }; },\n"
	"  { name = \"any\"; match = { }; targets = ( \"sip:192.0.2.5\" );\n"
	"    rewrite_user = { match = \"x*\"; replace = \"[\\\\0]\"; }; }\n"
	");\n";

static struct conf *snap;
static char hdr_value[256];

static const char *header(void *arg, const char *name)
{
	(void)arg;
	return strcasecmp(name, "X-Tenant") == 0 && hdr_value[0] ? hdr_value : NULL;
}

static void setup(void)
{
	char path[64] = "/tmp/tandem-fuzz-route-XXXXXX";
	struct conf_error err;
	int fd = mkstemp(path);

	FUZZ_ASSERT(fd >= 0);
	FUZZ_ASSERT(write(fd, config, sizeof(config) - 1) == (ssize_t)(sizeof(config) - 1));
	close(fd);
	if (conf_load(path, &snap, &err) < 0) {
		fprintf(stderr, "fuzz_route: config: %s:%d: %s\n", err.file, err.line, err.msg);
		abort();
	}
	unlink(path);
	FUZZ_ASSERT(snap->n_routes == 5);
}

/* The next NUL-separated field of the input, as a NUL-terminated copy. */
static char *field(const uint8_t **d, size_t *n)
{
	const uint8_t *z = memchr(*d, '\0', *n);
	size_t k = z ? (size_t)(z - *d) : *n;
	char *s = fuzz_strdup(*d, k);

	*d += k + (z ? 1 : 0);
	*n -= k + (z ? 1 : 0);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	struct route_req q = { .header = header };
	unsigned sel, buflen;
	char *f[5], *buf;
	struct conf_cidr cidr;
	const struct conf_route *r;

	if (snap == NULL)
		setup();
	sel = fuzz_take(&data, &size, 1);
	buflen = fuzz_take(&data, &size, 1) + 1;	/* 1..256 */
	if (sel & 1) {
		uint8_t a[16] = { 0 };
		for (int i = 0; i < 16; i++)
			a[i] = (uint8_t)fuzz_take(&data, &size, 1);
		memcpy(&sin6.sin6_addr, a, 16);
		q.source = (struct sockaddr *)&sin6;
	} else {
		sin.sin_addr.s_addr = htonl(fuzz_take(&data, &size, 4));
		q.source = (sel & 2) ? NULL : (struct sockaddr *)&sin;
	}
	for (int i = 0; i < 5; i++)
		f[i] = field(&data, &size);
	q.ruri_user = (sel & 4) ? NULL : f[0];
	q.ruri_host = (sel & 8) ? NULL : f[1];
	q.from_user = f[2];
	q.to_user = f[3];
	snprintf(hdr_value, sizeof(hdr_value), "%s", (sel & 16) ? "" : f[4]);

	r = route_find(snap, &q);
	buf = malloc(buflen);
	if (buf == NULL)
		abort();
	for (size_t i = 0; i < snap->n_routes + 1; i++) {
		const struct conf_route *rt = i < snap->n_routes ? &snap->routes[i] : r;
		int rc = route_rewrite_user(rt, q.ruri_user, buf, buflen);
		FUZZ_ASSERT(rc == 0 || rc == -ENOSPC);
		FUZZ_ASSERT(memchr(buf, '\0', buflen) != NULL);
		(void)route_failover_on(&snap->routes[i % snap->n_routes], (int)(sel * 3));
	}
	free(buf);
	if (conf_parse_cidr(f[4], &cidr) == 0) {
		FUZZ_ASSERT(cidr.family == AF_INET || cidr.family == AF_INET6);
		FUZZ_ASSERT(cidr.prefix <= (cidr.family == AF_INET ? 32u : 128u));
		if (q.source)
			(void)conf_cidr_contains(&cidr, q.source);
	}
	(void)conf_target_is_tls(f[1]);
	for (int i = 0; i < 5; i++)
		free(f[i]);
	return 0;
}
