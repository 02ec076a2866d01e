/* lib/sdp/tsdp.c: see tsdp.h. Both functions walk the body line by line
 * (CRLF or LF) without copying it; tsdp_rewrite() emits CRLF lines. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "tsdp.h"
#include "tsdp_int.h"

/* Next line of [*pos, end): true and the line, without its end. */
bool tsdp_next_line(const char **pos, const char *end, struct tsdp_line *ln)
{
	const char *p = *pos, *e;

	if (p >= end)
		return false;
	e = p;
	while (e < end && *e != '\n' && *e != '\r')
		e++;
	ln->p = p;
	ln->n = (size_t)(e - p);
	if (e < end && *e == '\r')
		e++;
	if (e < end && *e == '\n')
		e++;
	*pos = e;
	return true;
}

bool tsdp_starts(const struct tsdp_line *ln, const char *prefix)
{
	size_t n = strlen(prefix);
	return ln->n >= n && strncasecmp(ln->p, prefix, n) == 0;
}

/* Copy a line's text after skip chars into buf, NUL-terminated. */
static void line_str(const struct tsdp_line *ln, size_t skip, char *buf, size_t len)
{
	size_t n = ln->n > skip ? ln->n - skip : 0;

	if (n >= len)
		n = len - 1;
	memcpy(buf, ln->p + skip, n);
	buf[n] = '\0';
}

/* "IN IP4 1.2.3.4[/ttl]" -> addr, family */
static int parse_conn(const char *s, char *addr, int *family)
{
	char nt[8], at[8], a[TSDP_ADDR_LEN];
	char *slash;

	if (sscanf(s, "%7s %7s %63s", nt, at, a) != 3 || strcasecmp(nt, "IN") != 0)
		return -EINVAL;
	slash = strchr(a, '/');
	if (slash)
		*slash = '\0';
	if (strcasecmp(at, "IP4") == 0)
		*family = AF_INET;
	else if (strcasecmp(at, "IP6") == 0)
		*family = AF_INET6;
	else
		return -EINVAL;
	snprintf(addr, TSDP_ADDR_LEN, "%s", a);
	return 0;
}

static int parse_m(const char *s, struct tsdp_media *m)
{
	char portbuf[16], *slash, *end;
	long port;
	int pt = -1, n = 0;

	if (sscanf(s, "%15s %15s %31s %n", m->type, portbuf, m->proto, &n) < 3)
		return -EINVAL;
	slash = strchr(portbuf, '/');
	if (slash)
		*slash = '\0';
	port = strtol(portbuf, &end, 10);
	if (*end || end == portbuf || port < 0 || port > 65535)
		return -EINVAL;
	m->port = (uint16_t)port;
	if (n > 0 && sscanf(s + n, "%d", &pt) == 1 && pt >= 0 && pt <= 127)
		m->first_pt = pt;
	return 0;
}

/* A direction attribute: its value, or -1. */
static int parse_dir(const char *a)
{
	static const char *const names[] = {
		[TSDP_SENDRECV] = "sendrecv", [TSDP_SENDONLY] = "sendonly",
		[TSDP_RECVONLY] = "recvonly", [TSDP_INACTIVE] = "inactive",
	};

	for (int i = 0; i < 4; i++)
		if (strcasecmp(a, names[i]) == 0)
			return i;
	return -1;
}

/* a=crypto:<tag> <suite> inline:<key>[|lifetime][|MKI:len][;inline:...] [params] */
static void parse_crypto(const char *a, struct tsdp_media *m)
{
	struct tsdp_crypto *c;
	const char *p, *k, *end;
	char keyparam[200];
	int n = 0;

	if (m->n_crypto == TSDP_MAX_CRYPTO)
		return;
	c = &m->crypto[m->n_crypto];
	memset(c, 0, sizeof(*c));
	if (sscanf(a, "%u %39s %199s%n", &c->tag, c->suite, keyparam, &n) != 3)
		return;
	if (strncasecmp(keyparam, "inline:", 7) != 0)
		return;
	k = keyparam + 7;
	end = k + strcspn(k, "|;");
	if ((size_t)(end - k) >= sizeof(c->key) || end == k)
		return;
	memcpy(c->key, k, (size_t)(end - k));
	c->key[end - k] = '\0';
	/* lifetime and MKI: |2^31 |1:4 (the MKI has a colon) */
	for (p = end; *p == '|'; ) {
		const char *q = p + 1, *e = q + strcspn(q, "|;");
		if (memchr(q, ':', (size_t)(e - q)))
			c->mki = true;
		p = e;
	}
	c->multi = strchr(keyparam, ';') != NULL;
	for (p = a + n; *p == ' ' || *p == '\t'; p++)
		;
	c->params = *p != '\0';
	m->n_crypto++;
}

