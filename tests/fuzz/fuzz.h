/* tests/fuzz/fuzz.h: what the libFuzzer harnesses share. Each harness is one
 * file, tests/fuzz/fuzz_<name>.c, built by `make fuzz` with clang and
 * -fsanitize=fuzzer,address,undefined against the lib sources (build-fuzz/).
 * A harness checks the invariants its parser promises (NUL termination,
 * lengths within bounds) with FUZZ_ASSERT, which aborts, so libFuzzer keeps
 * the input as a crash. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ASSERT(cond)                                                                    \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                      \
			abort();                                                             \
		}                                                                            \
	} while (0)

/* A NUL-terminated heap copy of the input (ASan sees reads past its end). */
static inline char *fuzz_strdup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* An exact-size heap copy, not terminated: parsers that take (ptr, len)
 * must not read past len. */
static inline char *fuzz_memdup(const uint8_t *data, size_t size)
{
	char *s = malloc(size ? size : 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	return s;
}

/* Take n bytes off the front of the input as a number (0 when short). */
static inline unsigned fuzz_take(const uint8_t **data, size_t *size, unsigned n)
{
	unsigned v = 0;

	while (n-- > 0 && *size > 0) {
		v = v << 8 | **data;
		(*data)++;
		(*size)--;
	}
	return v;
}


#ifdef FUZZ_WITH_TSRTP
#include "media/tsrtp.h"
/* tsrtp_init() plus one context kept for the life of the process: Debian's
 * libsrtp2 is built on NSS, and while no context exists every srtp_create()
 * initialises NSS again (~20 ms, 1000 times the cost with one alive). */
static inline void fuzz_tsrtp_init(void)
{
	static struct tsrtp *keeper;
	struct tsrtp_key k = { .suite = TSRTP_AES_CM_128_HMAC_SHA1_80, .len = 30 };

	if (keeper)
		return;
	if (tsrtp_init() < 0 || tsrtp_new(&k, true, &keeper) < 0)
		abort();
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
