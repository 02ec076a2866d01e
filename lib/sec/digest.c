/* lib/sec/digest.c: Digest authentication, the pure parts (see digest.h).
 * Hashes with OpenSSL EVP, nonces with RAND_bytes and HMAC-SHA256, digests
 * compared with CRYPTO_memcmp. Sofia thread only. */
#include "digest.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

static const char *const alg_names[_DIGEST_ALG_MAX] = {
	[DIGEST_MD5] = "MD5",
	[DIGEST_SHA256] = "SHA-256",
};

const char *digest_alg_name(enum digest_alg a)
{
	return a < _DIGEST_ALG_MAX ? alg_names[a] : "?";
}

int digest_alg_from_name(const char *name)
{
	for (int i = 0; i < _DIGEST_ALG_MAX; i++)
		if (strcasecmp(name, alg_names[i]) == 0)
			return i;
	return -EINVAL;
}

size_t digest_hex_len(enum digest_alg a)
{
	return a == DIGEST_SHA256 ? 64 : 32;
}

bool digest_is_hex(enum digest_alg a, const char *s)
{
	size_t n = digest_hex_len(a), i;

	for (i = 0; s[i]; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return i == n;
}

static const EVP_MD *md_of(enum digest_alg a)
{
	return a == DIGEST_SHA256 ? EVP_sha256() : EVP_md5();
}

static void to_hex(const unsigned char *b, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[2 * n] = '\0';
}

/* H(p[0] ":" p[1] ":" ... p[n-1]) in hex. */
static int hash_joined(enum digest_alg a, const char *const *p, size_t n, char out[DIGEST_HEX_MAX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	if (ctx == NULL)
		return -EIO;
	ok = EVP_DigestInit_ex(ctx, md_of(a), NULL);
	for (size_t i = 0; ok && i < n; i++) {
		if (i > 0)
			ok = EVP_DigestUpdate(ctx, ":", 1);
		if (ok)
			ok = EVP_DigestUpdate(ctx, p[i], strlen(p[i]));
	}
	if (ok)
		ok = EVP_DigestFinal_ex(ctx, md, &len);
	EVP_MD_CTX_free(ctx);
	if (!ok || len * 2 + 1 > DIGEST_HEX_MAX)
		return -EIO;
	to_hex(md, len, out);
	return 0;
}

int digest_ha1(enum digest_alg a, const char *user, const char *realm, const char *password,
	       char out[DIGEST_HEX_MAX])
{
	const char *p[] = { user, realm, password };

	return hash_joined(a, p, 3, out);
}

int digest_response(enum digest_alg a, const char *ha1, const char *nonce, const char *nc,
		    const char *cnonce, const char *qop, const char *method, const char *uri,
		    char out[DIGEST_HEX_MAX])
{
	char ha2[DIGEST_HEX_MAX];
	const char *p2[] = { method, uri };
	const char *p[] = { ha1, nonce, nc, cnonce, qop, ha2 };
	int r = hash_joined(a, p2, 2, ha2);

	return r < 0 ? r : hash_joined(a, p, 6, out);
}

/* ---- the Authorization header ---- */

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	return p;
}

static bool is_token_char(char c)
{
	return c != '\0' && (isalnum((unsigned char)c) || strchr("-.!%*_+`'~", c) != NULL);
}

/* One value (token or quoted-string) into buf; returns the end, or NULL. */
static const char *read_value(const char *p, char *buf, size_t len, bool *too_long)
{
	size_t o = 0;

	*too_long = false;
	if (*p == '"') {
		p++;
		while (*p && *p != '"') {
			if (*p == '\\' && p[1])
				p++;
			if (o + 1 < len)
				buf[o++] = *p;
			else
				*too_long = true;
			p++;
		}
		if (*p != '"')
			return NULL;
		p++;
	} else {
		/* tokens, and what some clients put unquoted (uri=sip:a@b) */
		while (*p && *p != ',' && *p != ' ' && *p != '\t') {
			if (o + 1 < len)
				buf[o++] = *p;
			else
				*too_long = true;
			p++;
		}
		if (o == 0)
			return NULL;
	}
	buf[o] = '\0';
	return p;
}

struct field {
	const char *name;
	size_t off, len;
};

#define F(n) { #n, offsetof(struct digest_cred, n), sizeof(((struct digest_cred *)0)->n) }
static const struct field fields[] = {
	F(username), F(realm), F(nonce), F(uri), F(response), F(cnonce), F(qop), F(nc), F(opaque),
};
#undef F

static int parse_nc(struct digest_cred *c)
{
	char *end;
	unsigned long v;

	if (c->nc[0] == '\0')
		return 0;
	if (strlen(c->nc) != 8)
		return -EINVAL;
	for (int i = 0; i < 8; i++)
		if (!isxdigit((unsigned char)c->nc[i]))
			return -EINVAL;
	v = strtoul(c->nc, &end, 16);
	c->nc_value = (uint32_t)v;
	return 0;
}

int digest_parse(const char *value, struct digest_cred *ret)
{
	struct digest_cred c;
	const char *p = skip_ws(value);
	char alg[32] = "";

	memset(&c, 0, sizeof(c));
	if (strncasecmp(p, "Digest", 6) != 0 || (p[6] != ' ' && p[6] != '\t'))
		return -ENOTSUP;
	p = skip_ws(p + 6);
	while (*p) {
		char name[32];
		size_t n = 0;
		char scratch[512], *dst = scratch;
		size_t dlen = sizeof(scratch);
		bool too_long;

		while (is_token_char(*p) && n + 1 < sizeof(name))
			name[n++] = *p++;
		name[n] = '\0';
		if (n == 0)
			return -EINVAL;
		p = skip_ws(p);
		if (*p != '=')
			return -EINVAL;
		p++;
		p = skip_ws(p);
		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (strcasecmp(name, fields[i].name) == 0) {
				dst = (char *)&c + fields[i].off;
				dlen = fields[i].len;
			}
		if (strcasecmp(name, "algorithm") == 0) {
			dst = alg;
			dlen = sizeof(alg);
		}
		p = read_value(p, dst, dlen, &too_long);
		if (p == NULL || (too_long && dst != scratch))
			return -EINVAL;
		p = skip_ws(p);
		if (*p == ',')
			p = skip_ws(p + 1);
		else if (*p)
			return -EINVAL;
	}
	if (!c.username[0] || !c.realm[0] || !c.nonce[0] || !c.uri[0] || !c.response[0])
		return -EINVAL;
	if (parse_nc(&c) < 0)
		return -EINVAL;
	if (alg[0]) {
		int a = digest_alg_from_name(alg);
		if (a < 0)
			return -ENOTSUP;
		c.alg = (enum digest_alg)a;
	} else {
		c.alg = DIGEST_MD5;
	}
	*ret = c;
	return 0;
}

/* ---- nonces ---- */

#define NONCE_RAND 8
#define NONCE_MAC 16
#define NONCE_BYTES (8 + NONCE_RAND + NONCE_MAC)
#define PROBE 16

struct nonce_slot {
	uint64_t id;		/* the random part; 0 = free */
	uint64_t issued;
	uint32_t nc;		/* the highest nonce-count accepted */
};

struct digest_nonces {
	unsigned char key[32];
	struct nonce_slot *slot;
	size_t n_slots;
	uint64_t floor;		/* nonces issued at or before this are stale (evicted) */
	bool floor_set;
};

int digest_nonces_new(size_t slots, struct digest_nonces **ret)
{
	struct digest_nonces *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return -ENOMEM;
	n->n_slots = slots ? slots : 4096;
	n->slot = calloc(n->n_slots, sizeof(*n->slot));
	if (n->slot == NULL || RAND_bytes(n->key, sizeof(n->key)) != 1) {
		int r = n->slot ? -EIO : -ENOMEM;
		digest_nonces_free(n);
		return r;
	}
	*ret = n;
	return 0;
}

struct digest_nonces *digest_nonces_free(struct digest_nonces *n)
{
	if (n == NULL)
		return NULL;
	OPENSSL_cleanse(n->key, sizeof(n->key));
	free(n->slot);
	free(n);
	return NULL;
}

static void put_be64(unsigned char *b, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		b[i] = (unsigned char)v;
}

static uint64_t get_be64(const unsigned char *b)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 8) | b[i];
	return v;
}

