/* lib/sip/tsip_reg_table.c: the bindings of REGISTERs relayed to a
 * registrar (tsip_reg.c says what they are): two hash tables (by token, for
 * calls to a phone; by AOR and Contact, for its REGISTERs) over one list,
 * the 1 s sweep that removes the ones whose expiry passed, the lookup the
 * coordinator calls for a new INVITE, and what tandemctl and the metrics
 * read. A binding's strings live in one block with it, a slot of a slab (64 slots of
 * 1 KiB per chunk): bindings are long-lived and made among the short-lived
 * messages of their REGISTERs, and one small malloc'd block each kept a page of
 * the heap resident for every binding once the messages were freed (18 KiB per
 * binding measured, 1.3 KiB in use). Route names and targets are shared. Sofia
 * thread only. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "tsip_reg_int.h"
#include "ops/bus.h"
#include "ops/log.h"

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct reg_binding **chain_tok(struct tsip_reg *g, const char *tok)
{
	return &g->tok[hash_str(tok) & (g->n_buckets - 1)];
}

static struct reg_binding **chain_key(struct tsip_reg *g, const char *key)
{
	return &g->key[hash_str(key) & (g->n_buckets - 1)];
}

static int rehash(struct tsip_reg *g, size_t nb)
{
	struct reg_binding **tok = calloc(nb, sizeof(*tok)), **key = calloc(nb, sizeof(*key));

	if (tok == NULL || key == NULL) {
		free(tok);
		free(key);
		return -ENOMEM;
	}
	free(g->tok);
	free(g->key);
	g->tok = tok;
	g->key = key;
	g->n_buckets = nb;
	for (struct reg_binding *b = g->all; b; b = b->next) {
		struct reg_binding **c = chain_tok(g, b->token);
		b->h_tok = *c;
		*c = b;
		c = chain_key(g, b->key);
		b->h_key = *c;
		*c = b;
	}
	return 0;
}

struct reg_binding *reg_by_key(struct tsip_reg *g, const char *key)
{
	for (struct reg_binding *b = *chain_key(g, key); b; b = b->h_key)
		if (strcmp(b->key, key) == 0)
			return b;
	return NULL;
}

struct reg_binding *reg_by_token(struct tsip_reg *g, const char *tok)
{
	for (struct reg_binding *b = *chain_tok(g, tok); b; b = b->h_tok)
		if (strcmp(b->token, tok) == 0)
			return b;
	return NULL;
}

static void unchain(struct reg_binding **c, struct reg_binding *b, bool tok)
{
	for (; *c; c = tok ? &(*c)->h_tok : &(*c)->h_key)
		if (*c == b) {
			*c = tok ? b->h_tok : b->h_key;
			return;
		}
}

#define SLOT_SIZE 1024
#define CHUNK_SLOTS 64

static void *slot_get(struct tsip_reg *g)
{
	void *p = g->free_slots;

	if (p == NULL) {
		char *c = malloc(SLOT_SIZE * (CHUNK_SLOTS + 1));	/* slot 0: the link */

		if (c == NULL)
			return NULL;
		*(void **)c = g->chunks;
		g->chunks = c;
		for (int i = CHUNK_SLOTS; i >= 1; i--) {
			*(void **)(c + i * SLOT_SIZE) = g->free_slots;
			g->free_slots = c + i * SLOT_SIZE;
		}
		p = g->free_slots;
	}
	g->free_slots = *(void **)p;
	return p;
}

const char *reg_intern(struct tsip_reg *g, const char *str)
{
	struct reg_str *r;

	for (r = g->strs; r; r = r->next)
		if (strcmp(r->s, str) == 0) {
			r->ref++;
			return r->s;
		}
	r = malloc(sizeof(*r) + strlen(str) + 1);
	if (r == NULL)
		return NULL;
	r->ref = 1;
	strcpy(r->s, str);
	r->next = g->strs;
	g->strs = r;
	return r->s;
}

void reg_unintern(struct tsip_reg *g, const char *str)
{
	for (struct reg_str **rp = &g->strs; str && *rp; rp = &(*rp)->next)
		if ((*rp)->s == str) {
			struct reg_str *r = *rp;
			if (--r->ref == 0) {
				*rp = r->next;
				free(r);
			}
			return;
		}
}

