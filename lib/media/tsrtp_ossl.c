/* lib/media/tsrtp_ossl.c: AES counter mode and HMAC-SHA1 for libsrtp2, from
 * OpenSSL.
 *
 * Debian's libsrtp2 is built on NSS, whose AES-ICM makes a new PKCS #11
 * context for every packet: the crypto then costs more than everything else
 * the relay does for a packet. libsrtp2 lets a program replace the
 * implementation of a cipher or authentication type
 * (srtp_replace_cipher_type, srtp_replace_auth_type); libsrtp2 still does
 * all of SRTP (key derivation, packet format, replay windows), and only the
 * AES-CTR keystream and the HMAC come from OpenSSL's EVP interface, each
 * context keyed once and only re-seeded (IV, or MAC restart) per packet.
 *
 * libsrtp2 runs its self-test of a replacement against the test data given
 * here (RFC 3711 B.2, RFC 6188 7.1, RFC 2202) and against the data of the
 * type it replaces, and refuses a replacement that fails either. The GCM
 * suites stay on libsrtp2's own implementation. */
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <srtp2/auth.h>
#include <srtp2/cipher.h>
#include <srtp2/crypto_types.h>
#include <stdlib.h>
#include <string.h>

#include "tsrtp_int.h"

#define SALT_LEN 14	/* RFC 3711: the master and session salt, 112 bits */
#define SHA1_LEN 20

/* ---- AES in integer counter mode (RFC 3711 4.1.1) ---- */

struct icm {
	EVP_CIPHER_CTX *ctx;
	uint8_t offset[16];	/* the session salt, its last two octets zero */
};

static const srtp_cipher_type_t icm_types[3];

static int icm_variant(int key_len)
{
	switch (key_len) {
	case 16 + SALT_LEN:
		return 0;
	case 24 + SALT_LEN:
		return 1;
	case 32 + SALT_LEN:
		return 2;
	default:
		return -1;
	}
}

static srtp_err_status_t icm_alloc(srtp_cipher_pointer_t *cp, int key_len, int tag_len)
{
	static const srtp_cipher_type_id_t ids[3] = { SRTP_AES_ICM_128, SRTP_AES_ICM_192,
						      SRTP_AES_ICM_256 };
	int v = icm_variant(key_len);
	srtp_cipher_t *c;
	struct icm *s;

	(void)tag_len;
	if (v < 0)
		return srtp_err_status_bad_param;
	c = calloc(1, sizeof(*c));
	s = calloc(1, sizeof(*s));
	if (c == NULL || s == NULL || (s->ctx = EVP_CIPHER_CTX_new()) == NULL) {
		free(s);
		free(c);
		return srtp_err_status_alloc_fail;
	}
	c->type = &icm_types[v];
	c->state = s;
	c->key_len = key_len;
	c->algorithm = ids[v];
	*cp = c;
	return srtp_err_status_ok;
}

static srtp_err_status_t icm_dealloc(srtp_cipher_pointer_t c)
{
	struct icm *s;

	if (c == NULL)
		return srtp_err_status_bad_param;
	s = c->state;
	EVP_CIPHER_CTX_free(s->ctx);	/* it wipes the key schedule */
	explicit_bzero(s, sizeof(*s));
	free(s);
	free(c);
	return srtp_err_status_ok;
}

/* key is the AES key followed by the 14-octet salt; which AES follows from
 * the cipher's key_len, known only to the srtp_cipher_t, so each variant
 * has its own init. */
static srtp_err_status_t icm_init_n(struct icm *s, const uint8_t *key, int aes_len)
{
	const EVP_CIPHER *evp = aes_len == 16 ? EVP_aes_128_ctr() :
				aes_len == 24 ? EVP_aes_192_ctr() : EVP_aes_256_ctr();

	memset(s->offset, 0, sizeof(s->offset));
	memcpy(s->offset, key + aes_len, SALT_LEN);
	if (EVP_CIPHER_CTX_reset(s->ctx) != 1 ||
	    EVP_EncryptInit_ex(s->ctx, evp, NULL, key, NULL) != 1)
		return srtp_err_status_init_fail;
	return srtp_err_status_ok;
}

static srtp_err_status_t icm_init_128(void *st, const uint8_t *key)
{
	return icm_init_n(st, key, 16);
}

static srtp_err_status_t icm_init_192(void *st, const uint8_t *key)
{
	return icm_init_n(st, key, 24);
}

static srtp_err_status_t icm_init_256(void *st, const uint8_t *key)
{
	return icm_init_n(st, key, 32);
}

/* The counter block of a packet: the salt XOR the IV libsrtp2 built (SSRC,
 * packet index); the keystream starts over from it. */
static srtp_err_status_t icm_set_iv(void *st, uint8_t *iv, srtp_cipher_direction_t dir)
{
	struct icm *s = st;
	uint8_t ctr[16];

	(void)dir;
	for (int i = 0; i < 16; i++)
		ctr[i] = s->offset[i] ^ iv[i];
	return EVP_EncryptInit_ex(s->ctx, NULL, NULL, NULL, ctr) == 1 ? srtp_err_status_ok :
									  srtp_err_status_cipher_fail;
}

