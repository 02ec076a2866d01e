/* lib/util/ttimer.c: su_timer behind a plain interface. Sofia thread only. */
#include <errno.h>
#include <stdlib.h>

#define SU_TIMER_ARG_T struct ttimer
#include <sofia-sip/su_wait.h>

#include "ttimer.h"

static unsigned divisor = 1;	/* ttimer_set_divisor(): tests only */

struct ttimer {
	su_timer_t *t;
	void (*cb)(void *arg);
	void *arg;
};

struct ttimer *ttimer_new(void *root, void (*cb)(void *arg), void *arg)
{
	struct ttimer *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->t = su_timer_create(su_root_task((su_root_t *)root), 1000);
	if (t->t == NULL) {
		free(t);
		return NULL;
	}
	t->cb = cb;
	t->arg = arg;
	return t;
}

static void on_fire(su_root_magic_t *magic, su_timer_t *st, struct ttimer *t)
{
	(void)magic;
	(void)st;
	t->cb(t->arg);
}

int ttimer_start(struct ttimer *t, unsigned ms)
{
	if (t == NULL)
		return -EINVAL;
	if (divisor > 1)
		ms = ms / divisor > 0 ? ms / divisor : 1;
	su_timer_reset(t->t);
	return su_timer_set_interval(t->t, on_fire, t, ms) < 0 ? -EIO : 0;
}

void ttimer_set_divisor(unsigned div)
{
	divisor = div > 0 ? div : 1;
}

void ttimer_stop(struct ttimer *t)
{
	if (t)
		su_timer_reset(t->t);
}

struct ttimer *ttimer_free(struct ttimer *t)
{
	if (t) {
		su_timer_destroy(t->t);
		free(t);
	}
	return NULL;
}
