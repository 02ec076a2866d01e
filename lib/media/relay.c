/* lib/media/relay.c: the relay as the sofia thread sees it: the port pool,
 * the slots of each worker, sockets opened for a new pair, commands sent to
 * the worker that owns it, and the events coming back (a freed pair gives
 * its ports back only once its worker has closed the sockets). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define SU_ROOT_MAGIC_T void
#define SU_WAKEUP_ARG_T void
#include <sofia-sip/su_wait.h>

#include "ops/log.h"
#include "relay_int.h"

/* Commands are sized for what is in flight (a record is ~470 bytes: 65536 of
 * them made a 30 MB ring whose pages became resident one by one as calls
 * came, for hours); a burst beyond it waits in the sofia thread's queue
 * (push_cmd). Events are small: their ring stays large, and what does not
 * fit waits in the worker's backlog. */
#define CMD_CAP 4096
#define EVT_CAP 65536

/* ---- port pool ---- */

int portpool_init(struct portpool *p, int min, int max)
{
	unsigned n = 0;

	if (min % 2)
		min++;
	if (max <= min)
		return -EINVAL;
	p->free = calloc((size_t)(max - min) / 2 + 1, sizeof(uint16_t));
	if (p->free == NULL)
		return -ENOMEM;
	/* hand out the lowest ports first: pushed last, popped first */
	for (int port = max - 1; port >= min; port--)
		if (port % 2 == 0 && port + 1 <= max)
			p->free[n++] = (uint16_t)port;
	p->n_free = p->n_total = n;
	return 0;
}

void portpool_clear(struct portpool *p)
{
	free(p->free);
	memset(p, 0, sizeof(*p));
}

int portpool_get(struct portpool *p, uint16_t *ret_base)
{
	if (p->n_free == 0)
		return -EADDRINUSE;
	*ret_base = p->free[--p->n_free];
	return 0;
}

void portpool_put(struct portpool *p, uint16_t base)
{
	if (p->n_free < p->n_total)
		p->free[p->n_free++] = base;
}

/* ---- sockets ---- */

int relay_family_for(const struct relay *r, int family)
{
	if (family == AF_INET6 && r->bind_addr6[0])
		return AF_INET6;
	return r->family;
}

static int open_socket(struct relay *r, int family, uint16_t port)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int fd;

	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (void *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		inet_pton(AF_INET6, r->family == AF_INET6 ? r->bind_addr : r->bind_addr6,
			  &s6->sin6_addr);
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (void *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		inet_pton(AF_INET, r->bind_addr, &s4->sin_addr);
		len = sizeof(*s4);
	}
	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	return fd;
}

/* Two sockets (RTP, RTCP) on the next free pair of ports. Ports some other
 * program holds are skipped, and stay out of the pool. */
static int open_side(struct relay *r, int family, int fd[2], uint16_t *ret_base)
{
	for (unsigned tries = 0; tries < 16; tries++) {
		uint16_t base;
		int r0 = portpool_get(&r->pool, &base);
		if (r0 < 0)
			return r0;
		fd[0] = open_socket(r, family, base);
		fd[1] = fd[0] >= 0 ? open_socket(r, family, (uint16_t)(base + 1)) : fd[0];
		if (fd[0] >= 0 && fd[1] >= 0) {
			*ret_base = base;
			return 0;
		}
		if (fd[0] >= 0)
			close(fd[0]);
		if (fd[1] != -EADDRINUSE) {
			/* out of descriptors, or some other failure: the port
			 * is fine, give it back and say why */
			portpool_put(&r->pool, base);
			return fd[1];
		}
		/* held by another program: leave it out of the pool */
	}
	return -EADDRINUSE;
}

/* ---- commands to a worker ---- */

