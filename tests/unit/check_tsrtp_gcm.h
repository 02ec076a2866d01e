/* tests/unit/check_tsrtp_gcm.h: the AEAD_AES_128_GCM and AEAD_AES_256_GCM
 * suites against RFC 7714 (included by check_tsrtp.c).
 *
 * RFC 7714's vectors (Sections 16 and 17) are given with the SESSION key and
 * salt, after key derivation. tsrtp (like libsrtp2's srtp_create) only takes a
 * MASTER key and always derives the session keys from it (RFC 3711 4.3), so
 * the exact vectors cannot go through the wrapper. They go through libsrtp2
 * directly instead, one level down: its AES-GCM cipher (the one srtp_protect
 * uses for these suites, allocated from its crypto kernel) with the RFC's key,
 * the RFC's 12-octet IV (session salt XOR SSRC/ROC/SEQ, or SSRC/SRTCP index)
 * and the RFC's associated data.
 *
 * The wrapper's own output is then checked against an independent
 * implementation of the same two RFCs (OpenSSL: the RFC 3711 key derivation
 * with AES-CTR, then RFC 7714's IV, AAD and trailer with AES-GCM): what
 * tsrtp_protect makes of the RFC's packets must be byte for byte what the RFCs
 * say for that master key. */
#include <openssl/evp.h>
#include <srtp2/cipher.h>
#include <srtp2/srtp.h>

/* libsrtp2 exports it; its header (crypto_kernel.h) is not installed */
srtp_err_status_t srtp_crypto_kernel_alloc_cipher(srtp_cipher_type_id_t id, srtp_cipher_pointer_t *cp,
						  int key_len, int tag_len);

#define RFC7714_KEY "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define RFC7714_SALT "517569642070726f2071756f"	/* "Quid pro quo" */
/* 16.1: header 8040f17b 8041f8d3 5501a0b2 (SSRC 0x5501a0b2, SEQ 0xf17b, ROC 0),
 * payload "Gallia est omnis divisa in partes tres" */
#define RFC7714_RTP "8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e697320646976" \
		    "69736120696e2070617274657320747265 73"
/* 17: an RTCP sender report, SSRC "Mars", SRTCP index 0x5d4 */
#define RFC7714_RTCP "81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61" \
		     "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef"

static const struct {
	int key_len;			/* 16 or 32 */
	const char *srtp;		/* 16.1.1 / 16.2.1: the protected packet */
	const char *srtcp_e;		/* 17.1 / 17.2: encrypted SRTCP (E = 1) */
	const char *srtcp_a;		/* 17.3 / 17.4: authenticated only (E = 0) */
} rfc7714[2] = {
	{ 16,
	  "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f"
	  "42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce",
	  "81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1"
	  "730d6fda4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4",
	  "81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeef"
	  "deadbeefdeadbeefdeadbeefdeadbeef841dd9683dd78ec92ae58790125f62b3000005d4" },
	{ 32,
	  "8040f17b8041f8d35501a0b232b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3"
	  "b50b2a0276ffae0f1ba63799b87b7aa3db36dfffd6b0f9bb7878d7a76c13",
	  "81c8000d4d617273d50ae4d1f5ce5d304ba297e47d470c282c3ece5dbffe0a50a2eaa5c1"
	  "110555be8415f658c61de0476f1b6fad1d1eb30c4446839f57ff6f6cb26ac3be800005d4",
	  "81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeef"
	  "deadbeefdeadbeefdeadbeefdeadbeef91db4afbfeee5a978fab4393ed2615fe000005d4" },
};

static size_t unhex(const char *h, uint8_t *o)	/* hex() that skips blanks */
{
	char clean[1024];
	size_t n = 0;

	for (; *h && n + 1 < sizeof(clean); h++)
		if (*h != ' ')
			clean[n++] = *h;
	clean[n] = '\0';
	return hex(clean, o);
}

