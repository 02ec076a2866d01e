/* lib/ops/log.c: see log.h. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

#include "log.h"

int log_max_level = LOG_LVL_INFO;
static int journal;

void log_open(int level)
{
	log_max_level = level;
	journal = getenv("JOURNAL_STREAM") != NULL;
}

void log_msg(int level, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	int n;

	if (level > log_max_level)
		return;
	if (journal) {
		n = snprintf(line, sizeof(line), "<%d>", level);
	} else {
		struct timeval tv;
		struct tm tm;
		gettimeofday(&tv, NULL);
		localtime_r(&tv.tv_sec, &tm);
		n = (int)strftime(line, sizeof(line), "%H:%M:%S", &tm);
		n += snprintf(line + n, sizeof(line) - (size_t)n, ".%03ld %-7s ",
			      (long)tv.tv_usec / 1000, conf_log_level_name(level));
	}
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", line);
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
