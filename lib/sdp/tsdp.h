/* lib/sdp: SDP as the relay needs it. tsdp_parse() reads what matters for
 * anchoring media (addresses, ports, rtcp, rtcp-mux, direction, codecs) out
 * of a body; tsdp_rewrite() writes the body again line by line with the
 * addresses and ports of the relay put in, everything else (payload types,
 * rtpmap, fmtp, telephone-event, direction) crossing unchanged. Pure
 * functions over memory: no sockets, no SIP, any thread. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TSDP_MAX_MEDIA 8
#define TSDP_ADDR_LEN 64

#define TSDP_MAX_CRYPTO 8

enum tsdp_dir { TSDP_SENDRECV, TSDP_SENDONLY, TSDP_RECVONLY, TSDP_INACTIVE };

/* An a=crypto line (RFC 4568) as written. */
struct tsdp_crypto {
	unsigned tag;
	char suite[40];
	char key[96];		/* the inline base64 key||salt, without lifetime/MKI */
	bool mki;		/* a |MKI:length part */
	bool multi;		/* more than one key parameter */
	bool params;		/* session parameters after the key */
};

struct tsdp_media {
	char type[16];			/* audio, video, ... */
	char proto[32];			/* RTP/AVP, RTP/SAVP, ... */
	uint16_t port;			/* 0: rejected / disabled */
	char addr[TSDP_ADDR_LEN];	/* the connection address in force */
	int family;			/* AF_INET, AF_INET6, or 0 when unknown */
	uint16_t rtcp_port;		/* a=rtcp, else port + 1 */
	char rtcp_addr[TSDP_ADDR_LEN];	/* a=rtcp's address, else addr */
	bool rtcp_mux;
	enum tsdp_dir dir;
	int first_pt;			/* the first payload type of the m= line, -1 none */
	char codec[32];			/* encoding name of first_pt ("PCMU"), "" unknown */
	unsigned clock_rate;		/* its RTP clock rate (rtpmap), 8000 when unknown */
	bool savp;			/* proto is RTP/SAVP or RTP/SAVPF */
	int te_pt;			/* telephone-event payload type (RFC 4733), -1 none;
					 * the 8000 Hz one when there are several */
	unsigned te_rate;		/* its clock rate */
	unsigned n_crypto;
	struct tsdp_crypto crypto[TSDP_MAX_CRYPTO];
};

struct tsdp {
	unsigned n_media;
	struct tsdp_media m[TSDP_MAX_MEDIA];
};

/* -EINVAL for a body that is not SDP we can anchor (no m= line with an
 * address, unparsable m=, too many m= lines). */
int tsdp_parse(const char *body, size_t len, struct tsdp *ret);

/* What the relay puts into a body for one leg. */
struct tsdp_media_rw {
	uint16_t port;			/* relay RTP port for this m= line; 0 keeps 0 */
	uint16_t rtcp_port;		/* relay RTCP port; ignored with mux */
	bool mux;			/* say a=rtcp-mux (and no a=rtcp) */
	/* SRTP: with crypto_set, every a=crypto line of the body is dropped and
	 * crypto (zero or more complete "a=crypto:..." lines, CRLF ended) is
	 * written at the end of the media section; proto, when set, replaces
	 * the m= line's transport (RTP/AVP, RTP/SAVP; an F suffix is kept) */
	bool crypto_set;
	const char *crypto;
	const char *proto;
	/* with dir_set, the m= line's direction attributes are dropped and
	 * a=<dir> is written instead (a transfer taking a hold off); when any
	 * m= line has it, a session-level direction is written into each
	 * m= line that has none of its own, so give every m= line its dir */
	bool dir_set;
	enum tsdp_dir dir;
};

struct tsdp_rewrite {
	const char *addr;		/* relay address to advertise */
	int family;			/* AF_INET or AF_INET6 */
	unsigned n_media;
	struct tsdp_media_rw m[TSDP_MAX_MEDIA];
};

/* Write body again into out (NUL-terminated), with the relay's address and
 * ports. Drops ICE attributes (the relay is the only candidate) and a=ssrc
 * lines (their cname names the endpoint). Returns the length, or -ENOSPC,
 * -EINVAL. */
int tsdp_rewrite(const char *body, size_t len, const struct tsdp_rewrite *rw, char *out,
		 size_t outlen);

const char *tsdp_dir_name(enum tsdp_dir d);

/* tsdp_cmp.c. True when both bodies parse and say the same about every m=
 * line: port, address and family, transport, RTCP, first codec, direction. */
bool tsdp_same_media(const char *a, size_t alen, const char *b, size_t blen);
/* body into out (NUL-terminated) with the o= line of prev, its version
 * raised above both; body as it is when either has no usable o= line.
 * Returns the length, or -ENOSPC. */
int tsdp_keep_origin(const char *prev, size_t plen, const char *body, size_t len, char *out,
		     size_t outlen);

/* tsdp_codec.c: a codec policy for what one leg is offered. */
struct tsdp_codec_policy {
	const char *const *allow;	/* encoding names (any case); none: any codec */
	size_t n_allow;
	const char *const *deny;	/* never offered, telephone-event and CN included */
	size_t n_deny;
	const char *const *order;	/* these first, in this order; the rest as offered */
	size_t n_order;
	unsigned ptime;			/* a=ptime to ask for (ms); 0: as offered */
};

/* body into out (NUL-terminated) with p applied to every audio m= line
 * that is not disabled: payload types whose encoding is denied, or not
 * allowed (telephone-event and CN need no allow entry), leave the m= line
 * with their a=rtpmap, a=fmtp and a=rtcp-fb lines; the rest are reordered;
 * a=ptime is set. Other m= lines cross as they are. Returns the length;
 * -ENOENT when an audio m= line would keep no codec but telephone-event or
 * CN (left then holds the names it offered, for a log line), -ENOSPC,
 * -EINVAL for an m= line tandemd cannot read. */
int tsdp_codec_filter(const char *body, size_t len, const struct tsdp_codec_policy *p, char *out,
		      size_t outlen, char *left, size_t leftlen);