/* What a command that will never run holds: sockets (ADD, SWAP) and keys. */
static void cmd_release(struct relay_cmd *c)
{
	if (c->type == RELAY_CMD_ADD)
		for (int s = 0; s < 2; s++)
			for (int k = 0; k < 2; k++)
				close(c->fd[s][k]);
	else if (c->type == RELAY_CMD_SWAP)
		for (int k = 0; k < 2; k++)
			close(c->fd[0][k]);
	else if (c->type == RELAY_CMD_MOVE_OUT || c->type == RELAY_CMD_MOVE_IN)
		relay_move_release(c->move, c->type == RELAY_CMD_MOVE_IN);
	tsrtp_key_wipe(&c->ep.rx);
	tsrtp_key_wipe(&c->ep.tx);
}

static void cmdq_pop(struct worker *w)
{
	struct cmdq_node *n = w->q_head;

	w->q_head = n->next;
	if (w->q_head == NULL)
		w->q_tail = NULL;
	w->q_len--;
	if (n->keep)
		return;				/* a relay_move's: its new worker frees it */
	explicit_bzero(n, sizeof(*n));		/* a SET carries keys */
	free(n);
}

/* The DELs kept as flags go once nothing is queued before them. */
static bool push_pending_dels(struct worker *w)
{
	for (uint32_t i = 0; w->n_del_pending && i < w->n_slots; i++) {
		uint32_t s = (w->del_scan + i) % w->n_slots;
		/* relay_pair_free made the id stale: the pair's gen is one less */
		struct relay_cmd c = { .type = RELAY_CMD_DEL, .slot = s, .gen = w->slot_gen[s] - 1 };

		if (!w->del_pending[s])
			continue;
		if (ring_push(w->cmd, &c) < 0) {
			w->del_scan = s;
			return false;
		}
		w->del_pending[s] = 0;
		w->n_del_pending--;
	}
	return true;
}

/* Move what waits into the ring, oldest first, as far as it has room. What
 * is left waits for the worker's wake-up (it has taken commands: on_events),
 * which the flag asks for; the second pass closes the race with a worker
 * that emptied the ring just before the flag went up. */
static void cmdq_flush(struct worker *w)
{
	if (w->hold)
		return;		/* a pair moving in goes first (relay_moved) */
	for (int pass = 0; pass < 2; pass++) {
		while (w->q_head) {
			/* a MOVE_IN's node belongs to the worker once pushed:
			 * nothing of it is read after */
			struct cmdq_node *n = w->q_head, *next = n->next;
			bool keep = n->keep;
			if (ring_push(w->cmd, &n->c) < 0)
				break;
			w->q_head = next;
			if (next == NULL)
				w->q_tail = NULL;
			w->q_len--;
			if (!keep) {
				explicit_bzero(n, sizeof(*n));	/* a SET carries keys */
				free(n);
			}
		}
		if (w->q_head == NULL && push_pending_dels(w))
			return;
		if (pass == 0) {
			__atomic_store_n(&w->cmd_waiting, true, __ATOMIC_SEQ_CST);
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
		}
	}
}

static void note_lost(struct relay *r, uint64_t lost)
{
	if (lost == 0 || r->lost_logged)
		return;
	r->lost_logged = true;
	log_error("media relay: a command or event could not be handed between the "
		  "SIP thread and a media worker (out of memory); counted in handoffs_lost");
}

/* A command to a worker, never lost and never waited for: behind those
 * already waiting, or in the ring, or queued until the worker has room.
 * -ENOMEM only when the queue cannot grow (counted; the caller undoes),
 * never for a DEL: that one becomes its slot's flag, sent after the queue
 * (no other command for a freed pair's slot can follow it), so a freed
 * pair's ports and sockets always come back. */
