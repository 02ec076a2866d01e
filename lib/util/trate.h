/* lib/util/trate: token buckets by key (calls per second per source, per
 * user), in a table of fixed size: a key that does not fit takes the slot
 * of the one seen longest ago, whose bucket was full again by then unless
 * the table is far too small (which only makes a limit more lenient). Not
 * thread-safe: one owner. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct trate;

/* A table of n slots (rounded up to a power of two); NULL when out of memory. */
struct trate *trate_new(size_t n);
void trate_free(struct trate *t);

/* One token from key's bucket (rate per second, burst tokens at most, full
 * when new) at time now (seconds, monotonic): true when there was one. */
bool trate_take(struct trate *t, const char *key, double rate, double burst, double now);

/* A single bucket, for a key known in advance (a route). */
struct trate_bucket {
	double tokens, last;
	bool used;
};

bool trate_bucket_take(struct trate_bucket *b, double rate, double burst, double now);
