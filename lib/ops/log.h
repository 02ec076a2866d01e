/* lib/ops/log: one logging API for the daemon. Under systemd (stderr is the
 * journal stream named by JOURNAL_STREAM) each line goes to the journal with
 * sd_journal_send(): MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, NODE (the node id,
 * lib/util/tid.h, once set), and for a line about a call CALL_ID, CALL_UUID,
 * SIP_CALL_ID_A, SIP_CALL_ID_B and ROUTE, so that `journalctl CALL_ID=7`
 * shows one call and `journalctl NODE=sbc1` one node. Otherwise plain lines
 * on stderr: time stamp, node id, level, message. Any thread. */
#pragma once

#include <stddef.h>
#include <sys/uio.h>

#include "conf/conf.h"

extern int log_max_level;

void log_open(int level);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The structured fields of a line about one call (NULL strings are left out). */
struct log_call_fields {
	unsigned long long call;	/* our call id */
	const char *uuid;		/* the call's UUID */
	const char *a_call_id, *b_call_id, *route;
};
void log_call_msg(int level, const struct log_call_fields *f, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* For the tests: the journal fields of one line, built in buf (as
 * sd_journal_sendv() takes them); returns how many iov entries were used. */
#define LOG_MAX_FIELDS 10
size_t log_journal_fields(int level, const struct log_call_fields *f, const char *msg,
			  char *buf, size_t len, struct iovec iov[LOG_MAX_FIELDS]);
/* Whether stderr is the journal stream JOURNAL_STREAM ("dev:inode") names. */
bool log_stderr_is_journal(const char *journal_stream);

#define log_error(...)   log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_LVL_WARNING, __VA_ARGS__)
#define log_notice(...)  log_msg(LOG_LVL_NOTICE, __VA_ARGS__)
#define log_info(...)    log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...)   do { if (log_max_level >= LOG_LVL_DEBUG) log_msg(LOG_LVL_DEBUG, __VA_ARGS__); } while (0)

/* Copy src into dst (len bytes), replacing the key material of every
 * a=crypto line and the credentials of Authorization headers with "[redacted]". */
void redact_sip(const char *src, char *dst, size_t len);