int relay_push_cmd(struct worker *w, const struct relay_cmd *c)
{
	struct cmdq_node *n;

	if (w->q_head)
		cmdq_flush(w);
	if (w->q_head == NULL && !w->hold && ring_push(w->cmd, c) == 0)
		return 0;
	n = malloc(sizeof(*n));
	if (n == NULL && c->type == RELAY_CMD_DEL) {
		if (!w->del_pending[c->slot]) {
			w->del_pending[c->slot] = 1;
			w->n_del_pending++;
		}
		cmdq_flush(w);
		return 0;
	}
	if (n == NULL) {
		w->relay->cmd_lost++;
		note_lost(w->relay, w->relay->cmd_lost);
		return -ENOMEM;
	}
	n->next = NULL;
	n->keep = false;
	n->c = *c;
	if (w->q_tail)
		w->q_tail->next = n;
	else
		w->q_head = n;
	w->q_tail = n;
	w->q_len++;
	cmdq_flush(w);		/* raises the flag, and tries once more */
	return 0;
}

/* ---- a pair moving between workers (a bridge mixes on one) ---- */

int relay_pair_move(struct relay *r, struct relay_pair_id id, unsigned to,
		    struct relay_pair_id *ret)
{
	struct worker *x = relay_worker_of(r, id), *y;
	struct relay_cmd c = { .type = RELAY_CMD_MOVE_OUT, .slot = id.slot, .gen = id.gen };
	int e;

	if (x == NULL || to >= r->n_workers)
		return -ENOENT;
	if (x->index == to) {
		*ret = id;
		return 0;
	}
	/* x's commands wait for a pair moving into it: a MOVE_OUT behind
	 * them, while that pair's old worker waited for this one, would
	 * hold both for ever. Rare (two joins crossing within a
	 * millisecond): the caller says so and the join can be tried again */
	if (x->hold)
		return -EAGAIN;
	y = &r->w[to];
	if (y->n_free == 0)
		return -EADDRINUSE;
	c.move = calloc(1, sizeof(*c.move));
	if (c.move == NULL)
		return -ENOMEM;
	c.to_worker = (uint16_t)to;
	c.to_slot = y->free_slots[y->n_free - 1];
	c.to_gen = y->slot_gen[c.to_slot] + 1;
	e = relay_push_cmd(x, &c);
	if (e < 0) {
		free(c.move);
		return e;
	}
	y->n_free--;
	y->slot_gen[c.to_slot] = c.to_gen;
	y->slot_ports[c.to_slot][0] = x->slot_ports[id.slot][0];
	y->slot_ports[c.to_slot][1] = x->slot_ports[id.slot][1];
	x->slot_gen[id.slot]++;		/* the old id is stale at once */
	y->hold++;			/* what comes for y waits for the pair */
	*ret = (struct relay_pair_id){ .worker = (uint16_t)to, .slot = c.to_slot, .gen = c.to_gen };
	return 0;
}

/* MOVED: the old worker let the pair go; it enters the new one before
 * any command sent to it since. */
static void relay_moved(struct relay *r, const struct relay_evt *e)
{
	struct worker *y = &r->w[e->to_worker];
	struct cmdq_node *n = &e->move->node;

	n->keep = true;
	n->c = (struct relay_cmd){ .type = RELAY_CMD_MOVE_IN, .slot = e->to_slot,
				   .gen = e->to_gen, .move = e->move };
	n->next = y->q_head;
	y->q_head = n;
	if (y->q_tail == NULL)
		y->q_tail = n;
	y->q_len++;
	if (y->hold)
		y->hold--;
	cmdq_flush(y);
}

/* ---- events from the workers ---- */

