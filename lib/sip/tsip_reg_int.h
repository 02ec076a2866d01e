/* lib/sip private: the bindings of REGISTERs relayed to a registrar, shared
 * by tsip_reg.c (the SIP side) and tsip_reg_table.c (the table). Sofia
 * thread only. */
#pragma once

#include <stdint.h>
#include <time.h>
#include <arpa/inet.h>

#include "tsip_int.h"

#define REG_MAGIC 0x7265677478616e64ULL
#define PENDING_S 32		/* a binding never confirmed: gone after this */
#define MARGIN_S 5		/* a local refresh must leave the registrar this much */
#define MIN_BUCKETS 256

struct reg_binding {
	struct reg_binding *prev, *next;	/* every binding, newest first */
	struct reg_binding *h_tok, *h_key;	/* hash chains */
	struct reg_tx *tx;		/* a REGISTER of it in flight */
	char token[20];
	/* in the binding's own block (its slab slot, tsip_reg_table.c) */
	char *aor, *aor_user;		/* the To URI (no parameters), its user */
	char *contact;			/* the phone's Contact URI */
	char *key;			/* aor "\n" contact */
	char *call_id;			/* ours toward the registrar */
	const char *route, *target;	/* the route's name, the registrar: shared (reg_intern) */
	bool heap;			/* too long for a slot: malloc'd on its own */
	uint32_t cseq;
	char src[INET6_ADDRSTRLEN + 40];	/* "sip:ip:port;transport=x"; "": nat = off */
	char src_text[INET6_ADDRSTRLEN + 8];	/* "ip:port" */
	char transport[4];
	bool nat;			/* behind NAT (or nat = force) */
	bool confirmed;			/* the registrar took it (a 2xx) */
	int nat_expires;		/* the route's register_nat_expires */
	time_t created, refreshed;
	time_t expires;			/* as given to the phone */
	time_t reg_expires;		/* as the registrar granted */
};

/* where a phone is: what its last confirmed REGISTER came from */
struct reg_where {
	char src[INET6_ADDRSTRLEN + 40];
	char src_text[INET6_ADDRSTRLEN + 8];
	char transport[4];
	bool nat;
};

struct reg_tx {
	uint64_t magic;
	struct tsip_reg *reg;
	struct reg_tx *prev, *next;
	struct reg_binding *b;
	nua_handle_t *in_nh, *out_nh;
	nua_saved_event_t saved[1];
	int asked;			/* the Expires the phone asked for */
	bool unreg;			/* Expires 0 or Contact * */
	bool wildcard;			/* Contact * */
	struct reg_where w;		/* where this REGISTER came from: the binding's at a 2xx */
};

/* a string many bindings share (route names, targets), counted */
struct reg_str {
	struct reg_str *next;
	unsigned ref;
	char s[];
};

struct tsip_reg {
	struct tsip *t;
	struct reg_binding *all;
	struct reg_binding **tok, **key;	/* hash tables, n_buckets each */
	size_t n, n_buckets;
	size_t n_confirmed;		/* of n: the registrar took them */
	struct reg_tx *txs;
	su_timer_t *sweep;
	void *free_slots;		/* the slab: free slots, linked by their first word */
	void *chunks;			/* its chunks, linked by their first word */
	struct reg_str *strs;		/* shared strings */
	struct tsip_reg_stats st;
};

/* tsip_reg_table.c */
struct reg_binding *reg_by_key(struct tsip_reg *g, const char *key);
struct reg_binding *reg_by_token(struct tsip_reg *g, const char *tok);
struct reg_binding *reg_binding_new(struct tsip_reg *g, const char *aor, const char *aor_user,
				    const char *contact);
void reg_binding_remove(struct tsip_reg *g, struct reg_binding *b, const char *why);
void reg_publish(const struct reg_binding *b, const char *type, const char *why);
/* a shared copy of s (NULL: out of memory); reg_unintern() drops one reference */
const char *reg_intern(struct tsip_reg *g, const char *s);
void reg_unintern(struct tsip_reg *g, const char *s);
/* tsip_reg.c */
void reg_tx_free(struct reg_tx *x);
