/* lib/util/ttimer: one-shot timers on the sofia root, for modules that must
 * not include sofia headers (call/). Sofia thread only. */
#pragma once

struct ttimer;

/* root is the su_root_t * of the sofia thread. */
struct ttimer *ttimer_new(void *root, void (*cb)(void *arg), void *arg);
/* (Re)arm to fire once after ms milliseconds. */
int ttimer_start(struct ttimer *t, unsigned ms);
void ttimer_stop(struct ttimer *t);
struct ttimer *ttimer_free(struct ttimer *t);	/* NULL-safe */

/* For the unit tests: every interval given to ttimer_start() from now on is
 * divided by div (1 = real time), so timers of whole seconds run in
 * milliseconds. The daemon never calls it. */
void ttimer_set_divisor(unsigned div);
