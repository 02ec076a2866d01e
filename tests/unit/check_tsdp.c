/* tests/unit/check_tsdp.c: lib/sdp/tsdp.c: tsdp_parse() (what the relay
 * needs from an SDP body) and tsdp_rewrite() (the body again with the
 * relay's address and ports), compared as whole texts where the output is
 * text, and round trips of one through the other. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sdp/tsdp.h"

#define RELAY4 "203.0.113.5"
#define RELAY6 "2001:db8::5"

/* A typical offer: session c=, one audio m-line, PCMU/PCMA, DTMF. */
static const char *const offer =
	"v=0\r\n"
	"o=alice 2890844526 2890844527 IN IP4 192.0.2.10\r\n"
	"s=call\r\n"
	"c=IN IP4 192.0.2.10\r\n"
	"t=0 0\r\n"
	"m=audio 49170 RTP/AVP 0 8 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-15\r\n"
	"a=ptime:20\r\n"
	"a=sendrecv\r\n";

/* The offer as the relay sends it on: o= and c= point at the relay, the
 * port is the relay's, every other line crosses unchanged. */
static const char *const offer_rewritten =
	"v=0\r\n"
	"o=alice 2890844526 2890844527 IN IP4 " RELAY4 "\r\n"
	"s=call\r\n"
	"c=IN IP4 " RELAY4 "\r\n"
	"t=0 0\r\n"
	"m=audio 40000 RTP/AVP 0 8 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-15\r\n"
	"a=ptime:20\r\n"
	"a=sendrecv\r\n";

static char out[8192];

static struct tsdp parse_ok(const char *body)
{
	struct tsdp s;
	int r;

	memset(&s, 0xa5, sizeof(s));
	r = tsdp_parse(body, strlen(body), &s);
	ck_assert_msg(r == 0, "tsdp_parse failed (%d) on:\n%s", r, body);
	return s;
}

static int parse_err(const char *body)
{
	struct tsdp s;

	return tsdp_parse(body, strlen(body), &s);
}

static struct tsdp_rewrite rw1(const char *addr, int family, uint16_t port, uint16_t rtcp, bool mux)
{
	struct tsdp_rewrite rw = { .addr = addr, .family = family, .n_media = 1 };

	rw.m[0] = (struct tsdp_media_rw){ .port = port, .rtcp_port = rtcp, .mux = mux };
	return rw;
}

/* tsdp_rewrite() into the static out buffer; must succeed. */
static const char *rewrite_ok(const char *body, const struct tsdp_rewrite *rw)
{
	int r = tsdp_rewrite(body, strlen(body), rw, out, sizeof(out));

	ck_assert_msg(r >= 0, "tsdp_rewrite failed (%d) on:\n%s", r, body);
	ck_assert_int_eq((size_t)r, strlen(out));
	return out;
}