static void binding_free(struct tsip_reg *g, struct reg_binding *b)
{
	if (b == NULL)
		return;
	reg_unintern(g, b->route);
	reg_unintern(g, b->target);
	if (b->heap) {
		free(b);
	} else {
		*(void **)b = g->free_slots;
		g->free_slots = b;
	}
}

void reg_publish(const struct reg_binding *b, const char *type, const char *why)
{
	json_t *ev;

	if (!bus_active())
		return;
	ev = bus_event_new(type, 0);
	if (ev == NULL)
		return;
	json_object_update_new(ev, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:I,s:I,s:s?}",
					     "aor", b->aor, "contact", b->contact,
					     "token", b->token, "source", b->src_text,
					     "transport", b->transport, "registrar", b->target,
					     "nat", b->nat, "expires",
					     (json_int_t)(b->expires - time(NULL)),
					     "registrar_expires",
					     (json_int_t)(b->reg_expires - time(NULL)),
					     "reason", why));
	bus_event(ev);
}

void reg_binding_remove(struct tsip_reg *g, struct reg_binding *b, const char *why)
{
	if (b->confirmed) {
		log_info("registration %s of %s removed (%s)", b->token, b->aor, why);
		reg_publish(b, BUS_EV_REG_REMOVE, why);
		g->st.removed++;
		g->n_confirmed--;
	}
	if (b->tx)
		b->tx->b = NULL;
	unchain(chain_tok(g, b->token), b, true);
	unchain(chain_key(g, b->key), b, false);
	if (b->prev)
		b->prev->next = b->next;
	else
		g->all = b->next;
	if (b->next)
		b->next->prev = b->prev;
	g->n--;
	binding_free(g, b);
}

static int new_token(char *buf, size_t len)
{
	unsigned char r[8];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return -EIO;
	snprintf(buf, len, "tb%02x%02x%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4],
		 r[5], r[6], r[7]);
	return 0;
}

struct reg_binding *reg_binding_new(struct tsip_reg *g, const char *aor, const char *aor_user,
				    const char *contact)
{
	size_t la = strlen(aor) + 1, lu = strlen(aor_user ? aor_user : "") + 1;
	size_t lc = strlen(contact) + 1, need = sizeof(struct reg_binding) + la * 2 + lu + lc * 2;
	su_home_t home[1] = { SU_HOME_INIT(home) };
	sip_call_id_t *cid = sip_call_id_create(home, NULL);
	size_t li = cid ? strlen(cid->i_id) + 1 : 0;
	struct reg_binding *b, **c;
	char *p;

	need += li;
	b = cid == NULL ? NULL : need <= SLOT_SIZE ? slot_get(g) : malloc(need);
	if (b == NULL) {
		su_home_deinit(home);
		return NULL;
	}
	memset(b, 0, sizeof(*b));
	b->heap = need > SLOT_SIZE;
	if (new_token(b->token, sizeof(b->token)) < 0 ||
	    (g->n + 1 > g->n_buckets && rehash(g, g->n_buckets * 2) < 0)) {
		binding_free(g, b);
		su_home_deinit(home);
		return NULL;
	}
	p = (char *)(b + 1);
	b->aor = memcpy(p, aor, la), p += la;
	b->aor_user = memcpy(p, aor_user ? aor_user : "", lu), p += lu;
	b->contact = memcpy(p, contact, lc), p += lc;
	b->key = p;
	p += sprintf(p, "%s\n%s", aor, contact) + 1;
	b->call_id = memcpy(p, cid->i_id, li);
	su_home_deinit(home);
	b->cseq = 1;
	b->created = time(NULL);
	b->expires = b->created + PENDING_S;
	b->next = g->all;
	if (g->all)
		g->all->prev = b;
	g->all = b;
	c = chain_tok(g, b->token);
	b->h_tok = *c;
	*c = b;
	c = chain_key(g, b->key);
	b->h_key = *c;
	*c = b;
	g->n++;
	return b;
}

/* ---- the table ---- */

