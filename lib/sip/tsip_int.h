/* lib/sip private: NUA types for tsip.c and tsip_leg.c. */
#pragma once

#define NUA_MAGIC_T struct tsip
#define NUA_HMAGIC_T struct leg
#define SU_ROOT_MAGIC_T struct tsip

#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_wait.h>

#include "tsip.h"

struct tsip {
	su_root_t *root;
	nua_t *nua;
	struct call_core *core;
	struct conf *conf;		/* for the advertised host and user agent */
	char *bound_url;		/* the listener NUA runs on (fixed until restart) */
	void (*shutdown_done)(void *arg);
	void *shutdown_arg;
	bool down;
	struct tsip_stats st;
};

/* What lib/sip keeps per leg: leg->sip points here. */
struct tsip_leg {
	struct tsip *t;
	nua_handle_t *nh;
	su_home_t home[1];		/* phrases handed to nua_respond() */
	nua_saved_event_t saved[_LEG_REQ_MAX];	/* UPDATE, INFO, REFER waiting for an answer */
	sip_event_t *refer_event;	/* the implicit subscription of a REFER we took */
	sip_event_t *refer_pending;	/* that of the REFER waiting for our answer */
};

extern const struct leg_ops tsip_leg_ops;

int tsip_leg_attach(struct tsip *t, struct leg *l, nua_handle_t *nh);
/* Save the current event as the pending request of that kind on the leg. */
void tsip_leg_save(struct leg *l, enum leg_req req);
void tsip_leg_set_refer_event(struct leg *l, const sip_event_t *ev);
void tsip_log_init(void);
void tsip_log_trace(bool on);
