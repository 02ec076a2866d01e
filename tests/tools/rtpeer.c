/* tests/tools/rtpeer: an RTP endpoint for tests. It sends a stream of RTP
 * packets whose payload can be checked (each byte derived from the packet's
 * SSRC, sequence number and offset) to a remote address, receives on the
 * same socket, checks what arrives, and prints one line of results:
 *
 *   sent=N received=M intact=K bad=B ssrc=0x... from=ADDR:PORT strays=S
 * (from: the first source heard; strays: packets from any other source)
 *
 * Usage: rtpeer -l LOCAL_IP:PORT -r REMOTE_IP:PORT [-n COUNT] [-i MS]
 *               [-s SSRC] [-t SECONDS] [-w SECONDS] [-o FILE] [-R]
 *   -n  packets to send (default 100), -i interval in ms (default 20)
 *   -t  stop after this long in all (default 10 s)
 *   -w  wait this long before sending (default 0)
 *   -o  write the result line to FILE as well
 *   -R  also send an RTCP sender report every 200 ms to the RTCP port (+1),
 *       and count RTCP that arrives on the local RTCP port (+1)
 *   -M  rtcp-mux: RTCP goes to, and is counted on, the RTP ports
 *   -k  SUITE:BASE64  SRTP: protect what we send with this key
 *   -K  SUITE:BASE64  SRTP: unprotect what we receive with this key
 *       (packets that fail are counted as auth_fail, not received)
 *   -T  tamper: flip a payload bit of every 10th packet after protecting it
 * Exits 0 when it ran (the caller judges the figures), 2 on bad usage. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sofia-sip/base64.h>

#include "media/tsrtp.h"

#define PAYLOAD 160
#define PKT (12 + PAYLOAD)

static int parse_key(const char *arg, struct tsrtp_key *k)
{
	char suite[48], b64[128];
	const char *colon = strchr(arg, ':');
	isize_t n;

	if (colon == NULL || (size_t)(colon - arg) >= sizeof(suite) || strlen(colon + 1) >= sizeof(b64))
		return -1;
	memcpy(suite, arg, (size_t)(colon - arg));
	suite[colon - arg] = '\0';
	strcpy(b64, colon + 1);
	k->suite = tsrtp_suite_from_name(suite);
	n = base64_d((char *)k->key, sizeof(k->key), b64);
	if (k->suite == TSRTP_NONE || n != (isize_t)tsrtp_key_len(k->suite))
		return -1;
	k->len = (uint8_t)n;
	return 0;
}

static int parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[128];
	const char *colon = strrchr(s, ':');
	long port;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	port = strtol(colon + 1, NULL, 10);
	if (port < 0 || port > 65535)
		return -1;
	memset(ss, 0, sizeof(*ss));
	if (host[0] == '[') {
		struct sockaddr_in6 *s6 = (void *)ss;
		host[strlen(host) - 1] = '\0';
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*s6);
		return inet_pton(AF_INET6, host + 1, &s6->sin6_addr) == 1 ? 0 : -1;
	}
	struct sockaddr_in *s4 = (void *)ss;
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	*len = sizeof(*s4);
	return inet_pton(AF_INET, host, &s4->sin_addr) == 1 ? 0 : -1;
}

static void addr_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char a[64] = "?";

	if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ss)->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(((struct sockaddr_in6 *)ss)->sin6_port));
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)ss)->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(((struct sockaddr_in *)ss)->sin_port));
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint8_t pattern(uint32_t ssrc, uint16_t seq, unsigned i)
{
	return (uint8_t)((ssrc >> (8 * (i % 4))) + seq * 7u + i);
}

static void build(uint8_t *p, uint32_t ssrc, uint16_t seq, uint32_t ts)
{
	p[0] = 0x80;
	p[1] = 0;	/* PCMU */
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	p[4] = (uint8_t)(ts >> 24);
	p[5] = (uint8_t)(ts >> 16);
	p[6] = (uint8_t)(ts >> 8);
	p[7] = (uint8_t)ts;
	p[8] = (uint8_t)(ssrc >> 24);
	p[9] = (uint8_t)(ssrc >> 16);
	p[10] = (uint8_t)(ssrc >> 8);
	p[11] = (uint8_t)ssrc;
	for (unsigned i = 0; i < PAYLOAD; i++)
		p[12 + i] = pattern(ssrc, seq, i);
}

