/* lib/media/relay_cmd.c: a worker's hand-offs with the sofia thread: the
 * events it sends (never dropped: the ring, else the backlog) and the
 * commands it runs (a pair added, set, swapped, moved, freed; bridges
 * joined and left). Worker thread only. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "relay_int.h"

#define ST_SET(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define ST_ADD(x, n) ST_SET(x, (x) + (n))

/* ---- events to the sofia thread ---- */

/* Move what waits in the backlog into the ring, oldest first. What is left
 * waits for sofia's wake-up (it has emptied the ring: on_events), which the
 * flag asks for; the second pass closes the race with a sofia thread that
 * emptied the ring just before the flag went up. Every loop also retries. */
void relay_backlog_flush(struct worker *w)
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
bool relay_emit(struct worker *w, const struct relay_evt *e)
{
	if (w->bl_len == 0 && ring_push(w->evt, e) == 0)
		return false;
	if (w->bl_len == w->bl_cap) {
		ST_ADD(w->evt_lost, 1);		/* cannot happen: see relay_int.h */
		return false;
	}
	w->backlog[(w->bl_head + w->bl_len) % w->bl_cap] = *e;
	ST_SET(w->bl_len, w->bl_len + 1);
	relay_backlog_flush(w);			/* raises the flag, tries once more */
	return w->bl_len > 0;
}

/* ---- commands ---- */

static void close_stream(struct worker *w, uint32_t slot)
{
	struct stream *s = &w->slots[slot];
	struct relay_evt e = { .type = RELAY_EVT_FREED, .slot = slot, .gen = s->gen };

	for (int side = 0; side < 2; side++) {
		struct stream_side *sd = &s->side[side];
		relay_mix_leave(w, slot, side);
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
	relay_emit(w, &e);
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
			 * was sent (it waited behind that packet's batch), and
			 * one from the new party's own SDP address (it sent as
			 * it answered, before tandemd read the answer, to a
			 * side the old party never latched) */
			if (c->ep.new_party && sd->configured && sd->have_dst[k]) {
				bool new_one = sd->latched[k] &&
					       (sd->latched_us[k] >= c->issued_us ||
						same_addr(&sd->dst[k], &c->ep.addr[k], true));
				if (sd->sdp_addr.ss_family != 0 && !new_one)
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
		relay_emit(w, &e);
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
	relay_emit(w, &e);
}

/* The pair leaves this worker (relay_pair_move): the whole stream goes
 * into the block, sockets and SRTP contexts included; the slot is free
 * once the sofia thread reads MOVED. Its bridge memberships stay here. */
static void do_move_out(struct worker *w, const struct relay_cmd *c)
{
	struct stream *s = &w->slots[c->slot];
	struct relay_evt e = { .type = RELAY_EVT_MOVED, .slot = c->slot, .gen = c->gen,
			       .to_worker = c->to_worker, .to_slot = c->to_slot,
			       .to_gen = c->to_gen, .move = c->move };

	if (s->used && s->gen == c->gen) {
		for (int side = 0; side < 2; side++) {
			relay_mix_leave(w, c->slot, side);
			for (int k = 0; k < 2; k++)
				if (s->side[side].fd[k] >= 0)
					epoll_ctl(w->epfd, EPOLL_CTL_DEL, s->side[side].fd[k], NULL);
		}
		c->move->s = *s;
		explicit_bzero(s, sizeof(*s));
		for (int side = 0; side < 2; side++)
			s->side[side].fd[0] = s->side[side].fd[1] = -1;
	} else {
		c->move->s.used = false;	/* closed already: nothing travels */
	}
	s->used = false;
	relay_emit(w, &e);
}

/* The pair arrives (relay_pair_move): into the slot kept for it. */
static void do_move_in(struct worker *w, const struct relay_cmd *c)
{
	struct stream *s = &w->slots[c->slot];
	struct relay_move *m = c->move;

	if (!m->s.used) {
		struct relay_evt e = { .type = RELAY_EVT_FREED, .slot = c->slot, .gen = c->gen };
		relay_emit(w, &e);	/* the ports come back through this slot */
	} else {
		*s = m->s;
		s->gen = c->gen;
		for (int side = 0; side < 2; side++) {
			s->side[side].br = 0;
			for (int k = 0; k < 2; k++) {
				struct epoll_event ev = { .events = EPOLLIN,
							  .data.u64 = ev_data(c->slot, side, k) };
				if (s->side[side].fd[k] >= 0 &&
				    epoll_ctl(w->epfd, EPOLL_CTL_ADD, s->side[side].fd[k], &ev) < 0) {
					close_stream(w, c->slot);
					side = 2;
					break;
				}
			}
		}
	}
	explicit_bzero(m, sizeof(*m));	/* keys */
	free(m);
}

void relay_run_commands(struct worker *w)
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
		case RELAY_CMD_BR_JOIN:
			relay_mix_join(w, &c);
			break;
		case RELAY_CMD_BR_LEAVE:
			if (w->slots[c.slot].used && w->slots[c.slot].gen == c.gen &&
			    c.side >= 0 && c.side <= 1)
				relay_mix_leave(w, c.slot, c.side);
			break;
		case RELAY_CMD_MOVE_OUT:
			do_move_out(w, &c);
			break;
		case RELAY_CMD_MOVE_IN:
			do_move_in(w, &c);
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
