/*
 * tests/bench/nua-b2bua.c: the baseline of `make bench-sip`, a bare sofia NUA B2BUA.
 *
 * It owns one NUA on one UDP listener and the calls going through it: every INVITE that
 * arrives gets an outbound leg to one fixed target, with the caller's SDP untouched; the
 * two legs are paired, and 18x, 2xx, ACK, CANCEL and BYE are relayed between them. Nothing
 * else: no routing, no media, no records, no control socket. It is what tandemd would be
 * with every feature taken out, so `cps tandem/nua` says what those features cost.
 *
 * One thread: su_root_threading(root, 0), so every callback runs in main()'s loop.
 * The base configuration follows /work/shared/SOFIA-NOTES.md (media off, AUTOACK off,
 * session timers off, UDP MTU 65535, 4 MiB receive buffer).
 *
 *   nua-b2bua -l sip:127.1.77.1:5060 -t sip:127.1.77.3:5080
 *
 * Prints "ready" once it listens; on SIGTERM or SIGINT it prints
 * "nua-b2bua: calls N answered N failed N active N" and exits 0.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct leg;
struct b2b;
#define NUA_MAGIC_T struct b2b
#define NUA_HMAGIC_T struct leg

#include <sofia-sip/su.h>
#include <sofia-sip/su_wait.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/tport_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>

enum side { SIDE_A, SIDE_B };		/* A: the caller's leg (inbound), B: ours (outbound) */

struct leg {
	struct call *call;
	enum side side;
	nua_handle_t *nh;		/* NULL once destroyed */
	int answered;			/* A: a final response was sent; B: one was received */
	int up;				/* the dialog is confirmed (2xx) */
	int ending;			/* a BYE/CANCEL/final failure is on its way */
};

struct call {
	struct leg a, b;
	struct call *next, *prev;	/* the b2b's list of live calls */
};

struct b2b {
	su_root_t *root;
	nua_t *nua;
	url_string_t *target;
	struct call *calls;
	unsigned long started, answered, failed, active;
	int shutting_down;
	int done;
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static struct leg *other(struct leg *l)
{
	return l->side == SIDE_A ? &l->call->b : &l->call->a;
}

/* a status NUA made up (900-999) is no SIP code: relay a 500 instead */
static int sip_code(int status)
{
	return status >= 900 ? 500 : status;
}

static void call_free_if_done(struct b2b *b, struct call *c)
{
	if (c->a.nh || c->b.nh)
		return;
	if (c->prev)
		c->prev->next = c->next;
	else
		b->calls = c->next;
	if (c->next)
		c->next->prev = c->prev;
	b->active--;
	free(c);
}

static void leg_destroy(struct leg *l)
{
	if (!l->nh)
		return;
	nua_handle_bind(l->nh, NULL);
	nua_handle_destroy(l->nh);
	l->nh = NULL;
}

/* one leg ended or failed: end the other one the way its state asks */
static void end_other(struct b2b *b, struct leg *l, int status)
{
	struct leg *o = other(l);

	if (!o->nh || o->ending)
		return;
	o->ending = 1;
	if (o->side == SIDE_A && !o->answered) {
		int code = status >= 300 ? sip_code(status) : 500;

		o->answered = 1;
		b->failed++;
		nua_respond(o->nh, code, sip_status_phrase(code) ? sip_status_phrase(code) : "Failed",
			    TAG_END());
	} else if (o->side == SIDE_B && !o->answered) {
		nua_cancel(o->nh, TAG_END());
	} else {
		nua_bye(o->nh, TAG_END());
	}
}

static void new_call(struct b2b *b, nua_handle_t *nh, sip_t const *sip)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	struct call *c;
	sip_from_t *from = NULL;
	char mf[24] = "70";