/* RFC 7714 8.1 (SRTP) and 9.1 (SRTCP): the 12-octet IV */
static void rfc7714_iv(const uint8_t *salt, const uint8_t ssrc[4], uint32_t roc_or_0, uint32_t low,
		       bool rtcp, uint8_t iv[12])
{
	memset(iv, 0, 12);
	memcpy(iv + 2, ssrc, 4);
	if (rtcp) {		/* 00 00 || SSRC || 00 00 || 0 || SRTCP index (31 bits) */
		iv[8] = (uint8_t)(low >> 24 & 0x7f);
		iv[9] = (uint8_t)(low >> 16);
		iv[10] = (uint8_t)(low >> 8);
		iv[11] = (uint8_t)low;
	} else {		/* 00 00 || SSRC || ROC || SEQ */
		iv[6] = (uint8_t)(roc_or_0 >> 24);
		iv[7] = (uint8_t)(roc_or_0 >> 16);
		iv[8] = (uint8_t)(roc_or_0 >> 8);
		iv[9] = (uint8_t)roc_or_0;
		iv[10] = (uint8_t)(low >> 8);
		iv[11] = (uint8_t)low;
	}
	for (int i = 0; i < 12; i++)
		iv[i] ^= salt[i];
}

/* libsrtp2's AES-GCM cipher over one message: AAD, then in-place encryption
 * (or decryption) of buf[0 .. *len), the 16-octet tag appended (or checked) */
static srtp_err_status_t lib_gcm(int key_len, const uint8_t *iv, const uint8_t *aad, uint32_t aad_len,
				 uint8_t *buf, uint32_t *len, bool encrypt)
{
	uint8_t key[32 + 12];
	srtp_cipher_t *c = NULL;
	srtp_err_status_t st;
	uint32_t tag_len = 16;

	unhex(RFC7714_KEY, key);
	unhex(RFC7714_SALT, key + key_len);	/* the cipher takes key || salt */
	st = srtp_crypto_kernel_alloc_cipher(key_len == 16 ? SRTP_AES_GCM_128 : SRTP_AES_GCM_256, &c,
					     key_len + 12, 16);
	ck_assert_int_eq(st, srtp_err_status_ok);
	ck_assert_int_eq(srtp_cipher_init(c, key), srtp_err_status_ok);
	ck_assert_int_eq(srtp_cipher_set_iv(c, (uint8_t *)iv,
					    encrypt ? srtp_direction_encrypt : srtp_direction_decrypt),
			 srtp_err_status_ok);
	ck_assert_int_eq(srtp_cipher_set_aad(c, aad, aad_len), srtp_err_status_ok);
	if (encrypt) {
		st = srtp_cipher_encrypt(c, buf, len);
		if (st == srtp_err_status_ok) {
			st = srtp_cipher_get_tag(c, buf + *len, &tag_len);
			*len += tag_len;
		}
	} else {
		st = srtp_cipher_decrypt(c, buf, len);
	}
	srtp_cipher_dealloc(c);
	return st;
}

/* 16.1 / 16.2: SRTP, encryption (x.1) and decryption (x.2) */
START_TEST(rfc7714_srtp_vectors)
{
	int kl = rfc7714[_i].key_len;
	uint8_t salt[12], pkt[128], want[128], iv[12];
	size_t n = unhex(RFC7714_RTP, pkt), wn = unhex(rfc7714[_i].srtp, want);
	uint32_t len = (uint32_t)n - 12;

	ck_assert_int_eq(tsrtp_init(), 0);	/* srtp_init: the crypto kernel */
	unhex(RFC7714_SALT, salt);
	rfc7714_iv(salt, pkt + 8, 0, (uint32_t)(pkt[2] << 8 | pkt[3]), false, iv);
	ck_assert_int_eq(lib_gcm(kl, iv, pkt, 12, pkt + 12, &len, true), srtp_err_status_ok);
	ck_assert_uint_eq(12 + len, wn);
	ck_assert_mem_eq(pkt, want, wn);
	/* and back; a flipped bit in the header (AAD) or the tag fails */
	len = (uint32_t)wn - 12;
	ck_assert_int_eq(lib_gcm(kl, iv, pkt, 12, pkt + 12, &len, false), srtp_err_status_ok);
	unhex(RFC7714_RTP, want);
	ck_assert_uint_eq(12 + len, n);
	ck_assert_mem_eq(pkt, want, n);
	for (int where = 0; where < 2; where++) {
		unhex(rfc7714[_i].srtp, pkt);
		pkt[where ? wn - 1 : 1] ^= 0x01;
		len = (uint32_t)wn - 12;
		ck_assert_int_ne(lib_gcm(kl, iv, pkt, 12, pkt + 12, &len, false), srtp_err_status_ok);
	}
}
END_TEST