/* HMAC(key, issue time | random | bind), cut to NONCE_MAC bytes. */
static int nonce_mac(const struct digest_nonces *n, const unsigned char *msg, const void *bind,
		     size_t bind_len, unsigned char *mac)
{
	unsigned char in[8 + NONCE_RAND + DIGEST_BIND_MAX], full[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (bind_len > DIGEST_BIND_MAX || (bind == NULL && bind_len > 0))
		return -EINVAL;
	memcpy(in, msg, 8 + NONCE_RAND);
	if (bind_len)
		memcpy(in + 8 + NONCE_RAND, bind, bind_len);
	if (HMAC(EVP_sha256(), n->key, sizeof(n->key), in, 8 + NONCE_RAND + bind_len, full,
		 &len) == NULL || len < NONCE_MAC)
		return -EIO;
	memcpy(mac, full, NONCE_MAC);
	return 0;
}

int digest_nonce_make(struct digest_nonces *n, uint64_t now, const void *bind, size_t bind_len,
		      char *out, size_t len)
{
	unsigned char b[NONCE_BYTES];
	int r;

	if (len < NONCE_BYTES * 2 + 1)
		return -ENOSPC;
	if (bind_len > DIGEST_BIND_MAX)
		return -EINVAL;
	put_be64(b, now);
	do {
		if (RAND_bytes(b + 8, NONCE_RAND) != 1)
			return -EIO;
	} while (get_be64(b + 8) == 0);
	r = nonce_mac(n, b, bind, bind_len, b + 8 + NONCE_RAND);
	if (r < 0)
		return r;
	to_hex(b, sizeof(b), out);
	return 0;
}

static int unhex(const char *s, unsigned char *b, size_t n)
{
	if (strlen(s) != n * 2)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		unsigned v = 0;
		for (int k = 0; k < 2; k++) {
			char ch = s[2 * i + k];
			v <<= 4;
			if (ch >= '0' && ch <= '9')
				v |= (unsigned)(ch - '0');
			else if (ch >= 'a' && ch <= 'f')
				v |= (unsigned)(ch - 'a' + 10);
			else if (ch >= 'A' && ch <= 'F')
				v |= (unsigned)(ch - 'A' + 10);
			else
				return -EINVAL;
		}
		b[i] = (unsigned char)v;
	}
	return 0;
}