static void parse_a(const char *a, struct tsdp_media *m)
{
	int pt;
	unsigned rate;
	char enc[32];

	if (strcasecmp(a, "rtcp-mux") == 0)
		m->rtcp_mux = true;
	else if (strncasecmp(a, "crypto:", 7) == 0)
		parse_crypto(a + 7, m);
	else if (strncasecmp(a, "rtcp:", 5) == 0) {
		long p = strtol(a + 5, NULL, 10);
		const char *sp = strchr(a + 5, ' ');
		int fam;
		if (p > 0 && p <= 65535)
			m->rtcp_port = (uint16_t)p;
		if (sp)
			parse_conn(sp + 1, m->rtcp_addr, &fam);
	} else if (strncasecmp(a, "rtpmap:", 7) == 0 &&
		   sscanf(a + 7, "%d %31[^/]/%u", &pt, enc, &rate) == 3 &&
		   strcasecmp(enc, "telephone-event") == 0 && pt >= 0 && pt < 128 &&
		   (m->te_pt < 0 || (m->te_rate != 8000 && rate == 8000))) {
		m->te_pt = pt;
		m->te_rate = rate;
	} else if (strncasecmp(a, "rtpmap:", 7) == 0 &&
		   sscanf(a + 7, "%d %31[^/]", &pt, enc) == 2 && pt == m->first_pt) {
		snprintf(m->codec, sizeof(m->codec), "%s", enc);
		if (sscanf(a + 7, "%*d %*[^/]/%u", &rate) == 1 && rate > 0 && rate <= 1000000)
			m->clock_rate = rate;
	}
}

static const char *const static_codecs[] = {
	[0] = "PCMU", [3] = "GSM", [4] = "G723", [8] = "PCMA", [9] = "G722", [13] = "CN",
	[18] = "G729",
};

const char *tsdp_static_codec(int pt)
{
	if (pt < 0 || (size_t)pt >= sizeof(static_codecs) / sizeof(static_codecs[0]))
		return NULL;
	return static_codecs[pt];
}

int tsdp_parse(const char *body, size_t len, struct tsdp *ret)
{
	const char *pos = body, *end = body + len;
	char sess_addr[TSDP_ADDR_LEN] = "", buf[512];
	int sess_family = 0;
	int sess_dir = TSDP_SENDRECV, dirs[TSDP_MAX_MEDIA], d;
	struct tsdp s;
	struct tsdp_line ln;
	struct tsdp_media *m = NULL;

	memset(&s, 0, sizeof(s));
	if (body == NULL || len == 0)
		return -EINVAL;
	while (tsdp_next_line(&pos, end, &ln)) {
		if (ln.n < 2 || ln.p[1] != '=')
			continue;	/* tolerate blank or odd lines */
		line_str(&ln, 2, buf, sizeof(buf));
		switch (ln.p[0]) {
		case 'm':
			if (s.n_media == TSDP_MAX_MEDIA)
				return -EINVAL;
			m = &s.m[s.n_media++];
			m->first_pt = -1;
			m->te_pt = -1;
			dirs[m - s.m] = -1;
			if (parse_m(buf, m) < 0)
				return -EINVAL;
			break;
		case 'c':
			if (m) {
				if (parse_conn(buf, m->addr, &m->family) < 0)
					return -EINVAL;
			} else if (parse_conn(buf, sess_addr, &sess_family) < 0) {
				return -EINVAL;
			}
			break;
		case 'a':
			d = parse_dir(buf);
			if (d >= 0 && m)
				dirs[m - s.m] = d;
			else if (d >= 0)
				sess_dir = d;
			else if (m)
				parse_a(buf, m);
			break;
		default:
			break;
		}
	}
	if (s.n_media == 0)
		return -EINVAL;
	for (unsigned i = 0; i < s.n_media; i++) {
		m = &s.m[i];
		if (m->addr[0] == '\0') {
			if (sess_addr[0] == '\0' && m->port != 0)
				return -EINVAL;	/* nowhere to send */
			memcpy(m->addr, sess_addr, sizeof(m->addr));
			m->family = sess_family;
		}
		if (m->rtcp_port == 0 && m->port != 0)
			m->rtcp_port = (uint16_t)(m->port + 1);
		if (m->rtcp_addr[0] == '\0')
			memcpy(m->rtcp_addr, m->addr, sizeof(m->rtcp_addr));
		if (m->clock_rate == 0)
			m->clock_rate = 8000;
		m->savp = strncasecmp(m->proto, "RTP/SAVP", 8) == 0;
		m->dir = (enum tsdp_dir)(dirs[i] >= 0 ? dirs[i] : sess_dir);
		if (m->codec[0] == '\0' && m->first_pt >= 0 &&
		    (size_t)m->first_pt < sizeof(static_codecs) / sizeof(static_codecs[0]) &&
		    static_codecs[m->first_pt])
			snprintf(m->codec, sizeof(m->codec), "%s", static_codecs[m->first_pt]);
	}
	*ret = s;
	return 0;
}