static int on_events(void *magic, su_wait_t *sw, void *arg)
{
	struct worker *w = arg;
	struct relay *r = w->relay;
	struct relay_evt e;
	(void)magic;
	(void)sw;

	ring_ack(w->evt);
	while (ring_pop(w->evt, &e)) {
		switch (e.type) {
		case RELAY_EVT_FREED:
			portpool_put(&r->pool, w->slot_ports[e.slot][0]);
			portpool_put(&r->pool, w->slot_ports[e.slot][1]);
			w->free_slots[w->n_free++] = e.slot;
			r->pairs--;
			break;
		case RELAY_EVT_PORT_FREED:
			portpool_put(&r->pool, e.base);
			break;
		case RELAY_EVT_TIMEOUT:
			if (w->slot_gen[e.slot] == e.gen && r->on_timeout)
				r->on_timeout(r->arg, e.cookie);
			break;
		case RELAY_EVT_DTMF:
			if (w->slot_gen[e.slot] == e.gen && r->on_dtmf)
				r->on_dtmf(r->arg, e.cookie, e.side, e.event, e.duration_ms);
			break;
		case RELAY_EVT_MOVED:
			w->free_slots[w->n_free++] = e.slot;
			relay_moved(r, &e);
			break;
		}
	}
	/* the ring is empty: a worker holding events back may send them */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&w->evt_waiting, __ATOMIC_RELAXED) &&
	    __atomic_exchange_n(&w->evt_waiting, false, __ATOMIC_SEQ_CST))
		ring_wake(w->cmd);
	/* this fd also says the worker has taken commands: send what waits */
	if (w->q_head || w->n_del_pending)
		cmdq_flush(w);
	note_lost(r, __atomic_load_n(&w->evt_lost, __ATOMIC_RELAXED));
	return 0;
}

/* ---- API ---- */

static int worker_init(struct relay *r, struct worker *w, unsigned idx, uint32_t n_slots)
{
	su_wait_t sw[1];
	int e;

	w->relay = r;
	w->index = idx;
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (w->epfd < 0)
		return -errno;
	if ((e = ring_new(sizeof(struct relay_cmd), r->o.cmd_ring ? r->o.cmd_ring : CMD_CAP,
			  &w->cmd)) < 0 ||
	    (e = ring_new(sizeof(struct relay_evt), r->o.evt_ring ? r->o.evt_ring : EVT_CAP,
			  &w->evt)) < 0)
		return e;
	w->n_slots = n_slots;
	w->slots = calloc(n_slots, sizeof(*w->slots));
	w->free_slots = calloc(n_slots, sizeof(uint32_t));
	w->slot_gen = calloc(n_slots, sizeof(uint32_t));
	w->slot_ports = calloc(n_slots, sizeof(*w->slot_ports));
	w->del_pending = calloc(n_slots, 1);
	/* every event that can be outstanding at once (relay_int.h) */
	w->bl_cap = 3 * n_slots + r->pool.n_total;	/* MOVED: one per slot */
	w->backlog = calloc(w->bl_cap, sizeof(*w->backlog));
	if (!w->slots || !w->free_slots || !w->slot_gen || !w->slot_ports || !w->del_pending ||
	    !w->backlog)
		return -ENOMEM;
	for (uint32_t i = 0; i < n_slots; i++)
		w->free_slots[w->n_free++] = n_slots - 1 - i;
	w->tfd = -1;
	if ((e = relay_mix_init(w)) < 0)
		return e;
	{
		struct epoll_event ev = { .events = EPOLLIN, .data.u64 = UINT64_MAX - 1 };
		if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->tfd, &ev) < 0)
			return -errno;
	}
	if (su_wait_create(sw, ring_fd(w->evt), SU_WAIT_IN) < 0 ||
	    (w->evt_reg = su_root_register(r->root, sw, on_events, w, 0)) <= 0) {
		w->evt_reg = 0;
		return -EIO;
	}
	e = pthread_create(&w->thread, NULL, relay_worker_main, w);
	if (e)
		return -e;
	w->started = true;
	return 0;
}

int relay_new(const struct relay_opts *o, void *root, relay_timeout_fn on_timeout, void *arg,
	      struct relay **ret)
{
	struct relay *r;
	unsigned n;
	uint32_t per;
	int e;