/* Ours, untouched and made for these bind bytes: 0 with the issue time and
 * id; else -EINVAL. */
static int nonce_open(const struct digest_nonces *n, const char *s, const void *bind,
		      size_t bind_len, uint64_t *issued, uint64_t *id)
{
	unsigned char b[NONCE_BYTES], mac[NONCE_MAC];

	if (unhex(s, b, sizeof(b)) < 0 || nonce_mac(n, b, bind, bind_len, mac) < 0 ||
	    CRYPTO_memcmp(mac, b + 8 + NONCE_RAND, NONCE_MAC) != 0)
		return -EINVAL;
	*issued = get_be64(b);
	*id = get_be64(b + 8);
	return 0;
}

/* Record nonce-count nc for nonce id: false when it was used already. */
static bool nonce_use(struct digest_nonces *n, uint64_t id, uint64_t issued, uint32_t nc,
		      uint64_t now, unsigned lifetime)
{
	size_t h = (size_t)(id % n->n_slots), victim = SIZE_MAX;
	uint64_t oldest = UINT64_MAX;

	for (size_t i = 0; i < PROBE && i < n->n_slots; i++) {
		struct nonce_slot *s = &n->slot[(h + i) % n->n_slots];
		if (s->id == id) {
			if (nc <= s->nc)
				return false;
			s->nc = nc;
			return true;
		}
	}
	for (size_t i = 0; i < PROBE && i < n->n_slots; i++) {
		size_t k = (h + i) % n->n_slots;
		struct nonce_slot *s = &n->slot[k];
		if (s->id == 0) {
			victim = k;
			break;
		}
		if (s->issued + lifetime < now) {
			victim = k;	/* expired: goes first, but still raises the floor */
			oldest = 0;
		} else if (oldest != 0 && s->issued < oldest) {
			oldest = s->issued;
			victim = k;
		}
	}
	/* a nonce pushed out, live or expired: it and all older ones become
	 * stale, so that none of them can be replayed unseen (an expired one
	 * too: a reload may raise nonce_lifetime) */
	if (n->slot[victim].id != 0 &&
	    (!n->floor_set || n->slot[victim].issued > n->floor)) {
		n->floor = n->slot[victim].issued;
		n->floor_set = true;
	}
	n->slot[victim] = (struct nonce_slot){ .id = id, .issued = issued, .nc = nc };
	return true;
}

