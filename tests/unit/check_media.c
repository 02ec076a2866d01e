/* tests/unit/check_media.c: the relay's building blocks that need no
 * sockets: the RTP port pool of lib/media/relay.c (portpool_*, declared in
 * relay_int.h) and the SPSC ring of lib/util/ring.c that carries commands
 * and events between the sofia thread and the media workers. */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "call/call_int.h"
#include "media/relay_int.h"
#include "util/ring.h"

/* ---- port pool ---- */

START_TEST(pool_lowest_first_and_exhaustion)
{
	struct portpool p = { 0 };
	uint16_t base = 0;

	/* 10000..10009: pairs 10000/1, 10002/3, ..., 10008/9 */
	ck_assert_int_eq(portpool_init(&p, 10000, 10009), 0);
	ck_assert_uint_eq(p.n_total, 5);
	ck_assert_uint_eq(p.n_free, 5);
	for (unsigned i = 0; i < 5; i++) {
		ck_assert_int_eq(portpool_get(&p, &base), 0);
		ck_assert_uint_eq(base, 10000 + 2 * i);
		ck_assert_uint_eq(p.n_free, 4 - i);
	}
	base = 1234;
	ck_assert_int_eq(portpool_get(&p, &base), -EADDRINUSE);
	ck_assert_uint_eq(base, 1234);	/* untouched on failure */
	ck_assert_int_eq(portpool_get(&p, &base), -EADDRINUSE);
	portpool_clear(&p);
	ck_assert_ptr_null(p.free);
	ck_assert_uint_eq(p.n_total, 0);
}
END_TEST

START_TEST(pool_odd_min_rounded_up)
{
	struct portpool p = { 0 };
	uint16_t base;

	/* min 10001 -> 10002; max 10010: pairs 10002, 10004, 10006, 10008
	 * (10010 would need 10011 > max) */
	ck_assert_int_eq(portpool_init(&p, 10001, 10010), 0);
	ck_assert_uint_eq(p.n_total, 4);
	for (unsigned i = 0; i < 4; i++) {
		ck_assert_int_eq(portpool_get(&p, &base), 0);
		ck_assert_uint_eq(base, 10002 + 2 * i);
		ck_assert_uint_eq(base % 2, 0);
		ck_assert_uint_le(base + 1, 10010);
	}
	ck_assert_int_eq(portpool_get(&p, &base), -EADDRINUSE);
	portpool_clear(&p);
}
END_TEST

START_TEST(pool_odd_max)
{
	struct portpool p = { 0 };
	uint16_t base;

	/* 20000..20003: 20000/1, 20002/3 */
	ck_assert_int_eq(portpool_init(&p, 20000, 20003), 0);
	ck_assert_uint_eq(p.n_total, 2);
	portpool_clear(&p);
	/* 20000..20001: exactly one pair */
	ck_assert_int_eq(portpool_init(&p, 20000, 20001), 0);
	ck_assert_uint_eq(p.n_total, 1);
	ck_assert_int_eq(portpool_get(&p, &base), 0);
	ck_assert_uint_eq(base, 20000);
	ck_assert_int_eq(portpool_get(&p, &base), -EADDRINUSE);
	portpool_clear(&p);
}
END_TEST

START_TEST(pool_put_returns_port)
{
	struct portpool p = { 0 };
	uint16_t a, b, c, d;

	ck_assert_int_eq(portpool_init(&p, 30000, 30005), 0);	/* 30000, 30002, 30004 */
	ck_assert_int_eq(portpool_get(&p, &a), 0);
	ck_assert_int_eq(portpool_get(&p, &b), 0);
	ck_assert_int_eq(portpool_get(&p, &c), 0);
	ck_assert_int_eq(portpool_get(&p, &d), -EADDRINUSE);
	ck_assert_uint_eq(p.n_free, 0);

	portpool_put(&p, b);
	ck_assert_uint_eq(p.n_free, 1);
	ck_assert_int_eq(portpool_get(&p, &d), 0);
	ck_assert_uint_eq(d, 30002);
	ck_assert_int_eq(portpool_get(&p, &d), -EADDRINUSE);

	portpool_put(&p, a);
	portpool_put(&p, c);
	portpool_put(&p, 30002);
	ck_assert_uint_eq(p.n_free, 3);
	ck_assert_uint_eq(p.n_total, 3);
	/* every pair comes back exactly once */
	{
		unsigned seen = 0;
		for (int i = 0; i < 3; i++) {
			ck_assert_int_eq(portpool_get(&p, &d), 0);
			ck_assert(d == 30000 || d == 30002 || d == 30004);
			ck_assert_uint_eq(seen & (1u << ((d - 30000) / 2)), 0);
			seen |= 1u << ((d - 30000) / 2);
		}
		ck_assert_uint_eq(seen, 7);
	}
	ck_assert_int_eq(portpool_get(&p, &d), -EADDRINUSE);
	portpool_clear(&p);
}
END_TEST

