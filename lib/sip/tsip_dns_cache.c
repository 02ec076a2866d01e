/* lib/sip/tsip_dns_cache.c: the cache of DNS answers for tsip_dns.c. An
 * entry is the raw answer to one question (name and type), or its failure,
 * kept for as long as the answer may be: the least TTL of its records;
 * NXDOMAIN and "no such record" for the negative TTL of the SOA in the
 * authority section (RFC 2308), DNS_NEG_TTL without one; a server that did
 * not answer, refused or could not be reached for DNS_FAIL_TTL; never longer
 * than DNS_MAX_TTL. Stale entries are dropped as lookups pass them. Sofia
 * thread only. */
#include <ares.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "tsip_dns_int.h"

static time_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static const unsigned char *skip_name(const unsigned char *p, const unsigned char *end)
{
	while (p < end) {
		if ((*p & 0xc0) == 0xc0)
			return p + 2 <= end ? p + 2 : NULL;
		if (*p == 0)
			return p + 1;
		p += *p + 1;
	}
	return NULL;
}

static unsigned get32(const unsigned char *p)
{
	return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

/* How long an answer may be kept: the least TTL of its answers; without
 * answers, that of the SOA in the authority section and its minimum (RFC
 * 2308); -1 when the message says nothing. */
long tsip_dns_answer_ttl(const unsigned char *abuf, int alen)
{
	const unsigned char *p = abuf + 12, *end = abuf + alen;
	unsigned qd, an, ns;
	long ttl = -1;

	if (abuf == NULL || alen < 12)
		return -1;
	qd = (unsigned)abuf[4] << 8 | abuf[5];
	an = (unsigned)abuf[6] << 8 | abuf[7];
	ns = (unsigned)abuf[8] << 8 | abuf[9];
	for (unsigned i = 0; i < qd && p; i++)
		p = (p = skip_name(p, end)) && p + 4 <= end ? p + 4 : NULL;
	for (unsigned i = 0; i < an + ns && p; i++) {
		unsigned type, rdlen, t;
		if ((p = skip_name(p, end)) == NULL || p + 10 > end)
			break;
		type = (unsigned)p[0] << 8 | p[1];
		t = get32(p + 4);
		rdlen = (unsigned)p[8] << 8 | p[9];
		if (p + 10 + rdlen > end)
			break;
		if (i >= an && type == 6 /* SOA */ && rdlen >= 20 && get32(p + 10 + rdlen - 4) < t)
			t = get32(p + 10 + rdlen - 4);
		if ((i < an || (an == 0 && type == 6)) && (ttl < 0 || t < (unsigned long)ttl))
			ttl = t;
		p += 10 + rdlen;
	}
	return ttl;
}

const struct dns_entry *tsip_dns_cache_find(struct dns_cache *d, const char *name, int type)
{
	time_t now = now_s();

	for (struct dns_entry **pe = &d->head, *e; (e = *pe) != NULL;) {
		if (e->expires <= now) {	/* stale: dropped on the way */
			*pe = e->next;
			free(e->name);
			free(e->abuf);
			free(e);
			d->n--;
			continue;
		}
		if (e->type == type && strcasecmp(e->name, name) == 0)
			return e;
		pe = &e->next;
	}
	return NULL;
}

void tsip_dns_cache_put(struct dns_cache *d, const char *name, int type, int status,
			const unsigned char *abuf, int alen)
{
	struct dns_entry *e;
	long ttl = tsip_dns_answer_ttl(abuf, alen);

	if (status == ARES_SUCCESS || status == ARES_ENOTFOUND || status == ARES_ENODATA)
		ttl = ttl < 0 ? DNS_NEG_TTL : ttl;
	else
		ttl = DNS_FAIL_TTL;
	if (ttl == 0 || d->n >= DNS_CACHE_MAX || (e = calloc(1, sizeof(*e))) == NULL)
		return;
	e->name = strdup(name);
	e->abuf = alen > 0 && abuf ? malloc((size_t)alen) : NULL;
	if (e->name == NULL || (alen > 0 && abuf && e->abuf == NULL)) {
		free(e->name);
		free(e);
		return;
	}
	if (e->abuf)
		memcpy(e->abuf, abuf, (size_t)alen);
	e->alen = e->abuf ? alen : 0;
	e->type = type;
	e->status = status;
	e->expires = now_s() + (ttl > DNS_MAX_TTL ? DNS_MAX_TTL : ttl);
	e->next = d->head;
	d->head = e;
	d->n++;
}

void tsip_dns_cache_clear(struct dns_cache *d)
{
	while (d->head) {
		struct dns_entry *e = d->head;
		d->head = e->next;
		free(e->name);
		free(e->abuf);
		free(e);
	}
	d->n = 0;
}
