/* tests/unit/check_call.c: the session coordinator (lib/call) without a
 * network. The test plays lib/sip: it makes leg A with leg_new(), hands it to
 * call_on_invite(), and feeds the call_on_*() events in the order NUA reports
 * them (lib/sip/tsip.c, SOFIA-NOTES.md). The coordinator drives its legs
 * through a fake struct leg_ops that writes every operation into a log the
 * tests assert on, can be told to fail one kind of operation (-EIO), and
 * marks a released leg as gone: the tests never deliver an event to it.
 * Timers run on a real su_root, 50 times faster (ttimer_set_divisor). The
 * config is a real snapshot from conf_load(); there is no relay (SDP passes
 * through). Every test ends with the core's active count at 0 and every leg
 * released; ASan (make SAN=1) checks that nothing leaks or is used after
 * it is freed. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sofia-sip/su_wait.h>

#include "call/call.h"
#include "call/call_int.h"
#include "ops/log.h"
#include "util/ttimer.h"
#include "testutil.h"

#define TIME_DIV 50	/* 1 s of the config is 20 ms here */

static const char *const conf_text =
	"routes = (\n"
	"  { name = \"one\"; match = { ruri_user = \"^1\"; };\n"
	"    targets = ( \"sip:127.0.0.1:5081\" );\n"
	"    connect_timeout = 1; no_answer_timeout = 2; },\n"
	"  { name = \"two\"; match = { ruri_user = \"^2\"; };\n"
	"    targets = ( \"sip:127.0.0.1:5081\", \"sip:127.0.0.1:5082\" );\n"
	"    failover_codes = ( 486, 408, \"5xx\" );\n"
	"    connect_timeout = 1; no_answer_timeout = 3; },\n"
	"  { name = \"short\"; match = { ruri_user = \"^3\"; };\n"
	"    targets = ( \"sip:127.0.0.1:5083\" ); max_duration = 1; },\n"
	"  { name = \"dtmf\"; match = { ruri_user = \"^7\"; };\n"
	"    targets = ( \"sip:127.0.0.1:5084\" );\n"
	"    dtmf = { caller = \"rfc4733\"; callee = \"info\"; }; }\n"
	");\n";

static const char sdp_offer[] =
	"v=0\r\no=a 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
	"m=audio 4000 RTP/AVP 0\r\na=sendrecv\r\n";
static const char sdp_answer[] =
	"v=0\r\no=b 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
	"m=audio 5000 RTP/AVP 0\r\na=sendrecv\r\n";
static const char sdp_hold[] =
	"v=0\r\no=a 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
	"m=audio 4000 RTP/AVP 0\r\na=sendonly\r\n";

/* ---- the fake lib/sip ---- */

enum op { OP_PLACE, OP_SEND, OP_RESPOND, OP_RELEASE, OP_NOTIFY, OP_REFER, _OP_MAX };
static const char *const op_names[_OP_MAX] = {
	"place", "send", "respond", "release", "notify", "refer",
};

/* lib/sip's side of one leg (l->sip). Lives to the end of the test, so a
 * released leg can still be named; its struct leg may be freed by then. */
struct fleg {
	struct leg *l;
	char name[8];
	bool released;
	bool up;		/* its dialog is confirmed (2xx to the INVITE) */
	char ruri[80];		/* placed legs: where to */
};

struct rec {
	enum op op;
	struct fleg *f;
	enum leg_req req;
	int status;		/* respond: the status; notify: the sipfrag's */
	bool final;		/* notify */
	bool failed;		/* the fake returned -EIO */
	bool has_body;
};

#define MAX_REC 512
#define MAX_LEGS 32
static struct rec recs[MAX_REC];
static unsigned n_recs, settled;
static struct fleg flegs[MAX_LEGS];
static unsigned n_flegs, n_placed;

/* The operation to fail with -EIO (op -1: none); f NULL: on any leg. */
static struct {
	int op;
	int req;
	struct fleg *f;
} fail = { -1, -1, NULL };

static struct call_core *core;
static su_root_t *root;
static struct conf *conf;

static struct fleg *fl_attach(struct leg *l, const char *name)
{
	struct fleg *f;

	ck_assert_uint_lt(n_flegs, MAX_LEGS);
	f = &flegs[n_flegs++];
	memset(f, 0, sizeof(*f));
	f->l = l;
	snprintf(f->name, sizeof(f->name), "%s", name);
	l->sip = f;
	return f;
}

static bool failing(enum op op, struct fleg *f, enum leg_req req)
{
	return fail.op == (int)op && (fail.req < 0 || fail.req == (int)req) &&
	       (fail.f == NULL || fail.f == f);
}

static int record(enum op op, struct leg *l, enum leg_req req, int status, bool body)
{
	struct fleg *f = l->sip;
	struct rec *r;

	ck_assert_msg(f != NULL, "%s on a leg lib/sip does not hold", op_names[op]);
	ck_assert_msg(!f->released, "%s on released leg %s", op_names[op], f->name);
	ck_assert_uint_lt(n_recs, MAX_REC);
	r = &recs[n_recs++];
	*r = (struct rec){ .op = op, .f = f, .req = req, .status = status, .has_body = body };
	r->failed = failing(op, f, req);
	return r->failed ? -EIO : 0;
}

static int f_place(struct leg *l, const struct leg_target *t, const struct call_msg *m)
{
	char name[8];
	struct fleg *f;

	snprintf(name, sizeof(name), "P%u", ++n_placed);
	f = fl_attach(l, name);
	snprintf(f->ruri, sizeof(f->ruri), "%s", t->ruri);
	if (record(OP_PLACE, l, LEG_REQ_INVITE, 0, m && m->body_len > 0) < 0) {
		/* as lib/sip: nothing was sent, the handle is gone */
		f->released = true;
		l->sip = NULL;
		return -EIO;
	}
	return 0;
}

static int f_send(struct leg *l, enum leg_req req, const struct call_msg *m)
{
	return record(OP_SEND, l, req, 0, m && m->body_len > 0);
}

static int f_respond(struct leg *l, enum leg_req req, const struct call_msg *m)
{
	int r = record(OP_RESPOND, l, req, m->status, m->body_len > 0);

	if (r == 0 && req == LEG_REQ_INVITE && m->status >= 200 && m->status < 300)
		((struct fleg *)l->sip)->up = true;
	return r;
}

static void f_release(struct leg *l)
{
	struct fleg *f = l->sip;

	if (f == NULL)
		return;
	record(OP_RELEASE, l, _LEG_REQ_MAX, 0, false);
	f->released = true;
	l->sip = NULL;	/* no event arrives for it afterwards */
}

static int f_notify(struct leg *l, const char *sipfrag, bool final)
{
	int code = 0;
	int r;

	sscanf(sipfrag, "SIP/2.0 %d", &code);
	r = record(OP_NOTIFY, l, LEG_REQ_REFER, code, false);
	recs[n_recs - 1].final = final;
	return r;
}

static int f_refer(struct leg *l, const char *refer_to, const char *referred_by)
{
	(void)refer_to;
	(void)referred_by;
	return record(OP_REFER, l, LEG_REQ_REFER, 0, false);
}

static const struct leg_ops fake_ops = {
	.place = f_place, .send = f_send, .respond = f_respond, .release = f_release,
	.notify = f_notify, .refer = f_refer,
};

/* ---- looking at the log ---- */

#define ANY -1

/* How many operations since log index `from` fit (ANY: any leg, req, status). */
static unsigned count_from(unsigned from, int op, const struct fleg *f, int req, int status)
{
	unsigned n = 0;

	for (unsigned i = from; i < n_recs; i++) {
		const struct rec *r = &recs[i];
		if ((op == ANY || (int)r->op == op) && (f == NULL || r->f == f) &&
		    (req == ANY || (int)r->req == req) && (status == ANY || r->status == status))
			n++;
	}
	return n;
}