/* XOR the keystream into buf, in place, continuing where the last call of
 * this IV stopped. RFC 3711 counts blocks in the low 16 bits of the counter:
 * no packet may need more than 2^16 blocks. */
static srtp_err_status_t icm_crypt(void *st, uint8_t *buf, unsigned int *len)
{
	struct icm *s = st;
	int out = 0;

	if (*len == 0)
		return srtp_err_status_ok;
	if (buf == NULL)
		return srtp_err_status_bad_param;
	if (*len > 0xffffu * 16u)
		return srtp_err_status_terminus;
	if (EVP_EncryptUpdate(s->ctx, buf, &out, buf, (int)*len) != 1 || out != (int)*len)
		return srtp_err_status_cipher_fail;
	return srtp_err_status_ok;
}

/* RFC 3711 B.2 (AES-128) and RFC 6188 7.1 (AES-192, AES-256): the keystream
 * of a zero IV, as the ciphertext of 32 zero octets. */
static const uint8_t zero32[32];
static uint8_t zero_iv[16];

static const uint8_t k128[30] = {
	0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c,
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd,
};
static const uint8_t ks128[32] = {
	0xe0, 0x3e, 0xad, 0x09, 0x35, 0xc9, 0x5e, 0x80, 0xe1, 0x66, 0xb1, 0x6d, 0xd9, 0x2b, 0x4e, 0xb4,
	0xd2, 0x35, 0x13, 0x16, 0x2b, 0x02, 0xd0, 0xf7, 0x2a, 0x43, 0xa2, 0xfe, 0x4a, 0x5f, 0x97, 0xab,
};
static const uint8_t k192[38] = {
	0xea, 0xb2, 0x34, 0x76, 0x4e, 0x51, 0x7b, 0x2d, 0x3d, 0x16, 0x0d, 0x58, 0x7d, 0x8c, 0x86, 0x21,
	0x97, 0x40, 0xf6, 0x5f, 0x99, 0xb6, 0xbc, 0xf7,
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd,
};
static const uint8_t ks192[32] = {
	0x35, 0x09, 0x6c, 0xba, 0x46, 0x10, 0x02, 0x8d, 0xc1, 0xb5, 0x75, 0x03, 0x80, 0x4c, 0xe3, 0x7c,
	0x5d, 0xe9, 0x86, 0x29, 0x1d, 0xcc, 0xe1, 0x61, 0xd5, 0x16, 0x5e, 0xc4, 0x56, 0x8f, 0x5c, 0x9a,
};
static const uint8_t k256[46] = {
	0x57, 0xf8, 0x2f, 0xe3, 0x61, 0x3f, 0xd1, 0x70, 0xa8, 0x5e, 0xc9, 0x3c, 0x40, 0xb1, 0xf0, 0x92,
	0x2e, 0xc4, 0xcb, 0x0d, 0xc0, 0x25, 0xb5, 0x82, 0x72, 0x14, 0x7c, 0xc4, 0x38, 0x94, 0x4a, 0x98,
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd,
};
static const uint8_t ks256[32] = {
	0x92, 0xbd, 0xd2, 0x8a, 0x93, 0xc3, 0xf5, 0x25, 0x11, 0xc6, 0x77, 0xd0, 0x8b, 0x55, 0x15, 0xa4,
	0x9d, 0xa7, 0x1b, 0x23, 0x78, 0xa8, 0x54, 0xf6, 0x70, 0x50, 0x75, 0x6d, 0xed, 0x16, 0x5b, 0xac,
};

static const srtp_cipher_test_case_t icm_tests[3] = {
	{ sizeof(k128), k128, zero_iv, 32, zero32, 32, ks128, 0, NULL, 0, NULL },
	{ sizeof(k192), k192, zero_iv, 32, zero32, 32, ks192, 0, NULL, 0, NULL },
	{ sizeof(k256), k256, zero_iv, 32, zero32, 32, ks256, 0, NULL, 0, NULL },
};

static const srtp_cipher_type_t icm_types[3] = {
	{ icm_alloc, icm_dealloc, icm_init_128, NULL, icm_crypt, icm_crypt, icm_set_iv, NULL,
	  "AES-128 integer counter mode (OpenSSL)", &icm_tests[0], SRTP_AES_ICM_128 },
	{ icm_alloc, icm_dealloc, icm_init_192, NULL, icm_crypt, icm_crypt, icm_set_iv, NULL,
	  "AES-192 integer counter mode (OpenSSL)", &icm_tests[1], SRTP_AES_ICM_192 },
	{ icm_alloc, icm_dealloc, icm_init_256, NULL, icm_crypt, icm_crypt, icm_set_iv, NULL,
	  "AES-256 integer counter mode (OpenSSL)", &icm_tests[2], SRTP_AES_ICM_256 },
};

/* ---- HMAC-SHA1 (RFC 2104), the SRTP authentication tag ---- */

static EVP_MAC *hmac_alg;	/* fetched once, by tsrtp_ossl_install */