static int intact(const uint8_t *p, ssize_t n)
{
	uint32_t ssrc;
	uint16_t seq;

	if (n != PKT || (p[0] >> 6) != 2)
		return 0;
	seq = (uint16_t)(p[2] << 8 | p[3]);
	ssrc = (uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 | (uint32_t)p[10] << 8 | p[11];
	for (unsigned i = 0; i < PAYLOAD; i++)
		if (p[12 + i] != pattern(ssrc, seq, i))
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage local, remote, rtcp_remote, from, first = { 0 };
	socklen_t llen = 0, rlen = 0;
	const char *out_path = NULL;
	unsigned long count = 100, interval = 20, sent = 0, received = 0, good = 0, bad = 0;
	unsigned long sources = 0;
	double total = 10, wait = 0, t0, next_send, next_rtcp;
	uint32_t ssrc = (uint32_t)getpid() * 2654435761u;
	int o, fd, cfd = -1, rtcp = 0, mux = 0, tamper = 0;
	unsigned long rtcp_in = 0, auth_fail = 0;
	struct tsrtp_key txk = { 0 }, rxk = { 0 };
	struct tsrtp *tx = NULL, *rx = NULL;
	char line[512], fa[80] = "-", stray[80] = "-";

	while ((o = getopt(argc, argv, "l:r:n:i:s:t:w:o:RMk:K:T")) != -1) {
		switch (o) {
		case 'l': if (parse_addr(optarg, &local, &llen) < 0) goto usage; break;
		case 'r': if (parse_addr(optarg, &remote, &rlen) < 0) goto usage; break;
		case 'n': count = strtoul(optarg, NULL, 10); break;
		case 'i': interval = strtoul(optarg, NULL, 10); break;
		case 's': ssrc = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 't': total = atof(optarg); break;
		case 'w': wait = atof(optarg); break;
		case 'o': out_path = optarg; break;
		case 'R': rtcp = 1; break;
		case 'M': mux = 1; break;
		case 'k': if (parse_key(optarg, &txk) < 0) goto usage; break;
		case 'K': if (parse_key(optarg, &rxk) < 0) goto usage; break;
		case 'T': tamper = 1; break;
		default: goto usage;
		}
	}
	if (llen == 0 || rlen == 0)
		goto usage;
	if ((txk.suite || rxk.suite) && tsrtp_init() < 0)
		return 1;
	if ((txk.suite && tsrtp_new(&txk, false, &tx) < 0) ||
	    (rxk.suite && tsrtp_new(&rxk, true, &rx) < 0)) {
		fprintf(stderr, "rtpeer: bad SRTP key\n");
		return 2;
	}
	rtcp_remote = remote;
	if (rtcp_remote.ss_family == AF_INET && !mux)
		((struct sockaddr_in *)&rtcp_remote)->sin_port =
			htons(ntohs(((struct sockaddr_in *)&remote)->sin_port) + 1);
	fd = socket(local.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&local, llen) < 0) {
		perror("rtpeer: bind");
		return 1;
	}
	if (rtcp && !mux && local.ss_family == AF_INET) {
		struct sockaddr_in cl = *(struct sockaddr_in *)&local;
		cl.sin_port = htons(ntohs(cl.sin_port) + 1);
		cfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (cfd < 0 || bind(cfd, (struct sockaddr *)&cl, sizeof(cl)) < 0) {
			perror("rtpeer: bind rtcp");
			return 1;
		}
	}
	t0 = now_s();
	next_send = t0 + wait;
	next_rtcp = next_send;
	for (;;) {
		double t = now_s();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int ms;

		if (t - t0 >= total)
			break;
		if (sent >= count && received >= count)
			break;
		if (sent < count && t >= next_send) {
			uint8_t p[PKT + TSRTP_TRAILER_MAX];
			size_t plen = PKT;
			build(p, ssrc, (uint16_t)(sent + 1000), (uint32_t)(sent * 160));
			if (tx)
				tsrtp_protect(tx, p, &plen, false);
			if (tamper && sent % 10 == 5)
				p[20] ^= 0x01;
			(void)sendto(fd, p, plen, 0, (struct sockaddr *)&remote, rlen);
			sent++;
			next_send += (double)interval / 1000.0;
			continue;
		}
		if (rtcp && t >= next_rtcp && sent < count) {
			uint8_t sr[28 + TSRTP_TRAILER_MAX] = { 0x80, 200, 0, 6 };
			size_t slen = 28;
			sr[4] = (uint8_t)(ssrc >> 24); sr[5] = (uint8_t)(ssrc >> 16);
			sr[6] = (uint8_t)(ssrc >> 8); sr[7] = (uint8_t)ssrc;
			if (tx)
				tsrtp_protect(tx, sr, &slen, true);
			(void)sendto(cfd >= 0 ? cfd : fd, sr, slen, 0,
				     (struct sockaddr *)&rtcp_remote, rlen);
			next_rtcp += 0.2;
		}
		if (cfd >= 0) {
			uint8_t cb[512];
			while (recv(cfd, cb, sizeof(cb), MSG_DONTWAIT) > 0)
				rtcp_in++;
		}
		ms = sent < count ? (int)((next_send - t) * 1000) : 50;
		if (ms < 0)
			ms = 0;
		if (poll(&pfd, 1, ms) > 0) {
			uint8_t buf[2048 + TSRTP_TRAILER_MAX];
			socklen_t fl = sizeof(from);
			ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
			if (n <= 0)
				continue;
			if (n >= 2 && buf[1] >= 192 && buf[1] <= 223) {
				size_t rl = (size_t)n;
				if (rx && tsrtp_unprotect(rx, buf, &rl, true) < 0)
					auth_fail++;
				else
					rtcp_in++;	/* RTCP: counted apart from audio */
				continue;
			}
			if (rx) {
				size_t rl = (size_t)n;
				if (tsrtp_unprotect(rx, buf, &rl, false) < 0) {
					auth_fail++;
					continue;
				}
				n = (ssize_t)rl;
			}
			received++;
			if (intact(buf, n))
				good++;
			else
				bad++;
			if (first.ss_family == 0) {
				first = from;
				addr_str(&from, fa, sizeof(fa));
				sources = 1;
			} else if (memcmp(&first, &from, fl) != 0) {
				sources++;
				addr_str(&from, stray, sizeof(stray));
			}
		}
	}
	snprintf(line, sizeof(line),
		 "sent=%lu received=%lu intact=%lu bad=%lu ssrc=0x%08x from=%s strays=%lu stray=%s rtcp=%lu auth_fail=%lu",
		 sent, received, good, bad, ssrc, fa, sources > 0 ? sources - 1 : 0, stray, rtcp_in, auth_fail);
	printf("%s\n", line);
	if (out_path) {
		FILE *f = fopen(out_path, "w");
		if (f) {
			fprintf(f, "%s\n", line);
			fclose(f);
		}
	}
	close(fd);
	if (cfd >= 0)
		close(cfd);
	tsrtp_free(tx);
	tsrtp_free(rx);
	return 0;
usage:
	fprintf(stderr, "usage: rtpeer -l LOCAL_IP:PORT -r REMOTE_IP:PORT [-n COUNT] [-i MS] "
		"[-s SSRC] [-t SECONDS] [-w SECONDS] [-o FILE] [-R] [-M] [-k SUITE:KEY] [-K SUITE:KEY] [-T]\n");
	return 2;
}
