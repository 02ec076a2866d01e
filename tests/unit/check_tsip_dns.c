/* tests/unit/check_tsip_dns.c: lib/sip/tsip_dns.c and tsip_dns_cache.c
 * without a network: how long an answer is kept (its TTL; RFC 2308 for
 * NXDOMAIN), and RFC 3263 jobs run from the cache alone (NAPTR, SRV by
 * priority and weight, A), with DNS messages built here as a server sends
 * them. The .c is included to reach its static functions (chrony's way). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/tsip_dns.c"

struct dmsg {
	unsigned char b[1024];
	int n;
};

static void put8(struct dmsg *m, unsigned v)
{
	m->b[m->n++] = (unsigned char)v;
}

static void put16(struct dmsg *m, unsigned v)
{
	put8(m, v >> 8);
	put8(m, v & 0xff);
}

static void put32(struct dmsg *m, unsigned v)
{
	put16(m, v >> 16);
	put16(m, v & 0xffff);
}

static void put_name(struct dmsg *m, const char *name)
{
	while (*name) {
		size_t n = strcspn(name, ".");
		put8(m, (unsigned)n);
		memcpy(m->b + m->n, name, n);
		m->n += (int)n;
		name += n;
		if (*name == '.')
			name++;
	}
	put8(m, 0);
}

/* A response header and its question: rcode, answers, authority records. */
static void start(struct dmsg *m, unsigned rcode, const char *qname, unsigned qtype,
		  unsigned an, unsigned ns)
{
	m->n = 0;
	put16(m, 0x1234);
	put16(m, 0x8180 | rcode);
	put16(m, 1);
	put16(m, an);
	put16(m, ns);
	put16(m, 0);
	put_name(m, qname);
	put16(m, qtype);
	put16(m, 1);
}

/* A record's header; returns where its rdlength goes (filled by rr_end) */
static int rr_start(struct dmsg *m, const char *name, unsigned type, unsigned ttl)
{
	int at;

	put_name(m, name);
	put16(m, type);
	put16(m, 1);
	put32(m, ttl);
	at = m->n;
	put16(m, 0);
	return at;
}

static void rr_end(struct dmsg *m, int at)
{
	unsigned len = (unsigned)(m->n - at - 2);

	m->b[at] = (unsigned char)(len >> 8);
	m->b[at + 1] = (unsigned char)(len & 0xff);
}

static void rr_a(struct dmsg *m, const char *name, unsigned ttl, unsigned char a, unsigned char b,
		 unsigned char c, unsigned char d)
{
	int at = rr_start(m, name, ns_t_a, ttl);

	put8(m, a);
	put8(m, b);
	put8(m, c);
	put8(m, d);
	rr_end(m, at);
}

static void rr_srv(struct dmsg *m, const char *name, unsigned ttl, unsigned prio, unsigned weight,
		   unsigned port, const char *target)
{
	int at = rr_start(m, name, ns_t_srv, ttl);

	put16(m, prio);
	put16(m, weight);
	put16(m, port);
	put_name(m, target);
	rr_end(m, at);
}

static void rr_soa(struct dmsg *m, const char *zone, unsigned ttl, unsigned minimum)
{
	int at = rr_start(m, zone, ns_t_soa, ttl);

	put_name(m, "ns.test");
	put_name(m, "hostmaster.test");
	put32(m, 1);
	put32(m, 3600);
	put32(m, 600);
	put32(m, 86400);
	put32(m, minimum);
	rr_end(m, at);
}

START_TEST(ttl_is_the_least_of_the_answers)
{
	struct dmsg m;

	start(&m, 0, "a.test", ns_t_a, 2, 0);
	rr_a(&m, "a.test", 300, 192, 0, 2, 1);
	rr_a(&m, "a.test", 60, 192, 0, 2, 2);
	ck_assert_int_eq(tsip_dns_answer_ttl(m.b, m.n), 60);
}
END_TEST

