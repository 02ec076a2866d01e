/* lib/sip private: the checks a new request outside a dialog passes before
 * tandemd acts on it (tsip_check.c). Where sofia-sip's parser is lenient or
 * has no opinion (a bad Date, a body type or an Accept list that tandemd
 * cannot serve, headers in the Request-URI), the request is refused with a
 * clear answer instead of being relayed. The decision is a pure function of
 * the parsed message, so tests/unit/check_tsip_check.c drives it with
 * messages parsed by sofia itself. */
#pragma once

#include <stdbool.h>
#include <sofia-sip/sip.h>

/* What a refused request is answered: status, phrase, and the Accept or
 * Accept-Encoding header that tells the sender what would have worked. */
struct tsip_verdict {
	int status;
	const char *phrase;
	const char *accept;		/* NULL: no Accept header */
	const char *accept_encoding;	/* NULL: no Accept-Encoding header */
	char why[96];			/* for the log: what was wrong */
};

/* 0: the request may go on; 1: refuse it as *ret says. */
int tsip_check_request(const sip_t *sip, struct tsip_verdict *ret);

/* A media type ("type/subtype", parameters and case ignored) is SDP. */
bool tsip_check_is_sdp(const char *type);
/* One Accept media-range with its q value (NULL: none) admits application/sdp. */
bool tsip_check_range_admits_sdp(const char *range, const char *q);
