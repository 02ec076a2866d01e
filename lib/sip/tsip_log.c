/* lib/sip/tsip_log.c: sofia's own log output and the SIP message trace
 * (TPTAG_LOG) routed into our log, line by line, with SRTP keys and
 * credentials redacted. Sofia thread only. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sofia-sip/su_log.h>
#include <sofia-sip/tport_tag.h>

#include "tsip_int.h"
#include "ops/log.h"

extern su_log_t tport_log[];

static char pending[8192];
static size_t pending_len;
static bool trace_on;

static void flush_line(void)
{
	char red[sizeof(pending) + 64];

	pending[pending_len] = '\0';
	redact_sip(pending, red, sizeof(red));
	if (red[0])
		log_msg(trace_on ? LOG_LVL_INFO : LOG_LVL_DEBUG, "sip: %s", red);
	pending_len = 0;
}

static void on_sofia_log(void *stream, char const *fmt, va_list ap)
{
	char buf[4096];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	(void)stream;
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	for (int i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			flush_line();
			continue;
		}
		if (buf[i] == '\r')
			continue;
		if (pending_len + 1 < sizeof(pending))
			pending[pending_len++] = buf[i];
	}
}

void tsip_log_init(void)
{
	su_log_redirect(su_log_default, on_sofia_log, NULL);
	su_log_redirect(tport_log, on_sofia_log, NULL);
}

void tsip_log_trace(bool on)
{
	/* with the trace on, every line sofia logs is shown at info (the
	 * message dump comes at level 0 on the default log); otherwise its
	 * own chatter is shown only at debug */
	trace_on = on;
}
