/* lib/media: the in-process RTP/RTCP relay. A stream pair (one per m= line of
 * a call) has a side per leg; each side has an RTP and an RTCP socket bound
 * on the relay's address. Worker threads own the pairs and move packets
 * between the two sides: latching to where a leg's packets really come from,
 * demultiplexing rtcp-mux, counting and checking. The sofia thread drives
 * them through this API (commands in a ring per worker) and hears back
 * (freed pairs, media timeouts) through the root. media knows nothing of
 * SIP. The API functions run on the sofia thread only. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "tsrtp.h"

struct relay;

struct relay_pair_id {
	uint16_t worker;
	uint32_t slot, gen;
};

enum relay_latch {
	RELAY_LATCH_FIRST,	/* take the first source a leg's packets come from */
	RELAY_LATCH_STRICT,	/* only from the address in the leg's SDP (any port) */
};

enum { RELAY_RTP = 0, RELAY_RTCP = 1 };

struct relay_opts {
	const char *bind_addr;	/* IPv4 or IPv6 literal */
	const char *bind_addr6;	/* NULL, or an IPv6 literal for the IPv6 sides of
				 * a relay whose bind_addr is IPv4 (dual stack) */
	int port_min, port_max;
	unsigned workers;	/* 0: one per core */
	enum relay_latch latch;
	bool no_uring;		/* recvmmsg/sendmmsg even where io_uring works */
	/* records in each worker's command and event ring; 0: the defaults.
	 * Tests make them tiny: what does not fit waits in a queue. */
	unsigned cmd_ring, evt_ring;
};

/* Where one leg receives media, from its SDP. */
struct relay_endpoint {
	struct sockaddr_storage addr[2];	/* RELAY_RTP, RELAY_RTCP */
	bool mux;				/* RTCP on the RTP port */
	unsigned clock_rate;			/* for jitter; 0 = 8000 */
	struct tsrtp_key rx;			/* the leg's SRTP key: unprotect what it sends */
	struct tsrtp_key tx;			/* our key toward it: protect what we send */
	bool new_party;				/* another endpoint takes this side (transfer):
						 * the old one's packets never latch again */
	/* DTMF (RFC 4733): the leg's telephone-event payload type and clock
	 * rate (te_on: its SDP has one); dtmf_read: report the events it
	 * sends (relay_dtmf_fn); dtmf_block: relay no telephone-event packet
	 * to it (it gets its digits another way, SIP INFO) */
	bool te_on;
	uint8_t te_pt;
	unsigned te_rate;
	bool dtmf_read, dtmf_block;
};

/* What arrived from one leg, and what was sent to it. */
struct relay_side_stats {
	uint64_t packets, bytes, rtcp_packets;	/* received and relayed on */
	uint64_t sent;				/* packets sent to this leg */
	uint64_t lost, out_of_order;		/* RTP sequence analysis */
	uint64_t dropped_source, dropped_malformed, dropped_no_dest;
	uint64_t dropped_auth, dropped_replay;	/* SRTP checks failed */
	double jitter_ms;			/* RFC 3550 interarrival jitter */
	uint32_t ssrc;
	uint64_t mix_late;			/* in a bridge: too late for the mix */
	char latched[64];			/* "addr:port" or "" */
};

typedef void (*relay_timeout_fn)(void *arg, uint64_t cookie);
/* A DTMF event read from side `side` of the pair with this cookie, once per
 * event: its code (RFC 4733: 0-9, 10 '*', 11 '#', 12-15 A-D, 16 flash) and
 * duration in ms. */
typedef void (*relay_dtmf_fn)(void *arg, uint64_t cookie, int side, unsigned event,
			      unsigned duration_ms);

int relay_new(const struct relay_opts *o, void *root, relay_timeout_fn on_timeout, void *arg,
	      struct relay **ret);
struct relay *relay_free(struct relay *r);
/* Where DTMF events go (arg: the same as relay_new's); NULL: nowhere. */
void relay_set_dtmf_handler(struct relay *r, relay_dtmf_fn fn);

/* The address family of the relay's sockets for a peer of `family`:
 * AF_INET6 when the relay has IPv6 sockets (bind_addr or bind_addr6) and the
 * peer is IPv6, AF_INET when it has IPv4 ones and the peer is IPv4,
 * otherwise (also for 0: unknown) bind_addr's. */
int relay_family_for(const struct relay *r, int family);

/* A new pair. cookie comes back with its events. family[side]: the family
 * of each side's sockets (relay_family_for). ret_port[side] is the RTP port
 * of each side (RTCP: +1). -EADDRINUSE when the port pool is empty. */
int relay_pair_new(struct relay *r, uint64_t cookie, const int family[2],
		   struct relay_pair_id *ret, uint16_t ret_port[2]);

/* A side in waiting: sockets for a party that will take a side later (a
 * transfer target in another address family), opened while the side still
 * serves the current party. Either swapped in or closed; never both. */