/* 17.1 - 17.4: SRTCP, encrypted (E = 1) and authenticated only (E = 0),
 * each protected and then verified */
START_TEST(rfc7714_srtcp_vectors)
{
	int v = _i / 2, kl = rfc7714[v].key_len;
	bool e = _i % 2 == 0;
	const char *wanted = e ? rfc7714[v].srtcp_e : rfc7714[v].srtcp_a;
	uint8_t salt[12], pkt[128], want[128], iv[12], aad[128];
	size_t n = unhex(RFC7714_RTCP, pkt), wn = unhex(wanted, want);
	uint32_t idx = 0x5d4, trailer = (e ? 0x80000000u : 0) | idx, len;
	uint8_t tr[4] = { (uint8_t)(trailer >> 24), (uint8_t)(trailer >> 16), (uint8_t)(trailer >> 8),
			  (uint8_t)trailer };

	ck_assert_int_eq(tsrtp_init(), 0);
	unhex(RFC7714_SALT, salt);
	rfc7714_iv(salt, pkt + 4, 0, idx, true, iv);
	/* 9.2/9.3: AAD = the first 8 octets || E + index, or the whole packet || E + index */
	memcpy(aad, pkt, e ? 8 : n);
	memcpy(aad + (e ? 8 : n), tr, 4);
	len = e ? (uint32_t)n - 8 : 0;
	ck_assert_int_eq(lib_gcm(kl, iv, aad, (e ? 8 : (uint32_t)n) + 4, e ? pkt + 8 : pkt + n, &len, true),
			 srtp_err_status_ok);
	memcpy(pkt + (e ? 8 : n) + len, tr, 4);
	ck_assert_uint_eq((e ? 8 : n) + len + 4, wn);
	ck_assert_mem_eq(pkt, want, wn);
	/* verify (and decrypt) what the RFC gives */
	len = (uint32_t)wn - 4 - (e ? 8 : (uint32_t)n);
	ck_assert_int_eq(lib_gcm(kl, iv, aad, (e ? 8 : (uint32_t)n) + 4, e ? pkt + 8 : pkt + n, &len, false),
			 srtp_err_status_ok);
	unhex(RFC7714_RTCP, want);
	ck_assert_mem_eq(pkt, want, n);
	/* the same tag under the other E flag does not verify */
	aad[(e ? 8 : n)] ^= 0x80;
	unhex(wanted, pkt);
	len = (uint32_t)wn - 4 - (e ? 8 : (uint32_t)n);
	ck_assert_int_ne(lib_gcm(kl, iv, aad, (e ? 8 : (uint32_t)n) + 4, e ? pkt + 8 : pkt + n, &len, false),
			 srtp_err_status_ok);
}
END_TEST

/* RFC 3711 4.3.1/4.3.3 with kdr 0: session material for one label, AES-CTR
 * over zeros from IV = (master salt, padded to 14 octets, XOR label at octet
 * 7) || 00 00 */
static void kdf(const uint8_t *mkey, int key_len, const uint8_t *msalt, uint8_t label, uint8_t *out,
		int out_len)
{
	uint8_t iv[16] = { 0 }, zero[32] = { 0 };
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	int n = 0;

	memcpy(iv, msalt, 12);
	iv[7] ^= label;
	ck_assert_int_eq(EVP_EncryptInit_ex(x, key_len == 16 ? EVP_aes_128_ctr() : EVP_aes_256_ctr(), NULL,
					    mkey, iv), 1);
	ck_assert_int_eq(EVP_EncryptUpdate(x, out, &n, zero, out_len), 1);
	EVP_CIPHER_CTX_free(x);
}

