/* lib/media/relay_worker.c: a media worker thread. It owns an epoll set, the
 * streams assigned to it and their sockets. Each wake-up it reads every
 * ready socket before it sends anything, then sends what it read: no lock,
 * no allocation, no lookup beyond an array index on the packet path.
 *
 * The reads and the sends of a wake-up each go to the kernel in one
 * io_uring submission (one recvmsg or sendmsg per socket, MSG_DONTWAIT, all
 * completed before the submission returns): a system call per packet costs
 * more than the packet's UDP work on a virtual machine (2 us against 0.5 us
 * per send measured here). Where io_uring cannot be set up (an old kernel, a
 * seccomp filter, kernel.io_uring_disabled) the worker reads each ready
 * socket with recvmmsg and sends with sendmmsg per outgoing socket. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <liburing.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "relay_int.h"

#define MAX_EVENTS 256
#define BATCH 256		/* packets read per wake-up, across sockets */
#define PER_SOCKET 16		/* at most from one socket per wake-up */
#define PKT_MAX 2048
#define TICK_MS 200

#define ST_SET(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define ST_ADD(x, n) ST_SET(x, (x) + (n))
/* a dropped packet: counted on its stream and in the worker's live totals */
#define DROP(w, sd, what, idx)                          \
	do {                                            \
		ST_ADD((sd)->c.dropped_##what, 1);      \
		ST_ADD((w)->dropped[idx], 1);           \
	} while (0)

struct pkt {
	uint32_t slot;
	uint8_t side, kind;
	struct sockaddr_storage src;
	uint16_t len;
	uint8_t buf[PKT_MAX + TSRTP_TRAILER_MAX];	/* room for protect() */
};

struct out {
	int fd;
	struct sockaddr_storage *dst;
	socklen_t dst_len;
	struct pkt *p;
	uint64_t *sent;		/* the outgoing side's counter, bumped once it left */
};

/* a read queued in this wake-up's submission */
struct rd {
	uint64_t data;		/* the socket's epoll data: slot, side, kind */
	int res;
};

struct wstate {
	struct worker *w;
	struct rd rds[BATCH];
	struct io_uring ring;
	bool uring;		/* the ring is up: batched reads and sends */
	struct pkt pkts[BATCH];
	struct mmsghdr rmsg[BATCH];
	struct iovec riov[BATCH];
	struct out out[BATCH];
	unsigned n_out;
	struct mmsghdr smsg[BATCH];
	struct iovec siov[BATCH];
};

/* events to the sofia thread (relay_emit) and the commands: relay_cmd.c */

static void check_timeouts(struct worker *w, uint64_t now)
{
	for (uint32_t i = 0; i < w->n_slots; i++) {
		struct stream *s = &w->slots[i];
		if (s->used)
			relay_dtmf_tick(w, i, now);
		if (!s->used || s->timeout_s == 0 || s->timed_out)
			continue;
		/* a command after this pass's clock reading may have set
		 * last_rx_ms later than now: not a timeout (and no wrap) */
		if (s->last_rx_ms < now && now - s->last_rx_ms >= (uint64_t)s->timeout_s * 1000) {
			struct relay_evt e = { .type = RELAY_EVT_TIMEOUT, .slot = i, .gen = s->gen,
					       .cookie = s->cookie };
			s->timed_out = true;
			/* one waiting already says it (same pair: its slot is not
			 * reused before the FREED behind it is through) */
			if (!s->timeout_queued)
				s->timeout_queued = relay_emit(w, &e);
		}
	}
}

/* RFC 5761: on a muxed port, RTCP packet types 192-223 sit where RTP has
 * marker + payload type. */
static bool looks_rtcp(const uint8_t *b)
{
	return b[1] >= 192 && b[1] <= 223;
}

static void stats_rtp(struct stream_side *sd, const struct pkt *p, uint64_t t_us)
{
	const uint8_t *b = p->buf;
	uint32_t ssrc = (uint32_t)b[8] << 24 | (uint32_t)b[9] << 16 | (uint32_t)b[10] << 8 | b[11];
	uint32_t ts = (uint32_t)b[4] << 24 | (uint32_t)b[5] << 16 | (uint32_t)b[6] << 8 | b[7];
	uint16_t seq = (uint16_t)(b[2] << 8 | b[3]);

	rtpstat_update(&sd->rs, ssrc, seq, ts, t_us, sd->clock_rate);
	ST_SET(sd->c.lost, rtpstat_lost(&sd->rs));
	ST_SET(sd->c.out_of_order, sd->rs.out_of_order);
	ST_SET(sd->c.jitter_us, (uint64_t)(rtpstat_jitter_ms(&sd->rs, sd->clock_rate) * 1000));
	ST_SET(sd->c.ssrc, ssrc);
}

/* One packet read from a side: check it, latch, count, queue it out. */
static void handle(struct wstate *ws, struct pkt *p, uint64_t t_us)
{
	struct worker *w = ws->w;
	struct stream *s = &w->slots[p->slot];
	struct stream_side *in = &s->side[p->side], *out = &s->side[!p->side];
	int kind = p->kind, okind;
	struct out *o;

	if (p->len < 8 || (p->buf[0] >> 6) != 2 ||
	    ((kind == RELAY_RTP && !(in->mux && looks_rtcp(p->buf))) && p->len < 12)) {
		DROP(w, in, malformed, RELAY_DROP_MALFORMED);
		return;
	}
	if (kind == RELAY_RTP && looks_rtcp(p->buf))
		kind = RELAY_RTCP;	/* rtcp-mux (or a stray RTCP) on the RTP port */
	if (in->rx_key.suite != TSRTP_NONE && in->rx == NULL) {
		/* SRTP on this leg but no context (libsrtp refused the key):
		 * never take its packets as plain RTP */
		DROP(w, in, auth, RELAY_DROP_AUTH);
		return;
	}
	if (in->rx) {
		/* only authentic packets count, latch or cross */
		size_t n = p->len;
		int r = tsrtp_unprotect(in->rx, p->buf, &n, kind == RELAY_RTCP);
		if (r < 0) {
			if (r == -EALREADY)
				DROP(w, in, replay, RELAY_DROP_REPLAY);
			else
				DROP(w, in, auth, RELAY_DROP_AUTH);
			return;
		}
		p->len = (uint16_t)n;
	}
	/* latching: where this leg's packets really come from */
	if (!in->latched[p->kind] && in->gone[p->kind].ss_family &&
	    same_addr(&p->src, &in->gone[p->kind], true)) {
		DROP(w, in, source, RELAY_DROP_SOURCE);
		return;
	}
	if (!in->latched[p->kind]) {
		if (w->relay->o.latch == RELAY_LATCH_STRICT && in->have_dst[RELAY_RTP] &&
		    !same_addr(&p->src, &in->sdp_addr, false)) {
			DROP(w, in, source, RELAY_DROP_SOURCE);
			return;
		}
		in->dst[p->kind] = p->src;
		in->have_dst[p->kind] = true;
		in->latched[p->kind] = true;
		in->latched_us[p->kind] = t_us;
		if (p->kind == RELAY_RTP) {
			in->c.latched = p->src;
			ST_ADD(in->c.latched_seq, 1);
		}
	} else if (!same_addr(&p->src, &in->dst[p->kind], true)) {
		DROP(w, in, source, RELAY_DROP_SOURCE);
		return;
	}
	s->last_rx_ms = t_us / 1000;
	if (kind == RELAY_RTP) {
		ST_ADD(in->c.packets, 1);
		ST_ADD(in->c.bytes, p->len);
		ST_ADD(w->rx_packets, 1);
		ST_ADD(w->rx_bytes, p->len);
		stats_rtp(in, p, t_us);
	} else {
		ST_ADD(in->c.rtcp_packets, 1);
		ST_ADD(w->rx_rtcp, 1);
	}
	/* telephone-events (RFC 4733): read once each; not relayed to a leg
	 * that gets its digits as SIP INFO. A sender numbers them as its
	 * receiver's SDP says (RFC 3264), else as its own does. */
	if (kind == RELAY_RTP && (in->dtmf_read || out->dtmf_block) &&
	    ((out->te_on && (p->buf[1] & 0x7f) == out->te_pt) ||
	     (in->te_on && (p->buf[1] & 0x7f) == in->te_pt))) {
		if (in->dtmf_read)
			relay_dtmf_read(w, p->slot, p->side, p->buf, p->len, t_us / 1000);
		if (out->dtmf_block)
			return;
	}
	/* a side in a bridge hears the mix, and what it sends goes into it */
	if (in->br) {
		if (kind == RELAY_RTP)
			relay_mix_put(w, in, p->buf, p->len);
		return;
	}
	if (out->br)
		return;
	okind = out->mux ? RELAY_RTP : kind;
	/* a side latched before its SDP (a callee that sends as it answers)
	 * gets nothing until its keys are known: its leg may want SRTP */
	if (!out->have_dst[okind] || !out->configured) {
		DROP(w, in, no_dest, RELAY_DROP_NO_DEST);
		return;
	}
	if (out->tx_key.suite != TSRTP_NONE && out->tx == NULL) {
		/* never send plain RTP to a leg that expects SRTP */
		DROP(w, in, no_dest, RELAY_DROP_NO_DEST);
		return;
	}
	if (kind == RELAY_RTP && (out->gen.on || out->gen.qn)) {
		size_t n = p->len;
		if (relay_dtmf_splice(w, out, p->buf, &n, t_us / 1000))
			p->len = (uint16_t)n;	/* a digit of ours in its place */
	}
	if (kind == RELAY_RTP) {
		out->tx_any = true;
		out->tx_seq = (uint16_t)(p->buf[2] << 8 | p->buf[3]);
		out->tx_ts = (uint32_t)p->buf[4] << 24 | (uint32_t)p->buf[5] << 16 |
			     (uint32_t)p->buf[6] << 8 | p->buf[7];
	}
	if (out->tx) {
		size_t n = p->len;
		if (tsrtp_protect(out->tx, p->buf, &n, kind == RELAY_RTCP) < 0)
			return;
		p->len = (uint16_t)n;
	}
	o = &ws->out[ws->n_out++];
	o->fd = out->fd[okind];
	o->dst = &out->dst[okind];
	o->dst_len = sa_len(&out->dst[okind]);
	o->p = p;
	o->sent = &out->c.sent;
}

/* Send out[first .. first+n) on fd: what went counts as sent; what the kernel
 * refused (a full socket buffer drops what does not fit, like the wire; an
 * error such as an unreachable address skips that one packet) is dropped and
 * counted. At most n calls. */
static void send_all(struct wstate *ws, int fd, unsigned first, unsigned n)
{
	struct worker *w = ws->w;
	unsigned done = 0;

	while (done < n) {
		int r = sendmmsg(fd, ws->smsg + done, n - done, MSG_DONTWAIT);
		if (r <= 0) {
			bool full = r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
			unsigned lost = full ? n - done : 1;
			ST_ADD(w->dropped[RELAY_DROP_SEND], lost);
			done += lost;
			continue;
		}
		for (int k = 0; k < r; k++)
			ST_ADD(*ws->out[first + done + (unsigned)k].sent, 1);
		ST_ADD(w->packets, (uint64_t)r);
		done += (unsigned)r;
	}
}

/* Wait for the n completions of what was just queued and hand each to
 * done(ws, user_data, res); returns how many came. The operations carry
 * MSG_DONTWAIT: the kernel completes every one of them inside
 * io_uring_submit_and_wait() (REQ_F_NOWAIT: a full buffer fails at once
 * with -EAGAIN, nothing is retried later), so the wait never sleeps. Should
 * the ring ever fail or leave an operation open all the same, the worker
 * closes it (the kernel cancels what is left) and goes on with
 * recvmmsg/sendmmsg: a late completion must never write into a later
 * batch's buffers. */
static unsigned uring_run(struct wstate *ws, unsigned n,
			  void (*done)(struct wstate *, uint64_t, int))
{
	unsigned got = 0;

	for (int tries = 0; got < n && tries < 4; tries++) {
		struct io_uring_cqe *cqe;
		unsigned head, k = 0;
		int r = io_uring_submit_and_wait(&ws->ring, n - got);

		if (r < 0 && r != -EINTR && r != -EAGAIN && r != -EBUSY)
			break;
		io_uring_for_each_cqe(&ws->ring, head, cqe) {
			done(ws, cqe->user_data, cqe->res);
			k++;
		}
		io_uring_cq_advance(&ws->ring, k);
		got += k;
	}
	if (got < n) {
		io_uring_queue_exit(&ws->ring);
		ws->uring = false;
		ST_SET(ws->w->uring, false);
	}
	return got;
}

static void sent_one(struct wstate *ws, uint64_t i, int res)
{
	struct worker *w = ws->w;

	if (i >= ws->n_out)
		return;
	if (res < 0) {
		ST_ADD(w->dropped[RELAY_DROP_SEND], 1);
		return;
	}
	ST_ADD(*ws->out[i].sent, 1);
	ST_ADD(w->packets, 1);
}

static void flush_out_uring(struct wstate *ws)
{
	unsigned queued = 0;

	for (unsigned i = 0; i < ws->n_out; i++) {
		struct out *o = &ws->out[i];
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ws->ring);

		if (sqe == NULL) {	/* cannot happen: the ring holds two batches */
			ST_ADD(ws->w->dropped[RELAY_DROP_SEND], 1);
			continue;
		}
		ws->siov[i] = (struct iovec){ o->p->buf, o->p->len };
		ws->smsg[i].msg_hdr = (struct msghdr){ .msg_name = o->dst, .msg_namelen = o->dst_len,
						       .msg_iov = &ws->siov[i], .msg_iovlen = 1 };
		io_uring_prep_sendmsg(sqe, o->fd, &ws->smsg[i].msg_hdr, MSG_DONTWAIT);
		io_uring_sqe_set_data64(sqe, i);
		queued++;
	}
	queued -= uring_run(ws, queued, sent_one);
	ST_ADD(ws->w->dropped[RELAY_DROP_SEND], queued);	/* never completed */
	ws->n_out = 0;
}

