/* lib/media private: the relay's commands and events (plain values: no
 * pointer crosses a thread), a worker's stream slots, and the port pool.
 *
 * Hand-offs never lose a record and never wait. A command that finds its
 * worker's ring full waits in a queue of the sofia thread (cmdq); an event
 * that finds the event ring full waits in the worker's backlog. Each side
 * that holds records back raises a flag (cmd_waiting, evt_waiting) and the
 * other side, once it has emptied the ring, clears it and wakes the first
 * through the ring's eventfd (ring_wake). Raising the flag, a full fence,
 * then trying the ring once more closes the race with the other side's
 * "emptied, fence, read the flag" (relay.c cmdq_flush, relay_worker.c
 * backlog_flush). */
#pragma once

#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "relay.h"
#include "dtmf.h"
#include "mix.h"
#include "rtpstat.h"
#include "util/ring.h"

enum relay_cmd_type {
	RELAY_CMD_ADD, RELAY_CMD_SET, RELAY_CMD_TIMEOUT, RELAY_CMD_DEL, RELAY_CMD_SWAP,
	RELAY_CMD_DTMF, RELAY_CMD_BR_JOIN, RELAY_CMD_BR_LEAVE, RELAY_CMD_MOVE_OUT, RELAY_CMD_MOVE_IN
};
enum relay_evt_type {
	RELAY_EVT_FREED, RELAY_EVT_TIMEOUT, RELAY_EVT_PORT_FREED, RELAY_EVT_DTMF, RELAY_EVT_MOVED
};

struct relay_move;

struct relay_cmd {
	enum relay_cmd_type type;
	uint32_t slot, gen;
	uint64_t cookie;		/* ADD */
	int fd[2][2];			/* ADD: [side][RELAY_RTP/RTCP]; SWAP: fd[0] */
	int side;			/* SET, SWAP */
	uint16_t old_base;		/* SWAP: the side's ports, freed with its sockets */
	uint16_t new_base;		/* SWAP: the spare's ports */
	struct relay_endpoint ep;	/* SET */
	unsigned timeout_s;		/* SET */
	uint64_t issued_us;		/* SET: CLOCK_MONOTONIC when the sofia thread sent it */
	uint8_t dtmf_event;		/* DTMF: the digit to send to `side` */
	uint16_t dtmf_ms;		/* DTMF: its duration */
	uint16_t br;			/* BR_JOIN: the bridge's index in the worker */
	uint8_t codec, pt;		/* BR_JOIN: what the mixer sends to the side */
	/* MOVE_OUT: the pair's new home (its slot there waits for it);
	 * MOVE_OUT/MOVE_IN: the block the pair travels in (relay_pair_move) */
	uint16_t to_worker;
	uint32_t to_slot, to_gen;
	struct relay_move *move;
};

struct relay_evt {
	enum relay_evt_type type;
	uint32_t slot, gen;
	uint64_t cookie;
	uint16_t base;			/* PORT_FREED */
	uint8_t side, event;		/* DTMF: where from, which */
	uint16_t duration_ms;		/* DTMF */
	uint16_t to_worker;		/* MOVED: where it goes, in what */
	uint32_t to_slot, to_gen;
	struct relay_move *move;
};

/* Counters a worker writes and the sofia thread reads (relaxed atomics:
 * one writer, torn values impossible on aligned 64-bit words). */
struct side_counters {
	uint64_t packets, bytes, rtcp_packets, sent;
	uint64_t lost, out_of_order;
	uint64_t dropped_source, dropped_malformed, dropped_no_dest;
	uint64_t dropped_auth, dropped_replay;
	uint64_t jitter_us;
	uint64_t ssrc;
	uint64_t latched_seq;		/* bumped when latched changes */
	uint64_t mix_late;		/* in a bridge: packets too late for the mix */
	struct sockaddr_storage latched;
};