START_TEST(ttl_of_nxdomain_is_the_soa_negative_ttl)
{
	struct dmsg m;

	start(&m, 3, "nope.test", ns_t_a, 0, 1);
	rr_soa(&m, "test", 3600, 120);	/* the SOA's minimum is less: it counts */
	ck_assert_int_eq(tsip_dns_answer_ttl(m.b, m.n), 120);
	start(&m, 3, "nope.test", ns_t_a, 0, 1);
	rr_soa(&m, "test", 90, 600);	/* the SOA record's own TTL is less */
	ck_assert_int_eq(tsip_dns_answer_ttl(m.b, m.n), 90);
}
END_TEST

START_TEST(ttl_of_a_message_that_says_nothing)
{
	struct dmsg m;

	start(&m, 3, "nope.test", ns_t_a, 0, 0);
	ck_assert_int_eq(tsip_dns_answer_ttl(m.b, m.n), -1);
	start(&m, 0, "a.test", ns_t_a, 1, 0);	/* an answer announced, cut off */
	ck_assert_int_eq(tsip_dns_answer_ttl(m.b, m.n), -1);
	rr_a(&m, "a.test", 300, 192, 0, 2, 1);
	ck_assert_int_eq(tsip_dns_answer_ttl(m.b, m.n - 3), -1);	/* rdata cut */
	ck_assert_int_eq(tsip_dns_answer_ttl(m.b, 5), -1);
	ck_assert_int_eq(tsip_dns_answer_ttl(NULL, 0), -1);
}
END_TEST

START_TEST(cache_keeps_answers_and_failures)
{
	struct dns_cache c = { 0 };
	struct dmsg m;
	const struct dns_entry *e;

	start(&m, 0, "a.test", ns_t_a, 1, 0);
	rr_a(&m, "a.test", 300, 192, 0, 2, 1);
	tsip_dns_cache_put(&c, "a.test", ns_t_a, ARES_SUCCESS, m.b, m.n);
	e = tsip_dns_cache_find(&c, "A.TEST", ns_t_a);	/* names without regard to case */
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->alen, m.n);
	ck_assert_ptr_null(tsip_dns_cache_find(&c, "a.test", ns_t_aaaa));
	/* a TTL of 0: not kept */
	start(&m, 0, "z.test", ns_t_a, 1, 0);
	rr_a(&m, "z.test", 0, 192, 0, 2, 1);
	tsip_dns_cache_put(&c, "z.test", ns_t_a, ARES_SUCCESS, m.b, m.n);
	ck_assert_ptr_null(tsip_dns_cache_find(&c, "z.test", ns_t_a));
	/* a server that did not answer: kept, as a failure, without an answer */
	tsip_dns_cache_put(&c, "t.test", ns_t_naptr, ARES_ETIMEOUT, NULL, 0);
	e = tsip_dns_cache_find(&c, "t.test", ns_t_naptr);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->status, ARES_ETIMEOUT);
	{
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ck_assert_int_le(e->expires - ts.tv_sec, DNS_FAIL_TTL);
		ck_assert_int_ge(e->expires - ts.tv_sec, DNS_FAIL_TTL - 1);
	}
	tsip_dns_cache_clear(&c);
	ck_assert_ptr_null(c.head);
}
END_TEST

/* ---- jobs from the cache ---- */

static struct tsip_dns dns;

static void setup(void)
{
	memset(&dns, 0, sizeof(dns));
	srandom(1);
}

static void teardown(void)
{
	tsip_dns_cache_clear(&dns.cache);
}

static struct dns_job *job(const char *host, unsigned port)
{
	struct dns_job *j = calloc(1, sizeof(*j));

	ck_assert_ptr_nonnull(j);
	su_home_init(j->home);
	j->d = &dns;
	j->host = strdup(host);
	j->port = port;
	j->tps = CONF_TP_UDP;
	return j;
}

static void cache_a(const char *name, unsigned char last, unsigned char last2)
{
	struct dmsg m;

	start(&m, 0, name, ns_t_a, last2 ? 2 : 1, 0);
	rr_a(&m, name, 300, 127, 0, 0, last);
	if (last2)
		rr_a(&m, name, 300, 127, 0, 0, last2);
	tsip_dns_cache_put(&dns.cache, name, ns_t_a, ARES_SUCCESS, m.b, m.n);
}

