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

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static socklen_t sa_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b,
		      bool with_port)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_addr.s_addr == y->sin_addr.s_addr &&
		       (!with_port || x->sin_port == y->sin_port);
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
		return memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0 &&
		       (!with_port || x->sin6_port == y->sin6_port);
	}
	return false;
}

static uint64_t ev_data(uint32_t slot, int side, int kind)
{
	return ((uint64_t)slot << 2) | ((uint64_t)side << 1) | (uint64_t)kind;
}

/* ---- events to the sofia thread ---- */

/* Move what waits in the backlog into the ring, oldest first. What is left
 * waits for sofia's wake-up (it has emptied the ring: on_events), which the
 * flag asks for; the second pass closes the race with a sofia thread that
 * emptied the ring just before the flag went up. Every loop also retries. */
static void backlog_flush(struct worker *w)
{
	for (int pass = 0; pass < 2; pass++) {
		while (w->bl_len && ring_push(w->evt, &w->backlog[w->bl_head]) == 0) {
			const struct relay_evt *e = &w->backlog[w->bl_head];
			if (e->type == RELAY_EVT_TIMEOUT)
				w->slots[e->slot].timeout_queued = false;
			w->bl_head = (w->bl_head + 1) % w->bl_cap;
			ST_SET(w->bl_len, w->bl_len - 1);
		}
		if (w->bl_len == 0)
			return;
		if (pass == 0) {
			__atomic_store_n(&w->evt_waiting, true, __ATOMIC_SEQ_CST);
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
		}
	}
}

/* An event, never dropped: into the ring, or behind those already waiting
 * in the backlog. Returns whether it waits. */
static bool emit(struct worker *w, const struct relay_evt *e)
{
	if (w->bl_len == 0 && ring_push(w->evt, e) == 0)
		return false;
	if (w->bl_len == w->bl_cap) {
		ST_ADD(w->evt_lost, 1);		/* cannot happen: see relay_int.h */
		return false;
	}
	w->backlog[(w->bl_head + w->bl_len) % w->bl_cap] = *e;
	ST_SET(w->bl_len, w->bl_len + 1);
	backlog_flush(w);			/* raises the flag, tries once more */
	return w->bl_len > 0;
}

/* ---- commands ---- */

static void close_stream(struct worker *w, uint32_t slot)
{
	struct stream *s = &w->slots[slot];
	struct relay_evt e = { .type = RELAY_EVT_FREED, .slot = slot, .gen = s->gen };

	for (int side = 0; side < 2; side++) {
		struct stream_side *sd = &s->side[side];
		for (int k = 0; k < 2; k++)
			if (sd->fd[k] >= 0) {
				epoll_ctl(w->epfd, EPOLL_CTL_DEL, sd->fd[k], NULL);
				close(sd->fd[k]);
				sd->fd[k] = -1;
			}
		sd->rx = tsrtp_free(sd->rx);
		sd->tx = tsrtp_free(sd->tx);
		tsrtp_key_wipe(&sd->rx_key);
		tsrtp_key_wipe(&sd->tx_key);
	}
	s->used = false;
	emit(w, &e);
}

static void do_add(struct worker *w, const struct relay_cmd *c)
{
	struct stream *s = &w->slots[c->slot];

	memset(s, 0, sizeof(*s));
	s->used = true;
	s->gen = c->gen;
	s->cookie = c->cookie;
	s->last_rx_ms = now_ms();
	for (int side = 0; side < 2; side++)
		for (int k = 0; k < 2; k++) {
			struct epoll_event ev = { .events = EPOLLIN,
						  .data.u64 = ev_data(c->slot, side, k) };
			s->side[side].fd[k] = c->fd[side][k];
			if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, c->fd[side][k], &ev) < 0) {
				/* cannot serve it: give it back at once */
				close_stream(w, c->slot);
				return;
			}
		}
}

/* A new key (or none) for one direction of a side: a new context. */
static void set_key(struct tsrtp **ctx, struct tsrtp_key *cur, const struct tsrtp_key *k,
		    bool inbound)
{
	if (*ctx && tsrtp_key_equal(cur, k))
		return;
	*ctx = tsrtp_free(*ctx);
	tsrtp_key_wipe(cur);
	if (k->suite == TSRTP_NONE)
		return;
	/* the key is remembered even when libsrtp refuses it: the side then
	 * drops its packets instead of passing them in clear (handle()) */
	*cur = *k;
	if (tsrtp_new(k, inbound, ctx) < 0)
		*ctx = NULL;
}

