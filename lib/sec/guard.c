/* lib/sec/guard.c: see guard.h. The source table is open addressing over a
 * fixed array: an address hashes (FNV-1a over the address and a random seed,
 * so that nobody can pick addresses that collide) to a slot, and lives in
 * one of the PROBE slots from there. A new address takes a free one, else
 * pushes out the least recently seen unbanned source (a ban only when all of
 * them are banned: the one that ends first). Memory is table_size entries,
 * whatever the traffic. Sofia thread only. */
#define _GNU_SOURCE
#include "guard.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define PROBE 8
#define CALL_BUCKETS 1024

struct entry {
	struct guard_addr addr;
	bool used;
	uint8_t reason;			/* enum guard_ban_reason of the ban */
	uint64_t tokens;		/* thousandths of a request */
	uint64_t refill_at;		/* ms */
	uint64_t seen;			/* last request */
	uint64_t over_start, auth_start;	/* windows */
	uint32_t over, auth;		/* counts in their windows */
	uint32_t ban_count;
	uint64_t ban_since, ban_until;	/* ban_until 0: not banned */
	uint64_t hits;			/* requests refused while banned */
};

struct callsrc {
	struct callsrc *next;
	struct guard_addr addr;
	unsigned n;
};

struct guard {
	struct entry *tab;
	unsigned size, mask;
	uint64_t seed;
	struct conf_flood f;		/* trusted: our own copy */
	void (*notify)(void *arg, const struct guard_event *ev);
	void *notify_arg;
	struct guard_stats st;
	struct callsrc *calls[CALL_BUCKETS];
};

static struct guard *current;

/* ---- addresses ---- */

