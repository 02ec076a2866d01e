/* lib/media/tsrtp_int.h: private to lib/media/tsrtp*.c. */
#pragma once

/* After srtp_init(): libsrtp2's AES-ICM (128, 192, 256) and HMAC-SHA1 from
 * OpenSSL (tsrtp_ossl.c). 0, or -1 when OpenSSL or libsrtp2's self-test
 * refused (then libsrtp2 keeps its own). */
int tsrtp_ossl_install(void);