/* OpenSSL AES-GCM: out = enc(in) || tag */
static int ossl_gcm(const uint8_t *key, int key_len, const uint8_t *iv, const uint8_t *aad, int aad_len,
		    const uint8_t *in, int in_len, uint8_t *out)
{
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	int n = 0, m = 0;

	ck_assert_int_eq(EVP_EncryptInit_ex(x, key_len == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm(), NULL,
					    NULL, NULL), 1);
	ck_assert_int_eq(EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_SET_IVLEN, 12, NULL), 1);
	ck_assert_int_eq(EVP_EncryptInit_ex(x, NULL, NULL, key, iv), 1);
	ck_assert_int_eq(EVP_EncryptUpdate(x, NULL, &n, aad, aad_len), 1);
	if (in_len > 0)
		ck_assert_int_eq(EVP_EncryptUpdate(x, out, &n, in, in_len), 1);
	else
		n = 0;
	ck_assert_int_eq(EVP_EncryptFinal_ex(x, out + n, &m), 1);
	ck_assert_int_eq(EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_GET_TAG, 16, out + n + m), 1);
	EVP_CIPHER_CTX_free(x);
	return n + m + 16;
}

/* tsrtp with the RFC's key and salt as MASTER key: its SRTP and SRTCP packets
 * are RFC 7714's construction over the RFC 3711-derived session keys */
START_TEST(tsrtp_gcm_packets_follow_rfc7714)
{
	int kl = _i ? 32 : 16;
	enum tsrtp_suite su = _i ? TSRTP_AEAD_AES_256_GCM : TSRTP_AEAD_AES_128_GCM;
	uint8_t mkey[32], msalt[12], skey[32], ssalt[12], pkt[128 + TSRTP_TRAILER_MAX], want[160], iv[12],
		aad[16];
	struct tsrtp_key k = { .suite = su };
	struct tsrtp *tx, *rx;
	size_t n, pn;
	int wn;

	ck_assert_int_eq(tsrtp_init(), 0);
	unhex(RFC7714_KEY, mkey);
	unhex(RFC7714_SALT, msalt);
	memcpy(k.key, mkey, (size_t)kl);
	memcpy(k.key + kl, msalt, 12);
	k.len = (uint8_t)(kl + 12);
	ck_assert_uint_eq(k.len, tsrtp_key_len(su));
	ck_assert_int_eq(tsrtp_new(&k, false, &tx), 0);
	ck_assert_int_eq(tsrtp_new(&k, true, &rx), 0);

	/* SRTP: labels 0 (key) and 2 (salt) */
	kdf(mkey, kl, msalt, 0, skey, kl);
	kdf(mkey, kl, msalt, 2, ssalt, 12);
	pn = n = unhex(RFC7714_RTP, pkt);
	rfc7714_iv(ssalt, pkt + 8, 0, (uint32_t)(pkt[2] << 8 | pkt[3]), false, iv);
	memcpy(want, pkt, 12);
	wn = 12 + ossl_gcm(skey, kl, iv, pkt, 12, pkt + 12, (int)n - 12, want + 12);
	ck_assert_int_eq(tsrtp_protect(tx, pkt, &n, false), 0);
	ck_assert_uint_eq(n, (size_t)wn);
	ck_assert_mem_eq(pkt, want, n);
	ck_assert_int_eq(tsrtp_unprotect(rx, pkt, &n, false), 0);
	unhex(RFC7714_RTP, want);
	ck_assert_uint_eq(n, pn);
	ck_assert_mem_eq(pkt, want, n);

	/* SRTCP: labels 3 and 5; libsrtp's first SRTCP index is 1, encrypted (E = 1) */
	kdf(mkey, kl, msalt, 3, skey, kl);
	kdf(mkey, kl, msalt, 5, ssalt, 12);
	pn = n = unhex(RFC7714_RTCP, pkt);
	rfc7714_iv(ssalt, pkt + 4, 0, 1, true, iv);
	memcpy(aad, pkt, 8);
	memcpy(aad + 8, "\x80\x00\x00\x01", 4);
	memcpy(want, pkt, 8);
	wn = 8 + ossl_gcm(skey, kl, iv, aad, 12, pkt + 8, (int)n - 8, want + 8);
	memcpy(want + wn, aad + 8, 4);
	wn += 4;
	ck_assert_int_eq(tsrtp_protect(tx, pkt, &n, true), 0);
	ck_assert_uint_eq(n, (size_t)wn);
	ck_assert_mem_eq(pkt, want, n);
	ck_assert_int_eq(tsrtp_unprotect(rx, pkt, &n, true), 0);
	unhex(RFC7714_RTCP, want);
	ck_assert_uint_eq(n, pn);
	ck_assert_mem_eq(pkt, want, n);
	tsrtp_free(tx);
	tsrtp_free(rx);
}
END_TEST