START_TEST(pool_put_beyond_total_ignored)
{
	struct portpool p = { 0 };
	uint16_t a;

	/* a put with the pool already full must not write past its array */
	ck_assert_int_eq(portpool_init(&p, 30000, 30001), 0);
	portpool_put(&p, 30000);
	ck_assert_uint_eq(p.n_free, 1);
	ck_assert_int_eq(portpool_get(&p, &a), 0);
	ck_assert_int_eq(portpool_get(&p, &a), -EADDRINUSE);
	portpool_clear(&p);
}
END_TEST

START_TEST(pool_full_range)
{
	struct portpool p = { 0 };
	uint16_t base, prev = 0;

	/* 1024..65535: 32256 pairs, the last one 65534/65535 */
	ck_assert_int_eq(portpool_init(&p, 1024, 65535), 0);
	ck_assert_uint_eq(p.n_total, (65536 - 1024) / 2);
	for (unsigned i = 0; i < p.n_total; i++) {
		ck_assert_int_eq(portpool_get(&p, &base), 0);
		if (i > 0)
			ck_assert_uint_eq(base, prev + 2);
		prev = base;
	}
	ck_assert_uint_eq(prev, 65534);
	ck_assert_int_eq(portpool_get(&p, &base), -EADDRINUSE);
	portpool_clear(&p);
}
END_TEST

START_TEST(pool_bad_range)
{
	struct portpool p = { 0 };

	ck_assert_int_eq(portpool_init(&p, 10000, 10000), -EINVAL);	/* max == min */
	ck_assert_int_eq(portpool_init(&p, 10000, 9000), -EINVAL);	/* max < min */
	/* 10001 rounds up to 10002: then max == min */
	ck_assert_int_eq(portpool_init(&p, 10001, 10002), -EINVAL);
	ck_assert_int_eq(portpool_init(&p, 10001, 10001), -EINVAL);
}
END_TEST

/* ---- ring ---- */

static bool readable(const struct ring *r)
{
	struct pollfd pfd = { .fd = ring_fd(r), .events = POLLIN };
	int n = poll(&pfd, 1, 0);

	ck_assert_int_ge(n, 0);
	return n == 1 && (pfd.revents & POLLIN);
}

struct rec {
	uint64_t seq;
	char pad[20];	/* an odd record size */
};

START_TEST(ring_push_pop_order)
{
	struct ring *r = NULL;
	struct rec in = { 0 }, o;

	ck_assert_int_eq(ring_new(sizeof(struct rec), 16, &r), 0);
	ck_assert_ptr_nonnull(r);
	ck_assert(!ring_pop(r, &o));	/* empty */
	for (uint64_t i = 1; i <= 10; i++) {
		in.seq = i;
		memset(in.pad, (int)i, sizeof(in.pad));
		ck_assert_int_eq(ring_push(r, &in), 0);
	}
	for (uint64_t i = 1; i <= 10; i++) {
		ck_assert(ring_pop(r, &o));
		ck_assert_uint_eq(o.seq, i);
		ck_assert_int_eq(o.pad[0], (char)i);
		ck_assert_int_eq(o.pad[19], (char)i);
	}
	ck_assert(!ring_pop(r, &o));
	ck_assert_ptr_null(ring_free(r));
}
END_TEST

START_TEST(ring_wraps_around)
{
	struct ring *r = NULL;
	uint64_t next_in = 0, next_out = 0, v;

	/* capacity 8, 1000 rounds of push 5 / pop 5: the indices go round
	 * the buffer many times, order kept */
	ck_assert_int_eq(ring_new(sizeof(uint64_t), 8, &r), 0);
	for (int round = 0; round < 1000; round++) {
		for (int i = 0; i < 5; i++) {
			ck_assert_int_eq(ring_push(r, &next_in), 0);
			next_in++;
		}
		for (int i = 0; i < 5; i++) {
			ck_assert(ring_pop(r, &v));
			ck_assert_uint_eq(v, next_out);
			next_out++;
		}
	}
	ck_assert(!ring_pop(r, &v));
	ring_free(r);
}
END_TEST