static void flush_out(struct wstate *ws)
{
	unsigned i = 0;

	if (ws->uring) {
		flush_out_uring(ws);
		return;
	}

	while (i < ws->n_out) {
		unsigned n = 0;
		int fd = ws->out[i].fd;
		while (i + n < ws->n_out && ws->out[i + n].fd == fd) {
			struct out *o = &ws->out[i + n];
			ws->siov[n] = (struct iovec){ o->p->buf, o->p->len };
			ws->smsg[n].msg_hdr = (struct msghdr){ .msg_name = o->dst,
							       .msg_namelen = o->dst_len,
							       .msg_iov = &ws->siov[n],
							       .msg_iovlen = 1 };
			n++;
		}
		send_all(ws, fd, i, n);
		i += n;
	}
	ws->n_out = 0;
}

/* Read what one socket has, up to the room left in the batch. */
static unsigned read_socket(struct wstate *ws, unsigned used, uint64_t data, uint64_t t_us)
{
	struct worker *w = ws->w;
	uint32_t slot = (uint32_t)(data >> 2);
	int side = (int)((data >> 1) & 1), kind = (int)(data & 1);
	struct stream *s = &w->slots[slot];
	/* usually one packet waits: set up no more headers than a socket's share */
	unsigned room = BATCH - used < PER_SOCKET ? BATCH - used : PER_SOCKET;
	int n;

	if (slot >= w->n_slots || !s->used || room == 0)
		return 0;
	for (unsigned i = 0; i < room; i++) {
		struct pkt *p = &ws->pkts[used + i];
		ws->riov[i] = (struct iovec){ p->buf, PKT_MAX };
		ws->rmsg[i].msg_hdr = (struct msghdr){ .msg_name = &p->src,
						       .msg_namelen = sizeof(p->src),
						       .msg_iov = &ws->riov[i], .msg_iovlen = 1 };
	}
	n = recvmmsg(s->side[side].fd[kind], ws->rmsg, room, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return 0;
	for (int i = 0; i < n; i++) {
		struct pkt *p = &ws->pkts[used + (unsigned)i];
		p->slot = slot;
		p->side = (uint8_t)side;
		p->kind = (uint8_t)kind;
		p->len = (uint16_t)ws->rmsg[i].msg_len;
		if (ws->rmsg[i].msg_hdr.msg_flags & MSG_TRUNC) {
			DROP(w, &s->side[side], malformed, RELAY_DROP_MALFORMED);
			p->len = 0;
			continue;
		}
		handle(ws, p, t_us);
	}
	return (unsigned)n;
}

/* The reads of a wake-up in one submission: a recvmsg per ready socket
 * (one datagram each; a socket with more stays ready and is read again at
 * the next wake-up, level-triggered), handled in the order they were
 * queued. */
static void read_one(struct wstate *ws, uint64_t k, int res)
{
	if (k < BATCH)
		ws->rds[k].res = res;
}

static void read_sockets_uring(struct wstate *ws, const struct epoll_event *ev, int n, uint64_t t_us)
{
	struct worker *w = ws->w;
	unsigned q = 0;

	for (int i = 0; i < n && q < BATCH; i++) {
		uint64_t data = ev[i].data.u64;
		uint32_t slot = (uint32_t)(data >> 2);
		int side = (int)((data >> 1) & 1), kind = (int)(data & 1);
		struct io_uring_sqe *sqe;
		struct pkt *p = &ws->pkts[q];

		if (data >= UINT64_MAX - 1 || slot >= w->n_slots || !w->slots[slot].used)
			continue;
		sqe = io_uring_get_sqe(&ws->ring);
		if (sqe == NULL)
			break;
		ws->riov[q] = (struct iovec){ p->buf, PKT_MAX };
		ws->rmsg[q].msg_hdr = (struct msghdr){ .msg_name = &p->src, .msg_namelen = sizeof(p->src),
						       .msg_iov = &ws->riov[q], .msg_iovlen = 1 };
		/* MSG_TRUNC: the result is the datagram's whole length, so a
		 * longer one than the buffer shows (res > PKT_MAX) */
		io_uring_prep_recvmsg(sqe, w->slots[slot].side[side].fd[kind], &ws->rmsg[q].msg_hdr,
				      MSG_DONTWAIT | MSG_TRUNC);
		io_uring_sqe_set_data64(sqe, q);
		ws->rds[q] = (struct rd){ .data = data, .res = -EAGAIN };
		q++;
	}
	if (q == 0)
		return;
	uring_run(ws, q, read_one);
	for (unsigned k = 0; k < q; k++) {
		struct pkt *p = &ws->pkts[k];
		uint64_t data = ws->rds[k].data;
		struct stream *s = &w->slots[(uint32_t)(data >> 2)];

		if (ws->rds[k].res < 0)
			continue;	/* -EAGAIN: nothing there after all; or an error */
		/* 0 is an empty datagram: handle() counts it as malformed */
		p->slot = (uint32_t)(data >> 2);
		p->side = (uint8_t)((data >> 1) & 1);
		p->kind = (uint8_t)(data & 1);
		if (ws->rds[k].res > PKT_MAX) {
			DROP(w, &s->side[p->side], malformed, RELAY_DROP_MALFORMED);
			continue;
		}
		p->len = (uint16_t)ws->rds[k].res;
		handle(ws, p, t_us);
	}
}

void *relay_worker_main(void *arg)
{
	static __thread struct wstate ws_storage;
	struct worker *w = arg;
	struct wstate *ws = &ws_storage;
	struct epoll_event ev[MAX_EVENTS];
	uint64_t last_tick = now_ms();
	uint64_t cmd_data = UINT64_MAX, mix_data = UINT64_MAX - 1;
	struct epoll_event cev = { .events = EPOLLIN, .data.u64 = cmd_data };
	char name[16];

	snprintf(name, sizeof(name), "tandem-media%u", w->index);
	pthread_setname_np(pthread_self(), name);
	ws->w = w;
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, ring_fd(w->cmd), &cev) < 0)
		return NULL;
	/* room for a batch of reads and one of sends; one thread submits */
	ws->uring = !w->relay->o.no_uring &&
		    (io_uring_queue_init(2 * BATCH, &ws->ring, IORING_SETUP_SINGLE_ISSUER) == 0 ||
		     io_uring_queue_init(2 * BATCH, &ws->ring, 0) == 0);
	ST_SET(w->uring, ws->uring);
	for (;;) {
		int n = epoll_wait(w->epfd, ev, MAX_EVENTS, TICK_MS);
		uint64_t t_us = now_us(), t_ms = t_us / 1000;
		unsigned used = 0;
		bool cmds = false, mix = false;

		for (int i = 0; i < n; i++) {
			if (ev[i].data.u64 == cmd_data) {
				cmds = true;
				continue;
			}
			if (ev[i].data.u64 == mix_data) {
				mix = true;
				continue;
			}
			if (!ws->uring)
				used += read_socket(ws, used, ev[i].data.u64, t_us);
		}
		if (ws->uring && n > 0)
			read_sockets_uring(ws, ev, n, t_us);
		if (mix)
			relay_mix_tick(w);	/* after the reads: they are in the mix */
		if (ws->n_out)
			flush_out(ws);
		/* only now: a DEL must not close a socket that packets of this
		 * batch still go out of (its number could even be reused) */
		if (cmds)
			relay_run_commands(w);
		if (t_ms - last_tick >= 1000) {
			last_tick = t_ms;
			check_timeouts(w, t_ms);
		}
		if (w->bl_len)
			relay_backlog_flush(w);
		if (__atomic_load_n(&w->quit, __ATOMIC_ACQUIRE))
			break;	/* also when relay_free's wake-up was missed */
	}
	if (ws->uring)
		io_uring_queue_exit(&ws->ring);
	return NULL;
}
