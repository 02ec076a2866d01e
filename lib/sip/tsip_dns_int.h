/* lib/sip private: the DNS cache of tsip_dns.c (tsip_dns_cache.c). */
#pragma once

#include <time.h>

#define DNS_FAIL_TTL 10		/* s: a server that did not answer, or refused */
#define DNS_NEG_TTL 30		/* s: NXDOMAIN without an SOA to say how long */
#define DNS_MAX_TTL 3600	/* s: no answer is kept longer */
#define DNS_CACHE_MAX 512

struct dns_entry {		/* one cached answer */
	struct dns_entry *next;
	char *name;
	int type;
	time_t expires;		/* CLOCK_MONOTONIC seconds */
	int status;		/* ARES_SUCCESS, ARES_ENOTFOUND, ARES_ENODATA, or a failure */
	unsigned char *abuf;
	int alen;
};

struct dns_cache {
	struct dns_entry *head;
	unsigned n;
};

/* How long an answer may be kept (s), from its records; -1: it does not say */
long tsip_dns_answer_ttl(const unsigned char *abuf, int alen);
/* The fresh entry for name and type (ns_t_*), or NULL */
const struct dns_entry *tsip_dns_cache_find(struct dns_cache *c, const char *name, int type);
/* Keep the answer (or failure, by its ares status) for as long as it may be */
void tsip_dns_cache_put(struct dns_cache *c, const char *name, int type, int status,
			const unsigned char *abuf, int alen);
void tsip_dns_cache_clear(struct dns_cache *c);