	if (tsrtp_init() < 0)
		return -EIO;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	r->root = root;
	r->o = *o;
	r->on_timeout = on_timeout;
	r->arg = arg;
	snprintf(r->bind_addr, sizeof(r->bind_addr), "%s", o->bind_addr);
	r->o.bind_addr = r->bind_addr;
	r->family = strchr(r->bind_addr, ':') ? AF_INET6 : AF_INET;
	if (o->bind_addr6 && o->bind_addr6[0] && r->family == AF_INET)
		snprintf(r->bind_addr6, sizeof(r->bind_addr6), "%s", o->bind_addr6);
	r->o.bind_addr6 = r->bind_addr6;
	e = portpool_init(&r->pool, o->port_min, o->port_max);
	if (e < 0)
		goto fail;
	/* an address not on this host fails now, not at the first call */
	e = open_socket(r, r->family, 0);
	if (e < 0)
		goto fail;
	close(e);
	if (r->bind_addr6[0]) {
		e = open_socket(r, AF_INET6, 0);
		if (e < 0)
			goto fail;
		close(e);
	}
	n = o->workers;
	if (n == 0) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		n = cores > 0 ? (unsigned)cores : 1;
	}
	r->w = calloc(n, sizeof(*r->w));
	if (r->w == NULL) {
		e = -ENOMEM;
		goto fail;
	}
	r->n_workers = n;
	/* a pair takes two base ports; any worker may get any pair */
	per = r->pool.n_total / 2 + 1;
	for (unsigned i = 0; i < n; i++) {
		e = worker_init(r, &r->w[i], i, per);
		if (e < 0)
			goto fail;
	}
	*ret = r;
	return 0;
fail:
	relay_free(r);
	return e;
}

void relay_set_dtmf_handler(struct relay *r, relay_dtmf_fn fn)
{
	r->on_dtmf = fn;
}

struct relay *relay_free(struct relay *r)
{
	if (r == NULL)
		return NULL;
	for (unsigned i = 0; r->w && i < r->n_workers; i++) {
		struct worker *w = &r->w[i];
		struct relay_cmd c;
		if (w->started) {
			__atomic_store_n(&w->quit, true, __ATOMIC_RELEASE);
			ring_wake(w->cmd);
			pthread_join(w->thread, NULL);
		}
		/* commands the worker never ran: their sockets are ours */
		while (w->cmd && ring_pop(w->cmd, &c))
			cmd_release(&c);
		relay_moves_release(w);
		while (w->q_head) {
			struct relay_cmd qc = w->q_head->c;
			cmdq_pop(w);		/* a relay_move's node stays: qc frees it */
			cmd_release(&qc);
		}
		for (uint32_t s = 0; w->slots && s < w->n_slots; s++)
			for (int side = 0; side < 2; side++) {
				struct stream_side *sd = &w->slots[s].side[side];
				for (int k = 0; k < 2; k++)
					if (w->slots[s].used && sd->fd[k] >= 0)
						close(sd->fd[k]);
				sd->rx = tsrtp_free(sd->rx);
				sd->tx = tsrtp_free(sd->tx);
				tsrtp_key_wipe(&sd->rx_key);
				tsrtp_key_wipe(&sd->tx_key);
			}
		if (w->evt_reg > 0)
			su_root_deregister(r->root, w->evt_reg);
		if (w->epfd > 0)
			close(w->epfd);
		ring_free(w->cmd);
		ring_free(w->evt);
		free(w->slots);
		free(w->free_slots);
		free(w->slot_gen);
		free(w->slot_ports);
		free(w->del_pending);
		free(w->backlog);
		free(w->bridges);
		if (w->tfd >= 0)
			close(w->tfd);
	}
	free(r->w);
	portpool_clear(&r->pool);
	free(r);
	tsrtp_fini();
	return NULL;
}

int relay_pair_new(struct relay *r, uint64_t cookie, const int family[2],
		   struct relay_pair_id *ret, uint16_t ret_port[2])
{
	struct worker *w = &r->w[r->next_worker];
	struct relay_cmd c = { .type = RELAY_CMD_ADD, .cookie = cookie };
	uint16_t base[2];
	int e;

