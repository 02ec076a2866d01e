/* lib/ops/log.c: see log.h. */
#include <stdarg.h>
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
		} else if ((n > 14 && strncasecmp(p, "Authorization:", 14) == 0) ||
			   (n > 20 && strncasecmp(p, "Proxy-Authorization:", 20) == 0)) {
			keep = (size_t)(strchr(p, ':') - p) + 1;
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