struct hmac {
	EVP_MAC_CTX *ctx;
	enum { MAC_READY, MAC_BUSY, MAC_DONE } phase;
};

static const srtp_auth_type_t hmac_type;

static srtp_err_status_t hmac_alloc(srtp_auth_pointer_t *ap, int key_len, int out_len)
{
	srtp_auth_t *a;
	struct hmac *s;

	if (key_len < 0 || key_len > SHA1_LEN || out_len < 0 || out_len > SHA1_LEN)
		return srtp_err_status_bad_param;
	a = calloc(1, sizeof(*a));
	s = calloc(1, sizeof(*s));
	if (a == NULL || s == NULL || (s->ctx = EVP_MAC_CTX_new(hmac_alg)) == NULL) {
		free(s);
		free(a);
		return srtp_err_status_alloc_fail;
	}
	a->type = &hmac_type;
	a->state = s;
	a->out_len = out_len;
	a->key_len = key_len;
	a->prefix_len = 0;
	*ap = a;
	return srtp_err_status_ok;
}

static srtp_err_status_t hmac_dealloc(srtp_auth_pointer_t a)
{
	struct hmac *s;

	if (a == NULL)
		return srtp_err_status_bad_param;
	s = a->state;
	EVP_MAC_CTX_free(s->ctx);
	free(s);
	free(a);
	return srtp_err_status_ok;
}

static srtp_err_status_t hmac_init(void *st, const uint8_t *key, int key_len)
{
	struct hmac *s = st;
	OSSL_PARAM p[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA1", 0),
		OSSL_PARAM_construct_end(),
	};

	if (EVP_MAC_init(s->ctx, key, (size_t)key_len, p) != 1)
		return srtp_err_status_auth_fail;
	s->phase = MAC_READY;
	return srtp_err_status_ok;
}

/* a new message with the same key: OpenSSL keeps the keyed inner and outer
 * states, so this is a copy, not a new key schedule */
static srtp_err_status_t hmac_restart(struct hmac *s)
{
	if (s->phase != MAC_READY) {
		if (EVP_MAC_init(s->ctx, NULL, 0, NULL) != 1)
			return srtp_err_status_auth_fail;
		s->phase = MAC_READY;
	}
	return srtp_err_status_ok;
}

static srtp_err_status_t hmac_start(void *st)
{
	return hmac_restart(st);
}

static srtp_err_status_t hmac_update(void *st, const uint8_t *buf, int len)
{
	struct hmac *s = st;

	if (s->phase == MAC_DONE && hmac_restart(s) != srtp_err_status_ok)
		return srtp_err_status_auth_fail;
	if (len < 0 || EVP_MAC_update(s->ctx, buf, (size_t)len) != 1)
		return srtp_err_status_auth_fail;
	s->phase = MAC_BUSY;
	return srtp_err_status_ok;
}

static srtp_err_status_t hmac_compute(void *st, const uint8_t *buf, int len, int tag_len,
				      uint8_t *tag)
{
	struct hmac *s = st;
	uint8_t md[EVP_MAX_MD_SIZE];
	size_t n = 0;

	if (tag_len < 0 || tag_len > SHA1_LEN)
		return srtp_err_status_bad_param;
	if (hmac_update(s, buf, len) != srtp_err_status_ok)
		return srtp_err_status_auth_fail;
	s->phase = MAC_DONE;
	if (EVP_MAC_final(s->ctx, md, &n, sizeof(md)) != 1 || n != SHA1_LEN)
		return srtp_err_status_auth_fail;
	memcpy(tag, md, (size_t)tag_len);
	return srtp_err_status_ok;
}

/* RFC 2202, test case 1 */
static const uint8_t hk[20] = {
	0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
	0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
};
static const uint8_t hdata[8] = { 'H', 'i', ' ', 'T', 'h', 'e', 'r', 'e' };
static const uint8_t htag[20] = {
	0xb6, 0x17, 0x31, 0x86, 0x55, 0x05, 0x72, 0x64, 0xe2, 0x8b,
	0xc0, 0xb6, 0xfb, 0x37, 0x8c, 0x8e, 0xf1, 0x46, 0xbe, 0x00,
};
static const srtp_auth_test_case_t hmac_test = {
	sizeof(hk), hk, sizeof(hdata), hdata, sizeof(htag), htag, NULL,
};

static const srtp_auth_type_t hmac_type = {
	hmac_alloc, hmac_dealloc, hmac_init, hmac_compute, hmac_update, hmac_start,
	"HMAC-SHA1 (OpenSSL)", &hmac_test, SRTP_HMAC_SHA1,
};

int tsrtp_ossl_install(void)
{
	if (hmac_alg == NULL && (hmac_alg = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return -1;
	for (int i = 0; i < 3; i++)
		if (srtp_replace_cipher_type(&icm_types[i], icm_types[i].id) != srtp_err_status_ok)
			return -1;
	if (srtp_replace_auth_type(&hmac_type, SRTP_HMAC_SHA1) != srtp_err_status_ok)
		return -1;
	return 0;
}