/* How many records fit: push until -ENOBUFS. */
static unsigned fill(struct ring *r)
{
	unsigned n = 0;
	uint32_t v = 0;
	int e;

	while ((e = ring_push(r, &v)) == 0) {
		n++;
		v++;
		ck_assert_uint_le(n, 1u << 20);
	}
	ck_assert_int_eq(e, -ENOBUFS);
	return n;
}

static const struct {
	size_t asked, got;
} capacities[] = { { 1, 1 }, { 2, 2 }, { 3, 4 }, { 5, 8 }, { 8, 8 }, { 9, 16 }, { 1000, 1024 },
		   { 1024, 1024 } };

START_TEST(ring_capacity_power_of_two)
{
	struct ring *r = NULL;
	uint32_t v;

	ck_assert_int_eq(ring_new(sizeof(uint32_t), capacities[_i].asked, &r), 0);
	ck_assert_uint_eq(fill(r), capacities[_i].got);
	/* full: one pop frees one slot, no more */
	ck_assert(ring_pop(r, &v));
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(ring_push(r, &v), 0);
	ck_assert_int_eq(ring_push(r, &v), -ENOBUFS);
	ring_free(r);
}
END_TEST

START_TEST(ring_full_keeps_contents)
{
	struct ring *r = NULL;
	uint32_t v, extra = 999;

	ck_assert_int_eq(ring_new(sizeof(uint32_t), 4, &r), 0);
	ck_assert_uint_eq(fill(r), 4);	/* 0 1 2 3 */
	ck_assert_int_eq(ring_push(r, &extra), -ENOBUFS);
	for (uint32_t i = 0; i < 4; i++) {
		ck_assert(ring_pop(r, &v));
		ck_assert_uint_eq(v, i);	/* the refused 999 did not overwrite */
	}
	ck_assert(!ring_pop(r, &v));
	ring_free(r);
}
END_TEST

START_TEST(ring_fd_wakes)
{
	struct ring *r = NULL;
	uint32_t v = 7;

	ck_assert_int_eq(ring_new(sizeof(uint32_t), 4, &r), 0);
	ck_assert_int_ge(ring_fd(r), 0);
	ck_assert(!readable(r));
	ck_assert_int_eq(ring_push(r, &v), 0);
	ck_assert(readable(r));
	ck_assert(readable(r));		/* level: stays readable until acked */
	ring_ack(r);
	ck_assert(!readable(r));	/* the wake-up is reset ... */
	ck_assert(ring_pop(r, &v));	/* ... the record is still there */
	ck_assert_uint_eq(v, 7);
	/* several pushes, one ack resets them all */
	ck_assert_int_eq(ring_push(r, &v), 0);
	ck_assert_int_eq(ring_push(r, &v), 0);
	ck_assert_int_eq(ring_push(r, &v), 0);
	ck_assert(readable(r));
	ring_ack(r);
	ck_assert(!readable(r));
	ring_ack(r);	/* acking with nothing pending does not block */
	ck_assert(!readable(r));
	/* a refused push need not wake anyone, but a push after pops does */
	ck_assert(ring_pop(r, &v) && ring_pop(r, &v) && ring_pop(r, &v));
	ck_assert_int_eq(ring_push(r, &v), 0);
	ck_assert(readable(r));
	ring_free(r);
}
END_TEST

/* The family a target URI names: what the relay faces that target with. */
START_TEST(family_of_target_uri)
{
	ck_assert_int_eq(media_family_of_uri("sip:carol@127.0.0.1:5080"), AF_INET);
	ck_assert_int_eq(media_family_of_uri("sip:192.0.2.7"), AF_INET);
	ck_assert_int_eq(media_family_of_uri("sips:bob@[2001:db8::1]:5061;transport=tls"), AF_INET6);
	ck_assert_int_eq(media_family_of_uri("sip:[::1]"), AF_INET6);
	ck_assert_int_eq(media_family_of_uri("<sip:bob@192.0.2.1;user=phone>"), 0);	/* not a URI */
	ck_assert_int_eq(media_family_of_uri("sip:bob@pbx.example.com"), 0);	/* a name: unknown */
	ck_assert_int_eq(media_family_of_uri("sip:a@b@192.0.2.1"), 0);
	ck_assert_int_eq(media_family_of_uri("sip:bob@192.0.2.1?Replaces=x%40y"), AF_INET);
	ck_assert_int_eq(media_family_of_uri(NULL), 0);
}
END_TEST