static unsigned count(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* ---- parse ---- */

START_TEST(parse_typical_offer)
{
	struct tsdp s = parse_ok(offer);
	const struct tsdp_media *m = &s.m[0];

	ck_assert_uint_eq(s.n_media, 1);
	ck_assert_str_eq(m->type, "audio");
	ck_assert_str_eq(m->proto, "RTP/AVP");
	ck_assert_uint_eq(m->port, 49170);
	ck_assert_str_eq(m->addr, "192.0.2.10");
	ck_assert_int_eq(m->family, AF_INET);
	ck_assert_uint_eq(m->rtcp_port, 49171);	/* no a=rtcp: port + 1 */
	ck_assert_str_eq(m->rtcp_addr, "192.0.2.10");
	ck_assert(!m->rtcp_mux);
	ck_assert_int_eq(m->dir, TSDP_SENDRECV);
	ck_assert_int_eq(m->first_pt, 0);
	ck_assert_str_eq(m->codec, "PCMU");
	ck_assert_uint_eq(m->clock_rate, 8000);
	ck_assert_int_eq(m->te_pt, 101);
	ck_assert_uint_eq(m->te_rate, 8000);
}
END_TEST

/* telephone-event: none, or the 8000 Hz one of several (RFC 4733 events
 * for DTMF interworking) */
START_TEST(parse_telephone_event)
{
	struct tsdp s = parse_ok("v=0\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
				 "m=audio 4000 RTP/AVP 0\r\n"
				 "m=audio 4002 RTP/AVP 111 110 101\r\n"
				 "a=rtpmap:111 opus/48000/2\r\n"
				 "a=rtpmap:110 telephone-event/48000\r\n"
				 "a=rtpmap:101 Telephone-Event/8000\r\n");

	ck_assert_int_eq(s.m[0].te_pt, -1);
	ck_assert_int_eq(s.m[1].te_pt, 101);
	ck_assert_uint_eq(s.m[1].te_rate, 8000);
	ck_assert_str_eq(s.m[1].codec, "opus");
}
END_TEST

START_TEST(parse_not_nul_terminated)
{
	/* the body is taken by length: a copy without a NUL parses the same */
	size_t n = strlen(offer);
	char *copy = malloc(n);
	struct tsdp s;

	memcpy(copy, offer, n);
	ck_assert_int_eq(tsdp_parse(copy, n, &s), 0);
	ck_assert_uint_eq(s.m[0].port, 49170);
	ck_assert_str_eq(s.m[0].codec, "PCMU");
	free(copy);
}
END_TEST

START_TEST(parse_media_c_overrides_session)
{
	struct tsdp s = parse_ok("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n"
				 "c=IN IP4 192.0.2.1\r\nt=0 0\r\n"
				 "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 198.51.100.7/127\r\n"
				 "m=audio 4002 RTP/AVP 8\r\n");

	ck_assert_uint_eq(s.n_media, 2);
	ck_assert_str_eq(s.m[0].addr, "198.51.100.7");	/* TTL dropped */
	ck_assert_str_eq(s.m[0].rtcp_addr, "198.51.100.7");
	ck_assert_str_eq(s.m[1].addr, "192.0.2.1");	/* inherits the session's */
	ck_assert_int_eq(s.m[1].family, AF_INET);
	ck_assert_str_eq(s.m[1].codec, "PCMA");
}
END_TEST

START_TEST(parse_media_c_without_session_c)
{
	struct tsdp s = parse_ok("v=0\r\nm=audio 4000 RTP/AVP 0\r\nc=IN IP4 198.51.100.7\r\n");

	ck_assert_str_eq(s.m[0].addr, "198.51.100.7");
	ck_assert_int_eq(s.m[0].family, AF_INET);
}
END_TEST

START_TEST(parse_rtcp_port_only)
{
	struct tsdp s = parse_ok("v=0\r\nc=IN IP4 192.0.2.1\r\n"
				 "m=audio 4000 RTP/AVP 0\r\na=rtcp:53020\r\n");

	ck_assert_uint_eq(s.m[0].rtcp_port, 53020);
	ck_assert_str_eq(s.m[0].rtcp_addr, "192.0.2.1");
	ck_assert(!s.m[0].rtcp_mux);
}
END_TEST

START_TEST(parse_rtcp_with_address)
{
	struct tsdp s = parse_ok("v=0\r\nc=IN IP4 192.0.2.1\r\n"
				 "m=audio 4000 RTP/AVP 0\r\na=rtcp:53020 IN IP4 126.16.64.4\r\n"
				 "m=audio 5000 RTP/AVP 0\r\na=rtcp:53022 IN IP6 2001:db8::9\r\n");

	ck_assert_uint_eq(s.m[0].rtcp_port, 53020);
	ck_assert_str_eq(s.m[0].rtcp_addr, "126.16.64.4");
	ck_assert_str_eq(s.m[0].addr, "192.0.2.1");	/* RTP address unchanged */
	ck_assert_uint_eq(s.m[1].rtcp_port, 53022);
	ck_assert_str_eq(s.m[1].rtcp_addr, "2001:db8::9");
}
END_TEST

START_TEST(parse_rtcp_mux)
{
	struct tsdp s = parse_ok("v=0\r\nc=IN IP4 192.0.2.1\r\n"
				 "m=audio 4000 RTP/AVP 0\r\na=rtcp-mux\r\n"
				 "m=audio 4002 RTP/AVP 0\r\n");

	ck_assert(s.m[0].rtcp_mux);
	ck_assert(!s.m[1].rtcp_mux);	/* per m-line */
}
END_TEST

static const char *const dir_names[] = { "sendrecv", "sendonly", "recvonly", "inactive" };

START_TEST(parse_direction_session_level)
{
	/* _i: TSDP_SENDRECV .. TSDP_INACTIVE, as a session attribute */
	char body[256];
	struct tsdp s;

	snprintf(body, sizeof(body), "v=0\r\nc=IN IP4 192.0.2.1\r\na=%s\r\n"
		 "m=audio 4000 RTP/AVP 0\r\nm=video 4002 RTP/AVP 31\r\n", dir_names[_i]);
	s = parse_ok(body);
	ck_assert_int_eq(s.m[0].dir, _i);
	ck_assert_int_eq(s.m[1].dir, _i);
	ck_assert_str_eq(tsdp_dir_name(s.m[0].dir), dir_names[_i]);
}
END_TEST

START_TEST(parse_direction_media_level)
{
	/* _i as a media attribute, under a session attribute that differs */
	char body[256];
	int sess = _i == TSDP_INACTIVE ? TSDP_SENDONLY : TSDP_INACTIVE;
	struct tsdp s;

	snprintf(body, sizeof(body), "v=0\r\nc=IN IP4 192.0.2.1\r\na=%s\r\n"
		 "m=audio 4000 RTP/AVP 0\r\na=%s\r\nm=video 4002 RTP/AVP 31\r\n",
		 dir_names[sess], dir_names[_i]);
	s = parse_ok(body);
	ck_assert_int_eq(s.m[0].dir, _i);	/* media overrides session */
	ck_assert_int_eq(s.m[1].dir, sess);	/* the other keeps the session's */
}
END_TEST

START_TEST(parse_direction_default_sendrecv)
{
	struct tsdp s = parse_ok("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 4000 RTP/AVP 0\r\n"
				 "a=recvonly\r\nm=audio 4002 RTP/AVP 0\r\n");

	ck_assert_int_eq(s.m[0].dir, TSDP_RECVONLY);
	ck_assert_int_eq(s.m[1].dir, TSDP_SENDRECV);	/* RFC 4566 default */
}
END_TEST

START_TEST(parse_codec_from_rtpmap)
{
	struct tsdp s = parse_ok("v=0\r\nc=IN IP4 192.0.2.1\r\n"
				 "m=audio 4000 RTP/AVP 96 0 101\r\n"
				 "a=rtpmap:0 PCMU/8000\r\n"
				 "a=rtpmap:101 telephone-event/48000\r\n"
				 "a=rtpmap:96 opus/48000/2\r\n"
				 "a=fmtp:96 useinbandfec=1\r\n"
				 "m=audio 4002 RTP/AVP 97\r\n"
				 "a=rtpmap:97 AMR-WB/16000\r\n"
				 "m=audio 4004 RTP/AVP 98 0\r\n");

	ck_assert_int_eq(s.m[0].first_pt, 96);
	ck_assert_str_eq(s.m[0].codec, "opus");	/* the first PT's, not the last rtpmap's */
	ck_assert_uint_eq(s.m[0].clock_rate, 48000);
	ck_assert_int_eq(s.m[1].first_pt, 97);
	ck_assert_str_eq(s.m[1].codec, "AMR-WB");
	ck_assert_uint_eq(s.m[1].clock_rate, 16000);
	/* dynamic PT without rtpmap: unknown, clock rate defaults to 8000 */
	ck_assert_int_eq(s.m[2].first_pt, 98);
	ck_assert_str_eq(s.m[2].codec, "");
	ck_assert_uint_eq(s.m[2].clock_rate, 8000);
}
END_TEST

static const struct {
	int pt;
	const char *codec;
} static_pts[] = { { 0, "PCMU" }, { 8, "PCMA" }, { 9, "G722" }, { 18, "G729" } };

START_TEST(parse_codec_static_pt)
{
	char body[256];
	struct tsdp s;

	snprintf(body, sizeof(body), "v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 4000 RTP/AVP %d 101\r\n"
		 "a=rtpmap:101 telephone-event/8000\r\n", static_pts[_i].pt);
	s = parse_ok(body);
	ck_assert_int_eq(s.m[0].first_pt, static_pts[_i].pt);
	ck_assert_str_eq(s.m[0].codec, static_pts[_i].codec);
	ck_assert_uint_eq(s.m[0].clock_rate, 8000);	/* G722 too: RFC 3551 */
}
END_TEST

START_TEST(parse_no_payload_type)
{
	struct tsdp s = parse_ok("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 4000 RTP/AVP\r\n");

	ck_assert_int_eq(s.m[0].first_pt, -1);
	ck_assert_str_eq(s.m[0].codec, "");
}
END_TEST

START_TEST(parse_audio_and_video)
{
	struct tsdp s = parse_ok("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
				 "m=audio 49170 RTP/AVP 8\r\na=sendonly\r\n"
				 "m=video 51372 RTP/SAVP 96\r\na=rtpmap:96 H264/90000\r\n"
				 "a=rtcp:51400\r\na=rtcp-mux\r\n");

	ck_assert_uint_eq(s.n_media, 2);
	ck_assert_str_eq(s.m[0].type, "audio");
	ck_assert_uint_eq(s.m[0].port, 49170);
	ck_assert_uint_eq(s.m[0].rtcp_port, 49171);
	ck_assert_str_eq(s.m[0].codec, "PCMA");
	ck_assert_int_eq(s.m[0].dir, TSDP_SENDONLY);
	ck_assert(!s.m[0].rtcp_mux);
	ck_assert_str_eq(s.m[1].type, "video");
	ck_assert_str_eq(s.m[1].proto, "RTP/SAVP");
	ck_assert_uint_eq(s.m[1].port, 51372);
	ck_assert_uint_eq(s.m[1].rtcp_port, 51400);
	ck_assert(s.m[1].rtcp_mux);
	ck_assert_str_eq(s.m[1].codec, "H264");
	ck_assert_uint_eq(s.m[1].clock_rate, 90000);
	ck_assert_int_eq(s.m[1].dir, TSDP_SENDRECV);
	ck_assert_str_eq(s.m[1].addr, "192.0.2.1");
}
END_TEST

START_TEST(parse_rejected_mline)
{
	struct tsdp s = parse_ok("v=0\r\nc=IN IP4 192.0.2.1\r\n"
				 "m=audio 4000 RTP/AVP 0\r\nm=video 0 RTP/AVP 31\r\n");

	ck_assert_uint_eq(s.n_media, 2);
	ck_assert_uint_eq(s.m[1].port, 0);
	ck_assert_uint_eq(s.m[1].rtcp_port, 0);	/* not 1 */
	ck_assert_str_eq(s.m[1].type, "video");
	ck_assert_uint_eq(s.m[0].port, 4000);
}
END_TEST

START_TEST(parse_rejected_mline_needs_no_address)
{
	/* a stream at port 0 sends nowhere: no c= needed for it */
	struct tsdp s = parse_ok("v=0\r\nm=audio 4000 RTP/AVP 0\r\nc=IN IP4 192.0.2.1\r\n"
				 "m=video 0 RTP/AVP 31\r\n");

	ck_assert_uint_eq(s.n_media, 2);
	ck_assert_uint_eq(s.m[1].port, 0);
	ck_assert_str_eq(s.m[1].addr, "");
}
END_TEST

START_TEST(parse_ipv6)
{
	struct tsdp s = parse_ok("v=0\r\no=- 1 1 IN IP6 2001:db8::1\r\ns=-\r\nc=IN IP6 2001:db8::1\r\n"
				 "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"
				 "m=audio 4002 RTP/AVP 0\r\nc=IN IP4 192.0.2.1\r\n");

	ck_assert_str_eq(s.m[0].addr, "2001:db8::1");
	ck_assert_int_eq(s.m[0].family, AF_INET6);
	ck_assert_str_eq(s.m[0].rtcp_addr, "2001:db8::1");
	ck_assert_str_eq(s.m[1].addr, "192.0.2.1");
	ck_assert_int_eq(s.m[1].family, AF_INET);
}
END_TEST

START_TEST(parse_lf_only)
{
	struct tsdp s = parse_ok("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"
				 "m=audio 4000 RTP/AVP 8 101\na=rtpmap:8 PCMA/8000\n"
				 "a=rtcp:4005\na=rtcp-mux\na=recvonly");	/* no final newline */

	ck_assert_uint_eq(s.n_media, 1);
	ck_assert_str_eq(s.m[0].addr, "192.0.2.1");
	ck_assert_uint_eq(s.m[0].port, 4000);
	ck_assert_uint_eq(s.m[0].rtcp_port, 4005);
	ck_assert(s.m[0].rtcp_mux);
	ck_assert_str_eq(s.m[0].codec, "PCMA");
	ck_assert_int_eq(s.m[0].dir, TSDP_RECVONLY);
}
END_TEST

START_TEST(parse_port_count)
{
	struct tsdp s = parse_ok("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 49170/2 RTP/AVP 0\r\n");

	ck_assert_uint_eq(s.m[0].port, 49170);
	ck_assert_uint_eq(s.m[0].rtcp_port, 49171);
	ck_assert_str_eq(s.m[0].proto, "RTP/AVP");
	ck_assert_int_eq(s.m[0].first_pt, 0);
}
END_TEST

START_TEST(parse_error_empty)
{
	struct tsdp s;

	ck_assert_int_eq(tsdp_parse("", 0, &s), -EINVAL);
	ck_assert_int_eq(tsdp_parse(NULL, 0, &s), -EINVAL);
	ck_assert_int_eq(tsdp_parse("v=0\r\n", 0, &s), -EINVAL);	/* len counts */
	ck_assert_int_eq(parse_err("\r\n\r\n"), -EINVAL);
}
END_TEST

START_TEST(parse_error_no_m)
{
	ck_assert_int_eq(parse_err("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n"
				   "c=IN IP4 192.0.2.1\r\nt=0 0\r\na=sendrecv\r\n"), -EINVAL);
	ck_assert_int_eq(parse_err("hello, world"), -EINVAL);
}
END_TEST

static const char *const bad_m[] = {
	"m=",
	"m=audio",
	"m=audio 4000",
	"m=audio x RTP/AVP 0",
	"m=audio 4000x RTP/AVP 0",
	"m=audio -1 RTP/AVP 0",
	"m=audio 65536 RTP/AVP 0",
	"m=audio 99999999999999999999 RTP/AVP 0",
	"m=audio /2 RTP/AVP 0",
};

START_TEST(parse_error_m_garbage)
{
	char body[256];

	snprintf(body, sizeof(body), "v=0\r\nc=IN IP4 192.0.2.1\r\n%s\r\n", bad_m[_i]);
	ck_assert_msg(parse_err(body) == -EINVAL, "accepted '%s'", bad_m[_i]);
	/* also after a good m-line */
	snprintf(body, sizeof(body), "v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 4000 RTP/AVP 0\r\n%s\r\n",
		 bad_m[_i]);
	ck_assert_msg(parse_err(body) == -EINVAL, "accepted '%s' as second m-line", bad_m[_i]);
}
END_TEST

static void many_m(char *body, size_t len, unsigned n)
{
	size_t pos = (size_t)snprintf(body, len, "v=0\r\nc=IN IP4 192.0.2.1\r\n");

	for (unsigned i = 0; i < n; i++)
		pos += (size_t)snprintf(body + pos, len - pos, "m=audio %u RTP/AVP 0\r\n", 4000 + 2 * i);
}

START_TEST(parse_max_media)
{
	char body[1024];
	struct tsdp s;

	many_m(body, sizeof(body), TSDP_MAX_MEDIA);
	s = parse_ok(body);
	ck_assert_uint_eq(s.n_media, TSDP_MAX_MEDIA);
	ck_assert_uint_eq(s.m[TSDP_MAX_MEDIA - 1].port, 4000 + 2 * (TSDP_MAX_MEDIA - 1));
	many_m(body, sizeof(body), TSDP_MAX_MEDIA + 1);
	ck_assert_int_eq(parse_err(body), -EINVAL);
	many_m(body, sizeof(body), TSDP_MAX_MEDIA + 5);
	ck_assert_int_eq(parse_err(body), -EINVAL);
}
END_TEST

START_TEST(parse_error_no_address)
{
	ck_assert_int_eq(parse_err("v=0\r\nm=audio 4000 RTP/AVP 0\r\n"), -EINVAL);
	/* the address of one stream does not serve another */
	ck_assert_int_eq(parse_err("v=0\r\nm=audio 4000 RTP/AVP 0\r\nc=IN IP4 192.0.2.1\r\n"
				   "m=audio 4002 RTP/AVP 0\r\n"), -EINVAL);
}
END_TEST

static const char *const bad_c[] = {
	"c=IN IP5 x",
	"c=IN IP4",
	"c=",
	"c=ATM NSAP 47.0091",
	"c=IN",
};

START_TEST(parse_error_bad_c)
{
	char body[256];

	snprintf(body, sizeof(body), "v=0\r\n%s\r\nm=audio 4000 RTP/AVP 0\r\n", bad_c[_i]);
	ck_assert_msg(parse_err(body) == -EINVAL, "accepted session '%s'", bad_c[_i]);
	snprintf(body, sizeof(body), "v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 4000 RTP/AVP 0\r\n%s\r\n",
		 bad_c[_i]);
	ck_assert_msg(parse_err(body) == -EINVAL, "accepted media '%s'", bad_c[_i]);
}
END_TEST

/* ---- rewrite ---- */

START_TEST(rewrite_typical_offer)
{
	struct tsdp_rewrite rw = rw1(RELAY4, AF_INET, 40000, 40001, false);

	ck_assert_str_eq(rewrite_ok(offer, &rw), offer_rewritten);
	ck_assert_int_eq(tsdp_rewrite(offer, strlen(offer), &rw, out, sizeof(out)),
			 (int)strlen(offer_rewritten));
}
END_TEST

START_TEST(rewrite_lf_only_gives_crlf)
{
	const char *lf = "v=0\no=- 7 7 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"
			 "m=audio 4000 RTP/AVP 0\na=rtpmap:0 PCMU/8000";	/* no final LF */
	struct tsdp_rewrite rw = rw1(RELAY4, AF_INET, 40000, 40001, false);

	ck_assert_str_eq(rewrite_ok(lf, &rw),
			 "v=0\r\no=- 7 7 IN IP4 " RELAY4 "\r\ns=-\r\nc=IN IP4 " RELAY4 "\r\nt=0 0\r\n"
			 "m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n");
}
END_TEST

START_TEST(rewrite_port_count_dropped)
{
	struct tsdp_rewrite rw = rw1(RELAY4, AF_INET, 40000, 40001, false);

	ck_assert_str_eq(rewrite_ok("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 49170/2 RTP/AVP 0 8\r\n", &rw),
			 "v=0\r\nc=IN IP4 " RELAY4 "\r\nm=audio 40000 RTP/AVP 0 8\r\n");
}
END_TEST

static const char *const av =
	"v=0\r\n"
	"o=- 42 1 IN IP4 192.0.2.1\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.1\r\n"
	"t=0 0\r\n"
	"m=audio 49170 RTP/AVP 0 101\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-16\r\n"
	"m=video 51372 RTP/AVP 96\r\n"
	"c=IN IP4 192.0.2.2\r\n"
	"a=rtpmap:96 H264/90000\r\n"
	"a=fmtp:96 profile-level-id=42e01f\r\n"
	"a=recvonly\r\n";

START_TEST(rewrite_several_mlines)
{
	struct tsdp_rewrite rw = { .addr = RELAY4, .family = AF_INET, .n_media = 2 };

	rw.m[0] = (struct tsdp_media_rw){ .port = 40000, .rtcp_port = 40001 };
	rw.m[1] = (struct tsdp_media_rw){ .port = 40010, .rtcp_port = 40011 };
	ck_assert_str_eq(rewrite_ok(av, &rw),
			 "v=0\r\n"
			 "o=- 42 1 IN IP4 " RELAY4 "\r\n"
			 "s=-\r\n"
			 "c=IN IP4 " RELAY4 "\r\n"
			 "t=0 0\r\n"
			 "m=audio 40000 RTP/AVP 0 101\r\n"
			 "a=rtpmap:101 telephone-event/8000\r\n"
			 "a=fmtp:101 0-16\r\n"
			 "m=video 40010 RTP/AVP 96\r\n"
			 "c=IN IP4 " RELAY4 "\r\n"
			 "a=rtpmap:96 H264/90000\r\n"
			 "a=fmtp:96 profile-level-id=42e01f\r\n"
			 "a=recvonly\r\n");
}
END_TEST

START_TEST(rewrite_sets_direction)
{
	/* a transfer takes a hold off: the video's recvonly becomes sendrecv,
	 * the audio (no attribute) is given an explicit one */
	struct tsdp_rewrite rw = { .addr = RELAY4, .family = AF_INET, .n_media = 2 };
	const char *out;

	rw.m[0] = (struct tsdp_media_rw){ .port = 40000, .rtcp_port = 40001, .dir_set = true,
					  .dir = TSDP_SENDRECV };
	rw.m[1] = (struct tsdp_media_rw){ .port = 40010, .rtcp_port = 40011, .dir_set = true,
					  .dir = TSDP_SENDRECV };
	out = rewrite_ok(av, &rw);
	ck_assert_ptr_null(strstr(out, "recvonly"));
	ck_assert_str_eq(strstr(out, "a=fmtp:101"), "a=fmtp:101 0-16\r\na=sendrecv\r\n"
			 "m=video 40010 RTP/AVP 96\r\n"
			 "c=IN IP4 " RELAY4 "\r\n"
			 "a=rtpmap:96 H264/90000\r\n"
			 "a=fmtp:96 profile-level-id=42e01f\r\n"
			 "a=sendrecv\r\n");
}
END_TEST

START_TEST(rewrite_sets_direction_session_level)
{
	/* a session-level recvonly goes; the m= line set keeps its new one,
	 * the other keeps the session's as its own */
	const char *body =
		"v=0\r\n"
		"c=IN IP4 192.0.2.1\r\n"
		"a=recvonly\r\n"
		"m=audio 49170 RTP/AVP 0\r\n"
		"m=audio 49180 RTP/AVP 0\r\n"
		"a=inactive\r\n"
		"m=audio 49190 RTP/AVP 0\r\n";
	struct tsdp_rewrite rw = { .addr = RELAY4, .family = AF_INET, .n_media = 3 };
	struct tsdp s;

	rw.m[0] = (struct tsdp_media_rw){ .port = 40000, .rtcp_port = 40001, .dir_set = true,
					  .dir = TSDP_SENDRECV };
	rw.m[1] = (struct tsdp_media_rw){ .port = 40010, .rtcp_port = 40011 };
	rw.m[2] = (struct tsdp_media_rw){ .port = 40020, .rtcp_port = 40021 };
	s = parse_ok(rewrite_ok(body, &rw));
	ck_assert_int_eq(s.m[0].dir, TSDP_SENDRECV);
	ck_assert_int_eq(s.m[1].dir, TSDP_INACTIVE);
	ck_assert_int_eq(s.m[2].dir, TSDP_RECVONLY);
}
END_TEST

START_TEST(rewrite_rejected_stream_untouched)
{
	const char *body =
		"v=0\r\n"
		"o=- 42 1 IN IP4 192.0.2.1\r\n"
		"s=-\r\n"
		"c=IN IP4 192.0.2.1\r\n"
		"t=0 0\r\n"
		"m=audio 49170 RTP/AVP 0\r\n"
		"a=rtcp:49171\r\n"
		"m=video 0 RTP/AVP 96\r\n"
		"c=IN IP4 192.0.2.2\r\n"
		"a=rtpmap:96 H264/90000\r\n"
		"a=rtcp:51373\r\n"
		"a=rtcp-mux\r\n"
		"a=inactive\r\n"
		"m=audio 0 RTP/AVP 8\r\n";
	struct tsdp_rewrite rw = { .addr = RELAY4, .family = AF_INET, .n_media = 3 };

	rw.m[0] = (struct tsdp_media_rw){ .port = 40000, .rtcp_port = 40001, .mux = true };
	rw.m[1] = (struct tsdp_media_rw){ .port = 0, .mux = true };
	rw.m[2] = (struct tsdp_media_rw){ .port = 0, .mux = true };
	ck_assert_str_eq(rewrite_ok(body, &rw),
			 "v=0\r\n"
			 "o=- 42 1 IN IP4 " RELAY4 "\r\n"
			 "s=-\r\n"
			 "c=IN IP4 " RELAY4 "\r\n"
			 "t=0 0\r\n"
			 "m=audio 40000 RTP/AVP 0\r\n"
			 "a=rtcp-mux\r\n"
			 "m=video 0 RTP/AVP 96\r\n"
			 "c=IN IP4 192.0.2.2\r\n"
			 "a=rtpmap:96 H264/90000\r\n"
			 "a=rtcp:51373\r\n"
			 "a=rtcp-mux\r\n"
			 "a=inactive\r\n"
			 "m=audio 0 RTP/AVP 8\r\n");
}
END_TEST

START_TEST(rewrite_mux_on_adds_rtcp_mux)
{
	/* original has a=rtcp but no a=rtcp-mux; two streams, so the added
	 * line must land in the right section, before the next m= */
	const char *body =
		"v=0\r\nc=IN IP4 192.0.2.1\r\n"
		"m=audio 4000 RTP/AVP 0\r\na=rtcp:4001 IN IP4 192.0.2.1\r\na=ptime:20\r\n"
		"m=audio 4002 RTP/AVP 8\r\na=rtcp:4003\r\n";
	struct tsdp_rewrite rw = { .addr = RELAY4, .family = AF_INET, .n_media = 2 };

	rw.m[0] = (struct tsdp_media_rw){ .port = 40000, .rtcp_port = 40001, .mux = true };
	rw.m[1] = (struct tsdp_media_rw){ .port = 40002, .rtcp_port = 40003, .mux = true };
	ck_assert_str_eq(rewrite_ok(body, &rw),
			 "v=0\r\nc=IN IP4 " RELAY4 "\r\n"
			 "m=audio 40000 RTP/AVP 0\r\na=ptime:20\r\na=rtcp-mux\r\n"
			 "m=audio 40002 RTP/AVP 8\r\na=rtcp-mux\r\n");
	ck_assert_uint_eq(count(out, "a=rtcp:"), 0);
}
END_TEST

START_TEST(rewrite_mux_on_keeps_one_rtcp_mux)
{
	const char *body =
		"v=0\r\nc=IN IP4 192.0.2.1\r\n"
		"m=audio 4000 RTP/AVP 0\r\na=rtcp-mux\r\na=rtcp:4001\r\na=rtcp-mux\r\na=sendrecv\r\n";
	struct tsdp_rewrite rw = rw1(RELAY4, AF_INET, 40000, 40001, true);

	ck_assert_str_eq(rewrite_ok(body, &rw),
			 "v=0\r\nc=IN IP4 " RELAY4 "\r\n"
			 "m=audio 40000 RTP/AVP 0\r\na=rtcp-mux\r\na=sendrecv\r\n");
}
END_TEST

START_TEST(rewrite_mux_off)
{
	const char *body =
		"v=0\r\nc=IN IP4 192.0.2.1\r\n"
		"m=audio 4000 RTP/AVP 0\r\na=rtcp:4001 IN IP4 192.0.2.1\r\na=rtcp-mux\r\na=sendrecv\r\n";
	struct tsdp_rewrite rw = rw1(RELAY4, AF_INET, 40000, 40001, false);

	ck_assert_str_eq(rewrite_ok(body, &rw),
			 "v=0\r\nc=IN IP4 " RELAY4 "\r\n"
			 "m=audio 40000 RTP/AVP 0\r\na=rtcp:40001\r\na=sendrecv\r\n");
	/* rtcp_port is the relay's, whatever it is */
	rw.m[0].rtcp_port = 50001;
	rewrite_ok(body, &rw);
	ck_assert_ptr_nonnull(strstr(out, "\r\na=rtcp:50001\r\n"));
	ck_assert_ptr_null(strstr(out, "rtcp-mux"));
}
END_TEST

START_TEST(rewrite_drops_ice)
{
	const char *body =
		"v=0\r\n"
		"o=- 1 1 IN IP4 192.0.2.1\r\n"
		"s=-\r\n"
		"c=IN IP4 192.0.2.1\r\n"
		"t=0 0\r\n"
		"a=ice-lite\r\n"
		"a=ice-options:trickle\r\n"
		"m=audio 4000 RTP/AVP 0\r\n"
		"a=ice-ufrag:F7gI\r\n"
		"a=ice-pwd:x9cml/YzichV2+XlhiMu8g\r\n"
		"a=candidate:1 1 UDP 2130706431 192.0.2.1 4000 typ host\r\n"
		"a=candidate:2 1 UDP 1694498815 198.51.100.1 4000 typ srflx raddr 192.0.2.1 rport 4000\r\n"
		"a=remote-candidates:1 192.0.2.9 5000\r\n"
		"a=end-of-candidates\r\n"
		"a=rtpmap:0 PCMU/8000\r\n";
	struct tsdp_rewrite rw = rw1(RELAY4, AF_INET, 40000, 40001, false);

	ck_assert_str_eq(rewrite_ok(body, &rw),
			 "v=0\r\n"
			 "o=- 1 1 IN IP4 " RELAY4 "\r\n"
			 "s=-\r\n"
			 "c=IN IP4 " RELAY4 "\r\n"
			 "t=0 0\r\n"
			 "m=audio 40000 RTP/AVP 0\r\n"
			 "a=rtpmap:0 PCMU/8000\r\n");
}
END_TEST

START_TEST(rewrite_ipv6_advertise)
{
	struct tsdp_rewrite rw = rw1(RELAY6, AF_INET6, 40000, 40001, false);

	ck_assert_str_eq(rewrite_ok(offer, &rw),
			 "v=0\r\n"
			 "o=alice 2890844526 2890844527 IN IP6 " RELAY6 "\r\n"
			 "s=call\r\n"
			 "c=IN IP6 " RELAY6 "\r\n"
			 "t=0 0\r\n"
			 "m=audio 40000 RTP/AVP 0 8 101\r\n"
			 "a=rtpmap:0 PCMU/8000\r\n"
			 "a=rtpmap:8 PCMA/8000\r\n"
			 "a=rtpmap:101 telephone-event/8000\r\n"
			 "a=fmtp:101 0-15\r\n"
			 "a=ptime:20\r\n"
			 "a=sendrecv\r\n");
}
END_TEST

START_TEST(rewrite_ipv6_to_ipv4)
{
	struct tsdp_rewrite rw = rw1(RELAY4, AF_INET, 40000, 40001, false);

	ck_assert_str_eq(rewrite_ok("v=0\r\no=- 1 1 IN IP6 2001:db8::1\r\nc=IN IP6 2001:db8::1\r\n"
				    "m=audio 4000 RTP/AVP 0\r\nc=IN IP6 2001:db8::2\r\n", &rw),
			 "v=0\r\no=- 1 1 IN IP4 " RELAY4 "\r\nc=IN IP4 " RELAY4 "\r\n"
			 "m=audio 40000 RTP/AVP 0\r\nc=IN IP4 " RELAY4 "\r\n");
}
END_TEST

/* Every buffer size short of the whole text gives -ENOSPC, writes only
 * inside the buffer (a heap block of exactly that size: ASan sees a byte
 * past it), and leaves a NUL-terminated prefix of the text. */
static void enospc_every_size(const char *body, const struct tsdp_rewrite *rw)
{
	char full[4096];
	int len = tsdp_rewrite(body, strlen(body), rw, full, sizeof(full));
	size_t need;

	ck_assert_int_gt(len, 0);
	need = (size_t)len + 1;
	for (size_t n = 0; n < need; n++) {
		char *buf = malloc(n + 1);
		int r;

		buf[n] = 'Z';	/* guard byte just past the buffer */
		memset(buf, 'X', n);
		r = tsdp_rewrite(body, strlen(body), rw, buf, n);
		ck_assert_msg(r == -ENOSPC, "size %zu of %zu: got %d", n, need, r);
		ck_assert_msg(buf[n] == 'Z', "size %zu: wrote past the end", n);
		if (n > 0) {
			ck_assert_msg(memchr(buf, '\0', n) != NULL, "size %zu: not NUL-terminated", n);
			ck_assert_msg(strncmp(buf, full, strlen(buf)) == 0, "size %zu: not a prefix", n);
		}
		free(buf);
	}
	{
		char *buf = malloc(need);
		ck_assert_int_eq(tsdp_rewrite(body, strlen(body), rw, buf, need), len);
		ck_assert_str_eq(buf, full);
		free(buf);
	}
}

START_TEST(rewrite_enospc_every_size)
{
	struct tsdp_rewrite rw = rw1(RELAY4, AF_INET, 40000, 40001, false);
	struct tsdp_rewrite rw2 = { .addr = RELAY6, .family = AF_INET6, .n_media = 2 };

	enospc_every_size(offer, &rw);
	rw.m[0].mux = true;	/* the added a=rtcp-mux at the very end */
	enospc_every_size(offer, &rw);
	rw2.m[0] = (struct tsdp_media_rw){ .port = 40000, .rtcp_port = 40001, .mux = true };
	rw2.m[1] = (struct tsdp_media_rw){ .port = 40010, .rtcp_port = 40011 };
	enospc_every_size(av, &rw2);
}
END_TEST

START_TEST(rewrite_einval_media_count)
{
	struct tsdp_rewrite rw = { .addr = RELAY4, .family = AF_INET };

	rw.m[0] = (struct tsdp_media_rw){ .port = 40000, .rtcp_port = 40001 };
	rw.m[1] = (struct tsdp_media_rw){ .port = 40010, .rtcp_port = 40011 };
	rw.m[2] = (struct tsdp_media_rw){ .port = 40020, .rtcp_port = 40021 };
	rw.n_media = 1;	/* av has 2 */
	ck_assert_int_eq(tsdp_rewrite(av, strlen(av), &rw, out, sizeof(out)), -EINVAL);
	rw.n_media = 0;
	ck_assert_int_eq(tsdp_rewrite(av, strlen(av), &rw, out, sizeof(out)), -EINVAL);
	rw.n_media = 3;
	ck_assert_int_eq(tsdp_rewrite(av, strlen(av), &rw, out, sizeof(out)), -EINVAL);
	rw.n_media = 2;
	ck_assert_int_gt(tsdp_rewrite(av, strlen(av), &rw, out, sizeof(out)), 0);
	/* a body with no m= at all and a rewrite for one */
	rw.n_media = 1;
	ck_assert_int_eq(tsdp_rewrite("v=0\r\ns=-\r\n", 10, &rw, out, sizeof(out)), -EINVAL);
}
END_TEST

/* The body is taken by length, not up to a NUL: a heap copy of exactly
 * len bytes, so that ASan sees any read past it. The second body ends
 * right after the m= line's port digits. */
static void rewrite_heap_copy(const char *body, const struct tsdp_rewrite *rw, const char *want)
{
	size_t n = strlen(body);
	char *copy = malloc(n);
	int r;

	memcpy(copy, body, n);
	r = tsdp_rewrite(copy, n, rw, out, sizeof(out));
	free(copy);
	ck_assert_int_eq(r, (int)strlen(want));
	ck_assert_str_eq(out, want);
}

START_TEST(rewrite_reads_only_len)
{
	struct tsdp_rewrite rw = rw1(RELAY4, AF_INET, 40000, 40001, false);

	rewrite_heap_copy(offer, &rw, offer_rewritten);
	rewrite_heap_copy("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 4000", &rw,
			  "v=0\r\nc=IN IP4 " RELAY4 "\r\nm=audio 40000\r\n");
}
END_TEST

START_TEST(rewrite_blank_and_odd_lines)
{
	/* blank lines vanish (SDP has none), lines that are not <x>= cross as
	 * they are, with CRLF */
	const char *body =
		"v=0\r\n"
		"\r\n"
		"o=- 1 1 IN IP4 192.0.2.1\n"
		"this is not sdp\r\n"
		"s=-\r\n"
		"\n"
		"c=IN IP4 192.0.2.1\r\n"
		"x\r\n"
		"m=audio 4000 RTP/AVP 0\r\n"
		"\r\n"
		"z=\r\n"
		"a=sendonly\r\n"
		"\r\n\r\n";
	struct tsdp_rewrite rw = rw1(RELAY4, AF_INET, 40000, 40001, false);

	ck_assert_str_eq(rewrite_ok(body, &rw),
			 "v=0\r\n"
			 "o=- 1 1 IN IP4 " RELAY4 "\r\n"
			 "this is not sdp\r\n"
			 "s=-\r\n"
			 "c=IN IP4 " RELAY4 "\r\n"
			 "x\r\n"
			 "m=audio 40000 RTP/AVP 0\r\n"
			 "z=\r\n"
			 "a=sendonly\r\n");
}
END_TEST

START_TEST(rewrite_short_o_line_kept)
{
	struct tsdp_rewrite rw = rw1(RELAY4, AF_INET, 40000, 40001, false);

	ck_assert_str_eq(rewrite_ok("v=0\r\no=-\r\nc=IN IP4 192.0.2.1\r\nm=audio 4000 RTP/AVP 0\r\n", &rw),
			 "v=0\r\no=-\r\nc=IN IP4 " RELAY4 "\r\nm=audio 40000 RTP/AVP 0\r\n");
}
END_TEST

/* ---- round trip ---- */

static void check_roundtrip(const char *body, const struct tsdp_rewrite *rw)
{
	struct tsdp in = parse_ok(body), s;

	rewrite_ok(body, rw);
	s = parse_ok(out);
	ck_assert_uint_eq(s.n_media, in.n_media);
	for (unsigned i = 0; i < s.n_media; i++) {
		const struct tsdp_media *m = &s.m[i], *o = &in.m[i];
		const struct tsdp_media_rw *mr = &rw->m[i];

		/* what crosses unchanged */
		ck_assert_str_eq(m->type, o->type);
		ck_assert_str_eq(m->proto, o->proto);
		ck_assert_int_eq(m->first_pt, o->first_pt);
		ck_assert_str_eq(m->codec, o->codec);
		ck_assert_uint_eq(m->clock_rate, o->clock_rate);
		ck_assert_int_eq(m->dir, o->dir);
		if (o->port == 0) {
			ck_assert_uint_eq(m->port, 0);
			continue;
		}
		/* what the relay put in */
		ck_assert_uint_eq(m->port, mr->port);
		ck_assert_str_eq(m->addr, rw->addr);
		ck_assert_int_eq(m->family, rw->family);
		ck_assert_str_eq(m->rtcp_addr, rw->addr);
		ck_assert_int_eq(m->rtcp_mux, mr->mux);
		if (!mr->mux)
			ck_assert_msg(m->rtcp_port == mr->rtcp_port, "stream %u: rtcp port %u, relay's %u",
				      i, m->rtcp_port, mr->rtcp_port);
	}
}

#define CMP_B "v=0\r\no=bob 7 3 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\nt=0 0\r\n" \
	"m=audio 31000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"

START_TEST(same_media_sees_address_port_codec)
{
	const char *same = "v=0\r\no=carol 1 1 IN IP4 10.0.0.2\r\ns=x\r\nc=IN IP4 10.0.0.2\r\n"
			   "t=0 0\r\nm=audio 31000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n";
	const char *port = "v=0\r\no=bob 7 3 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\n"
			   "t=0 0\r\nm=audio 32000 RTP/AVP 0 101\r\n";
	const char *v6 = "v=0\r\no=bob 7 3 IN IP6 ::1\r\ns=-\r\nc=IN IP6 ::1\r\n"
			 "t=0 0\r\nm=audio 31000 RTP/AVP 0 101\r\n";
	const char *codec = "v=0\r\no=bob 7 3 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\n"
			    "t=0 0\r\nm=audio 31000 RTP/AVP 8 101\r\n";

	ck_assert(tsdp_same_media(CMP_B, strlen(CMP_B), same, strlen(same)));
	ck_assert(!tsdp_same_media(CMP_B, strlen(CMP_B), port, strlen(port)));
	ck_assert(!tsdp_same_media(CMP_B, strlen(CMP_B), v6, strlen(v6)));
	ck_assert(!tsdp_same_media(CMP_B, strlen(CMP_B), codec, strlen(codec)));
	ck_assert(!tsdp_same_media(CMP_B, strlen(CMP_B), "junk", 4));
}
END_TEST

START_TEST(keep_origin_raises_the_version)
{
	const char *c = "v=0\r\no=carol 1 9 IN IP4 10.0.0.3\r\ns=-\r\nc=IN IP4 10.0.0.3\r\n"
			"t=0 0\r\nm=audio 32000 RTP/AVP 0\r\n";
	char out[512];
	int n = tsdp_keep_origin(CMP_B, strlen(CMP_B), c, strlen(c), out, sizeof(out));

	ck_assert_int_gt(n, 0);
	ck_assert_int_eq((int)strlen(out), n);
	ck_assert_ptr_nonnull(strstr(out, "\r\no=bob 7 10 IN IP4 10.0.0.2\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "c=IN IP4 10.0.0.3\r\nt=0 0\r\nm=audio 32000"));
	ck_assert_ptr_null(strstr(out, "carol"));
	ck_assert_int_eq(tsdp_keep_origin(CMP_B, strlen(CMP_B), c, strlen(c), out, 20), -ENOSPC);
}
END_TEST

START_TEST(roundtrip_typical)
{
	struct tsdp_rewrite rw = rw1(RELAY4, AF_INET, 40000, 40001, false);

	check_roundtrip(offer, &rw);
	rw.m[0].mux = true;
	check_roundtrip(offer, &rw);
	rw = rw1(RELAY6, AF_INET6, 50000, 50001, false);
	check_roundtrip(offer, &rw);
}
END_TEST

START_TEST(roundtrip_several_streams)
{
	const char *body =
		"v=0\r\no=- 5 5 IN IP6 2001:db8::1\r\ns=-\r\nc=IN IP6 2001:db8::1\r\nt=0 0\r\na=sendonly\r\n"
		"m=audio 4000 RTP/AVP 8 101\r\na=rtcp:4010 IN IP6 2001:db8::7\r\na=rtcp-mux\r\n"
		"a=ice-ufrag:abcd\r\na=candidate:1 1 UDP 1 2001:db8::1 4000 typ host\r\n"
		"m=video 0 RTP/AVP 31\r\n"
		"m=video 5000/2 RTP/SAVP 96\r\nc=IN IP4 192.0.2.3\r\na=rtpmap:96 VP8/90000\r\n"
		"a=rtcp:5009\r\na=inactive\r\n";
	struct tsdp_rewrite rw = { .addr = RELAY4, .family = AF_INET, .n_media = 3 };

	rw.m[0] = (struct tsdp_media_rw){ .port = 40000, .rtcp_port = 40001 };
	rw.m[1] = (struct tsdp_media_rw){ .port = 0 };
	rw.m[2] = (struct tsdp_media_rw){ .port = 40020, .rtcp_port = 40021, .mux = true };
	check_roundtrip(body, &rw);
	rw.m[0].mux = true;
	rw.m[2].mux = false;
	check_roundtrip(body, &rw);
}
END_TEST

/* The relay's RTCP port need not be port + 1 (tsdp.h: "relay RTCP port").
 * When the original body has no a=rtcp line, the rewrite must still say
 * where RTCP goes, or the peer sends it to port + 1 (RFC 3605). */
START_TEST(roundtrip_rtcp_port_not_adjacent)
{
	struct tsdp_rewrite rw = rw1(RELAY4, AF_INET, 40000, 50001, false);
	struct tsdp s;

	check_roundtrip(offer, &rw);	/* offer has no a=rtcp */
	s = parse_ok(out);
	ck_assert_uint_eq(s.m[0].rtcp_port, 50001);
}
END_TEST

static Suite *tsdp_suite(void)
{
	Suite *s = suite_create("tsdp");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_test(tc, parse_typical_offer);
	tcase_add_test(tc, parse_telephone_event);
	tcase_add_test(tc, parse_not_nul_terminated);
	tcase_add_test(tc, parse_media_c_overrides_session);
	tcase_add_test(tc, parse_media_c_without_session_c);
	tcase_add_test(tc, parse_rtcp_port_only);
	tcase_add_test(tc, parse_rtcp_with_address);
	tcase_add_test(tc, parse_rtcp_mux);
	tcase_add_loop_test(tc, parse_direction_session_level, 0, 4);
	tcase_add_loop_test(tc, parse_direction_media_level, 0, 4);
	tcase_add_test(tc, parse_direction_default_sendrecv);
	tcase_add_test(tc, parse_codec_from_rtpmap);
	tcase_add_loop_test(tc, parse_codec_static_pt, 0, sizeof(static_pts) / sizeof(static_pts[0]));
	tcase_add_test(tc, parse_no_payload_type);
	tcase_add_test(tc, parse_audio_and_video);
	tcase_add_test(tc, parse_rejected_mline);
	tcase_add_test(tc, parse_rejected_mline_needs_no_address);
	tcase_add_test(tc, parse_ipv6);
	tcase_add_test(tc, parse_lf_only);
	tcase_add_test(tc, parse_port_count);
	suite_add_tcase(s, tc);

	tc = tcase_create("parse_errors");
	tcase_add_test(tc, parse_error_empty);
	tcase_add_test(tc, parse_error_no_m);
	tcase_add_loop_test(tc, parse_error_m_garbage, 0, sizeof(bad_m) / sizeof(bad_m[0]));
	tcase_add_test(tc, parse_max_media);
	tcase_add_test(tc, parse_error_no_address);
	tcase_add_loop_test(tc, parse_error_bad_c, 0, sizeof(bad_c) / sizeof(bad_c[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("rewrite");
	tcase_add_test(tc, rewrite_typical_offer);
	tcase_add_test(tc, rewrite_lf_only_gives_crlf);
	tcase_add_test(tc, rewrite_port_count_dropped);
	tcase_add_test(tc, rewrite_several_mlines);
	tcase_add_test(tc, rewrite_rejected_stream_untouched);
	tcase_add_test(tc, rewrite_sets_direction);
	tcase_add_test(tc, rewrite_sets_direction_session_level);
	tcase_add_test(tc, rewrite_mux_on_adds_rtcp_mux);
	tcase_add_test(tc, rewrite_mux_on_keeps_one_rtcp_mux);
	tcase_add_test(tc, rewrite_mux_off);
	tcase_add_test(tc, rewrite_drops_ice);
	tcase_add_test(tc, rewrite_ipv6_advertise);
	tcase_add_test(tc, rewrite_ipv6_to_ipv4);
	tcase_add_test(tc, rewrite_enospc_every_size);
	tcase_add_test(tc, rewrite_einval_media_count);
	tcase_add_test(tc, rewrite_reads_only_len);
	tcase_add_test(tc, rewrite_blank_and_odd_lines);
	tcase_add_test(tc, rewrite_short_o_line_kept);
	suite_add_tcase(s, tc);

	tc = tcase_create("roundtrip");
	tcase_add_test(tc, roundtrip_typical);
	tcase_add_test(tc, roundtrip_several_streams);
	tcase_add_test(tc, roundtrip_rtcp_port_not_adjacent);
	tcase_add_test(tc, same_media_sees_address_port_codec);
	tcase_add_test(tc, keep_origin_raises_the_version);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tsdp_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