struct relay_spare {
	int fd[2];
	uint16_t base;		/* its RTP port (RTCP: base + 1) */
	int family;
};
int relay_spare_open(struct relay *r, int family, struct relay_spare *ret);
void relay_spare_close(struct relay *r, struct relay_spare *s);
/* The spare's sockets replace the side's (whose ports go back to the pool
 * once the worker has closed them); the side then waits for its address,
 * as a new party (relay_pair_set). The spare is consumed, even on error. */
int relay_pair_swap(struct relay *r, struct relay_pair_id id, int side, struct relay_spare *s);
/* Set (or change, on a re-INVITE) where a side sends, and its SRTP keys (a
 * changed key makes a new context; ep's keys are wiped on return); a new address makes
 * the side latch again. timeout_s: no packet from either side for that long
 * is a media timeout (0 = none). */
int relay_pair_set(struct relay *r, struct relay_pair_id id, int side,
		   const struct relay_endpoint *ep, unsigned timeout_s);
/* Change only the media timeout of a pair (0 = none); restarts its clock. */
int relay_pair_timeout(struct relay *r, struct relay_pair_id id, unsigned timeout_s);
/* Send a DTMF digit (RFC 4733 event code) of duration_ms to the leg of
 * side `side`, spliced into the stream forwarded to it (dtmf.h); the side
 * must have a telephone-event payload type (relay_endpoint.te_on). */
int relay_pair_dtmf(struct relay *r, struct relay_pair_id id, int side, uint8_t event,
		    unsigned duration_ms);
void relay_pair_free(struct relay *r, struct relay_pair_id id);

/* Conference bridges (relay_bridge.c, relay_mix.c). A bridge mixes on one
 * worker: a pair on another worker moves there first (relay_pair_move,
 * which gives it a new id at once; commands to the new id wait until it
 * has arrived). A side that joins is no longer relayed to its pair's
 * other side: it hears the others' mix (G.711: codec MIX_PCMU or
 * MIX_PCMA, payload type pt) and what it sends goes into the mix. */
struct relay_bridge_id {
	uint16_t worker, index;
};
/* -EAGAIN: a pair is still moving into id's worker (try again in a moment) */
int relay_pair_move(struct relay *r, struct relay_pair_id id, unsigned to_worker,
		    struct relay_pair_id *ret);
/* A bridge on the worker of the pair `on`; -EBUSY when that worker mixes
 * as many bridges as it can. */
int relay_bridge_new(struct relay *r, struct relay_pair_id on, struct relay_bridge_id *ret);
/* -EXDEV: the pair is on another worker (move it first) */
int relay_bridge_join(struct relay *r, struct relay_bridge_id b, struct relay_pair_id id, int side,
		      int codec, uint8_t pt);
int relay_bridge_leave(struct relay *r, struct relay_pair_id id, int side);
/* Once every party has left. */
void relay_bridge_free(struct relay *r, struct relay_bridge_id b);
int relay_pair_stats(struct relay *r, struct relay_pair_id id, struct relay_side_stats ret[2]);

/* Why the relay dropped a packet (the live totals of relay_usage). */
enum relay_drop {
	RELAY_DROP_SOURCE,	/* not from the latched (or, strict, the SDP) address */
	RELAY_DROP_MALFORMED,	/* not RTP/RTCP, or truncated */
	RELAY_DROP_NO_DEST,	/* the other leg has no address yet */
	RELAY_DROP_AUTH,	/* SRTP/SRTCP authentication failed */
	RELAY_DROP_REPLAY,	/* SRTP/SRTCP replay */
	RELAY_DROP_SEND,	/* the kernel refused to send it (buffer full, unreachable) */
	RELAY_DROP_N
};

struct relay_usage {
	unsigned pairs, ports_used, ports_total;
	uint64_t packets;	/* relayed (sent) since start, all workers */
	/* received from the legs since start, live, all workers */
	uint64_t rx_packets, rx_bytes, rx_rtcp;
	uint64_t dropped[RELAY_DROP_N];
	/* workers whose packet I/O goes through io_uring (the others: recvmmsg
	 * and sendmmsg; see relay_worker.c) */
	unsigned workers, workers_uring;
	/* hand-offs between the sofia thread and the workers: commands and
	 * events waiting for room in a ring (they go when it has some), and
	 * those that could not be handed off at all (out of memory: a caller
	 * got -ENOMEM; or a worker's event backlog full, which its sizing
	 * rules out). Lost ones are logged once. */
	unsigned handoffs_queued;
	uint64_t handoffs_lost;
	/* DTMF events read from the legs, and those dropped because the
	 * event ring was full (a worker never waits for a digit) */
	uint64_t dtmf_events, dtmf_lost;
	/* conference bridges: party frames mixed and sent, and the time the
	 * workers spent mixing them (ns) */
	uint64_t mix_frames, mix_ns;
};
void relay_get_usage(struct relay *r, struct relay_usage *ret);