	if (sip->sip_max_forwards) {
		if (sip->sip_max_forwards->mf_count == 0) {
			nua_respond(nh, 483, sip_483_Too_many_hops, TAG_END());
			nua_handle_destroy(nh);
			return;
		}
		snprintf(mf, sizeof(mf), "%lu", sip->sip_max_forwards->mf_count - 1);
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		nua_respond(nh, 503, sip_503_Service_unavailable, TAG_END());
		nua_handle_destroy(nh);
		return;
	}
	c->a.call = c->b.call = c;
	c->a.side = SIDE_A;
	c->b.side = SIDE_B;
	c->a.nh = nh;
	nua_handle_bind(nh, &c->a);
	c->next = b->calls;
	if (b->calls)
		b->calls->prev = c;
	b->calls = c;
	b->started++;
	b->active++;

	/* the caller's From address, with a tag of our own (nua_handle copies the tags) */
	if (sip->sip_from)
		from = sip_from_create(home, (url_string_t const *)sip->sip_from->a_url);
	c->b.nh = nua_handle(b->nua, &c->b, NUTAG_URL(b->target),
			     SIPTAG_TO_STR((char const *)b->target),
			     TAG_IF(from, SIPTAG_FROM(from)),
			     TAG_END());
	su_home_deinit(home);
	if (!c->b.nh) {
		end_other(b, &c->b, 500);
		call_free_if_done(b, c);
		return;
	}
	nua_invite(c->b.nh,
		   TAG_IF(sip->sip_content_type, SIPTAG_CONTENT_TYPE(sip->sip_content_type)),
		   TAG_IF(sip->sip_payload, SIPTAG_PAYLOAD(sip->sip_payload)),
		   SIPTAG_MAX_FORWARDS_STR(mf),
		   TAG_END());
}

/* the outbound leg's INVITE got a response: relay it to the caller */
static void r_invite(struct b2b *b, struct leg *l, int status, sip_t const *sip)
{
	struct leg *a = other(l);

	if (status < 200) {
		if (status > 100 && a->nh && !a->answered)
			nua_respond(a->nh, status, sip_status_phrase(status) ?
				    sip_status_phrase(status) : "Session Progress",
				    TAG_IF(sip && sip->sip_payload, SIPTAG_CONTENT_TYPE(sip->sip_content_type)),
				    TAG_IF(sip && sip->sip_payload, SIPTAG_PAYLOAD(sip->sip_payload)),
				    TAG_END());
		return;
	}
	l->answered = 1;
	if (status >= 300) {
		end_other(b, l, status);
		return;
	}
	l->up = 1;
	if (!a->nh || a->ending || a->answered) {
		/* the caller is gone (or this is a re-INVITE's answer): ACK and hang up */
		nua_ack(l->nh, TAG_END());
		if (!a->nh || a->ending) {
			l->ending = 1;
			nua_bye(l->nh, TAG_END());
		}
		return;
	}
	a->answered = 1;
	b->answered++;
	nua_respond(a->nh, 200, sip_200_OK,
		    TAG_IF(sip && sip->sip_payload, SIPTAG_CONTENT_TYPE(sip->sip_content_type)),
		    TAG_IF(sip && sip->sip_payload, SIPTAG_PAYLOAD(sip->sip_payload)),
		    TAG_END());
}

static void on_state(struct b2b *b, struct leg *l, tagi_t tags[])
{
	int state = nua_callstate_init;
	struct call *c = l->call;

	tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
	if (state == nua_callstate_ready)
		l->up = 1;
	if (state != nua_callstate_terminated)
		return;
	l->answered = 1;
	leg_destroy(l);
	end_other(b, l, 0);
	call_free_if_done(b, c);
}

