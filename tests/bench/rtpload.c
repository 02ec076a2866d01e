/* tests/bench/rtpload.c: RTP load generator + sink for bench-relay (one process,
 * two threads), adapted from the shared anchor harness (/work/shared/anchors/rtpload.c).
 *
 * The device under test (tandemd's relay, or the baseline forwarder fwd) relays
 * calls; each call has two relay ports: A (facing the caller) and B (facing the
 * callee). rtpload plays both ends of every call with two UDP sockets:
 *   X (LOCAL:PORTX) is every caller: it sends to DUT:A[i] and receives what the
 *     callees sent (out of A[i]);
 *   Y (LOCAL:PORTY) is every callee: it sends to DUT:B[i] and receives what the
 *     callers sent (out of B[i]).
 * A relay that latches each side to the first source (tandemd's latch = "first")
 * thus sends side A back to X and side B back to Y; fwd is told X and Y.
 *
 * Sender thread: 2 x CALLS streams (stream 2i: X -> A[i], 2i+1: Y -> B[i]), evenly
 *   interleaved, total RATE packets/s for DUR seconds: exactly RATE*DUR packets of
 *   172 bytes (12-byte RTP header + 160-byte "G.711 20 ms" payload), sent with
 *   sendmmsg, one batch per socket. The payload carries the CLOCK_MONOTONIC send
 *   time (ns), the stream number and a 32-bit sequence number; each stream has
 *   its own SSRC, RTP sequence and timestamp (+160 per packet).
 * Sink thread: recvmmsg on X and Y; counts packets per stream, packets that came
 *   to the wrong socket, and one-way latency (receive - send time; 1 us buckets up
 *   to 200 ms) of packets sent after the first WARM seconds.
 * Every run is bounded: it sends RATE*DUR packets, then drains until 1 s of silence
 *   (at most 5 s). Output: one line of key=value pairs on stdout.
 *
 * Usage: rtpload -f PAIRS -H DUT_ADDR -L LOCAL_ADDR -x PORTX -y PORTY
 *                [-n CALLS] -r TOTAL_PPS -d SECONDS [-w WARM_S]
 *                [-k SUITE:HEX] [-K SUITE:HEX] [-s SEQFILE]
 *   PAIRS: a file with one line "PORT_A PORT_B" per call; -n: use the first CALLS lines
 *   (default all). For a run without a DUT (the harness's own latency), give
 *   "PORTY PORTX" lines and -H LOCAL_ADDR: X then sends straight to Y and back.
 *
 * SRTP (libsrtp2 through lib/media/tsrtp, linked from libtandem.a): -k protects what
 *   X sends (the caller's own key, the same for every call), -K what Y sends (the
 *   callee's). A pair line may carry two more words, the keys the DUT protects with
 *   toward X and toward Y for that call ("SUITE:HEX", or "-" for plain RTP): the
 *   sink unprotects with them (the call is found by the SSRC, which stays in clear)
 *   and counts what fails as auth_fail (and as bad). Keys are hex (master key||salt).
 *   -s SEQFILE: the next sequence number of every stream, read at start and written
 *   at the end, so that successive runs through the same SRTP contexts of the DUT
 *   never replay a sequence number. With SRTP a run that would carry any stream past
 *   sequence 65535 (the rollover counter, which a fresh context cannot know) is
 *   refused with exit status 3.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "media/tsrtp.h"

#define PKT 172
#define MAXPKT 2048
#define BATCH 64
#define RBATCH 256
#define HBUCKETS 200000		/* 1 us buckets up to 200 ms */
#define MAGIC 0x7464626eu	/* "tdbn": our payload */