static void cache_nodata(const char *name, unsigned type)
{
	struct dmsg m;

	start(&m, 0, name, type, 0, 1);
	rr_soa(&m, "test", 300, 60);
	tsip_dns_cache_put(&dns.cache, name, type, ARES_ENODATA, m.b, m.n);
}

START_TEST(srv_priorities_order_the_addresses)
{
	struct dmsg m;
	struct dns_job *j = job("pbx.test", 0);

	cache_nodata("pbx.test", ns_t_naptr);
	start(&m, 0, "_sip._udp.pbx.test", ns_t_srv, 2, 0);
	rr_srv(&m, "_sip._udp.pbx.test", 300, 20, 100, 5080, "live.test");
	rr_srv(&m, "_sip._udp.pbx.test", 300, 10, 100, 5070, "dead.test");
	tsip_dns_cache_put(&dns.cache, "_sip._udp.pbx.test", ns_t_srv, ARES_SUCCESS, m.b, m.n);
	cache_a("dead.test", 2, 0);
	cache_a("live.test", 3, 4);
	job_start(j);
	ck_assert(j->done);
	ck_assert_int_eq(j->fail, 0);
	ck_assert_int_eq(j->tp, TP_UDP);
	ck_assert_int_eq(j->n_addr, 3);
	ck_assert_str_eq(j->addr[0].host, "127.0.0.2");
	ck_assert_uint_eq(j->addr[0].port, 5070);
	ck_assert_str_eq(j->addr[1].host, "127.0.0.3");
	ck_assert_str_eq(j->addr[2].host, "127.0.0.4");
	ck_assert_uint_eq(j->addr[2].port, 5080);
	job_free(j);
}
END_TEST

START_TEST(srv_weights_pick_the_heavier_first)
{
	struct dmsg m;
	int heavy_first = 0;

	start(&m, 0, "_sip._udp.w.test", ns_t_srv, 2, 0);
	rr_srv(&m, "_sip._udp.w.test", 300, 10, 0, 5060, "light.test");
	rr_srv(&m, "_sip._udp.w.test", 300, 10, 100, 5060, "heavy.test");
	tsip_dns_cache_put(&dns.cache, "_sip._udp.w.test", ns_t_srv, ARES_SUCCESS, m.b, m.n);
	cache_nodata("w.test", ns_t_naptr);
	cache_a("light.test", 5, 0);
	cache_a("heavy.test", 6, 0);
	for (int i = 0; i < 200; i++) {
		struct dns_job *j = job("w.test", 0);
		job_start(j);
		ck_assert(j->done);
		ck_assert_int_eq(j->n_addr, 2);
		heavy_first += strcmp(j->addr[0].host, "127.0.0.6") == 0;
		job_free(j);
	}
	ck_assert_int_ge(heavy_first, 180);	/* weight 0 has a chance of about 1 in 100 */
	ck_assert_int_lt(heavy_first, 200 + 1);
}
END_TEST

START_TEST(a_name_without_srv_is_used_on_5060)
{
	struct dns_job *j = job("plain.test", 0);

	cache_nodata("plain.test", ns_t_naptr);
	cache_nodata("_sip._udp.plain.test", ns_t_srv);
	cache_a("plain.test", 9, 0);
	job_start(j);
	ck_assert(j->done);
	ck_assert_int_eq(j->n_addr, 1);
	ck_assert_str_eq(j->addr[0].host, "127.0.0.9");
	ck_assert_uint_eq(j->addr[0].port, 5060);
	job_free(j);
}
END_TEST

START_TEST(a_port_skips_naptr_and_srv)
{
	struct dns_job *j = job("port.test", 5099);

	cache_a("port.test", 7, 0);	/* nothing else is in the cache */
	job_start(j);
	ck_assert(j->done);
	ck_assert_int_eq(j->n_addr, 1);
	ck_assert_uint_eq(j->addr[0].port, 5099);
	job_free(j);
}
END_TEST

