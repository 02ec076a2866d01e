/* tests/unit/check_relay_mix.c: conference bridges in a real relay (two
 * workers, tiny command rings, a real su_root) over loopback: a pair moves
 * from one worker to the other with its sockets and goes on relaying; four
 * sides joined to a bridge each get the others' sum and never their own
 * audio, under an SSRC of the mixer's; after the leaves and frees every
 * port comes back. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <check.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sofia-sip/su_wait.h>

#include "media/relay_int.h"
#include "media/mix.h"

#define PORT_MIN 44000

static su_root_t *root;
static struct relay *relay;
static char addr[32];

static void setup(void)
{
	struct relay_opts o = { .port_min = PORT_MIN, .port_max = PORT_MIN + 99, .workers = 2,
				.no_uring = true, .cmd_ring = 2, .evt_ring = 2 };

	su_init();
	root = su_root_create(NULL);
	ck_assert_ptr_nonnull(root);
	su_root_threading(root, 0);
	snprintf(addr, sizeof(addr), "127.%u.%u.%u", 100 + (unsigned)getpid() % 100,
		 (unsigned)getpid() / 100 % 250, 1 + (unsigned)getpid() / 25000 % 250);
	o.bind_addr = addr;
	ck_assert_int_eq(relay_new(&o, root, NULL, NULL, &relay), 0);
}

static void teardown(void)
{
	relay = relay_free(relay);
	su_root_destroy(root);
	su_deinit();
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

static int party(struct sockaddr_storage *ret)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	socklen_t len = sizeof(*ret);

	*ret = sa(0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)ret, sizeof(struct sockaddr_in)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)ret, &len), 0);
	return fd;
}

/* A 20 ms PCMU frame of a constant value. */
static size_t frame(uint8_t *pkt, uint32_t ssrc, unsigned k, int16_t v)
{
	int16_t pcm[MIX_FRAME];

	for (int i = 0; i < MIX_FRAME; i++)
		pcm[i] = v;
	pkt[0] = 0x80;
	pkt[1] = 0;
	pkt[2] = (uint8_t)(k >> 8);
	pkt[3] = (uint8_t)k;
	pkt[4] = (uint8_t)((160 * k) >> 24);
	pkt[5] = (uint8_t)((160 * k) >> 16);
	pkt[6] = (uint8_t)((160 * k) >> 8);
	pkt[7] = (uint8_t)(160 * k);
	pkt[8] = (uint8_t)(ssrc >> 24);
	pkt[9] = (uint8_t)(ssrc >> 16);
	pkt[10] = (uint8_t)(ssrc >> 8);
	pkt[11] = (uint8_t)ssrc;
	mix_encode(MIX_PCMU, pcm, MIX_FRAME, pkt + 12);
	return 12 + MIX_FRAME;
}

static void step(void)
{
	su_root_step(root, 0);
}

