/* lib/sdp/tsdp_cmp.c: two SDP bodies compared for what the media needs
 * (addresses, ports, transport, codec), and a body given the origin of
 * another, so that a party hears a new party's SDP as a new version of the
 * session it already has (RFC 3264 8: same o= user and session id, a
 * higher version). Pure functions over memory, any thread. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsdp.h"

bool tsdp_same_media(const char *a, size_t alen, const char *b, size_t blen)
{
	struct tsdp *x = calloc(2, sizeof(*x));
	bool same;

	if (x == NULL)
		return false;
	same = tsdp_parse(a, alen, &x[0]) == 0 && tsdp_parse(b, blen, &x[1]) == 0 &&
	       x[0].n_media == x[1].n_media;
	for (unsigned i = 0; same && i < x[0].n_media; i++) {
		const struct tsdp_media *p = &x[0].m[i], *q = &x[1].m[i];
		same = p->port == q->port && p->family == q->family && strcmp(p->addr, q->addr) == 0 &&
		       strcmp(p->proto, q->proto) == 0 && p->rtcp_port == q->rtcp_port &&
		       strcmp(p->rtcp_addr, q->rtcp_addr) == 0 && p->rtcp_mux == q->rtcp_mux &&
		       p->first_pt == q->first_pt && strcmp(p->codec, q->codec) == 0 &&
		       p->clock_rate == q->clock_rate && p->dir == q->dir;
	}
	free(x);
	return same;
}

/* The o= line of a body: start and length (without the line end), or -1. */
static int origin_of(const char *s, size_t len, size_t *ret_len)
{
	for (size_t i = 0; i + 2 <= len; i++) {
		if ((i == 0 || s[i - 1] == '\n') && s[i] == 'o' && s[i + 1] == '=') {
			size_t e = i;
			while (e < len && s[e] != '\r' && s[e] != '\n')
				e++;
			*ret_len = e - i;
			return (int)i;
		}
	}
	return -1;
}

int tsdp_keep_origin(const char *prev, size_t plen, const char *body, size_t len, char *out,
		     size_t outlen)
{
	char user[128], sess[64], rest[192], line[400];
	unsigned long long ver = 0, bver = 0;
	size_t pl, bl;
	int po = origin_of(prev, plen, &pl), bo = origin_of(body, len, &bl), n;
	char pline[400], bline[400];

	if (len + 1 > outlen)
		return -ENOSPC;
	if (po < 0 || bo < 0 || pl >= sizeof(pline) || bl >= sizeof(bline)) {
		memcpy(out, body, len);
		out[len] = '\0';
		return (int)len;
	}
	memcpy(pline, prev + po, pl);
	pline[pl] = '\0';
	memcpy(bline, body + bo, bl);
	bline[bl] = '\0';
	if (sscanf(pline, "o=%127s %63s %llu %191[^\r\n]", user, sess, &ver, rest) != 4) {
		memcpy(out, body, len);
		out[len] = '\0';
		return (int)len;
	}
	if (sscanf(bline, "o=%*s %*s %llu", &bver) != 1)
		bver = 0;
	n = snprintf(line, sizeof(line), "o=%s %s %llu %s", user, sess,
		     (bver > ver ? bver : ver) + 1, rest);
	if (n < 0 || (size_t)n >= sizeof(line) || len - bl + (size_t)n + 1 > outlen)
		return -ENOSPC;
	memcpy(out, body, (size_t)bo);
	memcpy(out + bo, line, (size_t)n);
	memcpy(out + bo + n, body + bo + bl, len - bo - bl);
	out[len - bl + (size_t)n] = '\0';
	return (int)(len - bl + (size_t)n);
}
