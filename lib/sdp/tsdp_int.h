/* lib/sdp private: the line walker and output buffer shared by tsdp.c and
 * tsdp_codec.c. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct tsdp_line {
	const char *p;
	size_t n;
};

/* Next line of [*pos, end): true and the line, without its end (CRLF or LF). */
bool tsdp_next_line(const char **pos, const char *end, struct tsdp_line *ln);
bool tsdp_starts(const struct tsdp_line *ln, const char *prefix);	/* case-insensitive */

/* Output into a fixed buffer; full once anything did not fit. */
struct tsdp_out {
	char *p;
	size_t len, pos;
	bool full;
};

void tsdp_put(struct tsdp_out *o, const char *s, size_t n);
void tsdp_putf(struct tsdp_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The encoding name of a static payload type (RFC 3551), or NULL. */
const char *tsdp_static_codec(int pt);
