/* lib/sec/guard: flood protection. A fixed-size table of source addresses
 * (IPv4, and IPv6 by /64; hashed with a random seed, the least recently
 * seen entry evicted when its neighbourhood is full) holds for each source a token
 * bucket (config `flood.rate` per second, `flood.burst` at once), its
 * requests over the rate and its failed authentications within
 * `flood.ban_window`, and a temporary ban. A second small table counts the
 * calls in progress per source (`limits.max_calls_per_source`).
 *
 * Pure C: no sofia. Time comes in as monotonic milliseconds, so the unit
 * tests run it on a fake clock. Sofia thread only (no lock): the daemon
 * installs one guard (guard_install) that guard_auth_failed() and the call
 * core reach through guard_get(). */
#ifndef TANDEM_GUARD_H
#define TANDEM_GUARD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "conf/conf.h"

struct guard;

/* An address: IPv4 as IPv4-mapped IPv6. The tables key a source by it,
 * an IPv6 one by its /64 (the low 64 bits zeroed; a v4-mapped address is
 * its IPv4): every address of a /64 is one source for the rate limit, the
 * bans and the calls per source. guard_addr_of() gives the whole address. */
struct guard_addr {
	uint8_t a[16];
};

enum guard_verdict {
	GUARD_PASS,		/* go on */
	GUARD_LIMITED,		/* over the rate: flood.action (503 or drop) */
	GUARD_BANNED,		/* banned: flood.ban_action (drop or 403) */
};

enum guard_ban_reason { GUARD_BAN_RATE, GUARD_BAN_AUTH };

/* A ban made or lifted, for the log line (the caller formats it). */
struct guard_event {
	bool banned;			/* else unbanned */
	const char *addr;		/* text */
	enum guard_ban_reason reason;
	unsigned count;			/* the requests or failures that led to it */
	unsigned seconds;		/* ban time */
	const char *why;		/* unbanned: "expired", "tandemctl", "evicted" */
};

struct guard_stats {
	uint64_t checked;		/* requests looked at (trusted ones not) */
	uint64_t rate_limited;		/* refused for the rate */
	uint64_t ban_dropped;		/* refused while banned */
	uint64_t dropped;		/* of those, dropped before the transaction layer */
	uint64_t bans_total;
	uint64_t auth_failed;
	uint64_t evicted;		/* sources pushed out of the full table */
	uint64_t source_limited;	/* calls refused by max_calls_per_source */
	unsigned bans_active;
	unsigned sources;		/* entries in use */
	unsigned table_size;
};

/* table_size: number of sources tracked (rounded up to a power of two,
 * at least 64); fixed for the guard's life. */
int guard_new(unsigned table_size, struct guard **ret);
struct guard *guard_free(struct guard *g);	/* NULL-safe */

/* Take the flood section (copied; the snapshot may go). */
int guard_set_conf(struct guard *g, const struct conf_flood *f);
void guard_set_notify(struct guard *g, void (*fn)(void *arg, const struct guard_event *ev),
		      void *arg);

bool guard_trusted(const struct guard *g, const struct sockaddr *src);

/* A new request from src at now (ms): take a token, count, ban. */
enum guard_verdict guard_check(struct guard *g, const struct sockaddr *src, uint64_t now);
/* A new request from src at now, looked at before sofia-sip's transaction
 * layer: true when src is banned and flood.ban_action is "drop" (counted as
 * a hit and as dropped; the caller drops it without an answer). No token is
 * taken: a source not banned is counted later by guard_check(). */
bool guard_drop_banned(struct guard *g, const struct sockaddr *src, uint64_t now);
/* A failed authentication from src: counts toward a ban. */
void guard_fail_auth(struct guard *g, const struct sockaddr *src, uint64_t now);
/* Lift the bans that have run out (the lookups do it too, lazily). */
void guard_expire(struct guard *g, uint64_t now);
/* Lift the ban of an address given as text (IPv6: any address of the /64,
 * or "prefix/64"): 0, -ENOENT (not banned), -EINVAL. */
int guard_unban(struct guard *g, const char *addr, uint64_t now);

void guard_get_stats(const struct guard *g, struct guard_stats *ret);
/* [ { address, reason, count, since, expires, remaining, hits } ]: since and
 * expires as Unix time, from now (monotonic ms) and wall (time()). */
json_t *guard_bans_json(struct guard *g, uint64_t now, time_t wall);

/* Calls in progress per source. guard_call_add() counts the call, or
 * returns -EBUSY when max (> 0) calls from there are up already (trusted
 * sources never); *ret_key is what guard_call_del() needs. */
int guard_call_add(struct guard *g, const struct sockaddr *src, unsigned max,
		   struct guard_addr *ret_key);
void guard_call_del(struct guard *g, const struct guard_addr *key);
unsigned guard_calls_from(const struct guard *g, const struct sockaddr *src);

/* The daemon's guard, for the functions without one. */
void guard_install(struct guard *g);
struct guard *guard_get(void);
uint64_t guard_now(void);			/* CLOCK_MONOTONIC, ms */

int guard_addr_of(const struct sockaddr *sa, struct guard_addr *ret);
void guard_addr_text(const struct guard_addr *a, char *buf, size_t len);

/* Called by the authentication code on every failed authentication
 * (wrong password, unknown user, bad digest). Counts toward a ban of the
 * source address (flood.auth_failures within flood.ban_window). Safe to
 * call when flood protection is off or src is NULL. Sofia thread. */
void guard_auth_failed(const struct sockaddr *src);

#endif
