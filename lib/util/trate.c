/* lib/util/trate.c: token buckets by key; see trate.h. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trate.h"

#define KEY_MAX 96
#define PROBES 8	/* slots looked at for a key: its own, or the oldest to take */

struct slot {
	char key[KEY_MAX];
	struct trate_bucket b;
};

struct trate {
	size_t mask;
	struct slot *slots;
};

struct trate *trate_new(size_t n)
{
	struct trate *t = calloc(1, sizeof(*t));
	size_t size = 16;

	while (size < n && size < ((size_t)1 << 24))
		size <<= 1;
	if (t == NULL || (t->slots = calloc(size, sizeof(*t->slots))) == NULL) {
		free(t);
		return NULL;
	}
	t->mask = size - 1;
	return t;
}

void trate_free(struct trate *t)
{
	if (t)
		free(t->slots);
	free(t);
}

bool trate_bucket_take(struct trate_bucket *b, double rate, double burst, double now)
{
	if (!b->used) {
		b->used = true;
		b->tokens = burst;
		b->last = now;
	}
	if (now > b->last) {
		b->tokens += (now - b->last) * rate;
		if (b->tokens > burst)
			b->tokens = burst;
		b->last = now;
	}
	if (b->tokens < 1.0)
		return false;
	b->tokens -= 1.0;
	return true;
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

bool trate_take(struct trate *t, const char *key, double rate, double burst, double now)
{
	size_t i = (size_t)hash(key) & t->mask;
	struct slot *s = NULL, *oldest = NULL;

	for (size_t k = 0; k < PROBES; k++) {
		struct slot *x = &t->slots[(i + k) & t->mask];
		if (x->b.used && strncmp(x->key, key, KEY_MAX - 1) == 0) {
			s = x;
			break;
		}
		if (oldest == NULL || !x->b.used || (oldest->b.used && x->b.last < oldest->b.last))
			oldest = x;
	}
	if (s == NULL) {
		s = oldest;
		memset(s, 0, sizeof(*s));
		strncpy(s->key, key, KEY_MAX - 1);
	}
	return trate_bucket_take(&s->b, rate, burst, now);
}