struct stream_side {
	int fd[2];
	struct sockaddr_storage dst[2];
	struct sockaddr_storage sdp_addr;	/* for strict latching */
	bool have_dst[2];
	bool latched[2];
	uint64_t latched_us[2];		/* the batch time of the packet that latched */
	bool configured;		/* an SDP address has been set */
	struct sockaddr_storage gone[2];	/* latched before the address changed:
						 * the old party, never latched again */
	bool mux;
	unsigned clock_rate;
	struct tsrtp_key rx_key, tx_key;	/* wiped when the stream closes */
	struct tsrtp *rx, *tx;			/* NULL: plain RTP on this leg */
	struct rtpstat rs;
	struct side_counters c;
	bool te_on, dtmf_read, dtmf_block;	/* see struct relay_endpoint */
	uint8_t te_pt;
	unsigned te_rate;
	struct dtmf_det det;			/* the events this leg sends */
	struct dtmf_gen gen;			/* digits we send to this leg */
	/* the last RTP sequence number and timestamp sent to this leg: a
	 * bridge's stream to it goes on from there (a phone whose jitter
	 * buffer ignores a new SSRC takes lower numbers as late) */
	bool tx_any;
	uint16_t tx_seq;
	uint32_t tx_ts;
	uint16_t br;				/* 1 + its bridge's index; 0: none */
	uint8_t br_party;			/* its place among the bridge's parties */
};

struct stream {
	bool used;
	uint32_t gen;
	uint64_t cookie;
	struct stream_side side[2];
	uint64_t last_rx_ms;
	unsigned timeout_s;
	bool timed_out;
	bool timeout_queued;		/* its TIMEOUT waits in the backlog: a
					 * second one is coalesced into it */
};

/* A command waiting for room in its worker's ring (sofia thread). */
struct cmdq_node {
	struct cmdq_node *next;
	bool keep;			/* part of a relay_move: not freed when sent */
	struct relay_cmd c;
};

/* A pair on its way from one worker to another (a conference bridge mixes
 * on one worker: relay_pair_move). The one exception to "no pointer
 * crosses a thread": the sofia thread allocates it, the old worker fills
 * `s` with the whole stream (sockets, SRTP contexts, counters) and gives
 * up the slot, the sofia thread queues `node` (MOVE_IN) in front of the
 * new worker's held commands, and the new worker copies `s` into its slot
 * and frees the block. Each step owns it alone. */
struct relay_move {
	struct cmdq_node node;
	struct stream s;
};

/* A party of a bridge, in the worker that mixes (relay_mix.c). */
struct mix_party {
	uint32_t slot;
	uint8_t side;
	enum mix_codec codec;		/* what it is sent */
	uint8_t pt;
	struct mix_jb jb;
	struct mix_out out;
};

struct wbridge {
	unsigned n;
	struct mix_party p[MIX_MAX_PARTIES];
};

#define RELAY_BRIDGES 32		/* bridges a worker mixes at once */