START_TEST(move_then_mix_minus)
{
	static const int fam[2] = { AF_INET, AF_INET };
	struct relay_pair_id p0, p1, moved;
	struct relay_bridge_id b;
	struct sockaddr_storage ss[4], to;
	struct relay_side_stats st[2];
	uint16_t port0[2], port1[2], port[4];
	uint8_t pkt[2048];
	int fd[4], maxv[4] = { 0 }, got[4] = { 0 };
	bool own_ssrc = false, crossed = false;
	static const int16_t value[4] = { 2000, 0, 500, 0 };	/* a and c speak */

	for (int i = 0; i < 4; i++)
		fd[i] = party(&ss[i]);
	ck_assert_int_eq(relay_pair_new(relay, 1, fam, &p0, port0), 0);
	ck_assert_int_eq(relay_pair_new(relay, 2, fam, &p1, port1), 0);
	ck_assert_uint_ne(p0.worker, p1.worker);	/* in turn */
	for (int s = 0; s < 2; s++) {
		struct relay_endpoint e0 = { .addr = { ss[s], ss[s] }, .mux = true };
		struct relay_endpoint e1 = { .addr = { ss[2 + s], ss[2 + s] }, .mux = true };
		ck_assert_int_eq(relay_pair_set(relay, p0, s, &e0, 0), 0);
		ck_assert_int_eq(relay_pair_set(relay, p1, s, &e1, 0), 0);
	}
	/* p1 moves to p0's worker: a new id at once, same ports */
	ck_assert_int_eq(relay_pair_move(relay, p1, p0.worker, &moved), 0);
	ck_assert_uint_eq(moved.worker, p0.worker);
	ck_assert_int_eq(relay_pair_stats(relay, p1, st), -ENOENT);	/* stale */
	port[0] = port0[0], port[1] = port0[1], port[2] = port1[0], port[3] = port1[1];
	/* c -> d still crosses, now through the other worker (bounded) */
	to = sa(port[2]);
	for (int i = 0; i < 100 && !crossed; i++) {
		struct pollfd pf = { .fd = fd[3], .events = POLLIN };
		size_t n = frame(pkt, 0xc0c0, (unsigned)i, 0);
		ck_assert_int_eq(sendto(fd[2], pkt, n, 0, (struct sockaddr *)&to,
					sizeof(struct sockaddr_in)), (ssize_t)n);
		step();
		crossed = poll(&pf, 1, 20) == 1;
	}
	ck_assert(crossed);
	ck_assert_int_eq(relay_pair_stats(relay, moved, st), 0);
	ck_assert_uint_gt(st[0].packets, 0);
	ck_assert_uint_eq(relay->w[p1.worker].n_free, relay->w[p1.worker].n_slots);

	ck_assert_int_eq(relay_bridge_new(relay, p0, &b), 0);
	for (int s = 0; s < 2; s++) {
		ck_assert_int_eq(relay_bridge_join(relay, b, p0, s, MIX_PCMU, 0), 0);
		ck_assert_int_eq(relay_bridge_join(relay, b, moved, s, MIX_PCMU, 0), 0);
	}
	ck_assert_int_eq(relay_bridge_join(relay, b, p1, 0, MIX_PCMU, 0), -ENOENT);
	/* 600 ms of audio from a and c, 20 ms apart; every side drains */
	for (unsigned k = 0; k < 30; k++) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		for (int i = 0; i < 4; i += 2) {
			size_t n = frame(pkt, 0xa000u + (unsigned)i, 100 + k, value[i]);
			to = sa(port[i]);
			sendto(fd[i], pkt, n, 0, (struct sockaddr *)&to, sizeof(struct sockaddr_in));
		}
		step();
		nanosleep(&ts, NULL);
		for (int i = 0; i < 4; i++) {
			ssize_t n;
			while ((n = recv(fd[i], pkt, sizeof(pkt), MSG_DONTWAIT)) >= 12 + MIX_FRAME) {
				int16_t pcm[MIX_FRAME];
				uint32_t ssrc = (uint32_t)pkt[10] << 8 | pkt[11];
				if (k < 2)
					continue;	/* relayed before the joins */
				if (ssrc == 0xa000u + (unsigned)i)
					own_ssrc = true;
				mix_decode(MIX_PCMU, pkt + 12, MIX_FRAME, pcm);
				if (pcm[80] > maxv[i])
					maxv[i] = pcm[80];
				got[i]++;
			}
		}
	}
	ck_assert(!own_ssrc);
	for (int i = 0; i < 4; i++)
		ck_assert_int_gt(got[i], 10);
	/* each hears the sum of the others (G.711: within 1/16), never itself */
	ck_assert_int_lt(abs(maxv[0] - 500), 40);	/* a: c only */
	ck_assert_int_lt(abs(maxv[1] - 2500), 160);	/* b: a + c */
	ck_assert_int_lt(abs(maxv[2] - 2000), 130);	/* c: a only */
	ck_assert_int_lt(abs(maxv[3] - 2500), 160);	/* d: a + c */

	for (int s = 0; s < 2; s++) {
		ck_assert_int_eq(relay_bridge_leave(relay, p0, s), 0);
		ck_assert_int_eq(relay_bridge_leave(relay, moved, s), 0);
	}
	relay_bridge_free(relay, b);
	relay_pair_free(relay, p0);
	relay_pair_free(relay, moved);
	for (int i = 0; i < 200 && (relay->pairs || relay->pool.n_free != relay->pool.n_total); i++)
		su_root_step(root, 10);
	ck_assert_uint_eq(relay->pairs, 0);
	ck_assert_uint_eq(relay->pool.n_free, relay->pool.n_total);
	for (int i = 0; i < 4; i++)
		close(fd[i]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("relay_mix");
	TCase *tc = tcase_create("bridge");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, move_then_mix_minus);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