#define EXPECT_SINCE(from, n, op, f, req, status)                                          \
	do {                                                                               \
		unsigned got_ = count_from(from, op, f, req, status);                      \
		if (got_ != (unsigned)(n))                                                 \
			dump_log();                                                        \
		ck_assert_msg(got_ == (unsigned)(n), "%s %s %s %d since %u: %u times, want %u", \
			      op_names[op], (f) ? ((const struct fleg *)(f))->name : "*",  \
			      #req, (int)(status), (unsigned)(from), got_, (unsigned)(n)); \
	} while (0)

static unsigned count(int op, const struct fleg *f, int req, int status)
{
	return count_from(0, op, f, req, status);
}

static void dump_log(void)
{
	for (unsigned i = 0; i < n_recs; i++)
		fprintf(stderr, "  %2u %-7s %-3s %-6s %d%s%s\n", i, op_names[recs[i].op],
			recs[i].f->name, recs[i].req < _LEG_REQ_MAX ? leg_req_name(recs[i].req) : "",
			recs[i].status, recs[i].final ? " final" : "", recs[i].failed ? " FAILED" : "");
}

#define EXPECT(n, op, f, req, status)                                                      \
	do {                                                                               \
		unsigned got_ = count(op, f, req, status);                                 \
		if (got_ != (unsigned)(n))                                                 \
			dump_log();                                                        \
		ck_assert_msg(got_ == (unsigned)(n), "%s %s %s %d: %u times, want %u",      \
			      op_names[op], (f) ? ((const struct fleg *)(f))->name : "*",  \
			      #req, (int)(status), got_, (unsigned)(n));                   \
	} while (0)

static struct fleg *last_placed(void)
{
	for (unsigned i = n_recs; i-- > 0;)
		if (recs[i].op == OP_PLACE)
			return recs[i].f;
	ck_abort_msg("nothing placed");
	return NULL;
}

static unsigned active(void)
{
	struct call_stats st;

	call_core_stats(core, &st);
	return st.active;
}

static enum call_state state_seen;
static int see_state(const struct call_info *ci, void *arg)
{
	(void)arg;
	state_seen = ci->state;
	return -1;	/* the newest call only */
}

static enum call_state newest_state(void)
{
	state_seen = _CALL_ST_MAX;
	call_core_foreach(core, see_state, NULL);
	return state_seen;
}

/* ---- events, as lib/sip delivers them ---- */

static void live(const struct fleg *f)
{
	ck_assert_msg(!f->released, "event for released leg %s", f->name);
}

static struct call_msg msg(int status, const char *body)
{
	return (struct call_msg){
		.status = status, .phrase = status ? "Phrase" : NULL,
		.ctype = body ? "application/sdp" : NULL, .body = body,
		.body_len = body ? strlen(body) : 0, .retry_after = -1,
	};
}

static void ev_resp(struct fleg *f, enum leg_req req, int status, const char *body)
{
	struct call_msg m = msg(status, body);

	live(f);
	if (req == LEG_REQ_INVITE && status >= 200 && status < 300)
		f->up = true;
	call_on_response(f->l, req, &m);
}

static void ev_req(struct fleg *f, enum leg_req req, const char *body)
{
	struct call_msg m = msg(0, body);

	live(f);
	call_on_request(f->l, req, &m);
}

static void ev_ended(struct fleg *f)
{
	live(f);
	call_on_ended(f->l);
}

static struct sockaddr_in src = { .sin_family = AF_INET };

static struct call_invite invite_of(const char *user, const char *call_id)
{
	src.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	src.sin_port = htons(5060);
	return (struct call_invite){
		.call_id = call_id, .ruri_user = user, .ruri_host = "127.0.0.1",
		.from_user = "alice", .to_user = user, .source = (struct sockaddr *)&src,
		.max_forwards = 70, .msg = msg(0, sdp_offer),
	};
}

/* A new call to user: leg A as lib/sip makes it. */
static struct fleg *call_in(const char *user, const char *name)
{
	struct leg *a = leg_new(core, LEG_A);
	struct fleg *f;
	struct call_invite inv;
	char cid[32];

	ck_assert_ptr_nonnull(a);
	f = fl_attach(a, name);
	snprintf(cid, sizeof(cid), "cid-%s", name);
	leg_set_call_id(a, cid);
	inv = invite_of(user, cid);
	call_on_invite(core, a, &inv);
	return f;
}

/* The network reacts to what tandemd sent since the last settle: a BYE is
 * answered 200 and its dialog ends; a CANCEL is answered 200, its INVITE
 * 487, and the dialog ends; a final failure we answered to an INVITE ends
 * that dialog. Tests that want another order handle those operations
 * themselves and skip them with consume(). */
static void settle(void)
{
	for (unsigned guard = 0; settled < n_recs && guard < MAX_REC; guard++) {
		struct rec r = recs[settled++];
		struct fleg *f = r.f;

		if (r.failed || f->released)
			continue;
		if (r.op == OP_SEND && r.req == LEG_REQ_BYE) {
			ev_resp(f, LEG_REQ_BYE, 200, NULL);
			if (!f->released)
				ev_ended(f);
		} else if (r.op == OP_SEND && r.req == LEG_REQ_CANCEL && !f->up) {
			ev_resp(f, LEG_REQ_CANCEL, 200, NULL);
			if (!f->released)
				ev_resp(f, LEG_REQ_INVITE, 487, NULL);
			if (!f->released)
				ev_ended(f);
		} else if (r.op == OP_RESPOND && r.req == LEG_REQ_INVITE && r.status >= 300 &&
			   !f->up) {
			ev_ended(f);
		}
	}
}

static void consume(void)
{
	settled = n_recs;
}

/* Run the sofia loop until cond holds, for at most ms milliseconds. */
static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

#define RUN_UNTIL(cond, ms)                                                           \
	do {                                                                          \
		double end_ = now_ms() + (ms);                                        \
		while (!(cond) && now_ms() < end_)                                    \
			su_root_step(root, 5);                                        \
		if (!(cond))                                                          \
			dump_log();                                                   \
		ck_assert_msg(cond, "not within %d ms: %s", (int)(ms), #cond);        \
	} while (0)

/* An answered call A -> B on route "one"; returns A, *ret_b = B. */
static struct fleg *answered_call(const char *user, const char *name, struct fleg **ret_b)
{
	struct fleg *a = call_in(user, name), *b = last_placed();

	ev_resp(b, LEG_REQ_INVITE, 180, NULL);
	ev_resp(b, LEG_REQ_INVITE, 200, sdp_answer);
	ev_req(a, LEG_REQ_ACK, NULL);
	ck_assert(a->up);
	*ret_b = b;
	return a;
}

/* Nothing left: no call, every leg released, no state change refused. */
static void all_gone(void)
{
	struct call_stats st;

	call_core_stats(core, &st);
	if (st.active)
		dump_log();
	ck_assert_uint_eq(st.active, 0);
	ck_assert_msg(st.refused == 0, "%llu state changes refused (call_fsm.c)",
		      (unsigned long long)st.refused);
	for (unsigned i = 0; i < n_flegs; i++)
		ck_assert_msg(flegs[i].released, "leg %s never released", flegs[i].name);
}

static void setup(void)
{
	log_max_level = LOG_LVL_ERR;
	n_recs = settled = n_flegs = n_placed = 0;
	fail.op = fail.req = -1;
	fail.f = NULL;
	ck_assert_int_eq(su_init(), 0);
	root = su_root_create(NULL);
	ck_assert_ptr_nonnull(root);
	su_root_threading(root, 0);
	ttimer_set_divisor(TIME_DIV);
	conf = tu_load_ok(conf_text);
	ck_assert_int_eq(call_core_new(&fake_ops, root, NULL, &core), 0);
	call_core_set_conf(core, conf);
	conf = conf_unref(conf);
}

static void teardown(void)
{
	core = call_core_free(core);
	su_root_destroy(root);
	root = NULL;
	su_deinit();
}

/* ---- DTMF (dtmf.c) ---- */

/* Digits the relay read from an rfc4733 leg go as INFO to the info leg,
 * one INFO at a time, in order; none after the call ends; a digit on a
 * route without conversion is only counted. */
START_TEST(dtmf_digits_become_info_one_at_a_time)
{
	struct fleg *b, *a = answered_call("700", "A", &b);
	uint64_t cookie = (uint64_t)1 << COOKIE_SHIFT;	/* call 1, stream 0 */

	media_on_dtmf(core, cookie, LEG_A, 5, 160);
	media_on_dtmf(core, cookie, LEG_A, 11, 200);
	media_on_dtmf(core, cookie, LEG_A, 99, 200);	/* no digit: ignored */
	media_on_dtmf(core, cookie + (2 << COOKIE_SHIFT), LEG_A, 1, 200);	/* no such call */
	EXPECT(1, OP_SEND, b, LEG_REQ_INFO, ANY);	/* the second waits */
	EXPECT(0, OP_SEND, a, LEG_REQ_INFO, ANY);
	ev_resp(b, LEG_REQ_INFO, 200, NULL);
	EXPECT(2, OP_SEND, b, LEG_REQ_INFO, ANY);
	ev_resp(b, LEG_REQ_INFO, 200, NULL);
	EXPECT(0, OP_RESPOND, a, LEG_REQ_INFO, ANY);	/* nobody waited for them */
	ck_assert_uint_eq(b->l->call->dtmf_n[LEG_A], 2);
	ck_assert_uint_eq(b->l->call->dtmf_n[LEG_B], 0);
	/* a digit of the info leg from the RTP (not its mode): counted, nothing sent */
	media_on_dtmf(core, cookie, LEG_B, 1, 200);
	EXPECT(0, OP_SEND, a, LEG_REQ_INFO, ANY);
	ev_req(a, LEG_REQ_BYE, NULL);
	media_on_dtmf(core, cookie, LEG_A, 7, 200);	/* closing: nothing */
	EXPECT(2, OP_SEND, b, LEG_REQ_INFO, ANY);
	settle();
	all_gone();
}
END_TEST

START_TEST(dtmf_not_converted_on_a_passthrough_route)
{
	struct fleg *b, *a = answered_call("100", "A", &b);

	media_on_dtmf(core, (uint64_t)1 << COOKIE_SHIFT, LEG_A, 5, 160);
	EXPECT(0, OP_SEND, b, LEG_REQ_INFO, ANY);
	ev_req(a, LEG_REQ_BYE, NULL);
	settle();
	all_gone();
}
END_TEST

/* ---- answer and hang up ---- */

START_TEST(answer_then_bye_from_caller)
{
	struct fleg *b, *a = answered_call("100", "A", &b);
	struct call_stats st;

	ck_assert_str_eq(b->ruri, "sip:100@127.0.0.1:5081");
	EXPECT(1, OP_RESPOND, a, LEG_REQ_INVITE, 180);
	EXPECT(1, OP_RESPOND, a, LEG_REQ_INVITE, 200);
	EXPECT(1, OP_SEND, b, LEG_REQ_ACK, ANY);
	ck_assert_int_eq(newest_state(), CALL_ST_CONFIRMED);
	ck_assert_uint_eq(active(), 1);
	ev_req(a, LEG_REQ_BYE, NULL);
	ck_assert(a->released);
	EXPECT(1, OP_SEND, b, LEG_REQ_BYE, ANY);
	settle();
	all_gone();
	call_core_stats(core, &st);
	ck_assert_uint_eq(st.total, 1);
	ck_assert_uint_eq(st.answered, 1);
	ck_assert_uint_eq(st.failed, 0);
}
END_TEST

START_TEST(answer_then_bye_from_callee)
{
	struct fleg *b, *a = answered_call("100", "A", &b);

	ev_req(b, LEG_REQ_BYE, NULL);
	ck_assert(b->released);
	EXPECT(1, OP_SEND, a, LEG_REQ_BYE, ANY);
	EXPECT(0, OP_SEND, b, LEG_REQ_BYE, ANY);
	settle();
	all_gone();
}
END_TEST

/* Bug 5: the callee's BYE cannot be sent on (send fails): every leg has
 * ended inside call_close(), which freed the call, and call_on_request()
 * read c->state afterwards (ASan: heap-use-after-free). */
START_TEST(bye_when_the_peer_bye_fails)
{
	struct fleg *b, *a = answered_call("100", "A", &b);

	fail.op = OP_SEND;
	fail.req = LEG_REQ_BYE;
	ev_req(a, LEG_REQ_BYE, NULL);
	EXPECT(1, OP_SEND, b, LEG_REQ_BYE, ANY);
	ck_assert(b->released);
	all_gone();
}
END_TEST

/* Bug 5 in call_on_ended(): a leg lost without BYE (session timer), the
 * other leg's BYE fails: the call was freed under call_on_ended(). */
START_TEST(leg_lost_when_the_peer_bye_fails)
{
	struct fleg *b, *a = answered_call("100", "A", &b);

	fail.op = OP_SEND;
	fail.req = LEG_REQ_BYE;
	ev_ended(b);
	EXPECT(1, OP_SEND, a, LEG_REQ_BYE, ANY);
	all_gone();
}
END_TEST

/* A leg that never reports its end: the guard timer frees the call. */
START_TEST(guard_frees_a_call_whose_leg_never_ends)
{
	struct fleg *b, *a = answered_call("100", "A", &b);

	ev_req(a, LEG_REQ_BYE, NULL);
	EXPECT(1, OP_SEND, b, LEG_REQ_BYE, ANY);
	ck_assert_uint_eq(active(), 1);
	consume();	/* B never answers the BYE */
	RUN_UNTIL(active() == 0, 3000);
	all_gone();
}
END_TEST

/* ---- failures and failover ---- */

START_TEST(busy_without_failover)
{
	struct fleg *a = call_in("100", "A"), *b = last_placed();
	struct call_stats st;

	ev_resp(b, LEG_REQ_INVITE, 486, NULL);
	ck_assert(b->released);
	EXPECT(1, OP_PLACE, NULL, ANY, ANY);
	EXPECT(1, OP_RESPOND, a, LEG_REQ_INVITE, 486);
	settle();
	all_gone();
	call_core_stats(core, &st);
	ck_assert_uint_eq(st.failed, 1);
}
END_TEST

START_TEST(busy_with_failover)
{
	struct fleg *a = call_in("200", "A"), *b1 = last_placed(), *b2;

	ck_assert_str_eq(b1->ruri, "sip:200@127.0.0.1:5081");
	ev_resp(b1, LEG_REQ_INVITE, 180, NULL);
	ev_resp(b1, LEG_REQ_INVITE, 486, NULL);
	ck_assert(b1->released);
	b2 = last_placed();
	ck_assert_ptr_ne(b1, b2);
	ck_assert_str_eq(b2->ruri, "sip:200@127.0.0.1:5082");
	EXPECT(0, OP_RESPOND, a, LEG_REQ_INVITE, 486);
	ev_resp(b2, LEG_REQ_INVITE, 486, NULL);
	EXPECT(1, OP_RESPOND, a, LEG_REQ_INVITE, 486);
	settle();
	all_gone();
}
END_TEST

START_TEST(failover_then_answer)
{
	struct fleg *a = call_in("200", "A"), *b1 = last_placed(), *b2;

	ev_resp(b1, LEG_REQ_INVITE, 503, NULL);
	b2 = last_placed();
	ev_resp(b2, LEG_REQ_INVITE, 200, sdp_answer);
	EXPECT(1, OP_RESPOND, a, LEG_REQ_INVITE, 200);
	ev_req(b2, LEG_REQ_BYE, NULL);
	settle();
	all_gone();
}
END_TEST

/* place() fails on every target: the caller hears 503 at once. */
START_TEST(place_fails_on_every_target)
{
	struct fleg *a;

	fail.op = OP_PLACE;
	a = call_in("200", "A");
	EXPECT(2, OP_PLACE, NULL, ANY, ANY);
	EXPECT(1, OP_RESPOND, a, LEG_REQ_INVITE, 503);
	settle();
	all_gone();
}
END_TEST

START_TEST(no_route_404)
{
	struct fleg *a = call_in("999", "A");

	EXPECT(0, OP_PLACE, NULL, ANY, ANY);
	EXPECT(1, OP_RESPOND, a, LEG_REQ_INVITE, 404);
	settle();
	all_gone();
}
END_TEST

/* ---- CANCEL at every moment ---- */

START_TEST(cancel_before_any_response)
{
	struct fleg *a = call_in("100", "A"), *b = last_placed();

	ck_assert_int_eq(newest_state(), CALL_ST_CALLING);
	ev_req(a, LEG_REQ_CANCEL, NULL);
	EXPECT(1, OP_SEND, b, LEG_REQ_CANCEL, ANY);
	EXPECT(0, OP_RESPOND, a, LEG_REQ_INVITE, ANY);	/* NUA answered 487 */
	ev_ended(a);
	settle();
	all_gone();
}
END_TEST

START_TEST(cancel_after_180)
{
	struct fleg *a = call_in("100", "A"), *b = last_placed();

	ev_resp(b, LEG_REQ_INVITE, 180, NULL);
	ck_assert_int_eq(newest_state(), CALL_ST_EARLY);
	ev_req(a, LEG_REQ_CANCEL, NULL);
	EXPECT(1, OP_SEND, b, LEG_REQ_CANCEL, ANY);
	ev_ended(a);
	settle();
	all_gone();
}
END_TEST

/* The callee's 200 crosses our CANCEL: it is ACKed and hung up. */
START_TEST(cancel_crossing_the_200)
{
	struct fleg *a = call_in("100", "A"), *b = last_placed();

	ev_resp(b, LEG_REQ_INVITE, 180, NULL);
	ev_req(a, LEG_REQ_CANCEL, NULL);
	ev_ended(a);
	EXPECT(1, OP_SEND, b, LEG_REQ_CANCEL, ANY);
	consume();
	ev_resp(b, LEG_REQ_CANCEL, 481, NULL);
	ev_resp(b, LEG_REQ_INVITE, 200, sdp_answer);
	EXPECT(1, OP_SEND, b, LEG_REQ_ACK, ANY);
	EXPECT(1, OP_SEND, b, LEG_REQ_BYE, ANY);
	EXPECT(0, OP_RESPOND, a, LEG_REQ_INVITE, 200);
	settle();
	all_gone();
}
END_TEST

/* The CANCEL cannot be sent: the leg is released at once. */
START_TEST(cancel_that_cannot_be_sent)
{
	struct fleg *a = call_in("100", "A"), *b = last_placed();

	fail.op = OP_SEND;
	fail.req = LEG_REQ_CANCEL;
	ev_req(a, LEG_REQ_CANCEL, NULL);
	ck_assert(b->released);
	ev_ended(a);
	all_gone();
}
END_TEST

/* ---- timers ---- */

START_TEST(no_answer_timer)
{
	struct fleg *a = call_in("100", "A"), *b = last_placed();

	ev_resp(b, LEG_REQ_INVITE, 180, NULL);
	RUN_UNTIL(count(OP_SEND, b, LEG_REQ_CANCEL, ANY) == 1, 2000);
	EXPECT(1, OP_RESPOND, a, LEG_REQ_INVITE, 408);
	settle();
	all_gone();
}
END_TEST

/* No response at all from the first target: the second one is tried. */
START_TEST(connect_timeout_with_failover)
{
	struct fleg *a = call_in("200", "A"), *b1 = last_placed(), *b2;

	RUN_UNTIL(count(OP_PLACE, NULL, ANY, ANY) == 2, 2000);
	ck_assert(b1->released);
	b2 = last_placed();
	ck_assert_str_eq(b2->ruri, "sip:200@127.0.0.1:5082");
	ev_resp(b2, LEG_REQ_INVITE, 200, sdp_answer);
	EXPECT(1, OP_RESPOND, a, LEG_REQ_INVITE, 200);
	ev_req(a, LEG_REQ_BYE, NULL);
	settle();
	all_gone();
}
END_TEST

/* No response from either target: 408 to the caller. */
START_TEST(connect_timeout_everywhere)
{
	struct fleg *a = call_in("200", "A");

	RUN_UNTIL(count(OP_RESPOND, a, LEG_REQ_INVITE, 408) == 1, 2000);
	EXPECT(2, OP_PLACE, NULL, ANY, ANY);
	settle();
	all_gone();
}
END_TEST

START_TEST(max_duration_hangs_up_both)
{
	struct fleg *b, *a = answered_call("300", "A", &b);

	RUN_UNTIL(count(OP_SEND, NULL, LEG_REQ_BYE, ANY) == 2, 2000);
	EXPECT(1, OP_SEND, a, LEG_REQ_BYE, ANY);
	EXPECT(1, OP_SEND, b, LEG_REQ_BYE, ANY);
	settle();
	all_gone();
}
END_TEST

/* ---- re-INVITE ---- */

static void hold_resume(struct fleg *x, struct fleg *y)
{
	unsigned from = n_recs;

	/* hold: the offer crosses, the answer comes back */
	ev_req(x, LEG_REQ_INVITE, sdp_hold);
	EXPECT_SINCE(from, 1, OP_SEND, y, LEG_REQ_INVITE, ANY);
	ev_resp(y, LEG_REQ_INVITE, 200, sdp_answer);
	EXPECT_SINCE(from, 1, OP_RESPOND, x, LEG_REQ_INVITE, 200);
	ev_req(x, LEG_REQ_ACK, NULL);
	/* resume */
	ev_req(x, LEG_REQ_INVITE, sdp_offer);
	EXPECT_SINCE(from, 2, OP_SEND, y, LEG_REQ_INVITE, ANY);
	ev_resp(y, LEG_REQ_INVITE, 200, sdp_answer);
	EXPECT_SINCE(from, 2, OP_RESPOND, x, LEG_REQ_INVITE, 200);
	ev_req(x, LEG_REQ_ACK, NULL);
}

START_TEST(hold_resume_from_caller)
{
	struct fleg *b, *a = answered_call("100", "A", &b);

	hold_resume(a, b);
	EXPECT(3, OP_SEND, b, LEG_REQ_ACK, ANY);	/* the call's, and one per re-INVITE */
	ev_req(b, LEG_REQ_BYE, NULL);
	settle();
	all_gone();
}
END_TEST

START_TEST(hold_resume_from_callee)
{
	struct fleg *b, *a = answered_call("100", "A", &b);

	hold_resume(b, a);
	EXPECT(2, OP_SEND, a, LEG_REQ_ACK, ANY);
	ev_req(a, LEG_REQ_BYE, NULL);
	settle();
	all_gone();
}
END_TEST

/* A re-INVITE crossing one of the same kind gets 491; a 491 from the peer
 * is retried after a delay, and its answer goes back. */
START_TEST(glare_491_then_retry)
{
	struct fleg *b, *a = answered_call("100", "A", &b);
	unsigned from = n_recs;

	ev_req(a, LEG_REQ_INVITE, sdp_hold);
	EXPECT(1, OP_SEND, b, LEG_REQ_INVITE, ANY);
	/* B's own re-INVITE crosses ours */
	ev_req(b, LEG_REQ_INVITE, sdp_hold);
	EXPECT(1, OP_RESPOND, b, LEG_REQ_INVITE, 491);
	EXPECT(0, OP_SEND, a, LEG_REQ_INVITE, ANY);
	/* and B answers ours 491: tried again later */
	ev_resp(b, LEG_REQ_INVITE, 491, NULL);
	EXPECT(0, OP_RESPOND, a, LEG_REQ_INVITE, 491);
	RUN_UNTIL(count(OP_SEND, b, LEG_REQ_INVITE, ANY) == 2, 3000);
	ev_resp(b, LEG_REQ_INVITE, 200, sdp_answer);
	EXPECT_SINCE(from, 1, OP_RESPOND, a, LEG_REQ_INVITE, 200);
	ev_req(a, LEG_REQ_BYE, NULL);
	settle();
	all_gone();
}
END_TEST

/* The peer hangs up while our retry waits: nothing is sent again. */
START_TEST(glare_retry_then_bye)
{
	struct fleg *b, *a = answered_call("100", "A", &b);

	ev_req(a, LEG_REQ_INVITE, sdp_hold);
	ev_resp(b, LEG_REQ_INVITE, 491, NULL);
	ev_req(b, LEG_REQ_BYE, NULL);
	EXPECT(1, OP_RESPOND, a, LEG_REQ_INVITE, 487);
	settle();
	all_gone();
}
END_TEST

/* ---- blind transfer ---- */

static const struct call_refer refer_1200 = {
	.refer_to = "sip:1200@127.0.0.1", .user = "1200", .host = "127.0.0.1",
};

/* B refers A to 1200; returns the new leg T. */
static struct fleg *refer_from(struct fleg *x)
{
	unsigned placed = count(OP_PLACE, NULL, ANY, ANY);

	live(x);
	call_on_refer(x->l, &refer_1200);
	EXPECT(1, OP_RESPOND, x, LEG_REQ_REFER, 202);
	ck_assert_uint_eq(count(OP_PLACE, NULL, ANY, ANY), placed + 1);
	ck_assert_str_eq(last_placed()->ruri, "sip:1200@127.0.0.1:5081");
	return last_placed();
}

START_TEST(blind_transfer_target_answers)
{
	struct fleg *b, *a = answered_call("100", "A", &b), *t = refer_from(b);

	ev_resp(t, LEG_REQ_INVITE, 180, NULL);
	EXPECT(1, OP_NOTIFY, b, ANY, 180);
	ev_resp(t, LEG_REQ_INVITE, 200, sdp_answer);
	EXPECT(1, OP_SEND, t, LEG_REQ_ACK, ANY);
	EXPECT(1, OP_NOTIFY, b, ANY, 200);
	EXPECT(1, OP_SEND, b, LEG_REQ_BYE, ANY);	/* the transferor is let go */
	settle();
	ck_assert(b->released);
	ck_assert_uint_eq(active(), 1);
	/* A now talks to T */
	ev_req(a, LEG_REQ_BYE, NULL);
	EXPECT(1, OP_SEND, t, LEG_REQ_BYE, ANY);
	settle();
	all_gone();
}
END_TEST

START_TEST(blind_transfer_target_busy)
{
	struct fleg *b, *a = answered_call("100", "A", &b), *t = refer_from(b);

	ev_resp(t, LEG_REQ_INVITE, 486, NULL);
	ck_assert(t->released);
	EXPECT(1, OP_NOTIFY, b, ANY, 486);
	EXPECT(0, OP_SEND, NULL, LEG_REQ_BYE, ANY);
	ck_assert_int_eq(newest_state(), CALL_ST_CONFIRMED);
	/* A and B stay connected */
	ev_req(a, LEG_REQ_INVITE, sdp_hold);
	EXPECT(1, OP_SEND, b, LEG_REQ_INVITE, ANY);
	ev_resp(b, LEG_REQ_INVITE, 200, sdp_answer);
	ev_req(b, LEG_REQ_BYE, NULL);
	settle();
	all_gone();
}
END_TEST

/* The transferor hangs up while the target rings: the transfer goes on. */
START_TEST(blind_transfer_transferor_bye_then_answer)
{
	struct fleg *b, *a = answered_call("100", "A", &b), *t = refer_from(b);

	ev_resp(t, LEG_REQ_INVITE, 180, NULL);
	ev_req(b, LEG_REQ_BYE, NULL);
	ck_assert(b->released);
	EXPECT(0, OP_SEND, a, LEG_REQ_BYE, ANY);
	ev_resp(t, LEG_REQ_INVITE, 200, sdp_answer);
	EXPECT(1, OP_SEND, t, LEG_REQ_ACK, ANY);
	ev_req(t, LEG_REQ_BYE, NULL);
	EXPECT(1, OP_SEND, a, LEG_REQ_BYE, ANY);
	settle();
	all_gone();
}
END_TEST

/* ... and then the target is busy: nobody is left for A. */
START_TEST(blind_transfer_transferor_bye_then_busy)
{
	struct fleg *b, *a = answered_call("100", "A", &b), *t = refer_from(b);

	ev_req(b, LEG_REQ_BYE, NULL);
	ev_resp(t, LEG_REQ_INVITE, 486, NULL);
	EXPECT(1, OP_SEND, a, LEG_REQ_BYE, ANY);
	settle();
	all_gone();
}
END_TEST

/* Bug 5 through xfer.c: the target's leg dies without a final response
 * after the transferor left, and A's BYE cannot be sent: the call was
 * freed inside xfer_on_leg_event() and call_on_ended() read it. */
START_TEST(blind_transfer_target_lost_when_the_bye_fails)
{
	struct fleg *b, *a = answered_call("100", "A", &b), *t = refer_from(b);

	ev_req(b, LEG_REQ_BYE, NULL);
	fail.op = OP_SEND;
	fail.req = LEG_REQ_BYE;
	ev_ended(t);
	EXPECT(1, OP_SEND, a, LEG_REQ_BYE, ANY);
	all_gone();
}
END_TEST

START_TEST(blind_transfer_second_refer_refused)
{
	struct fleg *b, *a = answered_call("100", "A", &b), *t = refer_from(b);

	call_on_refer(a->l, &refer_1200);
	EXPECT(1, OP_RESPOND, a, LEG_REQ_REFER, 491);
	call_on_refer(b->l, &refer_1200);
	EXPECT(1, OP_RESPOND, b, LEG_REQ_REFER, 491);
	EXPECT(1, OP_PLACE, t, ANY, ANY);
	EXPECT(2, OP_PLACE, NULL, ANY, ANY);	/* B and T only */
	ev_req(a, LEG_REQ_BYE, NULL);
	/* the caller left: the ringing target is cancelled, B hung up */
	EXPECT(1, OP_SEND, t, LEG_REQ_CANCEL, ANY);
	EXPECT(1, OP_SEND, b, LEG_REQ_BYE, ANY);
	EXPECT(1, OP_NOTIFY, b, ANY, 487);
	settle();
	all_gone();
}
END_TEST

/* The target does not answer: the transfer's own timer cancels it. */
/* The caller transfers: the target's leg is on side A, and still ours to
 * CANCEL when it rings too long (it is no caller waiting for an answer). */
START_TEST(blind_transfer_from_the_caller_no_answer)
{
	struct fleg *b, *a = answered_call("100", "A", &b), *t = refer_from(a);

	ck_assert_int_eq(t->l->side, LEG_A);
	ck_assert(!leg_needs_answer(t->l));
	ev_resp(t, LEG_REQ_INVITE, 180, NULL);
	RUN_UNTIL(count(OP_SEND, t, LEG_REQ_CANCEL, ANY) == 1, 2000);
	settle();
	EXPECT(1, OP_NOTIFY, a, ANY, 487);
	ev_req(b, LEG_REQ_BYE, NULL);
	settle();
	all_gone();
}
END_TEST

START_TEST(blind_transfer_no_answer)
{
	struct fleg *b, *a = answered_call("100", "A", &b), *t = refer_from(b);

	ev_resp(t, LEG_REQ_INVITE, 180, NULL);
	RUN_UNTIL(count(OP_SEND, t, LEG_REQ_CANCEL, ANY) == 1, 2000);
	settle();
	EXPECT(1, OP_NOTIFY, b, ANY, 487);
	ck_assert_int_eq(newest_state(), CALL_ST_CONFIRMED);
	ev_req(a, LEG_REQ_BYE, NULL);
	settle();
	all_gone();
}
END_TEST

/* ---- attended transfer and Replaces ---- */

/* X talks to A1 in call 1 (X is its callee) and to B2 in call 2 (X
 * called it). X refers A1 to B2, replacing its dialog with B2. */
START_TEST(attended_transfer)
{
	struct fleg *x1, *a1 = answered_call("100", "A1", &x1);
	struct fleg *b2, *x2 = answered_call("101", "X2", &b2);
	struct call_refer r = {
		.refer_to = "sip:101@127.0.0.1?Replaces=cid-X2", .user = "101", .host = "127.0.0.1",
		.replaces = true, .replaces_value = "cid-X2", .replaced = x2->l,
	};

	ck_assert_uint_eq(active(), 2);
	call_on_refer(x1->l, &r);
	EXPECT(1, OP_RESPOND, x1, LEG_REQ_REFER, 202);
	EXPECT(1, OP_NOTIFY, x1, ANY, 200);
	EXPECT(1, OP_SEND, x1, LEG_REQ_BYE, ANY);	/* X let go in call 1 */
	EXPECT(1, OP_SEND, x2, LEG_REQ_BYE, ANY);	/* call 2 ends */
	EXPECT(1, OP_SEND, b2, LEG_REQ_INVITE, ANY);	/* B2 hears of A1's media */
	ev_resp(b2, LEG_REQ_INVITE, 200, sdp_answer);
	settle();
	ck_assert_uint_eq(active(), 1);
	ev_req(a1, LEG_REQ_BYE, NULL);
	EXPECT(1, OP_SEND, b2, LEG_REQ_BYE, ANY);
	settle();
	all_gone();
}
END_TEST

/* call 2's BYE to X cannot be sent: call 2 has no leg left. */
START_TEST(attended_transfer_when_the_bye_fails)
{
	struct fleg *x1, *a1 = answered_call("100", "A1", &x1);
	struct fleg *b2, *x2 = answered_call("101", "X2", &b2);
	struct call_refer r = {
		.refer_to = "sip:101@127.0.0.1?Replaces=cid-X2", .user = "101", .host = "127.0.0.1",
		.replaces = true, .replaces_value = "cid-X2", .replaced = x2->l,
	};

	fail.op = OP_SEND;
	fail.req = LEG_REQ_BYE;
	fail.f = x2;
	call_on_refer(x1->l, &r);
	ck_assert(x2->released);
	ev_resp(b2, LEG_REQ_INVITE, 200, sdp_answer);
	settle();
	ck_assert_uint_eq(active(), 1);
	ev_req(b2, LEG_REQ_BYE, NULL);
	EXPECT(1, OP_SEND, a1, LEG_REQ_BYE, ANY);
	settle();
	all_gone();
}
END_TEST

START_TEST(invite_with_replaces)
{
	struct fleg *b, *a = answered_call("100", "A", &b);
	struct leg *nl = leg_new(core, LEG_A);
	struct fleg *n = fl_attach(nl, "N");
	struct call_invite inv = invite_of("100", "cid-N");

	call_on_replaces(nl, b->l, &inv);
	EXPECT(1, OP_RESPOND, n, LEG_REQ_INVITE, 200);
	EXPECT(1, OP_SEND, b, LEG_REQ_BYE, ANY);
	settle();
	ck_assert(b->released);
	ck_assert_uint_eq(active(), 1);
	ev_req(a, LEG_REQ_BYE, NULL);
	EXPECT(1, OP_SEND, n, LEG_REQ_BYE, ANY);
	settle();
	all_gone();
}
END_TEST

START_TEST(invite_with_replaces_of_a_ringing_call)
{
	struct fleg *a = call_in("100", "A"), *b = last_placed();
	struct leg *nl = leg_new(core, LEG_A);
	struct fleg *n = fl_attach(nl, "N");
	struct call_invite inv = invite_of("100", "cid-N");

	call_on_replaces(nl, b->l, &inv);
	EXPECT(1, OP_RESPOND, n, LEG_REQ_INVITE, 481);
	ck_assert(n->released);
	ev_req(a, LEG_REQ_CANCEL, NULL);
	ev_ended(a);
	settle();
	all_gone();
}
END_TEST

/* ---- drain, hangup, shutdown ---- */

START_TEST(drain_refuses_new_calls)
{
	struct fleg *b, *a = answered_call("100", "A", &b), *n;

	call_core_drain(core, true);
	n = call_in("100", "N");
	EXPECT(1, OP_RESPOND, n, LEG_REQ_INVITE, 503);
	EXPECT(1, OP_PLACE, NULL, ANY, ANY);
	settle();
	ck_assert_uint_eq(active(), 1);	/* the call in progress goes on */
	ev_req(a, LEG_REQ_BYE, NULL);
	settle();
	all_gone();
}
END_TEST

/* Calls in every state are hung up, whatever way each leg is ended.
 * (CALL_ST_ROUTING never outlives call_on_invite(): a call is placed or
 * closed before it returns.) */
static struct fleg *gone_leg;	/* let go by a transfer, its BYE unanswered */

static void calls_in_every_state(void)
{
	struct fleg *b, *t;

	call_in("100", "C1");				/* calling */
	call_in("101", "E1");				/* early */
	ev_resp(last_placed(), LEG_REQ_INVITE, 180, NULL);
	answered_call("102", "K1", &b);			/* confirmed */
	answered_call("103", "X1", &b);			/* a transfer ringing */
	t = refer_from(b);
	ev_resp(t, LEG_REQ_INVITE, 180, NULL);
	answered_call("104", "G1", &b);			/* a let-go leg ending */
	t = refer_from(b);
	ev_resp(t, LEG_REQ_INVITE, 200, sdp_answer);
	EXPECT(1, OP_SEND, b, LEG_REQ_BYE, ANY);
	ck_assert(!b->released);
	gone_leg = b;
	consume();	/* that BYE is not answered yet */
	ck_assert_uint_eq(active(), 5);
}

START_TEST(hangup_all_in_every_state)
{
	calls_in_every_state();
	call_core_hangup_all(core, CALL_END_DRAIN);
	settle();
	ck_assert_uint_eq(active(), 1);	/* the let-go leg's BYE is still on its way */
	ev_resp(gone_leg, LEG_REQ_BYE, 200, NULL);
	ev_ended(gone_leg);
	all_gone();
}
END_TEST

START_TEST(hangup_all_when_every_send_fails)
{
	calls_in_every_state();
	fail.op = OP_SEND;
	call_core_hangup_all(core, CALL_END_DRAIN);
	settle();
	RUN_UNTIL(active() == 0, 3000);	/* the let-go leg waits for the guard */
	all_gone();
}
END_TEST

START_TEST(hangup_one_call)
{
	struct fleg *b;

	answered_call("100", "A", &b);
	ck_assert_int_eq(call_core_hangup(core, 1), 0);
	ck_assert_int_eq(call_core_hangup(core, 1), -EALREADY);
	ck_assert_int_eq(call_core_hangup(core, 7), -ENOENT);
	settle();
	all_gone();
}
END_TEST

START_TEST(hangup_one_call_when_the_byes_fail)
{
	struct fleg *b;

	answered_call("100", "A", &b);
	fail.op = OP_SEND;
	ck_assert_int_eq(call_core_hangup(core, 1), 0);
	all_gone();
}
END_TEST

static void released_all(void)
{
	for (unsigned i = 0; i < n_flegs; i++)
		ck_assert_msg(flegs[i].released, "leg %s never released", flegs[i].name);
}

START_TEST(core_free_with_calls_calling_early_confirmed_closing)
{
	struct fleg *b, *z;

	call_in("100", "C1");
	call_in("101", "E1");
	ev_resp(last_placed(), LEG_REQ_INVITE, 180, NULL);
	answered_call("102", "K1", &b);
	z = call_in("103", "Z1");	/* closing: its CANCEL is not answered */
	ev_req(z, LEG_REQ_CANCEL, NULL);
	ck_assert_uint_eq(active(), 4);
	core = call_core_free(core);
	released_all();
}
END_TEST

/* Bug 4: a call holding a ringing transfer leg: call_core_free() ended only
 * c->leg[], so the call never counted as ended and the loop spun forever. */
START_TEST(core_free_with_a_ringing_transfer_leg)
{
	struct fleg *b, *t;

	answered_call("100", "A", &b);
	t = refer_from(b);
	ev_resp(t, LEG_REQ_INVITE, 180, NULL);
	core = call_core_free(core);
	released_all();
}
END_TEST

/* Bug 4: a leg let go by a transfer whose BYE has not finished. */
START_TEST(core_free_with_a_let_go_leg)
{
	struct fleg *b, *t;

	answered_call("100", "A", &b);
	t = refer_from(b);
	ev_resp(t, LEG_REQ_INVITE, 200, sdp_answer);
	ck_assert(!b->released);	/* its BYE is on its way */
	core = call_core_free(core);
	released_all();
}
END_TEST

START_TEST(core_free_in_every_state)
{
	calls_in_every_state();
	core = call_core_free(core);
	released_all();
}
END_TEST

/* Shut down while every call is closing: BYEs and CANCELs unanswered, the
 * guard timers armed, a let-go leg still ending. */
START_TEST(core_free_after_hangup_all)
{
	calls_in_every_state();
	call_core_hangup_all(core, CALL_END_DRAIN);
	ck_assert_uint_eq(active(), 5);
	core = call_core_free(core);
	released_all();
}
END_TEST


/* call_fsm.c: forward only; a closing call stays closing; failover goes back
 * to calling from calling or early, never from an answered call. */
START_TEST(state_table)
{
	static const struct { enum call_state from, to; bool ok; } t[] = {
		{ CALL_ST_ROUTING, CALL_ST_CALLING, true },
		{ CALL_ST_ROUTING, CALL_ST_CONFIRMED, false },
		{ CALL_ST_CALLING, CALL_ST_CALLING, true },
		{ CALL_ST_EARLY, CALL_ST_CALLING, true },
		{ CALL_ST_EARLY, CALL_ST_CONFIRMED, true },
		{ CALL_ST_CONFIRMED, CALL_ST_CALLING, false },
		{ CALL_ST_CONFIRMED, CALL_ST_EARLY, false },
		{ CALL_ST_CONFIRMED, CALL_ST_CLOSING, true },
		{ CALL_ST_CLOSING, CALL_ST_CLOSING, false },
		{ CALL_ST_CLOSING, CALL_ST_CONFIRMED, false },
		{ _CALL_ST_MAX, CALL_ST_CLOSING, false },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(call_state_allowed(t[i].from, t[i].to) == t[i].ok, "%s -> %s",
			      call_state_name(t[i].from), call_state_name(t[i].to));
}
END_TEST

/* call_fsm.c: a closing call expects every event (late answers, crossing
 * BYEs, stale timers); nothing reaches a call that is routing; an answered
 * call hears no more responses to its initial INVITE; a timer that lost
 * its race is expected, not refused. */
START_TEST(event_table)
{
	for (int ev = 0; ev < _CALL_EV_MAX; ev++) {
		ck_assert_msg(call_fsm_action(CALL_ST_CLOSING, ev) != NULL, "closing: %s",
			      call_ev_name(ev));
		ck_assert_msg(call_fsm_action(CALL_ST_ROUTING, ev) == NULL, "routing: %s",
			      call_ev_name(ev));
	}
	ck_assert_ptr_null(call_fsm_action(CALL_ST_CONFIRMED, CALL_EV_PROVISIONAL));
	ck_assert_ptr_null(call_fsm_action(CALL_ST_CONFIRMED, CALL_EV_ANSWER));
	ck_assert_ptr_null(call_fsm_action(CALL_ST_CONFIRMED, CALL_EV_CANCEL));
	ck_assert_ptr_nonnull(call_fsm_action(CALL_ST_CONFIRMED, CALL_EV_ANSWER_TIMEOUT));
	ck_assert_ptr_eq(call_fsm_action(CALL_ST_CALLING, CALL_EV_ANSWER), call_act_answer);
	ck_assert_ptr_eq(call_fsm_action(CALL_ST_EARLY, CALL_EV_FAILURE), call_act_failover);
	ck_assert_ptr_eq(call_fsm_action(CALL_ST_CLOSING, CALL_EV_ANSWER), call_act_ack_bye);
	ck_assert_ptr_eq(call_fsm_action(CALL_ST_CLOSING, CALL_EV_BYE), call_act_leg_gone);
	ck_assert_ptr_null(call_fsm_action(_CALL_ST_MAX, CALL_EV_BYE));
}
END_TEST

/* ---- the leg's state machine and the container of a call's legs ---- */

/* Which leg state may follow which (call_fsm.c), pair by pair: an allowed
 * change is made, a refused one leaves the state as it was and is counted. */
START_TEST(leg_state_table)
{
	static const bool want[_LEG_ST_MAX][_LEG_ST_MAX] = {
		[LEG_ST_INVITING] = { [LEG_ST_CONFIRMED] = true, [LEG_ST_CANCELLING] = true,
				      [LEG_ST_ENDED] = true },
		[LEG_ST_CONFIRMED] = { [LEG_ST_ENDING] = true, [LEG_ST_ENDED] = true },
		[LEG_ST_CANCELLING] = { [LEG_ST_CONFIRMED] = true, [LEG_ST_ENDED] = true },
		[LEG_ST_ENDING] = { [LEG_ST_ENDED] = true },
	};
	struct call_stats st;
	uint64_t refused = 0;

	for (int from = 0; from < _LEG_ST_MAX; from++)
		for (int to = 0; to < _LEG_ST_MAX; to++) {
			struct leg *l = leg_new(core, LEG_B);

			ck_assert_ptr_nonnull(l);
			l->state = from;	/* put there by hand: the test, not a path */
			ck_assert_msg(leg_state_allowed(from, to) == want[from][to], "%s -> %s",
				      leg_state_name(from), leg_state_name(to));
			ck_assert_int_eq(leg_set_state(l, to), want[from][to] ? 0 : -EINVAL);
			ck_assert_int_eq(l->state, want[from][to] ? to : from);
			refused += !want[from][to];
			call_core_stats(core, &st);
			ck_assert_uint_eq(st.refused, refused);
			leg_free(l);
		}
	ck_assert(!leg_state_allowed(_LEG_ST_MAX, LEG_ST_ENDED));
	ck_assert(!leg_state_allowed(LEG_ST_INVITING, _LEG_ST_MAX));
	ck_assert_str_eq(leg_state_name(LEG_ST_CANCELLING), "cancelling");
}
END_TEST

/* Answer, BYE from A: both legs inviting, then confirmed; A ended at its
 * BYE, B ending until its BYE is over. */
START_TEST(leg_states_of_a_call)
{
	struct fleg *a = call_in("100", "A"), *b = last_placed();
	struct leg *la = a->l, *lb = b->l;

	ck_assert_int_eq(la->state, LEG_ST_INVITING);
	ck_assert_int_eq(lb->state, LEG_ST_INVITING);
	ck_assert(leg_needs_answer(la));
	ck_assert(!leg_needs_answer(lb));
	ev_resp(b, LEG_REQ_INVITE, 180, NULL);
	ck_assert_int_eq(lb->state, LEG_ST_INVITING);
	ev_resp(b, LEG_REQ_INVITE, 200, sdp_answer);
	ck_assert_int_eq(la->state, LEG_ST_CONFIRMED);
	ck_assert_int_eq(lb->state, LEG_ST_CONFIRMED);
	ck_assert(!leg_needs_answer(la));
	ev_req(a, LEG_REQ_ACK, NULL);
	ev_req(a, LEG_REQ_BYE, NULL);
	ck_assert(leg_is_ended(la));
	ck_assert_int_eq(lb->state, LEG_ST_ENDING);
	ck_assert(leg_is_answered(lb));
	ck_assert(!leg_is_confirmed(lb));
	EXPECT(1, OP_SEND, b, LEG_REQ_BYE, ANY);
	ev_resp(b, LEG_REQ_BYE, 200, NULL);
	ck_assert_int_eq(lb->state, LEG_ST_ENDING);	/* until its end is reported */
	ev_ended(b);	/* the call is freed: la and lb with it */
	all_gone();
}
END_TEST

/* The caller CANCELs: A is cancelling (NUA answered 487: no BYE, no answer
 * of ours), B cancelling; B's 200 crosses our CANCEL: confirmed after all,
 * ACKed and hung up (ending). */
START_TEST(leg_states_of_a_cancel)
{
	struct fleg *a = call_in("100", "A"), *b = last_placed();
	struct leg *la = a->l, *lb = b->l;

	ev_resp(b, LEG_REQ_INVITE, 180, NULL);
	ev_req(a, LEG_REQ_CANCEL, NULL);
	ck_assert_int_eq(la->state, LEG_ST_CANCELLING);
	ck_assert_int_eq(lb->state, LEG_ST_CANCELLING);
	ck_assert(!leg_needs_answer(la));
	EXPECT(1, OP_SEND, b, LEG_REQ_CANCEL, ANY);
	EXPECT(0, OP_SEND, a, LEG_REQ_BYE, ANY);
	EXPECT(1, OP_RESPOND, a, LEG_REQ_INVITE, ANY);	/* the 180 only */
	ev_ended(a);
	ck_assert(leg_is_ended(la));
	consume();
	ev_resp(b, LEG_REQ_CANCEL, 481, NULL);
	ev_resp(b, LEG_REQ_INVITE, 200, sdp_answer);
	ck_assert_int_eq(lb->state, LEG_ST_ENDING);
	EXPECT(1, OP_SEND, b, LEG_REQ_ACK, ANY);
	EXPECT(1, OP_SEND, b, LEG_REQ_BYE, ANY);
	settle();
	all_gone();
}
END_TEST

static unsigned n_legs(const struct call *c, int role)
{
	unsigned n = 0;

	for (const struct leg *l = c->legs; l; l = l->call_next)
		n += role == ANY || (int)l->role == role;
	return n;
}

/* The container's invariants (call_int.h, leg.c) on every leg of c. */
static void check_legs(const struct call *c)
{
	unsigned n = 0;

	for (const struct leg *l = c->legs; l; l = l->call_next) {
		const struct leg *other = c->leg[l->side == LEG_A ? LEG_B : LEG_A];

		ck_assert_uint_lt(++n, MAX_LEGS);	/* no loop */
		ck_assert_ptr_eq(l->call, c);
		switch (l->role) {
		case LEG_ROLE_PARTY:	/* the other party's peer, both ways */
			ck_assert_ptr_eq(c->leg[l->side], l);
			ck_assert_ptr_eq(l->peer, other);
			if (other)
				ck_assert_ptr_eq(other->peer, l);
			break;
		case LEG_ROLE_TARGET:	/* one way, to the party it will join */
			ck_assert_ptr_eq(l->peer, other);
			break;
		case LEG_ROLE_GONE:
			ck_assert_ptr_null(l->peer);
			break;
		default:
			ck_abort_msg("a leg of a call with no role");
		}
	}
	for (int s = 0; s < _LEG_SIDE_MAX; s++) {
		const struct leg *l = c->leg[s];

		if (l == NULL)
			continue;
		ck_assert_int_eq(l->role, LEG_ROLE_PARTY);
		ck_assert_int_eq(l->side, s);
	}
	ck_assert_uint_eq(n_legs(c, LEG_ROLE_PARTY), (c->leg[LEG_A] != NULL) + (c->leg[LEG_B] != NULL));
	ck_assert_uint_le(n_legs(c, LEG_ROLE_TARGET), 1);
}

/* A blind transfer that completes moves legs between roles: the target is
 * a transfer leg while it rings (A's peer is still B), then a party on B's
 * side with A as its peer both ways; B is let go, and leaves the call when
 * its BYE is over. */
START_TEST(legs_move_roles_in_a_blind_transfer)
{
	struct fleg *b, *a = answered_call("100", "A", &b), *t;
	struct call *c = a->l->call;

	check_legs(c);
	ck_assert_uint_eq(n_legs(c, ANY), 2);
	t = refer_from(b);
	check_legs(c);
	ck_assert_int_eq(t->l->role, LEG_ROLE_TARGET);
	ck_assert_ptr_eq(xfer_leg(c), t->l);
	ck_assert_ptr_eq(t->l->peer, a->l);
	ck_assert_ptr_eq(a->l->peer, b->l);
	ev_resp(t, LEG_REQ_INVITE, 200, sdp_answer);
	check_legs(c);
	ck_assert_ptr_eq(c->leg[LEG_B], t->l);
	ck_assert_int_eq(t->l->side, LEG_B);
	ck_assert_ptr_eq(a->l->peer, t->l);
	ck_assert_ptr_null(xfer_leg(c));
	ck_assert_int_eq(b->l->role, LEG_ROLE_GONE);
	ck_assert_int_eq(b->l->state, LEG_ST_ENDING);
	ck_assert_uint_eq(n_legs(c, ANY), 3);
	settle();	/* B's BYE is over */
	ck_assert(b->released);
	check_legs(c);
	ck_assert_uint_eq(n_legs(c, ANY), 2);
	ev_req(a, LEG_REQ_BYE, NULL);
	settle();
	all_gone();
}
END_TEST

/* An attended transfer moves B2's leg from call 2 into call 1 in X1's
 * place: call 2 keeps no party on that side and X2 no peer. */
START_TEST(legs_move_between_calls_in_an_attended_transfer)
{
	struct fleg *x1, *a1 = answered_call("100", "A1", &x1);
	struct fleg *b2, *x2 = answered_call("101", "X2", &b2);
	struct call *c1 = a1->l->call, *c2 = x2->l->call;
	struct call_refer r = {
		.refer_to = "sip:101@127.0.0.1?Replaces=cid-X2", .user = "101", .host = "127.0.0.1",
		.replaces = true, .replaces_value = "cid-X2", .replaced = x2->l,
	};

	call_on_refer(x1->l, &r);
	check_legs(c1);
	check_legs(c2);
	ck_assert_ptr_eq(b2->l->call, c1);
	ck_assert_ptr_eq(c1->leg[LEG_B], b2->l);
	ck_assert_ptr_eq(a1->l->peer, b2->l);
	ck_assert_int_eq(x1->l->role, LEG_ROLE_GONE);
	ck_assert_uint_eq(n_legs(c1, ANY), 3);
	ck_assert_ptr_null(c2->leg[LEG_B]);
	ck_assert_ptr_null(x2->l->peer);
	ck_assert_uint_eq(n_legs(c2, ANY), 1);
	ev_resp(b2, LEG_REQ_INVITE, 200, sdp_answer);
	settle();	/* call 2 is freed */
	check_legs(c1);
	ck_assert_uint_eq(active(), 1);
	ev_req(a1, LEG_REQ_BYE, NULL);
	settle();
	all_gone();
}
END_TEST

/* One call holding a leg in every role (two parties, one let go whose BYE
 * is not over, a second transfer's target ringing): shutdown frees all. */
START_TEST(core_free_with_legs_in_every_role)
{
	struct fleg *b, *a = answered_call("100", "A", &b), *t1, *t2;
	struct call *c = a->l->call;

	t1 = refer_from(b);
	ev_resp(t1, LEG_REQ_INVITE, 200, sdp_answer);
	consume();	/* B's BYE is not answered */
	t2 = refer_from(t1);
	ev_resp(t2, LEG_REQ_INVITE, 180, NULL);
	check_legs(c);
	ck_assert_uint_eq(n_legs(c, LEG_ROLE_PARTY), 2);
	ck_assert_uint_eq(n_legs(c, LEG_ROLE_GONE), 1);
	ck_assert_uint_eq(n_legs(c, LEG_ROLE_TARGET), 1);
	ck_assert_ptr_eq(xfer_leg(c), t2->l);
	core = call_core_free(core);
	released_all();
}
END_TEST

static Suite *call_suite(void)
{
	Suite *s = suite_create("call");
	TCase *tc;

	tc = tcase_create("dialog");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, state_table);
	tcase_add_test(tc, event_table);
	tcase_add_test(tc, dtmf_digits_become_info_one_at_a_time);
	tcase_add_test(tc, dtmf_not_converted_on_a_passthrough_route);
	tcase_add_test(tc, answer_then_bye_from_caller);
	tcase_add_test(tc, answer_then_bye_from_callee);
	tcase_add_test(tc, bye_when_the_peer_bye_fails);
	tcase_add_test(tc, leg_lost_when_the_peer_bye_fails);
	tcase_add_test(tc, guard_frees_a_call_whose_leg_never_ends);
	tcase_add_test(tc, hold_resume_from_caller);
	tcase_add_test(tc, hold_resume_from_callee);
	tcase_add_test(tc, glare_491_then_retry);
	tcase_add_test(tc, glare_retry_then_bye);
	suite_add_tcase(s, tc);

	tc = tcase_create("setup");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, busy_without_failover);
	tcase_add_test(tc, busy_with_failover);
	tcase_add_test(tc, failover_then_answer);
	tcase_add_test(tc, place_fails_on_every_target);
	tcase_add_test(tc, no_route_404);
	tcase_add_test(tc, cancel_before_any_response);
	tcase_add_test(tc, cancel_after_180);
	tcase_add_test(tc, cancel_crossing_the_200);
	tcase_add_test(tc, cancel_that_cannot_be_sent);
	tcase_add_test(tc, no_answer_timer);
	tcase_add_test(tc, connect_timeout_with_failover);
	tcase_add_test(tc, connect_timeout_everywhere);
	tcase_add_test(tc, max_duration_hangs_up_both);
	suite_add_tcase(s, tc);

	tc = tcase_create("transfer");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, blind_transfer_target_answers);
	tcase_add_test(tc, blind_transfer_target_busy);
	tcase_add_test(tc, blind_transfer_transferor_bye_then_answer);
	tcase_add_test(tc, blind_transfer_transferor_bye_then_busy);
	tcase_add_test(tc, blind_transfer_target_lost_when_the_bye_fails);
	tcase_add_test(tc, blind_transfer_second_refer_refused);
	tcase_add_test(tc, blind_transfer_no_answer);
	tcase_add_test(tc, blind_transfer_from_the_caller_no_answer);
	tcase_add_test(tc, attended_transfer);
	tcase_add_test(tc, attended_transfer_when_the_bye_fails);
	tcase_add_test(tc, invite_with_replaces);
	tcase_add_test(tc, invite_with_replaces_of_a_ringing_call);
	suite_add_tcase(s, tc);

	tc = tcase_create("shutdown");
	tcase_add_checked_fixture(tc, setup, teardown);
	/* bug 4 hung call_core_free(): fail in bounded time instead */
	tcase_set_timeout(tc, 5);
	tcase_add_test(tc, drain_refuses_new_calls);
	tcase_add_test(tc, hangup_all_in_every_state);
	tcase_add_test(tc, hangup_all_when_every_send_fails);
	tcase_add_test(tc, hangup_one_call);
	tcase_add_test(tc, hangup_one_call_when_the_byes_fail);
	tcase_add_test(tc, core_free_with_calls_calling_early_confirmed_closing);
	tcase_add_test(tc, core_free_with_a_ringing_transfer_leg);
	tcase_add_test(tc, core_free_with_a_let_go_leg);
	tcase_add_test(tc, core_free_in_every_state);
	tcase_add_test(tc, core_free_after_hangup_all);
	suite_add_tcase(s, tc);

	tc = tcase_create("legs");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 5);
	tcase_add_test(tc, leg_state_table);
	tcase_add_test(tc, leg_states_of_a_call);
	tcase_add_test(tc, leg_states_of_a_cancel);
	tcase_add_test(tc, legs_move_roles_in_a_blind_transfer);
	tcase_add_test(tc, legs_move_between_calls_in_an_attended_transfer);
	tcase_add_test(tc, core_free_with_legs_in_every_role);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(call_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