static int ncalls = 0, nstreams, dur = 10, warm = 1;
static double rate = 50000;
static const char *pairfile, *dut_host = "127.0.0.1", *local_host = "127.0.0.1";
static int port_x, port_y;
static int fd_x, fd_y;
static struct sockaddr_in *dsts;	/* per stream */
static uint32_t *seqs, *seq0;	/* next sequence number; at the start of the run */
static struct tsrtp *tx_x, *tx_y;	/* SRTP: what X / Y send (NULL: plain) */
static uint64_t protect_err;
static volatile int sender_done;
static uint64_t sent_total, send_err, max_lag_ns;
static uint64_t t_start_ns, send_elapsed_ns;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int mksock(const char *addr, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), sz = 32 << 20;

	if (fd < 0 || inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
		fprintf(stderr, "rtpload: bad address %s\n", addr);
		exit(1);
	}
	/* root: above rmem_max/wmem_max; as a user the plain call caps at the max */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	sz = 8 << 20;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		fprintf(stderr, "rtpload: bind %s:%d: %s\n", addr, port, strerror(errno));
		exit(1);
	}
	return fd;
}

struct sbatch {
	int fd, n;
	unsigned char buf[BATCH][PKT + TSRTP_TRAILER_MAX];
	struct iovec iov[BATCH];
	struct mmsghdr m[BATCH];
};

static void flush_batch(struct sbatch *b)
{
	int off = 0;

	while (off < b->n) {
		int r = sendmmsg(b->fd, b->m + off, (unsigned)(b->n - off), 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			send_err += (uint64_t)(b->n - off);
			break;
		}
		off += r;
	}
	b->n = 0;
}