static void do_set(struct worker *w, const struct relay_cmd *c)
{
	struct stream *s = &w->slots[c->slot];
	struct stream_side *sd;

	if (!s->used || s->gen != c->gen || c->side < 0 || c->side > 1)
		return;
	sd = &s->side[c->side];
	/* a new address in the SDP (first answer, re-INVITE to elsewhere):
	 * send there and latch again; the same address keeps the latch */
	if (!sd->configured || !same_addr(&sd->sdp_addr, &c->ep.addr[RELAY_RTP], true)) {
		for (int k = 0; k < 2; k++) {
			/* a new party (transfer, Replaces): the old one may
			 * still send for a while; it must not win the latch.
			 * A side vacated for it (no SDP address) knows who is
			 * gone already: what latched since is the new party,
			 * and so is a latch by a packet read after the command
			 * was sent (it waited behind that packet's batch) */
			if (c->ep.new_party && sd->configured && sd->have_dst[k]) {
				if (sd->sdp_addr.ss_family != 0 &&
				    !(sd->latched[k] && sd->latched_us[k] >= c->issued_us))
					sd->gone[k] = sd->dst[k];	/* latched or from its SDP */
			} else if (!c->ep.new_party)
				memset(&sd->gone[k], 0, sizeof(sd->gone[k]));
			sd->dst[k] = c->ep.addr[k];
			sd->have_dst[k] = c->ep.addr[k].ss_family != 0;
			sd->latched[k] = false;
		}
	}
	set_key(&sd->rx, &sd->rx_key, &c->ep.rx, true);
	set_key(&sd->tx, &sd->tx_key, &c->ep.tx, false);
	sd->configured = true;
	sd->sdp_addr = c->ep.addr[RELAY_RTP];
	sd->mux = c->ep.mux;
	sd->clock_rate = c->ep.clock_rate ? c->ep.clock_rate : 8000;
	sd->te_on = c->ep.te_on;
	sd->te_pt = c->ep.te_pt;
	sd->te_rate = c->ep.te_rate;
	sd->dtmf_read = c->ep.dtmf_read;
	sd->dtmf_block = c->ep.dtmf_block;
	s->timeout_s = c->timeout_s;
	s->timed_out = false;
	s->last_rx_ms = now_ms();
}

/* New sockets for a side (a party in another address family takes it):
 * the old ones close, their ports go back; the side waits for its address. */
static void do_swap(struct worker *w, const struct relay_cmd *c)
{
	struct stream *s = &w->slots[c->slot];
	struct relay_evt e = { .type = RELAY_EVT_PORT_FREED, .slot = c->slot, .gen = c->gen,
			       .base = c->old_base };
	struct stream_side *sd;

	if (!s->used || s->gen != c->gen || c->side < 0 || c->side > 1) {
		/* the pair is gone (cannot happen: a DEL makes the id stale
		 * before its SWAP is queued): these sockets have no home */
		close(c->fd[0][0]);
		close(c->fd[0][1]);
		e.base = c->new_base;
		emit(w, &e);
		return;
	}
	sd = &s->side[c->side];
	for (int k = 0; k < 2; k++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u64 = ev_data(c->slot, c->side, k) };
		if (sd->fd[k] >= 0) {
			epoll_ctl(w->epfd, EPOLL_CTL_DEL, sd->fd[k], NULL);
			close(sd->fd[k]);
		}
		sd->fd[k] = c->fd[0][k];
		epoll_ctl(w->epfd, EPOLL_CTL_ADD, sd->fd[k], &ev);
		/* the old party is in the other family: nothing of it carries over */
		memset(&sd->gone[k], 0, sizeof(sd->gone[k]));
		sd->have_dst[k] = false;
		sd->latched[k] = false;
	}
	sd->configured = false;
	emit(w, &e);
}

static void run_commands(struct worker *w)
{
	struct relay_cmd c;

	ring_ack(w->cmd);
	while (ring_pop(w->cmd, &c)) {
		switch (c.type) {
		case RELAY_CMD_ADD:
			do_add(w, &c);
			break;
		case RELAY_CMD_SET:
			do_set(w, &c);
			break;
		case RELAY_CMD_TIMEOUT:
			if (w->slots[c.slot].used && w->slots[c.slot].gen == c.gen) {
				w->slots[c.slot].timeout_s = c.timeout_s;
				w->slots[c.slot].timed_out = false;
				w->slots[c.slot].last_rx_ms = now_ms();
			}
			break;
		case RELAY_CMD_SWAP:
			do_swap(w, &c);
			break;
		case RELAY_CMD_DTMF:
			relay_dtmf_queue(w, &c, now_ms());
			break;
		case RELAY_CMD_DEL:
			if (w->slots[c.slot].used && w->slots[c.slot].gen == c.gen)
				close_stream(w, c.slot);
			break;
		}
		tsrtp_key_wipe(&c.ep.rx);
		tsrtp_key_wipe(&c.ep.tx);
	}
	/* the ring is empty: a sofia thread holding commands back may send them */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&w->cmd_waiting, __ATOMIC_RELAXED) &&
	    __atomic_exchange_n(&w->cmd_waiting, false, __ATOMIC_SEQ_CST))
		ring_wake(w->evt);
}

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
				s->timeout_queued = emit(w, &e);
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

		if (data == UINT64_MAX || slot >= w->n_slots || !w->slots[slot].used)
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
	uint64_t cmd_data = UINT64_MAX;
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
		bool cmds = false;

		for (int i = 0; i < n; i++) {
			if (ev[i].data.u64 == cmd_data) {
				cmds = true;
				continue;
			}
			if (!ws->uring)
				used += read_socket(ws, used, ev[i].data.u64, t_us);
		}
		if (ws->uring && n > 0)
			read_sockets_uring(ws, ev, n, t_us);
		if (ws->n_out)
			flush_out(ws);
		/* only now: a DEL must not close a socket that packets of this
		 * batch still go out of (its number could even be reused) */
		if (cmds)
			run_commands(w);
		if (t_ms - last_tick >= 1000) {
			last_tick = t_ms;
			check_timeouts(w, t_ms);
		}
		if (w->bl_len)
			backlog_flush(w);
		if (__atomic_load_n(&w->quit, __ATOMIC_ACQUIRE))
			break;	/* also when relay_free's wake-up was missed */
	}
	if (ws->uring)
		io_uring_queue_exit(&ws->ring);
	return NULL;
}
