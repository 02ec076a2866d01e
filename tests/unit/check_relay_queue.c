/* tests/unit/check_relay_queue.c: the hand-offs between the sofia thread and
 * a media worker (lib/media/relay.c, relay_worker.c) on a real relay with
 * tiny rings (two records each) and a real su_root: commands beyond what the
 * ring holds wait without the sofia thread waiting, and arrive in order;
 * events beyond what the event ring holds wait in the worker and arrive
 * later; every pair freed gives back its ports and closes its sockets, even
 * when a DEL could not be queued for want of memory. relay.c is included
 * (chrony's way) so that its malloc can be made to fail. */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <time.h>

static bool fail_malloc;

static void *test_malloc(size_t n)
{
	return fail_malloc ? NULL : malloc(n);
}

#define malloc(n) test_malloc(n)
#include "../../lib/media/relay.c"
#undef malloc

#define N_PAIRS 24
#define PORT_MIN 41000

static su_root_t *root;
static struct relay *relay;
static char addr[32];
static unsigned timeouts_seen;
static uint64_t cookies_seen[64];

static void on_timeout(void *arg, uint64_t cookie)
{
	(void)arg;
	if (cookie < 64)
		cookies_seen[cookie]++;
	timeouts_seen++;
}

static void setup(void)
{
	struct relay_opts o = { .port_min = PORT_MIN, .port_max = PORT_MIN + 4 * N_PAIRS + 7,
				.workers = 1, .no_uring = true, .cmd_ring = 2, .evt_ring = 2 };

	su_init();
	root = su_root_create(NULL);
	ck_assert_ptr_nonnull(root);
	su_root_threading(root, 0);
	/* an address of our own: no other test's sockets hold our ports */
	snprintf(addr, sizeof(addr), "127.%u.%u.%u", 100 + (unsigned)getpid() % 100,
		 (unsigned)getpid() / 100 % 250, 1 + (unsigned)getpid() / 25000 % 250);
	o.bind_addr = addr;
	fail_malloc = false;
	timeouts_seen = 0;
	memset(cookies_seen, 0, sizeof(cookies_seen));
	ck_assert_int_eq(relay_new(&o, root, on_timeout, NULL, &relay), 0);
}

static void teardown(void)
{
	relay = relay_free(relay);
	su_root_destroy(root);
	su_deinit();
}

static unsigned open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	unsigned n = 0;

	ck_assert_ptr_nonnull(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* The worker stops seeing its command ring's wake-ups (its commands stay
 * in the ring) until resumed. A worker just started may not have added its
 * ring to its epoll set yet: wait for it (bounded: 2 s). */
static void stall_worker(void)
{
	int r = -1;

	for (int i = 0; i < 2000 && r < 0; i++) {
		struct timespec ts = { 0, 1000 * 1000 };
		r = epoll_ctl(relay->w[0].epfd, EPOLL_CTL_DEL, ring_fd(relay->w[0].cmd), NULL);
		if (r < 0)
			nanosleep(&ts, NULL);
	}
	ck_assert_int_eq(r, 0);
}

static void resume_worker(void)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = UINT64_MAX };

	ck_assert_int_eq(epoll_ctl(relay->w[0].epfd, EPOLL_CTL_ADD, ring_fd(relay->w[0].cmd), &ev), 0);
}

static bool idle(void)
{
	struct relay_usage u;

	relay_get_usage(relay, &u);
	return u.pairs == 0 && u.ports_used == 0 && u.handoffs_queued == 0;
}

/* Run the sofia loop until every pair is gone and its ports are back
 * (bounded: 1000 steps of at most 10 ms). */
static void run_until_idle(void)
{
	for (int i = 0; i < 1000 && !idle(); i++)
		su_root_step(root, 10);
}

static void assert_all_back(unsigned fds_before)
{
	struct relay_usage u;

	run_until_idle();
	relay_get_usage(relay, &u);
	ck_assert_uint_eq(u.pairs, 0);
	ck_assert_uint_eq(u.ports_used, 0);
	ck_assert_uint_eq(relay->pool.n_free, relay->pool.n_total);
	ck_assert_uint_eq(relay->w[0].n_free, relay->w[0].n_slots);
	ck_assert_uint_eq(u.handoffs_queued, 0);
	ck_assert_uint_eq(u.handoffs_lost, 0);
	ck_assert_uint_eq(open_fds(), fds_before);
}

