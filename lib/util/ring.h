/* lib/util/ring: a single-producer, single-consumer queue of fixed-size
 * records plus an eventfd that wakes the consumer. One thread pushes, one
 * thread pops; no lock. Used between the sofia thread and each media worker,
 * in both directions. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ring;

/* capacity is rounded up to a power of two. */
int ring_new(size_t rec_size, size_t capacity, struct ring **ret);
struct ring *ring_free(struct ring *r);	/* NULL-safe */
int ring_fd(const struct ring *r);		/* readable when records wait */

/* Producer: copy rec in; -ENOBUFS when full (nothing written). Wakes the
 * consumer. Once a record is in, 0. */
int ring_push(struct ring *r, const void *rec);
/* Either side: make the fd readable with no record in it (a wake-up: "I have
 * made room", "quit"). The consumer's ring_ack() resets it as any other. */
void ring_wake(struct ring *r);
/* Consumer: copy the oldest record out; false when empty. */
bool ring_pop(struct ring *r, void *rec);
/* Consumer: reset the wake-up before draining (level-triggered loops). */
void ring_ack(struct ring *r);