/* ---- rewrite ---- */

void tsdp_put(struct tsdp_out *o, const char *s, size_t n)
{
	if (o->full || o->pos + n + 1 > o->len) {
		o->full = true;
		return;
	}
	memcpy(o->p + o->pos, s, n);
	o->pos += n;
	o->p[o->pos] = '\0';
}

void tsdp_putf(struct tsdp_out *o, const char *fmt, ...)
{
	char buf[600];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		o->full = true;
		return;
	}
	tsdp_put(o, buf, (size_t)n);
}

/* Lines that describe the endpoint behind the relay, not the relay: ICE
 * candidates, and a=ssrc (its cname names the endpoint, often by URI and
 * address). The relay is the only candidate, and SSRCs travel in RTP. */
static bool is_ice(const struct tsdp_line *ln)
{
	return tsdp_starts(ln, "a=candidate:") || tsdp_starts(ln, "a=ice-") ||
	       tsdp_starts(ln, "a=end-of-candidates") || tsdp_starts(ln, "a=remote-candidates") ||
	       tsdp_starts(ln, "a=ssrc:") || tsdp_starts(ln, "a=ssrc-group:");
}

/* o=<user> <id> <version> IN IP4 <addr>: keep the first three fields */
static void rewrite_o(struct tsdp_out *o, const struct tsdp_line *ln, const struct tsdp_rewrite *rw)
{
	const char *p = ln->p, *e = ln->p + ln->n;
	int fields = 0;

	while (p < e && fields < 3) {
		while (p < e && *p != ' ')
			p++;
		while (p < e && *p == ' ')
			p++;
		fields++;
	}
	if (fields < 3 || p >= e) {
		tsdp_put(o, ln->p, ln->n);
		tsdp_put(o, "\r\n", 2);
		return;
	}
	tsdp_put(o, ln->p, (size_t)(p - ln->p));
	tsdp_putf(o, "IN %s %s\r\n", rw->family == AF_INET6 ? "IP6" : "IP4", rw->addr);
}

static void rewrite_m(struct tsdp_out *o, const struct tsdp_line *ln, const struct tsdp_media_rw *mr)
{
	const char *p = ln->p + 2, *e = ln->p + ln->n, *port, *after;

	while (p < e && *p != ' ')
		p++;	/* media type */
	port = p + 1;
	after = port;
	while (after < e && *after != ' ' && *after != '/')
		after++;
	bool zero = true;

	for (const char *q = port; q < after; q++)
		zero = zero && *q == '0';	/* not strtol: the line has no NUL */
	if (port >= e || mr->port == 0 || zero) {
		tsdp_put(o, ln->p, ln->n);	/* rejected stays rejected */
	} else {
		const char *proto, *pend;
		tsdp_put(o, ln->p, (size_t)(port - ln->p));
		tsdp_putf(o, "%u", mr->port);
		while (after < e && *after != ' ')
			after++;	/* drop a /<count> */
		proto = after < e ? after + 1 : e;
		pend = proto;
		while (pend < e && *pend != ' ')
			pend++;
		if (mr->proto && proto < e) {
			/* RTP/AVPF <-> RTP/SAVPF: keep the feedback profile */
			bool f = pend > proto && (pend[-1] == 'F' || pend[-1] == 'f');
			tsdp_putf(o, " %s%s", mr->proto, f ? "F" : "");
			tsdp_put(o, pend, (size_t)(e - pend));
		} else {
			tsdp_put(o, after, (size_t)(e - after));
		}
	}
	tsdp_put(o, "\r\n", 2);
}

/* a=sendrecv, a=sendonly, a=recvonly, a=inactive: its value, or -1 */
static int dir_line(const struct tsdp_line *ln)
{
	char a[16];

	if (!tsdp_starts(ln, "a=") || ln->n >= sizeof(a) + 2)
		return -1;
	line_str(ln, 2, a, sizeof(a));
	return parse_dir(a);
}

static bool any_dir_set(const struct tsdp_rewrite *rw)
{
	for (unsigned i = 0; i < rw->n_media; i++)
		if (rw->m[i].dir_set)
			return true;
	return false;
}

/* The direction a section ends with when the rewrite sets directions:
 * its own, or the session's that was dropped, or the one it is given. */