static struct sockaddr_storage sa(uint16_t port)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *s4 = (void *)&ss;

	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	inet_pton(AF_INET, addr, &s4->sin_addr);
	return ss;
}

static void new_pairs(struct relay_pair_id id[], unsigned n)
{
	static const int fam[2] = { AF_INET, AF_INET };
	uint16_t port[2];

	for (unsigned i = 0; i < n; i++) {
		struct relay_endpoint ep = { .addr = { sa(9), sa(9) } };
		ck_assert_int_eq(relay_pair_new(relay, i, fam, &id[i], port), 0);
		ck_assert_int_eq(relay_pair_set(relay, id[i], 0, &ep, 0), 0);
		ck_assert_int_eq(relay_pair_set(relay, id[i], 1, &ep, 0), 0);
	}
}

/* A burst of pairs made and freed at once: the worker frees them all in one
 * wake-up, far more FREED events than the event ring holds. */
START_TEST(burst_all_pairs_come_back)
{
	struct relay_pair_id id[N_PAIRS];
	unsigned fds = open_fds();

	new_pairs(id, N_PAIRS);
	for (unsigned i = 0; i < N_PAIRS; i++)
		relay_pair_free(relay, id[i]);
	assert_all_back(fds);
}
END_TEST

/* The worker takes nothing: every call returns at once with success, the
 * commands wait, and once the worker runs they arrive in order (the SETs
 * after their ADD: a packet crosses the last pair). */
START_TEST(stalled_worker_never_stops_sofia)
{
	struct relay_pair_id id[N_PAIRS];
	static const int fam[2] = { AF_INET, AF_INET };
	struct relay_usage u;
	struct sockaddr_storage a_ss, b_ss, rs;
	struct relay_pair_id pid;
	uint16_t port[2];
	unsigned fds = open_fds();
	int a = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int b = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	uint8_t rtp[12] = { 0x80, 0, 0, 1 }, got[64];
	socklen_t len = sizeof(a_ss);
	bool crossed = false;

	a_ss = sa(0);
	b_ss = sa(0);
	ck_assert_int_eq(bind(a, (struct sockaddr *)&a_ss, sizeof(struct sockaddr_in)), 0);
	ck_assert_int_eq(bind(b, (struct sockaddr *)&b_ss, sizeof(struct sockaddr_in)), 0);
	ck_assert_int_eq(getsockname(a, (struct sockaddr *)&a_ss, &len), 0);
	len = sizeof(b_ss);
	ck_assert_int_eq(getsockname(b, (struct sockaddr *)&b_ss, &len), 0);

	stall_worker();
	new_pairs(id, N_PAIRS - 1);
	for (unsigned i = 0; i < N_PAIRS - 1; i++)
		relay_pair_free(relay, id[i]);
	/* one pair that lives: A on side 0, B on side 1 */
	ck_assert_int_eq(relay_pair_new(relay, 99, fam, &pid, port), 0);
	{
		struct relay_endpoint ea = { .addr = { a_ss, a_ss }, .mux = true };
		struct relay_endpoint eb = { .addr = { b_ss, b_ss }, .mux = true };
		ck_assert_int_eq(relay_pair_set(relay, pid, 0, &ea, 0), 0);
		ck_assert_int_eq(relay_pair_set(relay, pid, 1, &eb, 0), 0);
	}
	relay_get_usage(relay, &u);
	ck_assert_uint_gt(u.handoffs_queued, 4 * N_PAIRS - 8);	/* they wait */
	ck_assert_uint_eq(u.handoffs_lost, 0);

	resume_worker();
	/* the frees come back while the last pair stays */
	for (int i = 0; i < 1000 && (relay->pairs != 1 || relay->w[0].q_len); i++)
		su_root_step(root, 10);
	ck_assert_uint_eq(relay->pairs, 1);
	ck_assert_uint_eq(relay->w[0].q_len, 0);
	/* A sends to its relay port until B gets it (the last commands may
	 * still be on their way; bounded: 100 tries): the worker has B's
	 * address, so the SETs came after the ADD, in order */
	rs = sa(port[0]);
	for (int i = 0; i < 100 && !crossed; i++) {
		struct pollfd p = { .fd = b, .events = POLLIN };
		ck_assert_int_eq(sendto(a, rtp, sizeof(rtp), 0, (struct sockaddr *)&rs,
					sizeof(struct sockaddr_in)), (ssize_t)sizeof(rtp));
		su_root_step(root, 0);
		crossed = poll(&p, 1, 50) == 1;
	}
	ck_assert(crossed);
	ck_assert_int_eq(recv(b, got, sizeof(got), 0), (ssize_t)sizeof(rtp));
	ck_assert_mem_eq(got, rtp, sizeof(rtp));
	relay_pair_free(relay, pid);
	close(a);
	close(b);
	assert_all_back(fds);
}
END_TEST

