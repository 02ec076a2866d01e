/* tests/fuzz/fuzz_ctl.c: ctl_parse_request() on any request line (JSON or
 * "word [arg]") with an error buffer of a size taken from the input: a
 * request comes back as an object with a string "cmd", or NULL with a
 * NUL-terminated message. As on the socket, the line ends at the first
 * newline and a trailing CR is dropped. */
#include <jansson.h>

#include "fuzz.h"
#include "ops/ctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t errlen = fuzz_take(&data, &size, 1) + 1;
	char *line = fuzz_strdup(data, size), *err = malloc(errlen), *nl;
	json_t *req;

	if (err == NULL)
		abort();
	if ((nl = strchr(line, '\n'))) {
		*nl = '\0';
		if (nl > line && nl[-1] == '\r')
			nl[-1] = '\0';
	}
	err[0] = '\0';
	req = ctl_parse_request(line, err, errlen);
	if (req) {
		FUZZ_ASSERT(json_is_object(req));
		FUZZ_ASSERT(json_is_string(json_object_get(req, "cmd")));
		char *s = json_dumps(req, JSON_COMPACT);
		free(s);
		json_decref(req);
	} else {
		FUZZ_ASSERT(memchr(err, '\0', errlen) != NULL);
	}
	free(err);
	free(line);
	return 0;
}