	if (w->n_free == 0)
		return -EADDRINUSE;
	e = open_side(r, relay_family_for(r, family[0]), c.fd[0], &base[0]);
	if (e < 0)
		return e;
	e = open_side(r, relay_family_for(r, family[1]), c.fd[1], &base[1]);
	if (e < 0) {
		close(c.fd[0][0]);
		close(c.fd[0][1]);
		portpool_put(&r->pool, base[0]);
		return e;
	}
	c.slot = w->free_slots[--w->n_free];
	c.gen = ++w->slot_gen[c.slot];
	w->slot_ports[c.slot][0] = base[0];
	w->slot_ports[c.slot][1] = base[1];
	e = relay_push_cmd(w, &c);
	if (e < 0) {
		for (int s = 0; s < 2; s++) {
			close(c.fd[s][0]);
			close(c.fd[s][1]);
			portpool_put(&r->pool, base[s]);
		}
		w->free_slots[w->n_free++] = c.slot;
		return e;
	}
	r->next_worker = (r->next_worker + 1) % r->n_workers;
	r->pairs++;
	*ret = (struct relay_pair_id){ .worker = (uint16_t)w->index, .slot = c.slot, .gen = c.gen };
	ret_port[0] = base[0];
	ret_port[1] = base[1];
	return 0;
}

struct worker *relay_worker_of(struct relay *r, struct relay_pair_id id)
{
	if (id.worker >= r->n_workers || id.slot >= r->w[id.worker].n_slots ||
	    r->w[id.worker].slot_gen[id.slot] != id.gen)
		return NULL;
	return &r->w[id.worker];
}

int relay_spare_open(struct relay *r, int family, struct relay_spare *ret)
{
	int e;

	ret->family = relay_family_for(r, family);
	e = open_side(r, ret->family, ret->fd, &ret->base);
	if (e < 0)
		ret->fd[0] = ret->fd[1] = -1;
	return e;
}

void relay_spare_close(struct relay *r, struct relay_spare *s)
{
	if (s->fd[0] < 0)
		return;
	close(s->fd[0]);
	close(s->fd[1]);
	portpool_put(&r->pool, s->base);
	s->fd[0] = s->fd[1] = -1;
}

int relay_pair_swap(struct relay *r, struct relay_pair_id id, int side, struct relay_spare *s)
{
	struct worker *w = relay_worker_of(r, id);
	struct relay_cmd c = { .type = RELAY_CMD_SWAP, .slot = id.slot, .gen = id.gen,
			       .side = side };
	int e;

	if (w == NULL || side < 0 || side > 1) {
		relay_spare_close(r, s);
		return -ENOENT;
	}
	c.fd[0][0] = s->fd[0];
	c.fd[0][1] = s->fd[1];
	c.old_base = w->slot_ports[id.slot][side];
	c.new_base = s->base;
	e = relay_push_cmd(w, &c);
	if (e < 0) {
		relay_spare_close(r, s);
		return e;
	}
	/* the worker owns the sockets now; the old ports come back with
	 * RELAY_EVT_PORT_FREED, the new ones with the pair's FREED */
	w->slot_ports[id.slot][side] = s->base;
	s->fd[0] = s->fd[1] = -1;
	return 0;
}

int relay_pair_set(struct relay *r, struct relay_pair_id id, int side,
		   const struct relay_endpoint *ep, unsigned timeout_s)
{
	struct worker *w = relay_worker_of(r, id);
	struct relay_cmd c = { .type = RELAY_CMD_SET, .slot = id.slot, .gen = id.gen,
			       .side = side, .ep = *ep, .timeout_s = timeout_s };
	struct timespec ts;
	int e;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	c.issued_us = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
	e = w ? relay_push_cmd(w, &c) : -ENOENT;

	/* the keys live on in the worker only */
	tsrtp_key_wipe(&c.ep.rx);
	tsrtp_key_wipe(&c.ep.tx);
	return e;
}

int relay_pair_timeout(struct relay *r, struct relay_pair_id id, unsigned timeout_s)
{
	struct worker *w = relay_worker_of(r, id);
	struct relay_cmd c = { .type = RELAY_CMD_TIMEOUT, .slot = id.slot, .gen = id.gen,
			       .timeout_s = timeout_s };

	return w ? relay_push_cmd(w, &c) : -ENOENT;
}

