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

void redact_sip(const char *src, char *dst, size_t len)
{
	size_t o = 0;
	const char *p = src;

	if (len == 0)
		return;
	while (*p && o + 1 < len) {
		size_t n = line_len(p);
		size_t keep = n;
		const char *tail = NULL;

		if (n > 9 && strncasecmp(p, "a=crypto:", 9) == 0) {
			/* a=crypto:<tag> <suite> inline:<key>... : keep tag and suite */
			const char *k = p + 9;
			int spaces = 0;
			while (k < p + n && spaces < 2) {
				if (*k == ' ')
					spaces++;
				k++;
			}
			keep = (size_t)(k - p);
			tail = "[redacted]";
		} else if (auth_header(p, n, &keep)) {
			tail = " [redacted]";
		}
		if (keep > len - 1 - o)
			keep = len - 1 - o;
		memcpy(dst + o, p, keep);
		o += keep;
		if (tail) {
			size_t t = strlen(tail);
			if (t > len - 1 - o)
				t = len - 1 - o;
			memcpy(dst + o, tail, t);
			o += t;
		}
		p += n;
		/* the line end itself */
		while ((*p == '\r' || *p == '\n') && o + 1 < len)
			dst[o++] = *p++;
	}
	dst[o] = '\0';
}
