/* daemon/svc.c: tandemd as a service: sd_notify (READY, STATUS, RELOADING,
 * STOPPING, WATCHDOG), reload of the config, and the SIGTERM drain (stop
 * taking calls, let calls end for the grace period, hang up the rest, shut
 * the SIP stack down, leave the loop). Sofia thread only. */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#define SU_ROOT_MAGIC_T void
#include <sofia-sip/su_wait.h>

#include "tandemd.h"
#include "ops/ctl.h"
#include "ops/log.h"
#include "util/tid.h"
#include "util/ttimer.h"

#define DRAIN_POLL_MS 200
#define HANGUP_WAIT_S 10	/* after hanging up, how long the legs may take */

void svc_notify_status(struct tandemd *d)
{
	struct call_stats st;

	call_core_stats(tsip_core(d->sip), &st);
	sd_notifyf(0, "STATUS=%s%u active calls, %.1f calls/s, %llu total",
		   call_core_draining(tsip_core(d->sip)) ? "draining: " : "",
		   st.active, st.cps, (unsigned long long)st.total);
}

int svc_reload(struct tandemd *d, char *err, size_t errlen)
{
	struct conf_error ce;
	struct conf *c;
	int r;

	sd_notify(0, "RELOADING=1");
	r = conf_load(d->conf_path, &c, &ce);
	if (r < 0) {
		conf_error_format(&ce, err, errlen);
		log_error("reload failed, keeping the running config: %s", err);
		d->reloads_failed++;
		sd_notify(0, "READY=1");
		return r;
	}
	if (strcmp(c->node, tid_node()) != 0)
		log_warning("node takes effect at restart; still %s", tid_node());
	tsip_reconfigure(d->sip, c);
	conf_unref(d->conf);
	d->conf = c;
	log_open(d->cli_level ? d->cli_level : c->log_level);
	ops_apply(d);	/* ops: records file reopened, HTTP and webhooks follow */
	d->reloads_ok++;
	log_notice("reloaded %s: %zu routes", d->conf_path, c->n_routes);
	sd_notify(0, "READY=1");
	svc_notify_status(d);
	if (errlen)
		err[0] = '\0';
	return 0;
}

static void on_shutdown_done(void *arg)
{
	struct tandemd *d = arg;

	log_notice("SIP stack down; exiting");
	su_root_break(d->root);
}

static void finish_stop(struct tandemd *d)
{
	ttimer_stop(d->drain_timer);
	tsip_shutdown(d->sip, on_shutdown_done, d);
}

static void on_drain_tick(void *arg)
{
	struct tandemd *d = arg;
	struct call_stats st;
	time_t now = time(NULL);

	call_core_stats(tsip_core(d->sip), &st);
	if (st.active == 0) {
		log_notice("all calls ended");
		finish_stop(d);
		return;
	}
	if (!d->hung_up && now >= d->drain_deadline) {
		log_notice("drain grace over: hanging up %u calls", st.active);
		d->hung_up = true;
		call_core_hangup_all(tsip_core(d->sip), CALL_END_DRAIN);
		d->drain_deadline = now + HANGUP_WAIT_S;
	} else if (d->hung_up && now >= d->drain_deadline) {
		log_warning("%u calls did not end; shutting down anyway", st.active);
		finish_stop(d);
		return;
	}
	ttimer_start(d->drain_timer, DRAIN_POLL_MS);
}

void svc_stop(struct tandemd *d)
{
	if (d->stopping)
		return;
	d->stopping = true;
	sd_notify(0, "STOPPING=1");
	call_core_drain(tsip_core(d->sip), true);
	d->drain_deadline = time(NULL) + d->conf->drain_grace;
	log_notice("stopping: no new calls; waiting up to %d s for calls to end",
		   d->conf->drain_grace);
	on_drain_tick(d);
}

void svc_drain(struct tandemd *d, bool on)
{
	call_core_drain(tsip_core(d->sip), on);
	log_notice(on ? "draining: new calls get 503" : "taking new calls again");
	svc_notify_status(d);
}

/* glibc keeps the pages of a burst of calls (or of REGISTERs, which hold no
 * call) until told otherwise: give them back once the daemon is idle again,
 * no call up and no new call or REGISTER since the last tick, and once more
 * when the burst's transactions are gone too (nta keeps them 32 s; the ticks
 * are about 1 s) (SOFIA-NOTES, memory). */
#define TRIM_AGAIN_TICKS 40

static void trim_when_idle(struct tandemd *d)
{
	static uint64_t last;
	static unsigned idle;
	struct tsip_reg_stats rs;
	struct call_stats st;
	uint64_t work;

	call_core_stats(tsip_core(d->sip), &st);
	tsip_reg_stats(d->sip, &rs);
	work = st.total + rs.ok + rs.local + rs.challenged + rs.failed;
	if (st.active != 0 || work != last)
		idle = 0;
	else if (idle <= TRIM_AGAIN_TICKS && (++idle == 1 || idle == TRIM_AGAIN_TICKS))
		malloc_trim(0);
	last = work;
}

static void on_status_tick(void *arg)
{
	struct tandemd *d = arg;
	uint64_t wd_usec = 0;
	unsigned next = 1000;

	trim_when_idle(d);
	if (sd_watchdog_enabled(0, &wd_usec) > 0) {
		sd_notify(0, "WATCHDOG=1");
		if (wd_usec / 2000 < next)
			next = (unsigned)(wd_usec / 2000);
	}
	svc_notify_status(d);
	ttimer_start(d->status_timer, next ? next : 1);
}

int svc_start_timers(struct tandemd *d)
{
	d->drain_timer = ttimer_new(d->root, on_drain_tick, d);
	d->status_timer = ttimer_new(d->root, on_status_tick, d);
	if (d->drain_timer == NULL || d->status_timer == NULL)
		return -ENOMEM;
	on_status_tick(d);
	return 0;
}