/* Every pair times out in the same worker pass while the sofia thread is
 * not listening: far more TIMEOUTs than the event ring holds. All of them
 * arrive, each once. */
START_TEST(timeouts_wait_for_room)
{
	struct relay_pair_id id[N_PAIRS];
	unsigned fds = open_fds();
	struct worker *w = &relay->w[0];
	bool all = false;

	new_pairs(id, N_PAIRS);
	for (unsigned i = 0; i < N_PAIRS; i++)
		ck_assert_int_eq(relay_pair_timeout(relay, id[i], 1), 0);
	/* the commands need the loop only if they did not fit */
	for (int i = 0; i < 100 && w->q_len; i++)
		su_root_step(root, 10);
	ck_assert_uint_eq(w->q_len, 0);
	/* the worker's clock (1 s ticks): wait until it has timed out every
	 * pair, polling (bounded: 5 s) without running the sofia loop */
	for (int i = 0; i < 500 && !all; i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		all = true;
		for (unsigned k = 0; k < N_PAIRS; k++)
			all = all && __atomic_load_n(&w->slots[id[k].slot].timed_out, __ATOMIC_RELAXED);
		if (!all)
			nanosleep(&ts, NULL);
	}
	ck_assert(all);
	for (int i = 0; i < 500 && timeouts_seen < N_PAIRS; i++)
		su_root_step(root, 10);
	ck_assert_uint_eq(timeouts_seen, N_PAIRS);
	for (unsigned k = 0; k < N_PAIRS; k++)
		ck_assert_uint_eq(cookies_seen[k], 1);
	for (unsigned i = 0; i < N_PAIRS; i++)
		relay_pair_free(relay, id[i]);
	assert_all_back(fds);
}
END_TEST

/* No memory to queue a DEL: it still goes, and the pair comes back. A SET
 * that cannot be queued fails with -ENOMEM and is counted. */
START_TEST(del_without_memory_still_frees)
{
	struct relay_pair_id id[N_PAIRS];
	struct relay_endpoint ep = { .addr = { sa(9), sa(9) } };
	struct relay_usage u;
	unsigned fds = open_fds();

	stall_worker();
	new_pairs(id, N_PAIRS);
	fail_malloc = true;
	ck_assert_int_eq(relay_pair_set(relay, id[0], 0, &ep, 0), -ENOMEM);
	for (unsigned i = 0; i < N_PAIRS; i++)
		relay_pair_free(relay, id[i]);
	relay_get_usage(relay, &u);
	ck_assert_uint_eq(u.handoffs_lost, 1);		/* the SET */
	relay->cmd_lost = 0;
	fail_malloc = false;
	resume_worker();
	assert_all_back(fds);
}
END_TEST

/* Freed while its commands still wait in the queue: relay_free closes the
 * sockets of the ADDs that never reached the worker. */
START_TEST(relay_free_closes_queued_sockets)
{
	struct relay_pair_id id[N_PAIRS];
	unsigned fds = open_fds();

	stall_worker();
	new_pairs(id, N_PAIRS);
	relay = relay_free(relay);
	/* and the relay's own: an epoll set, two eventfds, the mixing timerfd */
	ck_assert_uint_eq(open_fds(), fds - 4);
}
END_TEST

static Suite *relay_queue_suite(void)
{
	Suite *s = suite_create("relay_queue");
	TCase *tc = tcase_create("handoff");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, burst_all_pairs_come_back);
	tcase_add_test(tc, stalled_worker_never_stops_sofia);
	tcase_add_test(tc, timeouts_wait_for_room);
	tcase_add_test(tc, del_without_memory_still_frees);
	tcase_add_test(tc, relay_free_closes_queued_sockets);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(relay_queue_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : 0;
}
