/* tests/bench/fwd.c: the baseline of bench-relay, a minimal UDP forwarder with no
 * logic (adapted from the shared anchor harness, /work/shared/anchors/fwd.c).
 *
 * One thread, one epoll set, level-triggered. For each line "PORT_A PORT_B" of the
 * pairs file it binds two sockets on ADDR, like the two sides of a relayed call.
 * What arrives on A is sent from B to PEER_B, what arrives on B is sent from A to
 * PEER_A (fixed peers: no latching, no parsing, no counters per stream). Reads
 * with recvmmsg (up to 64 packets per socket and wake-up) and sends them at once
 * with one sendmmsg from the other socket.
 *
 * Prints "fwd ready N" on stdout once every socket is bound, then serves until
 * SIGTERM/SIGINT or -T seconds (default 1800), and prints its counters on stderr.
 *
 * Usage: fwd -f PAIRS -a ADDR -A PEER_A_ADDR:PORT -B PEER_B_ADDR:PORT [-T MAX_S]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define MAX_EVENTS 256
#define PKT_MAX 2048

static volatile sig_atomic_t stop;

static void on_sig(int s)
{
	(void)s;
	stop = 1;
}

static void parse_peer(const char *s, struct sockaddr_in *a)
{
	char host[64];
	const char *c = strrchr(s, ':');

	if (c == NULL || (size_t)(c - s) >= sizeof(host)) {
		fprintf(stderr, "fwd: bad peer %s (want ADDR:PORT)\n", s);
		exit(2);
	}
	memcpy(host, s, (size_t)(c - s));
	host[c - s] = 0;
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)atoi(c + 1));
	if (inet_pton(AF_INET, host, &a->sin_addr) != 1) {
		fprintf(stderr, "fwd: bad peer address %s\n", host);
		exit(2);
	}
}

static int mk(const char *addr, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		perror("fwd: socket");
		exit(1);
	}
	inet_pton(AF_INET, addr, &a.sin_addr);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		fprintf(stderr, "fwd: bind %s:%d: %s\n", addr, port, strerror(errno));
		exit(1);
	}
	return fd;
}

int main(int argc, char **argv)
{
	static unsigned char bufs[BATCH][PKT_MAX];
	struct iovec iov[BATCH];
	struct mmsghdr m[BATCH];
	struct epoll_event evs[MAX_EVENTS];
	struct sockaddr_in peer[2];
	const char *pairfile = NULL, *addr = "127.0.0.1", *pa = NULL, *pb = NULL;
	int (*fd)[2], n = 0, ep, opt, tmax = 1800;
	uint64_t fwd = 0, drops = 0, waits = 0;
	struct rlimit rl;
	time_t t_end;
	FILE *f;

	while ((opt = getopt(argc, argv, "f:a:A:B:T:")) != -1) {
		switch (opt) {
		case 'f': pairfile = optarg; break;
		case 'a': addr = optarg; break;
		case 'A': pa = optarg; break;
		case 'B': pb = optarg; break;
		case 'T': tmax = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: fwd -f PAIRS -a ADDR -A PEER_A:PORT -B PEER_B:PORT [-T MAX_S]\n");
			return 2;
		}
	}
	if (!pairfile || !pa || !pb) {
		fprintf(stderr, "usage: fwd -f PAIRS -a ADDR -A PEER_A:PORT -B PEER_B:PORT [-T MAX_S]\n");
		return 2;
	}
	parse_peer(pa, &peer[0]);
	parse_peer(pb, &peer[1]);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	signal(SIGINT, on_sig);
	signal(SIGTERM, on_sig);
	if ((f = fopen(pairfile, "r")) == NULL) {
		perror(pairfile);
		return 1;
	}
	fd = calloc(32768, sizeof(*fd));
	ep = epoll_create1(EPOLL_CLOEXEC);
	for (unsigned pa_, pb_; n < 32768 && fscanf(f, "%u %u", &pa_, &pb_) == 2; n++) {
		fd[n][0] = mk(addr, (int)pa_);
		fd[n][1] = mk(addr, (int)pb_);
		for (int s = 0; s < 2; s++) {
			struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)(n * 2 + s) };
			if (epoll_ctl(ep, EPOLL_CTL_ADD, fd[n][s], &ev) < 0) {
				perror("fwd: epoll_ctl");
				return 1;
			}
		}
	}
	fclose(f);
	for (int i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){ bufs[i], PKT_MAX };
		m[i].msg_hdr = (struct msghdr){ .msg_iov = &iov[i], .msg_iovlen = 1 };
	}
	printf("fwd ready %d\n", n);
	fflush(stdout);
	t_end = time(NULL) + tmax;
	while (!stop && time(NULL) < t_end) {
		int ne = epoll_wait(ep, evs, MAX_EVENTS, 1000);

		waits++;
		for (int e = 0; e < ne; e++) {
			uint32_t i = evs[e].data.u32 >> 1, s = evs[e].data.u32 & 1;
			int r, off = 0;

			r = recvmmsg(fd[i][s], m, BATCH, MSG_DONTWAIT, NULL);
			if (r <= 0)
				continue;
			for (int k = 0; k < r; k++) {
				iov[k].iov_len = m[k].msg_len;
				m[k].msg_hdr.msg_name = &peer[!s];
				m[k].msg_hdr.msg_namelen = sizeof(peer[!s]);
			}
			while (off < r) {
				int w = sendmmsg(fd[i][!s], m + off, (unsigned)(r - off), MSG_DONTWAIT);
				if (w <= 0) {
					drops += (uint64_t)(r - off);
					break;
				}
				off += w;
			}
			fwd += (uint64_t)off;
			for (int k = 0; k < r; k++) {	/* ready for the next recvmmsg */
				iov[k].iov_len = PKT_MAX;
				m[k].msg_hdr.msg_name = NULL;
				m[k].msg_hdr.msg_namelen = 0;
			}
		}
	}
	fprintf(stderr, "fwd exit forwarded=%lu send_drops=%lu epoll_waits=%lu\n", (unsigned long)fwd,
		(unsigned long)drops, (unsigned long)waits);
	return 0;
}