int relay_pair_dtmf(struct relay *r, struct relay_pair_id id, int side, uint8_t event,
		    unsigned duration_ms)
{
	struct worker *w = relay_worker_of(r, id);
	struct relay_cmd c = { .type = RELAY_CMD_DTMF, .slot = id.slot, .gen = id.gen,
			       .side = side, .dtmf_event = event,
			       .dtmf_ms = (uint16_t)(duration_ms > 65535 ? 65535 : duration_ms) };

	if (side < 0 || side > 1)
		return -EINVAL;
	return w ? relay_push_cmd(w, &c) : -ENOENT;
}

void relay_pair_free(struct relay *r, struct relay_pair_id id)
{
	struct worker *w = relay_worker_of(r, id);
	struct relay_cmd c = { .type = RELAY_CMD_DEL, .slot = id.slot, .gen = id.gen };

	if (w == NULL)
		return;
	/* a later generation marks the id stale at once */
	w->slot_gen[id.slot]++;
	relay_push_cmd(w, &c);	/* cannot fail for a DEL */
}

#define LD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

static void addr_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "";

	buf[0] = '\0';
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)ss;
		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(s4->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;
		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(s6->sin6_port));
	}
}

int relay_pair_stats(struct relay *r, struct relay_pair_id id, struct relay_side_stats ret[2])
{
	struct worker *w = relay_worker_of(r, id);

	if (w == NULL)
		return -ENOENT;
	for (int side = 0; side < 2; side++) {
		struct side_counters *c = &w->slots[id.slot].side[side].c;
		struct sockaddr_storage latched;
		ret[side] = (struct relay_side_stats){
			.packets = LD(c->packets), .bytes = LD(c->bytes),
			.rtcp_packets = LD(c->rtcp_packets), .sent = LD(c->sent),
			.lost = LD(c->lost), .out_of_order = LD(c->out_of_order),
			.dropped_source = LD(c->dropped_source),
			.dropped_malformed = LD(c->dropped_malformed),
			.dropped_no_dest = LD(c->dropped_no_dest),
			.dropped_auth = LD(c->dropped_auth),
			.dropped_replay = LD(c->dropped_replay),
			.jitter_ms = (double)LD(c->jitter_us) / 1000.0,
			.ssrc = (uint32_t)LD(c->ssrc),
			.mix_late = LD(c->mix_late),
		};
		if (LD(c->latched_seq)) {
			memcpy(&latched, &c->latched, sizeof(latched));
			addr_str(&latched, ret[side].latched, sizeof(ret[side].latched));
		}
	}
	return 0;
}

void relay_get_usage(struct relay *r, struct relay_usage *ret)
{
	*ret = (struct relay_usage){
		.pairs = r->pairs,
		.ports_used = (r->pool.n_total - r->pool.n_free) * 2,
		.ports_total = r->pool.n_total * 2,
	};
	for (unsigned i = 0; i < r->n_workers; i++) {
		struct worker *w = &r->w[i];
		ret->packets += LD(w->packets);
		ret->workers++;
		ret->workers_uring += LD(w->uring) ? 1 : 0;
		ret->rx_packets += LD(w->rx_packets);
		ret->rx_bytes += LD(w->rx_bytes);
		ret->rx_rtcp += LD(w->rx_rtcp);
		for (int d = 0; d < RELAY_DROP_N; d++)
			ret->dropped[d] += LD(w->dropped[d]);
		ret->handoffs_queued += w->q_len + w->n_del_pending + LD(w->bl_len);
		ret->handoffs_lost += LD(w->evt_lost);
		ret->dtmf_events += LD(w->dtmf_events);
		ret->dtmf_lost += LD(w->dtmf_lost);
		ret->mix_frames += LD(w->mix_frames);
		ret->mix_ns += LD(w->mix_ns);
	}
	ret->handoffs_lost += r->cmd_lost;
	note_lost(r, ret->handoffs_lost);
}
