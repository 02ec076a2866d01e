/* tests/tools/mixbench.c: what mixing costs a media worker, beside plain
 * relaying, on a real relay (lib/media, one worker, plain recvmmsg/sendmmsg
 * I/O) over loopback. N parties (UDP sockets on 127.0.0.1) each send a
 * 172-byte PCMU packet every 20 ms to their side of N/2 relay pairs for
 * SECS seconds:
 *   relay: the pairs relay as in a call (each packet to the other side);
 *   mix:   every side joined to one bridge (decode, jitter buffer,
 *          mix-minus, encode, its own RTP, one packet per party per 20 ms).
 * The worker thread's CPU time (pthread_getcpuclockid) over the run,
 * divided by the party-frames (relay: packets relayed): microseconds per
 * party per 20 ms frame, and the ratio mix / relay. The mixing alone (the
 * worker's own count, without the socket work) is printed beside it.
 *   mixbench [SECS [N...]]   (default 4 s, N = 4 8 16)
 * The last line: `mix us/party-frame tandem/baseline: <mix> / <relay> =
 * <ratio>` for the largest N. Bounded: every loop runs SECS at most. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sofia-sip/su_wait.h>

#include "media/relay_int.h"
#include "media/mix.h"

#define ADDR "127.0.0.1"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double thread_cpu(pthread_t t)
{
	clockid_t id;
	struct timespec ts;

	if (pthread_getcpuclockid(t, &id) != 0 || clock_gettime(id, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct sockaddr_storage sa(uint16_t port)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *s4 = (void *)&ss;

	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	inet_pton(AF_INET, ADDR, &s4->sin_addr);
	return ss;
}

struct run {
	double us_per_frame, mix_us;
	uint64_t frames;
};

static int one_run(su_root_t *root, struct relay *r, unsigned n, double secs, bool mix,
		   struct run *ret)
{
	static const int fam[2] = { AF_INET, AF_INET };
	struct relay_pair_id id[MIX_MAX_PARTIES / 2];
	int fd[MIX_MAX_PARTIES];
	uint16_t relay_port[MIX_MAX_PARTIES];
	struct relay_bridge_id b;
	uint8_t pkt[172], buf[2048];
	double t0, c0, c1, t_end;
	uint64_t sent = 0, f0, ns0;
	int e;

	for (unsigned i = 0; i < n; i++) {
		struct sockaddr_storage me = sa((uint16_t)(43000 + 2 * i));
		fd[i] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd[i] < 0 || bind(fd[i], (struct sockaddr *)&me, sizeof(struct sockaddr_in)) < 0)
			return -errno;
	}
	for (unsigned p = 0; p < n / 2; p++) {
		uint16_t port[2];
		if ((e = relay_pair_new(r, p, fam, &id[p], port)) < 0)
			return e;
		for (int s = 0; s < 2; s++) {
			struct relay_endpoint ep = { .clock_rate = 8000 };
			ep.addr[RELAY_RTP] = sa((uint16_t)(43000 + 2 * (2 * p + s)));
			ep.addr[RELAY_RTCP] = sa((uint16_t)(43001 + 2 * (2 * p + s)));
			relay_port[2 * p + s] = port[s];
			relay_pair_set(r, id[p], s, &ep, 0);
		}
	}
	if (mix) {
		if ((e = relay_bridge_new(r, id[0], &b)) < 0)
			return e;
		for (unsigned p = 0; p < n / 2; p++)
			for (int s = 0; s < 2; s++)
				relay_bridge_join(r, b, id[p], s, MIX_PCMU, 0);
	}
	memset(pkt, 0xff, sizeof(pkt));
	pkt[0] = 0x80;
	pkt[1] = 0;		/* PCMU */
	t0 = now_s();
	t_end = t0 + secs + 0.5;
	c0 = 0;
	f0 = ns0 = 0;
	for (unsigned k = 0;; k++) {
		double due = t0 + 0.02 * k, t;
		if (k == 25) {		/* 0.5 s in: steady */
			c0 = thread_cpu(r->w[0].thread);
			f0 = __atomic_load_n(&r->w[0].mix_frames, __ATOMIC_RELAXED);
			ns0 = __atomic_load_n(&r->w[0].mix_ns, __ATOMIC_RELAXED);
			sent = 0;
		}
		if (due >= t_end)
			break;
		while ((t = now_s()) < due) {
			struct timespec ts = { 0, (long)((due - t) * 1e9) };
			nanosleep(&ts, NULL);
		}
		for (unsigned i = 0; i < n; i++) {
			struct sockaddr_storage to = sa(relay_port[i]);
			uint16_t seq = (uint16_t)k;
			uint32_t ts = 160u * k, ssrc = 0x1000 + i;
			pkt[2] = (uint8_t)(seq >> 8);
			pkt[3] = (uint8_t)seq;
			pkt[4] = (uint8_t)(ts >> 24);
			pkt[5] = (uint8_t)(ts >> 16);
			pkt[6] = (uint8_t)(ts >> 8);
			pkt[7] = (uint8_t)ts;
			pkt[8] = 0;
			pkt[9] = 0;
			pkt[10] = (uint8_t)(ssrc >> 8);
			pkt[11] = (uint8_t)ssrc;
			if (sendto(fd[i], pkt, sizeof(pkt), 0, (struct sockaddr *)&to,
				   sizeof(struct sockaddr_in)) == (ssize_t)sizeof(pkt))
				sent++;
			while (recv(fd[i], buf, sizeof(buf), MSG_DONTWAIT) > 0)
				;
		}
		su_root_step(root, 0);
	}
	c1 = thread_cpu(r->w[0].thread);
	ret->frames = sent;
	ret->us_per_frame = sent ? (c1 - c0) * 1e6 / (double)sent : 0;
	{
		uint64_t f = __atomic_load_n(&r->w[0].mix_frames, __ATOMIC_RELAXED) - f0;
		uint64_t ns = __atomic_load_n(&r->w[0].mix_ns, __ATOMIC_RELAXED) - ns0;
		ret->mix_us = f ? (double)ns / 1000.0 / (double)f : 0;
	}
	for (unsigned p = 0; p < n / 2; p++)
		relay_pair_free(r, id[p]);
	for (int i = 0; i < 100 && r->pairs; i++)
		su_root_step(root, 10);
	if (mix)
		relay_bridge_free(r, b);
	for (unsigned i = 0; i < n; i++)
		close(fd[i]);
	return 0;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 4.0;
	unsigned ns[8] = { 4, 8, 16 }, nn = 3;
	struct run rel = { 0 }, mx = { 0 };
	su_root_t *root;
	struct relay_opts o = { .bind_addr = ADDR, .port_min = 42000, .port_max = 42999,
				.workers = 1, .no_uring = true };
	struct relay *r;
	int e;

	if (secs <= 0 || secs > 60) {
		fprintf(stderr, "usage: mixbench [SECS (0-60]] [N (2-%d, even)...]\n",
			MIX_MAX_PARTIES);
		return 2;
	}
	if (argc > 2) {
		nn = 0;
		for (int i = 2; i < argc && nn < 8; i++) {
			ns[nn] = (unsigned)atoi(argv[i]);
			if (ns[nn] < 2 || ns[nn] > MIX_MAX_PARTIES || ns[nn] % 2)
				return fprintf(stderr, "mixbench: N must be even, 2-%d\n",
					       MIX_MAX_PARTIES), 2;
			nn++;
		}
	}
	su_init();
	root = su_root_create(NULL);
	if (root == NULL)
		return 1;
	su_root_threading(root, 0);
	e = relay_new(&o, root, NULL, NULL, &r);
	if (e < 0) {
		fprintf(stderr, "mixbench: the relay: %s\n", strerror(-e));
		return 1;
	}
	printf("%-8s %-28s %-28s %-8s %s\n", "parties", "relay: us per packet (worker)",
	       "mix: us per party-frame", "ratio", "mixing alone, us per party-frame");
	for (unsigned i = 0; i < nn; i++) {
		e = one_run(root, r, ns[i], secs, false, &rel);
		if (e == 0)
			e = one_run(root, r, ns[i], secs, true, &mx);
		if (e < 0) {
			fprintf(stderr, "mixbench: %s\n", strerror(-e));
			return 1;
		}
		printf("%-8u %-28.2f %-28.2f %-8.2f %.2f\n", ns[i], rel.us_per_frame,
		       mx.us_per_frame, rel.us_per_frame > 0 ? mx.us_per_frame / rel.us_per_frame : 0,
		       mx.mix_us);
	}
	printf("mix us/party-frame tandem/baseline: %.2f / %.2f = %.2f\n", mx.us_per_frame,
	       rel.us_per_frame, rel.us_per_frame > 0 ? mx.us_per_frame / rel.us_per_frame : 0);
	relay_free(r);
	su_root_destroy(root);
	su_deinit();
	return 0;
}