static void on_sweep(su_root_magic_t *magic, su_timer_t *tm, su_timer_arg_t *arg)
{
	struct tsip_reg *g = (struct tsip_reg *)arg;
	struct reg_binding *b, *nx;
	time_t now = time(NULL);

	(void)magic;
	(void)tm;
	for (b = g->all; b; b = nx) {
		nx = b->next;
		if (b->tx == NULL && now > b->expires)	/* whole seconds: never early */
			reg_binding_remove(g, b, "expired");
	}
}

/* call_core_set_bindings(): the binding whose token user is, for a call */
static bool find(void *arg, const char *user, struct call_binding *ret)
{
	struct tsip_reg *g = arg;
	struct reg_binding *b;

	if (strncmp(user, "tb", 2) != 0 || strlen(user) != 18)
		return false;
	b = reg_by_token(g, user);
	memset(ret, 0, sizeof(*ret));
	if (b == NULL || !b->confirmed || b->expires < time(NULL))
		return true;	/* a token of ours, gone: 480 */
	ret->route = b->route;
	ret->contact = b->contact;
	ret->proxy = b->src[0] ? b->src : NULL;
	ret->aor_user = b->aor_user;
	return true;
}

int tsip_reg_start(struct tsip *t)
{
	struct tsip_reg *g = calloc(1, sizeof(*g));

	if (g == NULL || rehash(g, MIN_BUCKETS) < 0) {
		free(g);
		return -ENOMEM;
	}
	g->t = t;
	g->sweep = su_timer_create(su_root_task(t->root), 1000);
	if (g->sweep == NULL || su_timer_set_for_ever(g->sweep, on_sweep, (su_timer_arg_t *)g) < 0) {
		su_timer_destroy(g->sweep);
		free(g->tok);
		free(g->key);
		free(g);
		return -ENOMEM;
	}
	t->reg = g;
	call_core_set_bindings(t->core, find, g);
	return 0;
}

/* Before NUA shuts down: the handles and saved events go (NUA answers the
 * phones' pending REGISTERs itself). */
void tsip_reg_release(struct tsip *t)
{
	struct tsip_reg *g = t->reg;

	if (g == NULL)
		return;
	while (g->txs)
		reg_tx_free(g->txs);
	if (g->sweep) {
		su_timer_destroy(g->sweep);
		g->sweep = NULL;
	}
}

/* Every binding and the slab that held them (the shared strings come back
 * with their last binding). */
static void bindings_free(struct tsip_reg *g)
{
	while (g->all) {
		struct reg_binding *b = g->all;
		g->all = b->next;
		binding_free(g, b);
	}
	while (g->chunks) {
		void *c = g->chunks;
		g->chunks = *(void **)c;
		free(c);
	}
}

/* The table, and all it holds. */
static void table_free(struct tsip_reg *g)
{
	bindings_free(g);
	while (g->strs) {
		struct reg_str *r = g->strs;
		g->strs = r->next;
		free(r);
	}
	free(g->tok);
	free(g->key);
	free(g);
}

void tsip_reg_stop(struct tsip *t)
{
	if (t->reg == NULL)
		return;
	tsip_reg_release(t);
	table_free(t->reg);
	t->reg = NULL;
}

void tsip_reg_stats(struct tsip *t, struct tsip_reg_stats *ret)
{
	struct tsip_reg *g = t->reg;

	memset(ret, 0, sizeof(*ret));
	if (g == NULL)
		return;
	*ret = g->st;
	ret->bindings = g->n_confirmed;
	ret->pending = g->n - g->n_confirmed;
}

json_t *tsip_reg_json(struct tsip *t)
{
	struct tsip_reg *g = t->reg;
	json_t *a = json_array();
	time_t now = time(NULL);

	if (a == NULL || g == NULL)
		return a;
	for (struct reg_binding *b = g->all; b; b = b->next) {
		if (!b->confirmed)
			continue;
		json_array_append_new(a, json_pack(
			"{s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:I,s:I,s:I,s:I}",
			"aor", b->aor, "contact", b->contact, "token", b->token,
			"source", b->src_text, "transport", b->transport, "nat", b->nat,
			"route", b->route ? b->route : "", "registrar", b->target ? b->target : "",
			"expires", (json_int_t)(b->expires - now),
			"registrar_expires", (json_int_t)(b->reg_expires - now),
			"registered", (json_int_t)b->created,
			"refreshed", (json_int_t)b->refreshed));
	}
	return a;
}