const char *digest_result_name(enum digest_result r)
{
	switch (r) {
	case DIGEST_OK:		return "ok";
	case DIGEST_STALE:	return "stale-nonce";
	case DIGEST_BAD_NONCE:	return "unknown-nonce";
	case DIGEST_WRONG:	return "wrong-password";
	case DIGEST_REPLAY:	return "replayed-nonce";
	case DIGEST_NO_QOP:	return "no-qop";
	}
	return "?";
}

enum digest_result digest_verify(struct digest_nonces *n, const struct digest_cred *cred,
				 const char *ha1, const char *method, const void *bind,
				 size_t bind_len, uint64_t now, unsigned lifetime)
{
	/* an unknown user's stand-in: no HA1 is all zeros but by chance */
	static const char dummy[DIGEST_HEX_MAX] =
		"0000000000000000000000000000000000000000000000000000000000000000";
	char want[DIGEST_HEX_MAX], got[DIGEST_HEX_MAX], h[DIGEST_HEX_MAX];
	uint64_t issued, id;
	size_t len = digest_hex_len(cred->alg);
	bool fresh, right;

	/* the nonce first, whoever the user: an unknown user and a wrong
	 * password look alike, and a nonce of another source is no failure */
	if (nonce_open(n, cred->nonce, bind, bind_len, &issued, &id) < 0)
		return DIGEST_BAD_NONCE;
	if (strcasecmp(cred->qop, "auth") != 0 || cred->cnonce[0] == '\0' || cred->nc[0] == '\0')
		return DIGEST_NO_QOP;
	snprintf(h, sizeof(h), "%.*s", (int)len, ha1 ? ha1 : dummy);
	if (digest_response(cred->alg, h, cred->nonce, cred->nc, cred->cnonce, "auth", method,
			    cred->uri, want) < 0) {
		OPENSSL_cleanse(h, sizeof(h));
		return DIGEST_WRONG;
	}
	OPENSSL_cleanse(h, sizeof(h));
	/* the client's hex in lower case; its length is no secret */
	for (size_t i = 0; i < sizeof(got) - 1 && cred->response[i]; i++)
		got[i] = (char)tolower((unsigned char)cred->response[i]);
	got[strnlen(cred->response, sizeof(got) - 1)] = '\0';
	right = strlen(got) == len && CRYPTO_memcmp(got, want, len) == 0 && ha1 != NULL;
	fresh = issued <= now && now - issued <= lifetime && (!n->floor_set || issued > n->floor);
	if (!fresh)	/* stale=true only when the response was right (RFC 7616 3.3) */
		return right ? DIGEST_STALE : DIGEST_BAD_NONCE;
	if (!right)
		return DIGEST_WRONG;
	if (cred->nc_value == 0 || !nonce_use(n, id, issued, cred->nc_value, now, lifetime))
		return DIGEST_REPLAY;
	return DIGEST_OK;
}
