/* daemon/: tandemd's process: arguments, config, signals, systemd, the main
 * loop, and the control-socket commands. Sofia thread only. */
#pragma once

#include <stdbool.h>
#include <jansson.h>

#include "conf/conf.h"
#include "sip/tsip.h"
#include "ops/ctl.h"

struct ctl;
struct ops;

struct tandemd {
	const char *conf_path;
	int cli_level;			/* -v: overrides the config's level; 0 = none */
	struct conf *conf;		/* current snapshot */
	void *root;			/* su_root_t * */
	struct tsip *sip;
	struct relay *relay;
	struct ctl *ctl;
	struct ops *ops;		/* records, events, metrics, webhooks (ops.c) */
	time_t started;
	unsigned reloads_ok, reloads_failed;
	bool stopping;
	int exit_code;
	void *drain_timer;		/* struct ttimer * */
	void *status_timer;
	time_t drain_deadline;
	bool hung_up;
	time_t pps_at;			/* packets-per-second window for status */
	uint64_t pps_packets;
};

/* svc.c */
int svc_reload(struct tandemd *d, char *err, size_t errlen);
void svc_stop(struct tandemd *d);
void svc_drain(struct tandemd *d, bool on);
int svc_start_timers(struct tandemd *d);
void svc_notify_status(struct tandemd *d);

/* ctl_cmds.c */
json_t *ctl_cmds_dispatch(void *arg, json_t *req);

/* ops.c: the bus sink and the operations threads (records, HTTP, webhooks).
 * HTTP's /status and /calls are answered by `ask` (ctl_cmds_dispatch, handed
 * over by main as the control socket gets it: ops.c does not call ctl_cmds.c). */
int ops_start(struct tandemd *d, ctl_dispatch_fn ask);
void ops_apply(struct tandemd *d);	/* after a reload: follow the new config */
void ops_reopen(struct tandemd *d);	/* SIGUSR1: reopen the records file */
void ops_stop(struct tandemd *d);
json_t *ops_status_json(struct tandemd *d);