START_TEST(naptr_names_the_srv_and_transport)
{
	struct dmsg m;
	struct dns_job *j = job("n.test", 0);
	int at;

	j->tps = CONF_TP_UDP | CONF_TP_TCP;
	start(&m, 0, "n.test", ns_t_naptr, 2, 0);
	/* order 10 TCP is preferred over order 20 UDP */
	at = rr_start(&m, "n.test", ns_t_naptr, 300);
	put16(&m, 20); put16(&m, 10);
	put8(&m, 1); put8(&m, 's');
	put8(&m, 7); memcpy(m.b + m.n, "SIP+D2U", 7); m.n += 7;
	put8(&m, 0);
	put_name(&m, "_sip._udp.n.test");
	rr_end(&m, at);
	at = rr_start(&m, "n.test", ns_t_naptr, 300);
	put16(&m, 10); put16(&m, 10);
	put8(&m, 1); put8(&m, 's');
	put8(&m, 7); memcpy(m.b + m.n, "SIP+D2T", 7); m.n += 7;
	put8(&m, 0);
	put_name(&m, "_sip._tcp.n.test");
	rr_end(&m, at);
	tsip_dns_cache_put(&dns.cache, "n.test", ns_t_naptr, ARES_SUCCESS, m.b, m.n);
	start(&m, 0, "_sip._tcp.n.test", ns_t_srv, 1, 0);
	rr_srv(&m, "_sip._tcp.n.test", 300, 10, 0, 5062, "t.test");
	tsip_dns_cache_put(&dns.cache, "_sip._tcp.n.test", ns_t_srv, ARES_SUCCESS, m.b, m.n);
	cache_a("t.test", 8, 0);
	job_start(j);
	ck_assert(j->done);
	ck_assert_int_eq(j->fail, 0);
	ck_assert_int_eq(j->tp, TP_TCP);
	ck_assert_str_eq(j->srv_name, "_sip._tcp.n.test");
	ck_assert_int_eq(j->n_addr, 1);
	ck_assert_uint_eq(j->addr[0].port, 5062);
	job_free(j);
}
END_TEST

START_TEST(nxdomain_and_timeouts_fail_the_job)
{
	struct dns_job *j = job("nope.test", 0);

	tsip_dns_cache_put(&dns.cache, "nope.test", ns_t_naptr, ARES_ENOTFOUND, NULL, 0);
	job_start(j);
	ck_assert(j->done);
	ck_assert_int_eq(j->fail, ARES_ENOTFOUND);
	ck_assert_int_eq(j->n_addr, 0);
	job_free(j);

	j = job("slow.test", 0);
	tsip_dns_cache_put(&dns.cache, "slow.test", ns_t_naptr, ARES_ETIMEOUT, NULL, 0);
	job_start(j);
	ck_assert(j->done);
	ck_assert_int_eq(j->fail, ARES_ETIMEOUT);
	job_free(j);
}
END_TEST

START_TEST(literal_addresses)
{
	ck_assert(is_literal("192.0.2.1"));
	ck_assert(is_literal("[2001:db8::1]"));
	ck_assert(is_literal("2001:db8::1"));
	ck_assert(!is_literal("carrier.test"));
	ck_assert(!is_literal("[carrier.test]"));
	ck_assert(!is_literal("192.0.2.300"));
}
END_TEST

static Suite *tsip_dns_suite(void)
{
	Suite *s = suite_create("tsip_dns");
	TCase *tc = tcase_create("cache");

	tcase_add_test(tc, ttl_is_the_least_of_the_answers);
	tcase_add_test(tc, ttl_of_nxdomain_is_the_soa_negative_ttl);
	tcase_add_test(tc, ttl_of_a_message_that_says_nothing);
	tcase_add_test(tc, cache_keeps_answers_and_failures);
	suite_add_tcase(s, tc);

	tc = tcase_create("rfc3263");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, srv_priorities_order_the_addresses);
	tcase_add_test(tc, srv_weights_pick_the_heavier_first);
	tcase_add_test(tc, a_name_without_srv_is_used_on_5060);
	tcase_add_test(tc, a_port_skips_naptr_and_srv);
	tcase_add_test(tc, naptr_names_the_srv_and_transport);
	tcase_add_test(tc, nxdomain_and_timeouts_fail_the_job);
	tcase_add_test(tc, literal_addresses);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tsip_dns_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