struct worker {
	struct relay *relay;
	unsigned index;
	pthread_t thread;
	bool started;
	int epfd;
	struct ring *cmd;		/* sofia -> worker */
	struct ring *evt;		/* worker -> sofia */
	/* shared flags (atomics): see the top of this file */
	bool cmd_waiting;		/* sofia has commands in cmdq */
	bool evt_waiting;		/* the worker has events in its backlog */
	bool quit;			/* relay_free: stop (then wake the worker) */
	int evt_reg;			/* su_root registration */
	struct stream *slots;		/* worker-owned; counters read by sofia */
	uint32_t n_slots;
	uint64_t packets;		/* relayed, for status */
	bool uring;			/* its packet I/O goes through io_uring */
	/* live totals of all its streams, for status and metrics (relaxed atomics) */
	uint64_t rx_packets, rx_bytes, rx_rtcp;
	uint64_t dropped[RELAY_DROP_N];
	/* worker-owned: events the ring had no room for, oldest first. Sized
	 * for every event that can be outstanding (a FREED and a TIMEOUT per
	 * slot, a PORT_FREED per pool port), so it never fills; if it ever
	 * did, the event is counted in evt_lost. bl_len is read by status. */
	struct relay_evt *backlog;
	uint32_t bl_cap, bl_head, bl_len;
	uint64_t evt_lost;
	/* DTMF events go only into the ring (never the backlog: it is sized
	 * for the events that must not be lost); one that finds no room is
	 * counted here (relaxed atomics) */
	uint64_t dtmf_events, dtmf_lost;
	/* conference bridges it mixes (worker-owned; relay_mix.c), its 20 ms
	 * timer, and the mixing's own counters (relaxed atomics) */
	struct wbridge *bridges;
	unsigned br_active;
	int tfd;
	uint64_t mix_frames, mix_ns;
	/* sofia-thread: bridges in use, moves into this worker in flight (its
	 * commands wait behind them in cmdq: hold) */
	uint8_t br_used[RELAY_BRIDGES];
	unsigned hold;
	/* sofia-thread: commands the ring had no room for, in order; and
	 * DELs that could not even be queued (out of memory), one flag per
	 * slot, sent once the queue is empty (no other command for their
	 * slot can follow them). */
	struct cmdq_node *q_head, *q_tail;
	uint32_t q_len;
	uint8_t *del_pending;
	uint32_t n_del_pending, del_scan;
	/* sofia-thread bookkeeping of this worker's slots */
	uint32_t *free_slots;
	uint32_t n_free;
	uint32_t *slot_gen;
	uint16_t (*slot_ports)[2];	/* base port of each side, for freeing */
};

struct portpool {
	uint16_t *free;		/* even base ports; each holds port and port + 1 */
	unsigned n_free, n_total;
};

struct relay {
	void *root;
	struct relay_opts o;
	char bind_addr[64];
	char bind_addr6[64];		/* "": no IPv6 sides beside IPv4 ones */
	int family;
	struct portpool pool;
	struct worker *w;
	unsigned n_workers, next_worker;
	unsigned pairs;
	relay_timeout_fn on_timeout;
	relay_dtmf_fn on_dtmf;
	void *arg;
	uint64_t cmd_lost;		/* commands refused: out of memory (the caller got -ENOMEM) */
	bool lost_logged;
};

int portpool_init(struct portpool *p, int min, int max);
void portpool_clear(struct portpool *p);
int portpool_get(struct portpool *p, uint16_t *ret_base);
void portpool_put(struct portpool *p, uint16_t base);

void *relay_worker_main(void *arg);
/* relay.c, relay_bridge.c (sofia thread) */
int relay_push_cmd(struct worker *w, const struct relay_cmd *c);
struct worker *relay_worker_of(struct relay *r, struct relay_pair_id id);
void relay_move_release(struct relay_move *m, bool filled);
void relay_moves_release(struct worker *w);	/* MOVED events never read (relay_free) */
/* relay_cmd.c (worker thread) */
void relay_backlog_flush(struct worker *w);
bool relay_emit(struct worker *w, const struct relay_evt *e);
void relay_run_commands(struct worker *w);

static inline uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static inline uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static inline socklen_t sa_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

static inline bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b,
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

static inline uint64_t ev_data(uint32_t slot, int side, int kind)
{
	return ((uint64_t)slot << 2) | ((uint64_t)side << 1) | (uint64_t)kind;
}

/* relay_dtmf.c (worker thread) */
void relay_dtmf_read(struct worker *w, uint32_t slot, int side, const uint8_t *pkt, size_t len,
		     uint64_t now_ms);
void relay_dtmf_tick(struct worker *w, uint32_t slot, uint64_t now_ms);
void relay_dtmf_queue(struct worker *w, const struct relay_cmd *c, uint64_t now_ms);
/* relay_mix.c (worker thread) */
int relay_mix_init(struct worker *w);
void relay_mix_join(struct worker *w, const struct relay_cmd *c);
void relay_mix_leave(struct worker *w, uint32_t slot, int side);
void relay_mix_put(struct worker *w, struct stream_side *sd, const uint8_t *pkt, size_t len);
void relay_mix_tick(struct worker *w);
bool relay_dtmf_splice(struct worker *w, struct stream_side *out, uint8_t *pkt, size_t *len,
		       uint64_t now_ms);