START_TEST(ring_free_null)
{
	ck_assert_ptr_null(ring_free(NULL));
}
END_TEST

#define N_SEQ 1000000ull

struct prod {
	struct ring *r;
	int err;		/* a push error other than -ENOBUFS */
	uint64_t full_spins;
};

static void *producer(void *arg)
{
	struct prod *p = arg;

	for (uint64_t i = 0; i < N_SEQ; i++) {
		int e;

		while ((e = ring_push(p->r, &i)) == -ENOBUFS) {
			p->full_spins++;
			sched_yield();
		}
		if (e < 0) {
			p->err = e;
			break;
		}
	}
	return NULL;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* One producer thread, this thread consuming the way a worker does: poll
 * the fd, ack, drain. Every sequence number arrives, once, in order, and
 * the consumer never sleeps on a ring that has records waiting. */
START_TEST(ring_two_threads)
{
	struct ring *r = NULL;
	struct prod p = { 0 };
	pthread_t t;
	uint64_t expect = 0, v, bad_at = UINT64_MAX, bad_val = 0, t0 = mono_ms();
	unsigned long wakeups = 0;

	ck_assert_int_eq(ring_new(sizeof(uint64_t), 256, &r), 0);
	p.r = r;
	ck_assert_int_eq(pthread_create(&t, NULL, producer, &p), 0);
	while (expect < N_SEQ && bad_at == UINT64_MAX) {
		struct pollfd pfd = { .fd = ring_fd(r), .events = POLLIN };
		int n = poll(&pfd, 1, 2000);

		if (n == 0)
			break;	/* 2 s without a wake-up: lost */
		if (n < 0)
			continue;
		wakeups++;
		ring_ack(r);
		while (ring_pop(r, &v)) {
			if (v != expect) {
				bad_at = expect;
				bad_val = v;
				break;
			}
			expect++;
		}
		if (mono_ms() - t0 > 60000)
			break;
	}
	if (expect < N_SEQ || bad_at != UINT64_MAX)
		pthread_cancel(t);
	pthread_join(t, NULL);
	ck_assert_msg(bad_at == UINT64_MAX, "expected %llu, popped %llu",
		      (unsigned long long)bad_at, (unsigned long long)bad_val);
	ck_assert_msg(expect == N_SEQ, "stalled at %llu of %llu (%lu wake-ups, %llu ms)",
		      (unsigned long long)expect, N_SEQ, wakeups,
		      (unsigned long long)(mono_ms() - t0));
	ck_assert_int_eq(p.err, 0);
	ck_assert(!ring_pop(r, &v));	/* nothing extra */
	ring_free(r);
}
END_TEST

static Suite *media_suite(void)
{
	Suite *s = suite_create("media");
	TCase *tc;

	tc = tcase_create("portpool");
	tcase_add_test(tc, pool_lowest_first_and_exhaustion);
	tcase_add_test(tc, pool_odd_min_rounded_up);
	tcase_add_test(tc, pool_odd_max);
	tcase_add_test(tc, pool_put_returns_port);
	tcase_add_test(tc, pool_put_beyond_total_ignored);
	tcase_add_test(tc, pool_full_range);
	tcase_add_test(tc, pool_bad_range);
	suite_add_tcase(s, tc);

	tc = tcase_create("ring");
	tcase_add_test(tc, ring_push_pop_order);
	tcase_add_test(tc, ring_wraps_around);
	tcase_add_loop_test(tc, ring_capacity_power_of_two, 0,
			    sizeof(capacities) / sizeof(capacities[0]));
	tcase_add_test(tc, ring_full_keeps_contents);
	tcase_add_test(tc, ring_fd_wakes);
	tcase_add_test(tc, ring_free_null);
	tcase_add_test(tc, family_of_target_uri);
	suite_add_tcase(s, tc);

	tc = tcase_create("ring_threads");
	tcase_add_test(tc, ring_two_threads);
	tcase_set_timeout(tc, 90);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(media_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