static void *sender(void *arg)
{
	static struct sbatch bx, by;
	uint64_t total = (uint64_t)(rate * dur), sent = 0;
	(void)arg;

	bx.fd = fd_x;
	by.fd = fd_y;
	t_start_ns = now_ns();
	while (sent < total) {
		uint64_t t = now_ns();
		uint64_t due = (uint64_t)((double)(t - t_start_ns) * rate / 1e9);

		if (due > total)
			due = total;
		if (due <= sent) {
			struct timespec s = { 0, 50000 };
			nanosleep(&s, NULL);
			continue;
		}
		if (due - sent > 1) {	/* how far behind the schedule we are */
			uint64_t lag = (uint64_t)((double)(due - sent) * 1e9 / rate);
			if (lag > max_lag_ns)
				max_lag_ns = lag;
		}
		while (sent < due) {
			uint32_t s = (uint32_t)(sent % (uint64_t)nstreams), seq = seqs[s]++;
			struct sbatch *b = (s & 1) ? &by : &bx;
			unsigned char *p = b->buf[b->n];
			uint32_t v;
			uint64_t stamp;

			p[0] = 0x80;		/* V=2 */
			p[1] = 0;		/* PT 0: PCMU */
			p[2] = (unsigned char)(seq >> 8);
			p[3] = (unsigned char)seq;
			v = htonl(seq * 160);
			memcpy(p + 4, &v, 4);
			v = htonl(0x10000000u + s);
			memcpy(p + 8, &v, 4);
			stamp = now_ns();
			v = MAGIC;
			memcpy(p + 12, &stamp, 8);
			memcpy(p + 20, &s, 4);
			memcpy(p + 24, &seq, 4);
			memcpy(p + 28, &v, 4);
			memset(p + 32, 0xd5, PKT - 32);
			size_t len = PKT;
			struct tsrtp *tx = (s & 1) ? tx_y : tx_x;
			if (tx && tsrtp_protect(tx, p, &len, false) < 0) {
				protect_err++;
				sent++;
				continue;
			}
			b->iov[b->n] = (struct iovec){ p, len };
			b->m[b->n].msg_hdr = (struct msghdr){ .msg_name = &dsts[s],
							      .msg_namelen = sizeof(dsts[s]),
							      .msg_iov = &b->iov[b->n],
							      .msg_iovlen = 1 };
			sent++;
			if (++b->n == BATCH)
				flush_batch(b);
		}
		if (bx.n)
			flush_batch(&bx);
		if (by.n)
			flush_batch(&by);
	}
	sent_total = sent;
	send_elapsed_ns = now_ns() - t_start_ns;
	__atomic_store_n(&sender_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* "SUITE:HEX" (master key || salt) -> a context; NULL for "-" or "" */
static struct tsrtp *srtp_ctx(const char *arg, bool inbound)
{
	struct tsrtp_key k = { 0 };
	struct tsrtp *ctx;
	const char *h = strchr(arg, ':');
	char suite[48];

	if (strcmp(arg, "-") == 0 || arg[0] == '\0')
		return NULL;
	if (h == NULL || (size_t)(h - arg) >= sizeof(suite))
		goto bad;
	memcpy(suite, arg, (size_t)(h - arg));
	suite[h - arg] = '\0';
	k.suite = tsrtp_suite_from_name(suite);
	for (h++; h[0] && h[1] && k.len < TSRTP_KEY_MAX; h += 2) {
		unsigned v;
		if (sscanf(h, "%2x", &v) != 1)
			goto bad;
		k.key[k.len++] = (uint8_t)v;
	}
	if (k.suite == TSRTP_NONE || *h || tsrtp_new(&k, inbound, &ctx) < 0)
		goto bad;
	tsrtp_key_wipe(&k);
	return ctx;
bad:
	fprintf(stderr, "rtpload: bad SRTP key (want SUITE:HEX of the suite's length)\n");
	exit(2);
}

static void usage(void)
{
	fprintf(stderr, "usage: rtpload -f PAIRS -H DUT_ADDR -L LOCAL_ADDR -x PORTX -y PORTY "
			"[-n CALLS] -r TOTAL_PPS -d SECONDS [-w WARM_S] [-k SUITE:HEX] [-K SUITE:HEX] "
			"[-s SEQFILE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static unsigned char rb[RBATCH][MAXPKT];
	static struct iovec riov[RBATCH];
	static struct mmsghdr rm[RBATCH];
	uint32_t *hist;
	uint64_t *rcv, recvd = 0, bad = 0, wrong_sock = 0, dup = 0, hist_n = 0, over = 0, maxlat = 0;
	uint64_t auth_fail = 0;
	struct tsrtp **rx[2] = { NULL, NULL };	/* per call: what the DUT sends to X / to Y */
	const char *key_x = NULL, *key_y = NULL, *seqfile = NULL;
	char line[512];
	bool srtp = false;
	uint64_t warm_ns, last_rx = 0, done_at = 0, dead = 0;
	uint16_t (*pairs)[2];
	int opt, npairs = 0;
	pthread_t th;
	FILE *f;

	while ((opt = getopt(argc, argv, "f:H:L:x:y:n:r:d:w:k:K:s:h")) != -1) {
		switch (opt) {
		case 'f': pairfile = optarg; break;
		case 'H': dut_host = optarg; break;
		case 'L': local_host = optarg; break;
		case 'x': port_x = atoi(optarg); break;
		case 'y': port_y = atoi(optarg); break;
		case 'n': ncalls = atoi(optarg); break;
		case 'r': rate = atof(optarg); break;
		case 'd': dur = atoi(optarg); break;
		case 'w': warm = atoi(optarg); break;
		case 'k': key_x = optarg; break;
		case 'K': key_y = optarg; break;
		case 's': seqfile = optarg; break;
		default: usage();
		}
	}
	if (!pairfile || port_x <= 0 || port_y <= 0 || rate <= 0)
		usage();
	if (dur < 1 || dur > 120) {
		fprintf(stderr, "rtpload: duration must be 1..120 s\n");
		return 2;
	}
	if ((f = fopen(pairfile, "r")) == NULL) {
		perror(pairfile);
		return 1;
	}
	if (tsrtp_init() < 0) {
		fprintf(stderr, "rtpload: libsrtp2 init failed\n");
		return 1;
	}
	tx_x = key_x ? srtp_ctx(key_x, false) : NULL;
	tx_y = key_y ? srtp_ctx(key_y, false) : NULL;
	srtp = tx_x || tx_y;
	pairs = calloc(65536, sizeof(*pairs));
	rx[0] = calloc(65536, sizeof(*rx[0]));
	rx[1] = calloc(65536, sizeof(*rx[1]));
	while (npairs < 65536 && fgets(line, sizeof(line), f)) {
		char kx[200] = "", ky[200] = "";
		int w = sscanf(line, "%hu %hu %199s %199s", &pairs[npairs][0], &pairs[npairs][1], kx, ky);

		if (w < 2)
			break;
		if (ncalls <= 0 || npairs < ncalls) {	/* contexts only for the calls used */
			rx[0][npairs] = srtp_ctx(kx, true);
			rx[1][npairs] = srtp_ctx(ky, true);
			srtp = srtp || rx[0][npairs] || rx[1][npairs];
		}
		explicit_bzero(line, sizeof(line));
		npairs++;
	}
	fclose(f);
	if (ncalls <= 0 || ncalls > npairs)
		ncalls = ncalls > npairs ? -1 : npairs;
	if (ncalls <= 0) {
		fprintf(stderr, "rtpload: %s has %d port pairs, fewer than asked\n", pairfile, npairs);
		return 1;
	}
	nstreams = 2 * ncalls;
	dsts = calloc((size_t)nstreams, sizeof(*dsts));
	seqs = calloc(2 * (size_t)npairs, sizeof(*seqs));
	seq0 = calloc(2 * (size_t)npairs, sizeof(*seq0));
	if (seqfile && (f = fopen(seqfile, "r")) != NULL) {
		for (int i = 0; i < 2 * npairs && fscanf(f, "%u", &seqs[i]) == 1; i++)
			;
		fclose(f);
	}
	memcpy(seq0, seqs, 2 * (size_t)npairs * sizeof(*seqs));
	if (srtp) {
		uint64_t per = (uint64_t)(rate * dur) / (uint64_t)nstreams + 1;
		for (int i = 0; i < nstreams; i++)
			if (seqs[i] + per > 65535) {
				fprintf(stderr, "rtpload: stream %d would pass sequence 65535 (at %u, +%lu): "
					"SRTP sequence space used up\n", i, seqs[i], (unsigned long)per);
				return 3;
			}
	}
	for (int i = 0; i < nstreams; i++) {
		dsts[i].sin_family = AF_INET;
		dsts[i].sin_port = htons(pairs[i / 2][i & 1]);
		if (inet_pton(AF_INET, dut_host, &dsts[i].sin_addr) != 1) {
			fprintf(stderr, "rtpload: bad address %s\n", dut_host);
			return 2;
		}
	}
	prctl(PR_SET_TIMERSLACK, 1);
	fd_x = mksock(local_host, port_x);
	fd_y = mksock(local_host, port_y);
	hist = calloc(HBUCKETS, sizeof(*hist));
	rcv = calloc((size_t)nstreams, sizeof(*rcv));
	warm_ns = (uint64_t)warm * 1000000000ull;
	for (int i = 0; i < RBATCH; i++) {
		riov[i] = (struct iovec){ rb[i], MAXPKT };
		rm[i].msg_hdr = (struct msghdr){ .msg_iov = &riov[i], .msg_iovlen = 1 };
	}
	if (pthread_create(&th, NULL, sender, NULL) != 0) {
		fprintf(stderr, "rtpload: pthread_create failed\n");
		return 1;
	}
	for (unsigned loops = 0;; loops++) {
		struct pollfd pfd[2] = { { fd_x, POLLIN, 0 }, { fd_y, POLLIN, 0 } };
		int pr = poll(pfd, 2, 100);
		uint64_t t = now_ns();

		for (int k = 0; pr > 0 && k < 2; k++) {
			int r;
			if (!(pfd[k].revents & POLLIN))
				continue;
			r = recvmmsg(pfd[k].fd, rm, RBATCH, MSG_DONTWAIT, NULL);
			if (r <= 0)
				continue;
			t = now_ns();
			last_rx = t;
			for (int i = 0; i < r; i++) {
				unsigned char *b = rb[i];
				uint64_t stamp;
				uint32_t s, magic;

				if (srtp && rm[i].msg_len >= 12) {
					/* the SSRC (in clear) names the stream, so the call and its key */
					uint32_t ssrc = ((uint32_t)b[8] << 24 | (uint32_t)b[9] << 16 |
							 (uint32_t)b[10] << 8 | b[11]) - 0x10000000u;
					struct tsrtp *ctx = ssrc < (uint32_t)nstreams ? rx[k][ssrc / 2] : NULL;
					size_t len = rm[i].msg_len;

					if (ctx) {
						if (tsrtp_unprotect(ctx, b, &len, false) < 0) {
							auth_fail++;
							bad++;
							continue;
						}
						rm[i].msg_len = (unsigned)len;
					}
				}
				if (rm[i].msg_len != PKT) {
					bad++;
					continue;
				}
				memcpy(&stamp, b + 12, 8);
				memcpy(&s, b + 20, 4);
				memcpy(&magic, b + 28, 4);
				if (magic != MAGIC || s >= (uint32_t)nstreams) {
					bad++;
					continue;
				}
				/* stream 2i (sent by X, the caller) must come out at Y */
				if ((int)(s & 1) == k)
					wrong_sock++;
				recvd++;
				rcv[s]++;
				if (stamp >= t_start_ns + warm_ns && t >= stamp) {
					uint64_t l = (t - stamp) / 1000;
					if (l > maxlat)
						maxlat = l;
					if (l < HBUCKETS)
						hist[l]++;
					else
						over++;
					hist_n++;
				}
			}
		}
		if (__atomic_load_n(&sender_done, __ATOMIC_ACQUIRE)) {
			if (!done_at)
				done_at = t;
			if ((last_rx && t - last_rx > 1000000000ull && t - done_at > 1000000000ull) ||
			    t - done_at > 5000000000ull)
				break;
		}
	}
	pthread_join(th, NULL);
	{
		double pct[] = { 50, 90, 99, 99.9 };
		uint64_t pv[4] = { 0 };
		double loss;

		for (int k = 0; k < 4; k++) {
			uint64_t want = (uint64_t)((double)hist_n * pct[k] / 100.0), acc = 0;
			int i;
			for (i = 0; i < HBUCKETS; i++) {
				acc += hist[i];
				if (acc > want)
					break;
			}
			pv[k] = (uint64_t)i;
		}
		for (int i = 0; i < nstreams; i++) {
			if (!rcv[i])
				dead++;
			if (rcv[i] > seqs[i] - seq0[i])
				dup += rcv[i] - (seqs[i] - seq0[i]);
		}
		loss = sent_total ? 100.0 * ((double)sent_total - (double)recvd) / (double)sent_total : 0;
		printf("calls=%d streams=%d rate=%.0f dur=%d sent=%lu recv=%lu loss_pct=%.4f bad=%lu "
		       "wrong_socket=%lu dup=%lu dead_streams=%lu send_err=%lu send_s=%.3f max_lag_ms=%.2f "
		       "lat_p50_us=%lu lat_p90_us=%lu lat_p99_us=%lu lat_p999_us=%lu lat_max_us=%lu "
		       "lat_over_200ms=%lu lat_n=%lu srtp=%d auth_fail=%lu protect_err=%lu\n",
		       ncalls, nstreams, rate, dur, (unsigned long)sent_total, (unsigned long)recvd, loss,
		       (unsigned long)bad, (unsigned long)wrong_sock, (unsigned long)dup,
		       (unsigned long)dead, (unsigned long)send_err, (double)send_elapsed_ns / 1e9,
		       (double)max_lag_ns / 1e6, (unsigned long)pv[0], (unsigned long)pv[1],
		       (unsigned long)pv[2], (unsigned long)pv[3], (unsigned long)maxlat,
		       (unsigned long)over, (unsigned long)hist_n, srtp ? 1 : 0,
		       (unsigned long)auth_fail, (unsigned long)protect_err);
	}
	if (seqfile) {
		char tmp[4096];

		snprintf(tmp, sizeof(tmp), "%s.tmp", seqfile);
		if ((f = fopen(tmp, "w")) != NULL) {
			for (int i = 0; i < 2 * npairs; i++)
				fprintf(f, "%u\n", seqs[i]);
			if (fclose(f) == 0)
				rename(tmp, seqfile);
		}
	}
	for (int i = 0; i < npairs; i++) {
		tsrtp_free(rx[0][i]);
		tsrtp_free(rx[1][i]);
	}
	tsrtp_free(tx_x);
	tsrtp_free(tx_y);
	tsrtp_fini();
	free(rx[0]);
	free(rx[1]);
	free(pairs);
	free(hist);
	free(rcv);
	free(dsts);
	free(seqs);
	free(seq0);
	close(fd_x);
	close(fd_y);
	return 0;
}