static void on_event(nua_event_t event, int status, char const *phrase, nua_t *nua,
		     struct b2b *b, nua_handle_t *nh, struct leg *l, sip_t const *sip,
		     tagi_t tags[])
{
	switch (event) {
	case nua_i_invite:
		if (!l) {
			if (b->shutting_down) {
				nua_respond(nh, 503, sip_503_Service_unavailable, TAG_END());
				nua_handle_destroy(nh);
			} else {
				new_call(b, nh, sip);
			}
		} else {
			/* a re-INVITE: not relayed by this baseline */
			nua_respond(nh, 488, sip_488_Not_acceptable, TAG_END());
		}
		break;
	case nua_r_invite:
		if (l && l->side == SIDE_B)
			r_invite(b, l, status, sip);
		break;
	case nua_i_ack:
		/* the caller's ACK of our 200: now ACK the callee's */
		if (l && l->side == SIDE_A && l->call->b.nh && l->call->b.up)
			nua_ack(l->call->b.nh,
				TAG_IF(sip && sip->sip_payload, SIPTAG_CONTENT_TYPE(sip->sip_content_type)),
				TAG_IF(sip && sip->sip_payload, SIPTAG_PAYLOAD(sip->sip_payload)),
				TAG_END());
		break;
	case nua_i_cancel:
	case nua_i_bye:
		/* NUA answered already; the leg's terminated state follows */
		if (l) {
			l->ending = 1;
			end_other(b, l, 487);
		}
		break;
	case nua_i_state:
		if (l)
			on_state(b, l, tags);
		break;
	case nua_r_shutdown:
		if (status >= 200)
			b->done = 1;
		break;
	case nua_i_options:
	case nua_i_message:
	case nua_i_register:
	case nua_i_subscribe:
	case nua_i_publish:
	case nua_i_refer:
	case nua_i_notify:
	case nua_i_info:
	case nua_i_update:
		if (!l) {
			if (event == nua_i_register || event == nua_i_subscribe || event == nua_i_publish)
				nua_respond(nh, 405, sip_405_Method_not_allowed, NUTAG_WITH_THIS(nua),
					    TAG_END());
			nua_handle_destroy(nh);
		}
		break;
	default:
		break;
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: nua-b2bua -l sip:ADDR:PORT -t sip:TARGET:PORT\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct b2b b = { 0 };
	char const *listen = NULL, *target = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	int opt;

	while ((opt = getopt(argc, argv, "l:t:")) != -1) {
		if (opt == 'l')
			listen = optarg;
		else if (opt == 't')
			target = optarg;
		else
			usage();
	}
	if (!listen || !target)
		usage();
	b.target = URL_STRING_MAKE(target);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	su_init();
	b.root = su_root_create(&b);
	if (!b.root) {
		fprintf(stderr, "nua-b2bua: su_root_create failed\n");
		return 1;
	}
	su_root_threading(b.root, 0);
	b.nua = nua_create(b.root, on_event, &b,
			   NUTAG_URL(listen),
			   NUTAG_MEDIA_ENABLE(0),
			   NUTAG_AUTOACK(0),
			   NUTAG_AUTOALERT(0),
			   NUTAG_AUTOANSWER(0),
			   NUTAG_AUTO302(0),
			   NUTAG_MAX_RETRY_AFTER(0),
			   NUTAG_SESSION_TIMER(0),
			   NTATAG_UDP_MTU(65535),
			   TPTAG_UDP_RMEM(4 * 1024 * 1024),
			   SIPTAG_USER_AGENT_STR("nua-b2bua"),
			   TAG_END());
	if (!b.nua) {
		fprintf(stderr, "nua-b2bua: cannot listen on %s\n", listen);
		return 1;
	}
	printf("ready %s -> %s\n", listen, target);
	fflush(stdout);

	while (!b.done) {
		su_root_step(b.root, 100);
		if (stop_signal && !b.shutting_down) {
			b.shutting_down = 1;
			printf("nua-b2bua: calls %lu answered %lu failed %lu active %lu\n",
			       b.started, b.answered, b.failed, b.active);
			fflush(stdout);
			nua_shutdown(b.nua);
		}
	}
	nua_destroy(b.nua);
	while (b.calls) {		/* whatever the shutdown left: the handles are gone */
		struct call *c = b.calls;

		b.calls = c->next;
		free(c);
	}
	su_root_destroy(b.root);
	su_deinit();
	return 0;
}
