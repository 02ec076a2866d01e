/* lib/media/relay_bridge.c: conference bridges as the sofia thread sees
 * them: a bridge's place on a worker, its parties' joins and leaves (the
 * mixing itself is the worker's: relay_mix.c), and the release of pairs
 * caught moving between workers at shutdown. Sofia thread only. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "relay_int.h"

int relay_bridge_new(struct relay *r, struct relay_pair_id on, struct relay_bridge_id *ret)
{
	struct worker *w = relay_worker_of(r, on);

	if (w == NULL)
		return -ENOENT;
	for (uint16_t i = 0; i < RELAY_BRIDGES; i++)
		if (!w->br_used[i]) {
			w->br_used[i] = 1;
			*ret = (struct relay_bridge_id){ .worker = (uint16_t)w->index, .index = i };
			return 0;
		}
	return -EBUSY;
}

void relay_bridge_free(struct relay *r, struct relay_bridge_id b)
{
	if (b.worker < r->n_workers && b.index < RELAY_BRIDGES)
		r->w[b.worker].br_used[b.index] = 0;
}

int relay_bridge_join(struct relay *r, struct relay_bridge_id b, struct relay_pair_id id, int side,
		      int codec, uint8_t pt)
{
	struct worker *w = relay_worker_of(r, id);
	struct relay_cmd c = { .type = RELAY_CMD_BR_JOIN, .slot = id.slot, .gen = id.gen,
			       .side = side, .br = b.index, .codec = (uint8_t)codec, .pt = pt };

	if (w == NULL || side < 0 || side > 1 || b.index >= RELAY_BRIDGES)
		return -ENOENT;
	if (w->index != b.worker)
		return -EXDEV;
	return relay_push_cmd(w, &c);
}

int relay_bridge_leave(struct relay *r, struct relay_pair_id id, int side)
{
	struct worker *w = relay_worker_of(r, id);
	struct relay_cmd c = { .type = RELAY_CMD_BR_LEAVE, .slot = id.slot, .gen = id.gen,
			       .side = side };

	if (w == NULL || side < 0 || side > 1)
		return -ENOENT;
	return relay_push_cmd(w, &c);
}

void relay_move_release(struct relay_move *m, bool filled)
{
	if (m == NULL)
		return;
	for (int side = 0; filled && m->s.used && side < 2; side++) {
		struct stream_side *sd = &m->s.side[side];
		for (int k = 0; k < 2; k++)
			if (sd->fd[k] >= 0)
				close(sd->fd[k]);
		sd->rx = tsrtp_free(sd->rx);
		sd->tx = tsrtp_free(sd->tx);
	}
	explicit_bzero(m, sizeof(*m));
	free(m);
}

void relay_moves_release(struct worker *w)
{
	struct relay_evt e;

	while (w->evt && ring_pop(w->evt, &e))
		if (e.type == RELAY_EVT_MOVED)
			relay_move_release(e.move, true);
	for (uint32_t i = 0; i < w->bl_len; i++) {
		struct relay_evt *b = &w->backlog[(w->bl_head + i) % w->bl_cap];
		if (b->type == RELAY_EVT_MOVED)
			relay_move_release(b->move, true);
	}
	w->bl_len = 0;
}