int guard_addr_of(const struct sockaddr *sa, struct guard_addr *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (sa == NULL)
		return -EINVAL;
	if (sa->sa_family == AF_INET) {
		ret->a[10] = ret->a[11] = 0xff;
		memcpy(ret->a + 12, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(ret->a, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
		return 0;
	}
	return -EAFNOSUPPORT;
}

static bool is_v4(const struct guard_addr *a)
{
	static const uint8_t pre[12] = { [10] = 0xff, [11] = 0xff };

	return memcmp(a->a, pre, 12) == 0;
}

/* The source an address counts as: an IPv4 address (also v4-mapped) is
 * itself; an IPv6 address is its /64 (the low 64 bits zeroed), the least a
 * site or a phone's network gets, so that an attacker rotating through the
 * addresses of its /64 is one source for the bucket, the bans and the
 * calls per source. */
static void key_of(struct guard_addr *a)
{
	if (!is_v4(a))
		memset(a->a + 8, 0, 8);
}

static int source_of(const struct sockaddr *sa, struct guard_addr *ret)
{
	int r = guard_addr_of(sa, ret);

	if (r == 0)
		key_of(ret);
	return r;
}

void guard_addr_text(const struct guard_addr *a, char *buf, size_t len)
{
	char t[INET6_ADDRSTRLEN] = "?";

	if (is_v4(a))
		inet_ntop(AF_INET, a->a + 12, t, sizeof(t));
	else
		inet_ntop(AF_INET6, a->a, t, sizeof(t));
	snprintf(buf, len, "%s", t);
}

/* An address as text (IPv6 with or without "/64"): its source key. */
static int addr_parse(const char *s, struct guard_addr *ret)
{
	char t[INET6_ADDRSTRLEN + 4];
	size_t n = strlen(s);

	memset(ret, 0, sizeof(*ret));
	if (inet_pton(AF_INET, s, ret->a + 12) == 1) {
		ret->a[10] = ret->a[11] = 0xff;
		return 0;
	}
	if (n > 3 && n < sizeof(t) && strcmp(s + n - 3, "/64") == 0) {
		memcpy(t, s, n - 3);
		t[n - 3] = '\0';
		s = t;
	}
	if (inet_pton(AF_INET6, s, ret->a) != 1)
		return -EINVAL;
	key_of(ret);
	return 0;
}

static uint64_t hash_addr(uint64_t seed, const struct guard_addr *a)
{
	uint64_t h = 14695981039346656037ULL ^ seed;

	for (int i = 0; i < 16; i++) {
		h ^= a->a[i];
		h *= 1099511628211ULL;
	}
	return h ^ (h >> 29);
}

/* ---- life ---- */

int guard_new(unsigned table_size, struct guard **ret)
{
	struct guard *g;
	unsigned size = 64;

	while (size < table_size && size < (1u << 22))
		size <<= 1;
	g = calloc(1, sizeof(*g));
	if (g == NULL)
		return -ENOMEM;
	g->tab = calloc(size, sizeof(*g->tab));
	if (g->tab == NULL) {
		free(g);
		return -ENOMEM;
	}
	g->size = size;
	g->mask = size - 1;
	if (getrandom(&g->seed, sizeof(g->seed), GRND_NONBLOCK) != sizeof(g->seed))
		g->seed = (uint64_t)time(NULL) * 2654435761u ^ (uint64_t)getpid();
	g->st.table_size = size;
	*ret = g;
	return 0;
}

struct guard *guard_free(struct guard *g)
{
	if (g == NULL)
		return NULL;
	if (current == g)
		current = NULL;
	for (unsigned i = 0; i < CALL_BUCKETS; i++)
		while (g->calls[i]) {
			struct callsrc *n = g->calls[i]->next;
			free(g->calls[i]);
			g->calls[i] = n;
		}
	free(g->f.trusted);
	free(g->tab);
	free(g);
	return NULL;
}

int guard_set_conf(struct guard *g, const struct conf_flood *f)
{
	struct conf_cidr *t = NULL;

	if (f->n_trusted) {
		t = calloc(f->n_trusted, sizeof(*t));
		if (t == NULL)
			return -ENOMEM;
		memcpy(t, f->trusted, f->n_trusted * sizeof(*t));
	}
	free(g->f.trusted);
	g->f = *f;
	g->f.trusted = t;
	return 0;
}

void guard_set_notify(struct guard *g, void (*fn)(void *arg, const struct guard_event *ev),
		      void *arg)
{
	g->notify = fn;
	g->notify_arg = arg;
}

bool guard_trusted(const struct guard *g, const struct sockaddr *src)
{
	for (size_t i = 0; g && i < g->f.n_trusted; i++)
		if (conf_cidr_contains(&g->f.trusted[i], src))
			return true;
	return false;
}

/* ---- the table ---- */

static void tell(struct guard *g, struct entry *e, bool banned, const char *why)
{
	char text[INET6_ADDRSTRLEN];
	struct guard_event ev = {
		.banned = banned, .addr = text, .reason = e->reason, .count = e->ban_count,
		.seconds = (unsigned)((e->ban_until - e->ban_since) / 1000), .why = why,
	};

	if (g->notify == NULL)
		return;
	guard_addr_text(&e->addr, text, sizeof(text));
	g->notify(g->notify_arg, &ev);
}

static void lift(struct guard *g, struct entry *e, const char *why)
{
	tell(g, e, false, why);
	e->ban_until = 0;
	e->over = e->auth = 0;
	e->hits = 0;
	e->tokens = (uint64_t)g->f.burst * 1000;
	g->st.bans_active--;
}

static bool expire_one(struct guard *g, struct entry *e, uint64_t now)
{
	if (e->used && e->ban_until && now >= e->ban_until) {
		lift(g, e, "expired");
		return true;
	}
	return false;
}

static struct entry *find(struct guard *g, const struct guard_addr *a)
{
	unsigned h = (unsigned)hash_addr(g->seed, a);

	for (unsigned i = 0; i < PROBE; i++) {
		struct entry *e = &g->tab[(h + i) & g->mask];
		if (e->used && memcmp(&e->addr, a, sizeof(*a)) == 0)
			return e;
	}
	return NULL;
}

/* The entry of a, made when missing (evicting as the header says). */
static struct entry *get(struct guard *g, const struct guard_addr *a, uint64_t now)
{
	unsigned h = (unsigned)hash_addr(g->seed, a);
	struct entry *e = find(g, a), *victim = NULL;

	if (e)
		return e;
	for (unsigned i = 0; i < PROBE; i++) {
		e = &g->tab[(h + i) & g->mask];
		if (!e->used) {
			victim = e;
			break;
		}
		if (victim == NULL)
			victim = e;
		else if ((victim->ban_until != 0) != (e->ban_until != 0))
			victim = e->ban_until ? victim : e;	/* unbanned ones go first */
		else if (e->ban_until ? e->ban_until < victim->ban_until : e->seen < victim->seen)
			victim = e;
	}
	if (victim->used) {
		g->st.evicted++;
		if (victim->ban_until)
			lift(g, victim, "evicted");
		g->st.sources--;
	}
	memset(victim, 0, sizeof(*victim));
	victim->used = true;
	victim->addr = *a;
	victim->tokens = (uint64_t)g->f.burst * 1000;
	victim->refill_at = now;
	victim->seen = now;
	g->st.sources++;
	return victim;
}

static void ban(struct guard *g, struct entry *e, enum guard_ban_reason why, unsigned count,
		uint64_t now)
{
	e->reason = (uint8_t)why;
	e->ban_count = count;
	e->ban_since = now;
	e->ban_until = now + (uint64_t)g->f.ban_time * 1000;
	if (e->ban_until == 0)
		e->ban_until = 1;
	e->hits = 0;
	g->st.bans_total++;
	g->st.bans_active++;
	tell(g, e, true, NULL);
}

/* A count within a window that starts at its first event. */
static uint32_t bump(uint32_t *n, uint64_t *start, uint64_t window_ms, uint64_t now)
{
	if (*n == 0 || now - *start >= window_ms) {
		*n = 0;
		*start = now;
	}
	return ++*n;
}

static bool take_token(struct guard *g, struct entry *e, uint64_t now)
{
	uint64_t cap = (uint64_t)g->f.burst * 1000;

	if (now > e->refill_at) {
		uint64_t add = (now - e->refill_at) * (uint64_t)g->f.rate;
		e->tokens = add >= cap || e->tokens + add >= cap ? cap : e->tokens + add;
	}
	e->refill_at = now;
	if (e->tokens > cap)
		e->tokens = cap;
	if (e->tokens < 1000)
		return false;
	e->tokens -= 1000;
	return true;
}

enum guard_verdict guard_check(struct guard *g, const struct sockaddr *src, uint64_t now)
{
	struct guard_addr a;
	struct entry *e;

	if (g == NULL || !g->f.on || source_of(src, &a) < 0 || guard_trusted(g, src))
		return GUARD_PASS;
	g->st.checked++;
	e = get(g, &a, now);
	e->seen = now;
	expire_one(g, e, now);
	if (e->ban_until) {
		e->hits++;
		g->st.ban_dropped++;
		return GUARD_BANNED;
	}
	if (g->f.rate == 0 || take_token(g, e, now))
		return GUARD_PASS;
	g->st.rate_limited++;
	if (bump(&e->over, &e->over_start, (uint64_t)g->f.ban_window * 1000, now) >=
	    (uint32_t)g->f.ban_after && g->f.ban_after > 0)
		ban(g, e, GUARD_BAN_RATE, e->over, now);
	return GUARD_LIMITED;
}

bool guard_drop_banned(struct guard *g, const struct sockaddr *src, uint64_t now)
{
	struct guard_addr a;
	struct entry *e;

	if (g == NULL || !g->f.on || g->f.ban_action != CONF_FLOOD_DROP ||
	    g->st.bans_active == 0 || source_of(src, &a) < 0)
		return false;
	e = find(g, &a);
	if (e == NULL || e->ban_until == 0 || expire_one(g, e, now) || guard_trusted(g, src))
		return false;
	e->seen = now;
	e->hits++;
	g->st.ban_dropped++;
	g->st.dropped++;
	return true;
}

void guard_fail_auth(struct guard *g, const struct sockaddr *src, uint64_t now)
{
	struct guard_addr a;
	struct entry *e;

	if (g == NULL || !g->f.on || source_of(src, &a) < 0 || guard_trusted(g, src))
		return;
	g->st.auth_failed++;
	e = get(g, &a, now);
	e->seen = now;
	expire_one(g, e, now);
	if (e->ban_until || g->f.auth_failures == 0)
		return;
	if (bump(&e->auth, &e->auth_start, (uint64_t)g->f.ban_window * 1000, now) >=
	    (uint32_t)g->f.auth_failures)
		ban(g, e, GUARD_BAN_AUTH, e->auth, now);
}

void guard_expire(struct guard *g, uint64_t now)
{
	if (g == NULL || g->st.bans_active == 0)
		return;
	for (unsigned i = 0; i < g->size; i++)
		expire_one(g, &g->tab[i], now);
}

int guard_unban(struct guard *g, const char *addr, uint64_t now)
{
	struct guard_addr a;
	struct entry *e;

	if (g == NULL || addr == NULL || addr_parse(addr, &a) < 0)
		return -EINVAL;
	e = find(g, &a);
	if (e && expire_one(g, e, now))
		return -ENOENT;		/* ran out just now */
	if (e == NULL || e->ban_until == 0)
		return -ENOENT;
	lift(g, e, "tandemctl");
	return 0;
}

void guard_get_stats(const struct guard *g, struct guard_stats *ret)
{
	if (g == NULL) {
		memset(ret, 0, sizeof(*ret));
		return;
	}
	*ret = g->st;
}

static const char *reason_name(uint8_t r)
{
	return r == GUARD_BAN_AUTH ? "auth" : "rate";
}

json_t *guard_bans_json(struct guard *g, uint64_t now, time_t wall)
{
	json_t *arr = json_array();

	if (arr == NULL || g == NULL)
		return arr;
	guard_expire(g, now);
	for (unsigned i = 0; i < g->size; i++) {
		const struct entry *e = &g->tab[i];
		char text[INET6_ADDRSTRLEN];
		if (!e->used || e->ban_until == 0)
			continue;
		guard_addr_text(&e->addr, text, sizeof(text));
		json_array_append_new(arr, json_pack(
			"{s:s,s:s,s:i,s:I,s:I,s:I,s:I}", "address", text,
			"reason", reason_name(e->reason), "count", (int)e->ban_count,
			"since", (json_int_t)(wall - (time_t)((now - e->ban_since) / 1000)),
			"expires", (json_int_t)(wall + (time_t)((e->ban_until - now + 999) / 1000)),
			"remaining", (json_int_t)((e->ban_until - now + 999) / 1000),
			"hits", (json_int_t)e->hits));
	}
	return arr;
}

/* ---- calls per source ---- */

static struct callsrc **call_slot(struct guard *g, const struct guard_addr *a)
{
	struct callsrc **p = &g->calls[hash_addr(g->seed, a) % CALL_BUCKETS];

	while (*p && memcmp(&(*p)->addr, a, sizeof(*a)) != 0)
		p = &(*p)->next;
	return p;
}

int guard_call_add(struct guard *g, const struct sockaddr *src, unsigned max,
		   struct guard_addr *ret_key)
{
	struct guard_addr a;
	struct callsrc **p;

	if (g == NULL || source_of(src, &a) < 0)
		return -EINVAL;
	p = call_slot(g, &a);
	if (*p && max > 0 && (*p)->n >= max && !guard_trusted(g, src)) {
		g->st.source_limited++;
		return -EBUSY;
	}
	if (*p == NULL) {
		*p = calloc(1, sizeof(**p));
		if (*p == NULL)
			return -ENOMEM;
		(*p)->addr = a;
	}
	(*p)->n++;
	*ret_key = a;
	return 0;
}

void guard_call_del(struct guard *g, const struct guard_addr *key)
{
	struct callsrc **p, *n;

	if (g == NULL)
		return;
	p = call_slot(g, key);
	if (*p == NULL)
		return;
	if (--(*p)->n == 0) {
		n = (*p)->next;
		free(*p);
		*p = n;
	}
}

unsigned guard_calls_from(const struct guard *g, const struct sockaddr *src)
{
	struct guard_addr a;
	struct callsrc **p;

	if (g == NULL || source_of(src, &a) < 0)
		return 0;
	p = call_slot((struct guard *)g, &a);
	return *p ? (*p)->n : 0;
}

/* ---- the daemon's guard ---- */

void guard_install(struct guard *g)
{
	current = g;
}

struct guard *guard_get(void)
{
	return current;
}

uint64_t guard_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void guard_auth_failed(const struct sockaddr *src)
{
	guard_fail_auth(current, src, guard_now());
}