static void end_dir(struct tsdp_out *o, const struct tsdp_media_rw *mr, int sess_dir, bool had_dir)
{
	if (mr->dir_set)
		tsdp_putf(o, "a=%s\r\n", tsdp_dir_name(mr->dir));
	else if (!had_dir && sess_dir >= 0)
		tsdp_putf(o, "a=%s\r\n", tsdp_dir_name((enum tsdp_dir)sess_dir));
}

static void end_media(struct tsdp_out *o, const struct tsdp_media_rw *mr, bool mux_written,
		      bool rtcp_written)
{
	if (mr == NULL || mr->port == 0)
		return;
	if (mr->mux && !mux_written)
		tsdp_put(o, "a=rtcp-mux\r\n", 12);
	else if (!mr->mux && !rtcp_written && mr->rtcp_port != (uint16_t)(mr->port + 1))
		tsdp_putf(o, "a=rtcp:%u\r\n", mr->rtcp_port);
}

int tsdp_rewrite(const char *body, size_t len, const struct tsdp_rewrite *rw, char *out,
		 size_t outlen)
{
	const char *pos = body, *end = body + len;
	struct tsdp_out o = { .p = out, .len = outlen };
	const struct tsdp_media_rw *mr = NULL;
	const char *ipv = rw->family == AF_INET6 ? "IP6" : "IP4";
	unsigned mi = 0;
	bool in_media = false, mux_written = false, rtcp_written = false;
	bool set_dirs = any_dir_set(rw), had_dir = false;
	int sess_dir = -1, d;
	struct tsdp_line ln;

	if (outlen == 0)
		return -ENOSPC;
	out[0] = '\0';
	while (tsdp_next_line(&pos, end, &ln)) {
		if (ln.n == 0)
			continue;
		if (tsdp_starts(&ln, "m=")) {
			if (in_media)
				end_media(&o, mr, mux_written, rtcp_written);
			if (in_media && set_dirs && mr->port)
				end_dir(&o, mr, sess_dir, had_dir);
			if (in_media && mr && mr->port && mr->crypto_set && mr->crypto)
				tsdp_put(&o, mr->crypto, strlen(mr->crypto));
			if (mi >= rw->n_media)
				return -EINVAL;
			mr = &rw->m[mi++];
			in_media = true;
			mux_written = false;
			rtcp_written = false;
			had_dir = false;
			rewrite_m(&o, &ln, mr);
			continue;
		}
		if (set_dirs && (d = dir_line(&ln)) >= 0) {
			if (!in_media) {
				sess_dir = d;	/* goes into each m= line instead */
				continue;
			}
			had_dir = true;
			if (mr->dir_set)
				continue;
		}
		if (tsdp_starts(&ln, "o=")) {
			rewrite_o(&o, &ln, rw);
			continue;
		}
		if (tsdp_starts(&ln, "c=")) {
			if (!in_media || (mr && mr->port))
				tsdp_putf(&o, "c=IN %s %s\r\n", ipv, rw->addr);
			else
				tsdp_put(&o, ln.p, ln.n), tsdp_put(&o, "\r\n", 2);
			continue;
		}
		if (is_ice(&ln))
			continue;
		if (in_media && mr && mr->crypto_set && tsdp_starts(&ln, "a=crypto:"))
			continue;
		if (in_media && mr && mr->port) {
			if (tsdp_starts(&ln, "a=rtcp-mux")) {
				if (mr->mux && !mux_written) {
					tsdp_put(&o, "a=rtcp-mux\r\n", 12);
					mux_written = true;
				}
				continue;
			}
			if (tsdp_starts(&ln, "a=rtcp:")) {
				if (!mr->mux && !rtcp_written)
					tsdp_putf(&o, "a=rtcp:%u\r\n", mr->rtcp_port);
				rtcp_written = true;
				continue;
			}

		}
		tsdp_put(&o, ln.p, ln.n);
		tsdp_put(&o, "\r\n", 2);
	}
	if (in_media)
		end_media(&o, mr, mux_written, rtcp_written);
	if (in_media && set_dirs && mr->port)
		end_dir(&o, mr, sess_dir, had_dir);
	if (in_media && mr && mr->port && mr->crypto_set && mr->crypto)
		tsdp_put(&o, mr->crypto, strlen(mr->crypto));
	if (mi != rw->n_media)
		return -EINVAL;
	if (o.full)
		return -ENOSPC;
	return (int)o.pos;
}

const char *tsdp_dir_name(enum tsdp_dir d)
{
	switch (d) {
	case TSDP_SENDRECV: return "sendrecv";
	case TSDP_SENDONLY: return "sendonly";
	case TSDP_RECVONLY: return "recvonly";
	case TSDP_INACTIVE: return "inactive";
	}
	return "?";
}
