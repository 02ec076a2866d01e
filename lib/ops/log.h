/* lib/ops/log: one logging API for the daemon. Lines go to stderr; under
 * systemd (JOURNAL_STREAM set) each line carries a <N> priority prefix that
 * journald reads, otherwise a timestamp. Any thread. */
#pragma once

#include "conf/conf.h"

extern int log_max_level;

void log_open(int level);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...)   log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_LVL_WARNING, __VA_ARGS__)
#define log_notice(...)  log_msg(LOG_LVL_NOTICE, __VA_ARGS__)
#define log_info(...)    log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...)   do { if (log_max_level >= LOG_LVL_DEBUG) log_msg(LOG_LVL_DEBUG, __VA_ARGS__); } while (0)

/* Copy src into dst (len bytes), replacing the key material of every
 * a=crypto line and the credentials of Authorization headers with "[redacted]". */
void redact_sip(const char *src, char *dst, size_t len);
