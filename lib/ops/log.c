/* lib/ops/log.c: see log.h. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#define SD_JOURNAL_SUPPRESS_LOCATION	/* CODE_FILE would always be this file */
#include <systemd/sd-journal.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util/tid.h"

int log_max_level = LOG_LVL_INFO;
static bool journal;

bool log_stderr_is_journal(const char *journal_stream)
{
	unsigned long long dev, ino;
	struct stat st;

	if (journal_stream == NULL ||
	    sscanf(journal_stream, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void log_open(int level)
{
	log_max_level = level;
	journal = log_stderr_is_journal(getenv("JOURNAL_STREAM"));
}

/* Append "NAME=value" to buf as the next iov entry; false when it does not fit. */
static bool add_field(char *buf, size_t len, size_t *o, struct iovec *iov, size_t *n,
		      const char *name, const char *value)
{
	int w;

	if (value == NULL || *n >= LOG_MAX_FIELDS || *o >= len)
		return false;
	w = snprintf(buf + *o, len - *o, "%s=%s", name, value);
	if (w < 0 || (size_t)w >= len - *o)
		return false;
	iov[*n].iov_base = buf + *o;
	iov[*n].iov_len = (size_t)w;
	(*n)++;
	*o += (size_t)w + 1;
	return true;
}

size_t log_journal_fields(int level, const struct log_call_fields *f, const char *msg,
			  char *buf, size_t len, struct iovec iov[LOG_MAX_FIELDS])
{
	char num[32];
	size_t o = 0, n = 0;

	snprintf(num, sizeof(num), "%d", level);
	add_field(buf, len, &o, iov, &n, "PRIORITY", num);
	add_field(buf, len, &o, iov, &n, "SYSLOG_IDENTIFIER", "tandemd");
	if (*tid_node())
		add_field(buf, len, &o, iov, &n, "NODE", tid_node());
	if (f) {
		snprintf(num, sizeof(num), "%llu", f->call);
		add_field(buf, len, &o, iov, &n, "CALL_ID", num);
		add_field(buf, len, &o, iov, &n, "CALL_UUID", f->uuid);
		add_field(buf, len, &o, iov, &n, "SIP_CALL_ID_A", f->a_call_id);
		add_field(buf, len, &o, iov, &n, "SIP_CALL_ID_B", f->b_call_id);
		add_field(buf, len, &o, iov, &n, "ROUTE", f->route);
	}
	/* last, so that a message too long for what is left is cut, not lost */
	if (!add_field(buf, len, &o, iov, &n, "MESSAGE", msg) && n < LOG_MAX_FIELDS && o + 9 < len) {
		size_t room = len - o - 1;
		snprintf(buf + o, room + 1, "MESSAGE=%s", msg);
		iov[n].iov_base = buf + o;
		iov[n].iov_len = strlen(buf + o);
		n++;
	}
	return n;
}

static void emit(int level, const struct log_call_fields *f, const char *msg)
{
	char line[2304];

	if (journal) {
		struct iovec iov[LOG_MAX_FIELDS];
		size_t n = log_journal_fields(level, f, msg, line, sizeof(line), iov);
		if (sd_journal_sendv(iov, (int)n) >= 0)
			return;
		fprintf(stderr, "<%d>%s\n", level, msg);	/* journald's socket is gone */
		return;
	}
	{
		struct timeval tv;
		struct tm tm;
		size_t n;
		gettimeofday(&tv, NULL);
		localtime_r(&tv.tv_sec, &tm);
		n = strftime(line, sizeof(line), "%H:%M:%S", &tm);
		snprintf(line + n, sizeof(line) - n, ".%03ld %s%s%-7s %s", (long)tv.tv_usec / 1000,
			 tid_node(), *tid_node() ? " " : "", conf_log_level_name(level), msg);
		fprintf(stderr, "%s\n", line);
	}
}

void log_msg(int level, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (level > log_max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	emit(level, NULL, msg);
}

void log_call_msg(int level, const struct log_call_fields *f, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (level > log_max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	emit(level, f, msg);
}

/* Length of the line starting at p (without its end). */
static size_t line_len(const char *p)
{
	return strcspn(p, "\r\n");
}

/* An Authorization or Proxy-Authorization header line (the name in any
 * case, blanks allowed before the colon): true, and how much to keep. */
static bool auth_header(const char *p, size_t n, size_t *keep)
{
	static const char *const names[] = { "Authorization", "Proxy-Authorization" };

	for (size_t i = 0; i < 2; i++) {
		size_t k = strlen(names[i]);
		if (n <= k || strncasecmp(p, names[i], k) != 0)
			continue;
		while (k < n && (p[k] == ' ' || p[k] == '\t'))
			k++;
		if (k < n && p[k] == ':') {
			*keep = k + 1;
			return true;
		}
	}
	return false;
}

/* Copy n octets, or what fits. */
static void out_put(char *dst, size_t len, size_t *o, const char *s, size_t n)
{
	if (n > len - 1 - *o)
		n = len - 1 - *o;
	memcpy(dst + *o, s, n);
	*o += n;
}

/* Copy one line, with every "inline:" key (SDES, RFC 4568) replaced. */
static void put_line_keys(char *dst, size_t len, size_t *o, const char *p, size_t n)
{
	const char *e = p + n;

	while (p < e) {
		const char *k = NULL;
		for (const char *q = p; q + 7 <= e; q++)
			if (strncasecmp(q, "inline:", 7) == 0) {
				k = q;
				break;
			}
		if (k == NULL) {
			out_put(dst, len, o, p, (size_t)(e - p));
			return;
		}
		out_put(dst, len, o, p, (size_t)(k + 7 - p));
		out_put(dst, len, o, "[redacted]", 10);
		p = k + 7;
		while (p < e && *p != ' ' && *p != '\t' && *p != ';')
			p++;
	}
}

void redact_sip(const char *src, char *dst, size_t len)
{
	size_t o = 0;
	const char *p = src;

	if (len == 0)
		return;
	while (*p && o + 1 < len) {
		size_t n = line_len(p), lead = 0, keep;

		while (lead < n && (p[lead] == ' ' || p[lead] == '\t'))
			lead++;	/* traces indent the lines of a message */
		if (n - lead > 9 && strncasecmp(p + lead, "a=crypto:", 9) == 0) {
			/* a=crypto:<tag> <suite> <key params...>: keep tag and suite */
			const char *k = p + lead + 9;
			int spaces = 0;
			while (k < p + n && spaces < 2) {
				if (*k == ' ')
					spaces++;
				k++;
			}
			out_put(dst, len, &o, p, (size_t)(k - p));
			out_put(dst, len, &o, "[redacted]", 10);
		} else if (auth_header(p + lead, n - lead, &keep)) {
			out_put(dst, len, &o, p, lead + keep);
			out_put(dst, len, &o, " [redacted]", 11);
		} else {
			put_line_keys(dst, len, &o, p, n);
		}
		p += n;
		/* the line end itself */
		while ((*p == '\r' || *p == '\n') && o + 1 < len)
			dst[o++] = *p++;
	}
	dst[o] = '\0';
}
