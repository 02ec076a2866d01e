/* tests/fuzz/fuzz_conf.c: conf_load() on any file content (libconfig syntax,
 * then our key tables, routes, regexes, CIDRs, targets, TLS paths), then the
 * snapshot freed. A failure must fill the error message; a success must give
 * a snapshot whose routes can be searched. Inputs that make libconfig read
 * other files (@include) or name device files are skipped: the config file
 * is the admin's, and reading /dev/zero as a certificate proves nothing. */
#include <errno.h>
#include <strings.h>
#include <unistd.h>

#include "conf/conf.h"
#include "fuzz.h"
#include "ops/log.h"


static bool has(const uint8_t *d, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (strncasecmp((const char *)d + i, needle, k) == 0)
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf *c = NULL;
	struct conf_error err;
	char msg[600];
	char path[64] = "/tmp/tandem-fuzz-conf-XXXXXX";
	FILE *f;
	int fd, r;

	log_max_level = 0;	/* conf_load warns through log_msg: keep the run quiet */
	if (has(data, size, "@include") || has(data, size, "/dev") || has(data, size, "/proc") ||
	    has(data, size, "/sys"))
		return 0;
	/* a file per input, gone before anything can stop the run */
	fd = mkstemp(path);
	FUZZ_ASSERT(fd >= 0);
	f = fdopen(fd, "w");
	FUZZ_ASSERT(f != NULL);
	FUZZ_ASSERT(fwrite(data, 1, size, f) == size);
	fclose(f);
	r = conf_load(path, &c, &err);
	unlink(path);
	if (r < 0) {
		FUZZ_ASSERT(r == -EINVAL || r == -ENOMEM);
		FUZZ_ASSERT(c == NULL);
		FUZZ_ASSERT(memchr(err.msg, '\0', sizeof(err.msg)) && err.msg[0] != '\0');
		FUZZ_ASSERT(memchr(err.file, '\0', sizeof(err.file)));
		conf_error_format(&err, msg, sizeof(msg));
		FUZZ_ASSERT(memchr(msg, '\0', sizeof(msg)));
		return 0;
	}
	FUZZ_ASSERT(c != NULL && c->refs == 1);
	{
		struct route_req q = { .ruri_user = "1000", .ruri_host = "example.com",
				       .from_user = "alice", .to_user = "bob" };
		const struct conf_route *rt = route_find(c, &q);
		char buf[128];
		if (rt)
			(void)route_rewrite_user(rt, q.ruri_user, buf, sizeof(buf));
	}
	conf_ref(c);
	conf_unref(c);
	FUZZ_ASSERT(conf_unref(c) == NULL);
	return 0;
}
